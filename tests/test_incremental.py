"""Incremental and parallel builds: byte-identical to a clean single-process build, and never trusting a bad cache."""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import avr.build.engine as engine
import avr.build.tasks as tasks
import avr.load.cache as doc_cache
from avr.build.engine import build as build_incremental
from avr.build.output import CACHE_DIR
from avr.cli import app
from avr.errors import InvalidInput

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate  # noqa: E402
from reference import write_site  # noqa: E402

runner = CliRunner()
DAY = 86400 * 10**9


def _age(root: Path) -> None:
    """Make every file look written long ago, as in a real working tree (fresh files are never stat-trusted)."""
    old = os.stat(root).st_mtime_ns - 30 * DAY
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(Path(folder) / name, ns=(old, old))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gen") / "repo"
    count = generate(400, root, seed=7, plans=2)
    assert count > 300
    return root


@pytest.fixture
def repo(generated: Path, tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(generated, target)
    _age(target)
    return target


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and CACHE_DIR not in p.parts}


def _reference(repo: Path, out: Path) -> dict[str, bytes]:
    """A clean, single-process build with avr's plain build function: no cache, no workers."""
    from avr.model.repository import load_repository

    write_site(load_repository(repo), out)
    return _tree(out)


def _cli(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def _edit(repo: Path, rng: random.Random) -> None:
    """A random valid edit: a status, a completion, a text, a new follow-up or a removed one."""
    followups = sorted(repo.glob("plans/*/*/followups/*/a*.yaml"))
    target = rng.choice(followups)
    text = target.read_text(encoding="utf-8")
    kind = rng.randrange(5)
    if kind == 0:
        text = re.sub(r"(?m)^status: .*$", f"status: {rng.choice(['Färdig', 'Stoppad', 'Avviker från plan'])}", text)
    elif kind == 1:
        text = re.sub(r"(?m)^completion: .*$", f"completion: {rng.randrange(0, 101)}", text)
    elif kind == 2:
        text = text.rstrip("\n") + f" Tillägg {rng.randrange(1000)}.\n"
    elif kind == 3:
        target.unlink()
        return
    else:
        activity = rng.choice(sorted(target.parent.parent.parent.glob("activities/*.yaml"))).stem
        target = target.parent.parent / "2021" / f"ny-{rng.randrange(10**6)}.yaml"
        if any(f"activity: {activity}\n" in p.read_text(encoding="utf-8") for p in target.parent.glob("*.yaml")):
            return
        text = f'period: "2021"\nactivity: {activity}\nstatus: Påbörjad\ntext: Ny uppföljning.\n'
    target.write_text(text, encoding="utf-8")


def test_random_edits_incremental_and_parallel_identical_to_clean(repo: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "PARALLEL_MIN_FILES", 10)  # make the small repo render in workers too
    monkeypatch.setattr(doc_cache, "PARALLEL_MIN_FILES", 10)
    out = tmp_path / "inc"
    rng = random.Random(2024)
    for round_ in range(4):
        code, output = _cli("build", "--repo", repo, "--out", out, "--jobs", "2", "--quiet")
        assert code == 0, output
        assert _tree(out) == _reference(repo, tmp_path / f"clean-{round_}"), f"round {round_}"
        for _ in range(rng.randrange(1, 4)):
            _edit(repo, rng)


def test_jobs_1_and_jobs_2_identical(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "PARALLEL_MIN_FILES", 10)
    assert _cli("build", "--repo", repo, "--out", tmp_path / "one", "--jobs", "1")[0] == 0
    assert _cli("build", "--repo", repo, "--out", tmp_path / "two", "--jobs", "2")[0] == 0
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_noop_rebuild_reads_and_rewrites_nothing(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_incremental(repo, out, jobs=1)
    assert not first.noop and first.written
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build_incremental(repo, out, jobs=1)
    assert again.noop and not again.written
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes
    code, output = _cli("build", "--repo", repo, "--out", out)
    assert code == 0 and "nothing changed" in output
    # a file saved again with the same content: read, hashed, but no report rewritten
    touched = next(repo.glob("plans/*/*/activities/a1.yaml"))
    touched.write_bytes(touched.read_bytes())
    third = build_incremental(repo, out, jobs=1)
    assert not third.noop and third.written == [] and third.rendered_reports == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and CACHE_DIR not in p.parts} == \
        {p: m for p, m in mtimes.items() if CACHE_DIR not in p.parts}


def test_one_change_renders_only_its_plan(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_incremental(repo, out, jobs=1)
    plans = sorted(p.parent for p in repo.glob("plans/*/*/plan.yaml"))
    assert len(plans) == 2
    other_outputs = {p: p.stat().st_mtime_ns for p in out.glob(f"{plans[1].parent.name}/{plans[1].name}/*")}
    assert other_outputs
    target = plans[0] / "followups/2022/a1.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("status: ", "status: Stoppad\n#", 1), encoding="utf-8")
    result = build_incremental(repo, out, jobs=1)
    assert result.rendered_reports == 1  # only the follow-up report of 2022 shows this status
    assert result.plans_read == 1  # the other plan is not even read: its diagnostics are kept
    assert {p: p.stat().st_mtime_ns for p in other_outputs} == other_outputs
    assert _tree(out) == _reference(repo, tmp_path / "clean")


def _goal_outcome(plan: Path, period: str) -> Path:
    target = plan / f"followups/{period}/mal-1.yaml"
    target.write_text(re.sub(r"(?m)^(  ind-1: )\d+", r"\g<1>123", target.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_an_outcome_re_renders_every_report_of_its_plan(repo: Path, tmp_path: Path) -> None:
    """Indicator outcomes of any period show in every report (history, charts, comparisons)."""
    out = tmp_path / "out"
    build_incremental(repo, out, jobs=1)
    plan = sorted(p.parent for p in repo.glob("plans/*/*/plan.yaml"))[0]
    _goal_outcome(plan, "2021-H1")
    result = build_incremental(repo, out, jobs=1)
    assert result.rendered_reports == 5 and result.plans_read == 1
    assert _tree(out) == _reference(repo, tmp_path / "clean")
    # the goal follow-up's text shows only in its own period's report
    target = plan / "followups/2021-H1/mal-1.yaml"
    target.write_text(re.sub(r"(?m)^text: .*$", "text: Ny bedömning av målet.", target.read_text(encoding="utf-8")),
                      encoding="utf-8")
    result = build_incremental(repo, out, jobs=1)
    assert result.rendered_reports == 1
    assert _tree(out) == _reference(repo, tmp_path / "clean2")


def test_a_changed_plan_title_rebuilds_the_index_from_every_plan(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_incremental(repo, out, jobs=1)
    plan = sorted(repo.glob("plans/*/*/plan.yaml"))[0]
    plan.write_text(re.sub(r"(?m)^title: .*$", "title: Ny titel på planen", plan.read_text(encoding="utf-8")),
                    encoding="utf-8")
    result = build_incremental(repo, out, jobs=1)
    assert result.plans_read == 2 and result.rendered_reports == 5
    assert "Ny titel på planen" in (out / "index.html").read_text(encoding="utf-8")
    assert _tree(out) == _reference(repo, tmp_path / "clean")


def test_diagnostics_of_skipped_plans_are_kept(repo: Path, tmp_path: Path) -> None:
    """A warning in one plan and an error in another: both reported, whichever plan a rebuild reads."""
    out = tmp_path / "out"
    plans = sorted(p.parent for p in repo.glob("plans/*/*/plan.yaml"))
    (plans[1] / "anteckningar.yaml").write_text("text: utkast\n", encoding="utf-8")  # W103
    first = build_incremental(repo, out, jobs=1)
    warnings = [d.format() for d in first.diagnostics.sorted()]
    assert any("W103" in w for w in warnings)
    target = plans[0] / "followups/2022/a1.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("status: ", "status: Okänd\n#", 1), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        build_incremental(repo, out, jobs=1)
    got = [d.format() for d in caught.value.diagnostics.sorted()]
    from avr.findings import repository_findings
    from avr.model.repository import load_repository

    assert got == [d.format() for d in repository_findings(load_repository(repo, strict=False)).sorted()]
    assert any("E204" in g for g in got) and any("W103" in g for g in got)
    target.write_text(target.read_text(encoding="utf-8").replace("status: Okänd\n#", "status: ", 1), encoding="utf-8")
    again = build_incremental(repo, out, jobs=1)
    assert again.plans_read == 0 and again.rendered_reports == 0  # as before the refused build: nothing to read
    assert [d.format() for d in again.diagnostics.sorted()] == warnings
    assert _tree(out) == _reference(repo, tmp_path / "clean")


def test_own_templates_make_every_report_depend_on_its_whole_plan(repo: Path, tmp_path: Path) -> None:
    """A repository's own templates may show any follow-up in any report: no finer dependencies then."""
    (repo / "mallar").mkdir()
    (repo / "mallar" / "followup.md.j2").write_text(
        "{% for a in r.plan.followups %}{{ a.period }} {{ a.status }}\n{% endfor %}", encoding="utf-8")
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates_dir: mallar\n", encoding="utf-8")
    out = tmp_path / "out"
    build_incremental(repo, out, jobs=1)
    plan = sorted(p.parent for p in repo.glob("plans/*/*/plan.yaml"))[0]
    target = plan / "followups/2022/a1.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("status: ", "status: Stoppad\n#", 1), encoding="utf-8")
    result = build_incremental(repo, out, jobs=1)
    assert result.rendered_reports == 5 and result.plans_read == 2
    assert _tree(out) == _reference(repo, tmp_path / "clean")


def test_any_new_file_kind_in_a_plan_folder_is_a_dependency(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_incremental(repo, out, jobs=1)
    plan = sorted(p.parent for p in repo.glob("plans/*/*/plan.yaml"))[0]
    (plan / "ekonomi").mkdir()
    (plan / "ekonomi" / "2022.yaml").write_text("period: '2022'\n", encoding="utf-8")
    result = build_incremental(repo, out, jobs=1)
    assert result.rendered_reports == 5
    assert any(d.code == "W103" and "ekonomi" in d.path for d in result.diagnostics.items)


def test_corrupted_cache_is_detected_and_rebuilt(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_incremental(repo, out, jobs=1)
    reference = _tree(out)
    shards = sorted((out / CACHE_DIR / "docs").glob("*.marshal"))
    assert shards
    damaged = bytearray(shards[0].read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # one flipped bit in the middle: still valid marshal, wrong data
    shards[0].write_bytes(bytes(damaged))
    shards[1].write_bytes(b"garbage")
    (out / CACHE_DIR / "manifest.marshal").write_bytes(b"AVRMAN1\n" + b"\0" * 40)
    for output in out.glob("*/*/*.md"):
        output.unlink()
    result = build_incremental(repo, out, jobs=1)
    assert result.parsed_files > 0 and result.rendered_reports > 0
    assert _tree(out) == reference
    again = build_incremental(repo, out, jobs=1)
    assert again.noop


def test_stale_cache_after_version_change_is_ignored(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build_incremental(repo, out, jobs=1)
    assert build_incremental(repo, out, jobs=1).noop
    monkeypatch.setattr(doc_cache, "__version__", "99.0.0")
    monkeypatch.setattr(engine, "__version__", "99.0.0")
    result = build_incremental(repo, out, jobs=1)
    yaml_files = len(list((repo / "plans").rglob("*.yaml")))
    assert not result.noop
    assert result.parsed_files == yaml_files
    assert result.rendered_reports == 10


def _check_lines(repo: Path) -> list[str]:
    code, output = _cli("check", "--repo", repo)
    assert code == 1, output
    return output.splitlines()


def test_errors_identical_with_and_without_cache(repo: Path) -> None:
    assert _cli("build", "--repo", repo, "--quiet")[0] == 0  # writes the cache into repo/build
    plan = sorted(p.parent for p in repo.glob("plans/*/*/plan.yaml"))[0]
    (plan / "goals/1.yaml").write_text("id: '1'\nkind: goal\nkind: goal\ntitle: x\n", encoding="utf-8")
    (plan / "activities/a4.yaml").write_text("id: a4\ngoals: ['99']\nunit: vux\ntitel: x\n", encoding="utf-8")
    a2 = plan / "activities/a2.yaml"
    a2.write_text(re.sub(r"(?m)^goals: .*$", "goals: ['77']", a2.read_text(encoding="utf-8")), encoding="utf-8")
    (plan / "followups/2021/a3.yaml").write_bytes("period: '2021'\nactivity: a3\ntext: \xe5\n".encode("latin-1"))
    with_cache_cold = _check_lines(repo)  # parses the edited files, reuses the cache for the rest
    with_cache_warm = _check_lines(repo)  # every document from the cache now, errors included
    code, build_output = _cli("build", "--repo", repo, "--quiet")
    assert code == 1
    shutil.rmtree(repo / "build")
    without_cache = _check_lines(repo)
    assert with_cache_cold == with_cache_warm == without_cache
    assert build_output.splitlines() == without_cache[: len(build_output.splitlines())]
    codes = {line.split(": ")[1].split()[0] for line in without_cache if ": E" in line}
    assert {"E001", "E003", "E101", "E202"} <= codes
    assert not (repo / "build").exists()  # check never creates the output folder


def test_quiet_and_progress_bar_off_without_terminal(repo: Path, tmp_path: Path) -> None:
    from avr.commands.build import ProgressBar

    code, output = _cli("build", "--repo", repo, "--out", tmp_path / "out", "--quiet")
    assert code == 0 and output == ""
    code, output = _cli("build", "--repo", repo, "--out", tmp_path / "out")
    assert code == 0 and output.startswith("nothing changed")
    bar = ProgressBar(True)  # stderr is not a terminal under pytest
    bar.start -= 10
    bar("read", 1, 2)
    assert not bar.enabled and bar.progress is None


def test_plans_at_the_repository_root(repo: Path, tmp_path: Path) -> None:
    """plans_dir: . — plan folders directly under the root are still tracked one by one."""
    flat = tmp_path / "flat"
    shutil.copytree(repo / "plans", flat)
    config = (repo / "avr.yaml").read_text(encoding="utf-8").replace("plans_dir: plans", "plans_dir: .")
    (flat / "avr.yaml").write_text(config, encoding="utf-8")
    _age(flat)
    out = tmp_path / "out"
    build_incremental(flat, out, jobs=1)
    target = next(flat.glob("*/*/followups/2022/a1.yaml"))
    target.write_text(target.read_text(encoding="utf-8").replace("status: ", "status: Stoppad\n#", 1), encoding="utf-8")
    result = build_incremental(flat, out, jobs=1)
    assert result.rendered_reports == 1 and result.plans_read == 1
    assert _tree(out) == _reference(flat, tmp_path / "clean")


def test_plans_in_workers_give_a_whole_load_s_diagnostics(repo: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Plan folders read, checked and rendered in forked workers: the same diagnostics as one whole load,
    and a refused build leaves no output folder behind."""
    from avr.findings import repository_findings
    from avr.model.repository import load_repository

    monkeypatch.setattr(tasks, "PARALLEL_MIN_FILES", 10)
    plans = sorted(p.parent for p in repo.glob("plans/*/*/plan.yaml"))
    (plans[1] / "anteckningar.yaml").write_text("text: utkast\n", encoding="utf-8")  # W103 in one plan
    (repo / "plans" / "lösa-papper").mkdir()
    (repo / "plans" / "lösa-papper" / "x.yaml").write_text("a: 1\n", encoding="utf-8")  # W103 outside plans
    bad = plans[0] / "followups/2022/a2.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("activity: a2", "activity: a99999"), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(InvalidInput) as caught:
        build_incremental(repo, out, jobs=2)
    whole = [d.format() for d in repository_findings(load_repository(repo, strict=False)).sorted()]
    assert [d.format() for d in caught.value.diagnostics.sorted()] == whole
    assert any("E202" in line for line in whole) and sum("W103" in line for line in whole) == 2
    assert not out.exists()
    bad.write_text(bad.read_text(encoding="utf-8").replace("activity: a99999", "activity: a2"), encoding="utf-8")
    result = build_incremental(repo, out, jobs=2)
    assert result.plans_read == 2 and result.rendered_reports == 10
    assert [d.format() for d in result.diagnostics.sorted()] == \
        [d.format() for d in repository_findings(load_repository(repo, strict=False)).sorted()]
    assert _tree(out) == _reference(repo, tmp_path / "clean")
