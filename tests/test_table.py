"""Tests of emlib.book.table: the text and Markdown forms, and validation."""

import pytest

from emlib.book.table import Table


def test_table_as_text_and_html():
    table = Table(header=("fit", "value"), rows=(("a|b", "1.0"), ("long name", "22.5")))
    lines = str(table).splitlines()
    assert lines == ["fit        value", "---------  -----", "a|b          1.0", "long name   22.5"]
    page = table._repr_html_()
    assert page.startswith('<table class="table"><thead><tr><th style="text-align: left">fit</th>')
    assert page.count("<tr>") == 3 and page.count('<td style="text-align: right">') == 2
    assert "<td style=\"text-align: left\">a|b</td>" in page


def test_table_escapes_html():
    page = Table(header=("<b>",), rows=(("a & b",),))._repr_html_()
    assert "&lt;b&gt;" in page and "a &amp; b" in page and "<b>" not in page


@pytest.mark.parametrize(
    ("header", "rows", "error", "message"),
    [
        ((), (), ValueError, "header is empty"),
        (("a", 1), (), TypeError, "header must be a tuple of strings"),
        (["a"], (), TypeError, "header must be a tuple of strings"),
        (("a",), [("x",)], TypeError, "rows must be a tuple"),
        (("a",), (("x", "y"),), ValueError, "row 0 has 2 cells, the header 1"),
        (("a",), ((1,),), TypeError, "row 0 must be a tuple of strings"),
    ],
)
def test_table_validates(header, rows, error, message):
    with pytest.raises(error, match=message):
        Table(header=header, rows=rows)
