"""Language models as compressors: the ``lm`` extra (PyTorch and transformers).

- :class:`~ncd.compressors.LMCompressor` turns any causal language model into a compressor
  (code length = sum of ``-log2 p`` over its tokens), usable wherever ncd takes a compressor.
- :func:`train_byte_lm` trains a small byte-level network (a GRU, or a transformer) on your own texts, on the CPU,
  in minutes, with no download: a compressor fitted to the domain.
- The arithmetic coder of :mod:`ncd.coding` turns either into a real bitstream.

With a network, a pretrained model is one line: ``LMCompressor("gpt2")`` or
``LMCompressor("HuggingFaceTB/SmolLM-135M")`` (downloaded once into the Hugging Face cache;
offline afterwards with ``HF_HUB_OFFLINE=1``).
"""

from __future__ import annotations

import math
import time

import numpy as np

from .compressors._lm import ByteTokenizer, LMCompressor, _import_torch

__all__ = ["LMCompressor", "ByteTokenizer", "train_byte_lm"]


def train_byte_lm(texts, *, architecture="gru", n_layer=None, n_embd=None, n_head=4, context=256, batch_size=32,
                  max_steps=400, time_budget=None, learning_rate=None, seed=0, verbose=0) -> LMCompressor:
    """Train a small byte-level network on texts, on the CPU, and return it as a compressor.

    Each training window starts at the beginning of a randomly drawn text (after its BOS
    token, id 256) and runs on into the texts after it, ``context`` bytes in all; the loss is
    the mean code length of the next byte. AdamW with a linear warm-up and cosine decay, no
    dropout, PyTorch's CPU threads. The same texts, settings and seed give the same model on
    the same machine.

    Parameters
    ----------
    texts : sequence of str or bytes
        Training texts (str as UTF-8). Labels are not used: texts of the task's domain that
        you will not measure on (e.g. the training split) will do.
    architecture : {"gru", "transformer"}, default="gru"
        ``"gru"``: a recurrent network (embedding, GRU, linear), no context limit, and the
        faster learner on a CPU budget (on AG News, 250 steps reach about 3.0 bits per byte
        where the transformer is at 3.8). ``"transformer"``: GPT-2's architecture, whose
        context is ``context`` bytes.
    n_layer : int or None, default=None
        Layers; None: 1 for the GRU, 2 for the transformer.
    n_embd : int or None, default=None
        Width (the GRU's hidden size, the transformer's embedding size); None: 512 for the
        GRU, 128 for the transformer.
    n_head : int, default=4
        Attention heads of the transformer (``n_embd`` must be a multiple of it).
    context : int, default=256
        Bytes per training window; also the transformer's maximum length.
    batch_size : int, default=32
        Windows per step.
    max_steps : int, default=400
        Optimiser steps: about 0.5 s each for the default GRU on 2 CPU cores (AG News: 2.7
        bits per byte after 400 steps, 2.6 after 600).
    time_budget : float or None, default=None
        Stop after this many seconds even before ``max_steps`` (the result then depends on
        the machine's speed; the learning-rate schedule still follows ``max_steps``).
    learning_rate : float or None, default=None
        Peak learning rate; None: 2e-3 for the GRU, 1e-3 for the transformer.
    seed : int, default=0
    verbose : int, default=0
        1: print the training loss in bits per byte every 50 steps.

    Returns
    -------
    LMCompressor
        ``tokenizer="bytes"``; its ``model`` is the trained network (a transformers model:
        ``model.save_pretrained(folder)`` saves it, ``LMCompressor(folder, tokenizer="bytes")``
        loads it).

    Examples
    --------
    >>> from ncd.lm import train_byte_lm
    >>> texts = ["the cat sat on the mat", "the dog sat on the log"] * 20
    >>> lm = train_byte_lm(texts, n_embd=64, context=64, batch_size=8, max_steps=60)
    >>> lm.code_length(b"the cat sat on the log") / 22 < 4  # bits per byte, down from 8 untrained
    True
    """
    from ._validation import check_choice, check_int, check_texts

    name = "train_byte_lm"
    data = check_texts(texts, "texts")
    check_choice(architecture, "architecture", name, ("gru", "transformer"))
    gru = architecture == "gru"
    n_layer = check_int(n_layer if n_layer is not None else (1 if gru else 2), "n_layer", name)
    n_embd = check_int(n_embd if n_embd is not None else (512 if gru else 128), "n_embd", name)
    n_head = check_int(n_head, "n_head", name)
    if not gru and n_embd % n_head:
        raise ValueError(f"n_embd ({n_embd}) must be a multiple of n_head ({n_head}).")
    context = check_int(context, "context", name, low=2)
    batch_size = check_int(batch_size, "batch_size", name)
    max_steps = check_int(max_steps, "max_steps", name)
    if learning_rate is None:
        learning_rate = 2e-3 if gru else 1e-3
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not learning_rate > 0:
        raise ValueError(f"The 'learning_rate' parameter of {name} must be a positive number or None. "
                         f"Got {learning_rate!r} instead.")
    torch = _import_torch()

    bos = ByteTokenizer.bos_token_id
    stream = np.concatenate([np.concatenate([[bos], np.frombuffer(t, dtype=np.uint8)]) for t in data]).astype(np.int64)
    starts = np.cumsum([0] + [len(t) + 1 for t in data[:-1]])
    if len(stream) < context:  # too little text for one window: repeat it
        stream = np.tile(stream, context // len(stream) + 1)
    starts = starts[starts + context <= len(stream)]
    if len(starts) == 0:
        starts = np.array([0])
    stream = torch.from_numpy(stream)

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    if gru:
        from ._byte_models import ByteGRUConfig, ByteGRUForCausalLM

        net = ByteGRUForCausalLM(ByteGRUConfig(hidden_size=n_embd, num_layers=n_layer))
        max_length = None  # the model's own (no context limit: a long window)
    else:
        from transformers import GPT2Config, GPT2LMHeadModel

        config = GPT2Config(vocab_size=ByteTokenizer.vocab_size, n_positions=context, n_embd=n_embd,
                            n_layer=n_layer, n_head=n_head, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                            bos_token_id=bos, eos_token_id=bos)
        net = GPT2LMHeadModel(config)
        max_length = context
    net.train()
    optimiser = torch.optim.AdamW(net.parameters(), lr=learning_rate, weight_decay=0.01, betas=(0.9, 0.98))
    warmup = max(1, max_steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, max_steps) / max_steps)))
    offsets = torch.arange(context)
    began = time.perf_counter()
    for step in range(max_steps):
        rows = stream[torch.from_numpy(rng.choice(starts, batch_size))[:, None] + offsets]
        loss = net(input_ids=rows, labels=rows).loss  # the model shifts the labels by one itself
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        if verbose and (step % 50 == 0 or step == max_steps - 1):
            print(f"step {step:5d}  {loss.item() / math.log(2):.3f} bits/byte  {time.perf_counter() - began:.0f} s",
                  flush=True)
        if time_budget is not None and time.perf_counter() - began > time_budget:
            break
    net.eval()
    return LMCompressor(net, tokenizer="bytes", max_length=max_length)
