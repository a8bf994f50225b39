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


@pytest.fixture
def paper_table_module(monkeypatch):
    """The script as a module, without the shared data (its standing section reads only results files)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    for name in ("paper_table", "_common"):
        sys.modules.pop(name, None)
    import paper_table

    return paper_table


def _row(data, best, test, linear):
    return {"data": data, "best": best, "best_test": test, "margin": test - linear,
            "linear": {"label": "char 1-5-gram TF-IDF + LR", "test_accuracy": linear}}


def test_the_latest_standing_takes_each_sets_latest_row_and_counts_wins_and_losses(paper_table_module, tmp_path):
    pt = paper_table_module
    later, earlier = pt.LATEST_FULL[:2]
    (tmp_path / f"{earlier}.json").write_text(json.dumps({"results": [
        _row("a", "cm2", 0.90, 0.95), _row("b", "mix", 0.80, 0.70)]}))
    (tmp_path / f"{later}.json").write_text(json.dumps({"results": [_row("a", "words", 0.97, 0.95)]}))
    (tmp_path / "few_shot_sum.json").write_text(json.dumps({"results": [
        {"data": "a", "shots": {str(pt.SHOTS): {"sum": [0.5, 0.1], "linear": [0.6, 0.1]}}},
        {"data": "c", "shots": {"1": {"sum": [0.9, 0.1], "linear": [0.1, 0.1]}}}]}))
    full, shots = pt.latest_standing(tmp_path)
    assert full["a"]["best"] == "words" and full["a"]["source"] == later  # the later benchmark's row wins
    assert full["b"]["source"] == earlier and set(shots) == {"a"}  # only the shots the table shows
    table = pt.standing_markdown(full, shots, ["a", "b", "c"])
    assert "| a | words, 0.970 | char 1-5-gram TF-IDF + LR, 0.950 | +2.00 | 0.500 ± 0.100 | 0.600 ± 0.100 | -10.0 |" \
        in table
    assert "| b | mix, 0.800 | char 1-5-gram TF-IDF + LR, 0.700 | +10.00 |  |  |  |" in table
    assert "| c |  |  |  |  |  |  |" in table
    assert "full data on **2 of 2** sets, 5-shot on **0 of 1**." in table


def test_the_committed_full_table_shows_the_committed_standing(paper_table_module):
    """paper_table_full.md's standing section is the one its script renders from the committed results."""
    pt = paper_table_module
    committed = (BENCHMARKS / "paper_table_full.md").read_text()
    result = json.loads((BENCHMARKS / "paper_table_full.json").read_text())
    assert committed == pt.markdown(result), "run: python benchmarks/paper_table.py --mode full --render"
