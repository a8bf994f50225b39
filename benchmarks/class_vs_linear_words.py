"""class_vs_linear_mix with the word model as a candidate: alone, and as features of the stacked model.

    python benchmarks/class_vs_linear_words.py [--data trec ...] [--resume]

Reads ``class_vs_linear_mix.json`` (every candidate so far, its CV and test accuracy, and the best tuned linear
baseline) and fits one ``ncd.CodeLengthClassifier`` over the seven models of that benchmark (context models of
orders 1-5, order 3 with a background of strength 16, ``mix``) and four word models
(``CompressionClassifier("words")`` with the training texts as background: the unigram at strengths 1 and 3, the
bigram at strengths 3 and 10), cross-fitted on the training split (stratified 5-fold, seed 0: the folds of
``class_vs_linear.py``). That one fit gives two new candidates:

* ``words``: the argmin of the word model whose cross-fitted argmin has the best CV accuracy (of the four);
* ``code_lengths_lr_words``: the logistic regression over all eleven models' code lengths (C by the same CV).

The best compression candidate is then chosen again by CV accuracy among all of them, scored once on test, and
set beside the best linear baseline (CV). The test split chooses nothing. Sets with more than
``MAX_STACK_CLASSES`` classes (UDHR) are left out. Writes class_vs_linear_words.json/.md after every set.
"""

from __future__ import annotations

import time

import numpy as np

from ncd import CodeLengthClassifier

from _common import read_split
from _increments import choose, cv_test, head, main, scored_test, table
from class_vs_linear import CV, MAX_STACK_CLASSES
from class_vs_linear_mix import MODELS as MIX_MODELS

WORDS = [{"model": "words", "word_order": o, "background": "train", "background_strength": s}
         for o, s in ((0, 1.0), (0, 3.0), (1, 3.0), (1, 10.0))]
MODELS = MIX_MODELS + WORDS
# the order the sets run in: those where the last benchmark was nearest the baseline first
ORDER = ["mr_polarity", "r8", "dbpedia14_subset", "trec", "sst2", "subj", "sms_spam", "ag_news", "ohsumed",
         "20newsgroups"]


def label(spec):
    return f"words{spec['word_order']}_s{spec['background_strength']:g}"


def run_set(row):
    """The set's row with the new candidates, or None where it has more than MAX_STACK_CLASSES classes."""
    name = row["data"]
    X, y = read_split(name, "train")
    if len(set(y)) > MAX_STACK_CLASSES:
        return None
    Q, yq = scored_test(name)
    began = time.perf_counter()
    clf = CodeLengthClassifier(MODELS, cv=CV, random_state=0, n_jobs=-1).fit(X, y)
    features = clf.code_length_features(Q)
    n = len(clf.classes_)
    first = len(MIX_MODELS)
    word_cv = clf.model_cv_accuracy_[first:]
    w = first + int(np.argmax(word_cv))  # ties: the first
    word_pred = clf.classes_[np.argmin(features[:, w * n:(w + 1) * n], axis=1)]
    cands = dict(row["candidates"])
    cands["words"] = {"cv_accuracy": float(clf.model_cv_accuracy_[w]), "model": label(MODELS[w]),
                      "test_accuracy": float(np.mean(word_pred == yq))}
    stacked_pred = clf.classes_[clf.logistic_.predict(features)]
    cands["code_lengths_lr_words"] = {"cv_accuracy": float(clf.best_score_), "C": clf.C_,
                                      "test_accuracy": float(np.mean(stacked_pred == yq))}
    argmin = dict(zip([m.get("model") + str(i) for i, m in enumerate(MODELS)], clf.model_cv_accuracy_.tolist()))
    return choose(row, cands, time.perf_counter() - began, argmin_cv_by_model=argmin)


def summary(res):
    c = res["candidates"]
    return (head(res) + f"words cv {c['words']['cv_accuracy']:.4f} "
            f"stack cv {c['code_lengths_lr_words']['cv_accuracy']:.4f} "
            f"({res['seconds']:.0f} s)")


def markdown(out, every=None):
    def cells(r):
        w = r["candidates"]["words"]
        return [f"{w['model']}: {cv_test(w)}", cv_test(r["candidates"]["code_lengths_lr_words"])]

    return table(out, "Compression (CV, with the word model) vs the best tuned linear baseline (CV)",
                 "class_vs_linear_words.py",
                 "The candidates of `class_vs_linear_mix.md` plus the best of four `CompressionClassifier('words')` "
                 "settings alone (by CV) and a `CodeLengthClassifier` over eleven models (cm orders 1-5, cm3 with a "
                 "background of strength 16, mix, and the four word models), cross-fitted by stratified 5-fold CV on "
                 "train. The best candidate by CV accuracy is scored once on test, beside the best linear baseline by "
                 "CV "
                 "(`class_vs_linear.json`). The test split chooses nothing.",
                 ["words (best by CV): CV, test", "stacked with words: CV, test"], cells)


if __name__ == "__main__":
    main("class_vs_linear_words", "class_vs_linear_mix", run_set, summary, markdown, extra={"models": MODELS},
         order=ORDER, doc=__doc__)
