"""Open every HTML report that `avr build` writes in a real, headless Chromium.

Why: docs/rapporter.md promises one self-contained HTML file per report (inline CSS, no scripts, no
external requests) in Swedish, readable with a screen reader. Only a browser shows what a reader
actually gets: the requests really made, console and page errors, the DOM after parsing and the
visible text. The reports are built by the real CLI into a temporary folder (build/ is untouched),
each page is screenshotted, and the Uppsala status sentence (docs/hur-resultat-raknas.md) is checked as
displayed.

Each page is also checked with axe-core (WCAG 2.0/2.1 A and AA rules, injected from the npm package
that `make axe` installs under tests/a11y/) and reflowed in a viewport of 640 CSS pixels (1280 at 200 %
zoom) without horizontal scrolling.

Debian's chromium is driven through Playwright (no browser download); `make test` installs it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
UPPSALA = "uppsala-amn/26-punktsplan/december-2020.html"
SENTENCE = ("Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan, "
            "en avviker från plan och en är stoppad.")

AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (`make test` installs Debian's chromium)", allow_module_level=True)
if not AXE.exists():
    pytest.skip(f"{AXE} is missing (`make axe` installs axe-core from npm)", allow_module_level=True)


@dataclass
class Page:
    url: str
    requests: list[str]
    errors: list[str]  # console messages of type error and uncaught page errors
    scripts: int
    lang: str | None
    headings: list[int]  # 1..6 in document order
    uncaptioned: list[str]  # first row text of every table without a (non-empty) caption
    hrefs: list[str]
    text: str
    screenshot: Path
    violations: list[str]  # axe-core: "rule-id: target" per failing node
    overflow: int  # CSS pixels of horizontal scrolling at 1280 px and at 640 px width (200 % zoom)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    cmd = [sys.executable, "-m", "avr", "build", "--repo", str(ROOT), "--out", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"avr build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return out


@pytest.fixture(scope="module")
def pages(out_dir: Path) -> dict[str, Page]:
    return open_pages(out_dir)


@pytest.fixture(scope="module")
def board_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Page]:
    """The reports of tests/fixtures/board: a board's own list of sections and its own words."""
    out = tmp_path_factory.mktemp("board-site")
    repo = ROOT / "tests" / "fixtures" / "board"
    cmd = [sys.executable, "-m", "avr", "build", "--repo", str(repo), "--out", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"avr build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return open_pages(out)


def open_pages(out_dir: Path) -> dict[str, Page]:
    """Every *.html under the output folder, opened in a fresh page of one browser."""
    files = sorted(out_dir.rglob("*.html"))
    shots = out_dir / "screenshots"
    shots.mkdir()
    result: dict[str, Page] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for file in files:
            rel = file.relative_to(out_dir).as_posix()
            page = browser.new_page(bypass_csp=True)  # axe goes in as a script tag; the pages' CSP forbids those
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.on("console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
            page.goto(file.as_uri(), wait_until="load")
            shot = shots / (rel.removesuffix(".html").replace("/", "__") + ".png")
            page.screenshot(path=str(shot), full_page=True)
            scripts = page.evaluate("document.scripts.length")
            width = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            overflow = page.evaluate(width)  # the default 1280 px
            page.set_viewport_size({"width": 640, "height": 900})
            overflow = max(overflow, page.evaluate(width))
            page.set_viewport_size({"width": 1280, "height": 900})
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
            violations = [f"{v['id']}: {' '.join(map(str, n['target']))}" for v in found["violations"] for n in v["nodes"]]
            result[rel] = Page(
                url=file.as_uri(), requests=requests, errors=errors,
                scripts=scripts, violations=violations, overflow=overflow,
                lang=page.get_attribute("html", "lang"),
                headings=page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"),
                uncaptioned=page.evaluate("""[...document.querySelectorAll('table')]
                    .filter(t => !(t.caption && t.caption.textContent.trim()))
                    .map(t => (t.rows[0] ? t.rows[0].innerText : '').replace(/\\s+/g, ' ').trim())"""),
                hrefs=page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"),
                text=page.inner_text("body"), screenshot=shot)
            page.close()
        browser.close()
    return result


def test_index_and_reports_were_built(pages: dict[str, Page]) -> None:
    assert "index.html" in pages
    assert len(pages) >= 4, sorted(pages)


def test_self_contained_no_requests_no_scripts(pages: dict[str, Page]) -> None:
    bad = {rel: p.requests for rel, p in pages.items() if p.requests != [p.url]}
    assert not bad, f"requests other than the page itself: {bad}"
    assert not {rel: p.scripts for rel, p in pages.items() if p.scripts}


def test_no_console_or_page_errors(pages: dict[str, Page]) -> None:
    assert not {rel: p.errors for rel, p in pages.items() if p.errors}


def test_lang_is_sv(pages: dict[str, Page]) -> None:
    assert {rel: p.lang for rel, p in pages.items()} == {rel: "sv" for rel in pages}


def test_exactly_one_h1(pages: dict[str, Page]) -> None:
    assert not {rel: p.headings.count(1) for rel, p in pages.items() if p.headings.count(1) != 1}


def test_heading_levels_never_skip_going_down(pages: dict[str, Page]) -> None:
    jumps = {rel: [(a, b) for a, b in zip([0, *p.headings], p.headings, strict=False) if b > a + 1]
             for rel, p in pages.items()}
    assert not {rel: j for rel, j in jumps.items() if j}, "(from, to) heading levels"


def test_every_table_has_caption(pages: dict[str, Page]) -> None:
    # including GFM tables inside follow-up Markdown (avr/render/markdown.py gives them one)
    assert not {rel: p.uncaptioned for rel, p in pages.items() if p.uncaptioned}


def test_markdown_table_takes_its_introducing_sentence_as_caption(pages: dict[str, Page]) -> None:
    text = pages["norrkoping-avn/uppdragsplan-2013/halvar-2013.html"].text
    assert "Ålders- och könsfördelningen för de 20 ungdomarna är följande\n" in text


def test_index_links_are_relative_and_exist(pages: dict[str, Page], out_dir: Path) -> None:
    hrefs = pages["index.html"].hrefs
    assert not [h for h in hrefs if urlsplit(h).scheme or urlsplit(h).netloc or h.startswith("/")]
    targets = {unquote(urlsplit(h).path) for h in hrefs if urlsplit(h).path}
    assert not [t for t in targets if not (out_dir / t).is_file()], "links to missing files"
    # every report built is reachable from the index, and every .html linked was checked above
    assert {t for t in targets if t.endswith(".html")} == set(pages)  # incl. itself and tillganglighet.html


def test_uppsala_status_sentence(pages: dict[str, Page]) -> None:
    assert SENTENCE in pages[UPPSALA].text.splitlines(), "the sentence, exactly, as a line of visible text"


def test_screenshots_are_non_empty_pngs(pages: dict[str, Page]) -> None:
    for p in pages.values():
        assert p.screenshot.is_file() and p.screenshot.stat().st_size > 0, p.screenshot
        assert p.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", p.screenshot


def test_axe_core_finds_no_wcag21_aa_violations(pages: dict[str, Page]) -> None:
    assert {rel: p.violations for rel, p in pages.items() if p.violations} == {}


def test_board_fixture_pages_pass_axe_and_the_structure_checks(board_pages: dict[str, Page]) -> None:
    assert "sn/vp-2025/delarsrapport-2025.html" in board_pages
    assert not {rel: p.violations for rel, p in board_pages.items() if p.violations}
    assert not {rel: p.headings.count(1) for rel, p in board_pages.items() if p.headings.count(1) != 1}
    jumps = {rel: [(a, b) for a, b in zip([0, *p.headings], p.headings, strict=False) if b > a + 1]
             for rel, p in board_pages.items()}
    assert not {rel: j for rel, j in jumps.items() if j}, "(from, to) heading levels"
    assert not {rel: p.uncaptioned for rel, p in board_pages.items() if p.uncaptioned}
    assert {rel: p.overflow for rel, p in board_pages.items() if p.overflow > 0} == {}


def test_axe_really_ran_on_the_charts(out_dir: Path) -> None:
    """The check can fail: a chart stripped of its text alternative is reported by axe."""
    page_file = out_dir / UPPSALA
    broken = out_dir / "broken.html"
    html = page_file.read_text(encoding="utf-8")
    html = re.sub(r'(<svg[^>]*) aria-label="[^"]*"([^>]*>)<title>[^<]*</title>', r"\1\2", html, count=1)
    broken.write_text(html, encoding="utf-8")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(bypass_csp=True)
            page.goto(broken.as_uri())
            page.add_script_tag(path=str(AXE))
            found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
            browser.close()
    finally:
        broken.unlink()
    assert "svg-img-alt" in {v["id"] for v in found["violations"]}


def test_reflows_at_200_percent_zoom(pages: dict[str, Page]) -> None:
    assert {rel: p.overflow for rel, p in pages.items() if p.overflow > 0} == {}


def test_charts_are_labelled_images_with_their_numbers_in_a_table(pages: dict[str, Page]) -> None:
    uppsala = pages[UPPSALA].text
    # the status bar's legend shows symbol, word and number, and the counts table holds them too
    assert "✓ Färdig: 13" in uppsala and "! Avviker från plan: 1" in uppsala
    plan = pages["linkoping-amn/internbudget-2019/internbudget-2019.html"].text
    assert "Diagrammets värden" in plan


def test_reports_link_back_to_the_site_relatively(pages: dict[str, Page], out_dir: Path) -> None:
    for rel, page in pages.items():
        assert "tillganglighet.html" in {Path(h).name for h in page.hrefs}, rel
        for href in page.hrefs:
            if href.startswith(("#", "mailto:")):
                continue
            assert not urlsplit(href).scheme and not href.startswith("/"), (rel, href)
            assert (out_dir / rel).parent.joinpath(unquote(href)).resolve().is_file(), (rel, href)


def test_accessibility_statement(pages: dict[str, Page]) -> None:
    text = pages["tillganglighet.html"].text
    assert "Tillgänglighetsredogörelse" in text
    assert "delvis förenlig med lagen om tillgänglighet till digital offentlig service" in text
    assert "tillganglighet@example.se" in text  # the contact from avr.yaml
    assert "Vi svarar normalt inom 5 arbetsdagar." in text
    assert "Innehåll som inte är tillgängligt" in text


def test_site_works_from_a_sub_path_over_http(out_dir: Path) -> None:
    """Served under /rapporter/ by a local web server, every relative link resolves."""
    import functools
    import http.server
    import threading

    root = out_dir.parent / "webroot"
    if not root.exists():
        root.mkdir()
        (root / "rapporter").symlink_to(out_dir, target_is_directory=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/rapporter/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(bypass_csp=True)
            page.goto(base + "index.html")
            links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
            report = next(h for h in links if h.endswith("december-2020.html"))
            response = page.goto(report)
            assert response is not None and response.status == 200
            back = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
            browser.close()
    finally:
        server.shutdown()
    assert all(h.startswith(base) for h in links if h.startswith("http")), links
    assert base + "index.html" in back and base + "tillganglighet.html" in back


def test_readable_without_css(out_dir: Path) -> None:
    """With the stylesheet removed the report still reads in order and passes axe."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(bypass_csp=True)
        page.goto((out_dir / UPPSALA).as_uri())
        page.evaluate("document.querySelectorAll('style').forEach(s => s.remove())")
        lines = [line.strip() for line in page.inner_text("body").splitlines() if line.strip()]
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        browser.close()
    assert lines[0] == "Hoppa till innehållet"
    title = lines.index("Uppföljning av 26-punktsplan per december 2020")
    assert title < lines.index(SENTENCE) < lines.index("Sammanställning")
    assert not [v["id"] for v in found["violations"]]
