"""The teaching notebooks run offline, each within two minutes, and match their source (notebooks/build.py)."""

import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks_and_they_match_their_source(monkeypatch):
    assert len(PATHS) >= 4
    monkeypatch.syspath_prepend(str(NOTEBOOKS))
    sys.modules.pop("build", None)
    import build

    for name, cells in build.NOTEBOOKS.items():
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        assert [c.source for c in nb.cells] == [src for _, src in cells], f"run python notebooks/build.py ({name})"
        assert not any(c.get("outputs") for c in nb.cells), f"{name} is committed with outputs"
        assert "Exercises" in nb.cells[-1].source


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs_offline_within_two_minutes(path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    seconds = time.perf_counter() - start
    assert seconds < 120, seconds
    images = sum("image/png" in out.get("data", {}) for cell in nb.cells for out in cell.get("outputs", []))
    assert images >= 1, "every notebook draws at least one plot"
    print(f"{path.name}: {seconds:.1f} s")
