"""Few-shot (5 per class) on the benchmark trials: the sum of code lengths chosen on development trials.

    python benchmarks/few_shot_sum.py [--data r8 ...] [--resume]

Reads ``few_shot_dev.json`` for the sum to score (the one with the highest mean accuracy on the development
trials, which were drawn from the training splits only), ``few_shot.json`` for the benchmark's trials (5
seeded trials; the few-shot indices; the best tuned linear baseline, chosen by CV and scored once) and
``few_shot_words.json`` for the compression result before this (one candidate chosen per trial by CV among
eleven). On each trial, ``CodeLengthClassifier(models, combine="sum")`` is fitted on the few-shot texts
and scored once on the same test texts (the first 1,000 of a seeded permutation of the test split). Nothing
is chosen here; the linear baselines are not run again. Writes few_shot_sum.json/.md after every set.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from ncd import CodeLengthClassifier
from ncd.datasets import few_shot_indices

from _common import HERE, machine, mean_interval, read_split, seeded_sample
from few_shot_dev import chosen_sum


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append")
    parser.add_argument("--resume", action="store_true", help="keep the sets already in few_shot_sum.json")
    args = parser.parse_args()
    dev = json.loads((HERE / "few_shot_dev.json").read_text())
    name_of_sum = chosen_sum(dev)
    models = [dev["models"][m] for m in dev["sums"][name_of_sum]]
    base = json.loads((HERE / "few_shot.json").read_text())
    before = {r["data"]: r for r in json.loads((HERE / "few_shot_words.json").read_text())["results"]}
    shots = dev["shots"]
    path = HERE / "few_shot_sum.json"
    out = {"benchmark": "few_shot_sum", "machine": machine(), "shots": shots, "trials": base["trials"],
           "max_test": base["max_test"], "sum": name_of_sum, "models": models, "results": []}
    if args.resume and path.exists():
        out["results"] = json.loads(path.read_text())["results"]
    done = {r["data"] for r in out["results"]}
    order = [r["data"] for r in base["results"]]
    for entry in base["results"]:
        name = entry["data"]
        if (args.data and name not in args.data) or name in done:
            continue
        X, y = read_split(name, "train")
        Q, yq = seeded_sample(*read_split(name, "test"), base["max_test"], 1)
        y, yq = np.asarray(y, dtype=object), np.asarray(yq, dtype=object)
        began = time.perf_counter()
        runs = []
        for run in entry["shots"][str(shots)]["runs"]:
            idx = few_shot_indices(y, shots, random_state=run["seed"])
            if idx.tolist() != run["indices"]:
                raise SystemExit(f"{name} seed {run['seed']}: the few-shot indices differ from few_shot.json's.")
            clf = CodeLengthClassifier(models, combine="sum", n_jobs=-1).fit([X[i] for i in idx], y[idx])
            runs.append({"seed": run["seed"], "sum_test": float(np.mean(clf.predict(Q) == yq)),
                         "linear_choice": run["linear_choice"], "linear_test": run["linear_test"]})
            print(f"  {name} seed {run['seed']}: sum {runs[-1]['sum_test']:.3f} linear {run['linear_test']:.3f}",
                  flush=True)
        out["results"].append({
            "data": name, "runs": runs, "sum": mean_interval([r["sum_test"] for r in runs]),
            "before": before[name]["compression"], "linear": mean_interval([r["linear_test"] for r in runs]),
            "seconds": time.perf_counter() - began})
        out["results"].sort(key=lambda r: order.index(r["data"]))
        path.write_text(json.dumps(out, indent=1) + "\n")
        (HERE / "few_shot_sum.md").write_text(markdown(out))


def markdown(out):
    lines = [f"# Few-shot ({out['shots']} per class): code lengths summed, against the best tuned linear baseline",
             "", "`python benchmarks/few_shot_sum.py`", "",
             f"The trials of `few_shot.md` ({out['trials']} seeded trials; the first {out['max_test']} texts of a "
             "seeded permutation of each test split). *Sum*: `CodeLengthClassifier(models, combine='sum')` over "
             f"`{out['sum']}`, the sum with the highest mean accuracy on the development trials of "
             "`few_shot_dev.md` (drawn from the training splits; the test splits chose nothing), fixed for every "
             "set and trial. *Before*: `few_shot_words.md`, one model chosen per trial by CV among eleven. The "
             "linear column is `few_shot.py`'s best tuned baseline by CV. Mean ± 95% t-interval.", "",
             "| data | sum (fixed) | before: one model by CV | best tuned linear (CV) | margin (points) |",
             "|---|---|---|---|---|"]
    ahead = 0
    for r in out["results"]:
        s, b, lin = r["sum"], r["before"], r["linear"]
        win = s[0] > lin[0]
        ahead += win
        mark = "**" if win else ""
        lines.append(f"| {r['data']} | {mark}{s[0]:.3f} ± {s[1]:.3f}{mark} | {b[0]:.3f} ± {b[1]:.3f} | "
                     f"{lin[0]:.3f} ± {lin[1]:.3f} | {100 * (s[0] - lin[0]):+.1f} |")
    before = sum(r["before"][0] > r["linear"][0] for r in out["results"])
    seconds = sum(r["seconds"] for r in out["results"])
    lines += ["", f"**The sum's mean is ahead on {ahead} of {len(out['results'])} sets** (bold); one model "
              f"chosen by CV was ahead on {before}. Every set is listed, the losses too.", "",
              f"Run time {seconds / 60:.1f} min; machine: {out['machine']['cores']} cores (shared), "
              f"{out['machine']['cpu']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
