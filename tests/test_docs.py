"""The documentation pages that are generated from the code are up to date."""

import os
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
# the scripts and the build import the ncd of this checkout, whichever ncd is installed (an editable one elsewhere)
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [str(DOCS.parent), os.environ.get("PYTHONPATH")] if p),
       "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def test_bad_input_page_matches_what_the_code_answers():
    done = subprocess.run([sys.executable, str(DOCS / "bad_inputs.py"), "--check"], env=ENV,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    n_cases = sum(1 for line in (DOCS / "bad_inputs.md").read_text().splitlines() if line.startswith("| ")) - 1
    assert n_cases >= 15


PUBLIC_MODULES = ("ncd", "ncd.distance", "ncd.compressors", "ncd.datasets", "ncd.metrics", "ncd.scaling",
                  "ncd.distributed", "ncd.coding", "ncd.lm")


def public_names():
    import importlib

    names = set()
    for module in PUBLIC_MODULES:
        mod = importlib.import_module(module)
        names |= {f"{module}.{name}" for name in mod.__all__ if not name.startswith("__")}
    return names


def _resolve(dotted):
    import importlib

    module, _, name = dotted.rpartition(".")
    while module:
        try:
            obj = importlib.import_module(module)
            break
        except ImportError:
            module, _, rest = module.rpartition(".")
            name = f"{rest}.{name}"
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def test_every_public_name_is_in_the_api_reference():
    import re

    api = (DOCS / "api.rst").read_text()
    documented = set()
    for section in re.split(r"\.\. currentmodule:: ", api)[1:]:
        module, _, body = section.partition("\n")
        for entry in re.findall(r"^   (\S+)$", body, re.M):
            documented.add(id(_resolve(f"{module.strip()}.{entry}")))
    names = public_names()
    objects = {id(_resolve(name)) for name in names}  # a name exported twice is one thing to document
    missing = sorted(name for name in names if id(_resolve(name)) not in documented)
    assert not missing, f"{len(missing)} of {len(objects)} public names missing from docs/api.rst: {missing}"


def test_version_switcher_names_this_version_as_the_current_one():
    import json

    import ncd

    entries = json.loads((DOCS / "_static" / "switcher.json").read_text(encoding="utf-8"))
    assert all({"version", "url"} <= set(entry) for entry in entries)
    assert [entry["version"] for entry in entries if entry.get("preferred")] == [ncd.__version__]


def test_docs_build_with_zero_warnings(tmp_path):
    import pytest

    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("myst_nb")
    pytest.importorskip("pydata_sphinx_theme")
    # as the README builds them; the notebooks are rendered as committed (tests/test_notebooks.py executes them)
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q", "-d",
                           str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")],
                          env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    html = tmp_path / "html"
    assert (html / "api.html").exists()
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "version-switcher" in index and "theme-switch" in index  # pydata theme: versions, light and dark
    pages = sorted((html / "notebooks").glob("*.html"))
    assert len(pages) == len(list((DOCS.parent / "notebooks").glob("*.ipynb")))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<img" in text, f"{page.name} shows no figure"
        assert "output stderr" not in text, f"{page.name} shows a warning or an error"
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for trace in (str(DOCS.parent), "site-packages", "dist-packages"):
            assert trace not in text, f"{page.relative_to(html)} shows the build machine ({trace})"


def test_the_compressors_table_has_one_source_and_names_every_compressor():
    root = DOCS.parent
    done = subprocess.run([sys.executable, str(root / "tools" / "sync_compressor_table.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    from ncd import available_compressors

    table = (DOCS / "guide" / "compressors.md").read_text()
    missing = [cid for cid in available_compressors() if f"`{cid}`" not in table]
    assert not missing, f"registered compressors missing from the table in docs/guide/compressors.md: {missing}"
