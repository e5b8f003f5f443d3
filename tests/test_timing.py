"""The timing helpers: they measure (values not checked) and they validate."""

import numpy as np
import pytest

import emlib
from emlib.timing import growth_exponent, time_per_iteration


def test_time_per_iteration_returns_positive_seconds(small_data, small_start):
    seconds = time_per_iteration(emlib.em_vectorized, small_data, small_start, n_iter=2, repeat=2)
    assert seconds > 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"fit": "em"}, TypeError, "fit must be callable"),
        ({"n_iter": 0}, ValueError, "n_iter must be >= 1"),
        ({"repeat": 1.5}, TypeError, "repeat must be an integer"),
    ],
)
def test_time_per_iteration_validates(small_data, small_start, kwargs, error, message):
    args = {"fit": emlib.em_vectorized, **kwargs}
    fit = args.pop("fit")
    with pytest.raises(error, match=message):
        time_per_iteration(fit, small_data, small_start, **args)


@pytest.mark.parametrize("exponent", [1.0, 2.0, 0.5])
def test_growth_exponent_recovers_a_power_law(exponent):
    sizes = np.array([100, 200, 400, 800])
    b, c = growth_exponent(sizes, 3e-6 * sizes**exponent)
    assert b == pytest.approx(exponent)
    assert c == pytest.approx(3e-6)


@pytest.mark.parametrize(
    ("sizes", "seconds", "error", "message"),
    [
        ([1, 2], [1.0], ValueError, "equal length"),
        ([1, 1], [1.0, 2.0], ValueError, "two distinct sizes"),
        ([0, 2], [1.0, 2.0], ValueError, "sizes must be finite and > 0"),
        ([1, 2], [1.0, np.nan], ValueError, "seconds must be finite and > 0"),
        (None, [1.0], TypeError, "sizes"),
    ],
)
def test_growth_exponent_validates(sizes, seconds, error, message):
    with pytest.raises(error, match=message):
        growth_exponent(sizes, seconds)
