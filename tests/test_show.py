"""Tests of emlib.book.show: listings of the package's own source, and diffs between versions."""

import inspect
import math

import pytest

import emlib
from emlib import hoisted, original
from emlib.book import show


def test_source_with_docstrings_is_the_file_text_of_the_object():
    listing = show.source(original.m_step, docstrings=True)
    assert listing.text == inspect.getsource(original.m_step).rstrip("\n")
    assert listing.language == "python"
    assert str(listing) == listing.text


def test_source_joins_several_objects_in_order():
    listing = show.source(original.e_step, original.m_step)
    assert listing.text.index("def e_step") < listing.text.index("def m_step")
    assert "\n\n\ndef m_step" in listing.text


def test_source_leaves_docstrings_out_by_default():
    assert show.source(original.m_step).text == show.source(original.m_step, docstrings=False).text
    assert '"""' not in show.source(original.m_step).text
    assert '"""' in show.source(original.m_step, docstrings=True).text


def test_source_accepts_modules_and_classes():
    assert show.source(hoisted, docstrings=True).text.startswith('r"""The question\'s loops')
    assert "class MixtureParams" in show.source(emlib.MixtureParams).text


def test_markdown_is_one_fenced_python_block():
    markdown = show.source(original.m_step)._repr_markdown_()
    lines = markdown.splitlines()
    assert lines[0] == "```python"
    assert lines[-1] == "```"
    assert markdown.count("```") == 2


def test_fence_is_longer_than_backticks_in_the_text():
    markdown = show.Listing(text="x = 1  # ```` inside", language="python")._repr_markdown_()
    assert markdown.startswith("`````python\n")
    assert markdown.rstrip().endswith("\n`````")


def test_source_without_docstrings_keeps_code_and_comments():
    listing = show.source(original.m_step, hoisted.m_step, docstrings=False)
    assert '"""' not in listing.text
    assert listing.text.startswith("def m_step(")
    assert "# Cost: the whole data set converted" in listing.text
    assert listing.text.count("total = sum(sum(responsibilities))") == 3
    full = show.source(original.m_step, hoisted.m_step, docstrings=True).text.splitlines()
    assert set(listing.text.splitlines()) <= set(full)  # lines left out, none changed
    assert len(listing.text.splitlines()) < len(full)


def test_source_without_docstrings_of_a_module_drops_every_docstring():
    text = show.source(hoisted, docstrings=False).text
    assert '"""' not in text
    assert text.startswith("from __future__ import annotations")


def test_source_docstrings_must_be_a_bool():
    with pytest.raises(TypeError, match="docstrings must be True or False"):
        show.source(original.m_step, docstrings="no")


def test_source_needs_an_object():
    with pytest.raises(ValueError, match="at least one object"):
        show.source()


@pytest.mark.parametrize("bad", [3, "emlib.original.m_step", None, math.sqrt])
def test_source_refuses_what_has_no_python_source(bad):
    with pytest.raises(TypeError, match="module, class, function or method"):
        show.source(bad)


def test_source_reports_objects_defined_without_a_file():
    namespace = {}
    exec("def made_here():\n    return 1\n", namespace)
    with pytest.raises(ValueError, match="cannot find the source of made_here"):
        show.source(namespace["made_here"])


def test_listing_validates_its_fields():
    with pytest.raises(TypeError, match="text must be a string"):
        show.Listing(text=1, language="python")
    with pytest.raises(TypeError, match="language must be a string"):
        show.Listing(text="", language=None)
    with pytest.raises(ValueError, match="single word"):
        show.Listing(text="", language="python\nprint(1)")


def test_diff_of_the_hoisting_fix_moves_one_line():
    listing = show.diff(original.m_step, hoisted.m_step)
    assert listing.language == "diff"
    changed = [line for line in listing.text.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert changed == [
        "+    total = sum(sum(responsibilities))",
        "-            total = sum(sum(responsibilities))",
        "-            total = sum(sum(responsibilities))",
    ]
    assert listing.text.startswith("--- emlib.original.m_step\n+++ emlib.hoisted.m_step")


def test_diff_with_code_only_false_keeps_docstrings_and_comments():
    listing = show.diff(original.m_step, hoisted.m_step, code_only=False)
    assert "# the fix: once, not once per sample" in listing.text
    assert '"""New parameters' in listing.text


def test_diff_of_identical_sources_is_empty():
    assert show.diff(original.e_step, original.e_step).text == ""


def test_diff_of_modules_names_them():
    assert show.diff(original, hoisted, context=0).text.startswith("--- emlib.original\n+++ emlib.hoisted")


def test_diff_context_controls_unchanged_lines():
    narrow = show.diff(original.m_step, hoisted.m_step, context=0).text
    wide = show.diff(original.m_step, hoisted.m_step, context=3).text
    assert len(narrow.splitlines()) < len(wide.splitlines())


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"context": 1.5}, TypeError, "context must be an integer"),
        ({"context": True}, TypeError, "context must be an integer"),
        ({"context": -1}, ValueError, "context must be >= 0"),
        ({"code_only": 1}, TypeError, "code_only must be True or False"),
    ],
)
def test_diff_validates_options(kwargs, error, message):
    with pytest.raises(error, match=message):
        show.diff(original.m_step, hoisted.m_step, **kwargs)


def test_diff_refuses_objects_without_source():
    with pytest.raises(TypeError, match="module, class, function or method"):
        show.diff(original.m_step, 42)
