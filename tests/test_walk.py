"""emlib.book.walk: timing a walk of fitters and attributing the speed-up to its steps."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import emlib  # noqa: E402
from emlib.book.style import BOOK_RC  # noqa: E402
from emlib.book.walk import attribution, attribution_table, plot_attribution, time_steps  # noqa: E402

from figure_text import READABLE_PX, smallest_text_px  # noqa: E402

SECONDS = {"a": 4e-3, "b": 1e-3, "c": 5e-4}
LABELS = {"a": "first", "b": "second", "c": "third"}


def test_speedups_multiply_and_shares_add_up_to_the_total():
    speedups, shares = attribution(SECONDS)
    assert speedups == pytest.approx([4.0, 2.0])
    assert np.prod(speedups) == pytest.approx(SECONDS["a"] / SECONDS["c"])
    assert shares == pytest.approx([3 / 3.5, 0.5 / 3.5])
    assert shares.sum() == pytest.approx(1.0)


def test_a_slower_step_has_a_negative_share():
    _, shares = attribution({"a": 2.0, "b": 0.5, "c": 1.0})
    assert shares == pytest.approx([1.5, -0.5])


def test_table_has_four_narrow_columns_and_a_total():
    table = attribution_table(SECONDS, LABELS)
    assert table.header == ("step", "ms/iter.", "speed-up", "share")
    assert table.rows == (
        ("first", "4.00", "", ""),
        ("second", "1.00", "4.00x", "86%"),
        ("third", "0.50", "2.00x", "14%"),
        ("total", "", "8.0x", "100%"),
    )


def test_plot_is_one_bar_per_step_readable_on_a_phone():
    with matplotlib.rc_context(BOOK_RC):  # the chapters' style
        fig = plot_attribution(SECONDS, LABELS)
        text_px = smallest_text_px(fig)
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == pytest.approx([4.0, 1.0, 0.5])  # ms
    assert [t.get_text() for t in ax.get_yticklabels()] == ["first", "second", "third"]
    assert ax.get_xscale() == "log"
    assert " 1.00 ms, 4.00x" in [t.get_text() for t in ax.texts]
    assert text_px >= READABLE_PX
    plt.close(fig)


def test_time_steps_times_every_fitter_in_order():
    x = emlib.sample(emlib.SEED_PROBLEM.true, 300, seed=0)
    fitters = {"broadcast": emlib.em_broadcast, "vectorized": emlib.em_vectorized}
    seconds = time_steps(fitters, x, emlib.SEED_PROBLEM.start, n_iter=2, rounds=2)
    assert list(seconds) == ["broadcast", "vectorized"]
    assert all(np.isfinite(t) and t > 0 for t in seconds.values())


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: attribution({"a": 1.0}), ValueError, "at least two steps"),
        (lambda: attribution({"a": 1.0, "b": 0.0}), ValueError, "finite and > 0"),
        (lambda: attribution({"a": 1.0, "b": 1.0}), ValueError, "no gain to share"),
        (lambda: attribution([1.0, 2.0]), TypeError, "mapping"),
        (lambda: attribution_table(SECONDS, {"a": "x"}), ValueError, "no label"),
        (lambda: plot_attribution(SECONDS, LABELS, title=""), TypeError, "title"),
        (lambda: time_steps({}, [1.0], emlib.SEED_PROBLEM.start), ValueError, "empty"),
        (lambda: time_steps({"a": 3}, [1.0], emlib.SEED_PROBLEM.start), TypeError, "callables"),
        (lambda: time_steps({"a": emlib.em_vectorized}, [1.0], emlib.SEED_PROBLEM.start, rounds=0), ValueError, "rounds"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_table_never_shows_minus_zero():
    table = attribution_table({"a": 1.0, "b": 0.5, "c": 0.5004}, {"a": "a", "b": "b", "c": "c"})
    assert table.rows[2][3] == "0%"
