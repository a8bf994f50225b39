"""Nearest-neighbour jobs on a Dask cluster (``pip install "ncd[dask]"``).

Inside ``with dask_backend(client):`` every top-k job of ncd
(:func:`ncd.pairwise_kneighbors`, ``NCDClassifier.kneighbors``, ``predict``,
``predict_proba`` and ``score``) runs on the ``dask.distributed`` cluster behind
``client`` instead of this process. Results are identical to the local run: each
task runs the same kernels on a block of query rows against all references.

What moves over the network:

* once per job, to every worker (``scatter(..., broadcast=True)``): the job's
  references (texts, code lengths, compressor, separator) and settings. Each worker
  prepares the references once, on its first task (for example the LZ77 index, or
  the packed texts for the compiled deflate path), and keeps them with its copy until
  the job ends;
* per task, to a worker: a block of query texts and their code lengths (a few
  hundred texts);
* per task, back: the block's (rows, k) distances and indices.

Within a worker process, one task computes at a time, on all the worker's
threads (numba's parallel kernels); start workers with one process per machine
(or per socket) and as many threads as cores, e.g.
``dask worker tcp://scheduler:8786 --nworkers 1 --nthreads 16``.
"""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager

import numpy as np

from . import _engine
from ._optional import import_optional

__all__ = ["dask_backend"]


def _import_distributed():
    return import_optional("distributed", extra="dask", purpose="the Dask backend")


@contextmanager
def dask_backend(client=None, *, rows_per_task: int | None = None):
    """Run ncd's nearest-neighbour jobs on a Dask cluster inside this block.

    Parameters
    ----------
    client : distributed.Client, default=None
        The cluster's client. None uses the current default client
        (``distributed.get_client()``), and says so if there is none.
    rows_per_task : int, default=None
        Query texts per task. None: enough tasks for four per worker thread, at
        most 256 rows each.

    Examples
    --------
    >>> from distributed import Client, LocalCluster        # doctest: +SKIP
    >>> from ncd import NCDClassifier
    >>> from ncd.distributed import dask_backend
    >>> with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:  # doctest: +SKIP
    ...     clf = NCDClassifier().fit(["a cat", "stocks fell"], ["pets", "markets"])
    ...     with dask_backend(client):
    ...         clf.predict(["the cat sat"])
    """
    distributed = _import_distributed()
    if client is None:
        try:
            client = distributed.get_client()
        except ValueError as exc:
            raise ValueError("dask_backend() found no Dask client: pass one, dask_backend(client), or create "
                             "one first with distributed.Client(...).") from exc
    if not isinstance(client, distributed.Client):
        raise TypeError(f"client must be a distributed.Client, got {type(client).__name__}: {client!r}.")
    if rows_per_task is not None and (not isinstance(rows_per_task, int) or rows_per_task < 1):
        raise ValueError(f"rows_per_task must be a positive int or None, got {rows_per_task!r}.")
    with _engine.use_backend(_DaskBackend(client, rows_per_task)):
        yield client


# -- what runs on the workers -----------------------------------------------------------------

_LOCK = threading.Lock()  # one task at a time per process: numba's kernels use every thread


def _worker_threads() -> int:
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except Exception:  # not in a worker (tests calling the function directly)
        return 1


def _block(job, xs, cx, row_offset, k, exclude_self):
    """The k nearest references of a block of queries, on a worker.

    ``job`` is the worker's copy of the scattered job: its references prepare themselves on the
    first task and stay prepared for the next ones (they are dropped with the job's data).
    """
    with _LOCK:
        return job.for_queries(xs, cx, n_jobs=_worker_threads()).kneighbors(
            k, exclude_self=exclude_self, row_offset=row_offset, local=True)


# -- the driver, registered with the engine -----------------------------------------------------


class _DaskBackend:
    """The engine's backend for a ``dask.distributed`` client (see :func:`ncd._engine.use_backend`)."""

    def __init__(self, client, rows_per_task=None):
        self.client, self.rows_per_task = client, rows_per_task

    def kneighbors(self, job, n_neighbors, exclude_self):
        """Run ``job.kneighbors`` on the cluster, a block of query rows per task; same result as locally."""
        client = self.client
        n_x = len(job.xs)
        dist = np.empty((n_x, n_neighbors))
        ind = np.empty((n_x, n_neighbors), dtype=np.intp)
        if n_x == 0:
            return dist, ind
        rows_per_task = self.rows_per_task
        if rows_per_task is None:
            threads = max(1, sum(client.nthreads().values()))
            rows_per_task = max(1, min(256, -(-n_x // (4 * threads))))
        job_id = uuid.uuid4().hex
        # the references and settings once per worker; each task carries only its queries
        shared = client.scatter(job.for_queries([], np.empty(0)), broadcast=True, hash=False)
        starts = range(0, n_x, rows_per_task)
        futures = [client.submit(_block, shared, job.xs[s:s + rows_per_task], job.cx[s:s + rows_per_task],
                                 s, n_neighbors, exclude_self, pure=False, key=f"ncd-block-{job_id}-{s}")
                   for s in starts]
        try:
            for start, future in zip(starts, futures):
                d, i = future.result()
                dist[start:start + len(d)], ind[start:start + len(d)] = d, i
        finally:
            client.cancel(futures)
            del shared
        return dist, ind
