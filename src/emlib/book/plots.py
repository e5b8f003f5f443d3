"""The book's figures: the data with the model, EM's path, and how run time grows.

Every function validates its input, draws one new figure and returns it; the
notebook that calls it shows it. Nothing here computes a result the book
relies on, except :func:`em_path`, which records the iterates a trajectory
figure draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy.stats import norm

from emlib.driver import EMResult
from emlib.params import MixtureParams
from emlib.timing import growth_exponent
from emlib.validation import as_real_array, check_data, check_int, check_mixture, check_positive_real

X_LABEL = "sample value $x$ (units of the data)"


def _check_title(title: object) -> str:
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    if not title.strip():
        raise ValueError("title must not be empty: every figure has a title")
    return title


def data_and_densities(
    x: object, params: MixtureParams, *, bins: int = 60, title: str = "The data and the mixture it is drawn from"
) -> Figure:
    r"""Histogram of the samples with each weighted component density and their sum.

    Draws :math:`\pi_k \mathcal{N}(x \mid \mu_k, \sigma_k^2)` for every
    :math:`k` and the mixture :math:`p(x) = \sum_k \pi_k \mathcal{N}(x \mid \mu_k, \sigma_k^2)`
    over a density-normalised histogram of :math:`x_i`.

    Parameters
    ----------
    x : array_like, shape (N,) or (rows, columns)
        The samples (flattened for the histogram).
    params : MixtureParams
        The mixture whose densities are drawn, e.g. the true parameters.
    bins : int, default 60
        Histogram bins (>= 1).
    title : str
        The figure's title (not empty).

    Returns
    -------
    matplotlib.figure.Figure
        One axes: a histogram, then ``K`` component lines, then the mixture line.

    Raises
    ------
    TypeError
        If ``x`` is not real numbers, ``params`` is not a ``MixtureParams``,
        ``bins`` is not an integer or ``title`` not a string.
    ValueError
        If ``x`` is empty, not finite or more than 2-D, ``bins`` < 1, or ``title`` is empty.
    """
    data = check_data(x).ravel()
    params = check_mixture(params, "params")
    bins = check_int(bins, "bins", minimum=1)
    title = _check_title(title)
    sds = np.sqrt(params.variances)
    low = min(data.min(), float(np.min(params.means - 4 * sds)))
    high = max(data.max(), float(np.max(params.means + 4 * sds)))
    grid = np.linspace(low, high, 400)
    components = params.weights[:, np.newaxis] * norm.pdf(grid, params.means[:, np.newaxis], sds[:, np.newaxis])

    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    ax.hist(data, bins=bins, density=True, color="0.85", edgecolor="0.6", label=f"data, $N$ = {data.size:,}")
    styles = ["--", ":", "-.", (0, (5, 1, 1, 1))]
    for k, density in enumerate(components):
        ax.plot(
            grid,
            density,
            linestyle=styles[k % len(styles)],
            linewidth=2,
            label=f"$\\pi_{k + 1}\\,\\mathcal{{N}}(x \\mid \\mu_{k + 1}, \\sigma_{k + 1}^2)$, "
            f"$\\mu_{k + 1}$ = {params.means[k]:.3g}",
        )
    ax.plot(grid, components.sum(axis=0), color="black", linewidth=1.5, label="mixture $p(x)$")
    ax.set_title(title)
    ax.set_xlabel(X_LABEL)
    ax.set_ylabel("probability density (1 / units of $x$)")
    ax.legend(loc="upper right", fontsize="small")
    return fig


@dataclass(frozen=True)
class EMPath:
    r"""The parameters EM visits, and the log-likelihood at each.

    Attributes
    ----------
    params : tuple of MixtureParams, length T + 1
        :math:`\theta^{(0)}` (the start) to :math:`\theta^{(T)}`.
    log_likelihood : numpy.ndarray, shape (T + 1,)
        :math:`\ell(\theta^{(t)})` for every entry of ``params``.
    """

    params: tuple[MixtureParams, ...]
    log_likelihood: np.ndarray

    @property
    def means(self) -> np.ndarray:
        r""":math:`\mu_k^{(t)}`, shape ``(T + 1, K)``."""
        return np.array([p.means for p in self.params])


def em_path(fit: Callable[..., EMResult], x: object, init: MixtureParams, n_iter: int) -> EMPath:
    r"""Run ``n_iter`` EM iterations one at a time and record every iterate.

    EM's next parameters depend only on the data and the current parameters,
    so chaining ``fit(x, theta, tol=0, max_iter=1)`` calls visits exactly the
    parameters one ``fit(x, init, tol=0, max_iter=n_iter)`` call does. One
    more call gives :math:`\ell(\theta^{(T)})`.

    Parameters
    ----------
    fit : callable
        One of the fitters, e.g. :func:`emlib.em_vectorized`.
    x : array_like
        The samples.
    init : MixtureParams
        :math:`\theta^{(0)}`.
    n_iter : int
        :math:`T`, iterations to run (>= 1).

    Returns
    -------
    EMPath

    Raises
    ------
    TypeError
        If ``fit`` is not callable, ``init`` is not a ``MixtureParams`` or
        ``n_iter`` is not an integer (bad ``x`` raises from the fitter).
    ValueError
        If ``n_iter`` < 1.
    """
    if not callable(fit):
        raise TypeError(f"fit must be callable, got {type(fit).__name__}")
    params = check_mixture(init, "init")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    visited, log_likelihood = [params], []
    for step in range(n_iter + 1):
        result = fit(x, params, tol=0, max_iter=1)
        log_likelihood.append(float(result.log_likelihood[0]))
        if step < n_iter:
            params = result.params
            visited.append(params)
    return EMPath(params=tuple(visited), log_likelihood=np.array(log_likelihood))


def em_trajectory(
    path: EMPath, *, true: MixtureParams | None = None, title: str = "EM's estimates over the iterations"
) -> Figure:
    r"""Two panels: the means :math:`\mu_k^{(t)}` over iterations, and what each iteration gains.

    The right panel plots :math:`\ell(\theta^{(t)}) - \ell(\theta^{(t-1)})`
    on a log axis. EM never lowers the log-likelihood, so every gain is
    :math:`\ge 0`; gains that are 0 to rounding are left out (a log axis
    cannot show them).

    Parameters
    ----------
    path : EMPath
        From :func:`em_path`.
    true : MixtureParams, optional
        Drawn as dashed horizontal lines on the left panel.
    title : str
        The figure's title (not empty).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: ``K`` mean lines (plus ``K`` dashed true means), and one gain line.

    Raises
    ------
    TypeError
        If ``path`` is not an ``EMPath``, ``true`` is not a ``MixtureParams``
        or ``title`` not a string.
    ValueError
        If ``true`` has a different number of components from the path, the
        path has fewer than two iterates, or ``title`` is empty.
    """
    if not isinstance(path, EMPath):
        raise TypeError(f"path must be an EMPath (see em_path), got {type(path).__name__}")
    if len(path.params) < 2:
        raise ValueError(f"path must hold at least two iterates, got {len(path.params)}")
    title = _check_title(title)
    means = path.means
    if true is not None:
        check_mixture(true, "true")
        if true.n_components != means.shape[1]:
            raise ValueError(f"true has {true.n_components} components, the path has {means.shape[1]}")
    iterations = np.arange(len(path.params))

    # Stacked, not side by side: each panel keeps the page's full width, also on a phone.
    fig, (left, right) = plt.subplots(2, 1, figsize=(7, 7), layout="constrained")
    for k in range(means.shape[1]):
        (line,) = left.plot(iterations, means[:, k], marker=".", label=f"$\\mu_{k + 1}^{{(t)}}$")
        if true is not None:
            left.axhline(true.means[k], color=line.get_color(), linestyle="--", linewidth=1, label=f"true $\\mu_{k + 1}$")
    left.set_title("Component means")
    left.set_xlabel("iteration $t$")
    left.set_ylabel("mean $\\mu_k$ (units of $x$)")
    left.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))

    gain = np.diff(path.log_likelihood)
    shown = gain > 0  # steps that agree to rounding have no place on a log axis
    right.semilogy(iterations[1:][shown], gain[shown], marker=".", color="black")
    right.set_title("Log-likelihood gained by each iteration")
    right.set_xlabel("iteration $t$")
    right.set_ylabel("$\\ell(\\theta^{(t)}) - \\ell(\\theta^{(t-1)})$ (nats)")
    fig.suptitle(title)
    return fig


Series = tuple[object, object]
"""``(sizes, seconds)``: problem sizes :math:`N` and the times measured at them."""


def scaling(
    series: Mapping[str, Series],
    *,
    extend_to: float | None = None,
    marks: Sequence[tuple[float, float, str]] = (),
    title: str = "Time per EM iteration against the number of samples",
) -> Figure:
    """Log-log plot of measured times with a fitted power law :math:`t = c N^b` per series.

    Parameters
    ----------
    series : mapping of str to (sizes, seconds)
        One entry per version, e.g. ``{"em_original": (sizes, seconds)}``;
        each needs at least two distinct sizes (see
        :func:`emlib.timing.growth_exponent`).
    extend_to : float, optional
        Draw each fitted line on to this size (dotted beyond the measurements):
        the extrapolation.
    marks : sequence of (size, seconds, label)
        Single points to compare against, e.g. a time someone reported.
    title : str
        The figure's title (not empty).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with log scales: per series a marker line of measurements and a
        fitted line labelled with its exponent :math:`b`, then one marker per mark.

    Raises
    ------
    TypeError
        If ``series`` is not a mapping with string keys, ``extend_to`` is not a
        number, a mark is not ``(number, number, str)``, or ``title`` not a string.
    ValueError
        If ``series`` is empty, a series fails :func:`~emlib.timing.growth_exponent`'s
        checks, ``extend_to`` or a mark's numbers are not finite and > 0, or
        ``title`` is empty.
    """
    if not isinstance(series, Mapping):
        raise TypeError(f"series must be a mapping of name -> (sizes, seconds), got {type(series).__name__}")
    if not series:
        raise ValueError("series is empty: give at least one (sizes, seconds) pair")
    title = _check_title(title)
    fits = {}
    for name, pair in series.items():
        if not isinstance(name, str):
            raise TypeError(f"series names must be strings, got {type(name).__name__}")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"series[{name!r}] must be a (sizes, seconds) pair")
        sizes, seconds = as_real_array(pair[0], "sizes"), as_real_array(pair[1], "seconds")
        fits[name] = (sizes, seconds, *growth_exponent(sizes, seconds))
    if extend_to is not None:
        extend_to = check_positive_real(extend_to, "extend_to")
    checked_marks = []
    for mark in marks:
        if not isinstance(mark, (tuple, list)) or len(mark) != 3 or not isinstance(mark[2], str):
            raise TypeError(f"each mark must be (size, seconds, label), got {mark!r}")
        checked_marks.append((check_positive_real(mark[0], "mark size"), check_positive_real(mark[1], "mark seconds"), mark[2]))

    fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    for name, (sizes, seconds, exponent, prefactor) in fits.items():
        (line,) = ax.loglog(sizes, seconds, marker="o", linestyle="none", label=f"{name}, measured")
        low, high = sizes.min(), sizes.max()
        grid = np.geomspace(low, high, 50)
        ax.loglog(grid, prefactor * grid**exponent, color=line.get_color(), label=f"{name}, fit $t \\propto N^{{{exponent:.2f}}}$")
        if extend_to is not None and extend_to > high:
            beyond = np.geomspace(high, extend_to, 50)
            ax.loglog(beyond, prefactor * beyond**exponent, color=line.get_color(), linestyle=":")
    markers = ["*", "D", "s", "^", "v", "P"]
    for i, (size, seconds, label) in enumerate(checked_marks):
        ax.loglog([size], [seconds], marker=markers[i % len(markers)], markersize=10, linestyle="none", label=label)
    ax.set_title(title)
    ax.set_xlabel("number of samples $N$")
    ax.set_ylabel("time per EM iteration (s)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return fig


@dataclass(frozen=True)
class DescribedFigure:
    """A figure shown with alt text written from its data (create it with :func:`with_alt_text`).

    A notebook shows it as an inline SVG image whose accessible name is
    ``alt``, so the text can come from the numbers the figure draws instead
    of being written once by hand and going stale.
    """

    figure: Figure
    alt: str

    def _repr_html_(self) -> str:
        import html
        import io

        buffer = io.StringIO()
        self.figure.savefig(buffer, format="svg", bbox_inches="tight")
        svg = buffer.getvalue()
        svg = svg[svg.index("<svg"):]  # drop the XML prologue and doctype
        label = html.escape(self.alt, quote=True)
        svg = svg.replace(
            "<svg", f'<svg role="img" aria-label="{label}" style="max-width: 100%; height: auto"', 1
        )
        return svg.replace(">", f"><title>{html.escape(self.alt, quote=False)}</title>", 1)


def with_alt_text(figure: Figure, alt: str) -> DescribedFigure:
    """``figure``, to be shown with ``alt`` as its text alternative.

    Raises
    ------
    TypeError
        If ``figure`` is not a matplotlib Figure or ``alt`` not a string.
    ValueError
        If ``alt`` is empty.
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a string, got {type(alt).__name__}")
    if not alt.strip():
        raise ValueError("alt must not be empty: describe what the figure shows")
    plt.close(figure)  # shown once, by the DescribedFigure
    return DescribedFigure(figure=figure, alt=alt)
