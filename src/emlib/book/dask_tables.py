"""Chapter 8's tables and sums on the Dask benchmark's recorded results, and the cost of small chunks.

The table functions take measured numbers (or the parts that
:func:`emlib.bench_dask.load` reads) and return a :class:`~emlib.book.table.Table`;
:func:`out_of_core_breakdown` adds up the recorded costs that chapter 8
compares, and :func:`recorded_on` says where the results were recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from emlib.book.table import Table

GB = 1e9


def overhead_table(rows: Sequence[tuple[int, int, float]], numpy_seconds: float) -> Table:
    """Seconds per iteration for each ``(samples per chunk, chunks, seconds)``, and the ratio to ``numpy_seconds``."""
    return Table(
        header=("samples per chunk", "chunks", "s/iter", "x em_vectorized"),
        rows=tuple((f"{size:,}", f"{count:,}", f"{seconds:.4f}", f"{seconds / numpy_seconds:.1f}")
                   for size, count, seconds in rows),
    )


def in_memory_table(part: Mapping) -> Table:
    """The in-memory part: em_vectorized, em_dask, their ratio and the exp floor, per :math:`N`."""
    return Table(
        header=("N", "K", "workers", "em_vectorized s/iter", "em_dask s/iter", "dask / vectorized", "exp floor s"),
        rows=tuple((f"{r['n_samples']:.0e}", str(r["n_components"]), str(r["workers"]),
                    f"{r['em_vectorized_seconds']:.3f}", f"{r['em_dask_seconds']:.3f}",
                    f"{r['dask_over_vectorized']:.2f}", f"{r['exp_floor_seconds']:.3f}") for r in part["records"]),
    )


def scaling_table(part: Mapping) -> Table:
    """The scaling part: em_dask's seconds per iteration per number of workers."""
    records = part["records"]
    one = next(r["em_dask_seconds"] for r in records if r["workers"] == 1)
    return Table(
        header=("N", "workers", "em_dask s/iter", "speed-up"),
        rows=tuple((f"{r['n_samples']:.0e}", str(r["workers"]), f"{r['em_dask_seconds']:.3f}",
                    f"{one / r['em_dask_seconds']:.2f}") for r in records),
    )


def out_of_core_table(part: Mapping) -> Table:
    """The out-of-core part: data and memory sizes, the first pass's and an iteration's time, read speeds, peak memory."""
    return Table(
        header=("N", "data GB", "memory GB", "first pass s", "s/iter", "read GB/s", "disk GB/s", "peak memory GB"),
        rows=tuple((f"{r['n_samples']:.2e}", f"{r['bytes'] / GB:.1f}", f"{r['memory_bytes'] / GB:.1f}",
                    f"{r['first_pass_seconds']:.1f}", f"{r['em_dask_seconds']:.1f}",
                    f"{r['em_dask_read_bytes_per_second'] / GB:.2f}",
                    f"{r['disk_read_bytes_per_second'] / GB:.2f}", f"{r['peak_rss_bytes'] / GB:.2f}")
                   for r in part["records"]),
    )


def recorded_on(environment: Mapping, width: int = 72) -> str:
    """Where a recorded part ran, from its ``"environment"``: the date and the machine, then the versions,
    in lines of at most ``width`` characters (a printed line wider than the page's code box would scroll)."""
    versions = {**environment.get("versions", {}), **environment.get("dask_versions", {})}
    lines = [f"recorded {environment['created'][:10]} on {environment['cpu_count']} processors, "
             f"{environment['memory_bytes'] / GB:.1f} GB of memory, Python {environment['python']}", ""]
    for package in (f"{name} {version}" for name, version in versions.items() if version):
        if lines[-1] and len(lines[-1]) + len(", ") + len(package) > width:
            lines[-1] += ","
            lines.append("")
        lines[-1] += f", {package}" if lines[-1] else package
    return "\n".join(line for line in lines if line)


def out_of_core_breakdown(parts: Mapping) -> dict[str, float]:
    r"""An out-of-core iteration's time beside its two costs: reading the chunks, and their arithmetic.

    Parameters
    ----------
    parts : mapping
        The recorded parts (:func:`emlib.bench_dask.load`), with ``"in-memory"`` and ``"out-of-core"``.

    Returns
    -------
    dict
        For the :math:`N` samples on disk, in seconds: ``"reading"``, the
        first pass (it reads every chunk and adds only sums, minima and
        maxima); ``"arithmetic"``, ``em_dask``'s time per sample in memory
        with the same workers and :math:`K`, at the largest such :math:`N`,
        times :math:`N`; ``"both"``, their sum, what an iteration would take if
        reading and arithmetic never overlapped; ``"iteration"``, what it took.
        Also ``"reading_share"``, the first pass's read speed as a share of the
        plain sequential read's, and ``"arithmetic_measured_at"``, that
        in-memory :math:`N` (as a float).

    Raises
    ------
    ValueError
        If no in-memory record has the out-of-core run's workers and :math:`K`.
    """
    [disk] = parts["out-of-core"]["records"]
    alike = [r for r in parts["in-memory"]["records"]
             if (r["workers"], r["n_components"]) == (disk["workers"], disk["n_components"])]
    if not alike:
        raise ValueError(f"no in-memory record with {disk['workers']} workers and K = {disk['n_components']}")
    in_memory = max(alike, key=lambda r: r["n_samples"])
    arithmetic = in_memory["em_dask_seconds"] / in_memory["n_samples"] * disk["n_samples"]
    return {
        "reading": disk["first_pass_seconds"],
        "reading_share": disk["disk_read_seconds"] / disk["first_pass_seconds"],
        "arithmetic": arithmetic,
        "arithmetic_measured_at": float(in_memory["n_samples"]),
        "both": disk["first_pass_seconds"] + arithmetic,
        "iteration": disk["em_dask_seconds"],
    }
