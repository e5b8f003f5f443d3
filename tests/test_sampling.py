"""Sampling the question's way and the answer's way."""

import numpy as np
import pytest

from emlib import SEED_PROBLEM, MixtureParams, sample, sample_loops

TRUTH = MixtureParams(means=[-5.0, 5.0], variances=[1.0, 1.0], weights=[0.3, 0.7])


def test_sample_loops_shape_and_determinism():
    a = sample_loops(TRUTH, (3, 4), seed=1)
    assert len(a) == 3 and all(len(row) == 4 for row in a)
    assert all(isinstance(v, float) for row in a for v in row)
    assert a == sample_loops(TRUTH, (3, 4), seed=1)
    assert a != sample_loops(TRUTH, (3, 4), seed=2)


def test_sample_shape_and_determinism():
    a = sample(TRUTH, (3, 4), seed=1)
    assert a.shape == (3, 4) and a.dtype == np.float64
    np.testing.assert_array_equal(a, sample(TRUTH, (3, 4), seed=1))
    assert not np.array_equal(a, sample(TRUTH, (3, 4), seed=2))
    assert sample(TRUTH, 10, seed=0).shape == (10,)


@pytest.mark.parametrize("draw", [lambda: np.array(sample_loops(TRUTH, (40, 100), seed=3)),
                                  lambda: sample(TRUTH, (40, 100), seed=3)])
def test_both_follow_the_mixture(draw):
    x = draw().ravel()
    right = x > 0  # the components are 10 standard deviations apart
    assert right.mean() == pytest.approx(0.7, abs=0.03)
    assert x[right].mean() == pytest.approx(5.0, abs=0.1)
    assert x[~right].var() == pytest.approx(1.0, rel=0.15)


def test_questions_data_has_the_questions_scale():
    x = sample(SEED_PROBLEM.true, SEED_PROBLEM.shape, seed=0)
    assert x.mean() == pytest.approx(5.8e-4, abs=3e-5)
    assert x.std() == pytest.approx(np.sqrt(9.5e-7), rel=0.02)


@pytest.mark.parametrize("draw", [sample_loops, sample])
@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("not params", (2, 2), 0), TypeError, "params must be a MixtureParams"),
        ((TRUTH, (2, 0), 0), ValueError, "positive dimensions"),
        ((TRUTH, (2, -1), 0), ValueError, "positive dimensions"),
        ((TRUTH, (2.5, 2), 0), TypeError, "int or a tuple of ints"),
        ((TRUTH, "2x2", 0), TypeError, "int or a tuple of ints"),
        ((TRUTH, (2, 2), -1), ValueError, "seed must be >= 0"),
        ((TRUTH, (2, 2), 1.5), TypeError, "seed must be an integer"),
        ((TRUTH, (2, 2), None), TypeError, "seed must be an integer"),
    ],
)
def test_bad_arguments(draw, args, error, message):
    with pytest.raises(error, match=message):
        draw(*args)


def test_sample_loops_needs_rows_and_columns():
    with pytest.raises(ValueError, match=r"\(rows, columns\)"):
        sample_loops(TRUTH, (5,), seed=0)
