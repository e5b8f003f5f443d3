"""The walk from the readable whole-array EM to em_vectorized: every step computes the same fit."""

import numpy as np
import pytest

import emlib
from emlib import MixtureParams, vectorized
from emlib.vectorized_steps import WALK, em_uncentred, one_block

from test_agreement import CASES

FAR = MixtureParams(means=[-1e6, 1e6], variances=[0.2, 0.2], weights=[0.5, 0.5])


def test_the_last_step_is_em_vectorized_itself():
    assert list(WALK)[-1] == "em_vectorized"
    assert WALK["em_vectorized"] is emlib.em_vectorized


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("name", list(WALK))
def test_every_step_agrees_with_the_broadcast_fit(case, name):
    truth, shape, start, seed = CASES[case]
    x = emlib.sample(truth, shape, seed=seed)
    reference = emlib.em_broadcast(x, start, tol=1e-8)
    result = WALK[name](x, start, tol=1e-8)
    assert result.n_iter == reference.n_iter and result.converged
    assert np.allclose(result.params.as_array(), reference.params.as_array(), rtol=1e-9, atol=0)
    assert np.allclose(result.log_likelihood, reference.log_likelihood, rtol=1e-9, atol=0)


@pytest.mark.parametrize("name", ["em_one_product", "em_one_sweep", "em_unshifted"])
def test_steps_in_log_space_survive_a_far_start(name):
    x = emlib.sample(CASES["K2"][0], 500, seed=1)
    reference = emlib.em_vectorized(x, FAR, tol=0, max_iter=30)
    result = WALK[name](x, FAR, tol=0, max_iter=30)
    assert np.all(np.isfinite(result.params.as_array()))
    assert np.allclose(result.params.as_array(), reference.params.as_array(), rtol=1e-6, atol=0)


def test_the_steps_never_modify_the_data():
    x = emlib.sample(CASES["K2"][0], (4, 30), seed=2)
    before = x.copy()
    for fit in [*WALK.values(), em_uncentred]:
        fit(x, CASES["K2"][2], tol=0, max_iter=3)
    assert np.array_equal(x, before)


def test_one_block_holds_the_rows_centred_or_not():
    x = np.array([1.0, 2.0, 6.0])
    centred = one_block(x.copy(), 2)
    assert centred.center == 3.0 and centred.size == 3
    assert np.array_equal(centred.rows, [[-2.0, -1.0, 3.0], [1.0, 1.0, 1.0], [4.0, 1.0, 9.0]])
    assert np.array_equal(centred.ends, [[-2.0, 3.0], [1.0, 1.0], [4.0, 9.0]])
    assert centred.table.shape == (2, 3) and centred.scratch.shape == (3,)
    raw = one_block(x.copy(), 2, centered=False)
    assert raw.center == 0.0
    assert np.array_equal(raw.rows[0], x) and np.array_equal(raw.rows[2], x**2)


def test_needs_shift_only_when_some_sample_could_underflow():
    safe = vectorized.SAFE_LOG_DENSITY + 1
    unsafe = vectorized.SAFE_LOG_DENSITY - 1
    assert not vectorized.needs_shift([[safe, safe], [unsafe, unsafe]])  # component 0 covers both ends
    assert vectorized.needs_shift([[safe, unsafe], [unsafe, safe]])  # each end covered by one: the middle may not be
    assert vectorized.needs_shift([[unsafe, unsafe]])


def test_blocks_centre_on_the_mean_unless_told():
    assert vectorized.Blocks(np.array([1.0, 3.0]), 1, 2).center == 2.0
    blocks = vectorized.Blocks(np.array([1.0, 3.0]), 1, 2, center=0.0)
    assert blocks.center == 0.0
    assert np.array_equal(blocks.ends, [[1.0, 3.0], [1.0, 1.0], [1.0, 9.0]])
