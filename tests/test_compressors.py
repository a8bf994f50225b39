"""Compressors: each one's specifics (the contract every registered one passes is tests/test_conformance.py)."""

import bz2
import gzip
import lzma
import random
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from ncd.compressors import (
    Compressor,
    GzipCompressor,
    LzmaCompressor,
    ZstdCompressor,
    available_compressors,
    get_compressor,
    register_compressor,
)
from ncd.compressors import _registry

ENGLISH = (
    b"All human beings are born free and equal in dignity and rights. They are endowed with reason "
    b"and conscience and should act towards one another in a spirit of brotherhood."
)
OTHER = b"Stocks fell sharply on Tuesday as investors weighed new inflation figures from the central bank."


def _random_bytes(n, seed=0):
    return random.Random(seed).randbytes(n)


# -- specifics ---------------------------------------------------------------------------


def test_gzip_is_exactly_the_papers_gzip():
    rng = random.Random(1)
    samples = [b"", b"a", ENGLISH, OTHER, _random_bytes(3000, seed=2)]
    samples += [bytes(rng.choice(b"abc ") for _ in range(rng.randrange(1, 400))) for _ in range(200)]
    gz = GzipCompressor()
    for data in samples:
        assert gz.code_length(data) == 8 * len(gzip.compress(data, compresslevel=9, mtime=0))
    gz1 = GzipCompressor(level=1)
    assert gz1.code_length(ENGLISH * 5) == 8 * len(gzip.compress(ENGLISH * 5, compresslevel=1, mtime=0))


def test_zlib_deflate_bz2_lzma_match_their_libraries():
    for data in (b"", ENGLISH, OTHER * 3):
        assert get_compressor("zlib").code_length(data) == 8 * len(zlib.compress(data, 9))
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        assert get_compressor("deflate").code_length(data) == 8 * len(c.compress(data) + c.flush())
        assert get_compressor("bz2").code_length(data) == 8 * len(bz2.compress(data, 9))
        assert get_compressor("lzma").code_length(data) == 8 * len(lzma.compress(data))


@pytest.mark.parametrize(
    "spec, empty_bytes",
    [
        ("gzip", 20),
        ("zlib", 8),
        ("deflate", 2),
        ("bz2", 14),
        ("lzma", 32),
        ({"id": "lzma", "format": "raw"}, 1),
        ("zstd", 9),
        ({"id": "zstd", "frame_extras": False}, 5),
        ("brotli", 1),
    ],
)
def test_documented_overheads(spec, empty_bytes):
    assert get_compressor(spec).overhead == 8 * empty_bytes


def test_container_free_variants_are_shorter_by_their_headers():
    assert get_compressor("deflate").code_length(ENGLISH) == get_compressor("zlib").code_length(ENGLISH) - 6 * 8
    raw, xz = LzmaCompressor(format="raw"), LzmaCompressor()
    assert raw.code_length(ENGLISH) < xz.code_length(ENGLISH) - 8 * 30
    lean, full = ZstdCompressor(frame_extras=False), ZstdCompressor()
    assert lean.code_length(ENGLISH) <= full.code_length(ENGLISH) - 4 * 8


def test_zstd_set_params_rebuilds_its_context():
    z = ZstdCompressor(level=1)
    data = b" ".join(ENGLISH[i:] + OTHER[: 3 * i] for i in range(60))
    at1 = z.code_length(data)  # builds and caches the level-1 context
    z.set_params(level=19)
    assert z.code_length(data) == ZstdCompressor(level=19).code_length(data)
    assert z.code_length(data) < at1


def test_ppmd_matches_pyppmd():
    pyppmd = pytest.importorskip("pyppmd")
    enc = pyppmd.Ppmd7Encoder(6, 16 << 20)
    assert get_compressor("ppmd").code_length(ENGLISH) == 8 * len(enc.encode(ENGLISH) + enc.flush(endmark=False))


def test_ppmd_missing_backend_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyppmd", None)  # makes "import pyppmd" raise ImportError
    with pytest.raises(ImportError, match=r'pip install "ncd\[ppmd\]"'):
        get_compressor("ppmd").code_length(b"x")


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"id": "gzip", "level": 12}, r"'level' parameter of GzipCompressor must be an int in the range \[0, 9\]. Got 12"),
        ({"id": "zstd", "level": 0}, r"'level' parameter of ZstdCompressor .* Got 0"),
        ({"id": "lzma", "format": "zip"}, r"'format' parameter of LzmaCompressor must be one of 'xz', 'raw'. Got 'zip'"),
        ({"id": "brotli", "mode": "poetry"}, r"'mode' parameter of BrotliCompressor .* Got 'poetry'"),
        ({"id": "bz2", "level": 1.5}, r"Got 1.5"),
    ],
)
def test_bad_settings_name_the_value(spec, message):
    with pytest.raises(ValueError, match=message):
        get_compressor(spec).code_length(b"x")


# -- the registry -----------------------------------------------------------------------


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(_registry, "_registry", dict(_registry._registry))
    monkeypatch.setattr(_registry, "_entry_points_loaded", False)
    return _registry


def test_unknown_id_lists_the_available_ones():
    with pytest.raises(ValueError, match=r"Unknown compressor 'zstdd'. Available: brotli, bz2, cm, deflate, gzip"):
        get_compressor("zstdd")


def test_get_compressor_accepts_instances_configs_and_rejects_other_things():
    z = ZstdCompressor(level=7)
    assert get_compressor(z) is z
    assert get_compressor({"id": "zstd", "level": 7}) == z
    with pytest.raises(ValueError, match="needs an 'id' key"):
        get_compressor({"level": 7})
    with pytest.raises(TypeError, match="got 3 of type int"):
        get_compressor(3)
    with pytest.raises(ValueError, match="Unknown setting 'level2' for compressor 'zstd'; its settings are: "
                                         "conditional, frame_extras, level"):
        get_compressor({"id": "zstd", "level2": 7})


def test_register_duplicate_raises_unless_forced(clean_registry):
    class Fake(Compressor):
        id = "gzip"

        def code_length(self, data):
            return 0.0

    with pytest.raises(ValueError, match="already registered.*force=True"):
        register_compressor(Fake)
    assert register_compressor(Fake, force=True) is Fake
    assert isinstance(get_compressor("gzip"), Fake)
    register_compressor(GzipCompressor, force=True)


def test_register_validates_the_class(clean_registry):
    class NoId(Compressor):
        def code_length(self, data):
            return 0.0

    with pytest.raises(ValueError, match="non-empty string class attribute 'id'"):
        register_compressor(NoId)
    with pytest.raises(TypeError, match="subclass of ncd.compressors.Compressor"):
        register_compressor(object)


def test_entry_points_are_loaded_lazily(clean_registry, monkeypatch):
    class Plugin(Compressor):
        id = "plugin-len"

        def __init__(self, scale=1):
            self.scale = scale

        def code_length(self, data):
            return 8.0 * len(data) * self.scale

    class EP:
        def __init__(self, name, target, value="pkg:Obj"):
            self.name, self.value, self._target = name, value, target

        def load(self):
            if isinstance(self._target, Exception):
                raise self._target
            return self._target

    broken = EP("broken", ImportError("no module named pkg"))
    shadow = EP("gzip", Plugin)  # may not replace a built-in
    monkeypatch.setattr(clean_registry, "entry_points", lambda group: [EP("plugin-len", Plugin), broken, shadow])
    with pytest.warns(RuntimeWarning, match="Could not load the compressor entry point 'broken'"):
        assert "plugin-len" in available_compressors()
    assert get_compressor({"id": "plugin-len", "scale": 2}).code_length(b"ab") == 32.0
    assert isinstance(get_compressor("gzip"), GzipCompressor)


def test_subclass_with_var_kwargs_is_rejected():
    class Loose(Compressor):
        id = "loose"

        def __init__(self, **kw):
            pass

    with pytest.raises(TypeError, match="named arguments"):
        Loose().get_params()


def test_a_probability_model_is_a_compressor_too():
    """A model's code length is sum(-log2 p): here a fixed uniform model over bytes, 8 bits each."""

    class Uniform(Compressor):
        id = "uniform-test"

        def code_length(self, data):
            p = np.full(len(data), 1 / 256)
            return float(-np.log2(p).sum())

    u = Uniform()
    assert u.code_length(b"abcd") == 32.0
    assert u.overhead == 0.0


# -- the reused deflate stream -----------------------------------------------------------


def test_libz_path_is_used_on_linux():
    from ncd._native.libz import libz_available

    if not sys.platform.startswith("linux"):
        pytest.skip("the shared libz is looked up as libz.so.1 on Linux; elsewhere the fallback may be in use")
    assert libz_available()


@pytest.mark.parametrize("wbits", [31, 15, -15])
@pytest.mark.parametrize("level", [1, 6, 9])
def test_reused_stream_is_bit_identical_to_zlib(level, wbits):
    from ncd._native.libz import deflate_length

    rng = random.Random(level * 100 + wbits)
    words = [b"the", b"cat", b"sat", b"on", b"mat", b"\x00\xff", b"stocks", b"fell"]
    samples = [b"", _random_bytes(70_000, seed=3), ENGLISH * 400]  # larger than the first output buffer
    samples += [b" ".join(rng.choice(words) for _ in range(rng.randrange(0, 120))) for _ in range(3000)]
    samples += [rng.randbytes(rng.randrange(0, 600)) for _ in range(500)]

    def reference(data):
        c = zlib.compressobj(level, zlib.DEFLATED, wbits)
        return len(c.compress(data) + c.flush())

    expected = [reference(b) for b in samples]
    assert [deflate_length(b, level, wbits) for b in samples] == expected
    with ThreadPoolExecutor(3) as pool:  # one stream per thread, interleaved calls
        assert list(pool.map(lambda b: deflate_length(b, level, wbits), samples)) == expected


# -- zstd's conditional (prefix-dictionary) mode -------------------------------------------


@pytest.mark.parametrize("frame_extras", [True, False])
def test_zstd_conditional_mode_is_a_real_conditional_code(frame_extras):
    import zstandard

    z = ZstdCompressor(frame_extras=frame_extras, conditional=True)
    ys = [b"", ENGLISH, OTHER, ENGLISH[:40]]
    joint = z.joint_code_lengths(OTHER, ys, b" ")
    cx = z.code_length(OTHER)
    comp = z._given(OTHER)
    d = zstandard.ZstdCompressionDict(OTHER, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    fmt = zstandard.FORMAT_ZSTD1 if frame_extras else zstandard.FORMAT_ZSTD1_MAGICLESS
    for y, j in zip(ys, joint):
        frame = comp.compress(b" " + y)
        assert j == cx + 8 * len(frame)
        dec = zstandard.ZstdDecompressor(dict_data=d, format=fmt)
        assert dec.decompress(frame, max_output_size=1 << 20) == b" " + y  # it decodes: a real code
    # knowing a text makes it cheap; knowing an unrelated one does not
    assert z.joint_code_lengths(ENGLISH, [ENGLISH])[0] < z.code_length(ENGLISH) + 8 * 24  # header + one match
    rev = z.joint_code_lengths(OTHER, ys, b" ", reverse=True)
    assert rev.tolist() == [z.code_length(y) + 8 * len(z._given(y).compress(b" " + OTHER)) for y in ys]


def test_zstd_conditional_mode_through_the_drivers():
    from ncd import pairwise_distances

    X = [ENGLISH[:60], OTHER[:50], b""]
    Y = [ENGLISH, OTHER, b"unrelated words here"]
    z = ZstdCompressor(conditional=True)
    D = pairwise_distances(X, Y, compressor=z, n_jobs=2)
    assert D[0].argmin() == 0 and D[1].argmin() == 1
    np.testing.assert_array_equal(D, pairwise_distances(X, Y, compressor=z))
    assert pairwise_distances(X, Y, compressor=z, metric="ncd_sym").shape == (3, 3)
