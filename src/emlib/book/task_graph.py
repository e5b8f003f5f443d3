"""Drawing a small Dask task graph with Matplotlib, from the graph itself (no Graphviz).

:func:`graph_layers` puts each task one layer above the deepest task it
depends on; :func:`plot_task_graph` draws the layers bottom to top, each task
a box labelled by its function's name (chunks of an array by their index),
with an arrow from every dependency.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

MAX_DRAWN_TASKS = 40
"""Largest graph :func:`plot_task_graph` draws: beyond, the boxes would be unreadable."""


def task_dependencies(graph: Mapping) -> dict[object, set]:
    """Each key of a Dask graph, with the keys it depends on."""
    from dask.core import get_dependencies

    return {key: set(get_dependencies(graph, key)) for key in graph}


def graph_layers(graph: Mapping) -> list[list]:
    """The keys of a Dask graph in layers: layer 0 depends on nothing, layer j on something in layer j - 1.

    Within a layer, keys are in the order of their first dependency's position (chunks by index).

    Raises
    ------
    TypeError
        If ``graph`` is not a mapping.
    """
    if not isinstance(graph, Mapping):
        raise TypeError(f"graph must be a mapping of keys to tasks, got {type(graph).__name__}")
    if not graph:
        return []
    dependencies = task_dependencies(graph)
    depth: dict = {}

    def depth_of(key) -> int:
        if key not in depth:
            depth[key] = 1 + max((depth_of(parent) for parent in dependencies[key]), default=-1)
        return depth[key]

    for key in graph:
        depth_of(key)
    layers: list[list] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for key in graph:
        layers[depth[key]].append(key)
    layers[0].sort(key=lambda key: (str(key[0]), key[1:]) if isinstance(key, tuple) else (str(key), ()))  # chunks by index
    for below, layer in zip(layers, layers[1:]):
        position = {key: i for i, key in enumerate(below)}
        layer.sort(key=lambda key: min((position.get(parent, len(position)) for parent in dependencies[key]), default=0))
    return layers


def task_label(key: object) -> str:
    """A short label: the function's name, and for a chunk of an array its index (``chunk 2``)."""
    from dask.utils import key_split

    if isinstance(key, tuple) and len(key) > 1 and all(isinstance(i, int) for i in key[1:]):
        return "chunk " + ",".join(str(i) for i in key[1:])
    return key_split(key)


def plot_task_graph(graph: Mapping, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw a small Dask graph in layers, dependencies below, each task a labelled box.

    Parameters
    ----------
    graph : Mapping
        A Dask graph, e.g. ``dict(delayed_value.__dask_graph__())``, of at most
        :data:`MAX_DRAWN_TASKS` tasks.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        Each box is a text artist whose ``gid`` is ``str(key)`` (the arrows have none).

    Raises
    ------
    TypeError
        If ``graph`` is not a mapping, ``ax`` not an Axes or ``title`` not a string.
    ValueError
        If the graph is empty or has more than :data:`MAX_DRAWN_TASKS` tasks.
    """
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    if not isinstance(graph, Mapping):
        raise TypeError(f"graph must be a mapping of keys to tasks, got {type(graph).__name__}")
    if not 0 < len(graph) <= MAX_DRAWN_TASKS:
        raise ValueError(f"can draw 1 to {MAX_DRAWN_TASKS} tasks, got {len(graph)}")
    layers = graph_layers(graph)
    width = max(len(layer) for layer in layers)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 1.9 * width), 1.5 * len(layers) + 0.6))
    where = {}
    for row, layer in enumerate(layers):
        for column, key in enumerate(layer):
            where[key] = ((column + 0.5) * width / len(layer), row)
    for key, parents in task_dependencies(graph).items():
        for parent in parents:
            ax.annotate("", xy=where[key], xytext=where[parent],
                        arrowprops={"arrowstyle": "-|>", "color": "0.35", "shrinkA": 14, "shrinkB": 14})
    for key, (x, y) in where.items():
        ax.text(x, y, task_label(key), ha="center", va="center", gid=str(key),
                bbox={"boxstyle": "round,pad=0.4", "facecolor": "white" if y == 0 else "0.9", "edgecolor": "0.3"})
    ax.set_xlim(0, width)
    ax.set_ylim(-0.6, len(layers) - 0.4)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
