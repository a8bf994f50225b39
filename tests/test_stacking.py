"""CodeLengthClassifier: code lengths of class-level models, cross-fitted, under a logistic regression."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, PredefinedSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from ncd import CodeLengthClassifier, CompressionClassifier
from ncd.datasets import load_dataset
from ncd.stacking import DEFAULT_MODELS, FEW_SHOT_MODELS, default_grid

SMALL = [{"model": "cm", "order": 1}, {"model": "cm", "order": 2}]


@pytest.fixture(scope="module")
def udhr():
    ds = load_dataset()  # 24 languages, 12 training paragraphs each
    keep = [i for i, y in enumerate(ds.y_train) if y in ds.y_train[:1] + ["eng", "fra", "deu"]]
    test = [i for i, y in enumerate(ds.y_test) if y in ds.y_train[:1] + ["eng", "fra", "deu"]]
    return ([ds.X_train[i] for i in keep], [ds.y_train[i] for i in keep],
            [ds.X_test[i] for i in test], [ds.y_test[i] for i in test])


def test_default_models_are_cm_orders_1_to_5():
    assert [m["order"] for m in DEFAULT_MODELS] == [1, 2, 3, 4, 5]
    assert CodeLengthClassifier().get_params()["models"] is None


def test_fit_predict_and_the_shapes(udhr):
    X, y, Xt, yt = udhr
    clf = CodeLengthClassifier(SMALL, cv=3).fit(X, y)
    n_classes = len(set(y))
    assert clf.classes_.tolist() == sorted(set(y))
    assert clf.train_features_.shape == (len(X), 2 * n_classes)
    assert np.isfinite(clf.train_features_).all() and (clf.train_features_ >= 0).all()
    # each model's block is relative to its best class: one zero per row and block
    for m in range(2):
        block = clf.train_features_[:, m * n_classes:(m + 1) * n_classes]
        np.testing.assert_allclose(block.min(axis=1), 0.0)
    proba = clf.predict_proba(Xt)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(Xt), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(Xt, yt) > 0.9
    assert clf.C_ in clf.cv_results_["C"] and clf.best_score_ == max(clf.cv_results_["mean_accuracy"])
    assert clf.model_cv_accuracy_.shape == (2,) and clf.n_samples_fit_ == len(X)


def test_features_of_new_texts_come_from_models_fitted_on_all_training_texts(udhr):
    X, y, Xt, _ = udhr
    clf = CodeLengthClassifier(SMALL, cv=3).fit(X, y)
    feats = clf.code_length_features(Xt[:5])
    n_bytes = np.array([len(t.encode()) for t in Xt[:5]], dtype=float)
    for m, params in enumerate(SMALL):
        bits = CompressionClassifier(**params).fit(X, y).code_lengths(Xt[:5]) / n_bytes[:, None]
        np.testing.assert_allclose(feats[:, m * len(clf.classes_):(m + 1) * len(clf.classes_)],
                                   bits - bits.min(axis=1, keepdims=True))


def test_cross_fitting_features_are_made_without_the_texts_own_fold(udhr):
    """By construction: the row of a training text equals what models fitted on the other folds give."""
    X, y, _, _ = udhr
    clf = CodeLengthClassifier(SMALL, cv=3).fit(X, y)
    folds, classes = clf.folds_, clf.classes_.tolist()
    assert sorted(np.unique(folds)) == [0, 1, 2]
    y = np.asarray(y, dtype=object)
    for f in range(3):
        inside, held = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
        texts = [X[i] for i in held]
        n_bytes = np.array([len(t.encode()) for t in texts], dtype=float)
        for m, params in enumerate(SMALL):
            model = CompressionClassifier(**params).partial_fit([X[i] for i in inside], y[inside], classes=classes)
            bits = model.code_lengths(texts) / n_bytes[:, None]
            np.testing.assert_allclose(clf.train_features_[held, m * len(classes):(m + 1) * len(classes)],
                                       bits - bits.min(axis=1, keepdims=True))


def test_a_texts_own_label_never_reaches_its_features(udhr):
    """Relabel one training text: its features, and those of every text in its fold, do not move."""
    X, y, _, _ = udhr
    folds = KFold(3, shuffle=True, random_state=0)  # folds that do not depend on the labels
    a = CodeLengthClassifier(SMALL, cv=folds).fit(X, y)
    i = 7
    other = next(c for c in a.classes_ if c != y[i])
    y2 = list(y)
    y2[i] = other
    b = CodeLengthClassifier(SMALL, cv=folds).fit(X, y2)
    np.testing.assert_array_equal(a.folds_, b.folds_)
    same_fold = a.folds_ == a.folds_[i]
    np.testing.assert_array_equal(a.train_features_[same_fold], b.train_features_[same_fold])
    assert not np.array_equal(a.train_features_[~same_fold], b.train_features_[~same_fold])


def test_it_beats_the_argmin_where_the_argmin_is_weak(load_split):
    """TREC (question types): argmin of cm code lengths is weak, the learned weighting is not."""
    X, y = load_split("trec", "train", 2000)
    Xt, yt = load_split("trec", "test")
    models = [{"model": "cm", "order": k} for k in (1, 2, 3)]
    clf = CodeLengthClassifier(models, cv=3).fit(X, y)
    stacked = clf.score(Xt, yt)
    argmin = max(CompressionClassifier(**m).fit(X, y).score(Xt, yt) for m in models)
    assert stacked > argmin + 0.03, (stacked, argmin)
    # and the CV estimate on train says so too, before any test text is read
    assert clf.best_score_ > clf.model_cv_accuracy_.max()


def test_clone_pickle_pipeline_and_gridsearch(udhr):
    X, y, Xt, yt = udhr
    clf = CodeLengthClassifier(SMALL, cv=3, Cs=(1.0, 10.0))
    assert clone(clf).get_params() == clf.get_params()
    clf.fit(X, y)
    back = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(back.predict(Xt), clf.predict(Xt))
    np.testing.assert_allclose(back.predict_proba(Xt), clf.predict_proba(Xt))
    pipe = make_pipeline(FunctionTransformer(lambda texts: [t.lower() for t in texts]),
                         CodeLengthClassifier(SMALL, cv=3))
    assert pipe.fit(X, y).score(Xt, yt) > 0.9
    search = GridSearchCV(CodeLengthClassifier(cv=3), {"models": [SMALL[:1], SMALL]}, cv=2).fit(X, y)
    assert search.best_params_["models"] in (SMALL[:1], SMALL)
    assert search.score(Xt, yt) > 0.8


def _opening(text, k):
    return b" ".join(text.encode().split()[:k])


def test_head_words_features_are_the_code_lengths_of_the_opening_words(udhr):
    X, y, Xt, _ = udhr
    X = [x if i % 2 else "  " + x.replace(" ", " \n ", 3) for i, x in enumerate(X)]  # runs of whitespace
    clf = CodeLengthClassifier(SMALL, cv=3, head_words=(3, 1)).fit(X, y)
    plain = CodeLengthClassifier(SMALL, cv=3).fit(X, y)
    n, k = len(X), len(clf.classes_)
    assert clf.train_features_.shape == (n, 3 * 2 * k)
    # the whole texts' block is the plain classifier's, and each model alone scores the same
    np.testing.assert_array_equal(clf.train_features_[:, :2 * k], plain.train_features_)
    np.testing.assert_array_equal(clf.model_cv_accuracy_, plain.model_cv_accuracy_)
    np.testing.assert_array_equal(clf.folds_, plain.folds_)
    codes = np.searchsorted(clf.classes_, np.asarray(y))
    # cross-fitted: each fold's opening words scored by models fitted on the other folds
    for f in np.unique(clf.folds_):
        inside, held = np.flatnonzero(clf.folds_ != f), np.flatnonzero(clf.folds_ == f)
        for m, params in enumerate(SMALL):
            model = CompressionClassifier(**params).partial_fit([X[i] for i in inside], codes[inside],
                                                                classes=np.arange(k))
            for v, words in enumerate((3, 1)):
                cut = [_opening(X[i], words) for i in held]
                bits = model.code_lengths(cut) / np.maximum([len(c) for c in cut], 1)[:, None]
                b = (1 + v) * 2 + m
                np.testing.assert_allclose(clf.train_features_[held, b * k:(b + 1) * k],
                                           bits - bits.min(axis=1, keepdims=True))
    # new texts: the same from the models fitted on all the training texts
    feats = clf.code_length_features(Xt[:4])
    assert feats.shape == (4, 6 * k)
    np.testing.assert_allclose(feats[:, 2 * k:4 * k], plain.code_length_features([_opening(t, 3) for t in Xt[:4]]))
    np.testing.assert_allclose(feats[:, 4 * k:], plain.code_length_features([_opening(t, 1) for t in Xt[:4]]))
    assert clf.predict(Xt[:4]).shape == (4,)


def test_a_pickle_from_before_head_words_and_combine_loads_as_before(udhr):
    X, y, Xt, _ = udhr
    clf = CodeLengthClassifier(SMALL, cv=3).fit(X, y)
    state = dict(clf.__getstate__())  # a copy: Python may hand back the instance's own __dict__
    del state["head_words"], state["combine"]
    old = CodeLengthClassifier.__new__(CodeLengthClassifier)
    old.__setstate__(state)
    assert old.get_params()["head_words"] == ()
    assert old.get_params()["combine"] == "logistic"
    np.testing.assert_array_equal(old.predict(Xt), clf.predict(Xt))


def test_gridsearch_over_compression_classifier_with_the_default_grid(udhr):
    X, y, _, _ = udhr
    grid = default_grid()
    search = GridSearchCV(CompressionClassifier(), grid, cv=3).fit(X, y)
    assert len(search.cv_results_["params"]) == sum(np.prod([len(v) for v in g.values()]) for g in grid)


def test_cv_takes_the_splits_themselves_as_scikit_learn_does(udhr):
    """Grouped folds (the groups fit cannot take) as a list of splits: the same as the splitter that makes them."""
    X, y, Xt, _ = udhr
    groups = np.arange(len(X)) % 4
    splits = list(GroupKFold(4).split(X, y, groups))
    a = CodeLengthClassifier(SMALL, cv=splits).fit(X, y)
    for f, (_, test) in enumerate(splits):
        assert (a.folds_[test] == f).all()  # every text held out in its group's split, and only there
    b = CodeLengthClassifier(SMALL, cv=PredefinedSplit(a.folds_)).fit(X, y)
    np.testing.assert_array_equal(a.train_features_, b.train_features_)
    np.testing.assert_array_equal(a.predict(Xt), b.predict(Xt))
    assert a.C_ == b.C_ and a.best_score_ == b.best_score_


def test_cv_splits_that_do_not_partition_the_texts_are_refused():
    X, y = ["a b", "c d", "a c", "b d"], [0, 1, 0, 1]
    with pytest.raises(ValueError, match="needs groups, which fit cannot pass on.*cv=list"):
        CodeLengthClassifier(SMALL, cv=GroupKFold(2)).fit(X, y)
    with pytest.raises(ValueError, match=r"exactly one test part; text 2 is in 0 \(2 of the 4"):
        CodeLengthClassifier(SMALL, cv=[([2, 3], [0, 1])]).fit(X, y)
    with pytest.raises(ValueError, match=r"text 1 is in 2 \(1 of the 4"):
        CodeLengthClassifier(SMALL, cv=[([2, 3], [0, 1]), ([0], [1, 2, 3])]).fit(X, y)
    with pytest.raises(ValueError, match="cv split 1 has test indices outside 0..3"):
        CodeLengthClassifier(SMALL, cv=[([2, 3], [0, 1]), ([0, 1], [2, 4])]).fit(X, y)
    with pytest.raises(ValueError, match=r"cv split 0 must be a \(train, test\) pair of index arrays; got 'a'"):
        CodeLengthClassifier(SMALL, cv={"a": 1}).fit(X, y)


@pytest.mark.parametrize("params, message", [
    ({"models": {"model": "cm"}}, "'models' parameter of CodeLengthClassifier must be a non-empty list"),
    ({"models": []}, "non-empty list"),
    ({"models": ["cm"]}, "models[0] of CodeLengthClassifier must be a dict"),
    ({"models": [{"model": "cm", "ordr": 3}]}, "does not take: ['ordr']"),
    ({"models": [{"model": "cm", "order": 9}]}, "'order' parameter of CompressionClassifier"),
    ({"models": [{"model": "ppm"}]}, "'model' parameter of CompressionClassifier"),
    ({"cv": 1}, "'cv' parameter of CodeLengthClassifier must be an int in the range [2, inf)"),
    ({"cv": 2.5}, "'cv' parameter"),
    ({"Cs": ()}, "'Cs' parameter of CodeLengthClassifier must be a non-empty sequence of positive numbers"),
    ({"Cs": (1.0, 0)}, "'Cs' parameter"),
    ({"Cs": "1"}, "'Cs' parameter"),
    ({"random_state": -1}, "'random_state' parameter"),
    ({"head_words": (0,)}, "'head_words' parameter of CodeLengthClassifier must be a sequence of positive ints"),
    ({"head_words": 2}, "'head_words' parameter"),
    ({"head_words": "2"}, "'head_words' parameter"),
    ({"head_words": (True,)}, "'head_words' parameter"),
    ({"head_words": (2.5,)}, "'head_words' parameter"),
    ({"combine": "mean"},
     "'combine' parameter of CodeLengthClassifier must be one of ['logistic', 'weighted', 'sum']. Got 'mean'"),
    ({"combine": None}, "'combine' parameter"),
])
def test_bad_parameters_are_named_in_fit(params, message):
    clf = CodeLengthClassifier(**params)  # __init__ stores, never checks
    with pytest.raises(ValueError) as info:
        clf.fit(["a b", "c d", "a c", "b d"], [0, 1, 0, 1])
    assert message in str(info.value)


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least 2 classes"):
        CodeLengthClassifier(SMALL, cv=2).fit(["a", "b", "c"], [1, 1, 1])
    with pytest.raises(ValueError, match="string object received"):
        CodeLengthClassifier(SMALL, cv=2).fit("abc", [1])
    with pytest.raises(ValueError, match="cv=5 folds need at least 5"):
        CodeLengthClassifier(SMALL).fit(["a", "b", "c"], [1, 2, 1])


# -- combine="sum": the models' code lengths added, no regression -----------------------------------

WITH_WORDS = [{"model": "cm", "order": 2}, {"model": "words", "word_order": 0, "background": "train",
                                             "background_strength": 0.1}]


def test_sum_is_the_argmin_of_the_models_summed_code_lengths(udhr):
    X, y, Xt, _ = udhr
    clf = CodeLengthClassifier(WITH_WORDS, combine="sum").fit(X, y)
    bits = sum(CompressionClassifier(**params).fit(X, y).code_lengths(Xt) for params in WITH_WORDS)
    np.testing.assert_array_equal(clf.predict(Xt), clf.classes_[np.argmin(bits, axis=1)])
    n_bytes = np.array([len(t.encode()) for t in Xt], dtype=float)[:, None]
    np.testing.assert_allclose(clf.decision_function(Xt), -(bits - bits.min(axis=1, keepdims=True)) / n_bytes,
                               atol=1e-12)
    # the posterior under the normalised geometric mean of the two models
    mean = bits / 2
    want = np.exp2(mean.min(axis=1, keepdims=True) - mean)
    np.testing.assert_allclose(clf.predict_proba(Xt), want / want.sum(axis=1, keepdims=True), rtol=1e-9)
    assert not hasattr(clf, "logistic_") and not hasattr(clf, "train_features_")
    # one model alone: exactly that model's argmin
    one = CodeLengthClassifier(WITH_WORDS[:1], combine="sum").fit(X, y)
    np.testing.assert_array_equal(one.predict(Xt), CompressionClassifier(**WITH_WORDS[0]).fit(X, y).predict(Xt))


def test_sum_needs_no_folds_so_it_fits_two_texts_per_class():
    X = ["the cat sat on the mat", "a cat and a hat", "stocks fell on monday", "the market rose today"]
    y = ["pets", "pets", "money", "money"]
    clf = CodeLengthClassifier(WITH_WORDS, combine="sum").fit(X, y)  # cv=5 > 4 texts: fine, no cross-fitting
    assert clf.predict(["my cat sat on a hat", "stocks and the market"]).tolist() == ["pets", "money"]
    proba = clf.predict_proba(["my cat sat on a hat"])
    assert proba.shape == (1, 2) and np.isclose(proba.sum(), 1.0)
    with pytest.raises(ValueError, match="cv=5 folds need at least 5"):
        CodeLengthClassifier(WITH_WORDS).fit(X, y)  # the regression does need them


@pytest.mark.parametrize("combine", ["sum", "weighted"])
def test_sum_and_weighted_clone_pickle_and_are_searchable(udhr, combine):
    X, y, Xt, yt = udhr
    clf = CodeLengthClassifier(SMALL, cv=3, combine=combine).fit(X, y)
    back = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(back.predict(Xt), clf.predict(Xt))
    np.testing.assert_array_equal(back.predict_proba(Xt), clf.predict_proba(Xt))
    assert clone(clf).get_params()["combine"] == combine
    search = GridSearchCV(CodeLengthClassifier(SMALL, cv=3), {"combine": ["logistic", combine]}, cv=2).fit(X, y)
    assert search.best_params_["combine"] in ("logistic", combine)
    assert search.score(Xt, yt) > 0.8


def test_few_shot_models_are_the_sum_the_benchmark_chose():
    import json
    from pathlib import Path

    chosen = Path(__file__).resolve().parents[1] / "benchmarks" / "few_shot_sum.json"
    if not chosen.exists():
        pytest.skip("benchmarks/few_shot_sum.json is not in this checkout")
    assert [dict(m) for m in FEW_SHOT_MODELS] == json.loads(chosen.read_text())["models"]
    X = ["the cat sat on the mat", "a cat and a hat", "stocks fell on monday", "the market rose today"]
    clf = CodeLengthClassifier(FEW_SHOT_MODELS, combine="sum").fit(X, ["pets", "pets", "money", "money"])
    assert clf.predict(["my cat sat on a hat", "stocks and the market"]).tolist() == ["pets", "money"]


def test_sum_a_class_one_model_cannot_score_cannot_win(udhr):
    X, y, Xt, _ = udhr
    clf = CodeLengthClassifier(SMALL, combine="sum").fit(X, y)
    assert clf.classes_[0] in clf.predict(Xt).tolist()  # it wins some texts while it is scored
    scored = clf.models_[0].code_lengths

    def without_first_class(texts):
        bits = scored(texts)
        bits[:, 0] = np.inf  # as a class model with no texts reports
        return bits

    clf.models_[0].code_lengths = without_first_class
    assert clf.classes_[0] not in clf.predict(Xt).tolist()
    np.testing.assert_array_equal(clf.predict_proba(Xt)[:, 0], 0.0)
    assert np.all(np.isneginf(clf.decision_function(Xt)[:, 0]))
    clf.models_[0].code_lengths = lambda texts: np.full((len(texts), len(clf.classes_)), np.inf)
    np.testing.assert_allclose(clf.predict_proba(Xt[:2]), 1.0 / len(clf.classes_))  # nothing scored: a tie
    assert clf.predict(Xt[:2]).tolist() == [clf.classes_[0]] * 2


# -- combine="weighted": one cross-fitted weight per model and view, one intercept per class --------

def test_weighted_shares_the_cross_fitting_and_scores_with_its_weights(udhr):
    X, y, Xt, yt = udhr
    weighted = CodeLengthClassifier(SMALL, cv=3, combine="weighted", head_words=(2,)).fit(X, y)
    logistic = CodeLengthClassifier(SMALL, cv=3, head_words=(2,)).fit(X, y)
    np.testing.assert_array_equal(weighted.train_features_, logistic.train_features_)
    np.testing.assert_array_equal(weighted.folds_, logistic.folds_)
    n_classes = len(weighted.classes_)
    assert weighted.weights_.shape == (4,) and weighted.intercept_.shape == (n_classes,)  # 2 models x 2 views
    assert not hasattr(weighted, "logistic_")
    assert weighted.C_ in weighted.cv_results_["C"]
    assert weighted.best_score_ == max(weighted.cv_results_["mean_accuracy"])
    # the score of class c: its intercept minus the weighted sum of its features
    blocks = weighted.code_length_features(Xt).reshape(len(Xt), 4, n_classes)
    want = weighted.intercept_ - np.einsum("nbk,b->nk", blocks, weighted.weights_)
    np.testing.assert_allclose(weighted.decision_function(Xt), want)
    proba = weighted.predict_proba(Xt)
    np.testing.assert_allclose(proba, np.exp(want) / np.exp(want).sum(axis=1, keepdims=True), rtol=1e-9)
    np.testing.assert_array_equal(weighted.predict(Xt), weighted.classes_[want.argmax(axis=1)])
    assert weighted.score(Xt, yt) > 0.9


def test_weighted_with_a_tiny_C_is_the_plain_sum(udhr):
    X, y, Xt, _ = udhr
    weighted = CodeLengthClassifier(WITH_WORDS, cv=3, combine="weighted", Cs=(1e-9,)).fit(X, y)
    np.testing.assert_allclose(weighted.weights_, 1.0, atol=1e-6)
    np.testing.assert_allclose(weighted.intercept_, 0.0, atol=1e-6)
    summed = CodeLengthClassifier(WITH_WORDS, combine="sum").fit(X, y)
    np.testing.assert_array_equal(weighted.predict(Xt), summed.predict(Xt))


def test_weighted_fit_learns_which_block_counts_and_the_class_priors():
    from ncd.stacking import _fit_weighted

    rng = np.random.default_rng(0)
    n, k = 600, 3
    codes = rng.choice(k, size=n, p=[0.6, 0.3, 0.1])
    informative = rng.exponential(1.0, size=(n, k))
    informative[np.arange(n), codes] = 0.0  # the true class is the best class of this block
    noise = rng.exponential(1.0, size=(n, k))
    weights, intercept = _fit_weighted(np.stack([informative, noise], axis=1), codes, k, C=100.0)
    assert weights[0] > 3.0 and abs(weights[1]) < 0.5 * weights[0]
    # with no features at all the intercepts are the log class frequencies (up to a constant)
    _, prior = _fit_weighted(np.zeros((n, 1, k)), codes, k, C=1e6)
    np.testing.assert_allclose(np.exp(prior) / np.exp(prior).sum(), np.bincount(codes) / n, atol=1e-3)


def test_weighted_with_a_class_missing_from_some_folds(udhr):
    X, y, Xt, _ = udhr
    rare = sorted(set(y))[0]
    keep = [i for i, label in enumerate(y) if label != rare] + [i for i, label in enumerate(y) if label == rare][:2]
    Xr, yr = [X[i] for i in keep], [y[i] for i in keep]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a class smaller than cv is expected here, not warned about
        clf = CodeLengthClassifier(SMALL, cv=5, combine="weighted").fit(Xr, yr)  # 2 texts of `rare`, 5 folds
    assert np.isfinite(clf.train_features_).all()  # its missing code lengths take the block's cap
    assert np.isfinite(clf.weights_).all() and np.isfinite(clf.intercept_).all()
    proba = clf.predict_proba(Xt)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert rare in clf.classes_.tolist()
