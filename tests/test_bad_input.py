"""Every fitter refuses bad input the same way, and never changes its inputs."""

import numpy as np
import pytest

from emlib import MixtureParams

START = MixtureParams(means=[-1.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
GOOD_X = np.linspace(-2.0, 2.0, 12).reshape(3, 4)


@pytest.mark.parametrize(
    ("x", "error", "message"),
    [
        (np.array([]), ValueError, "x is empty"),
        (np.empty((0, 5)), ValueError, "x is empty"),
        ([1.0, np.nan, 2.0], ValueError, "x must be finite.*1 NaN or inf"),
        ([1.0, np.inf, -np.inf], ValueError, "x must be finite.*2 NaN or inf"),
        (["1.0", "2.0"], TypeError, "x must be an array of real numbers"),
        ("1 2 3", TypeError, "x .*string"),
        (None, TypeError, "x .*None"),
        ([1 + 2j, 3.0], TypeError, "x must be real.*complex"),
        ([True, False, True], TypeError, "x .*booleans"),
        ([[1.0, 2.0], [3.0]], TypeError, "x must be a rectangular array"),
        (np.zeros((2, 2, 2)), ValueError, "x must be 1-D or 2-D"),
        ([0.5], ValueError, "more components than samples: K=2 .* N=1"),
    ],
)
def test_bad_data(fitter, x, error, message):
    with pytest.raises(error, match=message):
        fitter(x, START)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"max_iter": -3}, ValueError, "max_iter must be >= 1"),
        ({"max_iter": 2.5}, TypeError, "max_iter must be an integer"),
        ({"max_iter": True}, TypeError, "max_iter must be an integer"),
        ({"tol": -1e-4}, ValueError, "tol must be >= 0"),
        ({"tol": float("nan")}, ValueError, "tol must be >= 0"),
        ({"tol": "small"}, TypeError, "tol must be a real number"),
        ({"stop": "never"}, ValueError, "unknown stop rule 'never'"),
        ({"stop": None}, TypeError, "stop must be a string"),
    ],
)
def test_bad_options(fitter, options, error, message):
    with pytest.raises(error, match=message):
        fitter(GOOD_X, START, **options)


@pytest.mark.parametrize("init", [None, [[-1.0, 1.0], [1.0, 1.0], [0.5, 0.5]], "start"])
def test_init_must_be_mixture_params(fitter, init):
    with pytest.raises(TypeError, match="init must be a MixtureParams"):
        fitter(GOOD_X, init)


def test_inputs_are_unchanged_after_success_and_failure(fitter):
    x = GOOD_X.copy()
    before = START.as_array()
    fitter(x, START, max_iter=3)
    with pytest.raises(ValueError):
        fitter(x, START, stop="never")
    np.testing.assert_array_equal(x, GOOD_X)
    np.testing.assert_array_equal(START.as_array(), before)


def test_lists_are_not_modified(fitter):
    rows = GOOD_X.tolist()
    copy = [row[:] for row in rows]
    fitter(rows, START, max_iter=2)
    assert rows == copy


def test_breakdown_is_a_clear_error():
    """A start so far away that every density underflows breaks the plain versions, not silently."""
    from emlib import em_broadcast, em_hoisted, em_original

    far = MixtureParams(means=[-1e6, 1e6], variances=[1.0, 1.0], weights=[0.5, 0.5])
    for fit in (em_original, em_hoisted, em_broadcast):
        with pytest.raises(ValueError, match="EM broke down in iteration 1"):
            fit(GOOD_X, far)
