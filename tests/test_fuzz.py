"""A slice of benchmarks/fuzz.py (the same generator): generated documents of every kind through every
registered compressor and the arithmetic coder, in a few seconds."""

import pytest

from _helpers import load_benchmark


@pytest.fixture(scope="module")
def fuzz():
    return load_benchmark("fuzz")


@pytest.fixture(scope="module")
def result(fuzz):
    return fuzz.run(n_docs=300, seed=1, max_size=4096, largest=40_000, coder_docs=40, coder_max_size=256)


def test_the_generator_is_seeded_and_makes_every_kind(fuzz):
    docs = fuzz.corpus(40, seed=3, max_size=512)
    assert docs == fuzz.corpus(40, seed=3, max_size=512)
    assert {kind for kind, _ in docs} == set(fuzz.KINDS)
    assert all(isinstance(x, bytes) and len(x) <= 512 for _, x in docs)
    assert dict(docs)["empty"] == b"" and len(dict(docs)["one_byte"]) == 1
    assert b"\x00" in dict(docs)["binary_nul"] and set(dict(docs)["dna"]) <= set(b"ACGT")


def test_every_compressor_and_the_coder_take_every_document(result):
    import ncd

    assert set(result["compressors"]) == set(ncd.available_compressors()) - {"lm"}
    for cid, row in result["compressors"].items():
        assert row["failures"] == [], cid
        assert row["documents"] >= 300 // row["every_nth_document"], cid
        assert len(row["identity"]) >= 8, (cid, sorted(row["identity"]))  # every kind, or nearly
    assert result["coder"]["failures"] == []
    assert result["failures"] == 0


def test_identity_distance_is_small_on_texts_within_the_window(result, fuzz):
    """NCD(x, x) < 0.3 on every text kind from 64 bytes, for every compressor but the exceptions
    that fuzz.md measures and names (brotli, bz2, cm, ppmd, zstd)."""
    for cid, row in result["compressors"].items():
        if cid in fuzz.IDENTITY_EXCEPTIONS:
            continue
        assert row["identity_violations"] == 0, (cid, row["worst_identity_violations"])
    lz77 = result["compressors"]["lz77"]
    assert lz77["large_sizes"] == [40_000]
    for kind in fuzz.LARGE_KINDS:
        assert lz77["identity"][kind]["max_ncd_from_floor"] < 0.3
