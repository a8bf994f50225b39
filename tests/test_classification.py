"""NCDClassifier and NCDTransformer: the vote, the tie rules, bad input and the scikit-learn contract."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC
from sklearn.utils import estimator_checks as ec

from ncd import NCDClassifier, NCDTransformer, pairwise_distances, pairwise_kneighbors
from ncd.classification import _break_ties, _class_scores, _neighbour_weights
from ncd.compressors import Compressor, ZstdCompressor
from ncd.metrics import top_k_accuracy

PETS = [
    "the cat sat on the mat",
    "a cat lay on a rug by the fire",
    "my dog chased the cat around the garden",
    "the puppy and the kitten sleep all day",
    "feed the cat twice a day and brush the dog",
    "our dog barks at the cat next door",
]
FINANCE = [
    "stocks fell sharply on tuesday",
    "markets fell as rates rose",
    "the central bank raised interest rates again",
    "bond yields rose and shares fell",
    "investors sold stocks after the rate decision",
    "the bank reported higher quarterly profits",
]
X = PETS + FINANCE
y = ["pets"] * 6 + ["finance"] * 6
X_TEST = ["the kitten sat on the rug", "shares fell after the bank raised rates", "a dog and a cat", "stocks rose"]
Y_TEST = ["pets", "finance", "pets", "finance"]


# -- the vote and its tie rules, on hand-made neighbourhoods ----------------------------


def _scores(codes, n_classes=3, dist=None, weights="uniform"):
    codes = np.asarray(codes)
    dist = np.ones(codes.shape) if dist is None else np.asarray(dist, dtype=float)
    w = _neighbour_weights(dist, weights)
    return _class_scores(codes, w, n_classes), codes, w


def test_lowest_takes_the_first_tied_class():
    scores, codes, w = _scores([[2, 1, 0, 0]])
    assert _break_ties(scores, codes, w, "lowest", None).tolist() == [0]
    scores, codes, w = _scores([[2, 1]])
    assert _break_ties(scores, codes, w, "lowest", None).tolist() == [1]


def test_nearest_falls_back_to_the_smaller_neighbourhood():
    # k=2, two labels: the nearest decides (the honest version of the paper's k=2)
    scores, codes, w = _scores([[2, 1], [1, 2]])
    assert _break_ties(scores, codes, w, "nearest", None).tolist() == [2, 1]
    # k=4: A B B A ties 2-2; among the 3 nearest B leads
    scores, codes, w = _scores([[0, 1, 1, 0]])
    assert _break_ties(scores, codes, w, "nearest", None).tolist() == [1]
    # k=3: A B C all tied; k=2 still tied; k=1 -> A
    scores, codes, w = _scores([[0, 1, 2]])
    assert _break_ties(scores, codes, w, "nearest", None).tolist() == [0]
    # no tie: the majority wins whatever the order
    scores, codes, w = _scores([[1, 0, 0]])
    assert _break_ties(scores, codes, w, "nearest", None).tolist() == [0]


def test_random_is_seeded_and_picks_only_tied_classes():
    codes = np.tile([[2, 1, 0]], (400, 1))[:, :2]  # classes 2 and 1 tied in every row
    scores, codes, w = _scores(codes)
    a = _break_ties(scores, codes, w, "random", np.random.RandomState(0))
    b = _break_ties(scores, codes, w, "random", np.random.RandomState(0))
    np.testing.assert_array_equal(a, b)
    assert set(a.tolist()) == {1, 2}
    assert 150 < (a == 1).sum() < 250


def test_distance_weights_and_exact_matches():
    w = _neighbour_weights(np.array([[0.5, 0.25], [0.0, 0.1]]), "distance")
    np.testing.assert_allclose(w, [[2.0, 4.0], [1.0, 0.0]])  # an exact match outvotes the rest
    scores, codes, w = _scores([[0, 1, 1]], n_classes=2, dist=[[0.1, 0.5, 0.5]], weights="distance")
    assert _break_ties(scores, codes, w, "nearest", None).tolist() == [0]  # 10 > 2 + 2


# -- end to end ------------------------------------------------------------------------


def test_fit_predict_score():
    clf = NCDClassifier(n_neighbors=3).fit(X, y)
    assert clf.classes_.tolist() == ["finance", "pets"]
    assert clf.n_samples_fit_ == 12
    assert clf.predict(X_TEST).tolist() == Y_TEST
    assert clf.score(X_TEST, Y_TEST) == 1.0


def test_k1_prediction_is_the_label_of_the_nearest_text():
    clf = NCDClassifier(n_neighbors=1).fit(X, y)
    _, ind = pairwise_kneighbors(X_TEST, X, n_neighbors=1)
    assert clf.predict(X_TEST).tolist() == [y[i] for i in ind[:, 0]]


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_predict_proba(weights):
    clf = NCDClassifier(n_neighbors=5, weights=weights).fit(X, y)
    proba = clf.predict_proba(X_TEST)
    assert proba.shape == (4, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    dist, ind = clf.kneighbors(X_TEST)
    w = np.ones_like(dist) if weights == "uniform" else 1 / dist
    expected_pets = (w * (np.asarray(y)[ind] == "pets")).sum(axis=1) / w.sum(axis=1)
    np.testing.assert_allclose(proba[:, 1], expected_pets)
    assert (clf.classes_[proba.argmax(axis=1)] == clf.predict(X_TEST)).all()


def test_kneighbors_without_x_leaves_each_text_out():
    clf = NCDClassifier(n_neighbors=2).fit(X, y)
    dist, ind = clf.kneighbors()
    assert ind.shape == (12, 2)
    assert not (ind == np.arange(12)[:, None]).any()
    full = pairwise_distances(X, X)
    np.fill_diagonal(full, np.inf)
    np.testing.assert_array_equal(ind, np.argsort(full, axis=1, kind="stable")[:, :2])
    assert clf.kneighbors(X_TEST, n_neighbors=4, return_distance=False).shape == (4, 4)


def test_tie_break_in_the_estimator_never_uses_the_test_label():
    """Two training texts at the same distance with different labels: the rule decides, not y_true."""

    class Constant(Compressor):
        id = None

        def code_length(self, data):
            return 100.0

    Xt, yt = ["a", "b"], ["zebra", "apple"]
    for tie_break, expected in [("nearest", "zebra"), ("lowest", "apple")]:
        clf = NCDClassifier(2, compressor=Constant(), tie_break=tie_break).fit(Xt, yt)
        assert clf.predict(["q", "r"]).tolist() == [expected, expected]
    picks = NCDClassifier(2, compressor=Constant(), tie_break="random", random_state=0).fit(Xt, yt)
    first = picks.predict(["q"] * 50)
    np.testing.assert_array_equal(first, picks.predict(["q"] * 50))
    assert set(first) == {"zebra", "apple"}


@pytest.mark.parametrize(
    "labels, classes",
    [
        ([3, 1, 3, 1, 2, 2], [1, 2, 3]),
        (["b", "a", "b", "a", "c", "c"], ["a", "b", "c"]),
        ([1, "one", 1, "one", 2.5, 2.5], [1, "one", 2.5]),  # unorderable: first appearance
        ([(1, "a"), (0, "b"), (1, "a"), (0, "b"), (2, "c"), (2, "c")], [(0, "b"), (1, "a"), (2, "c")]),
        ([True, False, True, False, True, False], [False, True]),
    ],
)
def test_any_hashable_labels(labels, classes):
    texts = ["aaaa aaa", "bbbb bbb", "aaa aaaa", "bbb bbbb", "cccc ccc", "ccc cccc"]
    clf = NCDClassifier().fit(texts, labels)
    assert clf.classes_.tolist() == classes
    pred = clf.predict(["aaaaa aa", "bbbbb bb", "ccccc cc"])
    assert list(pred) == [labels[0], labels[1], labels[4]]


def test_column_vector_y_warns_and_is_ravelled():
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        clf = NCDClassifier().fit(X, np.asarray(y)[:, None])
    assert clf.predict(X_TEST[:2]).tolist() == Y_TEST[:2]


# -- bad input: each with its message ------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: NCDClassifier().fit("one text", ["a"]), ValueError, "Iterable over raw text documents expected"),
        (lambda: NCDClassifier().fit(["a", None], [1, 2]), TypeError, r"X\[1\] is None"),
        (lambda: NCDClassifier().fit(["a", 7], [1, 2]), TypeError, r"X\[1\] is 7 of type int"),
        (lambda: NCDClassifier().fit([], []), ValueError, "X is empty"),
        (lambda: NCDClassifier().fit(["a", "b"], [1]), ValueError, r"len\(X\) = 2, len\(y\) = 1"),
        (lambda: NCDClassifier().fit(["a", "b"], [1, None]), ValueError, r"y\[1\] is None"),
        (lambda: NCDClassifier().fit(["a", "b"], [1.0, float("nan")]), ValueError, r"y\[1\] is nan"),
        (lambda: NCDClassifier().fit(["a", "b"], [[1], [2, 3]]), TypeError, r"not hashable"),
        (lambda: NCDClassifier().fit(["a", "b"], np.ones((2, 2))), ValueError, "Multi-output is not supported"),
        (lambda: NCDClassifier().fit(["a"], "a"), ValueError, "single str"),
        (lambda: NCDClassifier(0).fit(X, y), ValueError,
         r"The 'n_neighbors' parameter of NCDClassifier must be an int in the range \[1, inf\). Got 0 instead."),
        (lambda: NCDClassifier(20).fit(X, y).predict(X_TEST), ValueError,
         r"n_neighbors = 20, n_samples_fit = 12"),
        (lambda: NCDClassifier(12).fit(X, y).kneighbors(), ValueError, r"n_neighbors = 12, n_samples_fit = 12"),
        (lambda: NCDClassifier(compressor="gzipp").fit(X, y), ValueError,
         r"'compressor' parameter of NCDClassifier: Unknown compressor 'gzipp'. Available: brotli"),
        (lambda: NCDClassifier(metric="euclidean").fit(X, y), ValueError, r"'metric' parameter .*Got 'euclidean'"),
        (lambda: NCDClassifier(weights="inverse").fit(X, y), ValueError, r"'weights' parameter .*Got 'inverse'"),
        (lambda: NCDClassifier(tie_break="label").fit(X, y), ValueError, r"'tie_break' parameter .*Got 'label'"),
        (lambda: NCDClassifier(n_jobs=0).fit(X, y), ValueError, r"'n_jobs' parameter .*Got 0"),
        (lambda: NCDClassifier(separator=None).fit(X, y), TypeError, r"'separator' parameter .*Got None"),
        (lambda: NCDClassifier().predict(X_TEST), NotFittedError, "not fitted yet"),
        (lambda: NCDClassifier().fit(X, y).predict("one text"), ValueError, "string object received"),
        (lambda: NCDTransformer(output="kernel").fit(X), ValueError, r"'output' parameter .*Got 'kernel'"),
        (lambda: NCDTransformer(metric="conditional", output="similarity").fit(X), ValueError,
         "needs a normalised metric"),
        (lambda: NCDTransformer().transform(X), NotFittedError, "not fitted yet"),
    ],
)
def test_bad_input_gets_a_clear_error(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_mixed_str_and_bytes_and_empty_documents():
    texts = [*X[:5], "".join(X[5]).encode("utf-8"), *X[6:], ""]
    labels = [*y, "empty"]
    clf = NCDClassifier().fit(texts, labels)
    assert clf.predict([X_TEST[0].encode("utf-8"), "", b"\xff\xfe\x00"]).shape == (3,)
    assert clf.predict([""])[0] == "empty"


# -- the scikit-learn contract --------------------------------------------------------------


DATA_INDEPENDENT_CHECKS = [
    ec.check_parameters_default_constructible,
    ec.check_no_attributes_set_in_init,
    ec.check_get_params_invariance,
    ec.check_set_params,
    ec.check_estimator_repr,
    ec.check_estimator_cloneable,
    ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_mixin_order,
    ec.check_valid_tag_types,
    ec.check_estimator_tags_renamed,
    ec.check_estimators_unfitted,
]


@pytest.mark.parametrize("estimator", [NCDClassifier(), NCDTransformer()], ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", DATA_INDEPENDENT_CHECKS, ids=lambda c: c.__name__)
def test_data_independent_estimator_checks(estimator, check):
    check(type(estimator).__name__, estimator)


def test_tags_declare_string_input():
    for est in (NCDClassifier(), NCDTransformer()):
        tags = est.__sklearn_tags__()
        assert tags.input_tags.string and not tags.input_tags.two_d_array


def test_fit_does_not_touch_parameters_or_share_the_compressor():
    comp = ZstdCompressor(level=3)
    clf = NCDClassifier(compressor=comp, n_jobs=-1)
    before = clf.get_params(deep=False).copy()
    clf.fit(X, y)
    assert clf.get_params(deep=False) == before and clf.compressor is comp
    assert clf.compressor_ == comp and clf.compressor_ is not comp
    expected = clf.predict(X_TEST)
    comp.set_params(level=19)  # changing the parameter later does not change the fitted model
    assert clf.compressor_.level == 3
    np.testing.assert_array_equal(clf.predict(X_TEST), expected)


def test_nested_compressor_parameters():
    clf = NCDClassifier(compressor=ZstdCompressor())
    assert clf.get_params()["compressor__level"] == 3
    clf.set_params(compressor__level=7, compressor__frame_extras=False)
    assert clf.compressor == ZstdCompressor(level=7, frame_extras=False)


def test_clone_and_pickle():
    clf = NCDClassifier(3, compressor=ZstdCompressor(level=5), tie_break="random", random_state=1).fit(X, y)
    cloned = clone(clf)
    assert cloned.get_params()["compressor"] == clf.compressor and cloned.compressor is not clf.compressor
    assert not hasattr(cloned, "classes_")
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(X_TEST), clf.predict(X_TEST))
    np.testing.assert_array_equal(restored.predict_proba(X_TEST), clf.predict_proba(X_TEST))


def test_grid_search_over_compressors_and_levels():
    grid = GridSearchCV(
        NCDClassifier(),
        {"compressor": ["gzip", "zstd", "lzma"], "n_neighbors": [1, 3]},
        cv=3,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 6
    assert grid.best_params_["compressor"] in {"gzip", "zstd", "lzma"}
    nested = GridSearchCV(NCDClassifier(compressor=ZstdCompressor()), {"compressor__level": [1, 19]}, cv=2).fit(X, y)
    assert [p["compressor__level"] for p in nested.cv_results_["params"]] == [1, 19]
    assert nested.best_estimator_.compressor_.level == nested.best_params_["compressor__level"]


def test_cross_val_score():
    scores = cross_val_score(NCDClassifier(), X, y, cv=3)
    assert scores.shape == (3,) and (scores >= 0.5).all()


def test_n_jobs_does_not_change_predictions():
    a = NCDClassifier(3, n_jobs=1).fit(X, y)
    b = NCDClassifier(3, n_jobs=-1).fit(X, y)
    np.testing.assert_array_equal(a.kneighbors(X_TEST)[1], b.kneighbors(X_TEST)[1])
    np.testing.assert_array_equal(a.predict_proba(X_TEST), b.predict_proba(X_TEST))


# -- the transformer -----------------------------------------------------------------------


def test_transformer_gives_distances_to_the_fitted_texts():
    t = NCDTransformer().fit(X)
    D = t.transform(X_TEST)
    np.testing.assert_array_equal(D, pairwise_distances(X_TEST, X))
    np.testing.assert_array_equal(NCDTransformer().fit_transform(X), pairwise_distances(X, X))
    S = NCDTransformer(output="similarity").fit(X).transform(X_TEST)
    np.testing.assert_array_equal(S, 1 - D)
    names = t.get_feature_names_out()
    assert len(names) == 12 and names[0] == "ncdtransformer0"


def test_transformer_in_pipelines_with_precomputed_estimators():
    knn = make_pipeline(NCDTransformer(), KNeighborsClassifier(1, metric="precomputed")).fit(X, y)
    np.testing.assert_array_equal(knn.predict(X_TEST), NCDClassifier(1).fit(X, y).predict(X_TEST))
    svc = make_pipeline(NCDTransformer(output="similarity"), SVC(kernel="precomputed")).fit(X, y)
    assert svc.score(X_TEST, Y_TEST) >= 0.75


# -- the paper's metric, by name -------------------------------------------------------------


def test_top_k_accuracy_is_what_the_paper_reported():
    y_true = np.array(["a", "b", "a", "b"])
    neighbours = np.array([["a", "b"], ["a", "b"], ["b", "b"], ["b", "a"]])
    assert top_k_accuracy(y_true, neighbours) == 0.75
    # an honest k=2 vote commits to one label per text: here the nearest (first column)
    honest = np.mean(neighbours[:, 0] == y_true)
    assert honest == 0.5 < top_k_accuracy(y_true, neighbours)
    with pytest.raises(ValueError, match=r"shape \(len\(y_true\), k\)"):
        top_k_accuracy(y_true, neighbours[:3])
