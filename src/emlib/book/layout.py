r"""Memory layout: why the long axis goes last.

A NumPy array is one block of memory; its shape says how to walk it. In the
default (C) order the *last* axis is contiguous: neighbours along it are
neighbours in memory. The same responsibilities :math:`\gamma_{ik}` can be
stored as ``(N, K)`` (a sample's :math:`K` values side by side, as the
broadcast version's ``(rows, columns, K)``) or as ``(K, N)`` (each
component's :math:`N` values in one run, as :mod:`emlib.vectorized`).

NumPy's loops run fastest over long contiguous runs. In the ``(K, N)`` layout
a reduction over the components adds :math:`K` runs of length :math:`N`, and a
reduction over the samples walks runs of length :math:`N`; in the ``(N, K)``
layout with :math:`K = 2`, both reductions are made of :math:`N` tiny pieces
of length 2, and the per-piece overhead dominates.

:func:`layouts` builds the two layouts of the same values,
:func:`time_reductions` times the four sums, :func:`plot_reduction_times`
draws them and :func:`plot_memory_order` draws where each value lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from emlib.book.profiling import time_call
from emlib.validation import check_int

MAX_DRAWN_SAMPLES = 12
"""Largest :math:`N` that :func:`plot_memory_order` draws."""

MAX_DRAWN_COMPONENTS = 4
"""Largest :math:`K` that :func:`plot_memory_order` draws."""

COMPONENT_COLOURS = ("#9fc5e8", "#f6b26b", "#b6d7a8", "#d5a6bd")
"""Fill colour of component :math:`k` in :func:`plot_memory_order`."""

FIGURE_WIDTH = 5.5
"""Width of the figures in inches. A phone shows a figure about 340 CSS pixels wide,
so with :data:`SMALLEST_TEXT` the text stays at 9 pixels or more."""

SMALLEST_TEXT = 11
"""Font size in points of the smallest text the figures draw themselves (labels in cells and next to bars)."""


@dataclass(frozen=True)
class ReductionTiming:
    """How long one sum over one axis of one layout takes.

    Attributes
    ----------
    layout : str
        ``"(N, K)"`` (samples first) or ``"(K, N)"`` (components first).
    over : str
        What the sum runs over: ``"components"`` or ``"samples"``.
    call : str
        The NumPy call, e.g. ``"gamma_nk.sum(axis=1)"``.
    seconds : float
        Seconds per call, best of the repeats (see :func:`emlib.book.profiling.time_call`).
    """

    layout: str
    over: str
    call: str
    seconds: float


def layouts(n_samples: int, n_components: int = 2, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The same random responsibility-like values in the two layouts.

    Parameters
    ----------
    n_samples : int
        :math:`N` (>= 1).
    n_components : int, default 2
        :math:`K` (>= 1).
    seed : int, default 0
        Seed of ``numpy.random.default_rng`` (>= 0).

    Returns
    -------
    samples_first : numpy.ndarray, shape (N, K)
        C-contiguous: the :math:`K` values of one sample are neighbours.
    components_first : numpy.ndarray, shape (K, N)
        C-contiguous: the :math:`N` values of one component are neighbours.
        ``components_first == samples_first.T`` element by element.

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If ``n_samples`` or ``n_components`` is < 1, or ``seed`` < 0.
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    n_components = check_int(n_components, "n_components", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    samples_first = np.random.default_rng(seed).random((n_samples, n_components))
    return samples_first, np.ascontiguousarray(samples_first.T)


def time_reductions(
    n_samples: int, n_components: int = 2, *, number: int = 20, repeat: int = 5, seed: int = 0
) -> list[ReductionTiming]:
    r"""Time the sum over components and the sum over samples in both layouts.

    The four calls are ``gamma_nk.sum(axis=1)`` and ``gamma_kn.sum(axis=0)``
    (over the components: :math:`\sum_k`, as in normalising the
    responsibilities) and ``gamma_nk.sum(axis=0)`` and ``gamma_kn.sum(axis=1)``
    (over the samples: :math:`N_k = \sum_i \gamma_{ik}`, as in the M-step),
    on the arrays of :func:`layouts`.

    Parameters
    ----------
    n_samples, n_components, seed
        As :func:`layouts`.
    number : int, default 20
        Calls per timed run (>= 1).
    repeat : int, default 5
        Timed runs (>= 1); the best is kept.

    Returns
    -------
    list of ReductionTiming
        In the order: over components ``(N, K)``, ``(K, N)``; over samples
        ``(N, K)``, ``(K, N)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`layouts` and :func:`emlib.book.profiling.time_call`.
    """
    samples_first, components_first = layouts(n_samples, n_components, seed=seed)
    number = check_int(number, "number", minimum=1)
    repeat = check_int(repeat, "repeat", minimum=1)
    cases = [
        ("(N, K)", "components", "gamma_nk.sum(axis=1)", lambda: samples_first.sum(axis=1)),
        ("(K, N)", "components", "gamma_kn.sum(axis=0)", lambda: components_first.sum(axis=0)),
        ("(N, K)", "samples", "gamma_nk.sum(axis=0)", lambda: samples_first.sum(axis=0)),
        ("(K, N)", "samples", "gamma_kn.sum(axis=1)", lambda: components_first.sum(axis=1)),
    ]
    return [
        ReductionTiming(layout=layout, over=over, call=call, seconds=time_call(run, number=number, repeat=repeat))
        for layout, over, call, run in cases
    ]


def plot_reduction_times(timings: Sequence[ReductionTiming], *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Bar chart of :func:`time_reductions`: one bar per call, in microseconds.

    Parameters
    ----------
    timings : sequence of ReductionTiming
        At least one, e.g. the result of :func:`time_reductions`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional
        Default: "Summing the same numbers in two layouts".

    Returns
    -------
    matplotlib.axes.Axes
        One bar per timing, top to bottom in the given order, coloured by layout.

    Raises
    ------
    TypeError
        If ``timings`` holds something else than ``ReductionTiming``, ``ax``
        is not an Axes or ``title`` not a string.
    ValueError
        If ``timings`` is empty or a time is not finite and > 0.
    """
    if isinstance(timings, ReductionTiming) or not isinstance(timings, Sequence):
        raise TypeError(f"timings must be a sequence of ReductionTiming, got {type(timings).__name__}")
    if not timings:
        raise ValueError("timings is empty: nothing to draw")
    for timing in timings:
        if not isinstance(timing, ReductionTiming):
            raise TypeError(f"timings must hold ReductionTiming, got {type(timing).__name__}")
        if not (np.isfinite(timing.seconds) and timing.seconds > 0):
            raise ValueError(f"{timing.call} has time {timing.seconds!r}: times must be finite and > 0")
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(FIGURE_WIDTH, 0.75 * len(timings) + 1.9), layout="constrained")
    colours = {"(N, K)": COMPONENT_COLOURS[1], "(K, N)": COMPONENT_COLOURS[0]}
    positions = np.arange(len(timings))[::-1]
    micros = [timing.seconds * 1e6 for timing in timings]
    ax.barh(positions, micros, color=[colours.get(t.layout, "0.7") for t in timings], edgecolor="0.3")
    ax.set_yticks(positions, [f"{t.call}\nsum over {t.over}" for t in timings])
    for y, value in zip(positions, micros):
        ax.text(value, y, f" {value:.0f} µs" if value >= 10 else f" {value:.2g} µs", va="center", fontsize=SMALLEST_TEXT)
    ax.set_xlim(0, max(micros) * 1.45)
    ax.set_xlabel("time per call (µs, on the computer\nthat ran this notebook)")
    ax.set_title(title or "Summing the same numbers in two layouts", loc="right")  # over the labels too
    handles = [Patch(facecolor=colour, edgecolor="0.3", label=f"layout {name}") for name, colour in colours.items()]
    ax.legend(handles=handles, loc="lower right", frameon=False)
    return ax


def plot_memory_order(n_samples: int = 6, n_components: int = 2, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    r"""Draw where each :math:`\gamma_{ik}` lives in memory, in the ``(N, K)`` and ``(K, N)`` layouts.

    Each layout is a strip of :math:`N K` cells, one per ``float64`` in memory
    order, labelled ``i,k`` and coloured by component. Under each strip a
    bracket marks one contiguous run: a sample's :math:`K` values in the
    ``(N, K)`` layout, a component's :math:`N` values in the ``(K, N)`` layout.

    Parameters
    ----------
    n_samples : int, default 6
        :math:`N`, 1 to :data:`MAX_DRAWN_SAMPLES`.
    n_components : int, default 2
        :math:`K`, 1 to :data:`MAX_DRAWN_COMPONENTS`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional
        Default: "The same values in two memory orders".

    Returns
    -------
    matplotlib.axes.Axes
        Cells are :class:`~matplotlib.patches.Rectangle` patches with ``gid``
        ``"i,k"``; the ``(N, K)`` strip is drawn first.

    Raises
    ------
    TypeError
        If ``n_samples`` or ``n_components`` is not an integer, ``ax`` not an
        Axes or ``title`` not a string.
    ValueError
        If ``n_samples`` or ``n_components`` is out of its range.
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    n_components = check_int(n_components, "n_components", minimum=1)
    if n_samples > MAX_DRAWN_SAMPLES:
        raise ValueError(f"n_samples must be <= {MAX_DRAWN_SAMPLES} to be drawn, got {n_samples}")
    if n_components > MAX_DRAWN_COMPONENTS:
        raise ValueError(f"n_components must be <= {MAX_DRAWN_COMPONENTS} to be drawn, got {n_components}")
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    size = n_samples * n_components
    if ax is None:
        _, ax = plt.subplots(figsize=(max(FIGURE_WIDTH, 0.7 + 0.4 * size), 3.9), layout="constrained")
    strips = [
        ("(N, K)", [(p // n_components, p % n_components) for p in range(size)], n_components, "a sample's"),
        ("(K, N)", [(p % n_samples, p // n_samples) for p in range(size)], n_samples, "a component's"),
    ]
    for row, (_, cells, run, whose) in enumerate(strips):
        y = -2.0 * row
        for position, (i, k) in enumerate(cells):
            ax.add_patch(
                Rectangle((position, y - 0.5), 1, 1, facecolor=COMPONENT_COLOURS[k], edgecolor="0.3", gid=f"{i},{k}")
            )
            ax.text(position + 0.5, y, f"{i},{k}", ha="center", va="center", fontsize=SMALLEST_TEXT)
        # One contiguous run: a sample's K values, or a component's N values.
        ax.plot([0.05, 0.05, run - 0.05, run - 0.05], [y - 0.6, y - 0.75, y - 0.75, y - 0.6], color="0.2", linewidth=1.2)
        ax.text(0, y - 0.8, f"{whose} {run} values, side by side", ha="left", va="top", fontsize=SMALLEST_TEXT)
    ax.set_xlim(-0.1, size + 0.1)
    ax.set_ylim(-3.3, 0.7)
    ax.set_xticks(np.arange(size) + 0.5, [str(p) for p in range(size)])
    ax.set_yticks([0.0, -2.0], [label for label, *_ in strips])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("position in memory (float64 elements)")
    ax.set_title(title or "The same values in two memory orders")
    handles = [
        Patch(facecolor=COMPONENT_COLOURS[k], edgecolor="0.3", label=f"component k={k}") for k in range(n_components)
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=n_components, frameon=False)
    return ax
