"""The documentation pages that are generated from the code are up to date."""

import os
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_bad_input_page_matches_what_the_code_answers():
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run([sys.executable, str(DOCS / "bad_inputs.py"), "--check"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    n_cases = sum(1 for line in (DOCS / "bad_inputs.md").read_text().splitlines() if line.startswith("| ")) - 1
    assert n_cases >= 15
