"""Honest k=1 accuracy beside speed, for each compressor and native model, on real data sets.

    python benchmarks/accuracy.py [--compressor ID[:KEY=VALUE] ...] [--ag-test 2000]

AG News: the 5,000 training texts against the first --ag-test test texts; R8 and SMS spam: the full
splits. Every figure is NCDClassifier(n_neighbors=1, compressor=ID, n_jobs=-1).score: one label per
text, the nearest training text's (the lowest index among equals). Writes accuracy.json/.md.
"""

import argparse
import time


from ncd import NCDClassifier

from _common import compressor_spec, machine, read_split, write_results

DATASETS = ("ag_news", "r8", "sms_spam")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compressor", action="append",
                        help="default: gzip, zstd, lz77, lz77:starts=word, cm")
    parser.add_argument("--ag-test", type=int, default=2000)
    args = parser.parse_args()
    ids = args.compressor or ["gzip", "zstd", "lz77", "lz77:starts=word", "cm"]
    for cid in ("lz77", "lz77:starts=word", "cm"):
        NCDClassifier(compressor=compressor_spec(cid)).fit(["warm up", "the compilers"], [0, 1]).predict(["a"])
    rows = []
    for name in DATASETS:
        X_train, y_train = read_split(name, "train")
        X_test, y_test = read_split(name, "test", limit=args.ag_test if name == "ag_news" else None)
        for cid in ids:
            start = time.perf_counter()
            clf = NCDClassifier(1, compressor=compressor_spec(cid), n_jobs=-1)
            acc = clf.fit(X_train, y_train).score(X_test, y_test)
            seconds = time.perf_counter() - start
            rows.append({"dataset": name, "train": len(X_train), "test": len(X_test), "compressor": cid,
                         "accuracy": float(acc), "seconds": seconds,
                         "pairs_per_s": len(X_train) * len(X_test) / seconds})
            print(rows[-1], flush=True)
    result = {"benchmark": "accuracy", "machine": machine(), "results": rows}
    lines = ["# Honest k=1 accuracy beside speed", "", "`python benchmarks/accuracy.py`", "",
             "| data set | train x test | compressor | accuracy | pairs/s (2 cores) |", "|---|---|---|---|---|"]
    lines += [f"| {r['dataset']} | {r['train']:,} x {r['test']:,} | {r['compressor']} | {r['accuracy']:.4f} | "
              f"{r['pairs_per_s']:,.0f} |" for r in rows]
    m = result["machine"]
    lines += ["", f"Machine: {m['cores']} cores, {m['cpu']}. Times include fit and the one-off numba compile "
              "where it falls in the first call of a process (warmed up for lz77 and cm).", ""]
    write_results("accuracy", result, "\n".join(lines))


if __name__ == "__main__":
    main()
