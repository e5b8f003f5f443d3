"""Issue 11, "The fit": every input gets the right answer or a clear error, the same from every fitter.

Each test is named after the cause it covers (causes 1 to 10 of the issue).
"""

import warnings

import numpy as np
import pytest

import emlib
from emlib import MixtureParams

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


# --- cause 8: impossible sizes name size, lists are sizes ----------------------------------------


@pytest.mark.parametrize("size", [2**63, 2**61, (2**32, 2**32), [2**40, 2**40]])
def test_cause_8_impossible_sizes_name_size(size):
    with pytest.raises(ValueError, match=r"size=.* asks for \d+ samples, more than one float64 array can hold"):
        emlib.sample(START, size, seed=0)


def test_cause_8_size_may_be_a_list_as_in_numpy():
    np.testing.assert_array_equal(emlib.sample(START, [3, 4], seed=2), emlib.sample(START, (3, 4), seed=2))
    assert len(emlib.sample_loops(START, [3, 4], seed=2)) == 3
