"""Scores, including the one the field should stop reporting as accuracy."""

from __future__ import annotations

import numpy as np

__all__ = ["top_k_accuracy"]


def top_k_accuracy(y_true, neighbor_labels) -> float:
    """Fraction of queries whose true label is among the labels of their k nearest neighbours.

    This is what the reference code of Jiang et al. (2023) reported as accuracy
    for k = 2: when the two neighbours disagree it counted the prediction as
    correct if either matched, so the score reads the test label. It is
    top-k accuracy, an upper bound on any classifier that must commit to one
    label; it is here to name that number, never to report it as accuracy. An
    honest k=2 prediction is ``NCDClassifier(n_neighbors=2).predict``, which
    breaks the tie without the label.

    Parameters
    ----------
    y_true : array-like of shape (n_queries,)
    neighbor_labels : array-like of shape (n_queries, k)
        Labels of each query's k nearest training texts, e.g.
        ``np.asarray(y_train)[clf.kneighbors(X_test, n_neighbors=2, return_distance=False)]``.

    Returns
    -------
    float

    Examples
    --------
    >>> from ncd.metrics import top_k_accuracy
    >>> top_k_accuracy(["a", "b", "c"], [["a", "b"], ["a", "b"], ["a", "b"]])
    0.6666666666666666
    """
    y_true = np.asarray(y_true)
    neighbor_labels = np.asarray(neighbor_labels)
    if y_true.ndim != 1:
        raise ValueError(f"y_true must be 1-D, got shape {y_true.shape}.")
    if neighbor_labels.ndim != 2 or neighbor_labels.shape[0] != y_true.shape[0]:
        raise ValueError(
            f"neighbor_labels must have shape (len(y_true), k) = ({y_true.shape[0]}, k), "
            f"got {neighbor_labels.shape}."
        )
    return float(np.mean((neighbor_labels == y_true[:, None]).any(axis=1)))
