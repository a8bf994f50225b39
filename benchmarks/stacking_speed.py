"""The stacked model's regression with one BLAS thread and with BLAS's default, in the same run.

    python benchmarks/stacking_speed.py     # about 5 min on a busy 2-core machine

``CodeLengthClassifier.fit`` chooses C by fitting its logistic regression on every fold for every C
(5 folds x 4 Cs here), on a small dense matrix (n_models x n_classes features). It runs those fits
with one BLAS thread. This script fits ``CodeLengthClassifier()`` (cm orders 1-5) on the TREC training
split, then refits the same 20 regressions on its cross-fitted features twice: under BLAS's default
threads and under one, timing each and checking they choose the same C with the same CV accuracy.
It records the load average, since the gap depends on what else the cores are doing. Writes
stacking_speed.json / .md.
"""

from __future__ import annotations

import os
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

from ncd import CodeLengthClassifier

from _common import machine, read_split, write_results


def cv_regressions(clf, codes):
    """The C-choosing loop of CodeLengthClassifier.fit, on its cross-fitted features."""
    F, folds = clf.train_features_, clf.folds_
    correct = np.zeros(len(clf.cv_results_["C"]))
    iterations = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for f in np.unique(folds):
            for j, C in enumerate(clf.cv_results_["C"]):
                lr = clf._logistic(C).fit(F[folds != f], codes[folds != f])
                iterations += int(lr.n_iter_[0])
                correct[j] += np.sum(lr.predict(F[folds == f]) == codes[folds == f])
    return (correct / len(codes)).tolist(), iterations


def main():
    X, y = read_split("trec", "train")
    load_before = os.getloadavg()
    began = time.perf_counter()
    clf = CodeLengthClassifier(n_jobs=-1).fit(X, y)
    fit_seconds = time.perf_counter() - began
    codes = np.searchsorted(clf.classes_, np.asarray(y, dtype=object))
    rows = {}
    for name, limit in (("BLAS default threads", None), ("one BLAS thread", 1)):
        t = time.perf_counter()
        with threadpool_limits(limits=limit, user_api="blas"):
            accuracy, iterations = cv_regressions(clf, codes)
        rows[name] = {"seconds": time.perf_counter() - t, "cv_accuracy_by_C": accuracy, "iterations": iterations}
        print(name, rows[name], flush=True)
    result = {"machine": machine(), "load_average_before": load_before, "load_average_after": os.getloadavg(),
              "blas": [{"api": i["internal_api"], "threads": i["num_threads"]} for i in threadpool_info()
                       if i["user_api"] == "blas"],
              "data": "trec", "train_texts": len(X), "features": clf.train_features_.shape[1],
              "Cs": clf.cv_results_["C"], "fit_seconds": fit_seconds, "fit_cv_accuracy_by_C":
              clf.cv_results_["mean_accuracy"], "rows": rows, "seconds": time.perf_counter() - began}
    write_results("stacking_speed", result, markdown(result))


def markdown(r):
    base = r["rows"]["BLAS default threads"]["seconds"]
    lines = ["# The stacked model's regression: BLAS threads", "",
             "`python benchmarks/stacking_speed.py`: `CodeLengthClassifier()` (cm orders 1-5) on the TREC training "
             f"split ({r['train_texts']:,} texts, {r['features']} features), then the 20 regressions that choose C "
             f"(5 folds x Cs {r['Cs']}) refitted on its cross-fitted features under each BLAS setting.", "",
             "| BLAS | seconds for the 20 fits | speed against the default | lbfgs iterations | CV accuracy by C |",
             "|---|---|---|---|---|"]
    for name, row in r["rows"].items():
        lines.append(f"| {name} | {row['seconds']:.1f} | {base / row['seconds']:.1f}x | {row['iterations']} | "
                     + ", ".join(f"{a:.4f}" for a in row["cv_accuracy_by_C"]) + " |")
    blas = ", ".join(f"{b['api']} ({b['threads']} threads)" for b in r["blas"])
    lines += ["", f"`CodeLengthClassifier.fit` as shipped (one BLAS thread for its regressions): {r['fit_seconds']:.1f} s "
              "in all, cross-fitting included.", "",
              f"BLAS: {blas}. Load average "
              f"(1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in r['load_average_before'])}; after: "
              f"{', '.join(f'{x:.1f}' for x in r['load_average_after'])}. The gap depends on what else the cores "
              "are doing: BLAS threads that wait for a busy core stall every iteration of a small fit. Machine: "
              f"{r['machine']['cores']} cores (shared), {r['machine']['cpu']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
