"""Nothing dangerous is published: links, raw HTML and template code from YAML, in HTML and Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_avr
from markdown_it import MarkdownIt

from avr.render.markdown import to_html
from avr.render.safety import html_problems, neutralise_markdown, safe_url

PLAN = "plans/kommun-amn/handlingsplan"

UNSAFE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\x00script:alert(1)",
    "java\u200bscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "java%73cript:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:image/svg+xml,<svg onload=alert(1)>",
    "file:///etc/passwd",
    "//evil.example/x",
    "\\\\evil.example\\share",
    "/\\evil.example",
    "ja va:alert(1)",
]
SAFE_URLS = ["https://example.se/a?b=1&c=2#d", "http://example.se", "mailto:a@b.se", "../rel.html", "rel.html#x",
             "/abs/path", "#anchor", "?q=1", "HTTPS://EXAMPLE.SE"]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_urls_are_refused(url: str) -> None:
    assert not safe_url(url)


@pytest.mark.parametrize("url", SAFE_URLS)
def test_safe_urls_are_kept(url: str) -> None:
    assert safe_url(url)


HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[r]: javascript:alert(1)",
    "| a | b |\n| --- | --- |\n| [x](javascript:alert(1)) | <b onmouseover=alert(1)>b</b> |",
    "- a\n  - [x](javascript:alert(1))\n> [y](data:text/html,x)",
    "\\<script>alert(1)</script>",
    "`code` <script>alert(1)</script>",
    "<!-- <script>alert(1)</script> -->",
    "<br onload=alert(1)>",
]


def unsafe_in_markdown(text: str) -> list[str]:
    """Raw HTML (other than bare <br>, <sup>, <sub>) and unsafe links as GitHub-like renderers see them."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    env: dict[str, object] = {}
    found: list[str] = []
    for token in md.parse(text, env):
        for t in [token, *(token.children or [])]:
            # raw HTML may only be the bare tags avr allows (text around them is escaped already)
            if t.type in ("html_inline", "html_block") and "<" in re.sub(r"</?(br|sup|sub)\s*/?>", "", t.content, flags=re.I):
                found.append(t.content)
            url = t.attrGet("href") if t.type == "link_open" else t.attrGet("src") if t.type == "image" else None
            if url is not None and not safe_url(str(url)):
                found.append(str(url))
    refs = env.get("references") or {}
    assert isinstance(refs, dict)
    found += [str(r["href"]) for r in refs.values() if not safe_url(str(r["href"]))]
    return found


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_markdown_output_is_neutralised(source: str) -> None:
    assert unsafe_in_markdown(source)  # the case really is hostile
    assert unsafe_in_markdown(neutralise_markdown(source)) == []


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_html_from_markdown_is_safe(source: str) -> None:
    assert html_problems(to_html(source)) == []


def test_neutralised_markdown_keeps_ordinary_text_and_safe_links() -> None:
    text = ("# Rubrik\n\n- punkt med [länk](https://example.se) och <br> radbrytning\n"
            "- 3 < 5 och 5 > 3, *kursiv*, `kod`\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n")
    out = neutralise_markdown(text)
    assert "[länk](https://example.se)" in out and "<br>" in out and "3 &lt; 5" in out
    assert out.replace("3 &lt; 5", "3 < 5") == text


def test_one_bad_link_does_not_break_the_others() -> None:
    out = neutralise_markdown("[ok](https://example.se)\n\n[bad](javascript:alert(1))\n")
    assert "[ok](https://example.se)" in out and "&#91;bad&#93;(javascript:alert(1))" in out


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<p onclick="x()">a</p>', "onclick"),
        ('<a href="javascript:alert(1)">a</a>', "unsafe URL"),
        ('<a href=" jav&#x09;ascript:alert(1)">a</a>', "unsafe URL"),
        ('<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">', "unsafe URL"),
        ("<iframe src=x></iframe>", "<iframe>"),
        ("<object data=x></object>", "<object>"),
        ("<embed src=x>", "<embed>"),
        ("<svg><script>alert(1)</script></svg>", "<script>"),
        ('<svg><a xlink:href="javascript:alert(1)">x</a></svg>', "unsafe URL"),
        ('<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>', "<animate>"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
        ('<div style="background:url(javascript:alert(1))">', "attribute style"),
        ('<div style="background:url(https://evil.example/t.png)">', "attribute style"),
        ("<style>body{background:url(https://evil.example/t.png)}</style>", "style sheet"),
        ('<form action="javascript:alert(1)"></form>', "unsafe URL"),
    ],
)
def test_html_check_finds_what_could_run_or_load(page: str, problem: str) -> None:
    problems = html_problems(page)
    assert problems and problem in " ".join(p[2] for p in problems)


def test_html_check_accepts_avrs_own_pages(tmp_path: Path) -> None:
    from conftest import ROOT

    assert run_avr("build", "--repo", ROOT, "--out", tmp_path / "site").returncode == 0
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert pages and all(html_problems(p.read_text(encoding="utf-8")) == [] for p in pages)
    # and read as browsers read them (the check above takes its shortcut on avr's own pages)
    from avr.render.safety import tree_problems

    assert all(tree_problems(p.read_text(encoding="utf-8")) == [] for p in pages)


# ------------------------------------------------------------------ through the CLI


def test_markdown_report_escapes_html_from_yaml(mini_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_avr("build", "--repo", mini_copy, "--out", site).returncode == 0
    md = (site / "kommun-amn/handlingsplan/uppfoljning-2022.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script>alert(1)&lt;/script>" in md
    assert "{{ 7*7 }}" in md and "49" not in md  # template-looking text is printed, never run
    assert unsafe_in_markdown(md) == []


def _with_template(repo: Path, name: str, text: str) -> None:
    (repo / "local").mkdir(exist_ok=True)
    (repo / "local" / name).write_text(text, encoding="utf-8")
    config = repo / "avr.yaml"
    if "templates_dir" not in config.read_text(encoding="utf-8"):
        config.write_text(config.read_text(encoding="utf-8") + "templates_dir: local\n", encoding="utf-8")


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ report.__init__.__globals__ }}",
        "{{ L.__call__.__globals__['AvrError'] }}",
        "{{ status_name.__globals__ }}",
        "{{ 2 ** 100000000 }}",
        "{{ 'x' * 100000000 }}",
    ],
)
def test_repository_templates_run_in_the_sandbox(mini_copy: Path, tmp_path: Path, expression: str) -> None:
    _with_template(mini_copy, "status.md.j2", expression + "\n")
    site = tmp_path / "site"
    proc = run_avr("build", "--repo", mini_copy, "--out", site)
    assert proc.returncode == 1, proc.stderr
    assert "template error" in proc.stderr and "Traceback" not in proc.stderr
    assert not site.exists() or not any(p.is_file() and p.suffix in {".md", ".html"} for p in site.rglob("*"))


def test_repository_template_with_a_script_is_not_published(mini_copy: Path, tmp_path: Path) -> None:
    _with_template(mini_copy, "status.html.j2", "<!doctype html><p onclick=\"x()\">{{ sentence }}</p><script>x()</script>\n")
    site = tmp_path / "site"
    proc = run_avr("build", "--repo", mini_copy, "--out", site)
    assert proc.returncode == 1
    assert re.search(r"^kommun-amn/handlingsplan/uppfoljning-2022\.html:1:\d+: E701 .*onclick", proc.stderr, re.M)
    assert re.search(r"^kommun-amn/handlingsplan/uppfoljning-2022\.html:1:\d+: E701 .*<script>", proc.stderr, re.M)
    assert not site.exists() or not list(site.rglob("*.html"))


def test_repository_template_symlink_outside_is_refused(mini_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMLIGT\n", encoding="utf-8")
    _with_template(mini_copy, "status.md.j2", "x\n")
    (mini_copy / "local/status.md.j2").unlink()
    (mini_copy / "local/status.md.j2").symlink_to(secret)
    site = tmp_path / "site"
    proc = run_avr("build", "--repo", mini_copy, "--out", site)
    assert proc.returncode == 1 and "outside" in proc.stderr and "Traceback" not in proc.stderr
    assert "HEMLIGT" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.md")) if site.exists() else True


def test_repository_template_cannot_include_files_outside_its_folder(mini_copy: Path, tmp_path: Path) -> None:
    _with_template(mini_copy, "status.md.j2", "{% include '../avr.yaml' %}\n")
    site = tmp_path / "site"
    proc = run_avr("build", "--repo", mini_copy, "--out", site)
    assert proc.returncode == 1 and "template error" in proc.stderr and "Traceback" not in proc.stderr
    assert not site.exists() or not list(site.rglob("*.md"))
