"""The EM loop every fitter shares: iterate, record, stop.

Each version of EM in this package differs only in how it lays out the data
and how it computes one E-step and one M-step. This module runs those steps
until a stopping rule holds, so the versions cannot differ in anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from emlib.params import MixtureParams
from emlib.validation import check_data, check_fit_options

EStep = Callable[[Any, MixtureParams], tuple[Any, float]]
"""``e_step(data, params) -> (responsibilities, log_likelihood)``."""

MStep = Callable[[Any, Any], MixtureParams]
"""``m_step(data, responsibilities) -> new params``."""

Step = Callable[[Any, MixtureParams], tuple[MixtureParams, float]]
"""``step(data, params) -> (new params, log_likelihood)``: a whole iteration in one call."""

FLOATING_POINT_ERRORS = {"divide": "raise", "over": "raise", "invalid": "raise", "under": "ignore"}
"""``np.errstate`` while the steps run: a division by 0, an overflow or a NaN stops the fit (underflow to 0 is fine).

Code that runs the steps' work in other threads or processes (:mod:`emlib.dask_fit`) sets it there too."""


@dataclass(frozen=True)
class EMResult:
    r"""What a fit returns.

    Attributes
    ----------
    params : MixtureParams
        The parameters after the last M-step.
    n_iter : int
        How many iterations (one E-step and one M-step each) ran.
    converged : bool
        Whether the stopping rule held before ``max_iter`` ran out.
    log_likelihood : numpy.ndarray, shape (n_iter,)
        :math:`\ell(\theta^{(t)}) = \sum_i \log \sum_k \pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)`
        at the parameters each iteration *started* from (the E-step computes it
        for free). EM never lets it decrease.
    stop : str
        The stopping rule used, ``"params"`` or ``"loglik"``.
    """

    params: MixtureParams
    n_iter: int
    converged: bool
    log_likelihood: np.ndarray
    stop: str


def has_converged(
    stop: str, tol: float, old: MixtureParams, new: MixtureParams, history: list[float], *, n_samples: int
) -> bool:
    r"""Decide whether to stop after an iteration.

    ``stop="params"`` is the question's rule: the largest absolute change of
    any parameter, :math:`\max|\theta^{(t+1)} - \theta^{(t)}| < \text{tol}`.
    ``stop="loglik"`` stops when the mean log-likelihood per sample changes by
    less than ``tol``, :math:`|\ell_t - \ell_{t-1}| / N < \text{tol}` (it needs
    two values), as scikit-learn's ``tol`` does. Rescaling the data,
    :math:`x_i \to s x_i`, shifts every :math:`\ell_t / N` by the same
    constant :math:`-\log s` and leaves its changes alone, so this rule stops
    after the same iterations whatever the units of :math:`x`.
    With ``tol=0`` neither rule ever holds, so a fit runs ``max_iter`` iterations.
    """
    if stop == "params":
        return old.max_abs_change(new) < tol
    if len(history) < 2:
        return False
    return abs(history[-1] - history[-2]) < tol * n_samples


def run_em(
    x: object,
    init: MixtureParams,
    *,
    prepare: Callable[[np.ndarray], Any],
    e_step: EStep | None = None,
    m_step: MStep | None = None,
    step: Step | None = None,
    tol: float,
    max_iter: int,
    stop: str,
    validate: Callable[[object], Any] = check_data,
) -> EMResult:
    r"""Validate the input, then alternate E- and M-steps until ``stop`` holds.

    Parameters
    ----------
    x : array_like, shape (N,) or (rows, columns)
        Samples :math:`x_i`; never modified.
    init : MixtureParams
        Starting parameters :math:`\theta^{(0)}`.
    prepare : callable
        Turns the validated ``float64`` array into the layout the steps use.
    e_step, m_step : callable
        One version's E-step and M-step (see :data:`EStep`, :data:`MStep`).
    step : callable, optional
        Instead of ``e_step`` and ``m_step``: both in one call (see :data:`Step`),
        for a version that never holds all the responsibilities at once.
    tol, max_iter, stop
        The stopping rule (see :func:`has_converged`).
    validate : callable, default :func:`emlib.validation.check_data`
        Checks ``x`` and returns what ``prepare`` takes (anything with a
        ``size``, :math:`N`); :mod:`emlib.dask_fit` checks a Dask array without reading it.

    Raises
    ------
    TypeError
        If neither ``step`` nor both ``e_step`` and ``m_step`` are given, or both kinds are.
    TypeError, ValueError
        For bad input (see :func:`emlib.validation.check_data` and
        :func:`emlib.validation.check_fit_options`), before any work is done.
    ValueError
        If EM breaks down (a component loses all its responsibility, or a
        variance collapses to 0), naming the iteration.
    """
    given = (e_step is not None, m_step is not None, step is not None)
    if given not in ((True, True, False), (False, False, True)):
        raise TypeError("run_em needs e_step and m_step, or one fused step instead of both")
    data = validate(x)
    check_fit_options(init, data.size, tol, max_iter, stop)
    prepared = prepare(data)
    params = init
    history: list[float] = []
    converged = False
    for iteration in range(1, max_iter + 1):
        try:
            with np.errstate(**FLOATING_POINT_ERRORS):
                if step is None:
                    responsibilities, log_likelihood = e_step(prepared, params)
                    new_params = m_step(prepared, responsibilities)
                else:
                    new_params, log_likelihood = step(prepared, params)
        except (FloatingPointError, ZeroDivisionError, ValueError) as err:
            raise ValueError(
                f"EM broke down in iteration {iteration} ({err}): a component received no responsibility or every density "
                "underflowed to 0; start closer to the data, or use em_vectorized (log-space E-step)"
            ) from err
        history.append(float(log_likelihood))
        converged = has_converged(stop, tol, params, new_params, history, n_samples=data.size)
        params = new_params
        if converged:
            break
    return EMResult(
        params=params,
        n_iter=iteration,
        converged=converged,
        log_likelihood=np.array(history),
        stop=stop,
    )
