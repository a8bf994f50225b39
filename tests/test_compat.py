"""Models fitted and pickled by an earlier release still load, and predict exactly what they did then.

``tests/data/fitted_ceff704.pkl.gz`` was written by ``tools/make_old_pickles.py`` with ncd at
commit ceff704 (before the native layer and the pairwise engine): estimators over gzip, lz77
(both kinds of starts, and the symmetric metric), cm and zstd, a transformer, and both
class-level models, each used once before pickling, with their outputs on 30 queries.
"""

import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest

BLOB = Path(__file__).parent / "data" / "fitted_ceff704.pkl.gz"


@pytest.fixture(scope="module")
def old():
    with gzip.open(BLOB, "rb") as f:
        blob = pickle.load(f)
    assert blob["commit"] == "ceff704"
    return blob


def test_every_old_model_loads_and_gives_the_same_outputs(old):
    models = pickle.loads(old["models"])
    assert set(models) == set(old["expected"])
    for name, model in models.items():
        got = model.transform(old["queries"]) if name.startswith("transformer") else model.predict(old["queries"])
        np.testing.assert_array_equal(got, old["expected"][name], err_msg=name)


def test_an_old_model_pickles_again_without_its_prepared_references(old):
    model = pickle.loads(old["models"])["knn_lz77"]
    model.predict(old["queries"][:2])  # prepares the references
    again = pickle.loads(pickle.dumps(model))
    assert again._refs._prepared is None  # rebuilt on first use, not carried in the pickle
    np.testing.assert_array_equal(again.predict(old["queries"]), old["expected"]["knn_lz77"])


def test_an_old_class_model_learns_on_with_partial_fit(old):
    """Its settings were recorded before later settings existed: partial_fit still accepts them."""
    model = pickle.loads(old["models"])["class_cm"]
    before = model.code_lengths(old["queries"][:3])
    model.partial_fit(old["queries"][:3], model.classes_[:1].repeat(3))
    after = model.code_lengths(old["queries"][:3])
    assert np.all(after[:, 0] < before[:, 0]) and np.array_equal(after[:, 1:], before[:, 1:])
    with pytest.raises(ValueError, match="did not record"):  # it has no class counts for the prior
        model.set_params(class_prior=True).predict(old["queries"][:1])
