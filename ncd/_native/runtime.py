"""What every kernel file of the native layer shares: the numba switch, compilation, threads, packing.

* :data:`USE_NUMBA` is read once, at import: numba is installed and ``NCD_NO_NUMBA`` is not set.
  It has one meaning for every model: when it is false nothing is compiled, and every kernel runs
  as the plain Python/NumPy function it was written as (slow, and bit-identical: the tests compare
  both paths).
* :func:`jit` compiles a kernel (or returns it unchanged when :data:`USE_NUMBA` is false).
  ``prange`` is numba's, which is ``range`` outside compiled code.
* :class:`Threads` runs numba's parallel loops on n threads and restores the previous setting.
  It also makes them safe with threads and with ``fork`` (see "Threads and fork" below).
* :func:`pack` puts texts into one uint8 array with offsets, the layout every kernel takes.

Threads and fork
----------------
numba runs parallel loops on a "threading layer". Without Intel TBB it picks GNU OpenMP on Linux,
and GNU OpenMP is not fork-safe: a child forked after one parallel call (``multiprocessing`` with
the ``fork`` start method, the default on Linux before Python 3.14) is killed when it runs
parallel code, and a ``multiprocessing.Pool`` waits for it forever. So at import, when neither
``NUMBA_THREADING_LAYER`` nor ``numba.config.THREADING_LAYER`` names a layer and no parallel code
has run yet, ncd asks numba for its ``"forksafe"`` choice: TBB where installed (safe with threads
and fork), else OpenMP where it is not GNU's, else ``workqueue``. ``workqueue`` aborts the process
when two threads launch parallel code at once, so under it :class:`Threads` blocks take turns (a
process-wide lock); with the kernels' own threads the cores are busy either way. A layer chosen by
the user is kept; if it is GNU OpenMP, compiled ncd code in a forked child raises a RuntimeError
that says what to do instead of dying.

This module, like the whole ``ncd._native`` package, imports nothing from the layers above it.
"""

from __future__ import annotations

import os
import tempfile
import threading
import warnings

import numpy as np

try:
    import numba
    from numba import prange
except ImportError:  # pragma: no cover - numba is a core dependency; this keeps the plain kernels usable
    numba = None
    prange = range

__all__ = ["USE_NUMBA", "numba", "prange", "jit", "Threads", "pack", "check_cache_dir", "prefer_forksafe_layer"]

#: Whether kernels are compiled: numba is installed and NCD_NO_NUMBA is not set (read once).
USE_NUMBA = numba is not None and not os.environ.get("NCD_NO_NUMBA")


def jit(func=None, *, parallel=False, inline=False, cache=True, nogil=False):
    """Compile ``func`` with numba (``njit``), or return it as it is when :data:`USE_NUMBA` is false.

    ``inline=True`` asks numba to inline a small helper into its callers. ``cache=False`` is for
    kernels that hold addresses valid in one process only (libz's functions). ``nogil=True``
    releases the GIL while the kernel runs, so Python threads can run serial kernels side by side
    (on different data: numba's parallel loops are for one kernel's own work).
    """
    if func is None:
        return lambda f: jit(f, parallel=parallel, inline=inline, cache=cache, nogil=nogil)
    if not USE_NUMBA:
        return func
    options = {"cache": cache}
    if nogil:
        options["nogil"] = True
    if parallel:
        options["parallel"] = True
    if inline:
        options["inline"] = "always"
    return numba.njit(**options)(func)


# Held around every compiled parallel call when numba's threading layer is not thread-safe
# (workqueue: two threads launching parallel regions at once abort the process). Re-entrant: a
# Threads block may run inside another on the same thread. Made anew in a forked child, where a
# lock held by a parent's thread would stay held forever.
_KERNEL_LOCK = threading.RLock()


def _new_kernel_lock():
    global _KERNEL_LOCK
    _KERNEL_LOCK = threading.RLock()


def _layer_is_threadsafe():
    """Whether numba's threading layer (launched by now) lets two threads run parallel code at once."""
    return numba.threading_layer() != "workqueue"


def _layer_is_gnu_openmp():
    """Whether numba's threading layer (launched by now) is GNU OpenMP, which is not fork-safe."""
    if numba.threading_layer() != "omp":
        return False
    try:
        from numba.np.ufunc import omppool
    except ImportError:  # pragma: no cover - the layer was loaded, so is the module
        return False
    return getattr(omppool, "openmp_vendor", "GNU") == "GNU"


def prefer_forksafe_layer():
    """Ask numba for a fork-safe threading layer, unless the user chose one or one already runs.

    Returns the setting numba will use (``"forksafe"`` when this call set it).
    """
    if not USE_NUMBA or os.environ.get("NUMBA_THREADING_LAYER"):
        return None if not USE_NUMBA else numba.config.THREADING_LAYER
    if str(numba.config.THREADING_LAYER).lower() != "default":
        return numba.config.THREADING_LAYER
    try:
        numba.threading_layer()
    except ValueError:  # not launched yet: the choice can still be made
        numba.config.THREADING_LAYER = "forksafe"
    return numba.config.THREADING_LAYER


# Set in a child forked after the parent launched numba's GNU OpenMP layer (ncd's code or anyone's):
# numba kills such a child when it runs parallel code (and a multiprocessing.Pool then waits forever),
# so Threads raises instead.
_FORKED_FROM_GNU_OPENMP = False


def _after_fork_in_child():
    global _FORKED_FROM_GNU_OPENMP
    _new_kernel_lock()
    if USE_NUMBA:
        try:
            launched = numba.threading_layer()
        except ValueError:  # no parallel code ran in the parent: the child may choose freely
            return
        if launched == "omp" and _layer_is_gnu_openmp():
            _FORKED_FROM_GNU_OPENMP = True


class Threads:
    """Run numba's parallel loops on n threads, restoring the previous setting after.

    Never sets the thread count globally: only inside the ``with`` block. Without numba it
    does nothing (``n`` is then 1). Under numba's ``workqueue`` threading layer, which aborts the
    process when two threads launch parallel code at once, the blocks of all threads take turns
    (a process-wide lock); under ``omp`` and ``tbb`` they run at the same time.
    """

    def __init__(self, n_threads):
        limit = numba.config.NUMBA_NUM_THREADS if USE_NUMBA else 1
        self.n = max(1, min(int(n_threads), limit))
        self._lock = None

    def __enter__(self):
        if USE_NUMBA:
            if _FORKED_FROM_GNU_OPENMP:
                raise RuntimeError(
                    "This process was forked from one that had started numba's GNU "
                    "OpenMP threading layer, which is not fork-safe: running ncd's compiled code here would kill "
                    "the process. Use multiprocessing's 'spawn' or 'forkserver' start method "
                    "(multiprocessing.get_context('spawn')), or unset NUMBA_THREADING_LAYER=omp so that ncd "
                    "picks a fork-safe layer, or install tbb (pip install tbb)."
                )
            self.previous = numba.get_num_threads()  # launches numba's threading layer on first use
            if not _layer_is_threadsafe():
                lock = _KERNEL_LOCK
                lock.acquire()  # a Ctrl-C while waiting here leaves nothing to undo
                self._lock = lock
            try:
                numba.set_num_threads(self.n)
            except BaseException:
                self._release()
                raise
        return self

    def _release(self):
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __exit__(self, *exc):
        try:
            if USE_NUMBA:
                numba.set_num_threads(self.previous)
        finally:
            self._release()


def pack(texts):
    """Texts as one uint8 array and int64 offsets (text i is ``data[off[i]:off[i + 1]]``)."""
    off = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=off[1:])
    return np.frombuffer(b"".join(texts), dtype=np.uint8), off


def check_cache_dir():
    """Warn when NUMBA_CACHE_DIR names a directory numba cannot write to."""
    path = os.environ.get("NUMBA_CACHE_DIR")
    if not path or not USE_NUMBA:
        return
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        warnings.warn(f"NUMBA_CACHE_DIR={path!r} cannot be written ({exc.strerror}): ncd's compiled kernels "
                      "are cached elsewhere or not at all, so a new process may compile them again (seconds). "
                      "Point NUMBA_CACHE_DIR at a writable directory.", RuntimeWarning, stacklevel=2)


check_cache_dir()
prefer_forksafe_layer()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
