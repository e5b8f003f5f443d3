r"""Data far from zero: how many digits of the variances a fit keeps.

Timestamps, wavelengths and prices are large numbers with small spreads. The
variance as a mean square minus a squared mean,
:math:`\frac{1}{N_k}\sum_i \gamma_{ik} x_i^2 - \mu_k^2`, subtracts two numbers
of size :math:`x^2` to get one of size :math:`\sigma^2`, and loses about
:math:`\log_{10}(x^2 / \sigma^2)` of the 16 digits a ``float64`` holds.

:func:`offset_data` puts the same samples (spread 0.5) around an offset;
:func:`variance_digits` runs a fit a few iterations from the same start and
counts the digits of its variances that agree with the same fit on the data
moved back to 0, where nothing is lost; :func:`far_from_zero_table` does it
for several fits and offsets. ``tests/test_far_from_zero.py`` runs the same
experiment on scikit-learn's ``GaussianMixture``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from emlib.book.table import Table
from emlib.driver import Fitter, check_fitters
from emlib.params import MixtureParams
from emlib.sampling import sample
from emlib.validation import as_real_array, check_int
from emlib.vectorized import em_vectorized

AROUND_ZERO = MixtureParams(means=[-0.5, 0.5], variances=[0.25, 0.25], weights=[0.5, 0.5])
"""The mixture the samples are drawn from, before the offset: spread 0.5."""

START = MixtureParams(means=[-1.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
"""The start, before the offset."""

ALL_DIGITS = 16.0
"""What :func:`variance_digits` reports when the variances agree exactly."""


def offset_data(offset: float, *, n_samples: int = 20_000, seed: int = 0) -> tuple[np.ndarray, MixtureParams]:
    """The same samples and start, moved by ``offset``.

    Returns
    -------
    x : numpy.ndarray, shape (n_samples,)
        Samples of :data:`AROUND_ZERO`, plus ``offset``.
    start : MixtureParams
        :data:`START` with its means moved by ``offset``.

    Raises
    ------
    TypeError, ValueError
        If ``offset`` is not a finite real number, or ``n_samples`` not an integer >= 2.
    """
    offset = _check_offset(offset)
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    x = sample(AROUND_ZERO, n_samples, seed=seed) + float(offset)
    return x, MixtureParams(means=START.means + offset, variances=START.variances, weights=START.weights)


def _check_offset(offset: object) -> float:
    value = as_real_array(offset, "offset")
    if value.ndim != 0 or not np.isfinite(value):
        raise ValueError(f"offset must be one finite number, got {offset!r}")
    return float(value)


def variance_digits(variances: np.ndarray, offset: float, *, n_samples: int = 20_000, n_iter: int = 5) -> float:
    r"""How many digits of ``variances`` agree with the exact ones, at most :data:`ALL_DIGITS`.

    The exact variances come from :func:`emlib.em_vectorized`, ``n_iter``
    iterations on :math:`x_i - \text{offset}` from the start moved back
    likewise. That subtraction is exact in floating point (Sterbenz: the two
    numbers are within a factor of 2), so these are the very same samples,
    near 0, where the variance loses nothing.

    Parameters
    ----------
    variances : numpy.ndarray, shape (2,)
        A fit's variances on ``offset_data(offset, n_samples=n_samples)`` after ``n_iter`` iterations.
    offset : float
        The offset the fit saw.

    Raises
    ------
    TypeError, ValueError
        As :func:`offset_data`, or if ``variances`` is not two real numbers.
    """
    variances = as_real_array(variances, "variances")
    if variances.shape != (2,):
        raise ValueError(f"variances must hold the 2 variances of a fit, got shape {variances.shape}")
    x, start = offset_data(offset, n_samples=n_samples)
    moved = MixtureParams(means=start.means - offset, variances=start.variances, weights=start.weights)
    exact = em_vectorized(x - offset, moved, tol=0, max_iter=n_iter).params.variances
    error = float(np.max(np.abs(variances - exact) / exact))
    return ALL_DIGITS if error == 0 else float(min(ALL_DIGITS, -np.log10(error)))


def far_from_zero_table(
    fitters: Mapping[str, Fitter], offsets: Sequence[float], *, n_samples: int = 20_000, n_iter: int = 5
) -> Table:
    """Digits of the variances each fitter keeps at each offset; "breaks down" where it raises.

    Parameters
    ----------
    fitters : mapping of str to callable
        Column title to fitter, e.g. ``{"uncentred": em_uncentred, "em_vectorized": em_vectorized}``.
    offsets : sequence of float
        One row each.
    n_samples, n_iter
        As :func:`variance_digits`.

    Raises
    ------
    TypeError, ValueError
        If ``fitters`` is not a non-empty mapping of names to callables, or an
        offset is bad (see :func:`offset_data`).
    """
    check_fitters(fitters)
    rows = []
    for offset in offsets:
        x, start = offset_data(offset, n_samples=n_samples)
        cells = [f"{offset:.0e}"]
        for fit in fitters.values():
            try:
                variances = fit(x, start, tol=0, max_iter=n_iter).params.variances
            except ValueError:
                cells.append("breaks down")
                continue
            cells.append(f"{variance_digits(variances, offset, n_samples=n_samples, n_iter=n_iter):.1f}")
        rows.append(tuple(cells))
    return Table(header=("offset", *fitters), rows=tuple(rows))
