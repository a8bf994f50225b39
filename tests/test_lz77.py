"""The native LZ77 code-length model: an independent parse, the compiled paths, compressor behaviour."""

import math
import random

import numpy as np
import pytest

from ncd import NCDClassifier, pairwise_distances, pairwise_kneighbors
from ncd.compressors import NO_COMPILED_PATH, LZ77Compressor

K = 8


def _match_cost(length, history):
    return 1 + math.log2(history) + 2 * int(math.log2(length - 3)) + 1


def _starts(t, words):
    """Where a copy may begin, by the definition on LZ77Compressor."""
    if not words:
        return list(range(len(t)))
    letter = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") | set(range(128, 256))
    return [i for i in range(len(t)) if i == 0 or t[i - 1] not in letter or 0xE0 <= t[i] <= 0xF4]


def reference_conditional(x, z, k=K, words=False):
    """C(z | x) by the definition, in plain Python: at each start of z the longest copy among the
    k most recent earlier starts holding the same 4 bytes, first inside z, then inside x; a byte
    that is not a start costs 8 bits."""
    sx, sz = _starts(x, words), _starts(z, words)
    total, i = 0.0, 0
    while i < len(z):
        if i not in sz:
            total += 8
            i += 1
            continue
        best = 0
        if i + 4 <= len(z):
            gram, seen = z[i : i + 4], 0
            for p in reversed([s for s in sz if s < i]):  # earlier starts of z, most recent first
                if seen == k:
                    break
                if z[p : p + 4] == gram:
                    seen += 1
                    m = 4
                    while i + m < len(z) and z[p + m] == z[i + m]:
                        m += 1
                    best = max(best, m)
            for p in reversed(sx):  # then x, most recent first
                if seen == k:
                    break
                if x[p : p + 4] == gram:
                    seen += 1
                    m = 4
                    while p + m < len(x) and i + m < len(z) and x[p + m] == z[i + m]:
                        m += 1
                    best = max(best, m)
        if best >= 4:
            total += _match_cost(best, len(sx) + sum(s < i for s in sz))
            i += best
        else:
            total += 9
            i += 1
    return total


def _texts(n, seed, alphabet=b"ab c", lo=0, hi=80):
    rng = random.Random(seed)
    return [bytes(rng.choice(alphabet) for _ in range(rng.randrange(lo, hi))) for _ in range(n)]


# words: spaces and punctuation make starts; the UTF-8 bytes of "é" (2) and "日本" (3 each) are letters,
# but each 3-byte character is a start of its own
WORDY = b"ab c.,\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac"


@pytest.mark.parametrize("starts", ["any", "word"])
@pytest.mark.parametrize("seed", range(4))
def test_code_length_equals_the_definition(seed, starts):
    lz = LZ77Compressor(max_candidates=K, starts=starts)
    texts = _texts(60, seed) + _texts(20, seed + 10, alphabet=bytes(range(256)), hi=300)
    texts += _texts(30, seed + 20, alphabet=WORDY, hi=120)
    texts += [b"", b"abc", b"aaaa" * 50, b"the cat sat on the mat. " * 9, "日本語のテキスト、日本語".encode() * 3]
    got = lz.code_lengths(texts)
    want = [reference_conditional(b"", t, words=starts == "word") for t in texts]
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("starts", ["any", "word"])
@pytest.mark.parametrize("k", [1, 3, 8])
def test_joint_length_is_c_x_plus_conditional(k, starts):
    lz = LZ77Compressor(max_candidates=k, starts=starts)
    w = starts == "word"
    xs, ys = _texts(12, 1) + _texts(4, 5, alphabet=WORDY), _texts(15, 2) + _texts(5, 6, alphabet=WORDY)
    for x in xs:
        joint = lz.joint_code_lengths(x, ys, b" ")
        want = [reference_conditional(b"", x, k, w) + reference_conditional(x, b" " + y, k, w) for y in ys]
        np.testing.assert_allclose(joint, want, rtol=1e-12)
        rev = lz.joint_code_lengths(x, ys, b" ", reverse=True)
        want = [reference_conditional(b"", y, k, w) + reference_conditional(y, b" " + x, k, w) for y in ys]
        np.testing.assert_allclose(rev, want, rtol=1e-12)


def test_word_starts_skip_the_inside_of_words():
    """A word seen before is one copy; the same bytes inside a longer word cannot be copied from."""
    word, plain = LZ77Compressor(starts="word"), LZ77Compressor()
    assert word.code_length(b"abcdefgh") == 9 + 7 * 8  # one start: its flag, then bare bytes
    # " " follows a letter, so it is not a start (8 bits); "abcdefgh" again: one copy of 8 bytes
    # from the one start there is: 1 + log2(1) + gamma(5) = 6 bits
    assert word.code_length(b"abcdefgh abcdefgh") == 65 + 8 + 6
    # "cdef" occurs only inside the first word: no copy with word starts, one with any start
    assert word.code_length(b"abcdefgh cdefgh") == 65 + 8 + 9 + 5 * 8
    assert plain.code_length(b"abcdefgh cdefgh") < 100


@pytest.mark.parametrize("starts", ["any", "word"])
@pytest.mark.parametrize("metric", ["ncd", "ncd_sym", "conditional"])
def test_compiled_block_path_equals_the_row_path(metric, starts, monkeypatch):
    xs, ys = _texts(30, 3, hi=200, alphabet=WORDY), _texts(70, 4, hi=200, alphabet=WORDY)
    lz = LZ77Compressor(starts=starts)
    compiled = pairwise_distances(xs, ys, compressor=lz, metric=metric, n_jobs=2)
    monkeypatch.setattr(LZ77Compressor, "_prepare_refs", lambda self, ys, sep, n: NO_COMPILED_PATH)
    rows = pairwise_distances(xs, ys, compressor=lz, metric=metric, n_jobs=2)
    np.testing.assert_array_equal(compiled, rows)


def test_text_without_repeats_is_all_literals():
    assert LZ77Compressor().code_length(bytes(range(256))) == 9 * 256


def test_nearest_neighbours_are_sensible():
    train = ["the cat sat on the mat", "stocks fell sharply on tuesday", "a dog ran in the park"]
    _, ind = pairwise_kneighbors(["the cat sat on a mat", "stocks fell on monday"], train, compressor="lz77")
    assert ind[:, 0].tolist() == [0, 1]


def test_estimator_prepares_references_once_and_agrees_with_functions():
    X = ["the cat sat on the mat", "a cat lay on a rug", "stocks fell sharply", "markets fell today"]
    y = ["pets", "pets", "finance", "finance"]
    clf = NCDClassifier(compressor="lz77").fit(X, y)
    q = ["my cat sat on the rug", "shares fell sharply"]
    assert clf.predict(q).tolist() == ["pets", "finance"]
    prepared = clf._refs.prepared(1)
    clf.predict(q)
    assert clf._refs.prepared(1) is prepared
    np.testing.assert_array_equal(clf.kneighbors(q)[1], pairwise_kneighbors(q, X, compressor="lz77")[1])


def test_bad_setting():
    with pytest.raises(ValueError, match=r"'max_candidates' parameter of LZ77Compressor .*Got 0"):
        LZ77Compressor(max_candidates=0).code_length(b"x")
    with pytest.raises(ValueError, match=r"'starts' parameter of LZ77Compressor must be one of 'any', 'word'. "
                                         r"Got 'words'"):
        LZ77Compressor(starts="words").code_length(b"x")
