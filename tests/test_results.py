"""Tests of emlib.book.results: the speed-up table read from benchmark records."""

import pytest

from emlib.bench_report import BenchRecord
from emlib.book.results import format_ratio, speedup_table
from emlib.book.table import Table

N = 25_500


def record(fitter, seconds, *, n=N, k=2, extrapolated=False):
    return BenchRecord(fitter, n, k, seconds, extrapolated, None)


RECORDS = [
    record("em_original", 20.0, extrapolated=True),
    record("em_hoisted", 2.0),
    record("em_broadcast", 0.02),
    record("em_vectorized", 0.0005),
    record("sklearn", 0.005),
    record("exp_floor", 0.0001),
    record("em_vectorized", 0.003, n=100_000),
]


def test_speedup_table_rows_in_the_books_order():
    table = speedup_table(RECORDS, N)
    assert isinstance(table, Table)
    assert table.header == ("version", "time per iteration", "how", "speed-up over em_original", "over the version before")
    assert table.rows == (
        ("em_original", "~20 s", "extrapolated", "-", "-"),
        ("em_hoisted", "2 s", "measured", "10x", "10x"),
        ("em_broadcast", "20 ms", "measured", "1,000x", "100x"),
        ("em_vectorized", "500 µs", "measured", "40,000x", "40x"),
        ("sklearn", "5 ms", "measured", "4,000x", "-"),
        ("exp_floor", "100 µs", "measured", "-", "-"),
    )


def test_speedup_table_without_the_references():
    table = speedup_table([record("em_broadcast", 0.02), record("em_vectorized", 0.001)], N)
    assert table.rows == (
        ("em_broadcast", "20 ms", "measured", "-", "-"),
        ("em_vectorized", "1 ms", "measured", "-", "20x"),
    )


def test_speedup_table_picks_the_size():
    (row,) = speedup_table(RECORDS, 100_000).rows
    assert row[:2] == ("em_vectorized", "3 ms")


@pytest.mark.parametrize(
    ("records", "n", "k", "error", "message"),
    [
        (RECORDS, 1_000, 2, ValueError, r"no records for N=1000, K=2"),
        (RECORDS, N, 3, ValueError, r"no records for N=25500, K=3"),
        (RECORDS, 0, 2, ValueError, "n_samples must be >= 1"),
        (RECORDS, N, 2.0, TypeError, "n_components must be an integer"),
        ([], N, 2, ValueError, "records is empty"),
        ("records", N, 2, TypeError, "records must be a list of BenchRecord"),
        ([1.0], N, 2, TypeError, "records must hold only BenchRecord"),
    ],
)
def test_speedup_table_validates(records, n, k, error, message):
    with pytest.raises(error, match=message):
        speedup_table(records, n, k)


@pytest.mark.parametrize(("ratio", "text"), [(1.5, "1.5x"), (12.34, "12.3x"), (99.94, "99.9x"), (123.4, "123x"), (41234.0, "41,234x")])
def test_format_ratio(ratio, text):
    assert format_ratio(ratio) == text


@pytest.mark.parametrize(
    ("ratio", "error"), [(0.0, ValueError), (float("inf"), ValueError), (-2.0, ValueError), ("2", TypeError), (True, TypeError)]
)
def test_format_ratio_validates(ratio, error):
    with pytest.raises(error, match="ratio must be"):
        format_ratio(ratio)
