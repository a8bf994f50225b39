"""Bits per byte of the context-mixing model (ncd._native.mix) on AG News, beside order-3 cm and PPMd.

    python benchmarks/mix_bits.py [--test 1000] [--ppmd-sample 200] [--threads 2] [--memory 22]

One model per class, trained on that class's texts of the 5,000 AG News training texts in
../shared/data; the first --test test texts each coded after their own class's model:

* mix, adapt=True (learning while it codes the text, undone after) and frozen (adapt=False);
* the order-3 context model of ncd._kernels (Witten-Bell, ``ContextModel(3)``);
* PPMd order 6 (pyppmd, variant I, 64 MiB): 8 * (len(compress(train + text)) - len(compress(train)))
  with train the class's training texts concatenated, on the first --ppmd-sample test texts (every
  text costs a compression of its class's whole training text).

Also: the fit time of the 4 class models (5,000 texts), scoring speed with --threads threads
(test texts per second against all 4 classes, and texts x classes per second), and the accuracy
of argmin over the classes' code lengths. Last, the memory of 431 class models (UDHR language ID,
default settings: the tables are sized to each class's training text). Writes mix_bits.json/.md
next to this script.
"""

import argparse
import os
import time

import numpy as np

from ncd._kernels import ContextModel
from ncd._native.mix import (DEFAULTS, MixModel, adaptive_code_lengths, add_per_model, code_lengths_per_model,
                             joint_code_lengths)

from _common import machine, read_split, write_results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--ppmd-sample", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory", type=int, default=22)
    args = parser.parse_args()
    X_train, y_train = read_split("ag_news", "train")
    X_test, y_test = read_split("ag_news", "test", limit=args.test)
    train = [t.encode("utf-8") for t in X_train]
    test = [t.encode("utf-8") for t in X_test]
    classes = sorted(set(y_train))
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    own = np.searchsorted(classes, y_test)
    n_bytes = np.array([len(t) for t in test])
    by_class = {c: [t for t, y in zip(train, y_train) if y == c] for c in classes}

    warm = MixModel(memory=12)  # compile (or load the cache) outside the timings
    warm.add([b"warm up", b"the compiler"])
    warm.code_lengths([b"warm"], n_threads=args.threads)
    warm.code_lengths([b"warm"], n_threads=args.threads, adapt=False)
    code_lengths_per_model([warm], [b"warm"])
    code_lengths_per_model([warm], [b"warm"], adapt=False)

    load_before = os.getloadavg()
    start, cpu = time.perf_counter(), time.process_time()
    models = {c: MixModel(memory=args.memory) for c in classes}
    add_per_model([models[c] for c in classes], [by_class[c] for c in classes], n_threads=args.threads)
    fit_s, fit_cpu = time.perf_counter() - start, time.process_time() - cpu

    lengths, score_s, score_cpu = {}, {}, {}
    for adapt in (True, False):
        start, cpu = time.perf_counter(), time.process_time()
        L = code_lengths_per_model([models[c] for c in classes], test, n_threads=args.threads, adapt=adapt)
        score_s[adapt], score_cpu[adapt] = time.perf_counter() - start, time.process_time() - cpu
        lengths["mix" if adapt else "mix_frozen"] = L
    start = time.perf_counter()
    one_model = models[classes[0]].code_lengths(test, n_threads=args.threads)
    one_model_s = time.perf_counter() - start
    assert np.array_equal(one_model, lengths["mix"][:, 0])

    start = time.perf_counter()
    cms = {}
    for c in classes:
        cms[c] = ContextModel(3)
        cms[c].add(by_class[c])
    cm_fit_s = time.perf_counter() - start
    start = time.perf_counter()
    lengths["cm3"] = np.column_stack([cms[c].code_lengths(test, n_threads=args.threads) for c in classes])
    cm_score_s = time.perf_counter() - start
    load_after = os.getloadavg()

    rows = []
    for name, L in lengths.items():
        mine = L[np.arange(len(test)), own]
        rows.append({
            "model": name,
            "bits_per_byte": float(mine.sum() / n_bytes.sum()),
            "bits_per_byte_ppmd_sample": float(mine[: args.ppmd_sample].sum() / n_bytes[: args.ppmd_sample].sum()),
            "accuracy_argmin": float(np.mean(np.asarray(classes)[L.argmin(axis=1)] == y_test)),
        })

    import pyppmd

    start = time.perf_counter()
    ppmd_bits = []
    concat = {c: b"".join(by_class[c]) for c in classes}
    base = {c: len(pyppmd.compress(concat[c], max_order=6, mem_size=64 << 20)) for c in classes}
    for text, y in zip(test[: args.ppmd_sample], y_test[: args.ppmd_sample]):
        ppmd_bits.append(8 * (len(pyppmd.compress(concat[y] + text, max_order=6, mem_size=64 << 20)) - base[y]))
    ppmd_s = time.perf_counter() - start
    sample_bytes = n_bytes[: args.ppmd_sample].sum()
    rows.append({"model": "ppmd6", "bits_per_byte": None,
                 "bits_per_byte_ppmd_sample": float(np.sum(ppmd_bits) / sample_bytes), "accuracy_argmin": None})

    adaptive_code_lengths([b"warm"])
    joint_code_lengths([b"warm"], [b"up"], sep=b" ")
    start, cpu = time.perf_counter(), time.process_time()
    alone = adaptive_code_lengths(test, n_threads=args.threads)
    alone_s, alone_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    joint, _ = joint_code_lengths(test[:20], test[:100], sep=b" ", n_threads=args.threads)
    joint_s, joint_cpu = time.perf_counter() - start, time.process_time() - cpu
    n = len(test)
    pairwise = {"empty_model_bits_per_byte": float(alone.sum() / n_bytes.sum()),
                "empty_model_texts_per_s": n / alone_s, "empty_model_texts_per_cpu_second": n / alone_cpu,
                "joint_20x100_pairs_per_s": 2000 / joint_s, "joint_20x100_pairs_per_cpu_second": 2000 / joint_cpu}

    start = time.perf_counter()
    u_texts, u_labels = read_split("udhr_langid", "train")
    u_by = {}
    for t, y in zip(u_texts, u_labels):
        u_by.setdefault(y, []).append(t.encode("utf-8"))
    u_bytes, u_bits = 0, {}
    for texts in u_by.values():
        m = MixModel()
        m.add(texts)
        u_bytes += m.nbytes
        u_bits[m.bits] = u_bits.get(m.bits, 0) + 1
        del m
    udhr = {"models": len(u_by), "total_gib": u_bytes / 2**30, "fit_seconds": time.perf_counter() - start,
            "models_by_table_bits": dict(sorted(u_bits.items()))}

    by = {r["model"]: r for r in rows}
    n = len(test)
    result = {
        "machine": machine(),
        "load_average_before_after": [list(load_before), list(load_after)],
        "test_texts": n, "test_bytes": int(n_bytes.sum()), "ppmd_sample": args.ppmd_sample,
        "threads": args.threads, "memory": args.memory, "settings": DEFAULTS,
        "model_mbytes": {c: models[c].nbytes / 2**20 for c in classes},
        "rows": rows,
        "mix_vs_cm3": by["mix"]["bits_per_byte"] / by["cm3"]["bits_per_byte"] - 1,
        "mix_vs_ppmd6_on_sample": by["mix"]["bits_per_byte_ppmd_sample"] / by["ppmd6"]["bits_per_byte_ppmd_sample"] - 1,
        "fit_seconds_4_classes": fit_s,
        "fit_cpu_seconds_4_classes": fit_cpu,
        "score_seconds": {"mix": score_s[True], "mix_frozen": score_s[False], "cm3": cm_score_s},
        "score_cpu_seconds": {"mix": score_cpu[True], "mix_frozen": score_cpu[False]},
        "one_model_code_lengths_seconds": one_model_s,
        "texts_per_s_all_4_classes": {"mix": n / score_s[True], "mix_frozen": n / score_s[False],
                                      "cm3": n / cm_score_s},
        "text_class_pairs_per_s": {"mix": 4 * n / score_s[True], "mix_frozen": 4 * n / score_s[False]},
        "text_class_pairs_per_cpu_second": {"mix": 4 * n / score_cpu[True], "mix_frozen": 4 * n / score_cpu[False]},
        "cm3_fit_seconds": cm_fit_s,
        "udhr_431_models": udhr,
        "pairwise_parts": pairwise,
        "ppmd_seconds": ppmd_s,
    }
    lines = [
        "# Context mixing (ncd._native.mix) vs order-3 cm and PPMd: AG News bits per byte",
        "",
        "`python benchmarks/mix_bits.py`",
        "",
        f"One model per class on the 5,000 training texts; the first {n:,} test texts ({int(n_bytes.sum()):,} bytes), "
        f"each coded after its own class's model. PPMd (order 6, pyppmd) on the first {args.ppmd_sample} only.",
        "",
        f"| model | bits/byte ({n:,} texts) | bits/byte (first {args.ppmd_sample}) | accuracy of argmin |",
        "|---|---|---|---|",
    ]
    fmt = lambda v, f: "-" if v is None else format(v, f)  # noqa: E731
    for r in rows:
        lines.append(f"| {r['model']} | {fmt(r['bits_per_byte'], '.4f')} | {fmt(r['bits_per_byte_ppmd_sample'], '.4f')} "
                     f"| {fmt(r['accuracy_argmin'], '.3f')} |")
    lines += [
        "",
        f"mix vs cm3: {100 * result['mix_vs_cm3']:+.1f}%; mix vs PPMd-6 on the sample: "
        f"{100 * result['mix_vs_ppmd6_on_sample']:+.1f}%.",
        "",
        f"Fit, 4 class models (5,000 texts, memory={args.memory}, add_per_model on {args.threads} threads): "
        f"{fit_s:.2f} s wall, {fit_cpu:.2f} s CPU "
        f"(cm3: {cm_fit_s:.2f} s). "
        f"Scoring with {args.threads} threads (code_lengths_per_model: one class model per thread), test texts per "
        f"second against all 4 classes: mix {n / score_s[True]:,.0f} (adapt=True), {n / score_s[False]:,.0f} (frozen); "
        f"cm3 {n / cm_score_s:,.0f}. Per CPU-second, texts x classes coded: mix {4 * n / score_cpu[True]:,.0f} "
        f"(adapt), {4 * n / score_cpu[False]:,.0f} (frozen). "
        f"Model size per class: {max(result['model_mbytes'].values()):.0f} MiB at most.",
        "",
        f"Each test text from an empty model (C(x), tables sized to the text): "
        f"{pairwise['empty_model_bits_per_byte']:.3f} bits/byte, {pairwise['empty_model_texts_per_s']:,.0f} texts/s. "
        f"C(x) + C(' ' + y | x) for 20 x 100 test texts: {pairwise['joint_20x100_pairs_per_s']:,.0f} pairs/s "
        f"({pairwise['joint_20x100_pairs_per_cpu_second']:,.0f} per CPU-second).",
        "",
        f"UDHR: {udhr['models']} class models (default settings) hold {udhr['total_gib']:.2f} GiB in all "
        f"(tables of 2^bits slots: {udhr['models_by_table_bits']} models by bits); fitting them took "
        f"{udhr['fit_seconds']:.0f} s.",
        "",
        f"Machine: {result['machine']['cores']} cores, {result['machine']['cpu']}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (the machine is shared: timings are noisy).",
        "",
    ]
    write_results("mix_bits", result, "\n".join(lines))


if __name__ == "__main__":
    main()
