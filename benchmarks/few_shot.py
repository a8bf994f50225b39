"""Few-shot: the best compression classifier against the best tuned linear baseline, 1 to 20 texts per class.

    python benchmarks/few_shot.py                                  # all 11 shared sets
    python benchmarks/few_shot.py --data r8 --shots 5 --trials 3   # a slice

For each data set, each number of training texts per class (``few_shot_indices``, seeds
0..trials-1; the indices are saved in the JSON) and each trial:

* compression: candidates ``CompressionClassifier("cm", order=3)`` alone, and orders 3 and 2 adapted
  from a background of the few-shot texts themselves with labels ignored (``background="train"``,
  strength 4 and 16). The choice is made on the few-shot texts only, by stratified K-fold CV
  (K = min(shots, 5)); with one text per class there is nothing to cross-validate, and the
  candidate named first among the background ones (order 3, strength 4) is used;
* linear: the four baselines of ``_baselines.py`` (word and char TF-IDF + LR, word NB, NBSVM), each
  tuned by K-fold CV on the few-shot texts (K = 2 for two texts per class, else 3), the best by CV
  accuracy; with one text per class, each at the middle of its grid, and word TF-IDF + LR (C=10) fixed
  as the choice;

each scored once on the test texts (the first --max-test of a seeded permutation). Mean and 95%
t-interval over the trials. Writes few_shot.json/.md and few_shot.png (accuracy against texts per
class for four sets, compression and baseline on the same axes).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
from sklearn.model_selection import StratifiedKFold

from ncd import CompressionClassifier
from ncd.datasets import few_shot_indices

from _baselines import BASELINES, _spec, tuned_baselines
from _common import HERE, SHARED_DATA, machine, mean_interval, read_split, seeded_sample

SETS = ["sms_spam", "trec", "sst2", "mr_polarity", "subj", "ag_news", "r8", "dbpedia14_subset", "ohsumed",
        "20newsgroups", "udhr_langid"]
PLOT_SETS = ["ag_news", "r8", "sms_spam", "dbpedia14_subset"]
CANDIDATES = {
    "cm3": {"model": "cm", "order": 3},
    "cm3_bg4": {"model": "cm", "order": 3, "background": "train", "background_strength": 4.0},
    "cm3_bg16": {"model": "cm", "order": 3, "background": "train", "background_strength": 16.0},
    "cm2_bg4": {"model": "cm", "order": 2, "background": "train", "background_strength": 4.0},
}
ONE_SHOT_CHOICE = "cm3_bg4"



def cv_folds(y, shots, seed):
    """The stratified K-fold split (K = min(shots, 5), seeded) on which candidates are compared."""
    _, codes = np.unique(np.asarray(y, dtype=object).astype(str), return_inverse=True)
    return list(StratifiedKFold(min(shots, 5), shuffle=True, random_state=seed).split(np.zeros(len(codes)), codes))


def cv_accuracy(make, X, y, folds):
    """K-fold CV accuracy of the estimator that make() returns, on the few-shot texts."""
    y = np.asarray(y, dtype=object)
    right = 0
    for tr, va in folds:
        clf = make().fit([X[i] for i in tr], y[tr])
        right += int(np.sum(clf.predict([X[i] for i in va]) == y[va]))
    return right / len(y)


def compression_choice(X, y, shots, seed):
    """The candidate with the best K-fold CV accuracy on the few-shot texts (ties: the first)."""
    if shots < 2:
        return ONE_SHOT_CHOICE, {}
    folds = cv_folds(y, shots, seed)
    cv = {name: cv_accuracy(lambda p=params: CompressionClassifier(**p, n_jobs=-1), X, y, folds)
          for name, params in CANDIDATES.items()}
    return max(CANDIDATES, key=lambda n: cv[n]), cv


def linear_one_shot(X, y, Q, yq):
    """One text per class: no CV is possible; each baseline at the middle of its grid, word TF-IDF + LR fixed."""
    tests = {}
    for b in BASELINES:
        spec = _spec(b)
        vec = spec.features()
        model = spec.model(spec.grid[len(spec.grid) // 2]).fit(vec.fit_transform(X), y)
        tests[b] = float(np.mean(model.predict(vec.transform(Q)) == yq))
    return {"best": {"name": "word_tfidf_lr", "test_accuracy": tests["word_tfidf_lr"]},
            "baselines": {b: {"test_accuracy": t} for b, t in tests.items()}}


def run_set(name, shots_list, trials, max_test):
    X, y = read_split(name, "train")
    Q, yq = read_split(name, "test")
    Q, yq = seeded_sample(Q, yq, max_test, 1)
    y = np.asarray(y, dtype=object)
    yq = np.asarray(yq, dtype=object)
    out = {"data": name, "train_pool": len(X), "test": len(Q), "shots": {}}
    smallest = min(np.unique(y.astype(str), return_counts=True)[1])
    for shots in shots_list:
        if shots > smallest:  # a class has fewer training texts than that: not a k-shot task
            out["shots"][str(shots)] = {"skipped": f"a class has only {smallest} training texts"}
            print(f"{name} {shots}-shot: skipped (a class has only {smallest} training texts)", flush=True)
            continue
        runs = []
        for seed in range(trials):
            idx = few_shot_indices(y, shots, random_state=seed)
            Xs, ys = [X[i] for i in idx], y[idx]
            choice, cv = compression_choice(Xs, ys, shots, seed)
            tests = {n: float(CompressionClassifier(**p, n_jobs=-1).fit(Xs, ys).score(Q, yq))
                     for n, p in CANDIDATES.items()}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lin = linear_one_shot(Xs, ys, Q, yq) if shots == 1 else \
                    tuned_baselines(Xs, ys, Q, yq, cv=2 if shots < 3 else 3, seed=seed, log=None)
            runs.append({"seed": seed, "indices": idx.tolist(), "compression_choice": choice, "compression_cv": cv,
                         "compression_test": tests[choice], "candidates_test": tests,
                         "linear_choice": lin["best"]["name"], "linear_test": lin["best"]["test_accuracy"],
                         "baselines_test": {b: r["test_accuracy"] for b, r in lin["baselines"].items()}})
        comp = [r["compression_test"] for r in runs]
        lin = [r["linear_test"] for r in runs]
        out["shots"][str(shots)] = {"runs": runs, "compression": mean_interval(comp), "linear": mean_interval(lin)}
        print(f"{name} {shots}-shot: compression {np.mean(comp):.3f} linear {np.mean(lin):.3f}", flush=True)
    return out


def markdown(result):
    shots_list = result["shots"]
    lines = ["# Few-shot: compression against the best tuned linear baseline", "",
             "`python benchmarks/few_shot.py`", "",
             "Accuracy on the first {max_test} texts of a seeded permutation of each test split, mean ± 95% "
             "t-interval over {trials} seeded trials. **compression**: `CompressionClassifier('cm')` of order 3 "
             "alone, or orders 3 and 2 adapted from a background of the few-shot texts with labels ignored "
             "(strength 4 or 16), chosen by K-fold CV on the few-shot texts (one text per class: order 3 with "
             "the background, strength 4, fixed). **linear**: the best by CV on the few-shot texts of four "
             "tuned baselines (word and char TF-IDF + LR, word NB, NBSVM). Nothing is chosen on test.".format(
                 max_test=result["max_test"], trials=result["trials"]), "",
             "| data | " + " | ".join(f"{s}-shot compression / linear" for s in shots_list) + " |",
             "|---|" + "---|" * len(shots_list)]
    ahead = {s: 0 for s in shots_list}
    counted = {s: 0 for s in shots_list}
    for r in result["results"]:
        cells = []
        for s in shots_list:
            if str(s) not in r["shots"]:
                cells.append("not run")
                continue
            if "skipped" in r["shots"][str(s)]:
                cells.append("not possible")
                continue
            c, lin = r["shots"][str(s)]["compression"], r["shots"][str(s)]["linear"]
            counted[s] += 1
            win = c[0] > lin[0]
            ahead[s] += win
            mark = "**" if win else ""
            cells.append(f"{mark}{c[0]:.3f} ± {c[1]:.3f}{mark} / {lin[0]:.3f} ± {lin[1]:.3f}")
        lines.append(f"| {r['data']} | " + " | ".join(cells) + " |")
    lines += ["", "Sets where compression's mean is ahead (bold): " + ", ".join(
        f"{s}-shot {ahead[s]} of {counted[s]}" for s in shots_list) + " (of the sets run at that number of shots; "
        "a set with a class of fewer texts is not counted there).", "",
        f"Run time {result['seconds'] / 60:.1f} min; machine: {result['machine']['cores']} cores (shared), "
        f"{result['machine']['cpu']}. Plot: `few_shot.png`.", ""]
    return "\n".join(lines)


SERIES = (("compression", "compression (cm + background, CV)", "o-"),
          ("linear", "best tuned linear baseline (CV)", "s--"))


def plot(result, series=SERIES, name="few_shot.png"):
    """Accuracy against texts per class for the sets of PLOT_SETS: one line per (key, label, style) of
    ``series``, the key naming a (mean, half-width) entry of each row's ``shots[n]``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in result["results"] if r["data"] in PLOT_SETS]
    if not rows:
        return
    fig, axes = plt.subplots(1, len(rows), figsize=(4 * len(rows), 3.4), squeeze=False)
    for ax, r in zip(axes[0], rows):
        shots = [int(s) for s in r["shots"] if "skipped" not in r["shots"][s]]
        for key, label, style in series:
            mean = [r["shots"][str(s)][key][0] for s in shots]
            half = [np.nan_to_num(r["shots"][str(s)][key][1]) for s in shots]
            ax.errorbar(shots, mean, yerr=half, fmt=style, capsize=3, label=label)
        ax.set_xscale("log")
        ax.set_xticks(shots)
        ax.set_xticklabels([str(s) for s in shots])
        ax.set_title(r["data"])
        ax.set_xlabel("training texts per class")
        ax.set_ylabel("accuracy")
    axes[0][0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(HERE / name, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", help="only these sets (repeatable)")
    parser.add_argument("--shots", default="1,2,5,10,20")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--max-test", type=int, default=1000)
    parser.add_argument("--resume", action="store_true",
                        help="keep the sets already in few_shot.json (same settings) and run only the others")
    args = parser.parse_args()
    shots_list = [int(s) for s in args.shots.split(",")]
    began = time.perf_counter()
    result = {"benchmark": "few_shot", "machine": machine(), "trials": args.trials, "max_test": args.max_test,
              "shots": shots_list, "candidates": CANDIDATES, "results": []}
    earlier = 0.0
    if args.resume and (HERE / "few_shot.json").exists():
        old = json.loads((HERE / "few_shot.json").read_text())
        same = all(old[k] == result[k] for k in ("trials", "max_test", "candidates"))
        if not same:
            raise SystemExit("--resume: few_shot.json was run with other settings; run without --resume.")
        result["results"], earlier = old["results"], old.get("seconds", 0.0)
        # a set may be run at fewer shot counts than the others (--shots): the table says "not run"
        result["shots"] = sorted(set(old["shots"]) | set(shots_list))
    done = {r["data"] for r in result["results"]}
    for name in args.data or SETS:
        if not (SHARED_DATA / name).is_dir() or name in done:
            continue
        result["results"].append(run_set(name, shots_list, args.trials, args.max_test))
        result["seconds"] = earlier + time.perf_counter() - began
        (HERE / "few_shot.json").write_text(json.dumps(result, indent=1) + "\n")
        (HERE / "few_shot.md").write_text(markdown(result))
        plot(result)


if __name__ == "__main__":
    main()
