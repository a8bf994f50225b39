"""Few-shot, 1 to 20 texts per class: the sum of code lengths chosen on development trials, on the benchmark trials.

    python benchmarks/few_shot_sum.py [--data r8 ...] [--shots 1,2,5,10,20] [--resume]

Reads ``few_shot_dev.json`` for the sum to score (the one with the highest mean accuracy on the 5-shot
development trials, which were drawn from the training splits only), ``few_shot.json`` for the benchmark's
trials (5 seeded trials per number of shots; the few-shot indices; the best tuned linear baseline, chosen by
CV and scored once; and the compression candidate chosen per trial by CV) and ``few_shot_words.json`` for
the 5-shot compression result before this (one candidate chosen per trial by CV among eleven). On each
trial, ``CodeLengthClassifier(models, combine="sum")`` is fitted on the few-shot texts and scored once on
the same test texts (the first 1,000 of a seeded permutation of the test split). The sum needs no CV, so
it runs with one text per class as with twenty. Nothing is chosen here; the linear baselines are not run
again. Writes few_shot_sum.json/.md and few_shot_sum.png (accuracy against texts per class for four sets:
the sum, the CV choice before it and the linear baseline) after every set.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from ncd import CodeLengthClassifier
from ncd.datasets import few_shot_indices

from _common import HERE, machine, mean_interval, read_split, seeded_sample
import few_shot
from few_shot_dev import chosen_sum


def run_set(entry, models, shots_list, max_test, before_5):
    name = entry["data"]
    X, y = read_split(name, "train")
    Q, yq = seeded_sample(*read_split(name, "test"), max_test, 1)
    y, yq = np.asarray(y, dtype=object), np.asarray(yq, dtype=object)
    began = time.perf_counter()
    out = {"data": name, "shots": {}}
    for shots in shots_list:
        old = entry["shots"].get(str(shots))
        if old is None or "skipped" in old:
            out["shots"][str(shots)] = {"skipped": "not run in few_shot.json" if old is None else old["skipped"]}
            continue
        runs = []
        for run in old["runs"]:
            idx = few_shot_indices(y, shots, random_state=run["seed"])
            if idx.tolist() != run["indices"]:
                raise SystemExit(f"{name} {shots}-shot seed {run['seed']}: the indices differ from few_shot.json's.")
            clf = CodeLengthClassifier(models, combine="sum", n_jobs=-1).fit([X[i] for i in idx], y[idx])
            runs.append({"seed": run["seed"], "sum_test": float(np.mean(clf.predict(Q) == yq)),
                         "linear_choice": run["linear_choice"], "linear_test": run["linear_test"]})
        before = before_5 if shots == 5 else old["compression"]
        out["shots"][str(shots)] = {"runs": runs, "sum": mean_interval([r["sum_test"] for r in runs]),
                                    "before": before, "linear": mean_interval([r["linear_test"] for r in runs])}
        s = out["shots"][str(shots)]
        print(f"{name} {shots}-shot: sum {s['sum'][0]:.3f} before {before[0]:.3f} linear {s['linear'][0]:.3f}",
              flush=True)
    out["seconds"] = time.perf_counter() - began
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append")
    parser.add_argument("--shots", default="1,2,5,10,20")
    parser.add_argument("--resume", action="store_true", help="keep the sets already in few_shot_sum.json")
    args = parser.parse_args()
    dev = json.loads((HERE / "few_shot_dev.json").read_text())
    name_of_sum = chosen_sum(dev)
    models = [dev["models"][m] for m in dev["sums"][name_of_sum]]
    base = json.loads((HERE / "few_shot.json").read_text())
    before_5 = {r["data"]: r["compression"] for r in json.loads((HERE / "few_shot_words.json").read_text())["results"]}
    shots_list = [int(s) for s in args.shots.split(",")]
    path = HERE / "few_shot_sum.json"
    out = {"benchmark": "few_shot_sum", "machine": machine(), "shots": shots_list, "trials": base["trials"],
           "max_test": base["max_test"], "sum": name_of_sum, "models": models, "results": []}
    if args.resume and path.exists():
        out["results"] = json.loads(path.read_text())["results"]
    done = {r["data"] for r in out["results"]}
    order = [r["data"] for r in base["results"]]
    for entry in base["results"]:
        if (args.data and entry["data"] not in args.data) or entry["data"] in done:
            continue
        out["results"].append(run_set(entry, models, shots_list, base["max_test"], before_5[entry["data"]]))
        out["results"].sort(key=lambda r: order.index(r["data"]))
        path.write_text(json.dumps(out, indent=1) + "\n")
        (HERE / "few_shot_sum.md").write_text(markdown(out))
        plot(out)


def markdown(out):
    lines = ["# Few-shot: code lengths summed, against the best tuned linear baseline", "",
             "`python benchmarks/few_shot_sum.py`", "",
             f"The trials of `few_shot.md` ({out['trials']} seeded trials per number of texts per class; the first "
             f"{out['max_test']} texts of a seeded permutation of each test split). **Sum**: "
             f"`CodeLengthClassifier(models, combine='sum')` over `{out['sum']}`, the sum with the highest mean "
             "accuracy on the 5-shot development trials of `few_shot_dev.md` (drawn from the training splits; the "
             "test splits chose nothing), fixed for every set, trial and number of shots. **Before**: the "
             "compression candidate chosen per trial by CV on the few-shot texts (5-shot: among eleven, "
             "`few_shot_words.md`; otherwise among the four of `few_shot.md`; with one text per class nothing can "
             "be cross-validated, and it is the order-3 model with the background, strength 4). **Linear**: "
             "`few_shot.py`'s best tuned baseline by CV. Mean ± 95% t-interval; bold: the sum's mean ahead of "
             "the linear baseline's.", ""]
    for shots in out["shots"]:
        rows = [(r["data"], r["shots"].get(str(shots))) for r in out["results"]]
        rows = [(d, s) for d, s in rows if s is not None and "skipped" not in s]
        if not rows:
            continue
        lines += [f"## {shots} per class", "", "| data | sum (fixed) | before: one model by CV | "
                  "best tuned linear (CV) | margin (points) |", "|---|---|---|---|---|"]
        ahead = before = 0
        for data, s in rows:
            win = s["sum"][0] > s["linear"][0]
            ahead += win
            before += s["before"][0] > s["linear"][0]
            mark = "**" if win else ""
            lines.append(f"| {data} | {mark}{s['sum'][0]:.3f} ± {s['sum'][1]:.3f}{mark} | {s['before'][0]:.3f} ± "
                         f"{s['before'][1]:.3f} | {s['linear'][0]:.3f} ± {s['linear'][1]:.3f} | "
                         f"{100 * (s['sum'][0] - s['linear'][0]):+.1f} |")
        skipped = [r["data"] for r in out["results"] if "skipped" in r["shots"].get(str(shots), {"skipped": 1})]
        lines += ["", f"**{shots} per class: the sum ahead on {ahead} of {len(rows)} sets**; one model chosen by "
                  f"CV was ahead on {before}." + (f" Not possible or not run: {', '.join(skipped)}." if skipped
                                                  else ""), ""]
    seconds = sum(r["seconds"] for r in out["results"])
    lines += [f"Run time {seconds / 60:.1f} min; machine: {out['machine']['cores']} cores (shared), "
              f"{out['machine']['cpu']}. Plot: `few_shot_sum.png`.", ""]
    return "\n".join(lines)


def plot(out):
    few_shot.plot(out, (("sum", "compression: sum of 4 models (fixed)", "o-"),
                        ("before", "compression: one model by CV", "^:"),
                        ("linear", "best tuned linear baseline (CV)", "s--")), "few_shot_sum.png")


if __name__ == "__main__":
    main()
