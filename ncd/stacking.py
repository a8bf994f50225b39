"""Code lengths as features: class-level compression models stacked under a logistic regression.

A class-level model predicts ``argmin_c C(x | c)``. That rule weighs every class's code length alike,
and one context order for all texts. Here the code lengths of a text under every class model, for
several models (by default context models of orders 1 to 5), are the features of a logistic
regression that learns how much each one should count. Training texts get theirs by cross-fitting:
the class models that score a training text were fitted on the other folds, never on the text itself,
so the regression learns from code lengths like those a new text will have.

What goes in is compression only: code lengths in bits per byte, nothing from the words. With
``head_words`` the code lengths of each text's opening words (under the same class models) are
features too: where the first words carry the class (a question's wh-word, a headline, an entity's
name) they say so with their own weight, instead of being averaged into the whole text's length.

:func:`default_grid` gives a small grid for choosing a class-level model by cross-validation on the
training split (``GridSearchCV(CompressionClassifier(), default_grid())``).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ._validation import check_int, check_texts
from .class_level import CompressionClassifier
from .classification import _accuracy, _encode_labels, _TextInput

__all__ = ["CodeLengthClassifier", "DEFAULT_MODELS", "FEW_SHOT_MODELS", "default_grid"]

#: How CodeLengthClassifier turns code lengths into a class: a cross-fitted regression, a weighted sum with
#: cross-fitted weights, or the plain sum.
COMBINE = ("logistic", "weighted", "sum")

#: The default class-level models: context models of orders 1 to 5.
DEFAULT_MODELS = tuple({"model": "cm", "order": k} for k in range(1, 6))

#: Models to sum with ``combine="sum"`` when a class has a few texts: context models of orders 2-4 and the
#: unigram word model, each adapted from a background of the training texts. Chosen on 5-shot development
#: trials drawn from the training splits of the 11 shared sets (``benchmarks/few_shot_dev.md``).
FEW_SHOT_MODELS = tuple(
    [{"model": "cm", "order": k, "background": "train", "background_strength": 16.0} for k in (2, 3, 4)]
    + [{"model": "words", "word_order": 0, "background": "train", "background_strength": 0.1}])


def default_grid() -> list[dict]:
    """A small grid for choosing a :class:`~ncd.CompressionClassifier` by CV on the training split.

    Context models of orders 1 to 5 (accuracy usually peaks at 2 or 3 and falls after), the zstd
    dictionary model at levels 3 and 19, and the word model (unigram and bigram, the training texts as
    background) at strengths 0.1, 0.3, 1 and 4: small strengths suit long texts and few of them, large
    ones short texts (3-fold CV on train: Ohsumed best at 0.3, TREC at 4). Pass it to
    :class:`sklearn.model_selection.GridSearchCV`.

    Returns
    -------
    list of dict
        A ``param_grid`` for ``GridSearchCV(CompressionClassifier(), ...)``.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from ncd import CompressionClassifier
    >>> from ncd.stacking import default_grid
    >>> from ncd.datasets import load_dataset
    >>> ds = load_dataset()
    >>> search = GridSearchCV(CompressionClassifier(), default_grid(), cv=3).fit(ds.X_train, ds.y_train)
    >>> sorted(search.best_params_)
    ['model', 'order']
    """
    return [{"model": ["cm"], "order": [1, 2, 3, 4, 5]}, {"model": ["zstd"], "level": [3, 19]},
            {"model": ["words"], "word_order": [0, 1], "background": ["train"],
             "background_strength": [0.1, 0.3, 1.0, 4.0]}]


def _is_splits(cv) -> bool:
    """Whether cv is an iterable of (train, test) index pairs (not an int, a string or a splitter)."""
    return hasattr(cv, "__iter__") and not isinstance(cv, (str, bytes, numbers.Number))


def _weighted_scores(blocks: np.ndarray, weights: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Each class's score: minus the weighted sum over the blocks of its features, plus its intercept."""
    return intercept - np.einsum("nbk,b->nk", blocks, weights)


def _fit_weighted(blocks: np.ndarray, codes: np.ndarray, n_classes: int, C: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights (one per block) and class intercepts of the weighted sum, by penalised maximum likelihood.

    ``blocks`` is (n_samples, n_blocks, n_classes). The class probabilities are the softmax of
    :func:`_weighted_scores` (a conditional logit); the loss is their summed cross-entropy plus
    ``(|w - 1|^2 + |b|^2) / (2 C)``, so a small C keeps the plain sum's equal weights and no intercepts."""
    n, n_blocks, _ = blocks.shape
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), codes] = 1.0

    def loss_and_grad(theta):
        w, b = theta[:n_blocks], theta[n_blocks:]
        scores = _weighted_scores(blocks, w, b)
        norm = logsumexp(scores, axis=1, keepdims=True)
        residual = np.exp(scores - norm) - onehot  # d loss / d scores
        loss = norm.sum() - np.sum(scores * onehot) + ((w - 1.0) @ (w - 1.0) + b @ b) / (2.0 * C)
        grad_w = -np.einsum("nk,nbk->b", residual, blocks) + (w - 1.0) / C
        grad_b = residual.sum(axis=0) + b / C
        return loss, np.concatenate([grad_w, grad_b])

    start = np.concatenate([np.ones(n_blocks), np.zeros(n_classes)])
    theta = minimize(loss_and_grad, start, jac=True, method="L-BFGS-B", options={"maxiter": 1000}).x
    return theta[:n_blocks], theta[n_blocks:]


class CodeLengthClassifier(ClassifierMixin, _TextInput, BaseEstimator):
    """A logistic regression on a text's code lengths under class-level compression models, or their (weighted) sum.

    For each model in ``models`` (a :class:`~ncd.CompressionClassifier` setting) and each class
    ``c``, the feature is ``C(x | c) / len(x)`` in bits per byte, minus the row's minimum over the
    classes of that model ("how much worse than the best class"). With ``head_words=(k, ...)`` each
    model also gives the same feature for the text's first ``k`` words (its opening, cut at
    whitespace). Training texts get their features
    by ``cv``-fold cross-fitting: the models that score the texts of one fold are fitted on the other
    folds only. A logistic regression, with ``C`` chosen among ``Cs`` by cross-validated accuracy on
    those training features, then maps features to classes. New texts are scored by models fitted on
    all the training texts.

    With ``combine="weighted"`` the same cross-fitted features decide through a much smaller model: a
    class's score is its intercept minus the weighted sum of its own features, one weight per model (and
    view) shared by all classes, one intercept per class (a learned log prior). That is the argmin of the
    models' code lengths mixed with learned weights (a log-linear pool), fitted by penalised maximum
    likelihood (a conditional logit) with the penalty ``(|w - 1|^2 + |b|^2) / (2 C)``: a small ``C`` keeps
    the plain sum. It has ``n_models * n_views + n_classes`` parameters where the regression has
    ``n_models * n_views * n_classes`` per class, so it suits hundreds of classes and sets where the
    regression overfits. 5-fold CV on train chose it over the regression and every single model on 9 of
    the 11 shared sets, with 431 classes too; on test it then did better than the earlier choice on 5 of
    those 9 (20 Newsgroups 0.804 to 0.848) and worse on 4 (``benchmarks/class_vs_linear_weighted.md``).

    With ``combine="sum"`` nothing is learned from the labels beyond the class models themselves: the
    prediction is the class with the smallest sum, over the models (and views), of those features, i.e.
    the argmin of the models' summed bits (a product of the models' probabilities, every model with the
    same weight). No cross-fitting: fitting is one fit of each model. This is the choice for a few
    texts per class, where a regression has nothing to learn its weights from: at 5 texts per class,
    :data:`FEW_SHOT_MODELS` summed beat choosing one model by CV on trials drawn from the training
    splits (``benchmarks/few_shot_dev.md``) and on the benchmark's (``benchmarks/few_shot_sum.md``).

    Parameters
    ----------
    models : list of dict, default=None
        Parameters of each :class:`~ncd.CompressionClassifier`, e.g. ``{"model": "cm", "order": 3}``.
        None means :data:`DEFAULT_MODELS`: context models of orders 1 to 5.
    cv : int, cross-validation splitter or iterable of (train, test) index arrays, default=5
        Folds for the cross-fitting and for choosing ``C``: an int (at least 2; stratified, shuffled
        with ``random_state``), an object with a ``split(X, y)`` method, such as
        :class:`sklearn.model_selection.KFold`, or the splits themselves. The test parts must
        partition the training texts. Folds by group, where the test split is by source (an
        author, a document, an article), are splits: ``cv=list(GroupKFold(5).split(X, y, groups))``.
    Cs : sequence of float, default=(0.1, 1.0, 10.0, 100.0)
        Inverse regularisation strengths tried (of the regression, or of the weighted sum); ties go to
        the smaller.
    combine : {"logistic", "weighted", "sum"}, default="logistic"
        How the models' code lengths decide: a logistic regression on them, cross-fitted as above
        (``"logistic"``), their weighted sum with cross-fitted weights and class intercepts
        (``"weighted"``), or their plain sum (``"sum"``, fixed equal weights; ``cv`` and ``Cs`` are
        not used).
    head_words : sequence of int, default=()
        For each ``k``, the code lengths of the first ``k`` whitespace-separated words of every text
        (joined by single spaces; the whole text if it has fewer) under every model are features
        too, in a block after the whole-text features. The class models are the same; only what
        they score is cut. On TREC (question types) 5-fold CV on train rises from 0.830 to 0.848
        with ``head_words=(2,)`` over eleven models (``benchmarks/class_vs_linear_heads.md``).
    random_state : int or None, default=0
        Seed of the folds when ``cv`` is an int.
    n_jobs : int, default=None
        Threads for the code lengths (passed to each model that does not set its own); None
        means 1, -1 all cores.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    models_ : list of CompressionClassifier
        The class-level models fitted on all the training texts (their classes are the indices
        of ``classes_``).

    The attributes from here on exist with ``combine="logistic"`` or ``"weighted"``.

    train_features_ : ndarray of shape (n_samples, (1 + len(head_words)) * n_models * n_classes)
        The cross-fitted features of the training texts: the whole texts' block, then one per
        ``head_words`` entry, each model by model, classes in ``classes_`` order.
    folds_ : ndarray of shape (n_samples,)
        The fold of each training text: its features come from models fitted without that fold.
    model_cv_accuracy_ : ndarray of shape (n_models,)
        Cross-validated accuracy of each model alone (argmin of its cross-fitted code lengths of
        the whole texts): the same folds, so it compares each model with the stacked one.
    cv_results_ : dict
        ``{"C": [...], "mean_accuracy": [...]}``: the regression's (or weighted sum's) CV accuracy for
        each C.
    C_ : float
        The chosen C.
    best_score_ : float
        Its CV accuracy on the training features.
    logistic_ : LogisticRegression
        ``combine="logistic"``: the regression fitted on all the training features.
    weights_ : ndarray of shape ((1 + len(head_words)) * n_models,)
        ``combine="weighted"``: the weight of each block of features (whole texts model by model, then
        each ``head_words`` view), fitted on all the training features.
    intercept_ : ndarray of shape (n_classes,)
        ``combine="weighted"``: each class's intercept.
    n_samples_fit_ : int

    See Also
    --------
    CompressionClassifier : the argmin rule over one model.

    Notes
    -----
    Fitting costs ``cv + 1`` fits of each model and one scoring of every training text under every
    class of every model; predicting costs ``n_models * n_classes`` code lengths per text. The
    logistic regression has ``n_models * n_classes`` features per class, so with hundreds of classes
    it becomes the slow part.

    ``best_score_`` is a cross-validated estimate that reuses the cross-fitting folds: the features
    of a held-out text never saw its label, but the models that made the features of the other
    folds saw it. It is for choosing among models on the training split, as ``model_cv_accuracy_`` is.

    Examples
    --------
    >>> from ncd import CodeLengthClassifier
    >>> from ncd.datasets import load_dataset
    >>> ds = load_dataset()  # 24 languages, 12 training paragraphs each
    >>> clf = CodeLengthClassifier(models=[{"model": "cm", "order": 2}, {"model": "cm", "order": 3}], cv=3)
    >>> clf = clf.fit(ds.X_train, ds.y_train)
    >>> clf.train_features_.shape  # 2 models x 24 classes
    (288, 48)
    >>> clf.predict(ds.X_test[:3]).tolist()
    ['arb', 'arb', 'arb']
    >>> bool(clf.score(ds.X_test, ds.y_test) > 0.9)
    True
    """

    def __init__(self, models=None, *, cv=5, Cs=(0.1, 1.0, 10.0, 100.0), combine="logistic", head_words=(),
                 random_state=0, n_jobs=None):
        self.models = models
        self.cv = cv
        self.Cs = Cs
        self.combine = combine
        self.head_words = head_words
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- parameters ------------------------------------------------------------------------------
    def _model_params(self) -> list[dict]:
        owner = type(self).__name__
        models = DEFAULT_MODELS if self.models is None else self.models
        if isinstance(models, dict) or not isinstance(models, (list, tuple)) or not models:
            raise ValueError(
                f"The 'models' parameter of {owner} must be a non-empty list of dicts of CompressionClassifier "
                f"parameters, e.g. [{{'model': 'cm', 'order': 3}}], or None. Got {models!r} instead."
            )
        out = []
        for i, spec in enumerate(models):
            if not isinstance(spec, dict):
                raise ValueError(
                    f"models[{i}] of {owner} must be a dict of CompressionClassifier parameters, "
                    f"e.g. {{'model': 'cm', 'order': 3}}. Got {spec!r} instead."
                )
            unknown = sorted(set(spec) - set(CompressionClassifier().get_params()))
            if unknown:
                raise ValueError(
                    f"models[{i}] of {owner} has parameters that CompressionClassifier does not take: {unknown}. "
                    f"It takes {sorted(CompressionClassifier().get_params())}."
                )
            params = {"n_jobs": self.n_jobs, **spec}
            CompressionClassifier(**params)._validate()  # its own messages, before any work
            out.append(params)
        return out

    def _validate(self) -> list[dict]:
        owner = type(self).__name__
        if not isinstance(self.combine, str) or self.combine not in COMBINE:
            raise ValueError(
                f"The 'combine' parameter of {owner} must be one of {list(COMBINE)}. Got {self.combine!r} instead."
            )
        if not (hasattr(self.cv, "split") or _is_splits(self.cv)):  # an int, or something to refuse
            check_int(self.cv, "cv", owner, 2)
        Cs = self.Cs
        if isinstance(Cs, (str, bytes)) or not hasattr(Cs, "__len__") or len(Cs) == 0 or any(
                isinstance(c, bool) or not isinstance(c, numbers.Real) or not c > 0 for c in Cs):
            raise ValueError(
                f"The 'Cs' parameter of {owner} must be a non-empty sequence of positive numbers, "
                f"e.g. (0.1, 1.0, 10.0). Got {Cs!r} instead."
            )
        heads = self.head_words
        if isinstance(heads, (str, bytes)) or not hasattr(heads, "__len__") or any(
                isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1 for k in heads):
            raise ValueError(
                f"The 'head_words' parameter of {owner} must be a sequence of positive ints (numbers of "
                f"opening words), e.g. (2,), or () for none. Got {heads!r} instead."
            )
        if self.random_state is not None:
            check_int(self.random_state, "random_state", owner, 0)
        return self._model_params()

    def _views(self, texts: list[bytes]) -> list[list[bytes]]:
        """The texts themselves, then their first k words for each k in head_words."""
        return [texts] + [[b" ".join(t.split()[:int(k)]) for t in texts] for k in self.head_words]

    def _folds(self, n_samples: int, codes: np.ndarray) -> np.ndarray:
        """The fold of each training text."""
        if hasattr(self.cv, "split"):
            try:
                splits = list(self.cv.split(np.zeros((n_samples, 1)), codes))
            except ValueError as error:
                if "groups" not in str(error):
                    raise
                raise ValueError(f"The cv splitter {self.cv!r} needs groups, which fit cannot pass on. Pass the "
                                 "splits instead: cv=list(splitter.split(X, y, groups)).") from error
        elif _is_splits(self.cv):
            splits = list(self.cv)
        else:
            k = int(self.cv)
            if k > n_samples:
                raise ValueError(
                    f"cv={k} folds need at least {k} training texts; got {n_samples}. Pass a smaller cv."
                )
            counts = np.bincount(codes)
            if counts.max() >= k:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # a class smaller than cv: still valid folds
                    splits = list(StratifiedKFold(k, shuffle=True, random_state=self.random_state).split(
                        np.zeros((n_samples, 1)), codes))  # listed here: split warns lazily, as it is iterated
            else:
                splits = KFold(k, shuffle=True, random_state=self.random_state).split(np.zeros((n_samples, 1)))
        folds = np.full(n_samples, -1, dtype=np.intp)
        times = np.zeros(n_samples, dtype=np.intp)
        for f, split in enumerate(splits):
            if isinstance(split, (str, bytes)) or not hasattr(split, "__len__") or len(split) != 2:
                raise ValueError(f"cv split {f} must be a (train, test) pair of index arrays; got {split!r}.")
            held_out = np.asarray(split[1], dtype=np.intp).ravel()
            if held_out.size and (held_out.min() < 0 or held_out.max() >= n_samples):
                raise ValueError(f"cv split {f} has test indices outside 0..{n_samples - 1} (fit got {n_samples} "
                                 "training texts); pass splits of these texts.")
            folds[held_out] = f
            np.add.at(times, held_out, 1)
        wrong = np.flatnonzero(times != 1)
        if wrong.size:
            raise ValueError(f"The cv folds must put each training text in exactly one test part; text {wrong[0]} "
                             f"is in {times[wrong[0]]} ({wrong.size} of the {n_samples} texts are not in exactly "
                             "one). KFold, StratifiedKFold and GroupKFold partition them.")
        return folds

    # -- features --------------------------------------------------------------------------------
    @staticmethod
    def _relative_bpb(bits: np.ndarray, n_bytes: np.ndarray) -> np.ndarray:
        """Bits per byte minus the row minimum; a class with no model (+inf) gets NaN, filled later."""
        bpb = bits / n_bytes[:, None]
        finite = np.isfinite(bpb)
        low = np.where(finite, bpb, np.inf).min(axis=1, keepdims=True)
        with np.errstate(invalid="ignore"):  # a row with no finite length: inf - inf, replaced by NaN
            return np.where(finite, bpb - low, np.nan)

    @staticmethod
    def _n_bytes(texts: list[bytes]) -> np.ndarray:
        """Each text's length in bytes, at least 1 (an empty text's bits per byte are its bits)."""
        return np.maximum(np.fromiter((len(t) for t in texts), dtype=np.float64, count=len(texts)), 1.0)

    def _fill(self, features: np.ndarray) -> np.ndarray:
        """Missing features (a class absent from a fold's training part) take the cap of their model's block."""
        if np.isnan(features).any():
            features = np.where(np.isnan(features), np.repeat(self._caps, len(self.classes_))[None, :], features)
        return features

    def fit(self, X, y):
        """Cross-fit the code-length features of the training texts, then the regression (or the weighted sum).

        Parameters
        ----------
        X : sequence of str or bytes of length n_samples
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        specs = self._validate()
        texts = check_texts(X, "X")
        self.classes_, codes = _encode_labels(y, len(texts))
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in y; got {self.classes_.tolist()}.")
        n, n_classes = len(texts), len(self.classes_)
        if self.combine == "sum":  # no regression: nothing to cross-fit
            self.models_ = [CompressionClassifier(**params).fit(texts, codes) for params in specs]
            self.n_samples_fit_ = n
            return self
        views = self._views(texts)
        view_bytes = [self._n_bytes(view) for view in views]
        all_classes = np.arange(n_classes)
        self.folds_ = folds = self._folds(n, codes)
        n_blocks = len(views) * len(specs)
        features = np.empty((n, n_blocks * n_classes))
        for f in np.unique(folds):
            inside, held_out = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
            train_texts = [texts[i] for i in inside]
            for m, params in enumerate(specs):
                model = CompressionClassifier(**params).partial_fit(train_texts, codes[inside], classes=all_classes)
                for v, view in enumerate(views):
                    b = v * len(specs) + m
                    bits = model.code_lengths([view[i] for i in held_out])
                    features[held_out, b * n_classes:(b + 1) * n_classes] = self._relative_bpb(
                        bits, view_bytes[v][held_out])
        # the cap of a block: its largest finite feature (a class no fold model saw costs at least that)
        blocks = features.reshape(n, n_blocks, n_classes).transpose(1, 0, 2)
        self._caps = np.array([np.nanmax(b) if np.isfinite(b).any() else 0.0 for b in blocks])
        self.train_features_ = self._fill(features)
        self.model_cv_accuracy_ = np.array([
            float(np.mean(np.nanargmin(np.where(np.isnan(b), np.inf, b), axis=1) == codes))
            for b in blocks[:len(specs)]])

        # C by cross-validated accuracy on the cross-fitted features, the same folds
        Cs = sorted(float(c) for c in self.Cs)
        if self.combine == "weighted":
            stacked = self.train_features_.reshape(n, n_blocks, n_classes)

            def fit_on(rows, C):
                return _fit_weighted(stacked[rows], codes[rows], n_classes, C)

            def predict_on(fitted, rows):
                return np.argmax(_weighted_scores(stacked[rows], *fitted), axis=1)
        else:
            def fit_on(rows, C):
                return self._logistic(C).fit(self.train_features_[rows], codes[rows])

            def predict_on(fitted, rows):
                return fitted.predict(self.train_features_[rows])
        correct = np.zeros(len(Cs))
        # one BLAS thread: the regression is small (n_models * n_classes features), and threads of
        # BLAS on a machine whose cores are busy made each fit 10-25x slower (benchmarks/stacking_speed.md)
        with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
            warnings.simplefilter("ignore", ConvergenceWarning)
            for f in np.unique(folds):
                inside, held_out = folds != f, folds == f
                if len(np.unique(codes[inside])) < 2:
                    continue  # counts as wrong for every C
                for j, C in enumerate(Cs):
                    correct[j] += np.sum(predict_on(fit_on(inside, C), held_out) == codes[held_out])
            accuracy = correct / n
            best = int(np.argmax(accuracy))  # ties: the first, the smallest C
            self.cv_results_ = {"C": Cs, "mean_accuracy": accuracy.tolist()}
            self.C_, self.best_score_ = Cs[best], float(accuracy[best])
            everything = slice(None)  # all rows, as views: no copy of the features
            if self.combine == "weighted":
                self.weights_, self.intercept_ = fit_on(everything, self.C_)
            else:
                self.logistic_ = fit_on(everything, self.C_)
        self.models_ = [CompressionClassifier(**params).fit(texts, codes) for params in specs]
        self.n_samples_fit_ = n
        return self

    def _logistic(self, C: float) -> LogisticRegression:
        return LogisticRegression(C=C, max_iter=2000)

    def code_length_features(self, X) -> np.ndarray:
        """The features of new texts, from the models fitted on all the training texts.

        Returns
        -------
        ndarray of shape (n_samples, (1 + len(head_words)) * n_models * n_classes)
            Bits per byte minus the row minimum, laid out as ``train_features_``. (With
            ``combine="sum"``, a class that a model cannot score is NaN there, and it cannot win the sum.)
        """
        check_is_fitted(self, "models_")
        views = self._views(check_texts(X, "X"))
        features = np.hstack([self._relative_bpb(m.code_lengths(view), self._n_bytes(view))
                              for view in views for m in self.models_])
        return features if self.combine == "sum" else self._fill(features)

    def _summed(self, X) -> np.ndarray:
        """``combine="sum"``: each class's summed bits per byte over the models and views, minus the row minimum.

        A class that some model cannot score (an infinite code length: NaN in the features) cannot win: its
        sum is +inf. A row where no class has a finite sum is all zeros (a tie, as the argmin rule has it)."""
        features = self.code_length_features(X)
        blocks = features.reshape(len(features), -1, len(self.classes_))
        total = np.where(np.isnan(blocks), np.inf, blocks).sum(axis=1)
        total[~np.isfinite(total).any(axis=1)] = 0.0
        return total - total.min(axis=1, keepdims=True)

    def _weighted(self, X) -> np.ndarray:
        """``combine="weighted"``: each class's score, the intercept minus the weighted sum of its features."""
        features = self.code_length_features(X)
        return _weighted_scores(features.reshape(len(features), -1, len(self.classes_)), self.weights_,
                                self.intercept_)

    def decision_function(self, X) -> np.ndarray:
        """The logistic regression's decision function on the code-length features; with ``combine="weighted"``,
        each class's intercept minus its weighted sum of features; with ``combine="sum"``, minus each class's
        summed bits per byte over the models (larger is likelier)."""
        if self.combine == "sum":
            return -self._summed(X)
        if self.combine == "weighted":
            return self._weighted(X)
        return self.logistic_.decision_function(self.code_length_features(X))

    def predict(self, X):
        """The most probable class of each text (``combine="sum"``: the fewest summed bits; ties: the first class)."""
        if self.combine == "sum":
            return self.classes_[np.argmin(self._summed(X), axis=1)]
        if self.combine == "weighted":
            return self.classes_[np.argmax(self._weighted(X), axis=1)]
        return self.classes_[self.logistic_.predict(self.code_length_features(X))]

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, ndarray of shape (n_samples, n_classes), columns in ``classes_`` order.

        With ``combine="weighted"``: the softmax of :meth:`decision_function`. With ``combine="sum"``:
        ``p(c | x)`` proportional to ``2 ** (-len(x) * m)``, m the mean over the models
        (and views) of the class's bits per byte; without ``head_words`` that is ``2 ** (-mean over the models
        of C(x | c))``, the posterior under the normalised geometric mean of the models (equal class priors)."""
        if self.combine == "sum":
            X = check_texts(X, "X")
            bits = -self._summed(X) * self._n_bytes(X)[:, None] / (len(self.models_) * (1 + len(self.head_words)))
            weights = np.exp2(bits - bits.max(axis=1, keepdims=True))
            return weights / weights.sum(axis=1, keepdims=True)
        if self.combine == "weighted":
            return softmax(self._weighted(X), axis=1)
        return self.logistic_.predict_proba(self.code_length_features(X))

    def score(self, X, y, sample_weight=None):
        """Accuracy of ``predict(X)`` against the labels y (labels of any hashable type)."""
        return _accuracy(y, self.predict(X), sample_weight)

    def __setstate__(self, state):
        # pickled before head_words or combine existed: whole-text features only, a regression
        super().__setstate__({"head_words": (), "combine": "logistic", **state})
