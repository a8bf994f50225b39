"""Speed and memory of the class-level context-mixing model, beside the order-3 context model.

    python benchmarks/mix_speed.py      # about 5 min on 2 cores

AG News, the first 5,000 training texts and 2,000 test texts: fit seconds, predictions per second
(after a warm-up call, so numba's compiling is not counted) and accuracy, for
``CompressionClassifier("mix")`` learning as it codes each query (``adapt=True``, the default) and
frozen (``adapt=False``), and for ``CompressionClassifier("cm", order=3)`` (the default model) in the
same run. Then UDHR language ID (431 classes): fit, predict and the peak resident memory of a fresh
process that fits and predicts with ``"mix"``. All on ``n_jobs=-1``. Wall-clock times on a shared
machine drift; the ratios in the same run are the figure to read. Writes mix_speed.json / .md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np

from ncd import CompressionClassifier

from _common import HERE, machine, read_split, seeded_sample, write_results

UDHR_CHILD = """
import json, resource, sys, time
import numpy as np
sys.path.insert(0, {here!r})
from _common import read_split, seeded_sample
from ncd import CompressionClassifier
X, y = read_split("udhr_langid", "train")
Q, yq = seeded_sample(*read_split("udhr_langid", "test"), 1000, 1)
clf = CompressionClassifier("mix", n_jobs=-1)
t = time.perf_counter(); clf.fit(X, y); fit = time.perf_counter() - t
t = time.perf_counter(); acc = float(np.mean(clf.predict(Q) == np.asarray(yq))); pred = time.perf_counter() - t
print(json.dumps({{"classes": len(clf.classes_), "train_texts": len(X), "train_bytes": sum(len(x.encode()) for x in X),
                  "test_texts": len(Q), "fit_seconds": fit, "texts_per_second": len(Q) / pred, "accuracy": acc,
                  "model_mib": sum(m._mix.nbytes for m in clf._models) / 2**20,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def ag_news():
    X, y = read_split("ag_news", "train", 5000)
    Q, yq = seeded_sample(*read_split("ag_news", "test"), 2000, 1)
    yq = np.asarray(yq, dtype=object)
    rows = {}
    for name, params in {"cm3": {"model": "cm", "order": 3}, "mix (adapt)": {"model": "mix", "adapt": True},
                         "mix (frozen)": {"model": "mix", "adapt": False}}.items():
        clf = CompressionClassifier(**params, n_jobs=-1)
        clf.fit(X[:50], y[:50]).predict(Q[:10])  # compile first
        t = time.perf_counter()
        clf.fit(X, y)
        fit = time.perf_counter() - t
        t = time.perf_counter()
        acc = float(np.mean(clf.predict(Q) == yq))
        rows[name] = {"fit_seconds": fit, "texts_per_second": len(Q) / (time.perf_counter() - t), "accuracy": acc}
        print(name, rows[name], flush=True)
    return {"train_texts": len(X), "test_texts": len(Q), "rows": rows}


def udhr():
    out = subprocess.run([sys.executable, "-c", UDHR_CHILD.format(here=str(HERE))], capture_output=True, text=True,
                         check=True, cwd=HERE)
    return json.loads(out.stdout.strip().splitlines()[-1])


def markdown(result):
    ag = result["ag_news"]
    base = ag["rows"]["cm3"]
    lines = ["# Class-level context mixing: speed and memory", "",
             f"`python benchmarks/mix_speed.py`: AG News, {ag['train_texts']:,} training texts and {ag['test_texts']:,} "
             "test texts, `n_jobs=-1`, after a warm-up call (numba's compiling not counted).", "",
             "| class models | fit (s) | predictions per second | against cm3 | accuracy |", "|---|---|---|---|---|"]
    for name, r in ag["rows"].items():
        lines.append(f"| {name} | {r['fit_seconds']:.1f} | {r['texts_per_second']:,.0f} | "
                     f"{r['texts_per_second'] / base['texts_per_second']:.2f}x | {r['accuracy']:.3f} |")
    u = result["udhr"]
    lines += ["", f"UDHR language ID with `\"mix\"` ({u['classes']} classes, {u['train_texts']:,} training texts, "
              f"{u['train_bytes'] / 2**20:.1f} MiB), in a fresh process: fit {u['fit_seconds']:.1f} s, "
              f"{u['texts_per_second']:.1f} predictions per second, accuracy {u['accuracy']:.3f} on {u['test_texts']:,} "
              f"test texts; the class models hold {u['model_mib'] / 1024:.2f} GiB, peak resident memory "
              f"{u['peak_rss_mib'] / 1024:.2f} GiB.", "",
              f"Run time {result['seconds'] / 60:.1f} min; machine: {result['machine']['cores']} cores (shared), {result['machine']['cpu']}."]
    return "\n".join(lines) + "\n"


def main():
    began = time.perf_counter()
    result = {"machine": machine(), "ag_news": ag_news(), "udhr": udhr()}
    result["seconds"] = time.perf_counter() - began
    write_results("mix_speed", result, markdown(result))


if __name__ == "__main__":
    main()
