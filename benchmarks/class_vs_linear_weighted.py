"""Every compression candidate so far, plus a weighted sum of code lengths whose weights are cross-fitted.

    python benchmarks/class_vs_linear_weighted.py [--data r8 ...] [--resume]

Reads the rows of ``class_vs_linear_sum.json`` (for UDHR, of ``class_vs_linear_udhr.json``): every candidate
so far, with its CV and test accuracy, and the best tuned linear baseline. Adds one candidate,
``code_lengths_weighted``: ``ncd.CodeLengthClassifier(models, combine="weighted", head_words=(2,))``, the class
with the largest intercept minus weighted sum of its code lengths (bits per byte, whole text and first two
words, under every model), one weight per model and view and one intercept per class, fitted on the
cross-fitted code lengths of the training split (stratified 5-fold, seed 0: the folds of the benchmarks before
it) with C chosen by CV on them. Unlike the stacked logistic regression (``n_models * n_classes`` features per
class) it has ``n_models * n_views + n_classes`` parameters, so it also runs where the regression was left out
(UDHR, 431 classes) or lost to a single model (Ohsumed).

The models are the eleven of ``class_vs_linear_words`` (context models of orders 1-5, order 3 with a background,
``mix`` and four word models); for UDHR the six context models only (the word models were far behind there
and ``mix`` slow: ``class_vs_linear_udhr.md``). The best candidate by CV accuracy is scored once on test,
beside the best linear baseline (CV). The test split chooses nothing. Writes class_vs_linear_weighted.json/.md
after every set; the sets run where the last benchmark lost by least first.
"""

from __future__ import annotations

import json
import time

import numpy as np

from ncd import CodeLengthClassifier

from _common import HERE, read_split
from _increments import choose, cv_test, head, main, scored_test, table
from class_vs_linear import CV
from class_vs_linear_mix import MODELS as MIX_MODELS
from class_vs_linear_words import MODELS

HEAD_WORDS = (2,)
CM_MODELS = [m for m in MIX_MODELS if m["model"] == "cm"]
ORDER = ["dbpedia14_subset", "udhr_langid", "r8", "trec", "ohsumed", "sms_spam", "ag_news", "mr_polarity", "subj",
         "sst2", "20newsgroups"]
NAME = "code_lengths_weighted"


def rows():
    """class_vs_linear_sum's rows, UDHR's replaced by class_vs_linear_udhr's (which extends it)."""
    base = json.loads((HERE / "class_vs_linear_sum.json").read_text())["results"]
    udhr = {r["data"]: r for r in json.loads((HERE / "class_vs_linear_udhr.json").read_text())["results"]}
    return [udhr.get(r["data"], r) for r in base]


def run_set(row):
    name = row["data"]
    X, y = read_split(name, "train")
    Q, yq = scored_test(name)
    models = CM_MODELS if name == "udhr_langid" else MODELS
    began = time.perf_counter()
    clf = CodeLengthClassifier(models, cv=CV, combine="weighted", head_words=HEAD_WORDS, random_state=0,
                               n_jobs=-1).fit(X, y)
    pred = clf.predict(Q)
    cands = dict(row["candidates"])
    cands[NAME] = {"cv_accuracy": float(clf.best_score_), "C": clf.C_, "test_accuracy": float(np.mean(pred == yq)),
                   "n_models": len(models), "head_words": list(HEAD_WORDS),
                   "weights": [round(float(w), 3) for w in clf.weights_],
                   "model_cv_accuracy": [round(float(a), 4) for a in clf.model_cv_accuracy_]}
    return choose(row, cands, time.perf_counter() - began, previous_best=row["best"])


def summary(res):
    c = res["candidates"][NAME]
    return head(res) + (f"weighted cv {c['cv_accuracy']:.4f} test {c['test_accuracy']:.4f}; before "
                        f"{res['previous_best']} cv {res['candidates'][res['previous_best']]['cv_accuracy']:.4f} "
                        f"({res['seconds']:.0f} s)")


def markdown(out, every=None):
    def cells(r):
        prev = r["previous_best"]
        return [f"{prev}, {cv_test(r['candidates'][prev])}", cv_test(r["candidates"][NAME])]

    return table(out, "Compression (CV, with a cross-fitted weighted sum of code lengths) vs the best tuned linear "
                 "baseline (CV)", "class_vs_linear_weighted.py",
                 "The candidates of `class_vs_linear_sum.md` (for UDHR, of `class_vs_linear_udhr.md`) plus "
                 "`CodeLengthClassifier(models, combine='weighted', head_words=(2,))`: one weight per model and view "
                 "and one intercept per class, fitted on the code lengths cross-fitted by stratified 5-fold CV on "
                 "train (the same folds), C chosen by CV on them. Models: the eleven of `class_vs_linear_words.md`; "
                 "for UDHR its six context models. The best candidate by CV accuracy is scored once on test, beside "
                 "the best linear baseline by CV (`class_vs_linear.json`). The test split chooses nothing.",
                 ["chosen before: choice, CV, test", "weighted sum: CV, test"], cells, every=every)


if __name__ == "__main__":
    main("class_vs_linear_weighted", rows(), run_set, summary, markdown,
         extra={"models": MODELS, "udhr_models": CM_MODELS, "head_words": list(HEAD_WORDS)}, order=ORDER,
         doc=__doc__)
