"""Chapter 8's tables: the cost of small chunks, and the Dask benchmark's recorded results.

Each function takes measured numbers (or the parts that
:func:`emlib.bench_dask.load` reads) and returns a :class:`~emlib.book.table.Table`.
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
    """The out-of-core part: data and memory sizes, time per iteration, read speeds, peak memory."""
    return Table(
        header=("N", "data GB", "memory GB", "s/iter", "read GB/s", "disk GB/s", "peak memory GB"),
        rows=tuple((f"{r['n_samples']:.2e}", f"{r['bytes'] / GB:.1f}", f"{r['memory_bytes'] / GB:.1f}",
                    f"{r['em_dask_seconds']:.1f}", f"{r['em_dask_read_bytes_per_second'] / GB:.2f}",
                    f"{r['disk_read_bytes_per_second'] / GB:.2f}", f"{r['peak_rss_bytes'] / GB:.2f}")
                   for r in part["records"]),
    )
