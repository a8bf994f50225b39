"""Zstandard, with one reusable compression context per thread."""

from __future__ import annotations

import threading

import numpy as np
import zstandard

from ._base import Compressor, as_bytes
from .._validation import check_int

__all__ = ["ZstdCompressor"]


class ZstdCompressor(Compressor):
    """Zstandard: ``8 * len(frame)``.

    A ``zstandard.ZstdCompressor`` context is made once per thread and reused for
    every call (setting a context up costs more than compressing a short text).

    Parameters
    ----------
    level : int, default=3
        Compression level, 1 to 22 (3 is zstd's default; 19 and above are slow).
    frame_extras : bool, default=True
        Keep the standard frame: 4-byte magic number and the content size in the
        header (9 bytes on an empty input). ``False`` writes the magic-less frame
        format with no content size, checksum or dictionary id (5 bytes on an
        empty input), so that less of each length is constant overhead. Both are
        real, decodable zstd frames.
    conditional : bool, default=False
        How a pair is measured. ``False``: ``C(x + separator + y)``, one frame of
        the concatenation, as for every byte compressor. ``True``: ``C(x)`` plus
        the frame of ``separator + y`` compressed with x as a raw-content
        dictionary (zstd's prefix mode): y's conditional length given x, made
        explicit. Each query's dictionary is built once and used for every y.

    Examples
    --------
    >>> from ncd.compressors import ZstdCompressor
    >>> ZstdCompressor().code_length(b"the cat sat on the mat; the cat sat on the hat")
    344.0
    """

    id = "zstd"

    def __init__(self, level: int = 3, frame_extras: bool = True, conditional: bool = False):
        self.level = level
        self.frame_extras = frame_extras
        self.conditional = conditional

    def _reset(self) -> None:
        self.__dict__.pop("_local", None)

    def _params(self, level: int):
        if self.frame_extras:
            return zstandard.ZstdCompressionParameters.from_level(level)
        return zstandard.ZstdCompressionParameters.from_level(
            level,
            format=zstandard.FORMAT_ZSTD1_MAGICLESS,
            write_content_size=False,
            write_checksum=False,
            write_dict_id=False,
        )

    def _context(self) -> zstandard.ZstdCompressor:
        local = self.__dict__.get("_local")
        if local is None:
            local = self._local = threading.local()
        ctx = getattr(local, "ctx", None)
        if ctx is None:
            level = check_int(self.level, "level", self, 1, 22)
            if self.frame_extras:
                ctx = zstandard.ZstdCompressor(level=level)
            else:
                ctx = zstandard.ZstdCompressor(compression_params=self._params(level))
            local.ctx = ctx
        return ctx

    def code_length(self, data: bytes) -> float:
        data = as_bytes(data)
        return 8.0 * len(self._context().compress(data))

    @property
    def window(self) -> int:
        return 1 << self._params(check_int(self.level, "level", self, 1, 22)).window_log

    def _given(self, prefix: bytes) -> zstandard.ZstdCompressor:
        """A compressor that has ``prefix`` as its raw-content dictionary (no dictionary id written)."""
        level = check_int(self.level, "level", self, 1, 22)
        d = zstandard.ZstdCompressionDict(prefix, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        d.precompute_compress(level=level)
        if self.frame_extras:
            return zstandard.ZstdCompressor(dict_data=d, level=level, write_dict_id=False)
        return zstandard.ZstdCompressor(dict_data=d, compression_params=self._params(level))

    def joint_code_lengths(self, x: bytes, ys, separator: bytes = b" ", reverse: bool = False) -> np.ndarray:
        if not self.conditional:
            return super().joint_code_lengths(x, ys, separator, reverse)
        if reverse:  # C(y) + C(separator + x | y) for every y
            tail = separator + x
            return np.fromiter(
                (self.code_length(y) + 8.0 * len(self._given(y).compress(tail)) for y in ys),
                dtype=np.float64, count=len(ys),
            )
        compress = self._given(x).compress
        cx = self.code_length(x)
        return np.fromiter((cx + 8.0 * len(compress(separator + y)) for y in ys), dtype=np.float64, count=len(ys))
