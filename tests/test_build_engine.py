"""The build engine (avr/build/) against the engine it replaced: full, incremental and parallel builds write
byte for byte what the earlier engine (commit e39a5f6, checked out of this repository's own history) writes,
on the seed plans and on a generated repository of 10 000 files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "e39a5f6"  # main before avr/build/
DAY = 86400 * 10**9

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The earlier engine's source tree, from git history (a shallow clone may not hold it: then skipped)."""
    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{BASELINE}^{{commit}}"],
                      capture_output=True, check=False).returncode != 0:
        pytest.skip(f"commit {BASELINE} is not in this clone's history")
    target = tmp_path_factory.mktemp("baseline")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "avr", "templates"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _age(root: Path) -> None:
    """Every file written long ago, as in a real working tree (fresh files are never stat-trusted)."""
    old = os.stat(root).st_mtime_ns - 30 * DAY
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(Path(folder) / name, ns=(old, old))


def _build(repo: Path, out: Path, *args: str, source: Path | None = None) -> None:
    """`avr build` of this tree, or with ``source`` of the earlier engine's (run from outside this tree)."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    done = subprocess.run([sys.executable, "-m", "avr", "build", "--repo", str(repo), "--out", str(out), "--quiet",
                           *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".avr-cache" not in p.parts and p.name != ".avr-output.lock"}


def _change_one_followup(repo: Path) -> None:
    followup = sorted(repo.glob("plans/*/*/followups/*/*.yaml"))[0]
    text = followup.read_text(encoding="utf-8")
    assert "text: |\n" in text
    followup.write_text(text.replace("text: |\n", "text: |\n  Ändrad i en ny omgång.\n", 1), encoding="utf-8")


def _compare(repo: Path, tmp_path: Path, baseline: Path) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    _build(repo, new, "--jobs", "1")
    _build(repo, old, "--jobs", "1", source=baseline)
    first = _tree(old)
    assert len(first) > 10 and _tree(new) == first, "full build"
    _change_one_followup(repo)
    _build(repo, new, "--jobs", "1")  # incremental: on top of the last build's output and cache
    _build(repo, old, "--jobs", "1", source=baseline)
    reference = _tree(old)
    assert reference != first and _tree(new) == reference, "incremental build after one follow-up changed"
    _build(repo, tmp_path / "parallel", "--jobs", "2")
    assert _tree(tmp_path / "parallel") == reference, "parallel build"


def test_seed_plans_identical_to_the_earlier_engine(tmp_path: Path, baseline: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "plans", repo / "plans")
    shutil.copy(ROOT / "avr.yaml", repo / "avr.yaml")
    _age(repo)
    _compare(repo, tmp_path, baseline)


def test_generated_10k_files_identical_to_the_earlier_engine(tmp_path: Path, baseline: Path) -> None:
    repo = tmp_path / "repo"
    assert generate(10_000, repo, seed=3) > 9000
    _age(repo)
    _compare(repo, tmp_path, baseline)


def test_the_build_takes_its_folders_from_the_validated_config(tmp_path: Path) -> None:
    """The folders come from avr.yaml as the config model validated it; their defaults are written once, in
    avr/load/layout.py, which the model and the no-op's look-up share."""
    from avr.build.scan import Folders
    from avr.load import layout
    from avr.model.config import LimitsConfig
    from avr.model.repository import read_config

    (tmp_path / "avr.yaml").write_text("organisations: [a]\n", encoding="utf-8")
    assert Folders.of(read_config(tmp_path).config) == Folders(
        layout.PLANS_DIR, layout.OUTPUT_DIR, None, LimitsConfig().max_file_bytes, LimitsConfig().max_files, frozenset())
    (tmp_path / "avr.yaml").write_text("organisations: [a]\nplans_dir: p\noutput_dir: site\ntemplates_dir: mallar\n"
                                       "ignore: [W103]\nlimits: {max_file_bytes: 2048, max_files: 99}\n", encoding="utf-8")
    folders = Folders.of(read_config(tmp_path).config)
    assert folders == Folders("p", "site", "mallar", 2048, 99, frozenset({"W103"}))
    assert Folders.from_stored(folders.stored()) == folders


def test_a_build_validates_avr_yaml_once_for_all_its_plans(example_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One read and validation of avr.yaml per build, handed to the main load and to every plan's task."""
    import avr.model.repository as repository
    from avr.build.engine import build
    from avr.model.config import RepoConfig

    validated: list[type] = []
    real = repository.validate

    def counting(doc, schema, diags):  # type: ignore[no-untyped-def]
        validated.append(schema)
        return real(doc, schema, diags)

    monkeypatch.setattr(repository, "validate", counting)
    result = build(example_copy, example_copy / "build", formats=("html",))
    assert result.plans_read >= 3  # the seeds: several plans, one task each
    assert validated.count(RepoConfig) == 1


def test_a_no_op_trusts_the_recorded_folders_only_while_avr_yaml_is_unchanged(mini_copy: Path) -> None:
    """The no-op check finds the manifest where avr.yaml's output_dir line points, before anything is validated;
    an avr.yaml it cannot read that way (a flow mapping moving the output) is validated by a build."""
    from conftest import run_avr

    first = run_avr("build", cwd=mini_copy)
    assert first.returncode == 0, first.stderr
    assert "nothing changed" in run_avr("build", cwd=mini_copy).stderr
    (mini_copy / "avr.yaml").write_text("{output_dir: site, title: Testrapporter, organisations: [kommun-amn],\n"
                                        " accessibility: {email: tillganglighet@example.se}}\n", encoding="utf-8")
    _age(mini_copy)  # a file saved just now is never stat-trusted
    moved = run_avr("build", cwd=mini_copy)
    assert moved.returncode == 0, moved.stderr
    assert "nothing changed" not in moved.stderr
    assert (mini_copy / "site" / "index.html").is_file()
    still = run_avr("build", cwd=mini_copy)
    assert "nothing changed" in still.stderr and "site" in still.stderr
