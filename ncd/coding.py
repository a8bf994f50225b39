"""Arithmetic coding: turn a model's probabilities into an actual bitstream, and back.

A model that predicts the next symbol is a compressor: the ideal code length of a text is
the sum of ``-log2 p`` over its symbols, and an arithmetic coder writes a bitstream within a
couple of bits of that sum. :func:`encode` and :func:`decode` do it for any model with a
``distribution(prefix)`` method:

- a byte model returns the 256 probabilities of the next byte given the bytes so far
  (``prefix`` is bytes): :class:`ContextModel`, ncd's order-k context model (Witten-Bell
  blending, compiled with numba), trained on texts with :meth:`ContextModel.fit`;
- a token model also has ``tokenize(data) -> ids`` and ``detokenize(ids) -> bytes``, and
  returns probabilities over its vocabulary given the token ids so far (``prefix`` is a
  list of ints): :class:`ncd.compressors.LMCompressor`, a language model, or the byte-level
  network of :func:`ncd.lm.train_byte_lm`.

Why our own coder: the classic integer coder of Witten, Neal and Cleary (1987) is some
forty lines, exact (integer arithmetic, Python's unbounded ints), needs no dependency, and
its cost over the ideal length is bounded: at most 2 bits for termination plus the loss of
quantising each probability to 24 bits (every symbol keeps at least 2^-24, which costs each
coded symbol about ``1.44 * V / 2^24`` bits for a vocabulary of V: 0.00002 for bytes, 0.004
for GPT-2's 50,257 tokens). A library coder (such as ``constriction``, a Rust range/ANS
coder) would be much faster for long streams, but here the model's distribution, not the
coder, dominates the time (a network's forward pass per token), and the round trip is
tested on real texts of several languages.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

__all__ = ["ContextModel", "ideal_code_length", "encode", "decode"]

_PRECISION = 32
_FULL = 1 << _PRECISION
_HALF = _FULL >> 1
_QUARTER = _FULL >> 2
_TOTAL_BITS = 24  # probabilities are quantised to multiples of 2^-24 (every byte keeps at least one)
_TOTAL = 1 << _TOTAL_BITS


class ByteModel(Protocol):
    def distribution(self, prefix) -> np.ndarray:
        """Probabilities of the next symbol after ``prefix`` (bytes, or token ids for a model
        that also has ``tokenize`` and ``detokenize``)."""


class ContextModel:
    """An order-k context model of bytes: Witten-Bell blending of the contexts of orders 0..k.

    ``p_o(b) = (c_o(b) + u_o p_{o-1}(b)) / (n_o + u_o)`` where, in the order-o context,
    ``n_o`` bytes were seen, ``u_o`` distinct ones, ``c_o(b)`` of them equal to b; ``p_-1``
    is uniform. Counts are exact, so every distribution sums to 1. The same model as
    ``CompressionClassifier(model="cm")``.

    Parameters
    ----------
    order : int, default=3

    Examples
    --------
    >>> from ncd.coding import ContextModel, decode, encode, ideal_code_length
    >>> model = ContextModel(order=2).fit(["the cat sat on the mat", "the dog sat on the log"])
    >>> text = b"the cat sat on the log"
    >>> code = encode(text, model)
    >>> decode(code, len(text), model) == text
    True
    >>> 8 * len(code) - ideal_code_length(text, model) < 16
    True
    """

    def __init__(self, order: int = 3):
        from ._native.cm import MAX_ORDER
        from ._validation import check_int

        self.order = check_int(order, "order", "ContextModel", 0, MAX_ORDER)

    def fit(self, texts):
        """Count the bytes of these texts (str as UTF-8); returns self."""
        from ._native.cm import ContextModel as _Counts
        from ._validation import check_texts

        self._counts = _Counts(self.order)
        self._counts.add(check_texts(texts, "texts"))
        return self

    def partial_fit(self, texts):
        """Add the counts of more texts; returns self."""
        from ._validation import check_texts

        if not hasattr(self, "_counts"):
            return self.fit(texts)
        self._counts.add(check_texts(texts, "texts"))
        return self

    def _fitted_counts(self):
        if not hasattr(self, "_counts"):
            raise ValueError("This ContextModel has seen no text: call fit(texts) first.")
        return self._counts

    def distribution(self, prefix: bytes) -> np.ndarray:
        """p(next byte | prefix): an array of 256 probabilities that sums to 1."""
        return self._fitted_counts().distribution(prefix)

    def code_length(self, data: bytes) -> float:
        """sum of -log2 p over the bytes of data, in bits (the ideal length of its code)."""
        return float(self._fitted_counts().code_lengths([bytes(data)])[0])


def _as_bytes(data) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"data must be str or bytes, got {type(data).__name__}.")


def _symbols(model, data):
    """The symbols a model codes: token ids for a model that tokenizes, else the bytes themselves."""
    return list(model.tokenize(data)) if hasattr(model, "tokenize") else data


def _prefix(model, symbols):
    return list(symbols) if hasattr(model, "tokenize") else bytes(symbols)


def _probabilities(model, prefix) -> np.ndarray:
    p = np.asarray(model.distribution(prefix), dtype=np.float64)
    tokens = hasattr(model, "tokenize")
    sizes_ok = 2 <= len(p) <= _TOTAL // 2 if tokens else len(p) == 256
    if p.ndim != 1 or not sizes_ok or not np.all(p >= 0) or not abs(p.sum() - 1.0) < 1e-6:
        size = f"between 2 and {_TOTAL // 2}" if tokens else "256"
        raise ValueError(f"{type(model).__name__}.distribution must return {size} non-negative probabilities "
                         f"summing to 1 (a 1-D array); got shape {p.shape} summing to {p.sum():.6g}.")
    return p


def _cumulative(p: np.ndarray) -> np.ndarray:
    """Integer cumulative frequencies: every symbol at least 1, the total exactly 2^24."""
    freq = np.floor(p * (_TOTAL - len(p))).astype(np.int64) + 1
    freq[int(np.argmax(freq))] += _TOTAL - int(freq.sum())
    return np.concatenate([[0], np.cumsum(freq)])


def ideal_code_length(data, model: ByteModel, quantised: bool = False) -> float:
    """sum over the symbols of data of -log2 p(symbol | the symbols before it), in bits.

    The symbols are the bytes, or the model's tokens when it has a ``tokenize`` method.

    Parameters
    ----------
    data : str or bytes
    model : a model with ``distribution(prefix)``
    quantised : bool, default=False
        Use the probabilities the coder actually codes with: each quantised to a multiple of
        2^-24, none below 2^-24. :func:`encode` writes at most this plus 2 bits, plus up to 7
        bits padding the last byte. Without it, the model's own probabilities: the coder can
        then write *fewer* bits than this sum on text the model finds nearly impossible
        (a symbol of probability below 2^-24 costs the coder at most 24 bits).

    Examples
    --------
    >>> from ncd.coding import ContextModel, ideal_code_length
    >>> model = ContextModel(order=1).fit(["abababab"])
    >>> ideal_code_length(b"abab", model) < ideal_code_length(b"baba", model)
    True
    >>> abs(ideal_code_length(b"abab", model, quantised=True) - ideal_code_length(b"abab", model)) < 0.01
    True
    """
    symbols = _symbols(model, _as_bytes(data))
    total = 0.0
    for i, s in enumerate(symbols):
        p = _probabilities(model, _prefix(model, symbols[:i]))
        if quantised:
            cum = _cumulative(p)
            total += float(np.log2(_TOTAL) - np.log2(int(cum[s + 1]) - int(cum[s])))
        else:
            total -= float(np.log2(p[s]))
    return total


def encode(data, model: ByteModel) -> bytes:
    """The arithmetic code of data under the model (decode it with :func:`decode` and the
    number of symbols: ``len(data)`` bytes, or ``len(model.tokenize(data))`` tokens).

    Examples
    --------
    >>> from ncd.coding import ContextModel, encode
    >>> model = ContextModel(order=2).fit(["the cat sat on the mat"] * 5)
    >>> len(encode(b"the cat sat on the mat", model)) < 4  # bytes, for a 22-byte text the model knows well
    True
    """
    symbols = _symbols(model, _as_bytes(data))
    low, high, pending = 0, _FULL - 1, 0
    bits = []

    def emit(bit):
        nonlocal pending
        bits.append(bit)
        bits.extend([1 - bit] * pending)
        pending = 0

    for i, symbol in enumerate(symbols):
        cum = _cumulative(_probabilities(model, _prefix(model, symbols[:i])))
        span = high - low + 1
        high = low + span * int(cum[symbol + 1]) // _TOTAL - 1
        low = low + span * int(cum[symbol]) // _TOTAL
        while True:
            if high < _HALF:
                emit(0)
            elif low >= _HALF:
                emit(1)
                low -= _HALF
                high -= _HALF
            elif low >= _QUARTER and high < _HALF + _QUARTER:
                pending += 1
                low -= _QUARTER
                high -= _QUARTER
            else:
                break
            low = 2 * low
            high = 2 * high + 1
    pending += 1
    emit(0 if low < _QUARTER else 1)
    padded = bits + [0] * (-len(bits) % 8)
    return bytes(int("".join(map(str, padded[i:i + 8])), 2) for i in range(0, len(padded), 8))


def decode(code: bytes, n: int, model: ByteModel) -> bytes:
    """The text that :func:`encode` turned into code, under the same model.

    ``n`` is the number of symbols coded: bytes for a byte model, tokens for a model that
    tokenizes (whose ``detokenize`` turns them back into bytes).

    Examples
    --------
    >>> from ncd.coding import ContextModel, decode, encode
    >>> model = ContextModel(order=2).fit(["the cat sat on the mat"])
    >>> decode(encode("the mat sat", model), 11, model)
    b'the mat sat'
    """
    stream = "".join(f"{byte:08b}" for byte in bytes(code))
    position = 0

    def next_bit():
        nonlocal position
        bit = int(stream[position]) if position < len(stream) else 0
        position += 1
        return bit

    low, high, value = 0, _FULL - 1, 0
    for _ in range(_PRECISION):
        value = 2 * value + next_bit()
    out = []
    for _ in range(n):
        cum = _cumulative(_probabilities(model, _prefix(model, out)))
        span = high - low + 1
        target = ((value - low + 1) * _TOTAL - 1) // span
        symbol = int(np.searchsorted(cum, target, side="right")) - 1
        out.append(symbol)
        high = low + span * int(cum[symbol + 1]) // _TOTAL - 1
        low = low + span * int(cum[symbol]) // _TOTAL
        while True:
            if high < _HALF:
                pass
            elif low >= _HALF:
                low -= _HALF
                high -= _HALF
                value -= _HALF
            elif low >= _QUARTER and high < _HALF + _QUARTER:
                low -= _QUARTER
                high -= _QUARTER
                value -= _QUARTER
            else:
                break
            low = 2 * low
            high = 2 * high + 1
            value = 2 * value + next_bit()
    return model.detokenize(out) if hasattr(model, "tokenize") else bytes(out)
