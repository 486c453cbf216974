"""Work and output bounds per report (issue: Markdown tables padded to the widest cell made an 81 MB page from a
0.5 MB follow-up; `%`, `ljust`/`center` and nested `range` loops in a repository's templates made 4 GB reports or
never ended). Through the real CLI, under a memory limit and a timeout: exit 0 with a small page, or exit 1 with a
template error — never a traceback, exit 70 or an endless build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bounded import BUILD_MEMORY_LIMIT, run_limited

FOLLOWUP = "plans/kommun-amn/handlingsplan/followups/2022/1.yaml"
REPORT = "kommun-amn/handlingsplan/uppfoljning-2022"


def test_a_table_over_many_short_rows_is_not_padded_into_a_huge_page(mini_copy: Path) -> None:
    """Wide headers over one-cell rows, again and again: the page stays a small multiple of the text."""
    table = "|" + "k|" * 500 + "\n|" + "-|" * 500 + "\n" + "|x|\n" * 120 + "\n"
    text = table * 40  # 90 kB; CommonMark's padding alone would write 40 x 60 000 empty cells (24 MB)
    source = (mini_copy / FOLLOWUP).read_text(encoding="utf-8").replace("text: Klart enligt plan.\n", "")
    (mini_copy / FOLLOWUP).write_text(source + "text: |\n" + "".join(f"  {line}\n" for line in text.splitlines()),
                                      encoding="utf-8")
    site = mini_copy.parent / "site"
    proc = run_limited("build", "--repo", mini_copy, "--out", site, timeout=240)
    assert proc.returncode == 0, proc.stderr
    page = (site / f"{REPORT}.html").stat().st_size
    assert page < 12 * len(text), page
    html = (site / f"{REPORT}.html").read_text(encoding="utf-8")
    assert html.count('<th scope="col">k</th>') == 40 * 500 and "|x|" in html  # the tables, and the rows as text


def _with_template(repo: Path, name: str, text: str) -> None:
    (repo / "local").mkdir(exist_ok=True)
    (repo / "local" / name).write_text(text, encoding="utf-8")
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates_dir: local\n", encoding="utf-8")


HUGE = [
    '{{ "%999999999s" % sentence }}',
    '{{ "%*s" % (999999999, sentence) }}',
    "{{ sentence.ljust(999999999) }}",
    "{{ sentence | center(999999999) }}",
    '{{ "{:>999999999}".format(sentence) }}',
    "{{ sentence | indent(999999999) }}",
    '{{ sentence | replace("", "x" * 999999) }}',
    '{% set s = namespace(v=sentence) %}{% for i in range(40) %}{% set s.v = s.v ~ s.v %}{% endfor %}{{ s.v }}',
    "{% for a in range(100000) %}{% for b in range(100000) %}{{ sentence }}{% endfor %}{% endfor %}",
    "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
]


@pytest.mark.parametrize("template", HUGE)
def test_a_template_cannot_make_a_huge_report_or_run_for_ever(mini_copy: Path, template: str) -> None:
    _with_template(mini_copy, "status.md.j2", template + "\n")
    site = mini_copy.parent / "site"
    env = {**os.environ, "AVR_RENDER_SECONDS": "5"}  # the default is 120 s; the bound is the same code either way

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (BUILD_MEMORY_LIMIT, BUILD_MEMORY_LIMIT))

    proc = subprocess.run([sys.executable, "-m", "avr", "build", "--repo", str(mini_copy), "--out", str(site)],
                          capture_output=True, text=True, timeout=120, env=env, preexec_fn=limit)
    assert proc.returncode == 1, proc.stderr
    assert "template error" in proc.stderr and "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert not site.exists() or not any(p.suffix in {".md", ".html"} for p in site.rglob("*"))


def test_ordinary_padding_and_formatting_still_work(mini_copy: Path) -> None:
    _with_template(mini_copy, "status.md.j2",
                   '{{ "%-6s;" % "ab" }}{{ "ab".ljust(4) }}|{{ "x" | center(5) }}|{{ "{:>4}".format(7) }}\n')
    site = mini_copy.parent / "site"
    assert run_limited("build", "--repo", mini_copy, "--out", site).returncode == 0
    assert "ab    ;ab  |  x  |   7" in (site / f"{REPORT}.md").read_text(encoding="utf-8")
