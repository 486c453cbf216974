"""Report text and file names that try to break out of the Markdown reports or the site index, through
the real CLI: titles with line breaks, labels with `|`, images, report file names with URL syntax or
too long to write."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from bounded import clean_exit, run_bounded
from markdown_it import MarkdownIt

PLAN = "plans/kommun-amn/handlingsplan"
ORGANISATION = "plans/kommun-amn/organisation.yaml"


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def rendered(markdown: str) -> str:
    parser = MarkdownIt("commonmark", {"html": True})
    parser.enable("table")
    return str(parser.render(markdown))


def test_titles_labels_and_images_stay_text_in_markdown_reports(mini_copy: Path) -> None:
    name = "rapport #1 ?x%"
    (mini_copy / PLAN / "reports").mkdir()
    (mini_copy / PLAN / "reports" / f"{name}.yaml").write_text(
        'kind: followup\nperiod: "2021"\n'
        'title: "Titel\\n# Injicerad rubrik\\n[länk](https://evil.example/a)\\n![bild](https://evil.example/p.png)"\n'
        'case_number: "Dnr 1\\n\\n## Falsk rubrik"\n'
        'introduction: "Inledning med bild ![spårare](https://evil.example/t.png).\\n\\nEn [länk](https://example.org)."\n',
        encoding="utf-8")
    edit(mini_copy, ORGANISATION, "  - label: Pågår\n", '  - label: "Pågår | enligt plan"\n')
    for followup in (mini_copy / PLAN / "followups").rglob("*.yaml"):
        text = followup.read_text(encoding="utf-8")
        followup.write_text(text.replace("status: Pågår\n", 'status: "Pågår | enligt plan"\n'), encoding="utf-8")
    edit(mini_copy, f"{PLAN}/activities/1.yaml", "title: Åtagande nummer 1",
         'title: Åtagande nummer 1\nresponsible: "Anna\\n# Ansvarsrubrik\\n- lista"')
    site = mini_copy.parent / "site"
    proc, _ = run_bounded("build", "--repo", mini_copy, "--out", site)
    clean_exit(proc)
    assert proc.returncode == 0, proc.stderr
    md = (site / "kommun-amn/handlingsplan" / f"{name}.md").read_text(encoding="utf-8")
    html = rendered(md)
    assert len(re.findall(r"<h1>", html)) == 1 and "<h1>Titel # Injicerad rubrik" in html
    assert "Falsk rubrik</h2>" not in html and "Ansvarsrubrik</h" not in html
    assert "<img" not in html and 'href="https://evil.example' not in html
    assert '<a href="https://example.org">länk</a>' in html  # a person's own https link stays a link
    # the status label with `|` is one cell of the status table
    assert re.search(r"<th[^>]*>Pågår \| enligt plan</th>", html), html
    assert "<td>Pågår" not in html and "enligt plan</td>" not in html  # not split over two cells
    # the index links to the file by its URL-encoded name
    index = (site / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="(kommun-amn/handlingsplan/rapport[^"]*)"', index)
    assert hrefs and all("%20%231%20%3Fx%25." in h for h in hrefs), hrefs
    assert all((site / unquote(h)).is_file() for h in hrefs)


def test_a_report_file_name_too_long_to_write_is_a_diagnostic(mini_copy: Path) -> None:
    name = "r" * 250
    (mini_copy / PLAN / "reports").mkdir()
    (mini_copy / PLAN / "reports" / f"{name}.yaml").write_text('kind: plan\ntitle: Lång\n', encoding="utf-8")
    for command in ("check", "build"):
        args = ("build", "--repo", mini_copy, "--out", mini_copy.parent / "site") if command == "build" else \
            ("check", "--repo", mini_copy)
        proc, _ = run_bounded(*args)
        clean_exit(proc)
        assert proc.returncode == 1, proc.stderr
        assert f"{PLAN}/reports/{name}.yaml: E208 report file name is 250 bytes long; at most 120" in proc.stderr
    site = mini_copy.parent / "site"
    assert not site.exists() or not any(site.iterdir())
