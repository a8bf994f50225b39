"""Checks for compressor settings, with messages that name the value."""

from __future__ import annotations

import numbers
from typing import Any, Sequence


def check_int(value: Any, name: str, owner: Any, low: int, high: int) -> int:
    """Return ``value`` if it is an int in ``[low, high]``, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ValueError(
            f"The {name!r} parameter of {type(owner).__name__} must be an int in the range "
            f"[{low}, {high}]. Got {value!r} instead."
        )
    return int(value)


def check_choice(value: Any, name: str, owner: Any, choices: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``, else raise ValueError."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(
            f"The {name!r} parameter of {type(owner).__name__} must be one of {options}. "
            f"Got {value!r} instead."
        )
    return value
