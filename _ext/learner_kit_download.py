"""Sphinx extension: the learner kit, built with the site and offered on every chapter.

When an HTML build finishes, ``emlib.learner_kit`` writes ``learner-kit.zip``
into the site's root folder: the reader and workshop copies of the chapters
(with the numbers this build computed, read from its executed notebooks),
``emlib`` as a wheel, the learner's requirements and a README. Each chapter's
download menu gets an entry that links to it (a relative link, so it works
offline and from ``file://``); the Setup page links to it too.

The menu's ``.ipynb`` entry, which sphinx-book-theme points at the chapter's
source (MyST markup, and ``myst_nb`` imports that a learner's environment does
not have), points at the chapter's reader copy instead, written beside the kit
into :data:`READER_FOLDER`.

A kit that cannot be built fails the build, with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from emlib.learner_kit import KIT_NAME, write_kit
from header_buttons import add_to_menu

DOWNLOAD_GROUP = "download-buttons"
"""sphinx-book-theme's label of the download menu."""

SOURCE_ENTRY = "download-source-button"
"""sphinx-book-theme's label of the menu's entry for the page's source file."""

READER_FOLDER = "reader"
"""The site's folder of reader copies, one per chapter, as in the kit."""


def add_kit_to_download_menu(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Add "Learner kit (.zip)" to a chapter's download menu, and point its ``.ipynb`` at the reader copy.

    An ``html-page-context`` handler.
    """
    header_buttons = context.get("header_buttons")
    if context.get("page_source_suffix") != ".ipynb" or header_buttons is None:
        return
    downloads = [button for menu in header_buttons if menu.get("label") == DOWNLOAD_GROUP for button in menu["buttons"]]
    for button in downloads:
        if button.get("label") == SOURCE_ENTRY:
            button["url"] = context["pathto"](f"{READER_FOLDER}/{Path(pagename).name}.ipynb", 1)
            button["tooltip"] = "This chapter as a plain notebook, with this build's numbers (its reader copy)"
    entry = {
        "type": "link",
        "url": context["pathto"](KIT_NAME, 1),
        "text": "Learner kit (.zip)",
        "tooltip": "Every chapter as a plain notebook, with emlib and the setup steps (see the Setup page)",
        "icon": "fas fa-file-zipper",
        "label": "learner-kit-button",
    }
    add_to_menu(header_buttons, DOWNLOAD_GROUP, [entry], tooltip="Download", icon="fas fa-download")


def write_learner_kit(app: Sphinx, exception: Exception | None) -> None:
    """Write the kit into the site (``build-finished`` handler)."""
    if exception is not None or app.builder.format != "html":
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / app.config.learner_kit_book
    try:
        write_kit(app.srcdir, Path(app.outdir) / KIT_NAME, executed, reader_dir=Path(app.outdir) / READER_FOLDER)
    except ValueError as err:
        raise ExtensionError(f"learner kit: {err}") from None


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the configuration value and the handlers."""
    app.add_config_value("learner_kit_book", "book", "html")
    app.connect("html-page-context", add_kit_to_download_menu, priority=502)
    app.connect("build-finished", write_learner_kit)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
