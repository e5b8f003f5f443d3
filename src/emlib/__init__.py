"""emlib: EM for a one-dimensional Gaussian mixture, from nested loops to broadcasting.

Every version of the fit that the book shows lives here, with one signature::

    fit(x, init, *, tol=1e-4, max_iter=1000, stop="params") -> EMResult

========================  ======================================================
``em_original``           the question's nested loops, :math:`O(N^2 K)`
``em_hoisted``            the same loops with :math:`N_k` computed once
``em_broadcast``          the answer's broadcast M-step, E-step on the whole grid
``em_vectorized``         flat data, ``(K, N)`` layout, log-space E-step
========================  ======================================================

Every fitter raises :class:`EMBreakdownError` (a ``ValueError``) with the same
message when EM breaks down on the same input, and warns with
:class:`SymmetricStartWarning` when it starts from components that can never
separate.
"""

from emlib.broadcast import em_broadcast
from emlib.driver import EMBreakdownError, EMResult
from emlib.hoisted import em_hoisted
from emlib.original import em_original
from emlib.params import SEED_PROBLEM, MixtureParams, Problem
from emlib.sampling import sample, sample_loops
from emlib.validation import SymmetricStartWarning
from emlib.vectorized import em_vectorized

FITTERS = {
    "em_original": em_original,
    "em_hoisted": em_hoisted,
    "em_broadcast": em_broadcast,
    "em_vectorized": em_vectorized,
}
"""Every fitter by name, slowest first."""

__all__ = [
    "EMBreakdownError",
    "EMResult",
    "FITTERS",
    "MixtureParams",
    "Problem",
    "SEED_PROBLEM",
    "SymmetricStartWarning",
    "em_broadcast",
    "em_hoisted",
    "em_original",
    "em_vectorized",
    "sample",
    "sample_loops",
]
