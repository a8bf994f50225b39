"""What every kernel file of the native layer shares: the numba switch, compilation, threads, packing.

* :data:`USE_NUMBA` is read once, at import: numba is installed and ``NCD_NO_NUMBA`` is not set.
  It has one meaning for every model: when it is false nothing is compiled, and every kernel runs
  as the plain Python/NumPy function it was written as (slow, and bit-identical: the tests compare
  both paths).
* :func:`jit` compiles a kernel (or returns it unchanged when :data:`USE_NUMBA` is false).
  ``prange`` is numba's, which is ``range`` outside compiled code.
* :class:`Threads` runs numba's parallel loops on n threads and restores the previous setting.
* :func:`pack` puts texts into one uint8 array with offsets, the layout every kernel takes.

This module, like the whole ``ncd._native`` package, imports nothing from the layers above it.
"""

from __future__ import annotations

import os
import tempfile
import warnings

import numpy as np

try:
    import numba
    from numba import prange
except ImportError:  # pragma: no cover - numba is a core dependency; this keeps the plain kernels usable
    numba = None
    prange = range

__all__ = ["USE_NUMBA", "numba", "prange", "jit", "Threads", "pack", "check_cache_dir"]

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


class Threads:
    """Run numba's parallel loops on n threads, restoring the previous setting after.

    Never sets the thread count globally: only inside the ``with`` block. Without numba it
    does nothing (``n`` is then 1).
    """

    def __init__(self, n_threads):
        limit = numba.config.NUMBA_NUM_THREADS if USE_NUMBA else 1
        self.n = max(1, min(int(n_threads), limit))

    def __enter__(self):
        if USE_NUMBA:
            self.previous = numba.get_num_threads()
            numba.set_num_threads(self.n)
        return self

    def __exit__(self, *exc):
        if USE_NUMBA:
            numba.set_num_threads(self.previous)


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
