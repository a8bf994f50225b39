"""The LZ77 code-length model ("lz77"): kernels on plain arrays.

A greedy LZ77 parse with a fixed code. Copies may begin only at *starts*: with words=False
every position is one; with words=True a start is the first byte of a text, a byte after one
that is not a word byte (ASCII letters and digits and every byte >= 0x80 are word bytes), or
the first byte of a 3- or 4-byte UTF-8 character (scripts such as CJK and Thai, written
without spaces). At a start a literal costs 9 bits (a flag and the byte) and a copy of length
L >= 4 costs 1 + log2(H) + gamma(L - 3) bits, where H is the number of starts in the history
(a uniform code over where it could copy from) and gamma(n) = 2 floor(log2 n) + 1 is the Elias
gamma length; elsewhere a byte is a literal of 8 bits (the decoder knows where starts are from
the bytes it has decoded, so no flag is needed). At each start the copy is the longest among
the `k` most recent earlier starts holding the same 4 bytes (exact 4-grams, not hash equality).

The joint length of a pair is C(x) + C(z | x) with z = separator + y: z is parsed with x as
extra history; a copy comes from x or from earlier in z, never across their boundary. All
that depends on z alone (its starts, their 4-grams, and at each start the best copy inside z
and how many candidates that used) is computed once per reference text by _lz_prepare; per
pair only the query's 4-gram index is looked up, at z's starts.
"""

from __future__ import annotations

import numpy as np

from .runtime import Threads, jit, pack, prange

__all__ = ["LZPrepared", "lz_code_lengths", "lz_joint_block", "lz_start_offsets"]

_LZ_MIN = 4


def _lz_gram(buf, i):
    return (np.uint32(buf[i]) << 24) | (np.uint32(buf[i + 1]) << 16) | (np.uint32(buf[i + 2]) << 8) | np.uint32(buf[i + 3])


def _lz_bucket(g, bits):
    return ((np.int64(g) * 2654435761) & 0xFFFFFFFF) >> (32 - bits)


def _lz_is_start(buf, a, i, words):
    """Whether a copy may begin at buf[i] in the text that begins at buf[a]."""
    if i == a or not words:
        return True
    c = buf[i - 1]
    word_byte = (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122) or c >= 128
    return not word_byte or 0xE0 <= buf[i] <= 0xF4


def _lz_count_word_starts(data, off, out):
    for t in prange(off.size - 1):
        n = 0
        for i in range(off[t], off[t + 1]):
            if _lz_is_start(data, off[t], i, True):
                n += 1
        out[t] = n


def _lz_prepare(data, off, s_off, words, k, bits, pos, best, used, grams, buckets):
    """For every start of every text: its position in the text (pos, word starts only: with
    every byte a start, start q of a text is its byte q), 4-gram and query-table bucket, and the
    longest copy among the k most recent earlier starts of the text with that 4-gram (best) with
    how many were examined (used). A start too near the end for a 4-gram gets the empty
    sentinel bucket 1 << bits."""
    for t in prange(off.size - 1):
        a, b = off[t], off[t + 1]
        m0 = s_off[t]
        ns = s_off[t + 1] - m0
        if words:
            ns = 0
            for i in range(a, b):
                if _lz_is_start(data, a, i, words):
                    pos[m0 + ns] = i - a
                    ns += 1
        self_bits = 4
        while (1 << self_bits) < 2 * ns:
            self_bits += 1
        head = np.full(1 << self_bits, -1, dtype=np.int64)
        prev = np.full(max(ns, 1), -1, dtype=np.int64)
        for q in range(m0, m0 + ns):
            i = a + (pos[q] if words else q - m0)
            best[q] = 0
            used[q] = 0
            if i + _LZ_MIN > b:
                grams[q] = 0  # never read: the sentinel bucket is empty
                buckets[q] = 1 << bits
                continue
            g = _lz_gram(data, i)
            grams[q] = g
            buckets[q] = _lz_bucket(g, bits)
            h = _lz_bucket(g, self_bits)
            p = head[h]
            while p >= 0 and used[q] < k:
                if grams[m0 + p] == g:
                    used[q] += 1
                    j = a + (pos[m0 + p] if words else p)
                    length = _LZ_MIN
                    while i + length < b and data[j + length] == data[i + length]:
                        length += 1
                    if length > best[q]:
                        best[q] = length
                p = prev[p]
            prev[q - m0] = head[h]
            head[h] = q - m0


def _lz_index(x_data, xa, xb, words, bits, head, xpos, prev, xgrams):
    """Chain the starts of x = x_data[xa:xb] that hold a 4-gram (most recent first) into
    head/prev, with their positions and grams; return the number of starts of x.

    head has one more bucket than the table: the sentinel, never filled."""
    head[:] = -1
    ns = 0
    for i in range(xa, xb):
        if _lz_is_start(x_data, xa, i, words):
            if i + _LZ_MIN <= xb:
                g = _lz_gram(x_data, i)
                xpos[ns] = i - xa
                xgrams[ns] = g
                h = _lz_bucket(g, bits)
                prev[ns] = head[h]
                head[h] = ns
            ns += 1
    return ns


def _lz_longest(x_data, xa, nx, head, xpos, prev, xgrams, hr, z_data, za, nz, i, q, best, used, grams, buckets, k):
    """The longest copy at z's start q (position i of z): the best inside z, or one of the
    k - used[q] most recent starts of x holding the same 4-gram. 0 or 1 when there is none."""
    length = best[q]
    if used[q] < k:
        p = head[hr, buckets[q]]
        if p >= 0:
            g = grams[q]
            budget = k - used[q]
            while p >= 0 and budget > 0:
                if xgrams[hr, p] == g:
                    budget -= 1
                    j = xpos[hr, p]
                    # only a copy longer than the best so far matters: test its last byte first
                    if length < _LZ_MIN or (j + length < nx and i + length < nz
                                            and x_data[xa + j + length] == z_data[za + i + length]):
                        m = _LZ_MIN
                        while j + m < nx and i + m < nz and x_data[xa + j + m] == z_data[za + i + m]:
                            m += 1
                        if m > length:
                            length = m
                p = prev[hr, p]
    return length


def _lz_copy_bits(length, history, log2):
    """1 + log2(history) + gamma(length - 3), with gamma(n) = 2 floor(log2 n) + 1."""
    n = length - 3
    lg = 0
    while (n >> (lg + 1)) > 0:
        lg += 1
    return 2.0 + log2[history] + 2.0 * lg


def _lz_conditional(x_data, xa, xb, nsx, head, xpos, prev, xgrams, hr, z_data, za, zb, m0, m1, pos, best, used, grams,
                    buckets, words, k, log2):
    """Bits of z = z_data[za:zb] given x = x_data[xa:xb] as history (empty x: this is C(z)).

    z's starts are m0..m1 of pos/best/used/grams/buckets; x has nsx starts, and its index is row
    hr of head/xpos/prev/xgrams. Offsets, not slices: this runs once per pair. log2[h] = log2(h)
    for every history size h up to nsx + (m1 - m0)."""
    nx = xb - xa
    nz = zb - za
    copies = 0.0
    literals = 0  # literals at starts (9 bits each)
    if not words:  # every byte is a start: start q is byte q - m0
        i = 0
        while i < nz:
            length = _lz_longest(x_data, xa, nx, head, xpos, prev, xgrams, hr, z_data, za, nz, i, m0 + i, best, used,
                                 grams, buckets, k)
            if length >= _LZ_MIN:
                copies += _lz_copy_bits(length, nsx + i, log2)
                i += length
            else:
                literals += 1
                i += 1
        return copies + 9.0 * literals
    plain = 0  # bytes that are not starts (8 bits each)
    done = 0  # bytes of z coded so far
    for q in range(m0, m1):
        i = pos[q]
        if i < done:
            continue  # inside the last copy
        plain += i - done
        length = _lz_longest(x_data, xa, nx, head, xpos, prev, xgrams, hr, z_data, za, nz, i, q, best, used, grams,
                             buckets, k)
        if length >= _LZ_MIN:
            copies += _lz_copy_bits(length, nsx + q - m0, log2)
            done = i + length
        else:
            literals += 1
            done = i + 1
    return copies + 9.0 * literals + 8.0 * (plain + nz - done)


def _lz_log2_table(n):
    table = np.zeros(n + 1)
    for h in range(1, n + 1):
        table[h] = np.log2(np.float64(h))
    return table


def _lz_lengths(data, off, s_off, pos, best, used, grams, buckets, words, bits, k, out):
    """C(z) of every prepared text."""
    head = np.full((1, (1 << bits) + 1), -1, dtype=np.int32)  # an empty x
    xpos = np.empty((1, 1), dtype=np.int32)
    prev = np.empty((1, 1), dtype=np.int32)
    xgrams = np.empty((1, 1), dtype=np.uint32)
    most = 1
    for t in range(off.size - 1):
        most = max(most, s_off[t + 1] - s_off[t])
    log2 = _lz_log2_table(most)
    for t in prange(off.size - 1):
        out[t] = _lz_conditional(data, 0, 0, 0, head, xpos, prev, xgrams, 0, data, off[t], off[t + 1], s_off[t],
                                 s_off[t + 1], pos, best, used, grams, buckets, words, k, log2)


_LZ_ROWS = 8  # queries whose indexes stay in cache while the reference texts stream past


def _lz_joint_block(x_data, x_off, cx, z_data, z_off, s_off, pos, best, used, grams, buckets, words, bits, k, result):
    """result[r, j] = C(x_r) + C(z_j | x_r)."""
    n_x = x_off.size - 1
    n_z = z_off.size - 1
    n_chunks = (n_x + _LZ_ROWS - 1) // _LZ_ROWS
    longest = 1
    for r in range(n_x):
        longest = max(longest, x_off[r + 1] - x_off[r])
    most_z = 1
    for j in range(n_z):
        most_z = max(most_z, s_off[j + 1] - s_off[j])
    log2 = _lz_log2_table(longest + most_z)
    for c in prange(n_chunks):
        r0 = c * _LZ_ROWS
        r1 = min(r0 + _LZ_ROWS, n_x)
        # the sentinel bucket 1 << bits is the last one, and no row chains anything into it
        heads = np.empty((r1 - r0, (1 << bits) + 1), dtype=np.int32)
        xpos = np.empty((r1 - r0, longest), dtype=np.int32)
        prevs = np.empty((r1 - r0, longest), dtype=np.int32)
        xgrams = np.empty((r1 - r0, longest), dtype=np.uint32)
        nsx = np.empty(r1 - r0, dtype=np.int64)
        for r in range(r0, r1):
            nsx[r - r0] = _lz_index(x_data, x_off[r], x_off[r + 1], words, bits, heads[r - r0], xpos[r - r0],
                                    prevs[r - r0], xgrams[r - r0])
        for j in range(n_z):
            a, b = z_off[j], z_off[j + 1]
            for r in range(r0, r1):
                result[r, j] = cx[r] + _lz_conditional(x_data, x_off[r], x_off[r + 1], nsx[r - r0], heads, xpos,
                                                       prevs, xgrams, r - r0, z_data, a, b, s_off[j], s_off[j + 1],
                                                       pos, best, used, grams, buckets, words, k, log2)


_lz_gram = jit(_lz_gram, inline=True)
_lz_bucket = jit(_lz_bucket, inline=True)
_lz_is_start = jit(_lz_is_start, inline=True)
_lz_index = jit(_lz_index)
_lz_longest = jit(_lz_longest, inline=True)
_lz_copy_bits = jit(_lz_copy_bits, inline=True)
_lz_conditional = jit(_lz_conditional, inline=True)
_lz_log2_table = jit(_lz_log2_table)
_lz_count_word_starts_nb = jit(_lz_count_word_starts, parallel=True)
_lz_prepare_nb = jit(_lz_prepare, parallel=True)
_lz_lengths_nb = jit(_lz_lengths, parallel=True)
_lz_joint_block_nb = jit(_lz_joint_block, parallel=True)


def lz_start_offsets(data, off, words):
    """Where each packed text's starts begin in the per-start arrays (CSR offsets, like off):
    with every byte a start they are off itself."""
    if not words:
        return off.copy()
    counts = np.empty(off.size - 1, dtype=np.int64)
    _lz_count_word_starts_nb(data, off, counts)
    s_off = np.zeros(off.size, dtype=np.int64)
    np.cumsum(counts, out=s_off[1:])
    return s_off


class LZPrepared:
    """Reference texts (each prefixed with the separator) with their starts' self-copy tables."""

    def __init__(self, texts, separator, k, words=False, n_threads=1):
        self.texts = texts  # as given: the reverse order parses them as queries
        self.data, self.off = pack([separator + t for t in texts])
        self.k, self.words = k, bool(words)
        # the query table: 4096 buckets for every position, 1024 for word starts (a fifth as many)
        self.bits = 10 if self.words else 12
        with Threads(n_threads):
            self.s_off = lz_start_offsets(self.data, self.off, self.words)
            n = int(self.s_off[-1])
            # 12 bytes a start and 4 more with word starts (their positions), beside the text itself:
            # 120,000 texts of 200 bytes take about 310 MB, or about 95 MB with word starts
            self.pos = np.empty(n if self.words else 0, dtype=np.int32)
            self.best = np.empty(n, dtype=np.int32)
            self.used = np.empty(n, dtype=np.int16)  # k <= 4096
            self.grams = np.empty(n, dtype=np.uint32)
            self.buckets = np.empty(n, dtype=np.uint16)  # the table and its sentinel
            _lz_prepare_nb(self.data, self.off, self.s_off, self.words, k, self.bits, self.pos, self.best, self.used,
                           self.grams, self.buckets)

    def arrays(self):
        return self.data, self.off, self.s_off, self.pos, self.best, self.used, self.grams, self.buckets

    @property
    def n(self):
        return self.off.size - 1


def lz_code_lengths(texts, k, words=False, n_threads=1):
    """C(x) of each text under the LZ77 model, in bits."""
    prepared = LZPrepared(texts, b"", k, words, n_threads)
    out = np.empty(prepared.n)
    with Threads(n_threads):
        _lz_lengths_nb(*prepared.arrays(), words, prepared.bits, k, out)
    return out


def lz_joint_block(xs, cx, prepared, n_threads=1):
    """C(x) + C(separator + y | x) for every x in xs and every prepared y: shape (len(xs), n_y)."""
    x_data, x_off = pack(xs)
    result = np.empty((len(xs), prepared.n))
    with Threads(n_threads):
        _lz_joint_block_nb(x_data, x_off, np.ascontiguousarray(cx, dtype=np.float64), *prepared.arrays(),
                           prepared.words, prepared.bits, prepared.k, result)
    return result
