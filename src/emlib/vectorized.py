"""The destination: flat data, components first, samples last, E-step in log space.

* The data are flattened to one axis of length :math:`N` (rows and columns
  mean nothing to EM).
* Arrays are ``(K, N)``: the long axis last, so every reduction over samples
  runs along contiguous memory.
* The E-step works with log-densities and the log-sum-exp trick,

  .. math:: \\log \\sum_k e^{a_k} = m + \\log \\sum_k e^{a_k - m}, \\quad m = \\max_k a_k,

  so starts far from the data (where every density underflows to 0) still
  give finite responsibilities.
"""

from __future__ import annotations

import numpy as np

from emlib.driver import EMResult, run_em
from emlib.params import MixtureParams

LOG_2PI = np.log(2 * np.pi)


def flatten(data: np.ndarray) -> np.ndarray:
    """The samples as one contiguous 1-D array of length :math:`N`."""
    return np.ascontiguousarray(data.ravel())


def log_weighted_densities(x: np.ndarray, params: MixtureParams) -> np.ndarray:
    """:math:`a_{ki} = \\log \\pi_k - \\tfrac12 \\log(2\\pi\\sigma_k^2) - (x_i-\\mu_k)^2 / (2\\sigma_k^2)`, shape ``(K, N)``."""
    means = params.means[:, np.newaxis]
    variances = params.variances[:, np.newaxis]
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf: a component with no mass
        log_weights = np.log(params.weights)[:, np.newaxis]
    return log_weights - 0.5 * (LOG_2PI + np.log(variances)) - (x - means) ** 2 / (2 * variances)


def e_step(x: np.ndarray, params: MixtureParams) -> tuple[np.ndarray, float]:
    """Responsibilities :math:`\\gamma_{ki} = e^{a_{ki} - m_i} / \\sum_l e^{a_{li} - m_i}`, shape ``(K, N)``.

    Subtracting :math:`m_i = \\max_k a_{ki}` before ``exp`` changes nothing
    mathematically, but keeps the largest term at :math:`e^0 = 1`, so the
    denominator never underflows to 0 however far the start is from the data.

    Returns
    -------
    responsibilities : numpy.ndarray, shape (K, N)
    log_likelihood : float
        :math:`\\ell = \\sum_i \\log \\sum_k e^{a_{ki}}`.
    """
    log_dens = log_weighted_densities(x, params)
    peak = log_dens.max(axis=0)  # (N,): the largest term of each sample, m_i
    scaled = np.exp(log_dens - peak)  # (K, N), every value in [0, 1], the largest exactly 1
    total = scaled.sum(axis=0)  # (N,), in [1, K]: cannot underflow
    log_likelihood = (peak + np.log(total)).sum()  # log-sum-exp, summed over samples
    return scaled / total, float(log_likelihood)


def m_step(x: np.ndarray, responsibilities: np.ndarray) -> MixtureParams:
    """New parameters from sums along the sample axis.

    .. math:: N_k = \\sum_i \\gamma_{ki}, \\quad
              \\mu_k = \\frac{1}{N_k}\\sum_i \\gamma_{ki} x_i, \\quad
              \\pi_k = \\frac{N_k}{N}, \\quad
              \\sigma_k^2 = \\frac{1}{N_k}\\sum_i \\gamma_{ki} (x_i - \\mu_k)^2
    """
    totals = responsibilities.sum(axis=1)  # (K,)
    means = responsibilities @ x / totals
    variances = (responsibilities * (x - means[:, np.newaxis]) ** 2).sum(axis=1) / totals
    return MixtureParams(means=means, variances=variances, weights=totals / x.size)


def em_vectorized(
    x: object, init: MixtureParams, *, tol: float = 1e-4, max_iter: int = 1000, stop: str = "params"
) -> EMResult:
    """Fit a Gaussian mixture on flat data with a log-space E-step.

    Same parameters, result and errors as :func:`emlib.em_original`; in
    addition, starts far from the data give finite results without warnings.
    """
    return run_em(x, init, prepare=flatten, e_step=e_step, m_step=m_step, tol=tol, max_iter=max_iter, stop=stop)
