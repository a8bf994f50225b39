"""Language models as compressors: the ``lm`` extra (PyTorch and transformers).

- :class:`~ncd.compressors.LMCompressor` turns any causal language model into a compressor
  (code length = sum of ``-log2 p`` over its tokens), usable wherever ncd takes a compressor.
- :func:`train_byte_lm` trains a small byte-level transformer on your own texts, on the CPU,
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


def train_byte_lm(texts, *, n_layer=2, n_embd=128, n_head=4, context=256, batch_size=32, max_steps=600,
                  time_budget=None, learning_rate=3e-3, seed=0, verbose=0) -> LMCompressor:
    """Train a small byte-level transformer (GPT-2 architecture) on texts; return it as a compressor.

    Each training window starts at the beginning of a randomly drawn text (after its BOS
    token, id 256) and runs on into the texts after it, ``context`` bytes in all; the loss
    is the mean code length of the next byte. AdamW with a linear warm-up and cosine decay,
    no dropout, on the CPU with PyTorch's threads. The same texts, settings and seed give
    the same model on the same machine.

    Parameters
    ----------
    texts : sequence of str or bytes
        Training texts (str as UTF-8). Labels are not used: held-out texts of the task, or
        any text of the domain, will do; never the texts you will measure on.
    n_layer, n_embd, n_head : int, default=2, 128, 4
        Transformer depth, width and attention heads (``n_embd`` a multiple of ``n_head``).
    context : int, default=256
        Bytes per window; also the model's ``max_length`` as a compressor.
    batch_size : int, default=32
        Windows per step.
    max_steps : int, default=600
        Optimiser steps. About 0.25 s each with the defaults on 2 CPU cores.
    time_budget : float or None, default=None
        Stop after this many seconds even before ``max_steps`` (the result then depends on
        the machine's speed; the learning-rate schedule still follows ``max_steps``).
    learning_rate : float, default=3e-3
    seed : int, default=0
    verbose : int, default=0
        1: print the loss in bits per byte every 50 steps.

    Returns
    -------
    LMCompressor
        ``tokenizer="bytes"``, ``max_length=context``; its ``model`` is the trained network,
        which ``model.save_pretrained(folder)`` saves and
        ``LMCompressor(folder, tokenizer="bytes")`` loads.

    Examples
    --------
    >>> from ncd.lm import train_byte_lm
    >>> texts = ["the cat sat on the mat", "the dog sat on the log"] * 20
    >>> lm = train_byte_lm(texts, n_layer=1, n_embd=32, n_head=2, context=64, batch_size=8, max_steps=60)
    >>> lm.code_length(b"the cat sat on the log") / 22 < 4  # bits per byte, down from 8 untrained
    True
    """
    from ._validation import check_int_param, check_texts

    torch = _import_torch()
    from transformers import GPT2Config, GPT2LMHeadModel

    name = "train_byte_lm"
    data = check_texts(texts, "texts")
    n_layer, n_embd, n_head = (check_int_param(v, k, name) for k, v in
                               (("n_layer", n_layer), ("n_embd", n_embd), ("n_head", n_head)))
    if n_embd % n_head:
        raise ValueError(f"n_embd ({n_embd}) must be a multiple of n_head ({n_head}).")
    context = check_int_param(context, "context", name, low=2)
    batch_size = check_int_param(batch_size, "batch_size", name)
    max_steps = check_int_param(max_steps, "max_steps", name)
    if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
        raise ValueError(f"The 'learning_rate' parameter of {name} must be a positive number. Got {learning_rate!r}.")

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
    config = GPT2Config(vocab_size=ByteTokenizer.vocab_size, n_positions=context, n_embd=n_embd, n_layer=n_layer,
                        n_head=n_head, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                        bos_token_id=bos, eos_token_id=bos)
    net = GPT2LMHeadModel(config).train()
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
            print(f"step {step:5d}  {loss.item() / math.log(2):.3f} bits/byte  {time.perf_counter() - began:.0f} s")
        if time_budget is not None and time.perf_counter() - began > time_budget:
            break
    net.eval()
    return LMCompressor(net, tokenizer="bytes", max_length=context)
