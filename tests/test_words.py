"""The word model (``CompressionClassifier("words")``, ncd._native.words): its code lengths against a
reference written from the formulas of the module's docstring, its compiled kernels against their
plain-Python twins, and the classifier around it."""

from __future__ import annotations

import math
import pickle
import re
from collections import Counter

import numpy as np
import pytest

from ncd import CodeLengthClassifier, CompressionClassifier
from ncd._native import words
from ncd.datasets import load_dataset

CLASS = [b"The cat sat on the mat.", b"A cat and a HAT, the cat!", b"the dog ran; the cat sat"]
OTHER = [b"Stocks fell as rates rose.", b"the bank said rates rose", "caf\u00e9 cr\u00e8me, 42 times".encode()]
QUERIES = [b"the cat sat on the hat", b"", b"!!", b"Rates ROSE; the McCat sat on the mat, the mat.",
           "na\u00efve caf\u00e9 42".encode(), b"the the the the"]


# -- a reference from the docstring's formulas, with dicts -----------------------------------------

def _tokens(text):
    """(stream, key, previous word, case pattern or None, letters, spelling bits) of each token, END last."""
    out, prev, last_is_word = [], "START", False
    for token in re.findall(rb"[A-Za-z0-9\x80-\xff]+|[^A-Za-z0-9\x80-\xff]+", text):
        is_word = token[0] >= 0x80 or chr(token[0]).isalnum()
        if is_word:
            low = token.lower()
            if low == token:
                case = 0
            elif token[1:] == low[1:]:
                case = 1
            elif token.upper() == token:
                case = 2
            else:
                case = 3
            letters = sum(chr(b).isalpha() for b in token if b < 0x80)
            out.append((1, low, prev, case, letters, len(token) * (math.log2(164) + 1) + 1))
            prev = low
        else:
            out.append((0, token, None, None, 0, len(token) * (math.log2(66) + 1) + 1))
        last_is_word = is_word
    end_stream = 0 if last_is_word else 1
    out.append((end_stream, "END", prev if end_stream else None, None, 0, 1.0))
    return out


def _counts(texts):
    uni, total, pairs, context, case = Counter(), Counter(), Counter(), Counter(), Counter()
    for text in texts:
        for stream, key, prev, pattern, _, _ in _tokens(text):
            uni[stream, key] += 1
            total[stream] += 1
            if stream == 1:
                pairs[prev, key] += 1
                context[prev] += 1
            if pattern is not None:
                case[pattern] += 1
    types = Counter(stream for stream, _ in uni)
    followers = Counter(prev for prev, _ in pairs)
    return uni, total, types, pairs, context, followers, case


def _log2_add(count, weight, log_p):
    """log2(count + weight * 2^log_p), with Python's exact integers and logs."""
    if count == 0:
        return math.log2(weight) + log_p
    return math.log2(count + weight * 2.0 ** log_p)


def _reference_bits(class_texts, background, text, strength, word_order):
    uni, total, types, pairs, context, followers, case = _counts(class_texts)
    if background is not None:
        b_uni, b_total, b_types = _counts(background)[:3]
    tokens = _tokens(text)
    bits = 1.0 if len(tokens) > 1 else 0.0
    seen = Counter()  # the text's own tokens so far, by kind of count
    for stream, key, prev, pattern, letters, spell in tokens:
        # in logs: p_s = 2^-spell is 0.0 in floating point for a token of some 150 bytes or more
        if background is not None:
            escape = b_types[stream] / (b_total[stream] + b_types[stream])
            log_base = math.log2((1 - escape) / b_types[stream]) if b_uni[stream, key] else math.log2(escape) - spell
            a = strength * b_types[stream]
        else:
            log_base, a = -spell, strength * max(types[stream], 1)
        log_p = _log2_add(uni[stream, key] + seen["uni", stream, key], a, log_base) \
            - math.log2(total[stream] + seen["total", stream] + a)
        if stream == 1 and word_order == 1:
            b = strength * max(followers[prev], 1)
            log_p = _log2_add(pairs[prev, key] + seen["pair", prev, key], b, log_p) \
                - math.log2(context[prev] + seen["context", prev] + b)
        bits -= log_p
        if pattern is not None:
            bits -= math.log2((case[pattern] + seen["case", pattern] + 0.5)
                              / (sum(case.values()) + seen["words"] + 2))
            bits += letters if pattern == 3 else 0
            seen["case", pattern] += 1
            seen["words"] += 1
        seen["uni", stream, key] += 1
        seen["total", stream] += 1
        if stream == 1:
            seen["pair", prev, key] += 1
            seen["context", prev] += 1
    return bits


@pytest.mark.parametrize("word_order", [0, 1])
@pytest.mark.parametrize("background", [None, "train", "given"])
@pytest.mark.parametrize("strength", [0.5, 3.0])
def test_code_lengths_follow_the_documented_formulas(word_order, background, strength):
    bg = {None: None, "train": CLASS + OTHER, "given": OTHER + [b"the mat"]}[background]
    clf = CompressionClassifier("words", word_order=word_order, background_strength=strength,
                                background={"given": bg}.get(background, background))
    clf.fit(CLASS + OTHER, ["c"] * len(CLASS) + ["o"] * len(OTHER))
    got = clf.code_lengths(QUERIES)
    for j, texts in enumerate((CLASS, OTHER)):
        want = [_reference_bits(texts, bg, q, strength, word_order) for q in QUERIES]
        np.testing.assert_allclose(got[:, j], want, rtol=1e-12)


@pytest.mark.parametrize("word_order", [0, 1])
@pytest.mark.parametrize("background", [None, "train"])
def test_a_token_too_long_for_a_double_costs_finite_bits(word_order, background):
    # 20 Newsgroups posts carry uuencoded lines: one token of hundreds of bytes, whose spelling probability
    # (2^-(L+1) * A^-L) is 0.0 as a double; it used to make every class's code length infinite.
    long_token = b"M" + b"x1" * 300
    clf = CompressionClassifier("words", word_order=word_order, background=background)
    clf.fit(CLASS + OTHER, ["c"] * len(CLASS) + ["o"] * len(OTHER))
    query = b"the cat sat on " + long_token
    bits = clf.code_lengths([query, long_token])
    assert np.all(np.isfinite(bits))
    bg = None if background is None else CLASS + OTHER
    want = [_reference_bits(CLASS, bg, q, 4.0, word_order) for q in (query, long_token)]
    np.testing.assert_allclose(bits[:, 0], want, rtol=1e-12)
    assert bits[0, 0] < bits[0, 1]  # the words before it still decide
    assert bits[1, 0] > 601 * (np.log2(164) + 1)  # the long token is spelled out


def test_a_word_seen_in_the_class_is_cheaper_and_case_costs_bits():
    clf = CompressionClassifier("words", background="train").fit(CLASS + OTHER, [0] * 3 + [1] * 3)
    bits = clf.code_lengths([b"the cat sat", b"the rates rose", b"The cat sat", b"tHe cAt sat"])
    assert bits[0, 0] < bits[0, 1] and bits[1, 1] < bits[1, 0]
    assert bits[0, 0] < bits[2, 0] < bits[3, 0]  # Capitalised, then mixed case letter by letter
    assert np.all(np.isfinite(bits)) and np.all(bits > 0)


# -- compiled kernels against their plain-Python twins -------------------------------------------

needs_numba = pytest.mark.skipif(not words.USE_NUMBA, reason="numba switched off: the kernels are the plain functions")


@needs_numba
@pytest.mark.parametrize("background", [False, True])
def test_kernels_equal_their_python_twins(background):
    vocab = words.Vocabulary()
    counts, bg = words.WordCounts(), words.WordCounts()
    counts.add(vocab.encode(CLASS, grow=True))
    bg.add(vocab.encode(CLASS + OTHER, grow=True))
    tokens = vocab.encode(QUERIES, grow=False)  # its within-text counts come from the compiled kernel
    t = tokens
    local = [np.zeros(t.kind.size) for _ in range(6)]
    words._local_counts(t.kind, t.ukey, t.bkey, t.ckey, t.case, t.off, *local)
    for plain, compiled in zip(local, (t.q_token, t.q_stream, t.q_pair, t.q_context, t.q_case, t.q_words)):
        np.testing.assert_array_equal(plain, compiled)
    results = []
    for base_kernel, score in ((words._background_base_nb, words._score_nb),
                               (words._background_base, words._score)):
        base, b_types = -t.spell, np.zeros(2)  # log2 p_s
        if background:
            base_kernel(bg.ukeys, bg.ucount, bg.stream_total, bg.stream_types, t.ukey, t.kind, t.spell, base)
            b_types = bg.stream_types
        out = np.empty(t.n_texts)
        score(counts.ukeys, counts.ucount, counts.bkeys, counts.bcount, counts.ckeys, counts.ccount, counts.ctypes,
              counts.stream_total, counts.stream_types, counts.case_count, t.kind, t.ukey, t.bkey, t.ckey, t.case,
              t.letters, base, b_types, 3.0, True, t.q_token, t.q_stream, t.q_pair, t.q_context, t.q_case,
              t.q_words, t.off, out)
        results.append((base, out))
    for compiled, plain in zip(*results):
        np.testing.assert_allclose(compiled, plain, rtol=1e-12)


# -- the classifier --------------------------------------------------------------------------------

def test_words_classifies_the_packaged_languages():
    ds = load_dataset()
    clf = CompressionClassifier("words", background="train").fit(ds.X_train, ds.y_train)
    assert clf.score(ds.X_test, ds.y_test) > 0.9


def test_partial_fit_pickle_and_a_background_given_as_texts():
    X, y = CLASS + OTHER, ["c"] * 3 + ["o"] * 3
    whole = CompressionClassifier("words", background="train").fit(X, y)
    parts = CompressionClassifier("words", background="train").partial_fit(X[:2], y[:2], classes=["c", "o"])
    parts.partial_fit(X[2:], y[2:])
    np.testing.assert_allclose(parts.code_lengths(QUERIES), whole.code_lengths(QUERIES), rtol=1e-12)
    given = CompressionClassifier("words", background=X).fit(X, y)
    np.testing.assert_allclose(given.code_lengths(QUERIES), whole.code_lengths(QUERIES), rtol=1e-12)
    again = pickle.loads(pickle.dumps(whole))
    np.testing.assert_array_equal(again.code_lengths(QUERIES), whole.code_lengths(QUERIES))


def test_transductive_counts_the_queries_in_the_background_for_that_call_only():
    X, y = CLASS + OTHER, ["c"] * 3 + ["o"] * 3
    trans = CompressionClassifier("words", background="train", transductive=True).fit(X, y)
    given = CompressionClassifier("words", background=X + QUERIES).fit(X, y)
    np.testing.assert_allclose(trans.code_lengths(QUERIES), given.code_lengths(QUERIES), rtol=1e-12)
    plain = CompressionClassifier("words", background="train").fit(X, y)
    trans.code_lengths(QUERIES)
    trans.set_params(transductive=False)
    np.testing.assert_allclose(trans.code_lengths(QUERIES), plain.code_lengths(QUERIES), rtol=1e-12)


def test_stacked_with_other_models():
    ds = load_dataset()
    clf = CodeLengthClassifier([{"model": "cm", "order": 2}, {"model": "words", "background": "train"}], cv=3)
    clf.fit(ds.X_train, ds.y_train)
    assert clf.train_features_.shape == (len(ds.X_train), 2 * len(clf.classes_))
    assert clf.score(ds.X_test, ds.y_test) > 0.9


def test_bad_settings_say_what_to_do():
    with pytest.raises(ValueError, match=r"'word_order' parameter .*Got 2"):
        CompressionClassifier("words", word_order=2).fit(["a b", "c d"], [0, 1])
    with pytest.raises(ValueError, match="needs model='cm' or 'words'"):
        CompressionClassifier("zstd", background="train").fit(["a b", "c d"], [0, 1])
