"""The EM loop every fitter shares: iterate, record, stop.

Each version of EM in this package differs only in how it lays out the data
and how it computes one E-step and one M-step. This module runs those steps
until a stopping rule holds, so the versions cannot differ in anything else.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from emlib.params import MixtureParams
from emlib.validation import (
    EPS,
    SymmetricStartWarning,
    check_data,
    check_fit_options,
    check_spread,
    check_tol_for_spread,
    symmetric_start,
)

EStep = Callable[[Any, MixtureParams], tuple[Any, float]]
"""``e_step(data, params) -> (responsibilities, log_likelihood)``."""

MStep = Callable[[Any, Any], MixtureParams]
"""``m_step(data, responsibilities) -> new params``."""

Step = Callable[[Any, MixtureParams], tuple[MixtureParams, float]]
"""``step(data, params) -> (new params, log_likelihood)``: a whole iteration in one call."""

FLOATING_POINT_ERRORS = {"divide": "raise", "over": "raise", "invalid": "raise", "under": "ignore"}
"""``np.errstate`` while the steps run: a division by 0, an overflow or a NaN stops the fit (underflow to 0 is fine).

Code that runs the steps' work in other threads or processes (:mod:`emlib.dask_fit`) sets it there too."""


OVERFLOW_DISTANCE = 1e150
r"""Largest distance :math:`|x_i - \mu_k| / \sigma_k` (in standard deviations) whose square EM can form:
the square of :math:`1.34 \times 10^{154}` overflows ``float64``; this leaves room for the sums."""

LOG_SMALLEST_NORMAL = math.log(float(np.finfo(np.float64).tiny))
"""About -708: below this, :math:`e^{a}` is no longer a normal ``float64`` (and below about -745 it is 0)."""


class EMBreakdownError(ValueError):
    r"""EM broke down during a fit: the numbers of one iteration left ``float64``'s range.

    Every fitter raises it from one shared check in :func:`run_em`, with the
    same message for the same cause, so the versions cannot differ in what they
    report. The message names the iteration, the cause and a fix that works.

    Attributes
    ----------
    iteration : int
        The iteration (from 1) in which EM broke down.
    cause : str
        One of :data:`BREAKDOWN_CAUSES`:

        ``"overflow"``
            A sample is more than :data:`OVERFLOW_DISTANCE` standard deviations
            from a component: its square overflows.
        ``"empty component"``
            A component's share :math:`N_k = \sum_i \gamma_{ik}` of every sample
            underflowed to 0 (it is far from all samples, or narrower than their
            spacing), so its new mean is :math:`0/0`.
        ``"underflow"``
            At some sample every weighted density :math:`\pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)`
            underflowed to 0, so its responsibilities are :math:`0/0` (a plain
            E-step only; the log-space E-step of ``em_vectorized`` cannot underflow).
        ``"collapse"``
            A component collapsed onto (nearly) identical samples: its standard
            deviation fell to :math:`\sigma_k \le N \varepsilon \max_i |x_i|`, below the
            rounding error of EM's sums, where none of its digits is known and
            the likelihood grows without bound.
        ``"other"``
            A floating-point error none of the above explains; the message quotes it.

    Notes
    -----
    A ``ValueError`` subclass, so code that catches ``ValueError`` keeps working.
    """

    def __init__(self, message: str, iteration: int, cause: str) -> None:
        super().__init__(message)
        self.iteration = iteration
        self.cause = cause

    def __reduce__(self):
        return type(self), (self.args[0], self.iteration, self.cause)


BREAKDOWN_CAUSES = ("overflow", "empty component", "underflow", "collapse", "other")
"""The causes an :class:`EMBreakdownError` names, in the order :func:`diagnose` tests them."""


@dataclass(frozen=True)
class DataRange:
    """What the breakdown check needs to know about the samples: their ends and their number."""

    low: float
    high: float
    size: int

    @property
    def collapse_sd(self) -> float:
        r"""The standard deviation at or below which a component has collapsed, :math:`N \varepsilon \max_i |x_i|`.

        It bounds the rounding error of a sum of :math:`N` samples (relative
        error at most :math:`N\varepsilon`), so no digit of a smaller
        :math:`\sigma_k` is known.
        """
        return self.size * EPS * max(abs(self.low), abs(self.high))

    def advice(self) -> str:
        """The fix for a start that is too far from, or too narrow for, the data."""
        return (
            f"start with means inside the data's range [{self.low:.3g}, {self.high:.3g}] and variances "
            "comparable to the data's (e.g. np.var(x))"
        )


def breakdown(
    iteration: int, cause: str, component: int | None, data: DataRange, *, log_space: bool, error: str = ""
) -> EMBreakdownError:
    """The :class:`EMBreakdownError` for ``cause``: one message per cause, the same from every fitter.

    Parameters
    ----------
    iteration : int
        The iteration that failed (from 1).
    cause : str
        One of :data:`BREAKDOWN_CAUSES`.
    component : int or None
        The component concerned (0-based), for the causes that have one.
    data : DataRange
        The samples' ends and number, for the advice.
    log_space : bool
        Whether the fitter's E-step is in log space: then the message never
        suggests switching to one.
    error : str, optional
        The floating-point error, quoted for the cause ``"other"``.
    """
    head = f"EM broke down in iteration {iteration}: "
    if cause == "overflow":
        text = (
            f"overflow: samples are more than {OVERFLOW_DISTANCE:.0e} standard deviations from component "
            f"{component}, and EM squares that distance beyond the largest float64; {data.advice()}"
        )
    elif cause == "empty component":
        text = (
            f"component {component} received no responsibility (its share of every sample underflowed to 0: "
            f"it is far from all samples, or narrower than their spacing), so its new mean is 0/0; "
            f"{data.advice()}, or use fewer components"
        )
    elif cause == "underflow":
        text = (
            "at some samples every component's density underflowed to 0, so their responsibilities are 0/0 "
            f"(the components are too far from them for their widths); {data.advice()}"
            + ("" if log_space else ", or fit with em_vectorized, whose log-space E-step cannot underflow")
        )
    elif cause == "collapse":
        text = (
            f"component {component} collapsed onto (nearly) identical samples: its standard deviation fell to "
            f"{data.collapse_sd:.3g} (N * eps * max|x|) or below, where none of its digits is known and the "
            "likelihood grows without bound; use fewer components, start that component elsewhere, "
            "or remove duplicated samples"
        )
    else:
        text = f"a floating-point error ({error}); {data.advice()}"
    return EMBreakdownError(head + text, iteration, cause)


def collapsed_component(variances: np.ndarray, data: DataRange) -> int | None:
    """The first component whose standard deviation is at or below :attr:`DataRange.collapse_sd`, or ``None``."""
    threshold = data.collapse_sd
    for k, variance in enumerate(variances.tolist()):
        if math.sqrt(variance) <= threshold:
            return k
    return None


DIAGNOSIS_BLOCK = 2**20
"""Samples per block in :func:`diagnose`: its extra memory is about :math:`2K` arrays of this many samples."""


def in_blocks(samples: np.ndarray, size: int = DIAGNOSIS_BLOCK) -> Iterator[np.ndarray]:
    """``samples``, flattened, in views of at most ``size`` samples (nothing is copied)."""
    flat = samples.ravel()
    return (flat[start:start + size] for start in range(0, flat.size, size))


def diagnose(
    sources: Callable[[], Iterable[np.ndarray]], params: MixtureParams, data: DataRange
) -> tuple[str, int | None]:
    r"""Why an iteration from ``params`` broke down: the first of :data:`BREAKDOWN_CAUSES` that holds.

    The answer is computed from the numbers, not from the error a fitter
    raised (which differs between fitters), with a careful log-space E-step
    and M-step that cannot break down themselves, whatever ``np.seterr`` says.
    It runs only after a failure and reads the samples twice, in blocks of
    :data:`DIAGNOSIS_BLOCK` (the sums :math:`\sum_i \gamma_{ik}` and
    :math:`\sum_i \gamma_{ik} x_i`, then :math:`\sum_i \gamma_{ik} (x_i - \mu_k)^2`):
    :math:`O(NK)` time, and about :math:`2K` arrays of one block's size
    besides what ``sources`` holds, however large :math:`N` is.

    Parameters
    ----------
    sources : callable
        Called twice; each call returns a fresh iterable of arrays that
        together hold all the samples :math:`x_i` (``lambda: [x]`` for an
        array in memory; :meth:`emlib.dask_fit.Chunks.blocks` yields one chunk
        at a time).
    params : MixtureParams
        The parameters the failed iteration started from.
    data : DataRange
        The samples' ends and number.

    Returns
    -------
    cause : str
    component : int or None
        The component concerned (0-based), if one is.
    """
    sds = np.sqrt(params.variances)
    with np.errstate(over="ignore"):
        distances = np.maximum(abs(data.low - params.means), abs(data.high - params.means)) / sds
    if (distances > OVERFLOW_DISTANCE).any():
        return "overflow", int(np.argmax(distances))
    k_range = range(params.n_components)

    def responsibilities(samples: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        r""":math:`\gamma_{ik}` for one block, and :math:`\log \sum_k \pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)`."""
        log_weighted = [np.log(params.weights[k]) - 0.5 * np.log(2 * np.pi * params.variances[k])
                        - 0.5 * ((samples - params.means[k]) / sds[k]) ** 2 for k in k_range]
        log_total = functools.reduce(np.logaddexp, log_weighted)
        return [np.exp(a - log_total) for a in log_weighted], log_total

    def blocks() -> Iterator[np.ndarray]:
        return (block for source in sources() for block in in_blocks(np.asarray(source)) if block.size)

    # log 0 = -inf for an empty weight; e^a and the products may underflow to 0
    with np.errstate(divide="ignore", under="ignore"):
        totals, firsts, lowest = np.zeros(params.n_components), np.zeros(params.n_components), math.inf
        for samples in blocks():
            gammas, log_total = responsibilities(samples)
            lowest = min(lowest, float(log_total.min()))
            totals += [gamma.sum() for gamma in gammas]
            firsts += [gamma @ samples for gamma in gammas]
        for k in k_range:
            if not totals[k] >= np.finfo(np.float64).tiny:
                return "empty component", k
        if lowest < LOG_SMALLEST_NORMAL:
            return "underflow", None
        means, seconds = firsts / totals, np.zeros(params.n_components)
        for samples in blocks():
            gammas, _ = responsibilities(samples)
            seconds += [gamma @ (samples - mean) ** 2 for gamma, mean in zip(gammas, means)]
        moments = seconds / totals
    collapsed = collapsed_component(moments, data)
    if collapsed is not None:
        return "collapse", collapsed
    return "other", None


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


Fitter = Callable[..., EMResult]
"""``fit(x, init, *, tol=1e-4, max_iter=1000, stop="params") -> EMResult``: how every fitter is called."""


def check_fitters(fitters: object) -> Mapping[str, Fitter]:
    """``fitters`` itself, once checked to be a non-empty mapping of names (``str``) to fitters.

    Raises
    ------
    TypeError
        If ``fitters`` is not a mapping, or a name is not a string or a fitter not callable.
    ValueError
        If ``fitters`` is empty.
    """
    if not isinstance(fitters, Mapping):
        raise TypeError(f"fitters must be a mapping of names to fitters, got {type(fitters).__name__}")
    if not fitters:
        raise ValueError("fitters is empty: no fitter to run")
    for name, fit in fitters.items():
        if not isinstance(name, str) or not callable(fit):
            raise TypeError(f"fitters must map names (str) to callables, got {name!r}: {type(fit).__name__}")
    return fitters


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
    log_space: bool = False,
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
    log_space : bool, default False
        Whether the E-step works in log space (it cannot underflow), so that
        a breakdown message never suggests switching to one.
    validate : callable, default :func:`emlib.validation.check_data`
        Checks ``x`` and returns what ``prepare`` takes: anything with a
        ``size`` (:math:`N`) and ``min()`` and ``max()`` (for
        :func:`emlib.validation.check_spread`); :mod:`emlib.dask_fit` checks a
        Dask array in one pass over its chunks, without gathering it. If a
        step fails, :func:`diagnose` reads the samples block by block: from
        ``validate``'s result if it has a ``blocks()`` method (as
        :class:`emlib.dask_fit.Chunks`), else from ``x`` checked again with
        ``check_data``.

    Warns
    -----
    SymmetricStartWarning
        If all of ``init``'s components are equal up to rounding (see
        :func:`emlib.validation.symmetric_start`): EM can never separate them.

    Raises
    ------
    TypeError
        If neither ``step`` nor both ``e_step`` and ``m_step`` are given, or both kinds are.
    TypeError, ValueError
        For bad input (see :func:`emlib.validation.check_data`,
        :func:`emlib.validation.check_fit_options`,
        :func:`emlib.validation.check_spread` and
        :func:`emlib.validation.check_tol_for_spread`), before any work is done.
    EMBreakdownError
        If EM breaks down (overflow, a component with no responsibility,
        densities underflowing, or a variance collapsing), naming the
        iteration, the cause and a fix. After every iteration the new
        variances are checked for collapse; when a step fails, the cause is
        found by :func:`diagnose`, so every fitter reports the same cause.
    """
    given = (e_step is not None, m_step is not None, step is not None)
    if given not in ((True, True, False), (False, False, True)):
        raise TypeError("run_em needs e_step and m_step, or one fused step instead of both")
    data = validate(x)
    check_fit_options(init, data.size, tol, max_iter, stop)
    data_range = DataRange(*check_spread(data), data.size)
    check_tol_for_spread(tol, stop, data_range.low, data_range.high)
    if symmetric_start(init):
        warnings.warn(
            f"all {init.n_components} components of init are equal (means {init.means.tolist()}, variances "
            f"{init.variances.tolist()}): EM can never separate them, and will return {init.n_components} copies of "
            "one Gaussian; start from distinct means (e.g. different samples)",
            SymmetricStartWarning,
            stacklevel=3,  # the caller of the fitter
        )
    prepared = prepare(data)  # the steps' layout; a diagnosis of an array after a breakdown re-reads ``x`` itself
    params = init
    history: list[float] = []
    converged = False
    for iteration in range(1, max_iter + 1):
        failure = ""
        try:
            with np.errstate(**FLOATING_POINT_ERRORS):
                if step is None:
                    responsibilities, log_likelihood = e_step(prepared, params)
                    new_params = m_step(prepared, responsibilities)
                else:
                    new_params, log_likelihood = step(prepared, params)
        except (FloatingPointError, ZeroDivisionError, ValueError) as err:
            failure = str(err)
        else:
            if not math.isfinite(log_likelihood):
                failure = f"log-likelihood {log_likelihood}"
        if failure:
            samples = None if hasattr(data, "blocks") else check_data(x)
            cause, component = diagnose(data.blocks if samples is None else lambda: [samples], params, data_range)
            raise breakdown(iteration, cause, component, data_range, log_space=log_space, error=failure) from None
        collapsed = collapsed_component(new_params.variances, data_range)
        if collapsed is not None:
            raise breakdown(iteration, "collapse", collapsed, data_range, log_space=log_space)
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
