"""emlib.broadcast's row-by-row E-step (the answer's) computes what the whole-grid E-step does."""

import numpy as np
import pytest
from scipy import stats

import emlib
from emlib import SEED_PROBLEM, MixtureParams, broadcast


def test_row_by_row_e_step_matches_the_whole_grid(small_data, small_start):
    by_row, loglik_by_row = broadcast.e_step_by_row(small_data, small_start)
    whole, loglik_whole = broadcast.e_step(small_data, small_start)
    assert by_row.shape == whole.shape == (*small_data.shape, small_start.n_components)
    assert np.allclose(by_row, whole, rtol=1e-12, atol=0)
    assert np.isclose(loglik_by_row, loglik_whole, rtol=1e-12, atol=0)


def test_norm_pdf_runs_once_per_row_and_component(small_data, small_start, monkeypatch):
    calls = []
    real_pdf = stats.norm.pdf

    def counting_pdf(*args, **kwargs):
        calls.append(np.shape(args[0]))
        return real_pdf(*args, **kwargs)

    monkeypatch.setattr(broadcast.norm, "pdf", counting_pdf)
    broadcast.e_step_by_row(small_data, small_start)
    rows, columns = small_data.shape
    assert calls == [(columns,)] * (rows * small_start.n_components)


def test_em_answer_agrees_with_em_broadcast_on_the_question():
    x = emlib.sample(SEED_PROBLEM.true, SEED_PROBLEM.shape, seed=2019)
    answer = broadcast.em_answer(x, SEED_PROBLEM.start, tol=SEED_PROBLEM.tol)
    book = emlib.em_broadcast(x, SEED_PROBLEM.start, tol=SEED_PROBLEM.tol)
    assert answer.n_iter == book.n_iter
    assert np.allclose(answer.params.as_array(), book.params.as_array(), rtol=1e-9, atol=0)
    assert np.allclose(answer.log_likelihood, book.log_likelihood, rtol=1e-9, atol=0)


@pytest.mark.parametrize("k", [1, 3])
def test_em_answer_agrees_for_other_k(k):
    truth = MixtureParams(means=np.linspace(-4, 4, k), variances=np.ones(k), weights=np.full(k, 1 / k))
    x = emlib.sample(truth, (3, 40), seed=5)
    answer = broadcast.em_answer(x, truth, tol=0, max_iter=4)
    book = emlib.em_broadcast(x, truth, tol=0, max_iter=4)
    assert np.allclose(answer.params.as_array(), book.params.as_array(), rtol=1e-9, atol=0)


def test_em_answer_refuses_bad_input_like_every_fitter(small_start):
    with pytest.raises(ValueError):
        broadcast.em_answer(np.array([[1.0, np.nan]]), small_start)
