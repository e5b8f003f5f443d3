"""All four fitters compute the same thing: same parameters, same number of iterations."""

import numpy as np
import pytest

import emlib
from emlib import MixtureParams

from conftest import ALL_FITTERS, FAST_FITTERS

# (truth, data shape, start, seed): K = 2, 3, 4, different sizes and starts.
CASES = {
    "K2": (
        MixtureParams(means=[-2.0, 3.0], variances=[1.0, 0.5], weights=[0.4, 0.6]),
        (4, 30),
        MixtureParams(means=[-1.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5]),
        11,
    ),
    "K3": (
        MixtureParams(means=[-6.0, 0.0, 5.0], variances=[1.0, 2.0, 0.5], weights=[0.2, 0.5, 0.3]),
        (5, 40),
        MixtureParams(means=[-3.0, 0.5, 2.0], variances=[2.0, 2.0, 2.0], weights=[0.3, 0.4, 0.3]),
        12,
    ),
    "K4": (
        MixtureParams(
            means=[-9.0, -3.0, 3.0, 9.0], variances=[1.0, 1.0, 1.0, 1.0], weights=[0.25, 0.25, 0.25, 0.25]
        ),
        (3, 60),
        MixtureParams(
            means=[-8.0, -2.0, 2.0, 8.0], variances=[4.0, 4.0, 4.0, 4.0], weights=[0.1, 0.4, 0.4, 0.1]
        ),
        13,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("stop", ["params", "loglik"])
def test_all_fitters_agree(case, stop):
    truth, shape, start, seed = CASES[case]
    x = emlib.sample(truth, shape, seed=seed)
    results = [fit(x, start, tol=1e-8, stop=stop) for fit in ALL_FITTERS]
    reference = results[-1]
    assert reference.converged and reference.n_iter > 3
    for result in results:
        assert result.n_iter == reference.n_iter
        assert result.converged
        assert np.allclose(result.params.as_array(), reference.params.as_array(), rtol=1e-9, atol=0)
        assert np.allclose(result.log_likelihood, reference.log_likelihood, rtol=1e-9, atol=0)


def test_fits_recover_separated_components():
    truth, _, start, _ = CASES["K3"]
    x = emlib.sample(truth, 30_000, seed=5)
    fitted = emlib.em_vectorized(x, start, tol=1e-10, stop="loglik").params
    assert np.allclose(fitted.means, truth.means, atol=0.05)
    assert np.allclose(fitted.weights, truth.weights, atol=0.01)


@pytest.mark.parametrize("fit", FAST_FITTERS)
def test_questions_problem_agrees_and_stops_after_two_iterations(fit):
    problem = emlib.SEED_PROBLEM
    x = emlib.sample(problem.true, problem.shape, seed=2019)
    result = fit(x, problem.start, tol=problem.tol)
    reference = emlib.em_vectorized(x, problem.start, tol=problem.tol)
    assert result.n_iter == reference.n_iter == 2
    assert np.allclose(result.params.as_array(), reference.params.as_array(), rtol=1e-9, atol=0)


def test_one_and_two_dimensional_data_give_the_same_fit(fitter, small_data, small_start):
    grid = fitter(small_data, small_start, max_iter=5, tol=0)
    flat = fitter(small_data.ravel(), small_start, max_iter=5, tol=0)
    assert np.allclose(grid.params.as_array(), flat.params.as_array(), rtol=1e-12, atol=0)


def test_tol_zero_runs_exactly_max_iter(fitter, small_data, small_start):
    result = fitter(small_data, small_start, tol=0, max_iter=4)
    assert result.n_iter == 4 and not result.converged
    assert result.log_likelihood.shape == (4,)


def test_result_records_its_rule(fitter, small_data, small_start):
    result = fitter(small_data, small_start, stop="loglik", tol=1e-6)
    assert result.stop == "loglik" and result.converged
    last, previous = result.log_likelihood[-1], result.log_likelihood[-2]
    assert abs(last - previous) < 1e-6 * abs(last)
