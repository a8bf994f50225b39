"""The numba kernels against their NumPy twins and their own pure-Python versions."""

import numpy as np
import pytest

from ncd._native import runtime, topk
from ncd._native.metrics import METRICS
from ncd._native.topk import metric_block, metric_block_numpy, metric_topk, metric_topk_numpy

pytestmark = pytest.mark.skipif(not runtime.USE_NUMBA, reason="numba disabled (NCD_NO_NUMBA) or missing")


def _lengths(seed, n_rows=17, n_cols=150, levels=6):
    """Code lengths with many exact ties (few distinct values), as short texts give."""
    rng = np.random.default_rng(seed)
    cx = rng.integers(20, 20 + levels, n_rows).astype(float) * 8
    cy = rng.integers(20, 20 + levels, n_cols).astype(float) * 8
    cxy = (np.maximum(cx[:, None], cy[None, :]) + rng.integers(0, levels, (n_rows, n_cols)) * 8).astype(float)
    cyx = cxy + rng.integers(-2, 3, (n_rows, n_cols)) * 8
    return cx, cy, cxy, cyx


@pytest.mark.parametrize("metric", sorted(METRICS))
@pytest.mark.parametrize("seed", range(3))
def test_block_equals_numpy(metric, seed):
    cx, cy, cxy, cyx = _lengths(seed)
    np.testing.assert_array_equal(metric_block(metric, cx, cy, cxy, cyx, 2), metric_block_numpy(metric, cx, cy, cxy, cyx))


@pytest.mark.parametrize("metric", sorted(METRICS))
@pytest.mark.parametrize("k", [1, 2, 5, 150])
@pytest.mark.parametrize("self_offset", [-1, 0, 3])
def test_topk_equals_a_stable_sort(metric, k, self_offset):
    cx, cy, cxy, cyx = _lengths(k + self_offset)
    if self_offset >= 0:
        k = min(k, cy.size - 1)
    got = metric_topk(metric, cx, cy, cxy, cyx, k, self_offset, 2)
    want = metric_topk_numpy(metric, cx, cy, cxy, cyx, k, self_offset)
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(got[0], want[0])


def test_topk_pure_python_twin_agrees():
    cx, cy, cxy, cyx = _lengths(9, n_rows=4, n_cols=30)
    out_d, out_i = np.empty((4, 3)), np.empty((4, 3), dtype=np.intp)
    topk._metric_topk_nb.py_func(0, cx, cy, cxy, cyx, 3, -1, out_d, out_i)
    d, i = metric_topk("ncd", cx, cy, cxy, cyx, 3)
    np.testing.assert_array_equal(out_i, i)
    np.testing.assert_array_equal(out_d, d)


def test_zero_lengths_give_zero_not_nan():
    z = np.zeros(2)
    for metric in ("ncd", "ncd_sym", "cdm"):
        assert (metric_block(metric, z, z, np.zeros((2, 2)), None) == 0).all()


def test_thread_setting_is_restored():
    import numba

    before = numba.get_num_threads()
    cx, cy, cxy, cyx = _lengths(1)
    metric_topk("ncd", cx, cy, cxy, None, 2, -1, 1)
    assert numba.get_num_threads() == before
