"""PPMd (prediction by partial matching), variant H as in 7-Zip, through pyppmd."""

from __future__ import annotations

from .._optional import import_optional
from ._base import Compressor, as_bytes
from .._validation import check_int

__all__ = ["PpmdCompressor"]


def _import_pyppmd():
    return import_optional("pyppmd", extra="ppmd", purpose="The 'ppmd' compressor")


class PpmdCompressor(Compressor):
    """PPMd variant H: a context model of order up to ``order`` driving a range coder.

    A statistical compressor, often the best of the classic ones on text. The
    stream is written without an end mark (the length is known to the caller),
    so the empty input costs the range coder's flush. Needs the optional package
    pyppmd (``pip install "ncd[ppmd]"``); it does not release the GIL, so
    ``n_jobs`` does not speed it up.

    Parameters
    ----------
    order : int, default=6
        Maximum context order, 2 to 64.
    memory : int, default=16777216
        Model memory in bytes (16 MiB), 2**11 to 2**31 - 1; when it fills up the
        model restarts.

    Examples
    --------
    >>> from ncd.compressors import PpmdCompressor
    >>> PpmdCompressor().code_length(b"the cat sat on the mat; the cat sat on the hat")  # doctest: +SKIP
    200.0
    """

    id = "ppmd"

    def __init__(self, order: int = 6, memory: int = 16 << 20):
        self.order = order
        self.memory = memory

    def code_length(self, data: bytes) -> float:
        data = as_bytes(data)
        pyppmd = _import_pyppmd()
        order = check_int(self.order, "order", self, 2, 64)
        memory = check_int(self.memory, "memory", self, 1 << 11, (1 << 31) - 1)
        enc = pyppmd.Ppmd7Encoder(order, memory)
        return 8.0 * len(enc.encode(data) + enc.flush(endmark=False))
