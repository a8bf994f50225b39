"""The Dask backend on a LocalCluster against the local run: identical results, and wall times.

    python benchmarks/dask_local.py [--data r8] [--compressor lz77 --compressor gzip]

The full train and test splits of a shared data set; NCDClassifier(k=1).kneighbors on the test
texts, locally (all cores in this process) and inside ``ncd.distributed.dask_backend`` on a
LocalCluster of worker processes (one per core, one thread each). Reports both wall times
(the cluster's includes shipping the references and preparing them on every worker) and whether
distances, indices and predictions are identical. Writes dask_local.json/.md.
"""

import argparse
import os
import time

import numpy as np

from ncd import NCDClassifier
from ncd.distributed import dask_backend

from _common import machine, read_split, write_results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="r8")
    parser.add_argument("--compressor", action="append")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    X_train, y_train = read_split(args.data, "train")
    X_test, y_test = read_split(args.data, "test")
    rows = []
    workers = os.cpu_count()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        for cid in args.compressor or ["lz77", "gzip"]:
            clf = NCDClassifier(1, compressor=cid, n_jobs=-1, verbose=0).fit(X_train, y_train)
            clf.kneighbors(X_test[:2])  # compile here, as the workers will on their first block
            with dask_backend(client):
                clf.kneighbors(X_test[:2])
            start = time.perf_counter()
            local = clf.kneighbors(X_test)
            local_s = time.perf_counter() - start
            with dask_backend(client):
                start = time.perf_counter()
                remote = clf.kneighbors(X_test)
                remote_s = time.perf_counter() - start
            pred_local = np.asarray(y_train, dtype=object)[local[1][:, 0]]
            rows.append({"compressor": cid, "train": len(X_train), "test": len(X_test),
                         "local_seconds": local_s, "dask_seconds": remote_s,
                         "identical_distances": bool(np.array_equal(local[0], remote[0])),
                         "identical_indices": bool(np.array_equal(local[1], remote[1])),
                         "accuracy_k1": float(np.mean(pred_local == np.asarray(y_test, dtype=object)))})
            print(rows[-1], flush=True)
    result = {"benchmark": "dask_local", "machine": machine(), "data": args.data, "workers": workers,
              "results": rows}
    lines = ["# Dask LocalCluster against the local run", "", "`python benchmarks/dask_local.py`", "",
             f"{args.data}, full splits; LocalCluster of {workers} worker processes x 1 thread on this machine. "
             "The Dask time includes scattering the references and preparing them on every worker.", "",
             "| compressor | train x test | local s | Dask s | identical distances | identical indices | k=1 accuracy |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['compressor']} | {r['train']:,} x {r['test']:,} | {r['local_seconds']:.1f} | "
              f"{r['dask_seconds']:.1f} | {'yes' if r['identical_distances'] else 'NO'} | "
              f"{'yes' if r['identical_indices'] else 'NO'} | {r['accuracy_k1']:.4f} |" for r in rows]
    m = result["machine"]
    lines += ["", f"Machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}.", ""]
    write_results("dask_local", result, "\n".join(lines))


if __name__ == "__main__":
    main()
