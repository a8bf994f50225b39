"""Full training sets: context models of several orders with their code lengths summed, chosen by CV or not.

    python benchmarks/class_vs_linear_sum.py [--data udhr_langid ...] [--resume]

Adds three candidates to each set's row, ``CodeLengthClassifier(models, combine="sum")`` over context models
of orders 2-3, 2-4 and 1-5 (the argmin of their summed code lengths, no regression), and chooses again by CV
accuracy among all the set's candidates. The rows are those of ``class_vs_linear_heads.json`` (nine sets; 20 Newsgroups'
from ``class_vs_linear_words.json``), and for UDHR, which the stacked benchmarks leave out (431 classes),
of ``class_vs_linear.json``. The CV is
the earlier benchmarks' (stratified 5-fold on train, seed 0): each order's models are fitted on four folds
and code the fifth, and each sum's CV accuracy comes from those code lengths, as does each order's alone
(which must match the row's earlier figure). The chosen candidate is scored once on test, beside the best
linear baseline by CV. The test split chooses nothing. Writes class_vs_linear_sum.json/.md after every set.
"""

from __future__ import annotations

import json
import time

import numpy as np
from sklearn.model_selection import StratifiedKFold

from ncd import CodeLengthClassifier, CompressionClassifier

from _common import HERE, read_split, relative_bpb, seeded_sample
from _increments import choose, cv_test, main, table
from class_vs_linear import CV, MAX_TEST

SUMS = {"sum_cm2-3": (2, 3), "sum_cm2-4": (2, 3, 4), "sum_cm1-5": (1, 2, 3, 4, 5)}
ORDER = ["udhr_langid", "r8", "dbpedia14_subset", "trec", "sms_spam", "sst2", "mr_polarity", "subj", "ag_news",
         "ohsumed", "20newsgroups"]


def base_rows():
    """Each set's candidates so far and its best linear baseline, in the increments' row format."""
    rows = {}
    for stem in ("class_vs_linear_heads", "class_vs_linear_words"):  # the latest row of each set
        for r in json.loads((HERE / f"{stem}.json").read_text())["results"]:
            rows.setdefault(r["data"], r)
    for r in json.loads((HERE / "class_vs_linear.json").read_text())["results"]:
        if r["data"] not in rows:
            rows[r["data"]] = {"data": r["data"], "candidates": r["compression"]["candidates"],
                               "linear": r["linear"]["best"], "linear_complete": True}
    return rows


def run_set(row):
    name = row["data"]
    X, y = read_split(name, "train")
    Q, yq = seeded_sample(*read_split(name, "test"), MAX_TEST.get(name), 1)
    y, yq = np.asarray(y, dtype=object), np.asarray(yq, dtype=object)
    classes, codes = np.unique(y.astype(str), return_inverse=True)
    orders = sorted({k for parts in SUMS.values() for k in parts})
    began = time.perf_counter()
    held = {k: np.empty((len(X), len(classes))) for k in orders}
    for tr, va in StratifiedKFold(CV, shuffle=True, random_state=0).split(np.zeros(len(codes)), codes):
        for k in orders:
            model = CompressionClassifier("cm", order=k, n_jobs=-1).partial_fit(
                [X[i] for i in tr], codes[tr], classes=np.arange(len(classes)))
            held[k][va] = relative_bpb(model.code_lengths([X[i] for i in va]), [X[i] for i in va])
    test = {k: relative_bpb(CompressionClassifier("cm", order=k, n_jobs=-1).fit(X, codes).code_lengths(Q), Q)
            for k in orders}
    cands = dict(row["candidates"])
    alone = {f"cm{k}": float(np.mean(np.argmin(held[k], axis=1) == codes)) for k in orders}
    for k, acc in alone.items():  # the same folds and models as the row's earlier figure
        if k in row["candidates"] and abs(row["candidates"][k]["cv_accuracy"] - acc) > 1e-4:
            raise SystemExit(f"{name}: {k} CV {acc:.4f} here against {row['candidates'][k]['cv_accuracy']:.4f} before.")
    for s, parts in SUMS.items():
        cands[s] = {"cv_accuracy": float(np.mean(np.argmin(sum(held[k] for k in parts), axis=1) == codes)),
                    "test_accuracy": float(np.mean(classes[np.argmin(sum(test[k] for k in parts), axis=1)] == yq)),
                    "orders": list(parts)}
    res = choose(row, cands, time.perf_counter() - began, cv_alone_here=alone)
    # the sum's estimator must agree with the sums computed here (a slice of the test texts)
    clf = CodeLengthClassifier([{"model": "cm", "order": k} for k in SUMS["sum_cm2-3"]], combine="sum").fit(X, codes)
    if not np.array_equal(clf.predict(Q[:200]), np.argmin(sum(test[k][:200] for k in SUMS["sum_cm2-3"]), axis=1)):
        raise SystemExit(f"{name}: CodeLengthClassifier(combine='sum') disagrees with the summed code lengths.")
    return res


def summary(res):
    c = res["candidates"]
    return (f"{res['data']} {res['best']} cv {res['best_cv']:.4f} test {res['best_test']:.4f} linear "
            f"{res['linear']['test_accuracy']:.4f}; " + ", ".join(f"{s} cv {c[s]['cv_accuracy']:.4f} test "
                                                                  f"{c[s]['test_accuracy']:.4f}" for s in SUMS)
            + "; alone here " + ", ".join(f"{k} {v:.4f}" for k, v in res["cv_alone_here"].items())
            + f" ({res['seconds']:.0f} s)")


def markdown(out, every=None):
    def cells(r):
        return [cv_test(r["candidates"][s]) for s in SUMS]

    return table(out, "Compression (CV, with summed context models) vs the best tuned linear baseline (CV)",
                 "class_vs_linear_sum.py",
                 "The candidates of `class_vs_linear_heads.md` (for 20 Newsgroups, of `class_vs_linear_words.md`; "
                 "for UDHR, of `class_vs_linear.md`) plus `CodeLengthClassifier(models, combine='sum')` over context"
                 " models of orders 2-3, 2-4 and 1-5: the argmin of their summed code lengths. CV is stratified "
                 "5-fold on train (the earlier benchmarks' folds). The best candidate by CV accuracy is scored once "
                 "on test, beside the best linear baseline by CV (`class_vs_linear.json`). The test split chooses "
                 "nothing.",
                 [f"{s}: CV, test" for s in SUMS], cells, every=every)


if __name__ == "__main__":
    rows = base_rows()
    main("class_vs_linear_sum", [rows[d] for d in ORDER if d in rows], run_set, summary, markdown,
         extra={"sums": {s: list(p) for s, p in SUMS.items()}}, doc=__doc__)
