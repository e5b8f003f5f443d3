"""Showing the package's own source code in a chapter, never retyped.

In a notebook (Jupyter or the built book) the returned objects display as
syntax-highlighted code blocks; in a terminal, ``print`` shows plain text.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import io
import re
import textwrap
import tokenize
import types
from dataclasses import dataclass

from emlib.validation import check_int

_SHOWABLE = (types.ModuleType, type, types.FunctionType, types.MethodType)


@dataclass(frozen=True)
class Listing:
    """A block of text that a notebook displays as a highlighted code block.

    Attributes
    ----------
    text : str
        The code, without a trailing newline.
    language : str
        The highlighting language of the block, e.g. ``"python"`` or ``"diff"``
        (letters, digits, ``_``, ``+`` and ``-``; empty for no highlighting).

    Raises
    ------
    TypeError
        If ``text`` or ``language`` is not a string.
    ValueError
        If ``language`` is not a single word (it would break the code fence).
    """

    text: str
    language: str

    def __post_init__(self) -> None:
        for field in ("text", "language"):
            if not isinstance(getattr(self, field), str):
                raise TypeError(f"{field} must be a string, got {type(getattr(self, field)).__name__}")
        if not re.fullmatch(r"[A-Za-z0-9_+-]*", self.language):
            raise ValueError(f"language must be a single word such as 'python', got {self.language!r}")

    def _repr_markdown_(self) -> str:
        # A fence longer than any run of backticks inside the text cannot be closed by it.
        longest = max((len(run) for run in re.findall(r"`+", self.text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}{self.language}\n{self.text}\n{fence}\n"

    def __str__(self) -> str:
        return self.text


def _name(obj: object) -> str:
    """``module.qualname`` of a class, function or method; the name of a module."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    return f"{obj.__module__}.{obj.__qualname__}"


def _check_showable(obj: object) -> None:
    if not isinstance(obj, _SHOWABLE):
        raise TypeError(
            f"can only show the source of a module, class, function or method, got {type(obj).__name__}"
        )


def source(*objects: object, docstrings: bool = False) -> Listing:
    """The source code of ``objects``, as :func:`inspect.getsource` reads it from their files.

    Parameters
    ----------
    *objects : module, class, function or method
        One or more objects defined in Python source files, e.g.
        ``emlib.original.m_step``. Their sources are joined by a blank line,
        in the order given.
    docstrings : bool, default False
        Keep the docstrings. By default they are left out (code and comments
        stay): a chapter states the maths in its prose, where it is rendered,
        rather than as raw reStructuredText inside a listing.

    Returns
    -------
    Listing
        Displays as a highlighted Python block in a notebook; ``str()`` gives the text.

    Raises
    ------
    ValueError
        If no object is given, or the source of one cannot be found (e.g. it
        was defined interactively).
    TypeError
        If an object is not a module, class, function or method (e.g. a
        number, or a built-in function written in C), or ``docstrings`` is
        not a bool.
    """
    if not objects:
        raise ValueError("source() needs at least one object to show")
    if not isinstance(docstrings, bool):
        raise TypeError(f"docstrings must be True or False, got {type(docstrings).__name__}")
    texts = []
    for obj in objects:
        _check_showable(obj)
        try:
            texts.append(inspect.getsource(obj).rstrip("\n"))
        except (OSError, TypeError) as err:
            name = getattr(obj, "__qualname__", getattr(obj, "__name__", repr(obj)))
            raise ValueError(f"cannot find the source of {name}: {err}") from None
    if not docstrings:
        texts = [_without_docstrings(text) for text in texts]
    return Listing(text="\n\n\n".join(texts), language="python")


def _docstring_lines(text: str) -> set[int]:
    """Line numbers (from 1) of every module, class and function docstring in ``text``."""
    tree = ast.parse(textwrap.dedent(text))
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def _without_docstrings(text: str) -> str:
    """``text`` with its docstrings left out, everything else as it was."""
    drop = _docstring_lines(text)
    return "\n".join(line for number, line in enumerate(text.splitlines(), start=1) if number not in drop).strip("\n")


def _code_only(text: str) -> list[str]:
    """The lines of ``text`` (dedented) without docstrings, comments and blank lines."""
    text = textwrap.dedent(text)
    drop = _docstring_lines(text)
    lines = text.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column]
    return [line.rstrip() for number, line in enumerate(lines, start=1) if number not in drop and line.strip()]


def diff(old: object, new: object, *, context: int = 1, code_only: bool = True) -> Listing:
    """The lines that differ between the sources of two functions, as a unified diff.

    Parameters
    ----------
    old, new : module, class, function or method
        The two versions, e.g. ``emlib.original.m_step`` and ``emlib.hoisted.m_step``.
    context : int, default 1
        Unchanged lines shown around each change (>= 0).
    code_only : bool, default True
        Compare the code alone: leave out docstrings, comments and blank lines,
        so that only changes in what runs are shown.

    Returns
    -------
    Listing
        Displays as a highlighted diff: ``-`` lines only in ``old``, ``+``
        lines only in ``new``. Empty text if the sources are identical.

    Raises
    ------
    TypeError
        If ``old`` or ``new`` cannot be shown (see :func:`source`),
        ``context`` is not an integer or ``code_only`` is not a bool.
    ValueError
        If ``context`` is negative, or a source cannot be found.
    """
    context = check_int(context, "context", minimum=0)
    if not isinstance(code_only, bool):
        raise TypeError(f"code_only must be True or False, got {type(code_only).__name__}")
    old_text, new_text = source(old, docstrings=True).text, source(new, docstrings=True).text
    if code_only:
        old_lines, new_lines = _code_only(old_text), _code_only(new_text)
    else:
        old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    names = [_name(old), _name(new)]
    lines = difflib.unified_diff(old_lines, new_lines, fromfile=names[0], tofile=names[1], n=context, lineterm="")
    return Listing(text="\n".join(lines), language="diff")
