"""Brotli, whose built-in dictionary is prior knowledge about text."""

from __future__ import annotations

import brotli

from ._base import Compressor, as_bytes
from .._validation import check_choice, check_int

__all__ = ["BrotliCompressor"]

_MODES = {"generic": brotli.MODE_GENERIC, "text": brotli.MODE_TEXT, "font": brotli.MODE_FONT}


class BrotliCompressor(Compressor):
    """Brotli: ``8 * len(brotli.compress(data, quality=..., lgwin=..., mode=...))``.

    On inputs of less than about 100 bytes brotli misses repeats (22 random bytes
    cost 26 bytes, the same 22 twice 48), so its distances between very short
    texts are unreliable; from a few hundred bytes on it finds them.

    Brotli ships a static dictionary of about 120 kB (some 13,000 words and
    phrases of English and other languages, HTML and JavaScript) that every
    encoder and decoder knows. A short English text can refer to it, so brotli
    compresses it below what the text's own redundancy allows: its code length
    is conditional on that dictionary, a small pretrained model. That helps
    accuracy on short English texts, and it means brotli's lengths are not
    comparable with a compressor that starts from nothing.

    Overhead: 1 byte. Quality 11 (the default) is some 30 times slower than
    quality 5.

    Parameters
    ----------
    quality : int, default=11
        0 to 11.
    lgwin : int, default=22
        Base-2 logarithm of the sliding window, 10 to 24.
    mode : {"generic", "text", "font"}, default="generic"
        A hint to the encoder; "text" is for UTF-8 text.

    Examples
    --------
    >>> from ncd.compressors import BrotliCompressor
    >>> BrotliCompressor().overhead, BrotliCompressor().code_length(b"the cat sat on the mat; the cat sat on the hat")
    (8.0, 400.0)
    """

    id = "brotli"

    def __init__(self, quality: int = 11, lgwin: int = 22, mode: str = "generic"):
        self.quality = quality
        self.lgwin = lgwin
        self.mode = mode

    def code_length(self, data: bytes) -> float:
        data = as_bytes(data)
        quality = check_int(self.quality, "quality", self, 0, 11)
        lgwin = check_int(self.lgwin, "lgwin", self, 10, 24)
        mode = _MODES[check_choice(self.mode, "mode", self, tuple(_MODES))]
        return 8.0 * len(brotli.compress(data, quality=quality, lgwin=lgwin, mode=mode))

    @property
    def window(self) -> int:
        return (1 << check_int(self.lgwin, "lgwin", self, 10, 24)) - 16
