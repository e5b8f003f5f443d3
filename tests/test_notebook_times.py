"""Timing a notebook's run."""

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_notebook

from emlib.notebook_times import main, run_notebook


def write(tmp_path, *sources):
    path = tmp_path / "tiny.ipynb"
    notebook = new_notebook(cells=[new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_runs_and_times_without_changing_the_file(tmp_path, capsys):
    path = write(tmp_path, "x = 1 + 1", "assert x == 2")
    before = path.read_text()
    assert run_notebook(path) > 0
    assert path.read_text() == before
    assert main([str(path)]) == 0
    assert "tiny.ipynb" in capsys.readouterr().out


def test_a_failing_cell_fails(tmp_path):
    with pytest.raises(CellExecutionError):
        run_notebook(write(tmp_path, "assert 1 == 2"))


@pytest.mark.parametrize(
    ("path", "kwargs", "error", "message"),
    [
        (None, {}, TypeError, "path must be a str or Path"),
        ("missing.ipynb", {}, ValueError, "existing .ipynb file"),
        ("README.md", {}, ValueError, "existing .ipynb file"),
    ],
)
def test_validates(path, kwargs, error, message):
    with pytest.raises(error, match=message):
        run_notebook(path, **kwargs)


def test_validates_timeout(tmp_path):
    with pytest.raises(ValueError, match="timeout must be >= 1"):
        run_notebook(write(tmp_path, "1"), timeout=0)
