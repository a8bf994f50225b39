"""Optional dependencies: imported on first use, and a clear ImportError naming the extra when missing.

A leaf module: it imports nothing from ncd, so any layer may use it.
"""

from __future__ import annotations

import importlib

__all__ = ["import_optional"]


def import_optional(module: str, *, extra: str, purpose: str, hint: str = ""):
    """Import ``module`` or raise an ImportError that says what needs it and which extra installs it.

    Examples
    --------
    >>> from ncd._optional import import_optional
    >>> import_optional("json", extra="none", purpose="this example").__name__
    'json'
    >>> import_optional("no_such_module_ncd", extra="ppmd", purpose="The 'ppmd' compressor")
    Traceback (most recent call last):
    ...
    ImportError: The 'ppmd' compressor needs the optional package 'no_such_module_ncd', which is not installed. Install it with: pip install "ncd[ppmd]"
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise ImportError(f"{purpose} needs the optional package {package!r}, which is not installed. "
                          f'Install it with: pip install "ncd[{extra}]"{hint}') from exc
