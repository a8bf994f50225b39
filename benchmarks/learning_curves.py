"""Learning curves on AG News, NCD kNN against TF-IDF + logistic regression, and bits per byte.

    python benchmarks/learning_curves.py [--test 1000] [--repeats 3]

Accuracy on the first --test AG News test texts for training sets drawn (stratified, seeded) from
the 5,000 shared training texts at 8 sizes on a log grid, --repeats draws each; the power law
error = a * n^-b fitted in log-log space (``ncd.scaling``) for each method, with what it
predicts at 10x and 24x (the full 120k) the largest size. Then bits per byte of each compressor
on growing prefixes of the AG News training texts. Writes learning_curves.json/.md/.png and
bits_per_byte.png.
"""

import argparse

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from ncd import NCDClassifier
from ncd.scaling import bits_per_byte, learning_curve, plot_learning_curves

from _common import HERE, machine, read_split, write_results

COMPRESSORS = ("gzip", "zstd", "bz2", "lzma", "brotli", "ppmd", "lz77")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    X_train, y_train = read_split("ag_news", "train")
    X_test, y_test = read_split("ag_news", "test", limit=args.test)
    sizes = np.unique(np.geomspace(8, len(X_train), 8).round().astype(int))
    methods = {
        "ncd lz77 k=1": NCDClassifier(1, compressor="lz77", n_jobs=-1, verbose=0),
        "ncd gzip k=1": NCDClassifier(1, compressor="gzip", n_jobs=-1, verbose=0),
        "TF-IDF + LR": make_pipeline(TfidfVectorizer(sublinear_tf=True), LogisticRegression(max_iter=2000)),
    }
    curves, rows = {}, []
    for label, est in methods.items():
        curve = learning_curve(est, X_train, y_train, X_test, y_test, sizes=sizes, n_repeats=args.repeats)
        law = curve.power_law()
        curves[label] = curve
        rows.append({"method": label, "sizes": curve.sizes.tolist(), "scores": curve.scores.tolist(),
                     "mean": curve.mean.tolist(), "interval": curve.interval.tolist(),
                     "power_law": law._asdict(),
                     "predicted_accuracy_10x": float(1 - law.predict(10 * sizes[-1])),
                     "predicted_accuracy_120k": float(1 - law.predict(120_000))})
        print(rows[-1]["method"], rows[-1]["mean"], law, flush=True)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_learning_curves(curves)
    ax.set_title("AG News: error against training size (log-log)")
    ax.figure.tight_layout()
    ax.figure.savefig(HERE / "learning_curves.png", dpi=120)
    plt.close(ax.figure)

    corpus = [t.encode() for t in X_train]
    bpb_sizes, table = bits_per_byte(corpus, COMPRESSORS,
                                     sizes=np.unique(np.geomspace(256, 1 << 20, 13).round().astype(int)))
    fig, ax = plt.subplots(figsize=(6, 4))
    for cid, values in table.items():
        ax.plot(bpb_sizes, values, marker=".", label=cid)
    ax.set_xscale("log")
    ax.set_xlabel("bytes of AG News training text")
    ax.set_ylabel("bits per byte")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "bits_per_byte.png", dpi=120)
    plt.close(fig)

    result = {"benchmark": "learning_curves", "machine": machine(), "data": "ag_news", "test": len(X_test),
              "repeats": args.repeats, "curves": rows,
              "bits_per_byte": {"sizes": bpb_sizes.tolist(), **{k: v.tolist() for k, v in table.items()}}}
    lines = ["# Learning curves and bits per byte (AG News)", "", "`python benchmarks/learning_curves.py`", "",
             f"Test: the first {len(X_test)} AG News test texts. Training sets: stratified seeded draws from the "
             f"5,000 shared training texts, {args.repeats} per size. Fit: error = a n^-b by least squares in "
             "log-log space on the mean error. The 120k prediction extrapolates 24x past the data: read it as "
             "what the line says, not as a measurement.", "", "![learning curves](learning_curves.png)", "",
             "| method | " + " | ".join(f"n={n}" for n in sizes) + " | a | b | r² | predicted at 10x | predicted at 120k |",
             "|---|" + "---|" * (len(sizes) + 5)]
    for r in rows:
        law = r["power_law"]
        lines.append(f"| {r['method']} | " + " | ".join(f"{m:.3f}" for m in r["mean"])
                     + f" | {law['a']:.3f} | {law['b']:.3f} | {law['r2']:.3f} | {r['predicted_accuracy_10x']:.3f} | "
                     f"{r['predicted_accuracy_120k']:.3f} |")
    lines += ["", "## Bits per byte against data size", "", "![bits per byte](bits_per_byte.png)", "",
              "| compressor | " + " | ".join(f"{n:,} B" for n in bpb_sizes) + " |",
              "|---|" + "---|" * len(bpb_sizes)]
    lines += [f"| {cid} | " + " | ".join(f"{v:.2f}" for v in values) + " |" for cid, values in table.items()]
    m = result["machine"]
    lines += ["", f"Machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}.", ""]
    write_results("learning_curves", result, "\n".join(lines))


if __name__ == "__main__":
    main()
