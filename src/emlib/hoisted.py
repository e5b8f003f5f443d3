r"""The question's loops with the asker's own fix: :math:`N_k` computed once per pass.

Everything is as in :mod:`emlib.original` (the same E-step), except that the
total responsibility :math:`N_k = \sum_i \gamma_{ik}` is computed once before
each double loop instead of once per sample. The M-step's cost drops from
:math:`O(N^2 K)` to :math:`O(N K)`, but every sample still goes through the
Python interpreter several times.
"""

from __future__ import annotations

import numpy as np

from emlib.driver import EMResult, run_em
from emlib.original import as_rows, e_step
from emlib.params import MixtureParams


def m_step(rows: list[list[float]], responsibilities: list[np.ndarray]) -> MixtureParams:
    r"""New parameters from two double loops, with :math:`N_k` hoisted out of them.

    .. math:: N_k = \sum_i \gamma_{ik}, \quad
              \mu_k = \sum_i \frac{\gamma_{ik} x_i}{N_k}, \quad
              \pi_k = \sum_i \frac{\gamma_{ik}}{N}, \quad
              \sigma_k^2 = \sum_i \frac{\gamma_{ik} (x_i - \mu_k)^2}{N_k}
    """
    n_components = responsibilities[0].shape[1]
    n_samples = len(rows) * len(rows[0])
    total = sum(sum(responsibilities))  # the fix: once, not once per sample
    means = np.zeros(n_components)
    weights = np.zeros(n_components)
    for i in range(len(rows)):
        for j in range(np.array(rows).shape[1]):
            means += responsibilities[i][j] * rows[i][j] / total
            weights += responsibilities[i][j] / n_samples
    variances = np.zeros(n_components)
    for i in range(len(rows)):
        for j in range(np.array(rows).shape[1]):
            variances += responsibilities[i][j] * (rows[i][j] - means) ** 2 / total
    return MixtureParams(means=means, variances=variances, weights=weights)


def em_hoisted(
    x: object, init: MixtureParams, *, tol: float = 1e-4, max_iter: int = 1000, stop: str = "params"
) -> EMResult:
    """Fit a Gaussian mixture with the question's loops and :math:`N_k` hoisted (:math:`O(N K)`).

    Same parameters, result and errors as :func:`emlib.em_original`.
    """
    return run_em(x, init, prepare=as_rows, e_step=e_step, m_step=m_step, tol=tol, max_iter=max_iter, stop=stop)
