"""emlib.vectorized: the readable functions, the block-by-block fast path, and that they agree."""

import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import norm

import emlib
from emlib import SEED_PROBLEM, MixtureParams, vectorized
from emlib.bench import peak_extra_bytes
from emlib.driver import run_em

TRUTH = MixtureParams(means=[-2.0, 3.0, 7.0], variances=[1.0, 0.5, 2.0], weights=[0.3, 0.5, 0.2])
START = MixtureParams(means=[-1.0, 1.0, 5.0], variances=[2.0, 2.0, 2.0], weights=[0.3, 0.4, 0.3])
FAR = MixtureParams(means=[-1e6, 1e6], variances=[1.0, 1.0], weights=[0.5, 0.5])


@pytest.fixture
def x() -> np.ndarray:
    return emlib.sample(TRUTH, 3_000, seed=1)


def readable_fit(x, init, **options):
    """The whole-array functions under the shared driver: what the fast path must reproduce."""
    return run_em(x, init, prepare=vectorized.flatten, e_step=vectorized.e_step, m_step=vectorized.m_step, **options)


def count_sweeps(monkeypatch):
    """Record every call of ``sweep``: whether it took the squares about new means."""
    calls = []
    original = vectorized.sweep

    def spy(blocks, params, about=None):
        calls.append(about is not None)
        return original(blocks, params, about)

    monkeypatch.setattr(vectorized, "sweep", spy)
    return calls


# --- the readable functions -------------------------------------------------------------------


def test_log_weighted_densities_are_log_weight_plus_log_pdf(x):
    table = vectorized.log_weighted_densities(x, START)
    expected = np.log(START.weights)[:, None] + norm.logpdf(x, START.means[:, None], np.sqrt(START.variances)[:, None])
    assert table.shape == (3, x.size)
    assert np.allclose(table, expected, rtol=1e-12, atol=1e-12)


def test_log_weighted_densities_keep_their_digits_far_from_zero(x):
    """Centering: data near 1e6 give the same table as the same data near 0."""
    shifted = MixtureParams(START.means + 1e6, START.variances, START.weights)
    assert np.allclose(vectorized.log_weighted_densities(x + 1e6, shifted),
                       vectorized.log_weighted_densities(x, START), rtol=0, atol=1e-8)


def test_e_step_gives_responsibilities_and_the_log_likelihood(x):
    gamma, loglik = vectorized.e_step(x, START)
    table = vectorized.log_weighted_densities(x, START)
    assert gamma.shape == (3, x.size)
    assert np.allclose(gamma.sum(axis=0), 1.0, rtol=0, atol=1e-14)
    assert np.allclose(gamma, np.exp(table - logsumexp(table, axis=0)), rtol=1e-12, atol=1e-300)
    assert loglik == pytest.approx(logsumexp(table, axis=0).sum(), rel=1e-13)
    assert isinstance(loglik, float)


def test_e_step_far_from_the_data_is_finite_and_silent():
    x = emlib.sample(SEED_PROBLEM.true, 1_000, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gamma, loglik = vectorized.e_step(x, FAR)
    assert np.all(np.isfinite(gamma)) and np.isfinite(loglik)


def test_normalize_works_in_place_and_the_shift_changes_nothing_when_safe(x):
    table = vectorized.log_weighted_densities(x, START)
    shifted, plain = table.copy(), table.copy()
    work = np.empty(x.size)
    loglik = vectorized.normalize(shifted, work)
    assert vectorized.normalize(plain, shift=False) == pytest.approx(loglik, rel=1e-14)
    assert np.allclose(plain, shifted, rtol=1e-13, atol=0)
    assert np.allclose(shifted.sum(axis=0), 1.0)


def test_m_step_is_the_weighted_mean_variance_and_weight(x):
    gamma, _ = vectorized.e_step(x, START)
    new = vectorized.m_step(x, gamma)
    totals = gamma.sum(axis=1)
    means = gamma @ x / totals
    variances = (gamma * (x - means[:, None]) ** 2).sum(axis=1) / totals
    assert np.allclose(new.means, means, rtol=1e-13)
    assert np.allclose(new.variances, variances, rtol=1e-12)
    assert np.allclose(new.weights, totals / x.size, rtol=1e-13)


def test_params_from_sums_is_exact_about_any_point(x):
    gamma, _ = vectorized.e_step(x, START)
    u = x - 2.5
    about_center = np.column_stack([gamma @ u, gamma.sum(axis=1), gamma @ u**2])
    reference = vectorized.params_from_sums(about_center, np.zeros(3), x.size, 2.5)
    elsewhere = np.array([-1.0, 0.5, 4.0])
    about_points = about_center.copy()
    about_points[:, 2] = (gamma * (u - elsewhere[:, None]) ** 2).sum(axis=1)
    other = vectorized.params_from_sums(about_points, elsewhere, x.size, 2.5)
    assert np.allclose(other.as_array(), reference.as_array(), rtol=1e-12)
    assert np.allclose(reference.as_array(), vectorized.m_step(x, gamma).as_array(), rtol=1e-12)


# --- the fast path -----------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [None, 1, 7, 1000, 10**6])
def test_block_by_block_equals_the_readable_functions(x, chunk_size):
    fast = emlib.em_vectorized(x, START, tol=0, max_iter=8, chunk_size=chunk_size)
    slow = readable_fit(x, START, tol=0, max_iter=8, stop="params")
    assert np.allclose(fast.params.as_array(), slow.params.as_array(), rtol=1e-11, atol=0)
    assert np.allclose(fast.log_likelihood, slow.log_likelihood, rtol=1e-12, atol=0)


def test_block_size_does_not_change_the_fit_beyond_rounding():
    x = emlib.sample(SEED_PROBLEM.true, SEED_PROBLEM.shape, seed=3)
    fits = [emlib.em_vectorized(x, SEED_PROBLEM.start, tol=1e-10, stop="loglik", chunk_size=c) for c in (None, 100, 2549)]
    for fit in fits[1:]:
        assert fit.n_iter == fits[0].n_iter
        assert np.allclose(fit.params.as_array(), fits[0].params.as_array(), rtol=1e-9, atol=0)


def test_blocks_cover_every_sample_once_with_their_rows():
    data = np.arange(1.0, 11.0).reshape(2, 5)
    blocks = vectorized.Blocks(data, 3, 4)
    assert blocks.center == pytest.approx(5.5)
    seen = []
    for rows, table, scratch in blocks:
        assert rows.shape[0] == 3 and table.shape == (3, rows.shape[1]) and scratch.shape == (rows.shape[1],)
        assert np.allclose(rows[1], 1.0) and np.allclose(rows[2], rows[0] ** 2)
        seen.extend(rows[0])
    assert np.allclose(seen, data.ravel() - 5.5)
    assert len(list(blocks)) == 3  # blocks of 4, 3, 3: made equal


def test_blocks_read_the_samples_and_never_write_them():
    data = emlib.sample(TRUTH, 1_000, seed=3)
    data.flags.writeable = False  # writing would raise
    blocks = vectorized.Blocks(data, 3, 300)
    seen = np.concatenate([rows[0].copy() for rows, _, _ in blocks])
    assert np.array_equal(seen, data - blocks.center)
    assert np.array_equal(blocks.ends[0], [(data - blocks.center).min(), (data - blocks.center).max()])


def test_blocks_center_single_precision_samples_in_double_precision():
    data = np.array([1e8, 1e8 + 8, 1e8 + 16], dtype=np.float32)
    [(rows, _, _)] = list(vectorized.Blocks(data, 2, 3, center=1e8 + 0.25))
    assert np.array_equal(rows[0], data.astype(np.float64) - (1e8 + 0.25))  # float32 would round 0.25 away


@pytest.mark.parametrize(
    ("n", "k", "expected"),
    [(25_500, 2, 10_200), (10_000, 4, 7_000), (10_000, 8, 8_192), (10**6, 8, 8_192), (10**7, 2, 32_768), (2, 2, 1)],
)
def test_default_block_size(n, k, expected):
    assert vectorized.default_block_size(n, k) == expected


def test_one_sweep_per_iteration_on_the_questions_data(monkeypatch):
    calls = count_sweeps(monkeypatch)
    x = emlib.sample(SEED_PROBLEM.true, SEED_PROBLEM.shape, seed=4)
    emlib.em_vectorized(x, SEED_PROBLEM.start, tol=0, max_iter=6)
    assert calls == [False] * 6


@pytest.mark.parametrize("chunk_size", [None, 300])
def test_far_start_is_finite_and_silent_and_agrees_with_the_readable_functions(chunk_size):
    x = emlib.sample(SEED_PROBLEM.true, 2_000, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = emlib.em_vectorized(x, FAR, tol=0, max_iter=5, chunk_size=chunk_size)
        reference = readable_fit(x, FAR, tol=0, max_iter=5, stop="params")
    assert np.all(np.isfinite(result.params.as_array())) and np.all(np.isfinite(result.log_likelihood))
    assert np.allclose(result.params.as_array(), reference.params.as_array(), rtol=1e-9, atol=0)


@pytest.mark.parametrize(
    ("truth", "start"),
    [
        # narrow components far from the center: the careful E-step and the second sweep
        (MixtureParams(means=[-1e3, 1e3], variances=[1e-2, 1e-2], weights=[0.5, 0.5]),
         MixtureParams(means=[-990.0, 990.0], variances=[100.0, 100.0], weights=[0.5, 0.5])),
        # a narrow, rare component far out
        (MixtureParams(means=[0.0, 1e4], variances=[1.0, 1e-4], weights=[0.99, 0.01]),
         MixtureParams(means=[0.5, 9999.0], variances=[2.0, 1.0], weights=[0.5, 0.5])),
    ],
)
def test_hard_cases_agree_with_the_broadcast_version(truth, start, monkeypatch):
    calls = count_sweeps(monkeypatch)
    x = emlib.sample(truth, (40, 100), seed=6)
    reference = emlib.em_broadcast(x, start, tol=0, max_iter=12)
    for chunk_size in (None, 500):
        result = emlib.em_vectorized(x, start, tol=0, max_iter=12, chunk_size=chunk_size)
        assert np.allclose(result.params.as_array(), reference.params.as_array(), rtol=1e-9, atol=0)
        assert np.allclose(result.log_likelihood, reference.log_likelihood, rtol=1e-9, atol=0)
    assert any(calls)  # the variance took the second sweep


def test_data_far_from_zero_fit_like_the_same_data_near_zero(x):
    near = emlib.em_vectorized(x, START, tol=0, max_iter=10).params
    shifted = MixtureParams(START.means + 1e6, START.variances, START.weights)
    far = emlib.em_vectorized(x + 1e6, shifted, tol=0, max_iter=10).params
    assert np.allclose(far.means - 1e6, near.means, rtol=0, atol=1e-8)
    assert np.allclose(far.variances, near.variances, rtol=1e-8, atol=0)
    assert np.allclose(far.weights, near.weights, rtol=1e-8, atol=0)


def test_a_collapsing_component_keeps_a_positive_variance(monkeypatch):
    """Two close samples far from the rest: a component shrinks onto them; the second sweep keeps its variance exact."""
    calls = count_sweeps(monkeypatch)
    x = np.concatenate([emlib.sample(TRUTH, 198, seed=7), [40.0, 40.001]])
    start = MixtureParams(means=[0.0, 39.0], variances=[10.0, 1.0], weights=[0.9, 0.1])
    result = emlib.em_vectorized(x, start, tol=0, max_iter=6)
    reference = emlib.em_broadcast(x, start, tol=0, max_iter=6)
    assert np.all(result.params.variances > 0)
    assert np.allclose(result.params.as_array(), reference.params.as_array(), rtol=1e-9, atol=0)
    assert any(calls)


# --- memory ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "k"), [(25_500, 2), (100_000, 4), (200_000, 8)])
def test_peak_memory_is_at_most_two_tables(n, k):
    truth, start = emlib.bench.bench_problem(k)
    x = emlib.sample(truth, (n // 100, 100), seed=8)
    assert peak_extra_bytes(emlib.em_vectorized, x, start) <= 2 * n * k * 8


def test_chunk_size_bounds_the_memory_beyond_the_data():
    """Beyond the validated copy of the data (2 x 8N bytes at its peak), memory does not grow with N x K."""
    truth, start = emlib.bench.bench_problem(8)
    for n in (100_000, 400_000):
        x = emlib.sample(truth, (n // 100, 100), seed=9)
        fit = lambda *args, **kwargs: emlib.em_vectorized(*args, chunk_size=1_000, **kwargs)  # noqa: E731
        assert peak_extra_bytes(fit, x, start) <= 2 * 8 * n + 2**20


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chunk_size", "error", "message"),
    [(0, ValueError, "chunk_size must be >= 1"), (2.5, TypeError, "chunk_size must be an integer"),
     (True, TypeError, "chunk_size must be an integer"), ("100", TypeError, "chunk_size must be an integer")],
)
def test_chunk_size_is_validated(x, chunk_size, error, message):
    with pytest.raises(error, match=message):
        emlib.em_vectorized(x, START, chunk_size=chunk_size)


def test_bad_init_is_reported_before_chunk_size_is_used(x):
    with pytest.raises(TypeError, match="init must be a MixtureParams"):
        emlib.em_vectorized(x, START.as_array(), chunk_size=10)


@pytest.mark.parametrize(
    "steps",
    [{}, {"e_step": vectorized.e_step}, {"e_step": vectorized.e_step, "m_step": vectorized.m_step, "step": vectorized.em_step},
     {"m_step": vectorized.m_step, "step": vectorized.em_step}],
)
def test_run_em_needs_two_steps_or_one_fused_step(x, steps):
    with pytest.raises(TypeError, match="e_step and m_step, or one fused step"):
        run_em(x, START, prepare=vectorized.flatten, tol=0, max_iter=1, stop="params", **steps)
