"""few_shot_more with the word model among the compression candidates.

    python benchmarks/few_shot_words.py [--shots 5] [--data sms_spam ...] [--resume]

Reads ``few_shot.json`` (the few-shot indices of every trial and the best tuned linear baseline, chosen by CV
and scored once) and ``few_shot_more.json`` (every compression candidate so far: cm3, cm3 and cm2 with a
background of the few-shot texts, mix, gzip kNN with 1 and 3 neighbours; their CV and test accuracy) and adds
four word models, ``CompressionClassifier("words")`` with the few-shot texts as background (labels ignored):
the unigram at strengths 1 and 3, the bigram at strengths 3 and 10, the settings of
``class_vs_linear_words.py``. Each is scored by K-fold CV on the same few-shot texts with the same seeded folds
and once on the same test texts; the compression choice is made again by CV among all the candidates (ties:
the earlier, the old ones first). The test split chooses nothing; the linear baseline is not run again.
Writes few_shot_words.json/.md after every set.
"""

from __future__ import annotations

import argparse
import json

from ncd import CompressionClassifier

from _common import HERE, machine
from few_shot_more import run_set

SETTINGS = {f"words{o}_s{s:g}": (o, s) for o, s in ((0, 1.0), (0, 3.0), (1, 3.0), (1, 10.0))}
NEW = {name: (lambda o=o, s=s: CompressionClassifier("words", word_order=o, background="train",
                                                     background_strength=s, n_jobs=-1))
       for name, (o, s) in SETTINGS.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=5)
    parser.add_argument("--data", action="append")
    parser.add_argument("--resume", action="store_true", help="keep the sets already in the results file")
    args = parser.parse_args()
    base = json.loads((HERE / "few_shot.json").read_text())
    more = {r["data"]: r for r in json.loads((HERE / "few_shot_more.json").read_text())["results"]
            if r["shots"] == args.shots}
    path = HERE / "few_shot_words.json"
    out = {"benchmark": "few_shot_words", "machine": machine(), "shots": args.shots, "trials": base["trials"],
           "max_test": base["max_test"], "new_candidates": {n: f"CompressionClassifier('words', word_order={o}, "
                                                            f"background='train', background_strength={s:g})"
                                                            for n, (o, s) in SETTINGS.items()}, "results": []}
    if args.resume and path.exists():
        out["results"] = json.loads(path.read_text())["results"]
    done = {r["data"] for r in out["results"]}
    order = [r["data"] for r in base["results"]]
    for old in base["results"]:
        name = old["data"]
        if (args.data and name not in args.data) or name in done or name not in more:
            continue
        old_runs, more_runs = old["shots"][str(args.shots)]["runs"], more[name]["runs"]
        if [r["seed"] for r in old_runs] != [r["seed"] for r in more_runs]:
            raise SystemExit(f"{name}: the trials of few_shot.json and few_shot_more.json differ.")
        runs = [dict(o, compression_cv=m["compression_cv"], candidates_test=m["candidates_test"])
                for o, m in zip(old_runs, more_runs)]
        entry = {"data": name, "shots": {str(args.shots): {"runs": runs, "compression": more[name]["compression"]}}}
        res = run_set(entry, args.shots, base["max_test"], new=NEW)
        out["results"].append(res)
        out["results"].sort(key=lambda r: order.index(r["data"]))
        print(f"{name}: compression {res['compression'][0]:.3f} (was {res['old_compression'][0]:.3f}) "
              f"linear {res['linear'][0]:.3f} ({res['seconds']:.0f} s)", flush=True)
        path.write_text(json.dumps(out, indent=1) + "\n")
        (HERE / "few_shot_words.md").write_text(markdown(out))


def markdown(out):
    s = out["shots"]
    names = list(SETTINGS)
    lines = [f"# Few-shot ({s} per class) with the word model among the candidates", "",
             "`python benchmarks/few_shot_words.py`", "",
             f"The trials of `few_shot.md` ({out['trials']} seeded trials, the first {out['max_test']} texts of a "
             "seeded permutation of each test split): the compression method is chosen by K-fold CV on the few-shot "
             "texts among the candidates of `few_shot_more.md` (cm3, cm3 and cm2 with a background of the few-shot "
             "texts, mix, gzip kNN with 1 and 3 neighbours) and four word models with the few-shot texts as "
             "background (unigram at strengths 1 and 3, bigram at 3 and 10). The linear column is `few_shot.py`'s "
             "best tuned baseline by CV, not run again. Mean ± 95% t-interval; nothing is chosen on test.", "",
             "| data | compression (CV, all candidates) | before: without the word models | "
             + " | ".join(names) + " | best tuned linear (CV) | chosen (per trial) |",
             "|---|---|---|" + "---|" * len(names) + "---|---|"]
    ahead = 0
    for r in out["results"]:
        c, lin, b = r["compression"], r["linear"], r["by_candidate"]
        win = c[0] > lin[0]
        ahead += win
        mark = "**" if win else ""
        chosen = ", ".join(run["compression_choice"] for run in r["runs"])
        lines.append(f"| {r['data']} | {mark}{c[0]:.3f} ± {c[1]:.3f}{mark} | {r['old_compression'][0]:.3f} ± "
                     f"{r['old_compression'][1]:.3f} | " + " | ".join(f"{b[n][0]:.3f}" for n in names)
                     + f" | {lin[0]:.3f} ± {lin[1]:.3f} | {chosen} |")
    seconds = sum(r["seconds"] for r in out["results"])
    lines += ["", f"**Compression's mean ahead on {ahead} of {len(out['results'])} sets** (bold). The word-model "
              "columns are each candidate's mean test accuracy, shown for reading, not chosen on.", "",
              f"Run time {seconds / 60:.1f} min (the new candidates only); machine: {out['machine']['cores']} cores "
              f"(shared), {out['machine']['cpu']}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
