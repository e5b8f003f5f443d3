"""The one helper the book's extensions share: adding entries to a header menu of sphinx-book-theme.

Not an extension itself; ``run_locally`` and ``learner_kit_download`` import it
(``_ext`` is on the path as the folder of the book's local extensions).
"""

from __future__ import annotations

from typing import Any


def add_to_menu(
    header_buttons: list[dict[str, Any]], label: str, entries: list[dict[str, Any]], *,
    tooltip: str, icon: str, first: bool = False,
) -> None:
    """Append ``entries`` to the header menu labelled ``label``, creating the menu if the page has none.

    Parameters
    ----------
    header_buttons : list of dict
        The page context's ``header_buttons``, changed in place.
    label : str
        The menu's label, e.g. sphinx-book-theme's ``"download-buttons"``.
    entries : list of dict
        The entries to add, as sphinx-book-theme describes a button.
    tooltip, icon : str
        The new menu's tooltip and Font Awesome icon, if it is created.
    first : bool, default False
        Put a created menu before the other header buttons instead of after them.
    """
    for button in header_buttons:
        if button.get("label") == label:
            button["buttons"].extend(entries)
            return
    menu = {"type": "group", "tooltip": tooltip, "icon": icon, "buttons": list(entries), "label": label}
    header_buttons.insert(0 if first else len(header_buttons), menu)
