"""Few-shot, transductive: self-training on the texts to classify, for compression and the linear baselines alike.

    python benchmarks/few_shot_transductive.py [--data r8 ...] [--resume]

At 5 texts per class, ``ncd.TransductiveClassifier`` (3 rounds of pseudo-labels, chosen by margin within
each predicted class; the rule never reads a label of the texts it classifies) wraps:

* compression: ``CodeLengthClassifier(FEW_SHOT_MODELS, combine="sum")``, the 5-shot sum of
  ``few_shot_sum.md``;
* linear: the best tuned linear baseline of the trial (``_baselines.py``'s four, chosen by 3-fold CV on the
  few-shot texts, as ``few_shot.py`` does), with its chosen setting. Its vectoriser is fitted again in each
  round, so it too learns from the unlabelled texts (their words, their IDF).

Both are given the same unlabelled texts, by the same rule: a transductive setting, beside the inductive
one of ``few_shot_sum.md``, never in its place.

1. **Development trials** (chose the method; the test splits are not read): ``few_shot_dev``'s trials,
   5 texts per class drawn from the training split (seeds 100-102) and 500 other training texts, which are
   the texts to classify (labels unread) and then score.
2. **Benchmark trials**: ``few_shot.json``'s 5-shot trials (5 seeds, indices checked), the first 1,000
   texts of a seeded permutation of the test split as the texts to classify, scored once. The inductive
   figures are those of round 0 (the same fits) and are checked against ``few_shot_sum.json`` and
   ``few_shot.json``.

Writes few_shot_transductive.json/.md after every set.
"""

from __future__ import annotations

import json
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from ncd import CodeLengthClassifier, TransductiveClassifier
from ncd.datasets import few_shot_indices
from ncd.stacking import FEW_SHOT_MODELS

import _increments as increments
from _baselines import BASELINES, pipeline, tune_one
from _common import HERE, mean_interval, read_split, seeded_sample
from few_shot_dev import SEEDS as DEV_SEEDS
from few_shot_dev import dev_trial

SHOTS = 5
ROUNDS = 3
KEYS = ("compression", "compression_transductive", "linear", "linear_transductive")  # plain and self-trained
ORDER = ["sms_spam", "trec", "sst2", "mr_polarity", "subj", "ag_news", "r8", "dbpedia14_subset", "ohsumed",
         "20newsgroups", "udhr_langid"]


def trial(Xs, ys, Q, yq, seed):
    """Compression and the best tuned linear baseline, each plain (round 0) and self-trained on Q."""
    comp = TransductiveClassifier(CodeLengthClassifier(FEW_SHOT_MODELS, combine="sum", n_jobs=-1),
                                  rounds=ROUNDS).fit(Xs, ys)
    with warnings.catch_warnings(), threadpool_limits(1, "blas"):
        warnings.simplefilter("ignore")
        tuned = {b: tune_one(b, Xs, ys, Q, yq, cv=3, seed=seed) for b in BASELINES}
        best = max(BASELINES, key=lambda b: tuned[b]["cv_accuracy"])  # ties: the first listed
        lin = TransductiveClassifier(pipeline(best, tuned[best]["chosen"]), rounds=ROUNDS).fit(Xs, ys)
        lin_trans = float(np.mean(lin.predict(Q) == yq))
    plain = comp.classes_[comp.estimator_.predict(Q)]  # the inner estimator is fitted on class codes
    return {"seed": seed, "compression": float(np.mean(plain == yq)),
            "compression_transductive": float(np.mean(comp.predict(Q) == yq)),
            "linear_choice": best, "linear_setting": tuned[best]["chosen"], "linear": tuned[best]["test_accuracy"],
            "linear_transductive": lin_trans}


def _progress(name, part, r):
    print(f"  {name} {part} seed {r['seed']}: compression {r['compression']:.3f} -> "
          f"{r['compression_transductive']:.3f}, linear {r['linear']:.3f} -> {r['linear_transductive']:.3f}",
          flush=True)


def summarise(runs):
    return {k: mean_interval([r[k] for r in runs]) for k in KEYS}


def run_set(name, base_runs, sum_runs):
    X, y = read_split(name, "train")
    y = np.asarray(y, dtype=object)
    began = time.perf_counter()
    dev = []
    for seed in DEV_SEEDS:
        idx, ev = dev_trial(y, SHOTS, seed)
        dev.append(trial([X[i] for i in idx], y[idx], [X[i] for i in ev], y[ev], seed))
        dev[-1]["indices"], dev[-1]["eval_indices"] = idx.tolist(), ev.tolist()
        _progress(name, "dev", dev[-1])
    Q, yq = seeded_sample(*read_split(name, "test"), 1000, 1)
    yq = np.asarray(yq, dtype=object)
    test = []
    for run, old_sum in zip(base_runs, sum_runs):
        idx = few_shot_indices(y, SHOTS, random_state=run["seed"])
        if idx.tolist() != run["indices"] or old_sum["seed"] != run["seed"]:
            raise SystemExit(f"{name} seed {run['seed']}: the trial differs from few_shot.json's.")
        test.append(trial([X[i] for i in idx], y[idx], Q, yq, run["seed"]))
        test[-1]["indices"] = idx.tolist()
        _progress(name, "test", test[-1])
        # round 0 is the inductive benchmark: the same figures as before, or the comparison is not like for like
        same = (test[-1]["compression"], test[-1]["linear_choice"], test[-1]["linear"])
        if same != (old_sum["sum_test"], run["linear_choice"], run["linear_test"]):
            raise SystemExit(f"{name} seed {run['seed']}: round 0 gives {same}, the inductive benchmarks "
                             f"{(old_sum['sum_test'], run['linear_choice'], run['linear_test'])}.")
    out = {"data": name, "dev": {"runs": dev, **summarise(dev)}, "test": {"runs": test, **summarise(test)},
           "seconds": time.perf_counter() - began}
    return out


def summary(out):
    """The line printed after each set."""
    d, t = out["dev"], out["test"]
    return (f"{out['data']}: dev {d['compression_transductive'][0]:.3f} vs {d['linear_transductive'][0]:.3f}; "
            f"test {t['compression'][0]:.3f} -> {t['compression_transductive'][0]:.3f}, linear "
            f"{t['linear'][0]:.3f} -> {t['linear_transductive'][0]:.3f}")


def _fmt(cell, best):
    text = f"{cell[0]:.3f} ± {cell[1]:.3f}"
    return f"**{text}**" if cell[0] == best else text


def markdown(out):
    lines = ["# Few-shot, transductive: self-training on the texts to classify, compression and linear alike", "",
             "`python benchmarks/few_shot_transductive.py`", "",
             f"{SHOTS} texts per class. `ncd.TransductiveClassifier(estimator, rounds={ROUNDS})`: the estimator is "
             "fitted on the few-shot texts, then in each round the texts to classify that it is surest of, class "
             "by class (margin within each predicted class; all of them in the last round), are added with the "
             "labels it gave them, and it is fitted again. No label of those texts is read. **Compression**: "
             "`CodeLengthClassifier(FEW_SHOT_MODELS, combine='sum')` (`few_shot_sum.md`). **Linear**: the best "
             "tuned linear baseline of each trial (3-fold CV on the few-shot texts among word and char TF-IDF + "
             "LR, word NB, NBSVM), with its chosen setting, self-trained by the same rule (its vectoriser refitted "
             "each round). *plain* is round 0, the inductive figure of `few_shot_sum.md` and `few_shot.md` "
             "(checked equal). This is a different setting from the inductive one: the unlabelled texts to "
             "classify are used, by both sides.", "",
             "## Development trials (training splits only; they chose the method)", "",
             "3 trials (seeds 100-102), 500 other training texts classified. Mean accuracy.", "",
             "| data | compression: plain | compression: transductive | linear: plain | linear: transductive |",
             "|---|---|---|---|---|"]
    results = sorted(out["results"], key=lambda r: ORDER.index(r["data"]))
    for r in results:
        d = r["dev"]
        cells = [d[k][0] for k in KEYS]
        lines.append(f"| {r['data']} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    lines += ["", "## Benchmark trials (few_shot.json's 5-shot trials, 1,000 test texts, scored once)", "",
              "Mean ± 95% t-interval over 5 trials; bold: the best of the row. *vs linear transductive*: the "
              "like-for-like margin; *vs best linear*: against the better of the linear baseline's two means "
              "(the stricter count).", "",
              "| data | compression: plain | compression: transductive | linear: plain | linear: transductive | "
              "vs linear transductive (points) | vs best linear (points) |", "|---|---|---|---|---|---|---|"]
    ahead_like = ahead_strict = ahead_plain = 0
    for r in results:
        t = r["test"]
        best = max(t[k][0] for k in KEYS)
        like = t["compression_transductive"][0] - t["linear_transductive"][0]
        strict = t["compression_transductive"][0] - max(t["linear"][0], t["linear_transductive"][0])
        ahead_like += like > 0
        ahead_strict += strict > 0
        ahead_plain += t["compression"][0] > t["linear"][0]
        lines.append(f"| {r['data']} | " + " | ".join(_fmt(t[k], best) for k in KEYS) +
                     f" | {100 * like:+.1f} | {100 * strict:+.1f} |")
    n = len(results)
    lines += ["", f"**Transductive compression ahead of the transductive linear baseline on {ahead_like} of {n} "
              f"sets; ahead of the better of the linear baseline's two on {ahead_strict} of {n}.** Inductive "
              f"(plain against plain, `few_shot_sum.md`): {ahead_plain} of {n}.", "",
              f"Run time {sum(r['seconds'] for r in results) / 60:.1f} min; machine: {out['machine']['cores']} cores "
              f"(shared), {out['machine']['cpu']}.", ""]
    return "\n".join(lines)


def main():
    sums = {r["data"]: r["shots"][str(SHOTS)]["runs"]
            for r in json.loads((HERE / "few_shot_sum.json").read_text())["results"]}
    out = increments.main(
        "few_shot_transductive", "few_shot",
        lambda row: run_set(row["data"], row["shots"][str(SHOTS)]["runs"], sums[row["data"]]), summary,
        lambda out, every: markdown(out), order=ORDER, doc=__doc__,
        extra={"shots": SHOTS, "rounds": ROUNDS, "models": [dict(m) for m in FEW_SHOT_MODELS]})
    print(markdown(out))


if __name__ == "__main__":
    main()
