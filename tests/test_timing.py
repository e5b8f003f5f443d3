"""The timing helpers: they measure (values not checked) and they validate."""

import numpy as np
import pytest

import emlib
from emlib.timing import growth_exponent, linear_quadratic_fit, time_per_iteration


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


@pytest.mark.parametrize(("a", "b"), [(2e-5, 1e-9), (3e-6, 0.0), (0.0, 4e-10)])
def test_linear_quadratic_fit_recovers_the_cost_model(a, b):
    sizes = np.array([300.0, 1_000.0, 3_000.0, 10_000.0])
    fitted_a, fitted_b = linear_quadratic_fit(sizes, a * sizes + b * sizes**2)
    assert fitted_a == pytest.approx(a, abs=1e-12)
    assert fitted_b == pytest.approx(b, abs=1e-16)


def test_linear_quadratic_fit_validates():
    with pytest.raises(ValueError, match="two distinct sizes"):
        linear_quadratic_fit([5, 5], [1.0, 1.0])
    with pytest.raises(TypeError, match="seconds"):
        linear_quadratic_fit([1, 2], "fast")
