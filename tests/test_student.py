"""Tests of emlib.student: the reader and workshop copies of the chapters (``make student``)."""

import html
import json
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from emlib import student
from emlib.myst_markdown import find_myst, format_glued
from emlib.notebook_times import run_notebook

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
EXECUTED = ROOT / "_build" / "jupyter_execute" / "book"
SITE = ROOT / "_build" / "html" / "book"

EXERCISE = """Try it:

```{exercise} Sum the rows
:label: ex-09-rows

Sum each row of `x` without a loop.
```"""
EXERCISE_WHY = """````{exercise} Why axis 1?
:label: ex-09-why
:nonumber:

Explain.
````"""
START = "```{solution-start} ex-09-rows\n:class: dropdown\n```"
END = "```{solution-end}\n```"
SOLUTION_CODE = "rows_solution = x.sum(axis=1)\nassert np.allclose(rows_solution, [3.0, 12.0])"
SOLUTION_PROSE = ":::{solution} ex-09-why\n:class: dropdown\n\nAxis 1 runs along each row, the secret reason.\n:::"


def starter(source: str) -> nbformat.NotebookNode:
    return new_code_cell(source, metadata={"tags": [student.STARTER_TAG]})


def chapter(*extra: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A small chapter following the exercise contract, with outputs, then ``extra`` cells."""
    first = new_code_cell("import numpy as np\nx = np.arange(6.0).reshape(2, 3)\nx", execution_count=1)
    first.outputs = [new_output("execute_result", {"text/plain": "array(...)"}, execution_count=1)]
    cells = [
        new_markdown_cell("# A chapter"),
        first,
        new_markdown_cell(EXERCISE),
        starter("rows = None  # your code here: x.sum(...)"),
        new_markdown_cell(START),
        new_code_cell(SOLUTION_CODE),
        new_markdown_cell("The axis is the one that *disappears*, the hidden hint."),
        new_markdown_cell(END),
        new_markdown_cell(EXERCISE_WHY),
        new_markdown_cell(SOLUTION_PROSE),
        new_code_cell("print(x.shape)"),
        *extra,
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def convert(notebook, **kwargs):
    return student.convert_chapter(notebook, chapter=kwargs.pop("chapter", 9), **kwargs)


def all_text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in notebook.cells)


def hidden(cell) -> bool:
    return cell.metadata.get("jupyter", {}).get("source_hidden", False)


# --- convert_chapter: the workshop copy -------------------------------------------


def test_the_workshop_copy_replaces_each_solution_with_a_note():
    _, copy, done = convert(chapter())
    assert done == ("9.1", "ex-09-why")
    sources = [cell.source for cell in copy.cells]
    assert sources[:2] == ["# A chapter", chapter().cells[1].source]
    assert sources[2] == "Try it:\n\n### Exercise 9.1: Sum the rows\n\nSum each row of `x` without a loop."
    assert sources[3] == "rows = None  # your code here: x.sum(...)"
    assert sources[4].startswith("**Your turn: Exercise 9.1: Sum the rows**\n\nWrite your answer in the exercise's code cell above")
    assert sources[5] == "### Exercise: Why axis 1?\n\nExplain."
    assert sources[6].startswith("**Your turn: Exercise: Why axis 1?**\n\nWrite your answer in a new cell")
    assert "the solution is in the book" in sources[6]
    assert sources[7] == "print(x.shape)"
    assert len(copy.cells) == 8


def test_the_workshop_copy_leaves_no_solution_text_and_no_markup():
    _, copy, _ = convert(chapter())
    text = all_text(copy)
    for secret in ("rows_solution", "the hidden hint", "the secret reason", "{solution", ":label:", "```"):
        assert secret not in text
    assert find_myst(text) == []


def test_the_reader_copy_keeps_each_solution_collapsed_under_a_visible_note():
    reader, _, done = convert(chapter())
    assert done == ("9.1", "ex-09-why")
    cells = reader.cells
    notes = [index for index, cell in enumerate(cells) if cell.source.startswith("**Solution to ")]
    assert [cells[index].source.split("**")[1] for index in notes] == [
        "Solution to Exercise 9.1: Sum the rows", "Solution to Exercise: Why axis 1?",
    ]
    assert not any(hidden(cells[index]) for index in notes)
    solution_cells = [cell for cell in cells if hidden(cell)]
    assert [cell.source for cell in solution_cells] == [
        SOLUTION_CODE, "The axis is the one that *disappears*, the hidden hint.",
        "Axis 1 runs along each row, the secret reason.",
    ]
    assert find_myst(all_text(reader)) == []
    nbformat.validate(reader)


def test_outputs_are_cleared_and_the_original_is_kept():
    original = chapter()
    for copy in convert(original)[:2]:
        code = [cell for cell in copy.cells if cell.cell_type == "code"]
        assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
        assert copy.cells[3].metadata["tags"] == [student.STARTER_TAG]
    assert original.cells[1].outputs and original.cells[1].execution_count == 1
    assert original.cells[4].source == START


def test_a_notebook_without_exercises_is_copied_with_outputs_cleared():
    notebook = new_notebook(cells=[new_markdown_cell("# Intro"), new_code_cell("1 + 1", execution_count=3)])
    reader, copy, done = convert(notebook)
    assert done == () and [cell.source for cell in copy.cells] == ["# Intro", "1 + 1"]
    assert copy.cells[1].execution_count is None and reader.cells == copy.cells


def test_self_check_cells_are_kept_in_both_copies():
    notebook = chapter()
    check = new_code_cell('print("check 9.1", rows)', metadata={"tags": [student.CHECK_TAG]})
    notebook.cells.insert(4, check)
    for copy in convert(notebook)[:2]:
        kept = [cell for cell in copy.cells if student.CHECK_TAG in cell.metadata.get("tags", [])]
        assert [cell.source for cell in kept] == [check.source]
        assert not hidden(kept[0])


def test_a_solution_may_reimport_what_earlier_cells_imported():
    notebook = chapter(new_code_cell("np.ones(2)"))
    notebook.cells[5].source = "import numpy as np\n" + SOLUTION_CODE
    assert convert(notebook)[2] == ("9.1", "ex-09-why")


def test_text_sharing_a_cell_with_a_marker_is_kept_outside_the_solution():
    notebook = chapter()
    cells = notebook.cells
    cells[4].source = "Stuck? Look below.\n\n" + START + "\n\nThe first secret words."
    cells[7].source = END + "\n\n## Summary\n\nThe end."
    cells[9].source = "Some words first.\n\n" + SOLUTION_PROSE + "\n\nAfter it."
    reader, copy, done = convert(notebook)
    sources = [cell.source for cell in copy.cells]
    assert done == ("9.1", "ex-09-why")
    assert sources[4] == "Stuck? Look below."
    assert sources[5].startswith("**Your turn: Exercise 9.1: Sum the rows**")
    assert sources[6] == "## Summary\n\nThe end."
    assert sources[7:11] == ["### Exercise: Why axis 1?\n\nExplain.", "Some words first.", sources[9], "After it."]
    assert sources[9].startswith("**Your turn: Exercise: Why axis 1?**")
    assert "secret" not in all_text(copy)
    assert "The first secret words." in [cell.source for cell in reader.cells if hidden(cell)]
    for one in (reader, copy):
        assert len({cell.id for cell in one.cells}) == len(one.cells)
        nbformat.validate(one)


# --- bookkeeping, glued values, figures ---------------------------------------------


GLUED = {"loops_s": {"text/plain": "8.112429504"}, "n_iter": {"text/plain": "2"}, "ratio": {"text/plain": "6700.0"}}


def glued_chapter() -> nbformat.NotebookNode:
    notebook = new_notebook(cells=[
        new_code_cell("import numpy as np\nfrom myst_nb import glue\n\nimport emlib"),
        new_code_cell("loops_s, n_iter = 8.1, 2\nglue('n_iter', n_iter, display=False)\nprint(loops_s)"),
        new_code_cell("# The ratio, rounded.\nglue('loops_s', loops_s, display=False)\nglue('ratio', 6700.0, display=False)",
                      metadata={"tags": ["remove-cell"]}),
        new_code_cell("helper = 3\nglue('ratio', helper, display=False)", metadata={"tags": ["remove-cell"]}),
        new_code_cell("shared = 5\nglue('x', shared, display=False)", metadata={"tags": ["remove-cell"]}),
        new_code_cell("for key in ['a', 'b']:\n    glue(key, 1, display=False)\n\n\nprint(shared)"),
        new_markdown_cell(
            "The loops took {glue:text}`loops_s:.2f` s, {glue:text}`ratio:,.0f` times more; "
            "{glue:text}`n_iter:d` iterations, $x$ and {math}`\\mu_k`."
        ),
        new_code_cell("draw()", metadata={"mystnb": {"figure": {"caption": "Data, {math}`x_i`.", "name": "fig-09-data"}}}),
        new_markdown_cell("```{admonition} Learning goals\n:class: tip\n\n- one\n- two\n```\n\nSee {numref}`fig-09-data`."),
        new_markdown_cell("```{note}\nA note.\n```\n\n(a-target)=\n% a MyST comment\n```python\n{math}`kept` in code\n```"),
    ])
    return notebook


def test_glued_values_become_the_numbers_the_build_computed():
    reader, copy, _ = convert(glued_chapter(), glued=GLUED)
    text = all_text(copy)
    assert "The loops took 8.11 s, 6,700 times more; 2 iterations, $x$ and $\\mu_k$." in text
    assert "glue" not in text and "myst_nb" not in text
    assert reader.cells == copy.cells


def test_bookkeeping_goes_and_computation_stays():
    _, copy, _ = convert(glued_chapter(), glued=GLUED)
    code = [cell.source for cell in copy.cells if cell.cell_type == "code"]
    assert code[:2] == ["import numpy as np\n\nimport emlib", "loops_s, n_iter = 8.1, 2\nprint(loops_s)"]
    # The glue-only cells and `helper` (read by no later cell) are gone; `shared` is read later, so it stays.
    assert code[2] == "shared = 5"
    assert code[3] == "print(shared)"
    assert all("remove-cell" not in cell.metadata.get("tags", []) for cell in copy.cells)


def test_figure_captions_and_markup_become_plain_markdown():
    _, copy, _ = convert(glued_chapter(), glued=GLUED)
    sources = [cell.source for cell in copy.cells]
    figure = sources.index("draw()")
    assert sources[figure + 1] == "*Figure 9.1: Data, $x_i$.*"
    assert "mystnb" not in copy.cells[figure].metadata
    assert sources[figure + 2] == "> **Learning goals**\n>\n> - one\n> - two\n\nSee Fig. 9.1."
    assert sources[figure + 3] == "> **Note**\n>\n> A note.\n\n```python\n{math}`kept` in code\n```"


def test_a_chapter_with_glued_values_needs_the_build():
    with pytest.raises(ValueError, match="^ch.ipynb: .*build the book first"):
        convert(glued_chapter(), where="ch.ipynb")
    with pytest.raises(ValueError, match="^ch.ipynb: cell 6: no value glued as 'ratio'"):
        convert(glued_chapter(), glued={"loops_s": GLUED["loops_s"]}, where="ch.ipynb")


@pytest.mark.parametrize(
    ("markup", "match"),
    [
        ("```{figure} a.png\nA figure.\n```", r"the directive \{figure\} has no plain-Markdown form"),
        ("Cite {cite}`knuth`.", r"the role \{cite\} has no plain-Markdown form"),
        ("See {ref}`nowhere`.", "refers to 'nowhere', which this chapter does not number"),
        ("See {doc}`no-such-page`.", "names a page the book does not have"),
    ],
)
def test_markup_without_a_plain_form_is_refused_not_leaked(markup, match):
    notebook = new_notebook(cells=[new_markdown_cell("# T"), new_markdown_cell(markup)])
    with pytest.raises(ValueError, match=f"^ch.ipynb: cell 1: .*{match}"):
        convert(notebook, where="ch.ipynb")


# --- the exercise contract ---------------------------------------------------------


def broken(kind: str) -> nbformat.NotebookNode:
    notebook = chapter()
    cells = notebook.cells
    if kind == "start without end":
        del cells[7]
    elif kind == "end without start":
        del cells[4]
    elif kind == "start inside a solution":
        cells.insert(5, new_markdown_cell(START))
    elif kind == "unknown label":
        cells[4].source = START.replace("ex-09-rows", "ex-09-nothing")
    elif kind == "no label":
        cells[4].source = "```{solution-start}\n```"
    elif kind == "later cell needs the solution":
        cells.append(new_code_cell("rows_solution.mean()"))
    elif kind == "later cell gets the starter's placeholder":
        cells.append(new_code_cell("rows.mean()"))
        cells[5].source = "rows = x.sum(axis=1)"
    elif kind == "timeit line":
        cells.append(new_code_cell("%timeit -n 3 -r 2 rows_solution.mean()"))
    elif kind == "timed assignment":
        cells.append(new_code_cell("best = %timeit -o rows_solution.mean()"))
    elif kind == "time cell":
        cells.append(new_code_cell("%%time\ntotal = rows_solution.sum()"))
    elif kind == "star import":
        cells[5].source = "from math import *\n" + SOLUTION_CODE
        cells.append(new_code_cell("sqrt(2.0)"))
    elif kind == "del":
        cells.append(new_code_cell("del rows_solution"))
    return notebook


@pytest.mark.parametrize(
    ("kind", "match"),
    [
        ("start without end", r"the solution opened at cell 4 \(ex-09-rows\) has no solution-end"),
        ("end without start", "cell 6: solution-end without a solution-start"),
        ("start inside a solution", "cell 5: solution-start inside the solution opened at cell 4"),
        ("unknown label", "'ex-09-nothing', but no exercise has that label"),
        ("no label", "cell 4: the solution names no exercise label"),
        ("later cell needs the solution", "cell 11 uses 'rows_solution', which the solution of ex-09-rows defines"),
        ("later cell gets the starter's placeholder", "cell 11 uses 'rows', which the solution of ex-09-rows"),
        ("timeit line", "cell 11 uses 'rows_solution', which the solution of ex-09-rows defines"),
        ("timed assignment", "cell 11 uses 'rows_solution', which the solution of ex-09-rows defines"),
        ("time cell", "cell 11 uses 'rows_solution', which the solution of ex-09-rows defines"),
        ("star import", r"cell 11 uses 'sqrt', which the solution of ex-09-rows may define with `from \.\.\. import \*`"),
        ("del", "cell 11 uses 'rows_solution', which the solution of ex-09-rows defines"),
    ],
)
def test_chapters_that_break_the_contract_are_refused(kind, match):
    with pytest.raises(ValueError, match=f"^ch.ipynb: .*{match}"):
        convert(broken(kind), where="ch.ipynb")


def test_names_a_kept_cell_binds_itself_are_not_refused():
    notebook = chapter(new_code_cell("%timeit -n 1 x.sum()"), new_code_cell("from math import *\nsqrt(2.0)"),
                       new_code_cell("rows_solution = 1\ndel rows_solution"))
    assert convert(notebook)[2] == ("9.1", "ex-09-why")


def test_convert_chapter_rejects_bad_input():
    with pytest.raises(TypeError, match="notebook must be a version-4"):
        convert({"cells": []})
    old = chapter()
    old.nbformat = 3
    with pytest.raises(TypeError, match="notebook must be a version-4"):
        convert(old)
    with pytest.raises(TypeError, match="where must be a string"):
        convert(chapter(), where=Path("x"))


# --- make_copies ----------------------------------------------------------------------


@pytest.fixture
def book(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    nbformat.write(chapter(), folder / "01-first.ipynb")
    nbformat.write(new_notebook(cells=[new_code_cell("print('two')")]), folder / "02-second.ipynb")
    (folder / "intro.md").write_text("# Not a chapter\n")
    nbformat.write(new_notebook(), folder / "scratch.ipynb")  # not a chapter: no NN- prefix
    return folder


def write_both(book, tmp_path, **kwargs):
    return student.make_copies(book, student_dir=tmp_path / "student", reader_dir=tmp_path / "reader", **kwargs)


def test_make_copies_writes_every_chapter_both_ways_and_a_zip(book, tmp_path):
    copies = write_both(book, tmp_path)
    assert [(one.name, one.exercises) for one in copies] == [("01-first.ipynb", ("1.1", "ex-09-why")),
                                                             ("02-second.ipynb", ())]
    out = tmp_path / "student"
    assert sorted(path.name for path in out.iterdir()) == ["01-first.ipynb", "02-second.ipynb", student.ZIP_NAME]
    assert sorted(path.name for path in (tmp_path / "reader").iterdir()) == ["01-first.ipynb", "02-second.ipynb"]
    with zipfile.ZipFile(out / student.ZIP_NAME) as archive:
        assert archive.namelist() == ["student/01-first.ipynb", "student/02-second.ipynb"]
        for one in copies:
            assert archive.read(f"student/{one.name}") == one.student.read_bytes()
    written = nbformat.read(out / "01-first.ipynb", as_version=4)
    nbformat.validate(written)
    assert "rows_solution" not in all_text(written)
    assert "rows_solution" in all_text(nbformat.read(copies[0].reader, as_version=4))
    assert not list(tmp_path.glob(".*"))  # no temporary folder left behind


def test_make_copies_is_reproducible_and_replaces_stale_copies(book, tmp_path):
    write_both(book, tmp_path)
    first_zip = (tmp_path / "student" / student.ZIP_NAME).read_bytes()
    (book / "02-second.ipynb").rename(book / "03-renamed.ipynb")
    write_both(book, tmp_path)
    for kind in ("student", "reader"):
        assert sorted(path.name for path in (tmp_path / kind).glob("*.ipynb")) == ["01-first.ipynb", "03-renamed.ipynb"]
    (book / "03-renamed.ipynb").rename(book / "02-second.ipynb")
    student.make_copies(str(book), student_dir=str(tmp_path / "student"))
    assert (tmp_path / "student" / student.ZIP_NAME).read_bytes() == first_zip


def test_make_copies_writes_nothing_if_a_chapter_breaks_the_contract(book, tmp_path):
    nbformat.write(broken("start without end"), book / "03-broken.ipynb")
    with pytest.raises(ValueError, match="03-broken.ipynb: the solution opened at cell 4"):
        write_both(book, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_ctrl_c_while_writing_leaves_the_earlier_copies(book, tmp_path, monkeypatch):
    write_both(book, tmp_path)
    before = {path: path.read_bytes() for kind in ("reader", "student") for path in (tmp_path / kind).iterdir()}
    (book / "02-second.ipynb").unlink()
    calls = []
    real_write = Path.write_bytes

    def interrupted(self, data):
        calls.append(self)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_both(book, tmp_path)
    monkeypatch.undo()
    assert {path: path.read_bytes() for kind in ("reader", "student") for path in (tmp_path / kind).iterdir()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["book", "reader", "student"]


BAD_FILES = {
    "empty": ("", "the file is empty"),
    "malformed": ('{"cells": [', "not a notebook, the JSON is malformed"),
    "not a notebook": ("[1, 2]", r"not a notebook \(no 'cells'\)"),
    "nbformat 3": (json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}),
                   "nbformat 3, but only version 4 is read"),
    "cell without source": (json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}}],
    }), "not a valid notebook at cells/0: 'source' is a required property"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_an_unreadable_chapter_is_named_in_one_line(book, tmp_path, kind, capsys):
    text, match = BAD_FILES[kind]
    bad = book / "03-bad.ipynb"
    bad.write_text(text)
    with pytest.raises(ValueError, match=f"^{re.escape(str(bad))}: {match}"):
        write_both(book, tmp_path / "out")
    assert student.main(["--book", str(book), "--student", str(tmp_path / "s"), "--reader", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "Traceback" not in err
    assert not (tmp_path / "s").exists()


def test_make_copies_rejects_bad_input(book, tmp_path):
    with pytest.raises(TypeError, match="book_dir must be a path"):
        student.make_copies(None, student_dir=tmp_path)
    with pytest.raises(TypeError, match="student_dir must be a path"):
        student.make_copies(book, student_dir=7)
    with pytest.raises(ValueError, match="is not a folder"):
        student.make_copies(tmp_path / "nowhere", student_dir=tmp_path / "out")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="holds no chapter notebooks"):
        student.make_copies(empty, student_dir=tmp_path / "out")
    for inside in (book, book / "student"):
        with pytest.raises(ValueError, match="is inside book_dir"):
            student.make_copies(book, reader_dir=inside)


def test_make_copies_replaces_only_a_folder_of_earlier_copies(book, tmp_path):
    precious = tmp_path / "work"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="holds files that are not copies of chapters \\(notes.txt\\)"):
        student.make_copies(book, student_dir=precious)
    assert [path.name for path in precious.iterdir()] == ["notes.txt"]
    (tmp_path / "a-file").write_text("mine")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        student.make_copies(book, reader_dir=tmp_path / "a-file")
    with pytest.raises(ValueError, match="are the same folder"):
        student.make_copies(book, student_dir=tmp_path / "same", reader_dir=tmp_path / "same")
    write_both(book, tmp_path)
    (tmp_path / "reader" / ".ipynb_checkpoints").mkdir()  # JupyterLab's, once a learner opened a copy
    write_both(book, tmp_path)


def test_main_reports_ctrl_c_in_one_line(book, tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(student, "build_copies", interrupted)
    assert student.main(["--book", str(book), "--student", str(tmp_path / "s"), "--reader", str(tmp_path / "r")]) == 130
    assert capsys.readouterr().err == "python -m emlib.student: interrupted; the earlier copies are unchanged\n"


def test_both_copies_run_top_to_bottom(book, tmp_path):
    write_both(book, tmp_path)
    for path in sorted(tmp_path.glob("*/*.ipynb")):
        run_notebook(path)


def test_a_chapter_may_refer_to_another_chapters_exercise(book, tmp_path):
    nbformat.write(new_notebook(cells=[new_markdown_cell("As in {ref}`ex-09-rows`, sum.")]), book / "02-second.ipynb")
    copies = student.make_copies(book, student_dir=tmp_path / "s")
    assert nbformat.read(copies[1].student, as_version=4).cells[0].source == "As in Exercise 1.1, sum."


def test_main_writes_and_reports(book, tmp_path, capsys):
    argv = ["--book", str(book), "--student", str(tmp_path / "s"), "--reader", str(tmp_path / "r")]
    assert student.main(argv) == 0
    printed = capsys.readouterr().out
    assert "01-first.ipynb: exercises 1.1, ex-09-why" in printed
    assert "02-second.ipynb: exercises none" in printed
    assert student.main(["--book", str(tmp_path / "nowhere"), "--out", str(tmp_path / "s")]) == 1
    assert "error: book_dir" in capsys.readouterr().err


# --- the book's own chapters ---------------------------------------------------------


@pytest.fixture(scope="module")
def book_copies(tmp_path_factory):
    if not EXECUTED.is_dir():
        pytest.skip("the book is not built (make book): no glued values to put in the copies")
    out = tmp_path_factory.mktemp("copies")
    copies = student.make_copies(BOOK, student_dir=out / "student", reader_dir=out / "reader", executed_dir=EXECUTED)
    return out, copies


def split_lines(notebook: nbformat.NotebookNode) -> tuple[set[str], set[str]]:
    """The non-trivial lines inside solutions, and those outside, of a chapter that follows the contract."""
    inside_lines, outside_lines, inside = set(), set(), False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            if "{solution-start}" in line or "{solution}" in line:
                inside = True
            (inside_lines if inside else outside_lines).add(line.strip())
            if "{solution-end}" in line or (inside and line.strip() in ("```", ":::") and "{solution}" in cell.source):
                inside = False
    return {line for line in inside_lines if len(line) > 12}, outside_lines


def test_the_books_workshop_copies_hold_no_solution(book_copies):
    _, copies = book_copies
    assert [one.name for one in copies] == [path.name for path in sorted(BOOK.glob(student.CHAPTER_GLOB))]
    for one in copies:
        copy_text = all_text(nbformat.read(one.student, as_version=4))
        assert copy_text.count("**Your turn: ") == len(one.exercises)
        solution_lines, other_lines = split_lines(nbformat.read(BOOK / one.name, as_version=4))
        leaked = {line.strip() for line in copy_text.splitlines()} & (solution_lines - other_lines)
        assert not leaked, f"{one.name}: solution lines left in the workshop copy"


def test_the_books_copies_are_plain_notebooks(book_copies):
    """No MyST markup, no build-only import or call, no bookkeeping cell: a new directive or role fails here."""
    _, copies = book_copies
    for one in copies:
        for path in (one.reader, one.student):
            notebook = nbformat.read(path, as_version=4)
            nbformat.validate(notebook)
            for cell in notebook.cells:
                assert find_myst(cell.source) == [], f"{path}: {cell.source[:80]!r}"
                if cell.cell_type == "code":
                    assert not re.search(r"\bglue\(|myst_nb|jupyter_book", cell.source), f"{path}: {cell.source[:80]!r}"
                    assert cell.outputs == [] and "mystnb" not in cell.metadata
                    assert "remove-cell" not in cell.metadata.get("tags", [])


def test_the_books_reader_copies_collapse_exactly_the_solutions(book_copies):
    _, copies = book_copies
    for one in copies:
        reader = nbformat.read(one.reader, as_version=4)
        workshop = nbformat.read(one.student, as_version=4)
        visible = [cell.source for cell in reader.cells if not hidden(cell) and not cell.source.startswith("**Solution")]
        assert visible == [cell.source for cell in workshop.cells if not cell.source.startswith("**Your turn")]
        assert sum(cell.source.startswith("**Solution to Exercise") for cell in reader.cells) == len(one.exercises)


def site_text(name: str) -> str:
    page = SITE / name.replace(".ipynb", ".html")
    if not page.is_file():
        pytest.skip("the book's HTML is not built (make book)")
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_exercise_and_figure_numbers_are_the_sites(book_copies):
    _, copies = book_copies
    for one in copies:
        text = all_text(nbformat.read(one.reader, as_version=4))
        site = site_text(one.name)
        headings = re.findall(r"^### Exercise (\d+\.\d+): (.+)$", text, re.M)
        assert [number for number, _ in headings] == list(one.exercises)
        for number, title in headings:
            assert f"Exercise {number} ({title})" in re.sub(r"\s+", " ", site), f"{one.name}: Exercise {number}"
        for number in re.findall(r"^\*Figure (\d+\.\d+):", text, re.M):
            assert f"Fig. {number}" in site


def test_glued_values_are_the_numbers_on_the_site(book_copies):
    _, copies = book_copies
    for one in copies:
        stem = one.name.removesuffix(".ipynb")
        glued = student.glued_values(EXECUTED, stem)
        site = site_text(one.name)
        copy_text = all_text(nbformat.read(one.reader, as_version=4))
        source = all_text(nbformat.read(BOOK / one.name, as_version=4))
        for key, spec in re.findall(r"\{glue:text\}`([^`:]+):?([^`]*)`", source):
            value = format_glued(glued[key]["text/plain"], spec)
            assert value in site, f"{one.name}: {key} shows as {value!r} in the copies, not on the site"
            assert value in copy_text


def test_cross_references_become_text_or_relative_links():
    from emlib.myst_markdown import Context, to_markdown

    context = Context(
        numbers={"ex-05-shapes": "Exercise 5.1"},
        documents={"05-broadcasting": ("Broadcasting", "05-broadcasting.ipynb"), "cheat-sheet": ("Cheat sheet", None)},
    )
    text = ("{doc}`05-broadcasting`, {doc}`the next one <05-broadcasting>`, {doc}`cheat-sheet`, "
            "{ref}`ex-05-shapes`, {ref}`this one <ex-05-shapes>`, {numref}`Ex. %s <ex-05-shapes>`, "
            "a {term}`stride`, {term}`strides <stride>`, the {term}`complete-data\nlog-likelihood`.")
    assert to_markdown(text, context) == (
        "[Broadcasting](05-broadcasting.ipynb), [the next one](05-broadcasting.ipynb), "
        "*Cheat sheet*, Exercise 5.1, this one, Ex. 5.1, a stride, strides, the complete-data\nlog-likelihood."
    )
