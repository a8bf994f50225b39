"""The best compression classifier beside the best tuned linear baseline, both chosen on train only.

    python benchmarks/class_vs_linear.py                      # all 11 shared sets, cheapest first
    python benchmarks/class_vs_linear.py --data trec --resume # one set, keeping those already done
    python benchmarks/class_vs_linear.py --data udhr_langid --baselines char_tfidf_lr --baselines word_nb
        # only these baselines, tuned on that set and merged into its row (its compression row is kept)

For each data set in ../shared/data, on the full training split (20 Newsgroups: the seeded 800-text
test sample of ``paper_table.py --max-test 800``):

* compression: candidates are the class-level context models ``CompressionClassifier("cm",
  order=k)`` for k = 2, 3, 4 (argmin of the code length), the same with class priors where
  ``CompressionClassifier`` has such a parameter, and :class:`ncd.CodeLengthClassifier` (code lengths of
  cm orders 1-5 as features of a logistic regression). All are scored by 5-fold CV on train, on the
  same folds: the cross-fitted code lengths give each order's argmin CV accuracy, and the stacked
  model's CV accuracy is that of its regression on those features. The best by CV accuracy (ties:
  the simpler, in the order above) is scored once on test;
* linear: the four baselines of ``_baselines.py`` (word and char TF-IDF + LR, word NB, NBSVM), each
  with its setting by 3-fold CV on train, and the best of them by CV accuracy scored once on test.

Every candidate's test accuracy is written too, for the record; none of them chose anything.
Writes class_vs_linear.json/.md beside this script, after every data set.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from ncd import CodeLengthClassifier, CompressionClassifier

from _baselines import BASELINES, LABELS, best_of, tuned_baselines
from _common import HERE, SHARED_DATA, machine, read_split, seeded_sample

ORDERS = (2, 3, 4)
STACK_ORDERS = (1, 2, 3, 4, 5)
CV = 5
MAX_TEST = {"20newsgroups": 800}  # as paper_table.py --max-test 800
#: above this many classes the stacked regression (n_models * n_classes features per class) is not run
MAX_STACK_CLASSES = 100



def _prior_param():
    """The name of CompressionClassifier's class-prior parameter, if it has one."""
    names = [p for p in CompressionClassifier().get_params() if "prior" in p]
    return names[0] if names else None


def compression_by_cv(X_train, y_train, X_test, y_test, *, cv=CV, seed=0, n_jobs=-1, stack=True, log=print):
    """The compression candidates scored by CV on train, the best of them scored once on test.

    Returns ``{"candidates": {name: {"cv_accuracy", "test_accuracy", ...}}, "best": {...}}``.
    With ``stack=False`` (many classes) the stacked model is left out, and the argmin CV accuracies
    come from a plain K-fold over each order's CompressionClassifier.
    """
    y_test = np.asarray(y_test, dtype=object)
    start = time.perf_counter()
    cands = {}
    if stack:
        clf = CodeLengthClassifier([{"model": "cm", "order": k} for k in STACK_ORDERS], cv=cv,
                                   random_state=seed, n_jobs=n_jobs).fit(X_train, y_train)
        fit_s = time.perf_counter() - start
        # one scoring of the test texts under every full-train model gives every candidate's prediction
        features = clf.code_length_features(X_test)
        n_classes = len(clf.classes_)
        for k in ORDERS:
            m = STACK_ORDERS.index(k)
            pred = clf.classes_[np.argmin(features[:, m * n_classes:(m + 1) * n_classes], axis=1)]
            cands[f"cm{k}"] = {"cv_accuracy": float(clf.model_cv_accuracy_[m]),
                               "test_accuracy": float(np.mean(pred == y_test))}
        pred = clf.classes_[clf.logistic_.predict(features)]
        cands["code_lengths_lr"] = {"cv_accuracy": clf.best_score_, "test_accuracy": float(np.mean(pred == y_test)),
                                    "C": clf.C_, "cv_by_C": clf.cv_results_, "seconds_fit": fit_s,
                                    "argmin_cv_accuracy_by_order": dict(zip(map(str, STACK_ORDERS),
                                                                            clf.model_cv_accuracy_.tolist()))}
        folds = clf.folds_
    else:
        from sklearn.model_selection import StratifiedKFold

        _, codes = np.unique(np.asarray(y_train, dtype=object).astype(str), return_inverse=True)
        folds = np.empty(len(codes), dtype=np.intp)
        for f, (_, va) in enumerate(StratifiedKFold(cv, shuffle=True, random_state=seed)
                                    .split(np.zeros(len(codes)), codes)):
            folds[va] = f
    y_tr = np.asarray(y_train, dtype=object)

    def kfold_and_test(params):
        right = 0
        for f in np.unique(folds):
            tr, va = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
            m = CompressionClassifier(**params, n_jobs=n_jobs).fit([X_train[i] for i in tr], y_tr[tr])
            right += int(np.sum(m.predict([X_train[i] for i in va]) == y_tr[va]))
        full = CompressionClassifier(**params, n_jobs=n_jobs).fit(X_train, y_tr)
        return right / len(y_tr), float(np.mean(full.predict(X_test) == y_test))

    if not stack:
        for k in ORDERS:
            cv_acc, test = kfold_and_test({"model": "cm", "order": k})
            cands[f"cm{k}"] = {"cv_accuracy": cv_acc, "test_accuracy": test}
    prior = _prior_param()
    if prior:
        k = max(ORDERS, key=lambda k: cands[f"cm{k}"]["cv_accuracy"])
        cv_acc, test = kfold_and_test({"model": "cm", "order": k, prior: True})
        cands[f"cm{k}_prior"] = {"cv_accuracy": cv_acc, "test_accuracy": test, "param": prior}
    order = [n for n in cands if n != "code_lengths_lr"] + (["code_lengths_lr"] if "code_lengths_lr" in cands else [])
    best = max(order, key=lambda n: cands[n]["cv_accuracy"])  # ties: the first, the simpler
    if log:
        log("  compression: " + ", ".join(f"{n} cv {c['cv_accuracy']:.4f} test {c['test_accuracy']:.4f}"
                                          for n, c in cands.items()) + f" ({time.perf_counter() - start:.0f} s)")
    return {"candidates": cands, "cv_folds": cv, "prior_param": prior, "stacked": stack,
            "best": {"name": best, **{k: cands[best][k] for k in ("cv_accuracy", "test_accuracy")}},
            "seconds": time.perf_counter() - start}


def _splits(name):
    """The training split, the test texts scored (a seeded sample where MAX_TEST caps them), and the test
    split's full size."""
    Xtr, ytr = read_split(name, "train")
    Xte_all, yte_all = read_split(name, "test")
    return Xtr, ytr, *seeded_sample(Xte_all, yte_all, MAX_TEST.get(name), 1), len(Xte_all)


def run_dataset(name):
    Xtr, ytr, Xte, yte, n_test_split = _splits(name)
    n_classes = len(set(ytr))
    print(f"{name}: {len(Xtr):,} train, {len(Xte):,} test, {n_classes} classes", flush=True)
    start = time.perf_counter()
    comp = compression_by_cv(Xtr, ytr, Xte, yte, stack=n_classes <= MAX_STACK_CLASSES)
    lin = tuned_baselines(Xtr, ytr, Xte, yte)
    margin = comp["best"]["test_accuracy"] - lin["best"]["test_accuracy"]
    return {"data": name, "train": len(Xtr), "test": len(Xte), "n_test_split": n_test_split,
            "n_classes": n_classes, "compression": comp, "linear": lin, "margin": margin,
            "seconds": time.perf_counter() - start}


def _cand_label(name):
    if name == "code_lengths_lr":
        return "code lengths + LR"
    return name.replace("_prior", " + prior")


def markdown(result):
    lines = ["# Compression classifier vs the best tuned linear baseline, both chosen on train", "",
             "`python benchmarks/class_vs_linear.py`", "",
             "Accuracy on the test split (20 Newsgroups: a seeded sample of 800, as `paper_table.py "
             "--max-test 800`), full training split. **compression (CV)**: among class-level cm orders "
             f"{', '.join(map(str, ORDERS))} (argmin), cm with class priors where available, and code "
             f"lengths of cm orders {STACK_ORDERS[0]}-{STACK_ORDERS[-1]} + logistic regression "
             "(`ncd.CodeLengthClassifier`), the one with the best 5-fold CV accuracy on train, scored once "
             "on test. **linear (CV)**: among the four baselines of `benchmarks/_baselines.py`, each tuned "
             "by 3-fold CV on train, the one with the best CV accuracy, scored once on test. The test split "
             "chose nothing. margin = compression - linear, in points of accuracy (and in test texts: a margin "
             "of a few texts is within the noise of one test split).", "",
             "| data | train x test | classes | compression (CV): choice, CV, test | linear (CV): choice, CV, test "
             "| margin | " + " | ".join(LABELS[b] for b in BASELINES) + " | cm2 / cm3 / cm4 / code lengths + LR |",
             "|---|---|---|---|---|---|" + "---|" * len(BASELINES) + "---|"]
    def complete(r):
        return "margin" in r and all(b in r["linear"]["baselines"] for b in BASELINES)

    scored = [r for r in result["results"] if complete(r)]
    for r in result["results"]:
        c, lin = r["compression"], r.get("linear", {"baselines": {}})
        cb = c["best"]
        cands = c["candidates"]
        each = " / ".join(f"{cands[n]['test_accuracy']:.3f}" if n in cands else "not run"
                          for n in ("cm2", "cm3", "cm4", "code_lengths_lr"))
        if "margin" in r:
            lb = lin["best"]
            verdict = "**win**" if r["margin"] > 0 else ("tie" if r["margin"] == 0 else "loss")
            linear = f"{lin['baselines'][lb['name']]['label']}, {lb['cv_accuracy']:.3f}, **{lb['test_accuracy']:.3f}**"
            margin = f"{verdict} {100 * r['margin']:+.2f} ({round(r['margin'] * r['test']):+d} texts)"
            if not complete(r):
                margin = f"provisional: {verdict.strip('*')} {100 * r['margin']:+.2f} vs the finished baselines only"
        else:
            linear, margin = "not finished", "-"
        lines.append(
            f"| {r['data']} | {r['train']:,} x {r['test']:,} | {r['n_classes']} | {_cand_label(cb['name'])}, "
            f"{cb['cv_accuracy']:.3f}, **{cb['test_accuracy']:.3f}** | {linear} | {margin} | "
            + " | ".join(f"{lin['baselines'][b]['test_accuracy']:.3f}" if b in lin["baselines"] else "not run"
                         for b in BASELINES) + f" | {each} |")
    n = len(result["results"])
    wins = sum(r["margin"] > 0 for r in scored)
    lines += ["", f"**The compression classifier is ahead on {wins} of {len(scored)} sets** "
              f"(behind on {sum(r['margin'] < 0 for r in scored)}, level on "
              f"{sum(r['margin'] == 0 for r in scored)}"
              + (f"; {n - len(scored)} not counted, without all four baselines finished" if n > len(scored) else "")
              + ").", ""]
    without = [r["data"] for r in result["results"] if not r["compression"].get("prior_param")]
    if without:
        lines += [f"cm with class priors: not a candidate on {', '.join(without)} (run before CompressionClassifier "
                  "had a prior parameter).", ""]
    skipped = [r["data"] for r in result["results"] if not r["compression"]["stacked"]]
    if skipped:
        lines += [f"Code lengths + LR not run on {', '.join(skipped)} (more than {MAX_STACK_CLASSES} classes: "
                  "its regression has n_orders x n_classes features per class); the candidates there are the "
                  "argmin models, scored by the same 5-fold CV.", ""]
    if not result.get("complete", True):
        lines += [f"**Partial**: {n} of 11 data sets so far, or some not finished (below).", ""]
    lines += [note + "\n" for note in result.get("notes", [])]
    m = result["machine"]
    lines += [f"Run time {result['seconds'] / 60:.1f} min (sum over the sets); machine: {m['cores']} cores "
              f"(shared with other jobs), {m['cpu']}, Python {m['python']}, scikit-learn {m['scikit-learn']}.", ""]
    return "\n".join(lines)


def merge_baselines(path, names, baselines, out):
    """Tune ``baselines`` on each set in ``names`` and merge them into its row of the results file (the
    compression candidates and the baselines already there are kept); the best linear and the margin are
    recomputed over all of the row's baselines."""
    if not names:
        raise SystemExit("--baselines needs --data: the sets whose rows get the new baselines")
    result = json.loads(path.read_text())
    rows = {r["data"]: r for r in result["results"]}
    missing = [n for n in names if n not in rows]
    if missing:
        raise SystemExit(f"no row for {missing} in {path}: run those sets in full first")
    for name in names:
        row = rows[name]
        Xtr, ytr, Xte, yte, _ = _splits(name)
        print(f"{name}: tuning {', '.join(baselines)}", flush=True)
        start = time.perf_counter()
        lin = tuned_baselines(Xtr, ytr, Xte, yte, names=baselines)
        row["linear"]["baselines"].update(lin["baselines"])
        row["linear"]["best"] = best_of(row["linear"]["baselines"])
        row["margin"] = row["compression"]["best"]["test_accuracy"] - row["linear"]["best"]["test_accuracy"]
        row["seconds"] += time.perf_counter() - start
        result.setdefault("notes", []).append(
            f"{name}: baselines {', '.join(baselines)} tuned in a later run "
            f"(`class_vs_linear.py --data {name} " + " ".join(f"--baselines {b}" for b in baselines)
            + "`) and merged into its row.")
        result["seconds"] = sum(r["seconds"] for r in result["results"])
        path.write_text(json.dumps(result, indent=2) + "\n")
        (out / "class_vs_linear.md").write_text(markdown(result))
        print(f"{name}: margin {100 * row['margin']:+.2f} points", flush=True)
    return result


ORDER_OF_RUN = ("trec", "sms_spam", "sst2", "mr_polarity", "subj", "ag_news", "r8", "dbpedia14_subset",
                "ohsumed", "20newsgroups", "udhr_langid")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", help="only these data sets (repeatable)")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--resume", action="store_true", help="keep the sets already in the results file")
    parser.add_argument("--baselines", action="append", choices=BASELINES,
                        help="with --data: tune only these baselines and merge them into the sets' existing rows")
    parser.add_argument("--markdown-only", action="store_true", help="rewrite the .md from the .json and stop")
    args = parser.parse_args(argv)
    every = [n for n in ORDER_OF_RUN if (SHARED_DATA / n).is_dir()]
    path = args.out / "class_vs_linear.json"
    previous = {}
    if args.markdown_only:
        result = json.loads(path.read_text())
        (args.out / "class_vs_linear.md").write_text(markdown(result))
        return result
    if args.baselines:
        return merge_baselines(path, args.data or [], args.baselines, args.out)
    if args.resume and path.exists():
        previous = {r["data"]: r for r in json.loads(path.read_text())["results"]}
    names = [n for n in (args.data or every) if n not in previous or args.data]
    rows = [r for n, r in previous.items() if n not in names]
    result = None
    for name in names:
        row = run_dataset(name)
        rows.append(row)
        rows.sort(key=lambda r: ORDER_OF_RUN.index(r["data"]) if r["data"] in ORDER_OF_RUN else 99)
        done = {r["data"] for r in rows}
        result = {"benchmark": "class_vs_linear", "machine": machine(), "orders": list(ORDERS),
                  "stack_orders": list(STACK_ORDERS), "cv_compression": CV, "baselines": list(BASELINES),
                  "complete": all(n in done for n in every), "results": rows,
                  "seconds": sum(r["seconds"] for r in rows)}
        args.out.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2) + "\n")
        (args.out / "class_vs_linear.md").write_text(markdown(result))
        print(f"{name}: margin {100 * row['margin']:+.1f} points", flush=True)
    if result:
        print(markdown(result))
    return result


if __name__ == "__main__":
    main()
