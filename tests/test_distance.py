"""Distances: the formulas, the drivers against a naive loop, top-k, blocks and threads."""

import gzip
import random

import numpy as np
import pytest

from ncd.compressors import Compressor
from ncd.distance import (
    METRICS,
    cdm,
    clm,
    code_lengths,
    conditional_length,
    ncd,
    ncd_sym,
    pairwise_distances,
    pairwise_distances_chunked,
    pairwise_kneighbors,
)

TEXTS_X = ["the cat sat on the mat", "a dog ran in the park", "stocks fell sharply", "", "données brutes ✓"]
TEXTS_Y = [
    "the cat sat",
    "dogs run in parks",
    "markets fell on tuesday",
    "a cat on a mat, sitting",
    b"\xff\xfe raw bytes \x00",
    "the stock market",
]


def _c(text):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return 8 * len(gzip.compress(data, 9, mtime=0))


def _naive(X, Y, metric, sep=b" "):
    """The definition, one pair at a time, three or four compressions per pair."""
    enc = lambda t: t if isinstance(t, bytes) else t.encode("utf-8")  # noqa: E731
    out = np.empty((len(X), len(Y)))
    for i, x in enumerate(X):
        for j, y in enumerate(Y):
            cx, cy = _c(x), _c(y)
            cxy = _c(enc(x) + sep + enc(y))
            cyx = _c(enc(y) + sep + enc(x))
            if metric == "ncd":
                out[i, j] = (cxy - min(cx, cy)) / max(cx, cy)
            elif metric == "ncd_sym":
                out[i, j] = (min(cxy, cyx) - min(cx, cy)) / max(cx, cy)
            elif metric == "cdm":
                out[i, j] = cxy / (cx + cy)
            elif metric == "clm":
                out[i, j] = 1 - (cx + cy - cxy) / cxy
            else:
                out[i, j] = cxy - cx
    return out


# -- formulas ------------------------------------------------------------------------


def test_formulas_by_hand():
    assert ncd(800, 1000, 1200) == pytest.approx(0.4)
    assert ncd(1000, 800, 1200) == pytest.approx(0.4)  # min/max, not x/y
    assert ncd_sym(800, 1000, 1300, 1200) == pytest.approx(0.4)  # the shorter order
    assert cdm(800, 1000, 1200) == pytest.approx(1200 / 1800)
    assert clm(800, 1000, 1200) == pytest.approx(1 - 600 / 1200)
    assert conditional_length(800, 1200) == pytest.approx(400)


def test_clm_is_the_published_definition_not_a_variant():
    cx, cy, cxy = 300.0, 500.0, 700.0
    assert clm(cx, cy, cxy) == pytest.approx(1 - (cx + cy - cxy) / cxy)
    assert clm(cx, cy, cxy) != pytest.approx((cx + cy - cxy) / (cx + cy))


def test_formulas_broadcast_and_survive_zero_lengths():
    cx = np.array([[100.0], [0.0]])
    cy = np.array([[100.0, 0.0]])
    cxy = np.array([[150.0, 100.0], [100.0, 0.0]])
    d = ncd(cx, cy, cxy)
    assert d.shape == (2, 2)
    assert d[1, 1] == 0.0 and np.isfinite(d).all()
    assert np.isfinite(cdm(cx, cy, cxy)).all() and np.isfinite(clm(cx, cy, cxy)).all()


def test_every_metric_is_registered():
    assert set(METRICS) == {"ncd", "ncd_sym", "cdm", "clm", "conditional"}


# -- the drivers against the definition -----------------------------------------------


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_pairwise_equals_the_naive_loop(metric):
    got = pairwise_distances(TEXTS_X, TEXTS_Y, metric=metric)
    np.testing.assert_array_equal(got, _naive(TEXTS_X, TEXTS_Y, metric))


def test_separator_is_used_as_given():
    for sep in ("", " ", "\n\n", b"\x00"):
        sep_b = sep if isinstance(sep, bytes) else sep.encode()
        got = pairwise_distances(TEXTS_X, TEXTS_Y, separator=sep)
        np.testing.assert_array_equal(got, _naive(TEXTS_X, TEXTS_Y, "ncd", sep_b))


def test_y_none_means_x_against_itself():
    d = pairwise_distances(TEXTS_Y)
    assert d.shape == (len(TEXTS_Y), len(TEXTS_Y))
    np.testing.assert_array_equal(d, pairwise_distances(TEXTS_Y, TEXTS_Y))
    assert (np.diag(d)[:-1] < d[:-1, :-1].max(axis=1)).all()  # each text is among its own nearest


def _corpus(n, seed):
    rng = random.Random(seed)
    words = "the cat dog sat ran market fell rose on a in park mat stocks bank rates".split()
    return [" ".join(rng.choice(words) for _ in range(rng.randrange(0, 25))) for _ in range(n)]


@pytest.mark.parametrize("metric", ["ncd", "ncd_sym"])
def test_threads_and_block_sizes_do_not_change_results(metric):
    X, Y = _corpus(37, 1), _corpus(53, 2)
    ref = pairwise_distances(X, Y, metric=metric)
    for n_jobs, wm in [(2, None), (-1, 1e-4), (1, 1e-3), (3, 0.01)]:
        np.testing.assert_array_equal(pairwise_distances(X, Y, metric=metric, n_jobs=n_jobs, working_memory=wm), ref)
    stacked = np.vstack(list(pairwise_distances_chunked(X, Y, metric=metric, working_memory=1e-3, n_jobs=2)))
    np.testing.assert_array_equal(stacked, ref)


def test_chunked_blocks_respect_working_memory():
    X, Y = _corpus(40, 3), _corpus(100, 4)
    blocks = list(pairwise_distances_chunked(X, Y, working_memory=2 * 100 * 8 * 5 / 2**20))
    rows = [b.shape[0] for b in blocks]
    assert sum(rows) == 40 and max(rows) == 5  # never more than working_memory allows
    assert rows[-2] == 5  # fast blocks grow to the bound


def test_kneighbors_equals_a_stable_sort_of_the_full_matrix():
    X, Y = _corpus(30, 5), _corpus(80, 6)
    full = pairwise_distances(X, Y)
    for k in (1, 3, 10, 80):
        dist, ind = pairwise_kneighbors(X, Y, n_neighbors=k, working_memory=1e-3, n_jobs=2)
        expected = np.argsort(full, axis=1, kind="stable")[:, :k]
        np.testing.assert_array_equal(ind, expected)
        np.testing.assert_array_equal(dist, np.take_along_axis(full, expected, axis=1))


def test_equal_distances_come_in_index_order():
    class Constant(Compressor):
        id = None

        def code_length(self, data):
            return 100.0

    dist, ind = pairwise_kneighbors(["q1", "q2"], ["a", "b", "c", "d", "e"], n_neighbors=3, compressor=Constant())
    assert ind.tolist() == [[0, 1, 2], [0, 1, 2]]
    assert (dist == 0).all()


def test_code_lengths_function():
    got = code_lengths(TEXTS_X + TEXTS_Y, compressor="gzip", n_jobs=2)
    assert got.tolist() == [_c(t) for t in TEXTS_X + TEXTS_Y]
    many = _corpus(200, 7)
    np.testing.assert_array_equal(code_lengths(many, n_jobs=2), code_lengths(many))


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"metric": "ncdd"}, ValueError, r"'metric' parameter of pairwise_distances must be one of .*Got 'ncdd'"),
        ({"separator": 3}, TypeError, r"'separator' parameter of pairwise_distances must be a str or bytes.*Got 3"),
        ({"n_jobs": 0}, ValueError, r"'n_jobs' parameter of pairwise_distances .*Got 0"),
        ({"working_memory": -1}, ValueError, r"'working_memory' .*Got -1"),
        ({"compressor": "gzipp"}, ValueError, r"Unknown compressor 'gzipp'. Available:"),
    ],
)
def test_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        pairwise_distances(["a"], ["b"], **kwargs)


@pytest.mark.parametrize(
    "X, error, message",
    [
        ("just one text", ValueError, "Iterable over raw text documents expected, string object received"),
        ([], ValueError, "X is empty"),
        (["ok", None], TypeError, r"X\[1\] is None of type NoneType; every document must be str or bytes"),
        (["ok", 3.5], TypeError, r"X\[1\] is 3.5 of type float"),
        (np.array([["a", "b"]]), ValueError, r"1-D sequence of documents, got an array of shape \(1, 2\)"),
        (None, TypeError, "X is None"),
        (5, TypeError, "X must be a 1-D sequence"),
    ],
)
def test_bad_texts(X, error, message):
    with pytest.raises(error, match=message):
        pairwise_distances(X, ["b"])


def test_mixed_str_bytes_and_empty_documents_are_valid():
    d = pairwise_distances(["", "abc", b"\xff\x00"], ["", b"abc"])
    assert d.shape == (3, 2) and np.isfinite(d).all()
    assert d[1, 1] == pairwise_distances([b"abc"], ["abc"])[0, 0]


def test_too_many_neighbours():
    with pytest.raises(ValueError, match=r"n_neighbors = 3 and len\(Y\) = 2"):
        pairwise_kneighbors(["a"], ["b", "c"], n_neighbors=3)
    with pytest.raises(ValueError, match=r"'n_neighbors' .* range \[1, inf\). Got 0"):
        pairwise_kneighbors(["a"], ["b", "c"], n_neighbors=0)


# -- compressor windows ----------------------------------------------------------------------


def test_windows_of_the_library_compressors():
    from ncd.compressors import get_compressor

    assert get_compressor("gzip").window == 32768 - 262
    assert get_compressor({"id": "bz2", "level": 3}).window == 300_000
    assert get_compressor({"id": "lzma", "preset": 6}).window == 8 << 20
    assert get_compressor({"id": "brotli", "lgwin": 22}).window == (1 << 22) - 16
    assert get_compressor("zstd").window >= 1 << 19
    assert get_compressor("lz77").window is None


def test_a_concatenation_longer_than_the_window_warns_once_per_job():
    import warnings

    from ncd import NCDClassifier
    from ncd.distance import CompressionWindowWarning

    long_text = "the cat sat on the mat " * 2000  # 46 kB
    with pytest.warns(CompressionWindowWarning, match=r"looks back at most 32,506 bytes, but the longest"):
        pairwise_distances([long_text], ["a short one"], compressor="gzip")
    clf = NCDClassifier().fit([long_text, "stocks fell"], ["pets", "markets"])
    with pytest.warns(CompressionWindowWarning):
        clf.predict(["the cat"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to say: within the window, or no window at all
        pairwise_distances(["short"], ["texts"], compressor="gzip")
        pairwise_distances([long_text], ["a short one"], compressor="lz77")
