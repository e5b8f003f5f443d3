"""Tests of emlib.book.profiling: the profile table and the small-call timer."""

import time

import pytest

import emlib
from emlib.book.profiling import Profile, ProfileRow, profile, time_call


@pytest.fixture(scope="module")
def original_profile() -> Profile:
    """One iteration of the question's loops on 2 x 10 samples."""
    x = emlib.sample(emlib.SEED_PROBLEM.true, (2, 10), seed=1)
    return profile(lambda: emlib.em_original(x, emlib.SEED_PROBLEM.start, tol=0, max_iter=1), top=5)


def test_counts_the_calls_the_code_makes(original_profile):
    # N = 20 samples, K = 2 components: one norm.pdf call per sample and component.
    assert original_profile.lookup("pdf").calls == 20 * 2
    assert original_profile.lookup("m_step").calls == 1
    # sum(sum(...)) twice per sample in each of the two double loops: 2 * 2 * N calls from m_step.
    assert original_profile.lookup("sum", called_from="m_step").calls == 4 * 20
    # and one sum(weighted) per sample in the E-step.
    assert original_profile.lookup("sum", called_from="e_step").calls == 20


def test_rows_are_sorted_largest_first(original_profile):
    own = [row.own_seconds for row in original_profile.rows]
    assert own == sorted(own, reverse=True)
    assert original_profile.sort == "own_seconds"


@pytest.mark.parametrize("key", ["total_seconds", "calls"])
def test_other_sort_orders(key):
    result = profile(lambda: sorted(range(1000), key=str), sort=key)
    values = [getattr(row, key) for row in result.rows]
    assert values == sorted(values, reverse=True)


def test_rows_describe_builtins_and_python_functions(original_profile):
    assert original_profile.lookup("sum").location == "built-in"
    m_step = original_profile.lookup("m_step")
    assert m_step.location.startswith("emlib/original.py:")
    assert m_step.label == f"m_step ({m_step.location})"
    assert m_step.total_seconds >= m_step.own_seconds >= 0


def test_share_is_a_fraction_of_the_total(original_profile):
    shares = [original_profile.share(row) for row in original_profile.rows]
    assert all(0 <= share <= 1 for share in shares)
    assert sum(shares) == pytest.approx(1, rel=1e-6)


def test_table_shows_top_rows(original_profile):
    text = str(original_profile)
    assert len(text.splitlines()) == 2 + 5 + 1  # header, rule, top rows, total
    table = original_profile._repr_html_()
    assert table.count("<tr>") == 1 + 5
    assert "own time (s)" in table
    for row in original_profile.rows[:5]:  # file name shown, full location on hover
        assert f"title='{row.location}'>{row.location.rsplit('/', 1)[-1]}</td>" in table


def two_lambdas() -> None:
    first = lambda: None  # noqa: E731 - two functions with one name, on two lines
    second = lambda: None  # noqa: E731
    first()
    second()


def test_html_escapes_function_names():
    table = profile(two_lambdas, top=10)._repr_html_()
    assert "&lt;lambda&gt;" in table
    assert "<lambda>" not in table


def test_lookup_of_an_ambiguous_name_asks_for_a_location():
    result = profile(two_lambdas)
    with pytest.raises(ValueError, match="2 functions named '<lambda>' ran"):
        result.lookup("<lambda>")
    first, second = (row for row in result.rows if row.name == "<lambda>")
    assert result.lookup("<lambda>", location=second.location) == second
    assert first.location != second.location


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("no_such_function",), {}, ValueError, "no function named 'no_such_function'"),
        ((3,), {}, TypeError, "name must be a function name"),
        (("sum",), {"location": 3}, TypeError, "location must be a string"),
        (("sum",), {"called_from": 3}, TypeError, "called_from must be a function name"),
        (("pdf",), {"called_from": "m_step"}, ValueError, "'m_step' never called 'pdf'"),
        (("sum",), {"called_from": "nobody"}, ValueError, "no function named 'nobody'"),
    ],
)
def test_lookup_errors(original_profile, args, kwargs, error, message):
    with pytest.raises(error, match=message):
        original_profile.lookup(*args, **kwargs)


def test_share_needs_a_row(original_profile):
    with pytest.raises(TypeError, match="row must be a ProfileRow"):
        original_profile.share("sum")
    row = ProfileRow(name="f", location="built-in", calls=1, own_seconds=0.0, total_seconds=0.0)
    assert original_profile.share(row) == 0


@pytest.mark.parametrize(
    ("call", "kwargs", "error", "message"),
    [
        (42, {}, TypeError, "call must be callable"),
        (lambda: None, {"top": 0}, ValueError, "top must be >= 1"),
        (lambda: None, {"top": 2.5}, TypeError, "top must be an integer"),
        (lambda: None, {"sort": 1}, TypeError, "sort must be a string"),
        (lambda: None, {"sort": "tottime"}, ValueError, "unknown sort 'tottime'"),
    ],
)
def test_profile_validates_its_inputs(call, kwargs, error, message):
    with pytest.raises(error, match=message):
        profile(call, **kwargs)


@pytest.mark.parametrize("cpu", [False, True])
def test_time_call_counts_every_call(cpu):
    calls = []
    seconds = time_call(lambda: calls.append(1), number=3, repeat=2, cpu=cpu)
    assert len(calls) == 6
    assert seconds >= 0


def test_cpu_time_leaves_out_sleeping():
    # Sleeping takes wall-clock time but almost no processor time.
    assert time_call(lambda: time.sleep(0.02), number=1, repeat=1, cpu=True) < 0.01
    assert time_call(lambda: time.sleep(0.02), number=1, repeat=1) >= 0.02


@pytest.mark.parametrize(
    ("call", "kwargs", "error", "message"),
    [
        ("len", {}, TypeError, "call must be callable"),
        (list, {"number": 0}, ValueError, "number must be >= 1"),
        (list, {"repeat": 0}, ValueError, "repeat must be >= 1"),
        (list, {"number": True}, TypeError, "number must be an integer"),
        (list, {"repeat": 1.0}, TypeError, "repeat must be an integer"),
        (list, {"cpu": "yes"}, TypeError, "cpu must be True or False"),
    ],
)
def test_time_call_validates_its_inputs(call, kwargs, error, message):
    with pytest.raises(error, match=message):
        time_call(call, **kwargs)
