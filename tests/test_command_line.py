"""emlib.command_line: every tool stops quietly when its reader goes away (``| head``), and on Ctrl-C."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emlib.command_line import argument_parser, plain_text, run

TOOLS = ["bench", "check", "learner_kit", "notebook_times", "serve", "student"]


def closed_pipe_run(arguments, *, unbuffered):
    """Run ``python arguments`` with its stdout a pipe whose reader has gone, as after ``| head``."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if unbuffered:
        environment["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, *arguments], stdout=write_end, stderr=subprocess.PIPE, text=True,
                              env=environment, timeout=120)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("unbuffered", [False, True])
def test_a_reader_that_leaves_gets_no_traceback_and_status_1(unbuffered):
    done = closed_pipe_run(["-c", "from emlib.command_line import run; run(lambda: print('line\\n' * 10_000))"],
                           unbuffered=unbuffered)
    assert (done.returncode, done.stderr) == (1, "")


@pytest.mark.parametrize("unbuffered", [False, True])
def test_the_setup_check_piped_into_head_says_nothing_more(unbuffered):
    done = closed_pipe_run(["-m", "emlib.check"], unbuffered=unbuffered)
    assert (done.returncode, done.stderr) == (1, "")


@pytest.mark.parametrize("tool", TOOLS)
def test_every_tool_runs_its_main_through_run(tool):
    *_, guard, call = (Path(__file__).parents[1] / "src" / "emlib" / f"{tool}.py").read_text().rstrip().splitlines()
    assert guard == 'if __name__ == "__main__":' and call.strip().startswith("run(main")


def test_the_status_of_main_is_the_exit_status():
    with pytest.raises(SystemExit) as stopped:
        run(lambda: 3)
    assert stopped.value.code == 3


def test_ctrl_c_prints_one_line_and_exits_130(capsys):
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as stopped:
        run(interrupted, interrupted="interrupted: nothing was written")
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "interrupted: nothing was written\n"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("How :func:`emlib.dask_fit.em_dask` compares with ``em_vectorized``.",
         "How emlib.dask_fit.em_dask compares with em_vectorized."),
        ("See :doc:`the Setup page <book/setup>` and :class:`~emlib.MixtureParams`.",
         "See the Setup page and emlib.MixtureParams."),
        ("Plain words stay as they are.", "Plain words stay as they are."),
    ],
)
def test_help_shows_a_docstring_line_without_its_markup(line, shown):
    assert plain_text(line) == shown


@pytest.mark.parametrize("tool", [*TOOLS, "bench dask"])
def test_every_tools_help_is_plain_text(tool):
    shown = subprocess.run([sys.executable, "-m", *f"emlib.{tool}".split(), "--help"], capture_output=True, text=True,
                           timeout=120).stdout
    assert shown.startswith(f"usage: python -m emlib.{tool}")
    assert "``" not in shown and ":func:" not in shown and ":mod:" not in shown


def test_a_tool_started_with_stdout_closed_keeps_its_status():
    done = subprocess.run(["sh", "-c", f"'{sys.executable}' -c 'from emlib.command_line import run; run(lambda: 0)' >&-"],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")


def test_help_works_without_docstrings():
    assert argument_parser("emlib.check", None).format_help().startswith("usage: python -m emlib.check")


def test_the_old_dask_benchmark_command_says_where_it_went():
    done = subprocess.run([sys.executable, "-m", "emlib.bench_dask", "--quick"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr == "python -m emlib.bench_dask: error: the command is python -m emlib.bench dask\n"
