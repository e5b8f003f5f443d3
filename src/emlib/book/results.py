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
