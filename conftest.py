"""Doctest collection: the language-model modules' examples need the lm extra (torch, transformers)."""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None:
    collect_ignore += ["ncd/lm.py", "ncd/compressors/_lm.py", "ncd/_byte_models.py"]
