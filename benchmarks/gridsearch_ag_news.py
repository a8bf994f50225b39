"""GridSearchCV over compressor and n_neighbors on AG News, then the best model on held-out test texts.

    python benchmarks/gridsearch_ag_news.py [--train 600] [--test 1000]

Model selection sees training texts only (3-fold CV); the test texts are scored once, at the end.
Writes gridsearch_ag_news.json and .md next to this script.
"""

import argparse
import time

import numpy as np
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from ncd import NCDClassifier

from _common import machine, read_split, write_results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=600, help="training texts (first N of ag_news train)")
    parser.add_argument("--test", type=int, default=1000, help="test texts (first N of ag_news test)")
    args = parser.parse_args()
    X_train, y_train = read_split("ag_news", "train", limit=args.train)
    X_test, y_test = read_split("ag_news", "test", limit=args.test)
    grid = {"compressor": ["gzip", "zstd", "lzma"], "n_neighbors": [1, 3, 5]}
    search = GridSearchCV(
        NCDClassifier(n_jobs=-1), grid, cv=StratifiedKFold(3, shuffle=True, random_state=0), n_jobs=None
    )
    start = time.perf_counter()
    search.fit(X_train, y_train)
    search_seconds = time.perf_counter() - start
    start = time.perf_counter()
    test_accuracy = float(search.score(X_test, np.asarray(y_test)))
    test_seconds = time.perf_counter() - start
    rows = [
        {
            "compressor": p["compressor"],
            "n_neighbors": p["n_neighbors"],
            "cv_accuracy_mean": float(m),
            "cv_accuracy_std": float(s),
            "fit_plus_score_seconds": float(t),
        }
        for p, m, s, t in zip(
            search.cv_results_["params"],
            search.cv_results_["mean_test_score"],
            search.cv_results_["std_test_score"],
            search.cv_results_["mean_score_time"] + search.cv_results_["mean_fit_time"],
        )
    ]
    result = {
        "benchmark": "gridsearch_ag_news",
        "machine": machine(),
        "data": {"train": len(X_train), "test": len(X_test), "cv": 3},
        "grid": grid,
        "cv_results": rows,
        "best_params": search.best_params_,
        "best_cv_accuracy": float(search.best_score_),
        "test_accuracy_of_best": test_accuracy,
        "search_seconds": search_seconds,
        "test_seconds": test_seconds,
    }
    lines = [
        f"# GridSearchCV on AG News ({len(X_train)} train texts, 3-fold CV; best model on {len(X_test)} test texts)",
        "",
        "`python benchmarks/gridsearch_ag_news.py`",
        "",
        "| compressor | k | CV accuracy | std | s per fold (fit + score) |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['compressor']} | {r['n_neighbors']} | {r['cv_accuracy_mean']:.3f} | {r['cv_accuracy_std']:.3f} "
        f"| {r['fit_plus_score_seconds']:.1f} |"
        for r in rows
    ]
    lines += [
        "",
        f"Best: {search.best_params_} (CV {search.best_score_:.3f}); its accuracy on the {len(X_test)} test texts: "
        f"{test_accuracy:.3f}. Search {search_seconds:.0f} s, test {test_seconds:.0f} s, on "
        f"{result['machine']['cores']} cores.",
        "",
    ]
    write_results("gridsearch_ag_news", result, "\n".join(lines))


if __name__ == "__main__":
    main()
