r"""Parameters of a one-dimensional Gaussian mixture, and the question's setting.

Notation (the book's notation table): a mixture of :math:`K` components with
means :math:`\mu_k`, variances :math:`\sigma_k^2` and weights :math:`\pi_k`,

.. math:: p(x) = \sum_{k=1}^{K} \pi_k \, \mathcal{N}(x \mid \mu_k, \sigma_k^2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emlib.validation import as_real_array

WEIGHT_SUM_TOLERANCE = 1e-8
r"""How far from 1 the weights :math:`\sum_k \pi_k` may sum (rounding only)."""


@dataclass(frozen=True)
class MixtureParams:
    r"""Means, variances and weights of a :math:`K`-component Gaussian mixture.

    Parameters
    ----------
    means : array_like, shape (K,)
        Component means :math:`\mu_k`, finite.
    variances : array_like, shape (K,)
        Component variances :math:`\sigma_k^2`, finite and > 0.
    weights : array_like, shape (K,)
        Mixing weights :math:`\pi_k`, each >= 0, summing to 1 within
        ``WEIGHT_SUM_TOLERANCE``.

    Raises
    ------
    TypeError
        If a field is not real numbers (``None``, strings, complex values).
    ValueError
        If a field is not 1-D, is empty, holds NaN or inf, if the lengths
        differ, if a variance is not > 0, or if the weights are negative or do
        not sum to 1. The message names the field.

    Notes
    -----
    The arrays are stored as read-only ``float64`` copies, so a
    ``MixtureParams`` never changes after it is made and never shares memory
    with the caller's arrays; they stay read-only through :func:`copy.copy`,
    :func:`copy.deepcopy` and pickle, which all make a new, validated
    ``MixtureParams``. Two mixtures are equal (``==``) when their means,
    variances and weights are equal value by value (``0.0 == -0.0``); being
    immutable, a ``MixtureParams`` is hashable, so it can be a dict key or a
    set member.
    """

    means: np.ndarray
    variances: np.ndarray
    weights: np.ndarray

    def __post_init__(self) -> None:
        lengths = {}
        for field in ("means", "variances", "weights"):
            values = as_real_array(getattr(self, field), field)
            if values.ndim != 1:
                raise ValueError(f"{field} must be 1-D, got shape {values.shape}")
            if values.size == 0:
                raise ValueError(f"{field} is empty: a mixture needs K >= 1 components")
            if not np.isfinite(values).all():
                raise ValueError(f"{field} must be finite, got {values.tolist()}")
            values.setflags(write=False)
            object.__setattr__(self, field, values)
            lengths[field] = values.size
        if len(set(lengths.values())) != 1:
            raise ValueError(f"means, variances and weights must have equal lengths, got {lengths}")
        if (self.variances <= 0).any():
            raise ValueError(f"variances must be > 0, got {self.variances.tolist()}")
        if (self.weights < 0).any():
            raise ValueError(f"weights must be >= 0, got {self.weights.tolist()}")
        total = float(self.weights.sum())
        if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
            raise ValueError(f"weights must sum to 1, got sum {total!r} from {self.weights.tolist()}")

    @property
    def n_components(self) -> int:
        """The number of components :math:`K`."""
        return self.means.size

    def _fields(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.means, self.variances, self.weights

    def _key(self) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(field.tolist()) for field in self._fields())

    def __eq__(self, other: object) -> bool:
        # False, not NotImplemented, for other types: NumPy would answer an array instead
        return other.__class__ is self.__class__ and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self):
        return type(self), self._fields()

    def as_array(self) -> np.ndarray:
        """The parameters as one ``(3, K)`` array: rows means, variances, weights.

        This is the layout the question keeps its parameters in.
        """
        return np.stack(self._fields())

    def max_abs_change(self, other: MixtureParams) -> float:
        r"""The largest absolute difference of any parameter, :math:`\max |\theta' - \theta|`.

        This is the question's stopping statistic.

        Raises
        ------
        TypeError
            If ``other`` is not a ``MixtureParams``.
        ValueError
            If ``other`` has a different number of components.
        """
        if not isinstance(other, MixtureParams):
            raise TypeError(f"other must be a MixtureParams, got {type(other).__name__}")
        if other.n_components != self.n_components:
            raise ValueError(
                f"cannot compare mixtures of {self.n_components} and {other.n_components} components"
            )
        return float(max(abs(mine - theirs).max() for mine, theirs in zip(self._fields(), other._fields())))


@dataclass(frozen=True)
class Problem:
    """A fitting problem: data-generating parameters, a start, a data shape and a threshold.

    Attributes
    ----------
    true : MixtureParams
        The parameters the data are drawn from.
    start : MixtureParams
        Where EM starts.
    shape : tuple of int
        ``(rows, columns)`` of the data; :math:`N` is their product.
    tol : float
        The absolute threshold on the largest parameter change.
    """

    true: MixtureParams
    start: MixtureParams
    shape: tuple[int, int]
    tol: float

    @property
    def n_samples(self) -> int:
        """The number of samples :math:`N`."""
        return self.shape[0] * self.shape[1]


SEED_PROBLEM = Problem(
    true=MixtureParams(means=[5.7e-4, 5.9e-4], variances=[9.5e-7, 9.5e-7], weights=[0.49, 0.51]),
    start=MixtureParams(means=[-1.0, 1.0], variances=[0.2, 0.2], weights=[0.5, 0.5]),
    shape=(255, 100),
    tol=1e-4,
)
"""The Code Review question's setting: two nearly identical components,
255 x 100 samples, a start far from the data and an absolute threshold of 1e-4."""
