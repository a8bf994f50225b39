"""The LZ77 code-length model ("lz77"): kernels on plain arrays.

A greedy LZ77 parse with a fixed code. Copies may begin only at *starts*: with words=False
every position is one; with words=True a start is the first byte of a text, a byte after one
that is not a word byte (ASCII letters and digits and every byte >= 0x80 are word bytes), or
the first byte of a 3- or 4-byte UTF-8 character (scripts such as CJK and Thai, written
without spaces). At a start a literal costs 9 bits (a flag and the byte) and a copy of length
4 <= L <= MAX_MATCH (4096) costs 1 + log2(H) + gamma(L - 3) bits, where H is the number of
starts in the history (a uniform code over where it could copy from) and gamma(n) =
2 floor(log2 n) + 1 is the Elias gamma length; elsewhere a byte is a literal of 8 bits (the
decoder knows where starts are from the bytes it has decoded, so no flag is needed).

At each start the copy is the longest (at most MAX_MATCH bytes) among these candidates, the
first of them in this order among equals:

1. after a copy of exactly MAX_MATCH bytes, at the first start at or after its end: the start
   at the same distance from it as that copy's source was (the continuation of a long repeat,
   which becomes a run of copies of MAX_MATCH bytes), if it is a start of its text;
2. in the text being coded, most recent first: the k most recent earlier starts holding the
   same 4 bytes, the k most recent holding the same 32 bytes (LONG), and the oldest of those;
3. in the history x (when coding z given x), most recent first: the same three sets of starts.

Grams are compared exactly, not by hash. Every source is an earlier start, so every length is
that of a decodable code (the candidates only say where the parser looks). Capping the copy
length keeps the work per start bounded: the parse of a long repeat no longer extends every
candidate to the end of the repeat at every start (which was quadratic in its length). The
32-byte grams find a long repeat in a long history whose 4-grams are all frequent (DNA, word
salad); the oldest start with them finds the copy of x's beginning in x + x when its 32
bytes recur more than k times (a few sentences in random order); history and text each have
their own k candidates. So x stays usable as history at any length.

Texts longer than PIECE are prepared and parsed in pieces of PIECE starts, short ones in
batches of about 2 MB, each piece one compiled call: Python gets control (and Ctrl-C works)
every fraction of a second.

The joint length of a pair is C(x) + C(z | x) with z = separator + y: z is parsed with x as
extra history; a copy comes from x or from earlier in z, never across their boundary. All
that depends on z alone (its starts and at each start the best copy inside z and where it
comes from) is computed once per reference text by _lz_prepare; per pair only the query's
gram index is looked up, at the starts of z where the parse stops. _lz_prepare computes the
length of each candidate at start i from what it found at the previous start i - d: a source
j - d that matched m > d bytes there matches exactly m - d bytes at j (or at least, when m
was capped), so a long repeat costs a few steps per start, not the length of the repeat.
"""

from __future__ import annotations

import numpy as np

from .runtime import Threads, jit, pack, prange

__all__ = ["LZPrepared", "lz_code_lengths", "lz_joint_block", "lz_start_offsets", "MAX_MATCH", "LONG"]

_LZ_MIN = 4
#: The longest copy: a longer repeat is coded as a run of copies of this length.
MAX_MATCH = 4096
#: The length of the long grams that also find candidates.
LONG = 32


def _lz_mix(h):
    """A 32-bit integer finalizer (two multiply rounds, so that every input bit reaches the
    low bits the tables use), in int64 arithmetic that cannot overflow: h < 2**32."""
    h = np.int64(h)
    h = ((h ^ (h >> 16)) * 0x45D9F3B) & 0xFFFFFFFF
    h = ((h ^ (h >> 16)) * 0x45D9F3B) & 0xFFFFFFFF
    return h ^ (h >> 16)


def _lz_hash(data, i, g):
    """A hash of data[i:i + g] in [0, 2**32): FNV-1a, then _lz_mix."""
    h = np.int64(2166136261)
    for t in range(g):
        h = ((h ^ np.int64(data[i + t])) * 16777619) & 0xFFFFFFFF
    return _lz_mix(h)


def _lz_gram(buf, i):
    return (np.uint32(buf[i]) << 24) | (np.uint32(buf[i + 1]) << 16) | (np.uint32(buf[i + 2]) << 8) | np.uint32(buf[i + 3])


def _lz_is_start(buf, a, i, words):
    """Whether a copy may begin at buf[i] in the text that begins at buf[a]."""
    if i == a or not words:
        return True
    c = buf[i - 1]
    word_byte = (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122) or c >= 128
    return not word_byte or 0xE0 <= buf[i] <= 0xF4


def _lz_count_starts(data, a, b, words):
    if not words:
        return b - a
    n = 0
    for i in range(a, b):
        if _lz_is_start(data, a, i, True):
            n += 1
    return n


def _lz_table_size(n):
    """Slots of an open-addressing table for n keys: a power of two, at least 16 n up to 65,536
    slots (a probe that is mostly one slot, so a branch that is mostly predicted: on short texts
    the probes are the hot loop; 8 n gave 10% fewer pairs a second on AG News, 4 n 25% fewer),
    and at least 1.5 n beyond."""
    size = 16
    while size < 16 * n and size < 65536:
        size *= 2
    while size < n + n // 2:
        size *= 2
    return size


def _lz_find(tab, t0, mask, tdata, ta, qdata, qa, i, g, h):
    """The slot of tab[t0:t0 + mask + 1] (open addressing, linear probing; each slot holds the
    position in the text at tdata[ta:] of the most recent start with some g bytes, or -1) for
    the g bytes at qdata[qa + i:], whose hash is h: the slot that holds them, or the empty slot
    where they go."""
    slot = h & mask
    while True:
        j = tab[t0 + slot]
        if j < 0:
            return slot
        same = True
        for t in range(g):
            if tdata[ta + j + t] != qdata[qa + i + t]:
                same = False
                break
        if same:
            return slot
        slot = (slot + 1) & mask


def _lz_find4(tab, key, t0, mask, g, h):
    """The slot of tab[t0:t0 + mask + 1] for the 4-byte gram g, whose hash is h (key holds each
    filled slot's gram; otherwise as _lz_find)."""
    slot = h & mask
    while tab[t0 + slot] >= 0 and key[t0 + slot] != g:
        slot = (slot + 1) & mask
    return slot


def _lz_insert(i, tab, t0, chain, c0, slot):
    """Make position i the most recent start with its gram (tab[t0 + slot]), chaining the one before."""
    chain[c0 + i] = tab[t0 + slot]
    tab[t0 + slot] = i


def _lz_insert_long(i, tab, first, t0, chain, c0, slot):
    """_lz_insert for the long grams, which also keep the oldest start with each (first)."""
    if tab[t0 + slot] < 0:
        first[t0 + slot] = i
    _lz_insert(i, tab, t0, chain, c0, slot)


def _lz_gather(tdata, ta, tab4, key4, tab16, first16, t0, mask, ch4, ch16, c0, qdata, qa, nq, i, g4, h4, h16, k, cand, insert):
    """The candidates in the text at tdata[ta:] for a copy at qdata[qa + i] (which has 4 bytes
    left, g4, whose hash is h4; h16 is the hash of its 16 bytes): its k most recent starts with the
    same 4 bytes and its k most recent with the same 16 bytes, most recent first, each once, into
    cand. Returns their number and the two slots (-1: fewer than 16 bytes left, or not looked
    up: unless insert, the 16-byte grams are looked up only when more than k starts hold the 4
    bytes).

    Every start with the same 16 bytes has the same 4 bytes, so those of the k most recent 16-byte
    starts that are not among the k most recent 4-byte ones are older than all of them: the list
    stays in decreasing order."""
    slot4 = _lz_find4(tab4, key4, t0, mask, g4, h4)
    p = tab4[t0 + slot4]
    n = 0
    while p >= 0 and n < k:
        cand[n] = p
        n += 1
        p = ch4[c0 + p]
    slot16 = -1
    if i + LONG <= nq and (p >= 0 or insert):
        slot16 = _lz_find(tab16, t0, mask, tdata, ta, qdata, qa, i, LONG, h16)
        if p >= 0:  # more than k starts with the 4 bytes
            n = _lz_gather16(tab16, first16, t0, ch16, c0, slot16, k, cand, n)
    return n, slot4, slot16


def _lz_gather16(tab16, first16, t0, ch16, c0, slot16, k, cand, n):
    """Add to the n candidates in cand those of the k most recent starts in tab16[t0 + slot16]'s
    chain, and the oldest start in it, that are older than all of them; return their number."""
    oldest = cand[n - 1]
    p = tab16[t0 + slot16]
    c16 = 0
    while p >= 0 and c16 < k:
        if p < oldest:
            cand[n] = p
            n += 1
        c16 += 1
        p = ch16[c0 + p]
    if p >= 0 and first16[t0 + slot16] < oldest:  # more than k: the oldest too
        cand[n] = first16[t0 + slot16]
        n += 1
    return n


def _lz_match(sdata, sa, ns, j, qdata, qa, i, m, cap):
    """Extend a match of m bytes between the source sdata[sa + j:] (in a text of ns bytes) and
    qdata[qa + i:], to at most cap bytes."""
    while m < cap and j + m < ns and sdata[sa + j + m] == qdata[qa + i + m]:
        m += 1
    return m


def _lz_count_word_starts(data, off, out):
    for t in prange(off.size - 1):
        out[t] = _lz_count_starts(data, off[t], off[t + 1], True)


def _lz_positions(data, a, b, words, pos, m0):
    """With word starts, the position of each start of data[a:b] into pos[m0:]; the number of starts."""
    if not words:
        return b - a
    ns = 0
    for i in range(a, b):
        if _lz_is_start(data, a, i, words):
            pos[m0 + ns] = i - a
            ns += 1
    return ns


def _lz_prepare_starts(data, a, n, m0, q0, q1, words, k, pos, best, src, g4, h4, h16, tab4, key4, tab16, first16, ch4,
                       ch16,
                       cand, clen, pcand, plen, state):
    """What _lz_prepare computes, for starts q0..q1 of the text data[a:a + n] (whose first start
    is m0), carrying on from the tables, the previous start's candidates (pcand/plen) and state
    (how many there are, and its position): a long text is prepared in pieces."""
    n_prev = state[0]
    prev_i = state[1]
    for q in range(q0, q1):
        i = pos[q] if words else q - m0
        best[q] = 0
        src[q] = -1
        g4[q] = 0
        h4[q] = 0
        h16[q] = 0
        if i + _LZ_MIN > n:
            n_prev = 0
            continue
        g4[q] = _lz_gram(data, a + i)
        h4[q] = _lz_mix(g4[q])
        if i + LONG <= n:
            h16[q] = _lz_hash(data, a + i, LONG)
        nc, slot4, slot16 = _lz_gather(data, a, tab4, key4, tab16, first16, 0, tab4.size - 1, ch4, ch16, 0, data, a, n, i,
                                       g4[q], h4[q], h16[q], k, cand, True)
        cap = min(MAX_MATCH, n - i)
        # what the previous start found: both lists are in decreasing position
        d = i - prev_i
        pp = 0
        for u in range(nc):
            j = cand[u]
            m = -1
            while pp < n_prev and pcand[pp] > j - d:
                pp += 1
            if pp < n_prev and pcand[pp] == j - d and plen[pp] > d:
                m = plen[pp] - d
                if plen[pp] >= MAX_MATCH:  # capped there: at least this much here
                    m = _lz_match(data, a, n, j, data, a, i, m, cap)
            clen[u] = m
        length = 0
        source = -1
        for u in range(nc):
            m = clen[u]
            if m < 0:
                j = cand[u]
                if length >= _LZ_MIN and data[a + j + length] != data[a + i + length]:
                    continue  # not longer than the best so far
                m = _lz_match(data, a, n, j, data, a, i, _LZ_MIN, cap)
                clen[u] = m
            if m > length:
                length = m
                source = cand[u]
            if length >= cap:
                break
        best[q] = length
        src[q] = source
        for u in range(nc):
            pcand[u] = cand[u]
            plen[u] = clen[u]
        n_prev = nc
        prev_i = i
        _lz_insert(i, tab4, 0, ch4, 0, slot4)
        key4[slot4] = g4[q]
        if slot16 >= 0:
            _lz_insert_long(i, tab16, first16, 0, ch16, 0, slot16)
    state[0] = n_prev
    state[1] = prev_i


def _lz_prepare(data, off, s_off, words, k, pos, best, src, g4, h4, h16, todo):
    """For every start of every text t with todo[t]: its position in the text (pos, word starts
    only: with every byte a start, start q of a text is its byte q), its 4 bytes (g4) with their
    hash (h4) and the hash of its 16 (h16) (0 where there are fewer left), and the longest copy
    (best) among the candidates inside the text (the k most recent earlier starts with the same
    4 bytes, and with the same 16 bytes), at most MAX_MATCH bytes, with its source (src: the
    most recent of the longest; -1 and 0 where there is none)."""
    for t in prange(off.size - 1):
        if not todo[t]:
            continue
        a, b = off[t], off[t + 1]
        m0 = s_off[t]
        ns = _lz_positions(data, a, b, words, pos, m0)
        size = _lz_table_size(ns)
        tab4 = np.full(size, -1, dtype=np.int32)
        key4 = np.empty(size, dtype=np.uint32)
        tab16 = np.full(size, -1, dtype=np.int32)
        first16 = np.empty(size, dtype=np.int32)
        ch4 = np.empty(max(b - a, 1), dtype=np.int32)
        ch16 = np.empty(max(b - a, 1), dtype=np.int32)
        cand = np.empty(2 * k + 1, dtype=np.int64)  # this start's candidates and their lengths (-1: unknown)
        clen = np.empty(2 * k + 1, dtype=np.int64)
        pcand = np.empty(2 * k + 1, dtype=np.int64)  # the previous start's
        plen = np.empty(2 * k + 1, dtype=np.int64)
        state = np.zeros(2, dtype=np.int64)
        _lz_prepare_starts(data, a, b - a, m0, m0, m0 + ns, words, k, pos, best, src, g4, h4, h16, tab4, key4, tab16,
                           first16,                            ch4, ch16, cand, clen, pcand, plen, state)


def _lz_index(x_data, xa, xb, words, tab4, key4, tab16, first16, t0, mask, ch4, ch16, c0):
    """Chain the starts of x = x_data[xa:xb] by their 4 and 16 bytes (most recent first) into
    the tables tab4/tab16[t0:t0 + mask + 1] (key4: the 4-byte gram of each slot) and the chains ch4/ch16[c0:]; return the number of
    starts of x."""
    tab4[t0:t0 + mask + 1] = -1
    tab16[t0:t0 + mask + 1] = -1
    nx = xb - xa
    ns = 0
    for i in range(nx):
        if _lz_is_start(x_data, xa, xa + i, words):
            ns += 1
            if i + _LZ_MIN <= nx:
                g = _lz_gram(x_data, xa + i)
                slot = _lz_find4(tab4, key4, t0, mask, g, _lz_mix(g))
                _lz_insert(i, tab4, t0, ch4, c0, slot)
                key4[t0 + slot] = g
            if i + LONG <= nx:
                slot = _lz_find(tab16, t0, mask, x_data, xa, x_data, xa, i, LONG, _lz_hash(x_data, xa + i, LONG))
                _lz_insert_long(i, tab16, first16, t0, ch16, c0, slot)
    return ns


def _lz_copy_bits(length, history, log2):
    """1 + log2(history) + gamma(length - 3), with gamma(n) = 2 floor(log2 n) + 1."""
    n = length - 3
    lg = 0
    while (n >> (lg + 1)) > 0:
        lg += 1
    return 2.0 + log2[history] + 2.0 * lg


def _lz_parse(x_data, xa, nx, nsx, tab4, key4, tab16, first16, t0, mask, ch4, ch16, c0, z_data, za, nz, m0, m1, pos, best, src,
              g4, h4, h16, words, k, log2, cand, state, q_stop):
    """Parse z = z_data[za:za + nz] given x = x_data[xa:xa + nx] as history (empty x: alone), from
    where state says (state[0]: the next start, initially m0; then the bytes done, the bits of
    copies, the literals at starts, the bytes that are not starts, and the continuation: whether
    there is one, from x, its distance), up to start q_stop; state says where it stopped.

    z's starts are m0..m1 of pos/best/src/g4/h4/h16; x has nsx starts, chained in
    tab4/tab16[t0:t0 + mask + 1] and ch4/ch16[c0:]. Offsets, not slices: this runs once per
    pair. log2[h] = log2(h) for every history size h up to nsx + (m1 - m0); cand is scratch for
    2k + 1 candidates."""
    q = np.int64(state[0])
    done = np.int64(state[1])  # bytes of z coded so far
    copies = state[2]
    literals = np.int64(state[3])  # literals at starts (9 bits each)
    plain = np.int64(state[4])  # bytes that are not starts (8 bits each)
    rep = state[5] != 0  # the last copy had MAX_MATCH bytes: its continuation is a candidate
    rep_x = state[6] != 0
    delta = np.int64(state[7])  # its source's position minus its position
    q_end = min(q_stop, m1)
    while q < q_end:
        i = pos[q] if words else q - m0
        if i < done:
            q += 1  # inside the last copy (with words=False, q jumps past it below)
            continue
        plain += i - done
        cap = min(MAX_MATCH, nz - i)
        length = 0
        from_x = False
        source = -1
        if rep:
            r = i + delta
            m = 0
            if rep_x:
                if r < nx and _lz_is_start(x_data, xa, xa + r, words):
                    m = _lz_match(x_data, xa, nx, r, z_data, za, i, 0, cap)
            elif _lz_is_start(z_data, za, za + r, words):
                m = _lz_match(z_data, za, nz, r, z_data, za, i, 0, cap)
            if m >= _LZ_MIN:
                length = m
                from_x = rep_x
                source = r
        if best[q] > length:
            length = best[q]
            from_x = False
            source = src[q]
        if length < cap and nx >= _LZ_MIN and i + _LZ_MIN <= nz:
            # the candidates in x, as _lz_gather finds them, each tried as it is found (this is the
            # hot loop); only a copy longer than the best so far matters: test its last byte first
            p = tab4[t0 + _lz_find4(tab4, key4, t0, mask, g4[q], h4[q])]
            nc = 0
            oldest = -1
            while p >= 0 and nc < k and length < cap:
                if length < _LZ_MIN or (p + length < nx and x_data[xa + p + length] == z_data[za + i + length]):
                    m = _lz_match(x_data, xa, nx, p, z_data, za, i, _LZ_MIN, cap)
                    if m > length:
                        length = m
                        from_x = True
                        source = p
                oldest = p
                nc += 1
                p = ch4[c0 + p]
            if p >= 0 and length < cap and i + LONG <= nz:  # more than k starts with the 4 bytes
                slot16 = _lz_find(tab16, t0, mask, x_data, xa, z_data, za, i, LONG, h16[q])
                p = tab16[t0 + slot16]
                c16 = 0
                while p >= 0 and c16 < k and length < cap:
                    if p < oldest and (p + length < nx and x_data[xa + p + length] == z_data[za + i + length]):
                        m = _lz_match(x_data, xa, nx, p, z_data, za, i, _LZ_MIN, cap)
                        if m > length:
                            length = m
                            from_x = True
                            source = p
                    c16 += 1
                    p = ch16[c0 + p]
                if p >= 0 and length < cap:  # more than k with the 32 bytes: the oldest too
                    p = first16[t0 + slot16]
                    if p < oldest and (p + length < nx and x_data[xa + p + length] == z_data[za + i + length]):
                        m = _lz_match(x_data, xa, nx, p, z_data, za, i, _LZ_MIN, cap)
                        if m > length:
                            length = m
                            from_x = True
                            source = p
        if length >= _LZ_MIN:
            copies += _lz_copy_bits(length, nsx + q - m0, log2)
            rep = length == MAX_MATCH
            rep_x = from_x
            delta = source - i
            done = i + length
        else:
            literals += 1
            rep = False
            done = i + 1
        q = m0 + done if not words else q + 1
    state[0] = q
    state[1] = done
    state[2] = copies
    state[3] = literals
    state[4] = plain
    state[5] = rep
    state[6] = rep_x
    state[7] = delta


def _lz_bits(state, nz):
    """The bits of a finished parse: its copies, literals at starts, and bytes that are not starts."""
    return state[2] + 9.0 * state[3] + 8.0 * (state[4] + nz - state[1])


def _lz_conditional(x_data, xa, nx, nsx, tab4, key4, tab16, first16, t0, mask, ch4, ch16, c0, z_data, za, nz, m0, m1, pos, best,
                    src, g4, h4, h16, words, k, log2, cand, state):
    """Bits of z = z_data[za:za + nz] given x = x_data[xa:xa + nx] as history (empty x: this is
    C(z)), parsed at once (see _lz_parse; state is scratch)."""
    state[:] = 0
    state[0] = m0
    _lz_parse(x_data, xa, nx, nsx, tab4, key4, tab16, first16, t0, mask, ch4, ch16, c0, z_data, za, nz, m0, m1, pos, best, src,
              g4, h4, h16, words, k, log2, cand, state, m1)
    return _lz_bits(state, nz)


def _lz_log2_table(n):
    table = np.zeros(n + 1)
    for h in range(1, n + 1):
        table[h] = np.log2(np.float64(h))
    return table


def _lz_lengths(data, off, s_off, pos, best, src, g4, h4, h16, words, k, out, todo):
    """C(z) of every prepared text t with todo[t]."""
    empty = np.full(16, -1, dtype=np.int32)  # an empty x
    keys = np.zeros(16, dtype=np.uint32)
    chain = np.empty(1, dtype=np.int32)
    most = 1
    for t in range(off.size - 1):
        most = max(most, s_off[t + 1] - s_off[t])
    log2 = _lz_log2_table(most)
    for t in prange(off.size - 1):
        if not todo[t]:
            continue
        cand = np.empty(2 * k + 1, dtype=np.int64)
        state = np.empty(8)
        out[t] = _lz_conditional(data, 0, 0, 0, empty, keys, empty, empty, 0, 15, chain, chain, 0, data, off[t],
                                 off[t + 1] - off[t], s_off[t], s_off[t + 1], pos, best, src, g4, h4, h16, words, k,
                                 log2, cand, state)


_LZ_ROWS = 8  # queries whose indexes stay in cache while the reference texts stream past


def _lz_joint_block(x_data, x_off, cx, z_data, z_off, s_off, pos, best, src, g4, h4, h16, words, k, z_todo, result):
    """result[r, j] = C(x_r) + C(z_j | x_r) for every j with z_todo[j]."""
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
        # each row's tables one after the other (t_off), its chains at its bytes' offsets (from x_off[r0])
        t_off = np.zeros(r1 - r0 + 1, dtype=np.int64)
        for r in range(r0, r1):
            t_off[r - r0 + 1] = t_off[r - r0] + _lz_table_size(_lz_count_starts(x_data, x_off[r], x_off[r + 1], words))
        tab4 = np.empty(t_off[r1 - r0], dtype=np.int32)
        key4 = np.empty(t_off[r1 - r0], dtype=np.uint32)
        tab16 = np.empty(t_off[r1 - r0], dtype=np.int32)
        first16 = np.empty(t_off[r1 - r0], dtype=np.int32)
        ch4 = np.empty(max(x_off[r1] - x_off[r0], 1), dtype=np.int32)
        ch16 = np.empty(max(x_off[r1] - x_off[r0], 1), dtype=np.int32)
        nsx = np.empty(r1 - r0, dtype=np.int64)
        for r in range(r0, r1):
            nsx[r - r0] = _lz_index(x_data, x_off[r], x_off[r + 1], words, tab4, key4, tab16, first16, t_off[r - r0],
                                    t_off[r - r0 + 1] - t_off[r - r0] - 1, ch4, ch16, x_off[r] - x_off[r0])
        cand = np.empty(2 * k + 1, dtype=np.int64)
        state = np.empty(8)
        for j in range(n_z):
            if not z_todo[j]:
                continue
            a, b = z_off[j], z_off[j + 1]
            for r in range(r0, r1):
                result[r, j] = cx[r] + _lz_conditional(x_data, x_off[r], x_off[r + 1] - x_off[r], nsx[r - r0], tab4,
                                                       key4, tab16, first16, t_off[r - r0], t_off[r - r0 + 1] - t_off[r - r0] - 1,
                                                       ch4, ch16, x_off[r] - x_off[r0], z_data, a, b - a, s_off[j],
                                                       s_off[j + 1], pos, best, src, g4, h4, h16, words, k, log2,
                                                       cand, state)


_lz_mix = jit(_lz_mix, inline=True)
_lz_hash = jit(_lz_hash, inline=True)
_lz_is_start = jit(_lz_is_start, inline=True)
_lz_count_starts = jit(_lz_count_starts)
_lz_table_size = jit(_lz_table_size)
_lz_gram = jit(_lz_gram, inline=True)
_lz_find = jit(_lz_find)
_lz_gather16 = jit(_lz_gather16)
_lz_find4 = jit(_lz_find4, inline=True)
_lz_insert = jit(_lz_insert, inline=True)
_lz_insert_long = jit(_lz_insert_long, inline=True)
_lz_gather = jit(_lz_gather)
_lz_match = jit(_lz_match, inline=True)
_lz_index = jit(_lz_index)
_lz_copy_bits = jit(_lz_copy_bits, inline=True)
_lz_parse = jit(_lz_parse, inline=True)
_lz_bits = jit(_lz_bits, inline=True)
_lz_conditional = jit(_lz_conditional, inline=True)
_lz_log2_table = jit(_lz_log2_table)
_lz_count_word_starts_nb = jit(_lz_count_word_starts, parallel=True)
_lz_positions = _lz_positions_nb = jit(_lz_positions)
_lz_prepare_starts = _lz_prepare_starts_nb = jit(_lz_prepare_starts)
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


#: Starts parsed or prepared per compiled call, and the bytes of short texts per call: a long
#: text is done in pieces, so that Python gets control (and Ctrl-C works) every fraction of a second.
PIECE = 1 << 18
_BATCH = 1 << 21


def _batches(sizes, todo):
    """Masks over the texts, each selecting texts of todo with about _BATCH bytes in all."""
    ends = np.searchsorted(np.cumsum(sizes), np.arange(_BATCH, int(np.sum(sizes)) + _BATCH, _BATCH), side="right")
    start = 0
    for end in list(ends) + [len(sizes)]:
        if end > start:
            mask = np.zeros(len(sizes), dtype=np.bool_)
            mask[start:end] = todo[start:end]
            if mask.any():
                yield mask
            start = end


class _Index:
    """The 4- and 16-byte gram tables of one text (x, as history), built by _lz_index; empty for b""."""

    def __init__(self, x, words):
        self.data = np.frombuffer(x, dtype=np.uint8)
        n = len(x)
        size = _lz_table_size(_lz_count_starts(self.data, 0, n, words)) if n else 16
        self.tab4 = np.full(size, -1, dtype=np.int32)
        self.key4 = np.zeros(size, dtype=np.uint32)
        self.tab16 = np.full(size, -1, dtype=np.int32)
        self.first16 = np.empty(size, dtype=np.int32)
        self.ch4 = np.empty(max(n, 1), dtype=np.int32)
        self.ch16 = np.empty(max(n, 1), dtype=np.int32)
        self.mask = size - 1
        self.ns = _lz_index(self.data, 0, n, words, self.tab4, self.key4, self.tab16, self.first16, 0, self.mask, self.ch4,
                            self.ch16, 0) if n else 0


def _conditional_in_pieces(index, prepared, j):
    """C(z_j | x) for prepared text j and the indexed x, PIECE starts per compiled call."""
    m0, m1 = int(prepared.s_off[j]), int(prepared.s_off[j + 1])
    za, nz = int(prepared.off[j]), int(prepared.off[j + 1] - prepared.off[j])
    log2 = _lz_log2_table(index.ns + m1 - m0)
    cand = np.empty(2 * prepared.k + 1, dtype=np.int64)
    state = np.zeros(8)
    state[0] = m0
    while state[0] < m1:
        _lz_parse(index.data, 0, len(index.data), index.ns, index.tab4, index.key4, index.tab16, index.first16, 0, index.mask,
                  index.ch4, index.ch16, 0, prepared.data, za, nz, m0, m1, prepared.pos, prepared.best, prepared.src,
                  prepared.g4, prepared.h4, prepared.h16, prepared.words, prepared.k, log2, cand, state,
                  int(state[0]) + PIECE)
    return float(_lz_bits(state, nz))


class LZPrepared:
    """Reference texts (each prefixed with the separator) with their starts' self-copy tables."""

    def __init__(self, texts, separator, k, words=False, n_threads=1):
        self.texts = texts  # as given: the reverse order parses them as queries
        self.data, self.off = pack([separator + t for t in texts])
        self.k, self.words = k, bool(words)
        with Threads(n_threads):
            self.s_off = lz_start_offsets(self.data, self.off, self.words)
            n = int(self.s_off[-1])
            # 20 bytes a start and 4 more with word starts (their positions), beside the text itself:
            # 120,000 texts of 200 bytes take about 500 MB, or about 140 MB with word starts
            self.pos = np.empty(n if self.words else 0, dtype=np.int32)
            self.best = np.empty(n, dtype=np.int32)
            self.src = np.empty(n, dtype=np.int32)
            self.g4 = np.empty(n, dtype=np.uint32)
            self.h4 = np.empty(n, dtype=np.uint32)
            self.h16 = np.empty(n, dtype=np.uint32)
            sizes = np.diff(self.off)
            self.big = sizes > PIECE  # prepared in pieces, one text at a time
            for todo in _batches(sizes, ~self.big):
                _lz_prepare_nb(self.data, self.off, self.s_off, self.words, k, self.pos, self.best, self.src, self.g4,
                               self.h4, self.h16, todo)
            for t in np.flatnonzero(self.big):
                self._prepare_in_pieces(int(t))

    def _prepare_in_pieces(self, t):
        a, b, m0 = int(self.off[t]), int(self.off[t + 1]), int(self.s_off[t])
        ns = int(_lz_positions_nb(self.data, a, b, self.words, self.pos, m0))
        size = _lz_table_size(ns)
        tab4, tab16 = np.full(size, -1, dtype=np.int32), np.full(size, -1, dtype=np.int32)
        key4, first16 = np.empty(size, dtype=np.uint32), np.empty(size, dtype=np.int32)
        ch4, ch16 = np.empty(b - a, dtype=np.int32), np.empty(b - a, dtype=np.int32)
        cand, clen, pcand, plen = (np.empty(2 * self.k + 1, dtype=np.int64) for _ in range(4))
        state = np.zeros(2, dtype=np.int64)
        for q0 in range(m0, m0 + ns, PIECE):
            _lz_prepare_starts_nb(self.data, a, b - a, m0, q0, min(q0 + PIECE, m0 + ns), self.words, self.k, self.pos,
                                  self.best, self.src, self.g4, self.h4, self.h16, tab4, key4, tab16, first16, ch4, ch16,
                                  cand,
                                  clen, pcand, plen, state)

    def arrays(self):
        return self.data, self.off, self.s_off, self.pos, self.best, self.src, self.g4, self.h4, self.h16

    @property
    def n(self):
        return self.off.size - 1


def lz_code_lengths(texts, k, words=False, n_threads=1):
    """C(x) of each text under the LZ77 model, in bits."""
    prepared = LZPrepared(texts, b"", k, words, n_threads)
    out = np.empty(prepared.n)
    with Threads(n_threads):
        for todo in _batches(np.diff(prepared.off), ~prepared.big):
            _lz_lengths_nb(*prepared.arrays(), words, k, out, todo)
    if prepared.big.any():
        empty = _Index(b"", words)
        for t in np.flatnonzero(prepared.big):
            out[t] = _conditional_in_pieces(empty, prepared, int(t))
    return out


def lz_joint_block(xs, cx, prepared, n_threads=1):
    """C(x) + C(separator + y | x) for every x in xs and every prepared y: shape (len(xs), n_y).

    Pairs with a text longer than PIECE are parsed in pieces, a pair at a time."""
    cx = np.ascontiguousarray(cx, dtype=np.float64)
    result = np.empty((len(xs), prepared.n))
    big_x = np.array([len(x) > PIECE for x in xs], dtype=np.bool_)
    small = np.flatnonzero(~big_x)
    if small.size and not prepared.big.all():
        x_data, x_off = pack([xs[r] for r in small])
        block = np.empty((small.size, prepared.n))
        with Threads(n_threads):
            _lz_joint_block_nb(x_data, x_off, cx[small], *prepared.arrays(), prepared.words, prepared.k,
                               ~prepared.big, block)
        result[small] = block
    for r in range(len(xs)):
        columns = range(prepared.n) if big_x[r] else np.flatnonzero(prepared.big)
        if len(columns):
            index = _Index(xs[r], prepared.words)
            for j in columns:
                result[r, j] = cx[r] + _conditional_in_pieces(index, prepared, int(j))
    return result
