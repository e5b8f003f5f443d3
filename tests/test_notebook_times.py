"""Timing a notebook's run, and the command line's answer to notebooks that cannot run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from emlib.notebook_times import NotebookFailed, main, run_notebook

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, *sources, name="tiny.ipynb"):
    path = tmp_path / name
    notebook = new_notebook(cells=[new_markdown_cell("# A title")] + [new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def run_cli(*args, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen([sys.executable, "-m", "emlib.notebook_times", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kwargs)


def test_runs_and_times_without_changing_the_file(tmp_path, capsys):
    path = write(tmp_path, "x = 1 + 1", "assert x == 2")
    before = path.read_text()
    assert run_notebook(path) > 0
    assert path.read_text() == before
    assert main([str(path)]) == 0
    assert "tiny.ipynb" in capsys.readouterr().out


def test_a_failing_cell_is_named_in_one_plain_line(tmp_path):
    with pytest.raises(NotebookFailed) as failed:
        run_notebook(write(tmp_path, "x = 1", "assert x == 2, 'x is \\x1b[31mone\\x1b[0m'"))
    assert str(failed.value) == "cell 3 raised AssertionError: x is one"


def test_a_dead_kernel_is_named_in_one_line(tmp_path):
    with pytest.raises(NotebookFailed, match=r"^the kernel died in cell 3$"):
        run_notebook(write(tmp_path, "x = 1", "import os; os._exit(1)", "y = 2"))


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "not a readable notebook (not a notebook, the JSON is malformed"),
    ('{"a": 1}', "not a readable notebook ("),
    ('{"cells": 3, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "not a readable notebook ("),
])
def test_a_file_that_is_not_a_notebook_is_named(tmp_path, text, message):
    path = tmp_path / "x.ipynb"
    path.write_text(text)
    with pytest.raises(NotebookFailed) as failed:
        run_notebook(path)
    assert str(failed.value).startswith(message) and "\n" not in str(failed.value)


def test_cli_gives_one_line_per_failing_notebook_and_goes_on(tmp_path):
    """Issue 11, cause 14: every notebook is tried; no traceback, no ANSI codes, no kernel warning."""
    good = write(tmp_path, "x = 1", name="good.ipynb")
    failing = write(tmp_path, "raise ValueError('no')", name="failing.ipynb")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    done = run_cli(tmp_path / "missing.ipynb", failing, bad, ROOT / "README.md", good)
    out, err = done.communicate(timeout=300)
    lines = out.splitlines()
    assert done.returncode == 1
    assert err == ""  # in particular not ipykernel's "running over TCP without encryption"
    assert "\x1b" not in out
    assert lines[0] == f"  FAIL  {tmp_path / 'missing.ipynb'}: path must be an existing .ipynb file: no file at " \
                       f"{str(tmp_path / 'missing.ipynb')!r}"
    assert lines[1] == f"  FAIL  {failing}: cell 2 raised ValueError: no"
    assert lines[2].startswith(f"  FAIL  {bad}: not a readable notebook")
    assert lines[3].endswith("README.md' is not a .ipynb file")
    assert lines[4].endswith(f" s  {good}")
    assert "1 of 5 notebooks ran" in lines[5] and "4 failed" in lines[5]
    assert len(lines) == 6


def test_ctrl_c_stops_with_one_line_and_status_130(tmp_path):
    """Issue 11, cause 14: Ctrl-C while a cell runs: one short line, exit status 130, the kernel shut down."""
    started = tmp_path / "started"
    slow = write(tmp_path, f"open({str(started)!r}, 'w').close()", "import time; time.sleep(120)")
    done = run_cli(slow, write(tmp_path, "x = 1", name="never.ipynb"))
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline and done.poll() is None:
        time.sleep(0.1)
    assert started.exists(), done.communicate()
    time.sleep(0.5)
    done.send_signal(signal.SIGINT)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 130
    assert out == ""
    assert err.splitlines() == ["interrupted: the notebook that was running was stopped"]


@pytest.mark.parametrize(
    ("path", "kwargs", "error", "message"),
    [
        (None, {}, TypeError, "path must be a str or Path"),
        ("missing.ipynb", {}, ValueError, "existing .ipynb file: no file at"),
        ("README.md", {}, ValueError, "existing .ipynb file: 'README.md' is not a .ipynb file"),
    ],
)
def test_validates(path, kwargs, error, message):
    with pytest.raises(error, match=message):
        run_notebook(path, **kwargs)


def test_validates_timeout(tmp_path):
    with pytest.raises(ValueError, match="timeout must be >= 1"):
        run_notebook(write(tmp_path, "1"), timeout=0)
