"""Compressors: code lengths in bits, behind one small interface and a registry.

Every compressor maps bytes to a code length in bits. Byte-oriented libraries
report ``8 * len(compressed)``; probability models report ``sum(-log2 p)``.

The table of them (id, class, what each measures, settings, the cost of the empty input and the
window) is kept in one place, the user guide's page ``docs/guide/compressors.md`` (the README holds a
copy made by ``tools/sync_compressor_table.py``). :func:`available_compressors` lists the ids.
"""

from ._base import NO_COMPILED_PATH, Compressor  # noqa: F401  (NO_COMPILED_PATH: for compressors with a compiled path)
from ._brotli import BrotliCompressor
from ._cm import CMCompressor
from ._lm import ByteTokenizer, LMCompressor
from ._lz77 import LZ77Compressor
from ._mix import MixCompressor
from ._ppmd import PpmdCompressor
from ._registry import available_compressors, get_compressor, register_compressor
from ._stdlib import Bz2Compressor, DeflateCompressor, GzipCompressor, LzmaCompressor, ZlibCompressor
from ._zstd import ZstdCompressor

for _cls in (
    GzipCompressor,
    ZlibCompressor,
    DeflateCompressor,
    Bz2Compressor,
    LzmaCompressor,
    ZstdCompressor,
    BrotliCompressor,
    PpmdCompressor,
    LZ77Compressor,
    CMCompressor,
    MixCompressor,
    LMCompressor,
):
    register_compressor(_cls)
del _cls

__all__ = [
    "Compressor",
    "get_compressor",
    "register_compressor",
    "available_compressors",
    "GzipCompressor",
    "ZlibCompressor",
    "DeflateCompressor",
    "Bz2Compressor",
    "LzmaCompressor",
    "ZstdCompressor",
    "BrotliCompressor",
    "PpmdCompressor",
    "LZ77Compressor",
    "CMCompressor",
    "MixCompressor",
    "LMCompressor",
    "ByteTokenizer",
]
