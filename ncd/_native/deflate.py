"""zlib's level 4-9 deflate length, computed in numba without writing the stream.

Why: on an AG News concatenation (~500 bytes) a reused libz stream costs about 13 µs,
and most of it is work whose result a length does not need: clearing the 64 kB hash
table on every reset, assigning the Huffman codes and writing the bits. This module
follows zlib 1.2's ``deflate_slow`` parse (hash chains over 3-byte hashes, lazy
matching, the level's good/lazy/nice/chain limits, the TOO_FAR rule) and its
``trees.c`` block choice (Huffman trees built with zlib's heap and tie rule, its
length-limiting, the code-length tree and the stored/fixed/dynamic decision) and
returns the number of bytes zlib would write, without writing them.

Two shortcuts keep it exact:

* Only inputs of at most :data:`MAX_NATIVE` bytes are handled: they fit in one block
  and in the window, so there is no window sliding and no block split. Longer inputs
  go to libz.
* For ``x + sep + y`` the parse of ``x + sep`` is computed once per query and reused
  for every ``y``: the parse is replayed only as far as no step has looked at a byte of
  ``y`` (a match comparison that reached the boundary, or a hash that needs it); the
  rest is parsed per pair from that saved state.

Exactness is not assumed: :func:`native_ok` compares this model with Python's zlib on a
fixed sample of texts once per process, and the library path is used if anything
differs (for instance under a zlib fork such as zlib-ng). The tests compare millions of
lengths. Setting ``NCD_NO_NATIVE_DEFLATE=1`` turns this path off.
"""

from __future__ import annotations

import os
import zlib

import numpy as np

from . import libz as _libz
from .runtime import USE_NUMBA, Threads, numba, pack, prange

if numba is not None:
    from numba import njit

#: Longest input (bytes) whose length is computed natively; longer ones go to libz.
MAX_NATIVE = 16000

_WSIZE = 1 << 15
_HASH_MASK = (1 << 15) - 1
_MAX_DIST = _WSIZE - 262
_TOO_FAR = 4096
_HEAP_SIZE = 2 * 286 + 1
_SENTINEL = np.int64(1) << 62

#: level -> (good_length, max_lazy, nice_length, max_chain), zlib's table for deflate_slow.
LEVELS = {4: (4, 4, 16, 16), 5: (8, 16, 32, 32), 6: (8, 16, 128, 128),
          7: (8, 32, 128, 256), 8: (32, 128, 258, 1024), 9: (32, 258, 258, 4096)}

#: Bytes a container adds around the deflate stream, by zlib's wbits.
CONTAINER_BYTES = {31: 18, 15: 6, -15: 0}


def _tables():
    """RFC 1951's length and distance codes, as lookup tables."""
    len_base = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                67, 83, 99, 115, 131, 163, 195, 227, 258]
    len_extra = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
    dist_base = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    dist_extra = [0, 0, 0, 0] + [e for e in range(1, 14) for _ in (0, 1)]
    length_code = np.zeros(259, dtype=np.int32)  # match length -> literal/length symbol
    for code in range(29):
        top = len_base[code] + (1 << len_extra[code])
        for length in range(len_base[code], min(top, 259)):
            length_code[length] = 257 + code
    length_code[258] = 285  # 258 has its own code, not 284 with all extra bits set
    full = np.zeros(_WSIZE, dtype=np.int32)  # distance - 1 -> distance symbol
    for code in range(30):
        full[dist_base[code] - 1:dist_base[code] - 1 + (1 << dist_extra[code])] = code
    # zlib's 512-entry form: d < 256 directly, larger d by d >> 7 (codes >= 16 span multiples of 128)
    dist_code = np.concatenate([full[:256], full[::128]]).astype(np.int32)
    lit_static = np.array([8] * 144 + [9] * 112 + [7] * 24 + [8] * 8, dtype=np.int64)
    return (length_code, dist_code, np.array(len_extra, dtype=np.int64),
            np.array(dist_extra, dtype=np.int64), lit_static,
            np.full(30, 5, dtype=np.int64), np.array([0] * 16 + [2, 3, 7], dtype=np.int64),
            np.array([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15], dtype=np.int64))


(LENGTH_CODE, DIST_CODE, LEN_EXTRA, DIST_EXTRA, LIT_STATIC, DIST_STATIC, BL_EXTRA,
 BL_ORDER) = _tables()

ENABLED = USE_NUMBA and not os.environ.get("NCD_NO_NATIVE_DEFLATE")


if numba is not None:

    # -- the parse ------------------------------------------------------------------------

    @njit(cache=True, inline="always")
    def _hash(buf, p):
        return ((np.int32(buf[p]) << 10) ^ (np.int32(buf[p + 1]) << 5) ^ np.int32(buf[p + 2])) & _HASH_MASK

    @njit(cache=True, inline="always")
    def _insert(buf, p, head, prev, touched, st):
        """zlib's INSERT_STRING at p; returns the previous head of p's chain."""
        h = _hash(buf, p)
        old = head[h]
        prev[p] = old
        head[h] = p
        touched[st[7]] = h
        st[7] += 1
        return old

    @njit(cache=True)
    def _longest_match(buf, p, cur, prev_length, limit, end, good, nice, chain, prev):
        """zlib's longest_match: (known, length, start), the best over p's hash chain from cur
        (start -1: nothing beat prev_length).

        ``limit`` is the first byte that may not be read: in a replay it is the boundary
        of the known prefix, and a comparison that reaches it makes the step unknown
        (known is False); at the end of the data (limit == end) it simply stops there.
        """
        best = prev_length
        start = -1
        if prev_length >= good:
            chain >>= 2
        lookahead = end - p
        if nice > lookahead:
            nice = lookahead
        stop = p - _MAX_DIST if p > _MAX_DIST else 0
        span = limit - p
        cap = 258 if span > 258 else span
        while True:
            n = 0
            while n < cap and buf[cur + n] == buf[p + n]:
                n += 1
            if n == span and limit != end:
                return False, 0, -1
            if n > best:
                start = cur
                best = n
                if n >= nice:
                    break
            cur = prev[cur]
            if cur <= stop:
                break
            chain -= 1
            if chain == 0:
                break
        return True, (best if best <= lookahead else lookahead), start

    @njit(cache=True)
    def _parse(buf, end, limit, st, lfreq, dfreq, head, prev, touched, good, lazy, nice, chain):
        """Run zlib's deflate_slow over buf[st[0]:end], counting symbols into the freqs.

        st holds the parse state: 0 strstart, 1 match_length, 2 match_start,
        3 match_available, 4 symbols so far, 7 touched count. With limit < end the
        parse stops before the first step that would read buf[limit:] (a replay of a
        known prefix) and leaves the state as it was before that step; with limit == end
        it runs to the end and emits the pending literal.
        """
        replay = limit != end
        strstart = st[0]
        match_length = st[1]
        match_start = st[2]
        available = st[3]
        nsym = st[4]
        while strstart < end:
            hash_head = 0
            inserted_h = -1
            if end - strstart >= 3:
                if replay and strstart + 2 >= limit:
                    break
                inserted_h = _hash(buf, strstart)
                hash_head = _insert(buf, strstart, head, prev, touched, st)
            prev_length = match_length
            prev_match = match_start
            new_length = 2
            new_start = match_start
            if hash_head != 0 and prev_length < lazy and strstart - hash_head <= _MAX_DIST:
                known, found, start = _longest_match(buf, strstart, hash_head, prev_length, limit, end,
                                                     good, nice, chain, prev)
                if not known:
                    head[inserted_h] = hash_head  # undo this step's insertion
                    st[7] -= 1
                    break
                new_length = found
                if start >= 0:
                    new_start = start
                if new_length == 3 and strstart - new_start > _TOO_FAR:
                    new_length = 2
            if prev_length >= 3 and new_length <= prev_length:
                if replay and strstart + prev_length >= limit:
                    if inserted_h >= 0:
                        head[inserted_h] = hash_head
                        st[7] -= 1
                    break
                max_insert = end - 3
                lfreq[LENGTH_CODE[prev_length]] += 1
                d = strstart - 2 - prev_match
                dfreq[DIST_CODE[d] if d < 256 else DIST_CODE[256 + (d >> 7)]] += 1
                nsym += 1
                for q in range(strstart + 1, strstart + prev_length - 1):
                    if q <= max_insert:
                        _insert(buf, q, head, prev, touched, st)
                strstart += prev_length - 1
                available = 0
                match_length = 2
                match_start = new_start
            elif available:
                lfreq[buf[strstart - 1]] += 1
                nsym += 1
                strstart += 1
                match_length = new_length
                match_start = new_start
            else:
                available = 1
                strstart += 1
                match_length = new_length
                match_start = new_start
        if not replay and available:
            lfreq[buf[strstart - 1]] += 1
            nsym += 1
            available = 0
        st[0] = strstart
        st[1] = match_length
        st[2] = match_start
        st[3] = available
        st[4] = nsym

    # -- trees.c: Huffman trees and the block decision ----------------------------------

    # Heap entries pack a node's (freq, depth) key above its number: key << 10 | node, with
    # key = freq << 8 | depth, so zlib's "smaller" (freq less, or equal and depth not
    # greater) is a comparison of the keys alone, read from the heap without indirection.

    @njit(cache=True, inline="always")
    def _downheap(heap, heap_len, k):
        # heap[heap_len + 1] holds a sentinel larger than any key, so the smaller child is
        # chosen without a bounds test or a branch
        v = heap[k]
        vkey = v >> 10
        j = k << 1
        while j <= heap_len:
            a = heap[j]
            b = heap[j + 1]
            c = (b >> 10) <= (a >> 10)
            j += c
            a = b if c else a
            if vkey <= (a >> 10):
                break
            heap[k] = a
            k = j
            j <<= 1
        heap[k] = v

    @njit(cache=True)
    def _build_tree(freq, elems, stree, extra, base, max_length, w, acc):
        """zlib's build_tree + gen_bitlen: code lengths into w.nlen; adds to acc[0] (opt_len)
        and, with a static tree, acc[1] (static_len). Returns max_code."""
        heap, order, nfreq, nlen, dad, bl_count = w[0], w[1], w[2], w[3], w[4], w[5]
        heap_len = 0
        heap_max = _HEAP_SIZE
        max_code = -1
        for n in range(elems):
            f = freq[n]
            nfreq[n] = f
            if f != 0:
                heap_len += 1
                heap[heap_len] = (f << 18) | n
                max_code = n
            else:
                nlen[n] = 0
        while heap_len < 2:
            if max_code < 2:
                max_code += 1
                node = max_code
            else:
                node = 0
            heap_len += 1
            heap[heap_len] = (1 << 18) | node
            nfreq[node] = 1
            acc[0] -= 1
            if stree.size:
                acc[1] -= stree[node]
        heap[heap_len + 1] = _SENTINEL
        for k in range(heap_len // 2, 0, -1):
            _downheap(heap, heap_len, k)
        node = elems
        while True:
            n = heap[1]
            heap[1] = heap[heap_len]
            heap[heap_len] = _SENTINEL
            heap_len -= 1
            _downheap(heap, heap_len, 1)
            m = heap[1]
            heap_max -= 1
            order[heap_max] = n & 1023
            heap_max -= 1
            order[heap_max] = m & 1023
            dn = (n >> 10) & 255
            dm = (m >> 10) & 255
            depth = (dn if dn >= dm else dm) + 1
            dad[n & 1023] = node
            dad[m & 1023] = node
            heap[1] = ((((n >> 18) + (m >> 18)) << 8 | depth) << 10) | node
            node += 1
            _downheap(heap, heap_len, 1)
            if heap_len < 2:
                break
        heap_max -= 1
        order[heap_max] = heap[1] & 1023
        # gen_bitlen
        for b in range(16):
            bl_count[b] = 0
        nlen[order[heap_max]] = 0
        overflow = 0
        for h in range(heap_max + 1, _HEAP_SIZE):
            n = order[h]
            bits = nlen[dad[n]] + 1
            if bits > max_length:
                bits = max_length
                overflow += 1
            nlen[n] = bits
            if n > max_code:
                continue
            bl_count[bits] += 1
            xbits = extra[n - base] if n >= base else 0
            f = nfreq[n]
            acc[0] += f * (bits + xbits)
            if stree.size:
                acc[1] += f * (stree[n] + xbits)
        if overflow == 0:
            return max_code
        while True:
            bits = max_length - 1
            while bl_count[bits] == 0:
                bits -= 1
            bl_count[bits] -= 1
            bl_count[bits + 1] += 2
            bl_count[max_length] -= 1
            overflow -= 2
            if overflow <= 0:
                break
        h = _HEAP_SIZE
        for bits in range(max_length, 0, -1):
            n = bl_count[bits]
            while n != 0:
                h -= 1
                m = order[h]
                if m > max_code:
                    continue
                if nlen[m] != bits:
                    acc[0] += (bits - nlen[m]) * nfreq[m]
                    nlen[m] = bits
                n -= 1
        return max_code

    @njit(cache=True)
    def _scan_tree(nlen, max_code, blfreq):
        """zlib's scan_tree: counts the code-length symbols that describe one tree."""
        prevlen = -1
        nextlen = nlen[0]
        count = 0
        max_count = 7
        min_count = 4
        if nextlen == 0:
            max_count = 138
            min_count = 3
        for n in range(max_code + 1):
            curlen = nextlen
            nextlen = nlen[n + 1] if n < max_code else 0xFFFF
            count += 1
            if count < max_count and curlen == nextlen:
                continue
            elif count < min_count:
                blfreq[curlen] += count
            elif curlen != 0:
                if curlen != prevlen:
                    blfreq[curlen] += 1
                blfreq[16] += 1
            elif count <= 10:
                blfreq[17] += 1
            else:
                blfreq[18] += 1
            count = 0
            prevlen = curlen
            if nextlen == 0:
                max_count = 138
                min_count = 3
            elif curlen == nextlen:
                max_count = 6
                min_count = 3
            else:
                max_count = 7
                min_count = 4

    @njit(cache=True)
    def _block_bytes(lfreq, dfreq, stored_len, w):
        """Bytes of the single final block zlib writes for these symbol counts."""
        nlen, lens, blfreq, acc = w[3], w[6], w[7], w[8]
        acc[0] = 0
        acc[1] = 0
        lmax = _build_tree(lfreq, 286, LIT_STATIC, LEN_EXTRA, 257, 15, w, acc)
        for n in range(lmax + 1):
            lens[n] = nlen[n]
        dmax = _build_tree(dfreq, 30, DIST_STATIC, DIST_EXTRA, 0, 15, w, acc)
        for n in range(19):
            blfreq[n] = 0
        _scan_tree(lens, lmax, blfreq)
        _scan_tree(nlen, dmax, blfreq)
        _build_tree(blfreq, 19, LIT_STATIC[:0], BL_EXTRA, 0, 7, w, acc)
        max_blindex = 18
        while max_blindex >= 3:
            if nlen[BL_ORDER[max_blindex]] != 0:
                break
            max_blindex -= 1
        opt_len = acc[0] + 3 * (max_blindex + 1) + 14
        static_len = acc[1]
        opt_lenb = (opt_len + 3 + 7) >> 3
        static_lenb = (static_len + 3 + 7) >> 3
        if static_lenb <= opt_lenb:
            opt_lenb = static_lenb
        if stored_len + 4 <= opt_lenb:
            return stored_len + 5
        if static_lenb == opt_lenb:
            return (static_len + 3 + 7) >> 3
        return (opt_len + 3 + 7) >> 3

    @njit(cache=True)
    def _workspace():
        """Arrays for the tree step: heap, order (zlib's heap[heap_max:]), leaf freqs, code
        lengths, parents, bl_count, the literal tree's lengths, bl freqs, (opt_len, static_len)."""
        return (np.empty(_HEAP_SIZE + 1, dtype=np.int64), np.empty(_HEAP_SIZE + 1, dtype=np.int64),
                np.empty(_HEAP_SIZE + 1, dtype=np.int64), np.zeros(_HEAP_SIZE + 2, dtype=np.int64),
                np.empty(_HEAP_SIZE + 1, dtype=np.int64), np.empty(16, dtype=np.int64),
                np.zeros(287, dtype=np.int64), np.zeros(19, dtype=np.int64), np.zeros(2, dtype=np.int64))

    @njit(cache=True)
    def _parser():
        """Arrays for the parse: hash heads (all zero), chain links, the hashes inserted, the
        state (see _parse), literal/length and distance counts."""
        return (np.zeros(1 << 15, dtype=np.int32), np.empty(MAX_NATIVE, dtype=np.int32),
                np.empty(2 * MAX_NATIVE, dtype=np.int32), np.zeros(8, dtype=np.int64),
                np.zeros(286, dtype=np.int64), np.zeros(30, dtype=np.int64))

    @njit(cache=True)
    def _length_one(buf, n, params, head, prev, touched, st, lfreq, dfreq, w):
        """Deflate bytes of buf[:n] (head must be all zero; left all zero)."""
        lfreq[:] = 0
        dfreq[:] = 0
        lfreq[256] = 1
        st[:] = 0
        st[1] = 2
        _parse(buf, n, n, st, lfreq, dfreq, head, prev, touched,
               params[0], params[1], params[2], params[3])
        for i in range(st[7]):
            head[touched[i]] = 0
        return _block_bytes(lfreq, dfreq, n, w)

    @njit(cache=True, parallel=True)
    def _lengths_nb(data, off, params, n_threads, out):
        n_texts = off.size - 1
        per = (n_texts + n_threads - 1) // n_threads
        for t in prange(n_threads):
            head, prev, touched, st, lfreq, dfreq = _parser()
            w = _workspace()
            for i in range(t * per, min(n_texts, (t + 1) * per)):
                a, b = off[i], off[i + 1]
                if b - a > MAX_NATIVE:
                    out[i] = -1
                    continue
                out[i] = _length_one(data[a:b], b - a, params, head, prev, touched, st, lfreq, dfreq, w)

    @njit(cache=True, parallel=True)
    def _joint_nb(x_data, x_off, sep, y_data, y_off, params, n_threads, result):
        """result[r, j] = deflate bytes of x_r + sep + y_j, or -1 where it is longer than
        MAX_NATIVE (the caller computes those with libz)."""
        n_rows, n_y = result.shape
        n_sep = sep.size
        per = (n_rows + n_threads - 1) // n_threads
        good, lazy, nice, chain = params[0], params[1], params[2], params[3]
        for t in prange(n_threads):
            buf = np.empty(MAX_NATIVE, dtype=np.uint8)
            head, prev, touched, st, lfreq, dfreq = _parser()
            head_x = np.zeros(1 << 15, dtype=np.int32)  # the heads after the query's replay
            st_x = np.zeros(8, dtype=np.int64)
            lfreq_x = np.zeros(286, dtype=np.int64)
            dfreq_x = np.zeros(30, dtype=np.int64)
            w = _workspace()
            for r in range(t * per, min(n_rows, (t + 1) * per)):
                xa, xb = x_off[r], x_off[r + 1]
                nx = xb - xa + n_sep
                if nx > MAX_NATIVE:
                    for j in range(n_y):
                        result[r, j] = -1
                    continue
                buf[:xb - xa] = x_data[xa:xb]
                buf[xb - xa:nx] = sep
                # replay the known prefix once
                lfreq_x[:] = 0
                dfreq_x[:] = 0
                lfreq_x[256] = 1
                st_x[:] = 0
                st_x[1] = 2
                _parse(buf, MAX_NATIVE + 1, nx, st_x, lfreq_x, dfreq_x, head, prev, touched,
                       good, lazy, nice, chain)
                n_prefix = st_x[7]
                for i in range(n_prefix):
                    head_x[touched[i]] = head[touched[i]]
                for j in range(n_y):
                    ya, yb = y_off[j], y_off[j + 1]
                    n = nx + yb - ya
                    if n > MAX_NATIVE:
                        result[r, j] = -1
                        continue
                    buf[nx:n] = y_data[ya:yb]
                    lfreq[:] = lfreq_x
                    dfreq[:] = dfreq_x
                    st[:] = st_x
                    _parse(buf, n, n, st, lfreq, dfreq, head, prev, touched, good, lazy, nice, chain)
                    for i in range(n_prefix, st[7]):
                        head[touched[i]] = head_x[touched[i]]
                    result[r, j] = _block_bytes(lfreq, dfreq, n, w)
                for i in range(n_prefix):
                    head[touched[i]] = 0
                    head_x[touched[i]] = 0


def _params(level):
    return np.array(LEVELS[level], dtype=np.int64)


def native_lengths(texts, level, n_threads=1):
    """Deflate stream bytes (no container) of each text, -1 where longer than MAX_NATIVE."""
    data, off = pack(list(texts))
    out = np.empty(len(texts), dtype=np.int64)
    with Threads(n_threads) as threads:
        _lengths_nb(data, off, _params(level), threads.n, out)
    return out


def native_joint(x_packed, y_packed, separator, level, n_threads=1):
    """Deflate stream bytes of x + separator + y for every packed x and y, as an (n_x, n_y)
    int64 array; -1 where the concatenation is longer than MAX_NATIVE."""
    x_data, x_off = x_packed
    y_data, y_off = y_packed
    result = np.empty((x_off.size - 1, y_off.size - 1), dtype=np.int64)
    with Threads(n_threads) as threads:
        _joint_nb(x_data, x_off, np.frombuffer(separator, dtype=np.uint8), y_data, y_off,
                  _params(level), threads.n, result)
    return result


def synthetic_texts(seed, n, sizes=(0, 1, 2, 3, 5, 12, 60, 250, 480, 1000, 3000)):
    """n seeded byte strings of every kind that steers zlib's parse: words, random bytes, a
    small alphabet, short periods, and a block repeated after noise (long distances)."""
    rng = np.random.default_rng(seed)
    words = np.array(b"the of and a to in is was for on that with as by he at market stocks rose fell".split())
    out = []
    for _ in range(n):
        size = int(rng.choice(sizes))
        kind = rng.integers(5)
        if kind == 0:
            out.append(b" ".join(rng.choice(words, size // 4 + 1)))
        elif kind == 1:
            out.append(rng.integers(0, 256, size, dtype=np.uint8).tobytes())
        elif kind == 2:
            out.append(rng.choice(np.frombuffer(b"ab c", dtype=np.uint8), size).tobytes())
        elif kind == 3:
            unit = rng.integers(97, 123, int(rng.integers(1, 12)), dtype=np.uint8).tobytes()
            out.append((unit * (size // len(unit) + 1))[:size])
        else:
            block = rng.integers(32, 127, 400, dtype=np.uint8).tobytes()
            out.append(block + rng.integers(0, 256, size, dtype=np.uint8).tobytes() + block[:size % 400])
    return out


def _check_sample():
    """Texts the self-check compares with zlib: edge cases, runs, random bytes, words."""
    rng = np.random.default_rng(20231)
    texts = [b"", b"a", b"ab", b"abc", b"aaaa", b"a" * 1000, b"ab" * 700, bytes(range(256)) * 5]
    words = np.array(b"the of and a to in is was for on that with as by he at from his it an".split())
    for n in (3, 10, 40, 120, 400, 1500):
        texts.append(rng.integers(0, 256, n, dtype=np.uint8).tobytes())
        texts.append(rng.choice(np.frombuffer(b"ab c", dtype=np.uint8), n).tobytes())
        texts.append(b" ".join(rng.choice(words, n)))
    for distance in (4095, 4096, 4097, 4098):  # 3-byte matches reaching back about TOO_FAR
        triples = [rng.integers(100, 200, 3, dtype=np.uint8).tobytes() for _ in range(40)]
        noise = rng.integers(0, 100, distance - 160, dtype=np.uint8).tobytes()
        texts.append(b"".join(t + b"\xff" for t in triples) + noise + b"".join(t + b"\xfe" for t in triples))
    return texts


_NATIVE_OK = None


def native_ok():
    """Whether this module's lengths equal Python's zlib here (checked once per process)."""
    global _NATIVE_OK
    if _NATIVE_OK is None:
        _NATIVE_OK = False
        if ENABLED:
            texts = _check_sample()
            joined = [a + b" " + b for a in texts[::3] for b in texts[1::4]]
            _NATIVE_OK = all(
                np.array_equal(native_lengths(texts + joined, level),
                               [len(zlib.compress(t, level, -15)) for t in texts + joined])
                for level in LEVELS)
            if not _NATIVE_OK:
                import warnings

                warnings.warn(f"ncd: the native deflate lengths differ from this zlib "
                              f"({zlib.ZLIB_RUNTIME_VERSION}); using libz itself (slower, exact)",
                              RuntimeWarning, stacklevel=2)
    return _NATIVE_OK


# -- exact deflate lengths of concatenations, libz called from numba ----------------------
#
# Not cached (cache=False): the compiled code holds the addresses of libz's functions,
# which differ from one process to the next. It compiles once per process (about a second).

if USE_NUMBA and _libz.NUMBA_PATH:
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


def deflate_compiled():
    """Whether deflate lengths of whole blocks can be computed in compiled code here."""
    return USE_NUMBA and bool(_libz.NUMBA_PATH or native_ok())


def deflate_joint_block(xs, ys_packed, separator, level, wbits, reverse=False, n_threads=1):
    """8 * len(deflate(x + separator + y)) for every x in xs and y in ys, as an (n_x, n_y) array.

    Levels 4 to 9 use zlib's parse and trees re-implemented in numba (this module)
    when its self-check against zlib passed in this process; other levels, and
    concatenations longer than :data:`MAX_NATIVE`, are compressed by libz.
    Call only where :func:`deflate_compiled` is true.
    """
    if level in LEVELS and native_ok():
        # the first text of each concatenation is replayed once and reused: in reverse
        # order that is the reference, so the block is computed transposed
        x_packed = pack(xs)
        if reverse:
            nbytes = native_joint(ys_packed, x_packed, separator, level, n_threads).T
        else:
            nbytes = native_joint(x_packed, ys_packed, separator, level, n_threads)
        result = 8.0 * (nbytes + CONTAINER_BYTES[wbits])
        rows, cols = np.nonzero(nbytes < 0)
        if rows.size:  # longer than the native path takes
            y_data, y_off = ys_packed
            for r, c in zip(rows, cols):
                y = y_data[y_off[c]:y_off[c + 1]].tobytes()
                pair = (y + separator + xs[r]) if reverse else (xs[r] + separator + y)
                result[r, c] = 8.0 * _libz.deflate_length(pair, level, wbits)
        return result
    if not _libz.NUMBA_PATH:
        y_data, y_off = ys_packed
        ys = [y_data[y_off[c]:y_off[c + 1]].tobytes() for c in range(y_off.size - 1)]
        pairs = [[(y + separator + x) if reverse else (x + separator + y) for y in ys] for x in xs]
        return np.array([[8.0 * _libz.deflate_length(p, level, wbits) for p in row] for row in pairs])
    return _libz_joint_block(xs, ys_packed, separator, level, wbits, reverse, n_threads)


def _libz_joint_block(xs, ys_packed, separator, level, wbits, reverse, n_threads):
    x_data, x_off = pack(xs)
    y_data, y_off = ys_packed
    longest = int(np.diff(x_off).max(initial=0) + np.diff(y_off).max(initial=0)) + len(separator)
    with Threads(n_threads):
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
