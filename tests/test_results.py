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


# loop_records and describe_times

from emlib.book import measurements, results  # noqa: E402
from emlib.book.results import describe_times, loop_records  # noqa: E402


@pytest.fixture
def fake_measurements(monkeypatch):
    """Loop times that follow t = 1e-4 N + 1e-8 N^2 exactly, without timing anything."""

    def by_rows(name):
        sizes = [200, 400, 800, 1600, 3200]
        return {"rows": [n // 100 for n in sizes], "sizes": sizes, "seconds": [1e-4 * n + 1e-8 * n**2 for n in sizes]}

    monkeypatch.setattr(measurements, "seconds_by_rows", by_rows)
    monkeypatch.setattr(measurements, "full_size_seconds", lambda name: 1e-4 * N + 1e-8 * N**2)


def test_loop_records_are_measured_up_to_the_full_size_and_extrapolated_beyond(fake_measurements):
    records = loop_records("em_original", extrapolate_to=[100_000])
    assert [(r.n_samples, r.extrapolated) for r in records] == [
        (200, False), (400, False), (800, False), (1600, False), (3200, False), (N, False), (100_000, True)
    ]
    assert records[5].seconds_per_iter == pytest.approx(1e-4 * N + 1e-8 * N**2)
    assert records[-1].seconds_per_iter == pytest.approx(1e-4 * 1e5 + 1e-8 * 1e10, rel=1e-6)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"extrapolate_to": [10_000]}, "beyond the measured sizes"), ({"n_components": 3}, "K = 2")],
)
def test_loop_records_refuse_what_was_not_measured(fake_measurements, kwargs, message):
    with pytest.raises(ValueError, match=message):
        loop_records("em_original", **kwargs)


def test_describe_times_is_written_from_the_records():
    text = describe_times(RECORDS + [record("em_original", 300.0, n=100_000, extrapolated=True)])
    assert "from 25,500 to 100,000" in text
    assert "slowest to fastest: em_original" in text
    assert "em_original line is dashed at N = 25,500, 100,000" in text
    assert "em_vectorized" in text and "parallel" not in text


def test_describe_times_needs_records_of_that_k():
    with pytest.raises(ValueError, match="K=3"):
        describe_times(RECORDS, n_components=3)
