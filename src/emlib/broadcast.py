"""The answer's broadcast M-step, with its row-by-row E-step and with the book's whole-grid E-step.

The data stay a 2-D ``(rows, columns)`` array, as in the question. The M-step
stretches the data to ``(rows, columns, K)`` with ``[..., np.newaxis]`` and sums
over ``axis=(0, 1)``, as the answer wrote it. The answer's E-step still loops
over the rows, calling ``scipy.stats.norm.pdf`` once per row and component
(:func:`e_step_by_row`, fitted by :func:`em_answer`); the book takes one step
more and calls it once per component on the whole grid (:func:`e_step`,
fitted by :func:`em_broadcast`).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from emlib.driver import EMResult, run_em
from emlib.params import MixtureParams


def as_grid(data: np.ndarray) -> np.ndarray:
    """The data as a 2-D ``(rows, columns)`` array (a 1-D array becomes one row)."""
    return np.atleast_2d(data)


def e_step(x: np.ndarray, params: MixtureParams) -> tuple[np.ndarray, float]:
    r"""Responsibilities with one ``norm.pdf`` call per component.

    .. math:: \gamma_{ik} = \frac{\pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)}
                                {\sum_{l} \pi_l \mathcal{N}(x_i \mid \mu_l, \sigma_l^2)}

    Parameters
    ----------
    x : numpy.ndarray, shape (rows, columns)

    Returns
    -------
    responsibilities : numpy.ndarray, shape (rows, columns, K)
    log_likelihood : float
    """
    sds = np.sqrt(params.variances)
    weighted = np.stack(
        [params.weights[k] * norm.pdf(x, params.means[k], sds[k]) for k in range(params.n_components)],
        axis=-1,
    )  # (rows, columns, K)
    total = weighted.sum(axis=-1, keepdims=True)  # (rows, columns, 1)
    return weighted / total, float(np.log(total).sum())


def e_step_by_row(x: np.ndarray, params: MixtureParams) -> tuple[np.ndarray, float]:
    r"""Responsibilities the answer's way: one row at a time, one ``norm.pdf`` call per row and component.

    .. math:: \gamma_{ik} = \frac{\pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)}
                                {\sum_{l} \pi_l \mathcal{N}(x_i \mid \mu_l, \sigma_l^2)}

    Each row of the grid is a vector, so the loop over the columns runs inside
    ``norm.pdf``; the loop over the rows stays in Python: rows x K calls.

    Parameters
    ----------
    x : numpy.ndarray, shape (rows, columns)

    Returns
    -------
    responsibilities : numpy.ndarray, shape (rows, columns, K)
    log_likelihood : float
    """
    sds = np.sqrt(params.variances)
    n_rows, n_columns = x.shape
    responsibilities = np.empty((n_rows, params.n_components, n_columns))
    log_likelihood = 0.0
    for i in range(n_rows):
        weighted = np.array([
            params.weights[k] * norm.pdf(x[i], params.means[k], sds[k]) for k in range(params.n_components)
        ])  # (K, columns)
        total = weighted.sum(axis=0)  # (columns,)
        responsibilities[i] = weighted / total
        log_likelihood += float(np.log(total).sum())
    return responsibilities.transpose(0, 2, 1), log_likelihood


def m_step(x: np.ndarray, responsibilities: np.ndarray) -> MixtureParams:
    r"""New parameters by broadcasting ``(rows, columns, 1)`` against ``(rows, columns, K)``.

    .. math:: N_k = \sum_i \gamma_{ik}, \quad
              \mu_k = \frac{1}{N_k}\sum_i \gamma_{ik} x_i, \quad
              \pi_k = \frac{N_k}{N}, \quad
              \sigma_k^2 = \frac{1}{N_k}\sum_i \gamma_{ik} (x_i - \mu_k)^2
    """
    column = x[..., np.newaxis]  # (rows, columns, 1)
    totals = responsibilities.sum(axis=(0, 1))  # (K,)
    means = (responsibilities * column).sum(axis=(0, 1)) / totals
    variances = (responsibilities * (column - means) ** 2).sum(axis=(0, 1)) / totals
    return MixtureParams(means=means, variances=variances, weights=totals / x.size)


def em_broadcast(
    x: object, init: MixtureParams, *, tol: float = 1e-4, max_iter: int = 1000, stop: str = "params"
) -> EMResult:
    """Fit a Gaussian mixture with the answer's broadcast M-step and an E-step on the whole grid.

    The answer's own version, with its row-by-row E-step, is :func:`em_answer`.

    Same parameters, result and errors as :func:`emlib.em_original`.
    """
    return run_em(x, init, prepare=as_grid, e_step=e_step, m_step=m_step, tol=tol, max_iter=max_iter, stop=stop)


def em_answer(
    x: object, init: MixtureParams, *, tol: float = 1e-4, max_iter: int = 1000, stop: str = "params"
) -> EMResult:
    """Fit a Gaussian mixture as the answer did: a row-by-row E-step, the broadcast M-step.

    Same parameters, result and errors as :func:`emlib.em_original`.
    """
    return run_em(x, init, prepare=as_grid, e_step=e_step_by_row, m_step=m_step, tol=tol, max_iter=max_iter, stop=stop)
