"""Compressors from Python's standard library: gzip, zlib, raw deflate, bz2 and lzma."""

from __future__ import annotations

import bz2
import lzma

from ._base import NO_COMPILED_PATH, Compressor, as_bytes
from .._native.libz import deflate_length
from .._validation import check_choice, check_int

__all__ = ["GzipCompressor", "ZlibCompressor", "DeflateCompressor", "Bz2Compressor", "LzmaCompressor"]


class _DeflateFamily(Compressor):
    """gzip, zlib and raw deflate: one stream format, three containers (``_wbits``)."""

    _wbits = 15

    def __init__(self, level: int = 9):
        self.level = level

    def code_length(self, data: bytes) -> float:
        data = as_bytes(data)
        return 8.0 * deflate_length(data, check_int(self.level, "level", self, 0, 9), self._wbits)

    @property
    def window(self) -> int:
        return 32768 - 262  # deflate's 32 KiB window less zlib's look-ahead (MAX_DIST)

    def _prepare_refs(self, ys, separator, n_threads):
        from .._native.deflate import deflate_compiled, pack

        return pack(ys) if deflate_compiled() else NO_COMPILED_PATH

    def _joint_block(self, xs, cx, prepared, cy, separator, reverse, n_threads):
        from .._native.deflate import deflate_joint_block

        level = check_int(self.level, "level", self, 0, 9)
        return deflate_joint_block(xs, prepared, separator, level, self._wbits, reverse, n_threads)


class GzipCompressor(_DeflateFamily):
    """gzip, as in Jiang et al. (2023): ``8 * len(gzip.compress(data, level, mtime=0))``.

    The length is that of the whole gzip container (10-byte header, 8-byte
    trailer), so the empty input costs 20 bytes (160 bits). The stream is the one
    ``gzip.compress`` writes, made by zlib with ``wbits=31`` from a deflate state
    that each thread reuses (see ``ncd._native.libz``); the tests check the
    lengths against :func:`gzip.compress`. In the pairwise drivers, levels 4 to 9
    are computed by a numba re-implementation of zlib's length (``ncd._native.deflate``),
    checked against zlib once per process: the same numbers, about twice as fast.

    Parameters
    ----------
    level : int, default=9
        Compression level, 0 to 9 (9 is ``gzip.compress``'s default and the paper's).

    Examples
    --------
    >>> from ncd.compressors import GzipCompressor
    >>> gz = GzipCompressor()
    >>> gz.overhead, gz.code_length(b"the cat sat on the mat; the cat sat on the hat"), gz.window
    (160.0, 376.0, 32506)
    """

    id = "gzip"
    _wbits = 31


class ZlibCompressor(_DeflateFamily):
    """zlib container (2-byte header, 4-byte Adler-32): ``8 * len(zlib.compress(data, level))``.

    Overhead 8 bytes. Parameters: ``level`` (int, 0 to 9, default 9).

    Examples
    --------
    >>> from ncd.compressors import ZlibCompressor
    >>> ZlibCompressor().code_length(b"the cat sat on the mat; the cat sat on the hat")
    280.0
    """

    id = "zlib"
    _wbits = 15


class DeflateCompressor(_DeflateFamily):
    """Raw deflate, no container: the same compressed stream as gzip and zlib without
    their headers and checksums.

    Overhead 2 bytes (an empty final block). Parameters: ``level`` (int, 0 to 9,
    default 9).

    Examples
    --------
    >>> from ncd.compressors import DeflateCompressor
    >>> DeflateCompressor().overhead, DeflateCompressor().code_length(b"the cat sat on the mat; the cat sat on the hat")
    (16.0, 232.0)
    """

    id = "deflate"
    _wbits = -15


class Bz2Compressor(Compressor):
    """bzip2 (Burrows-Wheeler transform): ``8 * len(bz2.compress(data, level))``.

    Overhead 14 bytes. Its block is 100 kB times the level, so concatenations
    longer than that stop sharing context.

    Parameters
    ----------
    level : int, default=9
        Block size in units of 100 kB, 1 to 9.

    Examples
    --------
    >>> from ncd.compressors import Bz2Compressor
    >>> Bz2Compressor().code_length(b"the cat sat on the mat; the cat sat on the hat"), Bz2Compressor(level=1).window
    (504.0, 100000)
    """

    id = "bz2"

    def __init__(self, level: int = 9):
        self.level = level

    def code_length(self, data: bytes) -> float:
        data = as_bytes(data)
        return 8.0 * len(bz2.compress(data, check_int(self.level, "level", self, 1, 9)))

    @property
    def window(self) -> int:
        return 100_000 * check_int(self.level, "level", self, 1, 9)  # blocks are compressed apart


_LZMA_FORMATS = ("xz", "raw")


class LzmaCompressor(Compressor):
    """LZMA2, in the xz container or raw.

    The xz container (stream header and footer, block header, CRC-64 check and
    index) costs 32 bytes on an empty input (``lzma.compress(b"")``) and more on
    any other; the raw LZMA2 stream costs 1 byte. For texts of a few hundred bytes use ``"raw"``.

    Parameters
    ----------
    preset : int, default=6
        0 (fastest) to 9 (smallest); 6 is the xz default.
    format : {"xz", "raw"}, default="xz"

    Examples
    --------
    >>> from ncd.compressors import LzmaCompressor
    >>> LzmaCompressor().overhead, LzmaCompressor(format="raw").overhead
    (256.0, 8.0)
    """

    id = "lzma"

    def __init__(self, preset: int = 6, format: str = "xz"):
        self.preset = preset
        self.format = format

    def code_length(self, data: bytes) -> float:
        data = as_bytes(data)
        preset = check_int(self.preset, "preset", self, 0, 9)
        if check_choice(self.format, "format", self, _LZMA_FORMATS) == "xz":
            return 8.0 * len(lzma.compress(data, format=lzma.FORMAT_XZ, preset=preset))
        filters = [{"id": lzma.FILTER_LZMA2, "preset": preset}]
        return 8.0 * len(lzma.compress(data, format=lzma.FORMAT_RAW, filters=filters))

    @property
    def window(self) -> int:
        # the dictionary size of each xz preset
        sizes = (256 << 10, 1 << 20, 2 << 20, 4 << 20, 4 << 20, 8 << 20, 8 << 20, 16 << 20, 32 << 20, 64 << 20)
        return sizes[check_int(self.preset, "preset", self, 0, 9)]
