"""Deflate lengths from one reusable libz stream per thread: no set-up or allocation per call.

``zlib.compress`` runs deflateInit (some 270 kB of buffers at level 9), deflate
and deflateEnd on every call. On short texts that set-up costs more than the
compression, and glibc often hands the buffers back to the OS and faults them
in again on the next call. Here each thread keeps one initialised stream per
(level, wbits) and calls ``deflateReset`` between inputs, which zlib defines as
equivalent to ending and initialising the stream again: the output is the same
bytes (the tests compare lengths against ``zlib.compress`` and ``gzip.compress``).

The library is the libz that Python's zlib module reports at run time; when no
shared libz of that exact version can be loaded (or ``NCD_NO_LIBZ=1`` is set),
:func:`deflate_length` falls back to ``len(zlib.compress(...))``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
import zlib

import numpy as np

__all__ = ["deflate_length", "libz_available"]

_Z_FINISH = 4
_Z_STREAM_END = 1


class _ZStream(ctypes.Structure):
    _fields_ = [
        ("next_in", ctypes.c_void_p),
        ("avail_in", ctypes.c_uint),
        ("total_in", ctypes.c_ulong),
        ("next_out", ctypes.c_void_p),
        ("avail_out", ctypes.c_uint),
        ("total_out", ctypes.c_ulong),
        ("msg", ctypes.c_char_p),
        ("state", ctypes.c_void_p),
        ("zalloc", ctypes.c_void_p),
        ("zfree", ctypes.c_void_p),
        ("opaque", ctypes.c_void_p),
        ("data_type", ctypes.c_int),
        ("adler", ctypes.c_ulong),
        ("reserved", ctypes.c_ulong),
    ]


def _load_libz():
    if os.environ.get("NCD_NO_LIBZ"):
        return None
    lib = None
    for name in ("libz.so.1", "libz.1.dylib", None):
        name = name or ctypes.util.find_library("z")
        if name is None:
            continue
        try:
            lib = ctypes.CDLL(name)  # CDLL releases the GIL around every call
            break
        except OSError:
            continue
    if lib is None:
        return None
    try:
        lib.zlibVersion.restype = ctypes.c_char_p
        if lib.zlibVersion().decode() != zlib.ZLIB_RUNTIME_VERSION:
            return None  # another zlib than Python's: lengths could differ
        stream = ctypes.POINTER(_ZStream)
        lib.deflateInit2_.argtypes = [stream, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                      ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.deflate.argtypes = [stream, ctypes.c_int]
        lib.deflateReset.argtypes = [stream]
        lib.deflateEnd.argtypes = [stream]
        lib.deflateBound.argtypes = [stream, ctypes.c_ulong]
        lib.deflateBound.restype = ctypes.c_ulong
    except (OSError, AttributeError):
        return None
    return lib


_lib = _load_libz()


def libz_available() -> bool:
    """Whether the reusable-stream path is in use (else ``zlib.compress`` is called per input)."""
    return _lib is not None


class _Stream:
    """One initialised deflate stream and its output buffer, owned by one thread."""

    def __init__(self, level: int, wbits: int):
        self.z = _ZStream()
        self.ref = ctypes.byref(self.z)
        rc = _lib.deflateInit2_(self.ref, level, zlib.DEFLATED, wbits, 8, zlib.Z_DEFAULT_STRATEGY,
                                zlib.ZLIB_RUNTIME_VERSION.encode(), ctypes.sizeof(_ZStream))
        if rc != 0:
            raise MemoryError(f"deflateInit2 failed with code {rc} (level={level}, wbits={wbits})")
        self._grow(1 << 12)

    def _grow(self, n_input: int) -> None:
        """Size the output buffer for inputs of up to n_input bytes (deflateBound: one call always finishes)."""
        self.max_input = n_input
        self.out = ctypes.create_string_buffer(int(_lib.deflateBound(self.ref, n_input)))

    def length(self, data: bytes) -> int:
        z = self.z
        if len(data) > self.max_input:
            self._grow(max(len(data), 2 * self.max_input))
        z.next_in = ctypes.cast(data, ctypes.c_void_p)
        z.avail_in = len(data)
        z.next_out = ctypes.addressof(self.out)
        z.avail_out = len(self.out)
        rc = _lib.deflate(self.ref, _Z_FINISH)
        n = z.total_out
        _lib.deflateReset(self.ref)
        if rc != _Z_STREAM_END:  # cannot happen with a deflateBound-sized buffer
            raise RuntimeError(f"deflate returned {rc} on {len(data)} bytes")
        return n

    def __del__(self):
        if _lib is not None:
            _lib.deflateEnd(self.ref)


_local = threading.local()


def deflate_length(data: bytes, level: int, wbits: int) -> int:
    """``len(zlib.compress(data, level, wbits))``, computed with a reused per-thread stream."""
    if _lib is None:
        if wbits == 15:
            return len(zlib.compress(data, level))
        c = zlib.compressobj(level, zlib.DEFLATED, wbits)
        return len(c.compress(data) + c.flush())
    streams = getattr(_local, "streams", None)
    if streams is None:
        streams = _local.streams = {}
    stream = streams.get((level, wbits))
    if stream is None:
        stream = streams[(level, wbits)] = _Stream(level, wbits)
    return stream.length(data)


# -- the same streams, driven from numba ------------------------------------------------
#
# For the pairwise hot path a numba kernel (ncd._native.deflate.deflate_joint_block) calls
# deflate and deflateReset itself, so no Python runs per pair and every numba thread
# compresses at once. Each thread's z_stream lives in one row of a uint64 array; the
# kernel writes next_in / avail_in / next_out / avail_out and reads total_out at their
# LP64 offsets (words 0, 1, 3, 4, 5), so this path is used only where the struct has
# that layout (64-bit Linux and macOS).

_WORDS = ctypes.sizeof(_ZStream) // 8
NUMBA_PATH = (
    _lib is not None
    and ctypes.sizeof(_ZStream) == 112
    and ctypes.sizeof(ctypes.c_ulong) == 8
    and _ZStream.next_in.offset == 0
    and _ZStream.avail_in.offset == 8
    and _ZStream.next_out.offset == 24
    and _ZStream.avail_out.offset == 32
    and _ZStream.total_out.offset == 40
)

if NUMBA_PATH:
    _raw = ctypes.CDLL(_lib._name)  # a second handle: its functions take addresses as plain integers
    c_deflate = _raw.deflate
    c_deflate.argtypes = [ctypes.c_uint64, ctypes.c_int]
    c_deflate.restype = ctypes.c_int
    c_deflate_reset = _raw.deflateReset
    c_deflate_reset.argtypes = [ctypes.c_uint64]
    c_deflate_reset.restype = ctypes.c_int


class StreamArray:
    """``n`` initialised deflate streams as rows of a uint64 array, plus their buffers.

    ``buffer_size`` must hold the longest concatenation; the output buffers are sized by
    deflateBound for it, so a single deflate call always finishes.
    """

    def __init__(self, n: int, level: int, wbits: int, buffer_size: int):
        self.words = np.zeros((n, _WORDS), dtype=np.uint64)
        self._ptrs = []
        for t in range(n):
            ptr = ctypes.cast(int(self.words[t].ctypes.data), ctypes.POINTER(_ZStream))
            rc = _lib.deflateInit2_(ptr, level, zlib.DEFLATED, wbits, 8, zlib.Z_DEFAULT_STRATEGY,
                                    zlib.ZLIB_RUNTIME_VERSION.encode(), ctypes.sizeof(_ZStream))
            if rc != 0:
                self.close()
                raise MemoryError(f"deflateInit2 failed with code {rc} (level={level}, wbits={wbits})")
            self._ptrs.append(ptr)
        bound = int(_lib.deflateBound(self._ptrs[0], buffer_size)) + 64
        self.concat = np.empty((n, max(buffer_size, 1)), dtype=np.uint8)
        self.out = np.empty((n, bound), dtype=np.uint8)

    def close(self) -> None:
        for ptr in self._ptrs:
            _lib.deflateEnd(ptr)
        self._ptrs = []

    def __del__(self):
        self.close()
