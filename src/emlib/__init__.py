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

The names above are imported on first use (PEP 562), so that importing a
submodule, e.g. ``python -m emlib.check``, does not import NumPy: the setup
check must run, and report, where NumPy is missing.
"""

import importlib as _importlib
import importlib.util as _importlib_util
import typing as _typing

if _typing.TYPE_CHECKING:
    from emlib.broadcast import em_broadcast
    from emlib.driver import EMBreakdownError, EMResult
    from emlib.hoisted import em_hoisted
    from emlib.original import em_original
    from emlib.params import SEED_PROBLEM, MixtureParams, Problem
    from emlib.sampling import sample, sample_loops
    from emlib.validation import SymmetricStartWarning
    from emlib.vectorized import em_vectorized

_HOMES = {
    "EMBreakdownError": "emlib.driver",
    "EMResult": "emlib.driver",
    "MixtureParams": "emlib.params",
    "Problem": "emlib.params",
    "SEED_PROBLEM": "emlib.params",
    "em_broadcast": "emlib.broadcast",
    "em_hoisted": "emlib.hoisted",
    "em_original": "emlib.original",
    "em_vectorized": "emlib.vectorized",
    "sample": "emlib.sampling",
    "sample_loops": "emlib.sampling",
    "SymmetricStartWarning": "emlib.validation",
}
"""The module each public name lives in."""

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


def __getattr__(name: str) -> object:
    """Import a public name, or a submodule, on first use, and keep it here."""
    if name == "FITTERS":
        value: object = {fit: __getattr__(fit) for fit in ("em_original", "em_hoisted", "em_broadcast", "em_vectorized")}
    elif name in _HOMES:
        value = getattr(_importlib.import_module(_HOMES[name]), name)
    elif not name.startswith("_") and _importlib_util.find_spec(f"{__name__}.{name}") is not None:
        value = _importlib.import_module(f"{__name__}.{name}")  # a submodule, e.g. emlib.vectorized
    else:
        raise AttributeError(f"module 'emlib' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
