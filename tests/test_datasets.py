"""Tests for ncd.datasets: reading labelled files and loading train/test splits."""

import csv
import gzip
import json
from collections import Counter

import pytest

from ncd.datasets import EMBEDDED, TextDataset, load_dataset, read_labelled_file

TEXTS = ["see you at 5", "WIN A PRIZE now, call 0800", 'she said "hi"\tand left']
LABELS = ["ham", "spam", "ham"]


def _records(texts=TEXTS, labels=LABELS, text_column="text", label_column="label"):
    return [{label_column: lab, text_column: txt} for txt, lab in zip(texts, labels)]


def _write_jsonl(path, records, opener=open):
    with opener(path, "wt", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")


def _write_delimited(path, records, delimiter):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(records)


# --------------------------------------------------------------------------- read_labelled_file


def test_read_jsonl(tmp_path):
    p = tmp_path / "data.jsonl"
    _write_jsonl(p, _records())
    assert read_labelled_file(p) == (TEXTS, LABELS)


def test_read_jsonl_skips_blank_lines_and_keeps_label_types(tmp_path):
    p = tmp_path / "data.jsonl"
    p.write_text('{"text": "a", "label": 1}\n\n   \n{"text": "b", "label": 0}\n', encoding="utf-8")
    texts, labels = read_labelled_file(p)
    assert texts == ["a", "b"]
    assert labels == [1, 0]
    assert all(type(lab) is int for lab in labels)


def test_read_json_list(tmp_path):
    p = tmp_path / "data.json"
    p.write_text(json.dumps(_records()), encoding="utf-8")
    assert read_labelled_file(p) == (TEXTS, LABELS)


def test_read_csv(tmp_path):
    p = tmp_path / "data.csv"
    # Texts with commas, quotes and a tab survive CSV quoting.
    _write_delimited(p, _records(), ",")
    assert read_labelled_file(p) == (TEXTS, LABELS)


def test_read_csv_with_embedded_newline(tmp_path):
    p = tmp_path / "data.csv"
    texts = ["line one\nline two", "plain"]
    _write_delimited(p, _records(texts, ["a", "b"]), ",")
    assert read_labelled_file(p) == (texts, ["a", "b"])


def test_read_tsv(tmp_path):
    p = tmp_path / "data.tsv"
    texts = ["see you at 5", "WIN, A PRIZE, now", "third one"]
    _write_delimited(p, _records(texts, LABELS), "\t")
    assert read_labelled_file(p) == (texts, LABELS)


def test_read_tsv_written_by_hand(tmp_path):
    p = tmp_path / "tiny.tsv"
    p.write_text("label\ttext\nham\tsee you at 5\nspam\tWIN A PRIZE now\n", encoding="utf-8")
    assert read_labelled_file(str(p)) == (["see you at 5", "WIN A PRIZE now"], ["ham", "spam"])


def test_read_gzipped_jsonl(tmp_path):
    p = tmp_path / "data.jsonl.gz"
    _write_jsonl(p, _records(), opener=gzip.open)
    # It really is compressed, so the reader must decompress it.
    assert p.read_bytes()[:2] == b"\x1f\x8b"
    assert read_labelled_file(p) == (TEXTS, LABELS)


def test_read_gzipped_csv(tmp_path):
    p = tmp_path / "data.csv.gz"
    with gzip.open(p, "wt", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["text", "label"])
        writer.writeheader()
        writer.writerows(_records())
    assert read_labelled_file(p) == (TEXTS, LABELS)


def test_read_non_ascii_utf8(tmp_path):
    p = tmp_path / "data.jsonl"
    texts = ["Всички хора се раждат свободни", "人人生而自由", "Ñandú café"]
    p.write_text(
        "".join(json.dumps({"text": t, "label": i}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    assert read_labelled_file(p) == (texts, [0, 1, 2])


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv", ".tsv"])
def test_custom_columns(tmp_path, suffix):
    p = tmp_path / f"data{suffix}"
    recs = [{"body": t, "category": lab, "id": str(i)} for i, (t, lab) in enumerate(zip(TEXTS, LABELS))]
    if suffix == ".jsonl":
        _write_jsonl(p, recs)
    elif suffix == ".json":
        p.write_text(json.dumps(recs), encoding="utf-8")
    else:
        _write_delimited(p, recs, "," if suffix == ".csv" else "\t")
    assert read_labelled_file(p, text_column="body", label_column="category") == (TEXTS, LABELS)
    # The default column names are not there.
    with pytest.raises(ValueError, match="'text'"):
        read_labelled_file(p)


def test_missing_text_column_names_column_and_present_ones(tmp_path):
    p = tmp_path / "data.jsonl"
    _write_jsonl(p, [{"text": "ok", "label": "a"}, {"body": "no text key", "label": "b"}])
    with pytest.raises(ValueError) as info:
        read_labelled_file(p)
    msg = str(info.value)
    assert "'text'" in msg
    assert "Line 2 of" in msg  # the line of the file, as an editor numbers it
    assert "body" in msg and "label" in msg  # the columns it does have


def test_missing_label_column_csv(tmp_path):
    p = tmp_path / "data.csv"
    p.write_text("text,category\nhello,a\n", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        read_labelled_file(p)
    msg = str(info.value)
    assert "'label'" in msg
    assert "'category'" in msg and "'text'" in msg
    assert "label_column" in msg


@pytest.mark.parametrize("name", ["data.txt", "data.txt.gz", "data", "data.xml"])
def test_unknown_suffix(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(b"text,label\nhello,a\n")
    with pytest.raises(ValueError) as info:
        read_labelled_file(p)
    msg = str(info.value)
    for fmt in (".jsonl", ".json", ".csv", ".tsv"):
        assert fmt in msg
    assert name in msg


def test_missing_file(tmp_path):
    p = tmp_path / "nowhere" / "data.jsonl"
    with pytest.raises(FileNotFoundError) as info:
        read_labelled_file(p)
    assert str(p) in str(info.value)


def test_directory_is_not_a_file(tmp_path):
    d = tmp_path / "folder.jsonl"
    d.mkdir()
    with pytest.raises(FileNotFoundError, match="folder.jsonl"):
        read_labelled_file(d)


def test_json_object_instead_of_list(tmp_path):
    p = tmp_path / "data.json"
    p.write_text(json.dumps({"text": "hello", "label": "a"}), encoding="utf-8")
    with pytest.raises(ValueError) as info:
        read_labelled_file(p)
    assert "list" in str(info.value)
    assert "dict" in str(info.value)


def test_empty_jsonl_gives_empty_lists(tmp_path):
    p = tmp_path / "data.jsonl"
    p.write_text("", encoding="utf-8")
    assert read_labelled_file(p) == ([], [])


# --------------------------------------------------------------------------- load_dataset


def test_load_embedded_default():
    ds = load_dataset()
    assert isinstance(ds, TextDataset)
    assert ds.name == EMBEDDED == "udhr_langid_small"
    assert len(ds.X_train) == len(ds.y_train) == 288
    assert len(ds.X_test) == len(ds.y_test) == 144
    train_counts, test_counts = Counter(ds.y_train), Counter(ds.y_test)
    assert len(train_counts) == 24
    assert set(train_counts) == set(test_counts)
    assert set(train_counts.values()) == {12}
    assert set(test_counts.values()) == {6}
    for text in ds.X_train + ds.X_test:
        assert isinstance(text, str) and text.strip()


def test_load_embedded_by_name_equals_default():
    assert load_dataset(EMBEDDED) == load_dataset()


def test_load_embedded_train_and_test_disjoint():
    ds = load_dataset()
    assert not set(ds.X_train) & set(ds.X_test)


def test_load_folder_csv(tmp_path):
    folder = tmp_path / "my_set"
    folder.mkdir()
    _write_delimited(folder / "train.csv", _records(["a b c", "1 2 3"], ["letters", "digits"]), ",")
    _write_delimited(folder / "test.csv", _records(["d e f"], ["letters"]), ",")
    ds = load_dataset(str(folder))
    assert ds == TextDataset("my_set", ["a b c", "1 2 3"], ["letters", "digits"], ["d e f"], ["letters"])
    # A Path works too.
    assert load_dataset(folder) == ds


def test_load_folder_custom_columns(tmp_path):
    folder = tmp_path / "cols"
    folder.mkdir()
    _write_jsonl(folder / "train.jsonl", [{"body": "x", "y": 1}])
    _write_jsonl(folder / "test.jsonl.gz", [{"body": "z", "y": 2}], opener=gzip.open)
    ds = load_dataset(folder, text_column="body", label_column="y")
    assert (ds.X_train, ds.y_train, ds.X_test, ds.y_test) == (["x"], [1], ["z"], [2])


def test_load_folder_without_test(tmp_path):
    folder = tmp_path / "half"
    folder.mkdir()
    _write_delimited(folder / "train.csv", _records(), ",")
    with pytest.raises(FileNotFoundError) as info:
        load_dataset(folder)
    msg = str(info.value)
    assert "test" in msg
    assert "half" in msg


def test_load_from_mirror(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "toy").mkdir(parents=True)
    train = [{"text": f"train text {i}", "label": i % 2} for i in range(5)]
    test = [{"text": f"test text {i}", "label": i % 2} for i in range(3)]
    _write_jsonl(mirror / "toy" / "train.jsonl.gz", train, opener=gzip.open)
    _write_jsonl(mirror / "toy" / "test.jsonl.gz", test, opener=gzip.open)
    monkeypatch.chdir(tmp_path)  # "toy" is not a folder here: it must come from the mirror
    monkeypatch.setenv("NCD_DATA_DIR", str(mirror))
    ds = load_dataset("toy")
    assert ds.name == "toy"
    assert ds.X_train == [r["text"] for r in train]
    assert ds.y_train == [r["label"] for r in train]
    assert ds.X_test == [r["text"] for r in test]
    assert ds.y_test == [r["label"] for r in test]


def test_unknown_name_with_mirror(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NCD_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        load_dataset("no_such_set")
    msg = str(info.value)
    assert "NCD_DATA_DIR" in msg
    assert "no_such_set" in msg


def test_unknown_name_without_mirror(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NCD_DATA_DIR", raising=False)
    with pytest.raises(FileNotFoundError) as info:
        load_dataset("no_such_set")
    assert "NCD_DATA_DIR" in str(info.value)
    assert "no_such_set" in str(info.value)


def _read_gz_jsonl(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_load_real_sms_spam_from_mirror(shared_data, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NCD_DATA_DIR", str(shared_data))
    ds = load_dataset("sms_spam")
    assert ds.name == "sms_spam"
    for split, X, y in (("train", ds.X_train, ds.y_train), ("test", ds.X_test, ds.y_test)):
        path = shared_data / "sms_spam" / f"{split}.jsonl.gz"
        with gzip.open(path, "rb") as f:
            n_lines = sum(1 for line in f if line.strip())
        assert n_lines > 0
        assert len(X) == len(y) == n_lines
        recs = _read_gz_jsonl(path)
        assert X == [r["text"] for r in recs]
        assert y == [r["label"] for r in recs]


# -- malformed files: each gets a ValueError that says what is wrong -----------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("short.csv", "text,label\nhello\n", r"Row 1 .* fewer fields than the header"),
        ("long.csv", "label,text\nx,a,b\n", r"Row 1 \(line 2\) .* more fields than the header \(\['b'\] left over\)"),
        ("strings.json", '["text label"]', r"Record 0 .* is 'text label', not an object"),
        ("numbers.jsonl", "1\n2\n", r"Line 1 .* is 1, not an object"),
    ],
)
def test_malformed_records(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_labelled_file(path)


# -- few-shot sampling and the overlap report ---------------------------------------------


def test_few_shot_indices_are_seeded_and_balanced():
    from ncd.datasets import few_shot_indices

    y = ["a"] * 10 + ["b"] * 7 + ["c"] * 5
    first = few_shot_indices(y, 5, random_state=3)
    assert first.tolist() == few_shot_indices(y, 5, random_state=3).tolist()
    assert first.tolist() != few_shot_indices(y, 5, random_state=4).tolist()
    assert sorted(Counter(y[i] for i in first).values()) == [5, 5, 5]
    assert len(set(first.tolist())) == 15
    with pytest.raises(ValueError, match=r"Class 'c' has only 5 example\(s\), fewer than n_per_class=6"):
        few_shot_indices(y, 6, random_state=0)


def test_overlap_report_by_hand():
    from ncd.datasets import overlap_report

    r = overlap_report(["Hello, world!", "b", "b", "B!"], ["hello world", "Hello, world!", "c", "b", "b"])
    assert r["test_in_train_exact"] == [1, 3, 4]
    assert r["distinct_shared_exact"] == 2
    assert r["test_in_train_normalised"] == [0, 1, 3, 4]
    assert r["train_duplicates_exact"] == 1 and r["train_duplicates_normalised"] == 2


def test_overlap_report_matches_each_shared_readme(shared_data):
    """Every data set's README states how many exact texts are in both train and test."""
    import re

    from ncd.datasets import overlap_report

    checked = 0
    for folder in sorted(p for p in shared_data.iterdir() if p.is_dir()):
        stated = re.search(r"Exact texts present in both train and test: (\d+)", (folder / "README.md").read_text())
        if stated is None:
            continue
        ds = load_dataset(folder)
        report = overlap_report(ds.X_train, ds.X_test, near_threshold=None)  # exact counts only
        assert report["distinct_shared_exact"] == int(stated.group(1)), folder.name
        checked += 1
    assert checked >= 10


# -- the Hugging Face hub path, with a stand-in for datasets.load_dataset (no network here) -------


class _FakeLabel:
    names = ["World", "Sports"]

    def int2str(self, v):
        return self.names[v]


class _FakeSplit(dict):
    def __init__(self, rows, features):
        super().__init__({k: [r[k] for r in rows] for k in rows[0]})
        self.column_names = list(rows[0])
        self.features = features


def test_hub_names_load_through_datasets(monkeypatch):
    import datasets

    calls = []

    def fake_load(repo, config=None):
        calls.append((repo, config))
        rows = [{"title": "Cup final", "content": "A late goal.", "label": 1},
                {"title": "Summit", "content": "", "label": 0}]
        return {s: _FakeSplit(rows, {"label": _FakeLabel()}) for s in ("train", "test")}

    monkeypatch.setattr(datasets, "load_dataset", fake_load)
    ds = load_dataset("dbpedia_14")
    assert calls == [("fancyzhx/dbpedia_14", None)]
    assert ds.X_train == ["Cup final A late goal.", "Summit"]  # columns joined, empty ones skipped
    assert ds.y_train == ["Sports", "World"]  # class names, not integers
    generic = load_dataset("hub:someone/news", text_column="content", label_column="label")
    assert calls[-1] == ("someone/news", None) and generic.X_test == ["A late goal.", ""]


def test_hub_failure_says_what_to_do(monkeypatch):
    import datasets

    def offline(repo, config=None):
        raise ConnectionError("no network")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(FileNotFoundError, match=r"Could not load 'ag_news' from the Hugging Face hub "
                                                r"\(fancyzhx/ag_news\): ConnectionError: no network.*NCD_DATA_DIR"):
        load_dataset("ag_news")


def test_a_local_mirror_wins_over_the_hub(tmp_path, monkeypatch):
    import datasets

    monkeypatch.setattr(datasets, "load_dataset", lambda *a, **k: pytest.fail("the hub was asked"))
    folder = tmp_path / "ag_news"
    folder.mkdir()
    for split in ("train", "test"):
        (folder / f"{split}.jsonl").write_text('{"text": "t", "label": "l"}\n')
    monkeypatch.setenv("NCD_DATA_DIR", str(tmp_path))
    assert load_dataset("ag_news").X_train == ["t"]


# -- near duplicates ------------------------------------------------------------------------


def _jaccard_by_hand(a, b, size=3):
    from ncd.datasets import _normalise

    def shingles(t):
        w = _normalise(t).split()
        return {" ".join(w)} if len(w) <= size else {" ".join(w[i:i + size]) for i in range(len(w) - size + 1)}

    A, B = shingles(a), shingles(b)
    return len(A & B) / len(A | B)


@pytest.mark.parametrize("self_compare", [False, True])
def test_near_duplicates_equal_brute_force(self_compare):
    import random

    from ncd.datasets import near_duplicates

    rng = random.Random(4)
    words = "stocks fell rose the bank cut rates on monday as oil prices".split()
    X = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 12))) for _ in range(60)]
    Y = None if self_compare else [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 12))) for _ in range(45)]
    sim, idx = near_duplicates(X, Y, chunk_size=7)
    others = X if self_compare else Y
    for i, x in enumerate(X):
        scores = [(-1.0 if self_compare and j == i else _jaccard_by_hand(x, y)) for j, y in enumerate(others)]
        best = max(scores)
        if best <= 0:
            assert sim[i] == 0.0 and idx[i] == -1
        else:
            assert sim[i] == pytest.approx(best)
            assert idx[i] == scores.index(best)  # the lowest index among equals


def test_overlap_report_near_duplicates():
    from ncd.datasets import overlap_report

    text = " ".join(f"word{i}" for i in range(30))
    edited = text.replace("word15", "other")  # 3 of 28 shingles change: Jaccard 25/31 = 0.81
    r = overlap_report([text, "unrelated words here"], [edited, "nothing alike at all"])
    assert r["test_in_train_exact"] == [] and r["test_in_train_normalised"] == []
    assert r["test_in_train_near"] == [0]
    assert overlap_report([text], [edited], near_threshold=0.9)["test_in_train_near"] == []
    assert "test_in_train_near" not in overlap_report([text], [edited], near_threshold=None)
    assert overlap_report([text, edited], ["x"])["train_near_duplicates"] == 2


@pytest.mark.parametrize("bad", [0, 1.5, "0.8", -0.1])
def test_overlap_report_bad_threshold(bad):
    from ncd.datasets import overlap_report

    with pytest.raises(ValueError, match=r"near_threshold must be a number in \(0, 1\] or None, got"):
        overlap_report(["a"], ["b"], near_threshold=bad)


# -- damaged, mis-encoded and ambiguous files (issue 15, items 7, 8, 9) -----------------------
# Each gets one ValueError that names the file and, where there is one, the line.


def _good_jsonl_lines(n):
    return [json.dumps({"text": f"text number {i}", "label": "a" if i % 2 else "b"}) for i in range(n)]


def test_gzip_name_over_plain_text_names_the_file(tmp_path):
    p = tmp_path / "train.jsonl.gz"
    p.write_text("\n".join(_good_jsonl_lines(3)) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"train\.jsonl\.gz' is not a complete gzip file \(BadGzipFile: "):
        read_labelled_file(p)


def test_truncated_gzip_names_the_file(tmp_path):
    p = tmp_path / "train.jsonl.gz"
    whole = gzip.compress(("\n".join(_good_jsonl_lines(200)) + "\n").encode())
    p.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValueError, match=r"train\.jsonl\.gz' is not a complete gzip file \(EOFError: "):
        read_labelled_file(p)


@pytest.mark.parametrize("suffix, delimiter", [(".csv", ","), (".tsv", "\t")])
def test_field_over_128_kb_reads_as_in_jsonl(tmp_path, suffix, delimiter):
    long_text = "word " * 40_000  # 200 kB: over csv's default field limit of 131,072
    recs = [{"text": long_text, "label": "long"}, {"text": "short", "label": "short"}]
    p = tmp_path / f"data{suffix}"
    _write_delimited(p, recs, delimiter)
    q = tmp_path / "data.jsonl"
    _write_jsonl(q, recs)
    before = csv.field_size_limit()
    assert read_labelled_file(p) == read_labelled_file(q) == ([long_text, "short"], ["long", "short"])
    assert csv.field_size_limit() == before  # the process-wide limit is put back


def test_broken_jsonl_line_names_file_and_line(tmp_path):
    lines = _good_jsonl_lines(10)
    lines[7] = lines[7][:-1]  # the 8th line loses its closing brace
    p = tmp_path / "train.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"Line 8 of '.*train\.jsonl' is not valid JSON: .* at column \d+"):
        read_labelled_file(p)


def test_broken_json_names_file_and_line(tmp_path):
    p = tmp_path / "train.json"
    p.write_text('[\n{"text": "a", "label": "x"},\n{"text": "b" "label": "y"}\n]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"train\.json' is not valid JSON: .* at line 3, column \d+"):
        read_labelled_file(p)


def test_latin1_file_names_file_and_line(tmp_path):
    p = tmp_path / "train.csv"
    p.write_bytes("text,label\nhello,a\ncafé crème,b\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"train\.csv' is not UTF-8 text: line 3 holds the bytes .*Latin-1"):
        read_labelled_file(p)


@pytest.mark.parametrize("encoding, bom", [("utf-16", "byte-order mark"), ("utf-16-le", "")])
def test_utf16_file_names_file_and_line(tmp_path, encoding, bom):
    p = tmp_path / "train.jsonl"
    p.write_bytes(("\n".join(_good_jsonl_lines(3)) + "\n").encode(encoding))
    with pytest.raises(ValueError, match=r"train\.jsonl' is not UTF-8 text: line 1 holds a NUL byte, as UTF-16 "
                                         r"text does.*" + bom):
        read_labelled_file(p)


def test_utf8_bom_is_dropped(tmp_path):
    p = tmp_path / "train.csv"
    p.write_bytes("text,label\nhello,a\n".encode("utf-8-sig"))  # as Excel writes it
    assert read_labelled_file(p) == (["hello"], ["a"])


@pytest.mark.parametrize("label", [["sports", "news"], {"topic": "sports"}])
def test_list_label_names_file_and_line(tmp_path, label):
    p = tmp_path / "train.jsonl"
    lines = _good_jsonl_lines(4)
    lines[2] = json.dumps({"text": "x", "label": label})
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"Line 3 of '.*train\.jsonl': the label \('label'\) is .*, a "
                                         r"(list|dict); a label must be one string or number"):
        read_labelled_file(p)


@pytest.mark.parametrize("value", ["null", '""', '"  "', "NaN"])
def test_missing_json_label_names_file_and_line(tmp_path, value):
    p = tmp_path / "train.jsonl"
    p.write_text('{"text": "a", "label": "x"}\n{"text": "b", "label": ' + value + "}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"Line 2 of '.*train\.jsonl' has no label \('label' is .*\); every text "
                                         r"needs a label"):
        read_labelled_file(p)


def test_text_that_is_not_a_string_names_file_and_line(tmp_path):
    p = tmp_path / "train.jsonl"
    p.write_text('{"text": "a", "label": "x"}\n{"text": 42, "label": "y"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"Line 2 of '.*train\.jsonl': the text \('text'\) is 42 of type int"):
        read_labelled_file(p)


@pytest.mark.parametrize("suffix, delimiter", [(".csv", ","), (".tsv", "\t")])
def test_empty_csv_label_names_the_row(tmp_path, suffix, delimiter):
    p = tmp_path / f"train{suffix}"
    p.write_text(f"text{delimiter}label\nhello{delimiter}a\n\"two\nlines\"{delimiter}b\nbye{delimiter}\n",
                 encoding="utf-8")
    with pytest.raises(ValueError, match=r"Row 3 \(line 5\) of '.*train\.(csv|tsv)' has no label \('label' is ''\)"):
        read_labelled_file(p)


@pytest.mark.parametrize("column", ["label", "text"])
def test_duplicated_header_names_the_header(tmp_path, column):
    p = tmp_path / "train.csv"
    header = "text,label,label" if column == "label" else "text,label,text"
    p.write_text(f"{header}\nhello,a,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"The header of '.*train\.csv' names the column '{column}' 2 times "
                                         r"\(columns (2, 3|1, 3)\)"):
        read_labelled_file(p)


def test_duplicated_unused_header_is_fine(tmp_path):
    p = tmp_path / "train.csv"
    p.write_text("note,text,label,note\nx,hello,a,y\n", encoding="utf-8")
    assert read_labelled_file(p) == (["hello"], ["a"])


def test_duplicated_json_key_names_the_line(tmp_path):
    p = tmp_path / "train.jsonl"
    p.write_text('{"text": "a", "label": "x"}\n{"text": "b", "label": "y", "label": "z"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"Line 2 of '.*train\.jsonl' names the key 'label' twice"):
        read_labelled_file(p)


def test_empty_text_is_still_a_valid_document(tmp_path):
    p = tmp_path / "train.csv"
    p.write_text('text,label\n"",a\n', encoding="utf-8")
    assert read_labelled_file(p) == ([""], ["a"])
