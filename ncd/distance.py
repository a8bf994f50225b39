"""Compression distances from code lengths, and the pairwise drivers that compute them.

The data flow is one way: texts -> bytes -> code lengths -> distances -> neighbours.

* The metric functions (:func:`ncd`, :func:`cdm`, :func:`clm`, :func:`ncd_sym`,
  :func:`conditional_length`) take code lengths in bits and broadcast like NumPy
  ufuncs. They know nothing about compressors.
* :func:`pairwise_distances` and :func:`pairwise_kneighbors` take texts. They
  compute ``C(x)`` of every text once, then one joint length ``C(x + sep + y)``
  per pair (two for the symmetric metric), in row blocks whose size is bounded by
  ``working_memory``, in a pool of ``n_jobs`` threads (the library compressors
  release the GIL). :func:`pairwise_kneighbors` keeps only the k nearest of each
  row, so the full matrix never exists.

The query text comes first in every concatenation: for a classifier that is
``test + " " + train``, as in Jiang et al. (2023).
"""

from __future__ import annotations

import time
import warnings
from contextlib import closing
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np
from tqdm.std import tqdm  # not tqdm.auto: in a notebook without ipywidgets it warns on import

from . import _kernels
from ._validation import (
    check_choice_param,
    check_int_param,
    check_n_jobs,
    check_separator,
    check_texts,
    check_working_memory,
)
from .compressors import Compressor, get_compressor

__all__ = [
    "ncd",
    "cdm",
    "clm",
    "ncd_sym",
    "conditional_length",
    "METRICS",
    "code_lengths",
    "pairwise_distances",
    "pairwise_distances_chunked",
    "pairwise_kneighbors",
    "CompressionWindowWarning",
    "check_window",
]


# -- metrics on code lengths ----------------------------------------------------


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    # 0 / 0 happens only when a model gives both texts zero bits: nothing to tell apart.
    num, den = np.broadcast_arrays(np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64))
    out = np.zeros(num.shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def ncd(cx, cy, cxy):
    """Normalized compression distance, ``(C(xy) - min(C(x), C(y))) / max(C(x), C(y))``.

    Cilibrasi & Vitanyi (2005). About 0 for identical texts, about 1 for
    unrelated ones; real compressors can exceed 1 slightly.

    Parameters
    ----------
    cx, cy, cxy : array_like
        Code lengths (bits) of x, y and of their concatenation; broadcast together.

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> from ncd.distance import ncd
    >>> float(ncd(800.0, 1000.0, 1200.0))
    0.4
    """
    cx, cy, cxy = (np.asarray(a, dtype=np.float64) for a in (cx, cy, cxy))
    return _safe_divide(cxy - np.minimum(cx, cy), np.maximum(cx, cy))


def ncd_sym(cx, cy, cxy, cyx):
    """Symmetric NCD: :func:`ncd` with ``min(C(xy), C(yx))`` as the joint length.

    Both concatenation orders describe the pair; a real compressor gives them
    slightly different lengths, so plain NCD is not symmetric. Both are upper
    bounds on the joint complexity, and the shorter is the tighter one. Costs two
    compressions per pair.

    Examples
    --------
    >>> from ncd.distance import ncd_sym
    >>> float(ncd_sym(800.0, 1000.0, 1240.0, 1200.0))
    0.4
    """
    return ncd(cx, cy, np.minimum(np.asarray(cxy, dtype=np.float64), np.asarray(cyx, dtype=np.float64)))


def cdm(cx, cy, cxy):
    """Compression-based dissimilarity measure, ``C(xy) / (C(x) + C(y))`` (Keogh et al. 2004).

    About 0.5 for identical texts, about 1 for unrelated ones.

    Examples
    --------
    >>> from ncd.distance import cdm
    >>> float(cdm(800.0, 1000.0, 1200.0))
    0.6666666666666666
    """
    cx, cy, cxy = (np.asarray(a, dtype=np.float64) for a in (cx, cy, cxy))
    return _safe_divide(cxy, cx + cy)


def clm(cx, cy, cxy):
    """Chen-Li metric, ``1 - (C(x) + C(y) - C(xy)) / C(xy)``.

    The shared information ``C(x) + C(y) - C(xy)`` as a fraction of the joint
    length, subtracted from 1. (Some published code divides by ``C(x) + C(y)``
    or drops the ``1 -``; this is the definition of Li et al. 2001.)

    Examples
    --------
    >>> from ncd.distance import clm
    >>> float(clm(800.0, 1000.0, 1200.0))
    0.5
    """
    cx, cy, cxy = (np.asarray(a, dtype=np.float64) for a in (cx, cy, cxy))
    return 1.0 - _safe_divide(cx + cy - cxy, cxy)


def conditional_length(cx, cxy):
    """Conditional code length ``C(y | x) = C(xy) - C(x)``, in bits.

    What it costs to describe y once x is known. Not normalised: long texts cost
    more. As a metric (``metric="conditional"``) x is the query, so a neighbour is
    a training text that is cheap to describe given the query.

    Examples
    --------
    >>> from ncd.distance import conditional_length
    >>> float(conditional_length(800.0, 1200.0))
    400.0
    """
    return np.asarray(cxy, dtype=np.float64) - np.asarray(cx, dtype=np.float64)


class _Metric(NamedTuple):
    func: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None], np.ndarray]
    both_orders: bool  # needs C(y + sep + x) as well as C(x + sep + y)


#: Metric names accepted by ``metric=``, mapped to how they combine code lengths.
METRICS: dict[str, _Metric] = {
    "ncd": _Metric(lambda cx, cy, cxy, cyx: ncd(cx, cy, cxy), False),
    "ncd_sym": _Metric(lambda cx, cy, cxy, cyx: ncd_sym(cx, cy, cxy, cyx), True),
    "cdm": _Metric(lambda cx, cy, cxy, cyx: cdm(cx, cy, cxy), False),
    "clm": _Metric(lambda cx, cy, cxy, cyx: clm(cx, cy, cxy), False),
    "conditional": _Metric(lambda cx, cy, cxy, cyx: conditional_length(cx, cxy), False),
}


# -- the pairwise drivers ----------------------------------------------------------

# Rows per block at most, whatever working_memory allows: keeps the progress bar
# moving and the thread pool's queue short.
_MAX_BLOCK_ROWS = 256
_BLOCK_SECONDS = 0.25  # aim of each block's time, once the first block has been timed


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


class _Pairwise:
    """Everything a pairwise job needs, validated once: bytes, lengths, settings."""

    def __init__(self, xs, ys, cx, cy, compressor, metric, separator, n_jobs, working_memory, verbose,
                 prepared=None):
        self.xs, self.ys, self.cx, self.cy = xs, ys, cx, cy
        self.compressor = compressor
        self.metric = metric
        self.both_orders = METRICS[metric].both_orders  # needs C(y + sep + x) as well
        self.separator = separator
        self.n_jobs = n_jobs
        self.working_memory = working_memory
        self.verbose = verbose
        # what the compressor's compiled path needs about ys: None = not asked yet, False = no such path
        self.prepared = prepared

    def _row(self, i: int) -> tuple[np.ndarray, np.ndarray | None]:
        x, ys, sep = self.xs[i], self.ys, self.separator
        cxy = self.compressor.joint_code_lengths(x, ys, sep)
        cyx = self.compressor.joint_code_lengths(x, ys, sep, reverse=True) if self.both_orders else None
        return cxy, cyx

    def _compiled_block(self, start: int, stop: int):
        """The block's joint lengths from the compressor's compiled path, or (None, None)."""
        if self.prepared is None:
            self.prepared = self.compressor._prepare_refs(self.ys, self.separator, self.n_jobs)
            if self.prepared is None:
                self.prepared = False  # no compiled path for this compressor: stop asking
        if self.prepared is False:
            return None, None
        xs, cx, comp = self.xs[start:stop], self.cx[start:stop], self.compressor
        args = (xs, cx, self.prepared, self.cy, self.separator)
        cxy = comp._joint_block(*args, False, self.n_jobs)
        cyx = comp._joint_block(*args, True, self.n_jobs) if self.both_orders else None
        return cxy, cyx

    def length_blocks(self, desc: str = "pairs") -> Iterator[tuple[int, int, np.ndarray, np.ndarray | None]]:
        """Yield ``(start, stop, C(x + sep + y), C(y + sep + x) or None)`` for rows start:stop."""
        n_x, n_y = len(self.xs), len(self.ys)
        n_arrays = 3 if self.both_orders else 2
        cap = int(self.working_memory * 2**20 // (8 * n_y * n_arrays))
        cap = max(1, min(cap, _MAX_BLOCK_ROWS, n_x))
        # Blocks are sized to take about _BLOCK_SECONDS: a Ctrl-C (which Python handles between
        # blocks, not inside compiled code) stops the job that soon, and the bar moves.
        rows = min(cap, 2 * self.n_jobs)
        pool = None  # made on first need: a compiled path runs its own threads
        # no bar object at all when silent: even a disabled tqdm can start its monitor thread
        bar = tqdm(total=n_x * n_y, unit="pair", unit_scale=True, desc=desc, mininterval=0.5) if self.verbose \
            else _NoBar()
        try:
            start = 0
            while start < n_x:
                stop = min(start + rows, n_x)
                began = time.perf_counter()
                cxy, cyx = self._compiled_block(start, stop)
                if cxy is None:
                    # the pool is made here, not inside _row_block: an interrupt during the first
                    # row block must still find it in this frame to shut it down
                    if pool is None and self.n_jobs > 1:
                        pool = ThreadPoolExecutor(self.n_jobs)
                    cxy, cyx = self._row_block(start, stop, pool, bar)
                else:
                    bar.update((stop - start) * n_y)
                per_row = (time.perf_counter() - began) / (stop - start)
                rows = max(1, min(cap, 2 * rows, int(_BLOCK_SECONDS / max(per_row, 1e-9))))
                yield start, stop, cxy, cyx
                start = stop
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            bar.close()

    def _row_block(self, start, stop, pool, bar):
        """The block's joint lengths a row at a time, on a thread pool of n_jobs threads."""
        n_y = len(self.ys)
        cxy = np.empty((stop - start, n_y))
        cyx = np.empty((stop - start, n_y)) if self.both_orders else None
        results = pool.map(self._row, range(start, stop)) if pool else map(self._row, range(start, stop))
        for r, (row_xy, row_yx) in enumerate(results):
            cxy[r] = row_xy
            if cyx is not None:
                cyx[r] = row_yx
            bar.update(n_y)
        return cxy, cyx

    def blocks(self) -> Iterator[tuple[int, int, np.ndarray]]:
        """Yield ``(start, stop, distances of rows start:stop against every y)``."""
        # closing(): an exception here (Ctrl-C between blocks) shuts the thread pool down now,
        # not when the suspended generator is finally collected
        with closing(self.length_blocks()) as blocks:
            for start, stop, cxy, cyx in blocks:
                yield start, stop, _kernels.metric_block(self.metric, self.cx[start:stop], self.cy, cxy, cyx,
                                                         self.n_jobs)

    def full(self) -> np.ndarray:
        out = np.empty((len(self.xs), len(self.ys)))
        with closing(self.blocks()) as blocks:
            for start, stop, block in blocks:
                out[start:stop] = block
        return out

    def kneighbors(self, n_neighbors: int, exclude_self: bool = False, row_offset: int = 0,
                   local: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The ``n_neighbors`` nearest ys of every x, nearest first; equal distances in index order.

        With ``exclude_self`` (xs and ys are the same texts) each x's own index is
        left out, as scikit-learn's ``kneighbors(X=None)`` does; duplicates stay
        (x number i is y number ``row_offset + i``). Only the (n_x, k) result and one
        block of lengths are ever held. Inside :func:`ncd.distributed.dask_backend`
        the job runs on the Dask cluster, unless ``local``.
        """
        if not local:
            from .distributed import _active

            active = _active()
            if active is not None:
                from .distributed import kneighbors

                client, rows_per_task = active
                return kneighbors(self, n_neighbors, exclude_self, client, rows_per_task)
        n_x = len(self.xs)
        dist = np.empty((n_x, n_neighbors))
        ind = np.empty((n_x, n_neighbors), dtype=np.intp)
        with closing(self.length_blocks(desc="neighbours")) as blocks:
            for start, stop, cxy, cyx in blocks:
                dist[start:stop], ind[start:stop] = _kernels.metric_topk(
                    self.metric, self.cx[start:stop], self.cy, cxy, cyx, n_neighbors,
                    start + row_offset if exclude_self else -1, self.n_jobs,
                )
        return dist, ind


def code_lengths(X, *, compressor="gzip", n_jobs=None) -> np.ndarray:
    """Code length in bits of every document.

    Parameters
    ----------
    X : sequence of str or bytes
        Documents; str is UTF-8 encoded.
    compressor : str, dict or Compressor, default="gzip"
    n_jobs : int, default=None
        Threads to use; None means 1, -1 all cores.

    Returns
    -------
    ndarray of shape (n_documents,)

    Examples
    --------
    >>> from ncd.distance import code_lengths
    >>> code_lengths(["", "abc"], compressor="zlib").tolist()
    [64.0, 88.0]
    """
    texts = check_texts(X, "X")
    return _code_lengths(get_compressor(compressor), texts, check_n_jobs(n_jobs, "code_lengths"))


def _code_lengths(compressor: Compressor, texts: Sequence[bytes], n_jobs: int) -> np.ndarray:
    if n_jobs <= 1 or len(texts) < 64:
        return compressor.code_lengths(texts)
    step = -(-len(texts) // (4 * n_jobs))
    chunks = [texts[i : i + step] for i in range(0, len(texts), step)]
    with ThreadPoolExecutor(n_jobs) as pool:
        return np.concatenate(list(pool.map(compressor.code_lengths, chunks)))


class CompressionWindowWarning(UserWarning):
    """A concatenation is longer than the compressor can look back (its ``window``).

    Examples
    --------
    >>> import warnings
    >>> from ncd import pairwise_distances
    >>> from ncd.distance import CompressionWindowWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = pairwise_distances(["ab " * 12000], ["ab"], compressor="gzip")
    >>> caught[0].category is CompressionWindowWarning
    True
    """


def check_window(compressor: Compressor, xs, ys, separator: bytes) -> None:
    """Warn when some ``x + separator + y`` is longer than the compressor's window.

    Examples
    --------
    >>> import warnings
    >>> from ncd.compressors import get_compressor
    >>> from ncd.distance import check_window
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     check_window(get_compressor("gzip"), [b"x" * 40000], [b"y"], b" ")
    ...     check_window(get_compressor("lz77"), [b"x" * 40000], [b"y"], b" ")
    >>> len(caught)  # gzip's 32 kB window is too short; lz77 has none
    1
    """
    window = compressor.window
    if window is None or not len(xs) or not len(ys):
        return
    longest = max(map(len, xs)) + len(separator) + max(map(len, ys))
    if longest > window:
        warnings.warn(
            f"{compressor!r} looks back at most {window:,} bytes, but the longest concatenation here is "
            f"{longest:,} bytes: shared content of x and y further apart than the window is not seen, so "
            "their distance comes out too large. Cut the texts, or use a compressor with a longer window "
            "(zstd with a high level, lzma, lz77).",
            CompressionWindowWarning, stacklevel=3,
        )


def _prepare(X, Y, compressor, metric, separator, n_jobs, working_memory, verbose, owner) -> _Pairwise:
    xs = check_texts(X, "X")
    ys = xs if Y is None else check_texts(Y, "Y")
    metric = check_choice_param(metric, "metric", owner, tuple(METRICS))
    comp = get_compressor(compressor)
    sep = check_separator(separator, owner)
    n_jobs = check_n_jobs(n_jobs, owner)
    wm = check_working_memory(working_memory, owner)
    check_window(comp, xs, ys, sep)
    cx = _code_lengths(comp, xs, n_jobs)
    cy = cx if Y is None else _code_lengths(comp, ys, n_jobs)
    return _Pairwise(xs, ys, cx, cy, comp, metric, sep, n_jobs, wm, verbose)


def pairwise_distances(
    X,
    Y=None,
    *,
    compressor: Any = "gzip",
    metric: str = "ncd",
    separator: str | bytes = " ",
    n_jobs: int | None = None,
    working_memory: float | None = None,
    verbose: int = 0,
) -> np.ndarray:
    """Compression distances between every document of X and every document of Y.

    Entry ``[i, j]`` combines ``C(X[i])``, ``C(Y[j])`` and
    ``C(X[i] + separator + Y[j])``. Each ``C(x)`` is computed once; each pair costs
    one compression (two for ``"ncd_sym"``).

    Parameters
    ----------
    X : sequence of str or bytes, length n_x
        Query documents, written first in each concatenation.
    Y : sequence of str or bytes, length n_y, default=None
        Reference documents; None means X.
    compressor : str, dict or Compressor, default="gzip"
        See :func:`ncd.compressors.get_compressor`.
    metric : {"ncd", "ncd_sym", "cdm", "clm", "conditional"}, default="ncd"
    separator : str or bytes, default=" "
        Put between the two texts, as the paper's ``" ".join``.
    n_jobs : int, default=None
        Threads; None means 1, -1 all cores.
    working_memory : float, default=None
        MiB for the intermediate block; None uses scikit-learn's
        ``working_memory`` setting.
    verbose : int, default=0
        Show a progress bar with pairs/s and an ETA when > 0.

    Returns
    -------
    ndarray of shape (n_x, n_y)

    See Also
    --------
    pairwise_kneighbors : the k nearest only, in bounded memory.

    Examples
    --------
    >>> from ncd.distance import pairwise_distances
    >>> D = pairwise_distances(["the cat sat", "a dog ran"], ["the cat sat on the mat"])
    >>> D.shape
    (2, 1)
    >>> bool(D[0, 0] < D[1, 0])
    True
    """
    job = _prepare(X, Y, compressor, metric, separator, n_jobs, working_memory, verbose, "pairwise_distances")
    return job.full()


def pairwise_distances_chunked(
    X,
    Y=None,
    *,
    compressor: Any = "gzip",
    metric: str = "ncd",
    separator: str | bytes = " ",
    n_jobs: int | None = None,
    working_memory: float | None = None,
    verbose: int = 0,
) -> Iterator[np.ndarray]:
    """Like :func:`pairwise_distances`, but yield the matrix in blocks of consecutive rows.

    Each block is an ndarray of shape (n_rows, n_y) whose size is bounded by
    ``working_memory``; the blocks, stacked, equal the full matrix. Within that
    bound, blocks are sized to take about a quarter of a second each (the first
    is small while the speed is measured), so an interrupt or a progress bar
    never waits long.

    Examples
    --------
    >>> from ncd.distance import pairwise_distances_chunked
    >>> blocks = list(pairwise_distances_chunked(["a", "b", "c"], working_memory=1e-6))
    >>> [b.shape for b in blocks]
    [(1, 3), (1, 3), (1, 3)]
    """
    job = _prepare(X, Y, compressor, metric, separator, n_jobs, working_memory, verbose, "pairwise_distances_chunked")
    with closing(job.blocks()) as blocks:
        for _, _, block in blocks:
            yield block


def pairwise_kneighbors(
    X,
    Y=None,
    *,
    n_neighbors: int = 1,
    compressor: Any = "gzip",
    metric: str = "ncd",
    separator: str | bytes = " ",
    n_jobs: int | None = None,
    working_memory: float | None = None,
    verbose: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_neighbors`` nearest documents of Y for every document of X.

    Streams row blocks and keeps the top k of each row, so memory stays within
    ``working_memory`` plus the (n_x, k) result, however large Y is. Neighbours are
    sorted nearest first; equal distances are ordered by index in Y (a fixed,
    label-blind rule).

    Parameters are those of :func:`pairwise_distances`, plus ``n_neighbors`` (int,
    default=1, at most len(Y)).

    Returns
    -------
    distances : ndarray of shape (n_x, n_neighbors)
    indices : ndarray of shape (n_x, n_neighbors)
        Indices into Y.

    Examples
    --------
    >>> from ncd.distance import pairwise_kneighbors
    >>> train = ["the cat sat on the mat", "stocks fell sharply today", "a cat and a hat"]
    >>> dist, ind = pairwise_kneighbors(["the cat sat"], train, n_neighbors=2)
    >>> ind.tolist()
    [[0, 2]]
    """
    owner = "pairwise_kneighbors"
    job = _prepare(X, Y, compressor, metric, separator, n_jobs, working_memory, verbose, owner)
    k = check_int_param(n_neighbors, "n_neighbors", owner)
    if k > len(job.ys):
        raise ValueError(
            f"Expected n_neighbors <= the number of reference documents, but n_neighbors = {k} and "
            f"len(Y) = {len(job.ys)}. Lower n_neighbors."
        )
    return job.kneighbors(k)
