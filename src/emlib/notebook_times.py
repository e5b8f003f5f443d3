"""How long each chapter takes to run: ``python -m emlib.notebook_times book/*.ipynb``.

The book promises that every chapter runs in well under a minute on a
2-core laptop. This executes each notebook from a fresh kernel, the way a
reader's "Run all" does, and prints its wall-clock time (kernel start
included), so that promise can be checked on any machine.

A notebook that cannot run (a missing file, not a notebook, a failing cell, a
kernel that dies) gets one ``FAIL`` line saying why, and the others still run;
the exit status is then 1. Ctrl-C stops the run with one line and status 130.
"""

from __future__ import annotations

import asyncio
import re
import signal
import time
from pathlib import Path

from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from emlib.check import kernel_log, last_log_line
from emlib.command_line import argument_parser, run
from emlib.student import read_notebook

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
"""A terminal colour or cursor code, as IPython puts in tracebacks."""


class NotebookFailed(Exception):
    """A notebook that could not run to its end; the message is one plain line saying why."""


class _Interrupted(Exception):
    """Ctrl-C was pressed: run no more cells."""


class _InterruptibleClient(NotebookClient):
    """nbclient's client, where Ctrl-C interrupts the running cell and runs no more.

    nbclient's own handler shuts the kernel down under the running cell, which
    then fails as a dead kernel, with chained tracebacks. This one interrupts
    the kernel as Jupyter's stop button does, so the run ends as after any
    failing cell and nbclient shuts the kernel down cleanly;
    :attr:`interrupted` says it was Ctrl-C.
    """

    interrupted = False
    running_cell: int | None = None
    """The index of the cell that runs, or ran last."""

    async def async_start_new_kernel(self, **kwargs: object) -> None:
        def on_interrupt() -> None:
            self.interrupted = True
            if self.km is not None and self.km.has_kernel:
                asyncio.ensure_future(ensure_async(self.km.interrupt_kernel()))

        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, on_interrupt)
        except (NotImplementedError, RuntimeError):  # Windows, or not the main thread: nbclient's handling stays
            pass
        await super().async_start_new_kernel(**kwargs)

    async def async_execute_cell(self, cell: object, cell_index: int, *args: object, **kwargs: object) -> object:
        if self.interrupted:
            raise _Interrupted
        self.running_cell = cell_index
        return await super().async_execute_cell(cell, cell_index, *args, **kwargs)


def run_notebook(path: str | Path, *, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` in a fresh ``python3`` kernel; return the wall-clock seconds.

    The notebook runs in its own folder and the file is not changed. The
    kernel's own log (e.g. ipykernel's "running over TCP without encryption"
    warning) is not shown.

    Raises
    ------
    TypeError
        If ``path`` is not a string or path, or ``timeout`` is not an integer.
    ValueError
        If ``path`` is not an existing ``.ipynb`` file, or ``timeout < 1``.
    NotebookFailed
        If the file is not a notebook, a cell fails or times out, or the
        kernel dies; the message names the cell and the error, in one line.
    """
    from emlib.validation import check_int

    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if path.suffix != ".ipynb":
        raise ValueError(f"path must be an existing .ipynb file: {str(path)!r} is not a .ipynb file")
    if not path.is_file():
        raise ValueError(f"path must be an existing .ipynb file: no file at {str(path)!r}")
    timeout = check_int(timeout, "timeout", minimum=1)
    try:
        notebook = read_notebook(path)
    except ValueError as err:  # bad JSON, not a notebook, unreadable: all the same finding; the caller names the file
        raise NotebookFailed(f"not a readable notebook ({_one_line(str(err).removeprefix(f'{path}: '))})") from None
    client = _InterruptibleClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    with kernel_log() as log:
        start = time.perf_counter()
        try:
            client.execute(stderr=log)
        except Exception as err:  # noqa: BLE001 - whatever stops a notebook is reported in one line
            if client.interrupted:
                raise KeyboardInterrupt from None
            raise NotebookFailed(_why(err, client, timeout, last_log_line(log))) from None
        return time.perf_counter() - start


def _why(error: Exception, client: _InterruptibleClient, timeout: int, kernel_said: str) -> str:
    """One line on why a notebook stopped: which cell, and what it raised."""
    cell = "a cell" if client.running_cell is None else f"cell {client.running_cell + 1}"
    if isinstance(error, CellExecutionError):
        return f"{cell} raised {error.ename}: {_one_line(error.evalue)}"
    if isinstance(error, CellTimeoutError):
        return f"{cell} ran longer than {timeout} s"
    said = f" ({_one_line(kernel_said)})" if kernel_said else ""
    if isinstance(error, DeadKernelError):
        return f"the kernel died in {cell}{said}"
    return f"could not run it: {type(error).__name__}: {_one_line(error)}{said}"


def _one_line(text: object) -> str:
    """``text`` as one plain line: terminal codes removed, lines joined."""
    return " ".join(_ANSI.sub("", str(text)).split())


def main(argv: list[str] | None = None) -> int:
    """Time every notebook named on the command line; print one line each and the total.

    Returns 0 if every notebook ran, 1 if any failed (each failure is one
    ``FAIL`` line, and the rest still run).
    """
    parser = argument_parser("emlib.notebook_times", __doc__)
    parser.add_argument("notebooks", nargs="+", help="the .ipynb files to run")
    args = parser.parse_args(argv)
    total, failed = 0.0, 0
    for name in args.notebooks:
        try:
            seconds = run_notebook(name)
        except (ValueError, NotebookFailed) as err:
            failed += 1
            print(f"  FAIL  {name}: {_one_line(err)}", flush=True)
            continue
        total += seconds
        print(f"{seconds:6.1f} s  {name}", flush=True)
    ran = len(args.notebooks) - failed
    print(f"{total:6.1f} s  in all ({ran} of {len(args.notebooks)} notebooks ran; this machine, kernel start included)"
          + (f"; {failed} failed" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    run(main, interrupted="interrupted: the notebook that was running was stopped")
