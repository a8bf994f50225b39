"""Tests for the ``ncd`` command line (ncd.cli.main)."""

import json
import re
import subprocess
import sys

import pytest

import ncd
from ncd.cli import main

ENGLISH = [
    "the quick brown fox jumps over the lazy dog",
    "a lazy dog sleeps under the warm summer sun",
    "the brown fox runs quickly through the green forest",
    "every morning the farmer feeds the hungry chickens",
]
DIGITS = [
    "1234567890 0987654321 1122334455",
    "9876543210 0123456789 5544332211",
    "1029384756 5647382910 1357924680",
    "2468013579 9753108642 1111222233",
]


def _write_tsv(path, rows):
    path.write_text("text\tlabel\n" + "".join(f"{t}\t{lab}\n" for t, lab in rows), encoding="utf-8")
    return path


@pytest.fixture
def toy_files(tmp_path):
    train = _write_tsv(tmp_path / "train.tsv", [(t, "en") for t in ENGLISH[:3]] + [(t, "num") for t in DIGITS[:3]])
    test = _write_tsv(tmp_path / "test.tsv", [(ENGLISH[3], "en"), (DIGITS[3], "num")])
    return train, test


# --------------------------------------------------------------------------- evaluate


def test_evaluate_embedded_json(capsys):
    assert main(["evaluate", "-c", "zstd", "-q", "--json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)  # stdout is pure JSON
    assert report["dataset"] == "udhr_langid_small"
    assert report["n_neighbors"] == 1
    assert len(report["results"]) == 1
    res = report["results"][0]
    assert res["compressor"] == "zstd"
    assert 0.5 < res["accuracy"] <= 1.0
    # Both come from the same neighbour list: top-2 can never be below top-1.
    assert res["accuracy"] <= res["top2_paper_metric"] <= 1.0
    assert res["seconds"] > 0
    assert res["pairs_per_second"] > 0
    assert res["overhead_bits"] >= 0
    # The data summary goes to stderr so that stdout stays parseable.
    assert "288 train, 144 test texts, 24 classes" in err


def test_evaluate_plain_output(capsys, toy_files):
    train, test = toy_files
    assert main(["evaluate", "-c", "zlib", "-q", "--train", str(train), "--test", str(test)]) == 0
    out, _ = capsys.readouterr()
    header = next(line for line in out.splitlines() if line.startswith("compressor"))
    for column in ("compressor", "accuracy", "top-2*", "seconds", "pairs/s", "overhead"):
        assert column in header
    row = next(line for line in out.splitlines() if line.startswith("zlib"))
    assert float(row.split()[1]) == pytest.approx(1.0)
    assert "accuracy: honest, one label per text, ties broken without the test label." in out
    assert "top-2*: the paper's k=2 scoring" in out
    assert "it reads the test label and is not accuracy" in out
    assert "seconds: fit plus neighbour search" in out
    assert "6 train, 2 test texts, 2 classes" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_evaluate_train_test_files_gzip(capsys, toy_files):
    train, test = toy_files
    code = main(["evaluate", "-c", "gzip", "-q", "--json", "--train", str(train), "--test", str(test)])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dataset"] == "train.tsv / test.tsv"
    (res,) = report["results"]
    assert res["compressor"] == "gzip"
    assert res["accuracy"] == 1.0
    assert res["top2_paper_metric"] == 1.0


def test_evaluate_repeated_compressor_flag(capsys, toy_files):
    train, test = toy_files
    argv = ["evaluate", "-c", "gzip", "-c", "zlib", "-q", "--json", "--train", str(train), "--test", str(test)]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["compressor"] for r in report["results"]] == ["gzip", "zlib"]


def test_evaluate_custom_columns(capsys, tmp_path):
    train = tmp_path / "train.csv"
    test = tmp_path / "test.csv"
    train.write_text(
        "body,cls\n" + "".join(f"{t},en\n" for t in ENGLISH[:3]) + "".join(f"{t},num\n" for t in DIGITS[:3]),
        encoding="utf-8",
    )
    test.write_text(f"body,cls\n{ENGLISH[3]},en\n{DIGITS[3]},num\n", encoding="utf-8")
    argv = ["evaluate", "-c", "gzip", "-q", "--json", "--train", str(train), "--test", str(test),
            "--text-column", "body", "--label-column", "cls"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["accuracy"] == 1.0


@pytest.mark.parametrize("flag", ["--train", "--test"])
def test_evaluate_only_one_of_train_test(capsys, toy_files, flag):
    train, _ = toy_files
    assert main(["evaluate", "-c", "gzip", "-q", flag, str(train)]) == 2
    out, err = capsys.readouterr()
    assert "error" in err
    assert "--train" in err and "--test" in err
    assert out == ""


def test_evaluate_missing_file(capsys, toy_files, tmp_path):
    train, _ = toy_files
    missing = tmp_path / "does_not_exist.tsv"
    assert main(["evaluate", "-c", "gzip", "-q", "--train", str(train), "--test", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "error" in err
    assert "does_not_exist.tsv" in err


def test_evaluate_missing_column(capsys, toy_files):
    train, test = toy_files
    code = main(["evaluate", "-c", "gzip", "-q", "--train", str(train), "--test", str(test), "--text-column", "body"])
    assert code == 2
    err = capsys.readouterr().err
    assert "'body'" in err


def test_evaluate_unknown_compressor(capsys, toy_files):
    train, test = toy_files
    code = main(["evaluate", "-c", "no-such-codec", "-q", "--train", str(train), "--test", str(test)])
    assert code == 2
    err = capsys.readouterr().err
    assert "no-such-codec" in err
    for cid in ncd.available_compressors():
        assert cid in err


# --------------------------------------------------------------------------- distance


@pytest.fixture
def text_files(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    c = tmp_path / "c.txt"
    a.write_bytes(b"All human beings are born free and equal in dignity and rights. " * 4)
    b.write_bytes(("\n".join(DIGITS) * 3).encode())
    c.write_bytes(a.read_bytes())
    return a, b, c


def _last_float(out):
    return float(out.strip().splitlines()[-1])


def test_distance_matches_pairwise_distances(capsys, text_files):
    a, b, _ = text_files
    assert main(["distance", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"-?\d+\.\d{6}\n", out)
    expected = ncd.pairwise_distances([a.read_bytes()], [b.read_bytes()])[0, 0]
    assert _last_float(out) == pytest.approx(round(float(expected), 6), abs=5e-7)


def test_distance_other_compressor_and_metric(capsys, text_files):
    a, b, _ = text_files
    assert main(["distance", "-c", "zstd", "--metric", "cdm", str(a), str(b)]) == 0
    expected = ncd.pairwise_distances([a.read_bytes()], [b.read_bytes()], compressor="zstd", metric="cdm")[0, 0]
    assert _last_float(capsys.readouterr().out) == pytest.approx(float(expected), abs=5e-7)


def test_distance_verbose_prints_code_lengths(capsys, text_files):
    a, b, _ = text_files
    assert main(["distance", "-v", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert len(lines) == 2
    comp = ncd.get_compressor("gzip")
    ca, cb = comp.code_length(a.read_bytes()), comp.code_length(b.read_bytes())
    cab = comp.code_length(a.read_bytes() + b" " + b.read_bytes())
    assert f"C(A) = {ca:.0f} bits" in lines[0]
    assert f"C(B) = {cb:.0f} bits" in lines[0]
    assert f"C(A+sep+B) = {cab:.0f} bits" in lines[0]
    expected = ncd.pairwise_distances([a.read_bytes()], [b.read_bytes()])[0, 0]
    assert float(lines[1]) == pytest.approx(float(expected), abs=5e-7)


def test_distance_identical_smaller_than_unrelated(capsys, text_files):
    a, b, c = text_files
    assert main(["distance", str(a), str(c)]) == 0
    same = _last_float(capsys.readouterr().out)
    assert main(["distance", str(a), str(b)]) == 0
    different = _last_float(capsys.readouterr().out)
    assert same < different


def test_distance_missing_file(capsys, text_files, tmp_path):
    a, _, _ = text_files
    missing = tmp_path / "ghost.txt"
    assert main(["distance", str(a), str(missing)]) == 2
    out, err = capsys.readouterr()
    assert "ghost.txt" in err
    assert out == ""


def test_distance_unknown_compressor(capsys, text_files):
    a, b, _ = text_files
    assert main(["distance", "-c", "no-such-codec", str(a), str(b)]) == 2
    err = capsys.readouterr().err
    assert "no-such-codec" in err
    assert "gzip" in err and "zstd" in err


# --------------------------------------------------------------------------- help and version


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--help"], "evaluate"),
        (["evaluate", "--help"], "--train"),
        (["distance", "--help"], "FILE_A"),
    ],
)
def test_help_exits_zero(capsys, argv, expected):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: ncd" in out
    assert expected in out


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage: ncd" in capsys.readouterr().err


def test_version_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "ncd.cli", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"ncd {ncd.__version__}"
