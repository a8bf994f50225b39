"""Learning curves and scaling: accuracy against training-set size, and bits per byte against data size.

The scaling-law habit: measure the test error at training sizes on a log grid
(several seeded draws per size), fit ``error = a * n ** -b`` by least squares on
``log(error)`` against ``log(n)``, and read the exponent ``b`` and what the line
predicts for more data. :func:`learning_curve` measures, :func:`fit_power_law`
fits, :func:`plot_learning_curves` draws several estimators on the same log-log
axes (matplotlib, ``pip install "ncd[plot]"``), and :func:`bits_per_byte` gives
each compressor's code length per byte of a growing prefix of a corpus.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

from ._optional import import_optional

__all__ = ["LearningCurve", "PowerLaw", "learning_curve", "fit_power_law", "bits_per_byte",
           "plot_learning_curves"]


class PowerLaw(NamedTuple):
    """``error = a * n ** -b``, fitted in log-log space; ``r2`` of that linear fit.

    Examples
    --------
    >>> from ncd.scaling import PowerLaw
    >>> float(PowerLaw(a=1.0, b=0.5, r2=1.0).predict(100))
    0.1
    """

    a: float
    b: float
    r2: float

    def predict(self, n):
        """The fitted error at training size(s) n."""
        return self.a * np.asarray(n, dtype=float) ** -self.b


class LearningCurve(NamedTuple):
    """Test accuracy at each training size (rows) for each seeded draw (columns).

    Examples
    --------
    >>> import numpy as np
    >>> from ncd.scaling import LearningCurve
    >>> curve = LearningCurve(np.array([10, 100, 1000]), np.array([[0.5, 0.6], [0.7, 0.8], [0.85, 0.95]]),
    ...                       np.array([1, 2]))
    >>> curve.mean.round(2).tolist(), round(curve.power_law().b, 3)
    ([0.55, 0.75, 0.9], 0.327)
    """

    sizes: np.ndarray
    scores: np.ndarray
    seeds: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.scores.mean(axis=1)

    @property
    def interval(self) -> np.ndarray:
        """Half-width of the 95% t-interval of the mean at each size (NaN with one draw)."""
        from scipy import stats

        n = self.scores.shape[1]
        if n < 2:
            return np.full(len(self.sizes), np.nan)
        return stats.t.ppf(0.975, n - 1) * self.scores.std(axis=1, ddof=1) / np.sqrt(n)

    def power_law(self) -> PowerLaw:
        """The power law fitted to the mean error (1 - accuracy) against size."""
        return fit_power_law(self.sizes, 1.0 - self.mean)


def _draw(y, size, rng):
    """`size` training indices: stratified when every class can have one, else uniform."""
    from sklearn.model_selection import train_test_split

    y = np.asarray(y, dtype=object)
    index = np.arange(len(y))
    if size >= len(y):
        return index
    _, counts = np.unique(y.astype(str), return_counts=True)
    stratify = y.astype(str) if size >= len(counts) and counts.min() >= 2 else None
    chosen, _ = train_test_split(index, train_size=size, stratify=stratify,
                                 random_state=int(rng.integers(2**31 - 1)))
    return np.sort(chosen)


def learning_curve(estimator, X_train, y_train, X_test, y_test, *, sizes=None, n_repeats: int = 3,
                   random_state=0) -> LearningCurve:
    """Test accuracy of ``estimator`` trained on subsets of growing size.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Cloned for every fit (e.g. ``NCDClassifier()`` or a TF-IDF pipeline).
    X_train, y_train : sequences
        The pool the training subsets are drawn from (stratified by class
        where every class can be represented).
    X_test, y_test : sequences
        Fixed test set.
    sizes : sequence of int, default=None
        Training sizes. None: 8 sizes on a log grid from twice the number of
        classes to the whole pool.
    n_repeats : int, default=3
        Seeded draws per size (one when the size is the whole pool).
    random_state : int, default=0

    Returns
    -------
    LearningCurve

    Examples
    --------
    >>> from ncd import NCDClassifier
    >>> from ncd.scaling import learning_curve
    >>> X = ["apple pie", "apple tart", "car engine", "car wheel"] * 3
    >>> y = ["food", "food", "car", "car"] * 3
    >>> curve = learning_curve(NCDClassifier(), X, y, ["apple cake", "car door"], ["food", "car"],
    ...                        sizes=[4, 12], n_repeats=2)
    >>> curve.scores.shape
    (2, 2)
    """
    from sklearn.base import clone

    from ._validation import check_int

    n_repeats = check_int(n_repeats, "n_repeats", "learning_curve")
    X_train, y_train = list(X_train), list(y_train)
    if len(X_train) != len(y_train):
        raise ValueError(f"X_train has {len(X_train)} texts but y_train has {len(y_train)} labels.")
    n_classes = len(set(map(str, y_train)))
    if sizes is None:
        lo = min(len(X_train), max(2 * n_classes, 2))
        sizes = np.unique(np.geomspace(lo, len(X_train), 8).round().astype(int))
    sizes = np.asarray(sizes, dtype=int)
    if sizes.ndim != 1 or sizes.size == 0 or sizes.min() < 1 or sizes.max() > len(X_train):
        raise ValueError(f"sizes must be training sizes between 1 and len(X_train) = {len(X_train)}, "
                         f"got {sizes.tolist()}.")
    rng = np.random.default_rng(random_state)
    seeds = rng.integers(2**31 - 1, size=n_repeats)
    y_test = np.asarray(y_test, dtype=object)
    scores = np.empty((len(sizes), n_repeats))
    for i, size in enumerate(sizes):
        for r, seed in enumerate(seeds):
            if r and size == len(X_train):  # the whole pool: every draw is the same
                scores[i, r] = scores[i, 0]
                continue
            idx = _draw(y_train, size, np.random.default_rng(seed))
            model = clone(estimator).fit([X_train[j] for j in idx], [y_train[j] for j in idx])
            scores[i, r] = float(np.mean(model.predict(X_test) == y_test))
    return LearningCurve(sizes, scores, seeds)


def fit_power_law(sizes, errors) -> PowerLaw:
    """Fit ``error = a * n ** -b`` by linear least squares on log(error) against log(n).

    Sizes with an error of 0 (or below) are left out of the fit, since their
    logarithm is undefined; at least two must remain.

    Examples
    --------
    >>> from ncd.scaling import fit_power_law
    >>> law = fit_power_law([10, 100, 1000], [0.5, 0.25, 0.125])
    >>> round(law.b, 4), round(float(law.predict(10_000)), 4)
    (0.301, 0.0625)
    """
    n = np.asarray(sizes, dtype=float)
    e = np.asarray(errors, dtype=float)
    if n.shape != e.shape or n.ndim != 1:
        raise ValueError(f"sizes and errors must be 1-D of the same length, got {n.shape} and {e.shape}.")
    keep = (e > 0) & (n > 0)
    if keep.sum() < 2:
        raise ValueError(f"need at least two sizes with a positive error to fit a power law, got errors {e.tolist()}.")
    x, z = np.log(n[keep]), np.log(e[keep])
    slope, intercept = np.polyfit(x, z, 1)
    residual = z - (slope * x + intercept)
    total = ((z - z.mean()) ** 2).sum()
    r2 = 1.0 - (residual ** 2).sum() / total if total > 0 else 1.0
    return PowerLaw(float(np.exp(intercept)), float(-slope), float(r2))


def bits_per_byte(texts: Sequence, compressors=("gzip", "zstd", "bz2", "lzma"), sizes=None, separator=b"\n"):
    """Code length per byte of the first n bytes of a corpus, for each compressor and n.

    The corpus is the texts joined by ``separator``; each size n takes its
    first n bytes. More data lets a compressor find more structure, so bits per
    byte fall with n until the compressor's window or model stops learning.

    Returns
    -------
    sizes : ndarray of int
    table : dict of compressor id -> ndarray of bits per byte (one per size)

    Examples
    --------
    >>> from ncd.scaling import bits_per_byte
    >>> sizes, table = bits_per_byte(["the cat sat on the mat"] * 200, ["zlib"], sizes=[100, 4000])
    >>> bool(table["zlib"][1] < table["zlib"][0])
    True
    """
    from ._validation import check_texts
    from .compressors import get_compressor

    corpus = separator.join(check_texts(texts, "texts"))
    if sizes is None:
        sizes = np.unique(np.geomspace(min(256, len(corpus)), len(corpus), 10).round().astype(int))
    sizes = np.asarray(sizes, dtype=int)
    if sizes.size == 0 or sizes.min() < 1 or sizes.max() > len(corpus):
        raise ValueError(f"sizes must be between 1 and the corpus length {len(corpus)}, got {sizes.tolist()}.")
    table = {}
    for cid in compressors:
        comp = get_compressor(cid)
        key = cid if isinstance(cid, str) else comp.id
        table[key] = np.array([comp.code_length(corpus[:n]) / n for n in sizes])
    return sizes, table


def plot_learning_curves(curves: dict, *, ax=None, fit: bool = True, extrapolate: float = 10.0):
    """Error against training size on log-log axes, one line per estimator, with fitted power laws.

    Parameters
    ----------
    curves : dict of label -> LearningCurve
    ax : matplotlib Axes, default=None
        A new figure when None.
    fit : bool, default=True
        Draw each fitted power law, dashed, out to ``extrapolate`` times the
        largest size, and put its exponent in the legend.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from ncd.scaling import LearningCurve, plot_learning_curves
    >>> curve = LearningCurve(np.array([10, 100, 1000]), np.array([[0.5, 0.6], [0.7, 0.8], [0.85, 0.95]]),
    ...                       np.array([1, 2]))
    >>> ax = plot_learning_curves({"ncd": curve})
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    """
    plt = import_optional("matplotlib.pyplot", extra="plot", purpose="plot_learning_curves")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    for label, curve in curves.items():
        err = 1.0 - curve.mean
        line = ax.errorbar(curve.sizes, err, yerr=curve.interval, marker="o", capsize=3, label=label)
        if fit:
            law = curve.power_law()
            grid = np.geomspace(curve.sizes.min(), curve.sizes.max() * extrapolate, 50)
            ax.plot(grid, law.predict(grid), "--", color=line[0].get_color(),
                    label=f"{label}: error ≈ {law.a:.2f} n^-{law.b:.2f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training texts")
    ax.set_ylabel("test error (1 - accuracy)")
    ax.legend(fontsize=8)
    return ax
