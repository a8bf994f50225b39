"""The numba re-implementation of zlib's deflate length (ncd._native.deflate) against zlib itself.

Every assertion compares with ``zlib.compress`` on the same bytes; the benchmark
``benchmarks/deflate_exact.py`` runs the same comparison on millions of strings.
"""

import gzip
import zlib

import numpy as np
import pytest

from ncd import pairwise_distances
from ncd._native import deflate as _deflate
from ncd._native.deflate import deflate_joint_block, pack

CLASSIC_ZLIB = zlib.ZLIB_RUNTIME_VERSION.startswith(("1.2.", "1.3."))
pytestmark = pytest.mark.skipif(not _deflate.ENABLED, reason="native deflate switched off (NCD_NO_NATIVE_DEFLATE or NCD_NO_NUMBA)")


def _zlib_bytes(texts, level):
    return np.array([len(zlib.compress(t, level, -15)) for t in texts])


def _corpus(seed, n):
    return _deflate.synthetic_texts(seed, n, sizes=(0, 1, 2, 3, 4, 7, 30, 150, 500, 1200, 4000))


def test_self_check_passes_on_classic_zlib():
    if not CLASSIC_ZLIB:
        pytest.skip(f"zlib {zlib.ZLIB_RUNTIME_VERSION} is not classic zlib; the library path is used")
    assert _deflate.native_ok()


@pytest.mark.parametrize("level", sorted(_deflate.LEVELS))
def test_lengths_equal_zlib(level):
    texts = _corpus(level, 1500)
    np.testing.assert_array_equal(_deflate.native_lengths(texts, level, n_threads=2), _zlib_bytes(texts, level))


def test_edge_cases_equal_zlib():
    texts = [b"", b"\x00", b"ab", b"abc", b"abcabc", b"a" * 258, b"a" * 259, b"a" * 3000,
             bytes(range(256)), b"xy" * 8000, b"z" * _deflate.MAX_NATIVE]
    for level in _deflate.LEVELS:
        np.testing.assert_array_equal(_deflate.native_lengths(texts, level), _zlib_bytes(texts, level))


def _too_far_text(rng, distance, k=40):
    """k distinct 3-byte strings, noise, and the same k strings again, each repeat a match
    of exactly 3 bytes reaching back `distance` bytes."""
    triples = [bytes(rng.integers(100, 200, 3, dtype=np.uint8)) for _ in range(k)]
    noise = rng.integers(0, 100, distance - 4 * k, dtype=np.uint8).tobytes()
    return b"".join(t + b"\xff" for t in triples) + noise + b"".join(t + b"\xfe" for t in triples)


def test_three_byte_matches_around_too_far():
    # zlib drops a match of length 3 that reaches back more than 4096 bytes (TOO_FAR)
    rng = np.random.default_rng(5)
    texts = [_too_far_text(rng, d) for d in list(range(3990, 4010)) + list(range(4090, 4105))]
    for level in _deflate.LEVELS:
        np.testing.assert_array_equal(_deflate.native_lengths(texts, level), _zlib_bytes(texts, level))


def test_longer_than_the_native_limit_is_flagged():
    texts = [b"a" * (_deflate.MAX_NATIVE + 1), b"abc"]
    assert _deflate.native_lengths(texts, 9).tolist() == [-1, len(zlib.compress(b"abc", 9, -15))]


@pytest.mark.parametrize("separator", [b" ", b"", b"\x00\x00\x00"])
def test_prefix_replay_equals_zlib_on_every_pair(separator):
    xs = _corpus(11, 40) + [b"the market rose", b"the market rose "]
    ys = _corpus(12, 40) + [b"the market rose", b" the market", b""]
    for level in (4, 6, 9):
        got = _deflate.native_joint(pack(xs), pack(ys), separator, level)
        want = np.array([_zlib_bytes([x + separator + y for y in ys], level) for x in xs])
        np.testing.assert_array_equal(got, want, err_msg=f"level {level}")


@pytest.mark.parametrize("wbits", [31, 15, -15])
@pytest.mark.parametrize("reverse", [False, True])
def test_joint_block_with_containers_and_libz_fallback(wbits, reverse):
    xs = [b"stocks fell on monday", b"q" * 9000, b""]
    ys = [b"stocks rose on tuesday", b"r" * 9000, b"the bank cut rates"]  # q*9000 + r*9000 is too long
    got = deflate_joint_block(xs, pack(ys), b" ", 9, wbits, reverse=reverse, n_threads=2)
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            pair = (y + b" " + x) if reverse else (x + b" " + y)
            obj = zlib.compressobj(9, zlib.DEFLATED, wbits)
            assert got[i, j] == 8 * len(obj.compress(pair) + obj.flush()), (i, j)


def test_gzip_distances_equal_the_naive_computation():
    rng = np.random.default_rng(3)
    words = "the cat dog sat ran market fell rose on a in park mat stocks bank rates".split()
    X = [" ".join(rng.choice(words, int(rng.integers(0, 40)))) for _ in range(30)]
    Y = [" ".join(rng.choice(words, int(rng.integers(0, 40)))) for _ in range(50)]
    c = {t: len(gzip.compress(t.encode(), 9, mtime=0)) for t in X + Y}
    want = np.array([[(len(gzip.compress((x + " " + y).encode(), 9, mtime=0)) - min(c[x], c[y])) / max(c[x], c[y])
                      for y in Y] for x in X])
    for metric_args in ({}, {"n_jobs": 2}):
        np.testing.assert_array_equal(pairwise_distances(X, Y, compressor="gzip", **metric_args), want)
