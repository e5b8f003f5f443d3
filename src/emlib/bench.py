"""How long one EM iteration takes, for every fitter, against scikit-learn and the floor: ``python -m emlib.bench``.

For every :math:`K` and :math:`N` of a grid, on data drawn like the question's
(``N // 100`` rows of 100 columns), the benchmark times

* the four fitters of :data:`emlib.FITTERS`;
* scikit-learn's ``GaussianMixture(covariance_type="diag")`` from the same
  start, unregularized, as an independent reference (:func:`sklearn_fit`);
* the floor: one ``np.exp`` over a ``(K, N)`` array, which every EM
  iteration must evaluate at least once (:func:`exp_floor_seconds`).

**Time per iteration** is the marginal cost of one more iteration: the median
time of a fit of :math:`1 + n` iterations minus that of a fit of 1, divided
by :math:`n`, with :math:`n` chosen so that the longer fit lasts about
``min_seconds`` (:func:`seconds_per_iteration`). This leaves out what a fit
pays once (validation, copies, scikit-learn's initialization and final
E-step), which would otherwise blur the comparison at small :math:`N`.

**The loop versions** take seconds to days per iteration. Each is measured
(:func:`emlib.timing.time_per_iteration`, one iteration per run) at growing
sizes, starting with two small calibration sizes, for as long as the next
run is predicted to last at most ``loop_budget`` seconds (the last measured
time scaled linearly: an optimistic guess, as the loops grow at least
linearly); larger sizes are extrapolated from the loops' cost model
:math:`t = aN + bN^2` fitted to every measured size
(:func:`emlib.timing.linear_quadratic_fit`: on 100 columns, each sample's
share of ``sum(sum(...))`` and of the per-row conversions grows with the
number of rows) and marked ``extrapolated``.

**Memory** is the peak allocated during a two-iteration fit (one iteration
for the loop versions, at the smallest size only), measured with
:mod:`tracemalloc` (:func:`peak_extra_bytes`). It includes the validated
copy of the data that every fitter makes.

The records, their table, plot and files are in :mod:`emlib.bench_report`
(re-exported here).

``python -m emlib.bench dask`` runs chapter 8's comparison instead:
:func:`emlib.dask_fit.em_dask` against ``em_vectorized`` and the exp floor,
in memory, from 1 to 2 workers and out of core (:mod:`emlib.bench_dask`,
``python -m emlib.bench dask --help``).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import shlex
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

import emlib
from emlib.bench_report import FITTER_NAMES, BenchRecord, format_table, load, plot_times, save
from emlib.check import seconds_argument
from emlib.command_line import argument_parser, run
from emlib.files import write_atomically
from emlib.params import SEED_PROBLEM, MixtureParams
from emlib.sampling import sample
from emlib.timing import linear_quadratic_fit, time_per_iteration
from emlib.validation import check_int, check_mixture, check_positive_real

__all__ = [
    "BenchRecord",
    "FITTER_NAMES",
    "bench_data",
    "bench_problem",
    "bytes_needed",
    "exp_floor_seconds",
    "format_table",
    "load",
    "main",
    "peak_extra_bytes",
    "physical_memory",
    "plot_times",
    "run_benchmark",
    "save",
    "seconds_per_iteration",
    "sklearn_fit",
]

LOOP_FITTERS = ("em_original", "em_hoisted")
"""The versions that loop in Python: timed only at small sizes, extrapolated beyond."""

COLUMNS = 100
"""Columns of the benchmark's data, as in the question; the number of rows varies."""

SIZES = (10**3, 10**4, 10**5, 10**6, 10**7)
COMPONENTS = (2, 4, 8)
QUICK = {"sizes": (10**3, 10**4), "components": (2,), "repeat": 1, "loop_budget": 0.5, "min_seconds": 0.05}
"""The ``--quick`` run: seconds, for tests and CI."""

MAX_EXTRA_ITERATIONS = 1000
"""Most iterations added to a fit to time one iteration (:func:`seconds_per_iteration`)."""

Fit = Callable[..., object]


def bench_problem(n_components: int) -> tuple[MixtureParams, MixtureParams]:
    r"""The mixture the data are drawn from and the start of every fit, for :math:`K` components.

    :math:`K = 2` is the question's (:data:`emlib.SEED_PROBLEM`). Other
    :math:`K`: equal weights, unit variances, means :math:`0, 3, 6, \dots`;
    the start has every mean 1 higher and variances 2.

    Raises
    ------
    TypeError, ValueError
        If ``n_components`` is not an integer >= 1.
    """
    k = check_int(n_components, "n_components", minimum=1)
    if k == 2:
        return SEED_PROBLEM.true, SEED_PROBLEM.start
    means = 3.0 * np.arange(k)
    weights = np.full(k, 1.0 / k)
    return (
        MixtureParams(means=means, variances=np.ones(k), weights=weights),
        MixtureParams(means=means + 1.0, variances=np.full(k, 2.0), weights=weights),
    )


def bench_data(n_samples: int, n_components: int, seed: int = 0) -> np.ndarray:
    """Samples from :func:`bench_problem`, shaped ``(N // 100, 100)`` like the question's.

    Raises
    ------
    TypeError, ValueError
        If ``n_samples`` is not a positive multiple of 100, or ``n_components``
        or ``seed`` is invalid.
    """
    n = _size(n_samples)
    true, _ = bench_problem(n_components)
    return sample(true, (n // COLUMNS, COLUMNS), seed=seed)


def sklearn_fit(x: object, init: MixtureParams, *, tol: float = 0.0, max_iter: int = 1, stop: str = "params") -> object:
    """scikit-learn's EM from ``init`` for ``max_iter`` iterations, called like an emlib fitter.

    ``GaussianMixture(covariance_type="diag", reg_covar=0)`` with ``init``'s
    weights, means and precisions; ``tol=0`` runs all ``max_iter``
    iterations. ``stop`` is accepted for the common signature and ignored.

    Returns
    -------
    sklearn.mixture.GaussianMixture
        The fitted model.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    check_mixture(init, "init")
    model = GaussianMixture(
        n_components=init.n_components,
        covariance_type="diag",
        reg_covar=0.0,
        tol=tol,
        max_iter=max_iter,
        init_params="random_from_data",  # cheap; replaced by the three *_init below
        weights_init=init.weights,
        means_init=init.means[:, np.newaxis],
        precisions_init=1.0 / init.variances[:, np.newaxis],
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(np.reshape(x, (-1, 1)))


def available(names: Iterable[str]) -> list[str]:
    """The names in ``names`` that can be timed here, in their order.

    ``"sklearn"`` needs scikit-learn, which the build-and-test environment has
    and the learner's lean environment does not: there it is left out, so a
    chapter that compares with it still runs.

    Raises
    ------
    ValueError
        If a name is neither a fitter nor ``"exp_floor"``.
    """
    names = list(names)
    for name in names:
        if name not in FITTER_NAMES:
            raise ValueError(f"unknown fitter {name!r}; choose from {', '.join(FITTER_NAMES)}")
    has_sklearn = importlib.util.find_spec("sklearn") is not None
    return [name for name in names if name != "sklearn" or has_sklearn]


def _fitters() -> dict[str, Fit]:
    return {**emlib.FITTERS, "sklearn": sklearn_fit}


def seconds_per_iteration(fit: Fit, x: object, init: MixtureParams, *, repeat: int = 3, min_seconds: float = 0.2) -> float:
    r"""The marginal time of one EM iteration: :math:`(T_{1+n} - T_1) / n`.

    :math:`T_j` is the median over ``repeat`` runs of ``fit(x, init, tol=0,
    max_iter=j)``, after one warm-up run; :math:`n` (at most
    :data:`MAX_EXTRA_ITERATIONS`) makes :math:`T_{1+n}` last about
    ``min_seconds``. If timing noise makes :math:`T_{1+n} \le T_1`, the
    result is :math:`T_{1+n} / (1 + n)` instead (an overestimate).

    Raises
    ------
    TypeError, ValueError
        If ``fit`` is not callable, ``repeat`` is not an integer >= 1, or
        ``min_seconds`` is not a positive number.
    """
    if not callable(fit):
        raise TypeError(f"fit must be callable, got {type(fit).__name__}")
    repeat = check_int(repeat, "repeat", minimum=1)
    min_seconds = check_positive_real(min_seconds, "min_seconds")

    def median_seconds(n_iter: int) -> float:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            fit(x, init, tol=0, max_iter=n_iter)
            runs.append(time.perf_counter() - start)
        return float(np.median(runs))

    fit(x, init, tol=0, max_iter=1)  # warm-up
    one = median_seconds(1)
    extra = min(MAX_EXTRA_ITERATIONS, max(1, math.ceil(min_seconds / one)))
    more = median_seconds(1 + extra)
    return (more - one) / extra if more > one else more / (1 + extra)


def exp_floor_seconds(n_samples: int, n_components: int, *, repeat: int = 3, min_seconds: float = 0.2, seed: int = 0) -> float:
    """Seconds for one ``np.exp(table, out=out)`` over a ``(K, N)`` table: the floor of an EM iteration.

    The table holds values in :math:`[-10, 0]`, like the shifted
    log-densities of an E-step; ``out`` is allocated once, so only the
    evaluation is timed. Median over ``repeat`` timings of enough calls to
    last ``min_seconds``, after a warm-up call.

    Raises
    ------
    TypeError, ValueError
        If a size is not an integer >= 1, ``repeat`` < 1 or ``min_seconds`` <= 0.
    """
    n = check_int(n_samples, "n_samples", minimum=1)
    k = check_int(n_components, "n_components", minimum=1)
    repeat = check_int(repeat, "repeat", minimum=1)
    min_seconds = check_positive_real(min_seconds, "min_seconds")
    table = np.random.default_rng(seed).uniform(-10.0, 0.0, size=(k, n))
    out = np.empty_like(table)
    start = time.perf_counter()
    np.exp(table, out=out)  # warm-up, and a first estimate
    number = max(1, math.ceil(min_seconds / max(time.perf_counter() - start, 1e-9)))
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            np.exp(table, out=out)
        runs.append((time.perf_counter() - start) / number)
    return float(np.median(runs))


def peak_extra_bytes(fit: Fit, x: object, init: MixtureParams, n_iter: int = 2) -> int:
    """Peak bytes allocated while ``fit(x, init, tol=0, max_iter=n_iter)`` runs, beyond what existed before.

    Measured with :mod:`tracemalloc`, which sees NumPy's arrays as well as
    Python objects (it slows the fit down, so it runs apart from the timings).

    Raises
    ------
    TypeError, ValueError
        If ``fit`` is not callable or ``n_iter`` is not an integer >= 1.
    """
    if not callable(fit):
        raise TypeError(f"fit must be callable, got {type(fit).__name__}")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    try:
        fit(x, init, tol=0, max_iter=n_iter)
        return max(0, tracemalloc.get_traced_memory()[1] - before)
    finally:
        if not was_tracing:
            tracemalloc.stop()


class Progress:
    """A one-line progress bar on stderr: done/total, the current task, elapsed time."""

    def __init__(self, total: int, enabled: bool = True, width: int = 24) -> None:
        self.total, self.enabled, self.width = total, enabled, width
        self.done = 0
        self.start = time.perf_counter()
        self.live = enabled and sys.stderr.isatty()

    def update(self, task: str) -> None:
        """Count one more task done, named ``task``."""
        self.done += 1
        if not self.enabled:
            return
        filled = round(self.width * self.done / self.total)
        elapsed = time.perf_counter() - self.start
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {elapsed:6.1f} s  {task}"
        sys.stderr.write(f"\r{line:<100}" if self.live else line + "\n")
        if self.live and self.done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _loop_records(
    name: str, sizes: list[int], k: int, *, repeat: int, loop_budget: float, seed: int, progress: Progress
) -> list[BenchRecord]:
    """Measure a loop version while runs stay within ``loop_budget``; extrapolate the other sizes.

    Two calibration sizes below the grid are always measured. A size is
    measured if the last measured time, scaled linearly to it, is within the
    budget (an optimistic guess: the loops grow at least linearly). Memory is
    measured at the smallest size only: ``tracemalloc`` slows Python loops
    several times over.
    """
    fit = emlib.FITTERS[name]
    _, start = bench_problem(k)
    smallest = sizes[0]
    calibration = sorted({max(COLUMNS, int(round(smallest / d, -2))) for d in (10, 3)} - {smallest})
    measured: dict[int, float] = {}
    for n in [*(c for c in calibration if c < smallest), *sizes]:
        if len(measured) >= 2:
            last = max(measured)
            if measured[last] * n / last > loop_budget:
                break
        measured[n] = time_per_iteration(fit, bench_data(n, k, seed), start, n_iter=1, repeat=repeat, warmup=not measured)
    a, b = linear_quadratic_fit(list(measured), list(measured.values()))
    records = []
    for n in sizes:
        if n in measured:
            peak = peak_extra_bytes(fit, bench_data(n, k, seed), start, n_iter=1) if n == smallest else None
            records.append(BenchRecord(name, n, k, measured[n], False, peak))
        else:
            records.append(BenchRecord(name, n, k, a * n + b * n**2, True, None))
        progress.update(f"{name} N={n:,} K={k}" + ("" if n in measured else " (extrapolated)"))
    return records


def run_benchmark(
    sizes: Iterable[int],
    components: Iterable[int],
    *,
    fitters: Iterable[str] | None = None,
    repeat: int = 3,
    loop_budget: float = 2.0,
    seed: int = 0,
    progress: bool = True,
    min_seconds: float = 0.2,
) -> list[BenchRecord]:
    """Time every fitter at every :math:`(N, K)` of the grid; measure its memory.

    Parameters
    ----------
    sizes : iterable of int
        Values of :math:`N`, each a positive multiple of 100 (the data have
        100 columns).
    components : iterable of int
        Values of :math:`K` (>= 1, at most the smallest :math:`N`).
    fitters : iterable of str, optional
        Names from :data:`FITTER_NAMES`; all by default.
    repeat : int, default 3
        Timed runs per measurement; medians are reported.
    loop_budget : float, default 2.0
        Longest predicted run (seconds) at which a loop version is still measured.
    seed : int, default 0
        Seed of the data.
    progress : bool, default True
        Show a progress bar on stderr.
    min_seconds : float, default 0.2
        How long each timed fit of a fast version lasts (see :func:`seconds_per_iteration`).

    Returns
    -------
    list of BenchRecord
        Sorted by :math:`K`, :math:`N` and fitter.

    Raises
    ------
    TypeError, ValueError
        For a bad argument, naming it.
    """
    grid = sorted({_size(n) for n in _non_empty(sizes, "sizes")})
    ks = sorted({check_int(k, "components", minimum=1) for k in _non_empty(components, "components")})
    if ks[-1] > grid[0]:
        raise ValueError(f"more components than samples: K={ks[-1]} with N={grid[0]}")
    names = FITTER_NAMES if fitters is None else _fitter_names(fitters)
    repeat = check_int(repeat, "repeat", minimum=1)
    loop_budget = check_positive_real(loop_budget, "loop_budget")
    seed = check_int(seed, "seed", minimum=0)
    min_seconds = check_positive_real(min_seconds, "min_seconds")
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be a bool, got {type(progress).__name__}")

    bar = Progress(len(ks) * len(grid) * len(names), enabled=progress)
    fits = _fitters()
    records = []
    for k in ks:
        _, start = bench_problem(k)
        for name in (name for name in names if name in LOOP_FITTERS):
            records += _loop_records(name, grid, k, repeat=repeat, loop_budget=loop_budget, seed=seed, progress=bar)
        fitted = [name for name in names if name not in (*LOOP_FITTERS, "exp_floor")]
        for n in grid:
            x = bench_data(n, k, seed) if fitted else None  # the loops and the floor make their own
            for name in (name for name in names if name not in LOOP_FITTERS):
                if name == "exp_floor":
                    seconds, peak = exp_floor_seconds(n, k, repeat=repeat, min_seconds=min_seconds, seed=seed), None
                else:
                    seconds = seconds_per_iteration(fits[name], x, start, repeat=repeat, min_seconds=min_seconds)
                    peak = peak_extra_bytes(fits[name], x, start)
                records.append(BenchRecord(name, n, k, seconds, False, peak))
                bar.update(f"{name} N={n:,} K={k}")
    order = {name: i for i, name in enumerate(FITTER_NAMES)}
    return sorted(records, key=lambda r: (r.n_components, r.n_samples, order[r.fitter]))


def _size(value: object) -> int:
    n = check_int(value, "sizes", minimum=COLUMNS)
    if n % COLUMNS:
        raise ValueError(f"sizes must be multiples of {COLUMNS} (the data have {COLUMNS} columns), got {n}")
    return n


def _non_empty(values: object, name: str) -> list:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be an iterable of integers, got {type(values).__name__}")
    values = list(values)
    if not values:
        raise ValueError(f"{name} is empty")
    return values


def _fitter_names(fitters: object) -> tuple[str, ...]:
    names = _non_empty(fitters, "fitters")
    for name in names:
        if name not in FITTER_NAMES:
            raise ValueError(f"unknown fitter {name!r}: use some of {FITTER_NAMES}")
    return tuple(name for name in FITTER_NAMES if name in names)


VALUES_PER_SAMPLE = {
    "em_original": lambda k: 2,
    "em_hoisted": lambda k: 2,
    "em_broadcast": lambda k: 3 * k + 6,
    "em_vectorized": lambda k: k + 6,
    "sklearn": lambda k: 6 * k + 7,
    "exp_floor": lambda k: 2 * k + 2,
}
"""About how many float64 values per sample each measurement holds at its peak.

Measured with :func:`peak_extra_bytes` at :math:`N = 10^5` for :math:`K = 2`
and 8 (scikit-learn about :math:`6K + 4`, ``em_broadcast`` :math:`3K + 3`,
``em_vectorized`` at most :math:`K + 4`), plus the data and their validated
copy (for the loop versions, only these: counted at every size, since the two
smallest sizes are measured whatever their cost).
"""


def bytes_needed(n_samples: int, n_components: int, fitters: Iterable[str] = FITTER_NAMES) -> int:
    """About the most memory (bytes) the benchmark holds at once for one :math:`(N, K)` (see :data:`VALUES_PER_SAMPLE`)."""
    return 8 * n_samples * max(VALUES_PER_SAMPLE[name](n_components) for name in fitters)


def physical_memory() -> int | None:
    """This machine's physical memory in bytes, or ``None`` where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _parse_size(text: str) -> int:
    """An argparse type: a sample size such as ``1e3`` or ``25500``, a multiple of 100."""
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"invalid size {text!r}: give a number of samples, e.g. 1e3 or 25500") from None
        if not (math.isfinite(number) and number.is_integer()):
            raise argparse.ArgumentTypeError(f"invalid size {text!r}: not a whole number of samples") from None
        value = int(number)
    try:
        return _size(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"invalid size {text!r}: {err}") from None


def _whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer >= ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: give a whole number >= {minimum}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: must be >= {minimum}")
        return value

    return parse


def _problem_with_out(folder: str) -> str | None:
    """Why the results cannot be written to ``folder`` (checked before the run), or ``None``."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        return f"{folder!r} is a file, not a folder"
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        return f"{str(existing)!r} is a file, so {folder!r} cannot be a folder"
    probe = existing / f".emlib-bench-probe-{os.getpid()}"
    try:
        probe.touch()
        probe.unlink()
    except OSError as err:
        return f"cannot write in {str(existing)!r} ({err.strerror or err})"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark from the command line: print the table, write bench.csv, bench.json and bench.png.

    With ``dask`` as the first argument, run :func:`emlib.bench_dask.main` on the rest instead.
    Every argument is checked before any measurement, with argparse's
    one-line errors (exit status 2): sizes that are not sample counts or would
    not fit in this machine's memory, an ``--out`` that cannot be written.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["dask"]:
        from emlib import bench_dask  # only this part needs Dask

        return bench_dask.main(arguments[1:])
    parser = argument_parser("emlib.bench", __doc__)
    parser.epilog = "python -m emlib.bench dask [--help] (dask first): chapter 8's em_dask, in memory and out of core"
    parser.add_argument("--quick", action="store_true", help="a few seconds: N = 1e3, 1e4 and K = 2, one repeat")
    parser.add_argument("--sizes", nargs="+", type=_parse_size, metavar="N",
                        help=f"sample sizes, multiples of {COLUMNS}, e.g. 1e3 25500 1e6")
    parser.add_argument("--components", nargs="+", type=_whole_number(1), metavar="K",
                        help="numbers of components, e.g. 2 4 8")
    parser.add_argument("--fitters", nargs="+", choices=FITTER_NAMES, metavar="NAME", help="what to time (default: all)")
    parser.add_argument("--out", default="_build/bench", help="folder for bench.csv, bench.json, bench.png")
    parser.add_argument("--repeat", type=_whole_number(1), help="timed runs per measurement (default 3)")
    parser.add_argument("--loop-budget", type=seconds_argument("value", "2"),
                        help="longest run (s) to measure a loop version (default 2)")
    parser.add_argument("--seed", type=_whole_number(0), default=0, help="seed of the data")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    args = parser.parse_args(arguments)
    settings = dict(QUICK) if args.quick else {"sizes": SIZES, "components": COMPONENTS}
    for option in ("sizes", "components", "fitters", "repeat", "loop_budget"):
        if getattr(args, option) is not None:
            settings[option] = getattr(args, option)
    if max(settings["components"]) > min(settings["sizes"]):
        parser.error(f"argument --components: K={max(settings['components'])} is more components "
                     f"than the smallest size has samples (N={min(settings['sizes'])})")
    names = settings.get("fitters") or FITTER_NAMES
    need = bytes_needed(max(settings["sizes"]), max(settings["components"]), names)
    have = physical_memory()
    if have is not None and need > have:
        parser.error(f"argument --sizes: N={max(settings['sizes']):,} with K={max(settings['components'])} "
                     f"needs about {need / 2**30:,.0f} GiB of memory, this machine has {have / 2**30:,.0f} GiB: "
                     "use smaller sizes")
    problem = _problem_with_out(args.out)
    if problem:
        parser.error(f"argument --out: {problem}")
    try:
        records = run_benchmark(**settings, seed=args.seed, progress=not args.no_progress)
    except (TypeError, ValueError) as err:
        parser.error(str(err))
    command = shlex.join(["python", "-m", "emlib.bench", *arguments])
    paths = save(records, args.out, command=command)
    paths["png"] = paths["json"].with_name("bench.png")
    _save_plots(records, paths["png"])
    print(format_table(records))
    print(f"\n{command}\nwrote {', '.join(str(path) for path in paths.values())}")
    return 0


def _save_plots(records: list[BenchRecord], path: Path) -> None:
    """One panel per :math:`K`, side by side, saved as a PNG (no window, no pyplot state), replaced atomically."""
    from matplotlib.figure import Figure

    ks = sorted({r.n_components for r in records})
    figure = Figure(figsize=(9.5 * len(ks), 4.8), layout="tight")
    for k, ax in zip(ks, figure.subplots(1, len(ks), squeeze=False)[0]):
        plot_times(records, k, ax=ax)
    write_atomically(path, lambda handle: figure.savefig(handle, format="png", dpi=120))


if __name__ == "__main__":
    run(main)
