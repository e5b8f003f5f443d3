"""The cheat sheet's before/after snippets compute the same thing (book/cheat-sheet.md)."""

import ast
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

SHEET = Path(__file__).resolve().parents[1] / "book" / "cheat-sheet.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```$", SHEET.read_text(encoding="utf-8"), flags=re.S | re.M)
PAIRS = list(zip(BLOCKS[0::2], BLOCKS[1::2]))
A_DEFINITION = re.search(r"`(a = [^`]+)`", SHEET.read_text(encoding="utf-8"))[1]  # the sheet's own `a`
LAYOUT_RULE = "put the long axis last"


def namespace(x: np.ndarray) -> dict:
    """The names the sheet says exist: shapes (N,), (K,), (K, N)."""
    rng = np.random.default_rng(0)
    n, k = x.size, 3
    mu, sd, pi = np.array([-1.0, 0.5, 2.0]), np.array([0.5, 1.0, 0.8]), np.array([0.2, 0.3, 0.5])
    return {
        "np": np, "norm": norm, "N": n, "K": k, "x": x, "mu": mu, "sd": sd, "pi": pi,
        "gamma": rng.dirichlet(np.ones(k), size=n).T, "d": np.empty((k, n)),
    }


def assigned(code: str) -> set[str]:
    """Names a snippet binds or fills (``d = ...`` and ``d[i, k] = ...``)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
            names.add(node.value.id)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def run(code: str, x: np.ndarray) -> dict:
    names = namespace(x)
    with np.errstate(divide="ignore"):
        exec(A_DEFINITION, names)
        exec(code, names)  # noqa: S102 - the sheet's own snippets
    return names


def test_the_sheet_has_four_short_before_after_pairs():
    assert len(BLOCKS) == 8
    for before, after in PAIRS:
        assert len(before.splitlines()) <= 3 and len(after.splitlines()) <= 3


@pytest.mark.parametrize(("before", "after"), PAIRS, ids=["sum", "broadcast", "one-call", "logsumexp"])
def test_before_and_after_agree(before, after):
    x = np.random.default_rng(1).normal(size=40)
    old, new = run(before, x), run(after, x)
    common = assigned(before) & assigned(after)
    assert common
    for name in common:
        assert np.shape(old[name]) == np.shape(new[name])
        assert np.allclose(old[name], new[name]), name


def test_log_sum_exp_is_finite_where_the_loop_version_underflows():
    before, after = PAIRS[3]
    far = np.array([0.0, 60.0])  # 60 is over 70 standard deviations from every mean
    assert np.isneginf(run(before, far)["log_total"][1])
    assert np.all(np.isfinite(run(after, far)["log_total"]))


HTML_DIR = Path(os.environ.get("BOOK_HTML_DIR", SHEET.parents[1] / "_build" / "html"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.mark.skipif(
    not (HTML_DIR / "book" / "cheat-sheet.html").is_file() or shutil.which(CHROMIUM) is None,
    reason="needs the built book (make book) and Chromium",
)
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_built_sheet_prints_on_one_page(paper):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto((HTML_DIR / "book" / "cheat-sheet.html").resolve().as_uri())
        pdf = page.pdf(format=paper)
        browser.close()
    assert re.findall(rb"/Type\s*/Page\b", pdf) == [b"/Type /Page"], "the cheat sheet does not fit one page"


def test_the_sheet_states_the_books_layout_rule():
    text = SHEET.read_text(encoding="utf-8")
    assert LAYOUT_RULE in text.lower()
    assert "(N, K)" not in text  # gamma, d and the tables are (K, N), as in chapters 6 and 7
