"""Transductive self-training: a classifier that also learns from the unlabelled texts it is asked to classify.

:class:`TransductiveClassifier` wraps any classifier of texts. ``fit`` fits it on the labelled texts as
usual. ``predict(X)`` then labels X in rounds: the texts of X that the current model is surest of, class by
class, are added to the training texts with the labels it gave them, the model is fitted again, and X is
scored again. With a few labelled texts per class that is often worth many more labelled ones (the
unlabelled texts teach the class models the words and spellings of their topic), and it needs nothing but
more fits: ``benchmarks/few_shot_transductive.md`` measures it at 5 texts per class, for class-level
compression and for the tuned linear baselines alike.

It is transductive: a text's prediction depends on the other texts of the same call, as with
``CompressionClassifier(transductive=True)``. Score it on the texts you mean to label, all in one call,
and compare it with baselines that are given the same unlabelled texts.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.validation import check_is_fitted

from ._validation import check_int, check_texts
from .classification import _encode_labels, _LabelScore, _TextInput

__all__ = ["TransductiveClassifier"]


class TransductiveClassifier(MetaEstimatorMixin, _LabelScore, ClassifierMixin, _TextInput, BaseEstimator):
    """Self-training on the texts to classify, in ``rounds`` rounds of pseudo-labels (transductive).

    ``predict(X)`` starts from ``estimator`` fitted on the labelled training texts and scores X. In
    round r of R (``rounds``), for each class, the texts of X predicted as that class are ranked by
    their margin (the class's score minus the runner-up's) and the first r / R of them (rounded up) are
    kept; ``estimator`` is fitted again on the labelled texts plus those kept, with the
    predicted labels, and X is scored again. The last round keeps every text of X. Predictions are
    those of the last model. The rule never reads a label of X; ranking within each predicted class
    keeps every class in the pseudo-labels however uneven the margins of different classes are.

    Parameters
    ----------
    estimator : classifier
        A scikit-learn classifier of texts with ``decision_function`` or ``predict_proba`` (scores
        are ``decision_function``, else ``log(predict_proba)``). It is cloned for every fit, and fitted
        with integer class codes ``0 .. n_classes - 1``.
    rounds : int, default=3
        The number of rounds of pseudo-labels; 0 gives the plain estimator's predictions.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    estimator_ : classifier
        ``estimator`` fitted on the labelled training texts only.
    n_samples_fit_ : int
        The number of labelled training texts.

    Notes
    -----
    Each call of ``predict`` fits ``estimator`` ``rounds`` more times, on up to
    ``n_samples_fit_ + len(X)`` texts, and keeps the training texts to do so. Split a large X only
    where its parts are large enough to teach the model on their own: the whole point is that the
    texts of one call help each other.

    Examples
    --------
    >>> from ncd import CodeLengthClassifier, TransductiveClassifier
    >>> train = ["the cat sat on the mat", "a dog ran in the park", "stocks fell on monday",
    ...          "the market rose sharply"]
    >>> labels = ["pets", "pets", "money", "money"]
    >>> clf = TransductiveClassifier(CodeLengthClassifier([{"model": "cm", "order": 2}], combine="sum"),
    ...                              rounds=2).fit(train, labels)
    >>> clf.predict(["my cat and my dog", "bond markets fell"]).tolist()
    ['pets', 'money']
    """

    def __init__(self, estimator, *, rounds=3):
        self.estimator = estimator
        self.rounds = rounds

    def fit(self, X, y):
        """Fit ``estimator`` on the labelled texts, and keep them for the rounds of ``predict``.

        Parameters
        ----------
        X : sequence of str or bytes of length n_samples
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        check_int(self.rounds, "rounds", self, low=0)
        owner = type(self).__name__
        if not (hasattr(self.estimator, "decision_function") or hasattr(self.estimator, "predict_proba")):
            raise ValueError(f"The 'estimator' parameter of {owner} must have decision_function or predict_proba "
                             f"to rank its predictions; got {type(self.estimator).__name__}, which has neither.")
        check_texts(X, "X")
        self._texts = list(X)
        self.classes_, self._codes = _encode_labels(y, len(self._texts))
        if len(self.classes_) < 2:
            raise ValueError(f"{owner} needs at least 2 classes in y; got {self.classes_.tolist()}.")
        self.estimator_ = clone(self.estimator).fit(self._texts, self._codes)
        self.n_samples_fit_ = len(self._texts)
        return self

    def _scores(self, model, X) -> np.ndarray:
        """Scores of shape (n, n_classes), columns by class code; a class the model lacks scores -inf."""
        if hasattr(model, "decision_function"):
            raw = np.asarray(model.decision_function(X), dtype=np.float64)
            if raw.ndim == 1:  # binary: the score of the second class against the first
                raw = np.column_stack([-raw, raw]) / 2.0
        else:
            with np.errstate(divide="ignore"):
                raw = np.log(np.asarray(model.predict_proba(X), dtype=np.float64))
        scores = np.full((len(X), len(self.classes_)), -np.inf)
        scores[:, np.asarray(model.classes_, dtype=np.intp)] = raw
        return scores

    def decision_function(self, X) -> np.ndarray:
        """The last round's scores of the texts of X, ndarray of shape (n_samples, n_classes), columns in
        ``classes_`` order (larger is likelier)."""
        check_is_fitted(self, "estimator_")
        check_texts(X, "X")
        X = list(X)
        scores = self._scores(self.estimator_, X)
        rounds = int(self.rounds)
        for r in range(1, rounds + 1):
            kept, labels = self._pseudo_labels(scores, r / rounds)
            model = clone(self.estimator).fit(self._texts + [X[i] for i in kept],
                                              np.concatenate([self._codes, labels]))
            scores = self._scores(model, X)
        return scores

    @staticmethod
    def _pseudo_labels(scores: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
        """The texts kept in a round and their predicted classes: in each predicted class, the ``share``
        with the largest margins (rounded up; ties: the earlier text)."""
        ranked = np.sort(scores, axis=1)
        margin = ranked[:, -1] - ranked[:, -2]
        predicted = np.argmax(scores, axis=1)
        kept = []
        for c in np.unique(predicted):
            members = np.flatnonzero(predicted == c)
            members = members[np.argsort(-margin[members], kind="stable")]
            kept.append(members[:int(np.ceil(len(members) * share - 1e-9))])
        kept = np.sort(np.concatenate(kept))
        return kept, predicted[kept]

    def predict(self, X):
        """The class of each text of X after the rounds of self-training on X."""
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]
