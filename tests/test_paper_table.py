"""benchmarks/paper_table.py in subset mode on two small real data sets: it runs, and its numbers hang together."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def paper_table(shared_data, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.setenv("NCD_SHARED_DATA", str(shared_data))
    for name in ("paper_table", "_common"):
        sys.modules.pop(name, None)
    import paper_table

    return paper_table


def test_subset_mode_runs_and_its_numbers_hang_together(paper_table, tmp_path, shared_data):
    from ncd.datasets import few_shot_indices, load_dataset

    result = paper_table.main(["--mode", "subset", "--data", "trec", "--data", "sms_spam", "--out", str(tmp_path)])
    saved = json.loads((tmp_path / "paper_table_subset.json").read_text())
    assert saved["complete"] and [r["data"] for r in saved["results"]] == [r["data"] for r in result["results"]]
    table = (tmp_path / "paper_table_subset.md").read_text()
    assert "top-2 (paper metric)" in table and "best linear (CV)" in table and "| trec |" in table and "| sms_spam |" in table
    for row in saved["results"]:
        full = row["full"]
        gzip = full["ncd"]["gzip"]
        for value in (gzip["k1"], gzip["at_k_cv"], full["tfidf_lr"], full["bow_knn"], full["class_level_cm"]):
            assert 0.0 <= value <= 1.0
        # the paper's top-2 counts a hit when either of the 2 nearest is right: never below k=1
        assert gzip["top2_paper_metric"] >= gzip["k1"]
        assert gzip["k_cv"] in paper_table.K_GRID
        # the tuned columns: each chosen on train only, the linear one among the scored baselines
        assert 0.0 <= full["best_compression_cv"] <= 1.0
        assert full["best_linear_cv"] == full["linear_baselines"][full["best_linear_choice"]]
        assert full["best_compression_choice"] in ("cm2", "cm3", "cm4", "code_lengths_lr") or "prior" in \
            full["best_compression_choice"]
        best = full["best_ncd"]
        assert best["accuracy"] == full["ncd"][best["compressor"]]["at_k_cv"]
        # few-shot indices are saved, and are the seeded sample
        y_train = load_dataset(shared_data / row["data"]).y_train
        for trial in row["five_shot"]["trials"]:
            expected = few_shot_indices(y_train, paper_table.SHOTS, random_state=trial["seed"])
            np.testing.assert_array_equal(trial["indices"], expected)
        mean, half = row["five_shot"]["summary"]["tfidf_lr"]
        values = [t["tfidf_lr"] for t in row["five_shot"]["trials"]]
        assert mean == pytest.approx(np.mean(values)) and half > 0
