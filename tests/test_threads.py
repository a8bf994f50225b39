"""Threads and processes around the compiled kernels: numba's threading layers, fork, the lock.

Each case runs in a child interpreter with a timeout: a layer that aborts the process or a pool that
waits forever fails the test, not the suite.
"""

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and numba's OpenMP layer are POSIX matters")

SETUP = textwrap.dedent("""
    import random, sys, threading
    import numpy as np
    from ncd import NCDClassifier, CompressionClassifier
    rng = random.Random(0)
    words = "the of and a to in market stocks rose fell bank rates oil prices team won lost game".split()
    texts = [" ".join(rng.choice(words) for _ in range(30)) for _ in range(400)]
    labels = [i % 4 for i in range(400)]
    models = {name: NCDClassifier(compressor=name, n_jobs=2).fit(texts[:300], labels[:300])
              for name in ("lz77", "cm", "gzip")}
    models["class-cm"] = CompressionClassifier("cm", n_jobs=2).fit(texts[:300], labels[:300])
    queries = texts[300:]
""")


def _run(script, env_update, timeout=240):
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_THREADING_LAYER"}
    env.update(env_update)
    try:
        return subprocess.run([sys.executable, "-c", SETUP + textwrap.dedent(script)], env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the child did not finish in {timeout} s (a hang); stderr: {exc.stderr!r}")


def test_two_threads_predicting_with_one_estimator_under_workqueue():
    # numba's workqueue layer (its fallback without OpenMP or TBB) aborts the process when two
    # threads launch parallel code at once: ncd's kernels must take turns under it
    done = _run("""
        import numba
        expected = {name: clf.predict(queries).tolist() for name, clf in models.items()}
        results, errors = {}, []
        def work(t):
            try:
                for _ in range(3):
                    for name, clf in models.items():
                        results.setdefault((t, name), []).append(clf.predict(queries).tolist())
            except BaseException as exc:
                errors.append(repr(exc))
        threads = [threading.Thread(target=work, args=(t,)) for t in range(2)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert not errors, errors
        assert all(r == expected[name] for (t, name), rs in results.items() for r in rs)
        print(numba.threading_layer(), len(results), flush=True)
    """, {"NUMBA_THREADING_LAYER": "workqueue"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["workqueue", "8"]


def test_a_forked_pool_after_predict_finishes():
    # GNU OpenMP, numba's default layer on Linux without TBB, kills a child forked after a parallel
    # call when the child runs parallel code, and multiprocessing.Pool then waits forever
    done = _run("""
        import multiprocessing
        expected = {name: clf.predict(queries).tolist() for name, clf in models.items()}
        def work(name):
            return models[name].predict(queries).tolist()
        with multiprocessing.get_context("fork").Pool(2) as pool:
            got = pool.map_async(work, list(models)).get(timeout=120)
        assert got == [expected[name] for name in models]
        print("same", flush=True)
    """, {})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["same"]


def test_a_fork_under_gnu_openmp_chosen_by_the_user_fails_fast():
    # a layer the user chose is kept; under GNU OpenMP a forked child gets a clear error, not death
    probe = subprocess.run([sys.executable, "-c", "from numba.np.ufunc import omppool; print(omppool.openmp_vendor)"],
                           capture_output=True, text=True, timeout=60)
    if probe.stdout.strip() != "GNU":
        pytest.skip("numba's omp layer here is not GNU OpenMP")
    done = _run("""
        import multiprocessing
        models["cm"].predict(queries)
        def work(name):
            return models[name].predict(queries).tolist()
        with multiprocessing.get_context("fork").Pool(1) as pool:
            try:
                pool.apply_async(work, ("cm",)).get(timeout=120)
            except RuntimeError as exc:
                print("error:", exc, flush=True)
    """, {"NUMBA_THREADING_LAYER": "omp"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "error: This process was forked from one that had started numba's GNU OpenMP threading layer" in done.stdout
    assert "'spawn'" in done.stdout
