"""Input and parameter checks: one of each rule, for every layer (compressors, distances, estimators).

Every message names what was wrong, with the value, and says what to do. A leaf module: it imports
nothing from ncd, so the compressors use it as the estimators do.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

import joblib

__all__ = ["check_texts", "check_separator", "check_n_jobs", "check_int", "check_choice", "check_working_memory"]


def check_texts(X: Any, name: str = "X") -> list[bytes]:
    """Validate a 1-D sequence of documents and return them as bytes.

    ``str`` documents are UTF-8 encoded (lone surrogates are kept with
    ``surrogatepass`` rather than dropped); ``bytes`` are taken as they are, so
    documents in any encoding, or none, are valid. Both may be mixed. An empty
    document is valid: it costs the compressor's overhead.
    """
    if isinstance(X, (str, bytes, bytearray)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received. "
            f"Pass {name} as a list of documents, e.g. [text] for a single one."
        )
    if X is None:
        raise TypeError(f"{name} is None; expected a 1-D sequence of str or bytes documents.")
    ndim = getattr(X, "ndim", None)
    if ndim is not None and ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D sequence of documents, got an array of shape {getattr(X, 'shape', '?')}. "
            "Select the text column (e.g. df['text']) or ravel a single-column array."
        )
    try:
        items = list(X)
    except TypeError:
        raise TypeError(
            f"{name} must be a 1-D sequence of str or bytes documents, got {type(X).__name__}."
        ) from None
    if not items:
        raise ValueError(f"{name} is empty: at least one document is required.")
    out = []
    for i, doc in enumerate(items):
        if isinstance(doc, bytes):
            out.append(bytes(doc))
        elif isinstance(doc, str):
            out.append(doc.encode("utf-8", "surrogatepass"))
        elif isinstance(doc, (bytearray, memoryview)):
            out.append(bytes(doc))
        else:
            raise TypeError(
                f"{name}[{i}] is {doc!r} of type {type(doc).__name__}; every document must be str or bytes. "
                "Replace missing documents with '' (an empty document is valid) or drop them together "
                "with their labels."
            )
    return out


def check_separator(separator: Any, owner: str) -> bytes:
    if isinstance(separator, str):
        return separator.encode("utf-8", "surrogatepass")
    if isinstance(separator, (bytes, bytearray)):
        return bytes(separator)
    raise TypeError(
        f"The 'separator' parameter of {owner} must be a str or bytes (e.g. ' ' as in the paper, "
        f"or '' for plain concatenation). Got {separator!r} instead."
    )


def _owner_name(owner: Any) -> str:
    return owner if isinstance(owner, str) else type(owner).__name__


def check_int(value: Any, name: str, owner: Any, low: int = 1, high: int | None = None, *,
              allow_none: bool = False) -> Any:
    """Return ``value`` as an int if it is one in ``[low, high]`` (no upper bound when ``high`` is None).

    ``owner`` names what the parameter belongs to: a str, or an object whose class name is used.
    ``allow_none`` lets None through as it is. bool is not an int here.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low or (
            high is not None and value > high):
        bounds = f"[{low}, inf)" if high is None else f"[{low}, {high}]"
        none = " or None" if allow_none else ""
        raise ValueError(
            f"The {name!r} parameter of {_owner_name(owner)} must be an int in the range {bounds}{none}. "
            f"Got {value!r} instead."
        )
    return int(value)


def check_choice(value: Any, name: str, owner: Any, choices: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``choices`` (same type and value), else raise ValueError."""
    if not any(type(value) is type(c) and value == c for c in choices):
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(
            f"The {name!r} parameter of {_owner_name(owner)} must be one of {options}. Got {value!r} instead."
        )
    return value


def check_n_jobs(n_jobs: Any, owner: str) -> int:
    """Number of worker threads, with joblib's meaning of None (1) and negative values."""
    if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0):
        raise ValueError(
            f"The 'n_jobs' parameter of {owner} must be None, a positive int, or a negative int "
            f"(-1 for all cores). Got {n_jobs!r} instead."
        )
    return int(joblib.effective_n_jobs(n_jobs))


def check_working_memory(working_memory: Any, owner: str) -> float:
    """MiB for one block of lengths: ``working_memory``, or scikit-learn's setting when it is None.

    A positive, finite number; infinity or NaN (from the argument or from ``sklearn.set_config``)
    is refused by name rather than failing later when the block size is computed.
    """
    if working_memory is None:
        from sklearn import get_config

        setting = get_config()["working_memory"]
        if isinstance(setting, bool) or not isinstance(setting, numbers.Real) or not 0 < setting < math.inf:
            raise ValueError(
                f"scikit-learn's working_memory setting, which {owner} follows, must be a positive, finite number "
                f"of MiB. Got {setting!r} instead: set it with sklearn.set_config(working_memory=1024) or "
                "sklearn.config_context(working_memory=...)."
            )
        return float(setting)
    if isinstance(working_memory, bool) or not isinstance(working_memory, numbers.Real) or not (
            0 < working_memory < math.inf):
        raise ValueError(
            f"The 'working_memory' parameter of {owner} must be a positive, finite number of MiB or None "
            f"(None: scikit-learn's working_memory setting). Got {working_memory!r} instead."
        )
    return float(working_memory)
