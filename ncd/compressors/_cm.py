"""The order-k context model as a pairwise compressor, compiled with numba."""

from __future__ import annotations

import numpy as np

from ._base import _NativeConditional, as_bytes
from .._native.cm import MAX_ORDER
from .._validation import check_int

__all__ = ["CMCompressor"]


class CMCompressor(_NativeConditional):
    """Order-k context model code length: each byte costs -log2 of its probability.

    The probability blends the counts of the contexts of orders 0..k seen so far
    (Witten-Bell), starting from uniform: an adaptive model, so C(x) is the length
    an arithmetic coder driven by it would write, to within a couple of bits.

    Its joint length for a pair is ``C(x) + C(separator + y | x)``: y is coded
    with x's counts added to its own at every order. Contexts do not straddle the
    boundary between x and y, so everything that depends on the reference texts
    alone is computed once per set of references; per pair only the query's count
    table is consulted, in compiled code. It is the pairwise form of
    ``CompressionClassifier(model="cm")``.

    Overhead: 0 bits. Thread-safe.

    Memory: the prepared references keep ``12 * (order + 1)`` bytes per reference
    byte (48 at ``order=3``) as long as they live. While the references are
    prepared, and while queries are scored, each thread also holds a count table
    for the one text in hand: 16 bytes times the power of two at or above
    ``4 * (order + 1) * n`` entries for a text of n bytes, i.e. 256 to 512 bytes per
    byte of that text at ``order=3``. On short texts neither matters; one long
    document does: measured peaks at ``order=3`` were 316 bytes per byte of a 1 MB
    reference and 4.8 GB (478 bytes per byte) for one 10 MB document (6.9 GB
    before the counts of these tables were made 32-bit).

    Parameters
    ----------
    order : int, default=3
        Longest context, 0 to ``ncd._native.cm.MAX_ORDER`` bytes.

    Examples
    --------
    >>> from ncd.compressors import CMCompressor
    >>> cm = CMCompressor()
    >>> round(cm.code_length(b"abababababababab"), 1) < round(cm.code_length(b"a quick brown fox"), 1)
    True
    """

    id = "cm"

    def __init__(self, order: int = 3):
        self.order = order

    def _order(self) -> int:
        return check_int(self.order, "order", self, 0, MAX_ORDER)

    def code_lengths(self, items) -> np.ndarray:
        items = [as_bytes(b) for b in items]
        from .._native.cm import cm_code_lengths

        return cm_code_lengths(list(items), self._order())

    def _prepare(self, texts, separator, n_threads=1):
        from .._native.cm import CMPrepared

        return CMPrepared(texts, separator, self._order(), n_threads)

    def _block(self, xs, cx, prepared, n_threads=1):
        from .._native.cm import cm_joint_block

        return cm_joint_block(xs, cx, prepared, n_threads)
