"""Laws that hold for every input, checked with hypothesis."""

import copy
import pickle
import warnings

import numpy as np
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import emlib
from emlib import EMBreakdownError, MixtureParams
from emlib.driver import DataRange, diagnose, in_blocks


@st.composite
def mixtures(draw, max_components=4):
    """A mixture with K in 1..4, means in [-10, 10], variances in [0.1, 10]."""
    k = draw(st.integers(1, max_components))
    means = draw(st.lists(st.floats(-10, 10), min_size=k, max_size=k))
    variances = draw(st.lists(st.floats(0.1, 10), min_size=k, max_size=k))
    raw = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k)))
    return MixtureParams(means=means, variances=variances, weights=raw / raw.sum())


@st.composite
def same_k_problems(draw):
    """Data from a random mixture, and the usual kind of start for EM on it.

    The start's means are K distinct data points and its variances the data's
    variance (starts far from all data can make a component collapse, which
    EM reports as an error; see test_bad_input.py).
    """
    truth = draw(mixtures())
    k = truth.n_components
    shape = draw(st.tuples(st.integers(1, 6), st.integers(20, 40)))
    x = emlib.sample(truth, shape, seed=draw(st.integers(0, 2**32 - 1)))
    picks = draw(st.lists(st.integers(0, x.size - 1), min_size=k, max_size=k, unique=True))
    start = MixtureParams(means=x.ravel()[picks], variances=np.full(k, x.var()), weights=np.full(k, 1.0 / k))
    return x, start


SETTINGS = settings(max_examples=60, deadline=None)


def fit_or_reject(fit, x, start, **options):
    """Run ``fit``; a draw where a component collapses onto one sample (EM's singularity) is not a case of the law."""
    try:
        return fit(x, start, **options)
    except EMBreakdownError:
        reject()


@SETTINGS
@given(same_k_problems())
def test_log_likelihood_never_decreases(problem):
    x, start = problem
    result = fit_or_reject(emlib.em_vectorized, x, start, tol=0, max_iter=15)
    steps = np.diff(result.log_likelihood)
    assert np.all(steps >= -1e-9 * np.abs(result.log_likelihood[1:]).max() - 1e-9)


@SETTINGS
@given(same_k_problems())
def test_weights_stay_on_the_simplex(problem):
    x, start = problem
    weights = fit_or_reject(emlib.em_vectorized, x, start, tol=0, max_iter=10).params.weights
    assert np.all(weights >= 0)
    assert abs(weights.sum() - 1) < 1e-12


@SETTINGS
@given(same_k_problems())
def test_broadcast_equals_vectorized(problem):
    x, start = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = fit_or_reject(emlib.em_broadcast, x, start, tol=0, max_iter=5)
        b = fit_or_reject(emlib.em_vectorized, x, start, tol=0, max_iter=5)
    assert np.allclose(a.params.as_array(), b.params.as_array(), rtol=1e-9, atol=1e-12)
    assert np.allclose(a.log_likelihood, b.log_likelihood, rtol=1e-9, atol=0)


@SETTINGS
@given(mixtures(), st.sampled_from([copy.copy, copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))]))
def test_every_copy_is_equal_hashes_alike_and_stays_read_only(params, clone):
    again = clone(params)
    assert again == params and hash(again) == hash(params)
    assert all(not field.flags.writeable for field in (again.means, again.variances, again.weights))


@SETTINGS
@given(mixtures(), st.integers(0, 3), st.floats(-1.0, 1.0))
def test_mixtures_differing_in_one_value_are_unequal(params, field, nudge):
    """Equality is by value: change any one number and the mixtures differ."""
    values = params.as_array()
    k = params.n_components - 1
    row = field % 2  # means or variances: any finite change keeps them valid
    values[row, k] += nudge if row == 0 else abs(nudge) + 0.5
    changed = values[row, k] != params.as_array()[row, k]  # a tiny nudge may round away
    other = MixtureParams(*values)
    assert (other != params) == changed


@st.composite
def diagnoses(draw):
    """Samples, and parameters from far and narrow to ordinary, so that every cause of a breakdown comes up."""
    x = np.array(draw(st.lists(st.floats(-100, 100), min_size=2, max_size=60)))
    k = draw(st.integers(1, 4))
    means = draw(st.lists(st.floats(-1e6, 1e6), min_size=k, max_size=k))
    variances = [10.0**e for e in draw(st.lists(st.integers(-300, 6), min_size=k, max_size=k))]
    weights = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k))) + 1e-3
    return x, MixtureParams(means=means, variances=variances, weights=weights / weights.sum())


@SETTINGS
@given(diagnoses(), st.integers(1, 7))
def test_a_diagnosis_does_not_depend_on_how_the_samples_are_cut(problem, block):
    x, params = problem
    data = DataRange(float(x.min()), float(x.max()), x.size)
    whole = diagnose(lambda: [x], params, data)
    assert diagnose(lambda: in_blocks(x, block), params, data) == whole
    with np.errstate(all="raise"):  # the diagnosis keeps its own floating-point rules
        assert diagnose(lambda: [x], params, data) == whole


def test_a_diagnosis_keeps_its_own_floating_point_rules():
    """Responsibilities near 1e-309 times the samples underflow; with np.seterr(all="raise") that must not stop it."""
    x = np.array([-0.1, 0.0, 0.1, 0.9, 1.0, 1.1])
    params = MixtureParams([0.0, 1.0], [5.63e-4, 5.63e-4], [0.5, 0.5])
    with np.errstate(all="raise"):
        assert diagnose(lambda: [x], params, DataRange(-0.1, 1.1, x.size)) == ("other", None)
