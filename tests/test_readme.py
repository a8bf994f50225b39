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


VENV = "python -m venv .venv && . .venv/bin/activate && "


def _commands():
    """The commands of the README's first shell block, comments left out."""
    block = re.search(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert text.index("```bash") < text.index("```python")  # the commands come first
    assert _commands() == [VENV + "pip install . && ncd evaluate", VENV + 'pip install ".[test]" && python -m pytest']


def test_the_test_extra_is_light_and_the_lm_extra_has_the_models():
    """On a fresh machine the test command must not fetch PyTorch (a multi-GB CUDA build by default)."""
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(README.parent / "setup.cfg", encoding="utf-8")
    extras = {name: {re.split(r"[<>=!\[ ]", req.strip())[0] for req in reqs.split("\n") if req.strip()}
              for name, reqs in cfg["options.extras_require"].items()}
    assert not extras["test"] & {"torch", "transformers"}
    assert {"torch", "transformers"} <= extras["lm"]


def test_ci_runs_the_readme_test_command_with_the_lm_extra():
    ci = [line for line in (README.parent / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith("#")]
    assert ci[-1] == _commands()[1].removeprefix(VENV)  # last: CI's exit status is the tests'
    assert any(line.startswith("pip install") and '".[lm]"' in line for line in ci[:-1])
