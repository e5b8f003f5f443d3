"""The stopping rules: stop="loglik" judges the fit, not the units of the data."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import emlib
from emlib import MixtureParams
from emlib.driver import has_converged

TRUTH = MixtureParams(means=[-2.0, 3.0], variances=[1.0, 0.5], weights=[0.4, 0.6])
START = MixtureParams(means=[-1.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
X = emlib.sample(TRUTH, 2000, seed=3)


def rescaled(params: MixtureParams, scale: float) -> MixtureParams:
    """The same mixture in other units: x -> scale * x."""
    return MixtureParams(means=params.means * scale, variances=params.variances * scale**2, weights=params.weights)


def test_loglik_rule_is_the_change_of_the_mean_per_sample():
    same = MixtureParams(means=[0.0], variances=[1.0], weights=[1.0])
    # |change| / N against tol: 0.9 / 10 < 0.1 stops, 1.1 / 10 does not; |l| plays no part
    assert has_converged("loglik", 0.1, same, same, [-1e9, -1e9 + 0.9], n_samples=10)
    assert not has_converged("loglik", 0.1, same, same, [-1e9, -1e9 + 1.1], n_samples=10)
    assert not has_converged("loglik", 0.1, same, same, [1.0, 1.0 + 1.1], n_samples=10)
    assert not has_converged("loglik", 0.1, same, same, [-5.0], n_samples=10)  # needs two values
    assert not has_converged("loglik", 0.0, same, same, [-5.0, -5.0], n_samples=10)  # tol=0 never stops


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_loglik_rule_stops_after_the_same_iterations_in_any_units(scale):
    reference = emlib.em_vectorized(X, START, tol=1e-9, stop="loglik")
    result = emlib.em_vectorized(X * scale, rescaled(START, scale), tol=1e-9, stop="loglik")
    assert reference.converged and reference.n_iter > 5
    assert result.n_iter == reference.n_iter
    assert np.allclose(result.params.as_array(), rescaled(reference.params, scale).as_array(), rtol=1e-9, atol=0)
    # the mean log-likelihood per sample moves by the constant -log(scale)
    shift = (result.log_likelihood - reference.log_likelihood) / X.size
    assert np.allclose(shift, -np.log(scale), rtol=0, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(exponent=st.floats(min_value=-6.0, max_value=6.0, allow_nan=False))
def test_loglik_rule_does_not_depend_on_the_units(exponent):
    scale = 10.0**exponent
    reference = emlib.em_vectorized(X, START, tol=1e-7, stop="loglik")
    result = emlib.em_vectorized(X * scale, rescaled(START, scale), tol=1e-7, stop="loglik")
    assert result.n_iter == reference.n_iter
    assert np.allclose(result.params.as_array(), rescaled(reference.params, scale).as_array(), rtol=1e-8, atol=0)


@pytest.mark.parametrize("fitter", list(emlib.FITTERS.values()), ids=list(emlib.FITTERS))
def test_every_fitter_uses_the_same_loglik_rule(fitter):
    x = emlib.sample(TRUTH, (4, 25), seed=7)
    results = [fit(x, START, tol=1e-6, stop="loglik") for fit in (fitter, emlib.em_vectorized)]
    assert results[0].n_iter == results[1].n_iter
    # the fit stopped at the first iteration whose mean log-likelihood changed by less than tol
    steps = np.abs(np.diff(results[0].log_likelihood)) / x.size
    assert steps[-1] < 1e-6 and np.all(steps[:-1] >= 1e-6)
