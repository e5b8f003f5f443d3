"""em_vectorized matches scikit-learn's GaussianMixture, an independent implementation."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import emlib
from emlib import MixtureParams

CASES = [
    (MixtureParams(means=[-2.0, 3.0], variances=[1.0, 0.5], weights=[0.4, 0.6]),
     MixtureParams(means=[-1.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5]), 2_000, 10),
    (MixtureParams(means=[-6.0, 0.0, 5.0], variances=[1.0, 2.0, 0.5], weights=[0.2, 0.5, 0.3]),
     MixtureParams(means=[-3.0, 0.5, 2.0], variances=[2.0, 2.0, 2.0], weights=[0.3, 0.4, 0.3]), 5_000, 25),
    (emlib.SEED_PROBLEM.true, emlib.SEED_PROBLEM.start, 25_500, 5),
]


def sklearn_fit(x: np.ndarray, start: MixtureParams, n_iter: int) -> GaussianMixture:
    """GaussianMixture from exactly ``start``, for exactly ``n_iter`` EM iterations, unregularized."""
    model = GaussianMixture(
        n_components=start.n_components,
        covariance_type="diag",
        reg_covar=0.0,  # emlib does not regularize the variances
        tol=0.0,  # never stop early: run n_iter iterations, like emlib with tol=0
        max_iter=n_iter,
        weights_init=start.weights,
        means_init=start.means[:, np.newaxis],
        precisions_init=1.0 / start.variances[:, np.newaxis],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x.reshape(-1, 1))


@pytest.mark.parametrize(("truth", "start", "n", "n_iter"), CASES)
def test_matches_sklearn(truth, start, n, n_iter):
    x = emlib.sample(truth, n, seed=3)
    ours = emlib.em_vectorized(x, start, tol=0, max_iter=n_iter).params
    theirs = sklearn_fit(x, start, n_iter)
    assert np.allclose(ours.means, theirs.means_.ravel(), rtol=1e-6, atol=0)
    assert np.allclose(ours.variances, theirs.covariances_.ravel(), rtol=1e-6, atol=0)
    assert np.allclose(ours.weights, theirs.weights_, rtol=1e-6, atol=0)
