"""What every ``python -m emlib.<tool>`` does around its ``main()``: a status, and no traceback for Ctrl-C or ``| head``.

A tool's output is often read by another program that stops early
(``python -m emlib.check | head -3``): its next write then fails with
``BrokenPipeError``. Python's own advice for that case (the "Note on SIGPIPE"
in the :mod:`signal` documentation) is to stop quietly with status 1, after
pointing standard output at ``os.devnull`` so that the flush at exit does not
fail again. Ctrl-C stops a tool with one line and status 130, as a shell does.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from typing import NoReturn


_ROLE = re.compile(r":[a-z]+:`~?([^`<]*?)\s*(?:<[^>]*>)?`")
"""A Sphinx role, ``:func:`name``` or ``:doc:`title <page>```: its text is what a terminal shows."""


def plain_text(rest: str) -> str:
    """``rest``, a line of a docstring, as a terminal should show it: roles and ``literals`` without their markup."""
    return _ROLE.sub(r"\1", rest).replace("``", "")


def argument_parser(module: str, docstring: str | None) -> argparse.ArgumentParser:
    """The parser of ``python -m module``, described by the first line of its docstring, in plain text."""
    first_line = (docstring or "").splitlines()[:1]  # no docstring under python -OO
    return argparse.ArgumentParser(prog=f"python -m {module}", description=plain_text("".join(first_line)) or None)


def run(main: Callable[[], int | None], *, interrupted: str = "interrupted") -> NoReturn:
    """Exit with ``main()``'s status; on Ctrl-C print ``interrupted`` and exit 130; if stdout's reader left, exit 1 quietly."""
    try:
        try:
            status = main()
        finally:
            if sys.stdout is not None and not sys.stdout.closed:  # None when started with stdout closed (>&-)
                sys.stdout.flush()  # a reader that went away is found here, not in Python's own flush at exit
    except KeyboardInterrupt:
        print(interrupted, file=sys.stderr)
        status = 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
