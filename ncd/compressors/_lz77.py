"""A native LZ77 code-length model, compiled with numba."""

from __future__ import annotations

import numpy as np

from ._base import _NativeConditional, as_bytes
from .._validation import check_choice, check_int

__all__ = ["LZ77Compressor"]


class LZ77Compressor(_NativeConditional):
    """LZ77 code length: a greedy parse into literals and copies, priced by a fixed code.

    Copies may begin only at *starts*. At a start a literal costs 9 bits (a flag
    and the byte) and a copy of ``L >= 4`` bytes costs ``1 + log2(H) + gamma(L - 3)``
    bits, where ``H`` is the number of starts it could copy from (a uniform code
    over the history) and ``gamma`` is the Elias gamma code length. Anywhere else a
    byte costs 8 bits: the decoder knows where the starts are from what it has
    decoded, so it needs no flag. At each start the parser takes the longest copy,
    of at most 4,096 bytes (``ncd._native.lz77.MAX_MATCH``), among the
    ``max_candidates`` most recent earlier starts holding the same four bytes, the
    ``max_candidates`` most recent holding the same 32 bytes and the oldest of
    those; after a copy of 4,096 bytes, also the continuation of its source (so a
    long repeat is a run of copies of 4,096 bytes). Every length is that of a
    decodable code, so this is a compressor (no bytes are written: only the length
    is computed). Its time is linear in the length of a document, repetitive or
    not (about 0.25 s of CPU for a megabyte of a repeated sentence); a long one is
    done in pieces, so Ctrl-C stops it within a second. As with any LZ77 that has a
    shortest copy, the length is not monotone on tiny runs: 4 equal bytes cost four
    literals (36 bits), 8 equal bytes a literal and one copy (15 bits).

    With ``starts="any"`` every byte is a start: plain LZ77, for any data. With
    ``starts="word"`` the starts are the first byte of the text, every byte after one
    that is not a letter or digit (ASCII letters and digits and every non-ASCII byte
    count as letters), and the first byte of every 3- or 4-byte UTF-8 character (CJK,
    Thai and other scripts written without spaces). Copies then begin at words: on
    natural-language text that is about a fifth as many places to search, so two to
    three times faster, and with k=1 NCD it was more accurate on 10 of the 11 data
    sets in ``benchmarks/lz77_starts.md`` (SMS spam: 0.9845 against 0.9884). On data
    without word boundaries, such as ``b"0101..."`` or DNA, it finds almost nothing
    to copy: use ``"any"`` there.

    Its joint length for a pair is ``C(x) + C(separator + y | x)``: y is parsed
    with x as extra history, and copies never straddle the boundary between x
    and y (so :meth:`joint_code_lengths` differs slightly from
    ``code_length(x + separator + y)``, which may straddle it). The candidates in x
    are chosen like those in y, each side its own, so x stays usable as history at
    any length: NCD(x, x) is about 0.003 on a megabyte of DNA, word salad or log
    lines. Everything that
    depends on the reference texts alone is computed once per set of references;
    per pair only the query's 4-gram index is consulted, in compiled code.

    Overhead: 0 bits. Thread-safe. With no fixed cost, the separator's 9 bits are
    a large share of a very short document's length: NCD of two one-byte
    documents is 2, and it comes within 1.2 only from a few dozen bytes on.

    Parameters
    ----------
    max_candidates : int, default=8
        Earlier starts examined per start and per gram length, in the text and in
        its history each, 1 to 4096. More finds longer copies in repetitive texts,
        and costs time.
    starts : {"any", "word"}, default="any"
        Where a copy may begin: at any byte, or at the beginning of a word (see
        above).

    Examples
    --------
    >>> from ncd.compressors import LZ77Compressor
    >>> text = b"the cat sat on the mat; the cat sat on the hat"
    >>> lz = LZ77Compressor()
    >>> lz.overhead, round(lz.code_length(text), 2), lz.window
    (0.0, 225.24, None)
    >>> round(LZ77Compressor(starts="word").code_length(text), 2)
    207.81
    """

    id = "lz77"

    def __init__(self, max_candidates: int = 8, starts: str = "any"):
        self.max_candidates = max_candidates
        self.starts = starts

    def _settings(self) -> tuple[int, bool]:
        k = check_int(self.max_candidates, "max_candidates", self, 1, 4096)
        return k, check_choice(self.starts, "starts", self, ("any", "word")) == "word"

    def code_lengths(self, items) -> np.ndarray:
        items = [as_bytes(b) for b in items]
        from .._native.lz77 import lz_code_lengths

        return lz_code_lengths(list(items), *self._settings())

    def _prepare(self, texts, separator, n_threads=1):
        from .._native.lz77 import LZPrepared

        return LZPrepared(texts, separator, *self._settings(), n_threads)

    def _block(self, xs, cx, prepared, n_threads=1):
        from .._native.lz77 import lz_joint_block

        return lz_joint_block(xs, cx, prepared, n_threads)
