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
from emlib import EMResult, MixtureParams
from emlib.bench import peak_extra_bytes

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
