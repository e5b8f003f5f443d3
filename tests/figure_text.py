"""How large a figure's text is on a phone: shared by the tests of the chapters' figures."""

import io
import re

import matplotlib.text
from matplotlib.figure import Figure

PHONE_FIGURE_PX = 358
"""Width in CSS pixels that a figure gets in the book's text column on a 390 px phone (16 px padding each side)."""

READABLE_PX = 9
"""Smallest text size, in CSS pixels, that a reader can read without zooming."""


def smallest_text_px(fig: Figure, width_px: float = PHONE_FIGURE_PX) -> float:
    """Size in CSS pixels of the figure's smallest visible text on a page ``width_px`` wide.

    The figure is measured as the book saves it (``bbox_inches="tight"``,
    1 pt = 96/72 CSS px); a page narrower than that shrinks it to fit, and a
    wider one shows it at its own size.
    """
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    saved_px = float(re.search(r'width="([\d.]+)pt"', buffer.getvalue()).group(1)) * 96 / 72
    sizes = [
        text.get_fontsize()
        for text in fig.findobj(matplotlib.text.Text)
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes) * 96 / 72 * min(1.0, width_px / saved_px)
