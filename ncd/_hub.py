"""The Hugging Face hub, offline: ask once, quickly, whether it can be reached before a hub call.

Without a network the hub libraries (``huggingface_hub``, under ``datasets`` and ``transformers``)
retry each request with back-off, about 25 s, before they give up. :func:`hub_access` probes the hub
first (a TCP connection within a few seconds) and, when it cannot be reached, runs the call in the
libraries' own offline mode: a copy in the local cache still loads, and anything else fails at
once with the libraries' "offline" error, which the caller turns into its message.

A leaf module: it imports nothing from ncd.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

__all__ = ["PROBE_SECONDS", "offline_requested", "hub_reachable", "hub_access", "unreachable_note"]

#: How long the probe may take, resolving the host name included.
PROBE_SECONDS = 3.0

_TRUE = {"1", "ON", "YES", "TRUE"}
_OFFLINE_LOCK = threading.Lock()


def offline_requested() -> bool:
    """Whether the environment already asks the hub libraries to stay offline (HF_HUB_OFFLINE and its kin)."""
    return any(os.environ.get(v, "").upper() in _TRUE
               for v in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _proxied() -> bool:
    return any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"))


def hub_reachable(timeout: float = PROBE_SECONDS) -> bool:
    """Whether a TCP connection to the hub (``HF_ENDPOINT``, default huggingface.co) opens within ``timeout``
    seconds, name lookup included. Behind a proxy the answer is yes: the proxy decides."""
    if _proxied():
        return True
    endpoint = urlsplit(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    answer = []

    def probe():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                answer.append(True)
        except BaseException:  # no route, no name, refused, timed out, or a test's network guard
            answer.append(False)

    # a thread, because a name lookup has no timeout of its own
    thread = threading.Thread(target=probe, name="ncd-hub-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answer) and answer[0]


@contextmanager
def _offline_mode():
    """The hub libraries' offline switches (read at each call) set to on, for this block."""
    with _OFFLINE_LOCK:
        saved = []
        for module_name in ("huggingface_hub.constants", "datasets.config"):
            module = sys.modules.get(module_name)
            if module is not None and hasattr(module, "HF_HUB_OFFLINE"):
                saved.append((module, module.HF_HUB_OFFLINE))
                module.HF_HUB_OFFLINE = True
        try:
            yield
        finally:
            for module, value in saved:
                module.HF_HUB_OFFLINE = value


@contextmanager
def hub_access():
    """Probe the hub once (unless the environment already says offline); inside the block the hub
    libraries run offline when it cannot be reached. Yields whether the probe failed, for messages.
    The hub libraries must be imported before the block."""
    unreachable = not offline_requested() and not hub_reachable()
    if unreachable:
        with _offline_mode():
            yield True
    else:
        yield False


def unreachable_note(unreachable: bool) -> str:
    """The words a message adds when the probe failed."""
    return (f" The hub could not be reached within {PROBE_SECONDS:g} s, so only the local cache was looked at."
            if unreachable else "")
