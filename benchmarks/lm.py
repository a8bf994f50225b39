"""Language-model code lengths against the classic compressors: bits per byte, coding, few-shot accuracy.

    python benchmarks/lm.py                    # the committed lm.json / lm.md (about 25 min on 2 cores)
    python benchmarks/lm.py --quick            # a smoke run in a couple of minutes

For each data set (AG News, SMS spam, R8 from ../shared/data):

1. A byte-level network (``ncd.lm.train_byte_lm``, the default GRU, ``--steps`` steps) is trained
   on the training split's texts (labels unused; at most ``--lm-texts`` of them). The order-3
   context model (``ncd.coding.ContextModel``) is fitted on the same texts.
2. Bits per byte on held-out test texts, each text compressed alone (the NCD setting): gzip,
   zstd, PPMd, the native lz77 and cm models (which start from nothing on every text), and the
   two trained models; and, for reference, the held-out texts as one stream for gzip, zstd -19
   and PPMd (the classic "compress the corpus" figure).
3. The key/value (here: hidden-state) cache: C(x + sep + y) from x's state reused for every y,
   against the same sequence scored whole, on real pairs: largest relative difference.
4. Arithmetic coding with the byte network and with the context model: round trip on real
   texts of the three sets and four UDHR languages, and bitstream bits minus the summed code
   length.
5. Few-shot, honest k=1 NCD kNN with gzip and with the byte network: ``--shots`` per class
   (``few_shot_indices``, seeds 0..trials-1), on a seeded sample of ``--test`` test texts; mean
   and 95% t-interval over trials, and microseconds per pair. The few-shot texts are part of
   the split the network was trained on (as unlabelled text); the test texts never are.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from ncd import NCDClassifier
from ncd.coding import ContextModel, decode, encode, ideal_code_length
from ncd.compressors import get_compressor
from ncd.datasets import few_shot_indices
from ncd.lm import train_byte_lm

from _common import HERE, machine, mean_interval, read_split, write_results

SETS = ["ag_news", "sms_spam", "r8"]
PER_TEXT = ["gzip", "zstd", "ppmd", "lz77", "cm"]
STREAM = {"gzip": {"id": "gzip", "level": 9}, "zstd -19": {"id": "zstd", "level": 19}, "ppmd": {"id": "ppmd"}}


def coding_texts():
    texts = {name: read_split(name, "test", limit=1)[0][0] for name in SETS}
    udhr, langs = read_split("udhr_langid", "test")
    for lang in ["eng", "fra", "deu", "rus", "cmn", "arb"]:
        if lang in langs:
            texts[f"udhr {lang}"] = udhr[langs.index(lang)][:300]
    return {k: v.encode() for k, v in texts.items()}


def coding_rows(lm, context, code_texts):
    """Round trip, and bits written against the summed code length under the model's own
    probabilities and under the quantised ones the coder uses (floor 2^-24)."""
    rows = {}
    for text_name, text in code_texts.items():
        row = {"bytes": len(text)}
        for model_name, model in [("byte GRU", lm), ("cm order 3", context)]:
            code = encode(text, model)
            ideal = ideal_code_length(text, model)
            quantised = ideal_code_length(text, model, quantised=True)
            row[model_name] = {"round_trip": decode(code, len(text), model) == text, "ideal_bits": ideal,
                               "quantised_bits": quantised, "written_bits": 8 * len(code),
                               "excess_bits": 8 * len(code) - ideal, "excess_over_quantised": 8 * len(code) - quantised}
        rows[text_name] = row
    return rows


def coding_part(args, code_texts):
    """Only the coding table, with the first set's models trained as in a full run, written into lm.json."""
    name = args.sets[0]
    X_train, _ = read_split(name, "train")
    if args.max_chars:
        X_train = [t[: args.max_chars] for t in X_train]
    lm_texts = X_train[: args.lm_texts]
    lm = train_byte_lm(lm_texts, max_steps=args.steps, seed=0)
    result = json.loads((HERE / f"{args.out}.json").read_text())
    result["sets"][name]["coding"] = coding_rows(lm, ContextModel(order=3).fit(lm_texts), code_texts)
    result["coding_rerun"] = {"machine": machine(), "command": "python benchmarks/lm.py --part coding"}
    write_results(args.out, result, markdown(result))


def run_set(name, args, code_texts):
    X_train, y_train = read_split(name, "train")
    X_test, y_test = read_split(name, "test")
    if args.max_chars:  # the same cut for every method: a recurrent network pays for every byte in turn
        X_train = [t[: args.max_chars] for t in X_train]
        X_test = [t[: args.max_chars] for t in X_test]
    rng = np.random.default_rng(0)
    held_idx = rng.choice(len(X_test), min(args.held_out, len(X_test)), replace=False)
    held = [X_test[i].encode() for i in held_idx]
    n_bytes = sum(map(len, held))
    out = {"n_train": len(X_train), "n_held_out": len(held), "held_out_bytes": n_bytes}

    lm_texts = X_train[: args.lm_texts]
    began = time.perf_counter()
    lm = train_byte_lm(lm_texts, max_steps=args.steps, seed=0)
    out["lm_train_seconds"] = time.perf_counter() - began
    out["lm_train_texts"] = len(lm_texts)
    lm.set_params(batch_size=64)
    context = ContextModel(order=3).fit(lm_texts)

    bpb = {}
    for cid in PER_TEXT:
        bpb[f"{cid} (each text alone)"] = float(get_compressor(cid).code_lengths(held).sum() / n_bytes)
    bpb["cm order 3, trained on train"] = float(sum(context.code_length(h) for h in held) / n_bytes)
    bpb["byte GRU, trained on train"] = float(lm.code_lengths(held).sum() / n_bytes)
    stream = b"\n".join(held)
    for label, spec in STREAM.items():
        bpb[f"{label} (held-out texts as one stream)"] = get_compressor(spec).code_length(stream) / len(stream)
    out["bits_per_byte"] = bpb

    # the cache against the whole sequence, on real pairs, in float32 (as used) and float64
    cache = {}
    for dtype in ["float32", "float64"]:
        lm.set_params(dtype=dtype)
        worst = 0.0
        for x in held[:5]:
            joint = lm.joint_code_lengths(x, held[5:25], separator=b" ")
            whole = lm.code_lengths([x + b" " + y for y in held[5:25]])
            worst = max(worst, float(np.max(np.abs(joint - whole) / whole)))
        cache[dtype] = worst
    lm.set_params(dtype="float32")
    out["cache_max_relative_difference"] = cache

    if name == args.sets[0]:  # the coders, once: the network of the first set and its context model
        out["coding"] = coding_rows(lm, context, code_texts)

    sample = rng.choice(len(X_test), min(args.test, len(X_test)), replace=False)
    Xs, ys = [X_test[i] for i in sample], np.asarray(y_test)[sample]
    few = {}
    NCDClassifier(compressor="gzip").fit(Xs[:4], ys[:4]).predict(Xs[:4])  # compiled once before timing
    for shots in args.shots:
        res = {"gzip": [], "byte GRU": [], "gzip_us_per_pair": [], "byte GRU_us_per_pair": [], "indices": []}
        for seed in range(args.trials):
            idx = few_shot_indices(y_train, shots, random_state=seed)
            res["indices"].append([int(i) for i in idx])
            Xf, yf = [X_train[i] for i in idx], [y_train[i] for i in idx]
            for label, comp in [("gzip", "gzip"), ("byte GRU", lm)]:
                began = time.perf_counter()
                acc = NCDClassifier(compressor=comp).fit(Xf, yf).score(Xs, ys)
                res[label].append(float(acc))
                res[f"{label}_us_per_pair"].append(1e6 * (time.perf_counter() - began) / (len(Xf) * len(Xs)))
        few[str(shots)] = res
        print(name, shots, "gzip", mean_interval(res["gzip"]), "lm", mean_interval(res["byte GRU"]), flush=True)
    out["few_shot"] = few
    out["n_test_sample"] = len(Xs)
    return out


def markdown(result):
    lines = ["# Language-model code lengths against the classic compressors", "",
             f"`python benchmarks/lm.py{' --quick' if result['quick'] else ''}` on {result['machine']['cpu']} "
             f"({result['machine']['cores']} cores). The byte network: `train_byte_lm` (a GRU, 1 layer, 512 "
             f"wide), {result['steps']} steps on each set's training texts (labels unused). Every text, train and "
             f"test, is cut to its first {result['max_chars']} characters for every method (0: no cut): a recurrent "
             "network pays for each byte in turn, and R8 has texts of 10 kB.", "",
             "## Bits per byte on held-out test texts", "",
             "Each text compressed alone, as NCD does, unless it says one stream. Lower is better.", ""]
    sets = list(result["sets"])
    labels = list(result["sets"][sets[0]]["bits_per_byte"])
    lines += ["| model | " + " | ".join(sets) + " |", "|---|" + "---|" * len(sets)]
    for label in labels:
        lines.append(f"| {label} | " + " | ".join(f"{result['sets'][s]['bits_per_byte'][label]:.3f}" for s in sets) + " |")
    lines += ["", "Held-out texts: " + ", ".join(f"{s} {result['sets'][s]['n_held_out']} texts "
                                                f"({result['sets'][s]['held_out_bytes']:,} bytes)" for s in sets)
              + "; network training: " + ", ".join(f"{s} {result['sets'][s]['lm_train_seconds']:.0f} s on "
                                                  f"{result['sets'][s]['lm_train_texts']:,} texts" for s in sets)
              + ".", "",
              "## The cache", "",
              "C(x + sep + y) with x's state computed once and reused for every y, against the whole sequence "
              "scored afresh (5 x 20 real pairs per set): largest relative difference.", "",
              "| set | float32 | float64 |", "|---|---|---|"]
    for s in sets:
        c = result["sets"][s]["cache_max_relative_difference"]
        lines.append(f"| {s} | {c['float32']:.2e} | {c['float64']:.2e} |")
    coding = result["sets"][sets[0]]["coding"]
    lines += ["", f"## Arithmetic coding (models trained on {sets[0]})", "",
              "Round trip through `ncd.coding.encode` / `decode`. Written: bits of the bitstream. Excess: written "
              "minus the summed -log2 p under the model's own probabilities, and minus the sum under the quantised "
              "probabilities the coder uses (multiples of 2^-24, none below 2^-24). Where the model gives a byte "
              "less than 2^-24 (other scripts, to a model of English), the coder writes *less* than the model's "
              "sum: the floor caps each such byte at 24 bits."
              + (" This table was rerun alone with `--part coding`." if "coding_rerun" in result else ""), "",
              "| text | bytes | model | round trip | -log2 p sum | written | excess | excess over quantised |",
              "|---|---|---|---|---|---|---|---|"]
    for text_name, row in coding.items():
        for model_name in ("byte GRU", "cm order 3"):
            m = row[model_name]
            quantised = (f"{m['excess_over_quantised']:.2f}" if "excess_over_quantised" in m else "not measured")
            lines.append(f"| {text_name} | {row['bytes']} | {model_name} | {m['round_trip']} | {m['ideal_bits']:.1f} | "
                         f"{m['written_bits']} | {m['excess_bits']:.2f} | {quantised} |")
    lines += ["", "## Few-shot: honest k=1 NCD kNN, gzip against the byte network", "",
              f"{result['trials']} seeded trials (`few_shot_indices`, seeds 0..{result['trials'] - 1}; the indices are "
              "in lm.json), mean ± 95% t-interval, on a seeded sample of test texts. The network is a far better "
              "compressor of each text alone than gzip (bits per byte above), yet a poor NCD compressor: it cannot "
              "refer back to x while coding y, so C(xy) is close to C(x) + C(y) for every pair and the distance "
              "measures lengths, not shared content. `lm_copy.md` shows it directly with C(xx)/C(x).", "",
              "| set | per class | test texts | gzip | byte GRU | gzip µs/pair | GRU µs/pair |", "|---|---|---|---|---|---|---|"]
    for s in sets:
        for shots, res in result["sets"][s]["few_shot"].items():
            g, lm = mean_interval(res["gzip"]), mean_interval(res["byte GRU"])
            lines.append(f"| {s} | {shots} | {result['sets'][s]['n_test_sample']} | {g[0]:.3f} ± {g[1]:.3f} | "
                         f"{lm[0]:.3f} ± {lm[1]:.3f} | {np.mean(res['gzip_us_per_pair']):.0f} | "
                         f"{np.mean(res['byte GRU_us_per_pair']):.0f} |")
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small everything")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--lm-texts", type=int, default=30000)
    parser.add_argument("--held-out", type=int, default=300)
    parser.add_argument("--test", type=int, default=150)
    parser.add_argument("--shots", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--sets", nargs="+", default=SETS)
    parser.add_argument("--max-chars", type=int, default=1000,
                        help="cut every text (train and test, every method) to this many characters; 0: no cut")
    parser.add_argument("--part", choices=["all", "coding"], default="all",
                        help="coding: rerun only the arithmetic-coding table into the existing results")
    parser.add_argument("--out", default="lm")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.lm_texts, args.held_out, args.test, args.trials = 40, 2000, 40, 40, 2
        args.out = args.out if args.out != "lm" else "lm_quick"
    code_texts = coding_texts()
    if args.part == "coding":
        return coding_part(args, code_texts)
    result = {"machine": machine(), "quick": args.quick, "steps": args.steps, "trials": args.trials, "sets": {}}
    began = time.perf_counter()
    result["max_chars"] = args.max_chars
    for name in args.sets:
        result["sets"][name] = run_set(name, args, code_texts)
        (HERE / f"{args.out}.partial.json").write_text(json.dumps(result, indent=2))
    result["seconds"] = time.perf_counter() - began
    write_results(args.out, result, markdown(result))


if __name__ == "__main__":
    main()
