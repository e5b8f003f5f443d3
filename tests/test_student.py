"""Tests of emlib.student: students' copies of the chapters (``make student``)."""

import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from emlib import student

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

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


def all_text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in notebook.cells)


def execute(notebook: nbformat.NotebookNode, folder: Path) -> None:
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()


# --- strip_solutions -------------------------------------------------------------


def test_strip_solutions_replaces_each_solution_with_a_note():
    copy, removed = student.strip_solutions(chapter())
    assert removed == ("ex-09-rows", "ex-09-why")
    sources = [cell.source for cell in copy.cells]
    assert sources[:4] == ["# A chapter", chapter().cells[1].source, EXERCISE, "rows = None  # your code here: x.sum(...)"]
    assert sources[4].startswith("**Your turn: Sum the rows** (exercise `ex-09-rows`). Work in the code cell above")
    assert sources[5] == EXERCISE_WHY
    assert sources[6].startswith("**Your turn: Why axis 1?** (exercise `ex-09-why`). Write your answer in a new cell")
    assert "the solution is in the book" in sources[6]
    assert sources[7] == "print(x.shape)"
    assert len(copy.cells) == 8


def test_strip_solutions_leaves_no_solution_text():
    text = all_text(student.strip_solutions(chapter())[0])
    for secret in ("rows_solution", "the hidden hint", "the secret reason", "solution-start", "solution-end", "{solution}"):
        assert secret not in text


def test_strip_solutions_clears_outputs_and_keeps_the_original():
    original = chapter()
    copy, _ = student.strip_solutions(original)
    code = [cell for cell in copy.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert original.cells[1].outputs and original.cells[1].execution_count == 1
    assert copy.cells[3].metadata["tags"] == [student.STARTER_TAG]


def test_a_notebook_without_exercises_is_copied_with_outputs_cleared():
    notebook = new_notebook(cells=[new_markdown_cell("# Intro"), new_code_cell("1 + 1", execution_count=3)])
    copy, removed = student.strip_solutions(notebook)
    assert removed == () and [cell.source for cell in copy.cells] == ["# Intro", "1 + 1"]
    assert copy.cells[1].execution_count is None


def test_a_solution_may_reimport_what_earlier_cells_imported():
    notebook = chapter(new_code_cell("np.ones(2)"))
    notebook.cells[5].source = "import numpy as np\n" + SOLUTION_CODE
    assert student.strip_solutions(notebook)[1] == ("ex-09-rows", "ex-09-why")


def test_text_sharing_a_cell_with_a_marker_is_kept_outside_the_solution():
    notebook = chapter()
    cells = notebook.cells
    cells[4].source = "Stuck? Look below.\n\n" + START + "\n\nThe first secret words."
    cells[7].source = END + "\n\n## Summary\n\nThe end."
    cells[9].source = "Some words first.\n\n" + SOLUTION_PROSE + "\n\nAfter it."
    copy, removed = student.strip_solutions(notebook)
    sources = [cell.source for cell in copy.cells]
    assert removed == ("ex-09-rows", "ex-09-why")
    assert sources[4] == "Stuck? Look below."
    assert sources[5].startswith("**Your turn: Sum the rows**")
    assert sources[6] == "## Summary\n\nThe end."
    assert sources[7:11] == [EXERCISE_WHY, "Some words first.", sources[9], "After it."]
    assert sources[9].startswith("**Your turn: Why axis 1?**")
    assert "secret" not in all_text(copy)
    assert len({cell.id for cell in copy.cells}) == len(copy.cells)
    nbformat.validate(copy)


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
    ],
)
def test_strip_solutions_refuses_notebooks_that_break_the_contract(kind, match):
    with pytest.raises(ValueError, match=f"^ch.ipynb: .*{match}"):
        student.strip_solutions(broken(kind), where="ch.ipynb")


def test_strip_solutions_rejects_bad_input():
    with pytest.raises(TypeError, match="notebook must be a version-4"):
        student.strip_solutions({"cells": []})
    old = chapter()
    old.nbformat = 3
    with pytest.raises(TypeError, match="notebook must be a version-4"):
        student.strip_solutions(old)
    with pytest.raises(TypeError, match="where must be a string"):
        student.strip_solutions(chapter(), where=Path("x"))


# --- make_student_copies ----------------------------------------------------------


@pytest.fixture
def book(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    nbformat.write(chapter(), folder / "01-first.ipynb")
    nbformat.write(new_notebook(cells=[new_code_cell("print('two')")]), folder / "02-second.ipynb")
    (folder / "intro.md").write_text("# Not a chapter\n")
    nbformat.write(new_notebook(), folder / "scratch.ipynb")  # not a chapter: no NN- prefix
    return folder


def test_make_student_copies_writes_every_chapter_and_a_zip(book, tmp_path):
    out = tmp_path / "out" / "student"
    copies = student.make_student_copies(book, out)
    assert [(one.path.name, one.removed) for one in copies] == [
        ("01-first.ipynb", ("ex-09-rows", "ex-09-why")),
        ("02-second.ipynb", ()),
    ]
    assert sorted(path.name for path in out.iterdir()) == ["01-first.ipynb", "02-second.ipynb", student.ZIP_NAME]
    with zipfile.ZipFile(out / student.ZIP_NAME) as archive:
        assert archive.namelist() == ["student/01-first.ipynb", "student/02-second.ipynb"]
        for one in copies:
            assert archive.read(f"student/{one.path.name}") == one.path.read_bytes()
    written = nbformat.read(out / "01-first.ipynb", as_version=4)
    nbformat.validate(written)
    assert "rows_solution" not in all_text(written)


def test_make_student_copies_is_reproducible_and_replaces_stale_copies(book, tmp_path):
    out = tmp_path / "student"
    student.make_student_copies(book, out)
    first_zip = (out / student.ZIP_NAME).read_bytes()
    (book / "02-second.ipynb").rename(book / "03-renamed.ipynb")
    student.make_student_copies(book, out)
    assert sorted(path.name for path in out.glob("*.ipynb")) == ["01-first.ipynb", "03-renamed.ipynb"]
    (book / "03-renamed.ipynb").rename(book / "02-second.ipynb")
    student.make_student_copies(book, str(out))
    assert (out / student.ZIP_NAME).read_bytes() == first_zip


def test_make_student_copies_writes_nothing_if_a_chapter_breaks_the_contract(book, tmp_path):
    nbformat.write(broken("start without end"), book / "03-broken.ipynb")
    with pytest.raises(ValueError, match="03-broken.ipynb: the solution opened at cell 4"):
        student.make_student_copies(book, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_make_student_copies_rejects_bad_input(book, tmp_path):
    with pytest.raises(TypeError, match="book_dir must be a path"):
        student.make_student_copies(None, tmp_path)
    with pytest.raises(TypeError, match="out_dir must be a path"):
        student.make_student_copies(book, 7)
    with pytest.raises(ValueError, match="is not a folder"):
        student.make_student_copies(tmp_path / "nowhere", tmp_path / "out")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="holds no chapter notebooks"):
        student.make_student_copies(empty, tmp_path / "out")
    for inside in (book, book / "student"):
        with pytest.raises(ValueError, match="is inside book_dir"):
            student.make_student_copies(book, inside)


def test_the_students_copy_runs_top_to_bottom(book, tmp_path):
    out = tmp_path / "student"
    student.make_student_copies(book, out)
    for path in sorted(out.glob("*.ipynb")):
        execute(nbformat.read(path, as_version=4), out)


def test_main_writes_and_reports(book, tmp_path, capsys):
    assert student.main(["--book", str(book), "--out", str(tmp_path / "s")]) == 0
    printed = capsys.readouterr().out
    assert "01-first.ipynb: 2 solution(s) removed ['ex-09-rows', 'ex-09-why']" in printed
    assert f"{student.ZIP_NAME}: 2 notebooks" in printed
    assert student.main(["--book", str(tmp_path / "nowhere"), "--out", str(tmp_path / "s")]) == 1
    assert "error: book_dir" in capsys.readouterr().err


# --- the book's own chapters ---------------------------------------------------


@pytest.fixture(scope="module")
def book_copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    return out, student.make_student_copies(BOOK, out)


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


def test_the_books_student_copies_hold_no_solution(book_copies):
    out, copies = book_copies
    assert [one.path.name for one in copies] == [path.name for path in sorted(BOOK.glob(student.CHAPTER_GLOB))]
    for one in copies:
        copy_text = all_text(nbformat.read(one.path, as_version=4))
        assert "{solution" not in copy_text
        assert copy_text.count("**Your turn: ") == len(one.removed)
        solution_lines, other_lines = split_lines(nbformat.read(BOOK / one.path.name, as_version=4))
        leaked = {line.strip() for line in copy_text.splitlines()} & (solution_lines - other_lines)
        assert not leaked, f"{one.path.name}: solution lines left in the students' copy"


@pytest.mark.parametrize("name", [path.name for path in sorted(BOOK.glob(student.CHAPTER_GLOB))])
def test_the_books_student_copies_run_top_to_bottom(book_copies, name):
    out, _ = book_copies
    execute(nbformat.read(out / name, as_version=4), out)
