"""The README's code runs as written (it is the first thing users copy)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_a_python_example():
    assert _python_blocks()


@pytest.mark.parametrize("index", range(len(_python_blocks())))
def test_readme_python_blocks_run(index, capsys):
    exec(compile(_python_blocks()[index], f"README.md block {index}", "exec"), {})
    printed = capsys.readouterr().out.split("\n")
    assert 0.5 < float(printed[0]) <= 1.0  # each block prints an accuracy first
    if index == 0:
        assert "compressor__level" in printed[1]


def test_readme_opens_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install . && ncd evaluate" in text
    assert 'pip install ".[test]" && python -m pytest' in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install ".[test]" && python -m pytest' in ci  # CI runs the README's test command
