"""Benchmark records: what one measurement says, and how to tabulate, plot, save and load them.

:mod:`emlib.bench` measures; this module is everything after the measurement,
so that the book's results chapter can show the benchmark's own table and
figure from a saved run (:func:`load`) without running it again.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import platform
from dataclasses import asdict, dataclass, fields
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from emlib.files import write_atomically
from emlib.validation import check_int, check_positive_real

if TYPE_CHECKING:  # matplotlib is imported only when a plot is drawn
    from matplotlib.axes import Axes

FITTER_NAMES = ("em_original", "em_hoisted", "em_broadcast", "em_vectorized", "sklearn", "exp_floor")
"""Everything the benchmark times: the four fitters, scikit-learn, and the floor (one ``np.exp``)."""

CSV_NAME = "bench.csv"
JSON_NAME = "bench.json"


@dataclass(frozen=True)
class BenchRecord:
    """One measurement: how long one EM iteration of one fitter takes at one size.

    Attributes
    ----------
    fitter : str
        One of :data:`FITTER_NAMES`.
    n_samples : int
        :math:`N` (the data are ``N // 100`` rows of 100 columns, like the question's).
    n_components : int
        :math:`K`.
    seconds_per_iter : float
        Seconds per EM iteration (for ``"exp_floor"``: per ``np.exp`` over a ``(K, N)`` array).
    extrapolated : bool
        ``True`` if predicted from smaller sizes by the fitted cost model :math:`aN + bN^2` instead of measured.
    peak_bytes : int or None
        Peak memory allocated during a fit beyond its input (``tracemalloc``);
        ``None`` where not measured.

    Raises
    ------
    TypeError, ValueError
        If a field has the wrong type or an impossible value, naming the field.
    """

    fitter: str
    n_samples: int
    n_components: int
    seconds_per_iter: float
    extrapolated: bool
    peak_bytes: int | None

    def __post_init__(self) -> None:
        if not isinstance(self.fitter, str):
            raise TypeError(f"fitter must be a string, got {type(self.fitter).__name__}")
        if self.fitter not in FITTER_NAMES:
            raise ValueError(f"unknown fitter {self.fitter!r}: use one of {FITTER_NAMES}")
        for name in ("n_samples", "n_components"):
            object.__setattr__(self, name, check_int(getattr(self, name), name, minimum=1))
        object.__setattr__(self, "seconds_per_iter", check_positive_real(self.seconds_per_iter, "seconds_per_iter"))
        if not isinstance(self.extrapolated, bool):
            raise TypeError(f"extrapolated must be a bool, got {type(self.extrapolated).__name__}")
        if self.peak_bytes is not None:
            object.__setattr__(self, "peak_bytes", check_int(self.peak_bytes, "peak_bytes", minimum=0))


def check_records(records: object) -> list[BenchRecord]:
    """Return ``records`` as a list, refusing anything but a non-empty sequence of :class:`BenchRecord` without duplicates.

    Raises
    ------
    TypeError
        If ``records`` is not a sequence of ``BenchRecord``.
    ValueError
        If it is empty, or two records share fitter, :math:`N` and :math:`K`.
    """
    if isinstance(records, (str, bytes)) or not isinstance(records, Sequence):
        raise TypeError(f"records must be a list of BenchRecord, got {type(records).__name__}")
    for record in records:
        if not isinstance(record, BenchRecord):
            raise TypeError(f"records must hold only BenchRecord, found {type(record).__name__}")
    if not records:
        raise ValueError("records is empty: nothing was measured")
    keys = [(r.fitter, r.n_samples, r.n_components) for r in records]
    if len(set(keys)) != len(keys):
        raise ValueError("records holds two measurements of the same fitter, N and K")
    return list(records)


def format_seconds(seconds: float) -> str:
    """A duration with a readable unit: ``"41.3 µs"``, ``"2.10 s"``, ``"3.2 d"``."""
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0), ("ms", 1e-3)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds / 1e-6:.3g} µs"


RATIOS = (
    ("vec/floor", "em_vectorized", "exp_floor", "em_vectorized's time over one np.exp of K x N values"),
    ("sk/vec", "sklearn", "em_vectorized", "speed-up of em_vectorized over scikit-learn"),
    ("sk/bcast", "sklearn", "em_broadcast", "speed-up of em_broadcast over scikit-learn"),
)
"""Ratio columns of :func:`format_table`: header, numerator, denominator, meaning."""


def format_table(records: Sequence[BenchRecord]) -> str:
    """The records as a Markdown table: one row per :math:`(N, K)`, one column per fitter, then ratios and memory.

    Times are per EM iteration; an extrapolated time is marked ``~``. The
    ratio columns (:data:`RATIOS`) compare em_vectorized with the floor and
    with scikit-learn; the memory columns give em_vectorized's and
    scikit-learn's peak extra memory, and em_vectorized's as a multiple of
    :math:`8NK` bytes (one ``(K, N)`` array of ``float64``). A legend follows the table.

    Raises
    ------
    TypeError, ValueError
        See :func:`check_records`.
    """
    records = check_records(records)
    by_key = {(r.fitter, r.n_samples, r.n_components): r for r in records}
    present = [name for name in FITTER_NAMES if any(r.fitter == name for r in records)]
    ratios = [ratio for ratio in RATIOS if ratio[1] in present and ratio[2] in present]
    memory = [name for name in ("em_vectorized", "sklearn") if name in present]
    header = ["N", "K", *present, *(ratio[0] for ratio in ratios)]
    header += [f"{'vec' if name == 'em_vectorized' else 'sk'} MiB" for name in memory]
    header += ["vec/8NK"] if "em_vectorized" in memory else []
    rows = []
    for k, n in sorted({(r.n_components, r.n_samples) for r in records}):
        row = [f"{n:,}", str(k)]
        for name in present:
            record = by_key.get((name, n, k))
            row.append("" if record is None else ("~" if record.extrapolated else "") + format_seconds(record.seconds_per_iter))
        for _, top, bottom, _ in ratios:
            a, b = by_key.get((top, n, k)), by_key.get((bottom, n, k))
            row.append("" if a is None or b is None else f"{a.seconds_per_iter / b.seconds_per_iter:.3g}x")
        for name in memory:
            peak = getattr(by_key.get((name, n, k)), "peak_bytes", None)
            row.append("" if peak is None else f"{peak / 2**20:.3g}")
        if "em_vectorized" in memory:
            peak = getattr(by_key.get(("em_vectorized", n, k)), "peak_bytes", None)
            row.append("" if peak is None else f"{peak / (8 * n * k):.2f}")
        rows.append(row)
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.rjust(width) for cell, width in zip(line, widths)) + " |" for line in [header, *rows]]
    lines.insert(1, "|" + "|".join("-" * (width + 1) + ":" for width in widths) + "|")
    legend = ["", "Seconds per EM iteration; ~ marks a time extrapolated from smaller sizes (fitted a N + b N^2)."]
    legend += [f"{name}: {meaning}." for name, _, _, meaning in ratios]
    if memory:
        legend.append("MiB: peak memory allocated during a fit (tracemalloc); vec/8NK: em_vectorized's in units of 8NK bytes.")
    return "\n".join(lines + legend)


def plot_times(records: Sequence[BenchRecord], n_components: int = 2, ax: Axes | None = None) -> Axes:
    """Draw seconds per iteration against :math:`N` on log-log axes, one line per fitter, for one :math:`K`.

    Measured points are filled and joined by solid lines; extrapolated points
    are hollow and joined by dashed lines. The legend sits to the right of the axes.

    Parameters
    ----------
    records : sequence of BenchRecord
    n_components : int, default 2
        The :math:`K` to draw; records of other :math:`K` are left out.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``records`` is not a sequence of ``BenchRecord``, ``n_components``
        is not an integer, or ``ax`` is not a matplotlib ``Axes``.
    ValueError
        If ``records`` is empty or has no record for ``n_components``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    records = check_records(records)
    k = check_int(n_components, "n_components", minimum=1)
    chosen = [r for r in records if r.n_components == k]
    if not chosen:
        available = sorted({r.n_components for r in records})
        raise ValueError(f"no records for K={k}; the records have K in {available}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.8))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    any_guessed = False
    for index, name in enumerate(FITTER_NAMES):
        points = sorted((r for r in chosen if r.fitter == name), key=lambda r: r.n_samples)
        if not points:
            continue
        color = f"C{index}"
        label = name if name != "exp_floor" else "floor: one np.exp over K x N"
        measured = [r for r in points if not r.extrapolated]
        guessed = [r for r in points if r.extrapolated]
        if measured:
            ax.plot([r.n_samples for r in measured], [r.seconds_per_iter for r in measured], "o-", color=color, label=label)
        if guessed:
            any_guessed = True
            joined = measured[-1:] + guessed
            ax.plot([r.n_samples for r in joined], [r.seconds_per_iter for r in joined], "--", color=color,
                    label=None if measured else label)
            ax.plot([r.n_samples for r in guessed], [r.seconds_per_iter for r in guessed], "o", color=color,
                    markerfacecolor="none")
    if any_guessed:
        ax.plot([], [], "o--", color="gray", markerfacecolor="none", label="hollow, dashed: extrapolated")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("samples N")
    ax.set_ylabel("seconds per EM iteration (s)")
    ax.set_title(f"Time per EM iteration against N, K = {k}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def _folder(folder: object) -> Path:
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path, got {type(folder).__name__}")
    return Path(folder)


def environment() -> dict[str, object]:
    """Where the numbers were measured: platform, CPU count and library versions."""
    versions = {}
    for package in ("numpy", "scipy", "scikit-learn", "matplotlib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "versions": versions,
    }


def save(records: Sequence[BenchRecord], folder: str | os.PathLike, *, command: str | None = None) -> dict[str, Path]:
    """Write the records to ``folder/bench.csv`` and ``folder/bench.json`` (with :func:`environment` and ``command``).

    Returns
    -------
    dict
        ``{"csv": path, "json": path}``.

    Raises
    ------
    TypeError, ValueError
        If ``records`` is not valid (see :func:`check_records`), ``folder`` is
        not a path, or ``command`` is neither ``None`` nor a string.
    """
    records = check_records(records)
    path = _folder(folder)
    if command is not None and not isinstance(command, str):
        raise TypeError(f"command must be a string or None, got {type(command).__name__}")
    path.mkdir(parents=True, exist_ok=True)
    rows = [asdict(record) for record in records]
    csv_text = io.StringIO(newline="")
    writer = csv.DictWriter(csv_text, fieldnames=[field.name for field in fields(BenchRecord)])
    writer.writeheader()
    writer.writerows(rows)
    document = {"command": command, "environment": environment(), "records": rows}
    csv_path, json_path = path / CSV_NAME, path / JSON_NAME
    write_atomically(csv_path, lambda handle: handle.write(csv_text.getvalue().encode()))
    write_atomically(json_path, lambda handle: handle.write((json.dumps(document, indent=1) + "\n").encode()))
    return {"csv": csv_path, "json": json_path}


def load(folder: str | os.PathLike) -> list[BenchRecord]:
    """Read the records that :func:`save` wrote to ``folder/bench.json``.

    Raises
    ------
    TypeError
        If ``folder`` is not a path.
    FileNotFoundError
        If ``folder/bench.json`` does not exist (run ``python -m emlib.bench`` first).
    ValueError
        If the file is not a saved benchmark.
    """
    path = _folder(folder) / JSON_NAME
    if not path.is_file():
        raise FileNotFoundError(f"no benchmark at {path}: run `python -m emlib.bench --out {path.parent}` first")
    try:
        rows = json.loads(path.read_text())["records"]
        return check_records([BenchRecord(**row) for row in rows])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{path} is not a saved benchmark: {err}") from err
