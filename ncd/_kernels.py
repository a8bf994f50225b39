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


def _check_cache_dir():
    """Warn when NUMBA_CACHE_DIR names a directory numba cannot write to."""
    import tempfile
    import warnings

    path = os.environ.get("NUMBA_CACHE_DIR")
    if not path or not USE_NUMBA:
        return
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        warnings.warn(f"NUMBA_CACHE_DIR={path!r} cannot be written ({exc.strerror}): ncd's compiled kernels "
                      "are cached elsewhere or not at all, so a new process may compile them again (seconds). "
                      "Point NUMBA_CACHE_DIR at a writable directory.", RuntimeWarning, stacklevel=2)


_check_cache_dir()


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
        return self

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

from . import _deflate  # noqa: E402
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


def deflate_compiled():
    """Whether deflate lengths of whole blocks can be computed in compiled code here."""
    return numba is not None and USE_NUMBA and (_libz.NUMBA_PATH or _deflate.native_ok())


def pack(texts):
    """Texts as one uint8 array and offsets (text i is data[off[i]:off[i + 1]])."""
    off = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=off[1:])
    return np.frombuffer(b"".join(texts), dtype=np.uint8), off


def deflate_joint_block(xs, ys_packed, separator, level, wbits, reverse=False, n_threads=1):
    """8 * len(deflate(x + separator + y)) for every x in xs and y in ys, as an (n_x, n_y) array.

    Levels 4 to 9 use zlib's parse and trees re-implemented in numba (:mod:`ncd._deflate`)
    when its self-check against zlib passed in this process; other levels, and
    concatenations longer than :data:`ncd._deflate.MAX_NATIVE`, are compressed by libz.
    Call only where :func:`deflate_compiled` is true.
    """
    if level in _deflate.LEVELS and _deflate.native_ok():
        # the first text of each concatenation is replayed once and reused: in reverse
        # order that is the reference, so the block is computed transposed
        x_packed = pack(xs)
        if reverse:
            nbytes = _deflate.native_joint(ys_packed, x_packed, separator, level, n_threads).T
        else:
            nbytes = _deflate.native_joint(x_packed, ys_packed, separator, level, n_threads)
        result = 8.0 * (nbytes + _deflate.CONTAINER_BYTES[wbits])
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


# -- the LZ77 code-length model ("lz77") ----------------------------------------------------
#
# A greedy LZ77 parse with a fixed code. Copies may begin only at *starts*: with words=False
# every position is one; with words=True a start is the first byte of a text, a byte after one
# that is not a word byte (ASCII letters and digits and every byte >= 0x80 are word bytes), or
# the first byte of a 3- or 4-byte UTF-8 character (scripts such as CJK and Thai, written
# without spaces). At a start a literal costs 9 bits (a flag and the byte) and a copy of length
# L >= 4 costs 1 + log2(H) + gamma(L - 3) bits, where H is the number of starts in the history
# (a uniform code over where it could copy from) and gamma(n) = 2 floor(log2 n) + 1 is the Elias
# gamma length; elsewhere a byte is a literal of 8 bits (the decoder knows where starts are from
# the bytes it has decoded, so no flag is needed). At each start the copy is the longest among
# the `k` most recent earlier starts holding the same 4 bytes (exact 4-grams, not hash equality).
#
# The joint length of a pair is C(x) + C(z | x) with z = separator + y: z is parsed with x as
# extra history; a copy comes from x or from earlier in z, never across their boundary. All
# that depends on z alone (its starts, their 4-grams, and at each start the best copy inside z
# and how many candidates that used) is computed once per reference text by _lz_prepare; per
# pair only the query's 4-gram index is looked up, at z's starts.

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


if numba is not None:
    _lz_gram = njit(cache=True, inline="always")(_lz_gram)
    _lz_bucket = njit(cache=True, inline="always")(_lz_bucket)
    _lz_is_start = njit(cache=True, inline="always")(_lz_is_start)
    _lz_index = njit(cache=True)(_lz_index)
    _lz_longest = njit(cache=True, inline="always")(_lz_longest)
    _lz_copy_bits = njit(cache=True, inline="always")(_lz_copy_bits)
    _lz_conditional = njit(cache=True, inline="always")(_lz_conditional)
    _lz_log2_table = njit(cache=True)(_lz_log2_table)
    _lz_count_word_starts_nb = njit(cache=True, parallel=True)(_lz_count_word_starts)
    _lz_prepare_nb = njit(cache=True, parallel=True)(_lz_prepare)
    _lz_lengths_nb = njit(cache=True, parallel=True)(_lz_lengths)
    _lz_joint_block_nb = njit(cache=True, parallel=True)(_lz_joint_block)


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
        with _Threads(n_threads):
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
    with _Threads(n_threads):
        _lz_lengths_nb(*prepared.arrays(), words, prepared.bits, k, out)
    return out


def lz_joint_block(xs, cx, prepared, n_threads=1):
    """C(x) + C(separator + y | x) for every x in xs and every prepared y: shape (len(xs), n_y)."""
    x_data, x_off = pack(xs)
    result = np.empty((len(xs), prepared.n))
    with _Threads(n_threads):
        _lz_joint_block_nb(x_data, x_off, np.ascontiguousarray(cx, dtype=np.float64), *prepared.arrays(),
                           prepared.words, prepared.bits, prepared.k, result)
    return result


# -- the order-k context model ("cm", class level) -------------------------------------------
#
# Byte probabilities by Witten-Bell interpolation over contexts of orders 0..K:
#   p_-1(b) = 1/256;  p_o(b) = (c_o(b) + u_o * p_{o-1}(b)) / (n_o + u_o)  where in the order-o
# context n_o counts the bytes seen, u_o the distinct ones, c_o(b) those equal to b (a context
# never seen leaves p_{o-1} as it is). The counts are exact (keys are stored, not only hashed), so
# every p_K is a normalised distribution and sum(-log2 p_K) is an honest code length. Contexts
# are padded with NUL at the start of each text. Counts live in an open-addressing table:
# key = order << 58 | context << 9 | symbol, symbol 256 standing for the context's (n, u).

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
                s = _cm_slot(keys, base | np.uint64(_CM_STATS))
                if keys[s] == _CM_EMPTY:
                    break  # an unseen context: no longer context was seen either
                n = count[s]
                u = distinct[s]
                s = _cm_slot(keys, base | sym)
                c = count[s] if keys[s] != _CM_EMPTY else 0
                p = (c + u * p) / (n + u)
            bits -= np.log2(p)
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


if numba is not None:
    _cm_slot = njit(cache=True, inline="always")(_cm_slot)
    _cm_context = njit(cache=True, inline="always")(_cm_context)
    _cm_count = njit(cache=True, inline="always")(_cm_count)
    _cm_distribution_nb = njit(cache=True)(_cm_distribution)
    _cm_add_nb = njit(cache=True)(_cm_add)
    _cm_rehash_nb = njit(cache=True)(_cm_rehash)
    _cm_score_nb = njit(cache=True, parallel=True)(_cm_score)


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

    def distribution(self, prefix):
        """p(next byte | the last `order` bytes of prefix), an array of 256 that sums to 1."""
        hist = np.frombuffer(bytes(prefix[-self.order:]) if self.order else b"", dtype=np.uint8)
        out = np.empty(256)
        (_cm_distribution_nb if USE_NUMBA else _cm_distribution)(self.keys, self.count, self.distinct, hist,
                                                                 self.order, out)
        return out

    def code_lengths(self, texts, n_threads=1):
        data, off = pack(texts)
        out = np.empty(len(texts))
        with _Threads(n_threads):
            _cm_score_nb(self.keys, self.count, self.distinct, data, off, self.order, out)
        return out
