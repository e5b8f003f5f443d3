"""Data far from zero: centering keeps the variances' digits; the uncentred one-pass variance loses them.

The scikit-learn half of this file is what chapter 6 quotes about
``GaussianMixture(covariance_type="diag")``; see the numbers with
``python -m pytest tests/test_far_from_zero.py -v -s``.
"""

import warnings

import numpy as np
import pytest

import emlib
from emlib.book.far_from_zero import ALL_DIGITS, far_from_zero_table, offset_data, variance_digits
from emlib.vectorized_steps import em_uncentred


def test_offset_data_moves_the_same_samples():
    near, start_near = offset_data(0.0)
    far, start_far = offset_data(1e6)
    assert np.allclose(far - 1e6, near, rtol=0, atol=1e-9)
    assert np.array_equal(start_far.means - 1e6, start_near.means)


def test_exact_variances_keep_every_digit():
    x, start = offset_data(0.0)
    exact = emlib.em_vectorized(x, start, tol=0, max_iter=5).params.variances
    assert variance_digits(exact, 0.0) == ALL_DIGITS
    assert variance_digits(exact * (1 + 1e-3), 0.0) == pytest.approx(3.0, abs=0.01)


@pytest.mark.parametrize(("offset", "digits"), [(1e6, 10), (1e8, 7)])
def test_em_vectorized_keeps_the_digits(offset, digits):
    x, start = offset_data(offset)
    variances = emlib.em_vectorized(x, start, tol=0, max_iter=5).params.variances
    assert variance_digits(variances, offset) >= digits


def test_the_uncentred_one_pass_variance_loses_digits_then_breaks_down():
    x, start = offset_data(1e6)
    assert variance_digits(em_uncentred(x, start, tol=0, max_iter=5).params.variances, 1e6) < 4
    x, start = offset_data(1e8)
    with pytest.raises(ValueError, match="broke down"):
        em_uncentred(x, start, tol=0, max_iter=5)


def test_table_reports_digits_and_breakdowns():
    table = far_from_zero_table({"uncentred": em_uncentred, "em_vectorized": emlib.em_vectorized}, [1e6, 1e8], n_samples=2000)
    assert table.header == ("offset", "uncentred", "em_vectorized")
    assert [row[0] for row in table.rows] == ["1e+06", "1e+08"]
    assert table.rows[1][1] == "breaks down"
    assert float(table.rows[1][2]) >= 7


def sklearn_variances(offset: float) -> np.ndarray:
    """scikit-learn's diagonal GaussianMixture, 5 iterations from the book's start, no regularisation."""
    mixture = pytest.importorskip("sklearn.mixture")
    x, start = offset_data(offset)
    model = mixture.GaussianMixture(
        n_components=2,
        covariance_type="diag",
        max_iter=5,
        tol=0,
        reg_covar=0,
        weights_init=start.weights,
        means_init=start.means[:, np.newaxis],
        precisions_init=1 / start.variances[:, np.newaxis],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "did not converge": 5 iterations is the experiment
        model.fit(x[:, np.newaxis])
    assert model.n_iter_ == 5
    return model.covariances_.ravel()


def test_sklearn_computes_the_same_fit_near_zero():
    x, start = offset_data(0.0)
    ours = emlib.em_vectorized(x, start, tol=0, max_iter=5).params.variances
    assert np.allclose(sklearn_variances(0.0), ours, rtol=1e-12, atol=0)


def test_sklearn_loses_digits_at_1e6_and_fails_at_1e8():
    variances = sklearn_variances(1e6)
    digits = variance_digits(variances, 1e6)
    print(f"\nscikit-learn at offset 1e6: variances {variances}, {digits:.1f} digits right")
    assert digits < 4
    with pytest.raises(ValueError, match="ill-defined empirical covariance") as caught:
        sklearn_variances(1e8)
    print(f"scikit-learn at offset 1e8: {str(caught.value)[:80]}...")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: offset_data(float("nan")), ValueError, "offset must be one finite number"),
        (lambda: offset_data("far"), TypeError, "offset"),
        (lambda: offset_data(1.0, n_samples=1), ValueError, "n_samples"),
        (lambda: variance_digits([1.0], 0.0), ValueError, "2 variances"),
        (lambda: far_from_zero_table({}, [1.0]), ValueError, "empty"),
        (lambda: far_from_zero_table({"a": 3}, [1.0]), TypeError, "callables"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
