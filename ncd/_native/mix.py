"""A context-mixing code-length model of bytes (the PAQ / lpaq family idea; our own implementation).

Each byte is coded as 8 binary decisions, most significant bit first; ``c0`` is the partial byte
(1, then 2 or 3, ..., up to 255: a leading 1 and the bits known so far). For every bit several
*inputs* each give a probability that the bit is 1, an online logistic mixer combines them and an
adaptive probability map refines the result:

* **context predictors**: an adaptive probability per (context, c0), 22-bit probability and a
  10-bit count in one uint32; it moves towards the coded bit at the rate ``1 / (n + delta)``
  (n = times seen, up to ``limit``: a running average first, an exponential average after).
  Contexts: the bytes before of orders 0 and 1 (direct tables), orders 2 to 6 and 8 (hashed), the
  current word (letters, digits and bytes >= 0x80, ASCII case-folded; with the byte before) and
  the previous word with the current one (hashed). A hashed context owns a group of 16 slots per
  nibble, one cache line: a tag and which slots are valid, then the predictors of the nibble's 15
  bit positions; a context sits in one of two groups, and takes over the less used one when
  neither is its own. So one byte touches two cache lines per hashed context.
* **match model**: the longest earlier occurrence of the last ``min_match`` bytes (found through a
  hash of them, checked backwards) predicts the bit of the byte that followed; its strength is an
  adaptive predictor per (match-length bucket, expected bit), plus a signed length input.
* **mixer**: inputs ``st(p) = ln(p / (1 - p))`` (fixed point, 8 fractional bits, clipped to +-2047),
  two weight sets chosen by small contexts (c0; how many of orders 2-6 are known x match state x
  bit position), each ``squash(sum w_i st_i)`` trained by ``w_i += lr * err * st_i``; their
  stretches averaged.
* **APM / SSE**: the mixed probability refined by an order-1 map (the byte before and c0) with
  interpolation between 33 buckets of its stretch; the output is 1/4 mixer, 3/4 map. (A second,
  order-2 map gained 0.06% on held-out AG News training texts for a cache miss per bit: left out.)

Everything is integer arithmetic (the probability coded is a multiple of 2^-12, clipped to
[1, 4095] / 4096), so the compiled kernels and their plain-Python twins agree exactly, and the
model is deterministic. The code length of a bit is ``-log2 p`` in float64 from a table.

All adaptive state sits in one uint32 array ``T`` (its layout in the int64 array ``P``) and the
mixer weights in an int64 array ``W``. Scoring a text "adaptively" after training learns as it
codes and then puts everything back: every write into ``T`` is logged first (index, old value) and
undone after the text, newest first; the mixer weights are a per-text copy. Thread 0 works on
``T`` itself, every other thread on its own copy of it, so texts are scored independently of each
other and of the number of threads, and the trained arrays end byte-identical. Each text starts
from an empty byte history (contexts see NUL bytes before the start), as in the order-k context
model of ``ncd._kernels``.

The Python-facing part: :class:`MixModel` (``add`` trains; ``code_lengths`` scores after the
trained state, adaptively or frozen; ``distribution`` gives p(next byte | prefix) for
``ncd.coding``), :func:`add_per_model` and :func:`code_lengths_per_model` (several class models
trained or scored on Python threads, one model per thread, no table copied), :func:`adaptive_code_lengths` (C(x) from an empty model) and :func:`joint_code_lengths`
(C(x) + C(sep + y | x) for blocks of x and y). Texts that would need an undo log larger than the
tables are scored on a fresh copy of the tables instead.

This module imports numpy and the native runtime only.
"""

from __future__ import annotations

import numpy as np

from .runtime import USE_NUMBA, Threads, jit, pack, prange

__all__ = ["MixModel", "adaptive_code_lengths", "add_per_model", "code_lengths_per_model", "external_inputs",
           "joint_code_lengths", "table_bits"]

# -- fixed tables (built once with numpy; both paths index the same arrays) ----------------------

M32 = 0xFFFFFFFF
NH = 8            # hashed contexts: orders 2..6, word, previous word + word, order 8
NI = NH + 6       # mixer inputs: bias, order 0, order 1, NH hashed, match (adaptive), match (length), external
I_EXT = NI - 1    # the external model's input (0 when there is none); _code_byte sets it from ext

# scalar state of one text being coded (int64 array S)
S_C4, S_C8, S_W0, S_W1, S_MPTR, S_MLEN, S_I, S_NT, S_BASE = range(9)
S_SIZE = 9

# layout and settings (int64 array P)
(P_BITS, P_OFF_H, P_OFF_O0, P_OFF_O1, P_OFF_MH, P_MBITS, P_OFF_MSM, P_OFF_A1, P_A1BITS,
 P_SIZE, P_MINLEN, P_LIMIT, P_LR, P_ARATE, P_WOFF_B, P_WSIZE, P_W0, P_APMW) = range(18)
P_LEN = 18


N_MSM = 64        # match predictor: 32 length buckets x expected bit
N_SETS_B = 6 * 4 * 8  # mixer B's weight sets: known orders (0-5) x match state (0-3) x bit position


def _squash_table():
    x = np.arange(-2047, 2048, dtype=np.float64)
    p = np.rint(4096.0 / (1.0 + np.exp(-x / 256.0))).astype(np.int64)
    return np.clip(p, 1, 4095)


def _stretch_table():
    # the inverse of squash: for every p the x whose squash is nearest from below
    sq = _squash_table()
    out = np.empty(4096, dtype=np.int64)
    xs = np.arange(-2047, 2048)
    for p in range(4096):
        k = np.searchsorted(sq, p, side="left")  # first x with squash(x) >= p
        out[p] = xs[min(k, xs.size - 1)]
    return out


SQ = _squash_table()                      # SQ[x + 2047] = 4096 / (1 + e^(-x/256)), in [1, 4095]
ST = _stretch_table()                     # ST[p] ~ 256 ln(p / (4096 - p)), in [-2047, 2047]
NL = np.empty(4097)                       # NL[p] = -log2(p / 4096): the cost of a bit coded with p
NL[0] = 0.0
NL[1:] = -np.log2(np.arange(1, 4097) / 4096.0)


def rate_table(delta=1.5):
    """RT[n] = 2^16 / (n + delta): the step of a predictor seen n times."""
    return np.array([int(65536 / (n + delta)) for n in range(1024)], dtype=np.int64)


# -- small helpers ------------------------------------------------------------------------------

@jit(inline=True)
def _h32(x):
    """A 32-bit mix of a non-negative int below 2^32 (products stay below 2^63)."""
    x = (x * 0x5BD1E995) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & 0xFFFFFFFF
    x ^= x >> 13
    return x


@jit(inline=True)
def _group(h, c0, j, off_h, hbits):
    """Hashed context j (hash h) at the nibble that starts at c0: the first slot of its group, from
    bits 36-hbits..31 of the hash, and its 15-bit tag, from bits 0-13 (1..0x7FFF, never an empty
    group's 0x8000). Scalars only, so inlining it costs nothing (see _code_byte)."""
    full = _h32((h + c0 * 0x01000193) & 0xFFFFFFFF)
    return off_h + (j << hbits) + ((full >> (36 - hbits)) << 4), ((full << 1) & 0x7FFE) | 1


@jit(inline=True)
def _match_bucket(mlen):
    if mlen < 16:
        return mlen
    b = 16 + ((mlen - 16) >> 2)
    return b if b < 32 else 31


# -- layout ---------------------------------------------------------------------------------------

def table_bits(n_bytes, memory=22, per_byte=8):
    """Bits of each hashed table for n_bytes of training text: log2(per_byte * n_bytes) rounded up,
    at least 10 and at most ``memory``."""
    need = max(1, int(per_byte * n_bytes))
    bits = int(np.ceil(np.log2(need)))
    return int(min(max(bits, 10), memory))


@jit
def _layout(bits, minlen, limit, lr, arate, w0, apmw, P):
    """Fill P with the layout of T and W for hashed tables of 2^bits slots; returns T's size."""
    P[P_BITS] = bits
    off = 0
    P[P_OFF_H] = off
    off += NH << bits
    P[P_OFF_O0] = off
    off += 256
    P[P_OFF_O1] = off
    off += 65536
    mbits = bits - 2 if bits - 2 > 10 else 10
    P[P_MBITS] = mbits
    P[P_OFF_MH] = off
    off += 1 << mbits
    P[P_OFF_MSM] = off
    off += N_MSM
    a1 = 16 if bits >= 19 else bits - 3
    P[P_A1BITS] = a1
    P[P_OFF_A1] = off
    off += 33 << a1
    P[P_SIZE] = off
    P[P_MINLEN] = minlen
    P[P_LIMIT] = limit
    P[P_LR] = lr
    P[P_ARATE] = arate
    P[P_WOFF_B] = 256 * NI
    P[P_WSIZE] = 256 * NI + N_SETS_B * NI
    P[P_W0] = w0
    P[P_APMW] = apmw
    return off


@jit
def _init_tables(P, SQ, T, W):
    """Empty model: predictors at p = 1/2 seen 0 times, no match positions, the APM the identity."""
    for i in range(P[P_OFF_MH]):
        T[i] = np.uint32(1 << 31)
    for i in range(P[P_OFF_MH], P[P_OFF_MSM]):
        T[i] = 0
    for i in range(P[P_OFF_MSM], P[P_OFF_A1]):
        T[i] = np.uint32(1 << 31)
    for i in range(P[P_OFF_A1], P[P_SIZE]):
        j = (i - P[P_OFF_A1]) % 33
        v = (j - 16) * 128
        v = -2047 if v < -2047 else (2047 if v > 2047 else v)
        T[i] = SQ[v + 2047] * 16
    for i in range(W.size):
        W[i] = P[P_W0]
    for s in range(256 + N_SETS_B):
        W[s * NI] = 0  # the bias input starts with no weight
        W[s * NI + I_EXT] = 65536  # an external model's probability is taken at face value at first


# -- one text: contexts, prediction, update ---------------------------------------------------------

@jit
def _contexts(S, H):
    """The context hashes of the next byte from the bytes before it (S's history and words)."""
    c4 = S[S_C4]
    c8 = S[S_C8]
    h4 = _h32(c4)
    H[0] = _h32((c4 & 0xFFFF) | 0x20000)
    H[1] = _h32((c4 & 0xFFFFFF) | 0x3000000)
    H[2] = h4
    H[3] = _h32((h4 + (c8 & 0xFF) * 0x10001 + 5) & 0xFFFFFFFF)
    H[4] = _h32((h4 + (c8 & 0xFFFF) * 0x3F + 0x6000000) & 0xFFFFFFFF)
    w0 = S[S_W0]
    H[5] = _h32((w0 * 0x1F + (c4 & 0xFF) + 0x700) & 0xFFFFFFFF)
    H[6] = _h32((_h32(S[S_W1] ^ 0x5555) + w0 * 0x25) & 0xFFFFFFFF)
    H[7] = _h32(((h4 + c8 * 3) & 0xFFFFFFFF) ^ 0x5A5A5A)


@jit
def _code_byte(T, W, P, ST, SQ, RT, NL, base, base_len, data, S, H, G, slots, vals, x, ov, touched, update, c, ext,
               row, rows, saved, bits):
    """Code byte c (8 bits, most significant first) at the state S, H; returns bits plus the
    byte's -log2 p of each bit (added one by one, as a running sum over the text).

    What a bit does is written out in this one body, with helpers that take only scalars: an
    inlined numba helper that takes arrays costs two atomic reference-count changes per array per
    call, and with some twenty arrays per bit that was 70% of the time (benchmarks/mix_speed.md).

    Per nibble, the **groups**: the first slot of each hashed context's 16-slot group for the
    nibble that starts at c0. Slot 0 of a group holds a 15-bit tag of its (context, nibble start)
    in bits 16-30 and, in bits 1-15, which of the 15 other slots (the predictors of the nibble's
    bits) hold a value of this context: the others read as fresh predictors. A context may sit in
    one of two groups (b and b ^ 16); when neither has its tag, the one whose first predictor has
    seen fewer bits is taken over (one write: the new tag, no valid slot), or when not learning
    (update false), G[j] = -1: an unseen context. Every group's slot 0 is read first, with no
    branch between the reads, so that their cache misses overlap, and at the first nibble the
    second nibble's groups are read too, since c is known (G[NH:] is scratch for those reads).

    Per bit, the **prediction** p(bit = 1) in 1..4095 (of 4096) and, when update is true, the
    **update**: the predictors, the two mixers, the APM. Every write into T is first logged
    (index, old value) when there is an undo log (touched not empty); the mixer rows are saved in
    rows/saved before they change when rows is not empty (for _distribution).

    ext: an external model's input, ext[row, c0] = st(p(bit = 1)) (external_inputs); an array of no
    rows when there is none (the input is then 0).
    """
    logging = touched.size > 0
    saving = rows.size > 0
    nt = S[S_NT]  # the undo log's length, kept here and written back at the end
    hbits = P[P_BITS]
    off_h = P[P_OFF_H]
    off_o0 = P[P_OFF_O0]
    off_o1 = P[P_OFF_O1]
    off_msm = P[P_OFF_MSM]
    woff_b = P[P_WOFF_B]
    off_a1 = P[P_OFF_A1]
    a1mask = (1 << P[P_A1BITS]) - 1
    aw = P[P_APMW]
    lr = P[P_LR]
    arate = P[P_ARATE]
    limit = P[P_LIMIT]
    c1 = S[S_C4] & 0xFF
    c0 = 1
    nib = 1
    for k in range(7, -1, -1):
        nb = 7 - k  # bits of the byte known
        if k == 7 or k == 3:  # the groups of this nibble
            for j in range(NH):
                b0, tag = _group(H[j], c0, j, off_h, hbits)
                G[j] = (b0 << 15) | tag
                G[NH + j] = T[b0]
                G[2 * NH + j] = T[b0 ^ 16]
                if k == 7:  # the second nibble's groups are known too (c is): start reading them now
                    b0, tag = _group(H[j], 16 + (c >> 4), j, off_h, hbits)
                    G[3 * NH + j] = T[b0] + T[b0 ^ 16]
            for j in range(NH):
                tag = G[j] & 0x7FFF
                b0 = G[j] >> 15
                b1 = b0 ^ 16
                t0 = G[NH + j]
                t1 = G[2 * NH + j]
                if (t0 >> 16) == tag:
                    G[j] = b0
                elif (t1 >> 16) == tag:
                    G[j] = b1
                elif not update:
                    G[j] = -1
                else:
                    n0 = (np.int64(T[b0 + 1]) & 1023) if (t0 >> 1) & 1 else 0
                    n1 = (np.int64(T[b1 + 1]) & 1023) if (t1 >> 1) & 1 else 0
                    b = b0 if n0 <= n1 else b1
                    if logging:
                        touched[nt] = b
                        ov[nt] = T[b]
                        nt += 1
                    T[b] = tag << 16
                    G[j] = b
            nib = 1
        # -- predict: the context predictors
        x[I_EXT] = ext[row, c0] if ext.shape[0] > 0 else 0
        slots[0] = off_o0 + c0
        slots[1] = off_o1 + (c1 << 8) + c0
        x[0] = 256
        for j in range(2):
            v = np.int64(T[slots[j]])
            vals[j] = v
            x[1 + j] = ST[v >> 20]
        for j in range(NH):
            g = G[j]
            if g >= 0:
                slots[2 + j] = g + nib
                v = np.int64(T[g + nib]) if (T[g] >> nib) & 1 else np.int64(1 << 31)
            else:
                slots[2 + j] = -1
                v = np.int64(1 << 31)
            vals[2 + j] = v
            x[3 + j] = ST[v >> 20]
        # the match model
        mstate = 0
        mlen = S[S_MLEN]
        slots[NH + 2] = -1
        x[NH + 3] = 0
        x[NH + 4] = 0
        if mlen > 0:
            mp = S[S_MPTR]
            eb = (np.int64(base[mp]) if mp < base_len else np.int64(data[mp - base_len])) | 256
            if (eb >> (8 - nb)) == c0:
                ebit = (eb >> (7 - nb)) & 1
                s = off_msm + _match_bucket(mlen) * 2 + ebit
                slots[NH + 2] = s
                v = np.int64(T[s])
                vals[NH + 2] = v
                x[NH + 3] = ST[v >> 20]
                ml = mlen if mlen < 32 else 32
                x[NH + 4] = ml * 32 if ebit else -ml * 32
                mstate = 1 if mlen < 16 else (2 if mlen < 32 else 3)
        # two mixers
        sa = c0 * NI
        known = 0
        for j in range(2, 7):
            if vals[j] & 1023:
                known += 1
        sb = woff_b + (((known * 4 + mstate) << 3) | nb) * NI
        da = 0
        db = 0
        for q in range(NI):
            da += W[sa + q] * x[q]
            db += W[sb + q] * x[q]
        da >>= 16
        db >>= 16
        da = -2047 if da < -2047 else (2047 if da > 2047 else da)
        db = -2047 if db < -2047 else (2047 if db > 2047 else db)
        pa = SQ[da + 2047]
        pb = SQ[db + 2047]
        dm = (da + db) >> 1
        pm = SQ[dm + 2047]
        # the APM: order 1, interpolating between 33 buckets of the stretch
        s = dm + 2048  # 1..4095
        w = s & 127
        a1 = off_a1 + (((c1 << 8) | c0) & a1mask) * 33 + (s >> 7)
        pa1 = (np.int64(T[a1]) * (128 - w) + np.int64(T[a1 + 1]) * w) >> 11
        p = (pm * (16 - aw) + pa1 * aw) >> 4
        p = 1 if p < 1 else (4095 if p > 4095 else p)
        y = (c >> k) & 1
        bits += NL[p] if y else NL[4096 - p]
        if update:
            # -- learn bit y: the predictors
            for j in range(NH + 3):
                s = slots[j]
                if s < 0:
                    continue
                if 2 <= j < NH + 2:  # a hashed context: its slot now holds a value of its own
                    g = G[j - 2]
                    tv = np.int64(T[g])
                    bit = 1 << (s - g)
                    if not tv & bit:
                        if logging:
                            touched[nt] = g
                            ov[nt] = tv
                            nt += 1
                        T[g] = tv | bit
                v = vals[j]
                n = v & 1023
                pv = v >> 10
                pv += (((y << 22) - pv) * RT[n]) >> 16
                pv = 0 if pv < 0 else (4194303 if pv > 4194303 else pv)
                if n < limit:
                    n += 1
                if logging:
                    touched[nt] = s
                    ov[nt] = T[s]
                    nt += 1
                T[s] = (pv << 10) | n
            # the two mixers
            if saving:
                rows[2 * nb] = sa
                rows[2 * nb + 1] = sb
                for q in range(NI):
                    saved[2 * nb * NI + q] = W[sa + q]
                    saved[(2 * nb + 1) * NI + q] = W[sb + q]
            ea = ((y << 12) - pa) * lr
            eb = ((y << 12) - pb) * lr
            for q in range(NI):
                W[sa + q] += (x[q] * ea) >> 16
                W[sb + q] += (x[q] * eb) >> 16
            # the APM: the nearer of the two buckets
            a = a1 + (1 if w >= 64 else 0)
            av = np.int64(T[a])
            av += ((y << 16) - av) >> arate
            if logging:
                touched[nt] = a
                ov[nt] = T[a]
                nt += 1
            T[a] = av
        c0 = (c0 << 1) | y
        nib = (nib << 1) | y
    S[S_NT] = nt
    return bits


@jit
def _end_byte(T, ov, touched, P, base, base_len, data, S, H, c, update):
    """After byte c: history, words, match model, the next byte's contexts. (The byte at absolute
    position p is base[p] below base_len, else data[p - base_len]: written out, see _code_byte.)"""
    S[S_C8] = ((S[S_C8] << 8) | (S[S_C4] >> 24)) & 0xFFFFFFFF
    S[S_C4] = ((S[S_C4] << 8) | c) & 0xFFFFFFFF
    f = c + 32 if 65 <= c <= 90 else c
    if (97 <= f <= 122) or (48 <= f <= 57) or f >= 128:
        S[S_W0] = ((S[S_W0] + f + 1) * 0x2C1B3C6D) & 0xFFFFFFFF
    elif S[S_W0] != 0:
        S[S_W1] = S[S_W0]
        S[S_W0] = 0
    i = S[S_I]  # index of c in the text
    S[S_I] = i + 1
    nxt = S[S_BASE] + i + 1  # absolute position of the next byte
    mlen = S[S_MLEN]
    if mlen > 0:
        mp = S[S_MPTR]
        if (np.int64(base[mp]) if mp < base_len else np.int64(data[mp - base_len])) == c:
            S[S_MLEN] = mlen + 1 if mlen < 65535 else mlen
            S[S_MPTR] += 1
        else:
            S[S_MLEN] = 0
    minlen = P[P_MINLEN]
    if i + 1 >= minlen:
        if minlen <= 4:
            key = S[S_C4] & ((1 << (8 * minlen)) - 1)
        else:
            key = _h32(S[S_C4]) ^ (S[S_C8] & ((1 << (8 * (minlen - 4))) - 1))
        slot = P[P_OFF_MH] + (_h32(key & 0xFFFFFFFF) & ((1 << P[P_MBITS]) - 1))
        if S[S_MLEN] == 0:
            cand = np.int64(T[slot]) - 1
            if cand > 0:
                n = 0
                while n < 32 and cand - n - 1 >= 0 and n < i + 1:
                    p = cand - n - 1
                    q = nxt - n - 1
                    if ((base[p] if p < base_len else data[p - base_len])
                            != (base[q] if q < base_len else data[q - base_len])):
                        break
                    n += 1
                if n >= minlen:
                    S[S_MLEN] = n
                    S[S_MPTR] = cand
        if update:
            if touched.size > 0:
                m = S[S_NT]
                touched[m] = slot
                ov[m] = T[slot]
                S[S_NT] = m + 1
            T[slot] = nxt + 1
    _contexts(S, H)


@jit
def _start(S, H, base_start):
    """A fresh text whose first byte has absolute position base_start."""
    for k in range(S_SIZE):
        S[k] = 0
    S[S_BASE] = base_start
    _contexts(S, H)


@jit
def _code(T, W, P, ST, SQ, RT, NL, base, base_len, data, S, H, ov, touched, update, ext):
    """Code data[S[S_I]:] continuing the text state S; returns the bits (sum of -log2 p).

    update=False: a frozen model. update=True: the model learns as it codes, writing into T and W,
    logging every write into T first when there is an undo log (touched, ov not empty).
    ext: an external model's input, ext[i, c0] = st(p(bit = 1)) at byte i of data and partial byte
    c0 (external_inputs); an array of no rows when there is none (the input is then 0).
    """
    G = np.zeros(4 * NH, dtype=np.int64)
    slots = np.zeros(NH + 3, dtype=np.int64)
    vals = np.zeros(NH + 3, dtype=np.int64)
    x = np.zeros(NI, dtype=np.int64)
    no_rows = np.zeros(0, dtype=np.int64)
    bits = 0.0
    for i in range(S[S_I], data.size):
        c = np.int64(data[i])
        bits = _code_byte(T, W, P, ST, SQ, RT, NL, base, base_len, data, S, H, G, slots, vals, x, ov, touched, update,
                          c, ext, i, no_rows, no_rows, bits)
        _end_byte(T, ov, touched, P, base, base_len, data, S, H, c, update)
    return bits


@jit
def _distribution(T, W, P, ST, SQ, RT, NL, base, base_len, data, S, H, ov, touched, out):
    """out[b] = p(next byte = b) at the state S, H: 2^-(the bits of b as _code codes it, learning
    after each bit, so the later bits of a byte see the earlier ones), every change undone after
    each b. T's writes go through the undo log (touched, ov: room for 8 more bits), the mixer rows
    are saved and put back here; T and W end as they started."""
    G = np.zeros(4 * NH, dtype=np.int64)
    slots = np.zeros(NH + 3, dtype=np.int64)
    vals = np.zeros(NH + 3, dtype=np.int64)
    x = np.zeros(NI, dtype=np.int64)
    rows = np.zeros(16, dtype=np.int64)
    saved = np.zeros(16 * NI, dtype=np.int64)
    no_ext = np.zeros((0, 256), dtype=np.int16)
    mark = S[S_NT]
    for b in range(256):
        bits = _code_byte(T, W, P, ST, SQ, RT, NL, base, base_len, data, S, H, G, slots, vals, x, ov, touched, True,
                          b, no_ext, 0, rows, saved, 0.0)
        out[b] = 2.0 ** -bits
        for d in range(15, -1, -1):
            for q in range(NI):
                W[rows[d] + q] = saved[d * NI + q]
        for m in range(S[S_NT] - 1, mark - 1, -1):
            T[touched[m]] = ov[m]
        S[S_NT] = mark


@jit(inline=True)
def _ext_rows(ext, a, b):
    """The external input of bytes a..b (one text's), or ext itself when it has no rows (none)."""
    return ext[a:b] if ext.shape[0] > 0 else ext


@jit(nogil=True)
def _train(T, W, P, ST, SQ, RT, NL, base, base_len, data, off, out, ext):
    """Code texts data[off[t]:off[t+1]] in order, learning; base[:base_len] is the history before
    them and base[base_len:] must already hold data (the texts appended). out[t] = bits of text t.
    ext: the external input of every byte of data (rows aligned with data), or no rows."""
    S = np.zeros(S_SIZE, dtype=np.int64)
    H = np.zeros(NH, dtype=np.int64)
    ov = np.zeros(0, dtype=np.int64)
    touched = np.zeros(0, dtype=np.int64)
    for t in range(off.size - 1):
        start = base_len + off[t]
        _start(S, H, start)
        ext_t = _ext_rows(ext, off[t], off[t + 1])
        out[t] = _code(T, W, P, ST, SQ, RT, NL, base, start, base[start:base_len + off[t + 1]], S, H,
                       ov, touched, True, ext_t)


@jit
def _max_writes(n_bytes):
    """At most this many writes into T while coding n_bytes (per bit: the predictors, their groups'
    valid bits, the APM; per byte: two group tags per hashed context, the match table)."""
    return n_bytes * (8 * (2 * NH + 3 + 1) + 2 * NH + 1) + 16


@jit(inline=True)
def _undo(T, ov, touched, S):
    """Put back what the undo log says, newest first."""
    for k in range(S[S_NT] - 1, -1, -1):
        T[touched[k]] = ov[k]
    S[S_NT] = 0


@jit
def _score_text(T, W, Wl, P, ST, SQ, RT, NL, base, base_len, text, S, H, ov, touched, adapt, ext):
    """Bits of one text coded after the trained state, what _score and _score_serial do per text.

    adapt: learning as it codes, every write logged in ov/touched and undone afterwards (a text too
    long for the log is coded on a fresh copy of T instead); Wl, the mixer weights, start from W.
    Else frozen: nothing is written."""
    _start(S, H, base_len)
    if adapt:
        Wl[:] = W
        if _max_writes(text.size) > ov.size:  # too long for the log: on a fresh copy
            empty = np.zeros(0, dtype=np.int64)
            return _code(T.copy(), Wl, P, ST, SQ, RT, NL, base, base_len, text, S, H, empty, empty, True, ext)
    bits = _code(T, Wl, P, ST, SQ, RT, NL, base, base_len, text, S, H, ov, touched, adapt, ext)
    _undo(T, ov, touched, S)
    return bits


@jit(parallel=True)
def _score(T, W, P, ST, SQ, RT, NL, base, base_len, data, off, adapt, n_blocks, log_size, out, ext):
    """out[t] = bits of text t coded after the trained state (T, W, base), each text on its own.

    adapt: the model learns as it codes the text, and an undo log puts the tables back after it;
    block 0 works on T itself, every other block on its own copy made before any of them starts.
    Else frozen: nothing is written. Either way the result of a text depends on nothing else.
    """
    n = off.size - 1
    copies = np.empty((n_blocks - 1 if adapt else 0, T.size), dtype=np.uint32)
    for k in range(copies.shape[0]):
        copies[k, :] = T
    for blk in prange(n_blocks):
        Tb = T if blk == 0 or not adapt else copies[blk - 1]
        S = np.zeros(S_SIZE, dtype=np.int64)
        H = np.zeros(NH, dtype=np.int64)
        size = log_size if adapt else 0
        ov = np.zeros(size, dtype=np.int64)
        touched = np.zeros(size, dtype=np.int64)
        Wl = W.copy()
        for t in range(blk, n, n_blocks):
            ext_t = _ext_rows(ext, off[t], off[t + 1])
            out[t] = _score_text(Tb, W, Wl, P, ST, SQ, RT, NL, base, base_len, data[off[t]:off[t + 1]], S, H, ov,
                                 touched, adapt, ext_t)


@jit(nogil=True)
def _score_serial(T, W, P, ST, SQ, RT, NL, base, base_len, data, off, adapt, log_size, out, ext):
    """_score on one thread with no copy of T (adapt: T is changed and put back after each text);
    it releases the GIL, so several models can be scored by Python threads side by side."""
    S = np.zeros(S_SIZE, dtype=np.int64)
    H = np.zeros(NH, dtype=np.int64)
    size = log_size if adapt else 0
    ov = np.zeros(size, dtype=np.int64)
    touched = np.zeros(size, dtype=np.int64)
    Wl = W.copy()
    for t in range(off.size - 1):
        ext_t = _ext_rows(ext, off[t], off[t + 1])
        out[t] = _score_text(T, W, Wl, P, ST, SQ, RT, NL, base, base_len, data[off[t]:off[t + 1]], S, H, ov,
                             touched, adapt, ext_t)


@jit(parallel=True)
def _empty_lengths(P0, ST, SQ, RT, NL, data, off, bits_of, n_blocks, out, ext):
    """out[t] = bits of text t coded adaptively from an empty model whose hashed tables have
    2^bits_of[t] slots (each text independent)."""
    n = off.size - 1
    for blk in prange(n_blocks):
        P = P0.copy()
        for t in range(blk, n, n_blocks):
            size = _layout(bits_of[t], P0[P_MINLEN], P0[P_LIMIT], P0[P_LR], P0[P_ARATE], P0[P_W0], P0[P_APMW], P)
            T = np.empty(size, dtype=np.uint32)
            W = np.empty(P[P_WSIZE], dtype=np.int64)
            _init_tables(P, SQ, T, W)
            one = np.zeros(2, dtype=np.int64)
            one[1] = off[t + 1] - off[t]
            res = np.zeros(1)
            ext_t = _ext_rows(ext, off[t], off[t + 1])
            _train(T, W, P, ST, SQ, RT, NL, data[off[t]:off[t + 1]], 0, data[off[t]:off[t + 1]], one, res, ext_t)
            out[t] = res[0]


@jit(parallel=True)
def _joint_lengths(P0, ST, SQ, RT, NL, xdata, xoff, ydata, yoff, bits_of, n_blocks, log_size, out):
    """out[i, 0] = C(x_i) from an empty model; out[i, 1 + j] = C(y_j | x_i): y_j coded after a
    model trained on x_i alone, learning as it goes, then undone (so y_j does not affect y_k)."""
    nx = xoff.size - 1
    ny = yoff.size - 1
    for blk in prange(n_blocks):
        P = P0.copy()
        S = np.zeros(S_SIZE, dtype=np.int64)
        H = np.zeros(NH, dtype=np.int64)
        ov = np.zeros(log_size, dtype=np.int64)
        touched = np.zeros(log_size, dtype=np.int64)
        no_ext = np.zeros((0, 256), dtype=np.int16)
        for i in range(blk, nx, n_blocks):
            size = _layout(bits_of[i], P0[P_MINLEN], P0[P_LIMIT], P0[P_LR], P0[P_ARATE], P0[P_W0], P0[P_APMW], P)
            T = np.empty(size, dtype=np.uint32)
            W = np.empty(P[P_WSIZE], dtype=np.int64)
            _init_tables(P, SQ, T, W)
            xi = xdata[xoff[i]:xoff[i + 1]]
            one = np.zeros(2, dtype=np.int64)
            one[1] = xi.size
            res = np.zeros(1)
            _train(T, W, P, ST, SQ, RT, NL, xi, 0, xi, one, res, no_ext)
            out[i, 0] = res[0]
            Wl = W.copy()
            for j in range(ny):
                Wl[:] = W
                _start(S, H, xi.size)
                out[i, 1 + j] = _code(T, Wl, P, ST, SQ, RT, NL, xi, xi.size, ydata[yoff[j]:yoff[j + 1]], S, H,
                                      ov, touched, True, no_ext)
                _undo(T, ov, touched, S)


# -- the Python-facing model -------------------------------------------------------------------------

DEFAULTS = dict(min_match=7, limit=1023, delta=1.1, lr=8, apm_rate=7, w0=16384, apm_weight=12, per_byte=8)


def _aligned_uint32(size):
    """An uint32 array whose data starts on a 64-byte boundary: each 16-slot group of a hashed
    table is then one cache line."""
    raw = np.empty(size + 16, dtype=np.uint32)
    skip = (-raw.ctypes.data % 64) // 4
    return raw[skip:skip + size]


def _log_size(longest, table_size):
    """Entries of an undo log: enough for the longest text, but no more than the table has slots
    (a text that needs more is scored on a copy of the table instead)."""
    return int(min(_max_writes(longest), max(table_size, 1 << 16)))


NO_EXT = np.zeros((0, 256), dtype=np.int16)


def _tree_nodes():
    """For each partial byte c0 (1..255; a leading 1, then the bits known): the bytes it still allows
    are [lo, hi), and those whose next bit is 1 are [mid, hi)."""
    c0 = np.arange(1, 256)
    depth = np.floor(np.log2(c0)).astype(np.int64)
    lo = (c0 - (1 << depth)) << (8 - depth)
    half = 1 << (7 - depth)
    return lo, lo + half, lo + 2 * half


_LO, _MID, _HI = _tree_nodes()


def external_inputs(distributions, lengths):
    """The mixer input of an external model (e.g. a byte-level network): ``distributions[t]`` holds,
    for every byte i of text t, that model's p(byte i = b | the bytes before), b = 0..255 (shape
    (lengths[t], 256), rows summing to 1). Returns them packed, one row per byte of the texts, as
    the stretch of the probability that each bit is 1 given the bits before it in the byte, the
    way the mixer sees its other inputs: int16 of shape (sum(lengths), 256), column c0 for the
    partial byte c0 (column 0 unused)."""
    if len(distributions) != len(lengths):
        raise ValueError(f"external: one array of next-byte probabilities per text expected; got {len(distributions)} "
                         f"arrays for {len(lengths)} texts.")
    out = np.zeros((int(sum(lengths)), 256), dtype=np.int16)
    row = 0
    for t, (dist, n) in enumerate(zip(distributions, lengths)):
        dist = np.asarray(dist, dtype=np.float64)
        if dist.shape != (n, 256):
            raise ValueError(f"external: text {t} has {n} bytes, so its next-byte probabilities must have shape "
                             f"({n}, 256); got {dist.shape}.")
        if n == 0:
            continue
        if not np.all(np.isfinite(dist)) or np.any(dist < 0):
            raise ValueError(f"external: the probabilities of text {t} must be finite and non-negative.")
        cs = np.zeros((n, 257))
        np.cumsum(dist, axis=1, out=cs[:, 1:])
        total = cs[:, _HI] - cs[:, _LO]
        ones = cs[:, _HI] - cs[:, _MID]
        with np.errstate(divide="ignore", invalid="ignore"):
            p1 = np.where(total > 0, ones / total, 0.5)
        p12 = np.clip(np.rint(p1 * 4096), 1, 4095).astype(np.int64)
        out[row:row + n, 1:] = ST[p12]
        row += n
    return out


def _ext(texts, external):
    """external_inputs for these texts, or NO_EXT when external is None."""
    if external is None:
        return NO_EXT
    return external_inputs(list(external), [len(t) for t in texts])


def _as_byte_list(texts):
    if isinstance(texts, (bytes, bytearray, str)):
        raise TypeError("Iterable over texts expected, a single text received.")
    return [t.encode("utf-8") if isinstance(t, str) else bytes(t) for t in texts]


class MixModel:
    """A context-mixing model of bytes, trained on texts, scoring texts by code length (bits).

    Parameters
    ----------
    memory : int, default=22
        At most 2^memory slots (uint32) per hashed table (8 of them: 2^22 is 16 MiB each; the
        direct order-1 table, match table and APM add up to ~10 MiB more). At the first
        :meth:`add` the tables are sized to the data: 2^ceil(log2(per_byte * bytes)), between
        2^10 and 2^memory. Later calls to :meth:`add` keep that size. The trained bytes are
        kept too (the match model's history).
    min_match, limit, delta, lr, apm_rate, w0, apm_weight, per_byte : int or float
        The match model's minimum length; the predictors' count limit and rate offset
        (rate 1 / (n + delta)); the mixer's learning rate; the APM's rate (a shift); the mixer's
        initial weight (2^16 = 1); the APM's share of the output, of 16; table slots per byte.
        Defaults chosen on held-out AG News training texts (benchmarks/mix_bits.md).

    Examples
    --------
    >>> from ncd._native.mix import MixModel
    >>> m = MixModel()
    >>> bits = m.add([b"the cat sat on the mat", b"the dog sat on the log"])
    >>> bool(m.code_lengths([b"the cat sat on the log"])[0] < m.code_lengths([b"zq xv jw kp fy gb"])[0])
    True
    >>> bool(abs(m.distribution(b"the c").sum() - 1) < 1e-9)
    True
    """

    def __init__(self, memory=22, **settings):
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"Unknown MixModel settings {sorted(unknown)}; known: {sorted(DEFAULTS)}.")
        self.memory = int(memory)
        self.settings = {**DEFAULTS, **settings}
        self.T = None
        self._session = None

    # the tables --------------------------------------------------------------
    def _allocate(self, n_bytes):
        s = self.settings
        if not 10 <= self.memory <= 30:
            raise ValueError(f"The 'memory' parameter of MixModel must be an int in the range [10, 30] (2^memory "
                             f"slots per hashed table). Got {self.memory} instead.")
        if not 1 <= s["min_match"] <= 8:
            raise ValueError(f"min_match must be in [1, 8]; got {s['min_match']}.")
        if not 1 <= s["limit"] <= 1023:
            raise ValueError(f"limit must be in [1, 1023]; got {s['limit']}.")
        self.bits = table_bits(n_bytes, self.memory, s["per_byte"])
        self.P = np.zeros(P_LEN, dtype=np.int64)
        size = _layout(self.bits, s["min_match"], s["limit"], s["lr"], s["apm_rate"], s["w0"], s["apm_weight"],
                       self.P)
        self.T = _aligned_uint32(size)
        self.W = np.empty(int(self.P[P_WSIZE]), dtype=np.int64)
        _init_tables(self.P, SQ, self.T, self.W)
        self.RT = rate_table(s["delta"])
        self.base = np.zeros(max(1024, n_bytes), dtype=np.uint8)
        self.base_len = 0

    @property
    def nbytes(self):
        """Memory held by the model's arrays."""
        if self.T is None:
            return 0
        return self.T.nbytes + self.W.nbytes + self.base.nbytes

    def add(self, texts, external=None):
        """Train: code each text in order, learning. Returns the bits each text cost.

        external: an external model's next-byte probabilities for each text (see
        :func:`external_inputs`), one more input of the mixer; None: none."""
        texts = _as_byte_list(texts)
        ext = _ext(texts, external)
        data, off = pack(texts)
        if self.T is None:
            self._allocate(data.size)
        end = self.base_len + data.size
        if end > self.base.size:
            grown = np.zeros(max(end, 2 * self.base.size), dtype=np.uint8)
            grown[:self.base_len] = self.base[:self.base_len]
            self.base = grown
        self.base[self.base_len:end] = data
        out = np.zeros(len(texts))
        _train(self.T, self.W, self.P, ST, SQ, self.RT, NL, self.base, self.base_len, data, off, out, ext)
        self.base_len = end
        self._session = None
        return out

    def _ensure(self):
        if self.T is None:
            self._allocate(0)

    def code_lengths(self, texts, n_threads=1, adapt=True, external=None):
        """Bits of each text coded after the trained state, each on its own.

        adapt=True: the model keeps learning while it codes a text, and every change is undone
        after it (each thread but the first works on its own copy of the tables, made at each
        call: fewer threads are used where the copies would pass 1 GiB; to score several class
        models, :func:`code_lengths_per_model` copies nothing); adapt=False: a frozen model.
        external: as in :meth:`add`.
        """
        self._ensure()
        texts = _as_byte_list(texts)
        ext = _ext(texts, external)
        data, off = pack(texts)
        out = np.zeros(len(texts))
        if not texts:
            return out
        longest = int(np.diff(off).max())
        log_size = _log_size(longest, self.T.size)
        with Threads(n_threads) as th:
            n_blocks = min(th.n, len(texts))
            if adapt:  # every thread but the first copies T: at most 1 GiB of copies
                n_blocks = min(n_blocks, 1 + 2**30 // self.T.nbytes)
            _score(self.T, self.W, self.P, ST, SQ, self.RT, NL, self.base, self.base_len, data, off, bool(adapt),
                   n_blocks, log_size, out, ext)
        return out

    def distribution(self, prefix):
        """p(next byte | prefix), an array of 256 that sums to 1, for ncd.coding: the prefix coded
        adaptively after the trained state, as :meth:`code_lengths` with adapt=True codes a text.

        The state of the last prefix is kept (a private copy of the tables, with an undo log back
        to the trained state) and advanced when the new prefix extends it.
        """
        self._ensure()
        prefix = bytes(prefix)
        ses = self._session
        if ses is None:
            ses = self._session = {"T": _aligned_uint32(self.T.size), "ov": np.zeros(0, dtype=np.int64),
                                   "touched": np.zeros(0, dtype=np.int64), "S": np.zeros(S_SIZE, dtype=np.int64),
                                   "H": np.zeros(NH, dtype=np.int64), "W": self.W.copy(), "text": None}
            ses["T"][:] = self.T
        if ses["text"] is None or not prefix.startswith(ses["text"]):
            _undo(ses["T"], ses["ov"], ses["touched"], ses["S"])
            ses["W"][:] = self.W
            _start(ses["S"], ses["H"], self.base_len)
            ses["text"] = b""
        data = np.frombuffer(prefix, dtype=np.uint8)
        need = _max_writes(len(prefix) + 1)  # the prefix and one byte more, which _distribution tries
        if need > ses["ov"].size:
            n = int(ses["S"][S_NT])
            for key in ("ov", "touched"):
                grown = np.zeros(2 * need, dtype=np.int64)
                grown[:n] = ses[key][:n]
                ses[key] = grown
        if len(prefix) > len(ses["text"]):
            _code(ses["T"], ses["W"], self.P, ST, SQ, self.RT, NL, self.base, self.base_len, data, ses["S"],
                  ses["H"], ses["ov"], ses["touched"], True, NO_EXT)
            ses["text"] = prefix
        out = np.empty(256)
        _distribution(ses["T"], ses["W"], self.P, ST, SQ, self.RT, NL, self.base, self.base_len, data, ses["S"], ses["H"],
                      ses["ov"], ses["touched"], out)
        return out


def add_per_model(models, texts_per_model, n_threads=1):
    """``models[k].add(texts_per_model[k])`` for every k, on up to n_threads Python threads (one
    model per thread; training releases the GIL). Returns the list of what each add returned."""
    from concurrent.futures import ThreadPoolExecutor

    if len({id(m) for m in models}) != len(models) or len(models) != len(texts_per_model):
        raise ValueError("add_per_model: give each model once, with one list of texts per model.")
    workers = max(1, min(int(n_threads), len(models)))
    if workers == 1 or not USE_NUMBA:
        return [m.add(t) for m, t in zip(models, texts_per_model)]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda k: models[k].add(texts_per_model[k]), range(len(models))))


def code_lengths_per_model(models, texts, n_threads=1, adapt=True, external=None):
    """Bits of each text under each trained model: ndarray of shape (len(texts), len(models)).

    The same numbers as ``[m.code_lengths(texts, adapt=adapt) for m in models]``, computed with up
    to n_threads Python threads, one model at a time per thread (the kernels release the GIL): no
    model's tables are copied, unlike :meth:`MixModel.code_lengths` with several threads. A model
    must not appear twice in ``models`` (its tables are changed and put back while it is scored).
    external: as in :meth:`MixModel.add`, the same input for every model.
    """
    from concurrent.futures import ThreadPoolExecutor

    if len({id(m) for m in models}) != len(models):
        raise ValueError("code_lengths_per_model: a model appears twice in models; score it once.")
    texts = _as_byte_list(texts)
    ext = _ext(texts, external)
    data, off = pack(texts)
    out = np.zeros((len(models), len(texts)))
    if not texts or not models:
        return out.T.copy()
    log_size = max(_log_size(int(np.diff(off).max()), m.T.size if m.T is not None else 0) for m in models)

    def one(k):
        m = models[k]
        m._ensure()
        m._session = None  # its tables are about to change (and be put back)
        _score_serial(m.T, m.W, m.P, ST, SQ, m.RT, NL, m.base, m.base_len, data, off, bool(adapt), log_size, out[k],
                      ext)

    workers = max(1, min(int(n_threads), len(models)))
    if workers == 1 or not USE_NUMBA:
        for k in range(len(models)):
            one(k)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, range(len(models))))
    return out.T.copy()


def _settings_array(settings, bits=10):
    s = {**DEFAULTS, **settings}
    P = np.zeros(P_LEN, dtype=np.int64)
    _layout(bits, s["min_match"], s["limit"], s["lr"], s["apm_rate"], s["w0"], s["apm_weight"], P)
    return P, rate_table(s["delta"])


def adaptive_code_lengths(texts, memory=22, n_threads=1, external=None, **settings):
    """C(x): the bits of each text coded adaptively from an empty model (tables sized to the text).
    external: as in :meth:`MixModel.add`."""
    texts = _as_byte_list(texts)
    ext = _ext(texts, external)
    data, off = pack(texts)
    out = np.zeros(len(texts))
    if not texts:
        return out
    s = {**DEFAULTS, **settings}
    P, RT = _settings_array(s)
    bits_of = np.array([table_bits(len(t), memory, s["per_byte"]) for t in texts], dtype=np.int64)
    with Threads(n_threads) as th:
        _empty_lengths(P, ST, SQ, RT, NL, data, off, bits_of, min(th.n, len(texts)), out, ext)
    return out


def joint_code_lengths(xs, ys, sep=b"", memory=22, n_threads=1, y_room=None, **settings):
    """C(x_i) + C(sep + y_j | x_i) for every pair: a model trained on x_i alone (from empty, its
    tables sized to x_i + ``y_room`` bytes, None: the longest y), then sep + y_j coded after it,
    learning as it goes (each y_j on its own). A fixed ``y_room`` makes each pair's length
    independent of the other ys in the call. Returns (ndarray of shape (len(xs), len(ys)), the C(x_i))."""
    xs = _as_byte_list(xs)
    ys = [bytes(sep) + y for y in _as_byte_list(ys)]
    xdata, xoff = pack(xs)
    ydata, yoff = pack(ys)
    out = np.zeros((len(xs), len(ys) + 1))
    if not xs:
        return out[:, 1:], out[:, 0]
    s = {**DEFAULTS, **settings}
    P, RT = _settings_array(s)
    longest = max((len(y) for y in ys), default=0)
    room = longest if y_room is None else int(y_room)
    bits_of = np.array([table_bits(len(x) + room, memory, s["per_byte"]) for x in xs], dtype=np.int64)
    with Threads(n_threads) as th:
        _joint_lengths(P, ST, SQ, RT, NL, xdata, xoff, ydata, yoff, bits_of, min(th.n, len(xs)),
                       _max_writes(longest), out)
    return out[:, 1:] + out[:, :1], out[:, 0]
