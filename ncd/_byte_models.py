"""The byte-level recurrent model of ``ncd.lm.train_byte_lm``, as a transformers model.

Imported only when needed: it needs PyTorch and transformers (the ``lm`` extra). Importing it
registers the model type ``ncd-byte-gru`` with transformers' Auto classes, so
``save_pretrained`` / ``AutoModelForCausalLM.from_pretrained`` (and ``LMCompressor(folder)``)
work for it as for any causal LM.

It speaks the small part of the causal-LM interface that :class:`ncd.compressors.LMCompressor`
uses: ``forward(input_ids, past_key_values=...)`` returning ``logits`` and a state that
continues the sequence (the GRU's hidden state, with ``batch_repeat_interleave``). Positions
and attention masks are not needed by a recurrent model and are ignored (right padding only
follows the real tokens, so it never changes their predictions).
"""

from __future__ import annotations

import torch
from transformers import AutoConfig, AutoModelForCausalLM, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import CausalLMOutputWithPast

MODEL_TYPE = "ncd-byte-gru"


class ByteGRUConfig(PretrainedConfig):
    model_type = MODEL_TYPE

    def __init__(self, vocab_size=257, embedding_size=64, hidden_size=512, num_layers=1, n_positions=65536,
                 bos_token_id=256, eos_token_id=256, **kwargs):
        self.vocab_size = vocab_size
        self.embedding_size = embedding_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.n_positions = n_positions  # no limit of its own: the window LMCompressor uses by default
        super().__init__(bos_token_id=bos_token_id, eos_token_id=eos_token_id, **kwargs)


class GRUState:
    """The hidden state after a prefix: what a key/value cache is to a transformer."""

    def __init__(self, hidden):
        self.hidden = hidden

    def batch_repeat_interleave(self, repeats: int) -> None:
        self.hidden = self.hidden.repeat_interleave(repeats, dim=1)


class ByteGRUForCausalLM(PreTrainedModel):
    config_class = ByteGRUConfig
    base_model_prefix = "byte_gru"

    def __init__(self, config):
        super().__init__(config)
        self.embed = torch.nn.Embedding(config.vocab_size, config.embedding_size)
        self.gru = torch.nn.GRU(config.embedding_size, config.hidden_size, config.num_layers, batch_first=True)
        self.head = torch.nn.Linear(config.hidden_size, config.vocab_size)
        self.post_init()

    def _init_weights(self, module):
        pass  # PyTorch's own initialisation of each layer

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None, use_cache=None,
                labels=None, **kwargs):
        hidden = past_key_values.hidden if isinstance(past_key_values, GRUState) else None
        out, hidden = self.gru(self.embed(input_ids), hidden)
        logits = self.head(out)
        loss = None
        if labels is not None:  # next-byte prediction: position t predicts labels[t + 1]
            loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]),
                                                     labels[:, 1:].reshape(-1))
        return CausalLMOutputWithPast(loss, logits, GRUState(hidden))  # the cache's field is renamed in transformers 5


AutoConfig.register(MODEL_TYPE, ByteGRUConfig, exist_ok=True)
AutoModelForCausalLM.register(ByteGRUConfig, ByteGRUForCausalLM, exist_ok=True)
