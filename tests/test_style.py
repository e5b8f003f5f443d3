"""The book's figure style."""

import matplotlib

from emlib.book.style import BOOK_RC, use_book_style


def test_use_book_style_sets_the_rc_outside_ipython():
    with matplotlib.rc_context():
        use_book_style()
        for key, value in BOOK_RC.items():
            assert matplotlib.rcParams[key] == value
    assert matplotlib.rcParams["font.size"] == matplotlib.rcParamsDefault["font.size"]
