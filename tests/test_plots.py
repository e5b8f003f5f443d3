"""Tests of emlib.book.plots: what each figure contains (lines, titles, labels), not its pixels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import emlib  # noqa: E402
from emlib import MixtureParams  # noqa: E402
from emlib.book import plots  # noqa: E402

TRUE = MixtureParams(means=[0.0, 2.0], variances=[0.5, 0.5], weights=[0.5, 0.5])
START = MixtureParams(means=[-1.0, 1.0], variances=[0.2, 0.2], weights=[0.5, 0.5])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    return emlib.sample(TRUE, 400, seed=3)


# data_and_densities


def test_data_figure_has_histogram_components_and_mixture(data):
    fig = plots.data_and_densities(data, TRUE, bins=20)
    (ax,) = fig.axes
    assert len(ax.patches) == 20  # the histogram's bars
    lines = ax.get_lines()
    assert len(lines) == TRUE.n_components + 1
    components = np.array([line.get_ydata() for line in lines[:-1]])
    assert np.allclose(components.sum(axis=0), lines[-1].get_ydata())  # the mixture is their sum
    assert ax.get_title() == "The data and the mixture it is drawn from"
    assert ax.get_xlabel() == plots.X_LABEL
    assert "density" in ax.get_ylabel()
    assert len(ax.get_legend().get_texts()) == TRUE.n_components + 2


def test_component_density_peaks_at_weight_over_sd(data):
    fig = plots.data_and_densities(data, TRUE)
    first = fig.axes[0].get_lines()[0]
    peak = TRUE.weights[0] / np.sqrt(2 * np.pi * TRUE.variances[0])
    assert first.get_ydata().max() == pytest.approx(peak, rel=1e-3)


def test_data_figure_takes_a_title_and_2d_data(data):
    fig = plots.data_and_densities(data.reshape(20, 20), TRUE, title="Question's data")
    assert fig.axes[0].get_title() == "Question's data"


@pytest.mark.parametrize(
    ("x", "params", "kwargs", "error", "message"),
    [
        ("abc", TRUE, {}, TypeError, "x must be an array of real numbers"),
        ([], TRUE, {}, ValueError, "x is empty"),
        ([1.0, np.nan], TRUE, {}, ValueError, "x must be finite"),
        ([1.0, 2.0], "params", {}, TypeError, "params must be a MixtureParams"),
        ([1.0, 2.0], TRUE, {"bins": 0}, ValueError, "bins must be >= 1"),
        ([1.0, 2.0], TRUE, {"bins": 2.5}, TypeError, "bins must be an integer"),
        ([1.0, 2.0], TRUE, {"title": None}, TypeError, "title must be a string"),
        ([1.0, 2.0], TRUE, {"title": "  "}, ValueError, "title must not be empty"),
    ],
)
def test_data_figure_validates(x, params, kwargs, error, message):
    with pytest.raises(error, match=message):
        plots.data_and_densities(x, params, **kwargs)


# em_path and em_trajectory


def test_em_path_matches_one_long_fit(data):
    path = plots.em_path(emlib.em_vectorized, data, START, 15)
    assert len(path.params) == 16
    assert path.params[0] == START
    fit = emlib.em_vectorized(data, START, tol=0, max_iter=15)
    assert np.allclose(path.params[-1].as_array(), fit.params.as_array(), rtol=1e-12, atol=0)
    assert np.allclose(path.log_likelihood[:-1], fit.log_likelihood, rtol=1e-12, atol=0)
    assert path.means.shape == (16, 2)
    assert np.all(np.diff(path.log_likelihood) >= -1e-9)  # EM never lowers the log-likelihood


@pytest.mark.parametrize(
    ("fit", "init", "n_iter", "error", "message"),
    [
        ("em_vectorized", START, 3, TypeError, "fit must be callable"),
        (emlib.em_vectorized, START.as_array(), 3, TypeError, "init must be a MixtureParams"),
        (emlib.em_vectorized, START, 0, ValueError, "n_iter must be >= 1"),
        (emlib.em_vectorized, START, 2.0, TypeError, "n_iter must be an integer"),
    ],
)
def test_em_path_validates(data, fit, init, n_iter, error, message):
    with pytest.raises(error, match=message):
        plots.em_path(fit, data, init, n_iter)


def test_trajectory_draws_means_truth_and_gains(data):
    path = plots.em_path(emlib.em_vectorized, data, START, 10)
    fig = plots.em_trajectory(path, true=TRUE, title="A path")
    left, right = fig.axes
    assert fig._suptitle.get_text() == "A path"
    assert len(left.get_lines()) == 2 * TRUE.n_components  # estimates, then dashed truths
    assert np.allclose(left.get_lines()[0].get_ydata(), path.means[:, 0])
    assert [line.get_ydata()[0] for line in left.get_lines()[1::2]] == pytest.approx(TRUE.means.tolist())
    assert left.get_xlabel() == "iteration $t$"
    assert "units of $x$" in left.get_ylabel()
    (gains,) = right.get_lines()
    assert right.get_yscale() == "log"
    assert np.all(gains.get_ydata() > 0)
    assert set(gains.get_xdata()) <= set(range(1, 11))
    assert "nats" in right.get_ylabel()
    assert left.get_title() and right.get_title()


def test_trajectory_without_truth_has_only_estimates(data):
    fig = plots.em_trajectory(plots.em_path(emlib.em_vectorized, data, START, 2))
    assert len(fig.axes[0].get_lines()) == 2


def test_trajectory_validates(data):
    path = plots.em_path(emlib.em_vectorized, data, START, 2)
    three = MixtureParams(means=[0, 1, 2], variances=[1, 1, 1], weights=[0.2, 0.3, 0.5])
    with pytest.raises(TypeError, match="path must be an EMPath"):
        plots.em_trajectory(path.params)
    with pytest.raises(TypeError, match="true must be a MixtureParams"):
        plots.em_trajectory(path, true=[0.0, 2.0])
    with pytest.raises(ValueError, match="true has 3 components, the path has 2"):
        plots.em_trajectory(path, true=three)
    with pytest.raises(ValueError, match="at least two iterates"):
        plots.em_trajectory(plots.EMPath(params=(START,), log_likelihood=np.zeros(1)))
    with pytest.raises(ValueError, match="title must not be empty"):
        plots.em_trajectory(path, title="")


# scaling

SIZES = [100, 200, 400, 800]
QUADRATIC = [1e-6 * n**2 for n in SIZES]


def test_scaling_fits_the_exponent_and_extends_the_line():
    fig = plots.scaling({"loops": (SIZES, QUADRATIC)}, extend_to=25_500, marks=[(25_500, 27.0, "reported")])
    (ax,) = fig.axes
    measured, fitted, extended, mark = ax.get_lines()
    assert np.allclose(measured.get_xdata(), SIZES)
    assert fitted.get_label() == "loops, fit $t \\propto N^{2.00}$"
    assert extended.get_xdata()[-1] == pytest.approx(25_500)
    assert extended.get_ydata()[-1] == pytest.approx(1e-6 * 25_500**2, rel=1e-6)
    assert extended.get_linestyle() == ":"
    assert mark.get_label() == "reported"
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlabel() == "number of samples $N$"
    assert ax.get_ylabel() == "time per EM iteration (s)"
    assert ax.get_title()


def test_scaling_draws_one_fit_per_series_without_extension():
    fig = plots.scaling({"a": (SIZES, QUADRATIC), "b": (SIZES, [1e-4 * n for n in SIZES])}, title="Two")
    (ax,) = fig.axes
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["a, measured", "a, fit $t \\propto N^{2.00}$", "b, measured", "b, fit $t \\propto N^{1.00}$"]
    assert ax.get_title() == "Two"


@pytest.mark.parametrize(
    ("series", "kwargs", "error", "message"),
    [
        ([(SIZES, QUADRATIC)], {}, TypeError, "series must be a mapping"),
        ({}, {}, ValueError, "series is empty"),
        ({1: (SIZES, QUADRATIC)}, {}, TypeError, "series names must be strings"),
        ({"a": SIZES}, {}, TypeError, r"series\['a'\] must be a \(sizes, seconds\) pair"),
        ({"a": ([100, 100], [1.0, 2.0])}, {}, ValueError, "at least two distinct sizes"),
        ({"a": (SIZES, [1.0, -1.0, 1.0, 1.0])}, {}, ValueError, "seconds must be finite and > 0"),
        ({"a": (SIZES, QUADRATIC)}, {"extend_to": "far"}, TypeError, "extend_to must be a real number"),
        ({"a": (SIZES, QUADRATIC)}, {"extend_to": 0}, ValueError, "extend_to must be finite and > 0"),
        ({"a": (SIZES, QUADRATIC)}, {"marks": [(1, 2)]}, TypeError, "each mark must be"),
        ({"a": (SIZES, QUADRATIC)}, {"marks": [(1, np.inf, "x")]}, ValueError, "mark seconds must be finite"),
        ({"a": (SIZES, QUADRATIC)}, {"title": 3}, TypeError, "title must be a string"),
    ],
)
def test_scaling_validates(series, kwargs, error, message):
    with pytest.raises(error, match=message):
        plots.scaling(series, **kwargs)


# with_alt_text


def test_with_alt_text_shows_an_svg_named_by_its_alt_text():
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    shown = plots.with_alt_text(fig, 'Two points & a "line"')
    html = shown._repr_html_()
    assert html.startswith("<svg ")
    assert 'role="img"' in html and 'aria-label="Two points &amp; a &quot;line&quot;"' in html
    assert "<title>Two points &amp; a \"line\"</title>" in html


@pytest.mark.parametrize("figure, alt, error", [("fig", "text", TypeError), (None, 3, TypeError), (None, "  ", ValueError)])
def test_with_alt_text_refuses_bad_arguments(figure, alt, error):
    with pytest.raises(error):
        plots.with_alt_text(plt.figure() if figure is None else figure, alt)
