r"""Broadcasting made visible: how NumPy lines up shapes and stretches axes of length 1.

NumPy's broadcasting rules, stated plainly:

1. Line the shapes up on the right, so the last axes face each other.
2. Pad the shorter shape on the left with axes of length 1.
3. Compare axis by axis: the lengths must be equal, or one of them must be 1.
   An axis of length 1 is *stretched* to the other length: its one value is
   reused along that axis, without being copied in memory.

The result has, on every axis, the larger of the lengths. In the M-step, the
data column ``x[..., np.newaxis]`` of shape ``(rows, columns, 1)`` meets the
means of shape ``(K,)``: padded to ``(1, 1, K)``, both stretch, and
``x[..., np.newaxis] - means`` has shape ``(rows, columns, K)``, the
differences :math:`x_i - \mu_k` for every sample and every component.

:func:`broadcast_plan` computes the steps, :func:`explain_broadcast` writes
them out, :func:`plot_broadcast` draws them for shapes of any size and
:func:`plot_broadcast_cells` draws the stretched values of two small arrays.
"""

from __future__ import annotations

import numbers
import operator
from dataclasses import dataclass
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from emlib.validation import as_real_array

Shape = tuple[int, ...]

MAX_CELLS = 8
"""Largest length of an axis that :func:`plot_broadcast_cells` draws cell by cell."""

OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
"""The element-wise operators :func:`plot_broadcast_cells` can draw."""

COLOURS = {
    "kept": "#cfe2f3",  # an axis whose length is already the result's
    "stretched": "#f9cb9c",  # an axis of length 1 stretched to the result's length
    "result": "#b6d7a8",
}
"""Fill colours of the diagrams, by the role of a box or cell."""


@dataclass(frozen=True)
class BroadcastPlan:
    """How a set of shapes broadcasts, axis by axis.

    Attributes
    ----------
    shapes : tuple of tuple of int
        The operands' shapes, as given.
    padded : tuple of tuple of int
        Each shape padded on the left with 1s to the result's number of axes.
    added : tuple of tuple of bool
        For each operand and each axis of the result, whether the axis was
        added by padding (the operand did not have it).
    stretched : tuple of tuple of bool
        For each operand and each axis of the result, whether the operand's
        length there is 1 and the result's is larger (the value is reused).
    result : tuple of int
        The broadcast shape.
    """

    shapes: tuple[Shape, ...]
    padded: tuple[Shape, ...]
    added: tuple[tuple[bool, ...], ...]
    stretched: tuple[tuple[bool, ...], ...]
    result: Shape


def _check_shape(shape: object, name: str) -> Shape:
    """A shape as a tuple of ints >= 1; a bare int means a 1-D shape, as in NumPy."""
    dims = (shape,) if isinstance(shape, numbers.Integral) and not isinstance(shape, bool) else shape
    if not isinstance(dims, (tuple, list)) or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in dims
    ):
        raise TypeError(f"{name} must be a tuple of integers, got {shape!r}")
    if any(d < 1 for d in dims):
        raise ValueError(f"{name} must have lengths >= 1, got {tuple(dims)}")
    return tuple(int(d) for d in dims)


def _check_names(names: object, count: int, what: str) -> tuple[str, ...] | None:
    if names is None:
        return None
    if not isinstance(names, (tuple, list)) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"{what} must be a sequence of strings, got {names!r}")
    if len(names) != count:
        raise ValueError(f"{what} must have {count} entries, got {len(names)}")
    return tuple(names)


def _check_ax(ax: object) -> None:
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")


def _check_title(title: object) -> None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")


def broadcast_plan(*shapes: Shape) -> BroadcastPlan:
    """Apply the broadcasting rules to ``shapes``, keeping every intermediate step.

    Parameters
    ----------
    *shapes : tuple of int
        At least one shape, e.g. ``(255, 100, 1)`` and ``(2,)``; lengths >= 1.
        A bare integer ``n`` means the 1-D shape ``(n,)``.

    Returns
    -------
    BroadcastPlan
        The padded shapes, which axes were added and stretched, and the result
        (the same as :func:`numpy.broadcast_shapes`).

    Raises
    ------
    TypeError
        If a shape is not a tuple (or list) of integers.
    ValueError
        If no shape is given, a length is < 1, or two lengths on one axis
        differ and neither is 1; the message names the axis and gives each
        shape's length there, in the order the shapes were given.
    """
    if not shapes:
        raise ValueError("broadcast_plan() needs at least one shape")
    checked = tuple(_check_shape(shape, f"shape {i}") for i, shape in enumerate(shapes))
    ndim = max(len(shape) for shape in checked)
    padded = tuple((1,) * (ndim - len(shape)) + shape for shape in checked)
    result = [1] * ndim
    for axis in reversed(range(ndim)):  # from the right, as the rules compare
        lengths = {shape[axis] for shape in padded} - {1}
        if len(lengths) > 1:
            raise ValueError(
                f"shapes {', '.join(map(str, checked))} do not broadcast: on axis {axis - ndim} the lengths "
                f"are {[shape[axis] for shape in padded]}; on every axis they must be equal or 1"
            )
        result[axis] = lengths.pop() if lengths else 1
    added = tuple(tuple(axis < ndim - len(shape) for axis in range(ndim)) for shape in checked)
    stretched = tuple(tuple(p == 1 and r > 1 for p, r in zip(shape, result)) for shape in padded)
    return BroadcastPlan(shapes=checked, padded=padded, added=added, stretched=stretched, result=tuple(result))


def _format_shape(shape: Shape, width: int, ndim: int) -> str:
    """``shape`` right-aligned in ``ndim`` slots of ``width`` characters, e.g. ``(255, 100,   1)``."""
    full = 2 + ndim * width + 2 * max(ndim - 1, 0)
    return ("(" + ", ".join(str(d).rjust(width) for d in shape) + ")").rjust(full)


def explain_broadcast(*shapes: Shape, names: Sequence[str] | None = None) -> str:
    """The broadcasting rules applied to ``shapes``, step by step, as text.

    Parameters
    ----------
    *shapes : tuple of int
        At least one shape (see :func:`broadcast_plan`).
    names : sequence of str, optional
        What to call each operand, e.g. ``("x[..., np.newaxis]", "means")``;
        default ``a``, ``b``, ...

    Returns
    -------
    str
        Lines: the shapes lined up on the right, padded with 1s, compared axis
        by axis, and the result.

    Raises
    ------
    TypeError, ValueError
        As :func:`broadcast_plan`; also if ``names`` is not a sequence of one
        string per shape.
    """
    plan = broadcast_plan(*shapes)
    labels = _check_names(names, len(plan.shapes), "names") or tuple(chr(ord("a") + i) for i in range(len(plan.shapes)))
    ndim = len(plan.result)
    width = max([len(str(d)) for shape in plan.padded for d in shape] + [1])
    pad = max(len(label) for label in labels) + 2
    lines = [f"Broadcasting {' with '.join(f'{label} {shape}' for label, shape in zip(labels, plan.shapes))}:"]
    lines.append("1. Line the shapes up on the right:")
    lines += [f"     {label.ljust(pad)}{_format_shape(shape, width, ndim)}" for label, shape in zip(labels, plan.shapes)]
    lines.append("2. Pad the shorter shapes with 1s on the left:")
    lines += [f"     {label.ljust(pad)}{_format_shape(shape, width, ndim)}" for label, shape in zip(labels, plan.padded)]
    lines.append("3. Axis by axis, lengths must be equal or 1; a 1 is stretched:")
    for axis in range(ndim):
        lengths = " and ".join(str(shape[axis]) for shape in plan.padded)
        who = [label for label, flags in zip(labels, plan.stretched) if flags[axis]]
        note = f" ({', '.join(who)} stretched)" if who else ""
        lines.append(f"     axis {axis - ndim}: {lengths} -> {plan.result[axis]}{note}")
    lines.append(f"Result: {plan.result}")
    return "\n".join(lines)


def plot_broadcast(
    *shapes: Shape,
    names: Sequence[str] | None = None,
    axis_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw how ``shapes`` broadcast: one row of boxes per operand, one box per axis.

    Each operand is drawn on its own row, lined up on the right under the
    result's axes. A box shows the length of one axis: plain if it already
    has the result's length, orange with ``1 → n`` if it is stretched, dashed
    and hatched if the axis was added by padding. The last row, in green, is
    the result. Works for any lengths (the boxes show numbers, not cells).

    Parameters
    ----------
    *shapes : tuple of int
        At least one shape (see :func:`broadcast_plan`).
    names : sequence of str, optional
        Labels of the operands (default ``a``, ``b``, ...).
    axis_names : sequence of str, optional
        What each axis of the result means, e.g. ``("rows", "columns", "K")``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional
        Default: the shapes and the result.

    Returns
    -------
    matplotlib.axes.Axes
        Boxes are :class:`~matplotlib.patches.Rectangle` patches whose ``gid``
        is ``"kept"``, ``"stretched"``, ``"added"`` or ``"result"``.

    Raises
    ------
    TypeError, ValueError
        As :func:`broadcast_plan`; also if ``names`` or ``axis_names`` has the
        wrong type or length, ``ax`` is not an Axes or ``title`` not a string.
    """
    plan = broadcast_plan(*shapes)
    labels = _check_names(names, len(plan.shapes), "names") or tuple(chr(ord("a") + i) for i in range(len(plan.shapes)))
    ndim = len(plan.result)
    meanings = _check_names(axis_names, ndim, "axis_names")
    _check_ax(ax)
    _check_title(title)
    if ax is None:
        # Narrow, so that a phone (390 px) shows the text at 9 CSS px or more.
        _, ax = plt.subplots(figsize=(1.0 + 1.15 * max(ndim, 2), 1.6 + 0.75 * (len(plan.shapes) + 1)))
    rows = [*zip(labels, plan.shapes, plan.padded, plan.added, plan.stretched), ("result", plan.result, plan.result, None, None)]
    for row, (label, shape, padded, added, stretched) in enumerate(rows):
        y = -row - (0.25 if added is None else 0.0)  # a small gap above the result
        for axis, length in enumerate(padded):
            if added is None:
                role, text = "result", str(length)
            elif added[axis]:
                role, text = "added", f"(1) → {plan.result[axis]}" if stretched[axis] else "(1)"
            elif stretched[axis]:
                role, text = "stretched", f"1 → {plan.result[axis]}"
            else:
                role, text = "kept", str(length)
            colour = COLOURS["stretched"] if role == "added" else COLOURS[role]
            box = Rectangle(
                (axis + 0.06, y - 0.32),
                0.88,
                0.64,
                facecolor=colour,
                edgecolor="0.2",
                linestyle="--" if role == "added" else "-",
                hatch="//" if role == "added" else None,
                linewidth=1.2,
                gid=role,
            )
            ax.add_patch(box)
            ax.text(
                axis + 0.5,
                y,
                text,
                ha="center",
                va="center",
                fontsize=12,
                fontweight="bold" if role == "result" else "normal",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5} if role == "added" else None,
            )
    ax.axhline(-len(plan.shapes) + 0.45, color="0.5", linewidth=0.8)
    ax.set_xlim(-0.05, max(ndim, 1) + 0.05)
    ax.set_ylim(-len(plan.shapes) - 0.75, 0.55)
    ticks = [f"axis {axis - ndim}" + (f"\n({meanings[axis]})" if meanings else "") for axis in range(ndim)]
    ax.set_xticks([axis + 0.5 for axis in range(ndim)], ticks)
    ax.set_yticks(
        [-row - (0.25 if row == len(plan.shapes) else 0.0) for row in range(len(rows))],
        [f"{label}\n{shape}" for label, shape, *_ in rows],
    )
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("axis, counted from the right")
    ax.set_ylabel("array")
    ax.set_title(title or f"{' with '.join(map(str, plan.shapes))}\nbroadcast to {plan.result}")
    handles = [
        Patch(facecolor=COLOURS["kept"], edgecolor="0.2", label="length kept"),
        Patch(facecolor=COLOURS["stretched"], edgecolor="0.2", label="length 1, stretched"),
        Patch(facecolor=COLOURS["stretched"], edgecolor="0.2", hatch="//", linestyle="--", label="axis added by padding"),
        Patch(facecolor=COLOURS["result"], edgecolor="0.2", label="result"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False, fontsize=12)
    return ax


def _draw_grid(ax: Axes, values: np.ndarray, grid: tuple[int, int], x0: float, role: str, label: str) -> None:
    """Draw ``values`` (at most 2-D) stretched over a ``grid`` of cells, starting at column ``x0``."""
    stored = values.reshape((1,) * (2 - values.ndim) + values.shape)  # as 2-D, padded on the left
    rows, columns = grid
    for i in range(rows):
        for j in range(columns):
            si, sj = (i if stored.shape[0] > 1 else 0), (j if stored.shape[1] > 1 else 0)
            copy = role != "result" and (si, sj) != (i, j)
            ax.add_patch(
                Rectangle(
                    (x0 + j, -i - 1),
                    1,
                    1,
                    facecolor=COLOURS["stretched"] if copy else COLOURS["result" if role == "result" else "kept"],
                    edgecolor="0.3",
                    hatch="//" if copy else None,
                    alpha=0.55 if copy else 1.0,
                    linewidth=1.0,
                    gid="copy" if copy else role,
                )
            )
            ax.text(x0 + j + 0.5, -i - 0.5, f"{stored[si, sj]:.3g}", ha="center", va="center", fontsize=11, color="0.35" if copy else "black")
    ax.text(x0 + columns / 2, 0.25, label, ha="center", va="bottom", fontsize=11)


def plot_broadcast_cells(
    a: object,
    b: object,
    op: str = "+",
    *,
    names: Sequence[str] = ("a", "b"),
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw two small arrays stretched to their broadcast shape, and the result, cell by cell.

    Stored values are drawn plain; the copies broadcasting pretends to make
    (never stored in memory) are hatched and faded. Shows ``a op b = result``.

    Parameters
    ----------
    a, b : array_like
        Real arrays with at most 2 axes each, e.g. a column ``x[:, np.newaxis]``
        of shape ``(4, 1)`` and a row of means of shape ``(2,)``.
    op : {"+", "-", "*", "/"}, default "+"
        The element-wise operation.
    names : sequence of two str, default ("a", "b")
        Labels of ``a`` and ``b``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional
        Default: the shapes and the result.

    Returns
    -------
    matplotlib.axes.Axes
        Cells are :class:`~matplotlib.patches.Rectangle` patches whose ``gid``
        is ``"stored"`` (a value of ``a`` or ``b``), ``"copy"`` (a stretched
        copy) or ``"result"``.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not real numbers, ``op`` or ``title`` not a
        string, ``names`` not two strings, or ``ax`` not an Axes.
    ValueError
        If ``op`` is unknown, an array has more than 2 axes or is empty, the
        shapes do not broadcast, the result has more than 2 axes, or an axis
        is longer than :data:`MAX_CELLS`.
    """
    first, second = as_real_array(a, "a"), as_real_array(b, "b")
    if not isinstance(op, str):
        raise TypeError(f"op must be a string, one of {list(OPERATORS)}, got {type(op).__name__}")
    if op not in OPERATORS:
        raise ValueError(f"unknown op {op!r}: use one of {list(OPERATORS)}")
    labels = _check_names(names, 2, "names")
    _check_ax(ax)
    _check_title(title)
    for label, array in zip(labels, (first, second)):
        if array.ndim > 2:
            raise ValueError(f"{label} must have at most 2 axes to be drawn, got shape {array.shape}")
        if array.size == 0:
            raise ValueError(f"{label} is empty (shape {array.shape})")
    plan = broadcast_plan(first.shape, second.shape)
    if any(length > MAX_CELLS for length in plan.result):
        raise ValueError(f"the result {plan.result} has an axis longer than {MAX_CELLS}: too many cells to draw")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = OPERATORS[op](first, second)
    grid = (1,) * (2 - result.ndim) + result.shape
    columns = grid[1]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.55 * (3 * columns + 5), 1.9 + 0.55 * grid[0]))
    gap = 2.0  # room for the operator and for long labels
    starts = [0.0, columns + gap, 2 * (columns + gap)]
    _draw_grid(ax, first, grid, starts[0], "stored", f"{labels[0]}\nshape {first.shape}")
    _draw_grid(ax, second, grid, starts[1], "stored", f"{labels[1]}\nshape {second.shape}")
    _draw_grid(ax, result, grid, starts[2], "result", f"result\nshape {result.shape}")
    signs = {"+": "+", "-": "\u2212", "*": "\u00d7", "/": "\u00f7"}  # typographic minus, times, divide
    for x, sign in ((columns + gap / 2, signs[op]), (2 * columns + 1.5 * gap, "=")):
        ax.text(x, -grid[0] / 2, sign, ha="center", va="center", fontsize=18)
    ax.set_xlim(-0.6, 3 * columns + 2 * gap + 0.6)
    ax.set_ylim(-grid[0] - 0.2, 1.4)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("axis -1 (columns), one cell per element")
    ax.set_ylabel("axis -2 (rows)")
    ax.set_title(title or f"{labels[0]} {first.shape} {op} {labels[1]} {second.shape}\ngives {result.shape}")
    handles = [
        Patch(facecolor=COLOURS["kept"], edgecolor="0.3", label="stored value"),
        Patch(facecolor=COLOURS["stretched"], edgecolor="0.3", hatch="//", alpha=0.55, label="stretched copy (not stored)"),
        Patch(facecolor=COLOURS["result"], edgecolor="0.3", label="result (a new array)"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1, frameon=False, fontsize=11)
    return ax
