"""Sphinx extension: include each inline ``<script>`` once per page.

Sphinx 7 (the series Jupyter Book 1 requires) adds an inline script that an
extension registers after the builder starts twice: once under the file name
``None`` and once under ``''`` (fixed upstream in Sphinx 8.2,
https://github.com/sphinx-doc/sphinx/pull/13402). sphinx-thebe's
``const THEBE_JS_URL = ...`` is such a script, and declaring a ``const`` twice is
a console error ("Identifier 'THEBE_JS_URL' has already been declared") on every
page. This drops the second copy before the page is written.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Keep the first of scripts that differ only by a ``None``/``''`` file name."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""
        attributes = tuple(sorted(getattr(script, "attributes", {}).items()))
        key = (filename, attributes)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # In place: the list is the builder's, restored by Sphinx after each page.
    scripts[:] = unique


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the page handler, after every other one has added its scripts."""
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
