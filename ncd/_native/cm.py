"""The order-k context model ("cm"): counts, class-level scoring and the pairwise kernels.

Byte probabilities by Witten-Bell interpolation over contexts of orders 0..K:
  p_-1(b) = 1/256;  p_o(b) = (c_o(b) + u_o * p_{o-1}(b)) / (n_o + u_o)  where in the order-o
context n_o counts the bytes seen, u_o the distinct ones, c_o(b) those equal to b (a context
never seen leaves p_{o-1} as it is). The counts are exact (keys are stored, not only hashed), so
every p_K is a normalised distribution and sum(-log2 p_K) is an honest code length. Contexts
are padded with NUL at the start of each text. Counts live in an open-addressing table:
key = order << 58 | context << 9 | symbol, symbol 256 standing for the context's (n, u).

The pairwise form (the compressor ``cm``): C(z) is the adaptive code length of z: each byte is coded with the counts of the bytes
before it (Witten-Bell blending of orders 0..k, the model above). The joint
length of a pair is C(x) + C(z | x) with z = separator + y: z is coded adaptively as
before, with the counts of x added to its own at every order,

    p_o(b) = (c_x(b) + c_z(b) + (u_x + u_z) p_{o-1}(b)) / (n_x + n_z + u_x + u_z),

where n, u and c(b) are the bytes seen in the order-o context, the distinct ones, and those
equal to b, in x (all of it) and in z (before this byte). That is a normalised distribution
for every byte, so C(z | x) is an honest code length. Contexts are taken within z (NUL-padded
at its start), never across the boundary with x, so everything that depends on z alone (its
adaptive counts at every position and order) is computed once per reference text; per pair
only x's counts are looked up, in a table built once per query.

Memory. The pairwise form keeps c, n and u (int32) at every position and order of the references:
12 * (order + 1) bytes per reference byte. Building them (``_prepare``) and scoring a query
(``_joint_block``) each use one count table per thread for the text in hand, of
``_table_size(n, order)`` entries (the power of two at or above 4 * (order + 1) * n, so at most half
full even if every byte added two keys at every order) of 16 bytes (uint64 key, int32 count and
distinct: a count never exceeds the text's length): 256 to 512 bytes per byte of that text at order 3.
Measured at order 3: one 10 MB document against itself peaked at 4.8 GB (6.9 GB with int64 counts).
The class-level ``ContextModel`` keeps int64 counts (a class's counts may pass 2**31) in a table that
grows to at least twice the keys it holds plus the most that a batch of texts could add (2 * (order + 1)
keys per byte): 24 bytes an entry, so one ``add`` of N bytes makes the table at least
4 * (order + 1) * N entries (384 bytes per byte at order 3, for good) however few keys the text has.
``ncd.CompressionClassifier`` therefore adds a class's texts in chunks of 64 KiB.
"""

from __future__ import annotations

import numpy as np

from .runtime import Threads, jit, pack, prange

__all__ = ["MAX_ORDER", "ContextModel", "CMPrepared", "cm_code_lengths", "cm_joint_block"]


#: The longest context any form of this model takes (checked by ncd's parameter validation). The
#: table key is order << 58 | context << 9 | symbol: a context of 6 bytes (48 bits) ends at bit 56,
#: below the order's bits, so every context keeps its own counts. At order 7 the context's oldest
#: byte would run into the order's bits and out of the key, and different contexts would share counts.
MAX_ORDER = 6

_CM_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_CM_STATS = 256


def _cm_slot(keys, key):
    mask = np.uint64(keys.size - 1)
    h = (key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(20)
    i = h & mask
    while keys[i] != key and keys[i] != _CM_EMPTY:
        i = (i + np.uint64(1)) & mask
    return i


def _cm_context(data, a, i, o):
    ctx = np.uint64(0)
    for d in range(o, 0, -1):
        byte = np.uint64(data[i - d]) if i - d >= a else np.uint64(0)
        ctx = (ctx << np.uint64(8)) | byte
    return ctx


def _cm_count(keys, count, distinct, base, sym):
    """Count one byte sym in the context base (its own count and the context's n and u);
    returns the number of keys added to the table (0 to 2)."""
    added = 0
    s = _cm_slot(keys, base | sym)
    if keys[s] == _CM_EMPTY:
        keys[s] = base | sym
        added += 1
    new_symbol = count[s] == 0
    count[s] += 1
    s = _cm_slot(keys, base | np.uint64(_CM_STATS))
    if keys[s] == _CM_EMPTY:
        keys[s] = base | np.uint64(_CM_STATS)
        added += 1
    count[s] += 1
    if new_symbol:
        distinct[s] += 1
    return added


def _cm_add(keys, count, distinct, data, off, order):
    """Count every text of data/off into the table; returns the number of keys added."""
    added = 0
    for t in range(off.size - 1):
        a, b = off[t], off[t + 1]
        for i in range(a, b):
            sym = np.uint64(data[i])
            for o in range(order + 1):
                base = (np.uint64(o) << np.uint64(58)) | (_cm_context(data, a, i, o) << np.uint64(9))
                added += _cm_count(keys, count, distinct, base, sym)
    return added


def _cm_rehash(keys, count, distinct, new_keys, new_count, new_distinct):
    for i in range(keys.size):
        if keys[i] != _CM_EMPTY:
            s = _cm_slot(new_keys, keys[i])
            new_keys[s] = keys[i]
            new_count[s] = count[i]
            new_distinct[s] = distinct[i]


def _cm_lookup(keys, count, distinct, base, sym):
    """(n, u, c) of one context in a table: the bytes seen after it, the distinct ones, and those
    equal to sym; (0, 0, 0) where the context was never seen."""
    s = _cm_slot(keys, base | np.uint64(_CM_STATS))
    if keys[s] == _CM_EMPTY:
        return 0, 0, 0
    n = count[s]
    u = distinct[s]
    s = _cm_slot(keys, base | sym)
    c = count[s] if keys[s] != _CM_EMPTY else 0
    return n, u, c


def _cm_score(keys, count, distinct, data, off, order, out):
    """out[t] = bits of text t under the model."""
    for t in prange(off.size - 1):
        a, b = off[t], off[t + 1]
        bits = 0.0
        for i in range(a, b):
            sym = np.uint64(data[i])
            p = 1.0 / 256.0
            for o in range(order + 1):
                base = (np.uint64(o) << np.uint64(58)) | (_cm_context(data, a, i, o) << np.uint64(9))
                n, u, c = _cm_lookup(keys, count, distinct, base, sym)
                if n == 0:
                    break  # an unseen context: no longer context was seen either
                p = (c + u * p) / (n + u)
            bits -= np.log2(p)
        out[t] = bits


def _cm_score_background(keys, count, distinct, bkeys, bcount, bdistinct, strength, data, off, order, out):
    """out[t] = bits of text t under a class model (keys/count/distinct) adapted from a background
    model of the same order (bkeys/bcount/bdistinct; e.g. every training text, labels ignored).

    At each order o the background's own blended distribution pb_o is computed as in _cm_score.
    The class's distribution escapes, where Witten-Bell would fall back to its lower order alone, to
    the average of that and the background's distribution of the same order:

        e_o(b) = (pc_{o-1}(b) + pb_o(b)) / 2,   pc_o(b) = (c(b) + s u e_o(b)) / (n + s u)

    in a context the class has seen (n, u, c(b) its counts, s the strength), and pc_o = e_o in one
    it has not. pc_K is a normalised distribution, so the sum of -log2 pc_K is a code length. A
    class with few texts thus falls back on what the background knows of the language instead of
    on uniform bytes."""
    for t in prange(off.size - 1):
        a, b = off[t], off[t + 1]
        bits = 0.0
        for i in range(a, b):
            sym = np.uint64(data[i])
            pb = 1.0 / 256.0
            pc = pb
            for o in range(order + 1):
                base = (np.uint64(o) << np.uint64(58)) | (_cm_context(data, a, i, o) << np.uint64(9))
                n, u, c = _cm_lookup(bkeys, bcount, bdistinct, base, sym)
                if n > 0:
                    pb = (c + u * pb) / (n + u)
                escape = 0.5 * (pc + pb)
                n, u, c = _cm_lookup(keys, count, distinct, base, sym)
                pc = (c + strength * u * escape) / (n + strength * u) if n > 0 else escape
            bits -= np.log2(pc)
        out[t] = bits


def _cm_distribution(keys, count, distinct, hist, order, out):
    """out[b] = p_K(b) for every byte b after the history hist (at most the last `order` bytes;
    NUL-padded on the left as at the start of a text): the distribution _cm_score takes one entry of."""
    for b in range(256):
        out[b] = 1.0 / 256.0
    for o in range(order + 1):
        base = (np.uint64(o) << np.uint64(58)) | (_cm_context(hist, 0, hist.size, o) << np.uint64(9))
        s = _cm_slot(keys, base | np.uint64(_CM_STATS))
        if keys[s] == _CM_EMPTY:
            break
        n = count[s]
        u = distinct[s]
        for b in range(256):
            s = _cm_slot(keys, base | np.uint64(b))
            c = count[s] if keys[s] != _CM_EMPTY else 0
            out[b] = (c + u * out[b]) / (n + u)


_cm_slot = jit(_cm_slot, inline=True)
_cm_context = jit(_cm_context, inline=True)
_cm_count = jit(_cm_count, inline=True)
_cm_lookup = jit(_cm_lookup, inline=True)
_cm_distribution_nb = jit(_cm_distribution)
_cm_add_nb = jit(_cm_add)
_cm_rehash_nb = jit(_cm_rehash)
_cm_score_nb = jit(_cm_score, parallel=True)
_cm_score_background_nb = jit(_cm_score_background, parallel=True)


class ContextModel:
    """Counts of an order-k context model, grown as texts are added (see the section comment)."""

    def __init__(self, order):
        self.order = order
        self.used = 0
        self._allocate(1 << 12)

    def _allocate(self, size):
        self.keys = np.full(size, _CM_EMPTY, dtype=np.uint64)
        self.count = np.zeros(size, dtype=np.int64)
        self.distinct = np.zeros(size, dtype=np.int64)

    def add(self, texts):
        data, off = pack(texts)
        bound = 2 * (self.order + 1) * data.size  # at most this many new keys
        if self.used + bound > self.keys.size // 2:
            size = self.keys.size
            while self.used + bound > size // 2:
                size *= 2
            old = (self.keys, self.count, self.distinct)
            self._allocate(size)
            _cm_rehash_nb(*old, self.keys, self.count, self.distinct)
        self.used += _cm_add_nb(self.keys, self.count, self.distinct, data, off, self.order)

    def copy(self):
        """An independent copy of the counts."""
        other = ContextModel.__new__(ContextModel)
        other.order, other.used = self.order, self.used
        other.keys, other.count, other.distinct = self.keys.copy(), self.count.copy(), self.distinct.copy()
        return other

    def distribution(self, prefix):
        """p(next byte | the last `order` bytes of prefix), an array of 256 that sums to 1."""
        hist = np.frombuffer(bytes(prefix[-self.order:]) if self.order else b"", dtype=np.uint8)
        out = np.empty(256)
        _cm_distribution_nb(self.keys, self.count, self.distinct, hist, self.order, out)
        return out

    def code_lengths(self, texts, n_threads=1, background=None, strength=4.0):
        """Bits of each text under these counts; with a ``background`` (another ContextModel of the
        same order), under these counts adapted from it (see _cm_score_background)."""
        data, off = pack(texts)
        out = np.empty(len(texts))
        with Threads(n_threads):
            if background is None:
                _cm_score_nb(self.keys, self.count, self.distinct, data, off, self.order, out)
            else:
                _cm_score_background_nb(self.keys, self.count, self.distinct, background.keys, background.count,
                                        background.distinct, float(strength), data, off, self.order, out)
        return out


# -- the pairwise form ("cm" as a compressor) ------------------------------------------------


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
        count = np.zeros(size, dtype=np.int32)
        distinct = np.zeros(size, dtype=np.int32)
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
            nx, ux, cx = _cm_lookup(xkeys, xcount, xdistinct, base, sym)
            n = nx + n_arr[i, o]
            if n == 0:
                break  # a context seen in neither: no longer one was seen either
            u = ux + u_arr[i, o]
            p = (cx + c_arr[i, o] + u * p) / (n + u)
        bits -= np.log2(p)
    return bits


def _self_lengths(data, off, c_arr, n_arr, u_arr, order, out):
    empty = np.full(1, _CM_EMPTY, dtype=np.uint64)
    zeros = np.zeros(1, dtype=np.int32)
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
        count = np.zeros(size, dtype=np.int32)
        distinct = np.zeros(size, dtype=np.int32)
        one = np.array([0, x_off[r + 1] - x_off[r]], dtype=np.int64)
        _cm_add_nb(keys, count, distinct, x_data[x_off[r]:x_off[r + 1]], one, order)
        for j in range(z_off.size - 1):
            result[r, j] = cx[r] + _conditional(keys, count, distinct, z_data, z_off[j], z_off[j + 1],
                                                c_arr, n_arr, u_arr, order)


_table_size = jit(_table_size)
_prepare_nb = jit(_prepare, parallel=True)
_conditional = jit(_conditional)
_self_lengths_nb = jit(_self_lengths, parallel=True)
_joint_block_nb = jit(_joint_block, parallel=True)


class CMPrepared:
    """Texts (each prefixed with the separator) with their adaptive counts at every position
    (12 * (order + 1) bytes per byte; see "Memory" in the module docstring)."""

    def __init__(self, texts, separator, order, n_threads=1):
        self.texts = texts
        self.order = order
        self.data, self.off = pack([separator + t for t in texts])
        shape = (self.data.size, order + 1)
        self.c = np.empty(shape, dtype=np.int32)
        self.n = np.empty(shape, dtype=np.int32)
        self.u = np.empty(shape, dtype=np.int32)
        with Threads(n_threads):
            _prepare_nb(self.data, self.off, order, self.c, self.n, self.u)

    def self_lengths(self, n_threads=1):
        out = np.empty(self.off.size - 1)
        with Threads(n_threads):
            _self_lengths_nb(self.data, self.off, self.c, self.n, self.u, self.order, out)
        return out


def cm_code_lengths(texts, order, n_threads=1):
    """C(x) of each text: its adaptive code length under the order-k model, in bits."""
    return CMPrepared(list(texts), b"", order, n_threads).self_lengths(n_threads)


def cm_joint_block(xs, cx, prepared, n_threads=1):
    """C(x) + C(separator + y | x) for every x in xs and every prepared y: shape (len(xs), n_y)."""
    x_data, x_off = pack(list(xs))
    result = np.empty((len(xs), prepared.off.size - 1))
    with Threads(n_threads):
        _joint_block_nb(x_data, x_off, np.ascontiguousarray(cx, dtype=np.float64), prepared.data, prepared.off,
                        prepared.c, prepared.n, prepared.u, prepared.order, result)
    return result
