"""few_shot with more compression candidates: the context-mixing model and pairwise gzip kNN.

    python benchmarks/few_shot_more.py [--shots 5] [--data sms_spam ...] [--resume]

Reads ``few_shot.json``: for each set, each trial of the given number of shots per class, the few-shot
indices, the CV accuracy and test accuracy of every candidate of ``few_shot.py`` (order-3 context model,
alone or adapted from a background of the few-shot texts) and the best tuned linear baseline. Adds three
candidates, each scored by K-fold CV on the same few-shot texts with the same seeded folds as
``few_shot.py`` and once on the same test texts:

* ``mix``: ``CompressionClassifier("mix")``, the context-mixing class models;
* ``gzip_knn1`` and ``gzip_knn3``: ``NCDClassifier`` over gzip with 1 and 3 neighbours (the paper's method,
  with its ties broken without labels).

The compression choice is made again by CV among all the candidates (ties: the earlier, the old ones
first); the test split chooses nothing. The linear baseline is the one ``few_shot.py`` chose and scored:
it is not run again. Writes few_shot_more.json/.md after every set.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from ncd import CompressionClassifier, NCDClassifier
from ncd.datasets import few_shot_indices

from _common import HERE, machine, mean_interval, read_split, seeded_sample
from few_shot import cv_accuracy, cv_folds

NEW = {
    "mix": lambda: CompressionClassifier("mix", n_jobs=-1),
    "gzip_knn1": lambda: NCDClassifier(1, compressor="gzip", n_jobs=-1),
    "gzip_knn3": lambda: NCDClassifier(3, compressor="gzip", n_jobs=-1),
}
NEW_LABELS = {"mix": "CompressionClassifier('mix')", "gzip_knn1": "NCDClassifier(1, compressor='gzip')",
              "gzip_knn3": "NCDClassifier(3, compressor='gzip')"}


def run_set(old, shots, max_test, new=None):
    """The set's trials with the ``new`` candidates (default NEW) added to those of ``old`` (a few_shot.json
    entry, or one built like it) and the compression choice made again by CV among all of them."""
    new = NEW if new is None else new
    name = old["data"]
    X, y = read_split(name, "train")
    Q, yq = seeded_sample(*read_split(name, "test"), max_test, 1)
    y, yq = np.asarray(y, dtype=object), np.asarray(yq, dtype=object)
    began = time.perf_counter()
    runs = []
    for run in old["shots"][str(shots)]["runs"]:
        seed = run["seed"]
        idx = few_shot_indices(y, shots, random_state=seed)
        if idx.tolist() != run["indices"]:
            raise SystemExit(f"{name} {shots}-shot seed {seed}: the few-shot indices differ from few_shot.json's.")
        Xs, ys = [X[i] for i in idx], y[idx]
        folds = cv_folds(ys, shots, seed)
        cv = dict(run["compression_cv"])
        tests = dict(run["candidates_test"])
        for cname, make in new.items():
            cv[cname] = cv_accuracy(make, Xs, ys, folds)
            tests[cname] = float(np.mean(make().fit(Xs, ys).predict(Q) == yq))
        choice = max(cv, key=lambda n: cv[n])
        runs.append({"seed": seed, "compression_choice": choice, "compression_cv": cv,
                     "compression_test": tests[choice], "candidates_test": tests, "linear_choice": run["linear_choice"],
                     "linear_test": run["linear_test"]})
        print(f"  {name} seed {seed}: {choice} {tests[choice]:.3f} (cv {cv[choice]:.3f}) "
              f"linear {run['linear_test']:.3f}", flush=True)
    comp = [r["compression_test"] for r in runs]
    lin = [r["linear_test"] for r in runs]
    by_candidate = {c: mean_interval([r["candidates_test"][c] for r in runs]) for c in runs[0]["candidates_test"]}
    return {"data": name, "shots": shots, "runs": runs, "compression": mean_interval(comp),
            "linear": mean_interval(lin), "old_compression": old["shots"][str(shots)]["compression"],
            "by_candidate": by_candidate,
            "seconds": time.perf_counter() - began}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=5)
    parser.add_argument("--data", action="append")
    parser.add_argument("--resume", action="store_true", help="keep the sets already in the results file")
    args = parser.parse_args()
    base = json.loads((HERE / "few_shot.json").read_text())
    path = HERE / "few_shot_more.json"
    out = {"benchmark": "few_shot_more", "machine": machine(), "shots": args.shots, "trials": base["trials"],
           "max_test": base["max_test"], "new_candidates": NEW_LABELS, "results": []}
    if args.resume and path.exists():
        out["results"] = json.loads(path.read_text())["results"]
    done = {r["data"] for r in out["results"]}
    order = [r["data"] for r in base["results"]]
    for old in base["results"]:
        entry = old["shots"].get(str(args.shots), {})
        if (args.data and old["data"] not in args.data) or old["data"] in done or "runs" not in entry:
            continue
        res = run_set(old, args.shots, base["max_test"])
        out["results"].append(res)
        out["results"].sort(key=lambda r: order.index(r["data"]))
        print(f"{res['data']}: compression {res['compression'][0]:.3f} (was {res['old_compression'][0]:.3f}) "
              f"linear {res['linear'][0]:.3f} ({res['seconds']:.0f} s)", flush=True)
        path.write_text(json.dumps(out, indent=1) + "\n")
        (HERE / "few_shot_more.md").write_text(markdown(out))


def markdown(out):
    s = out["shots"]
    lines = [f"# Few-shot ({s} per class) with more compression candidates", "",
             "`python benchmarks/few_shot_more.py`", "",
             f"The trials of `few_shot.md` ({out['trials']} seeded trials, the first {out['max_test']} texts of a "
             "seeded permutation of each test split): the compression method is chosen by K-fold CV on the few-shot "
             "texts among the candidates of `few_shot.py` (cm3, cm3 and cm2 with a background of the few-shot texts) "
             "and three more: `CompressionClassifier('mix')`, and pairwise gzip NCD kNN with 1 and 3 neighbours. The "
             "linear column is `few_shot.py`'s best tuned baseline by CV, not run again. Mean ± 95% t-interval; "
             "nothing is chosen on test.", "",
             "| data | compression (CV, all candidates) | before: cm candidates only | mix | gzip kNN k=1 | "
             "best tuned linear (CV) | chosen (per trial) |", "|---|---|---|---|---|---|---|"]
    ahead = 0
    for r in out["results"]:
        c, lin, b = r["compression"], r["linear"], r["by_candidate"]
        win = c[0] > lin[0]
        ahead += win
        mark = "**" if win else ""
        chosen = ", ".join(run["compression_choice"] for run in r["runs"])
        lines.append(f"| {r['data']} | {mark}{c[0]:.3f} ± {c[1]:.3f}{mark} | {r['old_compression'][0]:.3f} ± "
                     f"{r['old_compression'][1]:.3f} | {b['mix'][0]:.3f} | {b['gzip_knn1'][0]:.3f} | "
                     f"{lin[0]:.3f} ± {lin[1]:.3f} | {chosen} |")
    seconds = sum(r["seconds"] for r in out["results"])
    lines += ["", f"**Compression's mean ahead on {ahead} of {len(out['results'])} sets** (bold). The mix and kNN "
              "columns are each candidate's test accuracy, shown for reading, not chosen on.", "",
              f"Run time {seconds / 60:.1f} min (the new candidates only); machine: {out['machine']['cores']} cores "
              f"(shared), {out['machine']['cpu']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
