"""Class-level CompressionClassifier on AG News: predictions per second and accuracy, beside kNN.

    python benchmarks/class_level.py [--knn-test 2000]

Train: the 5,000 AG News training texts in ../shared/data; test: all 7,600 for the class-level
model. Our pairwise gzip kNN (k=1) on the same training texts runs on the first --knn-test test
texts (it costs 5,000 compressions per prediction). Published: FTCC 0.90 on the full 120k training
set (Ji et al. 2023). Writes class_level.json/.md next to this script.
"""

import argparse
import time

import numpy as np

from ncd import CompressionClassifier, NCDClassifier

from _common import machine, read_split, write_results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knn-test", type=int, default=2000)
    args = parser.parse_args()
    X_train, y_train = read_split("ag_news", "train")
    X_test, y_test = read_split("ag_news", "test")
    y_test = np.asarray(y_test)
    rows = []
    CompressionClassifier("cm").fit(["warm", "up"], [0, 1]).predict(["the compiler"])
    configs = [("zstd", {"level": 3}), ("zstd", {"level": 9}), ("zstd", {"level": 19}),
               ("cm", {"order": 2}), ("cm", {"order": 3}), ("cm", {"order": 4})]
    for model, params in configs:
        start = time.perf_counter()
        clf = CompressionClassifier(model, n_jobs=-1, **params).fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        pred = clf.predict(X_test)
        predict_s = time.perf_counter() - start
        rows.append({
            "model": f"CompressionClassifier({model!r}, " + ", ".join(f"{k}={v}" for k, v in params.items()) + ")",
            "test_texts": len(X_test),
            "accuracy": float(np.mean(pred == y_test)),
            "accuracy_on_knn_subset": float(np.mean(pred[: args.knn_test] == y_test[: args.knn_test])),
            "fit_seconds": fit_s,
            "predictions_per_s": len(X_test) / predict_s,
        })
        print(rows[-1], flush=True)
    n = args.knn_test
    start = time.perf_counter()
    knn = NCDClassifier(1, compressor="gzip", n_jobs=-1).fit(X_train, y_train)
    knn_pred = knn.predict(X_test[:n])
    knn_s = time.perf_counter() - start
    rows.append({
        "model": "NCDClassifier(1, compressor='gzip')",
        "test_texts": n,
        "accuracy": float(np.mean(knn_pred == y_test[:n])),
        "accuracy_on_knn_subset": float(np.mean(knn_pred == y_test[:n])),
        "fit_seconds": None,
        "predictions_per_s": n / knn_s,
    })
    print(rows[-1], flush=True)
    result = {"benchmark": "class_level", "machine": machine(), "data": {"train": len(X_train)},
              "published": {"FTCC_full_120k_train": 0.90}, "results": rows}
    lines = [
        f"# Class-level vs pairwise on AG News ({len(X_train):,} training texts)",
        "",
        "`python benchmarks/class_level.py`",
        "",
        f"| model | test texts | accuracy | accuracy on the first {n} | predictions/s |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {r['model']} | {r['test_texts']:,} | {r['accuracy']:.3f} | {r['accuracy_on_knn_subset']:.3f} "
              f"| {r['predictions_per_s']:,.0f} |" for r in rows]
    m = result["machine"]
    lines += ["", "Published: FTCC 0.90 with the full 120,000 training texts (Ji et al. 2023); ours use 5,000.",
              f"Machine: {m['cores']} cores, {m['cpu']}.", ""]
    write_results("class_level", result, "\n".join(lines))


if __name__ == "__main__":
    main()
