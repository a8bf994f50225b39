"""Copy the table of compressors from its one source, docs/guide/compressors.md, into README.md.

    python tools/sync_compressor_table.py          # rewrite README.md's copy
    python tools/sync_compressor_table.py --check  # exit 1 if README.md's copy differs (tests/test_docs.py)

The table sits between the two marker comments in both files; edit it in the guide only.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "docs" / "guide" / "compressors.md"
COPIES = [ROOT / "README.md"]
BLOCK = re.compile(r"<!-- compressors table:.*?<!-- end of compressors table -->", re.S)


def table() -> str:
    found = BLOCK.findall(SOURCE.read_text())
    if len(found) != 1:
        raise SystemExit(f"{SOURCE} must hold the compressors table once, between its markers; found {len(found)}")
    return found[0]


def main(argv) -> int:
    source = table()
    stale = []
    for path in COPIES:
        text = path.read_text()
        if len(BLOCK.findall(text)) != 1:
            raise SystemExit(f"{path} must hold one copy of the compressors table between its markers")
        new = BLOCK.sub(lambda _: source, text)
        if new != text:
            stale.append(path)
            if "--check" not in argv:
                path.write_text(new)
    if stale and "--check" in argv:
        print("stale copies of the compressors table: " + ", ".join(str(p) for p in stale)
              + "; run python tools/sync_compressor_table.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
