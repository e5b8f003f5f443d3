r"""How many components do the data support? Log-likelihood, BIC and separation.

A 1-D mixture of :math:`K` Gaussians has :math:`p = 3K - 1` free parameters
(:math:`K` means, :math:`K` variances, :math:`K` weights that sum to 1). More
components never lower the maximum log-likelihood

.. math:: \ell(\theta) = \sum_{i=1}^{N} \log \sum_{k=1}^{K} \pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2),

so comparing :math:`\ell` alone always prefers more components. The Bayesian
information criterion charges each parameter :math:`\log N`,

.. math:: \mathrm{BIC} = p \log N - 2 \ell(\hat\theta),

and the model with the *smaller* BIC is preferred. A difference of more than
about 10 is usually read as strong evidence.

:func:`separation` measures how far apart the components are in units of
their standard deviation; :func:`random_starts` draws starting points for EM,
so several fits can be compared; :func:`fit_table` tabulates them.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from emlib import vectorized
from emlib.driver import EMResult
from emlib.params import MixtureParams
from emlib.book.table import Table
from emlib.validation import check_data, check_int


def _params_of(fit: object, name: str) -> MixtureParams:
    """The parameters of an ``EMResult``, or ``fit`` itself if it is a ``MixtureParams``."""
    if isinstance(fit, EMResult):
        return fit.params
    if isinstance(fit, MixtureParams):
        return fit
    raise TypeError(f"{name} must be a MixtureParams or an EMResult, got {type(fit).__name__}")


def n_parameters(n_components: int) -> int:
    """The number of free parameters :math:`p = 3K - 1` of a 1-D mixture of :math:`K` Gaussians.

    Raises
    ------
    TypeError
        If ``n_components`` is not an integer.
    ValueError
        If ``n_components`` < 1.
    """
    return 3 * check_int(n_components, "n_components", minimum=1) - 1


def log_likelihood(x: object, params: MixtureParams | EMResult) -> float:
    r""":math:`\ell(\theta) = \sum_i \log \sum_k \pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)` at ``params``.

    Computed in log space by :func:`emlib.vectorized.e_step` (log-sum-exp), so
    it is finite even where every density underflows.

    Parameters
    ----------
    x : array_like, shape (N,) or (rows, columns)
        The samples :math:`x_i`.
    params : MixtureParams or EMResult
        The parameters (of a result: its final ``params``).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If ``x`` is not valid data (see :func:`emlib.validation.check_data`),
        or ``params`` is neither a ``MixtureParams`` nor an ``EMResult``.

    Notes
    -----
    An ``EMResult``'s ``log_likelihood`` holds :math:`\ell` at the start of
    each iteration, not at the final parameters; this function gives the latter.
    """
    data = check_data(x)
    theta = _params_of(params, "params")
    _, value = vectorized.e_step(vectorized.flatten(data), theta)
    return float(value)


def bic(x: object, params: MixtureParams | EMResult) -> float:
    r"""The Bayesian information criterion :math:`\mathrm{BIC} = (3K - 1) \log N - 2 \ell(\theta)`.

    Parameters
    ----------
    x : array_like, shape (N,) or (rows, columns)
        The samples the parameters were fitted to; :math:`N` is their number.
    params : MixtureParams or EMResult
        The fitted parameters, :math:`K` components.

    Returns
    -------
    float
        Smaller is better.

    Raises
    ------
    TypeError, ValueError
        As :func:`log_likelihood`.
    """
    data = check_data(x)
    theta = _params_of(params, "params")
    return n_parameters(theta.n_components) * float(np.log(data.size)) - 2.0 * log_likelihood(data, theta)


def separation(params: MixtureParams | EMResult) -> float:
    r"""How far apart the two closest components are, in standard deviations.

    .. math:: \min_{k < l} \frac{|\mu_k - \mu_l|}{\sqrt{(\sigma_k^2 + \sigma_l^2)/2}}

    About 2 or more: two visible bumps; near 0: the "two" components describe
    one bump, and their labels, weights and means are barely identifiable.

    Parameters
    ----------
    params : MixtureParams or EMResult
        At least two components.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``params`` is neither a ``MixtureParams`` nor an ``EMResult``.
    ValueError
        If it has fewer than two components.
    """
    theta = _params_of(params, "params")
    if theta.n_components < 2:
        raise ValueError(f"separation needs at least 2 components, got K={theta.n_components}")
    k, l = np.triu_indices(theta.n_components, 1)
    spread = np.sqrt((theta.variances[k] + theta.variances[l]) / 2)
    return float(np.min(np.abs(theta.means[k] - theta.means[l]) / spread))


def random_starts(x: object, n_components: int, n_starts: int, *, seed: int) -> list[MixtureParams]:
    r"""Starting points for EM: means drawn from the data, the data's variance, equal weights.

    Each start takes :math:`K` distinct samples at random as the means
    :math:`\mu_k`, the variance of all the data as every :math:`\sigma_k^2`
    and :math:`\pi_k = 1/K`.

    Parameters
    ----------
    x : array_like, shape (N,) or (rows, columns)
        The samples.
    n_components : int
        :math:`K` (>= 1).
    n_starts : int
        How many starts (>= 1).
    seed : int
        Seed of ``numpy.random.default_rng`` (>= 0).

    Returns
    -------
    list of MixtureParams

    Raises
    ------
    TypeError
        If ``x`` is not real numbers or an integer argument is not an integer.
    ValueError
        If ``x`` is not valid data, has fewer than :math:`K` distinct values
        or zero variance, or an integer argument is out of range.
    """
    data = check_data(x).ravel()
    n_components = check_int(n_components, "n_components", minimum=1)
    n_starts = check_int(n_starts, "n_starts", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    values = np.unique(data)
    if values.size < n_components:
        raise ValueError(f"x has {values.size} distinct value(s): too few to start {n_components} components")
    variance = float(data.var())
    if variance == 0:  # only reachable with K == 1, since K >= 2 needs two distinct values
        raise ValueError("x has zero variance: every sample is the same value")
    weights = np.full(n_components, 1.0 / n_components)
    return [
        MixtureParams(means=rng.choice(values, n_components, replace=False), variances=np.full(n_components, variance), weights=weights)
        for _ in range(n_starts)
    ]


FIT_COLUMNS = ("fit", "K", "iterations", "means", "weights", "separation (sd)", "\u0394 log-lik.", "\u0394 BIC")
"""The columns of :func:`fit_table`, in order."""


def fit_table(x: object, fits: Mapping[str, MixtureParams | EMResult], *, columns: Sequence[str] | None = None) -> Table:
    r"""Compare fits: iterations, means, weights, separation, and log-likelihood and BIC against the best.

    Log-likelihoods and BICs of fits to the same data are large numbers that
    differ in the last digits, so the table shows their differences from the
    best row, in the columns headed Δ: :math:`\ell - \max \ell` (0 for the highest log-likelihood,
    negative for the others) and :math:`\mathrm{BIC} - \min \mathrm{BIC}`
    (0 for the preferred model, positive for the others). Both are at each
    fit's final parameters (see :func:`log_likelihood`).

    Parameters
    ----------
    x : array_like
        The samples the fits were made on.
    fits : mapping of str to MixtureParams or EMResult
        One row per entry, in order, e.g. ``{"K=1": one, "K=2": two}``;
        a ``MixtureParams`` (e.g. the true parameters) has no iteration count.
    columns : sequence of str, optional
        Which of :data:`FIT_COLUMNS` to show, in that order (e.g. the ones a
        page discusses, so that the table fits a phone); by default all.

    Returns
    -------
    Table
        Displays as an HTML table in a notebook.

    Raises
    ------
    TypeError
        If ``fits`` is not a mapping, a key is not a string or a value is
        neither a ``MixtureParams`` nor an ``EMResult``.
    ValueError
        If ``fits`` is empty, ``x`` is not valid data, or ``columns`` names
        no column or one that is not in :data:`FIT_COLUMNS`.
    """
    data = check_data(x)
    chosen = FIT_COLUMNS if columns is None else tuple(columns)
    unknown = [name for name in chosen if name not in FIT_COLUMNS]
    if unknown or not chosen:
        raise ValueError(f"columns must be some of {list(FIT_COLUMNS)}, got {list(chosen)}")
    if not isinstance(fits, Mapping):
        raise TypeError(f"fits must be a mapping of names to fits, got {type(fits).__name__}")
    if not fits:
        raise ValueError("fits is empty: nothing to tabulate")
    checked = []
    for name, fit in fits.items():
        if not isinstance(name, str):
            raise TypeError(f"fit names must be strings, got {type(name).__name__}")
        checked.append((name, fit, _params_of(fit, f"fits[{name!r}]")))
    logliks = [log_likelihood(data, theta) for _, _, theta in checked]
    bics = [bic(data, theta) for _, _, theta in checked]
    rows = tuple(
        (
            name,
            str(theta.n_components),
            str(fit.n_iter) if isinstance(fit, EMResult) else "-",
            ", ".join(f"{m:.3g}" for m in theta.means),
            ", ".join(f"{w:.3f}" for w in theta.weights),
            f"{separation(theta):.3f}" if theta.n_components > 1 else "-",
            f"{loglik - max(logliks):.3f}",
            f"{criterion - min(bics):.1f}",
        )
        for (name, fit, theta), loglik, criterion in zip(checked, logliks, bics)
    )
    keep = [FIT_COLUMNS.index(name) for name in chosen]
    return Table(header=tuple(FIT_COLUMNS[i] for i in keep), rows=tuple(tuple(row[i] for i in keep) for row in rows))
