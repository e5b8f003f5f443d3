"""How the book's figures look: one style for every chapter.

Figures are read on laptops, projected in workshop rooms and opened on
phones, where a page shrinks an 8-inch figure to a third of its size. Larger
type and vector output (SVG stays sharp when a reader zooms in) serve all three.
"""

from __future__ import annotations

import matplotlib

BOOK_RC = {
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 11,
    "figure.titlesize": 14,
    "svg.fonttype": "path",  # text as outlines: the SVG looks the same without the fonts
}
"""Matplotlib settings for the book's figures (type about 30% larger than the default)."""


def use_book_style() -> None:
    """Apply :data:`BOOK_RC` and, inside IPython/Jupyter, draw inline figures as SVG.

    Call it once at the top of a chapter. Outside IPython only the
    matplotlib settings change.
    """
    matplotlib.rcParams.update(BOOK_RC)
    from IPython import get_ipython

    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg")
