"""Pairs per second: the paper-style reference loop against ncd, on the same AG News texts.

    python benchmarks/pairwise_speed.py [--train 2000] [--test 300]

For each compressor, in one run:

* reference: the loop of the paper's code, written here: one process, the query compressed once
  per row, then two library calls per pair, C(train) and C(query + " " + train);
* ncd: ``ncd.pairwise_distances(queries, train, compressor=..., n_jobs=-1)``: each C(x) once,
  one compression per pair, all cores;
* floor: the bare library calls on the pre-built concatenations, one core, nothing else: what
  one compression per pair costs at the least.

Distances must be identical (reference and ncd compute the same numbers). Slow compressors
run on fewer training texts (the ``train`` column says how many). The native models (lz77 with
any and with word starts, cm) have no library to call: beside their full call is the bare
kernel on references prepared beforehand. Writes pairwise_speed.json/.md.
"""

import argparse
import bz2
import gzip
import lzma
import time

import brotli
import numpy as np
import zstandard

from ncd import pairwise_distances

try:
    from ncd._native import deflate as _deflate
except ImportError:  # the release before the native layer, for before/after runs
    from ncd import _deflate

from _common import compressor_spec, machine, read_split, write_results


def _reference_calls():
    z = zstandard.ZstdCompressor(level=3)
    calls = {
        "gzip": lambda b: len(gzip.compress(b)),  # as the paper: gzip module, level 9
        "zlib": lambda b: len(__import__("zlib").compress(b, 9)),
        "bz2": lambda b: len(bz2.compress(b, 9)),
        "lzma": lambda b: len(lzma.compress(b)),
        "zstd": lambda b: len(z.compress(b)),
        "brotli": lambda b: len(brotli.compress(b)),
    }
    return calls


# training texts per compressor: bounded so each row of the table takes tens of seconds at most
TRAIN_SIZES = {"gzip": None, "zlib": None, "zstd": None, "bz2": 500, "lzma": 100, "brotli": 50}
REPEATS = 3  # the native models take seconds, not minutes: their best of three runs is reported


def reference_loop(length, queries, train):
    """The paper's loop: NCD with C(train) recomputed for every pair."""
    out = np.empty((len(queries), len(train)))
    for i, q in enumerate(queries):
        cq = length(q)
        for j, t in enumerate(train):
            ct = length(t)
            cqt = length(q + b" " + t)
            out[i, j] = (cqt - min(cq, ct)) / max(cq, ct)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--test", type=int, default=300)
    parser.add_argument("--compressor", action="append", help="only these (repeatable)")
    args = parser.parse_args()
    train_all = [t.encode() for t in read_split("ag_news", "train", limit=args.train)[0]]
    queries = [t.encode() for t in read_split("ag_news", "test", limit=args.test)[0]]
    calls = _reference_calls()
    # The deflate family's numba kernel compiles on first use (it cannot be cached); time that apart.
    start = time.perf_counter()
    pairwise_distances(queries[:2], train_all[:2], compressor="gzip", n_jobs=-1)
    compile_s = time.perf_counter() - start
    rows = []
    for cid in args.compressor or list(calls):
        n_train = min(TRAIN_SIZES[cid] or len(train_all), len(train_all))
        train = train_all[:n_train]
        n_pairs = len(queries) * len(train)
        length = calls[cid]

        start = time.perf_counter()
        ref = reference_loop(length, queries, train)
        ref_s = time.perf_counter() - start

        start = time.perf_counter()
        ours = pairwise_distances(queries, train, compressor=cid, n_jobs=-1)
        ncd_s = time.perf_counter() - start

        libz_s = None
        if cid in ("gzip", "zlib") and _deflate.native_ok():
            # the same call with the native deflate model switched off: libz from numba
            _deflate._NATIVE_OK = False
            try:
                start = time.perf_counter()
                ours_libz = pairwise_distances(queries, train, compressor=cid, n_jobs=-1)
                libz_s = time.perf_counter() - start
            finally:
                _deflate._NATIVE_OK = None
            assert np.array_equal(ours, ours_libz)

        concats = [q + b" " + t for q in queries for t in train]
        start = time.perf_counter()
        for b in concats:
            length(b)
        floor_s = time.perf_counter() - start

        row = {
            "compressor": cid,
            "train": len(train),
            "test": len(queries),
            "mean_concat_bytes": float(np.mean([len(b) for b in concats])),
            "reference_pairs_per_s": n_pairs / ref_s,
            "ncd_pairs_per_s": n_pairs / ncd_s,
            "speedup": ref_s / ncd_s,
            "ncd_libz_path_pairs_per_s": None if libz_s is None else n_pairs / libz_s,
            "floor_1core_pairs_per_s": n_pairs / floor_s,
            "identical_distances": bool(np.array_equal(ref, ours)),
            "max_abs_difference": float(np.abs(ref - ours).max()),
        }
        rows.append(row)
        print(row, flush=True)
    # Native models: no library to call, so no reference loop; the floor is the bare kernel on the
    # same pairs (references prepared beforehand), beside the full pairwise_distances call.
    from ncd.compressors import get_compressor

    native = []
    n_pairs = len(queries) * len(train_all)
    for model in ("lz77", "lz77:starts=word", "cm"):
        comp = get_compressor(compressor_spec(model))
        pairwise_distances(queries[:2], train_all[:2], compressor=comp)  # compile
        full_s, kernel_s = [], []
        for _ in range(REPEATS):
            start = time.perf_counter()
            pairwise_distances(queries, train_all, compressor=comp, n_jobs=-1)
            full_s.append(time.perf_counter() - start)
            prepared = comp._prepare(train_all, b" ", 2)
            cx = comp.code_lengths(queries)
            start = time.perf_counter()
            comp._block(queries, cx, prepared, 2)
            kernel_s.append(time.perf_counter() - start)
        native.append({"model": model, "train": len(train_all), "test": len(queries), "repeats": REPEATS,
                       "ncd_pairs_per_s": n_pairs / min(full_s), "kernel_floor_pairs_per_s": n_pairs / min(kernel_s),
                       "ncd_pairs_per_s_median": n_pairs / float(np.median(full_s))})
        print(native[-1], flush=True)
    result = {"benchmark": "pairwise_speed", "machine": machine(), "data": "ag_news",
              "first_call_compile_seconds": compile_s, "results": rows, "native": native}
    lines = [
        "# Pairwise speed: the paper-style loop against ncd (AG News texts)",
        "",
        "`python benchmarks/pairwise_speed.py`",
        "",
        "reference: one process, two library calls per pair (C(train), C(query + ' ' + train)); "
        "ncd: `pairwise_distances(..., n_jobs=-1)`; floor: one bare library call per pair, one core.",
        "",
        "| compressor | train x test | reference pairs/s | ncd pairs/s | speed-up | ncd, libz path | floor pairs/s (1 core) | identical |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['compressor']} | {r['train']} x {r['test']} | {r['reference_pairs_per_s']:,.0f} | "
        f"{r['ncd_pairs_per_s']:,.0f} | {r['speedup']:.1f}x | "
        f"{'' if r['ncd_libz_path_pairs_per_s'] is None else format(r['ncd_libz_path_pairs_per_s'], ',.0f')} | "
        f"{r['floor_1core_pairs_per_s']:,.0f} | "
        f"{'yes' if r['identical_distances'] else 'NO'} |"
        for r in rows
    ]
    lines += ["", f"Native models (best of {REPEATS} runs; the median of the full call beside it):", "",
              "| native model | train x test | ncd pairs/s | ncd pairs/s, median | kernel alone pairs/s (2 cores) |",
              "|---|---|---|---|---|"]
    lines += [f"| {r['model']} | {r['train']} x {r['test']} | {r['ncd_pairs_per_s']:,.0f} | "
              f"{r['ncd_pairs_per_s_median']:,.0f} | {r['kernel_floor_pairs_per_s']:,.0f} |" for r in native]
    m = result["machine"]
    lines += ["", f"The deflate kernel's one-off compile ({compile_s:.1f} s per process) is not in the timings.",
              f"Machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}.", ""]
    write_results("pairwise_speed", result, "\n".join(lines))


if __name__ == "__main__":
    main()
