"""Exactness of the native deflate length (ncd._native.deflate) against zlib, on millions of strings.

    python benchmarks/deflate_exact.py [--pairs 1000000] [--strings 1000000]

Two checks, every level the native path covers (4 to 9) for the strings, level 9 (gzip's and
the paper's) for the pairs:

* pairs: x + " " + y for real texts of every data set in ../shared/data (queries from each
  set's test split against references from its train split), through the pairwise kernel,
  which replays each query once and parses each reference after it, against
  ``zlib.compress(x + b" " + y, 9, -15)``;
* strings: synthetic byte strings of every kind that steers the parse (runs, small alphabets,
  random bytes, words, long repeats), against ``zlib.compress(s, level, -15)``.

Reports the number compared and the number that differ (must be 0). Writes deflate_exact.json/.md.
"""

import argparse
import time
import zlib

import numpy as np

from ncd._native import deflate as _deflate
from ncd._native.runtime import pack

from _common import SHARED_DATA, machine, read_split, write_results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--strings", type=int, default=1_000_000)
    args = parser.parse_args()
    if not _deflate.native_ok():
        raise SystemExit("the native deflate path is off or failed its self-check here; nothing to compare")
    start = time.perf_counter()
    names = sorted(p.name for p in SHARED_DATA.iterdir() if p.is_dir())
    per_set = int(np.ceil(np.sqrt(args.pairs / len(names))))
    pair_rows = []
    for name in names:
        xs = [t.encode() for t in read_split(name, "test", limit=per_set)[0]]
        ys = [t.encode() for t in read_split(name, "train", limit=per_set)[0]]
        got = _deflate.native_joint(pack(xs), pack(ys), b" ", 9, n_threads=2)
        want = np.array([[len(zlib.compress(x + b" " + y, 9, -15)) for y in ys] for x in xs])
        longer = got < 0  # beyond the native limit: libz computes those in ncd
        differ = int(((got != want) & ~longer).sum())
        pair_rows.append({"data": name, "pairs": int(got.size - longer.sum()), "differ": differ,
                          "left_to_libz": int(longer.sum())})
        print(pair_rows[-1], flush=True)
    string_rows = []
    per_level = args.strings // len(_deflate.LEVELS)
    for level in sorted(_deflate.LEVELS):
        texts = _deflate.synthetic_texts(2026 + level, per_level)
        got = _deflate.native_lengths(texts, level, n_threads=2)
        want = np.array([len(zlib.compress(t, level, -15)) for t in texts])
        string_rows.append({"level": level, "strings": len(texts), "differ": int((got != want).sum())})
        print(string_rows[-1], flush=True)
    total_pairs = sum(r["pairs"] for r in pair_rows)
    total_strings = sum(r["strings"] for r in string_rows)
    total_differ = sum(r["differ"] for r in pair_rows + string_rows)
    result = {"benchmark": "deflate_exact", "machine": machine(), "zlib": zlib.ZLIB_RUNTIME_VERSION,
              "pairs": pair_rows, "strings": string_rows, "compared": total_pairs + total_strings,
              "differ": total_differ, "seconds": time.perf_counter() - start}
    lines = ["# Native deflate length against zlib", "", "`python benchmarks/deflate_exact.py`", "",
             f"zlib {zlib.ZLIB_RUNTIME_VERSION}; {total_pairs + total_strings:,} lengths compared, "
             f"**{total_differ} differ**.", "",
             "| data (test x train, level 9) | pairs compared | differ | longer than the native limit (libz) |",
             "|---|---|---|---|"]
    lines += [f"| {r['data']} | {r['pairs']:,} | {r['differ']} | {r['left_to_libz']:,} |" for r in pair_rows]
    lines += ["", "| level | synthetic strings | differ |", "|---|---|---|"]
    lines += [f"| {r['level']} | {r['strings']:,} | {r['differ']} |" for r in string_rows]
    m = result["machine"]
    lines += ["", f"Machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}.", ""]
    write_results("deflate_exact", result, "\n".join(lines))
    if total_differ:
        raise SystemExit(f"{total_differ} lengths differ from zlib")


if __name__ == "__main__":
    main()
