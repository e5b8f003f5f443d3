r"""The results at one problem size: every version's time per iteration and its speed-ups.

Reads the benchmark's own records (:mod:`emlib.bench`), so the results
chapter and the benchmark can never disagree. With :math:`t_v` the time per
iteration of version :math:`v`, the table gives the speed-up over the
question's loops, :math:`t_{\text{em\_original}} / t_v`, and over the version
before it in the book, :math:`t_{v-1} / t_v`.
"""

from __future__ import annotations

from collections.abc import Sequence

from emlib.bench_report import FITTER_NAMES, BenchRecord, check_records, format_seconds
from emlib.book.table import Table
from emlib.validation import check_int, check_positive_real

STEPS = ("em_original", "em_hoisted", "em_broadcast", "em_vectorized")
"""The book's versions, in the order the chapters build them; the other fitters are references."""


def format_ratio(ratio: float) -> str:
    """A speed-up as text: three significant digits, whole numbers with thousands separators (``"1.5x"``, ``"4,000x"``).

    Raises
    ------
    TypeError
        If ``ratio`` is not a real number.
    ValueError
        If ``ratio`` is not finite and > 0.
    """
    ratio = check_positive_real(ratio, "ratio")
    return f"{ratio:,.0f}x" if ratio >= 100 else f"{ratio:.3g}x"


def speedup_table(records: Sequence[BenchRecord], n_samples: int, n_components: int = 2) -> Table:
    """Every version's time per iteration at :math:`(N, K)`, and its speed-ups.

    Parameters
    ----------
    records : sequence of BenchRecord
        From :func:`emlib.bench.run_benchmark` or :func:`emlib.bench.load`.
    n_samples : int
        :math:`N`, one of the sizes in ``records``.
    n_components : int, default 2
        :math:`K`.

    Returns
    -------
    Table
        One row per fitter present at :math:`(N, K)`, in the benchmark's order:
        the time (``~`` when extrapolated), whether it was measured, the
        speed-up over ``em_original`` and, for the book's versions, over the
        version before. A column is ``-`` where its reference is missing, and
        for ``exp_floor``, which is a lower bound, not a version.

    Raises
    ------
    TypeError, ValueError
        If ``records`` is not a sequence of ``BenchRecord`` (see
        :func:`emlib.bench_report.check_records`), ``n_samples`` or
        ``n_components`` is not an integer >= 1, or no record has that
        :math:`(N, K)`.
    """
    checked = check_records(records)
    n = check_int(n_samples, "n_samples", minimum=1)
    k = check_int(n_components, "n_components", minimum=1)
    seconds = {r.fitter: r for r in checked if r.n_samples == n and r.n_components == k}
    if not seconds:
        sizes = sorted({(r.n_samples, r.n_components) for r in checked})
        raise ValueError(f"no records for N={n}, K={k}; the records have (N, K) in {sizes}")

    def ratio(numerator: str, record: BenchRecord) -> str:
        top = seconds.get(numerator)
        return "-" if top is None else format_ratio(top.seconds_per_iter / record.seconds_per_iter)

    rows = []
    for name in FITTER_NAMES:
        record = seconds.get(name)
        if record is None:
            continue
        step = STEPS.index(name) if name in STEPS else None
        previous = "-" if not step else ratio(STEPS[step - 1], record)
        rows.append(
            (
                name,
                ("~" if record.extrapolated else "") + format_seconds(record.seconds_per_iter),
                "extrapolated" if record.extrapolated else "measured",
                "-" if name in ("em_original", "exp_floor") else ratio("em_original", record),
                previous,
            )
        )
    header = ("version", "time per iteration", "how", "speed-up over em_original", "over the version before")
    return Table(header=header, rows=tuple(rows))


def loop_records(name: str, extrapolate_to: Sequence[int] = (), *, n_components: int = 2) -> list[BenchRecord]:
    r"""A loop version's times as benchmark records, from the measurements every chapter shares.

    The loop versions take seconds per iteration, so the book measures them
    once (:mod:`emlib.book.measurements`): at 2 to 32 rows of 100 columns and
    at the question's full size. Those are the measured records; at each size of
    ``extrapolate_to`` beyond them, the time is predicted by the cost model
    :math:`t = aN + bN^2` fitted to every measured size
    (:func:`emlib.timing.linear_quadratic_fit`) and marked extrapolated.

    Parameters
    ----------
    name : {"em_original", "em_hoisted"}
    extrapolate_to : sequence of int
        Sizes :math:`N` to extrapolate to, each larger than the question's.
    n_components : int, default 2
        :math:`K` of the records; the measurements are the question's, :math:`K = 2`.

    Returns
    -------
    list of BenchRecord
        By size; ``peak_bytes`` is ``None`` (memory is not measured here).

    Raises
    ------
    ValueError
        If ``name`` is not a loop version, ``n_components`` is not 2, or a size
        to extrapolate to is not larger than the question's.
    """
    from emlib.book import measurements
    from emlib.params import SEED_PROBLEM
    from emlib.timing import linear_quadratic_fit

    if check_int(n_components, "n_components", minimum=1) != SEED_PROBLEM.start.n_components:
        raise ValueError(f"the loop versions are measured with K = {SEED_PROBLEM.start.n_components}, not K = {n_components}")
    full_n = SEED_PROBLEM.n_samples
    targets = [check_int(n, "extrapolate_to", minimum=1) for n in extrapolate_to]
    if any(n <= full_n for n in targets):
        raise ValueError(f"extrapolate only beyond the measured sizes, N > {full_n:,}; got {targets}")
    by_rows = measurements.seconds_by_rows(name)
    measured = dict(zip(by_rows["sizes"], by_rows["seconds"]))
    measured[full_n] = measurements.full_size_seconds(name)
    a, b = linear_quadratic_fit(list(measured), list(measured.values()))
    records = [BenchRecord(name, n, n_components, float(t), False, None) for n, t in sorted(measured.items())]
    records += [BenchRecord(name, n, n_components, a * n + b * n**2, True, None) for n in sorted(set(targets))]
    return records


def describe_times(records: Sequence[BenchRecord], n_components: int = 2) -> str:
    """Alt text for :func:`emlib.bench_report.plot_times`, written from the records it draws.

    Names the versions from slowest to fastest at the largest size, says
    which points are extrapolated, and gives each version's growth exponent
    over its measured sizes, so that the text says what this figure shows.

    Raises
    ------
    TypeError, ValueError
        As :func:`speedup_table`; also if no record has ``n_components``.
    """
    from emlib.timing import growth_exponent

    checked = check_records(records)
    k = check_int(n_components, "n_components", minimum=1)
    chosen = [r for r in checked if r.n_components == k]
    if not chosen:
        raise ValueError(f"no records for K={k}")
    names = [name for name in FITTER_NAMES if any(r.fitter == name for r in chosen)]
    sizes = sorted({r.n_samples for r in chosen})
    largest = {r.fitter: r for r in chosen if r.n_samples == sizes[-1]}
    order = sorted(largest, key=lambda name: largest[name].seconds_per_iter, reverse=True)
    parts = [
        f"Log-log plot of seconds per EM iteration against the number of samples N, from {sizes[0]:,} "
        f"to {sizes[-1]:,}, one line per version ({len(names)} in all)."
    ]
    if order:
        ranking = ", ".join(f"{name} {format_seconds(largest[name].seconds_per_iter)}" for name in order)
        parts.append(f"At N = {sizes[-1]:,}, from slowest to fastest: {ranking}.")
    guessed = sorted({r.fitter for r in chosen if r.extrapolated}, key=names.index)
    for name in guessed:
        at = ", ".join(f"{r.n_samples:,}" for r in chosen if r.fitter == name and r.extrapolated)
        parts.append(f"The {name} line is dashed at N = {at}: extrapolated there, not measured.")
    slopes = []
    for name in names:
        measured = [r for r in chosen if r.fitter == name and not r.extrapolated]
        if len({r.n_samples for r in measured}) >= 2:
            b, _ = growth_exponent([r.n_samples for r in measured], [r.seconds_per_iter for r in measured])
            slopes.append(f"{name} {b:.2f}")
    if slopes:
        parts.append("Slopes of the measured points (growth exponents): " + ", ".join(slopes) + ".")
    return " ".join(parts)
