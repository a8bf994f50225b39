"""CompressionClassifier: one model per class (an order-k context model by default, or a zstd dictionary)."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils import estimator_checks as ec

from ncd import CompressionClassifier
from ncd.datasets import load_dataset


@pytest.fixture(scope="module")
def udhr():
    return load_dataset()


@pytest.mark.parametrize("model", ["cm", "zstd"])
def test_fit_predict_on_language_identification(udhr, model):
    clf = CompressionClassifier(model, n_jobs=2).fit(udhr.X_train, udhr.y_train)
    assert clf.classes_.tolist() == sorted(set(udhr.y_train))
    assert clf.n_samples_fit_ == len(udhr.X_train)
    assert clf.score(udhr.X_test, udhr.y_test) > 0.9


@pytest.mark.parametrize("model", ["cm", "zstd"])
def test_prediction_is_the_argmin_of_conditional_code_lengths(udhr, model):
    clf = CompressionClassifier(model).fit(udhr.X_train, udhr.y_train)
    bits = clf.code_lengths(udhr.X_test[:20])
    assert bits.shape == (20, 24) and (bits > 0).all()
    np.testing.assert_array_equal(clf.predict(udhr.X_test[:20]), clf.classes_[bits.argmin(axis=1)])
    # n_jobs changes nothing
    np.testing.assert_array_equal(CompressionClassifier(model, n_jobs=2).fit(udhr.X_train, udhr.y_train)
                                  .code_lengths(udhr.X_test[:300]), clf.code_lengths(udhr.X_test[:300]))


def test_predict_proba_is_a_base2_softmax_of_the_bits(udhr):
    clf = CompressionClassifier(temperature=8.0).fit(udhr.X_train, udhr.y_train)
    bits = clf.code_lengths(udhr.X_test[:5])
    proba = clf.predict_proba(udhr.X_test[:5])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    expected = 2.0 ** (-(bits - bits.min(axis=1, keepdims=True)) / 8.0)
    np.testing.assert_allclose(proba, expected / expected.sum(axis=1, keepdims=True))
    sharper = clf.set_params(temperature=1.0).predict_proba(udhr.X_test[:5])
    assert (sharper.max(axis=1) >= proba.max(axis=1)).all()


def test_partial_fit_in_pieces_equals_fit(udhr):
    full = CompressionClassifier("zstd").fit(udhr.X_train, udhr.y_train)
    inc = CompressionClassifier("zstd")
    half = len(udhr.X_train) // 2
    inc.partial_fit(udhr.X_train[:half], udhr.y_train[:half], classes=sorted(set(udhr.y_train)))
    inc.partial_fit(udhr.X_train[half:], udhr.y_train[half:])
    np.testing.assert_array_equal(inc.code_lengths(udhr.X_test[:50]), full.code_lengths(udhr.X_test[:50]))
    assert inc.n_samples_fit_ == full.n_samples_fit_


def test_the_default_model_is_the_context_model(udhr):
    # the more accurate of the two (benchmarks/class_level.md: 0.874 against zstd's 0.837 on AG News)
    assert CompressionClassifier().get_params()["model"] == "cm"
    default = CompressionClassifier().fit(udhr.X_train, udhr.y_train)
    explicit = CompressionClassifier("cm").fit(udhr.X_train, udhr.y_train)
    np.testing.assert_array_equal(default.code_lengths(udhr.X_test[:20]), explicit.code_lengths(udhr.X_test[:20]))


def test_zstd_partial_fit_keeps_only_what_the_dictionaries_use(udhr):
    # the dictionary holds the last max_dict_size bytes of a class's texts: nothing more is kept,
    # and feeding the texts one at a time gives the dictionaries (and lengths) that fit gives
    size = 500  # each class has 1.8 to 5.8 kB of training text
    full = CompressionClassifier("zstd", max_dict_size=size).fit(udhr.X_train, udhr.y_train)
    inc = CompressionClassifier("zstd", max_dict_size=size)
    classes = sorted(set(udhr.y_train))
    for text, label in zip(udhr.X_train, udhr.y_train):
        inc.partial_fit([text], [label], classes=classes)
    np.testing.assert_array_equal(inc.code_lengths(udhr.X_test[:40]), full.code_lengths(udhr.X_test[:40]))
    kept = pickle.dumps(inc)
    assert len(kept) < size * len(classes) + 5000, len(kept)  # not every text seen (75 kB)
    restored = pickle.loads(kept)
    np.testing.assert_array_equal(restored.code_lengths(udhr.X_test[:40]), full.code_lengths(udhr.X_test[:40]))


def test_partial_fit_rules():
    clf = CompressionClassifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(["a b c d"], ["x"])
    clf.partial_fit(["some words here"], ["x"], classes=["x", "y"])
    assert np.isinf(clf.code_lengths(["words"])[:, 1]).all()  # class y has no text yet
    with pytest.raises(ValueError, match=r"labels not in classes_ \['x', 'y'\]: \['z'\]"):
        clf.partial_fit(["more"], ["z"])


def test_pickle_and_clone(udhr):
    clf = CompressionClassifier("zstd", level=5).fit(udhr.X_train, udhr.y_train)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.code_lengths(udhr.X_test[:30]), clf.code_lengths(udhr.X_test[:30]))
    cloned = clone(clf)
    assert cloned.get_params() == clf.get_params() and not hasattr(cloned, "classes_")


def test_grid_search_over_level(udhr):
    grid = GridSearchCV(CompressionClassifier("zstd"), {"level": [3, 9]}, cv=2).fit(udhr.X_train, udhr.y_train)
    assert grid.best_params_["level"] in (3, 9)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"model": "lz4"}, r"'model' parameter .*Got 'lz4'"),
        ({"level": 0}, r"'level' parameter .*Got 0"),
        ({"level": 23}, r"'level' parameter .*\[1, 22\]. Got 23"),
        ({"temperature": 0}, r"'temperature' parameter .*Got 0"),
        ({"max_dict_size": -5}, r"'max_dict_size' parameter .*Got -5"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        CompressionClassifier(**params).fit(["a b c", "d e f"], [0, 1])


def test_bad_input_and_unfitted():
    with pytest.raises(NotFittedError):
        CompressionClassifier().predict(["x"])
    with pytest.raises(ValueError, match="string object received"):
        CompressionClassifier().fit("text", ["a"])
    with pytest.raises(ValueError, match=r"len\(X\) = 2, len\(y\) = 1"):
        CompressionClassifier().fit(["a", "b"], ["x"])


@pytest.mark.parametrize(
    "check",
    [ec.check_parameters_default_constructible, ec.check_no_attributes_set_in_init, ec.check_get_params_invariance,
     ec.check_set_params, ec.check_estimator_repr, ec.check_estimator_cloneable, ec.check_mixin_order,
     ec.check_estimators_unfitted, ec.check_do_not_raise_errors_in_init_or_set_params],
    ids=lambda c: c.__name__,
)
def test_data_independent_checks(check):
    check("CompressionClassifier", CompressionClassifier())


# -- the per-class context model ------------------------------------------------------------


def test_context_model_is_a_normalised_distribution():
    from ncd._native.cm import ContextModel

    cm = ContextModel(3)
    cm.add([b"abracadabra", b"the cat sat on the mat", b"\x00\xff\x00"])
    for prefix in (b"", b"ab", b"the ca", b"zq"):
        base = cm.code_lengths([prefix])[0]
        ext = cm.code_lengths([prefix + bytes([c]) for c in range(256)]) - base
        assert np.sum(2.0 ** -ext) == pytest.approx(1.0, abs=1e-9)
    assert cm.code_lengths([b""])[0] == 0.0
    assert ContextModel(2).code_lengths([b"abc"])[0] == pytest.approx(3 * 8)  # nothing seen: uniform


def test_context_model_grows_its_table_without_changing_counts():
    from ncd._native.cm import ContextModel

    texts = [bytes(random_text) for random_text in (np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8),)]
    small = ContextModel(4)
    small.add([b"seed"])
    small.add(texts)  # forces at least one rehash
    once = ContextModel(4)
    once.add([b"seed"] + texts)
    probe = [b"seed", texts[0][:100], b"other"]
    np.testing.assert_array_equal(small.code_lengths(probe), once.code_lengths(probe))


def test_cm_classifier(udhr):
    clf = CompressionClassifier("cm", n_jobs=2).fit(udhr.X_train, udhr.y_train)
    assert clf.score(udhr.X_test, udhr.y_test) > 0.95
    bits = clf.code_lengths(udhr.X_test[:10])
    np.testing.assert_array_equal(clf.predict(udhr.X_test[:10]), clf.classes_[bits.argmin(axis=1)])
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.code_lengths(udhr.X_test[:10]), bits)


def test_cm_partial_fit_adds_counts_exactly(udhr):
    full = CompressionClassifier("cm").fit(udhr.X_train, udhr.y_train)
    inc = CompressionClassifier("cm")
    for start in range(0, len(udhr.X_train), 100):
        inc.partial_fit(udhr.X_train[start : start + 100], udhr.y_train[start : start + 100],
                        classes=sorted(set(udhr.y_train)))
    np.testing.assert_array_equal(inc.code_lengths(udhr.X_test[:40]), full.code_lengths(udhr.X_test[:40]))


def test_partial_fit_refuses_changed_settings(udhr):
    clf = CompressionClassifier("cm", order=2).partial_fit(udhr.X_train[:10], udhr.y_train[:10],
                                                           classes=sorted(set(udhr.y_train)))
    clf.set_params(order=4)
    with pytest.raises(ValueError, match="call fit to start again"):
        clf.partial_fit(udhr.X_train[10:20], udhr.y_train[10:20])


def test_bad_order():
    with pytest.raises(ValueError, match=r"'order' parameter .*\[0, 6\]. Got 7"):
        CompressionClassifier("cm", order=7).fit(["a b", "c d"], [0, 1])


# -- a background model the class models adapt from ---------------------------------------------


def _background_pair(order=3):
    from ncd._native.cm import ContextModel

    cls, bg = ContextModel(order), ContextModel(order)
    cls.add([b"the cat sat on the mat", b"a cat and a hat"])
    bg.add([b"the cat sat on the mat", b"a cat and a hat", b"stocks fell as rates rose", b"the bank said"])
    return cls, bg


@pytest.mark.parametrize("strength", [0.5, 4.0])
def test_background_model_is_a_normalised_distribution(strength):
    cls, bg = _background_pair()
    prefix = b"the ca"
    before = cls.code_lengths([prefix], background=bg, strength=strength)[0]
    after = cls.code_lengths([prefix + bytes([b]) for b in range(256)], background=bg, strength=strength)
    assert np.exp2(-(after - before)).sum() == pytest.approx(1.0, abs=1e-9)


def test_background_kernel_equals_its_plain_python_twin():
    from ncd._native import cm
    from ncd._native.runtime import pack

    cls, bg = _background_pair(2)
    data, off = pack([b"the cat fell", b"", b"rates sat on a hat"])
    want = np.empty(3)
    cm._cm_score_background(cls.keys, cls.count, cls.distinct, bg.keys, bg.count, bg.distinct, 4.0, data, off, 2, want)
    got = cls.code_lengths([b"the cat fell", b"", b"rates sat on a hat"], background=bg, strength=4.0)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_background_from_training_texts_or_given_texts():
    X = ["the cat sat on the mat", "a dog ran in the park", "stocks fell sharply", "markets rose today"]
    y = ["pets", "pets", "markets", "markets"]
    plain = CompressionClassifier("cm").fit(X, y)
    train = CompressionClassifier("cm", background="train").fit(X, y)
    given = CompressionClassifier("cm", background=X).fit(X, y)
    np.testing.assert_allclose(train.code_lengths(["the cat ran"]), given.code_lengths(["the cat ran"]))
    assert not np.allclose(train.code_lengths(["the cat ran"]), plain.code_lengths(["the cat ran"]))
    assert train.predict(["the cat sat", "stocks rose"]).tolist() == ["pets", "markets"]
    again = pickle.loads(pickle.dumps(train))
    np.testing.assert_array_equal(again.code_lengths(X), train.code_lengths(X))
    # partial_fit adds to the background what it adds to the classes
    parts = CompressionClassifier("cm", background="train").partial_fit(X[:2], y[:2], classes=["markets", "pets"])
    parts.partial_fit(X[2:], y[2:])
    np.testing.assert_allclose(parts.code_lengths(["the cat ran"]), train.code_lengths(["the cat ran"]))


def test_transductive_background_counts_the_queries_for_that_call_only():
    X = ["the cat sat on the mat", "a dog ran in the park", "stocks fell sharply", "markets rose today"]
    y = ["pets", "pets", "markets", "markets"]
    Q = ["the cat ran", "stocks rose in the park"]
    trans = CompressionClassifier("cm", background="train", transductive=True).fit(X, y)
    # the same as a background of the training texts and the queries, given as texts
    given = CompressionClassifier("cm", background=X + Q).fit(X, y)
    np.testing.assert_allclose(trans.code_lengths(Q), given.code_lengths(Q), rtol=1e-12)
    plain = CompressionClassifier("cm", background="train").fit(X, y)
    assert not np.allclose(trans.code_lengths(Q), plain.code_lengths(Q))
    trans.code_lengths(["zzz qqq"] * 20)  # another call: its queries are not kept
    np.testing.assert_allclose(trans.code_lengths(Q), given.code_lengths(Q), rtol=1e-12)
    assert trans._background._cm.used == plain._background._cm.used


@pytest.mark.parametrize("params, message", [
    ({"model": "cm", "transductive": True}, "adds the query texts to the background, and there is none"),
    ({"model": "cm", "background": "train", "transductive": "yes"}, "'transductive' parameter"),
    ({"model": "cm", "network": object()}, "'network' parameter of CompressionClassifier needs model='mix'"),
    ({"model": "zstd", "background": "train"}, "'background' parameter of CompressionClassifier needs model='cm'"),
    ({"model": "cm", "background": "queries"}, "must be None, 'train' or a sequence of texts. Got 'queries'"),
    ({"model": "cm", "background": "train", "background_strength": 0}, "'background_strength' parameter .* Got 0"),
    ({"model": "cm", "background": "train", "background_strength": float("inf")}, "positive finite number. Got inf"),
])
def test_bad_background_settings_name_the_value(params, message):
    with pytest.raises(ValueError, match=message):
        CompressionClassifier(**params).fit(["a b", "c d"], [0, 1])


# -- the context-mixing class model ---------------------------------------------------------------


def test_mix_class_models_predict_and_pickle():
    X = ["the cat sat on the mat", "a dog ran in the park", "my cat chased the dog", "stocks fell sharply",
         "markets rose today", "the bank raised its rates"]
    y = ["pets", "pets", "pets", "markets", "markets", "markets"]
    clf = CompressionClassifier("mix", memory=16).fit(X, y)
    assert clf.predict(["the cat ran in the park", "rates fell as markets rose"]).tolist() == ["pets", "markets"]
    bits = clf.code_lengths(X)
    np.testing.assert_array_equal(clf.code_lengths(X), bits)  # scoring puts every class model back
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.code_lengths(X), bits)
    frozen = CompressionClassifier("mix", memory=16, adapt=False).fit(X, y).code_lengths(X)
    assert frozen.shape == bits.shape and not np.array_equal(frozen, bits)
    with pytest.raises(ValueError, match=r"'memory' parameter of CompressionClassifier must be an int in the range \[10, 26\]"):
        CompressionClassifier("mix", memory=40).fit(X, y)


def test_mix_pairwise_block_path_equals_the_row_path(monkeypatch):
    from ncd import pairwise_distances
    from ncd.compressors import NO_COMPILED_PATH, MixCompressor

    xs = ["the cat sat", "stocks fell on the news", ""]
    ys = ["the cat sat on the mat", "markets fell", "a dog", "x"]
    compiled = pairwise_distances(xs, ys, compressor="mix", metric="ncd_sym", n_jobs=2)
    monkeypatch.setattr(MixCompressor, "_prepare_refs", lambda self, ys, sep, n: NO_COMPILED_PATH)
    rows = pairwise_distances(xs, ys, compressor="mix", metric="ncd_sym", n_jobs=2)
    np.testing.assert_array_equal(compiled, rows)


def test_class_prior_is_the_two_part_code():
    X = ["the cat sat", "a dog ran", "my cat slept", "stocks fell"]
    y = ["pets", "pets", "pets", "markets"]
    plain = CompressionClassifier("cm").fit(X, y)
    prior = CompressionClassifier("cm", class_prior=True).fit(X, y)
    np.testing.assert_array_equal(prior.class_count_, [1, 3])  # classes_ = ['markets', 'pets']
    np.testing.assert_allclose(prior.code_lengths(["rates rose"]),
                               plain.code_lengths(["rates rose"]) - np.log2([0.25, 0.75]))
    with pytest.raises(ValueError, match=r"'class_prior' parameter of CompressionClassifier must be one of False, True"):
        CompressionClassifier("cm", class_prior="yes").fit(X, y)
