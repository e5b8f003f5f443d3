"""How large a figure's text is on a phone: shared by the tests of the chapters' figures."""

import matplotlib.text
from matplotlib.figure import Figure

PHONE_FIGURE_PX = 340
"""Width in CSS pixels that a figure gets in the book's text column on a 390 px phone, with margins to spare."""

READABLE_PX = 9
"""Smallest text size, in CSS pixels, that a reader can read without zooming."""


def smallest_text_px(fig: Figure, width_px: float = PHONE_FIGURE_PX) -> float:
    """Size in CSS pixels of the figure's smallest visible text when the figure is drawn ``width_px`` wide."""
    fig.canvas.draw()
    sizes = [
        text.get_fontsize()
        for text in fig.findobj(matplotlib.text.Text)
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes) * width_px / (fig.get_figwidth() * 72)
