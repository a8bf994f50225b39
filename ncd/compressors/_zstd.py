"""Zstandard, with one reusable compression context per thread."""

from __future__ import annotations

import threading

import zstandard

from ._base import Compressor
from ._validation import check_int

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
    """

    id = "zstd"

    def __init__(self, level: int = 3, frame_extras: bool = True):
        self.level = level
        self.frame_extras = frame_extras

    def _reset(self) -> None:
        self.__dict__.pop("_local", None)

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
                params = zstandard.ZstdCompressionParameters.from_level(
                    level,
                    format=zstandard.FORMAT_ZSTD1_MAGICLESS,
                    write_content_size=False,
                    write_checksum=False,
                    write_dict_id=False,
                )
                ctx = zstandard.ZstdCompressor(compression_params=params)
            local.ctx = ctx
        return ctx

    def code_length(self, data: bytes) -> float:
        return 8.0 * len(self._context().compress(data))
