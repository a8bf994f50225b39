"""Labelled text sets: the one embedded in the package, local files, local mirrors and the hub.

Offline use needs no network: :func:`load_dataset` reads the embedded UDHR
language-identification set, a folder with ``train`` and ``test`` files, or a
name from a local mirror (``NCD_DATA_DIR``) laid out as ``NAME/train.jsonl.gz``
and ``NAME/test.jsonl.gz``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zlib
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

from ._hub import hub_access, unreachable_note

__all__ = ["TextDataset", "load_dataset", "read_labelled_file", "few_shot_indices", "overlap_report",
           "near_duplicates", "EMBEDDED", "HUB_SETS"]

#: Name of the data set shipped inside the package.
EMBEDDED = "udhr_langid_small"

_SUFFIXES = (".jsonl", ".json", ".csv", ".tsv")


class TextDataset(NamedTuple):
    """A train/test split of labelled texts.

    Examples
    --------
    >>> from ncd.datasets import load_dataset
    >>> ds = load_dataset()
    >>> ds.name, len(ds.X_train), len(ds.X_test)
    ('udhr_langid_small', 288, 144)
    """

    name: str
    X_train: list
    y_train: list
    X_test: list
    y_test: list


#: csv's default limit on one field is 128 kB; a long text is valid data, so reading lifts it (2**31 - 1
#: fits a C long everywhere) and puts the old limit back afterwards.
_CSV_FIELD_LIMIT = (1 << 31) - 1


class _DuplicateKey(ValueError):
    """A JSON object names the text or label key twice (json itself keeps the last silently)."""


def _format_of(path: Path) -> str:
    suffixes = [s for s in path.suffixes if s != ".gz"]
    fmt = suffixes[-1] if suffixes else ""
    if fmt not in _SUFFIXES:
        raise ValueError(
            f"Cannot tell the format of {str(path)!r}: expected a name ending in .jsonl, .json, .csv or .tsv "
            "(optionally followed by .gz)."
        )
    return fmt


def _read_text(path: Path) -> str:
    """The whole text of a file: gunzipped if its name ends in .gz, decoded as UTF-8 (a BOM is dropped)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:  # not gzip, truncated, or damaged
            raise ValueError(
                f"{str(path)!r} is not a complete gzip file ({type(exc).__name__}: {exc}). A name ending in .gz "
                "must hold gzip data: write or download the file again, or drop .gz from its name if it is "
                "plain text."
            ) from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        utf16 = " (it starts with a UTF-16 byte-order mark)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        line = raw.count(b"\n", 0, nul) + 1
        raise ValueError(
            f"{str(path)!r} is not UTF-8 text: line {line} holds a NUL byte, as UTF-16 "
            f"text does{utf16}. Save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8 FILE > NEW, or "
            "df.to_csv(..., encoding='utf-8') in pandas)."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"{str(path)!r} is not UTF-8 text: line {line} holds the bytes {raw[exc.start:exc.end]!r}, "
            f"which are not UTF-8 ({exc.reason}); it may be Latin-1 or Windows-1252. Save it as UTF-8 "
            "(e.g. iconv -f LATIN1 -t UTF-8 FILE > NEW, or df.to_csv(..., encoding='utf-8') in pandas)."
        ) from None


def _object_hook(keys: tuple[str, str]):
    def hook(pairs):
        record = {}
        for key, value in pairs:
            if key in record and key in keys:
                raise _DuplicateKey(key)
            record[key] = value
        return record

    return hook


def _json_records(path: Path, text: str, keys: tuple[str, str]):
    """(where, record) of a JSON file holding a list of objects."""
    try:
        records = json.loads(text, object_pairs_hook=_object_hook(keys))
    except _DuplicateKey as exc:
        raise ValueError(
            f"An object in {str(path)!r} names the key {exc.args[0]!r} twice; keep one, so that it is clear "
            "which value is meant."
        ) from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{str(path)!r} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    if not isinstance(records, list):
        raise ValueError(f"{str(path)!r} must hold a JSON list of objects, got {type(records).__name__}.")
    for i, rec in enumerate(records):
        yield f"Record {i} (counting from 0)", rec


def _jsonl_records(path: Path, text: str, keys: tuple[str, str]):
    """(where, record) of each non-blank line of a JSON Lines file."""
    hook = _object_hook(keys)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line, object_pairs_hook=hook)
        except _DuplicateKey as exc:
            raise ValueError(
                f"Line {number} of {str(path)!r} names the key {exc.args[0]!r} twice; keep one, so that it is "
                "clear which value is meant."
            ) from None
        except json.JSONDecodeError as exc:
            snippet = line if len(line) <= 80 else line[:77] + "..."
            raise ValueError(
                f"Line {number} of {str(path)!r} is not valid JSON: {exc.msg} at column {exc.colno}: {snippet!r}. "
                "Each line must hold one JSON object."
            ) from None
        yield f"Line {number}", rec


def _delimited_records(path: Path, text: str, delimiter: str, keys: tuple[str, str]):
    """(where, record) of each row of a CSV or TSV file with a header row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    old_limit = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        header = next(reader, None)
        if header is None:  # an empty file: no records
            return
        for key in keys:
            if key not in header:
                raise ValueError(
                    f"{str(path)!r} has no column {key!r}; its header is {header}. Name the right ones with "
                    "text_column= and label_column= (--text-column/--label-column)."
                )
            positions = [i + 1 for i, name in enumerate(header) if name == key]
            if len(positions) > 1:
                raise ValueError(
                    f"The header of {str(path)!r} names the column {key!r} {len(positions)} times (columns "
                    f"{', '.join(map(str, positions))}), so it is not clear which one to read. Rename the others."
                )
        row_number = 0
        while True:
            start_line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                return
            if not row:  # a blank line, as csv.DictReader skips it
                continue
            row_number += 1
            where = f"Row {row_number} (line {start_line})"
            if len(row) > len(header):
                raise ValueError(
                    f"{where} of {str(path)!r} has more fields than the header ({row[len(header):]!r} left over); "
                    "quote fields that contain the delimiter."
                )
            if len(row) < len(header):
                raise ValueError(
                    f"{where} of {str(path)!r} has fewer fields than the header ({len(row)} of {len(header)}): "
                    f"{row!r}. Every row needs a text and a label."
                )
            yield where, dict(zip(header, row))
    except csv.Error as exc:
        raise ValueError(f"Line {reader.line_num} of {str(path)!r} is not valid CSV: {exc}.") from None
    finally:
        csv.field_size_limit(old_limit)


def _check_record(where: str, path: Path, rec, text_column: str, label_column: str) -> tuple:
    """The text and label of one record, or a ValueError that names the file and the record."""
    if not isinstance(rec, dict):
        raise ValueError(
            f"{where} of {str(path)!r} is {rec!r}, not an object; expected one "
            f'{{"{text_column}": ..., "{label_column}": ...}} object per record.'
        )
    missing = [c for c in (text_column, label_column) if c not in rec]
    if missing:
        raise ValueError(
            f"{where} of {str(path)!r} has no column {missing[0]!r}; its columns are {sorted(rec)}. "
            "Name the right ones with text_column= and label_column= (--text-column/--label-column)."
        )
    text, label = rec[text_column], rec[label_column]
    if not isinstance(text, str):
        raise ValueError(
            f"{where} of {str(path)!r}: the text ({text_column!r}) is {text!r} of type {type(text).__name__}, "
            "not a string. Every record needs a text (an empty one is \"\")."
        )
    if label is None or (isinstance(label, float) and label != label) or (isinstance(label, str) and not label.strip()):
        raise ValueError(
            f"{where} of {str(path)!r} has no label ({label_column!r} is {label!r}); every text needs a label. "
            "Fill it in or drop the record."
        )
    if isinstance(label, (list, dict)):
        raise ValueError(
            f"{where} of {str(path)!r}: the label ({label_column!r}) is {label!r}, a {type(label).__name__}; "
            "a label must be one string or number. Multi-label data is not supported: pick one label per text."
        )
    return text, label


def read_labelled_file(path, *, text_column: str = "text", label_column: str = "label") -> tuple[list, list]:
    """Texts and labels from a JSONL, JSON (a list of objects), CSV or TSV file, optionally gzipped.

    Parameters
    ----------
    path : str or path-like
    text_column, label_column : str, default="text", "label"
        Keys (JSON) or header names (CSV/TSV) of the two columns.

    Returns
    -------
    texts : list of str
    labels : list

    Examples
    --------
    >>> import tempfile, os
    >>> from ncd.datasets import read_labelled_file
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "tiny.tsv")
    >>> with open(p, "w") as f:
    ...     _ = f.write("label\\ttext\\nham\\tsee you at 5\\nspam\\tWIN A PRIZE now\\n")
    >>> read_labelled_file(p)
    (['see you at 5', 'WIN A PRIZE now'], ['ham', 'spam'])
    """
    path = Path(path)
    if path.is_dir():
        raise FileNotFoundError(
            f"{str(path)!r} is a folder, not a file: name its .jsonl, .json, .csv or .tsv file "
            "(load_dataset takes a folder holding train and test files)."
        )
    if not path.is_file():
        raise FileNotFoundError(f"No such file: {str(path)!r}.")
    fmt = _format_of(path)
    text = _read_text(path)
    keys = (text_column, label_column)
    if fmt == ".jsonl":
        records = _jsonl_records(path, text, keys)
    elif fmt == ".json":
        records = _json_records(path, text, keys)
    else:
        records = _delimited_records(path, text, "\t" if fmt == ".tsv" else ",", keys)
    texts, labels = [], []
    for where, rec in records:
        t, label = _check_record(where, path, rec, text_column, label_column)
        texts.append(t)
        labels.append(label)
    return texts, labels


def _split_file(folder: Path, split: str) -> Path | None:
    for suffix in _SUFFIXES:
        for name in (f"{split}{suffix}", f"{split}{suffix}.gz"):
            if (folder / name).is_file():
                return folder / name
    return None


def _load_folder(folder: Path, name: str, text_column: str, label_column: str) -> TextDataset:
    paths = {s: _split_file(folder, s) for s in ("train", "test")}
    missing = [s for s, p in paths.items() if p is None]
    if missing:
        raise FileNotFoundError(
            f"{str(folder)!r} has no {missing[0]} file; expected {missing[0]}.jsonl[.gz] (or .json/.csv/.tsv)."
        )
    X_train, y_train = read_labelled_file(paths["train"], text_column=text_column, label_column=label_column)
    X_test, y_test = read_labelled_file(paths["test"], text_column=text_column, label_column=label_column)
    return TextDataset(name, X_train, y_train, X_test, y_test)


def _load_embedded() -> TextDataset:
    data = files("ncd") / "data" / f"{EMBEDDED}.jsonl.gz"
    parts = {"train": ([], []), "test": ([], [])}
    with gzip.open(io.BytesIO(data.read_bytes()), "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            parts[rec["split"]][0].append(rec["text"])
            parts[rec["split"]][1].append(rec["label"])
    return TextDataset(EMBEDDED, *parts["train"], *parts["test"])


class _HubSet(NamedTuple):
    repo: str
    config: str | None
    text: tuple  # columns joined with a space to make the text
    label: str


#: The paper's data sets on the Hugging Face hub: name -> (repository, config, text columns, label column).
#: Needs a network; on these names no file is read from the hub until load_dataset is called.
HUB_SETS = {
    "ag_news": _HubSet("fancyzhx/ag_news", None, ("text",), "label"),
    "dbpedia_14": _HubSet("fancyzhx/dbpedia_14", None, ("title", "content"), "label"),
    "yahoo_answers": _HubSet("community-datasets/yahoo_answers_topics", None,
                             ("question_title", "question_content", "best_answer"), "topic"),
    "20newsgroups": _HubSet("SetFit/20_newsgroups", None, ("text",), "label_text"),
    "kinnews": _HubSet("andreniyongabo/kinnews_kirnews", "kinnews_cleaned", ("title", "content"), "label"),
    "kirnews": _HubSet("andreniyongabo/kinnews_kirnews", "kirnews_cleaned", ("title", "content"), "label"),
    "swahili_news": _HubSet("community-datasets/swahili_news", None, ("text",), "label"),
    "sogou_news": _HubSet("community-datasets/sogou_news", None, ("title", "content"), "label"),
}


def _load_hub(name: str, spec: _HubSet) -> TextDataset:
    try:
        import datasets
    except ImportError as exc:  # a core dependency; only a broken install gets here
        raise ImportError("Loading from the Hugging Face hub needs the 'datasets' package.") from exc
    unreachable = False
    try:
        # without a network: a quick probe, then the cache only, instead of ~25 s of retries
        with hub_access() as unreachable:
            dd = datasets.load_dataset(spec.repo, spec.config)
    except Exception as exc:  # offline, unknown repository, ... : say what was tried and what to do
        raise FileNotFoundError(
            f"Could not load {name!r} from the Hugging Face hub ({spec.repo}"
            f"{', config ' + spec.config if spec.config else ''}): {type(exc).__name__}: {exc}."
            f"{unreachable_note(unreachable)} "
            "Without a network, point load_dataset at a local folder or set NCD_DATA_DIR to a mirror."
        ) from exc
    splits = {}
    for split in ("train", "test"):
        if split not in dd:
            raise ValueError(f"{spec.repo} has no {split!r} split; it has {sorted(dd)}.")
        part = dd[split]
        missing = [c for c in (*spec.text, spec.label) if c not in part.column_names]
        if missing:
            raise ValueError(f"{spec.repo} has no column {missing[0]!r}; its columns are {part.column_names}.")
        columns = [part[c] for c in spec.text]
        texts = [" ".join(str(v) for v in row if v) for row in zip(*columns)]
        labels = list(part[spec.label])
        feature = part.features.get(spec.label) if hasattr(part, "features") else None
        if feature is not None and hasattr(feature, "int2str"):
            labels = [feature.int2str(v) for v in labels]  # class names, not integers
        splits[split] = (texts, labels)
    return TextDataset(name, *splits["train"], *splits["test"])


def load_dataset(name_or_path: str = EMBEDDED, *, text_column: str = "text", label_column: str = "label") -> TextDataset:
    """Load a labelled train/test split, offline.

    Parameters
    ----------
    name_or_path : str, default="udhr_langid_small"
        One of:

        * ``"udhr_langid_small"``: shipped with ncd. 24 languages of the Universal
          Declaration of Human Rights, 12 training and 6 test paragraphs each.
        * a folder holding ``train`` and ``test`` files (``.jsonl``, ``.json``,
          ``.csv`` or ``.tsv``, optionally gzipped);
        * the name of such a folder inside the directory named by the environment
          variable ``NCD_DATA_DIR`` (a local mirror, e.g. ``ag_news``);
        * a name in :data:`HUB_SETS` (the paper's data sets, from the Hugging Face
          hub: needs a network), or ``"hub:OWNER/NAME"`` for any hub data set with
          ``train`` and ``test`` splits and the columns ``text_column`` and
          ``label_column``.

        A local folder or mirror wins over the hub.
    text_column, label_column : str, default="text", "label"

    Returns
    -------
    TextDataset
        ``(name, X_train, y_train, X_test, y_test)``.

    Examples
    --------
    >>> from ncd.datasets import load_dataset
    >>> ds = load_dataset()
    >>> len(ds.X_train), len(ds.X_test), len(set(ds.y_train))
    (288, 144, 24)
    """
    if name_or_path == EMBEDDED:
        return _load_embedded()
    path = Path(name_or_path)
    if path.is_dir():
        return _load_folder(path, path.name, text_column, label_column)
    mirror = os.environ.get("NCD_DATA_DIR")
    if mirror and (Path(mirror) / name_or_path).is_dir():
        return _load_folder(Path(mirror) / name_or_path, name_or_path, text_column, label_column)
    if isinstance(name_or_path, str) and name_or_path.startswith("hub:"):
        repo = name_or_path[4:]
        return _load_hub(repo, _HubSet(repo, None, (text_column,), label_column))
    if name_or_path in HUB_SETS:
        return _load_hub(name_or_path, HUB_SETS[name_or_path])
    hint = (
        f"NCD_DATA_DIR={mirror!r} has no folder {name_or_path!r}"
        if mirror
        else "set NCD_DATA_DIR to a folder of data sets (NAME/train.jsonl.gz, NAME/test.jsonl.gz)"
    )
    raise FileNotFoundError(
        f"No data set {name_or_path!r}: it is not {EMBEDDED!r} (shipped with ncd), not a folder, not a hub "
        f"name ({', '.join(HUB_SETS)}, or 'hub:OWNER/NAME'), and {hint}."
    )


# -- few-shot samples and train/test overlap -----------------------------------------------


def few_shot_indices(y, n_per_class: int, *, random_state=None):
    """Indices of ``n_per_class`` examples of every class, drawn without replacement.

    The same ``random_state`` gives the same indices, so a few-shot result can be
    reproduced (save the indices with the results).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
    n_per_class : int
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    ndarray of shape (n_classes * n_per_class,)
        Sorted indices into y.

    Examples
    --------
    >>> from ncd.datasets import few_shot_indices
    >>> few_shot_indices(["a", "b", "a", "b", "a"], 2, random_state=0).tolist()
    [1, 2, 3, 4]
    """
    import numpy as np
    from sklearn.utils import check_random_state

    from ._validation import check_int

    n = check_int(n_per_class, "n_per_class", "few_shot_indices")
    labels = np.asarray(list(y), dtype=object)
    rng = check_random_state(random_state)
    chosen = []
    for label in dict.fromkeys(labels.tolist()):  # classes in order of first appearance
        members = np.flatnonzero(labels == label)
        if members.size < n:
            raise ValueError(
                f"Class {label!r} has only {members.size} example(s), fewer than n_per_class={n}. "
                "Lower n_per_class or drop the class."
            )
        chosen.append(rng.choice(members, size=n, replace=False))
    return np.sort(np.concatenate(chosen))


def _normalise(text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _shingles(texts, size):
    """Binary document x shingle matrix: the set of `size`-word windows of each normalised text
    (a text shorter than `size` words is one shingle, itself)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    def analyse(text):
        words = _normalise(text).split()
        if len(words) <= size:
            return [" ".join(words)]
        return [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]

    vec = HashingVectorizer(analyzer=analyse, n_features=1 << 24, alternate_sign=False, norm=None, binary=True)
    X = vec.transform(texts).tocsr()
    X.data[:] = 1.0
    return X


def near_duplicates(X, Y=None, *, shingle_size: int = 3, chunk_size: int = 1000):
    """For every text of X, its most similar text of Y by Jaccard similarity of word shingles.

    Texts are normalised as in :func:`overlap_report` (case folded, punctuation
    dropped) and cut into overlapping windows of ``shingle_size`` words; the
    similarity of two texts is ``|A ∩ B| / |A ∪ B|`` over their window sets (1.0 for
    the same text with trivial edits, about 0.8 for one word changed in a
    30-word text). With ``Y=None`` each text of X is compared with the others
    (not itself). Exact, computed as sparse products in chunks of ``chunk_size``
    rows (no n x m matrix is kept).

    Returns
    -------
    similarity : ndarray of shape (len(X),)
        The highest Jaccard similarity (0.0 where nothing is shared).
    index : ndarray of shape (len(X),)
        Index into Y (or X) of that text; -1 where nothing is shared.

    Examples
    --------
    >>> from ncd.datasets import near_duplicates
    >>> sim, idx = near_duplicates(["the cat sat on the mat today"],
    ...                            ["a dog", "The cat sat on the mat, today!", "the cat sat on a mat today"])
    >>> round(float(sim[0]), 2), int(idx[0])
    (1.0, 1)
    """
    import numpy as np

    from ._validation import check_int, check_texts

    X = check_texts(X, "X")
    size = check_int(shingle_size, "shingle_size", "near_duplicates")
    chunk = check_int(chunk_size, "chunk_size", "near_duplicates")
    self_compare = Y is None
    A = _shingles(X, size)
    B = A if self_compare else _shingles(check_texts(Y, "Y"), size)
    a_sizes = np.asarray(A.sum(axis=1)).ravel()
    b_sizes = np.asarray(B.sum(axis=1)).ravel()
    BT = B.T.tocsc()
    similarity = np.zeros(len(X))
    index = np.full(len(X), -1, dtype=np.intp)
    for start in range(0, len(X), chunk):
        inter = (A[start:start + chunk] @ BT).tocoo()
        rows, cols, shared = inter.row, inter.col, inter.data
        if self_compare:
            keep = rows + start != cols
            rows, cols, shared = rows[keep], cols[keep], shared[keep]
        if rows.size == 0:
            continue
        jac = shared / (a_sizes[rows + start] + b_sizes[cols] - shared)
        # per row: the highest similarity, the lowest index among equals
        order = np.lexsort((cols, -jac, rows))
        rows, cols, jac = rows[order], cols[order], jac[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        similarity[rows[first] + start] = jac[first]
        index[rows[first] + start] = cols[first]
    return similarity, index


def overlap_report(X_train, X_test, *, near_threshold: float | None = 0.8) -> dict:
    """Texts shared between train and test, and repeated within train.

    Three kinds of match: exact (the same bytes); normalised (equal after case
    folding, dropping punctuation and collapsing white space: the same text with
    trivial edits); and near (Jaccard similarity of 3-word shingles at least
    ``near_threshold``, see :func:`near_duplicates`: the same text with a few
    words changed, added or cut). A test text that also sits in the training set
    makes kNN look better than it is: report it beside any accuracy.

    Parameters
    ----------
    X_train, X_test : sequence of str or bytes
    near_threshold : float in (0, 1] or None, default=0.8
        None skips the near-duplicate search (it costs sparse products over
        all pairs that share a shingle).

    Returns
    -------
    dict
        ``test_in_train_exact`` / ``test_in_train_normalised`` /
        ``test_in_train_near``: sorted indices of test texts found in train;
        ``distinct_shared_exact``: how many distinct texts are in both (a text
        repeated in test counts once); ``train_duplicates_exact`` /
        ``train_duplicates_normalised``: how many training texts repeat an
        earlier one; ``train_near_duplicates``: how many training texts have a
        near duplicate elsewhere in train; and the sizes.

    Examples
    --------
    >>> from ncd.datasets import overlap_report
    >>> r = overlap_report(["Hello, world!", "b", "b"], ["hello world", "Hello, world!", "c"])
    >>> r["test_in_train_exact"], r["test_in_train_normalised"], r["train_duplicates_exact"]
    ([1], [0, 1], 1)
    """
    from ._validation import check_texts

    train = check_texts(X_train, "X_train")
    test = check_texts(X_test, "X_test")
    if near_threshold is not None and not (isinstance(near_threshold, (int, float)) and 0 < near_threshold <= 1):
        raise ValueError(f"near_threshold must be a number in (0, 1] or None, got {near_threshold!r}.")
    train_exact = set(train)
    train_norm = {_normalise(t) for t in train}
    report = {
        "n_train": len(train),
        "n_test": len(test),
        "test_in_train_exact": [i for i, t in enumerate(test) if t in train_exact],
        "distinct_shared_exact": len(set(test) & train_exact),
        "test_in_train_normalised": [i for i, t in enumerate(test) if _normalise(t) in train_norm],
        "train_duplicates_exact": len(train) - len(train_exact),
        "train_duplicates_normalised": len(train) - len(train_norm),
    }
    if near_threshold is not None:
        sim, _ = near_duplicates(test, train)
        report["test_in_train_near"] = [int(i) for i in (sim >= near_threshold).nonzero()[0]]
        sim_train, _ = near_duplicates(train)
        report["train_near_duplicates"] = int((sim_train >= near_threshold).sum())
        report["near_threshold"] = float(near_threshold)
    return report
