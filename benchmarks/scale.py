"""The 120,000 x 7,600 top-k job: wall time, pairs/s and peak memory.

    python benchmarks/scale.py                          # lz77, the full job
    python benchmarks/scale.py --compressor lz77:starts=word
    python benchmarks/scale.py --compressor zstd --queries 200   # a prefix of the queries, projected

References: 120,000 texts drawn from every data set in ../shared/data (train and test splits, in
file order, each cut to its first 300 characters so the mix has AG News-like lengths; labels are
not used). Queries: the 7,600 AG News test texts. The job is pairwise_kneighbors(k=1) in blocks
bounded by --working-memory MiB. With --queries N only the first N queries run and the full
job's time is projected from them (labelled as a projection). Writes scale_<compressor>.json/.md.
"""

import argparse
import resource
import time

import numpy as np
import sklearn

from ncd import pairwise_kneighbors

from _common import SHARED_DATA, compressor_spec, machine, read_split, write_results


def reference_texts(n, max_chars=300):
    names = sorted(p.name for p in SHARED_DATA.iterdir() if p.is_dir())
    pool = []
    for name in names:
        for split in ("train", "test"):
            pool += [t[:max_chars] for t in read_split(name, split)[0] if t.strip()]
    if len(pool) < n:
        raise SystemExit(f"only {len(pool)} texts in {SHARED_DATA}; need {n}")
    rng = np.random.default_rng(0)
    return [pool[i] for i in np.sort(rng.choice(len(pool), size=n, replace=False))], names


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compressor", default="lz77", help="an id, or ID:KEY=VALUE (lz77:starts=word)")
    parser.add_argument("--references", type=int, default=120_000)
    parser.add_argument("--queries", type=int, default=7_600)
    parser.add_argument("--working-memory", type=float, default=64.0, help="MiB per block (default 64)")
    args = parser.parse_args()
    refs, sources = reference_texts(args.references)
    queries = read_split("ag_news", "test")[0]
    full_queries = len(queries)
    queries = queries[: args.queries]
    compressor = compressor_spec(args.compressor)
    pairwise_kneighbors(["warm up"], ["the compiler", "once"], compressor=compressor)
    start = time.perf_counter()
    with sklearn.config_context(working_memory=args.working_memory):
        dist, ind = pairwise_kneighbors(queries, refs, n_neighbors=1, compressor=compressor, n_jobs=-1,
                                        verbose=1)
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_pairs = len(queries) * len(refs)
    full_pairs = full_queries * len(refs)
    result = {
        "benchmark": "scale",
        "machine": machine(),
        "compressor": args.compressor,
        "references": len(refs),
        "reference_sources": sources,
        "mean_reference_bytes": float(np.mean([len(t.encode()) for t in refs])),
        "queries_run": len(queries),
        "pairs": n_pairs,
        "seconds": seconds,
        "pairs_per_s": n_pairs / seconds,
        "peak_rss_mib": peak_mib,
        "working_memory_mib": args.working_memory,
        "full_job_seconds": seconds if len(queries) == full_queries else None,
        "projected_full_job_seconds": full_pairs / (n_pairs / seconds),
    }
    what = ("the full job" if len(queries) == full_queries
            else f"the first {len(queries):,} of {full_queries:,} queries; full job PROJECTED")
    md = (
        f"# Scale: {len(refs):,} references x {full_queries:,} queries, top-1, {args.compressor}\n\n"
        f"`python benchmarks/scale.py --compressor {args.compressor}"
        f"{'' if len(queries) == full_queries else f' --queries {len(queries)}'}`\n\n"
        f"Ran {what}: {n_pairs:,} pairs in {seconds:,.0f} s = {n_pairs / seconds:,.0f} pairs/s; "
        f"full job {result['projected_full_job_seconds'] / 60:,.1f} min; peak RSS {peak_mib:,.0f} MiB "
        f"(working_memory {args.working_memory:g} MiB). References: mean {result['mean_reference_bytes']:.0f} "
        f"bytes, from {', '.join(sources)}. Machine: {result['machine']['cores']} cores, "
        f"{result['machine']['cpu']}.\n"
    )
    write_results("scale_" + args.compressor.replace(":", "_").replace("=", "-").replace(",", "_"), result, md)


if __name__ == "__main__":
    main()
