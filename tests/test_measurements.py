"""emlib.book.measurements: a named measurement is taken once and then reused until its code changes."""

import json

import pytest

from emlib.book import measurements
from emlib.book.measurements import code_key, recall


def counting(value):
    """A measurement that returns ``value`` and counts how often it ran."""
    calls = []

    def measure():
        calls.append(1)
        return value

    return measure, calls


def first_code():
    return 1


def second_code():
    return 2


def test_measures_once_then_reuses(tmp_path):
    path = tmp_path / "m.json"
    measure, calls = counting([1.5, 2.5])
    assert recall("t", measure, path=path) == [1.5, 2.5]
    assert recall("t", measure, path=path) == [1.5, 2.5]
    assert len(calls) == 1
    stored = json.loads(path.read_text())
    assert stored["t"]["value"] == [1.5, 2.5]


def test_changed_code_measures_again(tmp_path):
    path = tmp_path / "m.json"
    measure, calls = counting(3.0)
    recall("t", measure, depends_on=(first_code,), path=path)
    recall("t", measure, depends_on=(second_code,), path=path)
    recall("t", measure, depends_on=(second_code,), path=path)
    assert len(calls) == 2


def test_names_are_kept_apart_and_the_file_has_no_leftovers(tmp_path):
    path = tmp_path / "m.json"
    first, _ = counting(1.0)
    second, _ = counting(2.0)
    assert recall("a", first, path=path) == 1.0
    assert recall("b", second, path=path) == 2.0
    assert recall("a", first, path=path) == 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]


def test_a_damaged_file_is_measured_again(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{not json")
    measure, calls = counting(4.0)
    assert recall("t", measure, path=path) == 4.0
    assert len(calls) == 1
    assert json.loads(path.read_text())["t"]["value"] == 4.0


def test_code_key_follows_the_source():
    assert code_key(first_code) == code_key(first_code)
    assert code_key(first_code) != code_key(second_code)


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda p: recall("", lambda: 1, path=p), TypeError),
        (lambda p: recall(3, lambda: 1, path=p), TypeError),
        (lambda p: recall("t", 3, path=p), TypeError),
        (lambda p: recall("t", lambda: object(), path=p), TypeError),
        (lambda p: recall("t", lambda: 1, depends_on=(3,), path=p), TypeError),
        (lambda p: measurements.full_size_seconds("em_vectorized", path=p), ValueError),
        (lambda p: measurements.seconds_by_rows("nope", path=p), ValueError),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(tmp_path, call, error):
    path = tmp_path / "m.json"
    with pytest.raises(error):
        call(path)
    assert not path.exists()


def test_loop_times_are_measured_at_every_row_count(tmp_path, monkeypatch):
    monkeypatch.setattr(measurements, "ROW_COUNTS", (1, 2))
    times = measurements.seconds_by_rows("em_hoisted", path=tmp_path / "m.json")
    assert times["rows"] == [1, 2]
    assert times["sizes"] == [100, 200]
    assert len(times["seconds"]) == 2 and all(t > 0 for t in times["seconds"])
