"""Property-based tests (hypothesis): arbitrary documents, labels and settings.

Each property runs on the number of generated cases set in ``settings`` below; the
totals are what the closing note of the reliability issue reports.
"""

import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ncd import NCDClassifier, pairwise_distances
from ncd.compressors import get_compressor

LIBRARY = ["gzip", "zlib", "deflate", "bz2", "lzma", "zstd", "brotli", "lz77"]

documents = st.one_of(st.text(max_size=300), st.binary(max_size=300))
# no booleans: True == 1 and hash(True) == hash(1), so they are one label (as in scikit-learn)
labels = st.one_of(st.integers(-3, 3), st.text(max_size=3), st.tuples(st.integers(0, 2)))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


nonempty = st.one_of(st.text(min_size=1, max_size=300), st.binary(min_size=1, max_size=300))


#: Bits a compressor may spend on x + " " + y beyond C(x) + C(y): the separator and a block or two of framing
#: (brotli codes "0" + " " + 47 bytes of binary in 6 bytes more than the two apart). A normal compressor's
#: joint length is subadditive up to such a constant, so NCD <= 1 + SLACK_BITS / max(C(x), C(y)).
SLACK_BITS = 128


@FAST
@given(x=nonempty, y=nonempty, compressor=st.sampled_from(LIBRARY))
@example(x="0", y=b"\x00\x01\x02\x1f)?\x01.(1.\x01\x000).\x01\x00\x00\x00 \x01\x00\x00)\x011.\x01\x000).",
         compressor="brotli")  # NCD 1.214: above the 1.2 this test once assumed for every pair
def test_ncd_is_within_bounds_for_any_documents(x, y, compressor):
    d = pairwise_distances([x], [y], compressor=compressor)[0, 0]
    if compressor == "lz77" and min(len(x), len(y)) < 32:
        # no overhead at all: the separator's 9 bits are a large share of a tiny document's
        # length, and NCD goes up to 2 (documented on LZ77Compressor)
        assert np.isfinite(d) and 0 <= d <= 2.0 + 1e-9
        return
    c = get_compressor(compressor)
    largest = max(c.code_length(t.encode() if isinstance(t, str) else t) for t in (x, y))  # as pairwise encodes
    assert np.isfinite(d) and -0.05 <= d <= 1 + SLACK_BITS / largest, (compressor, x, y, d)


@FAST
@given(x=documents, compressor=st.sampled_from(LIBRARY))
def test_an_empty_document_gives_a_finite_distance(x, compressor):
    # C("") is the compressor's fixed overhead, and C(separator + x) pays for the
    # separator: against an empty document NCD can exceed 1 (brotli: 4 for two empty
    # documents; bz2 writes 14 bytes for "" but 37 for any other input). Finite, never negative.
    d = pairwise_distances([""], [x], compressor=compressor)[0, 0]
    assert np.isfinite(d) and d >= 0


def test_bz2_empty_document():
    assert get_compressor("bz2").code_length(b"") == 14 * 8
    assert get_compressor("bz2").code_length(b" ") == 37 * 8
    assert pairwise_distances([""], [""], compressor="bz2")[0, 0] == pytest.approx(23 / 14)


#: How many bits C(x + x) may fall below C(x): a compressor's fixed overheads (16), except where a
#: model's own rule says more. lz77 copies at least 4 bytes, so 4 equal bytes cost four 9-bit literals
#: (36 bits) where 8 cost a literal and one copy (15 bits): 21 bits less, the most found over every
#: text of up to 10 bytes of two letters; the bound is three literals (documented on LZ77Compressor).
SAVING = {"lz77": 27}


@FAST
@given(x=st.one_of(st.text(min_size=1, max_size=400), st.binary(min_size=1, max_size=400)),
       compressor=st.sampled_from(LIBRARY))
@example(x=b"\x00" * 4, compressor="lz77")  # found by hypothesis in CI
def test_a_document_with_itself_costs_little_more_than_alone(x, compressor):
    comp = get_compressor(compressor)
    data = x.encode() if isinstance(x, str) else x
    cx = comp.code_length(data)
    cxx = comp.code_length(data + data)
    assert cx >= 0 and cxx >= cx - SAVING.get(compressor, 16), (compressor, data)
    if compressor == "brotli" and len(data) < 128:
        # brotli misses repeats in inputs of less than about 100 bytes (documented on
        # BrotliCompressor): the second copy costs about as much as the first
        assert cxx <= 2 * cx + 64, (data, cx, cxx)
        return
    # the second copy is one match (or, for bz2, one more pass of the same block): far below a second copy
    assert cxx <= 1.25 * cx + 120, (compressor, data, cx, cxx)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    train=st.lists(st.tuples(documents, labels), min_size=2, max_size=12),
    queries=st.lists(documents, min_size=1, max_size=5),
    k=st.integers(1, 3),
    compressor=st.sampled_from(["gzip", "zstd", "lz77"]),
    tie_break=st.sampled_from(["nearest", "random", "lowest"]),
)
def test_predictions_do_not_depend_on_threads_runs_or_pickling(train, queries, k, compressor, tie_break):
    X, y = [t for t, _ in train], [label for _, label in train]
    k = min(k, len(X))
    clf = NCDClassifier(k, compressor=compressor, tie_break=tie_break, random_state=0, n_jobs=1).fit(X, y)
    expected = clf.predict(queries)
    assert len(expected) == len(queries)
    expected = expected.tolist()
    assert all(p in y for p in expected)  # predictions are training labels
    for n_jobs in (2, -1):
        twin = NCDClassifier(k, compressor=compressor, tie_break=tie_break, random_state=0, n_jobs=n_jobs).fit(X, y)
        assert twin.predict(queries).tolist() == expected
    assert clf.predict(queries).tolist() == expected  # a second run
    thawed = pickle.loads(pickle.dumps(clf))
    assert thawed.predict(queries).tolist() == expected


@settings(max_examples=80, deadline=None)
@given(level=st.integers(-5, 30), compressor=st.sampled_from(["gzip", "zlib", "bz2", "zstd"]))
def test_any_level_gives_a_length_or_a_clear_error(level, compressor):
    comp = get_compressor({"id": compressor, "level": level})
    try:
        bits = comp.code_length(b"some text")
    except ValueError as exc:
        assert "level" in str(exc) and str(level) in str(exc)
    else:
        assert bits > 0
