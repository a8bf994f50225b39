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
        self.out = ctypes.create_string_buffer(1 << 12)

    def length(self, data: bytes) -> int:
        z = self.z
        bound = _lib.deflateBound(self.ref, len(data))
        if bound > len(self.out):
            self.out = ctypes.create_string_buffer(bound)
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
