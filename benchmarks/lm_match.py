"""A byte network that can copy: the GRU of ``ncd.lm`` mixed with the match model of the context-mixing model.

    python benchmarks/lm_match.py                 # about 25 min on 2 cores
    python benchmarks/lm_match.py --trials 2      # a quicker look

``benchmarks/lm_copy.md`` showed why a small byte network is a poor NCD compressor: C(x + " " + x) / C(x)
is about 2, because it cannot refer back to x while it codes the second copy. Here the network's
next-byte probabilities are one more input of the context-mixing model's mixer
(``MixCompressor(network=lm)``, ``CompressionClassifier("mix", network=lm)``), beside its own byte
and word contexts and its match model, and the mixer learns as it codes how far to trust each.

1. The copy test on 200 AG News test texts: bits per byte of each text alone, and C(xx) / C(x), for
   gzip, the mixing model alone, the GRU alone, and the two mixed.
2. Class level, all 5,000 training texts (the first 5,000 of the training split) and 1,000 test texts:
   the mixing model's class models with and without the network, beside the order-3 context model.
3. Few-shot, 5 texts per class, 5 seeded trials (``few_shot_indices``, indices saved), 300 test texts:
   kNN over NCD (k=1) with gzip, the mixing model, and the two mixed; class models (cm3 with the
   few-shot texts as background, mix, mix with the network); and the best of the four tuned linear
   baselines of ``_baselines.py`` (each tuned by 3-fold CV on the 20 texts). Nothing is chosen on test.

The network is trained on the AG News training texts (the first 30,000; the shared split has 5,000), their labels unused (as in
lm_copy.py: 400 steps). In the few-shot rows that is unlabelled in-domain text which the linear
baselines do not get: the comparison is semi-supervised against supervised, and says so.
Writes lm_match.json / lm_match.md (after each part, so a stopped run keeps what it measured).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from ncd import CompressionClassifier, NCDClassifier
from ncd.compressors import MixCompressor, get_compressor
from ncd.datasets import few_shot_indices
from ncd.lm import train_byte_lm

from _baselines import tuned_baselines
from _common import machine, mean_interval, read_split, seeded_sample, write_results

SHOTS = 5


def copy_test(models, held):
    rows = {}
    for name, comp in models.items():
        began = time.perf_counter()
        cx = comp.code_lengths(held)
        cxx = np.array([comp.joint_code_lengths(x, [x], b" ")[0] for x in held])
        rows[name] = {"bits_per_byte": float(cx.sum() / sum(map(len, held))),
                      "copy_ratio_mean": float(np.mean(cxx / cx)), "copy_ratio_median": float(np.median(cxx / cx)),
                      "copy_ratio_max": float(np.max(cxx / cx)), "seconds": time.perf_counter() - began}
        print("copy", name, rows[name], flush=True)
    return rows


def class_level(lm, X, y, Q, yq):
    rows = {}
    for name, params in {"cm3": {"model": "cm", "order": 3}, "mix": {"model": "mix"},
                         "mix + GRU": {"model": "mix", "network": lm}}.items():
        began = time.perf_counter()
        clf = CompressionClassifier(**params, n_jobs=-1).fit(X, y)
        fitted = time.perf_counter()
        acc = float(clf.score(Q, yq))
        rows[name] = {"accuracy": acc, "fit_seconds": fitted - began, "predict_seconds": time.perf_counter() - fitted}
        print("class level", name, rows[name], flush=True)
    return rows


def few_shot(lm, X, y, Q, yq, trials):
    methods = {
        "kNN gzip": lambda: NCDClassifier(compressor="gzip", n_jobs=-1),
        "kNN mix": lambda: NCDClassifier(compressor=MixCompressor(), n_jobs=-1),
        "kNN mix + GRU": lambda: NCDClassifier(compressor=MixCompressor(network=lm)),
        "class cm3 + background": lambda: CompressionClassifier("cm", order=3, background="train", n_jobs=-1),
        "class mix": lambda: CompressionClassifier("mix", n_jobs=-1),
        "class mix + GRU": lambda: CompressionClassifier("mix", network=lm, n_jobs=-1),
    }
    runs = []
    for seed in range(trials):
        idx = few_shot_indices(y, SHOTS, random_state=seed)
        Xs, ys = [X[i] for i in idx], y[idx]
        run = {"seed": seed, "indices": idx.tolist(), "accuracy": {}, "seconds": {}}
        for name, make in methods.items():
            began = time.perf_counter()
            run["accuracy"][name] = float(make().fit(Xs, ys).score(Q, yq))
            run["seconds"][name] = time.perf_counter() - began
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lin = tuned_baselines(Xs, ys, Q, yq, cv=3, seed=seed, log=None)
        run["linear_choice"] = lin["best"]["name"]
        run["accuracy"]["best linear baseline (CV)"] = lin["best"]["test_accuracy"]
        print("few-shot", seed, run["accuracy"], flush=True)
        runs.append(run)
    names = list(runs[0]["accuracy"])
    return {"runs": runs, "summary": {n: mean_interval([r["accuracy"][n] for r in runs]) for n in names}}


def markdown(result):
    lines = ["# A byte network that can copy: the GRU mixed with a match model", "",
             "`python benchmarks/lm_match.py`. The GRU of `ncd.lm.train_byte_lm` "
             f"(trained on {result['lm_train_texts']:,} AG News training texts, labels unused, {result['steps']} steps, "
             f"{result['train_seconds']:.0f} s) as one more input of the context-mixing model's mixer "
             "(`MixCompressor(network=lm)`, `CompressionClassifier('mix', network=lm)`).", ""]
    if "copy" in result:
        lines += [f"## The copy test: C(x + ' ' + x) / C(x), {result['copy_texts']} AG News test texts", "",
                  "1 means the second copy is free; 2 means the model cannot refer back to the first.", "",
                  "| compressor | bits per byte (each text alone) | C(xx)/C(x), mean | median | max |",
                  "|---|---|---|---|---|"]
        for name, r in result["copy"].items():
            lines.append(f"| {name} | {r['bits_per_byte']:.3f} | {r['copy_ratio_mean']:.3f} | "
                         f"{r['copy_ratio_median']:.3f} | {r['copy_ratio_max']:.3f} |")
        lines.append("")
    if "class_level" in result:
        lines += [f"## Class level, AG News, {result['class_level_train']:,} training texts, "
                  f"{result['class_level_test']:,} test texts", "",
                  "| class models | accuracy | fit (s) | predict (s) |", "|---|---|---|---|"]
        for name, r in result["class_level"].items():
            lines.append(f"| {name} | {r['accuracy']:.3f} | {r['fit_seconds']:.1f} | {r['predict_seconds']:.1f} |")
        lines.append("")
    if "few_shot" in result:
        fs = result["few_shot"]
        lines += [f"## Few-shot AG News, {SHOTS} texts per class, {len(fs['runs'])} seeded trials, "
                  f"{result['few_shot_test']} test texts", "",
                  "Mean ± 95% t-interval. The GRU saw unlabelled AG News training texts; the linear baselines "
                  "see only the 20 labelled ones.", "",
                  "| method | accuracy |", "|---|---|"]
        for name, (mean, half) in fs["summary"].items():
            lines.append(f"| {name} | {mean:.3f} ± {half:.3f} |")
        lines.append("")
    lines.append(f"Run time {result.get('seconds', float('nan')) / 60:.1f} min; machine: {result['machine']['cores']} cores (shared), {result['machine']['cpu']}.")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--steps", type=int, default=400)
    args = ap.parse_args()
    began = time.perf_counter()
    X_all, y_all = read_split("ag_news", "train")
    Q_all, yq_all = read_split("ag_news", "test")
    lm_texts = X_all[:30000]
    t = time.perf_counter()
    lm = train_byte_lm(lm_texts, architecture="gru", max_steps=args.steps, context=256, batch_size=32)
    lm.set_params(batch_size=64)
    result = {"machine": machine(), "lm_train_texts": len(lm_texts), "train_seconds": time.perf_counter() - t,
              "steps": args.steps}

    def save():
        result["seconds"] = time.perf_counter() - began
        write_results("lm_match", result, markdown(result))

    held = [q.encode() for q in Q_all[:200]]
    result["copy_texts"] = len(held)
    result["copy"] = copy_test({"gzip": get_compressor("gzip"), "mix": MixCompressor(), "GRU": lm,
                                "mix + GRU": MixCompressor(network=lm)}, held)
    save()
    X, y = X_all[:5000], np.asarray(y_all[:5000], dtype=object)
    Q, yq = seeded_sample(Q_all, yq_all, 1000, 1)
    result["class_level_train"], result["class_level_test"] = len(X), len(Q)
    result["class_level"] = class_level(lm, X, y, Q, np.asarray(yq, dtype=object))
    save()
    Q, yq = seeded_sample(Q_all, yq_all, 300, 1)
    result["few_shot_test"] = len(Q)
    result["few_shot"] = few_shot(lm, X_all, np.asarray(y_all, dtype=object), Q, np.asarray(yq, dtype=object),
                                  args.trials)
    save()


if __name__ == "__main__":
    main()
