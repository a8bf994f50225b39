"""How CodeLengthClassifier should combine its models as texts per class grow: plain sum, weighted sum, regression.

    python benchmarks/combine_by_shots.py [--data trec ...]

The test splits are not read. For each of six shared sets and each number of texts per class (5, 20 and 50),
3 seeded trials (seeds 100-102): that many texts per class drawn from the training split
(``few_shot_indices``) and 500 other training texts (a seeded permutation of the rest) to score on. On each
trial ``CodeLengthClassifier(FEW_SHOT_MODELS, combine=...)`` is fitted on the drawn texts with each of
``"sum"`` (equal weights, nothing fitted), ``"weighted"`` (one cross-fitted weight per model, one intercept
per class) and ``"logistic"`` (the cross-fitted regression), ``cv`` = min(texts per class, 5) stratified
folds; each scores the 500. Mean accuracy over the trials, with its 95% t-interval. Writes
combine_by_shots.json/.md.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ncd import CodeLengthClassifier
from ncd.stacking import FEW_SHOT_MODELS

from _common import HERE, machine, mean_interval, read_split
from few_shot_dev import dev_trial

SETS = ("sms_spam", "trec", "subj", "mr_polarity", "ag_news", "dbpedia14_subset")
SHOTS = (5, 20, 50)
SEEDS = (100, 101, 102)
N_EVAL = 500
COMBINES = ("sum", "weighted", "logistic")


def run_set(name):
    X, y = read_split(name, "train")
    y = np.asarray(y, dtype=object)
    out = {"data": name, "shots": {}}
    for shots in SHOTS:
        accuracy = {c: [] for c in COMBINES}
        for seed in SEEDS:
            idx, ev = dev_trial(y, shots, seed, N_EVAL)
            Xs, ys, Q, yq = [X[i] for i in idx], y[idx], [X[i] for i in ev], y[ev]
            for combine in COMBINES:
                clf = CodeLengthClassifier(FEW_SHOT_MODELS, cv=min(shots, 5), combine=combine, random_state=seed,
                                           n_jobs=-1).fit(Xs, ys)
                accuracy[combine].append(float(np.mean(clf.predict(Q) == yq)))
        out["shots"][str(shots)] = {c: {"trials": a, **dict(zip(("mean", "interval"), mean_interval(a)))}
                                    for c, a in accuracy.items()}
        print(name, shots, {c: round(v["mean"], 3) for c, v in out["shots"][str(shots)].items()}, flush=True)
    return out


def markdown(out):
    lines = ["# Combining code lengths as texts per class grow: sum, weighted sum, regression", "",
             "`python benchmarks/combine_by_shots.py`", "",
             f"Development data only (the test splits are not read): for each set and number of texts per class, "
             f"{len(out['seeds'])} seeded trials (seeds {', '.join(map(str, out['seeds']))}) draw that many texts "
             f"per class from the training split and score {out['n_eval']} other training texts. "
             "`CodeLengthClassifier(FEW_SHOT_MODELS, combine=...)` (context models of orders 2-4 and the unigram "
             "word model, each adapted from a background of the drawn texts), `cv` = min(texts per class, 5). "
             "Mean accuracy ± 95% t-interval; the best of each row in bold.", "",
             "| data | texts per class | sum | weighted | logistic |", "|---|---|---|---|---|"]
    best_count = {c: 0 for c in COMBINES}
    for r in out["results"]:
        for shots, cells in r["shots"].items():
            top = max(cells[c]["mean"] for c in COMBINES)
            row = []
            for c in COMBINES:
                text = f"{cells[c]['mean']:.3f} ± {cells[c]['interval']:.3f}"
                if cells[c]["mean"] == top:
                    best_count[c] += 1
                    text = f"**{text}**"
                row.append(text)
            lines.append(f"| {r['data']} | {shots} | " + " | ".join(row) + " |")
    lines += ["", "Rows where each is best (ties counted for each): " + ", ".join(
        f"{c} {n}" for c, n in best_count.items()) + ".", "",
        "Mean over the sets, by texts per class: " + "; ".join(
            f"{s}: " + ", ".join(f"{c} {np.mean([r['shots'][s][c]['mean'] for r in out['results']]):.3f}"
                                 for c in COMBINES) for s in map(str, out["shots"])) + ".", "",
        f"Run time {out['seconds'] / 60:.1f} min; machine: {out['machine']['cores']} cores (shared), "
        f"{out['machine']['cpu']}.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append")
    args = parser.parse_args()
    began = time.perf_counter()
    out = {"benchmark": "combine_by_shots", "machine": machine(), "seeds": list(SEEDS), "shots": list(SHOTS),
           "n_eval": N_EVAL, "models": [dict(m) for m in FEW_SHOT_MODELS], "results": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name in SETS:
            if args.data and name not in args.data:
                continue
            out["results"].append(run_set(name))
            out["seconds"] = time.perf_counter() - began
            (HERE / "combine_by_shots.json").write_text(json.dumps(out, indent=1) + "\n")
            (HERE / "combine_by_shots.md").write_text(markdown(out))
    return out


if __name__ == "__main__":
    main()
