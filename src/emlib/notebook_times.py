"""How long each chapter takes to run: ``python -m emlib.notebook_times book/*.ipynb``.

The book promises that every chapter runs in well under a minute on a
2-core laptop. This executes each notebook from a fresh kernel, the way a
reader's "Run all" does, and prints its wall-clock time (kernel start
included), so that promise can be checked on any machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run_notebook(path: str | Path, *, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` in a fresh ``python3`` kernel; return the wall-clock seconds.

    The notebook runs in its own folder and the file is not changed.

    Raises
    ------
    TypeError
        If ``path`` is not a string or path, or ``timeout`` is not an integer.
    ValueError
        If ``path`` is not an existing ``.ipynb`` file, or ``timeout < 1``.
    nbclient.exceptions.CellExecutionError
        If a cell fails.
    """
    from emlib.validation import check_int

    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(f"path must be an existing .ipynb file, got {str(path)!r}")
    timeout = check_int(timeout, "timeout", minimum=1)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Time every notebook named on the command line; print one line each and the total."""
    parser = argparse.ArgumentParser(prog="python -m emlib.notebook_times", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", help="the .ipynb files to run")
    args = parser.parse_args(argv)
    total = 0.0
    for name in args.notebooks:
        seconds = run_notebook(name)
        total += seconds
        print(f"{seconds:6.1f} s  {name}", flush=True)
    print(f"{total:6.1f} s  in all ({len(args.notebooks)} notebooks, this machine, kernel start included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
