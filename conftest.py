"""Doctests of the language-model modules need the lm extra (torch, transformers). The test extra leaves it
out (a fresh machine would fetch several GB of CUDA PyTorch), so without it they are skipped, saying why, as
tests/test_lm.py is."""

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
LM_MISSING = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
LM_REASON = "the lm extra (pip install 'ncd[lm]') is not installed"
LM_DOCTESTS = {HERE / "ncd" / "lm.py", HERE / "ncd" / "compressors" / "_lm.py"}  # import torch only when run

collect_ignore = []
if LM_MISSING:
    collect_ignore.append("ncd/_byte_models.py")  # imports torch on import, and has no examples to skip


def pytest_collection_modifyitems(config, items):
    if LM_MISSING:
        for item in items:
            if item.path in LM_DOCTESTS:
                item.add_marker(pytest.mark.skip(reason=LM_REASON))
