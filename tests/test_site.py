"""Browser test of the built book: every page, in headless Chromium, offline.

The built HTML (``BOOK_HTML_DIR``, default ``_build/html``; ``make test`` builds
it first) is served from a local HTTP server. Every page reachable from
``index.html`` is opened at a desktop width (1280 px) and a phone width (390 px)
and must: answer HTTP 200, log no console error, request nothing from any host
but the local server, render its math with MathJax, load every image, fit the
window's width, keep exercise solutions hidden until clicked, and pass an
axe-core audit of the WCAG 2.1 A and AA rules. Every internal link must
resolve, and searching for "broadcasting" must find the broadcasting chapter.
A full-page screenshot of each page lands in
``<html dir>/../screenshots/<viewport>/``.

Chromium is Debian's (``apt-get install -y chromium``), or the executable named
by the ``CHROMIUM`` environment variable; without one the browser tests skip.
axe-core is the npm registry's, fetched by ``.ci/fetch-axe`` into ``_build/axe/``
(or the file named by ``AXE_JS``); without it the audit skips, or fails when the
``CI`` environment variable is set.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from emlib.serve import make_server

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = HTML_DIR.parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    # Containers often have a tiny /dev/shm; Chromium crashes when it fills.
    "--disable-dev-shm-usage",
]
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
}
BROADCASTING_CHAPTER = "book/05-broadcasting.html"
# axe-core, fetched from the npm registry by .ci/fetch-axe (no network at test time).
AXE = Path(os.environ.get("AXE_JS", ROOT / "_build" / "axe" / "axe.min.js"))
# The rules audited: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# No violation is accepted, in the book's content or the theme's, old rule or new:
# the theme's two (label-content-name-mismatch) are fixed by _static/label-in-name.js.
# Elements whose URL attribute the browser fetches by itself.
FETCHED = {"script": "src", "img": "src", "iframe": "src", "source": "src",
           "audio": "src", "video": "src", "embed": "src", "object": "data"}
# <link rel=...> values that make the browser fetch the target.
FETCHED_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch",
                     "manifest", "apple-touch-icon", "shortcut"}
# TeX the reader should never see: $...$, $$, \( and \[.
RAW_TEX = re.compile(r"\$\$|\$[^$\s](?:[^$]*[^$\s])?\$|\\\(|\\\[")


# --- The site as files: pages, links, anchors (no browser needed) ---------------


@dataclass
class PageFile:
    """What one built HTML file links to and which anchors it defines."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    icons: list[str] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    redirect: str | None = None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageFile()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        self.page.classes.update(a.get("class", "").split())
        if tag == "img":
            self.page.classes.add("<img>")
        if "id" in a:
            self.page.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.page.ids.add(a["name"])
        if tag == "a" and "href" in a:
            self.page.links.append(a["href"])
        if tag in FETCHED and a.get(FETCHED[tag]):
            self.page.fetched.append(a[FETCHED[tag]])
        if tag == "link" and "href" in a:
            rels = set(a.get("rel", "").lower().split())
            if "icon" in rels:
                self.page.icons.append(a["href"])
            if FETCHED_LINK_RELS & rels:
                self.page.fetched.append(a["href"])
            else:
                self.page.links.append(a["href"])
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            match = re.search(r"url=(.+)", a.get("content", ""), re.IGNORECASE)
            if match:
                self.page.redirect = match.group(1).strip()
                self.page.links.append(self.page.redirect)


@functools.cache
def parse_page(relpath: str) -> PageFile:
    """Parse the built page ``relpath`` (relative to the HTML folder)."""
    collector = _Collector()
    collector.feed((HTML_DIR / relpath).read_text(encoding="utf-8"))
    return collector.page


def internal_target(page: str, href: str) -> tuple[str, str] | None:
    """(file path relative to the HTML folder, fragment) of a local link, else None."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None
    target = urlsplit(urljoin("http://site/" + page, href))
    path = unquote(target.path).lstrip("/")
    return path or "index.html", unquote(target.fragment)


@functools.cache
def site_pages() -> list[str]:
    """Every HTML page reachable by links from index.html, in crawl order."""
    if not (HTML_DIR / "index.html").is_file():
        return []
    pages, queue = [], ["index.html"]
    while queue:
        page = queue.pop(0)
        if page in pages:
            continue
        pages.append(page)
        for href in parse_page(page).links:
            target = internal_target(page, href)
            if (target and target[0].endswith(".html") and target[0] not in pages
                    and not target[0].startswith(("_static/", "_sources/"))
                    and (HTML_DIR / target[0]).is_file()):
                queue.append(target[0])
    return pages


@functools.cache
def http_status(url: str) -> int:
    """HTTP status of a GET of ``url``."""
    try:
        with urllib.request.urlopen(url) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


if not site_pages():
    pytest.skip(f"no built book in {HTML_DIR}: run `make book` first "
                "(or point BOOK_HTML_DIR at a built _build/html)", allow_module_level=True)


# --- Fixtures: a local server and a browser --------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Base URL of a local HTTP server for the HTML folder: ``make serve``'s quiet server."""
    httpd = make_server(HTML_DIR, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, or a skip that says how to install it."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's with "
                    "`sudo apt-get update && sudo apt-get install -y chromium`, or set "
                    "CHROMIUM to a Chromium executable (`playwright install` is not used)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


AXE_MISSING = (f"no axe-core at {AXE}: run `.ci/fetch-axe` (needs npm and the network once), "
               "or set AXE_JS to an axe.min.js")


@pytest.fixture(scope="module")
def axe_source() -> str | None:
    """The text of axe-core's ``axe.min.js``, or None (then test_axe_core_is_there skips, or fails in CI)."""
    return AXE.read_text(encoding="utf-8") if AXE.is_file() else None


@pytest.fixture(scope="module", autouse=True)
def fresh_screenshots() -> None:
    """Remove the screenshots of an earlier run."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)


def screenshot_path(viewport: str, name: str) -> Path:
    """Where the screenshot of page ``name`` at ``viewport`` goes."""
    path = SCREENSHOTS / viewport / (name.replace("/", "__").removesuffix(".html") + ".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost")


@dataclass
class Visit:
    """A page opened in the browser, with everything it logged and requested."""

    page: Page
    console_errors: list[str]
    remote_requests: list[str]
    failed_responses: list[str]


@pytest.fixture
def open_page(browser: Browser, server: str):
    """Open a site page in a fresh browser context; remote requests are blocked."""
    contexts = []

    def _open(relpath: str, viewport: str) -> Visit:
        context = browser.new_context(**VIEWPORTS[viewport])
        contexts.append(context)
        visit = Visit(context.new_page(), [], [], [])

        def block(route):
            visit.remote_requests.append(route.request.url)
            route.abort()

        context.route(lambda url: not _is_local(url), block)

        def console(message):
            if message.type == "error":
                visit.console_errors.append(f"{message.text} ({message.location['url']})")

        def response(answer):
            if answer.status >= 400:
                visit.failed_responses.append(f"{answer.status} {answer.url}")

        visit.page.on("console", console)
        visit.page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
        visit.page.on("response", response)
        first = visit.page.goto(server + relpath, wait_until="load")
        assert first is not None and first.status == 200, f"{relpath}: HTTP {first and first.status}"
        redirect = parse_page(relpath).redirect
        if redirect:
            visit.page.wait_for_url(urljoin(server + relpath, redirect))
        visit.page.wait_for_load_state("networkidle")
        return visit

    yield _open
    for context in contexts:
        context.close()


# --- Checks run inside the page --------------------------------------------------

_UNRENDERED_MATH = """() => [...document.querySelectorAll('.math')]
    .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.trim())"""

_RAW_TEX_TEXT = """() => {
    const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
    const root = document.querySelector('main') || document.body;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!node.parentElement.closest(skip)) texts.push(node.textContent);
    }
    return texts.join(' ');
}"""

_BROKEN_IMAGES = """() => [...document.images]
    .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src)"""

_OVERFLOW = """() => {
    // Content wider than the window, outside boxes that scroll or clip it.
    const width = document.documentElement.clientWidth;
    const wide = [];
    const visit = (el) => {
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') return;
        const box = el.getBoundingClientRect();
        if (box.width > 0 && (box.right > width + 1 || box.left < -1)) {
            wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
        }
        if (style.overflowX === 'visible') [...el.children].forEach(visit);
    };
    visit(document.querySelector('article') || document.body);
    return {page: document.documentElement.scrollWidth - width, elements: wide.slice(0, 5)};
}"""


def check_math(page: Page) -> None:
    """Every math element typeset by the local MathJax; no raw TeX in the prose."""
    if page.locator(".math").count():
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        assert page.evaluate(_UNRENDERED_MATH) == []
    raw = RAW_TEX.findall(page.evaluate(_RAW_TEX_TEXT))
    assert raw == [], f"raw TeX in the page text: {raw[:5]}"


def check_solutions_toggle(page: Page) -> None:
    """Each exercise solution is hidden, and shows when its button is clicked."""
    solutions = page.locator(".solution")
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator(":scope > :not(.admonition-title)").first
        assert body.is_hidden(), f"solution {i + 1} is visible before a click"
        solution.locator("button.toggle-button").click()
        body.wait_for(state="visible", timeout=5000)


_AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then(result => result.violations.map(rule => ({
        id: rule.id, impact: rule.impact, help: rule.help,
        nodes: rule.nodes.map(node => ({target: node.target.join(' '), html: node.html.slice(0, 160)})),
    })))"""


def accessibility_violations(page: Page, axe_source: str) -> list[str]:
    """axe-core's violations of the WCAG 2.1 A and AA rules on the page, one line per element."""
    page.add_script_tag(content=axe_source)
    return [f"{rule['id']} ({rule['impact']}: {rule['help']}) at {node['target']}: {node['html']}"
            for rule in page.evaluate(_AXE_RUN, AXE_TAGS) for node in rule["nodes"]]


# --- The tests ----------------------------------------------------------------------


def test_the_site_has_what_the_checks_look_for():
    """The browser checks of math, images and solutions run on at least one page each."""
    assert BROADCASTING_CHAPTER in site_pages(), site_pages()
    found = set().union(*(parse_page(page).classes for page in site_pages()))
    for needed in ("math", "<img>", "solution"):
        assert needed in found, f"no page has {needed}"


def test_download_button_offers_each_pages_source():
    """A chapter downloads as its reader copy (a plain .ipynb), a text page as its .md source."""
    for relpath in site_pages():
        if not relpath.startswith("book/"):
            continue
        stem = relpath.removesuffix(".html")
        chapter = (ROOT / f"{stem}.ipynb").is_file()
        wanted = f"reader/{stem.removeprefix('book/')}.ipynb" if chapter else f"_sources/{stem}.md"
        offered = {internal_target(relpath, href) for href in parse_page(relpath).links}
        assert (wanted, "") in offered, f"{relpath}: no download of {wanted}"


@pytest.mark.parametrize("relpath", site_pages())
def test_links_resolve_and_assets_are_local(relpath: str, server: str):
    """Internal links answer 200 and their anchors exist; nothing is fetched remotely."""
    parsed = parse_page(relpath)
    remote = [url for url in parsed.fetched if not _is_local(urljoin(server + relpath, url))]
    assert remote == [], f"{relpath} loads from another host: {remote}"
    broken = []
    for href in parsed.links + parsed.fetched:
        target = internal_target(relpath, href)
        if target is None:
            continue
        path, fragment = target
        status = http_status(server + path)
        if status != 200:
            broken.append(f"{href} -> HTTP {status}")
        elif fragment and path.endswith(".html") and fragment not in parse_page(path).ids:
            broken.append(f"{href} -> no #{fragment} in {path}")
    assert broken == [], f"{relpath}: broken links {broken}"


def test_every_page_has_a_favicon(server: str):
    """Each page links an icon that loads; /favicon.ico covers the redirect page."""
    assert http_status(server + "favicon.ico") == 200
    for relpath in site_pages():
        parsed = parse_page(relpath)
        if parsed.redirect:
            continue
        assert parsed.icons, f"{relpath} links no icon"
        for href in parsed.icons:
            assert http_status(urljoin(server + relpath, href)) == 200, (relpath, href)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("relpath", site_pages())
def test_page_in_browser(relpath: str, viewport: str, open_page, axe_source: str | None):
    visit = open_page(relpath, viewport)
    page = visit.page
    assert visit.remote_requests == [], f"requests to other hosts: {visit.remote_requests}"
    assert visit.failed_responses == [], visit.failed_responses
    assert page.evaluate(_BROKEN_IMAGES) == [], "images that did not load"
    check_math(page)
    check_solutions_toggle(page)
    # With the solutions open: the whole page must fit the window's width.
    overflow = page.evaluate(_OVERFLOW)
    assert overflow["page"] <= 0, f"page scrolls sideways by {overflow['page']} px: {overflow}"
    assert overflow["elements"] == [], f"content wider than the window: {overflow}"
    assert visit.console_errors == [], visit.console_errors
    # With the math typeset and the solutions open: no violation of WCAG 2.1 A and AA.
    if axe_source is not None:
        violations = accessibility_violations(page, axe_source)
        assert violations == [], f"{relpath} at {viewport}:\n" + "\n".join(violations)
    # From the top, nothing focused: sticky bars then sit where a reader sees them.
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # the theme's scroll handlers redraw the sidebars
    page.screenshot(path=screenshot_path(viewport, relpath), full_page=True)


def test_axe_core_is_there(axe_source: str | None):
    """The accessibility audit of test_page_in_browser runs: axe-core was fetched (a failure in CI, else a skip)."""
    if axe_source is None:
        if os.environ.get("CI"):
            pytest.fail(AXE_MISSING)
        pytest.skip(AXE_MISSING)


def test_mode_switch_is_named_after_the_mode_it_shows(open_page):
    """Label in Name (WCAG 2.5.3): the switch's name says the mode its icon shows, and follows it."""
    page = open_page("book/intro.html", "desktop").page
    switch = page.locator(".theme-switch-button:visible").first
    names = {"light": "Light", "dark": "Dark", "auto": "System Settings"}
    for _ in range(3):
        mode = page.evaluate("() => document.documentElement.dataset.mode")
        expect(switch).to_have_attribute("aria-label", f"Color mode: {names[mode]}")
        switch.click()
    search = page.locator(".search-button-field:visible").first
    assert search.get_attribute("aria-label") is None  # named by what it shows: "Search Ctrl+K"


def test_search_finds_the_broadcasting_chapter(open_page, server: str):
    page = open_page("book/intro.html", "desktop").page
    page.locator(".search-button__button:visible").first.click()
    field = page.locator("#pst-search-dialog input[name='q']")
    field.fill("broadcasting")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=broadcasting*")
    hit = page.locator(f"#search-results li:has(a[href*='{BROADCASTING_CHAPTER}'])").first
    hit.wait_for(timeout=15000)
    # The quote under the title is the chapter's text: no theme buttons, no raw TeX.
    quote = hit.locator(".context").inner_text()
    assert "broadcasting" in quote.lower(), quote
    assert ".pdf" not in quote and "Contents" not in quote, quote
    assert RAW_TEX.search(quote) is None, quote
    page.screenshot(path=screenshot_path("desktop", "search-broadcasting"), full_page=True)


def test_copy_command_to_run_the_chapter_locally(open_page):
    """The launch menu's entry puts the command that opens the chapter on the clipboard."""
    page = open_page(BROADCASTING_CHAPTER, "desktop").page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator(".dropdown-launch-buttons .dropdown-toggle").click()
    page.locator(".btn-run-locally-button").click()
    expect(page.locator(".btn-run-locally-button")).to_contain_text("Copied: .venv/bin/jupyter lab reader/")
    assert page.evaluate("() => navigator.clipboard.readText()") == ".venv/bin/jupyter lab reader/05-broadcasting.ipynb"
    lab = page.locator(".btn-local-jupyterlab-button")
    assert lab.get_attribute("href") == "http://localhost:8888/lab/tree/05-broadcasting.ipynb"
