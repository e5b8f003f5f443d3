"""Input checks shared by every public function of :mod:`emlib`.

One place decides what is valid, so every fitter rejects bad input the same
way, with a ``TypeError`` (wrong kind of value) or a ``ValueError`` (right kind,
wrong value) whose message names the argument and the problem.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

STOP_RULES = ("params", "loglik")
"""The stopping rules a fitter understands (see :func:`emlib.driver.run_em`)."""


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
        other objects, or is ragged.
    """
    if values is None:
        raise TypeError(f"{name} must be an array of real numbers, got None")
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got a string")
    try:
        array = np.asarray(values)  # no copy yet: the one copy is astype's below
    except ValueError as err:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of real numbers: {err}") from None
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
        If :math:`K > N`, ``tol`` is negative or NaN, ``max_iter < 1``, or
        ``stop`` is unknown.
    """
    check_mixture(init, "init")
    if init.n_components > n_samples:
        raise ValueError(
            f"more components than samples: K={init.n_components} components for N={n_samples} samples"
        )
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real):  # tol = 0 is allowed: not check_positive_real
        raise TypeError(f"tol must be a real number, got {type(tol).__name__}")
    if not tol >= 0:  # also catches NaN
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral):
        raise TypeError(f"max_iter must be an integer, got {type(max_iter).__name__}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    if not isinstance(stop, str):
        raise TypeError(f"stop must be a string, one of {STOP_RULES}, got {type(stop).__name__}")
    if stop not in STOP_RULES:
        raise ValueError(f"unknown stop rule {stop!r}: use one of {STOP_RULES}")


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
