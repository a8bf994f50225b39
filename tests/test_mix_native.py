"""The context-mixing model of ncd._native.mix: its kernels against their plain-Python twins,
determinism, thread independence, the undo of adaptive scoring, and exact arithmetic coding."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ncd._native import mix
from ncd._native.mix import (MixModel, adaptive_code_lengths, add_per_model, code_lengths_per_model,
                             joint_code_lengths)
from ncd.coding import decode, encode, ideal_code_length

ROOT = Path(__file__).resolve().parents[1]
SMALL = [b"the cat sat on the mat", b"The dog sat on the log.", b"", b"a", b"\x00\xff\x80 caf\xc3\xa9 99",
         b"stocks fell as the bank raised rates; stocks fell again", bytes(range(256))]


def _trained(memory=10, texts=SMALL, **settings):
    m = MixModel(memory=memory, **settings)
    m.add(texts)
    return m


def _news(n=200):
    words = (b"the stocks fell as bank rates rose in a market where oil prices climbed after reports of "
             b"talks between the two sides on Monday while shares of tech firms gained").split()
    rng = np.random.default_rng(7)
    return [b" ".join(words[i] for i in rng.integers(0, len(words), rng.integers(3, 40))) for _ in range(n)]


# -- compiled kernels against their plain-Python twins -------------------------------------------

needs_numba = pytest.mark.skipif(not mix.USE_NUMBA, reason="numba switched off: the kernels are the plain functions")


def _random_external(texts, seed=0):
    """Made-up next-byte probabilities for each byte of each text (an external model's input)."""
    rng = np.random.default_rng(seed)
    out = []
    for t in texts:
        p = rng.random((len(t), 256)) ** 8
        out.append(p / p.sum(axis=1, keepdims=True))
    return out


@needs_numba
@pytest.mark.parametrize("external", [False, True])
def test_train_kernel_equals_its_python_twin(external):
    fresh = MixModel(memory=10)
    fresh._allocate(200)
    texts = SMALL[:3] + [b"the cat sat on the mat, the cat sat"]
    data, off = mix.pack(texts)
    ext = mix.external_inputs(_random_external(texts), [len(t) for t in texts]) if external else mix.NO_EXT
    base = np.zeros(data.size, dtype=np.uint8)
    base[:] = data
    results = []
    for kernel in (mix._train, mix._train.py_func):
        T, W = fresh.T.copy(), fresh.W.copy()
        out = np.zeros(off.size - 1)
        kernel(T, W, fresh.P, mix.ST, mix.SQ, fresh.RT, mix.NL, base, 0, data, off, out, ext)
        results.append((T, W, out))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-12)


@needs_numba
@pytest.mark.parametrize("adapt", [True, False])
@pytest.mark.parametrize("external", [False, True])
def test_score_kernel_equals_its_python_twin(adapt, external):
    m = _trained()
    texts = [b"the cat sat on the log", b"", b"dogs sat"]
    data, off = mix.pack(texts)
    dists = _random_external(texts) if external else None
    ext = mix.external_inputs(dists, [len(t) for t in texts]) if external else mix.NO_EXT
    outs = []
    for kernel in (mix._score, mix._score.py_func):
        out = np.zeros(off.size - 1)
        kernel(m.T, m.W, m.P, mix.ST, mix.SQ, m.RT, mix.NL, m.base, m.base_len, data, off, adapt, 2,
               mix._max_writes(30), out, ext)
        outs.append(out)
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)
    np.testing.assert_allclose(outs[0], m.code_lengths(texts, adapt=adapt, external=dists), rtol=1e-12)
    if external:  # the input changes the lengths
        assert not np.allclose(outs[0], m.code_lengths(texts, adapt=adapt))


@needs_numba
@pytest.mark.parametrize("update", [False, True])
def test_byte_kernel_equals_its_python_twin(update):
    """_code_byte, where every bit is predicted and learnt: compiled and plain, on a trained model
    in the middle of a text, logging its writes and saving the mixer rows it changes."""
    m = _trained(12, _news(40))
    text = np.frombuffer(b"the stocks fell as bank rates rose", dtype=np.uint8)
    ext = mix.external_inputs(_random_external([bytes(text)]), [text.size])
    outs = []
    for kernel in (mix._code_byte, mix._code_byte.py_func):
        T, W = m.T.copy(), m.W.copy()
        S = np.zeros(mix.S_SIZE, dtype=np.int64)
        H = np.zeros(mix.NH, dtype=np.int64)
        mix._start(S, H, m.base_len)
        empty = np.zeros(0, dtype=np.int64)
        mix._code(T, W, m.P, mix.ST, mix.SQ, m.RT, mix.NL, m.base, m.base_len, text[:20], S, H, empty, empty, True,
                  ext[:20])  # some history: contexts and a match under way
        G = np.zeros(4 * mix.NH, dtype=np.int64)
        slots, vals = np.zeros(mix.NH + 3, dtype=np.int64), np.zeros(mix.NH + 3, dtype=np.int64)
        x = np.zeros(mix.NI, dtype=np.int64)
        ov, touched = np.zeros(400, dtype=np.int64), np.zeros(400, dtype=np.int64)
        rows, saved = np.zeros(16, dtype=np.int64), np.zeros(16 * mix.NI, dtype=np.int64)
        bits = kernel(T, W, m.P, mix.ST, mix.SQ, m.RT, mix.NL, m.base, m.base_len, text, S, H, G, slots, vals, x, ov,
                      touched, update, int(text[20]), ext, 20, rows, saved, 1.5)
        outs.append((bits, T, W, S.copy(), ov, touched, rows, saved))
    assert outs[0][0] > 1.5
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
    assert (outs[0][3][mix.S_NT] > 0) == update  # writes logged only when learning


@needs_numba
def test_distribution_kernel_equals_its_python_twin():
    m = _trained()
    m.distribution(b"the ca")  # the session: tables advanced over the prefix
    ses = m._session
    prefix = np.frombuffer(b"the ca", dtype=np.uint8)
    outs = []
    for kernel in (mix._distribution, mix._distribution.py_func):
        out = np.empty(256)
        T, W = ses["T"].copy(), ses["W"].copy()
        kernel(ses["T"], ses["W"], m.P, mix.ST, mix.SQ, m.RT, mix.NL, m.base, m.base_len, prefix, ses["S"], ses["H"],
               ses["ov"], ses["touched"], out)
        np.testing.assert_array_equal(ses["T"], T)  # everything tried is undone
        np.testing.assert_array_equal(ses["W"], W)
        outs.append(out)
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)
    assert abs(outs[0].sum() - 1) < 1e-12


@needs_numba
def test_empty_and_joint_kernels_equal_their_python_twins():
    xs = [b"the cat sat", b"", b"on the mat the cat"]
    ys = [b" the cat", b" x"]
    P, RT = mix._settings_array({})
    xd, xo = mix.pack(xs)
    yd, yo = mix.pack(ys)
    bits_of = np.array([10, 10, 10], dtype=np.int64)
    outs = []
    for kernel in (mix._empty_lengths, mix._empty_lengths.py_func):
        out = np.zeros(3)
        kernel(P, mix.ST, mix.SQ, RT, mix.NL, xd, xo, bits_of, 2, out, mix.NO_EXT)
        outs.append(out)
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)
    outs = []
    for kernel in (mix._joint_lengths, mix._joint_lengths.py_func):
        out = np.zeros((3, 3))
        kernel(P, mix.ST, mix.SQ, RT, mix.NL, xd, xo, yd, yo, bits_of, 2, mix._max_writes(10), out)
        outs.append(out)
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)


@needs_numba
def test_plain_python_path_gives_the_same_lengths():
    """The whole model with numba switched off (NCD_NO_NUMBA=1, a fresh interpreter)."""
    code = ("import numpy as np; from ncd._native import mix; assert not mix.USE_NUMBA; "
            "m = mix.MixModel(memory=10); m.add([b'the cat sat on the mat', b'the dog sat']); "
            "print(repr(list(m.code_lengths([b'the cat sat on the log'])) + list(m.code_lengths([b'the cat'], adapt=False))"
            " + list(mix.adaptive_code_lengths([b'abcabcabc'], memory=10))))")
    env = {**os.environ, "NCD_NO_NUMBA": "1", "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    plain = eval(res.stdout.strip().replace("np.float64", ""))
    m = MixModel(memory=10)
    m.add([b"the cat sat on the mat", b"the dog sat"])
    compiled = (list(m.code_lengths([b"the cat sat on the log"])) + list(m.code_lengths([b"the cat"], adapt=False))
                + list(adaptive_code_lengths([b"abcabcabc"], memory=10)))
    np.testing.assert_allclose(compiled, plain, rtol=1e-12)


# -- determinism, threads, the undo of adaptive scoring ------------------------------------------------

def test_deterministic():
    texts = _news(60)
    a, b = _trained(14, texts), _trained(14, texts)
    np.testing.assert_array_equal(a.T, b.T)
    np.testing.assert_array_equal(a.W, b.W)
    np.testing.assert_array_equal(a.code_lengths(texts[:10]), b.code_lengths(texts[:10]))


@pytest.mark.parametrize("adapt", [True, False])
def test_independent_of_threads_and_of_the_other_texts(adapt):
    m = _trained(14, _news(80))
    tests = _news(23)[::-1] + [b"", b"x"]
    one = m.code_lengths(tests, n_threads=1, adapt=adapt)
    np.testing.assert_array_equal(one, m.code_lengths(tests, n_threads=2, adapt=adapt))
    np.testing.assert_array_equal(one, m.code_lengths(tests, n_threads=3, adapt=adapt))
    np.testing.assert_array_equal(one[5:6], m.code_lengths(tests[5:6], adapt=adapt))


def test_adaptive_scoring_leaves_the_model_unchanged():
    m = _trained(14, _news(80))
    T, W, base = m.T.copy(), m.W.copy(), m.base.copy()
    tests = _news(30)
    first = m.code_lengths(tests, n_threads=2)
    np.testing.assert_array_equal(m.T, T)
    np.testing.assert_array_equal(m.W, W)
    np.testing.assert_array_equal(m.base, base)
    np.testing.assert_array_equal(first, m.code_lengths(tests, n_threads=2))
    m.distribution(tests[0][:20])
    m.distribution(b"zz")  # a prefix that does not extend the last: the session is undone and restarted
    np.testing.assert_array_equal(m.T, T)


@pytest.mark.parametrize("adapt", [True, False])
def test_several_models_on_python_threads(adapt):
    models = [_trained(12, _news(40)), _trained(13, _news(60)[::-1]), _trained(10)]
    before = [m.T.copy() for m in models]
    tests = _news(17) + [b""]
    want = np.column_stack([m.code_lengths(tests, adapt=adapt) for m in models])
    np.testing.assert_array_equal(code_lengths_per_model(models, tests, n_threads=1, adapt=adapt), want)
    np.testing.assert_array_equal(code_lengths_per_model(models, tests, n_threads=3, adapt=adapt), want)
    for m, T in zip(models, before):
        np.testing.assert_array_equal(m.T, T)
    with pytest.raises(ValueError, match="appears twice"):
        code_lengths_per_model([models[0], models[0]], tests)


def test_training_several_models_on_python_threads():
    parts = [_news(40), _news(60)[::-1], SMALL]
    one = [_trained(12, p) for p in parts]
    many = [MixModel(memory=12) for _ in parts]
    bits = add_per_model(many, parts, n_threads=3)
    for a, b, p, got in zip(one, many, parts, bits):
        np.testing.assert_array_equal(a.T, b.T)
        np.testing.assert_array_equal(a.W, b.W)
        np.testing.assert_array_equal(MixModel(memory=12).add(p), got)


def test_a_text_too_long_for_the_undo_log_is_scored_on_a_copy():
    m = _trained(10, _news(30))
    long_text = b" ".join(_news(120))  # its undo log would outgrow the tables: scored on a copy
    assert mix._max_writes(len(long_text)) > mix._log_size(len(long_text), m.T.size)
    T = m.T.copy()
    tests = [b"the bank", long_text, b"oil prices"]
    got = m.code_lengths(tests, n_threads=2)
    np.testing.assert_array_equal(m.T, T)
    data, off = mix.pack(tests)
    want = np.zeros(3)
    mix._score(m.T, m.W, m.P, mix.ST, mix.SQ, m.RT, mix.NL, m.base, m.base_len, data, off, True, 1,
               mix._max_writes(len(long_text)), want, mix.NO_EXT)  # a log big enough for it
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(code_lengths_per_model([m], tests)[:, 0], want)
    np.testing.assert_array_equal(m.T, T)


def test_adapting_helps_on_a_text_that_repeats_itself():
    m = _trained(14, _news(80))
    text = b"an unusual sentence about zebras and quantum flutes, " * 4
    adapt, frozen = m.code_lengths([text]), m.code_lengths([text], adapt=False)
    assert adapt[0] < 0.6 * frozen[0]


# -- the distribution and the arithmetic coder -------------------------------------------------------

def test_distribution_matches_the_code_lengths():
    m = _trained(14, _news(80))
    text = b"the stocks of the bank rose on monday, " * 2
    bits = 0.0
    for i in range(len(text)):
        p = m.distribution(text[:i])
        assert abs(p.sum() - 1) < 1e-9 and p.min() > 0
        bits -= np.log2(p[text[i]])
    assert abs(bits - m.code_lengths([text])[0]) < 1e-9 * max(1.0, bits)


def _real_samples(load_split):
    out = []
    for name, n in (("ag_news", 2), ("sms_spam", 2), ("r8", 1)):
        texts, _ = load_split(name, "train", limit=300)
        out.append((texts[:150], [t for t in texts[150:] if 40 < len(t.encode()) < 400][:n]))
    texts, labels = load_split("udhr_langid", "train")
    for lang in ("rus", "cmn", "arb", "eng"):
        own = [t for t, y in zip(texts, labels) if y == lang]
        out.append((own[:-1], [own[-1]]))
    return out


def test_coding_round_trip_is_exact_on_real_texts(load_split):
    for train, tests in _real_samples(load_split):
        m = MixModel(memory=16)
        m.add([t.encode() for t in train])
        for text in tests:
            data = text.encode()[:300]
            code = encode(data, m)
            assert decode(code, len(data), m) == data
            ideal = ideal_code_length(data, m, quantised=True)
            assert 8 * len(code) <= ideal + 2 + 8
            assert abs(ideal_code_length(data, m) - m.code_lengths([data])[0]) < 1e-6 * ideal + 1e-9


# -- relations ------------------------------------------------------------------------------------

def test_a_repeated_text_costs_far_less_the_second_time():
    text = b"Oil prices climbed after reports that talks between the two sides had stalled on Monday."
    first = adaptive_code_lengths([text])[0]
    m = MixModel(memory=16)
    m.add(_news(50) + [text])
    assert m.code_lengths([text])[0] < 0.15 * first
    assert adaptive_code_lengths([text + b" " + text])[0] < 1.25 * first


def test_more_memory_is_never_much_worse(load_split):
    texts, _ = load_split("ag_news", "train", limit=700)
    train, tests = [t.encode() for t in texts[:600]], [t.encode() for t in texts[600:]]
    totals = []
    for memory in (12, 16, 20):
        m = MixModel(memory=memory)
        m.add(train)
        totals.append(m.code_lengths(tests, n_threads=2).sum())
    assert totals[1] <= totals[0] * 1.01 and totals[2] <= totals[1] * 1.01


def test_small_training_data_gets_small_tables(load_split):
    texts, labels = load_split("udhr_langid", "train")
    own = [t.encode() for t, y in zip(texts, labels) if y == "eng"]
    m = MixModel()
    m.add(own)
    assert m.nbytes * 431 < 4 * 2**30  # 431 such class models fit in 4 GB
    assert m.bits < 22


def test_adaptive_lengths_from_an_empty_model():
    texts = _news(15) + [b"", b"z"]
    one = adaptive_code_lengths(texts)
    np.testing.assert_array_equal(one, adaptive_code_lengths(texts, n_threads=2))
    np.testing.assert_array_equal(one[3:4], adaptive_code_lengths(texts[3:4]))
    assert one[-2] == 0 and 0 < one[-1] <= 16
    fresh = MixModel(memory=mix.table_bits(len(texts[0])))
    assert abs(fresh.add([texts[0]])[0] - one[0]) < 1e-9 * one[0]


def test_joint_lengths():
    xs = _news(6)
    ys = xs[:3] + [b"zebras and flutes"]
    joint, cx = joint_code_lengths(xs, ys, sep=b" ", n_threads=2)
    assert joint.shape == (6, 4)
    np.testing.assert_array_equal(joint, joint_code_lengths(xs, ys, sep=b" ", n_threads=1)[0])
    for i in range(3):  # y equal to x costs little on top of x
        assert joint[i, i] - cx[i] < 0.5 * cx[i]
        assert joint[i, i] < min(joint[i, j] for j in range(3) if j != i) or len(set(xs[:3])) < 3


def test_input_checks():
    with pytest.raises(TypeError, match="single text"):
        MixModel().add("a single string")
    with pytest.raises(TypeError, match="Unknown MixModel settings"):
        MixModel(colour=3)
    with pytest.raises(ValueError, match="'memory' parameter of MixModel"):
        MixModel(memory=40).add([b"x"])


# -- an external model's predictions as one more input ---------------------------------------------


def test_external_inputs_are_the_bit_probabilities_of_the_byte_distribution():
    dist = np.zeros((2, 256))
    dist[0, ord("a")] = 1.0  # certain of 'a' (0b01100001)
    dist[1] = 1 / 256  # uniform
    ext = mix.external_inputs([dist], [2])
    assert ext.shape == (2, 256) and ext.dtype == np.int16
    c0, bits = 1, [int(b) for b in format(ord("a"), "08b")]
    for bit in bits:  # along a's path every bit is certain: the stretch of 4095 or of 1
        assert ext[0, c0] == (mix.ST[4095] if bit else mix.ST[1])
        c0 = (c0 << 1) | bit
    assert np.all(ext[1, 1:] == mix.ST[2048])  # uniform: every bit even
    with pytest.raises(ValueError, match=r"must have shape \(3, 256\); got \(2, 256\)"):
        mix.external_inputs([dist], [3])
    with pytest.raises(ValueError, match="one array of next-byte probabilities per text"):
        mix.external_inputs([dist, dist], [2])
    with pytest.raises(ValueError, match="finite and non-negative"):
        mix.external_inputs([-dist], [2])


def test_a_good_external_model_shortens_the_code_and_a_useless_one_costs_little():
    texts = _news(40)
    sure = []
    for t in texts:  # an oracle: 0.9 on the byte that comes
        d = np.full((len(t), 256), 0.1 / 255)
        d[np.arange(len(t)), np.frombuffer(t, dtype=np.uint8)] = 0.9
        sure.append(d)
    uniform = [np.full((len(t), 256), 1 / 256) for t in texts]
    alone = adaptive_code_lengths(texts, memory=12)
    with_oracle = adaptive_code_lengths(texts, memory=12, external=sure)
    with_uniform = adaptive_code_lengths(texts, memory=12, external=uniform)
    n_bytes = sum(map(len, texts))
    assert with_oracle.sum() < 0.5 * alone.sum()
    assert with_oracle.sum() / n_bytes < 1.0  # near the oracle's own 0.15 bits + what the mixer pays to learn it
    assert with_uniform.sum() < 1.02 * alone.sum()
    m = MixModel(memory=12)
    m.add(texts[:20], external=sure[:20])
    assert np.all(m.code_lengths(texts[20:], external=sure[20:]) < m.code_lengths(texts[20:]))
