"""Speed of the class-level word model, beside the order-3 context model, in the same run.

    python benchmarks/words_speed.py             # about 2 min
    python benchmarks/words_speed.py --n-jobs -1

AG News, the first 5,000 training texts and 2,000 seeded test texts: fit seconds, predictions per second
(after a warm-up call, so numba's compiling is not counted) and accuracy for
``CompressionClassifier("words", background="train")`` with ``word_order`` 0 and 1 (the two settings
``class_vs_linear_words.py`` chooses among most often) and ``CompressionClassifier("cm", order=3)``, all
with the same ``n_jobs`` (default 1: figures per core, which a busy shared machine disturbs least).
Wall-clock times drift on a shared machine; the ratio against cm3 in the same run is the figure to read.
Writes words_speed.json / .md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ncd import CompressionClassifier

from _common import machine, read_split, seeded_sample, write_results

MODELS = {
    "cm3": {"model": "cm", "order": 3},
    "words (word_order=0, strength 1)": {"model": "words", "word_order": 0, "background": "train",
                                         "background_strength": 1.0},
    "words (word_order=1, strength 3)": {"model": "words", "word_order": 1, "background": "train",
                                         "background_strength": 3.0},
}


def run(n_jobs, repeats=5):
    X, y = read_split("ag_news", "train", 5000)
    Q, yq = seeded_sample(*read_split("ag_news", "test"), 2000, 1)
    yq = np.asarray(yq, dtype=object)
    clfs = {name: CompressionClassifier(**params, n_jobs=n_jobs) for name, params in MODELS.items()}
    for clf in clfs.values():
        clf.fit(X[:50], y[:50]).predict(Q[:10])  # compile first
    fits = {name: [] for name in MODELS}
    preds = {name: [] for name in MODELS}
    rows = {}
    for _ in range(repeats):  # interleaved, the best of a few: the least disturbed by other jobs
        for name, clf in clfs.items():
            t = time.perf_counter()
            clf.fit(X, y)
            fits[name].append(time.perf_counter() - t)
            t = time.perf_counter()
            pred = clf.predict(Q)
            preds[name].append(time.perf_counter() - t)
            rows[name] = {"params": MODELS[name], "fit_seconds": min(fits[name]),
                          "texts_per_second": len(Q) / min(preds[name]), "accuracy": float(np.mean(pred == yq))}
    for name, row in rows.items():
        print(name, row, flush=True)
    return {"train_texts": len(X), "test_texts": len(Q), "n_jobs": n_jobs, "repeats": repeats, "rows": rows}


def markdown(result):
    ag = result["ag_news"]
    base = ag["rows"]["cm3"]
    lines = ["# Class-level word model: speed", "",
             f"`python benchmarks/words_speed.py --n-jobs {ag['n_jobs']}`: AG News, {ag['train_texts']:,} training "
             f"texts and {ag['test_texts']:,} test texts, `n_jobs={ag['n_jobs']}`, the best of {ag['repeats']} interleaved runs "
             "after a warm-up call (numba's compiling not counted).", "",
             "| class models | fit (s) | predictions per second | against cm3 | accuracy |", "|---|---|---|---|---|"]
    for name, r in ag["rows"].items():
        lines.append(f"| {name} | {r['fit_seconds']:.2f} | {r['texts_per_second']:,.0f} | "
                     f"{r['texts_per_second'] / base['texts_per_second']:.2f}x | {r['accuracy']:.3f} |")
    m = result["machine"]
    lines += ["", f"Run time {result['seconds'] / 60:.1f} min; machine: {m['cores']} cores (shared), {m['cpu']}."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    result = {"machine": machine(), "ag_news": run(args.n_jobs)}
    result["seconds"] = time.perf_counter() - began
    write_results("words_speed", result, markdown(result))


if __name__ == "__main__":
    main()
