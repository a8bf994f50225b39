"""Compression distances from code lengths, and the pairwise drivers that compute them.

The data flow is one way: texts -> bytes -> code lengths -> distances -> neighbours.

* The metric functions (:func:`ncd`, :func:`cdm`, :func:`clm`, :func:`ncd_sym`,
  :func:`conditional_length`) take code lengths in bits and broadcast like NumPy
  ufuncs. They know nothing about compressors. (They are defined with the one table
  of metrics, :data:`METRICS`, in ``ncd._native.metrics``, which the kernels share.)
* :func:`pairwise_distances` and :func:`pairwise_kneighbors` take texts. They
  compute ``C(x)`` of every text once, then one joint length ``C(x + sep + y)``
  per pair (two for the symmetric metric), in row blocks whose size is bounded by
  ``working_memory``, in a pool of ``n_jobs`` threads (the library compressors
  release the GIL). :func:`pairwise_kneighbors` keeps only the k nearest of each
  row, so the full matrix never exists. All of them run on the one pairwise engine
  (``ncd._engine``), as the estimators and the Dask backend do.

The query text comes first in every concatenation: for a classifier that is
``test + " " + train``, as in Jiang et al. (2023).
"""

from __future__ import annotations

import warnings
from contextlib import closing
from typing import Any, Iterator

import numpy as np

from . import _engine
from ._engine import PairwiseJob, References
from ._native.metrics import METRICS, cdm, clm, conditional_length, ncd, ncd_sym
from ._validation import (
    check_choice,
    check_int,
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


# -- the public drivers, over the pairwise engine (ncd._engine) ---------------------------------


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
    return _engine.code_lengths(get_compressor(compressor), texts, check_n_jobs(n_jobs, "code_lengths"))


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


def _prepare(X, Y, compressor, metric, separator, n_jobs, working_memory, verbose, owner) -> PairwiseJob:
    xs = check_texts(X, "X")
    ys = xs if Y is None else check_texts(Y, "Y")
    metric = check_choice(metric, "metric", owner, tuple(METRICS))
    comp = get_compressor(compressor)
    sep = check_separator(separator, owner)
    n_jobs = check_n_jobs(n_jobs, owner)
    wm = check_working_memory(working_memory, owner)
    check_window(comp, xs, ys, sep)
    cx = _engine.code_lengths(comp, xs, n_jobs)
    cy = cx if Y is None else _engine.code_lengths(comp, ys, n_jobs)
    refs = References(ys, cy, comp, sep)
    return PairwiseJob(refs, xs, cx, metric=metric, n_jobs=n_jobs, working_memory=wm, verbose=verbose)


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
    k = check_int(n_neighbors, "n_neighbors", owner)
    if k > len(job.refs):
        raise ValueError(
            f"Expected n_neighbors <= the number of reference documents, but n_neighbors = {k} and "
            f"len(Y) = {len(job.refs)}. Lower n_neighbors."
        )
    return job.kneighbors(k)
