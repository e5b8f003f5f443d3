"""Issue 11, "The fit": every input gets the right answer or a clear error, the same from every fitter.

Each test is named after the cause it covers (causes 1 to 10 of the issue).
"""

import copy
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
