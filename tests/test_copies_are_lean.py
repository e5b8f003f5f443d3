"""The learners' copies import nothing the learner's environment lacks.

A ``remove-cell`` cell stays in the copies when a later cell reads one of its
names, and only its ``glue(...)`` lines go: an import of a build-only module
in such a cell would stop the copy in the learner's environment. This is the
cheap check (no build, no environment): the full run is tests/test_learner_env.py.
"""

import ast
import re
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager
from test_learner_env import BUILD_ONLY

from emlib import student

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob(student.CHAPTER_GLOB))


def glued_as_one(notebook) -> dict[str, dict[str, str]]:
    """Every key the chapter's text shows glued, read as 1: the copies' code does not depend on the values."""
    keys = set()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for content in re.findall(r"\{glue(?::\w+)?\}`([^`]*)`", cell.source):
                keys.add(content.split("::")[-1].partition(":")[0].strip())
    return {key: {"text/plain": "1"} for key in keys}


def imported_modules(source: str) -> set[str]:
    """The top-level names of the modules a code cell imports (IPython magics read as Python)."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.fixture(scope="module")
def copies():
    notebooks = {path: student.read_notebook(path) for path in CHAPTERS}
    references = {}
    for path, notebook in notebooks.items():
        references.update(student.chapter_numbers(notebook, int(path.name[:2])))
    documents = student.book_documents(BOOK)
    return {
        path.name: student.convert_chapter(
            notebook, chapter=int(path.name[:2]), glued=glued_as_one(notebook),
            documents=documents, references=references, where=str(path),
        )[:2]
        for path, notebook in notebooks.items()
    }


def test_imported_modules_reads_imports_and_magics():
    assert imported_modules("import sklearn.mixture\nfrom myst_nb import glue\n%timeit f()") == {"sklearn", "myst_nb"}
    assert imported_modules("from . import x\nimport numpy as np") == {"numpy"}


@pytest.mark.parametrize("chapter", [path.name for path in CHAPTERS])
def test_no_copy_imports_a_build_only_module(copies, chapter):
    for kind, copy in zip(("reader", "workshop"), copies[chapter]):
        for cell in copy.cells:
            if cell.cell_type == "code":
                found = imported_modules(cell.source) & set(BUILD_ONLY)
                assert not found, f"{chapter}, {kind} copy, cell {cell.id}: imports {sorted(found)}:\n{cell.source}"
