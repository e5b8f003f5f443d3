r"""Drawing samples from a Gaussian mixture, the question's way and the answer's way.

Both draw :math:`x_i \sim \sum_k \pi_k \mathcal{N}(\mu_k, \sigma_k^2)`, and both
are deterministic for a given ``seed``.
"""

from __future__ import annotations

import math
import numbers
import random

import numpy as np

from emlib.params import MixtureParams
from emlib.validation import check_int, check_mixture

MAX_SAMPLES = int(np.iinfo(np.intp).max) // np.dtype(np.float64).itemsize
"""The most ``float64`` values one NumPy array can hold: its size in bytes must fit an index (``2**60`` on 64-bit machines)."""


def _check_shape(shape: object, name: str) -> tuple[int, ...]:
    """``shape`` as a tuple of positive ints: an int, or a tuple or list of ints, as NumPy accepts."""
    dims = (shape,) if isinstance(shape, numbers.Integral) and not isinstance(shape, bool) else shape
    if not isinstance(dims, (tuple, list)) or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in dims
    ):
        raise TypeError(f"{name} must be an int or a tuple of ints, got {shape!r}")
    if len(dims) == 0 or any(d < 1 for d in dims):
        raise ValueError(f"{name} must have positive dimensions, got {shape!r}")
    dims = tuple(int(d) for d in dims)
    if math.prod(dims) > MAX_SAMPLES:
        raise ValueError(
            f"{name}={shape!r} asks for {math.prod(dims)} samples, more than one float64 array can hold ({MAX_SAMPLES})"
        )
    return dims


def sample_loops(params: MixtureParams, shape: tuple[int, int], seed: int) -> list[list[float]]:
    r"""Draw samples in the question's style: nested lists, one draw per component per cell.

    For every cell :math:`(i, j)` it draws one value from *each* of the
    :math:`K` components with :meth:`random.Random.gauss`, then keeps one of
    them, chosen with probabilities :math:`\pi_k` by :meth:`random.Random.choices`.
    That costs :math:`K` Gaussian draws per kept sample and throws :math:`K-1`
    of them away.

    Parameters
    ----------
    params : MixtureParams
        The mixture to draw from.
    shape : tuple or list of int
        ``(rows, columns)``.
    seed : int
        Seed of the ``random.Random`` generator (>= 0).

    Returns
    -------
    list of list of float
        ``rows`` lists of ``columns`` samples.

    Raises
    ------
    TypeError, ValueError
        If ``params`` is not a ``MixtureParams``, ``shape`` is not two
        positive integers, or ``seed`` is not a non-negative integer.
    """
    params = check_mixture(params, "params")
    dims = _check_shape(shape, "shape")
    if len(dims) != 2:
        raise ValueError(f"shape must be (rows, columns), got {shape!r}")
    rng = random.Random(check_int(seed, "seed", minimum=0))
    means = params.means.tolist()
    sds = np.sqrt(params.variances).tolist()
    weights = params.weights.tolist()
    rows, columns = dims
    samples = []
    for _ in range(rows):
        row = []
        for _ in range(columns):
            one_from_each = [rng.gauss(mu, sd) for mu, sd in zip(means, sds)]
            row.append(rng.choices(one_from_each, weights=weights)[0])
        samples.append(row)
    return samples


def sample(params: MixtureParams, size: int | tuple[int, ...], seed: int) -> np.ndarray:
    r"""Draw samples the answer's way: choose each sample's component first, then draw once.

    With ``rng = numpy.random.default_rng(seed)``, the component labels
    :math:`z_i \in \{0, \dots, K-1\}` are drawn with probabilities
    :math:`\pi_k`, then :math:`x_i \sim \mathcal{N}(\mu_{z_i}, \sigma_{z_i}^2)`
    in one vectorized call.

    Parameters
    ----------
    params : MixtureParams
        The mixture to draw from.
    size : int, or tuple or list of int
        Shape of the result, e.g. ``25_500``, ``(255, 100)`` or ``[255, 100]``.
    seed : int
        Seed of ``numpy.random.default_rng`` (>= 0).

    Returns
    -------
    numpy.ndarray
        ``float64`` samples of shape ``size``.

    Raises
    ------
    TypeError, ValueError
        If ``params`` is not a ``MixtureParams``, ``size`` has a non-positive
        or non-integer dimension or more elements than one array can hold
        (:data:`MAX_SAMPLES`), or ``seed`` is not a non-negative integer.
    MemoryError
        If the samples do not fit in memory; the message names ``size``.
    """
    params = check_mixture(params, "params")
    dims = _check_shape(size, "size")
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    try:
        labels = rng.choice(params.n_components, size=dims, p=params.weights)
        return rng.normal(params.means[labels], np.sqrt(params.variances)[labels])
    except MemoryError:
        n = math.prod(dims)
        raise MemoryError(
            f"size={size!r} asks for {n} samples: with their labels, at least {16 * n / 2**30:.3g} GiB, "
            "more than this machine can allocate"
        ) from None
