"""The exercises' self-checks (emlib.exercises), run on the chapters' own cells.

For every exercise of the book: the chapter's solution passes its check; the
untouched starter gets "not answered yet"; typical wrong answers (the
instructor guide's common mistakes) get their own message; and no message
gives the solution away. Each exercise runs in a namespace built from the
chapter itself: the statements of earlier cells that the exercise's cells
need (so a slow benchmark the exercise does not use is not run), then the
starter or the solution, then the exercise's check cell.
"""

from __future__ import annotations

import ast
import functools
import linecache
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from emlib import exercises
from emlib.exercises import CHECKS, CheckResult, Wrong, check, compare, exercise, python_loops

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]-*.ipynb"))
CHECK_TAG, STARTER_TAG = "exercise-check", "exercise-starter"


@dataclass(frozen=True)
class Exercise:
    """One exercise's cells in its chapter, by index."""

    id: str  # "5.2": chapter number, position in the chapter (as the site prints it)
    label: str
    chapter: Path
    cells: tuple  # every cell of the chapter
    starter: int
    check: int | None  # the exercise-check cell, if any
    solution: tuple[int, ...]  # the cells between solution-start and solution-end


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def exercises_in(chapter: Path) -> list[Exercise]:
    cells = nbformat.read(chapter, as_version=4).cells
    found, current = [], None
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            label = re.search(r"```\{exercise\}[^\n]*\n:label:\s*(\S+)", cell.source)
            if label:
                current = {"label": label.group(1), "starter": None, "check": None, "solution": [], "open": False}
                found.append(current)
            if "{solution-start}" in cell.source:
                current["open"] = True
                continue
            if "{solution-end}" in cell.source:
                current["open"] = False
                continue
        if current is None:
            continue
        if current["open"]:
            current["solution"].append(index)
        elif STARTER_TAG in _tags(cell):
            current["starter"] = index
        elif CHECK_TAG in _tags(cell):
            current["check"] = index
    number = int(chapter.name[:2])
    return [
        Exercise(
            id=f"{number}.{position}",
            label=item["label"],
            chapter=chapter,
            cells=tuple(cells),
            starter=item["starter"],
            check=item["check"],
            solution=tuple(item["solution"]),
        )
        for position, item in enumerate(found, start=1)
    ]


EXERCISES = {ex.id: ex for chapter in CHAPTERS for ex in exercises_in(chapter)}
IDS = sorted(EXERCISES, key=lambda i: tuple(map(int, i.split("."))))


# --- Running a chapter's cells -------------------------------------------------


def _names(node: ast.AST) -> tuple[set[str], set[str], set[str]]:
    """(names a statement replaces, names it changes in place, names it reads).

    Names bound inside a function, lambda or comprehension are its own: only
    what they read counts.
    """
    replaced, changed, read = set(), set(), set()
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
              ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def visit(sub: ast.AST, inner: bool) -> None:
        if isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name):
            read.add(sub.target.id)  # records += ... reads records, also inside a loop
            if not inner:
                changed.add(sub.target.id)
        if isinstance(sub, ast.Name):
            if isinstance(sub.ctx, ast.Load):
                read.add(sub.id)
            elif not inner:
                replaced.add(sub.id)
        elif isinstance(sub, (ast.Subscript, ast.Attribute)) and isinstance(sub.ctx, ast.Store) and not inner:
            base = sub.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                changed.add(base.id)
        for child in ast.iter_child_nodes(sub):
            visit(child, inner or isinstance(sub, scopes))

    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        replaced.add(node.name)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        replaced.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    visit(node, False)
    return replaced, changed, read


def _statements(cells, indices) -> list[tuple[str, str]]:
    """``(source, name)`` of every top-level statement of the given code cells."""
    found = []
    for index in indices:
        cell = cells[index]
        if cell.cell_type != "code":
            continue
        for number, node in enumerate(ast.parse(cell.source).body):
            found.append((ast.get_source_segment(cell.source, node), f"<cell {index}, statement {number}>"))
    return found


def _needed_prefix(ex: Exercise, first: int, own: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The statements of the cells before ``first`` that ``own`` needs, and every import.

    The imports are kept so that a wrong answer may use what the chapter imported.
    """
    earlier = [
        i for i in range(first) if ex.cells[i].cell_type == "code" and CHECK_TAG not in _tags(ex.cells[i])
    ]
    needed, bound = set(), set()
    for source, _ in own:  # what they read before they bind it themselves
        statement = ast.parse(source).body[0]
        replaced, _, read = _names(statement)
        simple = isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr))
        # A simple statement reads before it binds (x = x + 1); a loop's body reads what it bound.
        needed |= read - bound - (set() if simple else replaced)
        bound |= replaced
    chosen = []
    for source, name in reversed(_statements(ex.cells, earlier)):
        statement = ast.parse(source).body[0]
        replaced, changed, read = _names(statement)
        if (replaced | changed) & needed or isinstance(statement, (ast.Import, ast.ImportFrom)):
            chosen.append((source, name))
            needed = (needed - (replaced - changed - read)) | read
    return chosen[::-1]


def _run(statements: list[tuple[str, str]], namespace: dict, where: str) -> None:
    for source, name in statements:
        filename = f"<{where} {name}>"
        # Functions defined here keep their source, as in a notebook (inspect reads linecache).
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), namespace)


def _check_call(ex: Exercise) -> tuple[list[tuple[str, str]], str]:
    """The check cell's statements before its last line, and that last expression."""
    source = ex.cells[ex.check].source
    body = ast.parse(source).body
    assert isinstance(body[-1], ast.Expr), f"{ex.id}: the check cell must end with the check(...) call"
    setup = [(ast.get_source_segment(source, node), f"<check cell, statement {i}>") for i, node in enumerate(body[:-1])]
    return setup, ast.get_source_segment(source, body[-1])


@functools.cache
def namespace_after(exercise_id: str, part: str) -> dict:
    """The chapter's namespace after the exercise's ``part``: "starter" or "solution"."""
    ex = EXERCISES[exercise_id]
    cells = [ex.starter] if part == "starter" else list(ex.solution)
    own = _statements(ex.cells, cells)
    setup, call = _check_call(ex)
    namespace: dict = {"__name__": "__main__"}
    where = f"{ex.chapter.name} {exercise_id}"
    _run(_needed_prefix(ex, min(cells), own + setup + [(call, "check")]), namespace, where)
    _run(own + setup, namespace, where)
    return namespace


def run_check(exercise_id: str, namespace: dict, answer_code: str = "") -> CheckResult:
    """The exercise's check cell in a copy of ``namespace``, after ``answer_code``."""
    ns = dict(namespace)
    if answer_code:
        _run([(answer_code, "answer")], ns, f"wrong answer to {exercise_id}")
    _, call = _check_call(EXERCISES[exercise_id])
    return eval(call, ns)


# --- The solutions' answers, where the solution does not bind the starter's names


def _shape_predictions_from_solution(ex: Exercise) -> list:
    """Exercise 5.1's answers, read from its solution's list: "An error" or a shape."""
    text = "\n".join(ex.cells[i].source for i in ex.solution if ex.cells[i].cell_type == "markdown")
    answers = []
    for item in re.findall(r"^\d+\.\s+(.*)$", text, flags=re.M):
        if item.lower().startswith("an error"):
            answers.append("error")
        else:
            answers.append(ast.literal_eval(re.search(r"`(\([^`]*\))`", item).group(1)))
    return answers


SOLUTION_ANSWERS = {
    # The solution measures the count and asserts the prediction N * K.
    "3.1": {"predicted_pdf_calls": "pdf_calls"},
    "1.2": {"predicted_shape": "gamma.shape"},
    # The solution asserts that e_step is the slower step and pdf most of it.
    "4.2": {"slower_step": "e_row", "hot_function": "pdf_row"},
}


def solved(exercise_id: str) -> dict:
    namespace = dict(namespace_after(exercise_id, "solution"))
    for name, expression in SOLUTION_ANSWERS.get(exercise_id, {}).items():
        namespace[name] = eval(expression, namespace)
    if exercise_id == "5.1":
        namespace["predicted_shapes"] = _shape_predictions_from_solution(EXERCISES["5.1"])
    return namespace


# --- Typical wrong answers: the instructor guide's common mistakes ----------------

MISTAKES: dict[str, list[tuple[str, str]]] = {
    "1.1": [
        ("broadcast_fit = emlib.em_broadcast(x, SEED_PROBLEM.true, tol=SEED_PROBLEM.tol)", "started from other"),
        ("broadcast_fit = emlib.em_broadcast(x, SEED_PROBLEM.start, tol=SEED_PROBLEM.tol).params", "only parameters"),
        ("broadcast_fit = emlib.em_broadcast(x, SEED_PROBLEM.start, tol=0, max_iter=5)", "more iterations"),
        ("broadcast_fit = emlib.em_broadcast", "the function itself"),
    ],
    "1.2": [
        ("predicted_shape = (x.size, 2)", "transposed"),
        ("predicted_shape = (2, *x.shape)", "flat samples"),
        ("predicted_shape = (2, x.shape[1])", "the columns are not"),
        ("predicted_shape = '2 by N'", "not a shape yet"),
    ],
    "2.1": [
        (
            "by_hand = start.weights * norm.pdf(value, start.means, np.sqrt(start.variances))",
            "does not add up to 1",
        ),
        (
            "w = start.weights * norm.pdf(value, start.means, start.variances)\nby_hand = w / w.sum()",
            "standard deviation",
        ),
        ("by_hand, _ = vectorized.e_step(demo_x[:1], start)", "flat array"),
    ],
    "2.2": [
        ("totals = gamma.sum(axis=0)", "summed over the components"),
        ("weights = totals", "these are the totals"),
        ("means = (gamma * demo_x).sum(axis=1)", "not divided by the totals"),
        ("variances = (gamma * squares).sum(axis=1)", "not divided by the totals"),
    ],
    "3.1": [
        ("predicted_pdf_calls = start.n_components", "not once per component"),
        ("predicted_pdf_calls = tiny.size", "not once per sample"),
        ("predicted_pdf_calls = x.size * start.n_components", "runs on tiny"),
        ("predicted_pdf_calls = 300", "your prediction is 0.75x the measured number of calls"),
        ("predicted_pdf_calls = '400'", "not a number yet"),
    ],
    "3.2": [
        ("array_total = stacked.sum(axis=0)", "one total per column"),
        ("array_total = stacked.sum()", "a single number"),
        ("array_total = stacked.sum(axis=2)", "you added over the components"),
        ("array_total = 2 * stacked.sum(axis=(0, 1))", "off by a constant factor"),
    ],
    "4.1": [
        (
            "def m_step_once(rows, responsibilities):\n"
            "    n_columns = np.array(rows).shape[1]\n"
            "    return hoisted.m_step(rows, responsibilities)",
            "still converts the data",
        ),
        (
            "def m_step_once(rows, responsibilities):\n"
            "    n_rows, n_columns = len(rows[0]), len(rows)\n"
            "    for i in range(n_rows):\n"
            "        for j in range(n_columns):\n"
            "            rows[i][j]\n",
            "raised IndexError",
        ),
        (
            "def m_step_once(rows, responsibilities):\n"
            "    params = hoisted.m_step(rows, responsibilities)\n"
            "    return params.means, params.variances, params.weights",
            "not a MixtureParams",
        ),
    ],
    "4.2": [
        ("slower_step, hot_function = 'm_step', 'pdf'", "the other step"),
        ("slower_step, hot_function = 'e_step', 'e_step'", "is a step"),
        ("slower_step, hot_function = 'e_step', 'run_em'", "calls the steps"),
        ("slower_step, hot_function = 'E-step', '_norm_pdf'", "does not call _norm_pdf directly"),
        ("slower_step, hot_function = 'the E-step', 'pdf'", "names no step"),
    ],
    "5.1": [
        ("predicted_shapes = [(255, 100, 2), (255, 100, 2), (3, 5, 4), (2, 25500)]", "line the shapes up on the right"),
        ("predicted_shapes = ['error', 'error', (3, 5, 4), (2, 25500)]", "these do broadcast"),
        ("predicted_shapes = ['error', (255, 100, 2), (3, 5, 4), (25500, 2)]", "wrong order"),
        ("predicted_shapes = (2, 25500)", "four predictions"),
        ("predicted_shapes = ['error', (255, 100, 2), ..., (2, 25500)]", "prediction 3 is not answered yet"),
    ],
    "5.2": [
        (
            "def log_kernel(samples, means, variances):\n"
            "    return np.array([-(s - means) ** 2 / (2 * variances) for s in samples])",
            "still has a Python loop, a list comprehension",
        ),
        (
            "def log_kernel(samples, means, variances):\n"
            "    return -((samples - means[:, np.newaxis]) ** 2) / (2 * variances[:, np.newaxis])",
            "transposed",
        ),
        (
            "def log_kernel(samples, means, variances):\n    return -((samples - means) ** 2) / (2 * variances)",
            "raised ValueError: operands could not be broadcast",
        ),
        (
            "def log_kernel(samples, means, variances):\n"
            "    return -((samples[:, np.newaxis] - means) ** 2) / variances",
            "off by a constant factor",
        ),
    ],
    "6.1": [
        ("def logsumexp_rows(a):\n    return np.log(np.exp(a).sum(axis=0))", "not finite"),
        (
            "def logsumexp_rows(a):\n    return np.log(np.exp(a - a.max(axis=0)).sum(axis=0))",
            "add the maxima back",
        ),
        (
            "def logsumexp_rows(a):\n"
            "    peak = a.max(axis=1, keepdims=True)\n"
            "    return peak + np.log(np.exp(a - peak).sum(axis=0))",
            "one value per entry",
        ),
        (
            "def logsumexp_rows(a):\n    peak = a.max(axis=1)\n    return peak + np.log(np.exp(a - peak).sum(axis=0))",
            "raised ValueError",
        ),
    ],
    "6.2": [
        ("per_sample, totals = gamma.sum(axis=1), gamma.sum(axis=0)", "one value per component"),
        ("totals = gamma.sum(axis=0)", "one value per sample"),
        ("totals = gamma.sum()", "a single number"),
    ],
    "7.1": [
        (
            "def density(grid, params):\n"
            "    sds = np.sqrt(params.variances)\n"
            "    return sum(w * norm.pdf(grid, m, s) for w, m, s in zip(params.weights, params.means, sds))",
            "still has a Python loop",
        ),
        (
            "def density(grid, params):\n"
            "    table = norm.pdf(grid, params.means[:, np.newaxis], params.variances[:, np.newaxis])\n"
            "    return (params.weights[:, np.newaxis] * table).sum(axis=0)",
            "standard deviation",
        ),
        (
            "def density(grid, params):\n"
            "    sds = np.sqrt(params.variances)[:, np.newaxis]\n"
            "    return norm.pdf(grid, params.means[:, np.newaxis], sds).sum(axis=0)",
            "weights pi_k are missing",
        ),
        (
            "def density(grid, params):\n"
            "    sds = np.sqrt(params.variances)[:, np.newaxis]\n"
            "    return params.weights[:, np.newaxis] * norm.pdf(grid, params.means[:, np.newaxis], sds)",
            "still one row per component",
        ),
        (
            "def density(grid, params):\n"
            "    return params.weights * norm.pdf(grid[:, np.newaxis], params.means, np.sqrt(params.variances))",
            "still one column per component",
        ),
        (
            "def density(grid, params):\n"
            "    sds = np.sqrt(params.variances)\n"
            "    first = params.weights[0] * norm.pdf(grid, params.means[0], sds[0])\n"
            "    return first + params.weights[1] * norm.pdf(grid, params.means[1], sds[1])",
            "calls norm.pdf 2 times",
        ),
    ],
    "7.2": [
        ("predicted = predicted * 1e3", "milliseconds"),
        ("predicted = 'about 20 ms'", "text, not a number"),
        ("predicted = c * np.array([1e5, 1e6]) ** b", "holds 2 numbers"),
    ],
    "8.1": [
        ("total_sums = results[0][0]", "the first chunk's sums only"),
        ("total_sums = sum(sums for sums, _ in results) / len(results)", "you averaged"),
        ("total_sums = np.array([sums for sums, _ in results])", "still one table per chunk"),
        ("total_sums = total_sums.T", "transposed"),
        ("total_sums = np.append(total_sums, sum(ll for _, ll in results))", "the log-likelihood is in it"),
        ("total_sums = results", "not numbers yet"),
    ],
    "8.2": [
        ("bytes_back_per_sweep = n_chunks * (3 * k + 1)", "each float64 takes 8 bytes"),
        ("bytes_back_per_sweep = (n_samples // chunk_samples) * (3 * k + 1) * 8", "round the number of chunks up"),
        ("bytes_back_per_sweep = n_samples / chunk_samples * (3 * k + 1) * 8", "not a whole number"),
        ("bytes_back_per_sweep = n_chunks * 3 * k * 8", "also sends its log-likelihood"),
        ("bytes_back_per_sweep = n_samples * 8", "the data itself"),
        ("bytes_back_per_sweep = 'a few kB'", "not a number yet"),
    ],
}


def secrets(exercise_id: str) -> list[str]:
    """What no message may show: the solution's answers and its code."""
    ex = EXERCISES[exercise_id]
    hidden = []
    for index in ex.solution:
        if ex.cells[index].cell_type == "code":
            hidden += [line.strip() for line in ex.cells[index].source.splitlines() if len(line.strip()) >= 16]
    namespace = solved(exercise_id)
    call = ast.parse(_check_call(ex)[1]).body[0].value
    for node in call.args[1:]:
        answer = eval(ast.unparse(node), namespace)
        if isinstance(answer, (tuple, list)) and exercise_id in ("1.2", "5.1"):
            hidden += [str(tuple(a)) for a in answer if isinstance(a, (tuple, list))] or [str(tuple(answer))]
        elif isinstance(answer, (int, np.integer)):
            hidden.append(str(answer))
        elif isinstance(answer, np.ndarray) and answer.size <= 4:
            hidden += [f"{value:.4g}" for value in answer.ravel() if len(f"{value:.4g}") >= 4]
    if exercise_id == "1.2":
        hidden += [str(n) for n in namespace["gamma"].shape if n > 9]
    return hidden


# --- Every exercise has a check, and a check cell ------------------------------


def test_every_exercise_of_the_book_has_a_registered_check_and_no_check_is_stale():
    assert len(EXERCISES) >= 14
    assert set(CHECKS) == set(EXERCISES), "register a check (emlib.exercises.exercise) for every exercise"


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_exercise_has_a_check_cell_right_after_its_starter(exercise_id):
    ex = EXERCISES[exercise_id]
    assert ex.starter is not None, f"{ex.label}: no cell tagged {STARTER_TAG!r}"
    assert ex.check == ex.starter + 1, f"{ex.label}: put a cell tagged {CHECK_TAG!r} right after the starter"
    cell = ex.cells[ex.check]
    assert not cell.outputs and cell.execution_count is None
    _, call = _check_call(ex)
    node = ast.parse(call).body[0].value
    assert isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check"
    assert ast.literal_eval(node.args[0]) == exercise_id, f"{ex.label} is Exercise {exercise_id} on the site"
    check_cells = [c for c in ex.cells if CHECK_TAG in _tags(c)]
    assert len(check_cells) == len([e for e in EXERCISES.values() if e.chapter == ex.chapter])


def test_the_site_numbers_the_exercises_as_the_checks_do():
    built = sorted((ROOT / "_build" / "html" / "book").glob("0*.html"))
    if not built:
        pytest.skip("the book is not built (make book)")
    on_site = set()
    for page in built:
        on_site |= set(re.findall(r"Exercise (\d+\.\d+) \(", page.read_text(encoding="utf-8")))
    assert on_site == set(EXERCISES)


# --- The chapters' own answers ------------------------------------------------


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_books_solution_passes_its_check(exercise_id):
    result = run_check(exercise_id, solved(exercise_id))
    assert result.ok and result.answered, result.message
    assert repr(result).startswith(f"Exercise {exercise_id}: ") and "\n" not in repr(result)
    assert not [secret for secret in secrets(exercise_id) if secret in result.message]


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_untouched_starter_is_not_answered_yet(exercise_id):
    result = run_check(exercise_id, namespace_after(exercise_id, "starter"))
    assert not result.ok and not result.answered
    assert result.message.startswith(f"Exercise {exercise_id}: not answered yet")


@pytest.mark.parametrize("exercise_id", IDS)
def test_typical_mistakes_get_their_own_message_without_the_solution(exercise_id):
    assert len(MISTAKES[exercise_id]) >= 2
    namespace, hidden = solved(exercise_id), secrets(exercise_id)
    messages = set()
    for code, expected in MISTAKES[exercise_id]:
        result = run_check(exercise_id, namespace, code)
        assert not result.ok and result.answered, (code, result.message)
        assert expected in result.message, (code, result.message)
        assert "\n" not in result.message and len(result.message) < 200
        assert not [secret for secret in hidden if secret in result.message], result.message
        messages.add(result.message)
    assert len(messages) == len(MISTAKES[exercise_id]), "each typical mistake gets its own message"


# --- The machinery -------------------------------------------------------------


def test_the_checks_import_nothing_beyond_the_learners_environment():
    code = (
        "import sys, emlib.exercises; "
        "print(sorted(m for m in ('sklearn', 'myst_nb', 'pytest', 'IPython', 'jupyter_book') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_check_refuses_an_unknown_exercise_and_a_call_that_does_not_fit():
    with pytest.raises(ValueError, match=r"no exercise '9\.9': the book's exercises are 1\.1, 1\.2"):
        check("9.9", 1)
    with pytest.raises(TypeError, match="exercise_id must be a string"):
        check(5.2, 1)
    with pytest.raises(TypeError, match=r"call it as check\('5\.2', log_kernel, samples=\.\.\., means="):
        check("5.2", lambda s, m, v: s)


def test_a_new_exercise_registers_with_the_decorator_and_ids_are_checked(monkeypatch):
    monkeypatch.setattr(exercises, "CHECKS", dict(CHECKS))

    @exercise("99.1")
    def _double(doubled, *, value):
        compare("doubled", doubled, np.asarray(2 * value))

    assert exercises.check("99.1", 4.0, value=2.0).ok
    assert repr(exercises.check("99.1", 6.0, value=2.0)) == (
        "Exercise 99.1: not yet: doubled has the right shape but wrong values."
    )
    assert repr(exercises.check("99.1", ..., value=2.0)) == "Exercise 99.1: not answered yet."
    with pytest.raises(ValueError, match="already has a check"):
        exercise("99.1")
    with pytest.raises(ValueError, match="'<chapter>.<position>'"):
        exercise("ex-05-shapes")


def test_python_loops_finds_loops_and_comprehensions_but_not_array_code():
    namespace: dict = {}
    source = (
        "def looped(a):\n    total = 0\n    for v in a:\n        total += v\n    return total\n\n"
        "def comprehended(a):\n    return sum(v for v in a)\n\n"
        "def whole(a):\n    return a.sum(axis=0)\n"
    )
    _run([(source, "loops")], namespace, "test")
    assert python_loops(namespace["looped"]) == ["a for loop (line 3)"]
    assert python_loops(namespace["comprehended"]) == ["a generator expression (line 2)"]
    assert python_loops(namespace["whole"]) == []


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@given(arrays(np.float64, st.integers(2, 6), elements=finite), st.floats(1.5, 10))
def test_compare_names_a_constant_factor_and_accepts_the_right_values(expected, factor):
    compare("answer", expected.copy(), expected)
    with pytest.raises(Wrong, match="off by a constant factor"):
        compare("answer", factor * expected, expected)


@given(arrays(np.float64, st.tuples(st.integers(2, 5), st.integers(6, 9)), elements=finite))
def test_compare_names_a_transposed_table(expected):
    with pytest.raises(Wrong, match="transposed"):
        compare("table", expected.T, expected)
