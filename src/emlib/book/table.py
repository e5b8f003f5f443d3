"""A small text table that displays as HTML in a notebook and as aligned text in a terminal.

The chapters show comparison tables (fits, timings) built by :mod:`emlib`;
this is the one class that formats them, so they all look the same.
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A small table of text cells: a notebook displays it as an HTML table, ``str()`` as fixed-width text.

    Attributes
    ----------
    header : tuple of str
        Column titles.
    rows : tuple of tuple of str
        The rows of formatted cells, each as long as ``header``.

    Raises
    ------
    TypeError
        If ``header`` or a row is not a tuple of strings, or ``rows`` is not a tuple.
    ValueError
        If ``header`` is empty or a row's length differs from it.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        if not isinstance(self.rows, tuple):
            raise TypeError(f"rows must be a tuple of rows, got {type(self.rows).__name__}")
        for name, row in [("header", self.header), *((f"row {i}", r) for i, r in enumerate(self.rows))]:
            if not isinstance(row, tuple) or not all(isinstance(cell, str) for cell in row):
                raise TypeError(f"{name} must be a tuple of strings, got {row!r}")
            if len(row) != len(self.header):
                raise ValueError(f"{name} has {len(row)} cells, the header {len(self.header)}")
        if not self.header:
            raise ValueError("header is empty: a table needs at least one column")

    def __str__(self) -> str:
        table = [self.header, *self.rows]
        widths = [max(len(row[col]) for row in table) for col in range(len(self.header))]

        def line(row: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(w) if col == 0 else cell.rjust(w) for col, (cell, w) in enumerate(zip(row, widths)))

        return "\n".join([line(self.header), "  ".join("-" * w for w in widths), *map(line, self.rows)])

    def _repr_html_(self) -> str:
        """An HTML table (notebooks and the built book render it; Markdown output would need GFM tables)."""

        def cells(row: tuple[str, ...], tag: str) -> str:
            return "".join(
                f'<{tag} style="text-align: {"left" if col == 0 else "right"}">{html.escape(cell)}</{tag}>'
                for col, cell in enumerate(row)
            )

        body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in self.rows)
        return f'<table class="table"><thead><tr>{cells(self.header, "th")}</tr></thead><tbody>{body}</tbody></table>'
