"""End to end: a repository full of hostile text (tests/fixtures/hostile/) builds, and nothing in what it
publishes can run script or make a request — checked with a parser and in headless Chromium.

Every text field of every file kind holds <script>, event handlers, iframes, SVG with script,
javascript:/data:/vbscript: links (also disguised), raw HTML, reference links, template code and
format-string tricks in the status phrase and in label overrides (local/labels/sv.yaml).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import FIXTURES
from test_output_safety import unsafe_in_markdown

HOSTILE = FIXTURES / "hostile"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# avr draws its charts as inline SVG; what an SVG could smuggle in (script, foreignObject, animated
# attributes, external use) is refused here like in HTML
DANGEROUS_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "link",
                  "meta", "img", "math", "style", "foreignobject", "use", "animate", "set", "image"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "site"
    proc = subprocess.run([sys.executable, "-m", "avr", "build", "--repo", str(HOSTILE), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(path: Path) -> Collect:
    collect = Collect()
    collect.feed(path.read_text(encoding="utf-8"))
    collect.close()
    return collect


def test_every_kind_of_report_was_built(site: Path) -> None:
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in {".html", ".md", ".json"})
    assert len(names) == 11 and "index.html" in names and "tillganglighet.html" in names


def test_html_has_no_script_handlers_or_dangerous_urls(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        doc = parsed(page)
        style_tags = [t for t, _ in doc.tags if t == "style"]
        assert len(style_tags) <= 1, page  # avr's own inline style sheet only
        for tag, attrs in doc.tags:
            assert tag not in DANGEROUS_TAGS - {"meta", "style"}, (page.name, tag, attrs)
            if tag == "meta":  # only the Content-Security-Policy
                assert all((value or "").lower() == "content-security-policy"
                           for name, value in attrs if name == "http-equiv"), (page.name, attrs)
            for name, value in attrs:
                assert not name.startswith("on"), (page.name, tag, name)
                if name in {"href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster"}:
                    scheme = urlsplit(re.sub(r"[\x00-\x20]", "", value or "")).scheme.lower()
                    assert scheme in {"", "http", "https", "mailto"}, (page.name, tag, name, value)
                    assert not (value or "").startswith("//"), (page.name, value)
        assert "javascript:alert" not in " ".join(v or "" for _, attrs in doc.tags for _, v in attrs)


def test_every_page_passes_an_html5_parser_scan_and_carries_the_csp(site: Path) -> None:
    """Read as browsers read it (tinyhtml5), no page holds anything outside the allow-lists."""
    from avr.render.safety import tree_problems

    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert tree_problems(text) == [], page.name
        assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" in text, page.name


def test_hostile_text_is_shown_as_text(site: Path) -> None:
    page = parsed(site / "kommun-amn/handlingsplan/status.html")
    text = "".join(page.text)
    assert "<script>alert('S')</script>" in text  # escaped in the source, visible to the reader
    assert "{{ 7*7 }}" in text and "{% include '/etc/passwd' %}" in text and "49" not in text
    assert "{n.__class__} {x} {n:>99999999}" in text  # the phrase is filled, not str.format()ted
    assert "[klick](javascript:alert('L1'))" in text  # an unsafe link stays its text
    # labels the repository overrides (local/labels/sv.yaml) are text too
    assert "<script>alert('E1')</script> {parts.__class__} {0} bedöms" in text
    assert "Sammanställning <img src=x onerror=alert('E2')>" in text


def test_markdown_has_no_raw_html_or_unsafe_links(site: Path) -> None:
    for md in sorted(site.rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        assert unsafe_in_markdown(text) == [], md.name
        assert "<script" not in text.lower() and "<iframe" not in text.lower(), md.name


def test_json_is_inert_and_keeps_the_text(site: Path) -> None:
    for path in sorted(site.rglob("*.json")):
        raw = path.read_text(encoding="utf-8")
        assert "<" not in raw, path.name
        data = json.loads(raw)
        assert "<script>alert('S')</script>" in data["report"]["title"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (`make test` installs Debian's chromium)")
def test_in_chromium_no_dialog_no_request_no_script(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    report: dict[str, dict[str, list[str] | int]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for file in sorted(site.rglob("*.html")):
            page = browser.new_page()
            dialogs: list[str] = []
            requests: list[str] = []
            errors: list[str] = []
            page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
            page.goto(file.as_uri(), wait_until="load")
            page.wait_for_timeout(300)  # a meta refresh or a delayed handler would have fired by now
            page.mouse.move(200, 200)  # would fire a surviving onmouseover
            handlers = page.evaluate(
                "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
                ".filter(n => n.startsWith('on')).length")
            report[file.relative_to(site).as_posix()] = {
                "dialogs": dialogs, "requests": [u for u in requests if u != file.as_uri()], "errors": errors,
                "scripts": page.evaluate("document.scripts.length"), "handlers": handlers,
                "url": [page.url] if page.url != file.as_uri() else []}
            page.close()
        browser.close()
    bad = {rel: {k: v for k, v in r.items() if v} for rel, r in report.items() if any(r.values())}
    assert not bad, bad
