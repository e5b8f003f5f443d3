"""Tests of emlib.book.model_selection against closed forms and scikit-learn, and its validation."""

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.mixture import GaussianMixture

import emlib
from emlib import MixtureParams
from emlib.book.table import Table
from emlib.book.model_selection import (
    bic,
    fit_table,
    log_likelihood,
    n_parameters,
    random_starts,
    separation,
)

TWO = MixtureParams(means=[0.0, 3.0], variances=[1.0, 4.0], weights=[0.3, 0.7])


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    return emlib.sample(TWO, (10, 30), seed=5)


@pytest.mark.parametrize(("k", "p"), [(1, 2), (2, 5), (5, 14)])
def test_n_parameters(k, p):
    assert n_parameters(k) == p


@pytest.mark.parametrize(("k", "error"), [(0, ValueError), (1.0, TypeError), (True, TypeError)])
def test_n_parameters_validates(k, error):
    with pytest.raises(error, match="n_components"):
        n_parameters(k)


def test_log_likelihood_matches_the_formula(data):
    densities = TWO.weights * norm.pdf(data.reshape(-1, 1), TWO.means, np.sqrt(TWO.variances))
    assert log_likelihood(data, TWO) == pytest.approx(np.log(densities.sum(axis=1)).sum(), rel=1e-12)


def test_log_likelihood_is_finite_far_from_the_data(data):
    far = MixtureParams(means=[-1e6, 1e6], variances=[1.0, 1.0], weights=[0.5, 0.5])
    assert np.isfinite(log_likelihood(data, far))


def test_log_likelihood_of_a_result_uses_its_final_params(data, small_start):
    result = emlib.em_vectorized(data, small_start, tol=0, max_iter=3)
    assert log_likelihood(data, result) == log_likelihood(data, result.params)
    assert log_likelihood(data, result) > result.log_likelihood[-1]  # EM went uphill in the last step


def test_bic_matches_scikit_learn(data):
    model = GaussianMixture(2, reg_covar=0.0, tol=1e-12, max_iter=2000, random_state=0).fit(data.reshape(-1, 1))
    fitted = MixtureParams(
        means=model.means_.ravel(), variances=model.covariances_.ravel(), weights=model.weights_ / model.weights_.sum()
    )
    assert bic(data, fitted) == pytest.approx(model.bic(data.reshape(-1, 1)), rel=1e-9)


def test_bic_is_the_formula(data):
    expected = 5 * np.log(data.size) - 2 * log_likelihood(data, TWO)
    assert bic(data, TWO) == pytest.approx(expected)


def test_bic_prefers_one_component_for_one_gaussian():
    x = emlib.sample(MixtureParams(means=[0.0], variances=[1.0], weights=[1.0]), 2000, seed=1)
    one = emlib.em_vectorized(x, MixtureParams(means=[0.5], variances=[2.0], weights=[1.0]), tol=1e-10, stop="loglik")
    two = emlib.em_vectorized(x, random_starts(x, 2, 1, seed=0)[0], tol=1e-10, stop="loglik", max_iter=5000)
    assert log_likelihood(x, two) >= log_likelihood(x, one)  # more components never fit worse ...
    assert bic(x, one) < bic(x, two)  # ... but BIC charges for them


@pytest.mark.parametrize("function", [log_likelihood, bic])
@pytest.mark.parametrize(
    ("x", "params", "error", "message"),
    [
        ([1.0, 2.0], "theta", TypeError, "params must be a MixtureParams or an EMResult"),
        ([1.0, np.nan], TWO, ValueError, "x must be finite"),
        ([], TWO, ValueError, "x is empty"),
        (None, TWO, TypeError, "x must be an array of real numbers"),
    ],
)
def test_likelihood_and_bic_validate(function, x, params, error, message):
    with pytest.raises(error, match=message):
        function(x, params)


def test_separation_in_standard_deviations():
    params = MixtureParams(means=[0.0, 1.0, 5.0], variances=[1.0, 3.0, 1.0], weights=[0.2, 0.3, 0.5])
    assert separation(params) == pytest.approx(1 / np.sqrt(2))  # the pair (0, 1), spread sqrt((1 + 3)/2)
    assert separation(emlib.SEED_PROBLEM.true) == pytest.approx(2e-5 / np.sqrt(9.5e-7))


def test_separation_validates():
    with pytest.raises(ValueError, match="at least 2 components"):
        separation(MixtureParams(means=[0.0], variances=[1.0], weights=[1.0]))
    with pytest.raises(TypeError, match="MixtureParams or an EMResult"):
        separation([0.0, 1.0])


def test_random_starts_draw_distinct_means_from_the_data(data):
    starts = random_starts(data, 3, 4, seed=2)
    assert len(starts) == 4
    for start in starts:
        assert np.unique(start.means).size == 3
        assert np.isin(start.means, data).all()
        assert np.allclose(start.variances, data.var())
        assert np.allclose(start.weights, 1 / 3)
    assert not np.array_equal(starts[0].means, starts[1].means)
    again = random_starts(data, 3, 4, seed=2)
    assert all(np.array_equal(a.means, b.means) for a, b in zip(starts, again))


@pytest.mark.parametrize(
    ("x", "k", "n", "seed", "error", "message"),
    [
        ([1.0, 1.0, 2.0], 3, 1, 0, ValueError, "2 distinct value"),
        ([1.0, 1.0], 1, 1, 0, ValueError, "zero variance"),
        ([1.0, 2.0], 0, 1, 0, ValueError, "n_components must be >= 1"),
        ([1.0, 2.0], 1, 0, 0, ValueError, "n_starts must be >= 1"),
        ([1.0, 2.0], 1, 1, -1, ValueError, "seed must be >= 0"),
        ([1.0, 2.0], 1, 1, 0.5, TypeError, "seed must be an integer"),
        (["a"], 1, 1, 0, TypeError, "x must be an array of real numbers"),
    ],
)
def test_random_starts_validate(x, k, n, seed, error, message):
    with pytest.raises(error, match=message):
        random_starts(x, k, n, seed=seed)


def test_fit_table_tabulates_each_fit(data, small_start):
    result = emlib.em_vectorized(data, small_start, tol=0, max_iter=4)
    one = MixtureParams(means=[data.mean()], variances=[data.var()], weights=[1.0])
    table = fit_table(data, {"EM": result, "one Gaussian": one})
    assert isinstance(table, Table)
    assert table.header == (
        "fit", "K", "iterations", "means", "weights", "separation (sd)", "\u0394 log-lik.", "\u0394 BIC"
    )
    em_row, one_row = table.rows
    assert em_row[:3] == ("EM", "2", "4")
    assert em_row[3] == ", ".join(f"{m:.3g}" for m in result.params.means)
    assert em_row[5] == f"{separation(result):.3f}"
    assert one_row[:3] == ("one Gaussian", "1", "-") and one_row[5] == "-"
    logliks = [log_likelihood(data, result), log_likelihood(data, one)]
    bics = [bic(data, result), bic(data, one)]
    for row, loglik, criterion in zip(table.rows, logliks, bics):
        assert row[6] == f"{loglik - max(logliks):.3f}"
        assert row[7] == f"{criterion - min(bics):.1f}"
    assert {em_row[6], one_row[6]} >= {"0.000"} and {em_row[7], one_row[7]} >= {"0.0"}  # the best is 0


@pytest.mark.parametrize(
    ("fits", "error", "message"),
    [
        ({}, ValueError, "fits is empty"),
        ([TWO], TypeError, "fits must be a mapping"),
        ({1: TWO}, TypeError, "fit names must be strings"),
        ({"a": "b"}, TypeError, r"fits\['a'\] must be a MixtureParams"),
    ],
)
def test_fit_table_validates(data, fits, error, message):
    with pytest.raises(error, match=message):
        fit_table(data, fits)


def test_fit_table_shows_the_chosen_columns_in_their_order(data, small_start):
    result = emlib.em_vectorized(data, small_start, tol=0, max_iter=4)
    full = fit_table(data, {"EM": result})
    narrow = fit_table(data, {"EM": result}, columns=["fit", "iterations", "\u0394 BIC"])
    assert narrow.header == ("fit", "iterations", "\u0394 BIC")
    assert narrow.rows == ((full.rows[0][0], full.rows[0][2], full.rows[0][7]),)


@pytest.mark.parametrize("columns", [[], ["fit", "colour"]])
def test_fit_table_refuses_unknown_columns(data, columns):
    with pytest.raises(ValueError, match="columns must be some of"):
        fit_table(data, {"truth": TWO}, columns=columns)
