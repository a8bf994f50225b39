"""What every benchmark shares: the machine, the data, and writing results beside the script."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED_DATA = Path(os.environ.get("NCD_SHARED_DATA", HERE.parents[1] / "shared" / "data"))


def machine() -> dict:
    import numpy
    import sklearn

    import ncd

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "ncd": ncd.__version__,
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def read_split(name: str, split: str, limit: int | None = None):
    """Texts and labels of one split of a data set in ../shared/data (first ``limit`` of them)."""
    from ncd.datasets import load_dataset

    if not (SHARED_DATA / name).is_dir():
        raise SystemExit(
            f"{SHARED_DATA / name} not found: the benchmarks read the real data sets from ../shared/data "
            "(or the folder named by NCD_SHARED_DATA)."
        )
    ds = load_dataset(SHARED_DATA / name)
    texts, labels = (ds.X_train, ds.y_train) if split == "train" else (ds.X_test, ds.y_test)
    return texts[:limit], labels[:limit]


def seeded_sample(X, y, n, seed):
    """The first n texts of a seeded permutation, in file order (all of them, in order, when n is None or
    at least len(X)): the test samples of paper_table, class_vs_linear and few_shot."""
    import numpy as np

    if n is None or n >= len(X):
        return list(X), list(y)
    keep = np.sort(np.random.default_rng(seed).permutation(len(X))[:n])
    return [X[i] for i in keep], [y[i] for i in keep]


def relative_bpb(bits, texts):
    """Code lengths (texts x classes, bits) as bits per byte (UTF-8; at least 1 byte) minus each row's minimum:
    what ``CodeLengthClassifier`` sums with ``combine="sum"``, for the benchmarks that sum many subsets of
    models from one scoring of each."""
    import numpy as np

    n = np.maximum([len(t.encode("utf-8")) if isinstance(t, str) else len(t) for t in texts], 1)
    bpb = bits / np.asarray(n, dtype=float)[:, None]
    return bpb - bpb.min(axis=1, keepdims=True)


def mean_interval(values) -> tuple[float, float]:
    """Mean and half-width of its 95% t-interval over repeated trials (NaN with one trial)."""
    import numpy as np
    from scipy import stats

    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return float(values.mean()), float("nan")
    return float(values.mean()), float(stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size))


def write_results(stem: str, result: dict, markdown: str) -> None:
    (HERE / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n")
    (HERE / f"{stem}.md").write_text(markdown)
    print(json.dumps(result, indent=2))


def compressor_spec(name: str):
    """A compressor named on the command line: an id, or an id with settings, ``lz77:starts=word``
    (comma-separated; digits become ints). Returns what ``compressor=`` takes."""
    cid, _, settings = name.partition(":")
    if not settings:
        return cid
    spec = {"id": cid}
    for item in settings.split(","):
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"bad compressor setting {item!r} in {name!r}: expected KEY=VALUE, as in lz77:starts=word")
        spec[key] = int(value) if value.isdigit() else value
    return spec
