"""Shared fixtures: where the real data sets live, and how to read them."""

import gzip
import json
import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("NCD_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def read_split(name, split, limit=None):
    """Texts and labels of ``SHARED_DATA/name/split.jsonl.gz`` (first ``limit`` rows)."""
    texts, labels = [], []
    with gzip.open(SHARED_DATA / name / f"{split}.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            texts.append(rec["text"])
            labels.append(rec["label"])
            if limit is not None and len(texts) >= limit:
                break
    return texts, labels


@pytest.fixture
def shared_data():
    """The real data folder; the test is skipped, with the reason, where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real data sets not found at {SHARED_DATA} (the project's shared/data beside the repository; "
            "set NCD_SHARED_DATA to another copy to run this test)"
        )
    return SHARED_DATA


@pytest.fixture
def load_split(shared_data):
    """``read_split``, available only where the real data is (skips otherwise)."""
    return read_split


# -- no network in the tests ------------------------------------------------------------------
# Every test runs offline: a connection to anything but this machine (Dask's LocalCluster talks
# over loopback) fails the test that tried it. Child interpreters are checked by
# tests/test_reliability.py::test_nothing_touches_the_network_at_import_or_in_use.

import ipaddress  # noqa: E402
import socket  # noqa: E402

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address):
    if not isinstance(address, tuple):
        return True  # a Unix socket path
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # a host name: resolving it would itself use the network
        return False


def _guarded(real):
    def connect(self, address):
        if not _is_local(address):
            raise AssertionError(f"a test tried to reach the network: {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    socket.socket.connect = _guarded(_real_connect)
    socket.socket.connect_ex = _guarded(_real_connect_ex)
    # the hub libraries offline, so that ncd does not probe the hub (a name lookup) before a hub call
    offline = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex
    if offline is None:
        os.environ.pop("HF_HUB_OFFLINE", None)
    else:
        os.environ["HF_HUB_OFFLINE"] = offline
