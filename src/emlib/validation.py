"""Input checks shared by every public function of :mod:`emlib`.

One place decides what is valid, so every fitter rejects bad input the same
way, with a ``TypeError`` (wrong kind of value) or a ``ValueError`` (right kind,
wrong value) whose message names the argument and the problem.
"""

from __future__ import annotations

import collections.abc
import math
import numbers

import numpy as np

STOP_RULES = ("params", "loglik")
"""The stopping rules a fitter understands (see :func:`emlib.driver.run_em`)."""

EPS = float(np.finfo(np.float64).eps)
r"""The spacing of ``float64`` numbers near 1, :math:`\varepsilon = 2^{-52}`."""

SMALLEST_SPREAD = math.sqrt(float(np.finfo(np.float64).tiny) / EPS)
r"""Smallest spread :math:`\max_i x_i - \min_i x_i` EM can work with, about :math:`10^{-146}`.

EM squares deviations of this size: down to :math:`\varepsilon` times the
spread squared they stay normal ``float64`` numbers, with all their digits.
"""

SYMMETRY_TOLERANCE = 1e-12
r"""How close (relative) components may be and still count as equal "up to rounding" in a start."""


class SymmetricStartWarning(UserWarning):
    r"""EM started from components that are all equal, so they can never separate.

    With equal means :math:`\mu_k` and variances :math:`\sigma_k^2`, every
    component has the same density at every sample, so the E-step gives each
    sample the responsibilities :math:`\gamma_{ik} = \pi_k`, and the M-step
    gives every component the data's mean and variance again, whatever the
    weights: EM sits on this fixed point forever (in exact arithmetic; in
    ``float64`` rounding only moves it by :math:`10^{-16}`). The fit then
    "converges" to :math:`K` copies of one Gaussian.

    This is a warning, not an error, as scikit-learn warns (its
    ``ConvergenceWarning``) when a fit runs but its result is not what the
    user asked for: the result is still a valid (one-Gaussian) fit, and
    ``K = 1`` on purpose is legitimate. Start from distinct means instead,
    e.g. :math:`K` different samples (the symmetry is never broken by EM itself).
    """


def as_real_array(values: object, name: str) -> np.ndarray:
    """Return ``values`` as a new ``float64`` array, refusing what is not real numbers.

    Parameters
    ----------
    values : array_like
        Real numbers (nested lists, tuples or arrays).
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    numpy.ndarray
        A ``float64`` copy: the caller's object is never modified or shared.

    Raises
    ------
    TypeError
        If ``values`` is ``None``, holds strings, booleans, complex numbers or
        other objects, or is ragged; if it is a masked array with masked
        values (the mask would be silently ignored); if it is a generator,
        an iterator, a set or a dict (no array of numbers, or no order). Where a
        conversion would do, the message says which.
    """
    if values is None:
        raise TypeError(f"{name} must be an array of real numbers, got None")
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got a string")
    refusal = _unordered_or_masked(values, name)
    if refusal:
        raise TypeError(refusal)
    try:
        array = np.asarray(values)  # no copy yet: the one copy is astype's below
    except ValueError as err:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of real numbers: {err}") from None
    if array.dtype.kind == "O":  # name the objects' types: only the values can tell
        raise TypeError(_object_array_message(array, name))
    check_real_dtype(array.dtype, name)
    return array.astype(np.float64, copy=True)


def check_real_dtype(dtype: np.dtype, name: str) -> None:
    """Refuse a dtype that is not real numbers (integers or floats), naming the argument.

    Raises
    ------
    TypeError
        If ``dtype`` is complex, boolean, or not a number.
    """
    kind = dtype.kind
    if kind == "c":
        raise TypeError(f"{name} must be real, got complex values")
    if kind == "b":
        raise TypeError(f"{name} must be real numbers, got booleans")
    if kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {dtype}")


def _unordered_or_masked(values: object, name: str) -> str:
    """The reason to refuse ``values`` before NumPy sees it, or ``""``.

    NumPy would turn a generator, a set or a dict into a single object, and
    would drop a masked array's mask without a word.
    """
    if isinstance(values, np.ma.MaskedArray):
        if np.ma.is_masked(values):
            count = int(np.ma.count_masked(values))
            return (
                f"{name} is a masked array with {count} masked value(s): emlib does not honour masks and "
                f"would use the masked values too; pass only the valid ones, e.g. {name}.compressed()"
            )
        return ""
    if isinstance(values, collections.abc.Iterator):
        return (
            f"{name} is a {type(values).__name__} (an iterator), not an array; "
            f"convert it first, e.g. np.fromiter({name}, dtype=float)"
        )
    if isinstance(values, collections.abc.Mapping):
        return (
            f"{name} is a {type(values).__name__}, not an array; pass its values as a float array, "
            f"e.g. np.asarray(list({name}.values()), dtype=float)"
        )
    if isinstance(values, collections.abc.Set):
        return (
            f"{name} is a {type(values).__name__}, which has no order; pass a list or a float array, "
            f"e.g. np.fromiter(sorted({name}), dtype=float)"
        )
    if isinstance(values, collections.abc.MappingView):
        return f"{name} is a {type(values).__name__} view, not an array; convert it first, e.g. np.fromiter({name}, dtype=float)"
    return ""


def _object_array_message(array: np.ndarray, name: str) -> str:
    """Why an array of Python objects is refused, naming the objects' types."""
    kinds = sorted({type(value).__name__ for value in array.flat})
    described = ", ".join(kinds[:4]) + (", ..." if len(kinds) > 4 else "")
    numeric = all(
        isinstance(value, numbers.Number) and not isinstance(value, (bool, complex, np.bool_, np.complexfloating))
        for value in array.flat
    )
    if numeric:
        return (
            f"{name} must be an array of float numbers, got Python objects ({described}); "
            f"convert them first, e.g. np.asarray({name}, dtype=float)"
        )
    return f"{name} must be an array of real numbers, got objects of type {described} (dtype object)"


def check_data(x: object) -> np.ndarray:
    """Validate samples :math:`x_i` and return them as a new ``float64`` array.

    Parameters
    ----------
    x : array_like, shape (N,) or (rows, columns)
        The samples, 1-D or 2-D (rows x columns, like the question).

    Returns
    -------
    numpy.ndarray
        A ``float64`` copy with the same shape.

    Raises
    ------
    TypeError
        If ``x`` is not real numbers (see :func:`as_real_array`).
    ValueError
        If ``x`` is not 1-D or 2-D, is empty, or holds NaN or inf.
    """
    data = as_real_array(x, "x")
    check_data_shape(data.shape)
    if not np.all(np.isfinite(data)):
        check_finite_count(int(np.count_nonzero(~np.isfinite(data))))
    return data


def check_data_shape(shape: tuple[int, ...]) -> None:
    """Refuse samples that are not 1-D or 2-D, or are empty (before reading them: the shape is enough).

    Raises
    ------
    ValueError
        If ``shape`` has not 1 or 2 axes, or holds no sample.
    """
    if len(shape) not in (1, 2):
        raise ValueError(f"x must be 1-D or 2-D (rows x columns), got {len(shape)}-D with shape {shape}")
    if math.prod(shape) == 0:
        raise ValueError(f"x is empty (shape {shape}): EM needs at least one sample")


def check_finite_count(n_bad: int) -> None:
    """Refuse samples that hold ``n_bad`` > 0 NaN or inf values.

    Raises
    ------
    ValueError
        If ``n_bad`` > 0.
    """
    if n_bad:
        raise ValueError(f"x must be finite: it holds {n_bad} NaN or inf value(s)")


def check_fit_options(init: object, n_samples: int, tol: object, max_iter: object, stop: object) -> None:
    r"""Validate the arguments every fitter shares.

    Parameters
    ----------
    init : MixtureParams
        The start; needs :math:`K \le N`.
    n_samples : int
        :math:`N`, the number of samples.
    tol : float
        Threshold of the stopping rule, finite and >= 0.
    max_iter : int
        Largest number of EM iterations, >= 1.
    stop : str
        One of :data:`STOP_RULES`.

    Raises
    ------
    TypeError
        If ``init`` is not a ``MixtureParams``, ``tol`` is not a real number,
        ``max_iter`` is not an integer, or ``stop`` is not a string.
    ValueError
        If :math:`K > N`, a weight of ``init`` is 0, ``tol`` is negative,
        NaN or infinite, ``max_iter < 1``, or ``stop`` is unknown.
    """
    check_mixture(init, "init")
    if init.n_components > n_samples:
        raise ValueError(
            f"more components than samples: K={init.n_components} components for N={n_samples} samples"
        )
    zero = np.flatnonzero(init.weights == 0).tolist()
    if zero:
        raise ValueError(
            f"init gives component(s) {zero} (0-based) a weight of 0: EM can never give weight back to a component "
            "with none (its responsibilities are all 0 and its new mean is 0/0); drop the component or give it a "
            "positive weight"
        )
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real):  # tol = 0 is allowed: not check_positive_real
        raise TypeError(f"tol must be a real number, got {type(tol).__name__}")
    if not tol >= 0:  # also catches NaN
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    if math.isinf(tol):
        raise ValueError(f"tol must be finite, got {tol!r}: no fit could ever fail to meet it (tol=0 runs max_iter iterations)")
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral):
        raise TypeError(f"max_iter must be an integer, got {type(max_iter).__name__}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    if not isinstance(stop, str):
        raise TypeError(f"stop must be a string, one of {STOP_RULES}, got {type(stop).__name__}")
    if stop not in STOP_RULES:
        raise ValueError(f"unknown stop rule {stop!r}: use one of {STOP_RULES}")


def check_spread(data: np.ndarray) -> tuple[float, float]:
    r"""Return the smallest and largest sample, refusing data whose spread ``float64`` cannot hold.

    EM adds up :math:`N` squared deviations :math:`(x_i - \mu_k)^2`, at most
    :math:`N (\max_i x_i - \min_i x_i)^2`. That sum must stay below the largest
    ``float64`` (about :math:`1.8 \times 10^{308}`), and the spread must stay
    above :data:`SMALLEST_SPREAD`, or the variances lose their digits. Both
    are fixed by rescaling: fit :math:`x / s`, then multiply the means by
    :math:`s` and the variances by :math:`s^2`.

    Parameters
    ----------
    data : numpy.ndarray
        Validated samples (see :func:`check_data`).

    Returns
    -------
    low, high : float
        :math:`\min_i x_i` and :math:`\max_i x_i`.

    Raises
    ------
    ValueError
        If every sample is the same (a Gaussian needs samples that differ:
        every variance would collapse to 0), or the spread is too small or too
        large for ``float64``; the message says how to rescale.
    """
    low, high = float(data.min()), float(data.max())
    if low == high:
        raise ValueError(
            f"x is constant (all {data.size} samples are {low!r}): a Gaussian mixture needs samples that differ, "
            "or every component's variance collapses to 0"
        )
    spread = high - low  # Python floats: inf rather than an error if it overflows
    largest = math.sqrt(float(np.finfo(np.float64).max) / data.size)
    if spread < SMALLEST_SPREAD or spread >= largest:
        limit = (
            f"below {SMALLEST_SPREAD:.1e}: EM's variances, about its square, would lose their digits below the "
            "smallest normal float64"
            if spread < SMALLEST_SPREAD
            else f"above {largest:.1e}: the sum of N={data.size} squared deviations of that size would overflow float64"
        )
        scale = 10.0 ** round(math.log10(spread)) if math.isfinite(spread) else 10.0 ** round(math.log10(max(-low, high)))
        raise ValueError(
            f"x spreads over {spread:.3g} (from {low:.3g} to {high:.3g}), {limit}; rescale: fit x / s with "
            f"s = {scale:.0e} (and the start's means / s, variances / s**2), then multiply the fitted means by s "
            "and variances by s**2"
        )
    return low, high


def check_tol_for_spread(tol: float, stop: str, low: float, high: float) -> None:
    r"""Refuse an absolute ``tol`` that cannot see the parameters of these data move.

    ``stop="params"`` stops when every parameter changes by less than ``tol``
    in absolute terms. When ``tol`` is as large as the data's whole range
    :math:`\max_i x_i - \min_i x_i`, the means change by less than ``tol``
    as soon as they are inside the data, so the fit would report convergence
    before it has fitted them. This is an error, not a warning: the result
    would be wrong without a sign.

    Raises
    ------
    ValueError
        If ``stop == "params"`` and ``0 < high - low <= tol``; the message
        says what to do instead.
    """
    spread = high - low
    if stop == "params" and 0 < spread <= tol:
        raise ValueError(
            f"tol={tol!r} is not small compared with the data, which span only {spread:.3g}: stop='params' "
            "compares absolute parameter changes with tol, so it would stop before the means and variances "
            f"are fitted; use a tol well below the span (e.g. tol={spread * 1e-4:.0e}), rescale x, "
            "or use stop='loglik' (the change of the mean log-likelihood per sample, whatever the units of x)"
        )


def symmetric_start(init) -> bool:  # init: MixtureParams (params imports this module)
    r"""Whether all of ``init``'s components are equal up to rounding (see :class:`SymmetricStartWarning`).

    Means count as equal when they differ by at most :data:`SYMMETRY_TOLERANCE`
    times :math:`\max_k |\mu_k| + \max_k \sigma_k`, variances when they differ
    by at most :data:`SYMMETRY_TOLERANCE` times :math:`\max_k \sigma_k^2`. The
    weights do not matter. One component is not a symmetric start.
    """
    if init.n_components < 2:
        return False
    largest_variance = float(init.variances.max())
    mean_scale = float(np.abs(init.means).max()) + math.sqrt(largest_variance)
    return bool(
        np.ptp(init.means) <= SYMMETRY_TOLERANCE * mean_scale
        and np.ptp(init.variances) <= SYMMETRY_TOLERANCE * largest_variance
    )


def check_int(value: object, name: str, *, minimum: int) -> int:
    """Return ``value`` as an ``int``, refusing non-integers and values below ``minimum``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (booleans and floats are refused).
    ValueError
        If ``value < minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_positive_real(value: object, name: str) -> float:
    """Return ``value`` as a ``float``, refusing non-numbers and values that are not finite and > 0.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (booleans are refused).
    ValueError
        If ``value`` is NaN, infinite or <= 0.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")
    return float(value)


def check_mixture(value: object, name: str):  # -> MixtureParams (params imports this module)
    """Return ``value`` if it is a :class:`~emlib.params.MixtureParams`, else raise ``TypeError`` naming ``name``."""
    from emlib.params import MixtureParams

    if not isinstance(value, MixtureParams):
        raise TypeError(f"{name} must be a MixtureParams, got {type(value).__name__}")
    return value
