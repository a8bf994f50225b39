"""Train/test leakage and duplicates in every shared data set: exact, normalised and near.

    python benchmarks/overlap.py [--threshold 0.8]

For each data set in ../shared/data, ``ncd.datasets.overlap_report`` on the full files: test
texts that also sit in train (the same bytes; equal after case folding and dropping
punctuation; or a near duplicate, Jaccard similarity of 3-word shingles >= threshold), and
training texts repeated within train. Writes overlap.json/.md.
"""

import argparse
import time

from ncd.datasets import overlap_report

from _common import SHARED_DATA, machine, read_split, write_results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.8)
    args = parser.parse_args()
    rows = []
    for name in sorted(p.name for p in SHARED_DATA.iterdir() if p.is_dir()):
        X_train, _ = read_split(name, "train")
        X_test, _ = read_split(name, "test")
        start = time.perf_counter()
        r = overlap_report(X_train, X_test, near_threshold=args.threshold)
        rows.append({"data": name, "n_train": r["n_train"], "n_test": r["n_test"],
                     "test_in_train_exact": len(r["test_in_train_exact"]),
                     "test_in_train_normalised": len(r["test_in_train_normalised"]),
                     "test_in_train_near": len(r["test_in_train_near"]),
                     "train_duplicates_exact": r["train_duplicates_exact"],
                     "train_duplicates_normalised": r["train_duplicates_normalised"],
                     "train_near_duplicates": r["train_near_duplicates"],
                     "seconds": time.perf_counter() - start})
        print(rows[-1], flush=True)
    result = {"benchmark": "overlap", "machine": machine(), "near_threshold": args.threshold, "results": rows}
    lines = ["# Train/test overlap and duplicates", "", "`python benchmarks/overlap.py`", "",
             f"Near: Jaccard similarity of 3-word shingles of the normalised texts >= {args.threshold} "
             "(`ncd.datasets.near_duplicates`). Within train, *exact* and *normalised* count texts that repeat an "
             "earlier one; *near* counts texts with a near duplicate anywhere else in train.", "",
             "| data | train / test | test in train: exact | normalised | near | train repeats: exact | "
             "normalised | near |", "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['data']} | {r['n_train']:,} / {r['n_test']:,} | {r['test_in_train_exact']} | "
              f"{r['test_in_train_normalised']} | {r['test_in_train_near']} | {r['train_duplicates_exact']} | "
              f"{r['train_duplicates_normalised']} | {r['train_near_duplicates']} |" for r in rows]
    m = result["machine"]
    lines += ["", f"Machine: {m['cores']} cores, {m['cpu']}.", ""]
    write_results("overlap", result, "\n".join(lines))


if __name__ == "__main__":
    main()
