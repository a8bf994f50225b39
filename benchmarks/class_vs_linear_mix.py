"""class_vs_linear with the context-mixing model as a candidate: alone, and as features of the stacked model.

    python benchmarks/class_vs_linear_mix.py [--data trec ...] [--resume]

Reads ``class_vs_linear_background.json`` (every candidate so far, its CV and test accuracy, and the best
tuned linear baseline) and fits one ``ncd.CodeLengthClassifier`` whose models are the context models of
orders 1-5, order 3 adapted from a background of all training texts (strength 16), and
``CompressionClassifier("mix")``, cross-fitted on the training split (stratified 5-fold, seed 0: the folds of
``class_vs_linear.py``). That one fit gives two new candidates:

* ``mix``: the argmin of the mix model's code lengths, its CV accuracy from the cross-fitted lengths;
* ``code_lengths_lr_mix``: the logistic regression over all seven models' code lengths (C by the same CV).

The best compression candidate is then chosen again by CV accuracy among all of them, scored once on test,
and set beside the best linear baseline (CV). The test split chooses nothing. Sets with more than
``MAX_STACK_CLASSES`` classes (UDHR) are left out. Writes class_vs_linear_mix.json/.md after every set.
"""

from __future__ import annotations

import time

import numpy as np

from ncd import CodeLengthClassifier

from _common import read_split
from _increments import choose, cv_test, head, main, scored_test, table
from class_vs_linear import CV, MAX_STACK_CLASSES

MODELS = [{"model": "cm", "order": k} for k in (1, 2, 3, 4, 5)] + [
    {"model": "cm", "order": 3, "background": "train", "background_strength": 16.0},
    {"model": "mix"}]
MIX = len(MODELS) - 1


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
    mix_pred = clf.classes_[np.argmin(features[:, MIX * n:(MIX + 1) * n], axis=1)]
    cands = dict(row["candidates"])
    cands["mix"] = {"cv_accuracy": float(clf.model_cv_accuracy_[MIX]),
                    "test_accuracy": float(np.mean(mix_pred == yq))}
    stacked_pred = clf.classes_[clf.logistic_.predict(features)]
    cands["code_lengths_lr_mix"] = {"cv_accuracy": float(clf.best_score_), "C": clf.C_,
                                    "test_accuracy": float(np.mean(stacked_pred == yq))}
    return choose(row, cands, time.perf_counter() - began, argmin_cv_by_model=clf.model_cv_accuracy_.tolist())


def summary(res):
    c = res["candidates"]
    return (head(res) + f"mix cv {c['mix']['cv_accuracy']:.4f} "
            f"stack cv {c['code_lengths_lr_mix']['cv_accuracy']:.4f} "
            f"({res['seconds']:.0f} s)")


def markdown(out, every=None):
    def cells(r):
        return [cv_test(r["candidates"][c]) for c in ("mix", "code_lengths_lr_mix")]

    return table(out, "Compression (CV, with the mixing model) vs the best tuned linear baseline (CV)",
                 "class_vs_linear_mix.py",
                 "The candidates of `class_vs_linear_background.md` plus `CompressionClassifier('mix')` alone and a "
                 "`CodeLengthClassifier` over seven models (cm orders 1-5, cm3 with a background of strength 16, mix), "
                 "cross-fitted by stratified 5-fold CV on train. The best candidate by CV accuracy is scored once on "
                 "test, beside the best linear baseline by CV (`class_vs_linear.json`). The test split chooses "
                 "nothing.",
                 ["mix: CV, test", "stacked with mix: CV, test"], cells)


if __name__ == "__main__":
    main("class_vs_linear_mix", "class_vs_linear_background", run_set, summary, markdown, extra={"models": MODELS},
         doc=__doc__)
