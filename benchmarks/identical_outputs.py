"""Identical outputs across a refactor: distances and predictions of every compressor and metric.

On fixed samples of three shared data sets (the first 48 training and 24 test texts of AG News,
R8 and SMS spam), this computes, for every registered compressor but ``lm`` (it needs a trained
network; ``tests/test_lm.py`` covers it) and every metric, the full distance matrix, the 3 nearest
neighbours and the k=3 predictions of ``NCDClassifier``, plus the code lengths and predictions of
``CompressionClassifier`` for each class-level model. Each array is reduced to a SHA-256 digest of
its exact bytes, so any difference, even in the last bit, shows.

    python benchmarks/identical_outputs.py --write old.json      # at the previous commit
    python benchmarks/identical_outputs.py --against old.json    # at the new one: 0 differences

Only the public API is used, so the same script runs on both sides of a refactor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time

import numpy as np

from _common import HERE, machine, read_split

SETS = ("ag_news", "r8", "sms_spam")
METRICS = ("ncd", "ncd_sym", "cdm", "clm", "conditional")


def _digest(array) -> str:
    array = np.asarray(array)
    if array.dtype.kind in "US":
        array = array.astype(str).astype(object)
        return hashlib.sha256("\x00".join(array.tolist()).encode()).hexdigest()
    return hashlib.sha256(np.ascontiguousarray(array).tobytes() + str(array.dtype).encode()).hexdigest()


def digests() -> dict[str, str]:
    from ncd import CompressionClassifier, NCDClassifier, available_compressors, pairwise_distances, pairwise_kneighbors

    out = {}
    ids = [c for c in available_compressors() if c != "lm"]
    for name in SETS:
        X, y = read_split(name, "train", 48)
        Q, _ = read_split(name, "test", 24)
        for cid in ids:
            for metric in METRICS:
                key = f"{name}/{cid}/{metric}"
                out[key + "/distances"] = _digest(pairwise_distances(Q, X, compressor=cid, metric=metric, n_jobs=2))
                dist, ind = pairwise_kneighbors(Q, X, n_neighbors=3, compressor=cid, metric=metric, n_jobs=2)
                out[key + "/kneighbors"] = _digest(np.concatenate([dist, ind.astype(float)], axis=1))
            clf = NCDClassifier(3, compressor=cid, n_jobs=2).fit(X, y)
            out[f"{name}/{cid}/predict_k3"] = _digest(clf.predict(Q))
        for model in ("zstd", "cm"):
            clf = CompressionClassifier(model, n_jobs=2).fit(X, y)
            out[f"{name}/class_level_{model}/code_lengths"] = _digest(clf.code_lengths(Q))
            out[f"{name}/class_level_{model}/predict"] = _digest(clf.predict(Q))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", metavar="FILE", help="store the digests here")
    group.add_argument("--against", metavar="FILE", help="compare with digests stored by --write")
    parser.add_argument("--report", default=str(HERE / "identical_outputs.json"),
                        help="where --against writes its report (default: beside this script)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    now = digests()
    seconds = time.perf_counter() - began
    if args.write:
        with open(args.write, "w") as f:
            json.dump({"machine": machine(), "digests": now}, f, indent=1, sort_keys=True)
        print(f"{len(now)} digests written to {args.write} in {seconds:.0f} s")
        return 0
    with open(args.against) as f:
        before = json.load(f)["digests"]
    differ = sorted(k for k in before.keys() & now.keys() if before[k] != now[k])
    only_before = sorted(before.keys() - now.keys())
    only_now = sorted(now.keys() - before.keys())
    report = {"machine": machine(), "compared": len(before.keys() & now.keys()), "differences": len(differ),
              "differing": differ, "only_before": only_before, "only_now": only_now, "seconds": round(seconds, 1)}
    with open(args.report, "w") as f:
        json.dump(report, f, indent=1)
    print(f"compared {report['compared']} arrays: {len(differ)} differences"
          + (f"; only before: {len(only_before)}; only now: {len(only_now)}" if only_before or only_now else ""))
    for k in differ[:20]:
        print("  differs:", k)
    return 1 if differ or only_before else 0


if __name__ == "__main__":
    sys.exit(main())
