"""Measuring how long one EM iteration takes, and how that grows with :math:`N`.

Used by the benchmark (:mod:`emlib.bench`), the exercises' checks and the
chapters' growth plots; the chapters time single calls with
:func:`emlib.book.profiling.time_call`.
"""

from __future__ import annotations

import time

import numpy as np

from emlib.driver import Fitter
from emlib.params import MixtureParams
from emlib.validation import as_real_array, check_int


def time_per_iteration(
    fit: Fitter, x: np.ndarray, init: MixtureParams, *, n_iter: int = 3, repeat: int = 3, warmup: bool = True
) -> float:
    """Median wall-clock seconds per EM iteration of ``fit`` on ``x``.

    Each run is ``fit(x, init, tol=0, max_iter=n_iter)`` (``tol=0`` makes it
    run exactly ``n_iter`` iterations), timed with :func:`time.perf_counter`;
    the result is the median over ``repeat`` runs divided by ``n_iter``.

    Parameters
    ----------
    fit : callable
        One of the fitters, e.g. :func:`emlib.em_vectorized`.
    x : array_like
        The samples.
    init : MixtureParams
        The start.
    n_iter : int, default 3
        Iterations per run (>= 1).
    repeat : int, default 3
        Timed runs (>= 1); the median is reported.
    warmup : bool, default True
        Run once untimed first (imports, caches, memory allocation).

    Returns
    -------
    float
        Seconds per iteration.

    Raises
    ------
    TypeError
        If ``fit`` is not callable, or ``n_iter``/``repeat`` are not integers.
    ValueError
        If ``n_iter`` or ``repeat`` is < 1 (bad ``x`` or ``init`` raise from the fitter).
    """
    if not callable(fit):
        raise TypeError(f"fit must be callable, got {type(fit).__name__}")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    repeat = check_int(repeat, "repeat", minimum=1)
    if warmup:
        fit(x, init, tol=0, max_iter=1)
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        fit(x, init, tol=0, max_iter=n_iter)
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds)) / n_iter


def _check_series(sizes: object, seconds: object) -> tuple[np.ndarray, np.ndarray]:
    """Sizes and times as float arrays: 1-D, equal length, finite, > 0, two distinct sizes."""
    n = as_real_array(sizes, "sizes")
    t = as_real_array(seconds, "seconds")
    if n.ndim != 1 or t.shape != n.shape:
        raise ValueError(f"sizes and seconds must be 1-D of equal length, got shapes {n.shape} and {t.shape}")
    for name, values in (("sizes", n), ("seconds", t)):
        if not np.all(np.isfinite(values) & (values > 0)):
            raise ValueError(f"{name} must be finite and > 0, got {values.tolist()}")
    if np.unique(n).size < 2:
        raise ValueError(f"need at least two distinct sizes, got {n.tolist()}")
    return n, t


def growth_exponent(sizes: object, seconds: object) -> tuple[float, float]:
    r"""Fit :math:`t = c N^{b}` by least squares on :math:`\log t = \log c + b \log N`.

    Parameters
    ----------
    sizes : array_like, shape (M,)
        Problem sizes :math:`N`, > 0, at least two distinct.
    seconds : array_like, shape (M,)
        Times measured at those sizes, > 0.

    Returns
    -------
    exponent : float
        :math:`b`: 1 for linear growth, 2 for quadratic.
    prefactor : float
        :math:`c`, so that ``prefactor * N**exponent`` predicts the time at ``N``.

    Raises
    ------
    TypeError
        If the inputs are not real numbers.
    ValueError
        If the lengths differ, a value is not finite and > 0, or fewer than two
        distinct sizes are given.
    """
    n, t = _check_series(sizes, seconds)
    exponent, log_prefactor = np.polyfit(np.log(n), np.log(t), 1)
    return float(exponent), float(np.exp(log_prefactor))


def linear_quadratic_fit(sizes: object, seconds: object) -> tuple[float, float]:
    r"""Fit :math:`t = aN + bN^2` with :math:`a, b \ge 0`, minimizing relative errors.

    This is the cost model of the question's loops on a grid of 100 columns:
    every sample pays a fixed amount (:math:`a`) plus, through ``sum(sum(...))``
    and the per-row conversions, an amount that grows with the number of rows
    :math:`N/100` (:math:`b`). A power law fitted where the linear part still
    dominates grows too slowly; this model does not.

    Parameters
    ----------
    sizes : array_like, shape (M,)
        Problem sizes :math:`N`, > 0, at least two distinct.
    seconds : array_like, shape (M,)
        Times measured at those sizes, > 0.

    Returns
    -------
    a, b : float
        Seconds per sample and per sample squared, so that
        ``a * N + b * N**2`` predicts the time at ``N``.

    Raises
    ------
    TypeError, ValueError
        As :func:`growth_exponent`.
    """
    from scipy.optimize import nnls

    n, t = _check_series(sizes, seconds)
    design = np.column_stack([n, n**2]) / t[:, np.newaxis]  # relative errors: divide each row by its t
    scale = np.linalg.norm(design, axis=0)
    coefficients, _ = nnls(design / scale, np.ones_like(t))
    a, b = coefficients / scale
    return float(a), float(b)
