"""Where the time goes: a function-level profile of one call, and the time of a small call.

:func:`profile` runs a call under :mod:`cProfile`, reads the result with
:mod:`pstats`, and keeps it as a small table that a notebook displays; the
chapters use it to find the expensive lines (``norm.pdf`` called once per
sample, ``sum(sum(...))`` once per sample). :func:`time_call` times a small
statement with :mod:`timeit`, the way the chapters compare two ways of writing
one line.
"""

from __future__ import annotations

import cProfile
import html
import pstats
import re
import time
import timeit
from dataclasses import dataclass, field
from typing import Any, Callable

from emlib.validation import check_int

SORT_KEYS = ("own_seconds", "total_seconds", "calls")
"""What a profile table can be ordered by (largest first)."""

_BUILTIN_METHOD = re.compile(r"^<built-in method (?:builtins\.)?(?P<name>[\w.]+)>$")
_OBJECT_METHOD = re.compile(r"^<method '(?P<method>\w+)' of '(?P<type>[\w.]+)' objects>$")


@dataclass(frozen=True)
class ProfileRow:
    """One function's line of a profile.

    Attributes
    ----------
    name : str
        The function's name, e.g. ``"pdf"``, ``"sum"``, ``"numpy.ufunc.reduce"``.
    location : str
        Where it is defined, e.g. ``"emlib/original.py:64"``; ``"built-in"``
        for functions written in C.
    calls : int
        How many times it was called.
    own_seconds : float
        Time spent in the function itself, not in functions it called
        (pstats' ``tottime``).
    total_seconds : float
        Time spent in the function and everything it called (pstats' ``cumtime``).
    """

    name: str
    location: str
    calls: int
    own_seconds: float
    total_seconds: float

    @property
    def label(self) -> str:
        """``name (location)``, as the table shows it."""
        return f"{self.name} ({self.location})"


def _describe(key: tuple[str, int, str]) -> tuple[str, str]:
    """``(name, location)`` of a pstats key ``(file, line, function)``."""
    filename, line, function = key
    if filename == "~":  # written in C
        builtin = _BUILTIN_METHOD.match(function)
        if builtin:
            return builtin["name"], "built-in"
        method = _OBJECT_METHOD.match(function)
        if method:
            return f"{method['type']}.{method['method']}", "built-in"
        return function.strip("<>"), "built-in"
    path = filename.replace("\\", "/")
    for root in ("/site-packages/", "/src/", "/lib/python"):
        if root in path:
            path = path.rsplit(root, 1)[1]
            break
    else:
        path = path.rsplit("/", 1)[-1]
    return function, f"{path}:{line}"


def _row_of(stats: pstats.Stats, key: tuple[str, int, str]) -> ProfileRow:
    """The :class:`ProfileRow` of one pstats entry."""
    _, calls, own, total, _ = stats.stats[key]  # type: ignore[attr-defined]
    name, location = _describe(key)
    return ProfileRow(name=name, location=location, calls=calls, own_seconds=own, total_seconds=total)


@dataclass(frozen=True)
class Profile:
    """A cProfile run: every function called, largest cost first.

    Create it with :func:`profile`. In a notebook it displays as a table of
    the first ``top`` rows; :meth:`lookup` finds any function's row.

    Attributes
    ----------
    rows : tuple of ProfileRow
        Every function that ran, ordered by ``sort``, largest first.
    total_seconds : float
        The profiled call's total time (profiling slows code down, so this is
        more than the call takes without the profiler).
    top : int
        How many rows the table shows.
    sort : str
        The field the rows are ordered by, one of :data:`SORT_KEYS`.
    stats : pstats.Stats
        The full statistics, for anything the table does not show
        (e.g. ``stats.print_callers("sum")``).
    """

    rows: tuple[ProfileRow, ...]
    total_seconds: float
    top: int
    sort: str
    stats: pstats.Stats = field(repr=False, compare=False)

    def _matches(self, name: str, location: str | None) -> list[tuple[tuple[str, int, str], ProfileRow]]:
        found = []
        for key in self.stats.stats:  # type: ignore[attr-defined]
            row_name, row_location = _describe(key)
            if row_name == name and (location is None or row_location == location):
                found.append((key, _row_of(self.stats, key)))
        return found

    def _one(self, name: str, location: str | None, role: str) -> tuple[tuple[str, int, str], ProfileRow]:
        if not isinstance(name, str):
            raise TypeError(f"{role} must be a function name (str), got {type(name).__name__}")
        if location is not None and not isinstance(location, str):
            raise TypeError(f"location must be a string or None, got {type(location).__name__}")
        found = self._matches(name, location)
        if not found:
            raise ValueError(f"no function named {name!r} ran in this profile")
        if len(found) > 1:
            places = ", ".join(row.location for _, row in found)
            raise ValueError(f"{len(found)} functions named {name!r} ran ({places}): pass location= to choose one")
        return found[0]

    def lookup(self, name: str, *, location: str | None = None, called_from: str | None = None) -> ProfileRow:
        """The row of the function called ``name``, optionally only its calls from one caller.

        Parameters
        ----------
        name : str
            The function's name as the table shows it, e.g. ``"pdf"`` or ``"sum"``.
        location : str, optional
            Its location, e.g. ``"emlib/original.py:64"``, when several
            functions share the name.
        called_from : str, optional
            A caller's name (e.g. ``"m_step"``): count only the calls it made,
            and the time they took.

        Returns
        -------
        ProfileRow

        Raises
        ------
        TypeError
            If ``name``, ``location`` or ``called_from`` is not a string.
        ValueError
            If no function, or several functions, match; or the caller never
            called the function.
        """
        key, row = self._one(name, location, "name")
        if called_from is None:
            return row
        caller_key, _ = self._one(called_from, None, "called_from")
        callers = self.stats.stats[key][4]  # type: ignore[attr-defined]
        if caller_key not in callers:
            raise ValueError(f"{called_from!r} never called {name!r} in this profile")
        _, calls, own, total = callers[caller_key]
        return ProfileRow(name=row.name, location=row.location, calls=calls, own_seconds=own, total_seconds=total)

    def share(self, row: ProfileRow) -> float:
        """``row.own_seconds`` as a fraction of the whole call's time, in [0, 1].

        Raises
        ------
        TypeError
            If ``row`` is not a :class:`ProfileRow`.
        """
        if not isinstance(row, ProfileRow):
            raise TypeError(f"row must be a ProfileRow, got {type(row).__name__}")
        return row.own_seconds / self.total_seconds if self.total_seconds > 0 else 0.0

    def __str__(self) -> str:
        header = f"{'function':<58} {'calls':>7} {'own s':>9} {'own %':>6} {'with callees s':>14}"
        lines = [header, "-" * len(header)]
        for row in self.rows[: self.top]:
            lines.append(
                f"{row.label[:58]:<58} {row.calls:>7} {row.own_seconds:>9.4f} "
                f"{100 * self.share(row):>6.1f} {row.total_seconds:>14.4f}"
            )
        lines.append(f"total: {self.total_seconds:.4f} s under the profiler")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cell = "padding: 0.1em 0.4em"
        number = f"{cell}; text-align: right"
        rows = []
        for row in self.rows[: self.top]:
            rows.append(
                "<tr>"
                f"<td style='{cell}'><code>{html.escape(row.name)}</code></td>"
                # The file name only, to fit a page; the full location shows on hover.
                f"<td style='{cell}' title='{html.escape(row.location, quote=True)}'>"
                f"{html.escape(row.location.rsplit('/', 1)[-1])}</td>"
                f"<td style='{number}'>{row.calls:,}</td>"
                f"<td style='{number}'>{row.own_seconds:.4f}</td>"
                f"<td style='{number}'>{100 * self.share(row):.1f}</td>"
                f"<td style='{number}'>{row.total_seconds:.4f}</td>"
                "</tr>"
            )
        headers = "".join(
            f"<th style='{style}'>{title}</th>"
            for title, style in [
                ("function", cell),
                ("defined in", cell),
                ("calls", number),
                ("own time (s)", number),
                ("own time (%)", number),
                ("with callees (s)", number),
            ]
        )
        return (
            f"<table style='font-size: 0.85em'><thead><tr>{headers}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p>Total: {self.total_seconds:.4f} s under the profiler; "
            f"{min(self.top, len(self.rows))} of {len(self.rows)} functions shown, by {self.sort.replace('_', ' ')}.</p>"
        )


def profile(call: Callable[[], Any], *, top: int = 8, sort: str = "own_seconds") -> Profile:
    """Run ``call()`` once under :mod:`cProfile` and tabulate every function it ran.

    Parameters
    ----------
    call : callable
        Takes no arguments, e.g. ``lambda: em_original(x, init, tol=0, max_iter=1)``.
    top : int, default 8
        Rows the table shows (>= 1); :meth:`Profile.lookup` sees them all.
    sort : {"own_seconds", "total_seconds", "calls"}, default "own_seconds"
        Order of the rows, largest first. ``"own_seconds"`` (pstats'
        ``tottime``) points at the code that does the work;
        ``"total_seconds"`` (``cumtime``) at the code that calls it.

    Returns
    -------
    Profile

    Raises
    ------
    TypeError
        If ``call`` is not callable, ``top`` is not an integer or ``sort`` not a string.
    ValueError
        If ``top`` < 1 or ``sort`` is not one of :data:`SORT_KEYS`.
    """
    if not callable(call):
        raise TypeError(f"call must be callable (e.g. a lambda), got {type(call).__name__}")
    top = check_int(top, "top", minimum=1)
    if not isinstance(sort, str):
        raise TypeError(f"sort must be a string, one of {SORT_KEYS}, got {type(sort).__name__}")
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort {sort!r}: use one of {SORT_KEYS}")
    profiler = cProfile.Profile()
    profiler.runcall(call)
    stats = pstats.Stats(profiler)
    rows = sorted(
        (_row_of(stats, key) for key in stats.stats),  # type: ignore[attr-defined]
        key=lambda row: getattr(row, sort),
        reverse=True,
    )
    return Profile(rows=tuple(rows), total_seconds=stats.total_tt, top=top, sort=sort, stats=stats)  # type: ignore[attr-defined]


def time_call(call: Callable[[], Any], *, number: int = 10, repeat: int = 5, cpu: bool = False) -> float:
    """Seconds one ``call()`` takes: the best of ``repeat`` runs of ``number`` calls each.

    The minimum is the run least disturbed by other work on the machine,
    which is what :mod:`timeit` recommends for comparing two ways of writing
    a small piece of code.

    Parameters
    ----------
    call : callable
        Takes no arguments, e.g. ``lambda: np.array(rows).shape[1]``.
    number : int, default 10
        Calls per run (>= 1).
    repeat : int, default 5
        Runs (>= 1).
    cpu : bool, default False
        Measure processor time (:func:`time.process_time`: the time this
        process ran) instead of wall-clock time (:func:`time.perf_counter`).
        Other programs on a busy machine do not inflate processor time; for
        single-threaded code it is the wall-clock time the call would take on
        an idle machine.

    Returns
    -------
    float
        Seconds per call.

    Raises
    ------
    TypeError
        If ``call`` is not callable, ``number``/``repeat`` are not integers,
        or ``cpu`` is not a bool.
    ValueError
        If ``number`` or ``repeat`` is < 1.
    """
    if not callable(call):
        raise TypeError(f"call must be callable (e.g. a lambda), got {type(call).__name__}")
    number = check_int(number, "number", minimum=1)
    repeat = check_int(repeat, "repeat", minimum=1)
    if not isinstance(cpu, bool):
        raise TypeError(f"cpu must be True or False, got {type(cpu).__name__}")
    clock = time.process_time if cpu else time.perf_counter
    return min(timeit.repeat(call, number=number, repeat=repeat, timer=clock)) / number
