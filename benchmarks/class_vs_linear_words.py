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

import argparse
import json
import time

import numpy as np

from ncd import CodeLengthClassifier

from _common import HERE, machine, read_split, seeded_sample
from class_vs_linear import CV, MAX_STACK_CLASSES, MAX_TEST
from class_vs_linear_background import tally
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
    Q_all, yq_all = read_split(name, "test")
    Q, yq = seeded_sample(Q_all, yq_all, MAX_TEST.get(name), 1)
    yq = np.asarray(yq, dtype=object)
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
    best = max(cands, key=lambda c: cands[c]["cv_accuracy"])  # ties: the earlier candidate
    lin = row["linear"]
    return {"data": name, "candidates": cands, "best": best, "best_cv": cands[best]["cv_accuracy"],
            "best_test": cands[best]["test_accuracy"], "linear": lin,
            "linear_complete": row.get("linear_complete", True),
            "margin": cands[best]["test_accuracy"] - lin["test_accuracy"],
            "argmin_cv_by_model": dict(zip([m.get("model") + str(i) for i, m in enumerate(MODELS)],
                                           clf.model_cv_accuracy_.tolist())),
            "seconds": time.perf_counter() - began}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append")
    parser.add_argument("--resume", action="store_true", help="keep the sets already in the results file")
    args = parser.parse_args()
    base = json.loads((HERE / "class_vs_linear_mix.json").read_text())
    rows = sorted(base["results"], key=lambda r: ORDER.index(r["data"]) if r["data"] in ORDER else len(ORDER))
    path = HERE / "class_vs_linear_words.json"
    out = {"benchmark": "class_vs_linear_words", "machine": machine(), "models": MODELS, "results": []}
    if args.resume and path.exists():
        out["results"] = json.loads(path.read_text())["results"]
    done = {r["data"] for r in out["results"]}
    for row in rows:
        name = row["data"]
        if (args.data and name not in args.data) or name in done:
            continue
        res = run_set(row)
        if res is None:
            print(f"{name}: more than {MAX_STACK_CLASSES} classes: left out", flush=True)
            continue
        out["results"].append(res)
        out["results"].sort(key=lambda r: [b["data"] for b in base["results"]].index(r["data"]))
        c = res["candidates"]
        print(name, res["best"], round(res["best_test"], 4), "linear", round(res["linear"]["test_accuracy"], 4),
              f"words cv {c['words']['cv_accuracy']:.4f} stack cv {c['code_lengths_lr_words']['cv_accuracy']:.4f} "
              f"({res['seconds']:.0f} s)", flush=True)
        path.write_text(json.dumps(out, indent=1) + "\n")
        (HERE / "class_vs_linear_words.md").write_text(markdown(out))


def markdown(out):
    lines = ["# Compression (CV, with the word model) vs the best tuned linear baseline (CV)", "",
             "`python benchmarks/class_vs_linear_words.py`", "",
             "The candidates of `class_vs_linear_mix.md` plus the best of four `CompressionClassifier('words')` "
             "settings alone (by CV) and a `CodeLengthClassifier` over eleven models (cm orders 1-5, cm3 with a "
             "background of strength 16, mix, and the four word models), cross-fitted by stratified 5-fold CV on "
             "train. The best candidate by CV accuracy is scored once on test, beside the best linear baseline by CV "
             "(`class_vs_linear.json`). The test split chooses nothing.",
             "", "| data | compression (CV): choice, CV, test | words (best by CV): CV, test | stacked with words: CV, "
             "test | linear (CV): choice, test | margin |", "|---|---|---|---|---|---|"]
    verdicts, (wins, ties, losses), provisional = tally(out["results"])
    for r, verdict in zip(out["results"], verdicts):
        c = r["candidates"]
        w, s = c["words"], c["code_lengths_lr_words"]
        lines.append(f"| {r['data']} | {r['best']}, {r['best_cv']:.3f}, **{r['best_test']:.3f}** | "
                     f"{w['model']}: {w['cv_accuracy']:.3f}, {w['test_accuracy']:.3f} | {s['cv_accuracy']:.3f}, "
                     f"{s['test_accuracy']:.3f} | {r['linear']['label']}, **{r['linear']['test_accuracy']:.3f}** | "
                     f"{verdict} {100 * r['margin']:+.2f} |")
    n = len(out["results"]) - len(provisional)
    seconds = sum(r["seconds"] for r in out["results"])
    lines += ["", f"**Ahead on {wins} of {n} sets**, level on {ties}, behind on {losses}"
              + (f"; not counted: {', '.join(provisional)}" if provisional else "") + ".", "",
              f"Run time {seconds / 60:.1f} min (fits and scoring of the new candidates); machine: "
              f"{out['machine']['cores']} cores (shared), {out['machine']['cpu']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
