"""On the real data sets in ../shared/data (skipped, with the reason, where they are absent)."""

import gzip

import numpy as np
from sklearn.model_selection import GridSearchCV

from ncd import NCDClassifier
from ncd.metrics import top_k_accuracy


def _paper_style_gzip_knn(train, train_labels, test):
    """An independent k=1 loop written as the paper's code is: gzip.compress, three lengths per pair,
    the first minimum wins. Shares no code with ncd."""
    predictions = []
    for x in test:
        cx = len(gzip.compress(x.encode()))
        best, best_label = None, None
        for y, label in zip(train, train_labels):
            cy = len(gzip.compress(y.encode()))
            cxy = len(gzip.compress((x + " " + y).encode()))
            d = (cxy - min(cx, cy)) / max(cx, cy)
            if best is None or d < best:
                best, best_label = d, label
        predictions.append(best_label)
    return predictions


def test_r8_sample_matches_an_independent_naive_loop(load_split):
    X_train, y_train = load_split("r8", "train", limit=300)
    X_test, y_test = load_split("r8", "test", limit=60)
    clf = NCDClassifier(n_neighbors=1, compressor="gzip", n_jobs=-1).fit(X_train, y_train)
    ours = clf.predict(X_test)
    assert ours.tolist() == _paper_style_gzip_knn(X_train, y_train, X_test)
    assert np.mean(ours == np.asarray(y_test)) > 0.7  # a sanity floor; the full-set figure is in benchmarks/


def test_top2_is_never_below_honest_accuracy_on_real_data(load_split):
    X_train, y_train = load_split("sms_spam", "train", limit=400)
    X_test, y_test = load_split("sms_spam", "test", limit=150)
    clf = NCDClassifier(n_neighbors=2, n_jobs=-1).fit(X_train, y_train)
    ind = clf.kneighbors(X_test, return_distance=False)
    honest = clf.score(X_test, y_test)
    top2 = top_k_accuracy(y_test, np.asarray(y_train)[ind])
    assert top2 >= honest
    assert honest > 0.85


def test_grid_search_on_ag_news(load_split):
    X, y = load_split("ag_news", "train", limit=120)
    grid = GridSearchCV(
        NCDClassifier(n_jobs=-1),
        {"compressor": ["gzip", "zstd", "lzma"], "n_neighbors": [1, 3]},
        cv=3,
    ).fit(X, y)
    scores = grid.cv_results_["mean_test_score"]
    assert scores.shape == (6,)
    assert scores.max() > 0.4  # four balanced classes: chance is 0.25
