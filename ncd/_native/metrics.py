"""The metric formulas: distances from code lengths, in NumPy. A leaf module.

Each function takes code lengths in bits and broadcasts like a NumPy ufunc; it knows nothing
about compressors. :data:`METRICS` is the one table of metrics: a name, the integer code the
compiled kernels of :mod:`ncd._native.topk` switch on, the formula (the kernels' reference), and
whether the metric needs both concatenation orders. ``ncd.distance`` re-exports all of it.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

__all__ = ["ncd", "cdm", "clm", "ncd_sym", "conditional_length", "Metric", "METRICS"]


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    # 0 / 0 happens only when a model gives both texts zero bits: nothing to tell apart.
    num, den = np.broadcast_arrays(np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64))
    out = np.zeros(num.shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def ncd(cx, cy, cxy):
    """Normalized compression distance, ``(C(xy) - min(C(x), C(y))) / max(C(x), C(y))``.

    Cilibrasi & Vitanyi (2005). About 0 for identical texts, about 1 for
    unrelated ones; real compressors can exceed 1 slightly.

    Parameters
    ----------
    cx, cy, cxy : array_like
        Code lengths (bits) of x, y and of their concatenation; broadcast together.

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> from ncd.distance import ncd
    >>> float(ncd(800.0, 1000.0, 1200.0))
    0.4
    """
    cx, cy, cxy = (np.asarray(a, dtype=np.float64) for a in (cx, cy, cxy))
    return _safe_divide(cxy - np.minimum(cx, cy), np.maximum(cx, cy))


def ncd_sym(cx, cy, cxy, cyx):
    """Symmetric NCD: :func:`ncd` with ``min(C(xy), C(yx))`` as the joint length.

    Both concatenation orders describe the pair; a real compressor gives them
    slightly different lengths, so plain NCD is not symmetric. Both are upper
    bounds on the joint complexity, and the shorter is the tighter one. Costs two
    compressions per pair.

    Examples
    --------
    >>> from ncd.distance import ncd_sym
    >>> float(ncd_sym(800.0, 1000.0, 1240.0, 1200.0))
    0.4
    """
    return ncd(cx, cy, np.minimum(np.asarray(cxy, dtype=np.float64), np.asarray(cyx, dtype=np.float64)))


def cdm(cx, cy, cxy):
    """Compression-based dissimilarity measure, ``C(xy) / (C(x) + C(y))`` (Keogh et al. 2004).

    About 0.5 for identical texts, about 1 for unrelated ones.

    Examples
    --------
    >>> from ncd.distance import cdm
    >>> float(cdm(800.0, 1000.0, 1200.0))
    0.6666666666666666
    """
    cx, cy, cxy = (np.asarray(a, dtype=np.float64) for a in (cx, cy, cxy))
    return _safe_divide(cxy, cx + cy)


def clm(cx, cy, cxy):
    """Chen-Li metric, ``1 - (C(x) + C(y) - C(xy)) / C(xy)``.

    The shared information ``C(x) + C(y) - C(xy)`` as a fraction of the joint
    length, subtracted from 1. (Some published code divides by ``C(x) + C(y)``
    or drops the ``1 -``; this is the definition of Li et al. 2001.)

    Examples
    --------
    >>> from ncd.distance import clm
    >>> float(clm(800.0, 1000.0, 1200.0))
    0.5
    """
    cx, cy, cxy = (np.asarray(a, dtype=np.float64) for a in (cx, cy, cxy))
    return 1.0 - _safe_divide(cx + cy - cxy, cxy)


def conditional_length(cx, cxy):
    """Conditional code length ``C(y | x) = C(xy) - C(x)``, in bits.

    What it costs to describe y once x is known. Not normalised: long texts cost
    more. As a metric (``metric="conditional"``) x is the query, so a neighbour is
    a training text that is cheap to describe given the query.

    Examples
    --------
    >>> from ncd.distance import conditional_length
    >>> float(conditional_length(800.0, 1200.0))
    400.0
    """
    return np.asarray(cxy, dtype=np.float64) - np.asarray(cx, dtype=np.float64)


class Metric(NamedTuple):
    """One metric: its kernel code, its formula on code lengths, and whether it needs C(y + sep + x)."""

    code: int  # what the compiled kernels (ncd._native.topk) switch on
    func: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None], np.ndarray]
    both_orders: bool  # needs C(y + sep + x) as well as C(x + sep + y)


#: Metric names accepted by ``metric=``: their kernel code, formula and the orders they need.
METRICS: dict[str, Metric] = {
    "ncd": Metric(0, lambda cx, cy, cxy, cyx: ncd(cx, cy, cxy), False),
    "ncd_sym": Metric(1, lambda cx, cy, cxy, cyx: ncd_sym(cx, cy, cxy, cyx), True),
    "cdm": Metric(2, lambda cx, cy, cxy, cyx: cdm(cx, cy, cxy), False),
    "clm": Metric(3, lambda cx, cy, cxy, cyx: clm(cx, cy, cxy), False),
    "conditional": Metric(4, lambda cx, cy, cxy, cyx: conditional_length(cx, cxy), False),
}
