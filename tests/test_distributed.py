"""The Dask backend: a LocalCluster of worker processes gives exactly the local results."""

import random

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from ncd import NCDClassifier, pairwise_kneighbors  # noqa: E402
from ncd.distributed import dask_backend  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _texts(seed, n):
    rng = random.Random(seed)
    words = "the cat dog sat ran market fell rose on a in park mat stocks bank rates".split()
    return [" ".join(rng.choice(words) for _ in range(rng.randrange(0, 30))) for _ in range(n)]


@pytest.mark.parametrize("compressor", ["gzip", "zstd", "lz77"])
@pytest.mark.parametrize("metric", ["ncd", "ncd_sym"])
def test_pairwise_kneighbors_identical_on_the_cluster(client, compressor, metric):
    X, Y = _texts(0, 70), _texts(1, 150)
    local = pairwise_kneighbors(X, Y, n_neighbors=4, compressor=compressor, metric=metric)
    with dask_backend(client, rows_per_task=9):
        remote = pairwise_kneighbors(X, Y, n_neighbors=4, compressor=compressor, metric=metric)
    np.testing.assert_array_equal(local[0], remote[0])
    np.testing.assert_array_equal(local[1], remote[1])


def test_estimator_on_a_real_data_set_identical_on_the_cluster(client, load_split):
    X_train, y_train = load_split("r8", "train", limit=600)
    X_test, y_test = load_split("r8", "test", limit=150)
    clf = NCDClassifier(3, compressor="lz77").fit(X_train, y_train)
    local = (clf.kneighbors(X_test), clf.kneighbors(), clf.predict(X_test), clf.predict_proba(X_test))
    with dask_backend(client):
        remote = (clf.kneighbors(X_test), clf.kneighbors(), clf.predict(X_test), clf.predict_proba(X_test))
    for a, b in zip(local[:2], remote[:2]):  # (dist, ind) pairs, one with each text left out of its own
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(local[2], remote[2])
    np.testing.assert_array_equal(local[3], remote[3])


def test_the_backend_ends_with_the_block(client):
    from ncd._engine import active_backend as _active

    with dask_backend(client) as c:
        assert c is client and _active() is not None
    assert _active() is None


def test_default_client_and_errors(client):
    with dask_backend() as c:  # the module's client is the default one
        assert c is client
    with pytest.raises(TypeError, match="client must be a distributed.Client, got str"):
        with dask_backend("tcp://nowhere:8786"):
            pass
    with pytest.raises(ValueError, match="rows_per_task must be a positive int or None, got 0"):
        with dask_backend(client, rows_per_task=0):
            pass


def test_no_client_says_what_to_do(monkeypatch):
    def none():
        raise ValueError("No global client found")

    monkeypatch.setattr(distributed, "get_client", none)
    with pytest.raises(ValueError, match=r"found no Dask client: pass one, dask_backend\(client\)"):
        with dask_backend():
            pass
