"""Distances and the k nearest, fused, from blocks of code lengths: the compiled kernels and their twins.

The drivers in :mod:`ncd.distance` call :func:`metric_topk` and :func:`metric_block`. The metrics
are those of :data:`ncd._native.metrics.METRICS`, whose integer codes the compiled scalar switches on;
the NumPy twins (``*_numpy``) apply the table's formulas directly and are what runs when
:data:`~ncd._native.runtime.USE_NUMBA` is false. The tests compare the two.
"""

from __future__ import annotations

import numpy as np

from .metrics import METRICS
from .runtime import USE_NUMBA, Threads, jit, prange

__all__ = ["metric_topk", "metric_block", "metric_topk_numpy", "metric_block_numpy"]


def _code(metric):
    """The kernel code of a metric name; an unknown name is an error, never a silent NCD."""
    try:
        return METRICS[metric].code
    except KeyError:
        raise ValueError(f"Unknown metric {metric!r}. Available: {', '.join(METRICS)}.") from None


def _metric_scalar(code, cx, cy, cxy, cyx):
    """One distance from code lengths (bits), by the codes of :data:`METRICS`. 0 / 0 is 0, as in the formulas."""
    if code == 4:
        return cxy - cx
    if code == 2:
        den = cx + cy
        return cxy / den if den != 0.0 else 0.0
    if code == 3:
        return 1.0 - (cx + cy - cxy) / cxy if cxy != 0.0 else 1.0
    if code == 0 or code == 1:
        joint = cxy
        if code == 1 and cyx < cxy:
            joint = cyx
        lo = cx if cx < cy else cy
        hi = cx if cx > cy else cy
        return (joint - lo) / hi if hi != 0.0 else 0.0
    return np.nan  # not a metric code: the Python side never passes one (see _code)


def _insert(dist, ind, d, j, filled):
    """Insert (d, j) into the sorted arrays dist[:filled], ind[:filled] (capacity len(dist)).

    Equal distances keep index order because j grows along a row: a new entry goes after
    every entry with distance <= d. Returns the new fill count.
    """
    k = dist.shape[0]
    if filled == k:
        if not d < dist[k - 1]:
            return filled
        pos = k - 1
    else:
        pos = filled
        filled += 1
    while pos > 0 and dist[pos - 1] > d:
        dist[pos] = dist[pos - 1]
        ind[pos] = ind[pos - 1]
        pos -= 1
    dist[pos] = d
    ind[pos] = j
    return filled


def _metric_topk(code, cx, cy, cxy, cyx, k, self_offset, out_dist, out_ind):
    """Fused metric + top-k over a block of rows.

    cx : (n_rows,), cy : (n_cols,), cxy and cyx : (n_rows, n_cols) code lengths.
    Writes the k nearest columns of each row (nearest first, ties by column index) into
    out_dist / out_ind, shape (n_rows, k). ``self_offset >= 0`` skips column
    ``self_offset + row`` (a text is not its own neighbour).
    """
    n_rows, n_cols = cxy.shape
    for r in prange(n_rows):
        dist = out_dist[r]
        ind = out_ind[r]
        filled = 0
        skip = self_offset + r if self_offset >= 0 else -1
        for j in range(n_cols):
            if j == skip:
                continue
            d = _metric_scalar(code, cx[r], cy[j], cxy[r, j], cyx[r, j])
            filled = _insert(dist, ind, d, j, filled)


def _metric_block(code, cx, cy, cxy, cyx, out):
    """The full distance block: out[r, j] for every row and column."""
    n_rows, n_cols = cxy.shape
    for r in prange(n_rows):
        for j in range(n_cols):
            out[r, j] = _metric_scalar(code, cx[r], cy[j], cxy[r, j], cyx[r, j])


_metric_scalar = jit(_metric_scalar, inline=True)
_insert = jit(_insert, inline=True)
_metric_topk_nb = jit(_metric_topk, parallel=True)
_metric_block_nb = jit(_metric_block, parallel=True)


# -- NumPy twins ------------------------------------------------------------------------


def metric_block_numpy(metric, cx, cy, cxy, cyx):
    return METRICS[metric].func(cx[:, None], cy[None, :], cxy, cyx)


def metric_topk_numpy(metric, cx, cy, cxy, cyx, k, self_offset):
    block = metric_block_numpy(metric, cx, cy, cxy, cyx)
    if self_offset >= 0:
        rows = np.arange(block.shape[0])
        block[rows, rows + self_offset] = np.inf
    ind = np.argsort(block, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(block, ind, axis=1), ind


# -- what the drivers call --------------------------------------------------------------


def _as_inputs(cx, cy, cxy, cyx):
    cx = np.ascontiguousarray(cx, dtype=np.float64)
    cy = np.ascontiguousarray(cy, dtype=np.float64)
    cxy = np.ascontiguousarray(cxy, dtype=np.float64)
    cyx = cxy if cyx is None else np.ascontiguousarray(cyx, dtype=np.float64)
    return cx, cy, cxy, cyx


def metric_topk(metric, cx, cy, cxy, cyx, k, self_offset=-1, n_threads=1):
    """The k nearest columns of each row of a block, from code lengths.

    Returns ``(dist, ind)`` of shape (n_rows, k). Equal distances are in column order.
    """
    code = _code(metric)
    cx, cy, cxy, cyx = _as_inputs(cx, cy, cxy, cyx)
    if not USE_NUMBA:
        return metric_topk_numpy(metric, cx, cy, cxy, cyx, k, self_offset)
    out_dist = np.empty((cxy.shape[0], k))
    out_ind = np.empty((cxy.shape[0], k), dtype=np.intp)
    with Threads(n_threads):
        _metric_topk_nb(code, cx, cy, cxy, cyx, k, self_offset, out_dist, out_ind)
    return out_dist, out_ind


def metric_block(metric, cx, cy, cxy, cyx, n_threads=1):
    """The full block of distances, shape (n_rows, n_cols), from code lengths."""
    code = _code(metric)
    cx, cy, cxy, cyx = _as_inputs(cx, cy, cxy, cyx)
    if not USE_NUMBA:
        return metric_block_numpy(metric, cx, cy, cxy, cyx)
    out = np.empty(cxy.shape)
    with Threads(n_threads):
        _metric_block_nb(code, cx, cy, cxy, cyx, out)
    return out
