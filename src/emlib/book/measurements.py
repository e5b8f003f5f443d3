"""Measurements the book quotes in several chapters, taken once and reused.

The question's loops take seconds per iteration, and chapters 1, 3, 4 and 7
all quote how long. Measuring again in every chapter would cost a minute per
build and give a different number on every page. Instead, each measurement has
a name, and :func:`recall` keeps its value in a JSON file under ``_build/``
(:data:`CACHE`), keyed by the name and a hash of the code it measures: the
first chapter to ask measures, every later chapter (and every rebuild) reads
the same value, and editing the measured code measures again.

All times are processor time (:func:`time.process_time`, via
:func:`emlib.book.profiling.time_call` with ``cpu=True``): other programs on
a busy machine do not inflate it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import emlib
from emlib import driver, hoisted, original
from emlib.book.profiling import time_call
from emlib.files import write_atomically
from emlib.params import SEED_PROBLEM
from emlib.sampling import sample

def _default_cache() -> Path:
    """The repository's ``_build/measurements/`` when emlib runs from the book's repository, else the user's cache."""
    repository = Path(__file__).resolve().parents[3]
    if (repository / "_config.yml").is_file():
        return repository / "_build" / "measurements" / "measurements.json"
    return Path.home() / ".cache" / "emlib" / "measurements.json"


CACHE = _default_cache()
"""Where :func:`recall` keeps its values: the repository's ``_build/`` folder, which the build keeps."""

DATA_SEED = 2019
"""The seed of the question's data in every chapter."""

ROW_COUNTS = (2, 4, 8, 16, 32)
"""Rows of 100 columns at which the loop versions are timed (200 to 3,200 samples)."""

LOOP_VERSIONS = {"em_original": original, "em_hoisted": hoisted}
"""The versions that loop in Python, and the module each is written in."""


def code_key(*code: Callable[..., Any] | ModuleType) -> str:
    """A short hash of the source code of functions and modules: it changes when their code does.

    Raises
    ------
    TypeError
        If an argument is not a function, class or module with source code.
    """
    digest = hashlib.sha256()
    for item in code:
        try:
            digest.update(inspect.getsource(item).encode())
        except (TypeError, OSError) as err:
            raise TypeError(f"cannot read the source code of {item!r}: {err}") from None
    return digest.hexdigest()[:16]


def _read(path: Path) -> dict[str, Any]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or damaged: measure again
        return {}
    return stored if isinstance(stored, dict) else {}


def recall(name: str, measure: Callable[[], Any], *, depends_on: Sequence[Callable[..., Any] | ModuleType] = (),
           path: str | os.PathLike[str] | None = None) -> Any:
    """The value of the measurement ``name``: stored if its code is unchanged, else measured now and stored.

    Parameters
    ----------
    name : str
        What is measured, e.g. ``"em_original at N = 25,500"``.
    measure : callable
        Takes no arguments and returns a JSON value (a number, or lists and
        dicts of numbers).
    depends_on : sequence of functions or modules
        The code that ``measure`` times; with ``measure`` itself, its source
        makes the key, so a change to it measures again.
    path : path-like, optional
        The JSON file; :data:`CACHE` by default.

    Returns
    -------
    The measured value, as JSON stores it (tuples become lists).

    Raises
    ------
    TypeError
        If ``name`` is not a string, ``measure`` is not callable, or its value
        is not JSON.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    if not callable(measure):
        raise TypeError(f"measure must be callable, got {type(measure).__name__}")
    file = CACHE if path is None else Path(path)
    key = code_key(measure, *depends_on)
    entry = _read(file).get(name)
    if isinstance(entry, dict) and entry.get("key") == key and "value" in entry:
        return entry["value"]
    value = measure()
    try:
        value = json.loads(json.dumps(value))
    except (TypeError, ValueError) as err:
        raise TypeError(f"measurement {name!r} returned {type(value).__name__}, which JSON cannot store: {err}") from None
    stored = _read(file)  # again: another notebook may have stored something meanwhile
    stored[name] = {"key": key, "value": value}
    write_atomically(file, lambda handle: handle.write((json.dumps(stored, indent=1, sort_keys=True) + "\n").encode()))
    return value


def _check_version(name: object) -> str:
    if name not in LOOP_VERSIONS:
        raise ValueError(f"unknown loop version {name!r}: use one of {sorted(LOOP_VERSIONS)}")
    return str(name)


def _one_iteration(name: str, rows: int, repeat: int) -> float:
    """Processor seconds of one iteration of a loop version on the first ``rows`` rows of the question's data."""
    x = sample(SEED_PROBLEM.true, SEED_PROBLEM.shape, seed=DATA_SEED)[:rows]
    fit = emlib.FITTERS[name]
    return time_call(lambda: fit(x, SEED_PROBLEM.start, tol=0, max_iter=1), number=1, repeat=repeat, cpu=True)


def full_size_seconds(name: str, *, path: str | os.PathLike[str] | None = None) -> float:
    """Processor seconds of one iteration of ``name`` on the question's 255 x 100 samples (one run).

    Parameters
    ----------
    name : {"em_original", "em_hoisted"}
    path : path-like, optional
        The cache file (see :func:`recall`).

    Raises
    ------
    ValueError
        If ``name`` is not a loop version.
    """
    name = _check_version(name)

    def measure() -> float:
        return _one_iteration(name, SEED_PROBLEM.shape[0], repeat=1)

    return float(recall(f"{name} at the full size", measure,
                        depends_on=(_one_iteration, LOOP_VERSIONS[name], driver), path=path))


def seconds_by_rows(name: str, *, path: str | os.PathLike[str] | None = None) -> dict[str, list]:
    """Processor seconds of one iteration of ``name`` at each of :data:`ROW_COUNTS` rows (best of 3).

    Returns
    -------
    dict
        ``{"rows": [...], "sizes": [...], "seconds": [...]}``, ``sizes`` being
        :math:`N` = rows x 100.

    Raises
    ------
    ValueError
        If ``name`` is not a loop version.
    """
    name = _check_version(name)
    columns = SEED_PROBLEM.shape[1]

    def measure() -> dict[str, list]:
        return {
            "rows": list(ROW_COUNTS),
            "sizes": [rows * columns for rows in ROW_COUNTS],
            "seconds": [_one_iteration(name, rows, repeat=3) for rows in ROW_COUNTS],
        }

    return recall(f"{name} by rows", measure, depends_on=(_one_iteration, LOOP_VERSIONS[name], driver), path=path)
