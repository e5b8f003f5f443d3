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

    Notes
    -----
    ``log_likelihood`` is stored as a read-only ``float64`` copy, and stays
    read-only through :func:`copy.copy`, :func:`copy.deepcopy` and pickle.
    Two results are equal (``==``) when all their fields are equal, the
    arrays value by value; a result is hashable.
    """

    params: MixtureParams
    n_iter: int
    converged: bool
    log_likelihood: np.ndarray
    stop: str

    def __post_init__(self) -> None:
        history = np.array(self.log_likelihood, dtype=np.float64)
        history.setflags(write=False)
        object.__setattr__(self, "log_likelihood", history)

    def _key(self) -> tuple:
        return (self.params, self.n_iter, self.converged, tuple(self.log_likelihood.tolist()), self.stop)

    def __eq__(self, other: object) -> bool:
        # False, not NotImplemented, for other types: NumPy would answer an array instead
        return other.__class__ is self.__class__ and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self):
        return type(self), (self.params, self.n_iter, self.converged, self.log_likelihood, self.stop)


def has_converged(stop: str, tol: float, old: MixtureParams, new: MixtureParams, history: list[float]) -> bool:
    r"""Decide whether to stop after an iteration.

    ``stop="params"`` is the question's rule: the largest absolute change of
    any parameter, :math:`\max|\theta^{(t+1)} - \theta^{(t)}| < \text{tol}`.
    ``stop="loglik"`` stops when the log-likelihood's relative change is small,
    :math:`|\ell_t - \ell_{t-1}| < \text{tol}\,|\ell_t|` (it needs two values).
    With ``tol=0`` neither rule ever holds, so a fit runs ``max_iter`` iterations.
    """
    if stop == "params":
        return old.max_abs_change(new) < tol
    if len(history) < 2:
        return False
    return abs(history[-1] - history[-2]) < tol * abs(history[-1])


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
    data = check_data(x)
    check_fit_options(init, data.size, tol, max_iter, stop)
    prepared = prepare(data)
    params = init
    history: list[float] = []
    converged = False
    for iteration in range(1, max_iter + 1):
        try:
            with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
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
        converged = has_converged(stop, tol, params, new_params, history)
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
