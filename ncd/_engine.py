"""The pairwise engine: every job of query texts against reference texts runs here.

:func:`ncd.pairwise_distances`, :func:`ncd.pairwise_kneighbors`, the chunked driver, the
estimators (``NCDClassifier``, ``NCDTransformer``) and the Dask backend all build a
:class:`PairwiseJob` and ask it for row blocks of distances, the full matrix, or the k nearest.

The interface with a compressor (see :class:`ncd.compressors.Compressor`):

* ``compressor.joint_code_lengths(x, ys, separator, reverse)``: the joint lengths of one query
  with every reference. Every compressor has it; the engine calls it a row at a time, on a
  thread pool of ``n_jobs`` threads, a long row in pieces of references (so that a Ctrl-C,
  which waits for the pieces running, is answered within a fraction of a second).
* ``compressor._prepare_refs(ys, separator, n_threads)``: what a compiled path needs about the
  references, computed once per set of references (:class:`References` keeps it), or
  :data:`~ncd.compressors.NO_COMPILED_PATH` for a compressor without one.
* ``compressor._joint_block(xs, cx, prepared, cy, separator, reverse, n_threads)``: the joint
  lengths of a block of queries against every reference, equal to the row path, in compiled
  code that runs its own threads.

The interface with a backend: a backend is any object with ``kneighbors(job, n_neighbors,
exclude_self)`` returning what :meth:`PairwiseJob.kneighbors` returns. Inside ``with
use_backend(backend):`` every top-k job is handed to it; the backend runs parts of the job
anywhere (it rebuilds them with :meth:`PairwiseJob.for_queries`) and calls
``kneighbors(..., local=True)`` there. The engine never imports a backend: ``ncd.distributed``
registers with it. See ``docs/guide/internals.md``.
"""

from __future__ import annotations

import contextvars
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from typing import Any, Iterator, Sequence

import numpy as np
from tqdm.std import tqdm  # not tqdm.auto: in a notebook without ipywidgets it warns on import

from ._native import topk
from ._native.metrics import METRICS
from .compressors import NO_COMPILED_PATH, Compressor

__all__ = ["References", "PairwiseJob", "use_backend", "active_backend"]

# Rows per block at most, whatever working_memory allows: keeps the progress bar
# moving and the thread pool's queue short.
_MAX_BLOCK_ROWS = 256
_BLOCK_SECONDS = 0.25  # aim of each block's time, once the first block has been timed
# Bytes of concatenations per task of the row path's thread pool at most (one pair when a pair alone is
# longer): a Ctrl-C waits for the tasks that are running, so each must be short even when a row is
# long (a 1 MB query against thousands of references).
_TASK_BYTES = 1 << 18

_BACKEND: contextvars.ContextVar = contextvars.ContextVar("ncd_backend", default=None)


@contextmanager
def use_backend(backend):
    """Hand every top-k job inside this block to ``backend`` (an object with ``kneighbors(job,
    n_neighbors, exclude_self)``). Blocks nest; the innermost wins."""
    token = _BACKEND.set(backend)
    try:
        yield backend
    finally:
        _BACKEND.reset(token)


def active_backend():
    """The backend of the enclosing :func:`use_backend` block, or None (this process)."""
    return _BACKEND.get()


_POOL_NUMBERS = itertools.count()


def _thread_pool(n_threads: int) -> ThreadPoolExecutor:
    """A thread pool whose threads carry a name of their own (see :func:`_shut_down`)."""
    name = f"ncd-engine-{next(_POOL_NUMBERS)}"
    pool = ThreadPoolExecutor(n_threads, thread_name_prefix=name)
    pool.ncd_thread_name = name  # its threads are named name_0, name_1, ...
    return pool


def _shut_down(pool: ThreadPoolExecutor) -> None:
    """Cancel what has not started, wait for what runs, and join every thread of the pool: also one
    that a Ctrl-C inside ``Thread.start()`` left out of the pool's own list (it would outlive the job)."""
    pool.shutdown(wait=True, cancel_futures=True)
    prefix = pool.ncd_thread_name + "_"
    for thread in threading.enumerate():
        if thread.name.startswith(prefix) and thread is not threading.current_thread():
            thread.join()


def code_lengths(compressor: Compressor, texts: Sequence[bytes], n_jobs: int) -> np.ndarray:
    """C(x) of every text, on ``n_jobs`` threads when there are enough texts to share."""
    if n_jobs <= 1 or len(texts) < 64:
        return compressor.code_lengths(texts)
    step = -(-len(texts) // (4 * n_jobs))
    chunks = [texts[i : i + step] for i in range(0, len(texts), step)]
    pool = _thread_pool(n_jobs)
    try:
        return np.concatenate(list(pool.map(compressor.code_lengths, chunks)))
    finally:
        _shut_down(pool)


class References:
    """The reference side of pairwise jobs: texts, their code lengths, compressor and separator.

    What the compressor's compiled path needs about the texts is prepared on first use and kept,
    so every later job against the same references (each ``predict`` of a fitted estimator, each
    task of a Dask job on a worker) reuses it. It is not pickled: an unpickled copy prepares
    again on first use.
    """

    def __init__(self, texts: list[bytes], lengths: np.ndarray, compressor: Compressor, separator: bytes):
        self.texts, self.lengths, self.compressor, self.separator = texts, lengths, compressor, separator
        self._prepared = None  # not asked yet
        self._lock = threading.Lock()

    def prepared(self, n_threads: int) -> Any:
        """The compressor's prepared references, or :data:`NO_COMPILED_PATH`."""
        if self._prepared is None:
            with self._lock:
                if self._prepared is None:
                    self._prepared = self.compressor._prepare_refs(self.texts, self.separator, n_threads)
        return self._prepared

    def __len__(self) -> int:
        return len(self.texts)

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_prepared", "_lock")}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._prepared = None
        self._lock = threading.Lock()


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


class PairwiseJob:
    """Query texts against :class:`References`: distances by row blocks, in full, or the k nearest.

    Parameters are validated by the caller. ``n_jobs`` is the number of threads (of the thread
    pool for the row path, of numba for compiled kernels); ``working_memory`` bounds one block of
    lengths, in MiB; ``verbose > 0`` shows a progress bar.
    """

    def __init__(self, refs: References, xs: list[bytes], cx: np.ndarray, *, metric: str, n_jobs: int,
                 working_memory: float, verbose: int = 0):
        self.refs = refs
        self.xs, self.cx = xs, cx
        self.metric = metric
        self.both_orders = METRICS[metric].both_orders  # needs C(y + sep + x) as well
        self.n_jobs = n_jobs
        self.working_memory = working_memory
        self.verbose = verbose
        self._mean_y = None  # mean reference length (plus separator), on first need

    def for_queries(self, xs: list[bytes], cx: np.ndarray, n_jobs: int | None = None) -> "PairwiseJob":
        """The same job for other queries (a backend's block of rows), on ``n_jobs`` threads."""
        return PairwiseJob(self.refs, xs, cx, metric=self.metric, n_jobs=self.n_jobs if n_jobs is None else n_jobs,
                           working_memory=self.working_memory, verbose=0)

    # -- joint lengths, by blocks of rows ----------------------------------------------

    def _row(self, task: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray | None]:
        """Joint lengths of query i with references lo:hi."""
        i, lo, hi = task
        x, refs = self.xs[i], self.refs
        ys = refs.texts[lo:hi]
        cxy = refs.compressor.joint_code_lengths(x, ys, refs.separator)
        cyx = refs.compressor.joint_code_lengths(x, ys, refs.separator, reverse=True) if self.both_orders else None
        return cxy, cyx

    def _row_tasks(self, start: int, stop: int) -> list[tuple[int, int, int]]:
        """Rows start:stop as tasks (i, lo, hi) of at most about _TASK_BYTES of concatenations each."""
        refs = self.refs
        n_y = len(refs)
        if self._mean_y is None:
            self._mean_y = sum(len(y) for y in refs.texts) / max(n_y, 1) + len(refs.separator)
        tasks = []
        for i in range(start, stop):
            step = max(1, int(_TASK_BYTES // (len(self.xs[i]) + self._mean_y)))
            tasks.extend((i, lo, min(lo + step, n_y)) for lo in range(0, n_y, step))
        return tasks

    def _compiled_block(self, start: int, stop: int):
        """The block's joint lengths from the compressor's compiled path, or (None, None)."""
        refs = self.refs
        prepared = refs.prepared(self.n_jobs)
        if prepared is NO_COMPILED_PATH:
            return None, None
        args = (self.xs[start:stop], self.cx[start:stop], prepared, refs.lengths, refs.separator)
        cxy = refs.compressor._joint_block(*args, False, self.n_jobs)
        cyx = refs.compressor._joint_block(*args, True, self.n_jobs) if self.both_orders else None
        return cxy, cyx

    def _row_block(self, start, stop, pool, bar):
        """The block's joint lengths, by pieces of rows (see _row_tasks), on a thread pool of n_jobs threads."""
        n_y = len(self.refs)
        cxy = np.empty((stop - start, n_y))
        cyx = np.empty((stop - start, n_y)) if self.both_orders else None
        tasks = self._row_tasks(start, stop)
        results = pool.map(self._row, tasks) if pool else map(self._row, tasks)
        for (i, lo, hi), (part_xy, part_yx) in zip(tasks, results):
            cxy[i - start, lo:hi] = part_xy
            if cyx is not None:
                cyx[i - start, lo:hi] = part_yx
            bar.update(hi - lo)
        return cxy, cyx

    def length_blocks(self, desc: str = "pairs") -> Iterator[tuple[int, int, np.ndarray, np.ndarray | None]]:
        """Yield ``(start, stop, C(x + sep + y), C(y + sep + x) or None)`` for rows start:stop."""
        n_x, n_y = len(self.xs), len(self.refs)
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
                        pool = _thread_pool(self.n_jobs)
                    cxy, cyx = self._row_block(start, stop, pool, bar)
                else:
                    bar.update((stop - start) * n_y)
                per_row = (time.perf_counter() - began) / (stop - start)
                rows = max(1, min(cap, 2 * rows, int(_BLOCK_SECONDS / max(per_row, 1e-9))))
                yield start, stop, cxy, cyx
                start = stop
        finally:
            if pool is not None:
                _shut_down(pool)
            bar.close()

    # -- what the drivers ask for ----------------------------------------------------------

    def blocks(self) -> Iterator[tuple[int, int, np.ndarray]]:
        """Yield ``(start, stop, distances of rows start:stop against every reference)``."""
        # closing(): an exception here (Ctrl-C between blocks) shuts the thread pool down now,
        # not when the suspended generator is finally collected
        with closing(self.length_blocks()) as blocks:
            for start, stop, cxy, cyx in blocks:
                yield start, stop, topk.metric_block(self.metric, self.cx[start:stop], self.refs.lengths, cxy, cyx,
                                                     self.n_jobs)

    def full(self) -> np.ndarray:
        """The whole (n_queries, n_references) distance matrix."""
        out = np.empty((len(self.xs), len(self.refs)))
        with closing(self.blocks()) as blocks:
            for start, stop, block in blocks:
                out[start:stop] = block
        return out

    def kneighbors(self, n_neighbors: int, exclude_self: bool = False, row_offset: int = 0,
                   local: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The ``n_neighbors`` nearest references of every query, nearest first; ties in index order.

        With ``exclude_self`` (queries and references are the same texts) query i does not count
        reference ``row_offset + i``, as scikit-learn's ``kneighbors(X=None)`` does; duplicates
        stay. Only the (n_queries, k) result and one block of lengths are ever held. Inside
        :func:`use_backend` the job goes to the backend, unless ``local``.
        """
        backend = None if local else active_backend()
        if backend is not None:
            return backend.kneighbors(self, n_neighbors, exclude_self)
        n_x = len(self.xs)
        dist = np.empty((n_x, n_neighbors))
        ind = np.empty((n_x, n_neighbors), dtype=np.intp)
        with closing(self.length_blocks(desc="neighbours")) as blocks:
            for start, stop, cxy, cyx in blocks:
                dist[start:stop], ind[start:stop] = topk.metric_topk(
                    self.metric, self.cx[start:stop], self.refs.lengths, cxy, cyx, n_neighbors,
                    start + row_offset if exclude_self else -1, self.n_jobs,
                )
        return dist, ind
