"""Shared running and reporting of the benchmarks that add candidates to an earlier one's rows.

``class_vs_linear_mix.py``, ``class_vs_linear_words.py``, ``class_vs_linear_heads.py``,
``class_vs_linear_sum.py``, ``class_vs_linear_udhr.py`` and ``class_vs_linear_weighted.py`` each read the rows of the benchmark before them (every candidate so far, with its
CV and test accuracy, and the best tuned linear baseline), add their new candidates to each set's row, choose
again by CV accuracy, and write a table. :func:`main` is their command line and loop; :func:`table` their
markdown, :func:`cv_test` its cells and :func:`head` the start of each printed line.
``few_shot_transductive.py`` runs its sets through :func:`main` too, on the rows of ``few_shot.json``.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from _common import HERE, machine, read_split, seeded_sample
from class_vs_linear import MAX_TEST
from class_vs_linear_background import tally


def main(stem, base, run_set, summary, markdown, *, extra=None, order=None, doc=""):
    """Run ``run_set(row)`` on each row of ``base`` (a results file's stem, whose ``results`` are the rows, or
    the rows themselves; ``--data`` to pick, ``--resume`` to keep those done), writing ``stem``.json / .md
    after every set. ``run_set`` returns the new row, or None to leave the set out (its reason printed by
    it); ``summary(row)`` is the line printed per set."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--data", action="append")
    parser.add_argument("--resume", action="store_true", help="keep the sets already in the results file")
    args = parser.parse_args()
    rows = json.loads((HERE / f"{base}.json").read_text())["results"] if isinstance(base, str) else list(base)
    every = [r["data"] for r in rows]
    if order:
        rows = sorted(rows, key=lambda r: order.index(r["data"]) if r["data"] in order else len(order))
    path = HERE / f"{stem}.json"
    out = {"benchmark": stem, "machine": machine(), **(extra or {}), "results": []}
    if args.resume and path.exists():
        old = json.loads(path.read_text())
        out["results"], out["notes"] = old["results"], old.get("notes", [])
    done = {r["data"] for r in out["results"]}
    for row in rows:
        name = row["data"]
        if (args.data and name not in args.data) or name in done:
            continue
        res = run_set(row)
        if res is None:
            continue
        out["results"].append(res)
        out["results"].sort(key=lambda r: every.index(r["data"]))
        print(summary(res), flush=True)
        path.write_text(json.dumps(out, indent=1) + "\n")
        (HERE / f"{stem}.md").write_text(markdown(out, every))
    return out


def scored_test(name):
    """The set's test texts that these benchmarks score (a seeded sample of ``MAX_TEST`` where it caps them, else
    all) and their labels, as an object array."""
    Q, yq = seeded_sample(*read_split(name, "test"), MAX_TEST.get(name), 1)
    return Q, np.asarray(yq, dtype=object)


def cv_test(candidate) -> str:
    """A candidate's table cell: its CV and test accuracy."""
    return f"{candidate['cv_accuracy']:.3f}, {candidate['test_accuracy']:.3f}"


def head(res) -> str:
    """The start of a set's printed line: its choice, the choice's test accuracy and the linear baseline's."""
    return (f"{res['data']} {res['best']} {round(res['best_test'], 4)} "
            f"linear {round(res['linear']['test_accuracy'], 4)} ")


def choose(row, cands, seconds, **extra):
    """The set's new row: the best of ``cands`` by CV accuracy (ties: the earlier candidate) beside the row's
    best linear baseline, with ``extra`` fields and the seconds the new candidates took."""
    best = max(cands, key=lambda c: cands[c]["cv_accuracy"])
    lin = row["linear"]
    return {"data": row["data"], "candidates": cands, "best": best, "best_cv": cands[best]["cv_accuracy"],
            "best_test": cands[best]["test_accuracy"], "linear": lin,
            "linear_complete": row.get("linear_complete", True),
            "margin": cands[best]["test_accuracy"] - lin["test_accuracy"], **extra, "seconds": seconds}


def table(out, title, script, intro, columns, cells, *, every=None):
    """The markdown: ``columns`` are the headers between the choice and the linear baseline, ``cells(row)``
    their contents; then the tally, the sets not run yet (of ``every``), the run time and ``out["notes"]``."""
    lines = [f"# {title}", "", f"`python benchmarks/{script}`", "", intro, "",
             "| data | compression (CV): choice, CV, test | " + " | ".join(columns) + " | linear (CV): choice, test "
             "| margin |", "|---|---|" + "---|" * len(columns) + "---|---|"]
    verdicts, (wins, ties, losses), provisional = tally(out["results"])
    for r, verdict in zip(out["results"], verdicts):
        lines.append(f"| {r['data']} | {r['best']}, {r['best_cv']:.3f}, **{r['best_test']:.3f}** | "
                     + " | ".join(cells(r)) + f" | {r['linear']['label']}, **{r['linear']['test_accuracy']:.3f}** | "
                     f"{verdict} {100 * r['margin']:+.2f} |")
    n = len(out["results"]) - len(provisional)
    seconds = sum(r["seconds"] for r in out["results"])
    missing = [d for d in (every or []) if d not in {r["data"] for r in out["results"]}]
    lines += ["", f"**Ahead on {wins} of {n} sets**, level on {ties}, behind on {losses}"
              + (f"; not counted: {', '.join(provisional)}" if provisional else "") + "."
              + (f" **Partial**: not run yet on {', '.join(missing)}." if missing else ""), "",
              f"Run time {seconds / 60:.1f} min (fits and scoring of the new candidates); machine: "
              f"{out['machine']['cores']} cores (shared), {out['machine']['cpu']}.", ""]
    lines += [note + "\n" for note in out.get("notes", [])]
    return "\n".join(lines)
