"""Issue 11, "The fit": every input gets the right answer or a clear error, the same from every fitter.

Each test is named after the cause it covers (causes 1 to 10 of the issue).
"""

import copy
import decimal
import fractions
import pickle
import warnings

import numpy as np
import pytest

import emlib
from emlib import EMBreakdownError, EMResult, MixtureParams, SymmetricStartWarning
from emlib.bench import peak_extra_bytes
from emlib.driver import DataRange, breakdown

START = MixtureParams(means=[-1.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
CLUSTERS = np.array([-2.0, -1.9, -2.1, 2.0, 2.1, 1.9])


def fit_silently(fit, x, init, **options):
    """Run a fit with every warning an error: a clear error must come alone."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fit(x, init, **options)


def error_of(fit, x, init, **options) -> Exception:
    with pytest.raises(ValueError) as caught:
        fit_silently(fit, x, init, **options)
    return caught.value


def one_message_from_every_fitter(x, init, **options) -> Exception:
    """The error every fitter raises on this input; fails unless they all raise the same class and message."""
    errors = {name: error_of(fit, x, init, **options) for name, fit in emlib.FITTERS.items()}
    assert len({(type(err), str(err)) for err in errors.values()}) == 1, errors
    return errors["em_vectorized"]


# --- cause 1: masked arrays ----------------------------------------------------------------------


def test_cause_1_masked_data_are_refused_not_fitted_unmasked(fitter):
    x = np.ma.array(np.append(CLUSTERS, 1e6), mask=[0] * 6 + [1])
    with pytest.raises(TypeError, match=r"x is a masked array with 1 masked value.*x\.compressed\(\)"):
        fitter(x, START)


def test_cause_1_masked_fields_are_refused_by_mixture_params():
    with pytest.raises(TypeError, match="means is a masked array"):
        MixtureParams(means=np.ma.array([0.0, 5.0], mask=[0, 1]), variances=[1.0, 1.0], weights=[0.5, 0.5])


def test_cause_1_a_masked_array_with_nothing_masked_is_its_values():
    plain = emlib.em_vectorized(CLUSTERS, START, tol=0, max_iter=3)
    masked = emlib.em_vectorized(np.ma.array(CLUSTERS), START, tol=0, max_iter=3)
    np.testing.assert_array_equal(masked.params.as_array(), plain.params.as_array())


# --- cause 2: one breakdown check for every fitter ----------------------------------------------


def test_cause_2_constant_data_get_one_error_from_every_fitter():
    err = one_message_from_every_fitter(np.full(20, 3.0), START)
    assert "x is constant (all 20 samples are 3.0)" in str(err)


@pytest.mark.parametrize(
    ("x", "start"),
    [
        # three equal samples far from the rest: component 0 shrinks onto them
        (np.array([0.0, 0.0, 0.0, 2.9, 3.1, 3.0, 2.8, 3.2, 3.05, 2.95]), MixtureParams([0.5, 3.0], [1.0, 1.0], [0.5, 0.5])),
        (np.array([1.5] * 3 + [4.9, 5.1, 5.0, 4.8, 5.2, 5.05, 4.95]), MixtureParams([2.0, 5.0], [1.0, 1.0], [0.5, 0.5])),
    ],
)
def test_cause_2_a_collapsing_component_is_the_same_error_from_every_fitter(x, start):
    err = one_message_from_every_fitter(x, start, tol=0, max_iter=200)
    assert isinstance(err, EMBreakdownError) and err.cause == "collapse"
    assert str(err).startswith(f"EM broke down in iteration {err.iteration}: component 0 collapsed")
    assert "em_vectorized" not in str(err)


def test_cause_2_collapse_is_reported_even_when_a_fitter_keeps_a_tiny_variance():
    """The plain loops used to return a variance of 1e-31 and 'converged'; now they stop at the same iteration."""
    x = np.array([1.5] * 3 + [4.9, 5.1, 5.0, 4.8, 5.2, 5.05, 4.95])
    start = MixtureParams([2.0, 5.0], [1.0, 1.0], [0.5, 0.5])
    iterations = {name: error_of(fit, x, start, tol=0, max_iter=200).iteration for name, fit in emlib.FITTERS.items()}
    assert len(set(iterations.values())) == 1, iterations
    before = emlib.em_original(x, start, tol=0, max_iter=iterations["em_original"] - 1)
    assert np.all(before.params.variances > 0)


def test_cause_2_breakdown_error_is_a_value_error_and_pickles():
    err = breakdown(3, "collapse", 1, DataRange(-1.0, 2.0, 10), log_space=False)
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert (str(again), again.iteration, again.cause) == (str(err), 3, "collapse")


# --- cause 3: a symmetric start --------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        MixtureParams([0.0, 0.0], [1.0, 1.0], [0.5, 0.5]),
        MixtureParams([0.0, 0.0, 0.0], [2.0, 2.0, 2.0], [0.2, 0.3, 0.5]),  # the weights do not break the symmetry
        MixtureParams([0.1 + 0.2, 0.3], [1.0, 1.0 + 2e-16], [0.5, 0.5]),  # equal up to rounding
    ],
)
def test_cause_3_a_symmetric_start_warns_in_every_fitter(fitter, start):
    with pytest.warns(SymmetricStartWarning, match="can never separate them") as caught:
        result = fitter(CLUSTERS, start, tol=0, max_iter=3)
    assert caught[0].filename == __file__  # points at the caller's line
    assert np.ptp(result.params.means) < 1e-12  # what the warning says: the components stayed together


@pytest.mark.parametrize(
    "start",
    [START, MixtureParams([0.0, 1e-6], [1.0, 1.0], [0.5, 0.5]), MixtureParams([0.0, 0.0], [1.0, 1.5], [0.5, 0.5]),
     MixtureParams([0.0], [1.0], [1.0])],
)
def test_cause_3_distinct_components_do_not_warn(fitter, start):
    fit_silently(fitter, CLUSTERS, start, tol=0, max_iter=2)


# --- cause 4: data too large, and messages that name their cause --------------------------------


@pytest.mark.parametrize("scale", [1e160, 1e200, 1e300])
def test_cause_4_huge_data_get_one_clear_error_and_no_warnings(scale):
    err = one_message_from_every_fitter(CLUSTERS * scale, START)
    message = str(err)
    assert message.startswith("x spreads over") and "overflow" in message and "rescale" in message
    assert "em_vectorized" not in message


def test_cause_4_huge_data_rescaled_as_the_message_says_fit_well():
    x = CLUSTERS * 1e160
    message = str(error_of(emlib.em_vectorized, x, START))
    scale = float(message.split("s = ")[1].split(" ")[0])
    ratio = 1e160 / scale  # START in units of 1e160, rescaled as the message says
    start = MixtureParams(START.means * ratio, START.variances * ratio**2, START.weights)
    result = fit_silently(emlib.em_vectorized, x / scale, start)
    assert np.allclose(np.sort(result.params.means) * scale, [-2e160, 2e160], rtol=0.01)


def test_cause_4_a_start_whose_squares_overflow_is_one_error_naming_overflow():
    x = np.linspace(-2.0, 2.0, 12)
    err = one_message_from_every_fitter(x, MixtureParams([0.0, 1e200], [1.0, 1.0], [0.5, 0.5]))
    assert isinstance(err, EMBreakdownError) and err.cause == "overflow" and err.iteration == 1
    assert "component 1" in str(err) and "em_vectorized" not in str(err)


def test_cause_4_only_a_plain_e_step_is_told_to_use_the_log_space_one():
    x = np.linspace(-2.0, 2.0, 12)
    far = MixtureParams([-1e6, 1e6], [1.0, 1.0], [0.5, 0.5])
    for fit in (emlib.em_original, emlib.em_hoisted, emlib.em_broadcast):
        err = error_of(fit, x, far)
        assert err.cause == "underflow" and "em_vectorized, whose log-space E-step cannot underflow" in str(err)
    assert fit_silently(emlib.em_vectorized, x, far).converged


@pytest.mark.parametrize("cause", ["overflow", "empty component", "underflow", "collapse", "other"])
def test_cause_4_no_message_from_em_vectorized_suggests_em_vectorized(cause):
    err = breakdown(2, cause, 0, DataRange(-1.0, 1.0, 100), log_space=True, error="x")
    assert "em_vectorized" not in str(err) and "broke down in iteration 2" in str(err)


def test_cause_4_a_component_with_no_responsibility_is_named_by_every_fitter():
    err = one_message_from_every_fitter(np.linspace(-2.0, 2.0, 12), MixtureParams([0.0, 1e6], [1.0, 1.0], [0.5, 0.5]))
    assert err.cause == "empty component" and "component 1 received no responsibility" in str(err)


# --- cause 5: tol must be finite ---------------------------------------------------------------------


@pytest.mark.parametrize("tol", [float("inf"), np.inf])
def test_cause_5_infinite_tol_is_refused(fitter, tol):
    with pytest.raises(ValueError, match="tol must be finite, got inf"):
        fitter(CLUSTERS, START, tol=tol)


# --- cause 6: equality and hashing ------------------------------------------------------------------


def test_cause_6_mixture_params_compare_by_value_and_hash():
    same = MixtureParams(means=np.array([-1, 1]), variances=(1.0, 1.0), weights=[0.5, 0.5])
    other = MixtureParams(means=[-1.0, 2.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
    assert START == same and hash(START) == hash(same)
    assert START != other and START != START.as_array() and START != "start"
    assert same in [other, START] and len({START, same, other}) == 2
    assert {START: "start"}[same] == "start"
    assert MixtureParams([0.0, -0.0], [1.0, 1.0], [0.5, 0.5]) == MixtureParams([0.0, 0.0], [1.0, 1.0], [0.5, 0.5])


def test_cause_6_results_compare_by_value_and_hash():
    a = emlib.em_vectorized(CLUSTERS, START, tol=0, max_iter=4)
    b = emlib.em_vectorized(CLUSTERS, START, tol=0, max_iter=4)
    c = emlib.em_vectorized(CLUSTERS, START, tol=0, max_iter=5)
    assert a == b and hash(a) == hash(b) and a != c and a in [c, b]
    assert len({a, b, c}) == 2


# --- cause 7: read-only survives every copy --------------------------------------------------------


@pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy, lambda v: pickle.loads(pickle.dumps(v))],
                         ids=["copy", "deepcopy", "pickle"])
def test_cause_7_read_only_arrays_survive_copies(clone):
    result = emlib.em_vectorized(CLUSTERS, START, tol=0, max_iter=3)
    params, again = clone(result.params), clone(result)
    for array in (*params._fields(), *again.params._fields(), again.log_likelihood):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0
    assert params == result.params and again == result


def test_cause_7_the_log_likelihood_of_a_result_is_read_only_and_its_own():
    history = np.array([-3.0, -2.0])
    result = EMResult(params=START, n_iter=2, converged=True, log_likelihood=history, stop="params")
    history[0] = 0.0
    assert result.log_likelihood.tolist() == [-3.0, -2.0]
    with pytest.raises(ValueError, match="read-only"):
        emlib.em_vectorized(CLUSTERS, START, max_iter=2).log_likelihood[0] = 0.0


# --- cause 8: impossible sizes name size, lists are sizes ----------------------------------------


@pytest.mark.parametrize("size", [2**63, 2**61, (2**32, 2**32), [2**40, 2**40]])
def test_cause_8_impossible_sizes_name_size(size):
    with pytest.raises(ValueError, match=r"size=.* asks for \d+ samples, more than one float64 array can hold"):
        emlib.sample(START, size, seed=0)


def test_cause_8_size_may_be_a_list_as_in_numpy():
    np.testing.assert_array_equal(emlib.sample(START, [3, 4], seed=2), emlib.sample(START, (3, 4), seed=2))
    assert len(emlib.sample_loops(START, [3, 4], seed=2)) == 3


# --- cause 9: chunk_size bounds the memory -----------------------------------------------------------


def test_cause_9_tiny_chunks_hold_no_per_block_objects():
    """chunk_size=1 used to keep four views per sample: megabytes for 5 000 samples. Now the data plus a constant."""
    x = emlib.sample(START, 5_000, seed=3)
    fit = lambda *args, **kwargs: emlib.em_vectorized(*args, chunk_size=1, **kwargs)  # noqa: E731
    assert peak_extra_bytes(fit, x, START, n_iter=1) <= 2 * 8 * x.size + 64 * 2**10


def test_cause_9_tiny_chunks_give_the_same_fit():
    x = emlib.sample(START, 501, seed=4)
    one = emlib.em_vectorized(x, START, tol=0, max_iter=3, chunk_size=1)
    whole = emlib.em_vectorized(x, START, tol=0, max_iter=3)
    assert np.allclose(one.params.as_array(), whole.params.as_array(), rtol=1e-10, atol=0)


# --- cause 10: messages that say what to do ------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ((value for value in CLUSTERS), r"x is a generator .*np\.fromiter\(x, dtype=float\)"),
        ([decimal.Decimal("1.5")] * 4, r"Python objects \(Decimal\).*np\.asarray\(x, dtype=float\)"),
        ([fractions.Fraction(1, 3)] * 4, r"Python objects \(Fraction\).*np\.asarray\(x, dtype=float\)"),
        ({0: 1.0, 1: 2.0, 2: 3.0}, r"x is a dict.*np\.asarray\(list\(x\.values\(\)\), dtype=float\)"),
        ({1.0, 2.0, 3.0}, r"x is a set, which has no order.*np\.fromiter\(sorted\(x\), dtype=float\)"),
        ([1.0, None, 2.0], "objects of type NoneType, float"),
    ],
)
def test_cause_10_python_objects_get_a_message_saying_how_to_convert(fitter, x, message):
    with pytest.raises(TypeError, match=message):
        fitter(x, START)


def test_cause_10_the_conversion_the_message_gives_works():
    x = [decimal.Decimal(str(v)) for v in CLUSTERS]
    converted = emlib.em_vectorized(np.asarray(x, dtype=float), START).params.as_array()
    np.testing.assert_array_equal(converted, emlib.em_vectorized(CLUSTERS, START).params.as_array())


def test_cause_10_a_weight_of_zero_in_the_start_is_refused_with_the_reason(fitter):
    start = MixtureParams([-1.0, 1.0, 3.0], [1.0, 1.0, 1.0], [0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match=r"init gives component\(s\) \[2\] .* a weight of 0: EM can never"):
        fitter(CLUSTERS, start)


def test_cause_10_data_too_small_for_float64_say_how_to_rescale():
    err = one_message_from_every_fitter(CLUSTERS * 1e-160, MixtureParams([-1e-160, 1e-160], [1e-300, 1e-300], [0.5, 0.5]))
    assert "x spreads over 4.2e-160" in str(err) and "rescale: fit x / s with s = 1e-159" in str(err)


def test_cause_10_an_absolute_tol_as_large_as_the_data_is_refused():
    x = CLUSTERS * 1e-6
    start = MixtureParams([-1e-6, 1e-6], [1e-12, 1e-12], [0.5, 0.5])
    err = one_message_from_every_fitter(x, start)
    assert "tol=0.0001 is not small compared with the data, which span only 4.2e-06" in str(err)
    assert "stop='loglik'" in str(err)
    for options in ({"tol": 1e-10}, {"stop": "loglik"}, {"tol": 0, "max_iter": 20}):  # the fixes it names work
        means = np.sort(fit_silently(emlib.em_vectorized, x, start, **options).params.means)
        assert np.allclose(means, [-2e-6, 2e-6], rtol=0.01)


def test_cause_10_the_questions_own_setting_is_accepted():
    x = emlib.sample(emlib.SEED_PROBLEM.true, emlib.SEED_PROBLEM.shape, seed=0)
    result = fit_silently(emlib.em_vectorized, x, emlib.SEED_PROBLEM.start, tol=emlib.SEED_PROBLEM.tol)
    assert result.converged
