r"""From the readable whole-array EM to :func:`emlib.em_vectorized`, one change at a time.

Chapter 6 walks these fitters in order; each changes one thing in the one
before, and each has :func:`emlib.em_vectorized`'s signature, so that they can
be checked against each other and timed the same way:

=======================  ===================================================================
``em_whole_arrays``      :func:`emlib.vectorized.e_step` and :func:`~emlib.vectorized.m_step`:
                         flat data, ``(K, N)`` tables, log space, matrix products
``em_one_product``       the data centered once, held as the rows :math:`u_i, 1, u_i^2`;
                         the log-density table as one ``(K, 3) @ (3, N)`` product
``em_one_sweep``         the M-step's three sums as one more product, and the variance
                         from them in one sweep: :math:`\frac{1}{N_k}\sum_i \gamma_{ik} u_i^2 - m_k^2`
``em_unshifted``         no subtraction of :math:`m_i = \max_k a_{ik}` before ``exp``
                         when the two ends of the data show it is safe
``em_vectorized``        the same, block by block, with the digit checks (:mod:`emlib.vectorized`)
=======================  ===================================================================

``em_uncentred`` is ``em_one_sweep`` without the centering (:math:`c = 0`):
the formula :math:`E[x^2] - \mu^2` that scikit-learn's diagonal
``GaussianMixture`` uses, kept to show what centering protects against.

The steps share their pieces with :mod:`emlib.vectorized`:
:func:`~emlib.vectorized.Blocks` (here one block holding every sample),
:func:`~emlib.vectorized.log_density_polynomial`,
:func:`~emlib.vectorized.normalize`, :func:`~emlib.vectorized.needs_shift`
and :func:`~emlib.vectorized.params_from_sums`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emlib import vectorized
from emlib.driver import EMResult, EStep, Fitter, MStep, run_em
from emlib.params import MixtureParams
from emlib.vectorized import Blocks, log_density_polynomial, log_normalizers, needs_shift, normalize, params_from_sums


@dataclass(frozen=True)
class Whole:
    r"""Every sample in one block: the rows :math:`u_i, 1, u_i^2` and room for the ``(K, N)`` table.

    Attributes
    ----------
    rows : numpy.ndarray, shape (3, N)
        :math:`u_i = x_i - c`, 1 and :math:`u_i^2`.
    table : numpy.ndarray, shape (K, N)
        Work space: :math:`a_{ik}`, then :math:`\gamma_{ik}`.
    scratch : numpy.ndarray, shape (N,)
        Work space for :func:`emlib.vectorized.normalize`.
    center : float
        :math:`c`.
    ends : numpy.ndarray, shape (3, 2)
        The rows at the smallest and the largest :math:`u_i`.
    """

    rows: np.ndarray
    table: np.ndarray
    scratch: np.ndarray
    center: float
    ends: np.ndarray

    @property
    def size(self) -> int:
        """:math:`N`."""
        return self.rows.shape[1]


def one_block(samples: np.ndarray, n_components: int, *, centered: bool = True) -> Whole:
    """The samples as :class:`Whole`: a :class:`~emlib.vectorized.Blocks` of one block, filled once.

    Parameters
    ----------
    samples : numpy.ndarray
        Validated samples, any shape, never modified (the rows hold them centered).
    n_components : int
        :math:`K`.
    centered : bool, default True
        Measure from the mean of the samples; ``False`` keeps :math:`c = 0`.
    """
    blocks = Blocks(samples, n_components, samples.size, center=None if centered else 0.0)
    [(rows, table, scratch)] = list(blocks)  # one block holds every sample
    return Whole(rows=rows, table=table, scratch=scratch, center=blocks.center, ends=blocks.ends)


def product_e_step(
    data: Whole, params: MixtureParams, *, skip_safe_shift: bool = False
) -> tuple[np.ndarray, float]:
    r"""The E-step with the log-density table as one product: ``(K, 3) @ (3, N)``.

    :math:`a_{ik} = c_k - (u_i - m_k)^2 / (2\sigma_k^2)` is a quadratic in
    :math:`u_i` (:func:`~emlib.vectorized.log_density_polynomial`), so the
    whole table is the coefficients times the rows :math:`u_i, 1, u_i^2`.
    With ``skip_safe_shift``, :func:`~emlib.vectorized.normalize` skips the
    subtraction of :math:`m_i` when :func:`~emlib.vectorized.needs_shift`
    says no sample can underflow.

    Returns
    -------
    responsibilities : numpy.ndarray, shape (K, N)
        ``data.table``, overwritten.
    log_likelihood : float
    """
    polynomial = log_density_polynomial(log_normalizers(params), params.means - data.center, params.variances)
    shift = True
    if skip_safe_shift:
        shift = needs_shift((polynomial @ data.ends).tolist())  # a_k at the two ends: K pairs of numbers
    np.matmul(polynomial, data.rows, out=data.table)  # a_ik for every sample at once
    return data.table, normalize(data.table, data.scratch, shift=shift)


def unshifted_e_step(data: Whole, params: MixtureParams) -> tuple[np.ndarray, float]:
    """:func:`product_e_step`, skipping the subtraction before ``exp`` when it is safe."""
    return product_e_step(data, params, skip_safe_shift=True)


def two_pass_m_step(data: Whole, responsibilities: np.ndarray) -> MixtureParams:
    """:func:`emlib.vectorized.m_step` on :math:`u_i`, the means moved back by :math:`c`."""
    on_u = vectorized.m_step(data.rows[0], responsibilities)
    return MixtureParams(means=on_u.means + data.center, variances=on_u.variances, weights=on_u.weights)


def one_sweep_m_step(data: Whole, responsibilities: np.ndarray) -> MixtureParams:
    r"""The M-step's sums as one product: :math:`\sum_i \gamma_{ik} u_i`, :math:`N_k`, :math:`\sum_i \gamma_{ik} u_i^2`.

    The variance is then :math:`\frac{1}{N_k}\sum_i \gamma_{ik} u_i^2 - m_k^2`
    (:func:`~emlib.vectorized.params_from_sums` with the squares about
    :math:`r_k = 0`): no second pass over the data.
    """
    sums = responsibilities @ data.rows.T  # (K, N) @ (N, 3) -> (K, 3)
    return params_from_sums(sums, 0.0, data.size, data.center)


def whole_array_fitter(e_step: EStep, m_step: MStep, *, centered: bool = True) -> Fitter:
    """A fitter with :func:`emlib.em_vectorized`'s signature that runs ``e_step`` and ``m_step`` on :func:`one_block`."""

    def fit(x: object, init: MixtureParams, *, tol: float = 1e-4, max_iter: int = 1000, stop: str = "params") -> EMResult:
        def prepare(data: np.ndarray) -> Whole:
            return one_block(data, init.n_components, centered=centered)

        return run_em(x, init, prepare=prepare, e_step=e_step, m_step=m_step, tol=tol, max_iter=max_iter, stop=stop)

    return fit


def em_whole_arrays(
    x: object, init: MixtureParams, *, tol: float = 1e-4, max_iter: int = 1000, stop: str = "params"
) -> EMResult:
    """The readable version: :func:`emlib.vectorized.e_step` and :func:`~emlib.vectorized.m_step` on the flat data."""
    return run_em(
        x,
        init,
        prepare=vectorized.flatten,
        e_step=vectorized.e_step,
        m_step=vectorized.m_step,
        tol=tol,
        max_iter=max_iter,
        stop=stop,
    )


em_one_product = whole_array_fitter(product_e_step, two_pass_m_step)
em_one_sweep = whole_array_fitter(product_e_step, one_sweep_m_step)
em_unshifted = whole_array_fitter(unshifted_e_step, one_sweep_m_step)
em_uncentred = whole_array_fitter(product_e_step, one_sweep_m_step, centered=False)

WALK: dict[str, Fitter] = {
    "em_whole_arrays": em_whole_arrays,
    "em_one_product": em_one_product,
    "em_one_sweep": em_one_sweep,
    "em_unshifted": em_unshifted,
    "em_vectorized": vectorized.em_vectorized,
}
"""The steps from the readable version to :func:`emlib.em_vectorized`, in order (the last is it, not a copy)."""
