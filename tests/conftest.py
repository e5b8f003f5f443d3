"""Shared fixtures: small seeded data sets and the list of fitters."""

import numpy as np
import pytest

import emlib
from emlib import MixtureParams

ALL_FITTERS = list(emlib.FITTERS.values())
FAST_FITTERS = [emlib.em_hoisted, emlib.em_broadcast, emlib.em_vectorized]


@pytest.fixture(params=ALL_FITTERS, ids=list(emlib.FITTERS))
def fitter(request):
    """Each of the four fitters in turn."""
    return request.param


@pytest.fixture
def small_data() -> np.ndarray:
    """A 4 x 25 grid from two well-separated components."""
    truth = MixtureParams(means=[-2.0, 3.0], variances=[1.0, 0.5], weights=[0.4, 0.6])
    return emlib.sample(truth, (4, 25), seed=7)


@pytest.fixture
def small_start() -> MixtureParams:
    return MixtureParams(means=[-1.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
