"""emlib.exercises_dask: chapter 8's checks accept the right answers and explain the wrong ones."""

import math

import numpy as np
import pytest

from emlib import SEED_PROBLEM
from emlib.dask_fit import add_up, chunk_sums
from emlib.exercises_dask import EXERCISE_8_2, check, exercise_8_1_data
from emlib.vectorized import end_rows, plan_sweep


def solution_8_1() -> np.ndarray:
    x, pieces = exercise_8_1_data()
    center = x.mean()
    plan = plan_sweep(SEED_PROBLEM.start, center, end_rows(x.min() - center, x.max() - center))
    sums, _ = add_up([chunk_sums(piece, center, plan, None) for piece in pieces])
    return sums


def test_the_pieces_are_the_data_in_three_uneven_chunks():
    x, pieces = exercise_8_1_data()
    assert [piece.size for piece in pieces] == [10_000, 5_500, 10_000]
    assert np.array_equal(np.concatenate(pieces), x)


def test_8_1_accepts_the_chunks_sums_and_refuses_others(capsys):
    right = solution_8_1()
    assert check("8.1", right)
    assert not check("8.1", right / 3)  # averaged, not added
    assert not check("8.1", right[:, :2])
    out = capsys.readouterr().out
    assert "right" in out and "element by element" in out and "expected a (2, 3) array" in out


def test_8_2_counts_bytes_not_values(capsys):
    settings = EXERCISE_8_2
    values = math.ceil(settings["n_samples"] / settings["chunk_samples"]) * (3 * settings["n_components"] + 1)
    assert check("8.2", 8 * values)
    assert not check("8.2", values)
    assert not check("8.2", 8.0 * values)
    assert "8 bytes" in capsys.readouterr().out


def test_no_answer_yet_is_a_reminder_not_an_error(capsys):
    assert not check("8.1", None)
    assert "no answer yet" in capsys.readouterr().out


def test_unknown_exercise_is_an_error():
    with pytest.raises(KeyError, match="8.1"):
        check("9.9", 1)
