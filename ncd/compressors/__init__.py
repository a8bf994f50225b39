"""Compressors: code lengths in bits, behind one small interface and a registry.

Every compressor maps bytes to a code length in bits. Byte-oriented libraries
report ``8 * len(compressed)``; probability models report ``sum(-log2 p)``.

=========  =====================  =====================================  ==============
id         class                  what it measures                       empty input
=========  =====================  =====================================  ==============
gzip       GzipCompressor         gzip container, as the paper           20 bytes
zlib       ZlibCompressor         zlib container                         8 bytes
deflate    DeflateCompressor      raw deflate, no container              2 bytes
bz2        Bz2Compressor          bzip2 (Burrows-Wheeler)                14 bytes
lzma       LzmaCompressor         LZMA2, xz container or raw             32 / 1 bytes
zstd       ZstdCompressor         Zstandard                              9 / 5 bytes
brotli     BrotliCompressor       Brotli, with its built-in dictionary   1 byte
ppmd       PpmdCompressor         PPMd H (optional: ``ncd[ppmd]``)       range-coder flush
lz77       LZ77Compressor         native LZ77 code length (numba)        0 bits
cm         CMCompressor           native order-k context model (numba)   0 bits
lm         LMCompressor           a causal language model (``ncd[lm]``)  0 bits
=========  =====================  =====================================  ==============
"""

from ._base import Compressor
from ._brotli import BrotliCompressor
from ._cm import CMCompressor
from ._lm import ByteTokenizer, LMCompressor
from ._lz77 import LZ77Compressor
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
    "LMCompressor",
    "ByteTokenizer",
]
