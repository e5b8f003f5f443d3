"""Timing a walk of fitters, each one change from the last, and saying which change earned what.

Chapter 6 goes from ``em_broadcast`` to ``em_vectorized`` in steps
(:mod:`emlib.vectorized_steps`). :func:`time_steps` times every step the same
way, :func:`attribution_table` and :func:`plot_attribution` show each step's
time per iteration, how much faster it is than the step before, and its share
of the time saved from the first step to the last. The shares add up to the
whole gain, and the step speed-ups multiply to the whole speed-up, because
every step is compared with the one measurement of the step before it.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from emlib.book.profiling import time_call
from emlib.book.table import Table
from emlib.driver import Fitter, check_fitters
from emlib.params import MixtureParams
from emlib.validation import check_int


def time_steps(
    fitters: Mapping[str, Fitter], x: np.ndarray, init: MixtureParams, *, n_iter: int = 10, rounds: int = 5
) -> dict[str, float]:
    """Wall-clock seconds per iteration of each fitter: the best of ``rounds`` runs of ``n_iter`` iterations.

    The rounds take the fitters in turn (one run of each, then again), so that
    a moment of load on a busy machine slows one run of every fitter rather
    than all runs of one; the best run is the least disturbed. Each run is
    ``fit(x, init, tol=0, max_iter=n_iter)``, validation and setup included,
    after one untimed run of every fitter.

    Wall-clock time, not processor time: BLAS may split a large matrix
    product across threads whose waiting counts as processor time, so
    processor time would overstate the whole-array versions.

    Parameters
    ----------
    fitters : mapping of str to callable
        The steps in order, e.g. ``{"em_broadcast": emlib.em_broadcast, **emlib.vectorized_steps.WALK}``.
    x : array_like
        The samples.
    init : MixtureParams
        The start.
    n_iter : int, default 10
        Iterations per run (>= 1).
    rounds : int, default 5
        Runs of each fitter (>= 1).

    Returns
    -------
    dict of str to float
        Seconds per iteration, in the order of ``fitters``.

    Raises
    ------
    TypeError
        If ``fitters`` is not a mapping of names to callables, or ``n_iter``/``rounds`` not integers.
    ValueError
        If ``fitters`` is empty, or ``n_iter`` or ``rounds`` is < 1.
    """
    check_fitters(fitters)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    rounds = check_int(rounds, "rounds", minimum=1)
    for fit in fitters.values():
        fit(x, init, tol=0, max_iter=1)  # warm up: imports, caches, memory
    best = {name: np.inf for name in fitters}
    for _ in range(rounds):
        for name, fit in fitters.items():
            seconds = time_call(lambda: fit(x, init, tol=0, max_iter=n_iter), number=1, repeat=1)
            best[name] = min(best[name], seconds / n_iter)
    return best


def _check_times(seconds: object) -> np.ndarray:
    """The times of a walk: two or more steps, each finite and > 0."""
    if not isinstance(seconds, Mapping):
        raise TypeError(f"seconds must be a mapping from step names to times, got {type(seconds).__name__}")
    if len(seconds) < 2:
        raise ValueError(f"a walk needs at least two steps, got {len(seconds)}")
    times = np.array([float(t) for t in seconds.values()])
    if not np.all(np.isfinite(times) & (times > 0)):
        raise ValueError(f"times must be finite and > 0, got {times.tolist()}")
    return times


def _labels_of(seconds: Mapping[str, float], labels: object) -> list[str]:
    """The label of every step, in order."""
    if not isinstance(labels, Mapping):
        raise TypeError(f"labels must be a mapping from step names to labels, got {type(labels).__name__}")
    missing = [name for name in seconds if name not in labels]
    if missing:
        raise ValueError(f"no label for the step(s) {missing}")
    return [str(labels[name]) for name in seconds]


def attribution(seconds: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Each step's speed-up over the step before, and its share of the time saved from the first step to the last.

    Parameters
    ----------
    seconds : mapping of str to float
        Time per iteration of each step, in order (at least two; finite, > 0).

    Returns
    -------
    speedups : numpy.ndarray, shape (steps - 1,)
        ``t[j - 1] / t[j]``; their product is ``t[0] / t[-1]``.
    shares : numpy.ndarray, shape (steps - 1,)
        ``(t[j - 1] - t[j]) / (t[0] - t[-1])``; they add up to 1 (a step that
        made things slower has a negative share).

    Raises
    ------
    TypeError, ValueError
        If ``seconds`` is not a mapping of at least two finite times > 0, or
        the first and last times are equal (nothing was saved to share).
    """
    times = _check_times(seconds)
    saved = times[0] - times[-1]
    if saved == 0:
        raise ValueError("the first and the last step take the same time: there is no gain to share")
    return times[:-1] / times[1:], (times[:-1] - times[1:]) / saved


def attribution_table(seconds: Mapping[str, float], labels: Mapping[str, str]) -> Table:
    """Per step: ms per iteration, speed-up over the row above, share of the time saved.

    Four narrow columns, so that the table fits a phone's width.

    Parameters
    ----------
    seconds : mapping of str to float
        As :func:`attribution`, e.g. the result of :func:`time_steps`.
    labels : mapping of str to str
        A short label for each step name, e.g. ``{"em_one_sweep": "one sweep"}``.

    Returns
    -------
    Table
        One row per step, then a row "total" (first step over last).

    Raises
    ------
    TypeError, ValueError
        As :func:`attribution`, or if a step has no label.
    """
    times = _check_times(seconds)
    names = _labels_of(seconds, labels)
    speedups, shares = attribution(seconds)
    rows = [(names[0], f"{times[0] * 1e3:.2f}", "", "")]
    rows += [
        (name, f"{t * 1e3:.2f}", f"{speedup:.2f}x", f"{round(share, 2) + 0.0:.0%}")  # + 0.0: no "-0%"
        for name, t, speedup, share in zip(names[1:], times[1:], speedups, shares)
    ]
    rows.append(("total", "", f"{times[0] / times[-1]:.1f}x", f"{shares.sum():.0%}"))
    return Table(header=("step", "ms/iter.", "speed-up", "share"), rows=tuple(rows))


def plot_attribution(
    seconds: Mapping[str, float], labels: Mapping[str, str], *, title: str = "Where the time went, step by step"
) -> Figure:
    """Bar chart of a walk: each step's time per iteration (log scale), labelled with its speed-up.

    Sized for a phone: the figure is 5.5 inches wide and its smallest text is
    11 points, so that at 390 CSS pixels of screen the text is at least 9 pixels.

    Parameters
    ----------
    seconds, labels
        As :func:`attribution_table`.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, one horizontal bar per step, the first at the top.

    Raises
    ------
    TypeError, ValueError
        As :func:`attribution_table`, or if ``title`` is not a non-empty string.
    """
    times = _check_times(seconds)
    names = _labels_of(seconds, labels)
    if not isinstance(title, str) or not title.strip():
        raise TypeError(f"title must be a non-empty string, got {title!r}")
    speedups, _ = attribution(seconds)
    millis = times * 1e3
    fig, ax = plt.subplots(figsize=(5.5, 0.55 * len(names) + 1.6), layout="constrained")
    positions = np.arange(len(names))[::-1]
    ax.barh(positions, millis, color="#9fc5e8", edgecolor="0.3")
    ax.set_xscale("log")
    ax.set_yticks(positions, names)
    notes = [f" {millis[0]:.2f} ms"] + [f" {m:.2f} ms, {s:.2f}x" for m, s in zip(millis[1:], speedups)]
    for y, value, note in zip(positions, millis, notes):
        ax.text(value, y, note, va="center", fontsize=11)
    ax.set_xlim(millis.min() / 1.5, millis.max() * 8)
    ax.set_xlabel("ms per iteration (log scale)")
    ax.set_title(title)
    return fig
