r"""EM as the Code Review question wrote it: loops over every sample, slow on purpose.

This reconstructs the *structure and costs* of the question's program
(https://codereview.stackexchange.com/questions/223852) in our own code:

* the data and the responsibilities live in Python lists, visited cell by cell;
* the E-step calls ``scipy.stats.norm.pdf`` once per sample and per component,
  so it pays SciPy's call overhead :math:`N K` times;
* the M-step has two double loops over rows and columns, and reads the number
  of columns by converting the whole data set to an array, once per row;
* every term of the M-step is divided by the total responsibility
  :math:`N_k = \sum_i \gamma_{ik}`, recomputed with ``sum(sum(...))`` over all
  responsibilities *for every sample*: :math:`N` passes over :math:`N` values,
  so the M-step's cost grows as :math:`N^2`.

The formulas it implements are those of :mod:`emlib.broadcast`, term by term.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from emlib.driver import EMResult, run_em
from emlib.params import MixtureParams


def as_rows(data: np.ndarray) -> list[list[float]]:
    """The data as a list of rows of Python floats (a 1-D array becomes one row)."""
    return np.atleast_2d(data).tolist()


def e_step(rows: list[list[float]], params: MixtureParams) -> tuple[list[np.ndarray], float]:
    r"""Responsibilities :math:`\gamma_{ik}`, one scalar at a time.

    .. math:: \gamma_{ik} = \frac{\pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)}
                                {\sum_{l} \pi_l \mathcal{N}(x_i \mid \mu_l, \sigma_l^2)}

    Returns
    -------
    responsibilities : list of numpy.ndarray
        One ``(columns, K)`` array per row, built from a list of per-sample lists.
    log_likelihood : float
        :math:`\ell = \sum_i \log \sum_k \pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)`.
    """
    means, variances, weights = params.means.tolist(), params.variances.tolist(), params.weights.tolist()
    components = range(len(means))
    responsibilities = []
    log_likelihood = 0.0
    for row in rows:
        row_responsibilities = []
        for value in row:
            # Cost: one SciPy call per sample and per component (N*K calls).
            weighted = [weights[k] * norm.pdf(value, means[k], math.sqrt(variances[k])) for k in components]
            total = sum(weighted)
            log_likelihood += math.log(total)
            row_responsibilities.append([w / total for w in weighted])
        responsibilities.append(np.array(row_responsibilities))
    return responsibilities, log_likelihood


def m_step(rows: list[list[float]], responsibilities: list[np.ndarray]) -> MixtureParams:
    r"""New parameters from two double loops, recomputing :math:`N_k` for every sample.

    .. math:: \mu_k = \sum_i \frac{\gamma_{ik} x_i}{N_k}, \quad
              \pi_k = \sum_i \frac{\gamma_{ik}}{N}, \quad
              \sigma_k^2 = \sum_i \frac{\gamma_{ik} (x_i - \mu_k)^2}{N_k}
    """
    n_components = responsibilities[0].shape[1]
    n_samples = len(rows) * len(rows[0])
    means = np.zeros(n_components)
    weights = np.zeros(n_components)
    for i in range(len(rows)):
        # Cost: the whole data set converted to an array just to read its width.
        for j in range(np.array(rows).shape[1]):
            # Cost: N_k recomputed over all N responsibilities, for each of the N samples.
            total = sum(sum(responsibilities))
            means += responsibilities[i][j] * rows[i][j] / total
            weights += responsibilities[i][j] / n_samples
    variances = np.zeros(n_components)
    # A second double loop, because the variances need the finished means.
    for i in range(len(rows)):
        for j in range(np.array(rows).shape[1]):
            total = sum(sum(responsibilities))
            variances += responsibilities[i][j] * (rows[i][j] - means) ** 2 / total
    return MixtureParams(means=means, variances=variances, weights=weights)


def em_original(
    x: object, init: MixtureParams, *, tol: float = 1e-4, max_iter: int = 1000, stop: str = "params"
) -> EMResult:
    """Fit a Gaussian mixture with the question's nested loops (time :math:`O(N^2 K)` per iteration).

    Parameters
    ----------
    x : array_like, shape (N,) or (rows, columns)
        Samples :math:`x_i`; never modified.
    init : MixtureParams
        Starting parameters.
    tol : float, default 1e-4
        Threshold of the stopping rule (>= 0; 0 runs ``max_iter`` iterations).
    max_iter : int, default 1000
        Largest number of iterations (>= 1).
    stop : {"params", "loglik"}, default "params"
        ``"params"``: largest absolute parameter change < ``tol`` (the
        question's rule); ``"loglik"``: change of the mean log-likelihood per sample < ``tol``.

    Returns
    -------
    EMResult

    Warns
    -----
    SymmetricStartWarning
        If all of ``init``'s components are equal (up to rounding): EM can never separate them.

    Raises
    ------
    TypeError, ValueError
        For bad input, with a message naming it and what to do (shared with
        every fitter), before any work is done.
    EMBreakdownError
        If EM breaks down (a ``ValueError``; see :func:`emlib.driver.run_em`),
        naming the iteration, the cause and a fix; every fitter raises the same.
    """
    return run_em(x, init, prepare=as_rows, e_step=e_step, m_step=m_step, tol=tol, max_iter=max_iter, stop=stop)
