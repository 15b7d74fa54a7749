"""The course website (``make book``, tools/book.py): built from the stored notebooks and
read in headless Chromium the way a visitor reads it.

The site is built into a temporary folder and served on 127.0.0.1. Each page (the
landing page, every notebook, the conventions) must open without console errors, show
its math rendered by the bundled MathJax (no raw ``$...$`` left in the text), load every
image, and link only to pages and anchors that exist; the "next" links walk the series
in order; and no solution or hidden-test line appears anywhere in the site. Without
Chromium or Playwright the browser checks are skipped, except on CI (``CI=true``).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
from test_browser import CHROMIUM_FLAGS, chromium_executable, unavailable

from helpers.notebook import exercises as cells
from tools import book
from tools.grading.release import SECRET_REGIONS, STUB_LINES

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PAGES = ["index"] + [p.stem for p in NOTEBOOKS] + ["conventions"]
MATHJAX_DONE_JS = "() => window.MathJax && MathJax.startup && MathJax.startup.promise.then(() => true)"
PROSE_TEXT_JS = """() => {
    const main = document.querySelector('main') || document.body;
    const copy = main.cloneNode(true);
    copy.querySelectorAll('pre, code, .cell_output, mjx-container, script, style').forEach(e => e.remove());
    return copy.innerText;
}"""
IMAGES_JS = "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
LINKS_JS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
IDS_JS = "() => [...document.querySelectorAll('[id]')].map(e => e.id)"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """``(html folder, build seconds)``."""
    start = time.perf_counter()
    html = book.build(tmp_path_factory.mktemp("book"))
    seconds = time.perf_counter() - start
    print(f"\nsite built in {seconds:.0f} s")
    return html, seconds


@pytest.fixture(scope="module")
def server(site):
    """The site over HTTP on 127.0.0.1; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site[0]))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):   # no line per request in the test output
        pass


def secret_lines(nb) -> set[str]:
    """Stripped lines of the notebook's solution and hidden-test regions that do not also
    occur outside them (and are long enough not to be common words of code)."""
    public, secret = set(), set()
    for cell in nb.cells:
        inside = None
        for raw in cell.source.splitlines():
            line = raw.strip()
            ends = [end for begin, end in SECRET_REGIONS if line.startswith(begin)]
            if inside is None and ends:
                inside = ends[0]
            elif inside is not None and line.startswith(inside):
                inside = None
            elif line:
                (public if inside is None else secret).add(line)
    return {line for line in secret - public - STUB_LINES if len(line) >= 16}


def test_student_view_hides_solutions_and_hidden_tests():
    nb = nbformat.read(ROOT / "notebooks" / "09_reading_both_ways_and_translating.ipynb", as_version=4)
    shown = book.student_view(nb)
    text = "\n".join(cell.source for cell in shown.cells)
    assert "### BEGIN" not in text and "### END" not in text
    assert "raise NotImplementedError()" in text
    assert not secret_lines(nb) & {line.strip() for line in text.splitlines()}
    assert "widgets" not in shown.metadata
    assert ":::{admonition} In the slides" in text
    for cell in shown.cells:
        if {"exercise-answer", "exercise-tests"} & set(cell.metadata.get("tags", [])):
            assert not cell.outputs, "an exercise cell shows the solved run's output"


def test_deck_notes_become_boxes_in_every_form():
    nb = nbformat.read(ROOT / "notebooks" / "03_simple_recurrent_network.ipynb", as_version=4)
    quoted = sum(cell.source.count("> **In the slides.**") for cell in nb.cells)
    shown = book.student_view(nb)
    boxes = sum(cell.source.count(":::{admonition} In the slides") for cell in shown.cells)
    assert quoted > 0 and boxes == quoted
    assert not any(line.startswith(">") for cell in shown.cells for line in cell.source.splitlines()
                   if "In the slides" in line)


def test_widgets_are_shown_still_with_their_stored_figure_and_controls():
    nb = nbformat.read(ROOT / "notebooks" / "01_backprop_recap.ipynb", as_version=4)
    shown = book.student_view(nb)
    outputs = [output for cell in shown.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not any(book.WIDGET in output.get("data", {}) for output in outputs)
    notes = [i for i, output in enumerate(outputs)
             if "Shown as stored" in output.get("data", {}).get("text/plain", "")]
    assert len(notes) == 1
    assert "f = tanh" in outputs[notes[0]]["data"]["text/plain"]
    assert "image/png" in outputs[notes[0] - 1]["data"], "the widget's stored figure comes before its note"
    nb = nbformat.read(ROOT / "notebooks" / "07_text_generation.ipynb", as_version=4)
    texts = [str(output.get("data", "")) for cell in book.student_view(nb).cells if cell.cell_type == "code"
             for output in cell.outputs]
    assert not any("%|" in text for text in texts), "a progress bar was kept"


def test_no_solution_line_anywhere_in_the_site(site):
    html = site[0]
    files = {path: path.read_text(encoding="utf-8", errors="replace") for path in html.rglob("*")
             if path.is_file() and path.suffix in {".html", ".ipynb", ".js", ".txt", ".md"}}
    for path, text in files.items():
        for begin, end in SECRET_REGIONS:
            assert begin not in text and end not in text, f"{path.name} holds the marker {begin!r}"
    for notebook in NOTEBOOKS:
        secrets = secret_lines(nbformat.read(notebook, as_version=4))
        shown = nbformat.read(html / "_sources" / f"{notebook.stem}.ipynb", as_version=4)
        lines = {line.strip() for cell in shown.cells for line in cell.source.splitlines()}
        leaked = sorted(secrets & lines)
        assert not leaked, f"{notebook.name}'s solution or hidden-test lines are in the site: {leaked[:3]}"


@pytest.fixture(scope="module")
def browser(site, server):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        unavailable(f"playwright is not importable ({error}); pip install playwright")
    executable = chromium_executable()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def visit(browser, url: str) -> dict:
    """Open ``url``; return what the checks need: console errors, failed requests, prose
    text, math elements, broken images, links and element ids."""
    page = browser.new_page()
    errors, failed = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    try:
        page.goto(url, wait_until="load")
        has_math = page.evaluate("() => !!window.MathJax")
        if has_math:
            page.wait_for_function(MATHJAX_DONE_JS, timeout=30_000)
        return {"errors": errors, "failed": failed, "text": page.evaluate(PROSE_TEXT_JS),
                "math": page.locator("mjx-container").count(), "has_math": has_math,
                "broken_images": page.evaluate(IMAGES_JS), "links": page.evaluate(LINKS_JS),
                "ids": set(page.evaluate(IDS_JS)),
                "next": page.evaluate("() => document.querySelector('a.right-next')?.href || null")}
    finally:
        page.close()


@pytest.fixture(scope="module")
def visits(browser, server):
    return {name: visit(browser, f"{server}/{name}.html") for name in PAGES}


def test_every_page_opens_cleanly_with_math_and_images(visits):
    for name, seen in visits.items():
        assert not seen["errors"], f"{name}: console errors {seen['errors'][:3]}"
        assert not seen["failed"], f"{name}: requests that failed {seen['failed'][:3]}"
        assert not seen["broken_images"], f"{name}: images that did not load {seen['broken_images'][:3]}"
        raw = re.findall(r"\$[^$\n]{1,80}\$|\\\(|\\\[", seen["text"])
        assert not raw, f"{name}: math left unrendered: {raw[:3]}"
    for name in [p.stem for p in NOTEBOOKS if p.stem != "00_start_here"]:
        assert visits[name]["math"] > 0, f"{name}: no rendered math"


def test_every_internal_link_resolves(visits, server):
    for name, seen in visits.items():
        for link in seen["links"]:
            if not link.startswith(server):
                continue
            parts = urllib.parse.urlsplit(link)
            target = parts.path.rsplit("/", 1)[-1].removesuffix(".html") or "index"
            path = Path(urllib.parse.unquote(parts.path.lstrip("/")))
            if target in visits and parts.fragment:
                assert parts.fragment in visits[target]["ids"], f"{name}: {link} points at no anchor"
            elif target not in visits:
                with urllib.request.urlopen(f"{server}/{path.as_posix()}") as response:
                    assert response.status == 200, f"{name}: {link} gives {response.status}"


def test_every_notebook_page_offers_its_notebook_for_download(visits, server):
    for notebook in NOTEBOOKS:
        wanted = f"{server}/_sources/{notebook.name}"
        assert wanted in visits[notebook.stem]["links"], f"{notebook.stem}: no link to {notebook.name}"
        with urllib.request.urlopen(wanted) as response:
            downloaded = nbformat.reads(response.read().decode("utf-8"), as_version=4)
        assert len(downloaded.cells) == len(nbformat.read(notebook, as_version=4).cells)


def test_next_links_walk_the_series_in_order(visits, server):
    walked, name = [], "index"
    while visits[name]["next"] and len(walked) < len(PAGES):
        name = urllib.parse.urlsplit(visits[name]["next"]).path.rsplit("/", 1)[-1].removesuffix(".html")
        walked.append(name)
    assert walked[:len(NOTEBOOKS)] == [p.stem for p in NOTEBOOKS], walked


OVERFLOW_JS = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > width + 1)
        .filter(e => !e.parentElement.closest('pre, div.math, mjx-container, table, .highlight, .output'))
        .slice(0, 3)
        .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent || '').slice(0, 40)}`);
    return {scroll: document.documentElement.scrollWidth, width: width, wide: wide};
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(browser, server, width):
    """Long inline code wraps, wide display math and tables scroll inside their own box:
    the page itself is never wider than the screen."""
    wider = {}
    for name in PAGES:
        page = browser.new_page(viewport={"width": width, "height": 800})
        try:
            page.goto(f"{server}/{name}.html", wait_until="load")
            if page.evaluate("() => !!window.MathJax"):
                page.wait_for_function(MATHJAX_DONE_JS, timeout=30_000)
            seen = page.evaluate(OVERFLOW_JS)
        finally:
            page.close()
        if seen["scroll"] > seen["width"]:
            wider[name] = seen
    assert not wider, f"pages wider than a {width} px screen: {wider}"


def test_pages_offer_the_source_binder_and_colab(site):
    """One setting (``[tool.rnn-course]`` in pyproject.toml, or ``$BOOK_REPOSITORY``) gives
    the repository link and the launch buttons; Binder opens the learner's copy (the
    repository's postBuild writes it), Colab the repository's notebook."""
    from tools.notebooks import repository, setting

    url, branch = repository(), setting("branch")
    owner_name = url.split("://", 1)[1].split("/", 1)[1]
    text = (site[0] / "03_simple_recurrent_network.html").read_text(encoding="utf-8")
    assert f'href="{url}"' in text
    assert (f"https://mybinder.org/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/learner/"
            "03_simple_recurrent_network.ipynb") in text
    assert (f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/notebooks/"
            "03_simple_recurrent_network.ipynb") in text
    assert "python -m tools.grading learner" in (ROOT / "postBuild").read_text()


def test_readers_see_no_test_marker_and_get_a_copy_button(site):
    for notebook in NOTEBOOKS:
        html = (site[0] / f"{notebook.stem}.html").read_text(encoding="utf-8")
        source = (site[0] / "_sources" / notebook.name).read_text(encoding="utf-8")
        assert "NBVAL_" not in html and "NBVAL_" not in source, notebook.name
    assert "copybutton.js" in (site[0] / "03_simple_recurrent_network.html").read_text(encoding="utf-8")


def test_the_download_is_the_student_version_that_make_check_grades(site, tmp_path):
    """A downloaded page keeps nbgrader's metadata: the grader's check finds every test of
    the notebook and fails each on the stub answers, and nothing else."""
    import subprocess
    import sys

    name = "00_start_here"
    copy = tmp_path / f"{name}.ipynb"
    copy.write_bytes((site[0] / "_sources" / f"{name}.ipynb").read_bytes())
    tests = sum(cells.is_test(c) for c in nbformat.read(copy, as_version=4).cells)
    proc = subprocess.run([sys.executable, "-m", "tools.grading", "check", str(copy)], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and tests >= 1
    assert f"{tests} test(s) failed, 0 locked cell(s) changed, 0 error(s) outside the tests" in proc.stderr, (
        proc.stderr[-2000:])
    assert proc.stderr.count("NotImplementedError") >= tests


def test_search_finds_the_attention_notebook(browser, server):
    page = browser.new_page()
    try:
        page.goto(f"{server}/search.html?q=attention", wait_until="load")
        page.wait_for_function("() => document.querySelectorAll('ul.search li').length > 0", timeout=30_000)
        found = page.locator("ul.search li a").all_inner_texts()
    finally:
        page.close()
    assert any(title.startswith("09 ") for title in found), found
