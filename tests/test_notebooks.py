"""The teaching notebooks are committed executed, as notebooks/build.py writes them, and still run.

A reader on a code host sees the committed outputs, so they must be those of the committed source, with no
warning and nothing of the machine that ran them. Re-executing compares outlines (build.outline): the kinds
of output, the printed words and the plots' sizes, not the numbers, which differ from machine to machine.
"""

import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _import_build():
    sys.path.insert(0, str(NOTEBOOKS))
    try:
        sys.modules.pop("build", None)
        import build
    finally:
        sys.path.remove(str(NOTEBOOKS))
    return build


build = _import_build()
NAMES = list(build.NOTEBOOKS)


def committed(name):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def test_every_notebook_in_the_folder_is_built_from_source():
    assert len(NAMES) >= 4
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_its_source_executed(name):
    nb, src = committed(name), build.source(name)
    rebuild = f"run python notebooks/build.py {name[:2]}"
    assert [(c.cell_type, c.id, c.source) for c in nb.cells] == [(c.cell_type, c.id, c.source) for c in src.cells], \
        f"{name}.ipynb is not its source in build.py: {rebuild}"
    assert nb.metadata["kernelspec"] == src.metadata["kernelspec"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), \
        f"{name} is not executed top to bottom in one kernel: {rebuild}"
    outputs = [out for c in code for out in c.outputs]
    noise = [out.get("text", out.get("evalue")) for out in outputs
             if out.output_type == "error" or out.get("name") == "stderr"]
    assert not noise, f"{name} greets its reader with warnings or errors: {noise}"
    texts = json.dumps([{k: v for k, v in out.get("data", {}).items() if not k.startswith("image/")}
                        for out in outputs] + [out.get("text", "") for out in outputs])
    for trace in (str(ROOT), "site-packages", "dist-packages"):
        assert trace not in texts, f"{name}'s outputs show the build machine ({trace})"
    images = sum("image/png" in out.get("data", {}) for out in outputs)
    assert images >= 1, "every notebook draws at least one plot"
    assert "Exercises" in nb.cells[-1].source


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_offline_and_gives_its_committed_outputs(name):
    missing = [m for m in build.NEEDS.get(name, ()) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed, which {name} needs to give its committed outputs "
                    "(the lm extra: pip install 'ncd[lm]'); the committed outputs are still checked")
    nb = build.source(name)
    start = time.perf_counter()
    build.execute(nb)  # a fresh kernel, offline; a cell that raises fails here with its traceback
    seconds = time.perf_counter() - start
    ran, kept = build.outline(nb), build.outline(committed(name))
    assert len(ran) == len(kept)
    for (cell_id, source, outs), (_, _, kept_outs) in zip(ran, kept):
        assert outs == kept_outs, (f"{name} {cell_id} gives other outputs than the committed notebook "
                                   f"(run python notebooks/build.py {name[:2]}):\n{source}")
    print(f"{name}: {seconds:.1f} s")
