"""Learners' copies of the chapters: plain Jupyter notebooks that read right anywhere.

The chapters in ``book/`` are written for Jupyter Book. This module writes two
kinds of copies that need nothing but numpy, scipy, matplotlib, JupyterLab and
``emlib``, and read correctly in stock JupyterLab, VS Code or Colab:

* **reader copies** (``_build/reader/``), for self-study: the whole chapter,
  each solution present but collapsed (JupyterLab's ``source_hidden`` cell
  metadata) under a visible note;
* **workshop copies** (``_build/student/``, and a zip of them): each solution
  replaced by a "Your turn" note.

In both, every MyST directive and role becomes plain Markdown
(:mod:`emlib.myst_markdown`): a glued value becomes the number the build
computed, read from the build's output (``_build/jupyter_execute/book/``); an
exercise becomes a heading with the number the site gives it ("Exercise 5.2");
a figure's caption becomes text under the figure. Bookkeeping goes: the
``myst_nb`` import, ``glue(...)`` calls, and ``remove-cell`` cells that only
fed them. Self-check cells (tag ``exercise-check``) are kept. Outputs are
cleared.

The chapters mark their exercises with sphinx-exercise directives, following
the book's exercise contract:

* a solution with code is a markdown cell holding only a ``{solution-start}``
  directive, then the solution's cells, then a markdown cell holding only
  ``{solution-end}`` (text sharing a cell with a marker is tolerated: what lies
  outside the solution is kept);
* a solution without code is one ``{solution}`` directive in a markdown cell;
* solutions are self-contained: no cell after a solution uses a name that only
  the solution defines (checked, so a workshop copy that would stop with a
  ``NameError`` is refused before anyone hands it out).

Run ``python -m emlib.student`` (or ``make student``) from the repository root
after building the book. Each output folder is replaced as a whole, atomically:
an error or Ctrl-C leaves the earlier copies as they were.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import copy
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from emlib.command_line import argument_parser, run
from emlib.files import zip_bytes
from emlib.myst_markdown import Context, directives, to_markdown

CHAPTER_GLOB = "[0-9][0-9]-*.ipynb"
"""Which notebooks of the book folder are chapters: ``01-welcome.ipynb`` ..."""

STARTER_TAG = "exercise-starter"
"""The cell tag of an exercise's starter code cell, where the learner works."""

CHECK_TAG = "exercise-check"
"""The cell tag of an exercise's self-check cell: kept in both kinds of copies."""

BOOKKEEPING_TAG = "remove-cell"
"""Cells with this tag are hidden on the site: glue calls and the like."""

HIDDEN_INPUT_TAGS = ("remove-input", "hide-input")
"""Cells whose code the site hides but whose output (a figure) it shows: kept, code collapsed."""

ZIP_NAME = "student-notebooks.zip"
"""The archive of the workshop copies, written next to them."""

BOOKKEEPING_MODULES = ("myst_nb", "jupyter_book")
"""Modules only the build has: their imports are removed from the copies."""

_TIMED_LINE = re.compile(r"^(?P<indent>\s*)(?P<lhs>[\w\s,.\[\]()]+=\s*)?%(?P<magic>timeit|time|prun)\b(?P<rest>.*)$")
_TIMED_CELL = re.compile(r"^\s*%%(?P<magic>timeit|time|prun|capture)\b(?P<rest>.*)$")
_MAGIC_OPTIONS_WITH_VALUE = {"-n", "-r", "-p", "-s", "-T", "-D", "-l"}


@dataclass(frozen=True)
class ChapterCopies:
    """One chapter's copies, as :func:`make_copies` wrote them.

    Attributes
    ----------
    name : str
        The chapter's file name, e.g. ``"05-broadcasting.ipynb"``.
    reader : pathlib.Path or None
        The reader copy written (``None`` if none was asked for).
    student : pathlib.Path or None
        The workshop copy written (``None`` if none was asked for).
    exercises : tuple of str
        The numbers of the exercises whose solutions were hidden or removed,
        in order, e.g. ``("5.1", "5.2")``.
    """

    name: str
    reader: Path | None
    student: Path | None
    exercises: tuple[str, ...]


# --- reading -----------------------------------------------------------------


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read and validate a version-4 notebook; every error names the file.

    Raises
    ------
    ValueError
        If the file cannot be read, is empty, is not JSON, is not a notebook,
        is not nbformat 4, or does not validate (a cell without ``source``, say).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read it ({err.strerror if isinstance(err, OSError) else err})") from None
    if not text.strip():
        raise ValueError(f"{path}: the file is empty, not a notebook")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not a notebook, the JSON is malformed ({err})") from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise ValueError(f"{path}: not a notebook (no 'cells')")
    if data.get("nbformat") != 4:
        raise ValueError(
            f"{path}: nbformat {data.get('nbformat')!r}, but only version 4 is read; "
            "open and save it in JupyterLab to upgrade it"
        )
    try:
        notebook = nbformat.v4.reads(text)  # joins split sources
        nbformat.validate(notebook)
    except nbformat.ValidationError as err:
        place = "/".join(str(part) for part in err.absolute_path) or "top level"
        raise ValueError(f"{path}: not a valid notebook at {place}: {err.message}") from None
    except (TypeError, AttributeError, KeyError) as err:  # nbformat trips on a wrong shape, e.g. "cells": 3
        raise ValueError(f"{path}: not a valid notebook ({type(err).__name__}: {err})") from None
    return notebook


def glued_values(executed_dir: str | Path | None, stem: str) -> dict[str, dict[str, str]] | None:
    """The values a chapter glued when the book was built, by key; ``None`` if the build left none.

    Reads ``<executed_dir>/<stem>.glue.json``, which myst-nb writes next to the
    executed notebook, or else the ``glue`` outputs of ``<executed_dir>/<stem>.ipynb``.

    Raises
    ------
    ValueError
        If the file exists but cannot be read.
    """
    if executed_dir is None:
        return None
    folder = Path(executed_dir)
    store = folder / f"{stem}.glue.json"
    if store.is_file():
        try:
            data = json.loads(store.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise ValueError(f"{store}: cannot read the glued values ({err})") from None
        if not isinstance(data, dict):
            raise ValueError(f"{store}: not a store of glued values")
        return {key: dict(value.get("data", {})) for key, value in data.items() if isinstance(value, dict)}
    executed = folder / f"{stem}.ipynb"
    if not executed.is_file():
        return None
    values = {}
    for cell in read_notebook(executed).cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = dict(output.get("data", {}))
    return values


# --- the exercise contract -----------------------------------------------------


def _segments(text: str) -> list[tuple[str, str]]:
    """``text`` cut at its solution markers: ``("text", ...)`` pieces and ``(marker, argument)`` pairs.

    A marker is a ``solution-start``, ``solution-end`` or ``solution``
    directive; for a ``solution`` the argument is the label and the directive's
    body, separated by a newline.
    """
    lines = text.splitlines()
    found, position = [], 0
    for directive in directives(text):
        if directive.name in ("solution-start", "solution-end", "solution"):
            value = directive.argument
            if directive.name == "solution":
                value += "\n" + directive.body.strip("\n")
            found += [("text", "\n".join(lines[position : directive.first])), (directive.name, value)]
            position = directive.end
    return [*found, ("text", "\n".join(lines[position:]))]


@dataclass
class _Entry:
    """One piece of a chapter: a cell (in a solution or not), or a solution marker."""

    kind: str  # "cell", "start", "end" or "prose" (a one-cell solution's text)
    index: int
    label: str | None = None
    cell: nbformat.NotebookNode | None = None
    text: str = ""


def _timed_statement(rest: str) -> str:
    """The statement of a ``%timeit``/``%time`` line, without the magic's options."""
    words = rest.split()
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option in _MAGIC_OPTIONS_WITH_VALUE and words:
            words.pop(0)
    return rest[rest.find(words[0]) :] if words else ""


def _as_python(source: str) -> str:
    """A cell's code as plain Python for name analysis: timed statements of magics become code."""
    lines = source.splitlines()
    cell_magic = _TIMED_CELL.match(lines[0]) if lines else None
    if cell_magic:
        setup = _timed_statement(cell_magic["rest"]) if cell_magic["magic"] == "timeit" else ""
        lines = [setup, *lines[1:]]
    else:
        for number, line in enumerate(lines):
            timed = _TIMED_LINE.match(line)
            if timed:
                statement = _timed_statement(timed["rest"])
                lhs = timed["lhs"] or ""
                lines[number] = f"{timed['indent']}{lhs}({statement})" if lhs else f"{timed['indent']}{statement}"
    return TransformerManager().transform_cell("\n".join(lines))


def _bound_and_loaded(source: str) -> tuple[set[str], set[str]]:
    """Names a code cell binds, and names it reads without binding them itself.

    IPython syntax is translated first (the statement timed by ``%timeit``,
    ``%time`` or ``%%time`` counts as code); ``del name`` and ``name += ...``
    read ``name``; ``from m import *`` binds ``"*"``. A cell that still does not
    parse binds and reads nothing as far as this check can tell.
    """
    try:
        tree = ast.parse(_as_python(source))
    except SyntaxError:
        return set(), set()
    bound, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            loaded.add(node.target.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, loaded - bound - set(dir(builtins))


def _check_self_contained(entries: list[_Entry], where: str) -> None:
    """Refuse a chapter whose workshop copy would read a name only a solution gives its value.

    A kept cell fails the check if it reads a name whose last binding (in cell
    order) is in a solution, and which no kept cell other than an exercise
    starter bound before: in the workshop copy that name would be undefined,
    or would still hold the starter's placeholder. A name that no kept cell
    binds fails it too when a solution did ``from m import *``.
    """
    last_binder: dict[str, str | None] = {}
    kept_binder: dict[str, str] = {}
    star_solution = None
    for entry in entries:
        if entry.kind != "cell" or entry.cell.cell_type != "code":
            continue
        bound, loaded = _bound_and_loaded(entry.cell.source)
        if entry.label is None:
            for name in sorted(loaded):
                solution = last_binder.get(name)
                if solution is None and name not in kept_binder and "*" not in kept_binder:
                    solution = star_solution
                if solution is not None and kept_binder.get(name, "starter") == "starter":
                    how = "defines" if name in last_binder else "may define with `from ... import *`"
                    raise ValueError(
                        f"{where}: cell {entry.index} uses {name!r}, which the solution of {solution} {how}; "
                        "workshop copies have no solutions, so this cell would fail there. "
                        "Make the solution self-contained (see the exercise contract)."
                    )
            kind = "starter" if STARTER_TAG in entry.cell.metadata.get("tags", []) else "kept"
            kept_binder.update(dict.fromkeys(bound, kind))
        elif "*" in bound:
            star_solution = entry.label
        last_binder.update(dict.fromkeys(bound - {"*"}, entry.label))


def _entries(notebook: nbformat.NotebookNode, labels: set[str], where: str) -> list[_Entry]:
    """The chapter cut into cells and solution markers; checks the markers balance."""

    def exercise_of(label: str, index: int) -> str:
        if not label:
            raise ValueError(f"{where}: cell {index}: the solution names no exercise label")
        if label not in labels:
            raise ValueError(f"{where}: cell {index}: the solution is for {label!r}, but no exercise has that label")
        return label

    entries: list[_Entry] = []
    open_label, open_index = None, None
    for index, cell in enumerate(notebook.cells):
        segments = _segments(cell.source) if cell.cell_type == "markdown" else [("text", cell.source)]
        if len(segments) == 1:  # no marker
            entries.append(_Entry("cell", index, open_label, cell))
            continue
        number = 0
        for kind, value in segments:
            if kind == "text":
                if value.strip():
                    piece = copy.deepcopy(cell)
                    piece.source = value.strip("\n")
                    if "id" in cell and number:
                        piece.id = f"{cell.id[:60]}-{number}"
                    number += 1
                    entries.append(_Entry("cell", index, open_label, piece))
            elif kind == "solution-start":
                if open_label is not None:
                    raise ValueError(
                        f"{where}: cell {index}: solution-start inside the solution opened at cell {open_index}"
                    )
                open_label, open_index = exercise_of(value, index), index
                entries.append(_Entry("start", index, open_label))
            elif kind == "solution-end":
                if open_label is None:
                    raise ValueError(f"{where}: cell {index}: solution-end without a solution-start")
                entries.append(_Entry("end", index, open_label))
                open_label = None
            elif open_label is None:  # a one-cell {solution}: label, then its text
                label, _, text = value.partition("\n")
                entries.append(_Entry("prose", index, exercise_of(label.strip(), index), text=text))
    if open_label is not None:
        raise ValueError(f"{where}: the solution opened at cell {open_index} ({open_label}) has no solution-end")
    return entries


# --- the chapter's numbers and the build's values --------------------------------


def _exercises(notebook: nbformat.NotebookNode, chapter: int) -> tuple[dict[str, str], dict[str, str]]:
    """Each exercise's number (``"5.2"``, as sphinx-exercise gives it) and title, by label."""
    numbers, titles, count = {}, {}, 0
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for directive in directives(cell.source):
            if directive.name != "exercise":
                continue
            label = directive.options.get("label", "")
            numbered = "nonumber" not in directive.options
            if numbered:
                count += 1
            if label:
                titles[label] = directive.argument or label
                if numbered:
                    numbers[label] = f"{chapter}.{count}"
    return numbers, titles


def _figures(notebook: nbformat.NotebookNode, chapter: int) -> dict[int, str]:
    """Each captioned figure's number (``"5.1"``), by cell index."""
    captioned = [
        index for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
    ]
    return {index: f"{chapter}.{number}" for number, index in enumerate(captioned, start=1)}


def chapter_numbers(notebook: nbformat.NotebookNode, chapter: int) -> dict[str, str]:
    """What a ``{ref}`` or ``{numref}`` to each of a chapter's labels shows on the site.

    E.g. ``{"ex-05-shapes": "Exercise 5.1", "fig-05-cells": "Fig. 5.1"}``.
    """
    figures = _figures(notebook, chapter)
    numbers = {
        name: f"Fig. {number}"
        for index, number in figures.items()
        if (name := notebook.cells[index].metadata["mystnb"]["figure"].get("name"))
    }
    numbers.update({label: f"Exercise {number}" for label, number in _exercises(notebook, chapter)[0].items()})
    return numbers


def _title(text: str, default: str) -> str:
    heading = re.search(r"^#\s+(.+?)\s*$", text, re.M)
    return heading[1] if heading else default


def book_documents(book_dir: Path) -> dict[str, tuple[str, str | None]]:
    """Every page of the book folder: its title and, for a chapter, the notebook a link opens."""
    documents: dict[str, tuple[str, str | None]] = {}
    for page in sorted(book_dir.glob("*.md")):
        documents[page.stem] = (_title(page.read_text(encoding="utf-8"), page.stem), None)
    for path in sorted(book_dir.glob(CHAPTER_GLOB)):
        try:
            first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"]
            text = "".join(first) if isinstance(first, list) else str(first)
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            text = ""  # read_notebook reports the problem when the chapter itself is read
        documents[path.stem] = (_title(text, path.stem), path.name)
    return documents


# --- the copies ----------------------------------------------------------------------


def _is_bookkeeping(statement: ast.stmt) -> bool:
    """A statement only the build needs: a ``glue(...)`` call or an import of myst_nb/jupyter_book,
    or a compound statement holding nothing else."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        function = statement.value.func
        return isinstance(function, ast.Name) and function.id == "glue"
    if isinstance(statement, ast.Import):
        return all(alias.name.split(".")[0] in BOOKKEEPING_MODULES for alias in statement.names)
    if isinstance(statement, ast.ImportFrom):
        return (statement.module or "").split(".")[0] in BOOKKEEPING_MODULES
    bodies = [getattr(statement, name, None) for name in ("body", "orelse", "finalbody")]
    bodies = [body for body in bodies if isinstance(body, list) and body]
    return bool(bodies) and not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and all(
        _is_bookkeeping(inner) for body in bodies for inner in body
    )


def _bookkeeping_lines(statements: list[ast.stmt]) -> set[int]:
    lines: set[int] = set()
    for statement in statements:
        if _is_bookkeeping(statement):
            lines.update(range(statement.lineno, statement.end_lineno + 1))
        else:
            for name in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(statement, name, None)
                if isinstance(inner, list):
                    lines |= _bookkeeping_lines([s for s in inner if isinstance(s, ast.stmt)])
            for handler in getattr(statement, "handlers", []):
                lines |= _bookkeeping_lines(handler.body)
    return lines


def strip_bookkeeping(source: str) -> str:
    """A code cell without what only the build needs: ``glue(...)`` calls, myst_nb imports.

    A comment right above a removed statement goes with it; so does a loop or
    ``if`` left with nothing else in it. Returns ``""`` when nothing but
    comments would be left. A cell that does not parse as Python (IPython
    magics) is returned as it is.
    """
    lines = source.splitlines()
    masked = "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line for line in lines)
    try:
        tree = ast.parse(masked)
    except SyntaxError:
        return source
    removed = _bookkeeping_lines(tree.body)
    if not removed:
        return source
    for number in sorted(removed):
        above = number - 1
        while above >= 1 and above not in removed and lines[above - 1].strip().startswith("#"):
            removed.add(above)
            above -= 1
    kept = [line for number, line in enumerate(lines, start=1) if number not in removed]
    text = re.sub(r"\n{4,}", "\n\n\n", "\n".join(kept)).strip("\n")
    if all(not line.strip() or line.strip().startswith("#") for line in text.splitlines()):
        return ""
    return text


def _note(text: str, cell_id: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = re.sub(r"[^A-Za-z0-9_-]", "-", cell_id)[:64]  # stable: the same copy every run
    return cell


def _hide(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return cell


def _plain_cell(
    cell: nbformat.NotebookNode, context: Context, where: str, figure: str | None
) -> list[nbformat.NotebookNode]:
    """A cell of the chapter as it goes into a copy: none (bookkeeping only), one, or a figure and its caption.

    ``figure`` is the figure's number (``"5.1"``) if the cell draws a captioned figure.
    """
    cell = copy.deepcopy(cell)
    if cell.cell_type == "markdown":
        cell.source = to_markdown(cell.source, context, where=where)
        return [cell] if cell.source.strip() else []
    if cell.cell_type != "code":
        return [cell]
    cell.source = strip_bookkeeping(cell.source)
    cell.outputs, cell.execution_count = [], None
    if not cell.source:
        return []
    tags = cell.metadata.get("tags", [])
    if any(tag in tags for tag in HIDDEN_INPUT_TAGS):
        _hide(cell)
    caption = cell.metadata.pop("mystnb", {}).get("figure", {}).get("caption")
    if not caption:
        return [cell]
    text = to_markdown(caption, context, where=f"{where} (figure caption)")
    return [cell, _note(f"*Figure {figure}: {text}*", f"{cell.get('id', 'figure')[:56]}-caption")]


def _used_later(cells: list[nbformat.NotebookNode], index: int) -> bool:
    """Whether a later code cell reads a name that cell ``index`` binds."""
    bound, _ = _bound_and_loaded(cells[index].source)
    for later in cells[index + 1 :]:
        if later.cell_type == "code" and bound & _bound_and_loaded(later.source)[1]:
            return True
    return False


def convert_chapter(
    notebook: nbformat.NotebookNode,
    *,
    chapter: int,
    glued: dict[str, dict[str, str]] | None = None,
    documents: dict[str, tuple[str, str | None]] | None = None,
    references: dict[str, str] | None = None,
    where: str = "notebook",
) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode, tuple[str, ...]]:
    """A chapter's reader copy and workshop copy.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The chapter, version 4; not modified.
    chapter : int
        Its number on the site (exercise 2 of chapter 5 is "Exercise 5.2").
    glued : dict, optional
        The values the build glued, by key (see :func:`glued_values`); needed
        only if the chapter shows glued values.
    documents : dict, optional
        The book's pages, for ``{doc}`` links (see :func:`book_documents`).
    references : dict, optional
        What ``{ref}``/``{numref}`` to other chapters' labels show, e.g.
        ``{"ex-03-total": "Exercise 3.2"}`` (see :func:`chapter_numbers`).
    where : str, default "notebook"
        How error messages name the chapter (e.g. its path).

    Returns
    -------
    reader : nbformat.NotebookNode
        Every solution kept but collapsed, under a note "Solution to Exercise 5.2".
    student : nbformat.NotebookNode
        Every solution replaced by a note "Your turn: Exercise 5.2".
    exercises : tuple of str
        The numbers (or, for unnumbered exercises, labels) of the exercises
        whose solutions were collapsed or removed, in order.

    Raises
    ------
    TypeError
        If ``notebook`` is not a version-4 ``NotebookNode`` or ``where`` is not a string.
    ValueError
        If the solution markers are unbalanced, a solution names no exercise or
        an unknown one, a kept cell reads a name only a removed solution defines,
        or the text holds markup :mod:`emlib.myst_markdown` cannot convert.
    """
    if not isinstance(notebook, nbformat.NotebookNode) or notebook.get("nbformat") != 4:
        raise TypeError(f"notebook must be a version-4 nbformat.NotebookNode, got {type(notebook).__name__}")
    if not isinstance(where, str):
        raise TypeError(f"where must be a string, got {type(where).__name__}")
    exercise_numbers, titles = _exercises(notebook, chapter)
    figures = _figures(notebook, chapter)
    names = {**(references or {}), **chapter_numbers(notebook, chapter)}
    uses_glue = any("{glue" in cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    if uses_glue and glued is None:
        raise ValueError(
            f"{where}: the chapter shows values computed when the book is built, but the build's "
            "output is missing; build the book first (make book)"
        )
    context = Context(glued=glued or {}, numbers=names, exercises=exercise_numbers,
                      documents=documents or {}, where=where)
    entries = _entries(notebook, set(titles), where)
    _check_self_contained(entries, where)

    def heading(label: str) -> str:
        number = exercise_numbers.get(label)
        title = to_markdown(titles[label], context, where=where)
        return f"Exercise {number}: {title}" if number else f"Exercise: {title}"

    reader_cells: list[nbformat.NotebookNode] = []
    student_cells: list[nbformat.NotebookNode] = []
    done: list[str] = []
    for entry in entries:
        where_cell = f"{where}: cell {entry.index}"
        if entry.kind == "start":
            reader_cells.append(_note(
                f"**Solution to {heading(entry.label)}**\n\nTry the exercise first. The solution's cells are "
                "collapsed below: click the bar left of a cell (or its `...`) to open it.",
                f"solution-{entry.label}",
            ))
        elif entry.kind == "end":
            student_cells.append(_note(
                f"**Your turn: {heading(entry.label)}**\n\nWrite your answer in the exercise's code cell above, "
                "then run its `check(...)` cell; the solution is in the book, under the exercise.",
                f"your-turn-{entry.label}",
            ))
            done.append(exercise_numbers.get(entry.label, entry.label))
        elif entry.kind == "prose":
            reader_cells.append(_note(
                f"**Solution to {heading(entry.label)}**\n\nThink first, then open the collapsed cell below.",
                f"solution-{entry.label}",
            ))
            reader_cells.append(_hide(_note(to_markdown(entry.text, context, where=where_cell),
                                            f"solution-text-{entry.label}")))
            student_cells.append(_note(
                f"**Your turn: {heading(entry.label)}**\n\nWrite your answer in a new cell here; "
                "the solution is in the book, under the exercise.",
                f"your-turn-{entry.label}",
            ))
            done.append(exercise_numbers.get(entry.label, entry.label))
        else:
            cells = _plain_cell(entry.cell, context, where_cell, figures.get(entry.index))
            if entry.label is None:
                reader_cells += cells
                student_cells += copy.deepcopy(cells)
            else:
                reader_cells += [_hide(cell) for cell in cells]
    # A remove-cell cell that still computes something stays only if a later cell reads it.
    for cells in (reader_cells, student_cells):
        kept = []
        for index, cell in enumerate(cells):
            if BOOKKEEPING_TAG in cell.metadata.get("tags", []) and not _used_later(cells, index):
                continue
            kept.append(cell)
        cells[:] = kept

    def notebook_of(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
        result = copy.deepcopy(notebook)
        result.cells = cells
        result.nbformat_minor = max(result.nbformat_minor, 5)
        for cell in result.cells:
            if cell.cell_type == "code":
                tags = [tag for tag in cell.metadata.get("tags", []) if tag != BOOKKEEPING_TAG]
                if tags:
                    cell.metadata["tags"] = tags
                else:
                    cell.metadata.pop("tags", None)
        seen: set[str] = set()
        for number, cell in enumerate(result.cells):
            if "id" not in cell or cell.id in seen:
                cell.id = f"cell-{number}"
            seen.add(cell.id)
        return result

    return notebook_of(reader_cells), notebook_of(student_cells), tuple(done)


@contextlib.contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold Ctrl-C back until the block is done (in the main thread; elsewhere it cannot arrive)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


def replace_folder(target: Path, files: dict[str, bytes]) -> None:
    """Make ``target`` hold exactly ``files``, atomically: all the new files, or the old folder untouched.

    The files are written into a new folder next to ``target``, which then
    takes its place; an error or Ctrl-C before that leaves ``target`` as it was
    and removes the new folder. Other files in ``target`` are not kept.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    old = None
    try:
        for name, data in files.items():
            (fresh / name).write_bytes(data)
        fresh.chmod(0o755)
        with _interrupt_deferred():
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                os.replace(target, old / target.name)
            os.replace(fresh, target)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _check_replaceable(target: Path, name: str) -> None:
    """Refuse to replace anything but an earlier run's copies: a missing folder, or one with only notebooks."""
    if not target.exists():
        return
    if not target.is_dir():
        raise ValueError(f"{name} {str(target)!r} is a file, not a folder")
    others = sorted(
        path.name for path in target.iterdir()
        if path.name != ".ipynb_checkpoints" and not (path.is_file() and (path.suffix == ".ipynb" or path.name == ZIP_NAME))
    )
    if others:
        raise ValueError(
            f"{name} {str(target)!r} holds files that are not copies of chapters ({', '.join(others[:3])}); "
            "the copies replace the whole folder, so choose a new or empty one"
        )


def _as_path(value: object, name: str, *, optional: bool = False) -> Path | None:
    if value is None and optional:
        return None
    if not isinstance(value, (str, Path)):
        raise TypeError(f"{name} must be a path (str or pathlib.Path), got {type(value).__name__}")
    return Path(value)


def build_copies(
    book_dir: str | Path, executed_dir: str | Path | None = None
) -> list[tuple[str, nbformat.NotebookNode, nbformat.NotebookNode, tuple[str, ...]]]:
    """Every chapter's reader and workshop copy, in memory: ``(name, reader, student, exercises)``.

    Raises
    ------
    TypeError
        If an argument is not a path.
    ValueError
        If ``book_dir`` is not a folder or holds no chapters, or a chapter cannot
        be read or converted (the message names the file).
    """
    book = _as_path(book_dir, "book_dir")
    executed = _as_path(executed_dir, "executed_dir", optional=True)
    if not book.is_dir():
        raise ValueError(f"book_dir {str(book)!r} is not a folder")
    chapters = sorted(book.glob(CHAPTER_GLOB))
    if not chapters:
        raise ValueError(f"book_dir {str(book)!r} holds no chapter notebooks ({CHAPTER_GLOB})")
    documents = book_documents(book)
    notebooks = {path: read_notebook(path) for path in chapters}
    references = {}  # every chapter's labels: a chapter may refer to another's exercise
    for path, notebook in notebooks.items():
        references.update(chapter_numbers(notebook, int(path.name[:2])))
    copies = []
    for path, notebook in notebooks.items():
        reader, student, exercises = convert_chapter(
            notebook, chapter=int(path.name[:2]), glued=glued_values(executed, path.stem),
            documents=documents, references=references, where=str(path),
        )
        copies.append((path.name, reader, student, exercises))
    return copies


def make_copies(
    book_dir: str | Path,
    *,
    student_dir: str | Path | None = None,
    reader_dir: str | Path | None = None,
    executed_dir: str | Path | None = None,
) -> list[ChapterCopies]:
    """Write every chapter's workshop copy (and a zip of them) and reader copy.

    Parameters
    ----------
    book_dir : str or pathlib.Path
        The folder of the chapters, ``NN-name.ipynb`` (see :data:`CHAPTER_GLOB`).
    student_dir, reader_dir : str or pathlib.Path, optional
        Where to write the workshop copies (with :data:`ZIP_NAME`) and the
        reader copies; a folder not given is not written. Each is replaced as
        a whole, atomically (a renamed chapter leaves no stale copy; an error or
        Ctrl-C leaves the earlier copies). Neither may be ``book_dir`` or inside
        it, nor a folder holding anything but notebooks (and :data:`ZIP_NAME`).
    executed_dir : str or pathlib.Path, optional
        The build's executed chapters (``_build/jupyter_execute/book``), for
        the glued values.

    Returns
    -------
    list of ChapterCopies
        One per chapter, in chapter order.

    Raises
    ------
    TypeError
        If an argument is not a ``str`` or ``pathlib.Path``.
    ValueError
        If ``book_dir`` is not a folder or holds no chapters, an output folder
        is inside ``book_dir``, is a file, holds other files, or both output
        folders are the same, or a chapter cannot be read or breaks the
        exercise contract; nothing is written then.
    """
    book = _as_path(book_dir, "book_dir")
    outputs = {"student_dir": _as_path(student_dir, "student_dir", optional=True), "reader_dir": _as_path(reader_dir, "reader_dir", optional=True)}
    if book.is_dir():
        for name, out in outputs.items():
            if out is not None and (out.resolve() == book.resolve() or book.resolve() in out.resolve().parents):
                raise ValueError(f"{name} {str(out)!r} is inside book_dir {str(book)!r}: the copies would join the book")
    given = [(name, out) for name, out in outputs.items() if out is not None]
    for name, out in given:
        _check_replaceable(out, name)
    if len(given) == 2 and given[0][1].resolve() == given[1][1].resolve():
        raise ValueError(f"student_dir and reader_dir are the same folder, {str(given[0][1])!r}")
    copies = build_copies(book, executed_dir)
    texts = {
        kind: {name: (nbformat.writes(pair[number]) + "\n").encode() for name, *pair, _ in copies}
        for kind, number in (("reader_dir", 0), ("student_dir", 1))
    }
    student, reader = outputs["student_dir"], outputs["reader_dir"]
    if student is not None:
        files = dict(texts["student_dir"])
        files[ZIP_NAME] = zip_bytes({f"student/{name}": data for name, data in texts["student_dir"].items()})
        replace_folder(student, files)
    if reader is not None:
        replace_folder(reader, texts["reader_dir"])
    return [
        ChapterCopies(name, reader / name if reader else None, student / name if student else None, exercises)
        for name, _, _, exercises in copies
    ]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m emlib.student [--book BOOK] [--executed DIR] [--reader DIR] [--student DIR]``."""
    parser = argument_parser("emlib.student", __doc__)
    parser.add_argument("--book", default="book", help="folder of the chapter notebooks (default: book)")
    parser.add_argument("--executed", default="_build/jupyter_execute/book",
                        help="the build's executed chapters, for glued values (default: _build/jupyter_execute/book)")
    parser.add_argument("--reader", default="_build/reader", help="where to write reader copies (default: _build/reader)")
    parser.add_argument("--student", "--out", dest="student", default="_build/student",
                        help="where to write workshop copies (default: _build/student)")
    args = parser.parse_args(argv)
    try:
        copies = make_copies(args.book, student_dir=args.student, reader_dir=args.reader, executed_dir=args.executed)
    except (ValueError, OSError) as err:
        print(f"{parser.prog}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted; the earlier copies are unchanged", file=sys.stderr)
        return 130
    for one in copies:
        numbers = ", ".join(one.exercises) or "none"
        print(f"{one.name}: exercises {numbers}")
    print(f"reader copies in {args.reader}; workshop copies and {ZIP_NAME} in {args.student}")
    return 0


if __name__ == "__main__":
    run(main)
