"""Script and loads in a repository's own templates (issue: the HTML check read pages with html.parser, not as
browsers do, and these ran alert() or made requests in Chromium). Each is refused through the real CLI: exit 1,
E701 naming the report, nothing published. The payloads are first shown to do harm in Chromium itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bounded import run_limited

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
LOCAL = "http://127.0.0.1:9"  # nothing listens there: a request shows as an attempt, and goes nowhere

SCRIPTS = {
    "comment-abrupt": "<!--><img src=x onerror=alert(1)>-->",
    "cdata-in-html": "<![CDATA[><img src=x onerror=alert(1)>]]>",
    "svg-style": "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "math-style": "<math><style><img src=x onerror=alert(1)></style></math>",
    "comment-bang": "<!-- a --!><img src=x onerror=alert(1)> -->",
}
LOADS = {
    "img-http": f'<img src="{LOCAL}/img.png" alt="">',
    "video-poster": f'<video poster="{LOCAL}/poster.png"></video>',
    "css-escaped-url": f"<style>p{{background:u\\72l({LOCAL}/url.png)}}</style>",
    "css-image-set": f'<style>p{{background:image-set("{LOCAL}/set.png" 1x)}}</style>',
    "css-escaped-import": f'<style>@\\69mport "{LOCAL}/import.css";</style>',
    "style-attribute": f'<p style="background:u\\72l({LOCAL}/attr.png)">x</p>',
    "svg-fill": f'<svg><rect width="9" height="9" fill="url({LOCAL}/fill.svg#a)"/></svg>',
}


def _with_template(repo: Path, name: str, text: str) -> None:
    (repo / "local").mkdir(exist_ok=True)
    (repo / "local" / name).write_text(text, encoding="utf-8")
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates_dir: local\n", encoding="utf-8")


@pytest.mark.parametrize("payload", [*SCRIPTS.values(), *LOADS.values()], ids=[*SCRIPTS, *LOADS])
def test_a_template_that_runs_or_loads_is_not_published(mini_copy: Path, payload: str) -> None:
    _with_template(mini_copy, "status.html.j2", "<!doctype html><p>{{ sentence }}</p>" + payload + "\n")
    site = mini_copy.parent / "site"
    proc = run_limited("build", "--repo", mini_copy, "--out", site)
    assert proc.returncode == 1, proc.stderr
    assert re.search(r"^kommun-amn/handlingsplan/uppfoljning-2022\.html(:\d+:\d+)?: E701 ", proc.stderr, re.M), proc.stderr
    assert not site.exists() or not list(site.rglob("*.html"))


def test_a_harmless_template_with_comments_is_published(mini_copy: Path) -> None:
    _with_template(mini_copy, "status.html.j2", "<!doctype html><!-- egen mall --><p class=\"x\">{{ sentence }}</p>\n")
    site = mini_copy.parent / "site"
    proc = run_limited("build", "--repo", mini_copy, "--out", site)
    assert proc.returncode == 0, proc.stderr
    assert "<!-- egen mall -->" in (site / "kommun-amn/handlingsplan/uppfoljning-2022.html").read_text(encoding="utf-8")


def _effects(tmp_path: Path, head: str) -> dict[str, list[str]]:
    """What each payload does in Chromium, in a page with ``head``: dialogs and requests to LOCAL."""
    from playwright.sync_api import sync_playwright

    effects: dict[str, list[str]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for name, payload in {**SCRIPTS, **LOADS}.items():
            file = tmp_path / f"{name}.html"
            file.write_text(f"<!doctype html><html><head>{head}</head><body><p>x</p>{payload}</body></html>",
                            encoding="utf-8")
            page = browser.new_page()
            seen: list[str] = []
            page.on("dialog", lambda d, seen=seen: (seen.append("dialog"), d.dismiss()))
            blocked: list[str] = []  # Chromium reports a request the CSP stopped, then its failure "csp"
            page.on("request", lambda r, seen=seen: seen.append(r.url) if r.url.startswith(LOCAL) else None)
            page.on("requestfailed", lambda r, out=blocked: out.append(r.url) if r.failure == "csp" else None)
            page.goto(file.as_uri(), wait_until="load")
            page.wait_for_timeout(200)
            effects[name] = [url for url in seen if url not in blocked]
            page.close()
        browser.close()
    return effects


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (`make test` installs Debian's chromium)")
def test_the_payloads_do_harm_in_chromium_and_avrs_csp_stops_them(tmp_path: Path) -> None:
    """The inputs above are real: in a plain page each runs a dialog or makes a request; under the
    Content-Security-Policy of avr's pages (templates/base.html.j2) none does."""
    from conftest import ROOT

    base = (ROOT / "templates" / "base.html.j2").read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy"[^>]*>', base)
    assert csp
    assert [name for name, seen in _effects(tmp_path, "").items() if not seen] == []
    assert {name: seen for name, seen in _effects(tmp_path, csp[0]).items() if seen} == {}
