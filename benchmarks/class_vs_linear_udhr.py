"""UDHR with the argmin candidates the other sets gained after class_vs_linear: the mixing model and the word model.

    python benchmarks/class_vs_linear_udhr.py [--resume]

``class_vs_linear_mix.py`` and ``class_vs_linear_words.py`` add their candidates through one stacked
``CodeLengthClassifier`` fit, and leave out sets of more than ``MAX_STACK_CLASSES`` classes: so UDHR (431
languages) never had the argmin candidates those scripts gave every other set. This script gives them to it,
each cross-validated on its own with the folds of the earlier benchmarks (stratified 5-fold, seed 0):

* ``mix``: ``CompressionClassifier("mix")``, as in class_vs_linear_mix;
* ``words``: the word model of class_vs_linear_words' four (unigram at strengths 1 and 3, bigram at 3 and
  10, the training texts as background) with the best CV accuracy.

Starting from UDHR's row in ``class_vs_linear_sum.json`` (every candidate so far), the best by CV accuracy is
scored once on test beside the best linear baseline (CV). The test split chooses nothing.
"""

from __future__ import annotations

import json
import time

import numpy as np
from sklearn.model_selection import StratifiedKFold

from _common import HERE, read_split
from _increments import choose, cv_test, head, main, table
from class_vs_linear import CV
from class_vs_linear_background import cv_and_test
from class_vs_linear_words import WORDS, label

MIX = {"model": "mix"}


def run_set(row):
    X, y = read_split(row["data"], "train")
    Q, yq = read_split(row["data"], "test")
    y, yq = np.asarray(y, dtype=object), np.asarray(yq, dtype=object)
    _, codes = np.unique(y.astype(str), return_inverse=True)
    folds = list(StratifiedKFold(CV, shuffle=True, random_state=0).split(np.zeros(len(codes)), codes))
    began = time.perf_counter()
    cands = dict(row["candidates"])
    words = {}
    for params in WORDS:
        words[label(params)] = cv_and_test(params, X, y, Q, yq, folds)
        print(f"  {label(params)}: cv {words[label(params)][0]:.4f}", flush=True)
    best = max(words, key=lambda w: words[w][0])  # ties: the first
    cands["words"] = {"cv_accuracy": words[best][0], "model": best, "test_accuracy": words[best][1]}
    cv, test = cv_and_test(MIX, X, y, Q, yq, folds)
    cands["mix"] = {"cv_accuracy": cv, "test_accuracy": test}
    return choose(row, cands, time.perf_counter() - began,
                  words_cv={w: v[0] for w, v in words.items()})


def summary(res):
    c = res["candidates"]
    return (head(res) + f"words ({c['words']['model']}) cv {c['words']['cv_accuracy']:.4f} "
            f"mix cv {c['mix']['cv_accuracy']:.4f} ({res['seconds']:.0f} s)")


def markdown(out, every=None):
    def cells(r):
        c = r["candidates"]
        return [f"{c['words']['model']}, {cv_test(c['words'])}", cv_test(c["mix"])]

    return table(out, "UDHR: compression (CV, with the mixing and word models) vs the best tuned linear baseline (CV)",
                 "class_vs_linear_udhr.py",
                 "The candidates of UDHR's row in `class_vs_linear_sum.md` plus the argmin candidates that "
                 "`class_vs_linear_mix.py` and `class_vs_linear_words.py` gave the other sets and left out on UDHR "
                 "(431 classes, more than their stacked fit takes): `CompressionClassifier('mix')`, and the best by "
                 "CV of the four word models. CV is stratified 5-fold on train (the earlier benchmarks' folds). The "
                 "best candidate by CV accuracy is scored once on test, beside the best linear baseline by CV "
                 "(`class_vs_linear.json`). The test split chooses nothing.",
                 ["words (best of 4): model, CV, test", "mix: CV, test"], cells, every=every)


if __name__ == "__main__":
    rows = [r for r in json.loads((HERE / "class_vs_linear_sum.json").read_text())["results"]
            if r["data"] == "udhr_langid"]
    main("class_vs_linear_udhr", rows, run_set, summary, markdown, doc=__doc__)
