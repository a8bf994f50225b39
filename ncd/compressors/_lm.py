"""A causal language model as a compressor: code length = sum of -log2 p(token | the tokens before it).

PyTorch and transformers are imported on first use (``pip install "ncd[lm]"``); this module
itself imports neither, so ``import ncd`` stays light.

The rules, stated once:

- **Tokens.** A text (bytes) is tokenised as a whole: with the model's own tokenizer (text
  decoded as UTF-8, invalid bytes replaced by U+FFFD), or byte by byte with
  :class:`ByteTokenizer` (``tokenizer="bytes"``), which is lossless.
- **The first token** is predicted after a beginning-of-text token (the tokenizer's BOS, else
  its EOS, else ``bos_token_id``), so every token is paid for. An empty text costs 0 bits; no
  end-of-text token is charged (the length of the text is taken as known, as for the native
  models). Bits per byte = bits / UTF-8 bytes of the text, comparable across tokenizers.
- **Joint length** ``C(x + sep + y)`` is the code length of ``tokens(x) + tokens(sep + y)``:
  x is encoded once, its key/value cache reused for every y (batched), so C(xy) = C(x) +
  C(sep + y | x). With a byte tokenizer this is exactly ``code_length(x + sep + y)``; with a
  subword tokenizer the tokens at the seam can differ from tokenising the concatenation.
- **Long texts**: a sequence longer than ``max_length`` tokens is scored with a sliding window:
  windows of ``max_length`` tokens starting every ``stride`` tokens; the first window scores
  all its tokens, each later one only the tokens after the previous window's end (each token
  then sees at least ``max_length - stride`` tokens before it). A pair that does not fit in
  one window is scored this way, whole, without the cache.
- **Determinism**: eval mode (no dropout), no gradients, a fixed dtype; a run repeats exactly
  on the same machine and batch size. Float32 batching moves lengths by about 1e-6 relative.
"""

from __future__ import annotations

import copy
import inspect
import math
import os
import threading

import numpy as np

from .._hub import PROBE_SECONDS, hub_access
from .._optional import import_optional
from .._validation import check_choice, check_int
from ._base import Compressor, as_bytes

__all__ = ["LMCompressor", "ByteTokenizer"]

_LN2 = math.log(2.0)
_DTYPES = ("float32", "float64", "float16", "bfloat16")


def _import_torch():
    hint = (" (on a machine without a GPU, install the CPU build of torch first: "
            "pip install torch --index-url https://download.pytorch.org/whl/cpu)")
    torch = import_optional("torch", extra="lm", purpose="Language-model code lengths", hint=hint)
    import_optional("transformers", extra="lm", purpose="Language-model code lengths", hint=hint)
    return torch


class ByteTokenizer:
    """Bytes as tokens: ids 0-255 are the byte values, 256 marks the beginning of a text.

    Lossless for any input, so a byte-level model's code length is that of the exact bytes.

    Examples
    --------
    >>> from ncd.compressors import ByteTokenizer
    >>> tok = ByteTokenizer()
    >>> tok.encode(b"hi"), tok.bos_token_id, tok.vocab_size
    ([104, 105], 256, 257)
    >>> tok.decode([104, 105])
    b'hi'
    """

    vocab_size = 257
    bos_token_id = 256

    def encode(self, data: bytes) -> list[int]:
        return list(bytes(data))

    def decode(self, ids) -> bytes:
        return bytes(int(i) for i in ids)

    def __eq__(self, other):
        return isinstance(other, ByteTokenizer)

    def __hash__(self):
        return hash(ByteTokenizer)

    def __repr__(self):
        return "ByteTokenizer()"


class _HFTokens:
    """A transformers tokenizer behind ByteTokenizer's two methods."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.vocab_size = len(tokenizer)
        self.bos_token_id = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id

    def encode(self, data: bytes) -> list[int]:
        text = bytes(data).decode("utf-8", errors="replace")
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def decode(self, ids) -> bytes:
        return self.tokenizer.decode(list(ids), clean_up_tokenization_spaces=False).encode("utf-8")


class _Refs:
    """Reference texts tokenised once: as a prefix (``tokens(y)``) and as a suffix (``tokens(sep + y)``)."""

    def __init__(self, prefixes, suffixes):
        self.prefixes, self.suffixes = prefixes, suffixes


class LMCompressor(Compressor):
    """Code length of a causal language model: the sum over tokens of ``-log2 p(token | prefix)``.

    Wraps any causal LM with the transformers API: a hub name or local folder (loaded with
    ``AutoModelForCausalLM.from_pretrained``) or a model object with its tokenizer. The
    joint length ``C(x + sep + y)`` encodes x once and reuses its key/value cache for every
    y, batched. The rules (tokens, the first token, long texts) are in the module
    docstring of ``ncd.compressors._lm`` and the user guide.

    Needs the ``lm`` extra: ``pip install "ncd[lm]"`` (PyTorch and transformers).

    Parameters
    ----------
    model : str or transformers model
        A hub name (``"gpt2"``, ``"HuggingFaceTB/SmolLM-135M"``; needs a network the first
        time), a local folder, or a causal LM object. A model object is put in eval mode
        and moved to ``device`` and ``dtype`` in place.
    tokenizer : None, "bytes" or tokenizer, default=None
        None: the tokenizer saved with ``model`` (a name or folder). ``"bytes"``:
        :class:`ByteTokenizer`, for byte-level models such as those of
        :func:`ncd.lm.train_byte_lm`. Or a transformers tokenizer object.
    device : str, default="cpu"
        ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``, or ``"auto"`` (a GPU when there is one).
    dtype : {"float32", "float64", "float16", "bfloat16"}, default="float32"
    batch_size : int, default=16
        Sequences per forward pass.
    max_length : int or None, default=None
        Tokens per window; None: the model's context length.
    stride : int or None, default=None
        Step between windows on long texts; None: ``max_length // 2``.
    bos_token_id : int or None, default=None
        The token the first token is predicted after, when the tokenizer has neither BOS nor EOS.

    Notes
    -----
    ``n_jobs`` of the drivers does not apply: PyTorch uses its own threads
    (``torch.set_num_threads``). The coding methods (:meth:`distribution`) keep one stream's
    cache and are not thread-safe; the code-length methods are.

    Examples
    --------
    A tiny randomly initialised model (no download); a real one would be
    ``LMCompressor("gpt2")``.

    >>> import torch
    >>> from transformers import GPT2Config, GPT2LMHeadModel
    >>> from ncd.compressors import LMCompressor
    >>> _ = torch.manual_seed(0)
    >>> net = GPT2LMHeadModel(GPT2Config(vocab_size=257, n_positions=64, n_embd=16, n_layer=1, n_head=2,
    ...                                  bos_token_id=256, eos_token_id=256))
    >>> lm = LMCompressor(net, tokenizer="bytes")
    >>> lm.code_length(b"")
    0.0
    >>> 7.5 < lm.code_length(b"abcd") / 4 < 8.5  # an untrained model: about 8 bits per byte
    True
    >>> joint = lm.joint_code_lengths(b"abcd", [b"ab", b"xyz"], separator=b" ")
    >>> bool(abs(joint[0] - lm.code_length(b"abcd ab")) < 1e-3)
    True
    """

    id = "lm"

    def __init__(self, model=None, tokenizer=None, *, device="cpu", dtype="float32", batch_size=16,
                 max_length=None, stride=None, bos_token_id=None):
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.dtype = dtype
        self.batch_size = batch_size
        self.max_length = max_length
        self.stride = stride
        self.bos_token_id = bos_token_id
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._loaded = None
        self._stream = None

    def __repr__(self) -> str:
        shown = {k: repr(v) for k, v in self.get_params().items()}
        if not isinstance(self.model, (str, type(None))):  # a model object: its class and size, not its layers
            n = sum(p.numel() for p in self.model.parameters())
            shown["model"] = f"<{type(self.model).__name__}, {n:,} parameters>"
        return f"{type(self).__name__}({', '.join(f'{k}={v}' for k, v in shown.items())})"

    # -- loading and checking, once ----------------------------------------------------

    def _state(self):
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._load()
        return self._loaded

    def _from_hub(self, auto_class, name_or_path: str):
        """``auto_class.from_pretrained(name_or_path)``; without a network, a quick probe and then the local
        cache only, instead of ~25 s of retries before the same error."""
        if os.path.isdir(name_or_path):
            return auto_class.from_pretrained(name_or_path)
        unreachable = False
        try:
            with hub_access() as unreachable:
                return auto_class.from_pretrained(name_or_path)
        except OSError as exc:
            if not unreachable:
                raise
            raise OSError(
                f"{type(self).__name__} could not load {name_or_path!r}: it is not a local folder, it is not in the "
                f"local Hugging Face cache, and the hub could not be reached within {PROBE_SECONDS:g} s. Pass a "
                "local folder (model.save_pretrained(folder) where there is a network), or train a byte model "
                f"offline with ncd.lm.train_byte_lm. ({type(exc).__name__}: {exc})"
            ) from exc

    def _load(self):
        name = type(self).__name__
        if self.model is None:
            raise ValueError(
                f"{name} needs a model: a hub name such as 'gpt2', a local folder, or a transformers causal LM "
                "object. For a model trained here, offline, see ncd.lm.train_byte_lm."
            )
        check_choice(self.dtype, "dtype", name, _DTYPES)
        batch_size = check_int(self.batch_size, "batch_size", name, low=1)
        torch = _import_torch()
        from transformers import AutoModelForCausalLM, AutoTokenizer

        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            device = torch.device(device)
        except (RuntimeError, TypeError) as exc:
            raise ValueError(f"The 'device' parameter of {name} must be 'cpu', 'cuda', 'cuda:N', 'mps' or 'auto'. "
                             f"Got {self.device!r} instead.") from exc
        if isinstance(self.model, str):
            from .. import _byte_models  # noqa: F401  (registers ncd's own byte model with the Auto classes)

            net = self._from_hub(AutoModelForCausalLM, self.model)
        elif isinstance(self.model, torch.nn.Module):
            net = self.model
        else:
            raise TypeError(f"The 'model' parameter of {name} must be a hub name, a folder or a transformers model; "
                            f"got a {type(self.model).__name__}.")
        net = net.to(device=device, dtype=getattr(torch, self.dtype)).eval()

        if isinstance(self.tokenizer, str) and self.tokenizer == "bytes":
            tok = ByteTokenizer()
        elif self.tokenizer is None:
            if not isinstance(self.model, str):
                raise ValueError(f"{name} was given a model object without a tokenizer: pass tokenizer= (a "
                                 "transformers tokenizer, or 'bytes' for a byte-level model).")
            tok = _HFTokens(self._from_hub(AutoTokenizer, self.model))
        elif isinstance(self.tokenizer, ByteTokenizer):
            tok = self.tokenizer
        elif isinstance(self.tokenizer, str):
            tok = _HFTokens(self._from_hub(AutoTokenizer, self.tokenizer))
        else:
            tok = _HFTokens(self.tokenizer)
        bos = self.bos_token_id if self.bos_token_id is not None else tok.bos_token_id
        if bos is None:
            raise ValueError(f"The tokenizer of this {name} has no BOS or EOS token to predict the first token "
                             "after: pass bos_token_id=.")
        context = None
        for attr in ("n_positions", "max_position_embeddings", "n_ctx", "seq_length"):
            context = context or getattr(net.config, attr, None)
        max_length = self.max_length if self.max_length is not None else (context or 1024)
        max_length = check_int(max_length, "max_length", name, low=2)
        if context is not None and max_length > context:
            raise ValueError(f"The 'max_length' parameter of {name} ({max_length}) is longer than the model's "
                             f"context ({context}); use at most {context}, or None for the model's own.")
        stride = self.stride if self.stride is not None else max(1, max_length // 2)
        stride = check_int(stride, "stride", name, low=1)
        if stride >= max_length:
            raise ValueError(f"The 'stride' parameter of {name} must be smaller than max_length ({max_length}), "
                             f"or windows would skip tokens. Got {stride!r} instead.")
        return _Loaded(torch, net, tok, int(bos), device, batch_size, max_length, stride)

    # -- scoring -----------------------------------------------------------------------

    def _windows(self, seq, L, S):
        """(tokens, first scored position) pieces whose scores sum to the sequence's code length."""
        if len(seq) <= L:
            return [(seq, 1)]
        pieces = [(seq[:L], 1)]
        k = 1
        while k * S + L - S < len(seq):
            pieces.append((seq[k * S: k * S + L], L - S))
            k += 1
        return pieces

    def _score(self, pieces) -> np.ndarray:
        """Bits of each (tokens, first) piece: sum over t >= first of -log2 p(tokens[t] | tokens[:t])."""
        st = self._state()
        torch = st.torch
        out = np.zeros(len(pieces))
        scored = [i for i, (tokens, first) in enumerate(pieces) if len(tokens) > first]
        with torch.inference_mode():
            for idx in _length_batches(scored, [len(p[0]) for p in pieces], st.batch_size):
                ids, mask = _padded(torch, [pieces[i][0] for i in idx])
                logits = st.net(input_ids=ids.to(st.device), attention_mask=mask.to(st.device)).logits
                nats = _nats(torch, logits[:, :-1], ids[:, 1:].to(st.device))
                for r, i in enumerate(idx):
                    out[i] = nats[r, pieces[i][1] - 1: len(pieces[i][0]) - 1].sum() / _LN2
        return out

    def byte_distributions(self, items) -> list:
        """Next-byte probabilities: for each text, a float64 array of shape (len(text), 256) whose
        row i is p(byte i = b | the bytes before it), b = 0..255, for a byte-level model
        (``tokenizer="bytes"``). The rows come from the same windows as the code length, and are
        renormalised over the 256 bytes (the BOS token's share is left out). This is what
        ``MixCompressor(network=...)`` mixes with its own contexts and match model."""
        st = self._state()
        if not isinstance(st.tok, ByteTokenizer):
            raise ValueError(f"byte_distributions needs a byte-level model (tokenizer='bytes'); this "
                             f"{type(self).__name__} has the tokenizer {self.tokenizer!r}, whose tokens are not bytes.")
        items = [as_bytes(b) for b in items]
        out = [np.zeros((len(b), 256)) for b in items]
        pieces, owner, starts = [], [], []
        for n, b in enumerate(items):
            for k, piece in enumerate(self._windows([st.bos] + list(b), st.max_length, st.stride)):
                pieces.append(piece)
                owner.append(n)
                starts.append(k * st.stride)
        torch = st.torch
        scored = [i for i, (tokens, first) in enumerate(pieces) if len(tokens) > first]
        with torch.inference_mode():
            for idx in _length_batches(scored, [len(p[0]) for p in pieces], st.batch_size):
                ids, mask = _padded(torch, [pieces[i][0] for i in idx])
                logits = st.net(input_ids=ids.to(st.device), attention_mask=mask.to(st.device)).logits
                probs = torch.softmax(logits[:, :-1, :256].double(), -1).cpu().numpy()
                for r, i in enumerate(idx):
                    tokens, first = pieces[i]
                    # row t - 1 predicts tokens[t], which is byte starts[i] + t - 1 of the text
                    out[owner[i]][starts[i] + first - 1: starts[i] + len(tokens) - 1] = probs[r, first - 1: len(tokens) - 1]
        return out

    def _sequence_bits(self, seqs) -> np.ndarray:
        """Code length of whole token sequences (each starting with BOS), windowed where long."""
        st = self._state()
        pieces, owner = [], []
        for n, seq in enumerate(seqs):
            for piece in self._windows(seq, st.max_length, st.stride):
                pieces.append(piece)
                owner.append(n)
        return np.bincount(np.asarray(owner, dtype=np.intp), weights=self._score(pieces), minlength=len(seqs))

    def _joint(self, prefix, suffixes) -> np.ndarray:
        """Code length of ``[BOS] + prefix + suffix`` for every suffix, the prefix encoded once."""
        st = self._state()
        torch = st.torch
        seq = [st.bos] + list(prefix)
        out = np.empty(len(suffixes))
        fits = [i for i, s in enumerate(suffixes) if len(seq) + len(s) <= st.max_length]
        rest = [i for i, s in enumerate(suffixes) if len(seq) + len(s) > st.max_length]
        if rest:  # too long for one window: scored whole, windowed, without the cache
            out[rest] = self._sequence_bits([seq + list(suffixes[i]) for i in rest])
        if not fits:
            return out
        with torch.inference_mode():
            ids = torch.tensor([seq], device=st.device)
            first = st.net(input_ids=ids, use_cache=True)
            cache = first["cache"] if "cache" in first else first["past_key_values"]  # renamed in transformers 5
            prefix_nats = _nats(torch, first.logits[:, :-1], ids[:, 1:])[0].sum() if len(seq) > 1 else 0.0
            last = torch.log_softmax(first.logits[0, -1].double(), -1).cpu().numpy()
            for idx in _length_batches(fits, [len(s) for s in suffixes], st.batch_size):
                batch, suffix_mask = _padded(torch, [suffixes[i] for i in idx])
                T = batch.shape[1]
                nats = np.zeros(len(idx))
                for r, i in enumerate(idx):
                    if len(suffixes[i]):
                        nats[r] = -last[suffixes[i][0]]
                if T > 1:
                    mask = torch.cat([torch.ones((len(idx), len(seq)), dtype=torch.long), suffix_mask], dim=1)
                    batch_cache = copy.deepcopy(cache)
                    batch_cache.batch_repeat_interleave(len(idx))
                    positions = torch.arange(len(seq), len(seq) + T).unsqueeze(0).expand(len(idx), -1)
                    logits = st.net(input_ids=batch.to(st.device), attention_mask=mask.to(st.device),
                                    position_ids=positions.to(st.device), use_cache=True,
                                    **{st.cache_keyword: batch_cache}).logits
                    later = _nats(torch, logits[:, :-1], batch[:, 1:].to(st.device))
                    for r, i in enumerate(idx):
                        nats[r] += later[r, : max(len(suffixes[i]) - 1, 0)].sum()
                out[idx] = (float(prefix_nats) + nats) / _LN2
        return out

    # -- the Compressor interface ----------------------------------------------------------

    def tokenize(self, data: bytes) -> list[int]:
        """The token ids that the code length is taken over (no BOS)."""
        return self._state().tok.encode(bytes(data))

    def detokenize(self, ids) -> bytes:
        """Token ids back to bytes (UTF-8 for a subword tokenizer)."""
        return self._state().tok.decode(ids)

    def code_length(self, data: bytes) -> float:
        return float(self.code_lengths([data])[0])

    def code_lengths(self, items) -> np.ndarray:
        items = [as_bytes(b) for b in items]
        st = self._state()
        return self._sequence_bits([[st.bos] + st.tok.encode(bytes(b)) for b in items])

    def joint_code_lengths(self, x: bytes, ys, separator: bytes = b" ", reverse: bool = False) -> np.ndarray:
        tok = self._state().tok
        ys = list(ys)
        if reverse:  # every y is a different prefix: one batched pass over the whole sequences
            bos, tail = self._state().bos, tok.encode(bytes(separator) + bytes(x))
            return self._sequence_bits([[bos] + tok.encode(bytes(y)) + tail for y in ys])
        return self._joint(tok.encode(bytes(x)), [tok.encode(bytes(separator) + bytes(y)) for y in ys])

    def _prepare_refs(self, ys, separator, n_threads):
        tok = self._state().tok
        return _Refs([tok.encode(bytes(y)) for y in ys], [tok.encode(bytes(separator) + bytes(y)) for y in ys])

    def _joint_block(self, xs, cx, prepared, cy, separator, reverse, n_threads):
        tok = self._state().tok
        out = np.empty((len(xs), len(prepared.prefixes)))
        if not reverse:
            for r, x in enumerate(xs):
                out[r] = self._joint(tok.encode(bytes(x)), prepared.suffixes)
            return out
        tails = [tok.encode(bytes(separator) + bytes(x)) for x in xs]
        for j, prefix in enumerate(prepared.prefixes):
            out[:, j] = self._joint(prefix, tails)
        return out

    @property
    def window(self) -> int | None:
        st = self._state()
        # a byte tokenizer sees max_length - 1 bytes back; a subword one sees more, by how much depends on the text
        return st.max_length - 1 if isinstance(st.tok, ByteTokenizer) else None

    # -- next-token probabilities, for the arithmetic coder ------------------------------------

    def distribution(self, prefix) -> np.ndarray:
        """p(next token | prefix tokens), float64 over the whole vocabulary (sums to 1).

        The context follows the sliding-window rule of the code length. Calls whose prefix
        grows by one token at a time (as :func:`ncd.coding.encode` and ``decode`` make them)
        reuse the cache; any other call starts the stream again.
        """
        st = self._state()
        torch = st.torch
        seq = [st.bos] + [int(t) for t in prefix]
        t, L, S = len(seq), st.max_length, st.stride
        begin = 0 if t < L else ((t - L) // S + 1) * S
        s = self._stream
        with torch.inference_mode():
            if s is not None and s[0] == begin and s[1] == seq[begin: t - 1]:
                out = st.net(input_ids=torch.tensor([[seq[-1]]], device=st.device), use_cache=True,
                             **{st.cache_keyword: s[2]})
            else:
                out = st.net(input_ids=torch.tensor([seq[begin:]], device=st.device), use_cache=True)
            self._stream = (begin, seq[begin:], out["cache"] if "cache" in out else out["past_key_values"])
            logits = out.logits[0, -1].double().cpu().numpy()
        p = np.exp(logits - logits.max())
        return p / p.sum()


def _cache_keyword(net) -> str:
    """The keyword by which ``net.forward`` takes a key-value cache: ``cache`` from transformers 5 on (which
    deprecates ``past_key_values``), ``past_key_values`` before it and in ncd's own byte models."""
    try:
        parameters = inspect.signature(net.forward).parameters
    except (TypeError, ValueError):  # no signature to read: the name every version has accepted
        return "past_key_values"
    return "cache" if "cache" in parameters else "past_key_values"


class _Loaded:
    def __init__(self, torch, net, tok, bos, device, batch_size, max_length, stride):
        self.torch, self.net, self.tok, self.bos, self.device = torch, net, tok, bos, device
        self.batch_size, self.max_length, self.stride = batch_size, max_length, stride
        self.cache_keyword = _cache_keyword(net)


def _length_batches(indices, lengths, batch_size):
    """The indices in batches of batch_size, shortest sequences first (less padding per batch)."""
    order = sorted(indices, key=lengths.__getitem__)
    return [order[b: b + batch_size] for b in range(0, len(order), batch_size)]


def _padded(torch, seqs):
    """Token sequences right-padded into one (n, longest) tensor, and the mask of real tokens."""
    ids = torch.zeros((len(seqs), max(map(len, seqs))), dtype=torch.long)
    mask = torch.zeros_like(ids)
    for r, seq in enumerate(seqs):
        ids[r, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        mask[r, : len(seq)] = 1
    return ids, mask


def _nats(torch, logits, targets):
    """-ln p of each target under logits (batch, T, V), as float64 numpy (batch, T)."""
    logits = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    nats = torch.logsumexp(logits, -1) - logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return nats.double().cpu().numpy()
