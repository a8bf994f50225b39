"""Few-shot class models: which background helps? The few-shot texts, the query texts, a general text.

    python benchmarks/background_sources.py                        # all 11 shared sets, about 20 min
    python benchmarks/background_sources.py --data r8,trec --trials 2

5 texts per class (``few_shot_indices``, seeds 0..trials-1), the first 1,000 texts of a seeded
permutation of the test split (as few_shot.py), ``CompressionClassifier("cm", order=3)`` with:

* no background;
* ``background="train"``: the few-shot texts themselves, labels ignored;
* the same, ``transductive=True``: the 1,000 query texts counted in too (their labels unknown);
* the few-shot texts and a general English text: the Python documentation's topic help that ships
  with CPython (``pydoc_data.topics``, about 0.45 MB, PSF licence): the one freely licensed body of
  general prose every Python installation has, the candidate for a background shipped with ncd;
* the few-shot texts, the query texts and that general text.

Strength 4 throughout (the default; it was picked from a prototype that looked at AG News and R8 test
labels, see background_prior.md). Mean and 95% t-interval over the trials. Writes
background_sources.json / .md after each set.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ncd import CompressionClassifier
from ncd.datasets import few_shot_indices

from _common import machine, mean_interval, read_split, seeded_sample, write_results

SETS = ["sms_spam", "trec", "sst2", "mr_polarity", "subj", "ag_news", "r8", "dbpedia14_subset", "ohsumed",
        "20newsgroups", "udhr_langid"]
SHOTS = 5
CONFIGS = ["none", "train", "train + queries (transductive)", "train + general text",
           "train + queries + general text (transductive)"]


def general_text(chunk=2000):
    """The CPython documentation's topic help, in chunks of about ``chunk`` bytes."""
    from pydoc_data.topics import topics

    text = "\n".join(topics[k] for k in sorted(topics)).encode()
    return [text[i:i + chunk] for i in range(0, len(text), chunk)]


def classifier(config, Xs, general):
    if config == "none":
        return CompressionClassifier("cm", order=3, n_jobs=-1)
    transductive = "queries" in config
    background = list(Xs) + general if "general" in config else "train"
    return CompressionClassifier("cm", order=3, background=background, transductive=transductive, n_jobs=-1)


def run_set(name, trials, general):
    X, y = read_split(name, "train")
    Q, yq = seeded_sample(*read_split(name, "test"), 1000, 1)
    y, yq = np.asarray(y, dtype=object), np.asarray(yq, dtype=object)
    smallest = min(np.unique(y.astype(str), return_counts=True)[1])
    if smallest < SHOTS:
        return {"skipped": f"a class has only {smallest} training texts"}
    runs = []
    for seed in range(trials):
        idx = few_shot_indices(y, SHOTS, random_state=seed)
        Xs, ys = [X[i] for i in idx], y[idx]
        acc = {c: float(classifier(c, Xs, general).fit(Xs, ys).score(Q, yq)) for c in CONFIGS}
        runs.append({"seed": seed, "indices": idx.tolist(), "accuracy": acc})
        print(name, seed, {c: round(a, 3) for c, a in acc.items()}, flush=True)
    return {"test": len(Q), "runs": runs, "summary": {c: mean_interval([r["accuracy"][c] for r in runs])
                                                      for c in CONFIGS}}


def markdown(result):
    lines = ["# Few-shot backgrounds: the few-shot texts, the query texts, a general text", "",
             "`python benchmarks/background_sources.py`: 5 texts per class, "
             f"{result['trials']} seeded trials, the first 1,000 texts of a seeded permutation of each test split, "
             "`CompressionClassifier('cm', order=3)`, strength 4. *transductive*: the query texts counted into "
             "the background (labels unknown). *general text*: CPython's `pydoc_data.topics` "
             f"({result['general_bytes'] / 1e6:.2f} MB, PSF licence). Mean ± 95% t-interval; best of each row in bold.",
             "", "| data | " + " | ".join(CONFIGS) + " |", "|---|" + "---|" * len(CONFIGS)]
    wins = {c: 0 for c in CONFIGS}
    for name, r in result["sets"].items():
        if "skipped" in r:
            lines.append(f"| {name} | skipped: {r['skipped']} |" + " |" * (len(CONFIGS) - 1))
            continue
        best = max(CONFIGS, key=lambda c: r["summary"][c][0])
        wins[best] += 1
        cells = [("**{:.3f} ± {:.3f}**" if c == best else "{:.3f} ± {:.3f}").format(*r["summary"][c])
                 for c in CONFIGS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Sets where each is best: " + ", ".join(f"{c} {n}" for c, n in wins.items()) + ".", "",
              f"Run time {result['seconds'] / 60:.1f} min; machine: {result['machine']['cores']} cores (shared), {result['machine']['cpu']}."]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=",".join(SETS))
    ap.add_argument("--trials", type=int, default=5)
    args = ap.parse_args()
    began = time.perf_counter()
    general = general_text()
    result = {"machine": machine(), "trials": args.trials, "shots": SHOTS, "configs": CONFIGS,
              "general_bytes": sum(map(len, general)), "sets": {}}
    for name in args.data.split(","):
        result["sets"][name] = run_set(name, args.trials, general)
        result["seconds"] = time.perf_counter() - began
        write_results("background_sources", result, markdown(result))


if __name__ == "__main__":
    main()
