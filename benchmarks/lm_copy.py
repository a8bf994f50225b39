"""Why a small byte network is a good compressor of one text and a poor NCD compressor: the copy test.

    python benchmarks/lm_copy.py        # about 7 min on 2 cores

NCD needs C(xy) to be much less than C(x) + C(y) when x and y share content. The simplest case is
y = x: a compressor that can refer back to x codes the second copy almost for free, so C(xx) / C(x)
is close to 1; a model that cannot gives 2. This measures C(x + " " + x) / C(x) and bits per byte on
held-out AG News test texts for the library compressors, the native models and the byte networks
of ``ncd.lm.train_byte_lm`` (the GRU and the transformer, each trained on AG News training texts).
Writes lm_copy.json / lm_copy.md.
"""

from __future__ import annotations

import time

import numpy as np

from ncd.compressors import get_compressor
from ncd.lm import train_byte_lm

from _common import machine, read_split, write_results


def main():
    X_train, _ = read_split("ag_news", "train")
    X_test, _ = read_split("ag_news", "test")
    held = [t.encode() for t in X_test[:200]]
    models = {cid: get_compressor(cid) for cid in ["gzip", "zstd", "ppmd", "lz77", "cm"]}
    seconds = {}
    lm_texts = X_train[:30000]
    for arch in ["gru", "transformer"]:
        began = time.perf_counter()
        lm = train_byte_lm(lm_texts, architecture=arch, max_steps=400, context=512 if arch == "transformer" else 256,
                           batch_size=16 if arch == "transformer" else 32)
        seconds[arch] = time.perf_counter() - began
        lm.set_params(batch_size=64)
        models[f"byte {arch} (400 steps)"] = lm
    rows = {}
    for name, comp in models.items():
        cx = comp.code_lengths(held)
        cxx = np.array([comp.joint_code_lengths(x, [x], b" ")[0] for x in held])
        rows[name] = {"bits_per_byte": float(cx.sum() / sum(map(len, held))),
                      "copy_ratio_mean": float(np.mean(cxx / cx)), "copy_ratio_median": float(np.median(cxx / cx))}
        print(name, rows[name], flush=True)
    result = {"machine": machine(), "texts": len(held), "lm_train_texts": len(lm_texts), "train_seconds": seconds,
              "rows": rows}
    lines = ["# The copy test: C(x + ' ' + x) / C(x)", "",
             f"`python benchmarks/lm_copy.py`: {len(held)} AG News test texts; the byte networks trained on "
             f"{len(lm_texts):,} AG News training texts for 400 steps (GRU {seconds['gru']:.0f} s, transformer "
             f"{seconds['transformer']:.0f} s, context 512). 1 means the second copy is free; 2 means the "
             "model cannot refer back to the first.", "",
             "| compressor | bits per byte (each text alone) | C(xx)/C(x), mean | median |", "|---|---|---|---|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['bits_per_byte']:.3f} | {r['copy_ratio_mean']:.3f} | {r['copy_ratio_median']:.3f} |")
    lines.append("")
    write_results("lm_copy", result, "\n".join(lines))


if __name__ == "__main__":
    main()
