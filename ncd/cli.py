"""The ``ncd`` command: ``ncd evaluate`` and ``ncd distance``."""

from __future__ import annotations

import _thread
import argparse
import contextlib
import json
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np

from . import __version__
from .classification import TIE_BREAKS, NCDClassifier
from .compressors import available_compressors, get_compressor
from .datasets import EMBEDDED, TextDataset, load_dataset, read_labelled_file
from .distance import METRICS, pairwise_distances
from .metrics import top_k_accuracy


#: Settings for the run over every installed compressor (no -c). Per pair of paragraphs, brotli at quality
#: 11 spends about 0.8 ms on its optimal-parsing search and xz at preset 6 about as long, mostly setting up
#: its 8 MiB binary-tree match finder; quality 5 and preset 0 take about 0.05 ms each. On the embedded set
#: they also score higher (brotli 0.743 vs 0.701, lzma 0.785 vs 0.757 at k=1). --full-settings uses every
#: compressor's defaults.
QUICK_SETTINGS = {"brotli": {"quality": 5}, "lzma": {"preset": 0}}

#: Left out of the run over every compressor unless named with -c, and why (the run says so).
OPT_IN = {"mix": "the context-mixing model codes a few hundred pairs a second and compiles for a minute on first "
                 "use; run it with -c mix"}


def _compressor_ids(requested: list[str] | None) -> list[str]:
    if requested:
        return requested
    usable = []
    for cid in available_compressors():
        if cid in OPT_IN:
            continue
        try:
            get_compressor(cid).code_length(b"")
        except ImportError:
            continue  # an optional backend that is not installed
        except ValueError:
            continue  # needs a setting to exist at all (lm: which model); ask for it with -c
        usable.append(cid)
    return usable


def _load(args) -> TextDataset:
    if (args.train is None) != (args.test is None):
        raise ValueError("give both --train and --test, or neither (for the embedded data set).")
    if args.train is None:
        return load_dataset(EMBEDDED)
    cols = {"text_column": args.text_column, "label_column": args.label_column}
    X_train, y_train = read_labelled_file(args.train, **cols)
    X_test, y_test = read_labelled_file(args.test, **cols)
    return TextDataset(f"{Path(args.train).name} / {Path(args.test).name}", X_train, y_train, X_test, y_test)


def _compressor_specs(args) -> tuple[list, str | None]:
    """What to run: compressor ids, or {"id": ..., setting: value} for the quick all-compressor run;
    and a line saying which quick settings were used (None when none were)."""
    ids = _compressor_ids(args.compressor)
    if args.compressor or args.full_settings:
        return ids, None
    specs, notes = [], []
    for cid in ids:
        quick = QUICK_SETTINGS.get(cid)
        if not quick:
            specs.append(cid)
            continue
        specs.append({"id": cid, **quick})
        defaults = get_compressor(cid).get_params()
        notes.append(f"{cid} " + ", ".join(f"{k}={v} (default {defaults.get(k)})" for k, v in quick.items()))
    left_out = "; ".join(f"{cid} left out: {why}" for cid, why in OPT_IN.items() if cid in available_compressors())
    if not notes:
        return specs, left_out or None
    return specs, (
        "settings: quick for the run over every compressor: " + "; ".join(notes)
        + ". --full-settings runs every compressor with its defaults." + (f" {left_out}." if left_out else "")
    )


def _settings(compressor) -> dict:
    """The compressor's settings that JSON can hold (a model object, for one, is left out)."""
    return {k: v for k, v in compressor.get_params().items() if isinstance(v, (str, int, float, bool, type(None)))}


def _evaluate(args) -> int:
    ds = _load(args)
    n_train = len(ds.X_train)
    if args.n_neighbors > n_train:  # say it before any work, as predict would after it
        raise ValueError(
            f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {args.n_neighbors}, n_samples_fit = "
            f"{n_train}. Lower -k/--n-neighbors or give more training texts."
        )
    specs, settings_note = _compressor_specs(args)
    n_pairs = n_train * len(ds.X_test)
    out = sys.stderr if args.json else sys.stdout
    print(
        f"data: {ds.name}: {n_train} train, {len(ds.X_test)} test texts, "
        f"{len(set(ds.y_train))} classes; k={args.n_neighbors}, metric={args.metric}, "
        f"tie_break={args.tie_break}; {n_pairs:,} pairs per compressor",
        file=out,
    )
    if settings_note:
        print(settings_note, file=out)
    rows = []
    for spec in specs:
        cid = spec["id"] if isinstance(spec, dict) else spec
        clf = NCDClassifier(
            args.n_neighbors,
            compressor=spec,
            metric=args.metric,
            tie_break=args.tie_break,
            n_jobs=args.n_jobs,
            verbose=0 if args.quiet else 1,
        )
        start = time.perf_counter()
        clf.fit(ds.X_train, ds.y_train)
        # One neighbour search serves both the honest prediction (first k) and the top-2 figure.
        dist, ind = clf.kneighbors(ds.X_test, n_neighbors=min(max(2, args.n_neighbors), n_train))
        pred = clf._predict_from_neighbours(dist[:, : args.n_neighbors], ind[:, : args.n_neighbors])
        seconds = time.perf_counter() - start
        # Labels as indices into classes_ (-1: a test label never seen in training), so that labels of
        # mixed types (1 and "1", int and str) are compared as they are, never turned into strings.
        index = {label: i for i, label in enumerate(clf.classes_.tolist())}
        test_codes = np.array([index.get(label, -1) for label in ds.y_test], dtype=np.intp)
        pred_codes = np.array([index[label] for label in pred.tolist()], dtype=np.intp)
        rows.append(
            {
                "compressor": cid,
                "settings": _settings(clf.compressor_),
                "accuracy": float(np.mean(pred_codes == test_codes)),
                "top2_paper_metric": top_k_accuracy(test_codes, clf._y[ind[:, :2]]),
                "seconds": seconds,
                "pairs_per_second": n_pairs / seconds,
                "overhead_bits": clf.compressor_.overhead,
            }
        )
    if args.json:
        report = {"dataset": ds.name, "n_neighbors": args.n_neighbors,
                  "quick_settings": settings_note is not None, "results": rows}
        print(json.dumps(report, indent=2))
        return 0
    print(f"\n{'compressor':<12}{'accuracy':>10}{'top-2*':>9}{'seconds':>10}{'pairs/s':>12}{'overhead':>10}")
    for r in rows:
        print(
            f"{r['compressor']:<12}{r['accuracy']:>10.3f}{r['top2_paper_metric']:>9.3f}{r['seconds']:>10.2f}"
            f"{r['pairs_per_second']:>12,.0f}{r['overhead_bits'] / 8:>9.0f}B"
        )
    print(
        "\naccuracy: honest, one label per text, ties broken without the test label.\n"
        "top-2*: the paper's k=2 scoring (correct if either of the 2 nearest has the true label);\n"
        "        it reads the test label and is not accuracy. Shown only to compare with published figures.\n"
        "seconds: fit plus neighbour search, on this machine."
    )
    if settings_note:
        print(settings_note)
    return 0


def _read_input(name: str) -> bytes:
    path = Path(name)
    if path.is_dir():
        raise ValueError(f"{name!r} is a directory; ncd distance compares two files. Name a file inside it.")
    if not path.exists():
        raise FileNotFoundError(f"No such file: {name!r}.")
    return path.read_bytes()


def _distance(args) -> int:
    a, b = _read_input(args.file_a), _read_input(args.file_b)
    comp = get_compressor(args.compressor)
    d = pairwise_distances([a], [b], compressor=comp, metric=args.metric, separator=args.separator)[0, 0]
    if args.verbose:
        sep = args.separator.encode()
        print(f"C(A) = {comp.code_length(a):.0f} bits, C(B) = {comp.code_length(b):.0f} bits, "
              f"C(A+sep+B) = {comp.code_length(a + sep + b):.0f} bits")
    print(f"{d:.6f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ncd", description="Compression-based text classification and distances."
    )
    parser.add_argument("--version", action="version", version=f"ncd {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ev = sub.add_parser(
        "evaluate",
        help="accuracy and time of NCD kNN for each compressor",
        description=(
            "Run NCD kNN for each compressor and report honest accuracy and time. With no --train/--test, "
            f"uses the data set shipped with ncd ({EMBEDDED}: UDHR language identification, 24 languages)."
        ),
    )
    ev.add_argument("--train", metavar="FILE", help="training file (.jsonl, .json, .csv, .tsv, optionally .gz)")
    ev.add_argument("--test", metavar="FILE", help="test file, same format")
    ev.add_argument("--text-column", default="text", help="name of the text column (default: text)")
    ev.add_argument("--label-column", default="label", help="name of the label column (default: label)")
    ev.add_argument(
        "-c", "--compressor", action="append", metavar="ID",
        help="compressor id, repeatable (default: every installed one)",
    )
    ev.add_argument("-k", "--n-neighbors", type=int, default=1, help="neighbours in the vote (default: 1)")
    ev.add_argument("--metric", default="ncd", choices=sorted(METRICS), help="distance (default: ncd)")
    ev.add_argument("--tie-break", default="nearest", choices=TIE_BREAKS, help="tie rule (default: nearest)")
    ev.add_argument("-j", "--n-jobs", type=int, default=-1, help="threads (default: -1, all cores)")
    ev.add_argument(
        "--full-settings", action="store_true",
        help="with no -c, run every compressor with its default settings instead of the quick ones for the "
             "demo (" + ", ".join(f"{c} " + ", ".join(f"{k}={v}" for k, v in q.items())
                                  for c, q in QUICK_SETTINGS.items()) + "); slower",
    )
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    ev.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    ev.set_defaults(func=_evaluate)

    di = sub.add_parser(
        "distance",
        help="compression distance between two files",
        description="Print the compression distance between two files (their bytes, as they are).",
    )
    di.add_argument("file_a", metavar="FILE_A")
    di.add_argument("file_b", metavar="FILE_B")
    di.add_argument("-c", "--compressor", default="gzip", help="compressor id (default: gzip)")
    di.add_argument("--metric", default="ncd", choices=sorted(METRICS), help="distance (default: ncd)")
    di.add_argument("--separator", default=" ", help="put between A and B (default: a space)")
    di.add_argument("-v", "--verbose", action="store_true", help="also print the code lengths")
    di.set_defaults(func=_distance)
    return parser


@contextlib.contextmanager
def _ctrl_c_not_swallowed():
    """Deliver again a Ctrl-C that Python had to drop inside a callback from C code.

    An exception cannot cross a C callback: a KeyboardInterrupt that arrives while, say, llvmlite calls back
    into Python during numba's first compilation is printed as "Exception ignored" and lost, and the command
    used to run on to its end with exit status 0. While a command runs, such a dropped interrupt is sent again
    to the main thread a moment later (a SIGINT from a timer thread, so that it lands after
    the callback has returned; if it lands in another callback, it is dropped and sent again). Should the
    command end before it lands, the interrupt is raised as the command ends. Either way Ctrl-C stops the
    command with exit status 130. Other unraisable exceptions go to the hook that was there before.
    """
    previous = sys.unraisablehook
    lock = threading.Lock()
    state = {"dropped": 0, "sent": 0, "open": True}

    def send():
        with lock:
            if not state["open"]:
                return
            if hasattr(signal, "pthread_kill"):  # a real signal: it also wakes a sleeping or blocked main thread
                signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
            else:
                _thread.interrupt_main()
            state["sent"] += 1

    def hook(unraisable):
        if issubclass(unraisable.exc_type, KeyboardInterrupt):
            state["dropped"] += 1
            timer = threading.Timer(0.01, send)
            timer.daemon = True
            timer.start()
        else:
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous
        with lock:
            state["open"] = False  # a timer that fires later sends nothing
    if state["dropped"] > state["sent"]:  # the command ended before the interrupt was sent again
        raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with _ctrl_c_not_swallowed():
            return args.func(args)
    except (ValueError, TypeError, ImportError) as exc:
        print(f"ncd {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a missing, unreadable or odd file: its name is in the message
        message = str(exc) if exc.filename is None else f"{exc.strerror}: {exc.filename!r}."
        print(f"ncd {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"ncd {args.command}: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
