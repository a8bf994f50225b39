"""The context-mixing model as a pairwise compressor, compiled with numba."""

from __future__ import annotations

import numpy as np

from .._native.mix import adaptive_code_lengths, joint_code_lengths
from .._validation import check_int
from ._base import NO_COMPILED_PATH, Compressor, as_bytes

__all__ = ["MixCompressor"]

#: Bytes of room for the second text in the tables of a pair's model: a constant, so that a pair's
#: joint length does not depend on which other texts are computed with it.
_Y_ROOM = 2048


class MixCompressor(Compressor):
    """Context-mixing code length: each byte as 8 binary decisions, many models mixed online.

    The model of ``CompressionClassifier(model="mix")`` (``ncd._native.mix``): bit predictions
    from byte contexts of orders 0-6 and 8, two word contexts and a match model, combined by an
    online logistic mixer and refined by an adaptive probability map, all learned as the text is
    coded from an empty model. C(x) is what an arithmetic coder driven by it would write, to
    within a couple of bits.

    Its joint length for a pair is ``C(x) + C(separator + y | x)``: the model trained on x, then
    y coded after it, learning on. x is coded once per query and its state reused for every y.
    The best compressor here and the slowest native one: thousands of pairs a second, not
    millions; for kNN over many references prefer ``lz77`` or ``cm``, and for classification
    the class-level model.

    With a ``network`` (a byte-level language model, ``LMCompressor(..., tokenizer="bytes")``;
    the ``lm`` extra), the network's next-byte probabilities are one more input of the mixer,
    beside the contexts and the match model: the network brings what it learned of the language,
    the match model lets it refer back to x while coding y, which a small network cannot
    (``benchmarks/lm_match.md``). The joint length is then that of the concatenation, the
    network run over it for every pair: as slow as the network.

    Overhead: 0 bits. Thread-safe.

    Parameters
    ----------
    memory : int, default=22
        Each hashed table holds at most 2^memory slots; a text gets tables sized to it. 10 to 26.
    network : LMCompressor or its config dict, default=None
        A byte-level language model whose predictions are mixed in; None: the mixer's own
        inputs only.

    Examples
    --------
    >>> from ncd.compressors import MixCompressor
    >>> mix = MixCompressor()
    >>> text = b"the cat sat on the mat; the cat sat on the hat"
    >>> bool(mix.joint_code_lengths(text, [text])[0] < 1.3 * mix.code_length(text))
    True
    """

    id = "mix"

    def __init__(self, memory: int = 22, network=None):
        self.memory = memory
        self.network = network

    def _memory(self) -> int:
        return check_int(self.memory, "memory", self, 10, 26)

    def _network(self):
        """The network as a compressor with byte_distributions, or None (built once from a config)."""
        if self.network is None:
            return None
        net = getattr(self, "_net", None)
        if net is None:
            from ._registry import get_compressor

            net = get_compressor(self.network)
            if not hasattr(net, "byte_distributions"):
                raise TypeError(f"The 'network' parameter of {type(self).__name__} must be a byte-level language "
                                f"model (LMCompressor(..., tokenizer='bytes')) or its config; got {self.network!r}.")
            self._net = net
        return net

    def _reset(self) -> None:
        self._net = None

    def code_length(self, data: bytes) -> float:
        return float(self.code_lengths([data])[0])

    def code_lengths(self, items) -> np.ndarray:
        items = [as_bytes(b) for b in items]
        net = self._network()
        external = None if net is None else net.byte_distributions(items)
        return adaptive_code_lengths(items, self._memory(), external=external)

    def get_config(self):
        config = super().get_config()
        if self.network is not None and not isinstance(self.network, dict):
            config["network"] = self.network.get_config()
        return config

    def _pairs(self, xs, ys, separator, n_threads=1):
        return joint_code_lengths(list(xs), list(ys), separator, self._memory(), n_threads, y_room=_Y_ROOM)[0]

    def joint_code_lengths(self, x: bytes, ys, separator: bytes = b" ", reverse: bool = False) -> np.ndarray:
        if self.network is not None:  # the network runs over each concatenation: all of them in one batch
            x, separator = as_bytes(x), bytes(separator)
            ys = [as_bytes(y) for y in ys]
            return self.code_lengths([y + separator + x for y in ys] if reverse else [x + separator + y for y in ys])
        if reverse:  # C(y) + C(separator + x | y) for every y
            return self._pairs(list(ys), [x], separator)[:, 0]
        return self._pairs([x], ys, separator)[0]

    def _prepare_refs(self, ys, separator, n_threads):
        if self.network is not None:
            return NO_COMPILED_PATH  # pair by pair (joint_code_lengths): the network sees each concatenation
        return list(ys)  # nothing to precompute about y: each pair codes y after x's model

    def _joint_block(self, xs, cx, prepared, cy, separator, reverse, n_threads):
        if reverse:
            return self._pairs(prepared, xs, separator, n_threads).T
        return self._pairs(xs, prepared, separator, n_threads)
