"""class_vs_linear_words with the opening words' code lengths as more features of the stacked model.

    python benchmarks/class_vs_linear_heads.py [--data trec ...] [--resume]

Reads ``class_vs_linear_words.json`` (every candidate so far, its CV and test accuracy, and the best tuned
linear baseline) and fits one ``ncd.CodeLengthClassifier`` over the same eleven models with
``head_words=(2,)``: each model's code lengths of the whole text and of its first two words, cross-fitted on
the training split (stratified 5-fold, seed 0: the folds of the benchmarks before it, so the whole-text
features are the same as theirs). That gives one new candidate, ``code_lengths_lr_heads``. The best
compression candidate is chosen again by CV accuracy among all of them, scored once on test, and set beside
the best linear baseline (CV). The test split chooses nothing. Writes class_vs_linear_heads.json/.md after
every set; the sets run where the last benchmark lost first.
"""

from __future__ import annotations

import time

import numpy as np

from ncd import CodeLengthClassifier

from _common import read_split
from _increments import choose, cv_test, head, main, scored_test, table
from class_vs_linear import CV
from class_vs_linear_words import MODELS

HEAD_WORDS = (2,)
ORDER = ["trec", "r8", "dbpedia14_subset", "mr_polarity", "sst2", "subj", "sms_spam", "ag_news", "ohsumed",
         "20newsgroups"]


def run_set(row):
    name = row["data"]
    X, y = read_split(name, "train")
    Q, yq = scored_test(name)
    began = time.perf_counter()
    clf = CodeLengthClassifier(MODELS, cv=CV, head_words=HEAD_WORDS, random_state=0, n_jobs=-1).fit(X, y)
    pred = clf.predict(Q)
    cands = dict(row["candidates"])
    cands["code_lengths_lr_heads"] = {"cv_accuracy": float(clf.best_score_), "C": clf.C_,
                                      "test_accuracy": float(np.mean(pred == yq)), "head_words": list(HEAD_WORDS)}
    return choose(row, cands, time.perf_counter() - began)


def summary(res):
    c = res["candidates"]
    return (head(res) + f"heads cv {c['code_lengths_lr_heads']['cv_accuracy']:.4f} test "
            f"{c['code_lengths_lr_heads']['test_accuracy']:.4f}; words stack cv "
            f"{c['code_lengths_lr_words']['cv_accuracy']:.4f} ({res['seconds']:.0f} s)")


def markdown(out, every=None):
    def cells(r):
        return [cv_test(r["candidates"][c]) for c in ("code_lengths_lr_words", "code_lengths_lr_heads")]

    return table(out, "Compression (CV, with opening-word code lengths) vs the best tuned linear baseline (CV)",
                 "class_vs_linear_heads.py",
                 "The candidates of `class_vs_linear_words.md` plus a `CodeLengthClassifier` over the same eleven "
                 "models "
                 f"with `head_words={tuple(out['head_words'])}`: each model's code lengths of the whole text and "
                 "of its "
                 "first two words are the features, cross-fitted by stratified 5-fold CV on train (the same folds). "
                 "The "
                 "best candidate by CV accuracy is scored once on test, beside the best linear baseline by CV "
                 "(`class_vs_linear.json`). The test split chooses nothing.",
                 ["stacked, whole texts: CV, test", "stacked with opening words: CV, test"], cells, every=every)


if __name__ == "__main__":
    main("class_vs_linear_heads", "class_vs_linear_words", run_set, summary, markdown,
         extra={"models": MODELS, "head_words": list(HEAD_WORDS)}, order=ORDER, doc=__doc__)
