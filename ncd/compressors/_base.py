"""The compressor interface: code lengths in bits, settings as parameters."""

from __future__ import annotations

import inspect
from typing import Any, ClassVar, Iterable

import numpy as np

__all__ = ["Compressor", "NO_COMPILED_PATH", "as_bytes"]


def as_bytes(data) -> bytes:
    """The one input rule of every compressor's ``code_length``: bytes, or any object exposing a
    buffer of single bytes (bytearray, memoryview, a uint8 NumPy array), taken byte for byte. A str
    is refused: its encoding is the caller's choice (the distance functions and the estimators
    encode str documents as UTF-8 themselves).

    Examples
    --------
    >>> from ncd.compressors._base import as_bytes
    >>> as_bytes(bytearray(b"ab")), as_bytes(memoryview(b"cd"))
    (b'ab', b'cd')
    >>> as_bytes("text")
    Traceback (most recent call last):
    ...
    TypeError: A compressor takes bytes, got a str ('text'); encode it first, e.g. text.encode('utf-8').
    """
    if type(data) is bytes:
        return data
    if isinstance(data, str):
        shown = data if len(data) <= 40 else data[:37] + "..."
        raise TypeError(f"A compressor takes bytes, got a str ({shown!r}); encode it first, e.g. "
                        "text.encode('utf-8').")
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"A compressor takes bytes or a bytes-like object, got {type(data).__name__}: "
                        f"{data!r:.60}.") from None
    if view.itemsize != 1:
        raise TypeError(f"A compressor takes bytes; got a buffer of {view.itemsize}-byte items ({view.format!r}). "
                        "Pass bytes, or a uint8 array.")
    return view.tobytes()


class _NoCompiledPath:
    """The type of :data:`NO_COMPILED_PATH` (one instance; it pickles as itself)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __reduce__(self):
        return (_NoCompiledPath, ())

    def __repr__(self):
        return "NO_COMPILED_PATH"


#: What :meth:`Compressor._prepare_refs` returns for a compressor without a compiled block path:
#: the pairwise engine then calls :meth:`Compressor.joint_code_lengths` a row at a time.
NO_COMPILED_PATH = _NoCompiledPath()


class Compressor:
    """Base class of every compressor: a code length, in bits, for a bytes object.

    A compressor here is anything that assigns a description length to data. A
    byte-oriented library compressor reports ``8 * len(compressed)``; a
    probability model reports the sum of ``-log2 p`` over the data. Both speak
    bits, so they can be compared and mixed.

    Subclasses set a class attribute ``id`` (the registry name), store their
    settings in ``__init__`` under the same names as its arguments (as
    scikit-learn estimators do), and implement :meth:`code_length`. That is all
    that is needed for :meth:`get_params`, :meth:`set_params`,
    :meth:`get_config`, equality and ``repr`` to work, and for settings to be
    reachable from an estimator as ``compressor__level``.

    Compressors must be deterministic and safe to call from several threads at
    once: the pairwise drivers run them in a thread pool.

    Examples
    --------
    >>> from ncd.compressors import get_compressor
    >>> gz = get_compressor("gzip")
    >>> gz.code_length(b"")  # gzip's fixed overhead: 20 bytes
    160.0
    >>> gz.get_config()
    {'id': 'gzip', 'level': 9}
    """

    id: ClassVar[str | None] = None

    # -- what a subclass implements ------------------------------------------------

    def code_length(self, data: bytes) -> float:
        """Code length of ``data`` in bits.

        Parameters
        ----------
        data : bytes or bytes-like
            The input: bytes, bytearray, memoryview or a uint8 array, taken byte for byte
            (:func:`as_bytes`, the rule of every compressor). A str raises TypeError: encode it
            first. ``b""`` is valid and costs the compressor's overhead.

        Returns
        -------
        float
            Length in bits (an integer number of bytes times 8 for byte-oriented
            compressors).
        """
        raise NotImplementedError("subclasses of Compressor implement code_length")

    # -- derived behaviour ----------------------------------------------------------

    def code_lengths(self, items: Iterable[bytes]) -> np.ndarray:
        """Code lengths of many inputs, in bits.

        Parameters
        ----------
        items : iterable of bytes

        Returns
        -------
        ndarray of shape (n_items,), dtype float64
        """
        code_length = self.code_length
        if isinstance(items, (list, tuple)):
            return np.fromiter((code_length(b) for b in items), dtype=np.float64, count=len(items))
        return np.fromiter((code_length(b) for b in items), dtype=np.float64)

    def joint_code_lengths(self, x: bytes, ys, separator: bytes = b" ", reverse: bool = False) -> np.ndarray:
        """Joint code lengths of ``x`` with every ``y``: ``C(x + separator + y)``.

        This is the pairwise hot path: the distance drivers call it once per query
        text with all the reference texts. The default concatenates and calls
        :meth:`code_length`; a model that can condition on ``x`` once and reuse that
        state for every ``y`` overrides it (and then says what its joint length is).

        Parameters
        ----------
        x : bytes
            The query text, written first.
        ys : sequence of bytes
            The reference texts.
        separator : bytes, default=b" "
        reverse : bool, default=False
            Write each ``y`` first: ``C(y + separator + x)`` (for the symmetric metric).

        Returns
        -------
        ndarray of shape (len(ys),), dtype float64
        """
        code_length = self.code_length
        if reverse:
            suffix = separator + x
            return np.fromiter((code_length(y + suffix) for y in ys), dtype=np.float64, count=len(ys))
        prefix = x + separator
        return np.fromiter((code_length(prefix + y) for y in ys), dtype=np.float64, count=len(ys))

    # -- an optional compiled path for whole blocks of pairs ----------------------

    def _prepare_refs(self, ys, separator: bytes, n_threads: int):
        """Whatever :meth:`_joint_block` needs about the reference texts, computed once per set
        of references (the pairwise engine keeps it with them), or :data:`NO_COMPILED_PATH`
        (the default): no compiled path, :meth:`joint_code_lengths` is called row by row."""
        return NO_COMPILED_PATH

    def _joint_block(self, xs, cx, prepared, cy, separator: bytes, reverse: bool, n_threads: int):
        """Joint lengths of a block of queries against every prepared reference.

        ``cx`` and ``cy`` are the code lengths of the block's queries and of every
        reference, which the caller already holds (models whose joint length starts
        from C(x) or C(y) reuse them). Returns an ndarray of shape (len(xs), n_refs)
        holding exactly what :meth:`joint_code_lengths` gives for each pair
        (``reverse``: the reference first). Called only with what :meth:`_prepare_refs`
        returned, so only a compressor whose ``_prepare_refs`` prepares something needs it.
        """
        raise NotImplementedError("subclasses that prepare references in _prepare_refs implement _joint_block")

    @property
    def window(self) -> int | None:
        """How far back, in bytes, the compressor can see: content of x and y further
        apart than this in ``x + separator + y`` is not found as shared. None: no limit.

        The pairwise drivers warn when a concatenation is longer than this.
        """
        return None

    @property
    def overhead(self) -> float:
        """Code length of the empty input, in bits: the fixed cost of every call.

        For short texts it is a large part of every length (gzip: 20 bytes for
        header, trailer and an empty block), and it biases NCD towards 1.
        """
        return float(self.code_length(b""))

    # -- parameters, in scikit-learn's manner ------------------------------------

    @classmethod
    def _get_param_names(cls) -> list[str]:
        init = cls.__init__
        if init is object.__init__:
            return []
        params = inspect.signature(init).parameters.values()
        for p in params:
            if p.kind is p.VAR_POSITIONAL or p.kind is p.VAR_KEYWORD:
                raise TypeError(
                    f"{cls.__name__}.__init__ takes *args or **kwargs; a compressor must "
                    "list its settings as named arguments so they can be introspected."
                )
        return sorted(p.name for p in params if p.name != "self")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The compressor's settings, as a dict (``deep`` is accepted for scikit-learn)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> "Compressor":
        """Change settings in place and return ``self``.

        Raises
        ------
        ValueError
            If a name is not one of this compressor's settings.
        """
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for compressor {type(self).__name__}. "
                    f"Valid parameters are: {valid}."
                )
            setattr(self, name, value)
        self._reset()
        return self

    def _reset(self) -> None:
        """Drop any state derived from the settings (called by :meth:`set_params`)."""

    def get_config(self) -> dict[str, Any]:
        """A JSON-serialisable dict that :func:`ncd.compressors.get_compressor` turns back into
        an equal compressor."""
        if self.id is None:
            raise TypeError(f"{type(self).__name__} has no 'id' and cannot be described by a config.")
        return {"id": self.id, **self.get_params()}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Compressor":
        """Build a compressor from :meth:`get_config`'s output (the ``id`` key is optional)."""
        config = dict(config)
        cid = config.pop("id", cls.id)
        if cid != cls.id:
            raise ValueError(f"Config id {cid!r} does not match {cls.__name__}.id {cls.id!r}.")
        unknown = sorted(set(config) - set(cls._get_param_names()))
        if unknown:
            raise ValueError(f"Unknown setting {', '.join(map(repr, unknown))} for compressor {cls.id!r}; "
                             f"its settings are: {', '.join(cls._get_param_names()) or 'none'}.")
        return cls(**config)

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        return self.get_params() == other.get_params()

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted((k, repr(v)) for k, v in self.get_params().items()))))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def __getstate__(self) -> dict[str, Any]:
        # Per-thread library contexts are rebuilt lazily; only settings travel.
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset()


class _NativeConditional(Compressor):
    """A native model whose joint length is C(x) + C(separator + y | x), with the reference texts
    prepared once (``_prepare``) and a compiled kernel per block (``_block``). Subclasses define
    those two and ``code_lengths``."""

    def _prepare(self, texts, separator, n_threads=1):
        raise NotImplementedError("subclasses return their prepared reference texts")

    def _block(self, xs, cx, prepared, n_threads=1):
        raise NotImplementedError("subclasses run their compiled block kernel")

    def code_length(self, data: bytes) -> float:
        return float(self.code_lengths([as_bytes(data)])[0])

    def joint_code_lengths(self, x: bytes, ys, separator: bytes = b" ", reverse: bool = False) -> np.ndarray:
        ys = list(ys)
        if reverse:  # C(y) + C(separator + x | y) for every y
            return self._block(ys, self.code_lengths(ys), self._prepare([x], separator))[:, 0]
        return self._block([x], self.code_lengths([x]), self._prepare(ys, separator))[0]

    def _prepare_refs(self, ys, separator, n_threads):
        return self._prepare(list(ys), separator, n_threads)

    def _joint_block(self, xs, cx, prepared, cy, separator, reverse, n_threads):
        if not reverse:
            return self._block(xs, cx, prepared, n_threads)
        # C(y) + C(separator + x | y): the same kernel with the roles swapped
        swapped = self._prepare(list(xs), separator, n_threads)
        return self._block(prepared.texts, cy, swapped, n_threads).T
