"""Sphinx extension: "run this chapter locally" entries in the launch menu.

sphinx-book-theme builds its launch (rocket) menu only for online services
(Binder, JupyterHub, Colab), which need a public repository and a network.
This extension adds entries that work offline, on every notebook page:

- "Copy the command to run it": copies a shell command (``run_locally_command``,
  with ``{path}`` replaced by the notebook's path relative to
  ``run_locally_root``) that opens the chapter.
- "Open in local JupyterLab": only when ``run_locally_jupyterlab_url`` is set,
  a link to the notebook in a JupyterLab already running on the reader's machine.

Both tooltips end with ``run_locally_hint``: where to run the command.

The copy itself is done by ``copyRunCommand`` in ``_static/run-locally.js``.
"""

from __future__ import annotations

import html
import json
from pathlib import PurePosixPath
from typing import Any

from header_buttons import add_to_menu
from sphinx.application import Sphinx

LAUNCH_GROUP = "launch-buttons"


def _notebook_path(app: Sphinx, pagename: str, context: dict[str, Any]) -> str | None:
    """Path of the page's notebook relative to ``run_locally_root``, or None.

    Parameters
    ----------
    app : Sphinx
        The running application.
    pagename : str
        Sphinx document name, e.g. ``"book/05-broadcasting"``.
    context : dict
        The page's template context.

    Returns
    -------
    str or None
        e.g. ``"05-broadcasting.ipynb"``; None for pages that are not notebooks.
    """
    if context.get("page_source_suffix") != ".ipynb":
        return None
    path = PurePosixPath(pagename + ".ipynb")
    root = app.config.run_locally_root.strip("/")
    if root and path.is_relative_to(root):
        path = path.relative_to(root)
    return path.as_posix()


def add_run_locally_buttons(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Add the entries to the page's launch menu (``html-page-context`` handler)."""
    path = _notebook_path(app, pagename, context)
    header_buttons = context.get("header_buttons")
    if path is None or header_buttons is None:
        return
    command = app.config.run_locally_command.format(path=path)
    hint = app.config.run_locally_hint
    entries = [
        {
            "type": "javascript",
            # json.dumps quotes the command for JavaScript; html.escape keeps
            # those quotes inside the onclick="..." attribute.
            "javascript": html.escape(f"copyRunCommand(this, {json.dumps(command)})"),
            "text": "Copy the command to run it",
            "tooltip": " ".join(filter(None, [f"Copies: {command}.", hint])),
            "icon": "fas fa-terminal",
            "label": "run-locally-button",
        }
    ]
    lab_url = app.config.run_locally_jupyterlab_url.rstrip("/")
    if lab_url:
        entries.append(
            {
                "type": "link",
                "url": f"{lab_url}/{path}",
                "text": "Open in local JupyterLab",
                "tooltip": " ".join(filter(None, [f"Opens it in the JupyterLab running at {lab_url}.", hint])),
                "icon": "fas fa-laptop-code",
                "label": "local-jupyterlab-button",
            }
        )
    add_to_menu(header_buttons, LAUNCH_GROUP, entries, tooltip="Run this chapter", icon="fas fa-rocket", first=True)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the configuration values and the page handler."""
    app.add_config_value("run_locally_command", "make lab  # then open {path}", "html")
    app.add_config_value("run_locally_root", "", "html")
    app.add_config_value("run_locally_hint", "", "html")
    app.add_config_value("run_locally_jupyterlab_url", "", "html")
    # After sphinx-book-theme's own launch buttons (priority 501).
    app.connect("html-page-context", add_run_locally_buttons, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
