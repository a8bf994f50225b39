"""Few-shot development trials on the training splits only: one model chosen by CV, or several summed.

    python benchmarks/few_shot_dev.py [--data trec ...] [--resume]

The test splits are not read. For each shared set, 3 seeded trials (seeds 100-102, not the benchmark's
0-4): 5 texts per class drawn from the training split (``few_shot_indices``), and 500 other training texts
(a seeded permutation of the rest) to score on. On each trial:

* every single class-level model of ``MODELS`` (context models with a background of the few-shot texts,
  word models at several strengths) is fitted on the 5-shot texts and scores the 500;
* "CV choice": the few_shot.py protocol, one model chosen by stratified 5-fold CV on the few-shot texts;
* each sum of ``SUMS``: ``CodeLengthClassifier(models, combine="sum")``, the argmin of the models' summed
  code lengths, fixed, nothing chosen per trial;
* the tuned linear baselines of ``_baselines.py``, the best by CV on the few-shot texts (as few_shot.py).

The sum with the highest mean accuracy over the sets (the rule fixed before the run) is the one
``few_shot_sum.py`` scores on the benchmark's test texts. Writes few_shot_dev.json/.md after every set.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from ncd import CodeLengthClassifier, CompressionClassifier
from ncd.datasets import few_shot_indices

from _baselines import tuned_baselines
from _common import HERE, SHARED_DATA, machine, read_split, relative_bpb
from few_shot import SETS, cv_folds

SEEDS = (100, 101, 102)
SHOTS = 5
N_EVAL = 500


def _cm(order, strength):
    return {"model": "cm", "order": order, "background": "train", "background_strength": strength}


def _words(order, strength):
    return {"model": "words", "word_order": order, "background": "train", "background_strength": strength}


MODELS = {
    "cm3": {"model": "cm", "order": 3},
    "cm2_bg4": _cm(2, 4.0), "cm3_bg4": _cm(3, 4.0),
    "cm2_bg16": _cm(2, 16.0), "cm3_bg16": _cm(3, 16.0), "cm4_bg16": _cm(4, 16.0),
    "words0_s0.1": _words(0, 0.1), "words0_s0.3": _words(0, 0.3), "words0_s1": _words(0, 1.0),
    "words1_s0.1": _words(1, 0.1), "words1_s0.3": _words(1, 0.3), "words1_s3": _words(1, 3.0),
}
SUMS = {
    "cm3_bg4 + words0_s0.1": ("cm3_bg4", "words0_s0.1"),
    "cm3_bg16 + words0_s0.1": ("cm3_bg16", "words0_s0.1"),
    "cm2_bg4 + cm3_bg4 + words0_s0.3": ("cm2_bg4", "cm3_bg4", "words0_s0.3"),
    "cm2_bg16 + cm3_bg16 + cm4_bg16": ("cm2_bg16", "cm3_bg16", "cm4_bg16"),
    "cm2_bg16 + cm3_bg16 + words0_s0.1": ("cm2_bg16", "cm3_bg16", "words0_s0.1"),
    "cm2_bg16 + cm3_bg16 + cm4_bg16 + words0_s0.1": ("cm2_bg16", "cm3_bg16", "cm4_bg16", "words0_s0.1"),
    "cm2_bg16 + cm3_bg16 + cm4_bg16 + words0_s0.1 + words1_s0.1":
        ("cm2_bg16", "cm3_bg16", "cm4_bg16", "words0_s0.1", "words1_s0.1"),
}


def _summed_accuracy(rel, names, classes, y):
    return float(np.mean(classes[np.argmin(sum(rel[n] for n in names), axis=1)] == y))


def dev_trial(y, shots, seed, n_eval=N_EVAL):
    """A development trial on a training split: ``shots`` texts per class (``few_shot_indices``) and ``n_eval``
    other texts of the split to score (the first of a seeded permutation of the rest), as index arrays."""
    idx = few_shot_indices(y, shots, random_state=seed)
    rest = np.setdiff1d(np.arange(len(y)), idx)
    return idx, np.random.default_rng(seed).permutation(rest)[:n_eval]


def run_trial(X, y, seed):
    idx, ev = dev_trial(y, SHOTS, seed)
    Xs, ys, Q, yq = [X[i] for i in idx], y[idx], [X[i] for i in ev], y[ev]
    folds = cv_folds(ys, SHOTS, seed)
    rel, single, cv = {}, {}, {}
    for name, params in MODELS.items():
        model = CompressionClassifier(**params, n_jobs=-1).fit(Xs, ys)
        rel[name] = relative_bpb(model.code_lengths(Q), Q)
        single[name] = float(np.mean(model.classes_[np.argmin(rel[name], axis=1)] == yq))
        right = 0
        for tr, va in folds:
            part = CompressionClassifier(**params, n_jobs=-1).fit([Xs[i] for i in tr], ys[tr])
            right += int(np.sum(part.predict([Xs[i] for i in va]) == ys[va]))
        cv[name] = right / len(ys)
    classes = model.classes_
    sums = {name: _summed_accuracy(rel, parts, classes, yq) for name, parts in SUMS.items()}
    choice = max(MODELS, key=lambda n: cv[n])  # ties: the first listed
    with warnings.catch_warnings(), threadpool_limits(1, "blas"):
        warnings.simplefilter("ignore")
        lin = tuned_baselines(Xs, ys, Q, yq, cv=3, seed=seed, log=None)
    return {"seed": seed, "indices": idx.tolist(), "eval_indices": ev.tolist(), "single": single, "model_cv": cv,
            "cv_choice": choice, "cv_choice_accuracy": single[choice], "sums": sums,
            "linear_choice": lin["best"]["name"], "linear": lin["best"]["test_accuracy"]}


def check_sum_matches_the_estimator(X, y):
    """The sums above are computed from the single models' code lengths; the estimator must agree."""
    seed = SEEDS[0]
    idx = few_shot_indices(y, SHOTS, random_state=seed)
    Xs, ys, Q = [X[i] for i in idx], y[idx], X[:50]
    parts = SUMS[next(iter(SUMS))]
    rel = {n: relative_bpb(CompressionClassifier(**MODELS[n]).fit(Xs, ys).code_lengths(Q), Q) for n in parts}
    clf = CodeLengthClassifier([MODELS[n] for n in parts], combine="sum").fit(Xs, ys)
    if not np.array_equal(clf.predict(Q), clf.classes_[np.argmin(sum(rel[n] for n in parts), axis=1)]):
        raise SystemExit("CodeLengthClassifier(combine='sum') disagrees with the summed code lengths.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append")
    parser.add_argument("--resume", action="store_true", help="keep the sets already in few_shot_dev.json")
    args = parser.parse_args()
    path = HERE / "few_shot_dev.json"
    out = {"benchmark": "few_shot_dev", "machine": machine(), "seeds": list(SEEDS), "shots": SHOTS,
           "n_eval": N_EVAL, "models": MODELS, "sums": {k: list(v) for k, v in SUMS.items()}, "results": []}
    if args.resume and path.exists():
        out["results"] = json.loads(path.read_text())["results"]
    done = {r["data"] for r in out["results"]}
    checked = False
    for name in args.data or SETS:
        if name in done or not (SHARED_DATA / name).is_dir():
            continue
        X, y = read_split(name, "train")
        y = np.asarray(y, dtype=object)
        if not checked:
            check_sum_matches_the_estimator(X, y)
            checked = True
        began = time.perf_counter()
        trials = [run_trial(X, y, seed) for seed in SEEDS]
        res = {"data": name, "trials": trials, "seconds": time.perf_counter() - began}
        out["results"].append(res)
        out["results"].sort(key=lambda r: SETS.index(r["data"]))
        print(f"{name}: linear {np.mean([t['linear'] for t in trials]):.3f} cv choice "
              f"{np.mean([t['cv_choice_accuracy'] for t in trials]):.3f} ({res['seconds']:.0f} s)", flush=True)
        path.write_text(json.dumps(out, indent=1) + "\n")
        (HERE / "few_shot_dev.md").write_text(markdown(out))


def chosen_sum(out) -> str:
    """The sum with the highest mean accuracy over the sets run (ties: the first listed)."""
    means = {s: np.mean([np.mean([t["sums"][s] for t in r["trials"]]) for r in out["results"]]) for s in out["sums"]}
    return max(out["sums"], key=lambda s: means[s])


def markdown(out):
    rows = [("best tuned linear (CV)", lambda t: t["linear"]),
            ("one model, chosen by CV", lambda t: t["cv_choice_accuracy"])]
    rows += [(f"sum: {s}", lambda t, s=s: t["sums"][s]) for s in out["sums"]]
    rows += [(f"{m} alone", lambda t, m=m: t["single"][m]) for m in out["models"]]
    sets = [r["data"] for r in out["results"]]
    lines = ["# Few-shot development trials (training splits only): one model by CV, or models summed", "",
             "`python benchmarks/few_shot_dev.py`", "",
             f"{len(out['seeds'])} seeded trials per set (seeds {', '.join(map(str, out['seeds']))}): {out['shots']} "
             f"texts per class from the training split, scored on {out['n_eval']} other training texts. The test "
             "splits are not read. A sum is `CodeLengthClassifier(models, combine='sum')`, fixed; 'chosen by CV' "
             "picks one model per trial by 5-fold CV on the few-shot texts (few_shot.py's protocol, over the models "
             "below); the linear baseline is the best by CV of `_baselines.py`'s four. Mean accuracy over the trials; "
             "**bold**: ahead of the linear baseline.", "",
             "| | " + " | ".join(sets) + " | mean | ahead |", "|---|" + "---|" * (len(sets) + 2)]
    linear = {r["data"]: np.mean([t["linear"] for t in r["trials"]]) for r in out["results"]}
    for label, get in rows:
        vals = [np.mean([get(t) for t in r["trials"]]) for r in out["results"]]
        ahead = sum(v > linear[s] for v, s in zip(vals, sets)) if label != rows[0][0] else None
        cells = [f"**{v:.3f}**" if ahead is not None and v > linear[s] else f"{v:.3f}" for v, s in zip(vals, sets)]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {np.mean(vals):.3f} | "
                     + ("" if ahead is None else f"{ahead} of {len(sets)}") + " |")
    seconds = sum(r["seconds"] for r in out["results"])
    lines += ["", f"**Chosen for few_shot_sum.py** (highest mean over the sets): `{chosen_sum(out)}`.", "",
              f"Run time {seconds / 60:.1f} min; machine: {out['machine']['cores']} cores (shared), "
              f"{out['machine']['cpu']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
