"""The best honest ncd configuration against the paper's inflated figures (R8, 20 Newsgroups, Ohsumed).

    python benchmarks/best_vs_paper.py [--folds 5]

Jiang et al. (2023) scored gzip kNN with k=2 as correct when either neighbour had the true label
(top-2): R8 0.954, 20 Newsgroups 0.685, Ohsumed 0.521. Here every figure is an honest accuracy
on the full test split. The configuration is chosen on the training split only: the class-level
context model (``CompressionClassifier(model="cm", order=o)``) with o in {2, 3, 4} by stratified
--folds-fold cross-validation on train, then fitted on all of train and scored once on test.
Beside it: the same model at every order on test (for reference, not for choosing) and the
published honest gzip k=1 (Schutte 2023). Writes best_vs_paper.json/.md.
"""

import argparse
import time

from sklearn.model_selection import StratifiedKFold, cross_val_score

from ncd import CompressionClassifier

from _common import machine, read_split, write_results

PAPER = {"r8": (0.954, 0.913), "20newsgroups": (0.685, 0.607), "ohsumed": (0.521, 0.365)}
ORDERS = (2, 3, 4)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for name, (inflated, honest_pub) in PAPER.items():
        X_train, y_train = read_split(name, "train")
        X_test, y_test = read_split(name, "test")
        start = time.perf_counter()
        cv = StratifiedKFold(args.folds, shuffle=True, random_state=0)
        cv_scores = {o: float(cross_val_score(CompressionClassifier(model="cm", order=o, n_jobs=-1),
                                              X_train, y_train, cv=cv).mean()) for o in ORDERS}
        chosen = max(ORDERS, key=lambda o: (cv_scores[o], -o))
        test_scores = {o: float(CompressionClassifier(model="cm", order=o, n_jobs=-1).fit(X_train, y_train)
                                .score(X_test, y_test)) for o in ORDERS}
        rows.append({"data": name, "train": len(X_train), "test": len(X_test), "cv_accuracy": cv_scores,
                     "chosen_order": chosen, "accuracy": test_scores[chosen], "test_accuracy_by_order": test_scores,
                     "paper_top2_inflated": inflated, "published_gzip_k1_honest": honest_pub,
                     "gap_to_inflated": test_scores[chosen] - inflated,
                     "seconds": time.perf_counter() - start})
        print(rows[-1], flush=True)
    result = {"benchmark": "best_vs_paper", "machine": machine(), "folds": args.folds, "results": rows}
    lines = ["# Best honest ncd configuration against the paper's inflated figures", "",
             "`python benchmarks/best_vs_paper.py`", "",
             f"Class-level context model, order chosen by {args.folds}-fold CV on train only; honest accuracy on the "
             "full test split. *Paper* is the top-2-scored gzip figure of Jiang et al. (2023), which reads the test "
             "label; *published gzip k=1* is Schutte's (2023) honest rerun.", "",
             "| data | train / test | CV accuracy by order | chosen | **test accuracy** | paper (top-2, inflated) | "
             "difference | published gzip k=1 | test accuracy by order (reference only) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cvs = ", ".join(f"{o}: {a:.3f}" for o, a in r["cv_accuracy"].items())
        tests = ", ".join(f"{o}: {a:.4f}" for o, a in r["test_accuracy_by_order"].items())
        lines.append(f"| {r['data']} | {r['train']:,} / {r['test']:,} | {cvs} | {r['chosen_order']} | "
                     f"**{r['accuracy']:.4f}** | {r['paper_top2_inflated']:.3f} | {r['gap_to_inflated']:+.4f} | "
                     f"{r['published_gzip_k1_honest']:.3f} | {tests} |")
    m = result["machine"]
    lines += ["", f"Machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}.", ""]
    write_results("best_vs_paper", result, "\n".join(lines))


if __name__ == "__main__":
    main()
