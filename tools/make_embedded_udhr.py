"""Build ncd/data/udhr_langid_small.jsonl.gz from ../shared/data/udhr_langid.

Kept in the repository so the embedded data set can be rebuilt and checked:
24 languages (several close pairs, four scripts), the first 12 training and
first 6 test paragraphs of each, in file order. The UDHR may be freely reproduced.

    python tools/make_embedded_udhr.py [path/to/udhr_langid]
"""

import gzip
import json
import sys
from pathlib import Path

LANGUAGES = (
    "eng deu nld swe dan nob fra spa ita por ron cat pol ces slk rus ukr bul fin ekk hun tur ell arb".split()
)
N_TRAIN, N_TEST = 12, 6


def main(src: Path, dst: Path) -> None:
    rows = []
    for split, limit in (("train", N_TRAIN), ("test", N_TEST)):
        taken = {lang: 0 for lang in LANGUAGES}
        with gzip.open(src / f"{split}.jsonl.gz", "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                lang = rec["label"]
                if lang in taken and taken[lang] < limit:
                    taken[lang] += 1
                    rows.append({"split": split, "text": rec["text"], "label": lang})
        short = {k: v for k, v in taken.items() if v < limit}
        if short:
            raise SystemExit(f"too few {split} paragraphs for {short}")
    with gzip.GzipFile(dst, "wb", mtime=0) as f:
        for rec in rows:
            f.write((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"wrote {dst}: {len(rows)} rows, {dst.stat().st_size} bytes")


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "data" / "udhr_langid"
    main(src, root / "ncd" / "data" / "udhr_langid_small.jsonl.gz")
