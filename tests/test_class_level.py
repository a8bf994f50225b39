"""CompressionClassifier: one zstd dictionary per class."""

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


def test_fit_predict_on_language_identification(udhr):
    clf = CompressionClassifier(n_jobs=2).fit(udhr.X_train, udhr.y_train)
    assert clf.classes_.tolist() == sorted(set(udhr.y_train))
    assert clf.n_samples_fit_ == len(udhr.X_train)
    assert clf.score(udhr.X_test, udhr.y_test) > 0.9


def test_prediction_is_the_argmin_of_conditional_code_lengths(udhr):
    clf = CompressionClassifier().fit(udhr.X_train, udhr.y_train)
    bits = clf.code_lengths(udhr.X_test[:20])
    assert bits.shape == (20, 24) and (bits > 0).all()
    np.testing.assert_array_equal(clf.predict(udhr.X_test[:20]), clf.classes_[bits.argmin(axis=1)])
    # n_jobs changes nothing
    np.testing.assert_array_equal(CompressionClassifier(n_jobs=2).fit(udhr.X_train, udhr.y_train)
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
    full = CompressionClassifier().fit(udhr.X_train, udhr.y_train)
    inc = CompressionClassifier()
    half = len(udhr.X_train) // 2
    inc.partial_fit(udhr.X_train[:half], udhr.y_train[:half], classes=sorted(set(udhr.y_train)))
    inc.partial_fit(udhr.X_train[half:], udhr.y_train[half:])
    np.testing.assert_array_equal(inc.code_lengths(udhr.X_test[:50]), full.code_lengths(udhr.X_test[:50]))
    assert inc.n_samples_fit_ == full.n_samples_fit_


def test_partial_fit_rules():
    clf = CompressionClassifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(["a b c d"], ["x"])
    clf.partial_fit(["some words here"], ["x"], classes=["x", "y"])
    assert np.isinf(clf.code_lengths(["words"])[:, 1]).all()  # class y has no text yet
    with pytest.raises(ValueError, match=r"labels not in classes_ \['x', 'y'\]: \['z'\]"):
        clf.partial_fit(["more"], ["z"])


def test_pickle_and_clone(udhr):
    clf = CompressionClassifier(level=5).fit(udhr.X_train, udhr.y_train)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.code_lengths(udhr.X_test[:30]), clf.code_lengths(udhr.X_test[:30]))
    cloned = clone(clf)
    assert cloned.get_params() == clf.get_params() and not hasattr(cloned, "classes_")


def test_grid_search_over_level(udhr):
    grid = GridSearchCV(CompressionClassifier(), {"level": [3, 9]}, cv=2).fit(udhr.X_train, udhr.y_train)
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
