"""Labels (issue 15, items 4, 5 and 14): every missing-value spelling refused alike, mixed
int and str labels scored without sorting, and ContextModel.code_length before fit."""

import math
from decimal import Decimal

import numpy as np
import pytest

from ncd import CompressionClassifier, NCDClassifier
from ncd.coding import ContextModel

TEXTS = ["the cat sat on the mat", "a cat lay on a rug", "stocks fell sharply", "markets fell today"]
QUERIES = ["my cat sat on the rug", "shares fell sharply"]
MISSING = "a missing value; every text needs a label"


def _pandas_missing():
    pd = pytest.importorskip("pandas")
    return pd


# -- item 4: missing labels -------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["None", "float NaN", "np.float32 NaN", "Decimal NaN", "Decimal sNaN", "np.datetime64 NaT",
     "np.timedelta64 NaT", "pd.NA", "pd.NaT"],
)
def test_every_missing_label_spelling_is_refused_alike(spelling):
    if spelling.startswith("pd."):
        pd = _pandas_missing()
        missing = {"pd.NA": pd.NA, "pd.NaT": pd.NaT}[spelling]
    else:
        missing = {
            "None": None,
            "float NaN": math.nan,
            "np.float32 NaN": np.float32("nan"),
            "Decimal NaN": Decimal("NaN"),
            "Decimal sNaN": Decimal("sNaN"),
            "np.datetime64 NaT": np.datetime64("NaT"),
            "np.timedelta64 NaT": np.timedelta64("NaT"),
        }[spelling]
    y = ["pets", missing, "finance", "finance"]
    with pytest.raises(ValueError, match=r"y\[1\] is .*, " + MISSING):
        NCDClassifier().fit(TEXTS, y)
    with pytest.raises(ValueError, match=r"y\[1\] is .*, " + MISSING):
        CompressionClassifier().fit(TEXTS, y)


def test_pandas_string_series_with_a_missing_value_is_refused():
    pd = _pandas_missing()
    y = pd.Series(["pets", None, "finance", "finance"], dtype="string")  # the gap is pd.NA
    with pytest.raises(ValueError, match=r"y\[1\] is <NA>, " + MISSING):
        NCDClassifier().fit(TEXTS, y)


def test_pandas_datetime_series_with_nat_is_refused():
    pd = _pandas_missing()
    y = pd.Series(pd.to_datetime(["2020-01-01", None, "2021-01-01", "2021-01-01"]))
    with pytest.raises(ValueError, match=r"y\[1\] is NaT, " + MISSING):
        NCDClassifier().fit(TEXTS, y)


def test_values_that_only_look_missing_are_labels():
    # the strings "nan" and "NA", Decimal numbers and real dates are labels like any other
    y = ["nan", "NA", "nan", "NA"]
    assert NCDClassifier().fit(TEXTS, y).classes_.tolist() == ["NA", "nan"]
    y = [Decimal("1.5"), Decimal("1.5"), Decimal("2"), Decimal("2")]
    assert NCDClassifier().fit(TEXTS, y).predict(QUERIES).tolist() == [Decimal("1.5"), Decimal("2")]
    y = [np.datetime64("2020-01-01")] * 2 + [np.datetime64("2021-01-01")] * 2
    assert len(NCDClassifier().fit(TEXTS, y).classes_) == 2


# -- item 5: mixed int and str labels ---------------------------------------------------


@pytest.mark.parametrize("make", [NCDClassifier, CompressionClassifier], ids=lambda c: c.__name__)
def test_score_with_mixed_int_and_str_labels(make):
    y = [7, 7, "finance", "finance"]
    clf = make().fit(TEXTS, y)
    assert clf.predict(QUERIES).tolist() == [7, "finance"]
    assert clf.score(QUERIES, [7, "finance"]) == 1.0
    assert clf.score(QUERIES, ["7", "finance"]) == 0.5  # the string "7" is not the int 7
    assert clf.score(QUERIES, [7, "finance"], sample_weight=[3.0, 1.0]) == 1.0
    assert clf.score(QUERIES, ["finance", "finance"], sample_weight=[3.0, 1.0]) == 0.25


@pytest.mark.parametrize("make", [NCDClassifier, CompressionClassifier], ids=lambda c: c.__name__)
def test_score_agrees_with_sklearn_on_plain_labels(make):
    from sklearn.metrics import accuracy_score

    y = ["pets", "pets", "finance", "finance"]
    clf = make().fit(TEXTS, y)
    for truth in (["pets", "finance"], ["finance", "finance"], ["finance", "pets"]):
        assert clf.score(QUERIES, truth) == accuracy_score(truth, clf.predict(QUERIES))


def test_score_checks_its_labels():
    clf = NCDClassifier().fit(TEXTS, ["pets", "pets", "finance", "finance"])
    with pytest.raises(ValueError, match=r"len\(X\) = 2, len\(y\) = 1"):
        clf.score(QUERIES, ["pets"])
    with pytest.raises(ValueError, match=r"y\[0\] is nan, " + MISSING):
        clf.score(QUERIES, [math.nan, "pets"])
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(2,\)"):
        clf.score(QUERIES, ["pets", "finance"], sample_weight=[1.0])


# -- item 14: ContextModel before fit ----------------------------------------------------


def test_context_model_code_length_before_fit_says_call_fit():
    with pytest.raises(ValueError, match=r"has seen no text: call fit\(texts\) first"):
        ContextModel(2).code_length(b"a")
