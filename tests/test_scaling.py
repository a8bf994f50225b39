"""ncd.scaling: learning curves, the power-law fit, bits per byte and the plot."""

import numpy as np
import pytest

from ncd import NCDClassifier
from ncd.scaling import LearningCurve, bits_per_byte, fit_power_law, learning_curve, plot_learning_curves


def test_power_law_recovers_known_parameters():
    n = np.array([10, 30, 100, 300, 1000, 3000])
    law = fit_power_law(n, 2.0 * n ** -0.4)
    assert law.a == pytest.approx(2.0) and law.b == pytest.approx(0.4) and law.r2 == pytest.approx(1.0)
    assert law.predict(30000) == pytest.approx(2.0 * 30000 ** -0.4)


def test_power_law_fit_is_least_squares_in_log_log():
    rng = np.random.default_rng(0)
    n = np.geomspace(20, 5000, 9)
    err = 0.8 * n ** -0.3 * np.exp(rng.normal(0, 0.05, n.size))
    law = fit_power_law(n, err)
    slope, intercept = np.polyfit(np.log(n), np.log(err), 1)
    assert law.b == pytest.approx(-slope) and np.log(law.a) == pytest.approx(intercept)
    assert 0.9 < law.r2 < 1.0


def test_power_law_skips_zero_errors_and_says_when_it_cannot_fit():
    law = fit_power_law([10, 100, 1000], [0.5, 0.05, 0.0])
    assert law.b == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least two sizes with a positive error"):
        fit_power_law([10, 100], [0.3, 0.0])
    with pytest.raises(ValueError, match="same length"):
        fit_power_law([10, 100], [0.3])


def _toy():
    rng = np.random.default_rng(1)
    topics = {"food": "apple bread cheese soup pie cake rice", "cars": "engine wheel brake tyre gear road fuel",
              "sea": "boat wave ship sail tide fish harbour"}
    shared = "the a of and to in on with at by for from".split()
    X, y = [], []
    for _ in range(40):
        for label, words in topics.items():  # one topic word among shared ones: hard with few examples
            X.append(" ".join(rng.permutation([*rng.choice(shared, 7), rng.choice(words.split())])))
            y.append(label)
    return X[:90], y[:90], X[90:], y[90:]


def test_learning_curve_shapes_seeds_and_reproducibility():
    Xtr, ytr, Xte, yte = _toy()
    curve = learning_curve(NCDClassifier(), Xtr, ytr, Xte, yte, sizes=[3, 9, 30, 90], n_repeats=3, random_state=5)
    assert isinstance(curve, LearningCurve)
    assert curve.scores.shape == (4, 3) and curve.seeds.shape == (3,)
    assert ((curve.scores >= 0) & (curve.scores <= 1)).all()
    assert np.all(curve.scores[-1] == curve.scores[-1, 0])  # the whole pool: one draw
    assert curve.mean[-1] > curve.mean[0]  # more data helps on this task
    again = learning_curve(NCDClassifier(), Xtr, ytr, Xte, yte, sizes=[3, 9, 30, 90], n_repeats=3, random_state=5)
    np.testing.assert_array_equal(curve.scores, again.scores)
    assert np.isfinite(curve.interval).all()
    law = curve.power_law()
    assert law.b > 0


def test_learning_curve_default_grid_and_bad_sizes():
    Xtr, ytr, Xte, yte = _toy()
    curve = learning_curve(NCDClassifier(), Xtr, ytr, Xte, yte, n_repeats=1)
    assert curve.sizes[0] == 6 and curve.sizes[-1] == 90 and np.all(np.diff(curve.sizes) > 0)
    with pytest.raises(ValueError, match=r"sizes must be training sizes between 1 and len\(X_train\) = 90, got \[0, 100\]"):
        learning_curve(NCDClassifier(), Xtr, ytr, Xte, yte, sizes=[0, 100])
    with pytest.raises(ValueError, match="X_train has 90 texts but y_train has 3 labels"):
        learning_curve(NCDClassifier(), Xtr, ytr[:3], Xte, yte)


def test_bits_per_byte_falls_with_more_repetitive_data():
    texts = ["the market rose on monday as the bank cut rates"] * 300
    sizes, table = bits_per_byte(texts, ["gzip", "zstd", "lz77"], sizes=[200, 2000, 12000])
    assert sizes.tolist() == [200, 2000, 12000]
    for cid, bpb in table.items():
        assert bpb.shape == (3,) and (bpb > 0).all(), cid
        assert bpb[2] < bpb[0], cid
    with pytest.raises(ValueError, match="sizes must be between 1 and the corpus length"):
        bits_per_byte(["abc"], ["gzip"], sizes=[10])


def test_plot_learning_curves_draws_points_and_fits():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    curve = LearningCurve(np.array([10, 100, 1000]), np.array([[0.5, 0.52], [0.75, 0.74], [0.87, 0.88]]),
                          np.array([1, 2]))
    ax = plot_learning_curves({"ncd": curve})
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "ncd" in labels and any(label.startswith("ncd: error ≈") for label in labels)
    fitted = ax.get_lines()[-1].get_xydata()
    assert fitted[-1, 0] == pytest.approx(10000)  # extrapolated to 10x the largest size
