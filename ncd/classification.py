"""scikit-learn estimators over compression distances."""

from __future__ import annotations

import copy
import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._validation import (
    check_choice,
    check_int,
    check_n_jobs,
    check_separator,
    check_texts,
    check_working_memory,
)
from .compressors import Compressor, get_compressor
from ._engine import PairwiseJob, References, code_lengths
from .distance import METRICS, check_window

__all__ = ["NCDClassifier", "NCDTransformer"]

WEIGHTS = ("uniform", "distance")
TIE_BREAKS = ("nearest", "random", "lowest")


class _TextInput:
    """Declares what every ncd estimator takes: a 1-D sequence of documents, not a 2-D array."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


class _LabelScore:
    """``score`` for ncd's classifiers: accuracy without sorting the labels (any hashable type)."""

    def score(self, X, y, sample_weight=None):
        """Accuracy of ``predict(X)`` against the labels y.

        Labels of any hashable type, int and str mixed included: they are compared one
        by one, never sorted.

        Parameters
        ----------
        X : sequence of str or bytes of length n_queries
        y : array-like of shape (n_queries,)
        sample_weight : array-like of shape (n_queries,), default=None

        Returns
        -------
        float
        """
        return _accuracy(y, self.predict(X), sample_weight)


class _CompressionDistanceBase(_TextInput, BaseEstimator):
    """What the classifier and the transformer share: the fitted texts and their C(x)."""

    def _validate_common(self) -> tuple[Compressor, bytes, int]:
        owner = type(self).__name__
        check_choice(self.metric, "metric", owner, tuple(METRICS))
        separator = check_separator(self.separator, owner)
        n_jobs = check_n_jobs(self.n_jobs, owner)
        if isinstance(self.compressor, Compressor):
            compressor = copy.deepcopy(self.compressor)  # later set_params on the parameter leave the fit alone
        else:
            try:
                compressor = get_compressor(self.compressor)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"The 'compressor' parameter of {owner}: {exc}") from None
        return compressor, separator, n_jobs

    def _fit_texts(self, texts: list[bytes]) -> None:
        """Store validated texts (from :func:`check_texts`) and compute each C(x) once."""
        self.compressor_, separator, self._n_jobs = self._validate_common()
        self._refs = References(texts, code_lengths(self.compressor_, texts, self._n_jobs), self.compressor_,
                                separator)
        self.n_samples_fit_ = len(texts)

    def _job(self, texts: list[bytes], lengths: np.ndarray) -> PairwiseJob:
        """A pairwise job of the given query texts against the fitted texts.

        What the compressor's compiled path needs about the fitted texts is prepared
        on first use and kept with them (:class:`ncd._engine.References`), so every
        later predict reuses it.
        """
        refs = self._refs
        check_window(self.compressor_, texts, refs.texts, refs.separator)
        return PairwiseJob(refs, texts, lengths, metric=self.metric, n_jobs=self._n_jobs,
                           working_memory=check_working_memory(None, type(self).__name__), verbose=self.verbose)

    def _pairwise(self, X) -> PairwiseJob:
        """The query texts X against the fitted texts."""
        check_is_fitted(self, "n_samples_fit_")
        texts = check_texts(X, "X")
        return self._job(texts, code_lengths(self.compressor_, texts, self._n_jobs))

    def _self_pairwise(self) -> PairwiseJob:
        """The fitted texts against themselves, reusing their cached lengths."""
        return self._job(self._refs.texts, self._refs.lengths)

    def __setstate__(self, state):
        # A model pickled before the pairwise engine (ncd <= ceff704) kept the fitted texts,
        # their lengths and the compiled path's prepared references as separate attributes:
        # keep the texts and lengths, and prepare again on first use.
        if "_fit_X" in state:
            state = dict(state)
            texts, lengths = state.pop("_fit_X"), state.pop("_fit_lengths")
            state.pop("_fit_prepared", None)
            state["_refs"] = References(texts, lengths, state["compressor_"], state.pop("_separator"))
        self.__dict__.update(state)



class NCDClassifier(_LabelScore, ClassifierMixin, _CompressionDistanceBase):
    """k-nearest-neighbours vote over a compression distance (gzip + NCD + kNN, done honestly).

    ``fit`` stores the training texts and computes each one's code length once.
    ``predict`` finds the ``n_neighbors`` training texts nearest to each query
    under ``metric`` (streaming row blocks; the full distance matrix is never
    built) and takes a vote. The vote never looks at the true labels of the
    queries: a tie is broken by ``tie_break``, a fixed, label-blind rule.

    Parameters
    ----------
    n_neighbors : int, default=1
        Neighbours in the vote.
    compressor : str, dict or Compressor, default="gzip"
        See :func:`ncd.compressors.get_compressor`. Pass an instance (e.g.
        ``ZstdCompressor()``) to tune its settings as ``compressor__level``.
    metric : {"ncd", "ncd_sym", "cdm", "clm", "conditional"}, default="ncd"
        See :mod:`ncd.distance`.
    weights : {"uniform", "distance"}, default="uniform"
        "uniform": one vote per neighbour. "distance": votes weighted by
        1 / distance; if any neighbour is at distance <= 0, only those vote.
    tie_break : {"nearest", "random", "lowest"}, default="nearest"
        How a tie for the most votes is broken. "nearest": vote again among the
        k - 1 nearest, and so on until one class leads (with k = 2 and two
        different labels, the nearest neighbour decides). "random": uniformly among
        the tied classes, seeded by ``random_state``. "lowest": the tied class
        that comes first in ``classes_``.
    separator : str or bytes, default=" "
        Placed between query and training text: ``C(query + separator + train)``.
    n_jobs : int, default=None
        Threads for the compressions; None means 1, -1 all cores.
    random_state : int, RandomState instance or None, default=None
        Seeds ``tie_break="random"``; unused otherwise.
    verbose : int, default=0
        Show a progress bar (pairs/s and ETA) when > 0.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``: sorted when they can be, else in order of first
        appearance.
    compressor_ : Compressor
        The compressor in use (a copy of ``compressor`` when an instance was given).
    n_samples_fit_ : int
        Number of training texts.

    Notes
    -----
    Neighbours at equal distance are ordered by their index in the training
    set, so results do not depend on ``n_jobs`` or block sizes. The block size
    follows scikit-learn's ``working_memory`` setting
    (``sklearn.config_context(working_memory=...)``).

    ``predict_proba`` reports the vote shares and does not break ties, so in a
    tie its argmax can differ from ``predict``.

    Examples
    --------
    >>> from ncd import NCDClassifier
    >>> X = ["the cat sat on the mat", "a cat lay on a rug", "stocks fell sharply", "markets fell today"]
    >>> y = ["pets", "pets", "finance", "finance"]
    >>> clf = NCDClassifier(n_neighbors=1).fit(X, y)
    >>> clf.predict(["my cat sat on the rug", "shares fell sharply"]).tolist()
    ['pets', 'finance']
    """

    def __init__(
        self,
        n_neighbors: int = 1,
        *,
        compressor: Any = "gzip",
        metric: str = "ncd",
        weights: str = "uniform",
        tie_break: str = "nearest",
        separator: str | bytes = " ",
        n_jobs: int | None = None,
        random_state: Any = None,
        verbose: int = 0,
    ):
        self.n_neighbors = n_neighbors
        self.compressor = compressor
        self.metric = metric
        self.weights = weights
        self.tie_break = tie_break
        self.separator = separator
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X, y):
        """Store the training texts and their code lengths.

        Parameters
        ----------
        X : sequence of str or bytes of length n_samples
        y : array-like of shape (n_samples,)
            Labels, of any hashable type.

        Returns
        -------
        self : NCDClassifier
        """
        owner = type(self).__name__
        check_int(self.n_neighbors, "n_neighbors", owner)
        check_choice(self.weights, "weights", owner, WEIGHTS)
        check_choice(self.tie_break, "tie_break", owner, TIE_BREAKS)
        texts = check_texts(X, "X")
        self.classes_, self._y = _encode_labels(y, len(texts))
        self._fit_texts(texts)
        return self

    def _check_k(self, n_neighbors, n_candidates: int) -> int:
        k = check_int(n_neighbors, "n_neighbors", type(self).__name__)
        if k > n_candidates:
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {k}, n_samples_fit = "
                f"{self.n_samples_fit_}. Lower n_neighbors or fit on more texts."
            )
        return k

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """The nearest training texts of each query.

        Parameters
        ----------
        X : sequence of str or bytes, default=None
            Queries. None means the training texts, each without itself (its
            duplicates stay), as in scikit-learn.
        n_neighbors : int, default=None
            None means ``self.n_neighbors``.
        return_distance : bool, default=True

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            Only when ``return_distance`` is True. Nearest first.
        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            Indices into the training texts; equal distances in index order.
        """
        check_is_fitted(self, "n_samples_fit_")
        n_neighbors = self.n_neighbors if n_neighbors is None else n_neighbors
        if X is None:
            k = self._check_k(n_neighbors, self.n_samples_fit_ - 1)
            dist, ind = self._self_pairwise().kneighbors(k, exclude_self=True)
        else:
            job = self._pairwise(X)
            k = self._check_k(n_neighbors, self.n_samples_fit_)
            dist, ind = job.kneighbors(k)
        return (dist, ind) if return_distance else ind

    def _vote(self, dist, ind):
        codes = self._y[ind]
        weights = _neighbour_weights(dist, self.weights)
        return codes, weights, _class_scores(codes, weights, len(self.classes_))

    def predict(self, X):
        """Predicted label of each query text.

        Parameters
        ----------
        X : sequence of str or bytes of length n_queries

        Returns
        -------
        ndarray of shape (n_queries,)
            Values from ``classes_``.
        """
        return self._predict_from_neighbours(*self.kneighbors(X))

    def _predict_from_neighbours(self, dist, ind):
        codes, weights, scores = self._vote(dist, ind)
        rng = check_random_state(self.random_state) if self.tie_break == "random" else None
        return self.classes_[_break_ties(scores, codes, weights, self.tie_break, rng)]

    def predict_proba(self, X):
        """Vote shares of each class (weighted by 1 / distance when ``weights="distance"``).

        Returns
        -------
        ndarray of shape (n_queries, n_classes)
            Rows sum to 1; columns in the order of ``classes_``.
        """
        scores = self._vote(*self.kneighbors(X))[2]
        return scores / scores.sum(axis=1, keepdims=True)


class NCDTransformer(ClassNamePrefixFeaturesOutMixin, TransformerMixin, _CompressionDistanceBase):
    """Texts to compression distances against the fitted texts.

    ``transform(X)`` returns a matrix of shape ``(len(X), n_samples_fit_)``, so any
    estimator that takes a precomputed distance or kernel matrix can use it:
    ``KNeighborsClassifier(metric="precomputed")`` on distances,
    ``SVC(kernel="precomputed")`` on similarities (``output="similarity"``).
    ``fit_transform(X)`` gives the square matrix of the fitted texts against
    themselves, which is what those estimators need for ``fit``.

    Parameters
    ----------
    compressor : str, dict or Compressor, default="gzip"
    metric : {"ncd", "ncd_sym", "cdm", "clm", "conditional"}, default="ncd"
    output : {"distance", "similarity"}, default="distance"
        "similarity" returns ``1 - distance``. It is not guaranteed to be a
        positive semi-definite kernel, which ``SVC`` tolerates in practice. Not
        available for the unnormalised "conditional" metric.
    separator : str or bytes, default=" "
    n_jobs : int, default=None
    verbose : int, default=0

    Attributes
    ----------
    compressor_ : Compressor
    n_samples_fit_ : int

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from ncd import NCDTransformer
    >>> X = ["the cat sat on the mat", "a cat lay on a rug", "stocks fell sharply", "markets fell today"]
    >>> y = ["pets", "pets", "finance", "finance"]
    >>> pipe = make_pipeline(NCDTransformer(), KNeighborsClassifier(1, metric="precomputed"))
    >>> pipe.fit(X, y).predict(["shares fell sharply"]).tolist()
    ['finance']
    """

    def __init__(
        self,
        *,
        compressor: Any = "gzip",
        metric: str = "ncd",
        output: str = "distance",
        separator: str | bytes = " ",
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        self.compressor = compressor
        self.metric = metric
        self.output = output
        self.separator = separator
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_output(self) -> None:
        owner = type(self).__name__
        check_choice(self.output, "output", owner, ("distance", "similarity"))
        if self.output == "similarity" and self.metric == "conditional":
            raise ValueError(
                f"{owner}(output='similarity') needs a normalised metric; 'conditional' is in bits. "
                "Use metric='ncd' (or 'ncd_sym', 'cdm', 'clm'), or output='distance'."
            )

    def fit(self, X, y=None):
        """Store the texts and their code lengths. ``y`` is ignored."""
        self._check_output()
        self._fit_texts(check_texts(X, "X"))
        return self

    def _finish(self, D: np.ndarray) -> np.ndarray:
        return 1.0 - D if self.output == "similarity" else D

    def transform(self, X):
        """Distances (or similarities) of X to the fitted texts.

        Returns
        -------
        ndarray of shape ``(n_queries, n_samples_fit_)``
        """
        return self._finish(self._pairwise(X).full())

    def fit_transform(self, X, y=None):
        """Fit on X and return its square matrix against itself, each C(x) computed once."""
        self.fit(X)
        return self._finish(self._self_pairwise().full())

    @property
    def _n_features_out(self):
        return self.n_samples_fit_


# -- the vote -----------------------------------------------------------------------


def _is_missing(value) -> bool:
    """Whether a label is a missing value, in any of its spellings.

    None, float NaN (Python, NumPy), ``Decimal("NaN")``, ``np.datetime64("NaT")``, and
    pandas' ``pd.NA`` and ``pd.NaT``, told apart without importing pandas: a missing value
    is the one value that is not equal to itself, and ``pd.NA`` (whose comparisons give
    ``pd.NA``, not a bool) is known by its type's name.
    """
    if value is None:
        return True
    if isinstance(value, (str, bytes, int)):  # the common labels, none of them missing
        return False
    kind = type(value)
    if kind.__name__ in ("NAType", "NaTType") and kind.__module__.startswith("pandas"):
        return True
    is_nan = getattr(value, "is_nan", None)  # Decimal: a signalling NaN raises on comparison
    if callable(is_nan) and kind.__module__ == "decimal":
        return bool(is_nan())
    try:
        differs = value != value
    except Exception:  # a type whose comparison refuses: not a missing-value marker we know
        return False
    return isinstance(differs, (bool, np.bool_)) and bool(differs)


def _label_list(y, n_samples: int) -> list:
    """The labels y as a list, checked: one per text, 1-D, none missing, all hashable."""
    if y is None:
        raise ValueError("y is None; NCDClassifier needs one label per text.")
    if isinstance(y, (str, bytes)):
        raise ValueError(f"y must be a sequence of labels, got a single {type(y).__name__} {y!r}.")
    shape = getattr(y, "shape", None)
    if shape is not None and len(shape) == 2 and shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change the shape of y "
            "to (n_samples,), for example using ravel().",
            DataConversionWarning,
            stacklevel=4,
        )
        y = np.asarray(y).ravel()
    elif shape is not None and len(shape) != 1:
        raise ValueError(f"y must be 1-D (one label per text), got shape {shape}. Multi-output is not supported.")
    labels = list(y)
    if shape is None and labels and all(isinstance(v, (list, np.ndarray)) for v in labels) \
            and len({len(v) for v in labels}) == 1:
        # a list of equal-length lists is a 2-D y (as numpy and scikit-learn read it), not lists as labels
        return _label_list(np.asarray(labels), n_samples)
    if len(labels) != n_samples:
        raise ValueError(f"X and y have different lengths: len(X) = {n_samples}, len(y) = {len(labels)}.")
    for i, label in enumerate(labels):
        if _is_missing(label):
            raise ValueError(
                f"y[{i}] is {label!r}, a missing value; every text needs a label. "
                "Drop unlabelled texts from X and y."
            )
        try:
            hash(label)
        except TypeError:
            raise TypeError(f"y[{i}] = {label!r} is not hashable; labels must be hashable.") from None
    return labels


def _encode_labels(y, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """classes_ and integer codes for labels of any hashable type."""
    labels = _label_list(y, n_samples)
    kinds = {type(v) for v in labels}
    if all(issubclass(t, str) for t in kinds) or all(
        issubclass(t, (numbers.Number, np.bool_)) and not issubclass(t, complex) for t in kinds
    ):
        classes, codes = np.unique(np.asarray(labels), return_inverse=True)
        return classes, codes.astype(np.intp)
    try:
        ordered = sorted(set(labels))
    except TypeError:  # mixed, unorderable types: order of first appearance
        ordered = list(dict.fromkeys(labels))
    classes = np.empty(len(ordered), dtype=object)
    for i, label in enumerate(ordered):
        classes[i] = label
    index = {label: i for i, label in enumerate(ordered)}
    return classes, np.fromiter((index[v] for v in labels), dtype=np.intp, count=len(labels))


def _accuracy(y_true, y_pred, sample_weight=None) -> float:
    """Share of predictions equal to the true labels, for labels of any hashable type.

    Compares label by label and sorts nothing, so int and str labels together work
    (``sklearn.metrics.accuracy_score`` sorts the labels and fails on them).
    """
    y_pred = list(y_pred)
    labels = _label_list(y_true, len(y_pred))
    if not labels:
        raise ValueError("y is empty: accuracy needs at least one label.")
    hits = np.fromiter((bool(t == p) for t, p in zip(labels, y_pred)), dtype=np.float64, count=len(labels))
    if sample_weight is None:
        return float(hits.mean())
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != hits.shape:
        raise ValueError(
            f"sample_weight must have shape ({len(labels)},), one weight per label; got shape {weights.shape}."
        )
    return float(np.average(hits, weights=weights))


def _neighbour_weights(dist: np.ndarray, weights: str) -> np.ndarray:
    if weights == "uniform":
        return np.ones_like(dist)
    exact = dist <= 0
    with np.errstate(divide="ignore"):
        w = 1.0 / dist
    has_exact = exact.any(axis=1)
    w[has_exact] = exact[has_exact].astype(np.float64)
    return w


def _class_scores(codes: np.ndarray, weights: np.ndarray, n_classes: int) -> np.ndarray:
    scores = np.zeros((codes.shape[0], n_classes))
    np.add.at(scores, (np.arange(codes.shape[0])[:, None], codes), weights)
    return scores


def _break_ties(scores, codes, weights, tie_break: str, rng) -> np.ndarray:
    """The winning class index of each row; ties broken without looking at any true label."""
    winners = scores.argmax(axis=1)  # the lowest tied index: the "lowest" rule
    tied = np.flatnonzero((scores == scores.max(axis=1, keepdims=True)).sum(axis=1) > 1)
    if tie_break == "lowest" or tied.size == 0:
        return winners
    if tie_break == "random":
        for r in tied:
            candidates = np.flatnonzero(scores[r] == scores[r].max())
            winners[r] = candidates[rng.randint(len(candidates))]
        return winners
    # "nearest": drop the farthest neighbour and vote again until one class leads.
    n_classes = scores.shape[1]
    for k in range(codes.shape[1] - 1, 0, -1):
        if tied.size == 0:
            break
        sub = _class_scores(codes[tied, :k], weights[tied, :k], n_classes)
        winners[tied] = sub.argmax(axis=1)
        tied = tied[(sub == sub.max(axis=1, keepdims=True)).sum(axis=1) > 1]
    return winners
