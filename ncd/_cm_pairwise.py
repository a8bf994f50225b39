"""The order-k context model as a pairwise compressor ("cm"): kernels on plain arrays.

C(z) is the adaptive code length of z: each byte is coded with the counts of the bytes
before it (Witten-Bell blending of orders 0..k, the model of ``ncd._kernels``). The joint
length of a pair is C(x) + C(z | x) with z = separator + y: z is coded adaptively as
before, with the counts of x added to its own at every order,

    p_o(b) = (c_x(b) + c_z(b) + (u_x + u_z) p_{o-1}(b)) / (n_x + n_z + u_x + u_z),

where n, u and c(b) are the bytes seen in the order-o context, the distinct ones, and those
equal to b, in x (all of it) and in z (before this byte). That is a normalised distribution
for every byte, so C(z | x) is an honest code length. Contexts are taken within z (NUL-padded
at its start), never across the boundary with x, so everything that depends on z alone (its
adaptive counts at every position and order) is computed once per reference text; per pair
only x's counts are looked up, in a table built once per query.
"""

from __future__ import annotations

import numpy as np

from ._kernels import _CM_EMPTY, _CM_STATS, USE_NUMBA, _Threads, pack
from ._kernels import _cm_add, _cm_context, _cm_count, _cm_slot

try:
    import numba
    from numba import njit, prange
except ImportError:  # pragma: no cover
    numba = None
    prange = range


def _table_size(n_bytes, order):
    size = 64
    while size < 4 * (order + 1) * max(n_bytes, 1):
        size *= 2
    return size


def _prepare(data, off, order, c_arr, n_arr, u_arr):
    """Adaptive counts of every text before each of its bytes, at every order."""
    for t in prange(off.size - 1):
        a, b = off[t], off[t + 1]
        size = _table_size(b - a, order)
        keys = np.full(size, _CM_EMPTY, dtype=np.uint64)
        count = np.zeros(size, dtype=np.int64)
        distinct = np.zeros(size, dtype=np.int64)
        for i in range(a, b):
            sym = np.uint64(data[i])
            for o in range(order + 1):
                base = (np.uint64(o) << np.uint64(58)) | (_cm_context(data, a, i, o) << np.uint64(9))
                s_stat = _cm_slot(keys, base | np.uint64(_CM_STATS))
                s_sym = _cm_slot(keys, base | sym)
                n_arr[i, o] = count[s_stat] if keys[s_stat] != _CM_EMPTY else 0
                u_arr[i, o] = distinct[s_stat] if keys[s_stat] != _CM_EMPTY else 0
                c_arr[i, o] = count[s_sym] if keys[s_sym] != _CM_EMPTY else 0
                _cm_count(keys, count, distinct, base, sym)  # then count this byte


def _conditional(xkeys, xcount, xdistinct, z_data, za, zb, c_arr, n_arr, u_arr, order):
    """Bits of z = z_data[za:zb] coded adaptively with x's counts (the table) added."""
    bits = 0.0
    for i in range(za, zb):
        sym = np.uint64(z_data[i])
        p = 1.0 / 256.0
        for o in range(order + 1):
            base = (np.uint64(o) << np.uint64(58)) | (_cm_context(z_data, za, i, o) << np.uint64(9))
            s = _cm_slot(xkeys, base | np.uint64(_CM_STATS))
            nx = 0
            ux = 0
            cx = 0
            if xkeys[s] != _CM_EMPTY:
                nx = xcount[s]
                ux = xdistinct[s]
                s = _cm_slot(xkeys, base | sym)
                if xkeys[s] != _CM_EMPTY:
                    cx = xcount[s]
            n = nx + n_arr[i, o]
            if n == 0:
                break  # a context seen in neither: no longer one was seen either
            u = ux + u_arr[i, o]
            p = (cx + c_arr[i, o] + u * p) / (n + u)
        bits -= np.log2(p)
    return bits


def _self_lengths(data, off, c_arr, n_arr, u_arr, order, out):
    empty = np.full(1, _CM_EMPTY, dtype=np.uint64)
    zeros = np.zeros(1, dtype=np.int64)
    for t in prange(off.size - 1):
        out[t] = _conditional(empty, zeros, zeros, data, off[t], off[t + 1], c_arr, n_arr, u_arr, order)


def _joint_block(x_data, x_off, cx, z_data, z_off, c_arr, n_arr, u_arr, order, result):
    """result[r, j] = C(x_r) + C(z_j | x_r)."""
    n_x = x_off.size - 1
    longest = 1
    for r in range(n_x):
        longest = max(longest, x_off[r + 1] - x_off[r])
    size = _table_size(longest, order)
    for r in prange(n_x):
        keys = np.full(size, _CM_EMPTY, dtype=np.uint64)
        count = np.zeros(size, dtype=np.int64)
        distinct = np.zeros(size, dtype=np.int64)
        one = np.array([0, x_off[r + 1] - x_off[r]], dtype=np.int64)
        _cm_add(keys, count, distinct, x_data[x_off[r]:x_off[r + 1]], one, order)
        for j in range(z_off.size - 1):
            result[r, j] = cx[r] + _conditional(keys, count, distinct, z_data, z_off[j], z_off[j + 1],
                                                c_arr, n_arr, u_arr, order)


if numba is not None and USE_NUMBA:
    from ._kernels import _cm_add_nb as _cm_add  # the compiled counter, called inside the block kernel

    _table_size = njit(cache=True)(_table_size)
    _prepare_nb = njit(cache=True, parallel=True)(_prepare)
    _conditional = njit(cache=True)(_conditional)
    _self_lengths_nb = njit(cache=True, parallel=True)(_self_lengths)
    _joint_block_nb = njit(cache=True, parallel=True)(_joint_block)
else:  # pragma: no cover - the plain-Python path (NCD_NO_NUMBA=1)
    _prepare_nb, _self_lengths_nb, _joint_block_nb = _prepare, _self_lengths, _joint_block


class CMPrepared:
    """Texts (each prefixed with the separator) with their adaptive counts at every position."""

    def __init__(self, texts, separator, order, n_threads=1):
        self.texts = texts
        self.order = order
        self.data, self.off = pack([separator + t for t in texts])
        shape = (self.data.size, order + 1)
        self.c = np.empty(shape, dtype=np.int32)
        self.n = np.empty(shape, dtype=np.int32)
        self.u = np.empty(shape, dtype=np.int32)
        with _Threads(n_threads):
            _prepare_nb(self.data, self.off, order, self.c, self.n, self.u)

    def self_lengths(self, n_threads=1):
        out = np.empty(self.off.size - 1)
        with _Threads(n_threads):
            _self_lengths_nb(self.data, self.off, self.c, self.n, self.u, self.order, out)
        return out


def cm_code_lengths(texts, order, n_threads=1):
    """C(x) of each text: its adaptive code length under the order-k model, in bits."""
    return CMPrepared(list(texts), b"", order, n_threads).self_lengths(n_threads)


def cm_joint_block(xs, cx, prepared, n_threads=1):
    """C(x) + C(separator + y | x) for every x in xs and every prepared y: shape (len(xs), n_y)."""
    x_data, x_off = pack(list(xs))
    result = np.empty((len(xs), prepared.off.size - 1))
    with _Threads(n_threads):
        _joint_block_nb(x_data, x_off, np.ascontiguousarray(cx, dtype=np.float64), prepared.data, prepared.off,
                        prepared.c, prepared.n, prepared.u, prepared.order, result)
    return result
