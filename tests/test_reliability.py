"""Faults: Ctrl-C during a long job, a read-only numba cache, very long documents, no network."""

import os
import subprocess
import sys
import textwrap

import pytest

from _helpers import interrupt

LONG_JOB = textwrap.dedent("""
    import random, sys, threading, time
    from ncd import NCDClassifier
    rng = random.Random(0)
    words = "the of and a to in market stocks rose fell bank rates oil prices team won lost game".split()
    texts = [" ".join(rng.choice(words) for _ in range(40)) for _ in range(4000)]
    clf = NCDClassifier(compressor=sys.argv[1], n_jobs=2).fit(texts, [i % 4 for i in range(4000)])
    print("ready", flush=True)
    try:
        clf.predict(texts)  # minutes of work
        print("finished", flush=True)
    except KeyboardInterrupt:
        time.sleep(0.05)
        print("interrupted threads=%d" % threading.active_count(), flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
# the compiled path, and the thread-pool path interrupted in its first row block and later on
@pytest.mark.parametrize("compressor, delay", [("gzip", 2.0), ("bz2", 0.5), ("bz2", 2.0)])
def test_ctrl_c_stops_a_long_predict_within_a_second(compressor, delay):
    line, reacted, stderr = interrupt(["-c", LONG_JOB, compressor], delay)
    assert line == "interrupted threads=1", (line, stderr)  # no worker thread left behind
    assert reacted < 1.0, reacted


BIG_QUERY_JOB = textwrap.dedent("""
    import random, sys, threading, time
    from ncd import NCDClassifier
    rng = random.Random(0)
    words = "the of and a to in market stocks rose fell bank rates oil prices team won lost game".split()
    texts = [" ".join(rng.choice(words) for _ in range(40)) for _ in range(3000)]
    big = [" ".join(rng.choice(words) for _ in range(200_000))[:1_000_000] for _ in range(2)]
    clf = NCDClassifier(compressor="zstd", n_jobs=2).fit(texts, [i % 4 for i in range(3000)])
    print("ready", flush=True)
    try:
        clf.predict(big)  # two 1 MB queries: a row of 3000 pairs takes about 15 s
        print("finished", flush=True)
    except KeyboardInterrupt:
        time.sleep(0.05)
        print("interrupted threads=%d" % threading.active_count(), flush=True)
""")

CLASS_LEVEL_JOB = textwrap.dedent("""
    import random, sys, threading, time
    from ncd import CompressionClassifier
    rng = random.Random(0)
    words = "the of and a to in market stocks rose fell bank rates oil prices team won lost game".split()
    texts = [" ".join(rng.choice(words) for _ in range(8)) for _ in range(2000)]
    clf = CompressionClassifier("cm", n_jobs=2).fit(texts, [i % 4 for i in range(2000)])
    queries = [t.encode() for t in texts] * 1000  # two million texts, about 6 s a class on 2 threads
    print("ready", flush=True)
    try:
        clf.predict(queries)
        print("finished", flush=True)
    except KeyboardInterrupt:
        time.sleep(0.05)
        print("interrupted threads=%d" % threading.active_count(), flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
# the signal comes once the compiled scoring has started (validating and packing 2 M texts takes a second or two)
@pytest.mark.parametrize("job, delay", [("a 1 MB query with zstd", 1.5),
                                        ("CompressionClassifier('cm') on 2 M texts", 5.0)])
def test_ctrl_c_stops_long_rows_and_class_models_within_a_second(job, delay):
    script = BIG_QUERY_JOB if job.startswith("a 1 MB") else CLASS_LEVEL_JOB
    line, reacted, stderr = interrupt(["-c", script], delay, wait=60)
    assert line == "interrupted threads=1", (line, stderr)  # no worker thread left behind
    print(f"{job}: stopped {reacted:.2f} s after the signal")
    assert reacted < 1.0, reacted


@pytest.mark.parametrize("how", ["read-only directory", "path through a file"])
def test_unwritable_numba_cache_still_works_and_warns(tmp_path, how):
    if how == "read-only directory":
        cache = tmp_path / "cache"
        cache.mkdir()
        cache.chmod(0o500)
        if os.access(cache, os.W_OK):  # running as root: permissions are not enforced
            pytest.skip("cannot make a read-only directory here (running as root); the other case covers it")
    else:
        (tmp_path / "file").write_text("")
        cache = tmp_path / "file" / "cache"  # cannot be created, even by root
    script = ("from ncd import pairwise_kneighbors\n"
              "print(pairwise_kneighbors(['the cat sat'], ['a cat sat', 'stocks fell'], compressor='lz77')[1].tolist())")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    if how == "read-only directory":
        cache.chmod(0o700)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[[0]]"
    assert "RuntimeWarning: NUMBA_CACHE_DIR=" in done.stderr and "cannot be written" in done.stderr


def test_a_ten_megabyte_document_works_and_warns_about_the_window():
    from ncd import NCDClassifier
    from ncd.distance import CompressionWindowWarning

    big = ("the market rose as the bank cut rates " * 270_000)[:10_000_000]
    clf = NCDClassifier(compressor="zstd").fit([big, "stocks fell"], ["long", "short"])
    with pytest.warns(CompressionWindowWarning, match="looks back at most"):
        assert clf.predict(["the market rose"]).tolist() in (["long"], ["short"])


def test_nothing_touches_the_network_at_import_or_in_use():
    script = textwrap.dedent("""
        import socket
        def refuse(*args, **kwargs):
            raise AssertionError("network access: %r" % (args,))
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        import ncd, ncd.datasets, ncd.scaling, ncd.distributed
        from ncd import NCDClassifier
        ds = ncd.datasets.load_dataset()
        clf = NCDClassifier(compressor="zstd").fit(ds.X_train[:50], ds.y_train[:50])
        print(clf.predict(ds.X_test[:3]).shape)
    """)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(3,)"


def test_the_test_suite_itself_refuses_the_network():
    import socket

    with pytest.raises(AssertionError, match="a test tried to reach the network"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)  # TEST-NET-1: refused before any packet


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -float("inf")])
def test_a_working_memory_that_is_not_finite_is_refused_by_name(value):
    import sklearn

    from ncd import NCDClassifier, pairwise_distances

    texts = ["the cat sat", "stocks fell", "a dog ran"]
    with pytest.raises(ValueError, match=r"'working_memory' parameter of pairwise_distances must be a "
                                         r"positive, finite"):
        pairwise_distances(texts, working_memory=value)
    fitted = NCDClassifier().fit(texts, [0, 1, 0])
    with sklearn.config_context(working_memory=value):  # what an estimator follows
        with pytest.raises(ValueError, match=r"working_memory setting, which NCDClassifier follows, must be a "
                                             r"positive, finite"):
            fitted.predict(texts)


OFFLINE_HUB_CALL = textwrap.dedent("""
    import errno, socket, sys, time
    def unreachable(*args, **kwargs):
        raise OSError(errno.ENETUNREACH, "Network is unreachable")  # what a machine without a network answers
    socket.socket.connect = unreachable
    socket.create_connection = unreachable
    socket.getaddrinfo = unreachable
    import datasets
    from ncd.datasets import load_dataset
    if sys.argv[1] == "lm":
        import torch, transformers
        from ncd.compressors import get_compressor
    t = time.perf_counter()  # the libraries are imported: only the hub call is timed
    try:
        if sys.argv[1] == "dataset":
            load_dataset("ag_news")
        else:
            get_compressor({"id": "lm", "model": "gpt2"}).code_length(b"x")
    except Exception as exc:
        print("%.1f %s: %s" % (time.perf_counter() - t, type(exc).__name__, exc), flush=True)
""")


@pytest.mark.parametrize("what", ["dataset", "lm"])
def test_hub_names_fail_fast_without_a_network(what, tmp_path):
    # the hub libraries retry for about 25 s before they give up; ncd probes first and then asks the cache only
    if what == "lm":
        pytest.importorskip("torch")
        pytest.importorskip("transformers")
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["HF_HOME"] = str(tmp_path)  # an empty cache
    done = subprocess.run([sys.executable, "-c", OFFLINE_HUB_CALL, what], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    seconds, _, message = done.stdout.partition(" ")
    assert float(seconds) < 8.0, done.stdout
    assert "the hub could not be reached within 3 s" in message.lower(), message
    if what == "dataset":
        assert message.startswith("FileNotFoundError: Could not load 'ag_news' from the Hugging Face hub"), message
        assert "NCD_DATA_DIR" in message
    else:
        assert message.startswith("OSError: LMCompressor could not load 'gpt2'"), message


CLASS_LEVEL_MEMORY = textwrap.dedent("""
    import random, resource
    from ncd import CompressionClassifier
    rng = random.Random(0)
    words = "the of and a to in market stocks rose fell bank rates oil prices team won lost game".split()
    texts = [" ".join(rng.choice(words) for _ in range(40)) for _ in range(20_000)]  # about 4 MB, one class
    CompressionClassifier("cm").fit(["warm up", "x"], [0, 1])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    clf = CompressionClassifier("cm").fit(texts, ["news"] * len(texts))
    rise = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(rise * 1024 // 2**20, clf.predict(texts[:2]).tolist())
""")


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_class_level_cm_memory_follows_the_keys_not_the_bytes():
    # the count table used to reserve room for 8 new keys per training byte before counting (over
    # 1 GB for 4 MB of text with about a thousand distinct keys); now texts are added in small chunks
    done = subprocess.run([sys.executable, "-c", CLASS_LEVEL_MEMORY], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    mib, _, labels = done.stdout.strip().partition(" ")
    assert labels == "['news', 'news']"
    assert int(mib) < 200, f"fit raised the peak memory by {mib} MiB"
