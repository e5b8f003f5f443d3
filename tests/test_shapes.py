"""Tests of emlib.book.shapes: the broadcasting plan, its text, and what each diagram contains."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from figure_text import READABLE_PX, smallest_text_px  # noqa: E402

from emlib.book.shapes import broadcast_plan, explain_broadcast, plot_broadcast, plot_broadcast_cells  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def gids(ax):
    """The gid of every Rectangle patch drawn on ``ax``, in drawing order."""
    return [patch.get_gid() for patch in ax.patches if isinstance(patch, Rectangle)]


def texts(ax):
    return [text.get_text() for text in ax.texts]


# broadcast_plan


def test_plan_of_the_m_step():
    plan = broadcast_plan((255, 100, 1), (2,))
    assert plan.result == (255, 100, 2)
    assert plan.padded == ((255, 100, 1), (1, 1, 2))
    assert plan.added == ((False, False, False), (True, True, False))
    assert plan.stretched == ((False, False, True), (True, True, False))


def test_plan_keeps_a_padded_axis_of_length_one_unstretched():
    plan = broadcast_plan((1, 3), (3,))
    assert plan.result == (1, 3)
    assert plan.added[1] == (True, False)
    assert plan.stretched == ((False, False), (False, False))


def test_plan_accepts_a_bare_int_and_a_scalar_shape():
    plan = broadcast_plan(4, ())
    assert plan.shapes == ((4,), ())
    assert plan.result == (4,)
    assert plan.stretched[1] == (True,)


shapes_strategy = st.lists(st.lists(st.sampled_from([1, 2, 3]), max_size=4).map(tuple), min_size=1, max_size=3)


@given(shapes_strategy)
def test_plan_agrees_with_numpy(shapes):
    try:
        expected = np.broadcast_shapes(*shapes)
    except ValueError:
        with pytest.raises(ValueError, match="do not broadcast"):
            broadcast_plan(*shapes)
    else:
        assert broadcast_plan(*shapes).result == expected


@pytest.mark.parametrize(
    ("shapes", "error", "message"),
    [
        ((), ValueError, "at least one shape"),
        (((3, 4), (5,)), ValueError, r"on axis -1 the lengths are \[4, 5\]"),
        (((255, 100), (255, 100, 2)), ValueError, r"on axis -1 the lengths are \[100, 2\]"),  # the first clash from the right, in the shapes' order
        (((2, 1, 3), (1, 5, 4), (7, 1, 1)), ValueError, r"on axis -1 the lengths are \[3, 4, 1\]"),  # every operand, 1s too
        (((2, 0),), ValueError, "lengths >= 1"),
        ((("a", 2),), TypeError, "tuple of integers"),
        (((2.0, 3),), TypeError, "tuple of integers"),
        (((True, 3),), TypeError, "tuple of integers"),
        (("3",), TypeError, "tuple of integers"),
        ((None,), TypeError, "tuple of integers"),
    ],
)
def test_plan_validates(shapes, error, message):
    with pytest.raises(error, match=message):
        broadcast_plan(*shapes)


# explain_broadcast


def test_explanation_walks_through_the_three_rules():
    text = explain_broadcast((255, 100, 1), (2,), names=("column", "means"))
    lines = text.splitlines()
    assert lines[0] == "Broadcasting column (255, 100, 1) with means (2,):"
    assert "     means   (  1,   1,   2)" in lines  # padded on the left
    assert "     axis -3: 255 and 1 -> 255 (means stretched)" in lines
    assert "     axis -1: 1 and 2 -> 2 (column stretched)" in lines
    assert lines[-1] == "Result: (255, 100, 2)"


def test_explanation_lines_shapes_up_on_the_right():
    lines = explain_broadcast((255, 100, 1), (2,)).splitlines()
    first, second = lines[2], lines[3]
    assert first.endswith("1)") and second.endswith("2)")
    assert len(first) == len(second)


def test_explanation_default_names():
    assert explain_broadcast((3, 1), (4,)).splitlines()[0] == "Broadcasting a (3, 1) with b (4,):"


@pytest.mark.parametrize(
    ("names", "error", "message"),
    [(("a",), ValueError, "must have 2 entries"), ("ab", TypeError, "sequence of strings"), ((1, 2), TypeError, "sequence of strings")],
)
def test_explanation_validates_names(names, error, message):
    with pytest.raises(error, match=message):
        explain_broadcast((3, 1), (4,), names=names)


def test_explanation_refuses_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="do not broadcast"):
        explain_broadcast((3,), (4,))


# plot_broadcast


def test_plot_broadcast_draws_one_box_per_axis_and_role():
    ax = plot_broadcast((255, 100, 1), (2,), names=("column", "means"), axis_names=("rows", "columns", "K"))
    assert gids(ax) == ["kept", "kept", "stretched", "added", "added", "kept", "result", "result", "result"]
    assert "1 → 2" in texts(ax)
    assert texts(ax).count("(1) → 255") == 1
    assert ax.get_title() == "(255, 100, 1) with (2,)\nbroadcast to (255, 100, 2)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["axis -3\n(rows)", "axis -2\n(columns)", "axis -1\n(K)"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "column\n(255, 100, 1)",
        "means\n(2,)",
        "result\n(255, 100, 2)",
    ]
    assert "counted from the right" in ax.get_xlabel()
    assert ax.get_ylabel() == "array"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "length kept",
        "length 1, stretched",
        "axis added by padding",
        "result",
    ]


def test_plot_broadcast_uses_the_given_axes_and_title():
    _, ax = plt.subplots()
    assert plot_broadcast((3, 1), (4,), ax=ax, title="T") is ax
    assert ax.get_title() == "T"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"names": ("only one",)}, ValueError, "names must have 2 entries"),
        ({"axis_names": ("rows",)}, ValueError, "axis_names must have 2 entries"),
        ({"ax": "figure"}, TypeError, "ax must be a matplotlib Axes"),
        ({"title": 3}, TypeError, "title must be a string"),
    ],
)
def test_plot_broadcast_validates(kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_broadcast((3, 1), (4,), **kwargs)


def test_plot_broadcast_refuses_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="do not broadcast"):
        plot_broadcast((3, 2), (4,))


# plot_broadcast_cells


def test_cells_of_a_column_minus_a_row():
    column = np.array([[0.1], [0.4], [0.5], [0.9]])
    ax = plot_broadcast_cells(column, [0.3, 0.7], "-", names=("x[:, None]", "means"))
    drawn = gids(ax)
    # a: 4 stored + 4 copies; b: 2 stored + 6 copies; result: 8 cells.
    assert drawn[:8].count("stored") == 4 and drawn[:8].count("copy") == 4
    assert drawn[8:16].count("stored") == 2 and drawn[8:16].count("copy") == 6
    assert drawn[16:] == ["result"] * 8
    assert "-0.6" in texts(ax) and "0.2" in texts(ax)
    assert ax.get_title() == "x[:, None] (4, 1) - means (2,)\ngives (4, 2)"
    assert "result\nshape (4, 2)" in texts(ax)
    assert "x[:, None]\nshape (4, 1)" in texts(ax)
    assert {"\u2212", "="} <= set(texts(ax))  # the operator drawn as a typographic minus
    assert ax.get_xlabel().startswith("axis -1") and ax.get_ylabel() == "axis -2 (rows)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "stored value",
        "stretched copy (not stored)",
        "result (a new array)",
    ]


def test_cells_of_two_1d_arrays_of_equal_length_copy_nothing():
    ax = plot_broadcast_cells([1, 2, 3], [10, 20, 30], "*")
    assert "copy" not in gids(ax)
    assert {"10", "40", "90"} <= set(texts(ax))


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "error", "message"),
    [
        ([1, 2], [1, 2], {"op": "%"}, ValueError, "unknown op"),
        ([1, 2], [1, 2], {"op": None}, TypeError, "op must be a string"),
        ([1, 2], ["x", "y"], {}, TypeError, "b must be an array of real numbers"),
        (np.zeros((2, 2, 2)), [1, 2], {}, ValueError, "a must have at most 2 axes"),
        ([], [1, 2], {}, ValueError, "a is empty"),
        ([1, 2, 3], [1, 2], {}, ValueError, "do not broadcast"),
        (np.zeros((9, 1)), [1, 2], {}, ValueError, "longer than 8"),
        ([1, 2], [1, 2], {"names": ("a",)}, ValueError, "names must have 2 entries"),
        ([1, 2], [1, 2], {"ax": 1}, TypeError, "ax must be a matplotlib Axes"),
        ([1, 2], [1, 2], {"title": 1}, TypeError, "title must be a string"),
    ],
)
def test_cells_validate(a, b, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_broadcast_cells(a, b, **kwargs)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: plot_broadcast((255, 100, 1), (2,), names=("x[..., np.newaxis]", "means"),
                               axis_names=("rows", "columns", "components")),
        lambda: plot_broadcast_cells(np.array([0.1, 0.4, 0.5, 0.9])[:, np.newaxis], np.array([0.3, 0.7]), "-",
                                     names=("few[:, np.newaxis]", "centres")),
    ],
    ids=["fig-05-m-step", "fig-05-cells"],
)
def test_chapter_5_figures_are_readable_on_a_phone(draw):
    from emlib.book.style import BOOK_RC

    with plt.rc_context(BOOK_RC):
        ax = draw()
        assert smallest_text_px(ax.figure) >= READABLE_PX
    plt.close(ax.figure)
