"""The compressor contract, run over every id in the registry (and a few non-default settings).

A compressor registered with ``ncd.compressors.register_compressor`` is tested here without being
named: lengths are non-negative floats and deterministic, C(xx) is near C(x), the joint lengths
are sensible, pickling, the config round trip, equality, ``repr``, ``set_params`` and concurrent
calls from several threads all work. A compressor that cannot run this contract is named in
:data:`EXCLUDED`, with the reason.
"""

import importlib.util
import pickle
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from ncd.compressors import available_compressors, get_compressor

#: Registered ids left out of this contract, and why.
EXCLUDED = {
    "lm": "needs a model to exist at all (no default); tests/test_lm.py runs code lengths, the joint path, "
          "pickling and the config round trip on tiny models built from a config",
}

#: Optional backends: the id runs where its package is installed (CI installs them all).
OPTIONAL = {"ppmd": "pyppmd"}

#: Settings other than the defaults that change the code path, run through the same contract.
VARIANTS = [
    {"id": "lz77", "starts": "word"},
    {"id": "lz77", "max_candidates": 256},
    {"id": "cm", "order": 5},
    {"id": "zstd", "conditional": True},
    {"id": "lzma", "format": "raw"},
]

#: Models whose joint length is their own definition, C(x) + C(sep + y | x), not C(x + sep + y).
OWN_JOINT = {"lz77", "cm", "mix"}

ENGLISH = (
    b"All human beings are born free and equal in dignity and rights. They are endowed with reason "
    b"and conscience and should act towards one another in a spirit of brotherhood."
)
OTHER = b"Stocks fell sharply on Tuesday as investors weighed new inflation figures from the central bank."
WORDS = b"the cat dog sat ran market fell rose on a in park mat stocks bank rates".split()


def _specs():
    specs = [cid for cid in available_compressors() if cid not in EXCLUDED]
    return specs + VARIANTS


def _name(spec):
    return spec if isinstance(spec, str) else "-".join(f"{v}" for v in spec.values())


@pytest.fixture(params=_specs(), ids=_name)
def compressor(request):
    cid = request.param if isinstance(request.param, str) else request.param["id"]
    if cid in OPTIONAL and importlib.util.find_spec(OPTIONAL[cid]) is None:
        pytest.skip(f"the optional {cid} backend ({OPTIONAL[cid]}: pip install 'ncd[{cid}]') is not installed")
    return get_compressor(request.param)


def _random_bytes(n, seed=0):
    return random.Random(seed).randbytes(n)


def _word_texts(seed, n):
    rng = random.Random(seed)
    return [b" ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 60))) for _ in range(n)]


def _own_joint(compressor):
    return compressor.id in OWN_JOINT or compressor.get_params().get("conditional")


def test_every_registered_id_is_run_or_excluded_with_a_reason():
    ids = set(available_compressors())
    assert set(EXCLUDED) <= ids, "an exclusion names an id that is not registered"
    assert {"gzip", "zlib", "deflate", "bz2", "lzma", "zstd", "brotli", "ppmd", "lz77", "cm", "mix"} <= ids - set(EXCLUDED)
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_code_length_is_nonnegative_float_and_deterministic(compressor):
    for data in (b"", b"a", ENGLISH, _random_bytes(500)):
        first = compressor.code_length(data)
        assert isinstance(first, float)
        assert first >= 0
        assert compressor.code_length(data) == first
        assert get_compressor(compressor.get_config()).code_length(data) == first


def test_overhead_is_the_empty_input(compressor):
    assert compressor.overhead == compressor.code_length(b"")
    assert compressor.code_length(ENGLISH) > compressor.overhead


def test_batch_and_joint_lengths_match_single_calls(compressor):
    items = [b"", ENGLISH, OTHER, _random_bytes(64)]
    assert compressor.code_lengths(items).tolist() == [compressor.code_length(b) for b in items]
    assert compressor.code_lengths(iter(items)).tolist() == [compressor.code_length(b) for b in items]
    joint = compressor.joint_code_lengths(ENGLISH, items, b"|")
    rev = compressor.joint_code_lengths(ENGLISH, items, b"|", reverse=True)
    assert joint.shape == rev.shape == (len(items),)
    if _own_joint(compressor):
        return  # joint lengths defined by the model: bounded below, and tested against a reference in its own file
    assert joint.tolist() == [compressor.code_length(ENGLISH + b"|" + y) for y in items]
    assert rev.tolist() == [compressor.code_length(y + b"|" + ENGLISH) for y in items]


def test_behaves_as_a_compressor(compressor):
    """Redundancy is found: C(xx) is far below 2 C(x), repeats compress, random bytes do not, and
    the joint length of two texts is never much below either part nor above both apart."""
    cxx = compressor.joint_code_lengths(ENGLISH, [ENGLISH], b" ")[0]
    assert cxx < 1.5 * compressor.code_length(ENGLISH)
    assert compressor.code_length(ENGLISH * 20) < 0.5 * 20 * 8 * len(ENGLISH)
    rnd = _random_bytes(2000)
    assert compressor.code_length(rnd) > 0.95 * 8 * len(rnd)  # random bytes do not compress
    xs, ys = _word_texts(5, 30), _word_texts(6, 30)
    for x, y in zip(xs, ys):
        cx, cy = compressor.code_length(x), compressor.code_length(y)
        cxx, cxy = compressor.joint_code_lengths(x, [x, y], b" ")
        assert cxx <= 1.4 * cx + 120  # the second copy of x is cheap
        assert cxy >= 0.9 * max(cx, cy) - 24  # describing both costs at least about either
        assert cxy <= cx + cy + 64  # and not much more than both apart (one separator, one container)


def test_config_round_trip_equality_hash_and_repr(compressor):
    config = compressor.get_config()
    assert config["id"] == compressor.id
    clone = get_compressor(config)
    assert clone == compressor and clone is not compressor
    assert hash(clone) == hash(compressor)
    assert type(compressor).__name__ in repr(compressor)
    for name, value in compressor.get_params().items():
        assert f"{name}={value!r}" in repr(compressor)


def test_pickle_round_trip_after_use(compressor):
    before = compressor.code_length(ENGLISH)  # builds any per-thread state first
    joint = compressor.joint_code_lengths(ENGLISH, [OTHER, ENGLISH])
    restored = pickle.loads(pickle.dumps(compressor))
    assert restored == compressor
    assert restored.code_length(ENGLISH) == before
    np.testing.assert_array_equal(restored.joint_code_lengths(ENGLISH, [OTHER, ENGLISH]), joint)


def test_thread_safe(compressor):
    items = [ENGLISH[: 20 + 7 * i] + OTHER[: i * 3] for i in range(40)]
    expected = [compressor.code_length(b) for b in items]
    expected_joint = [compressor.joint_code_lengths(b, items[:5]).tolist() for b in items]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(compressor.code_length, items * 3))
        got_joint = list(pool.map(lambda b: compressor.joint_code_lengths(b, items[:5]).tolist(), items * 2))
    assert got == expected * 3
    assert got_joint == expected_joint * 2


def test_set_params_round_trips_and_rejects_unknown_names(compressor):
    params = compressor.get_params()
    before = compressor.code_length(ENGLISH)
    assert compressor.set_params(**params) is compressor
    assert compressor.code_length(ENGLISH) == before
    with pytest.raises(ValueError, match="Invalid parameter 'nonsense'"):
        compressor.set_params(nonsense=1)


def test_one_input_rule_bytes_like_in_str_refused(compressor):
    """Every compressor takes bytes and any buffer of single bytes alike, and refuses a str (up to
    ceff704 gzip, zlib and deflate measured a str's wide-character buffer and returned a wrong length)."""
    want = compressor.code_length(ENGLISH)
    for same in (bytearray(ENGLISH), memoryview(ENGLISH), np.frombuffer(ENGLISH, dtype=np.uint8)):
        assert compressor.code_length(same) == want
        assert compressor.code_lengths([same, ENGLISH]).tolist() == [want, want]
    with pytest.raises(TypeError, match=r"got a str \('All human.*encode it first"):
        compressor.code_length(ENGLISH.decode())
    with pytest.raises(TypeError, match="got a str"):
        compressor.code_lengths([ENGLISH, ENGLISH.decode()])
    with pytest.raises(TypeError, match="4-byte items"):
        compressor.code_length(np.arange(4, dtype=np.int32))
