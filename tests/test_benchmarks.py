"""The benchmark's peer and probes measure what they claim (nothing here is timed).

The Hugo site must render the same pages as `avr build --format html` with every activity card, and
the serve probe must see serve's rebuilds; otherwise benchmarks/RESULTS.md compares different work.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import run  # noqa: E402
from generate import generate  # noqa: E402

CARD = re.compile(r'<div class="card">')


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "repo"
    generate(160, root, seed=3)
    return root


def _avr(*args: str, cwd: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "avr", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo not installed (make hugo)")
def test_hugo_renders_the_pages_avr_renders(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "avr"
    _avr("build", "--format", "html", "--quiet", "--out", str(out), cwd=repo)
    site = run.hugo_site(repo, tmp_path / "hugo")
    subprocess.run(["hugo", "--quiet", "-d", str(site / "public")], cwd=site, check=True, capture_output=True)

    def html(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.html")}

    ours, hugos = html(out), html(site / "public")
    assert sorted(hugos) == sorted(ours)
    reports = [name for name in ours if "/uppfoljning-" in name]
    assert len(reports) == 4
    for name in reports:
        assert len(CARD.findall(hugos[name])) == len(CARD.findall(ours[name])) > 0, name
        period = name.rsplit("uppfoljning-", 1)[1].removesuffix(".html")
        followups = sorted((repo / "plans").glob(f"*/*/followups/{period}/a*.yaml"))
        texts = {f.read_text(encoding="utf-8").split("text: |\n  ", 1)[1].strip() for f in followups}
        assert texts and all(text in hugos[name] for text in texts)
    pages, size = run.pages(site / "public")
    assert pages == len(ours) and size > 0.5 * run.pages(out)[1]


def test_serve_probe_reports_one_latency_per_edit(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(repo, copy)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AVR_LANG", None)  # the probe reads serve's messages in English whatever the repository's language
    probe = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "serve_probe.py"), str(copy),
                            str(tmp_path / "out"), "2"], env=env, capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    latencies = [float(x) for x in probe.stdout.split()]
    assert len(latencies) == 2 and all(x > 0 for x in latencies)
    assert (tmp_path / "out" / "index.html").is_file()
    # the probe puts the edited follow-up back as it was
    assert run.followup_file(copy).read_bytes() == run.followup_file(repo).read_bytes()


def test_edit_changes_one_followup_completion(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(repo, copy)
    target = run.followup_file(copy)
    completions = []
    for _ in range(2):
        run.edit_followup(copy)
        found = re.search(r"^completion: (\d+)$", target.read_text(encoding="utf-8"), re.MULTILINE)
        assert found
        completions.append(found[1])
    assert sorted(completions) == ["50", "55"]
    changed = [p for p in (copy / "plans").rglob("*.yaml")
               if p.read_bytes() != (repo / p.relative_to(copy)).read_bytes()]
    assert changed == [target]


def test_verdict_says_by_how_much_a_target_is_missed() -> None:
    assert run.verdict("s", 0.15, 0.2) == "pass"
    assert run.verdict("s", 0.7, 0.5) == "**miss** (+0.20 s)"
    assert run.verdict("x", 2.0, 1.0) == "**miss** (2.0× the target)"
