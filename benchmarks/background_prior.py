"""Class-level cm with and without a background model, full training sets and 5-shot.

    python benchmarks/background_prior.py [--data trec --data r8 ...] [--trials 5] [--max-test 1000]

For each shared data set: ``CompressionClassifier("cm")`` (order 3) against the same with
``background="train"`` (every training text with its label ignored; in the few-shot rows that is the
few-shot sample itself, nothing more), at background_strength 1, 4 (the default) and 16. Full
training set, and 5 texts per class (``few_shot_indices``, seeds 0..trials-1, indices saved), mean
and 95% t-interval. Test: the first --max-test texts of the test split. Nothing is chosen on test
here: every setting is reported. Writes background_prior.json/.md.
"""

import argparse
import time

import numpy as np

from ncd import CompressionClassifier
from ncd.datasets import few_shot_indices

from _common import SHARED_DATA, machine, mean_interval, read_split, write_results

SETS = ["trec", "sms_spam", "sst2", "mr_polarity", "subj", "ag_news", "r8", "dbpedia14_subset", "udhr_langid",
        "ohsumed", "20newsgroups"]
SETTINGS = [("none", None, 4.0), ("train s=1", "train", 1.0), ("train s=4", "train", 4.0), ("train s=16", "train", 16.0)]


def _score(X, y, Q, yq, background, strength):
    clf = CompressionClassifier("cm", background=background, background_strength=strength, n_jobs=-1).fit(X, y)
    return float(clf.score(Q, yq))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", help="only these sets (repeatable)")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--max-test", type=int, default=1000)
    args = parser.parse_args()
    rows = []
    began = time.perf_counter()
    for name in args.data or SETS:
        if not (SHARED_DATA / name).is_dir():
            continue
        X, y = read_split(name, "train")
        Q, yq = read_split(name, "test", args.max_test)
        y = np.asarray(y)
        row = {"data": name, "train": len(X), "test": len(Q), "full": {}, "five_shot": {}, "five_shot_indices": []}
        for label, background, strength in SETTINGS:
            row["full"][label] = _score(X, y, Q, yq, background, strength)
        for seed in range(args.trials):
            idx = few_shot_indices(y, 5, random_state=seed)
            row["five_shot_indices"].append(idx.tolist())
            for label, background, strength in SETTINGS:
                row["five_shot"].setdefault(label, []).append(_score([X[i] for i in idx], y[idx], Q, yq, background,
                                                                     strength))
        rows.append(row)
        print(name, row["full"], {k: round(np.mean(v), 3) for k, v in row["five_shot"].items()}, flush=True)
        _write(rows, args, time.perf_counter() - began)  # after every set: a stopped run keeps what it did


def _write(rows, args, seconds):
    labels = [s[0] for s in SETTINGS]
    lines = ["# Class-level cm with a background model", "", "`python benchmarks/background_prior.py`", "",
             "`CompressionClassifier('cm', order=3)` alone (none) and with `background='train'` (every training text, "
             "labels ignored: in the 5-shot rows, the few-shot sample itself) at three strengths. Accuracy on the "
             f"first {args.max_test} test texts; every setting shown (none is chosen on test).", "",
             "## Full training set", "", "| data | train x test | " + " | ".join(labels) + " |",
             "|---|---|" + "---|" * len(labels)]
    for r in rows:
        lines.append(f"| {r['data']} | {r['train']:,} x {r['test']:,} | "
                     + " | ".join(f"{r['full'][k]:.3f}" for k in labels) + " |")
    lines += ["", f"## 5-shot ({args.trials} seeded trials, mean ± 95% t-interval)", "",
              "| data | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for r in rows:
        cells = []
        for k in labels:
            m, h = mean_interval(r["five_shot"][k])
            cells.append(f"{m:.3f} ± {h:.3f}")
        lines.append(f"| {r['data']} | " + " | ".join(cells) + " |")
    lines += ["", f"Run time {seconds / 60:.1f} min. Machine: {machine()['cores']} cores, {machine()['cpu']}."]
    write_results("background_prior", {"benchmark": "background_prior", "machine": machine(), "seconds": seconds,
                                       "rows": rows}, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
