r"""The destination: flat data, components first, matrix products, one ``exp``, cache-sized blocks.

The readable functions (:func:`log_weighted_densities`, :func:`normalize`,
:func:`e_step`, :func:`m_step`) work on whole arrays. :func:`em_vectorized`
runs the same computation block by block (:func:`sweep`), with two shortcuts
that it takes only when the numbers show they are safe. The ideas:

* **Layout.** The data are flattened to one axis of length :math:`N` (rows and
  columns mean nothing to EM), and every table is ``(K, N)``: components on
  the first axis, samples on the last, so each component's :math:`N` values
  are contiguous in memory (put the long axis last). The maths keeps the
  book's notation: :math:`\gamma_{ik}` is ``gamma[k, i]``.
* **An affine map is a matrix product.** Each component sees the samples
  through its standardized deviation :math:`z_{ik} = (x_i - \mu_k) / (\sqrt2\,\sigma_k)`,
  an affine function of :math:`x_i`. Stacked over a row of ones, ``(2, N)``,
  the samples give the whole table as one product with ``(K, 2)``
  coefficients (:func:`with_ones`, :func:`deviation_coefficients`), and
  :math:`a_{ik} = \log \pi_k + \log \mathcal{N}(x_i \mid \mu_k, \sigma_k^2) = c_k - z_{ik}^2`.
* **One exponential.** The log-sum-exp trick (:func:`normalize`) turns the
  table into responsibilities :math:`\gamma_{ik}` in place, with one ``exp``
  per entry, and yields the log-likelihood on the way.
* **Sums, not arrays.** The M-step needs three sums per component: :math:`N_k`,
  :math:`\sum_i \gamma_{ik} u_i` and :math:`\sum_i \gamma_{ik} (u_i - r_k)^2` about some
  point :math:`r_k` (:func:`params_from_sums`). :func:`m_step` takes the
  squares about the new means, in a second pass over the responsibilities.
* **Centering.** All of this uses :math:`u_i = x_i - c`, with :math:`c` the
  mean of the data, so that data far from 0 (say :math:`10^6 \pm 1`) keep
  their digits in the products.

What :func:`em_vectorized` adds, per iteration:

* **Blocks.** It runs the E-step and the sums on one block of samples at a
  time (:class:`Blocks`), so that a block's table stays in the CPU's cache
  between the product, the ``exp`` and the sums, and the sums simply add up
  over the blocks. Memory beyond the data is a few block-sized arrays,
  whatever :math:`N` (``chunk_size`` sets the block length).
* **One product for the table, one for the sums.** Multiplied out,
  :math:`a_k(u) = c_k - z_k(u)^2` is a quadratic in :math:`u`
  (:func:`log_density_polynomial`), so the table is a single ``(K, 3)``
  product with the rows :math:`u_i, 1, u_i^2`; and the three sums, with the
  squares about the center (:math:`r_k = 0`), are the product of the
  responsibilities with the same rows. Everything is one sweep over the data.
* **Safety checks.** Multiplying out subtracts nearly equal numbers when
  :math:`|z_{ik}|` is large, and so does the one-sweep variance
  :math:`\frac{1}{N_k}\sum_i \gamma_{ik} u_i^2 - m_k^2` when a component is narrow and
  far from the center. :func:`sweep` evaluates the quadratic at the two ends
  of the data (a few numbers) and squares :math:`z_{ik}` instead when more
  than :data:`DIGITS_AT_RISK` digits are at stake; :func:`em_step` checks
  the variance and, when it would lose as many digits, sweeps once more to
  take the squares about the new means, as :func:`m_step` does. The same
  ends tell whether a sample can be so far from every component that its
  densities underflow; when none can, the subtraction of the largest
  log-density before ``exp`` is skipped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from emlib.driver import EMResult, run_em
from emlib.params import MixtureParams
from emlib.validation import check_int

LOG_2PI = np.log(2 * np.pi)

CACHE_ENTRIES = 2**16
"""Largest ``(K, block)`` table by default (8 bytes an entry: 512 KiB), small enough for the CPU's cache.

It also keeps each matrix product small enough (:math:`3 K B` multiplications)
that OpenBLAS computes it on one thread: splitting it costs more than it saves.
"""

MEMORY_SHARE = 0.8
"""By default the work arrays, :math:`(K + 4) B` values, take at most this share of the memory
that two ``(K, N)`` tables would, less the data's :math:`N` values."""

SAFE_LOG_DENSITY = -600.0
"""Above this, :math:`e^{a}` is a normal ``float64`` with room to spare (the smallest is about :math:`e^{-708}`)."""

DIGITS_AT_RISK = 4
"""How many of the 16 significant digits a shortcut may cost before the careful way is taken instead."""


def flatten(data: np.ndarray) -> np.ndarray:
    """The samples as one contiguous 1-D array of length :math:`N`."""
    return np.ascontiguousarray(data.ravel())


def with_ones(x: np.ndarray) -> np.ndarray:
    """The samples over a row of ones, shape ``(2, N)``: an affine map of :math:`x_i` is then a matrix product."""
    return np.stack([x, np.ones_like(x)])


def log_normalizers(params: MixtureParams) -> np.ndarray:
    r""":math:`c_k = \log \pi_k - \tfrac12 \log(2\pi\sigma_k^2)`, shape ``(K,)``: the log-density at the mean."""
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf: a component with no mass
        log_weights = np.log(params.weights)
    return log_weights - 0.5 * (LOG_2PI + np.log(params.variances))


def deviation_coefficients(means: np.ndarray, variances: np.ndarray) -> np.ndarray:
    r"""The ``(K, 2)`` matrix :math:`B` with :math:`B \,[x_i; 1] = (x_i - \mu_k) / (\sqrt 2\,\sigma_k)`."""
    scale = 1 / np.sqrt(2 * variances)
    return np.stack([scale, -means * scale], axis=1)


def log_weighted_densities(x: np.ndarray, params: MixtureParams) -> np.ndarray:
    r""":math:`a_{ik} = \log \pi_k + \log \mathcal{N}(x_i \mid \mu_k, \sigma_k^2) = c_k - z_{ik}^2`, shape ``(K, N)``.

    Parameters
    ----------
    x : numpy.ndarray, shape (N,)
    params : MixtureParams
    """
    center = x.mean()  # measure from the middle of the data (see the module's notes)
    z = deviation_coefficients(params.means - center, params.variances) @ with_ones(x - center)  # (K, 2) @ (2, N)
    return log_normalizers(params)[:, np.newaxis] - z**2


def normalize(table: np.ndarray, work: np.ndarray | None = None, *, shift: bool = True) -> float:
    r"""Turn log-densities :math:`a_{ik}` into responsibilities, in place; return the log-likelihood.

    .. math:: \gamma_{ik} = \frac{e^{a_{ik} - m_i}}{\sum_l e^{a_{il} - m_i}}, \quad
              m_i = \max_k a_{ik}, \qquad
              \ell = \sum_i \Bigl(m_i + \log \sum_k e^{a_{ik} - m_i}\Bigr)

    Subtracting :math:`m_i` changes nothing mathematically, but keeps the
    largest term at :math:`e^0 = 1`, so the sum never underflows to 0 however
    far the parameters are from the data.

    Parameters
    ----------
    table : numpy.ndarray, shape (K, N)
        :math:`a_{ik}` on input, :math:`\gamma_{ik}` on output.
    work : numpy.ndarray, shape (N,), optional
        Scratch space, to reuse between calls.
    shift : bool, default True
        ``False`` skips the subtraction (:math:`m_i = 0`): safe only when every
        sample has some :math:`a_{ik}` above about -700.
    """
    scratch = np.empty(table.shape[1]) if work is None else work
    log_likelihood = 0.0
    if shift:
        peak = table.max(axis=0, out=scratch)  # m_i
        table -= peak
        log_likelihood += peak.sum()
    np.exp(table, out=table)  # the only exp
    total = table.sum(axis=0, out=scratch)
    table /= total
    return float(log_likelihood + np.log(total, out=total).sum())


def e_step(x: np.ndarray, params: MixtureParams) -> tuple[np.ndarray, float]:
    r"""Responsibilities :math:`\gamma_{ik}` of every component for every sample, in log space.

    Parameters
    ----------
    x : numpy.ndarray, shape (N,)
    params : MixtureParams

    Returns
    -------
    responsibilities : numpy.ndarray, shape (K, N)
    log_likelihood : float
        :math:`\ell = \sum_i \log \sum_k \pi_k \mathcal{N}(x_i \mid \mu_k, \sigma_k^2)`.
    """
    table = log_weighted_densities(x, params)
    log_likelihood = normalize(table)
    return table, log_likelihood


def params_from_sums(sums: np.ndarray, about: np.ndarray | float, n_samples: int, center: float = 0.0) -> MixtureParams:
    r"""New parameters from :math:`\sum_i \gamma_{ik} u_i`, :math:`N_k` and :math:`\sum_i \gamma_{ik} (u_i - r_k)^2`, :math:`u_i = x_i - c`.

    .. math:: \mu_k = c + m_k, \quad m_k = \frac{1}{N_k}\sum_i \gamma_{ik} u_i, \quad
              \sigma_k^2 = \frac{1}{N_k}\sum_i \gamma_{ik} (u_i - r_k)^2 - (m_k - r_k)^2, \quad
              \pi_k = \frac{N_k}{N}

    The variance is exact for any :math:`r_k`, and accurate when :math:`r_k`
    is within a few standard deviations of :math:`m_k`.

    Parameters
    ----------
    sums : numpy.ndarray, shape (K, 3)
        Columns :math:`\sum_i \gamma_{ik} u_i`, :math:`N_k`, :math:`\sum_i \gamma_{ik} (u_i - r_k)^2`.
    about : float or numpy.ndarray, shape (K,)
        The points :math:`r_k`, measured from :math:`c`.
    n_samples : int
        :math:`N`.
    center : float, default 0
        :math:`c`.
    """
    weighted_u, totals, squares = sums.T
    shifted_means = weighted_u / totals  # m_k
    variances = squares / totals - (shifted_means - about) ** 2
    return MixtureParams(means=center + shifted_means, variances=variances, weights=totals / n_samples)


def m_step(x: np.ndarray, responsibilities: np.ndarray) -> MixtureParams:
    r"""New parameters: weighted sums along the sample axis, the squares about the new means.

    .. math:: N_k = \sum_i \gamma_{ik}, \quad
              \mu_k = \frac{1}{N_k}\sum_i \gamma_{ik} x_i, \quad
              \sigma_k^2 = \frac{1}{N_k}\sum_i \gamma_{ik} (x_i - \mu_k)^2, \quad
              \pi_k = \frac{N_k}{N}

    Parameters
    ----------
    x : numpy.ndarray, shape (N,)
    responsibilities : numpy.ndarray, shape (K, N)
    """
    first = responsibilities @ with_ones(x).T  # (K, 2): sum of gamma x, N_k
    means = first[:, 0] / first[:, 1]
    # (K,): a sum along the samples, not np.vecdot, whose BLAS dot product on rows this long
    # runs on several threads and, on a busy machine, waits for them far longer than it computes
    squares = (responsibilities * (x - means[:, np.newaxis]) ** 2).sum(axis=1)
    return params_from_sums(np.column_stack([first, squares]), means, x.size)


class Blocks:
    """The centered samples cut into blocks, with work arrays that every block and iteration reuses.

    Iterating yields, for each block of :math:`B` samples, its ``(3, B)``
    rows :math:`u_i = x_i - c`, 1 and :math:`u_i^2`, room for its ``(K, B)``
    table, and a ``(B,)`` scratch row for :func:`normalize`.

    Parameters
    ----------
    samples : numpy.ndarray
        Validated samples, any shape, never modified: each block is centered
        as it is copied into the rows, so that no second array of :math:`N`
        values is needed.
    n_components : int
        :math:`K`.
    block_size : int
        Largest number of samples per block (>= 1); the blocks are made equal.
    center : float, optional
        :math:`c`; by default the mean of the samples. ``0.0`` keeps the data
        as they are (to show what centering protects against).

    Attributes
    ----------
    center : float
        :math:`c`, the mean of the samples unless given.
    ends : numpy.ndarray, shape (3, 2)
        The rows :math:`u, 1, u^2` at the smallest and the largest :math:`u_i`
        (one pass over the samples, when first asked for: a chunk's sweep in
        :mod:`emlib.dask_fit` never asks, its plan comes from the data's ends).
    size : int
        :math:`N`.
    """

    def __init__(self, samples: np.ndarray, n_components: int, block_size: int, center: float | None = None) -> None:
        x = flatten(samples)
        self.center = float(x.mean()) if center is None else float(center)
        self.size = x.size
        n_blocks = -(-self.size // block_size)  # ceiling division
        self._length = -(-self.size // n_blocks)
        self._x = x
        # The only work arrays, (K + 4) x length values; the views of a block are made when it is reached.
        self._rows = np.empty((3, self._length))
        self._rows[1] = 1.0
        self._table = np.empty((n_components, self._length))
        self._scratch = np.empty(self._length)

    @functools.cached_property
    def ends(self) -> np.ndarray:
        """The rows :math:`u, 1, u^2` at the smallest and the largest :math:`u_i`, found when first asked for."""
        return end_rows(float(self._x.min()) - self.center, float(self._x.max()) - self.center)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        length, x, center = self._length, self._x, self.center
        rows, table, scratch = self._rows, self._table, self._scratch
        for start in range(0, self.size, length):
            n = min(length, self.size - start)  # the last block may be shorter: it uses the first n columns
            if n < length:
                rows, table, scratch = rows[:, :n], table[:, :n], scratch[:n]
            np.subtract(x[start : start + n], center, out=rows[0], dtype=np.float64)  # u_i = x_i - c
            np.square(rows[0], out=rows[2])
            yield rows, table, scratch


def end_rows(low: float, high: float) -> np.ndarray:
    """The rows :math:`u, 1, u^2` at the smallest and the largest :math:`u_i`, shape ``(3, 2)``."""
    return np.array([[low, high], [1.0, 1.0], [low**2, high**2]])


def default_block_size(n_samples: int, n_components: int) -> int:
    r"""Samples per block: at most :data:`CACHE_ENTRIES` table entries, and work arrays within :data:`MEMORY_SHARE`.

    Fewer blocks mean fewer Python calls; smaller blocks stay in the cache
    and bound the memory: :math:`(K + 4) B \le s\,(2K - 1) N` values.
    """
    k = n_components
    return max(1, min(CACHE_ENTRIES // k, int(MEMORY_SHARE * (2 * k - 1) * n_samples / (k + 4))))


def log_density_polynomial(constants: np.ndarray, shifted_means: np.ndarray, variances: np.ndarray) -> np.ndarray:
    r""":math:`a_k(u) = c_k - (u - m_k)^2 / (2\sigma_k^2)` multiplied out over the rows :math:`u, 1, u^2`: ``(K, 3)``.

    .. math:: a_k(u) = \frac{m_k}{\sigma_k^2}\, u + \Bigl(c_k - \frac{m_k^2}{2\sigma_k^2}\Bigr) - \frac{1}{2\sigma_k^2}\, u^2
    """
    precision = 1 / variances
    linear = shifted_means * precision
    return np.array([linear, constants - 0.5 * shifted_means * linear, -0.5 * precision]).T


def needs_shift(at_ends: list[list[float]]) -> bool:
    r"""Whether a sample may be so far from every component that all its :math:`e^{a_{ik}}` underflow.

    ``at_ends`` holds, for each component, :math:`a_k(u)` at the smallest and
    the largest :math:`u_i`. :math:`a_k` is a downward parabola, so it is
    lowest at an end: when some component is above :data:`SAFE_LOG_DENSITY`
    at both ends, every sample has a safe :math:`a_{ik}` and :func:`normalize`
    may skip the subtraction of :math:`m_i`.
    """
    return max(min(pair) for pair in at_ends) < SAFE_LOG_DENSITY


@dataclass(frozen=True)
class SweepPlan:
    r"""What a sweep computes on every block, decided once per iteration from the parameters and the data's ends.

    Attributes
    ----------
    constants : numpy.ndarray, shape (K,)
        :math:`c_k` (:func:`log_normalizers`).
    polynomial : numpy.ndarray, shape (K, 3)
        :math:`a_k(u)` over the rows :math:`u, 1, u^2` (:func:`log_density_polynomial`).
    deviations : numpy.ndarray, shape (K, 2), or None
        The careful way's :math:`z_{ik}` coefficients (:func:`deviation_coefficients`), or
        ``None`` when the product with the quadratic keeps enough digits.
    shift : bool
        Whether :func:`normalize` subtracts :math:`m_i` (:func:`needs_shift`).
    """

    constants: np.ndarray
    polynomial: np.ndarray
    deviations: np.ndarray | None
    shift: bool


def plan_sweep(params: MixtureParams, center: float, ends: np.ndarray) -> SweepPlan:
    r"""The shortcuts a sweep may take, from the log-densities at the two ends of the data.

    The table is one product with the quadratic unless that would cost
    :data:`DIGITS_AT_RISK` digits (:math:`z_{ik}^2 \ge 10^D` at an end), and
    there is no subtraction before ``exp`` when some component is above
    :data:`SAFE_LOG_DENSITY` at both ends, hence everywhere in between.

    Parameters
    ----------
    params : MixtureParams
    center : float
        :math:`c`.
    ends : numpy.ndarray, shape (3, 2)
        The rows :math:`u, 1, u^2` at the smallest and the largest :math:`u_i` (:attr:`Blocks.ends`).
    """
    shifted_means = params.means - center  # m_k
    constants = log_normalizers(params)
    polynomial = log_density_polynomial(constants, shifted_means, params.variances)
    # a_k at the smallest and the largest u: K pairs of numbers, quicker in plain Python than in NumPy
    at_ends = (polynomial @ ends).tolist()
    careful = max(c - min(pair) for c, pair in zip(constants.tolist(), at_ends)) >= 10.0**DIGITS_AT_RISK  # z^2
    deviations = deviation_coefficients(shifted_means, params.variances) if careful else None
    return SweepPlan(constants=constants, polynomial=polynomial, deviations=deviations, shift=needs_shift(at_ends))


def block_sums(
    blocks: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], plan: SweepPlan, about: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    r"""The E-step on each block as ``plan`` says, adding up the ``(K, 3)`` sums for :func:`params_from_sums`, and :math:`\ell`.

    The squares in the sums are about the center, or exactly about the points
    ``about`` (measured from the center) if given.
    """
    constants, deviations = plan.constants, plan.deviations
    sums = np.zeros((constants.size, 3))
    log_likelihood = 0.0
    for rows, table, scratch in blocks:
        if deviations is not None:
            np.square(np.matmul(deviations, rows[:2], out=table), out=table)  # z_ik^2
            np.subtract(constants[:, np.newaxis], table, out=table)  # a_ik = c_k - z_ik^2
        else:
            np.matmul(plan.polynomial, rows, out=table)  # a_ik
        log_likelihood += normalize(table, scratch, shift=plan.shift)  # now gamma_ik
        sums_here = table @ rows.T  # (K, 3): sums of gamma u, gamma, gamma u^2
        if about is not None:
            sums_here[:, 2] = np.vecdot(table, (rows[0] - about[:, np.newaxis]) ** 2)
        sums += sums_here
    return sums, log_likelihood


def sweep(blocks: Blocks, params: MixtureParams, about: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    r"""The E-step block by block, adding up the sums for :func:`params_from_sums`; return them and :math:`\ell`.

    The squares in the sums are about the center, or exactly about the points
    ``about`` (measured from the center) if given. The log-densities at the
    two ends of the data decide the shortcuts (:func:`plan_sweep`); the
    blocks' sums then add up (:func:`block_sums`).
    """
    return block_sums(blocks, plan_sweep(params, blocks.center, blocks.ends), about)


def loses_digits(sums: np.ndarray) -> bool:
    r"""Whether :math:`\sigma_k^2 = \frac1{N_k}\sum_i \gamma_{ik} u_i^2 - m_k^2` would lose more than :data:`DIGITS_AT_RISK` digits.

    The subtraction cancels the digits that :math:`\sigma_k^2` and the mean
    square do not share: many, when a component is narrow and far from the
    center, or collapses onto a few samples.
    """
    # mean square > 10^D variance, both times N_k^2 (K numbers: plain Python is quicker than NumPy)
    return any(
        squares * total > 10.0**DIGITS_AT_RISK * (squares * total - weighted_u**2)
        for weighted_u, total, squares in sums.tolist()
    )


Sweep = Callable[..., tuple[np.ndarray, float]]
"""``sweep(blocks, params, about=None) -> (sums, log_likelihood)``, as :func:`sweep`."""


def em_step(blocks: Blocks, params: MixtureParams, *, sweeper: Sweep | None = None) -> tuple[MixtureParams, float]:
    r"""One EM iteration: one sweep over the blocks, and a second when the first would lose digits.

    ``sweeper`` adds up the sums over the blocks: by default :func:`sweep`,
    one block after the other; :mod:`emlib.dask_fit` passes a map-reduce over
    chunks. ``blocks`` needs ``center`` and ``size``, and what ``sweeper`` reads.

    Returns
    -------
    params : MixtureParams
        The parameters after the M-step.
    log_likelihood : float
        :math:`\ell` at the parameters the iteration started from.
    """
    add_up = sweep if sweeper is None else sweeper
    sums, log_likelihood = add_up(blocks, params)
    about = 0.0  # the squares are about the center
    if loses_digits(sums):
        about = sums[:, 0] / sums[:, 1]  # the new means, from the center
        sums, _ = add_up(blocks, params, about)
    return params_from_sums(sums, about, blocks.size, blocks.center), log_likelihood


def em_vectorized(
    x: object,
    init: MixtureParams,
    *,
    tol: float = 1e-4,
    max_iter: int = 1000,
    stop: str = "params",
    chunk_size: int | None = None,
) -> EMResult:
    """Fit a Gaussian mixture on flat data, block by block, with a log-space E-step.

    Same parameters, result and errors as :func:`emlib.em_original`; in
    addition, starts far from the data give finite results without warnings.

    Parameters
    ----------
    chunk_size : int, optional
        Largest number of samples per block (>= 1); by default
        :func:`default_block_size`. Memory beyond the data is
        :math:`(K + 4)` times ``chunk_size`` values, whatever :math:`N`; the
        result does not depend on it beyond rounding. Each block costs a
        dozen NumPy calls (some microseconds), so blocks of fewer than about a
        thousand samples spend more time on calls than on arithmetic.

    Raises
    ------
    TypeError, ValueError
        Also if ``chunk_size`` is not ``None`` or an integer >= 1.
    """
    if chunk_size is not None:
        check_int(chunk_size, "chunk_size", minimum=1)

    def prepare(data: np.ndarray) -> Blocks:
        k = init.n_components
        return Blocks(data, k, chunk_size or default_block_size(data.size, k))

    return run_em(x, init, prepare=prepare, step=em_step, tol=tol, max_iter=max_iter, stop=stop, log_space=True)
