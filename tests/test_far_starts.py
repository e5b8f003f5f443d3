"""Starts far from the data: em_vectorized stays finite and silent."""

import warnings

import numpy as np
import pytest

import emlib
from emlib import SEED_PROBLEM, MixtureParams

pytestmark = pytest.mark.filterwarnings("error")  # any RuntimeWarning fails the test


def assert_finite(result):
    assert np.all(np.isfinite(result.params.as_array()))
    assert np.all(np.isfinite(result.log_likelihood))


@pytest.mark.parametrize("data_shape", [(255, 100), (1000,)])
def test_means_a_million_away(data_shape):
    x = emlib.sample(SEED_PROBLEM.true, data_shape, seed=4)
    far = MixtureParams(means=[-1e6, 1e6], variances=[1.0, 1.0], weights=[0.5, 0.5])
    assert_finite(emlib.em_vectorized(x, far, tol=0, max_iter=20))


def test_far_start_on_unit_scale_data():
    truth = MixtureParams(means=[-1.0, 2.0], variances=[0.5, 0.5], weights=[0.5, 0.5])
    x = emlib.sample(truth, 5_000, seed=5)
    far = MixtureParams(means=[-1e6, 1e6], variances=[1.0, 1.0], weights=[0.5, 0.5])
    result = emlib.em_vectorized(x, far, tol=1e-10, stop="loglik")
    assert_finite(result)
    assert np.allclose(np.sort(result.params.means), truth.means, atol=0.05)


def test_questions_start_on_its_data():
    x = emlib.sample(SEED_PROBLEM.true, SEED_PROBLEM.shape, seed=6)
    result = emlib.em_vectorized(x, SEED_PROBLEM.start, tol=0, max_iter=50)
    assert_finite(result)
    assert np.all(result.params.variances > 0)


def test_the_plain_e_step_is_what_breaks():
    """The same far start fails loudly (not with NaN) in the version without log-space."""
    x = emlib.sample(SEED_PROBLEM.true, 100, seed=7)
    far = MixtureParams(means=[-1e6, 1e6], variances=[1.0, 1.0], weights=[0.5, 0.5])
    with warnings.catch_warnings():
        with pytest.raises(ValueError, match="broke down"):
            emlib.em_broadcast(x, far)
