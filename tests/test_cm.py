"""The pairwise context-model compressor ("cm") against its definition, and as a compressor."""

import math
import random
from collections import defaultdict

import numpy as np
import pytest

from ncd import NCDClassifier, pairwise_distances
from ncd.compressors import NO_COMPILED_PATH, CMCompressor, get_compressor


def reference_conditional(x, z, order):
    """Bits of z coded adaptively (contexts within z), with x's counts added at every order."""
    def ctx(data, i, o):
        return bytes(data[i - d] if i - d >= 0 else 0 for d in range(o, 0, -1))

    def count_into(counts, totals, distinct, data, i):
        for o in range(order + 1):
            c = ctx(data, i, o)
            if counts[(o, c, data[i])] == 0:
                distinct[(o, c)] += 1
            counts[(o, c, data[i])] += 1
            totals[(o, c)] += 1

    X, Xn, Xu = defaultdict(int), defaultdict(int), defaultdict(int)
    for i in range(len(x)):
        count_into(X, Xn, Xu, x, i)
    Z, Zn, Zu = defaultdict(int), defaultdict(int), defaultdict(int)
    bits = 0.0
    for i in range(len(z)):
        p = 1 / 256
        for o in range(order + 1):
            c = ctx(z, i, o)
            n = Xn[(o, c)] + Zn[(o, c)]
            if n == 0:
                break
            u = Xu[(o, c)] + Zu[(o, c)]
            p = (X[(o, c, z[i])] + Z[(o, c, z[i])] + u * p) / (n + u)
        bits -= math.log2(p)
        count_into(Z, Zn, Zu, z, i)
    return bits


def _texts(n, seed, lo=0, hi=80):
    rng = random.Random(seed)
    words = b"the cat dog sat ran market fell rose on a in park mat stocks bank rates".split()
    return [b" ".join(rng.choice(words) for _ in range(rng.randrange(lo, hi) // 4)) for _ in range(n)]


@pytest.mark.parametrize("order", [0, 1, 3])
def test_lengths_equal_the_definition(order):
    cm = CMCompressor(order=order)
    xs = _texts(8, 1) + [b"", b"\x00\xff", bytes(range(256))]
    ys = _texts(10, 2) + [b"", b"a"]
    np.testing.assert_allclose(cm.code_lengths(xs), [reference_conditional(b"", x, order) for x in xs], rtol=1e-12)
    for x in xs:
        want = [reference_conditional(b"", x, order) + reference_conditional(x, b" " + y, order) for y in ys]
        np.testing.assert_allclose(cm.joint_code_lengths(x, ys, b" "), want, rtol=1e-12)
        want = [reference_conditional(b"", y, order) + reference_conditional(y, b" " + x, order) for y in ys]
        np.testing.assert_allclose(cm.joint_code_lengths(x, ys, b" ", reverse=True), want, rtol=1e-12)


@pytest.mark.parametrize("metric", ["ncd", "ncd_sym"])
def test_compiled_block_path_equals_the_row_path(metric, monkeypatch):
    xs, ys = _texts(25, 3, hi=200), _texts(60, 4, hi=200)
    compiled = pairwise_distances(xs, ys, compressor="cm", metric=metric, n_jobs=2)
    monkeypatch.setattr(CMCompressor, "_prepare_refs", lambda self, ys, sep, n: NO_COMPILED_PATH)
    rows = pairwise_distances(xs, ys, compressor="cm", metric=metric, n_jobs=2)
    np.testing.assert_allclose(compiled, rows, rtol=1e-12)


def test_empty_and_novel_input():
    cm = CMCompressor()
    assert cm.code_length(b"") == 0.0
    # nothing repeats: every byte is new and pays Witten-Bell's escape, about 9 bits instead of 8
    assert 8 * 256 < cm.code_length(bytes(range(256))) <= 9 * 256 + 8


def test_estimator_and_settings():
    X = ["the cat sat on the mat", "stocks fell on the bank news", "a dog sat on a log", "markets rose as rates fell"]
    y = ["pets", "markets", "pets", "markets"]
    clf = NCDClassifier(compressor="cm").fit(X, y)
    assert clf.predict(["the cat sat", "the markets fell"]).tolist() == ["pets", "markets"]
    assert get_compressor({"id": "cm", "order": 2}).order == 2
    with pytest.raises(ValueError, match=r"The 'order' parameter of CMCompressor must be an int in the range \[0, 6\]"):
        CMCompressor(order=9).code_length(b"x")


def test_every_accepted_order_keeps_distinct_contexts_apart():
    """Contexts that differ only in their oldest byte have their own counts at every order the model
    accepts (up to commit ceff704, order 7 was accepted and such contexts shared a table key)."""
    checked = 0
    for order in range(0, 9):
        cm = CMCompressor(order=order)
        try:
            cm.code_length(b"x")
        except ValueError:
            continue
        # the symbol at index `order` has context x[:order] or z[:order]: the oldest bytes differ by one bit
        for first in (b"c", b"\xe1"):
            x = b"abcdefgh"[: order + 1]
            z = first + x[1:order] + b"X" if order else b"X"
            want = cm.code_length(x) + reference_conditional(x, z, order)
            assert cm.joint_code_lengths(x, [z], b"")[0] == pytest.approx(want, rel=1e-12), (order, first)
        checked += 1
    assert checked == 7  # orders 0 to 6
