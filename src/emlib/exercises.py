r"""Self-checks for the book's exercises: ``check("5.2", log_kernel, ...)``.

Every exercise of the book has a check, registered under the number the site
prints ("Exercise 5.2": chapter 5, second exercise). A learner calls it in the
cell after the exercise's starter cell::

    from emlib.exercises import check
    check("5.2", log_kernel, samples=samples, means=means, variances=variances)

The first arguments are the learner's answers, the keywords the chapter's data
the answers are about. The check prints one short line, as the repr of the
:class:`CheckResult` it returns: that the answer is right, that it is not
answered yet, or what is wrong with it in terms the learner can act on (a wrong
shape, a transposed table, a sum over the wrong axis, a constant factor, a
Python loop where the exercise asks for none). It never shows the solution or
the expected values. Open questions (predict a count, a time) compare the
prediction with a measurement and say how far off it is.

A new exercise gets its check with the :func:`exercise` decorator: one small
function, whose positional parameters are the answers and whose keyword-only
parameters are the context. It raises :class:`Wrong` (or :class:`NotAnswered`)
with a one-line message, and returns ``None`` when the answer is right, or the
line to show for an open question::

    @exercise("9.1")
    def _column_means(means, *, table):
        compare("means", means, reference_means(table))

Only numpy, scipy and :mod:`emlib` are used, so the checks run in the
learner's environment.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import emlib
from emlib import bench, hoisted, vectorized
from emlib.driver import EMResult
from emlib.params import SEED_PROBLEM, MixtureParams
from emlib.timing import time_per_iteration

Check = Callable[..., "str | None"]
"""``check(*answers, **context) -> None`` (right) or the line for an open question."""

CHECKS: dict[str, Check] = {}
"""Every exercise's check, by the number the site prints (``"5.2"``)."""

EXERCISE_ID = re.compile(r"[1-9][0-9]*\.[1-9][0-9]*")

RTOL = 1e-9
"""Relative tolerance of a right answer: the loop and the array version add
the same numbers in another order, which changes only the last digits."""


class Feedback(Exception):
    """An answer that is not right yet: raised by a check with a one-line message."""


class NotAnswered(Feedback):
    """The answer is still the starter's placeholder (``...``, ``None``)."""


class Wrong(Feedback):
    """The answer is wrong; the message says what to change, not what is expected."""


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check` found. Its repr is the one line a notebook shows.

    Attributes
    ----------
    exercise_id : str
        The exercise, e.g. ``"5.2"``.
    ok : bool
        Whether the answer is right (for an open question: answered sensibly).
    answered : bool
        False while the answer is still the starter's placeholder.
    message : str
        The one line, e.g. ``"Exercise 5.2: right."``.
    """

    exercise_id: str
    ok: bool
    answered: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


def exercise(exercise_id: str) -> Callable[[Check], Check]:
    """Register the decorated function as the check of exercise ``exercise_id``.

    Raises
    ------
    ValueError
        If ``exercise_id`` is not ``"<chapter>.<position>"`` or already has a check.
    """
    if not isinstance(exercise_id, str) or not EXERCISE_ID.fullmatch(exercise_id):
        raise ValueError(f"an exercise id is '<chapter>.<position>', e.g. '5.2', got {exercise_id!r}")
    if exercise_id in CHECKS:
        raise ValueError(f"exercise {exercise_id} already has a check")

    def register(function: Check) -> Check:
        CHECKS[exercise_id] = function
        return function

    return register


def _sort_key(exercise_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in exercise_id.split("."))


def _usage(exercise_id: str) -> str:
    parameters = inspect.signature(CHECKS[exercise_id]).parameters.values()
    answers = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    context = [f"{p.name}=..." for p in parameters if p.kind is p.KEYWORD_ONLY]
    return f"check({exercise_id!r}, {', '.join(answers + context)})"


def _is_placeholder(value: object) -> bool:
    return value is Ellipsis or value is None


def check(exercise_id: str, *answers: Any, **context: Any) -> CheckResult:
    """Check a learner's answers to one exercise; the result's repr is one line.

    Parameters
    ----------
    exercise_id : str
        The exercise's number as the book prints it, e.g. ``"5.2"``.
    *answers
        The learner's answers, in the order of the exercise's check cell.
    **context
        The chapter's data the answers are about (e.g. ``samples=samples``).

    Returns
    -------
    CheckResult
        ``ok`` and the one-line ``message``.

    Raises
    ------
    TypeError
        If ``exercise_id`` is not a string, or the answers and context do not
        match the exercise's check (the message shows the right call).
    ValueError
        If no exercise has that number.
    """
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string such as '5.2', got {type(exercise_id).__name__}")
    if exercise_id not in CHECKS:
        known = ", ".join(sorted(CHECKS, key=_sort_key))
        raise ValueError(f"no exercise {exercise_id!r}: the book's exercises are {known}")
    function = CHECKS[exercise_id]
    signature = inspect.signature(function)
    try:
        bound = signature.bind(*answers, **context)
    except TypeError as err:
        raise TypeError(f"{err}: call it as {_usage(exercise_id)}") from None
    prefix = f"Exercise {exercise_id}: "
    placeholders = [name for name, value in bound.arguments.items() if _is_placeholder(value) and name not in context]
    if placeholders:
        which = "" if len(answers) == 1 else f" ({', '.join(placeholders)})"
        return CheckResult(exercise_id, False, False, f"{prefix}not answered yet{which}.")
    try:
        note = function(*bound.args, **bound.kwargs)
    except NotAnswered as err:
        detail = f" ({err})" if str(err) else ""
        return CheckResult(exercise_id, False, False, f"{prefix}not answered yet{detail}.")
    except Wrong as err:
        return CheckResult(exercise_id, False, True, _sentence(f"{prefix}not yet: {err}"))
    return CheckResult(exercise_id, True, True, _sentence(f"{prefix}{note or 'right'}"))


def _sentence(line: str) -> str:
    return line if line.endswith(("?", ".")) else f"{line}."


# ---------------------------------------------------------------------------
# Helpers the checks share.


def numbers(value: object, name: str, *, finite: bool = True) -> np.ndarray:
    """``value`` as a float array, or :class:`Wrong` saying why it is not numbers yet."""
    if _is_placeholder(value):
        raise NotAnswered(name)
    if isinstance(value, (str, bytes)):
        raise Wrong(f"{name} is text, not a number yet")
    if callable(value):
        raise Wrong(f"{name} is a function, not a number yet: call it")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{name} is a {type(value).__name__}, not numbers yet") from None
    if finite and not np.isfinite(array).all():
        raise Wrong(f"{name} holds inf or NaN")
    return array


def compare(
    name: str,
    got: object,
    expected: np.ndarray,
    *,
    shapes: Mapping[tuple[int, ...], str] | None = None,
    variants: Sequence[tuple[np.ndarray, str]] = (),
    transposed: str = "its rows and columns are swapped",
    rtol: float = RTOL,
) -> None:
    """Raise :class:`Wrong` unless ``got`` matches ``expected`` (same shape, close values).

    Parameters
    ----------
    name : str
        How the message names the answer, e.g. ``"totals"``.
    got : array_like
        The learner's answer.
    expected : numpy.ndarray
        The right values (never shown).
    shapes : mapping, optional
        For a typical wrong shape, what it means (e.g. "one value per sample").
    variants : sequence of (array, str), optional
        Typical wrong values, each with what went wrong.
    transposed : str
        What a 2-D answer with its axes swapped means.
    rtol : float
        Relative tolerance (no absolute one: the book's values are small).
    """
    array = numbers(got, name, finite=False)
    expected = np.asarray(expected, dtype=float)
    if array.shape != expected.shape:
        if shapes and array.shape in shapes:
            raise Wrong(f"{name} has shape {array.shape}: {shapes[array.shape]}")
        if array.ndim == 2 and array.shape == expected.shape[::-1]:
            raise Wrong(f"{name} is transposed: {transposed}")
        raise Wrong(f"{name} has shape {array.shape}, not the shape the exercise asks for")
    if not np.isfinite(array).all():
        raise Wrong(f"{name} holds inf or NaN")
    if np.allclose(array, expected, rtol=rtol, atol=0):
        return
    for values, meaning in variants:
        if np.shape(values) == array.shape and np.allclose(array, values, rtol=rtol, atol=0):
            raise Wrong(f"{name}: {meaning}")
    if array.size > 1:
        scale = np.abs(expected).max()
        if (expected != 0).all():
            ratio = array / expected
            if np.allclose(ratio, ratio.flat[0], rtol=1e-6, atol=0):
                raise Wrong(f"{name} is off by a constant factor: every value is the right one times the same number")
        offset = array - expected
        if np.allclose(offset, offset.flat[0], rtol=1e-6, atol=1e-9 * scale):
            raise Wrong(f"{name} is off by a constant: every value is the right one plus the same number")
    raise Wrong(f"{name} has the right shape but wrong values")


def call(function: object, name: str, *args: Any) -> Any:
    """``function(*args)``; :class:`NotAnswered` if it returns None, :class:`Wrong` if it raises."""
    if _is_placeholder(function):
        raise NotAnswered(name)
    if not callable(function):
        raise Wrong(f"{name} is a {type(function).__name__}, not a function yet")
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = function(*args)
    except Exception as err:  # the learner's code: report it in one line
        detail = str(err).strip().splitlines()[0][:120] if str(err).strip() else ""
        raise Wrong(f"calling {name} raised {type(err).__name__}" + (f": {detail}" if detail else "")) from None
    if result is None:
        raise NotAnswered(f"{name} returns None")
    return result


def _syntax_tree(function: object) -> ast.AST | None:
    """The parsed source of ``function``, or None where Python cannot find it."""
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    except (OSError, TypeError, SyntaxError):
        return None


LOOPS = {
    ast.For: "a for loop",
    ast.AsyncFor: "a for loop",
    ast.While: "a while loop",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
}


def python_loops(function: object) -> list[str]:
    """The Python loops in ``function``'s source (``"a for loop (line 3)"``), in order."""
    tree = _syntax_tree(function)
    if tree is None:
        return []
    return [f"{LOOPS[type(node)]} (line {node.lineno})" for node in ast.walk(tree) if type(node) in LOOPS]


def calls_to(function: object, names: set[str]) -> int:
    """How many calls in ``function``'s source are to a function named one of ``names``.

    ``np.array(...)`` and ``array(...)`` both count as calls to ``array``.
    """
    tree = _syntax_tree(function)
    if tree is None:
        return 0
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = node.func
            called = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", None)
            count += called in names
    return count


def no_loops(function: object, name: str) -> None:
    """:class:`Wrong` if ``function`` still runs a Python loop."""
    loops = python_loops(function)
    if loops:
        raise Wrong(f"{name} still has a Python loop, {loops[0]}: the exercise asks for none")


def whole_number(value: object, name: str) -> int:
    """``value`` as an int, or :class:`Wrong` if it is not a whole number."""
    if _is_placeholder(value):
        raise NotAnswered(name)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise Wrong(f"{name} is a {type(value).__name__}, not a number yet")
    if not float(value).is_integer():
        raise Wrong(f"{name} is not a whole number: a count is")
    return int(value)


def positive_number(value: object, name: str) -> float:
    """``value`` as a float > 0, or :class:`Wrong`."""
    array = numbers(value, name)
    if array.size != 1:
        raise Wrong(f"{name} holds {array.size} numbers: give one")
    number = float(array.reshape(()))
    if number <= 0:
        raise Wrong(f"{name} is not positive: a time is")
    return number


def shape_tuple(value: object, name: str) -> tuple[int, ...]:
    """``value`` as a shape, or :class:`Wrong` if it is not a tuple of whole numbers."""
    if _is_placeholder(value):
        raise NotAnswered(name)
    if not isinstance(value, (tuple, list)) or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in value
    ):
        raise Wrong(f"{name} is not a shape yet: write it as a tuple of whole numbers, e.g. (3, 7)")
    return tuple(int(n) for n in value)


def ratio_line(predicted: float, measured: float, what: str) -> str:
    """``"your prediction is 3.1x the measured time"``: how far a prediction is from a measurement."""
    ratio = predicted / measured
    shown = f"{ratio:.2g}" if ratio < 10 else f"{ratio:,.0f}"
    return f"your prediction is {shown}x the measured {what}"


def function_name(value: object, name: str) -> str:
    """A function's name from a string (``"norm.pdf"``), a function or a profile row."""
    if _is_placeholder(value):
        raise NotAnswered(name)
    if isinstance(value, str):
        text = value.strip().removesuffix("()")
        return text.rsplit(".", 1)[-1]
    named = getattr(value, "name", None) or getattr(value, "__name__", None)
    if isinstance(named, str):
        return named
    raise Wrong(f"{name} is a {type(value).__name__}: give a function's name as a string")


# ---------------------------------------------------------------------------
# Chapter 1


@exercise("1.1")
def _third_version_agrees(broadcast_fit: object, *, fast: EMResult) -> None:
    if isinstance(broadcast_fit, (MixtureParams, np.ndarray)):
        raise Wrong(
            "broadcast_fit holds only parameters: keep the whole result of "
            "emlib.em_broadcast(...), which also has n_iter"
        )
    if callable(broadcast_fit):
        raise Wrong("broadcast_fit is the function itself: call it on x and the start")
    if not isinstance(broadcast_fit, EMResult):
        raise Wrong(f"broadcast_fit is a {type(broadcast_fit).__name__}, not the result of a fit yet")
    first, reference = broadcast_fit.log_likelihood[:1], fast.log_likelihood[:1]
    if not np.allclose(first, reference, rtol=RTOL, atol=0):
        raise Wrong("broadcast_fit started from other parameters or other data than fast: fit x from SEED_PROBLEM.start")
    if broadcast_fit.n_iter != fast.n_iter:
        more = "more" if broadcast_fit.n_iter > fast.n_iter else "fewer"
        raise Wrong(f"broadcast_fit ran {more} iterations than fast: stop it the same way, with tol=SEED_PROBLEM.tol")
    if not np.allclose(broadcast_fit.params.as_array(), fast.params.as_array(), rtol=RTOL, atol=0):
        raise Wrong("broadcast_fit.params differ from fast.params beyond nine significant digits")


@exercise("1.2")
def _predict_a_shape(predicted_shape: object, *, x: np.ndarray) -> None:
    shape = shape_tuple(predicted_shape, "predicted_shape")
    measured = vectorized.e_step(np.ravel(x), SEED_PROBLEM.start)[0].shape
    if shape == measured:
        return None
    if shape == measured[::-1]:
        raise Wrong("transposed: the array has one row per component and one column per sample")
    if len(shape) > len(measured):
        raise Wrong("e_step takes the flat samples, x.ravel(): one axis for the components, one for all the samples")
    if len(shape) < len(measured):
        raise Wrong("the array has an axis for the components and one for the samples")
    if shape[0] == measured[0]:
        raise Wrong("the rows are right, the columns are not: one column per sample, and x holds rows times columns samples")
    if shape[1] == measured[1]:
        raise Wrong("the columns are right, the rows are not: one row per component of SEED_PROBLEM.start")
    raise Wrong("count again: one row per component, one column per sample")


# ---------------------------------------------------------------------------
# Chapter 2


def _normalized(weighted: np.ndarray) -> np.ndarray:
    return weighted / weighted.sum()


@exercise("2.1")
def _responsibilities_by_hand(by_hand: object, *, value: float, start: MixtureParams) -> None:
    from scipy.stats import norm

    got = numbers(by_hand, "by_hand")
    n_components = start.n_components
    if got.shape != (n_components,):
        if got.size == n_components:
            raise Wrong(f"by_hand has shape {got.shape}: make it a flat array, one value per component")
        raise Wrong(f"by_hand holds {got.size} values: the exercise asks for one per component")
    from_emlib = vectorized.e_step(np.array([float(value)]), start)[0][:, 0]
    if np.allclose(got, from_emlib, rtol=RTOL, atol=0):
        return None
    if not np.isclose(got.sum(), 1.0, rtol=1e-9, atol=0):
        raise Wrong("by_hand does not add up to 1: divide the weighted densities by their sum over the components")
    # norm.pdf(x, loc, scale): the scale is sigma; passing sigma^2 is the classic slip.
    with_variances = _normalized(start.weights * norm.pdf(value, start.means, start.variances))
    if np.allclose(got, with_variances, rtol=RTOL, atol=0):
        raise Wrong("norm.pdf's third argument is the standard deviation, not the variance")
    raise Wrong("by_hand adds up to 1 but disagrees with emlib's E-step: check the formula term by term")


@exercise("2.2")
def _m_step_without_loops(
    totals: object, means: object, variances: object, weights: object, *, gamma: np.ndarray, samples: np.ndarray
) -> None:
    gamma = np.asarray(gamma, dtype=float)
    n_components, n_samples = gamma.shape
    expected = vectorized.m_step(np.ravel(samples), gamma)
    expected_totals = expected.weights * n_samples
    wrong_axis = {
        (n_samples,): "one value per sample: you summed over the components; sum along the samples",
        (n_components, n_samples): "still one value per component and sample: sum along the samples",
        (): "a single number: keep one value per component",
    }
    compare("totals", totals, expected_totals, shapes=wrong_axis)
    compare(
        "means",
        means,
        expected.means,
        shapes=wrong_axis,
        variants=[(expected.means * expected_totals, "not divided by the totals N_k yet")],
    )
    compare(
        "variances",
        variances,
        expected.variances,
        shapes=wrong_axis,
        variants=[(expected.variances * expected_totals, "not divided by the totals N_k yet")],
    )
    compare(
        "weights",
        weights,
        expected.weights,
        shapes=wrong_axis,
        variants=[(expected_totals, "these are the totals N_k: divide by the number of samples N")],
    )


# ---------------------------------------------------------------------------
# Chapter 3


@exercise("3.1")
def _pdf_calls(predicted_pdf_calls: object, *, tiny: np.ndarray, start: MixtureParams) -> None:
    from emlib.book.profiling import profile

    predicted = whole_number(predicted_pdf_calls, "predicted_pdf_calls")
    report = profile(lambda: emlib.em_original(tiny, start, tol=0, max_iter=1))
    measured = report.lookup("pdf").calls
    if predicted == measured:
        return None
    n_samples, n_components = np.size(tiny), start.n_components
    typical = {
        0: "norm.pdf does run, in the E-step: count its calls",
        n_components: "norm.pdf runs for every sample, not once per component",
        n_samples: "norm.pdf runs for every component of every sample, not once per sample",
        n_samples**2 * n_components: "the M-step's quadratic loop does not call norm.pdf: count the E-step's calls",
        SEED_PROBLEM.n_samples * n_components: "the profile runs on tiny, the first 2 rows, not on all of x",
    }
    raise Wrong(typical.get(predicted, ratio_line(predicted, measured, "number of calls")))


@exercise("3.2")
def _vectorized_total(array_total: object, *, responsibilities: Sequence[np.ndarray]) -> None:
    rows, columns, n_components = np.shape(responsibilities)
    # The question's own way, which the exercise compares with.
    expected = np.asarray(sum(sum(responsibilities)), dtype=float)
    keep_components = "keep one total per component"
    compare(
        "array_total",
        array_total,
        expected,
        shapes={
            (): f"a single number: you added the components together too; {keep_components}",
            (rows, columns): f"you added over the components: add over rows and columns, {keep_components}",
            (columns, n_components): "one total per column: add over the rows and the columns",
            (rows, n_components): "one total per row: add over the columns too",
            (n_components, columns): "one total per column: add over the rows and the columns",
            (rows, columns, n_components): "nothing is added yet: sum over the rows and the columns",
        },
    )


# ---------------------------------------------------------------------------
# Chapter 4


@exercise("4.1")
def _convert_once(m_step_once: object, *, rows: list, responsibilities: list) -> None:
    if calls_to(m_step_once, {"array", "asarray", "asanyarray", "shape"}):
        raise Wrong("m_step_once still converts the data to an array: read the numbers of rows and columns with len()")
    result = call(m_step_once, "m_step_once", rows, responsibilities)
    if not isinstance(result, MixtureParams):
        raise Wrong(f"m_step_once returns a {type(result).__name__}, not a MixtureParams as hoisted.m_step does")
    expected = hoisted.m_step(rows, responsibilities)
    for field in ("means", "variances", "weights"):
        compare(f"m_step_once's {field}", getattr(result, field), getattr(expected, field))


STEPS = {"estep": "e_step", "mstep": "m_step"}

SLOWER_STEP, HOT_FUNCTION = "e_step", "pdf"
"""Exercise 4.2's answer for ``em_hoisted``: the E-step, and in it ``norm.pdf``."""

COMPREHENSION_FRAME = re.compile(r"<(listcomp|setcomp|dictcomp|genexpr)>")
"""Before Python 3.12 a comprehension runs in a frame of its own."""


def _plain_name(key: tuple[str, int, str]) -> str:
    """A pstats key's function name: ``pdf``, or ``sqrt`` for ``<built-in method math.sqrt>``."""
    builtin = re.fullmatch(r"<(?:built-in method (?:[\w.]+\.)?(\w+)|method '(\w+)' of .*)>", key[2])
    return next(filter(None, builtin.groups())) if builtin else key[2]


def _seconds_called_from(stats: dict, caller: str) -> dict[str, float]:
    """Seconds with callees of every function ``caller`` calls (through its comprehensions too)."""
    frames = {key for key in stats if key[2] == caller}
    grew = True
    while grew:
        inner = {
            key
            for key, entry in stats.items()
            if COMPREHENSION_FRAME.fullmatch(key[2]) and frames & set(entry[4])
        }
        grew = not inner <= frames
        frames |= inner
    seconds: dict[str, float] = {}
    for key, entry in stats.items():
        if key not in frames:
            from_caller = sum(timing[3] for calling, timing in entry[4].items() if calling in frames)
            if from_caller:
                seconds[_plain_name(key)] = seconds.get(_plain_name(key), 0.0) + from_caller
    return seconds


@exercise("4.2")
def _where_is_the_time(slower_step: object, hot_function: object, *, x: np.ndarray, start: MixtureParams) -> None:
    from emlib.book.profiling import profile

    step = STEPS.get(re.sub(r"[\s_\-()]", "", function_name(slower_step, "slower_step").lower()))
    if step is None:
        raise Wrong('slower_step names no step: answer "e_step" or "m_step"')
    function = function_name(hot_function, "hot_function")
    # Judged by the known answer, not by a profile's times, which can swap
    # places on a busy machine: the E-step calls norm.pdf N K times, at tens of
    # microseconds a call, and each M-step pass costs a few array operations.
    slower, hot = SLOWER_STEP, HOT_FUNCTION
    if step != slower:
        raise Wrong("the profile shows the other step taking longer: compare the steps' time with callees")
    if function == hot:
        return None
    report = profile(lambda: emlib.em_hoisted(x[:4], start, tol=0, max_iter=1))
    from_step = _seconds_called_from(report.stats.stats, slower)
    if function in STEPS.values():
        raise Wrong(f"{function} is a step: which function that it calls takes most of its time?")
    if function in ("run_em", "em_hoisted"):
        raise Wrong(f"{function} calls the steps; look at the functions the slower step calls")
    if function not in from_step:
        raise Wrong(f"{slower} does not call {function} directly: look at the functions it calls")
    raise Wrong(f"another function that {slower} calls takes more of its time")


# ---------------------------------------------------------------------------
# Chapter 5

BROADCAST_QUESTIONS = (
    ((255, 100), (255, 100, 2)),
    ((255, 100, 1), (255, 100, 2)),
    ((3, 1, 4), (5, 1)),
    ((2, 1), (25500,)),
)
"""The four pairs of shapes of exercise 5.1 (``means[:, np.newaxis]`` is ``(2, 1)``)."""


def _broadcast_or_error(shapes: tuple[tuple[int, ...], ...]) -> tuple[int, ...] | str:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        return "error"


def _shape_or_error(prediction: object) -> tuple[int, ...] | str | None:
    if isinstance(prediction, str):
        return "error" if "error" in prediction.lower() else None
    if isinstance(prediction, (tuple, list)) and all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in prediction
    ):
        return tuple(int(n) for n in prediction)
    return None


@exercise("5.1")
def _predict_the_shapes(predicted_shapes: object) -> None:
    if not isinstance(predicted_shapes, (list, tuple)) or len(predicted_shapes) != len(BROADCAST_QUESTIONS):
        raise Wrong('give a list of four predictions, one per question: a shape tuple, or "error"')
    if all(_is_placeholder(p) for p in predicted_shapes):
        raise NotAnswered("")
    problems = []
    for number, (prediction, shapes) in enumerate(zip(predicted_shapes, BROADCAST_QUESTIONS), start=1):
        truth, guess = _broadcast_or_error(shapes), _shape_or_error(prediction)
        if _is_placeholder(prediction):
            problems.append(f"prediction {number} is not answered yet")
        elif guess is None:
            problems.append(f'prediction {number} is neither a shape tuple nor "error"')
        elif guess == truth:
            continue
        elif truth == "error":
            problems.append(
                f"prediction {number}: line the shapes up on the right; two lengths that differ, "
                "neither of them 1, do not broadcast"
            )
        elif guess == "error":
            problems.append(f"prediction {number}: these do broadcast; a length 1, or a missing axis, stretches")
        elif sorted(guess) == sorted(truth):
            problems.append(f"prediction {number} has the right lengths in the wrong order: which operand got the new axis?")
        elif len(guess) != len(truth):
            problems.append(f"prediction {number}: the result has as many axes as the longer shape")
        else:
            problems.append(f"prediction {number}: compare the lengths axis by axis from the right; each 1 stretches")
    if problems:
        right = len(BROADCAST_QUESTIONS) - len(problems)
        raise Wrong(f"{right} of {len(BROADCAST_QUESTIONS)} right; {problems[0]}")
    return None


@exercise("5.2")
def _log_kernel(log_kernel: object, *, samples: np.ndarray, means: np.ndarray, variances: np.ndarray) -> None:
    samples, means, variances = (np.asarray(a, dtype=float) for a in (samples, means, variances))
    result = call(log_kernel, "log_kernel", samples, means, variances)
    no_loops(log_kernel, "log_kernel")
    # The loop's table, entry by entry: [i, k] = -(x_i - mu_k)^2 / (2 sigma_k^2).
    expected = np.array([[-((s - m) ** 2) / (2 * v) for m, v in zip(means, variances)] for s in samples])
    compare(
        "log_kernel's table",
        result,
        expected,
        shapes={(samples.size,): "one value per sample: the table needs a column per component"},
        transposed="one row per sample and one column per component, not the other way round",
    )


# ---------------------------------------------------------------------------
# Chapter 6


@exercise("6.1")
def _logsumexp_rows(logsumexp_rows: object, *, a: np.ndarray) -> None:
    from scipy.special import logsumexp

    a = np.asarray(a, dtype=float)
    result = numbers(call(logsumexp_rows, "logsumexp_rows", a.copy()), "logsumexp_rows(a)", finite=False)
    n_rows, n_columns = a.shape
    if result.shape == (n_columns,) and not np.isfinite(result).all():
        raise Wrong("logsumexp_rows(a) is not finite: subtract each column's own maximum before np.exp")
    compare(
        "logsumexp_rows(a)",
        result,
        logsumexp(a, axis=0),
        shapes={
            (n_rows,): "one value per row: combine the two entries of each column",
            a.shape: "still one value per entry: take each column's maximum, and sum down each column",
            (): "a single number: keep one value per column",
        },
        variants=[(logsumexp(a, axis=0) - a.max(axis=0), "add the maxima back after the log")],
        rtol=1e-12,
    )


@exercise("6.2")
def _pick_the_axis(per_sample: object, totals: object, *, gamma: np.ndarray) -> None:
    gamma = np.asarray(gamma, dtype=float)
    n_components, n_samples = gamma.shape
    whole = "a single number: you added over both axes"
    not_summed = "nothing is added yet"
    compare(
        "per_sample",
        per_sample,
        gamma.sum(axis=0),
        shapes={
            (n_components,): "one value per component: that adds over the samples; per_sample adds over the components",
            (): whole,
            gamma.shape: not_summed,
        },
    )
    compare(
        "totals",
        totals,
        gamma.sum(axis=1),
        shapes={
            (n_samples,): "one value per sample: that adds over the components; totals add over the samples",
            (): whole,
            gamma.shape: not_summed,
        },
    )


# ---------------------------------------------------------------------------
# Chapter 7


@exercise("7.1")
def _density_on_a_grid(density: object, *, grid: np.ndarray, params: MixtureParams) -> None:
    from scipy.stats import norm

    grid = np.asarray(grid, dtype=float)
    result = call(density, "density", grid, params)
    no_loops(density, "density")
    pdf_calls = calls_to(density, {"pdf"})
    if pdf_calls != 1:
        raise Wrong(f"density calls norm.pdf {pdf_calls} times: the exercise asks for a single call")
    sds = np.sqrt(params.variances)
    # One component at a time, as the loop adds them up.
    components = [norm.pdf(grid, mean, sd) for mean, sd in zip(params.means, sds)]
    expected = sum(weight * pdf for weight, pdf in zip(params.weights, components))
    with_variances = sum(
        weight * norm.pdf(grid, mean, variance)
        for weight, mean, variance in zip(params.weights, params.means, params.variances)
    )
    table = (params.n_components, grid.size)  # (K, G), components by samples as the book lays it out
    compare(
        "density(grid, params)",
        result,
        expected,
        shapes={
            table: "still one row per component: weight the table and add over the components",
            table[::-1]: "still one column per component: weight the table and add over the components",
            (params.n_components,): "one value per component: you added over the grid; add over the components",
        },
        variants=[
            (with_variances, "norm.pdf's third argument is the standard deviation, not the variance"),
            (sum(components), "the weights pi_k are missing"),
        ],
    )


PREDICTION_SIZE = 10**6
"""The size exercise 7.2 predicts the time per iteration at."""


@exercise("7.2")
def _predict_then_measure(predicted: object) -> str:
    seconds = positive_number(predicted, "predicted")
    _, start = bench.bench_problem(2)
    data = bench.bench_data(PREDICTION_SIZE, 2)
    measured = time_per_iteration(emlib.em_vectorized, data, start, n_iter=3, repeat=3)
    line = ratio_line(seconds, measured, "time per iteration")
    if seconds / measured > 30:
        raise Wrong(f"{line}: give it in seconds (is it in milliseconds?)")
    if seconds / measured < 0.01:
        raise Wrong(f"{line}: give seconds per iteration at N = 10**6")
    verdict = "close" if 0.9 <= seconds / measured <= 1.1 else "too low" if seconds < measured else "too high"
    return f"{line}: {verdict}; now say why"


# ---------------------------------------------------------------------------
# Chapter 8


@exercise("8.1")
def _sums_add_up_over_chunks(
    total_sums: object, *, pieces: Sequence[np.ndarray], center: float, plan: vectorized.SweepPlan
) -> None:
    # The law the chapter rests on: the chunks' sums add up to the sums over all the samples as one chunk.
    from emlib.dask_fit import chunk_sums  # imports Dask, which only chapter 8 needs

    def sums_of(samples: np.ndarray) -> np.ndarray:
        return chunk_sums(samples, center, plan, None)[0]

    per_piece = [sums_of(piece) for piece in pieces]
    expected = sums_of(np.concatenate([np.ravel(piece) for piece in pieces]))
    k = expected.shape[0]
    compare(
        "total_sums",
        total_sums,
        expected,
        shapes={
            (len(pieces), k, 3): "still one table per chunk: add the chunks' tables element by element",
            (k * 3 + 1,): "the log-likelihood is in it: keep only the (K, 3) sums",
        },
        variants=[
            (per_piece[0], "that is the first chunk's sums only: add every chunk's"),
            (sum(per_piece) / len(per_piece), "you averaged the chunks' sums: sums add up, so add them"),
        ],
        transposed="one row per component and one column per sum (sum of gamma u, N_k, sum of gamma u^2)",
    )


@exercise("8.2")
def _bytes_back_per_sweep(bytes_back_per_sweep: object, *, n_samples: int, chunk_samples: int, k: int) -> None:
    if isinstance(bytes_back_per_sweep, (float, np.floating)) and not float(bytes_back_per_sweep).is_integer():
        raise Wrong("bytes_back_per_sweep is not a whole number: count whole chunks, the last one shorter")
    answer = whole_number(bytes_back_per_sweep, "bytes_back_per_sweep")
    n_chunks = -(-n_samples // chunk_samples)  # rounded up: the last chunk is shorter
    values = 3 * k + 1  # (K, 3) sums and one log-likelihood per chunk
    if answer == n_chunks * values * 8:
        return None
    known = {
        n_chunks * values: "that is the number of values: each float64 takes 8 bytes",
        (n_samples // chunk_samples) * values * 8: "round the number of chunks up: the last, shorter chunk sends its sums too",
        n_chunks * 3 * k * 8: "each chunk also sends its log-likelihood, one more float64",
        n_samples * 8: "that is the data itself: only each chunk's sums come back",
    }
    raise Wrong(known.get(answer, "count the chunks, then the float64 values each chunk's task returns"))
