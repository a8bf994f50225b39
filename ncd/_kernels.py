"""Every numba kernel of ncd: plain arrays in, plain arrays out.

No Python objects, closures or function arguments, so ``cache=True`` works, and
each kernel has a NumPy twin (``*_numpy``) that the tests compare it with. The
drivers in :mod:`ncd.distance` call :func:`metric_topk` and
:func:`metric_block`; ``NCD_NO_NUMBA=1`` makes them use the NumPy twins.

Metrics are passed as small integer codes (:data:`METRIC_CODES`).
"""

from __future__ import annotations

import os

import numpy as np

try:
    import numba
    from numba import njit, prange
except ImportError:  # pragma: no cover - numba is a core dependency; this keeps the twins importable
    numba = None

#: Metric name -> code understood by the kernels.
METRIC_CODES = {"ncd": 0, "ncd_sym": 1, "cdm": 2, "clm": 3, "conditional": 4}

USE_NUMBA = numba is not None and not os.environ.get("NCD_NO_NUMBA")


def _metric_scalar(code, cx, cy, cxy, cyx):
    """One distance from code lengths (bits). 0 / 0 is 0, as in :mod:`ncd.distance`."""
    if code == 4:
        return cxy - cx
    if code == 2:
        den = cx + cy
        return cxy / den if den != 0.0 else 0.0
    if code == 3:
        return 1.0 - (cx + cy - cxy) / cxy if cxy != 0.0 else 1.0
    joint = cxy
    if code == 1 and cyx < cxy:
        joint = cyx
    lo = cx if cx < cy else cy
    hi = cx if cx > cy else cy
    return (joint - lo) / hi if hi != 0.0 else 0.0


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


if numba is not None:
    _metric_scalar = njit(cache=True, inline="always")(_metric_scalar)
    _insert = njit(cache=True, inline="always")(_insert)
    _metric_topk_nb = njit(cache=True, parallel=True)(_metric_topk)
    _metric_block_nb = njit(cache=True, parallel=True)(_metric_block)


# -- NumPy twins ------------------------------------------------------------------------


def metric_block_numpy(code, cx, cy, cxy, cyx):
    from .distance import METRICS  # the reference formulas

    name = next(n for n, c in METRIC_CODES.items() if c == code)
    return METRICS[name].func(cx[:, None], cy[None, :], cxy, cyx)


def metric_topk_numpy(code, cx, cy, cxy, cyx, k, self_offset):
    block = metric_block_numpy(code, cx, cy, cxy, cyx)
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


class _Threads:
    """Run numba's parallel loops on n threads, restoring the previous setting after."""

    def __init__(self, n_threads):
        self.n = max(1, min(int(n_threads), numba.config.NUMBA_NUM_THREADS))

    def __enter__(self):
        self.previous = numba.get_num_threads()
        numba.set_num_threads(self.n)
        return self.n

    def __exit__(self, *exc):
        numba.set_num_threads(self.previous)


def metric_topk(metric, cx, cy, cxy, cyx, k, self_offset=-1, n_threads=1):
    """The k nearest columns of each row of a block, from code lengths.

    Returns ``(dist, ind)`` of shape (n_rows, k). Equal distances are in column order.
    """
    code = METRIC_CODES[metric]
    cx, cy, cxy, cyx = _as_inputs(cx, cy, cxy, cyx)
    if not USE_NUMBA:
        return metric_topk_numpy(code, cx, cy, cxy, cyx, k, self_offset)
    out_dist = np.empty((cxy.shape[0], k))
    out_ind = np.empty((cxy.shape[0], k), dtype=np.intp)
    with _Threads(n_threads):
        _metric_topk_nb(code, cx, cy, cxy, cyx, k, self_offset, out_dist, out_ind)
    return out_dist, out_ind


def metric_block(metric, cx, cy, cxy, cyx, n_threads=1):
    """The full block of distances, shape (n_rows, n_cols), from code lengths."""
    code = METRIC_CODES[metric]
    cx, cy, cxy, cyx = _as_inputs(cx, cy, cxy, cyx)
    if not USE_NUMBA:
        return metric_block_numpy(code, cx, cy, cxy, cyx)
    out = np.empty(cxy.shape)
    with _Threads(n_threads):
        _metric_block_nb(code, cx, cy, cxy, cyx, out)
    return out


# -- exact deflate lengths of concatenations, libz called from numba ----------------------
#
# Not cached (cache=False): the compiled code holds the addresses of libz's functions,
# which differ from one process to the next. It compiles once per process (about a second).

from .compressors import _libz  # noqa: E402

if numba is not None and _libz.NUMBA_PATH:
    _c_deflate = _libz.c_deflate
    _c_deflate_reset = _libz.c_deflate_reset

    @njit(parallel=True, cache=False)
    def _deflate_joint_block(words, concat, out, x_data, x_off, sep, y_data, y_off, reverse, result):
        """result[r, j] = 8 * deflated length of x_r + sep + y_j (or y_j + sep + x_r if reverse).

        -1 marks a pair whose deflate call did not finish (the caller raises).
        """
        n_rows, n_y = result.shape
        n_sep = sep.size
        for r in prange(n_rows):
            t = numba.get_thread_id()
            stream = words[t]
            buf = concat[t]
            dst = out[t]
            xa, xb = x_off[r], x_off[r + 1]
            head = 0
            if not reverse:
                for b in range(xa, xb):
                    buf[head] = x_data[b]
                    head += 1
                for b in range(n_sep):
                    buf[head] = sep[b]
                    head += 1
            for j in range(n_y):
                p = head
                for b in range(y_off[j], y_off[j + 1]):
                    buf[p] = y_data[b]
                    p += 1
                if reverse:
                    for b in range(n_sep):
                        buf[p] = sep[b]
                        p += 1
                    for b in range(xa, xb):
                        buf[p] = x_data[b]
                        p += 1
                stream[0] = buf.ctypes.data
                stream[1] = p
                stream[3] = dst.ctypes.data
                stream[4] = dst.size
                rc = _c_deflate(stream.ctypes.data, 4)
                result[r, j] = 8.0 * stream[5] if rc == 1 else -1.0
                _c_deflate_reset(stream.ctypes.data)


def pack(texts):
    """Texts as one uint8 array and offsets (text i is data[off[i]:off[i + 1]])."""
    off = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=off[1:])
    return np.frombuffer(b"".join(texts), dtype=np.uint8), off


def deflate_joint_block(xs, ys_packed, separator, level, wbits, reverse=False, n_threads=1):
    """8 * len(deflate(x + separator + y)) for every x in xs and y in ys, as an (n_x, n_y) array.

    Returns None where the numba path is not available (the caller falls back to Python).
    """
    if numba is None or not USE_NUMBA or not _libz.NUMBA_PATH:
        return None
    x_data, x_off = pack(xs)
    y_data, y_off = ys_packed
    longest = int(np.diff(x_off).max(initial=0) + np.diff(y_off).max(initial=0)) + len(separator)
    with _Threads(n_threads):
        # one stream per possible thread id, whatever subset of threads runs the loop
        streams = _libz.StreamArray(numba.config.NUMBA_NUM_THREADS, level, wbits, longest)
        try:
            result = np.empty((len(xs), y_off.size - 1))
            sep = np.frombuffer(separator, dtype=np.uint8)
            _deflate_joint_block(streams.words, streams.concat, streams.out, x_data, x_off, sep,
                                 y_data, y_off, reverse, result)
        finally:
            streams.close()
    if (result < 0).any():
        raise RuntimeError("deflate did not finish on a concatenation; this is a bug in ncd, please report it")
    return result
