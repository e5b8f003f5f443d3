"""MyST markup turned into plain Markdown, for notebooks read outside the book.

The chapters are written for Jupyter Book: exercises and admonitions are MyST
directives, numbers computed while the book builds are ``{glue:text}`` roles,
cross-references are ``{doc}``, ``{ref}`` and ``{numref}`` roles. Stock
JupyterLab, VS Code and Colab show all of that as raw markup. :func:`to_markdown`
rewrites one markdown cell's text so that it reads the same there:

* ``{glue:text}`key:.2f``` becomes the value the build computed, formatted
  as the site formats it (:func:`format_glued`);
* ``{math}`x``` becomes ``$x$``; ``{term}`stride``` the term's words;
  ``{doc}`05-broadcasting``` a relative link
  to that chapter's notebook (or the page's title in italics, for pages of
  the website that are not notebooks); ``{ref}`` and ``{numref}`` the number the site shows
  ("Exercise 5.2", "Fig. 5.1");
* an ``{exercise}`` becomes a heading, ``### Exercise 5.2: Predict a shape``,
  followed by its text; an admonition (``{admonition}``, ``{note}``, ``{tip}``
  ...) a quoted block with a bold title; ``{math}`` and ``{code-block}``
  directives ordinary ``$$`` and fenced blocks;
* MyST targets (``(label)=``), comments (``% ...``) and block breaks (``+++``)
  are dropped.

Markup it does not know is refused with an error naming the cell, never passed
through: :func:`find_myst` finds what would leak, and :func:`to_markdown`
checks its own result with it.

This is the converter of the student tool (:mod:`emlib.student`), which also
reads the chapters' exercises with :func:`directives`; nothing else uses it.
"""

from __future__ import annotations

import re
import textwrap
from ast import literal_eval
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

ADMONITIONS = {
    "admonition": "",
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "seealso": "See also",
    "tip": "Tip",
    "warning": "Warning",
}
"""The admonition directives, and the title each shows when it gives none."""

_FENCE = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[A-Za-z][\w:+-]*)\}[ \t]*(?P<arg>.*?)\s*$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*?)\s*$")
_ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:+-]*)\}`(?P<content>[^`]*)`")
_EXPLICIT_TITLE = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_TARGET = re.compile(r"^\s*\([\w.:-]+\)=\s*$")
_COMMENT = re.compile(r"^%( |$)")

_LEAKS = (
    ("a directive", re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\{[\w:+-]+\}", re.M)),
    ("a role", re.compile(r"\{[A-Za-z][\w:+-]*\}`")),
    ("a directive option", re.compile(r"^\s*:(label|class|name|nonumber|hidden|width|align|alt):", re.M)),
    ("a MyST target", re.compile(r"^\s*\([\w.:-]+\)=\s*$", re.M)),
)


@dataclass(frozen=True)
class Context:
    """What a chapter's markup refers to, for :func:`to_markdown`.

    Attributes
    ----------
    glued : mapping of str to dict
        Each glued value's MIME bundle, by key (``{"text/plain": "8.1"}``), as
        the build stored it.
    numbers : mapping of str to str
        What a ``{ref}`` or ``{numref}`` to a label shows on the site, e.g.
        ``{"ex-05-shapes": "Exercise 5.1", "fig-05-cells": "Fig. 5.1"}``.
    exercises : mapping of str to str
        The number of each numbered exercise, by label (``"5.1"``).
    documents : mapping of str to tuple of (str, str or None)
        Each document's title and the notebook a link should open (``None``
        for a page that has no notebook), by document name (``"05-broadcasting"``).
    where : str
        How errors name the chapter (its path).
    """

    glued: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    numbers: Mapping[str, str] = field(default_factory=dict)
    exercises: Mapping[str, str] = field(default_factory=dict)
    documents: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    where: str = "notebook"


def format_glued(text: str, spec: str) -> str:
    """A glued value's ``text/plain`` as ``{glue:text}`key:spec``` shows it on the site.

    The same rule as myst-nb's: the text is read as a Python literal if it is
    one, converted to ``int`` or ``float`` when the format's type asks for it,
    then formatted with ``spec``.

    Parameters
    ----------
    text : str
        The ``text/plain`` the build stored, e.g. ``"8.112429504"``.
    spec : str
        A format specification such as ``".2f"``; empty for the text as it is.

    Returns
    -------
    str
        E.g. ``"8.11"``.

    Raises
    ------
    ValueError
        If the value cannot be formatted with ``spec``.
    """
    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    spec = spec.strip()
    if not spec:
        return str(value)
    kind = spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, spec)


@dataclass(frozen=True)
class Directive:
    """One top-level MyST directive of a text, as :func:`directives` finds it.

    Attributes
    ----------
    name : str
        E.g. ``"exercise"``.
    argument : str
        What follows ``{name}`` on the opening line (a title, a label ...).
    options : mapping of str to str
        The ``:key: value`` lines that open the body, by key.
    body : str
        The lines after the options, up to the closing fence, as written.
    first : int
        The opening fence's line, counted from 0.
    end : int
        One past the closing fence's line (the text's end if it is never closed).
    """

    name: str
    argument: str
    options: Mapping[str, str]
    body: str
    first: int
    end: int


def directives(text: str) -> list[Directive]:
    """Every top-level MyST directive in ``text``, in order.

    A directive is a fenced block (```` ``` ````, ``~~~`` or ``:::``, three or
    more) whose info string is ``{name}``; it ends at a fence of the same
    character at least as long. Ordinary fenced code blocks are skipped, and
    so is what they hold; directives nested in a directive are in its ``body``.
    """
    lines = text.splitlines()
    found = (_directive_at(lines, first, closing, opening) for first, closing, opening in _fenced_blocks(lines))
    return [directive for directive in found if directive is not None]


def _closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence``: the same character, at least as many."""
    closing = line.strip()
    return closing.startswith(fence) and set(closing) == {fence[0]}


def _fenced_blocks(lines: list[str]) -> Iterator[tuple[int, int, re.Match[str]]]:
    """Each top-level fenced block: ``(opening line, closing line, opening match)``.

    The closing line is ``len(lines)`` for a block never closed.
    """
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        closing = i + 1
        while closing < len(lines) and not _closes(lines[closing], opening["fence"]):
            closing += 1
        yield i, closing, opening
        i = closing + 1


def _directive_at(lines: list[str], first: int, closing: int, opening: re.Match[str]) -> Directive | None:
    """The directive of the fenced block ``lines[first : closing + 1]``; ``None`` for an ordinary code block."""
    info = _DIRECTIVE_INFO.match(opening["info"].strip())
    if info is None:
        return None
    inner = lines[first + 1 : closing]
    options: dict[str, str] = {}
    while inner and (option := _OPTION.match(inner[0].strip())):
        options[option["key"]] = option["value"]
        inner = inner[1:]
    return Directive(info["name"], info["arg"], options, "\n".join(inner), first, min(closing + 1, len(lines)))


def find_myst(text: str) -> list[str]:
    """What MyST markup is left in ``text``, one description per kind found (empty if none).

    Looks for directive fences (```` ```{name} ````), roles (``{name}`...```),
    directive options (``:label:`` ...) and MyST targets (``(label)=``), outside
    ordinary fenced code blocks (whose text is shown as it is).
    """
    found = []
    text = "\n".join(_outside_code_blocks(text.splitlines()))
    for kind, pattern in _LEAKS:
        match = pattern.search(text)
        if match:
            found.append(f"{kind} ({match.group(0).strip()[:40]!r})")
    return found


def _outside_code_blocks(lines: list[str]) -> list[str]:
    """The lines that are not inside an ordinary fenced code block (one without ``{directive}``)."""
    kept, fence = [], None
    for line in lines:
        opening = _FENCE.match(line)
        if fence is None:
            if opening and not opening["info"].strip().startswith("{"):
                fence = opening["fence"]
            else:
                kept.append(line)
        elif _closes(line, fence):
            fence = None
    return kept


def _split_title(content: str) -> tuple[str | None, str]:
    match = _EXPLICIT_TITLE.match(content.strip())
    if match:
        return match["title"], match["target"].strip()
    return None, content.strip()


def _role(name: str, content: str, context: Context, where: str) -> str:
    """The plain Markdown of one role."""
    if name in ("glue", "glue:text", "glue:any", "glue:md"):
        key, _, spec = content.strip().partition(":")
        key = key.split("::")[-1]  # "doc::key" names the page; the values are this chapter's
        if key not in context.glued:
            raise ValueError(f"{where}: no value glued as {key!r} in the build's output; rebuild the book (make book)")
        bundle = context.glued[key]
        if name == "glue:md" and "text/markdown" in bundle:
            return bundle["text/markdown"].strip()
        try:
            return format_glued(bundle.get("text/plain", ""), spec)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{where}: glued value {key!r} cannot be shown as {spec!r}: {err}") from None
    if name == "math":
        return f"${content}$"
    if name == "term":  # a glossary term: its words, as the sentence reads them
        title, term = _split_title(content)
        return title or term
    if name in ("ref", "numref"):
        title, label = _split_title(content)
        if title is not None and name == "ref":
            return title
        if label not in context.numbers:
            raise ValueError(f"{where}: {{{name}}}`{content}` refers to {label!r}, which this chapter does not number")
        number = context.numbers[label]
        return title.replace("%s", number.split(" ")[-1]) if title else number
    if name == "doc":
        title, target = _split_title(content)
        document = target.removesuffix(".md").removesuffix(".ipynb").split("/")[-1]
        if document not in context.documents:
            raise ValueError(f"{where}: {{doc}}`{content}` names a page the book does not have")
        page_title, notebook = context.documents[document]
        text = title or page_title
        return f"[{text}]({notebook})" if notebook else f"*{text}*"
    raise ValueError(
        f"{where}: the role {{{name}}} has no plain-Markdown form yet; teach emlib.myst_markdown to convert it"
    )


def _roles(text: str, context: Context, where: str) -> str:
    return _ROLE.sub(lambda match: _role(match["name"], match["content"], context, where), text)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def _directive(name: str, argument: str, options: dict[str, str], body: str, context: Context, where: str) -> str:
    """The plain Markdown of one directive (its body already converted)."""
    if name == "exercise":
        label = options.get("label", "")
        title = _roles(argument, context, where)
        number = context.exercises.get(label)
        heading = f"Exercise {number}" if number else "Exercise"
        return f"### {heading}: {title}\n\n{body}" if title else f"### {heading}\n\n{body}"
    if name in ADMONITIONS:
        title = _roles(argument, context, where) or ADMONITIONS[name] or "Note"
        return _quote(f"**{title}**\n\n{body}" if body.strip() else f"**{title}**")
    if name == "math":
        return f"$$\n{body}\n$$"
    if name in ("code-block", "code", "sourcecode"):
        return f"```{argument}\n{body}\n```"
    raise ValueError(
        f"{where}: the directive {{{name}}} has no plain-Markdown form yet; teach emlib.myst_markdown to convert it"
    )


def _convert(lines: list[str], context: Context, where: str) -> list[str]:
    out: list[str] = []
    text: list[str] = []  # ordinary lines, converted together: a role may span a line break

    def plain(between: list[str]) -> None:
        text.extend(line for line in between if not (_TARGET.match(line) or _COMMENT.match(line) or line.strip() == "+++"))

    def flush() -> None:
        if text:
            out.extend(_roles("\n".join(text), context, where).split("\n"))
            text.clear()

    position = 0
    for first, closing, opening in _fenced_blocks(lines):
        plain(lines[position:first])
        flush()
        directive = _directive_at(lines, first, closing, opening)
        if directive is None:  # an ordinary code block: kept exactly as it is
            out.extend(lines[first : closing + 1])
        else:
            if directive.name in ("math", "code-block", "code", "sourcecode"):
                body = directive.body.strip("\n")
            else:
                body = "\n".join(_convert(textwrap.dedent(directive.body).splitlines(), context, where)).strip("\n")
            out.extend(_directive(directive.name, directive.argument, dict(directive.options), body, context, where).splitlines())
        position = closing + 1
    plain(lines[position:])
    flush()
    return out


def to_markdown(text: str, context: Context, *, where: str | None = None) -> str:
    """One markdown cell's MyST text as plain Markdown (see the module's docstring).

    Parameters
    ----------
    text : str
        The cell's source.
    context : Context
        What the chapter's roles refer to: glued values, numbers, page titles.
    where : str, optional
        How errors name the cell (default: ``context.where``).

    Returns
    -------
    str
        The text with every directive and role replaced by plain Markdown.

    Raises
    ------
    ValueError
        If the text uses a directive or role this module cannot convert, a
        glued value the build did not store, or a label the chapter does not
        number; the message names ``where``.
    """
    where = context.where if where is None else where
    result = "\n".join(_convert(text.splitlines(), context, where))
    result = re.sub(r"\n{3,}", "\n\n", result).strip("\n")
    leaks = find_myst(result)
    if leaks:
        raise ValueError(f"{where}: MyST markup would be left in the notebook: {', '.join(leaks)}")
    return result
