"""Shared fixtures: where the real data sets live, and how to read them."""

import gzip
import json
import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("NCD_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def read_split(name, split, limit=None):
    """Texts and labels of ``SHARED_DATA/name/split.jsonl.gz`` (first ``limit`` rows)."""
    texts, labels = [], []
    with gzip.open(SHARED_DATA / name / f"{split}.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            texts.append(rec["text"])
            labels.append(rec["label"])
            if limit is not None and len(texts) >= limit:
                break
    return texts, labels


@pytest.fixture
def shared_data():
    """The real data folder; the test is skipped, with the reason, where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real data sets not found at {SHARED_DATA} (the project's shared/data beside the repository; "
            "set NCD_SHARED_DATA to another copy to run this test)"
        )
    return SHARED_DATA


@pytest.fixture
def load_split(shared_data):
    """``read_split``, available only where the real data is (skips otherwise)."""
    return read_split
