"""Checks for chapter 8's exercises: ``check("8.1", answer)`` says whether an answer is right, and why not.

A check recomputes the expected answer from the exercise's own setting (the
same seeded data), so it cannot drift from the chapter. It prints a verdict
and returns whether the answer is right; a missing answer (``None``, as the
starter cells leave it) gets a reminder, not an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from emlib.params import SEED_PROBLEM

EXERCISE_8_1_CHUNKS = (10_000, 5_500, 10_000)
"""How exercise 8.1 cuts the question's 25,500 samples: three uneven chunks."""

EXERCISE_8_2 = {"n_samples": 10**9, "chunk_samples": 2**22, "n_components": 4}
"""Exercise 8.2's setting: a billion samples in chunks of 2**22, K = 4."""


def exercise_8_1_data() -> tuple[np.ndarray, list[np.ndarray]]:
    """The question's samples (seed 2019, as every chapter) and their three chunks."""
    from emlib.sampling import sample

    x = sample(SEED_PROBLEM.true, SEED_PROBLEM.shape, seed=2019).ravel()
    return x, np.split(x, np.cumsum(EXERCISE_8_1_CHUNKS)[:-1])


def _expected_8_1() -> np.ndarray:
    """The ``(K, 3)`` sums of one sweep from the question's start, over the whole data as one block."""
    from emlib.vectorized import Blocks, sweep

    x, _ = exercise_8_1_data()
    sums, _ = sweep(Blocks(x.copy(), SEED_PROBLEM.start.n_components, x.size), SEED_PROBLEM.start)
    return sums


def _check_8_1(answer: object) -> tuple[bool, str]:
    expected = _expected_8_1()
    got = np.asarray(answer, dtype=float)
    if got.shape != expected.shape:
        return False, f"expected a {expected.shape} array of sums (K rows: sum of gamma u, N_k, sum of gamma u^2), got shape {got.shape}"
    if not np.allclose(got, expected, rtol=1e-9, atol=0):
        return False, "the shape is right but the sums differ: add the chunks' sums element by element (no averaging)"
    return True, "the chunks' sums add up to the sums over all the data"


def _expected_8_2() -> int:
    setting = EXERCISE_8_2
    n_chunks = math.ceil(setting["n_samples"] / setting["chunk_samples"])
    return n_chunks * (3 * setting["n_components"] + 1) * 8


def _check_8_2(answer: object) -> tuple[bool, str]:
    expected = _expected_8_2()
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        return False, f"expected a whole number of bytes, got {type(answer).__name__}"
    if answer == expected:
        return True, f"{expected:,} bytes come back per sweep, against {8 * EXERCISE_8_2['n_samples']:,} bytes of data"
    if answer == expected // 8:
        return False, "that is the number of values: each float64 takes 8 bytes"
    return False, "count the chunks (round up), then 3K sums and one log-likelihood per chunk, 8 bytes each"


CHECKS: dict[str, Callable[[object], tuple[bool, str]]] = {"8.1": _check_8_1, "8.2": _check_8_2}
"""Each exercise's check, by its number."""


def check(exercise: str, answer: object) -> bool:
    """Print whether ``answer`` is right for ``exercise`` (``"8.1"`` or ``"8.2"``), and return it.

    Raises
    ------
    KeyError
        If ``exercise`` is not one of :data:`CHECKS`.
    """
    if exercise not in CHECKS:
        raise KeyError(f"no check for exercise {exercise!r}: use one of {sorted(CHECKS)}")
    if answer is None:
        print(f"Exercise {exercise}: no answer yet.")
        return False
    right, why = CHECKS[exercise](answer)
    print(f"Exercise {exercise}: {'right' if right else 'not yet'}: {why}.")
    return right
