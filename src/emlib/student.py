"""Students' copies of the chapters: exercise solutions removed, outputs cleared.

The chapters mark their exercises with sphinx-exercise directives, following
the book's exercise contract:

* a solution with code is a markdown cell holding only a ``{solution-start}``
  directive, then the solution's cells, then a markdown cell holding only
  ``{solution-end}`` (text sharing a cell with a marker is tolerated: what lies
  outside the solution is kept);
* a solution without code is one ``{solution}`` directive in a markdown cell;
* solutions are self-contained: no cell after a solution uses a name that only
  the solution defines.

:func:`strip_solutions` removes every solution and puts a "Your turn" note in
its place, so the student sees where to work (the exercise's starter cell stays).
It also checks the last rule, so a copy that would stop with a ``NameError``
is refused before anyone hands it out. :func:`make_student_copies` does this for
every chapter of a book folder and zips the result.

Run ``python -m emlib.student`` (or ``make student``) from the repository root.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import copy
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

CHAPTER_GLOB = "[0-9][0-9]-*.ipynb"
"""Which notebooks of the book folder are chapters: ``01-welcome.ipynb`` ..."""

STARTER_TAG = "exercise-starter"
"""The cell tag of an exercise's starter code cell, where the student works."""

ZIP_NAME = "student-notebooks.zip"
"""The archive :func:`make_student_copies` writes next to the notebooks."""

_ZIP_DATE = (2026, 1, 1, 0, 0, 0)
"""A fixed timestamp for archive members, so rebuilding gives identical bytes."""

# An opening fence: ``` or ::: (three or more), then {name}, then the argument.
_OPENING = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}[ \t]*(?P<arg>.*?)\s*$")


@dataclass(frozen=True)
class StudentCopy:
    """One chapter's student copy, as :func:`make_student_copies` wrote it.

    Attributes
    ----------
    path : pathlib.Path
        The notebook written.
    removed : tuple of str
        The labels of the exercises whose solutions were removed, in order.
    """

    path: Path
    removed: tuple[str, ...]


def _directives(text: str) -> list[tuple[str, str, int, int]]:
    """Every top-level MyST directive in ``text``: ``(name, argument, first line, end line)``.

    Lines are indexed from 0; ``end line`` is one past the closing fence (or the
    end of the text when the fence is never closed).
    """
    lines = text.splitlines()
    found = []
    i = 0
    while i < len(lines):
        match = _OPENING.match(lines[i].strip())
        if not match:
            i += 1
            continue
        fence = match["fence"]
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        found.append((match["name"], match["arg"], i, min(end + 1, len(lines))))
        i = end + 1
    return found


def _segments(text: str) -> list[tuple[str, str]]:
    """``text`` cut at its solution markers: ``("text", ...)`` pieces and ``(marker, label)`` pairs.

    A marker is a ``solution-start``, ``solution-end`` or ``solution`` directive;
    the pieces of text between them are returned as they are (possibly empty).
    """
    lines = text.splitlines()
    found, position = [], 0
    for name, argument, first, end in _directives(text):
        if name in ("solution-start", "solution-end", "solution"):
            found += [("text", "\n".join(lines[position:first])), (name, argument)]
            position = end
    return [*found, ("text", "\n".join(lines[position:]))]


def _note(label: str, title: str, *, code: bool) -> nbformat.NotebookNode:
    """The markdown cell that takes a removed solution's place (``code``: it had code cells)."""
    where = "Work in the code cell above this note" if code else "Write your answer in a new cell here"
    cell = nbformat.v4.new_markdown_cell(
        f"**Your turn: {title}** (exercise `{label}`). {where}; the solution is in the book, under the exercise."
    )
    cell.id = re.sub(r"[^A-Za-z0-9_-]", "-", f"your-turn-{label}")[:64]  # stable: same copy every run
    return cell


def _bound_and_loaded(source: str) -> tuple[set[str], set[str]]:
    """Names a code cell binds, and names it reads without binding them itself.

    IPython syntax (``%timeit``, ``!ls``) is translated first; a cell that still
    does not parse binds and reads nothing as far as this check can tell.
    """
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return set(), set()
    bound, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, loaded - bound - set(dir(builtins))


def _check_self_contained(cells: list[tuple[int, nbformat.NotebookNode, str | None]], where: str) -> None:
    """Refuse a notebook whose students' copy would read a name only a solution gives its value.

    A kept cell fails the check if it reads a name whose last binding (in cell
    order) is in a solution, and which no kept cell other than an exercise
    starter bound before: in the students' copy that name would be undefined,
    or would still hold the starter's placeholder.
    """
    last_binder: dict[str, str | None] = {}
    kept_binder: dict[str, str] = {}
    for index, cell, label in cells:
        if cell.cell_type != "code":
            continue
        bound, loaded = _bound_and_loaded(cell.source)
        if label is None:
            for name in sorted(loaded):
                if last_binder.get(name) is not None and kept_binder.get(name, "starter") == "starter":
                    raise ValueError(
                        f"{where}: cell {index} uses {name!r}, which the solution of {last_binder[name]} "
                        "defines; students' copies have no solutions, so this cell would fail there. "
                        "Make the solution self-contained (see the exercise contract)."
                    )
            kind = "starter" if STARTER_TAG in cell.metadata.get("tags", []) else "kept"
            kept_binder.update(dict.fromkeys(bound, kind))
        last_binder.update(dict.fromkeys(bound, label))


def strip_solutions(
    notebook: nbformat.NotebookNode, *, where: str = "notebook"
) -> tuple[nbformat.NotebookNode, tuple[str, ...]]:
    """A student's copy of one chapter: solutions replaced by notes, outputs cleared.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A chapter, version 4, as read by :func:`nbformat.read`; not modified.
    where : str, default "notebook"
        How error messages name the notebook (e.g. its path).

    Returns
    -------
    student : nbformat.NotebookNode
        A new notebook: each solution (a ``{solution-start}`` ... ``{solution-end}``
        run of cells, or a ``{solution}`` directive) replaced by one markdown
        note naming the exercise; every code cell's outputs and execution count
        cleared. Text that shares a markdown cell with a marker but lies outside
        the solution (a heading after ``{solution-end}``, say) is kept, in a
        cell of its own; all other cells are kept unchanged.
    removed : tuple of str
        The labels of the exercises whose solutions were removed, in order.

    Raises
    ------
    TypeError
        If ``notebook`` is not a version-4 ``NotebookNode`` or ``where`` is not a string.
    ValueError
        If the solution markers are unbalanced (a start without an end, an end
        without a start, or a start inside a solution), a solution names no
        exercise or one that the notebook does not define, or a kept cell reads
        a name that only a removed solution defines.
    """
    if not isinstance(notebook, nbformat.NotebookNode) or notebook.get("nbformat") != 4:
        raise TypeError(f"notebook must be a version-4 nbformat.NotebookNode, got {type(notebook).__name__}")
    if not isinstance(where, str):
        raise TypeError(f"where must be a string, got {type(where).__name__}")
    titles = {}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for name, argument, first, end in _directives(cell.source):
                if name in ("exercise", "exercise-start"):
                    body = cell.source.splitlines()[first + 1 : end]
                    label = next((line.split(":label:", 1)[1].strip() for line in body if ":label:" in line), None)
                    if label:
                        titles[label] = argument or label

    def exercise_of(label: str, index: int) -> str:
        if not label:
            raise ValueError(f"{where}: cell {index}: the solution names no exercise label")
        if label not in titles:
            raise ValueError(f"{where}: cell {index}: the solution is for {label!r}, but no exercise has that label")
        return label

    kept: list[tuple[int, nbformat.NotebookNode, str | None]] = []  # (index, cell, solution's label)
    removed = []
    open_label, open_index = None, None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            kept.append((index, cell, open_label))  # a solution's cells are checked for names, then dropped
            continue
        segments = _segments(cell.source)
        if len(segments) == 1:  # no marker: the cell is kept as it is, or is part of a solution
            if open_label is None:
                kept.append((index, cell, None))
            continue
        pieces = []  # the cell's text outside solutions, and notes, in order
        for kind, value in segments:
            if kind == "text":
                if open_label is None and value.strip():
                    pieces.append(value)
            elif kind == "solution-start":
                if open_label is not None:
                    raise ValueError(
                        f"{where}: cell {index}: solution-start inside the solution opened at cell {open_index}"
                    )
                open_label, open_index = exercise_of(value, index), index
            elif kind == "solution-end":
                if open_label is None:
                    raise ValueError(f"{where}: cell {index}: solution-end without a solution-start")
                pieces.append(_note(open_label, titles[open_label], code=True))
                removed.append(open_label)
                open_label = None
            elif open_label is None:  # a one-cell {solution}
                label = exercise_of(value, index)
                pieces.append(_note(label, titles[label], code=False))
                removed.append(label)
        for number, piece in enumerate(pieces):
            if isinstance(piece, str):
                piece = copy.deepcopy(cell)
                piece.source = pieces[number].strip("\n")
                if "id" in cell and number:
                    piece.id = f"{cell.id[:60]}-{number}"
            kept.append((index, piece, None))
    if open_label is not None:
        raise ValueError(f"{where}: the solution opened at cell {open_index} ({open_label}) has no solution-end")
    _check_self_contained(kept, where)

    student = copy.deepcopy(notebook)
    student.cells = [copy.deepcopy(cell) for _, cell, label in kept if label is None]
    for cell in student.cells:
        if student.nbformat_minor < 5:
            cell.pop("id", None)  # cell ids came with nbformat 4.5
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return student, tuple(removed)


def _as_path(value: object, name: str) -> Path:
    if not isinstance(value, (str, Path)):
        raise TypeError(f"{name} must be a path (str or pathlib.Path), got {type(value).__name__}")
    return Path(value)


def make_student_copies(book_dir: str | Path, out_dir: str | Path) -> list[StudentCopy]:
    """Write a student's copy of every chapter, and a zip of them, to ``out_dir``.

    Parameters
    ----------
    book_dir : str or pathlib.Path
        The folder of the chapters, ``NN-name.ipynb`` (see :data:`CHAPTER_GLOB`).
    out_dir : str or pathlib.Path
        Where to write; created if missing. Notebooks and the zip left there
        by an earlier run are replaced (a renamed chapter leaves no stale copy).
        Must not be ``book_dir`` or inside it.

    Returns
    -------
    list of StudentCopy
        One per chapter, in chapter order. The zip, :data:`ZIP_NAME`, holds the
        same notebooks under a folder ``student/``.

    Raises
    ------
    TypeError
        If an argument is not a ``str`` or ``pathlib.Path``.
    ValueError
        If ``book_dir`` is not a folder or holds no chapters, ``out_dir`` is
        inside ``book_dir``, or a chapter breaks the exercise contract (see
        :func:`strip_solutions`); nothing is written then.
    """
    book = _as_path(book_dir, "book_dir")
    out = _as_path(out_dir, "out_dir")
    if not book.is_dir():
        raise ValueError(f"book_dir {str(book)!r} is not a folder")
    if out.resolve() == book.resolve() or book.resolve() in out.resolve().parents:
        raise ValueError(f"out_dir {str(out)!r} is inside book_dir {str(book)!r}: the copies would join the book")
    chapters = sorted(book.glob(CHAPTER_GLOB))
    if not chapters:
        raise ValueError(f"book_dir {str(book)!r} holds no chapter notebooks ({CHAPTER_GLOB})")
    copies = [(path.name, *strip_solutions(nbformat.read(path, as_version=4), where=str(path))) for path in chapters]

    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob("*.ipynb"), out / ZIP_NAME]:
        stale.unlink(missing_ok=True)
    written = []
    with zipfile.ZipFile(out / ZIP_NAME, "w") as archive:
        for name, notebook, removed in copies:
            text = nbformat.writes(notebook) + "\n"
            (out / name).write_text(text, encoding="utf-8")
            member = zipfile.ZipInfo(f"student/{name}", date_time=_ZIP_DATE)
            member.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
            archive.writestr(member, text, compress_type=zipfile.ZIP_DEFLATED)
            written.append(StudentCopy(path=out / name, removed=removed))
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m emlib.student [--book BOOK] [--out OUT]``."""
    parser = argparse.ArgumentParser(prog="python -m emlib.student", description=__doc__.splitlines()[0])
    parser.add_argument("--book", default="book", help="folder of the chapter notebooks (default: book)")
    parser.add_argument("--out", default="_build/student", help="where to write (default: _build/student)")
    args = parser.parse_args(argv)
    try:
        copies = make_student_copies(args.book, args.out)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for one in copies:
        print(f"{one.path}: {len(one.removed)} solution(s) removed {list(one.removed) or ''}".rstrip())
    print(f"{Path(args.out) / ZIP_NAME}: {len(copies)} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
