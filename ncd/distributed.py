"""Nearest-neighbour jobs on a Dask cluster (``pip install "ncd[dask]"``).

Inside ``with dask_backend(client):`` every top-k job of ncd
(:func:`ncd.pairwise_kneighbors`, ``NCDClassifier.kneighbors``, ``predict``,
``predict_proba`` and ``score``) runs on the ``dask.distributed`` cluster behind
``client`` instead of this process. Results are identical to the local run: each
task runs the same kernels on a block of query rows against all references.

What moves over the network:

* once per job, to every worker (``scatter(..., broadcast=True)``): the reference
  texts, their code lengths, the compressor and the settings. Each worker prepares
  the references once (for example the LZ77 index, or the packed texts for the
  compiled deflate path) and keeps them until the job ends;
* per task, to a worker: a block of query texts and their code lengths (a few
  hundred texts);
* per task, back: the block's (rows, k) distances and indices.

Within a worker process, one task computes at a time, on all the worker's
threads (numba's parallel kernels); start workers with one process per machine
(or per socket) and as many threads as cores, e.g.
``dask worker tcp://scheduler:8786 --nworkers 1 --nthreads 16``.
"""

from __future__ import annotations

import contextvars
import threading
import uuid
from contextlib import contextmanager

import numpy as np

__all__ = ["dask_backend"]

_CLIENT: contextvars.ContextVar = contextvars.ContextVar("ncd_dask_client", default=None)


def _import_distributed():
    try:
        import distributed
    except ImportError as exc:
        raise ImportError('the Dask backend needs dask.distributed: pip install "ncd[dask]"') from exc
    return distributed


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
    token = _CLIENT.set((client, rows_per_task))
    try:
        yield client
    finally:
        _CLIENT.reset(token)


def _active():
    """(client, rows_per_task) of the enclosing dask_backend block, or None."""
    return _CLIENT.get()


# -- what runs on the workers -----------------------------------------------------------------

_JOBS: dict = {}  # job id -> what the compressor prepared about the references, once per worker process
_LOCK = threading.Lock()  # one task at a time per process: numba's kernels use every thread


def _worker_threads() -> int:
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except Exception:  # not in a worker (tests calling the function directly)
        return 1


def _block(refs, job_id, xs, cx, row_offset, k, exclude_self):
    """The k nearest references of a block of queries, on a worker."""
    from .distance import _Pairwise

    ys, cy, compressor, metric, separator, working_memory = refs
    with _LOCK:
        block = _Pairwise(xs, ys, cx, cy, compressor, metric, separator, _worker_threads(), working_memory, 0,
                          prepared=_JOBS.get(job_id))
        dist, ind = block.kneighbors(k, exclude_self=exclude_self, row_offset=row_offset, local=True)
        _JOBS[job_id] = block.prepared  # made by the first block; kept for the next ones
    return dist, ind


def _forget(job_id):
    with _LOCK:
        _JOBS.pop(job_id, None)


# -- the driver ----------------------------------------------------------------------------------

def kneighbors(job, n_neighbors, exclude_self, client, rows_per_task=None):
    """Run ``job.kneighbors`` (a ncd.distance._Pairwise) on the cluster; same result as locally."""
    n_x = len(job.xs)
    dist = np.empty((n_x, n_neighbors))
    ind = np.empty((n_x, n_neighbors), dtype=np.intp)
    if n_x == 0:
        return dist, ind
    if rows_per_task is None:
        threads = max(1, sum(client.nthreads().values()))
        rows_per_task = max(1, min(256, -(-n_x // (4 * threads))))
    job_id = uuid.uuid4().hex
    refs = client.scatter((job.ys, job.cy, job.compressor, job.metric, job.separator, job.working_memory),
                          broadcast=True, hash=False)
    starts = range(0, n_x, rows_per_task)
    futures = [client.submit(_block, refs, job_id, job.xs[s:s + rows_per_task], job.cx[s:s + rows_per_task],
                             s, n_neighbors, exclude_self, pure=False, key=f"ncd-block-{job_id}-{s}")
               for s in starts]
    try:
        for start, future in zip(starts, futures):
            d, i = future.result()
            dist[start:start + len(d)], ind[start:start + len(d)] = d, i
    finally:
        client.cancel(futures)
        client.run(_forget, job_id)
        del refs
    return dist, ind
