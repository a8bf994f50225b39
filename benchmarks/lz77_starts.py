"""Where may an LZ77 copy begin? Any byte against word starts, on every data set in ../shared/data.

    python benchmarks/lz77_starts.py [--sets ag_news,r8] [--max-test 2000]

For each data set: honest k=1 accuracy (NCDClassifier(n_neighbors=1), the lowest index among
equals) and pairs/s on 2 cores, for LZ77Compressor(starts="any") and LZ77Compressor(starts="word"),
with the number of starts per byte of the training texts. Test splits longer than --max-test are
cut to their first --max-test texts (the table says so). Writes lz77_starts.json/.md.
"""

import argparse
import time

from ncd import NCDClassifier
from ncd.compressors import LZ77Compressor

from _common import SHARED_DATA, machine, read_split, write_results


def starts_per_byte(texts):
    from ncd._native.lz77 import lz_start_offsets, pack

    data, off = pack([t.encode() for t in texts])
    return lz_start_offsets(data, off, True)[-1] / max(off[-1], 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help="comma-separated names (default: every folder in ../shared/data)")
    parser.add_argument("--max-test", type=int, default=2000)
    args = parser.parse_args()
    names = args.sets.split(",") if args.sets else sorted(p.name for p in SHARED_DATA.iterdir() if p.is_dir())
    for starts in ("any", "word"):  # compile outside the timings
        NCDClassifier(compressor=LZ77Compressor(starts=starts)).fit(["warm up", "the compilers"], [0, 1]).predict(["a"])
    rows = []
    for name in names:
        X_train, y_train = read_split(name, "train")
        X_test, y_test = read_split(name, "test")
        n_test_all = len(X_test)
        X_test, y_test = X_test[: args.max_test], y_test[: args.max_test]
        row = {"dataset": name, "train": len(X_train), "test": len(X_test), "test_in_split": n_test_all,
               "word_starts_per_byte": float(starts_per_byte(X_train))}
        for starts in ("any", "word"):
            start = time.perf_counter()
            clf = NCDClassifier(1, compressor=LZ77Compressor(starts=starts), n_jobs=-1).fit(X_train, y_train)
            acc = clf.score(X_test, y_test)
            seconds = time.perf_counter() - start
            row[starts] = {"accuracy": float(acc), "seconds": seconds,
                           "pairs_per_s": len(X_train) * len(X_test) / seconds}
        rows.append(row)
        print(row, flush=True)
    result = {"benchmark": "lz77_starts", "machine": machine(), "results": rows}
    lines = ["# LZ77: copies from any byte against copies from word starts", "",
             "`python benchmarks/lz77_starts.py`", "",
             "Honest k=1 accuracy (the nearest training text's label; the lowest index among equals) and "
             "pairs/s on 2 cores, fit and predict included.", "",
             "| data set | train x test | word starts per byte | accuracy, any | accuracy, word | pairs/s, any | "
             "pairs/s, word | speed-up |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cut = "" if r["test"] == r["test_in_split"] else f" (first of {r['test_in_split']:,})"
        lines.append(f"| {r['dataset']} | {r['train']:,} x {r['test']:,}{cut} | {r['word_starts_per_byte']:.2f} | "
                     f"{r['any']['accuracy']:.4f} | {r['word']['accuracy']:.4f} | {r['any']['pairs_per_s']:,.0f} | "
                     f"{r['word']['pairs_per_s']:,.0f} | {r['any']['seconds'] / r['word']['seconds']:.1f}x |")
    m = result["machine"]
    lines += ["", f"Machine: {m['cores']} cores, {m['cpu']}.", ""]
    write_results("lz77_starts", result, "\n".join(lines))


if __name__ == "__main__":
    main()
