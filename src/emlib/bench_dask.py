r"""How :func:`emlib.dask_fit.em_dask` compares with ``em_vectorized``, in memory and out of core: ``python -m emlib.bench dask``.

Three parts, each on a ``dask.distributed.LocalCluster`` of worker processes
with one thread each, on data drawn from :func:`emlib.bench.bench_problem`:

``in-memory``
    For each :math:`N`: the data held by the workers, seconds per
    iteration of ``em_dask`` (the marginal time, :func:`emlib.bench.seconds_per_iteration`),
    of ``em_vectorized`` on the same data in this process, their ratio, and
    the exp floor (:func:`emlib.bench.exp_floor_seconds`, measured at
    :math:`N \le 10^7` and scaled linearly beyond, where the ``(K, N)`` table
    would take gigabytes).
``scaling``
    ``em_dask``'s seconds per iteration at one :math:`N` for 1, 2, ... workers.
``out-of-core``
    :math:`N` samples written chunk by chunk to a Zarr store (uncompressed,
    one file per chunk) under ``--data-dir``, with a progress bar; then a plain
    sequential read of the same files (the disk's own speed), the first pass
    and a few iterations of ``em_dask``'s map-reduce, each timed. With
    ``--drop-caches`` the page cache is dropped before each of these reads
    (root on Linux; it slows everything else on the machine for a while);
    without, the data must be larger than the memory for the reads to come
    from the disk. The peak
    memory is the largest sum of the resident memory of this process and all
    its children (the cluster's processes), sampled every 0.1 s over the whole part.
    The data are deleted at the end unless ``--keep-data``.

The results go to ``--out``/``dask-bench.json`` (replaced atomically), one
entry per part with the command that produced it; a part not run keeps its
previous entry, so the parts may run one at a time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from emlib.bench import Progress, bench_problem, exp_floor_seconds, seconds_per_iteration
from emlib.bench_report import environment
from emlib.command_line import argument_parser
from emlib.files import write_atomically
from emlib.params import MixtureParams
from emlib.sampling import sample
from emlib.vectorized import em_vectorized

if TYPE_CHECKING:
    import dask.array as da

JSON_NAME = "dask-bench.json"
PARTS = ("in-memory", "scaling", "out-of-core")
FLOOR_LARGEST_N = 10**7
"""Largest :math:`N` at which the exp floor's ``(K, N)`` table is allocated; beyond, its time is scaled linearly."""

FULL = {
    "sizes": [10**7, 10**8],
    "components": 4,
    "workers": 2,
    "scaling_size": 10**8,
    "out_of_core_samples": 3_200_000_000,
    "out_of_core_chunk": 2**24,
    "iterations": 3,
    "repeat": 3,
    "min_seconds": 5.0,
}
QUICK = {
    "sizes": [10**5],
    "components": 2,
    "workers": 2,
    "scaling_size": 10**5,
    "out_of_core_samples": 300_000,
    "out_of_core_chunk": 50_000,
    "iterations": 2,
    "repeat": 1,
    "min_seconds": 0.05,
}
"""The ``--quick`` run: seconds, for tests (the numbers mean nothing)."""


def start_cluster(n_workers: int):
    """A ``LocalCluster`` of ``n_workers`` processes with one thread each, and a client on it (the default scheduler)."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return cluster, Client(cluster)


def balanced_chunks(n_samples: int, n_workers: int) -> int:
    """Samples per chunk: chunks of at most :data:`emlib.dask_fit.CHUNK_SAMPLES`, a multiple of ``n_workers`` of them."""
    from emlib.dask_fit import CHUNK_SAMPLES

    n_chunks = math.ceil(math.ceil(n_samples / CHUNK_SAMPLES) / n_workers) * n_workers
    return math.ceil(n_samples / n_chunks)


def samples_on_workers(x: np.ndarray, n_workers: int) -> da.Array:
    """``x`` as a Dask array held by the workers of the active client, in balanced chunks (:func:`emlib.dask_fit.send_once`)."""
    from emlib.dask_fit import send_once

    return send_once(x, balanced_chunks(x.size, n_workers))


def in_memory_part(sizes, k, n_workers, *, repeat, min_seconds, progress: Progress) -> list[dict]:
    """``em_dask`` with the data on the workers against ``em_vectorized`` in this process, for each :math:`N`."""
    from emlib.dask_fit import em_dask

    true, start = bench_problem(k)
    cluster, client = start_cluster(n_workers)
    records = []
    try:
        for n in sizes:
            x = sample(true, n, seed=0)
            vectorized = seconds_per_iteration(em_vectorized, x, start, repeat=repeat, min_seconds=min_seconds)
            data = samples_on_workers(x, n_workers)
            del x
            dask_seconds = seconds_per_iteration(em_dask, data, start, repeat=repeat, min_seconds=min_seconds)
            n_chunks = data.numblocks[0]
            del data
            measured_at = min(n, FLOOR_LARGEST_N)
            floor = exp_floor_seconds(measured_at, k, repeat=repeat, min_seconds=min_seconds) * n / measured_at
            records.append({
                "n_samples": n, "n_components": k, "workers": n_workers, "chunks": n_chunks,
                "em_dask_seconds": dask_seconds, "em_vectorized_seconds": vectorized,
                "dask_over_vectorized": dask_seconds / vectorized,
                "exp_floor_seconds": floor, "exp_floor_measured_at": measured_at,
            })
            progress.update(f"in memory N={n:,}")
    finally:
        client.close()
        cluster.close()
    return records


def scaling_part(n, k, max_workers, *, repeat, min_seconds, progress: Progress) -> list[dict]:
    """``em_dask``'s seconds per iteration at one :math:`N` with 1, 2, ..., ``max_workers`` workers."""
    from emlib.dask_fit import em_dask

    true, start = bench_problem(k)
    x = sample(true, n, seed=0)
    records = []
    for workers in range(1, max_workers + 1):
        cluster, client = start_cluster(workers)
        try:
            data = samples_on_workers(x, workers)
            seconds = seconds_per_iteration(em_dask, data, start, repeat=repeat, min_seconds=min_seconds)
            records.append({"n_samples": n, "n_components": k, "workers": workers, "em_dask_seconds": seconds})
            del data
        finally:
            client.close()
            cluster.close()
        progress.update(f"scaling N={n:,} workers={workers}")
    return records


class PeakMemory:
    """The largest total resident memory of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        import psutil

        me = psutil.Process()
        total = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except psutil.Error:  # a process that just ended
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._total())


def drop_page_cache() -> bool:
    """Write dirty pages out and drop the page cache, if this process may (root on Linux). Whether it did."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def write_chunk(path: str, index: int, chunk: int, n_samples: int, params: MixtureParams, seed: int) -> int:
    """Draw chunk ``index`` of the out-of-core data (its own seed) and write it to the Zarr store; return its size."""
    import zarr

    start = index * chunk
    n = min(chunk, n_samples - start)
    z = zarr.open_array(path, mode="r+")
    z[start : start + n] = sample(params, n, seed=seed * 1_000_003 + index)
    return n


def sequential_read_seconds(path: Path, buffer_bytes: int = 2**24) -> tuple[float, int]:
    """Seconds to read every file under ``path`` once, in order, with large reads; and the bytes read."""
    buffer = bytearray(buffer_bytes)
    view = memoryview(buffer)
    total = 0
    files = sorted(p for p in path.rglob("*") if p.is_file())
    start = time.perf_counter()
    for file in files:
        with open(file, "rb", buffering=0) as handle:
            while read := handle.readinto(view):
                total += read
    return time.perf_counter() - start, total


def out_of_core_part(
    n, chunk, k, n_workers, iterations, data_dir: Path, *, keep_data: bool, drop_caches: bool, progress: Progress
) -> dict:
    """Write :math:`N` samples to disk as Zarr, time a plain read and ``em_dask``'s passes over them, and the peak memory."""
    import dask.array as da
    import zarr
    from distributed import as_completed

    from emlib.dask_fit import Chunks, sweep_chunks
    from emlib.vectorized import em_step

    true, start = bench_problem(k)
    path = data_dir / f"samples-{n}.zarr"
    n_chunks = math.ceil(n / chunk)
    generation = Progress(n_chunks, enabled=progress.enabled)
    with PeakMemory() as memory:
        cluster, client = start_cluster(n_workers)
        try:
            zarr.create_array(store=str(path), shape=(n,), chunks=(chunk,), dtype="f8", compressors=None, overwrite=True)
            began = time.perf_counter()
            futures = [client.submit(write_chunk, str(path), i, chunk, n, true, 0, pure=False) for i in range(n_chunks)]
            for done in as_completed(futures):
                done.result()
                generation.update(f"wrote chunk of {chunk:,} samples to {path}")
            generate_seconds = time.perf_counter() - began
            del futures
            dropped = drop_caches and drop_page_cache()
            read_seconds, n_bytes = sequential_read_seconds(path)
            if dropped:
                drop_page_cache()
            data = da.from_zarr(str(path))
            began = time.perf_counter()
            chunks = Chunks(data)
            first_pass_seconds = time.perf_counter() - began
            params, per_iteration = start, []
            for _ in range(iterations):
                if dropped:
                    drop_page_cache()
                began = time.perf_counter()
                params, _ = em_step(chunks, params, sweeper=sweep_chunks)
                per_iteration.append(time.perf_counter() - began)
        finally:
            client.close()
            cluster.close()
            if not keep_data:
                shutil.rmtree(path, ignore_errors=True)
    progress.update(f"out of core N={n:,}")
    seconds = float(np.median(per_iteration))
    return {
        "n_samples": n, "n_components": k, "workers": n_workers, "bytes": n_bytes, "chunk_samples": chunk,
        "memory_bytes": _total_memory(), "generate_seconds": generate_seconds,
        "page_cache_dropped": dropped, "disk_read_seconds": read_seconds,
        "disk_read_bytes_per_second": n_bytes / read_seconds,
        "first_pass_seconds": first_pass_seconds, "iteration_seconds": per_iteration,
        "em_dask_seconds": seconds, "em_dask_read_bytes_per_second": n_bytes / seconds,
        "dask_over_disk": seconds / read_seconds, "peak_rss_bytes": memory.peak,
    }


def _total_memory() -> int:
    import psutil

    return int(psutil.virtual_memory().total)


def _versions() -> dict[str, str | None]:
    versions = {}
    for package in ("dask", "distributed", "zarr"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def load(folder: str | os.PathLike) -> dict:
    """The parts recorded in ``folder``/:data:`JSON_NAME`: ``{part: {"command", "environment", "records"}}``."""
    return json.loads((Path(folder) / JSON_NAME).read_text())["parts"]


BOOK_DATA = Path(__file__).resolve().parent / "book" / "data"
"""Where the book keeps the recorded results: ``emlib/book/data``, package data, so that chapter 8 finds them
wherever ``emlib`` is installed (the learner kit installs it from a wheel)."""


def load_recorded() -> dict:
    """The book's recorded results (:func:`load` of :data:`BOOK_DATA`), wherever the chapter runs from.

    Raises
    ------
    FileNotFoundError
        If there are none: run ``python -m emlib.bench dask`` from the repository's root.
    """
    if not (BOOK_DATA / JSON_NAME).is_file():
        raise FileNotFoundError(f"no recorded results in {BOOK_DATA}: run python -m emlib.bench dask")
    return load(BOOK_DATA)


def _parse_count(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value.is_integer() and value >= 1):
        raise argparse.ArgumentTypeError(f"not a whole number >= 1: {text}")
    return int(value)


def main(argv: Sequence[str]) -> int:
    """Run the parts asked for, print their results, and record them in ``--out``/dask-bench.json.

    ``argv`` are the arguments after ``python -m emlib.bench dask`` (:func:`emlib.bench.main` calls this).
    """
    parser = argument_parser("emlib.bench dask", __doc__)
    parser.add_argument("--quick", action="store_true", help="seconds: tiny sizes, for tests (the numbers mean nothing)")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS), help="what to run (default: all)")
    parser.add_argument("--sizes", nargs="+", type=_parse_count, metavar="N", help="in-memory sizes (default 1e7 1e8)")
    parser.add_argument("--components", type=_parse_count, metavar="K", help="components (default 4)")
    parser.add_argument("--workers", type=_parse_count, help="worker processes (default 2); scaling runs 1 to this")
    parser.add_argument("--scaling-size", type=_parse_count, metavar="N", help="N of the scaling part (default 1e8)")
    parser.add_argument("--out-of-core-samples", type=_parse_count, metavar="N", help="N on disk (default 3.2e9, 25.6 GB)")
    parser.add_argument("--chunk", type=_parse_count, dest="out_of_core_chunk", metavar="SAMPLES",
                        help="samples per Zarr chunk on disk (default 2**24)")
    parser.add_argument("--iterations", type=_parse_count, help="timed iterations out of core (default 3)")
    parser.add_argument("--data-dir", type=Path, help="folder for the out-of-core data (default: a temporary folder)")
    parser.add_argument("--keep-data", action="store_true", help="keep the out-of-core data")
    parser.add_argument("--drop-caches", action="store_true", help="drop the page cache before each read out of core (root)")
    parser.add_argument("--out", type=Path, default=BOOK_DATA, help="folder of dask-bench.json (default: the book's data)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    args = parser.parse_args(argv)
    args.parts = [part for part in PARTS if part in args.parts]  # each once, in order

    settings = dict(QUICK if args.quick else FULL)
    for option in settings:
        if getattr(args, option, None) is not None:
            settings[option] = getattr(args, option)
    k, workers = settings["components"], settings["workers"]
    if k > min(settings["sizes"] + [settings["scaling_size"], settings["out_of_core_samples"]]):
        parser.error(f"more components than samples: K={k}")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out is not a folder: {args.out}")
    try:
        previous = load(args.out) if (args.out / JSON_NAME).exists() else {}
    except (ValueError, KeyError, TypeError):
        parser.error(f"{args.out / JSON_NAME} is not a dask benchmark record: move it away or choose another --out")
    data_dir = args.data_dir
    if "out-of-core" in args.parts:
        if data_dir is None:
            data_dir = Path(tempfile.gettempdir()) / "emlib-dask-data"
        if data_dir.exists() and not data_dir.is_dir():
            parser.error(f"--data-dir is not a folder: {data_dir}")
        existing = next((parent for parent in [data_dir, *data_dir.parents] if parent.exists()), None)
        if existing is None or not os.access(existing, os.W_OK):
            parser.error(f"--data-dir cannot be created or written: {data_dir}")
        needed = 8 * settings["out_of_core_samples"]
        free = shutil.disk_usage(existing).free
        if needed > 0.9 * free:
            parser.error(f"--data-dir has {free / 1e9:.1f} GB free; the data need {needed / 1e9:.1f} GB (and a margin)")
        try:
            import zarr  # noqa: F401
        except ImportError:
            parser.error("the out-of-core part needs zarr: pip install 'zarr>=3.1'")

    command = shlex.join(["python", "-m", "emlib.bench", "dask", *argv])
    steps = {"in-memory": len(set(settings["sizes"])), "scaling": workers, "out-of-core": 1}
    progress = Progress(sum(steps[part] for part in args.parts), enabled=not args.no_progress)
    timing = {"repeat": settings["repeat"], "min_seconds": settings["min_seconds"], "progress": progress}
    context = {**environment(), "dask_versions": _versions(), "memory_bytes": _total_memory()}
    runs = {
        "in-memory": lambda: in_memory_part(sorted(set(settings["sizes"])), k, workers, **timing),
        "scaling": lambda: scaling_part(settings["scaling_size"], k, workers, **timing),
        "out-of-core": lambda: [out_of_core_part(
            settings["out_of_core_samples"], settings["out_of_core_chunk"], k, workers, settings["iterations"],
            data_dir, keep_data=args.keep_data, drop_caches=args.drop_caches, progress=progress)],
    }
    if "out-of-core" in args.parts:
        data_dir.mkdir(parents=True, exist_ok=True)
    results, parts = {}, dict(previous)
    for part in args.parts:  # each part is recorded as soon as it is done
        results[part] = runs[part]()
        parts[part] = {"command": command, "environment": context, "records": results[part]}
        document = (json.dumps({"parts": parts}, indent=1) + "\n").encode()
        write_atomically(args.out / JSON_NAME, lambda file, document=document: file.write(document))
    for part, records in results.items():
        print(f"{part}:")
        for record in records:
            print("  " + ", ".join(f"{key}={_short(value)}" for key, value in record.items()))
    print(f"\n{command}\nwrote {args.out / JSON_NAME}")
    return 0


def _short(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)


if __name__ == "__main__":  # the command moved; say where, rather than do nothing
    sys.exit("python -m emlib.bench_dask: error: the command is python -m emlib.bench dask")
