"""Every bad input we know of, and what ncd answers: writes docs/bad_inputs.md.

    python docs/bad_inputs.py          # rewrite the page
    python docs/bad_inputs.py --check  # exit 1 if the page is not what the code answers now

tests/test_docs.py runs the check, so the page stays true to the code.
"""

import contextlib
import gzip
import io
import math
import os
import sys
import tempfile
import warnings
from decimal import Decimal
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TEXTS = ["the cat sat", "stocks fell", "a dog ran"]
LABELS = ["pets", "markets", "pets"]


class _CliAnswer(str):
    """What the ncd command printed on stderr, and its exit code."""


@contextlib.contextmanager
def _in_scratch_folder(files):
    """A fresh folder holding these files (name -> str or bytes), as the current directory, so that
    messages name the files as typed (train.jsonl), not by a temporary path that changes every run."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            if name.endswith("/"):
                os.mkdir(os.path.join(folder, name))
                continue
            data = content.encode("utf-8") if isinstance(content, str) else content
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        os.chdir(folder)
        try:
            yield
        finally:
            os.chdir(here)


def _read(name, content):
    """read_labelled_file on a file with this name and content."""
    from ncd.datasets import read_labelled_file

    def run():
        with _in_scratch_folder({name: content}):
            return read_labelled_file(name)

    return run


def _cli(argv, files, show=None):
    """The ncd command with these arguments, in a folder holding these files: its exit code and stderr,
    or what ``show`` picks from its stdout."""
    from ncd.cli import main

    def run():
        out, err = io.StringIO(), io.StringIO()
        with _in_scratch_folder(files), contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(argv)
        said = err.getvalue() if show is None else show(out.getvalue())
        return _CliAnswer(f"exit {code}: `{_clean(said)}`")

    return run


def _jsonl(rows):
    import json

    return "".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in rows)


TRAIN_ROWS = [(f"the cat sat on mat {i}", "pets") for i in range(5)] + [
    (f"stocks fell {i}%", "markets") for i in range(5)
]


def _cases():
    from ncd import NCDClassifier, pairwise_distances
    from ncd.compressors import get_compressor
    from ncd.datasets import few_shot_indices, load_dataset, overlap_report
    from ncd.distributed import dask_backend
    from ncd.scaling import fit_power_law

    from ncd import CompressionClassifier
    from ncd.coding import ContextModel

    fitted = NCDClassifier().fit(TEXTS, LABELS)
    train = _jsonl(TRAIN_ROWS)
    return [
        ("A single string as X", lambda: NCDClassifier().fit("the cat sat", ["pets"])),
        ("None among the texts", lambda: NCDClassifier().fit(["a", None], [0, 1])),
        ("A number among the texts", lambda: NCDClassifier().fit(["a", 3.5], [0, 1])),
        ("No texts at all", lambda: NCDClassifier().fit([], [])),
        ("A 2-D array of texts", lambda: NCDClassifier().fit(np.array([["a", "b"], ["c", "d"]]), [0, 1])),
        ("X and y of different lengths", lambda: NCDClassifier().fit(TEXTS, LABELS[:2])),
        ("None as a label", lambda: NCDClassifier().fit(TEXTS, ["pets", None, "pets"])),
        ("NaN as a label", lambda: NCDClassifier().fit(TEXTS, [1.0, math.nan, 2.0])),
        ("Decimal('NaN') as a label", lambda: NCDClassifier().fit(TEXTS, [Decimal(1), Decimal("NaN"), Decimal(2)])),
        ("NaT as a label", lambda: NCDClassifier().fit(TEXTS, [np.datetime64("2020-01-01"), np.datetime64("NaT"),
                                                               np.datetime64("2021-01-01")])),
        ("A pandas string Series with a gap (pd.NA) as y",
         lambda: NCDClassifier().fit(TEXTS, __import__("pandas").Series(["pets", None, "pets"], dtype="string"))),
        ("Labels of mixed types (int and str), scored",
         lambda: NCDClassifier().fit(TEXTS, [1, "markets", 1]).score(TEXTS, [1, "markets", 1])),
        ("Labels of mixed types, CompressionClassifier.score",
         lambda: CompressionClassifier().fit(TEXTS, [1, "markets", 1]).score(TEXTS, [1, "markets", 1])),
        ("A transductive background with no background",
         lambda: CompressionClassifier(transductive=True).fit(TEXTS, LABELS)),
        ("A network for a class model that is not model='mix'",
         lambda: CompressionClassifier("cm", network=get_compressor("gzip")).fit(TEXTS, LABELS)),
        ("An unhashable label", lambda: NCDClassifier().fit(TEXTS, [{"a"}, {"b"}, {"a"}])),
        ("A column vector y", lambda: NCDClassifier().fit(TEXTS, [["pets"], ["markets"], ["pets"]]).classes_.tolist()),
        ("Multi-output y (2-D)", lambda: NCDClassifier().fit(TEXTS, [[0, 1], [1, 0], [0, 1]])),
        ("More neighbours than training texts", lambda: NCDClassifier(n_neighbors=5).fit(TEXTS, LABELS).predict(["x"])),
        ("An unknown compressor", lambda: NCDClassifier(compressor="gzipp").fit(TEXTS, LABELS)),
        ("An unknown metric", lambda: pairwise_distances(TEXTS, metric="cosine")),
        ("An unknown weights rule", lambda: NCDClassifier(weights="inverse").fit(TEXTS, LABELS)),
        ("An unknown tie rule", lambda: NCDClassifier(tie_break="first").fit(TEXTS, LABELS)),
        ("A separator that is not str or bytes", lambda: pairwise_distances(TEXTS, separator=0)),
        ("n_jobs=0", lambda: pairwise_distances(TEXTS, n_jobs=0)),
        ("working_memory=float('inf')", lambda: pairwise_distances(TEXTS, working_memory=float("inf"))),
        ("predict before fit", lambda: NCDClassifier().predict(["x"])),
        ("A compression level out of range", lambda: get_compressor({"id": "gzip", "level": 12}).code_length(b"x")),
        ("A str given to a compressor's code_length", lambda: get_compressor("gzip").code_length("a text, not bytes")),
        ("An unknown compressor setting", lambda: get_compressor({"id": "zstd", "levle": 3})),
        ("Empty documents", lambda: pairwise_distances(["", "a"], ["", "b"], compressor="gzip").round(3).tolist()),
        ("Two empty documents, brotli, raw lzma, cm (C(separator) against C(''): overhead only)",
         lambda: [float(pairwise_distances([""], [""], compressor=c)[0, 0])
                  for c in ("brotli", {"id": "lzma", "format": "raw"}, "cm")]),
        ("str and bytes mixed", lambda: fitted.predict(["the cat", b"stocks rose"]).tolist()),
        ("Bytes that are not UTF-8", lambda: fitted.predict([b"\xff\xfe stocks"]).tolist()),
        ("A 40 kB text with gzip (window 32 kB)", lambda: pairwise_distances(["ab " * 14000], ["ab"]).round(3).tolist()),
        ("dask_backend with something that is not a client", lambda: dask_backend("tcp://host:8786").__enter__()),
        ("Fewer examples in a class than n_per_class", lambda: few_shot_indices(LABELS, 2, random_state=0)),
        ("An overlap threshold out of range", lambda: overlap_report(TEXTS, TEXTS, near_threshold=2)),
        ("A power law from fewer than two positive errors", lambda: fit_power_law([10, 100], [0.2, 0.0])),
        ("A language-model compressor with no model", lambda: get_compressor("lm").code_length(b"x")),
        ("A language-model dtype that is not offered",
         lambda: get_compressor({"id": "lm", "model": "gpt2", "dtype": "float8"}).code_length(b"x")),
        ("A data set name that is neither embedded, local nor on the hub (offline)",
         lambda: load_dataset("no_such_set_anywhere")),
        ("ContextModel.code_length before fit", lambda: ContextModel(2).code_length(b"a")),
        ("A .jsonl.gz file that is not gzip", _read("train.jsonl.gz", train)),
        ("A truncated .jsonl.gz file", _read("train.jsonl.gz", gzip.compress(train.encode(), mtime=0)[:60])),
        ("A CSV field over 128 kB", lambda: [len(t) for t in _read("train.csv", "text,label\n" + "a" * 200_000
                                                                  + ",long\nb,short\n")()[0]]),
        ("A JSONL file whose 8th line is broken",
         _read("train.jsonl", train.replace('"stocks fell 2%", "label": "markets"}', '"stocks fell 2%", "label"'))),
        ("A JSON file that is not valid JSON", _read("train.json", '[{"text": "a", "label": "x"},\n{"text": "b"}}]')),
        ("A Latin-1 file", _read("train.csv", "text,label\nhello,a\ncaf\u00e9,b\n".encode("latin-1"))),
        ("A UTF-16 file", _read("train.csv", "text,label\nhello,a\n".encode("utf-16"))),
        ("A list as a label in a file", _read("train.jsonl", _jsonl([("a", "x"), ("b", ["x", "y"])]))),
        ("null as a label in a file",
         _read("train.jsonl", '{"text": "a", "label": "x"}\n{"text": "b", "label": null}\n')),
        ("A number as a text in a file", _read("train.jsonl", _jsonl([("a", "x"), (42, "y")]))),
        ("A CSV row with an empty label", _read("train.csv", "text,label\nhello,a\nbye,\n")),
        ("A CSV header that names the label column twice", _read("train.csv", "text,label,label\nhello,a,b\n")),
        ("A JSON object that names the label key twice",
         _read("train.jsonl", '{"text": "a", "label": "x", "label": "y"}\n')),
        ("ncd evaluate -k 100 with 10 training texts",
         _cli(["evaluate", "-q", "-c", "gzip", "-k", "100", "--train", "train.jsonl", "--test", "test.jsonl"],
              {"train.jsonl": train, "test.jsonl": _jsonl([("a cat", "pets")])})),
        ("ncd evaluate with labels of mixed types (int and str)",
         _cli(["evaluate", "-q", "--json", "-c", "gzip", "--train", "train.jsonl", "--test", "test.jsonl"],
              {"train.jsonl": _jsonl([(t, 1 if lab == "pets" else lab) for t, lab in TRAIN_ROWS]),
               "test.jsonl": _jsonl([("the cat sat", 1), ("stocks fell 9%", "markets")])},
              show=lambda out: "accuracy %.3f" % __import__("json").loads(out)["results"][0]["accuracy"])),
        ("ncd evaluate with a test file that is not UTF-8",
         _cli(["evaluate", "-q", "-c", "gzip", "--train", "train.jsonl", "--test", "test.csv"],
              {"train.jsonl": train, "test.csv": "text,label\ncaf\u00e9,pets\n".encode("latin-1")})),
        ("ncd distance with a directory",
         _cli(["distance", "a.txt", "some_directory"], {"a.txt": "hello", "some_directory/": None})),
    ]


def _answer(func):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = func()
        except Exception as exc:  # the answer is the error
            return f"`{type(exc).__name__}`: {_clean(str(exc))}"
    notes = [f"`{w.category.__name__}`: {_clean(str(w.message))}" for w in caught
             if not issubclass(w.category, DeprecationWarning)]
    if isinstance(value, _CliAnswer):
        return str(value)
    result = f"works: `{value!r}`" if value is not None else "works"
    return "; ".join([result] + notes)


def _clean(text):
    return " ".join(text.split()).replace("|", "\\|")


def render():
    rows = [(name, _answer(func)) for name, func in _cases()]
    lines = ["# Bad input and what it gets", "",
             "Every row is run by `docs/bad_inputs.py` against the code as it is; `tests/test_docs.py` fails if "
             "this page and the code disagree.", "",
             "| input | answer |", "|---|---|"]
    lines += [f"| {name} | {answer} |" for name, answer in rows]
    lines.append("")
    return "\n".join(lines), len(rows)


def main(argv):
    text, n = render()
    page = HERE / "bad_inputs.md"
    if "--check" in argv:
        if not page.exists() or page.read_text() != text:
            print(f"{page} is out of date: run python docs/bad_inputs.py")
            return 1
        print(f"{page}: {n} cases, up to date")
        return 0
    page.write_text(text)
    print(f"wrote {page}: {n} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
