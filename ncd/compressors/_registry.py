"""The compressor registry: names to classes, and third-party entry points."""

from __future__ import annotations

import warnings
from importlib.metadata import entry_points
from typing import Any, Mapping

from ._base import Compressor

__all__ = ["register_compressor", "get_compressor", "available_compressors"]

ENTRY_POINT_GROUP = "ncd.compressors"

_registry: dict[str, type[Compressor]] = {}
_entry_points_loaded = False


def register_compressor(cls: type[Compressor], *, force: bool = False) -> type[Compressor]:
    """Make a compressor class available under its ``id``.

    Usable as a decorator. Third-party packages can instead declare an entry point
    in the group ``ncd.compressors`` (``myzip = mypackage:MyCompressor``), which is
    loaded the first time a compressor is looked up.

    Parameters
    ----------
    cls : subclass of Compressor
        Must define a string class attribute ``id``.
    force : bool, default=False
        Replace a class already registered under the same id. Without it, a
        duplicate id raises.

    Returns
    -------
    cls
        Unchanged, so that this works as a decorator.

    Examples
    --------
    >>> from ncd.compressors import Compressor, register_compressor, get_compressor
    >>> @register_compressor
    ... class Identity(Compressor):
    ...     id = "identity-example"
    ...     def code_length(self, data):
    ...         return 8.0 * len(data)
    >>> get_compressor("identity-example").code_length(b"abc")
    24.0
    """
    if not (isinstance(cls, type) and issubclass(cls, Compressor)):
        raise TypeError(f"register_compressor expects a subclass of ncd.compressors.Compressor, got {cls!r}.")
    cid = getattr(cls, "id", None)
    if not isinstance(cid, str) or not cid:
        raise ValueError(f"{cls.__name__} must define a non-empty string class attribute 'id', got {cid!r}.")
    existing = _registry.get(cid)
    if existing is not None and existing is not cls and not force:
        raise ValueError(
            f"A compressor with id {cid!r} is already registered ({existing.__module__}."
            f"{existing.__qualname__}). Pass force=True to replace it, or choose another id."
        )
    _registry[cid] = cls
    return cls


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in _registry:
            continue  # a built-in or an explicit registration wins; it is never replaced silently
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plug-in must not break the library
            warnings.warn(
                f"Could not load the compressor entry point {ep.name!r} ({ep.value}): {exc!r}",
                RuntimeWarning,
                stacklevel=3,
            )
            continue
        if getattr(cls, "id", None) != ep.name:
            warnings.warn(
                f"Entry point {ep.name!r} ({ep.value}) names a class whose id is "
                f"{getattr(cls, 'id', None)!r}; it is registered under {ep.name!r}.",
                RuntimeWarning,
                stacklevel=3,
            )
        _registry[ep.name] = cls


def available_compressors() -> list[str]:
    """Sorted ids of every registered compressor, entry points included.

    Optional ones (``ppmd``) are listed even when their backend is missing; using
    them then raises an ImportError naming the extra to install.

    Examples
    --------
    >>> from ncd.compressors import available_compressors
    >>> {"gzip", "zstd", "lzma"} <= set(available_compressors())
    True
    """
    _load_entry_points()
    return sorted(_registry)


def get_compressor(spec: str | Mapping[str, Any] | Compressor) -> Compressor:
    """Turn a name, a config dict or an instance into a compressor.

    Parameters
    ----------
    spec : str, dict or Compressor
        An id (``"zstd"``), a config (``{"id": "zstd", "level": 19}``, as
        :meth:`Compressor.get_config` writes it), or a compressor, returned as is.

    Returns
    -------
    Compressor

    Examples
    --------
    >>> from ncd.compressors import get_compressor
    >>> get_compressor({"id": "zstd", "level": 19})
    ZstdCompressor(conditional=False, frame_extras=True, level=19)
    """
    if isinstance(spec, Compressor):
        return spec
    if isinstance(spec, str):
        return _lookup(spec)()
    if isinstance(spec, Mapping):
        if "id" not in spec:
            raise ValueError(f"A compressor config needs an 'id' key, got {dict(spec)!r}.")
        return _lookup(spec["id"]).from_config(spec)
    raise TypeError(
        "A compressor is given as an id (e.g. 'gzip'), a config dict (e.g. {'id': 'zstd', "
        f"'level': 19}}) or a Compressor instance; got {spec!r} of type {type(spec).__name__}."
    )


def _lookup(cid: str) -> type[Compressor]:
    cls = _registry.get(cid)
    if cls is None:
        _load_entry_points()
        cls = _registry.get(cid)
    if cls is None:
        raise ValueError(f"Unknown compressor {cid!r}. Available: {', '.join(available_compressors())}.")
    return cls
