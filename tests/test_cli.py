"""Tests for the ``ncd`` command line (ncd.cli.main)."""

import gzip
import json
import re
import subprocess
import sys

import pytest
from _helpers import start_child

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


# --------------------------------------------------------------------------- issue 15: labels, k, files, Ctrl-C


def _one_error_line(err, command="evaluate"):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line, no traceback
    assert lines[0].startswith(f"ncd {command}: error: ")
    return lines[0]


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in rows), encoding="utf-8")
    return path


def test_evaluate_mixed_int_and_str_labels(capsys, tmp_path):
    # all predictions right: the int label 1 must not be compared as the string "1"
    train = _write_jsonl(tmp_path / "train.jsonl", [(t, 1) for t in ENGLISH[:3]] + [(t, "num") for t in DIGITS[:3]])
    test = _write_jsonl(tmp_path / "test.jsonl", [(ENGLISH[3], 1), (DIGITS[3], "num")])
    assert main(["evaluate", "-c", "gzip", "-q", "--json", "--train", str(train), "--test", str(test)]) == 0
    (res,) = json.loads(capsys.readouterr().out)["results"]
    assert res["accuracy"] == 1.0
    assert res["top2_paper_metric"] == 1.0


def test_evaluate_string_label_that_spells_an_int_is_not_the_int(capsys, tmp_path):
    train = _write_jsonl(tmp_path / "train.jsonl", [(t, 1) for t in ENGLISH[:3]] + [(t, "num") for t in DIGITS[:3]])
    test = _write_jsonl(tmp_path / "test.jsonl", [(ENGLISH[3], "1"), (DIGITS[3], "num")])
    assert main(["evaluate", "-c", "gzip", "-q", "--json", "--train", str(train), "--test", str(test)]) == 0
    (res,) = json.loads(capsys.readouterr().out)["results"]
    assert res["accuracy"] == 0.5


def test_evaluate_more_neighbours_than_training_texts(capsys, tmp_path):
    rows = [(t, "en") for t in ENGLISH] + [(t, "num") for t in DIGITS] + [("one more", "en"), ("2 more", "num")]
    train = _write_tsv(tmp_path / "train.tsv", rows)  # 10 texts
    test = _write_tsv(tmp_path / "test.tsv", [(ENGLISH[0], "en")])
    code = main(["evaluate", "-c", "gzip", "-q", "-k", "100", "--train", str(train), "--test", str(test)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""  # no header claiming k=100, no table
    line = _one_error_line(err)
    # the library's own error for the same request
    with pytest.raises(ValueError) as info:
        ncd.NCDClassifier(100).fit([t for t, _ in rows], [lab for _, lab in rows]).predict(["x"])
    assert "Expected n_neighbors <= n_samples_fit, but n_neighbors = 100, n_samples_fit = 10." in str(info.value)
    assert "Expected n_neighbors <= n_samples_fit, but n_neighbors = 100, n_samples_fit = 10." in line


@pytest.mark.parametrize("damage", ["not gzip", "truncated"])
def test_evaluate_damaged_gzip_is_one_error_line(capsys, toy_files, tmp_path, damage):
    train, _ = toy_files
    test = tmp_path / "test.jsonl.gz"
    body = "".join(json.dumps({"text": t, "label": "en"}) + "\n" for t in ENGLISH * 50).encode()
    test.write_bytes(body if damage == "not gzip" else gzip.compress(body)[:200])
    assert main(["evaluate", "-c", "gzip", "-q", "--train", str(train), "--test", str(test)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "test.jsonl.gz' is not a complete gzip file" in line


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_evaluate_field_over_128_kb(capsys, tmp_path, suffix):
    import csv

    def write(path, rows):
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t" if suffix == ".tsv" else ",")
            w.writerow(["text", "label"])
            w.writerows(rows)
        return path

    long_english = " ".join(ENGLISH * 3000)  # about 550 kB in one field
    train = write(tmp_path / f"train{suffix}", [(long_english, "en")] + [(t, "num") for t in DIGITS[:3]])
    test = write(tmp_path / f"test{suffix}", [(ENGLISH[3], "en"), (DIGITS[3], "num")])
    code = main(["evaluate", "-c", "zstd", "-q", "--json", "--train", str(train), "--test", str(test)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["results"][0]["compressor"] == "zstd"


@pytest.mark.parametrize(
    "name, content, where",
    [
        ("test.jsonl", "".join(json.dumps({"text": t, "label": "en"}) + "\n" for t in ENGLISH * 2)
         + '{"text": "broken", "label": "en"\n', r"Line 9 of '.*test\.jsonl' is not valid JSON"),
        ("test.jsonl", "\n".join(json.dumps({"text": t, "label": "en"}) for t in ENGLISH[:3]) + "\n"
         + '{"text": "x", "label": ["en", "num"]}\n', r"Line 4 of '.*test\.jsonl': the label \('label'\) is "),
        ("test.tsv", "text\tlabel\nhello\ten\ncafé\t\n", r"Row 2 \(line 3\) of '.*test\.tsv' has no label"),
        ("test.csv", "text,label,label\nhello,en,num\n", r"The header of '.*test\.csv' names the column 'label' 2"),
    ],
)
def test_evaluate_bad_file_errors_name_file_and_line(capsys, toy_files, tmp_path, name, content, where):
    train, _ = toy_files
    test = tmp_path / name
    test.write_text(content, encoding="utf-8")
    assert main(["evaluate", "-c", "gzip", "-q", "--train", str(train), "--test", str(test)]) == 2
    assert re.search(where, _one_error_line(capsys.readouterr().err))


@pytest.mark.parametrize("encoding, where", [("latin-1", "line 2 holds the bytes"), ("utf-16", "line 1 holds a NUL")])
def test_evaluate_file_not_in_utf8_names_file_and_line(capsys, toy_files, tmp_path, encoding, where):
    train, _ = toy_files
    test = tmp_path / "test.tsv"
    test.write_bytes("text\tlabel\ncafé crème\ten\n".encode(encoding))
    assert main(["evaluate", "-c", "gzip", "-q", "--train", str(train), "--test", str(test)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "test.tsv' is not UTF-8 text: " + where in line


def test_distance_with_a_directory_is_one_error_line(capsys, text_files, tmp_path):
    a, _, _ = text_files
    folder = tmp_path / "some_directory"
    folder.mkdir()
    assert main(["distance", str(a), str(folder)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "some_directory' is a directory" in _one_error_line(err, "distance")


def test_ctrl_c_is_one_line_and_exit_130(capsys, toy_files, monkeypatch):
    train, test = toy_files

    def interrupted(self, X, y):
        raise KeyboardInterrupt

    monkeypatch.setattr(ncd.NCDClassifier, "fit", interrupted)
    try:
        code = main(["evaluate", "-c", "gzip", "-q", "--train", str(train), "--test", str(test)])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped ncd.cli.main as a traceback")
    assert code == 130
    assert capsys.readouterr().err.strip().splitlines() == ["ncd evaluate: interrupted."]


# --------------------------------------------------------------------------- quick settings for the demo


@pytest.fixture
def three_compressors(monkeypatch):
    import ncd.cli

    monkeypatch.setattr(ncd.cli, "_compressor_ids", lambda requested: requested or ["brotli", "lzma", "zstd"])


def test_evaluate_without_c_uses_quick_settings_and_says_so(capsys, toy_files, three_compressors):
    train, test = toy_files
    assert main(["evaluate", "-q", "--train", str(train), "--test", str(test)]) == 0
    out = capsys.readouterr().out
    assert ("settings: quick for the run over every compressor: brotli quality=5 (default 11); "
            "lzma preset=0 (default 6). --full-settings runs every compressor with its defaults.") in out
    assert main(["evaluate", "-q", "--json", "--train", str(train), "--test", str(test)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["quick_settings"] is True
    settings = {r["compressor"]: r["settings"] for r in report["results"]}
    assert settings["brotli"]["quality"] == 5
    assert settings["lzma"]["preset"] == 0
    assert settings["zstd"] == ncd.get_compressor("zstd").get_params()


def test_evaluate_full_settings_and_named_compressors_use_defaults(capsys, toy_files, three_compressors):
    train, test = toy_files
    for extra in (["--full-settings"], ["-c", "brotli", "-c", "lzma"]):
        assert main(["evaluate", "-q", "--json", "--train", str(train), "--test", str(test), *extra]) == 0
        out, err = capsys.readouterr()
        report = json.loads(out)
        assert report["quick_settings"] is False
        assert "settings: quick" not in err
        settings = {r["compressor"]: r["settings"] for r in report["results"]}
        assert settings["brotli"]["quality"] == 11
        assert settings["lzma"]["preset"] == 6


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_in_a_real_process_is_one_line_and_exit_130():
    import signal
    import time

    proc = start_child(["-u", "-m", "ncd.cli", "evaluate", "-c", "ppmd", "-q"])
    try:
        assert proc.stdout.readline().startswith("data: ")  # imports done, the work has begun
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert err.splitlines() == ["ncd evaluate: interrupted."]


_SWALLOWED_CTRL_C = """
import ctypes, sys, time
from ncd import cli

def raise_ctrl_c():
    raise KeyboardInterrupt  # as when Ctrl-C lands while C code has called back into Python

callback = ctypes.CFUNCTYPE(None)(raise_ctrl_c)

def work(args):
    callback()  # Python prints "Exception ignored" and drops the interrupt here
    start = time.monotonic()
    while time.monotonic() - start < 10:  # Python steps, where a Ctrl-C sent again lands
        pass
    print("the command ran to its end")
    return 0

cli._evaluate = work
sys.exit(cli.main(["evaluate"]))
"""


def test_a_ctrl_c_dropped_inside_a_c_callback_still_stops_the_command():
    # On a fresh machine a real Ctrl-C can land while llvmlite calls back into Python during numba's first
    # compilation; Python cannot raise across the callback and used to drop it, so the run finished with 0.
    run = subprocess.run([sys.executable, "-c", _SWALLOWED_CTRL_C], capture_output=True, text=True, timeout=120)
    assert run.returncode == 130, run.stderr
    assert run.stdout == ""
    assert run.stderr.splitlines() == ["ncd evaluate: interrupted."]


def test_other_exceptions_dropped_in_callbacks_still_reach_the_previous_hook():
    code = _SWALLOWED_CTRL_C.replace("raise KeyboardInterrupt", "raise RuntimeError('from a callback')")
    code = code.replace("< 10:", "< 0.1:")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "the command ran to its end\n"
    assert "RuntimeError: from a callback" in run.stderr


def test_a_ctrl_c_dropped_in_the_commands_last_step_still_exits_130():
    code = _SWALLOWED_CTRL_C.replace("< 10:", "< 0:")  # the command ends at once, maybe before it is sent again
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 130, run.stderr
    assert run.stderr.splitlines() == ["ncd evaluate: interrupted."]
