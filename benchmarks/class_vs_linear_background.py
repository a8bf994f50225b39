"""class_vs_linear with two more compression candidates: cm order 3 adapted from a background model.

    python benchmarks/class_vs_linear_background.py [--data trec ...]

Reads ``class_vs_linear.json`` (every candidate's CV and test accuracy, and the tuned linear baselines) and
adds ``CompressionClassifier("cm", order=3, background="train")`` at background_strength 4 and 16, each
scored by stratified 5-fold CV on the training split (seeded, the same folds for both) and once on test. The
best compression candidate is then chosen again by CV accuracy among all of them, scored once on test,
and set beside the best linear baseline (CV) of ``class_vs_linear.json``. The test split chooses nothing.
Writes class_vs_linear_background.json/.md after every set.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from sklearn.model_selection import StratifiedKFold

from ncd import CompressionClassifier

from _common import HERE, machine, read_split, seeded_sample
from class_vs_linear import MAX_TEST

NEW = {"cm3_bg4": {"model": "cm", "order": 3, "background": "train", "background_strength": 4.0},
       "cm3_bg16": {"model": "cm", "order": 3, "background": "train", "background_strength": 16.0}}


def cv_and_test(params, X, y, Q, yq, folds):
    right = 0
    for tr, va in folds:
        clf = CompressionClassifier(**params, n_jobs=-1).fit([X[i] for i in tr], y[tr])
        right += int(np.sum(clf.predict([X[i] for i in va]) == y[va]))
    full = CompressionClassifier(**params, n_jobs=-1).fit(X, y)
    return right / len(y), float(np.mean(full.predict(Q) == yq))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append")
    parser.add_argument("--resume", action="store_true", help="keep the sets already in the results file")
    args = parser.parse_args()
    base = json.loads((HERE / "class_vs_linear.json").read_text())
    out = {"benchmark": "class_vs_linear_background", "machine": machine(), "new_candidates": NEW, "results": []}
    earlier = 0.0
    path = HERE / "class_vs_linear_background.json"
    if args.resume and path.exists():
        old = json.loads(path.read_text())
        out["results"], earlier = old["results"], old.get("seconds", 0.0)
    done = {r["data"] for r in out["results"]}
    began = time.perf_counter()
    for r in base["results"]:
        name = r["data"]
        if (args.data and name not in args.data) or name in done:
            continue
        X, y = read_split(name, "train")
        Q_all, yq_all = read_split(name, "test")
        Q, yq = seeded_sample(Q_all, yq_all, MAX_TEST.get(name), 1)
        y, yq = np.asarray(y, dtype=object), np.asarray(yq, dtype=object)
        _, codes = np.unique(y.astype(str), return_inverse=True)
        folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), codes))
        cands = {k: {"cv_accuracy": v["cv_accuracy"], "test_accuracy": v["test_accuracy"]}
                 for k, v in r["compression"]["candidates"].items()}
        for cname, params in NEW.items():
            cv, test = cv_and_test(params, X, y, Q, yq, folds)
            cands[cname] = {"cv_accuracy": cv, "test_accuracy": test}
        best = max(cands, key=lambda n: cands[n]["cv_accuracy"])
        lin = r["linear"]["best"]
        row = {"data": name, "candidates": cands, "best": best, "best_cv": cands[best]["cv_accuracy"],
               "best_test": cands[best]["test_accuracy"], "linear": lin,
               "linear_complete": len(r["linear"]["baselines"]) == 4,
               "margin": cands[best]["test_accuracy"] - lin["test_accuracy"]}
        out["results"].append(row)
        out["seconds"] = earlier + time.perf_counter() - began
        print(name, best, round(row["best_test"], 4), "linear", round(lin["test_accuracy"], 4), flush=True)
        (HERE / "class_vs_linear_background.json").write_text(json.dumps(out, indent=1) + "\n")
        (HERE / "class_vs_linear_background.md").write_text(markdown(out))


def tally(results):
    """Each row's verdict (win, tie, loss, or provisional where not every linear baseline finished),
    the counts of wins, ties and losses among the counted rows, and the provisional sets."""
    verdicts, counts, provisional = [], [0, 0, 0], []
    for r in results:
        verdict = "**win**" if r["margin"] > 0 else ("tie" if r["margin"] == 0 else "loss")
        if not r.get("linear_complete", True):
            provisional.append(r["data"])
            verdict = f"provisional ({verdict.strip('*')} against the finished baselines only)"
        else:
            counts[0 if r["margin"] > 0 else (1 if r["margin"] == 0 else 2)] += 1
        verdicts.append(verdict)
    return verdicts, tuple(counts), provisional


def markdown(out):
    lines = ["# Compression (CV, with background candidates) vs the best tuned linear baseline (CV)", "",
             "`python benchmarks/class_vs_linear_background.py`", "",
             "The candidates of `class_vs_linear.md` plus `CompressionClassifier('cm', order=3, background='train')` at "
             "strengths 4 and 16 (5-fold CV on train, seeded). The best by CV accuracy is scored once on test, beside "
             "the best linear baseline by CV from `class_vs_linear.json`. The test split chooses nothing.", "",
             "| data | compression (CV): choice, CV, test | cm3 + background s=4 / s=16: test | linear (CV): choice, test "
             "| margin |", "|---|---|---|---|---|"]
    verdicts, (wins, ties, losses), provisional = tally(out["results"])
    for r, verdict in zip(out["results"], verdicts):
        c = r["candidates"]
        lines.append(f"| {r['data']} | {r['best']}, {r['best_cv']:.3f}, **{r['best_test']:.3f}** | "
                     f"{c['cm3_bg4']['test_accuracy']:.3f} / {c['cm3_bg16']['test_accuracy']:.3f} | "
                     f"{r['linear']['label']}, **{r['linear']['test_accuracy']:.3f}** | {verdict} "
                     f"{100 * r['margin']:+.2f} |")
    n = len(out["results"]) - len(provisional)
    lines += ["", f"**Ahead on {wins} of {n} sets**, level on {ties}, behind on {losses}"
              + (f"; not counted: {', '.join(provisional)} (not every linear baseline finished in "
                 "class_vs_linear.json)" if provisional else "") + ".", "",
              f"Run time {out['seconds'] / 60:.1f} min; machine: {out['machine']['cores']} cores (shared with other "
              f"jobs), {out['machine']['cpu']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
