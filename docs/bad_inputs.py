"""Every bad input we know of, and what ncd answers: writes docs/bad_inputs.md.

    python docs/bad_inputs.py          # rewrite the page
    python docs/bad_inputs.py --check  # exit 1 if the page is not what the code answers now

tests/test_docs.py runs the check, so the page stays true to the code.
"""

import math
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TEXTS = ["the cat sat", "stocks fell", "a dog ran"]
LABELS = ["pets", "markets", "pets"]


def _cases():
    from ncd import NCDClassifier, pairwise_distances
    from ncd.compressors import get_compressor
    from ncd.datasets import few_shot_indices, load_dataset, overlap_report
    from ncd.distributed import dask_backend
    from ncd.scaling import fit_power_law

    fitted = NCDClassifier().fit(TEXTS, LABELS)
    return [
        ("A single string as X", lambda: NCDClassifier().fit("the cat sat", ["pets"])),
        ("None among the texts", lambda: NCDClassifier().fit(["a", None], [0, 1])),
        ("A number among the texts", lambda: NCDClassifier().fit(["a", 3.5], [0, 1])),
        ("No texts at all", lambda: NCDClassifier().fit([], [])),
        ("A 2-D array of texts", lambda: NCDClassifier().fit(np.array([["a", "b"], ["c", "d"]]), [0, 1])),
        ("X and y of different lengths", lambda: NCDClassifier().fit(TEXTS, LABELS[:2])),
        ("None as a label", lambda: NCDClassifier().fit(TEXTS, ["pets", None, "pets"])),
        ("NaN as a label", lambda: NCDClassifier().fit(TEXTS, [1.0, math.nan, 2.0])),
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
        ("predict before fit", lambda: NCDClassifier().predict(["x"])),
        ("A compression level out of range", lambda: get_compressor({"id": "gzip", "level": 12}).code_length(b"x")),
        ("An unknown compressor setting", lambda: get_compressor({"id": "zstd", "levle": 3})),
        ("Empty documents", lambda: pairwise_distances(["", "a"], ["", "b"], compressor="gzip").round(3).tolist()),
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
