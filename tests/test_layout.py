"""Tests of emlib.book.layout: the two layouts hold the same values; the figures' content; validation."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from emlib.book.layout import (  # noqa: E402
    ReductionTiming,
    layouts,
    plot_memory_order,
    plot_reduction_times,
    time_reductions,
)
from emlib.book.style import BOOK_RC  # noqa: E402

from figure_text import READABLE_PX, smallest_text_px  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_layouts_hold_the_same_values_in_c_order():
    samples_first, components_first = layouts(7, 3, seed=1)
    assert samples_first.shape == (7, 3) and components_first.shape == (3, 7)
    assert samples_first.flags.c_contiguous and components_first.flags.c_contiguous
    assert np.array_equal(components_first, samples_first.T)
    assert np.array_equal(layouts(7, 3, seed=1)[0], samples_first)  # seeded
    assert not np.array_equal(layouts(7, 3, seed=2)[0], samples_first)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((0,), {}, ValueError, "n_samples must be >= 1"),
        ((5, 0), {}, ValueError, "n_components must be >= 1"),
        ((5.0,), {}, TypeError, "n_samples must be an integer"),
        ((5,), {"seed": -1}, ValueError, "seed must be >= 0"),
        ((5,), {"seed": None}, TypeError, "seed must be an integer"),
    ],
)
def test_layouts_validate(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        layouts(*args, **kwargs)


def test_time_reductions_times_the_four_sums():
    timings = time_reductions(50, number=1, repeat=1)
    assert [(t.layout, t.over) for t in timings] == [
        ("(N, K)", "components"),
        ("(K, N)", "components"),
        ("(N, K)", "samples"),
        ("(K, N)", "samples"),
    ]
    assert [t.call for t in timings] == [
        "gamma_nk.sum(axis=1)",
        "gamma_kn.sum(axis=0)",
        "gamma_nk.sum(axis=0)",
        "gamma_kn.sum(axis=1)",
    ]
    assert all(t.seconds > 0 for t in timings)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"number": 0}, ValueError, "number must be >= 1"),
        ({"repeat": 1.5}, TypeError, "repeat must be an integer"),
        ({"n_components": -1}, ValueError, "n_components must be >= 1"),
    ],
)
def test_time_reductions_validates(kwargs, error, message):
    with pytest.raises(error, match=message):
        time_reductions(kwargs.pop("n_samples", 10), **kwargs)


TIMINGS = [
    ReductionTiming(layout="(N, K)", over="components", call="gamma_nk.sum(axis=1)", seconds=4e-4),
    ReductionTiming(layout="(K, N)", over="components", call="gamma_kn.sum(axis=0)", seconds=1e-5),
]


def test_plot_reduction_times_draws_one_labelled_bar_per_timing():
    ax = plot_reduction_times(TIMINGS)
    heights = sorted(bar.get_width() for bar in ax.patches)
    assert heights == pytest.approx([10.0, 400.0])  # microseconds
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "gamma_nk.sum(axis=1)\nsum over components",
        "gamma_kn.sum(axis=0)\nsum over components",
    ]  # top to bottom in the given order
    assert [t.get_position()[1] for t in ax.get_yticklabels()] == [1, 0]
    assert {" 400 µs", " 10 µs"} <= {t.get_text() for t in ax.texts}
    assert ax.get_xlabel().startswith("time per call (µs")
    assert "on the computer that ran this notebook" in ax.get_xlabel().replace("\n", " ")  # site and copies alike
    assert ax.get_title(loc="right") == "Summing the same numbers in two layouts"


@pytest.mark.parametrize("draw", [lambda: plot_reduction_times(TIMINGS * 2), lambda: plot_memory_order(6, 2)])
def test_figures_are_readable_on_a_phone(draw):
    with matplotlib.rc_context(BOOK_RC):  # the chapters' style
        ax = draw()
        assert smallest_text_px(ax.figure) >= READABLE_PX
        drawn = ax.figure.get_tightbbox().padded(-1)  # inches: everything drawn, nothing cut off
        assert drawn.x0 >= 0 and drawn.x1 <= ax.figure.get_figwidth()


@pytest.mark.parametrize(
    ("timings", "kwargs", "error", "message"),
    [
        ([], {}, ValueError, "timings is empty"),
        (TIMINGS[0], {}, TypeError, "sequence of ReductionTiming"),
        ([1.0], {}, TypeError, "must hold ReductionTiming"),
        ([ReductionTiming("(N, K)", "samples", "c", 0.0)], {}, ValueError, "finite and > 0"),
        ([ReductionTiming("(N, K)", "samples", "c", float("nan"))], {}, ValueError, "finite and > 0"),
        (TIMINGS, {"ax": "no"}, TypeError, "ax must be a matplotlib Axes"),
        (TIMINGS, {"title": 1}, TypeError, "title must be a string"),
    ],
)
def test_plot_reduction_times_validates(timings, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_reduction_times(timings, **kwargs)


def test_plot_memory_order_puts_each_value_where_c_order_stores_it():
    ax = plot_memory_order(3, 2)
    cells = [p.get_gid() for p in ax.patches if isinstance(p, Rectangle)]
    assert cells[:6] == ["0,0", "0,1", "1,0", "1,1", "2,0", "2,1"]  # (N, K): a sample's values side by side
    assert cells[6:] == ["0,0", "1,0", "2,0", "0,1", "1,1", "2,1"]  # (K, N): a component's values side by side
    assert "a sample's 2 values, side by side" in [t.get_text() for t in ax.texts]
    assert "a component's 3 values, side by side" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["(N, K)", "(K, N)"]
    assert ax.get_xlabel().startswith("position in memory")
    assert ax.get_title() == "The same values in two memory orders"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["component k=0", "component k=1"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_samples": 13}, ValueError, "n_samples must be <= 12"),
        ({"n_samples": 0}, ValueError, "n_samples must be >= 1"),
        ({"n_components": 5}, ValueError, "n_components must be <= 4"),
        ({"n_components": "2"}, TypeError, "n_components must be an integer"),
        ({"ax": 0}, TypeError, "ax must be a matplotlib Axes"),
        ({"title": 0}, TypeError, "title must be a string"),
    ],
)
def test_plot_memory_order_validates(kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_memory_order(**kwargs)
