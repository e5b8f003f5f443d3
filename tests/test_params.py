"""MixtureParams: construction, immutability, and the errors it raises."""

import numpy as np
import pytest

from emlib import SEED_PROBLEM, MixtureParams


def test_fields_are_float_copies_and_read_only():
    means = np.array([1, 2])
    params = MixtureParams(means=means, variances=[1.0, 2.0], weights=(0.25, 0.75))
    means[0] = 99
    assert params.means.tolist() == [1.0, 2.0]
    assert params.means.dtype == np.float64
    assert params.n_components == 2
    with pytest.raises(ValueError):
        params.weights[0] = 0.5  # read-only


def test_as_array_is_the_questions_layout():
    params = MixtureParams(means=[1.0, 2.0], variances=[3.0, 4.0], weights=[0.5, 0.5])
    assert params.as_array().tolist() == [[1.0, 2.0], [3.0, 4.0], [0.5, 0.5]]


def test_max_abs_change():
    a = MixtureParams(means=[0.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
    b = MixtureParams(means=[0.0, 1.5], variances=[1.0, 0.8], weights=[0.3, 0.7])
    assert b.max_abs_change(a) == pytest.approx(0.5)
    with pytest.raises(TypeError, match="MixtureParams"):
        a.max_abs_change([0.0, 1.0])
    with pytest.raises(ValueError, match="components"):
        a.max_abs_change(MixtureParams(means=[0.0], variances=[1.0], weights=[1.0]))


def test_seed_problem_is_the_questions_setting():
    assert SEED_PROBLEM.shape == (255, 100)
    assert SEED_PROBLEM.n_samples == 25_500
    assert SEED_PROBLEM.tol == 1e-4
    assert SEED_PROBLEM.true.means.tolist() == [5.7e-4, 5.9e-4]
    assert SEED_PROBLEM.start.as_array().tolist() == [[-1.0, 1.0], [0.2, 0.2], [0.5, 0.5]]


GOOD = {"means": [0.0, 1.0], "variances": [1.0, 2.0], "weights": [0.5, 0.5]}


@pytest.mark.parametrize(
    ("field", "value", "error", "message"),
    [
        ("means", None, TypeError, "means.*None"),
        ("means", ["a", "b"], TypeError, "means"),
        ("means", "ab", TypeError, "means.*string"),
        ("means", [1 + 1j, 0], TypeError, "means.*complex"),
        ("weights", [True, False], TypeError, "weights.*boolean"),
        ("means", [[0.0, 1.0]], ValueError, "means must be 1-D"),
        ("means", [0.0, np.nan], ValueError, "means must be finite"),
        ("means", [0.0, np.inf], ValueError, "means must be finite"),
        ("variances", [1.0, 0.0], ValueError, "variances must be > 0"),
        ("variances", [1.0, -1.0], ValueError, "variances must be > 0"),
        ("variances", [1.0, np.nan], ValueError, "variances must be finite"),
        ("weights", [0.7, 0.7], ValueError, "weights must sum to 1"),
        ("weights", [1.5, -0.5], ValueError, "weights must be >= 0"),
        ("weights", [0.2, 0.3, 0.5], ValueError, "equal lengths"),
    ],
)
def test_bad_fields_are_named(field, value, error, message):
    with pytest.raises(error, match=message):
        MixtureParams(**{**GOOD, field: value})


def test_empty_fields_are_refused():
    with pytest.raises(ValueError, match="empty"):
        MixtureParams(means=[], variances=[], weights=[])


def test_weights_within_tolerance_are_accepted():
    params = MixtureParams(means=[0.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5 + 5e-9])
    assert params.weights.sum() == pytest.approx(1.0)
