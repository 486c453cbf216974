"""No lost work: avr writes only into its own folder, `--clean` deletes only its own files, builds
that run at once or are killed halfway leave complete reports."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, run_avr

REPORT = "kommun-amn/handlingsplan/uppfoljning-2022"

# Runs the real CLI with os.replace (the rename of write_atomic) pausing before the N-th rename, so a
# test can interrupt a build at a known point while it writes.
DRIVER = """
import os, signal, sys, time
# Ctrl-C as in a terminal: a test run started in the background inherits SIGINT ignored, and Python keeps that
signal.signal(signal.SIGINT, signal.default_int_handler)
real = os.replace
count = 0
def paused_replace(src, dst):
    global count
    if "/.avr-cache/" in str(dst):  # the build cache and the staged reports: not yet published
        return real(src, dst)
    count += 1
    if count == int(os.environ["AVR_TEST_PAUSE_AT"]):
        print("PAUSED", dst, flush=True)
        time.sleep(120)
    real(src, dst)
os.replace = paused_replace
from avr.cli import main
sys.argv = ["avr", *sys.argv[1:]]
main()
"""


# The same for a full disk: the N-th file opened by write_atomic fails to write with ENOSPC.
FULL_DISK_DRIVER = """
import errno, os, sys
real = os.fdopen
count = 0
class Full:
    def __init__(self, handle): self.handle = handle
    def __enter__(self): return self
    def __exit__(self, *exc): self.handle.close()
    def write(self, text): raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
def full_fdopen(fd, *args, **kwargs):
    global count
    count += 1
    handle = real(fd, *args, **kwargs)
    return Full(handle) if count == int(os.environ["AVR_TEST_FULL_AT"]) else handle
os.fdopen = full_fdopen
from avr.cli import main
sys.argv = ["avr", *sys.argv[1:]]
main()
"""


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def reports_of(folder: Path) -> dict[str, bytes]:
    """The published files: not the marker, the lock, temporaries or the build cache."""
    return {k: v for k, v in files_of(folder).items()
            if not k.startswith((".avr-output", ".avr-cache/")) and not k.endswith(".tmp")}


def leftovers(folder: Path) -> list[Path]:
    """Temporary files and staged reports a build left behind."""
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith("staging-")]


def retitle(repo: Path, title: str) -> None:
    plan = repo / "plans/kommun-amn/handlingsplan/plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text("\n".join(f"title: {title}" if line.startswith("title:") else line
                              for line in text.splitlines()) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ whose folder it is


def test_refuses_the_repository_root(mini_copy: Path) -> None:
    before = files_of(mini_copy)
    proc = run_avr("build", "--repo", mini_copy, "--out", ".", "--clean", cwd=mini_copy)
    assert proc.returncode == 2 and "not written by avr" in proc.stderr and "Traceback" not in proc.stderr
    assert files_of(mini_copy) == before


def test_refuses_the_home_folder(mini_copy: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "index.html").write_text("min egen sida\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(home)}
    for out in ("~", str(home)):
        proc = subprocess.run([sys.executable, "-m", "avr", "build", "--repo", str(mini_copy), "--out", out, "--clean"],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert "not written by avr" in proc.stderr
    assert files_of(home) == {"index.html": b"min egen sida\n"}
    assert not (tmp_path / "~").exists()


def test_refuses_a_folder_with_other_files_even_without_clean(mini_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("skrivet av en person\n", encoding="utf-8")
    proc = run_avr("build", "--repo", mini_copy, "--out", site)
    assert proc.returncode == 2
    assert files_of(site) == {"index.html": b"skrivet av en person\n"}


def test_output_dir_in_avr_yaml_cannot_leave_the_repository(mini_copy: Path, tmp_path: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "output_dir: ../utanfor\n", encoding="utf-8")
    proc = run_avr("build", "--repo", mini_copy)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "avr.yaml:5:13: E010 output_dir `../utanfor` leads outside the repository" in proc.stderr
    assert not (tmp_path / "utanfor").exists()


def test_configured_folders_cannot_leave_the_repository(mini_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "ute").mkdir()
    (mini_copy / "lank").symlink_to(tmp_path / "ute", target_is_directory=True)
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "plans_dir: /etc\ntemplates_dir: lank\noutput_dir: .\n", encoding="utf-8")
    proc = run_avr("check", "--repo", mini_copy)
    assert proc.returncode == 1
    assert "avr.yaml:5:12: E010 plans_dir `/etc` leads outside" in proc.stderr
    assert "avr.yaml:6:16: E010 templates_dir `lank` leads outside" in proc.stderr
    assert "avr.yaml:7:13: E010 output_dir `.` would hold the plans" in proc.stderr


# ------------------------------------------------------------------ --clean


def test_clean_deletes_only_what_avr_wrote(example_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_avr("build", "--repo", example_copy, "--out", site).returncode == 0
    (site / "anteckningar.txt").write_text("en persons fil\n", encoding="utf-8")
    (site / "uppsala-amn/egen.md").write_text("också en persons fil\n", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("utanför\n", encoding="utf-8")
    marker = site / ".avr-output"
    marker.write_text(marker.read_text(encoding="utf-8") + "../outside.txt\n/etc/hostname\n", encoding="utf-8")
    (example_copy / "plans/uppsala-amn/26-punktsplan/reports/december-2020.yaml").unlink()

    proc = run_avr("build", "--repo", example_copy, "--out", site, "--clean")
    assert proc.returncode == 0, proc.stderr
    assert not (site / "uppsala-amn/26-punktsplan/december-2020.html").exists()  # the report no longer built
    assert not (site / "uppsala-amn/26-punktsplan/december-2020.md").exists()
    assert (site / "uppsala-amn/26-punktsplan/26-punktsplan.html").is_file()
    assert (site / "anteckningar.txt").read_text(encoding="utf-8") == "en persons fil\n"
    assert (site / "uppsala-amn/egen.md").is_file()
    assert outside.read_text(encoding="utf-8") == "utanför\n"
    listed = marker.read_text(encoding="utf-8")
    assert "december-2020" not in listed and "../outside.txt" not in listed and "anteckningar" not in listed


def test_without_clean_old_reports_stay_and_stay_listed(example_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_avr("build", "--repo", example_copy, "--out", site).returncode == 0
    (example_copy / "plans/uppsala-amn/26-punktsplan/reports/december-2020.yaml").unlink()
    assert run_avr("build", "--repo", example_copy, "--out", site).returncode == 0
    assert (site / "uppsala-amn/26-punktsplan/december-2020.html").is_file()
    assert "uppsala-amn/26-punktsplan/december-2020.html" in (site / ".avr-output").read_text(encoding="utf-8")


def test_clean_leaves_a_symlink_it_did_not_make(mini_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_avr("build", "--repo", mini_copy, "--out", site).returncode == 0
    precious = tmp_path / "precious.md"
    precious.write_text("viktig\n", encoding="utf-8")
    (site / f"{REPORT}.md").unlink()
    (site / f"{REPORT}.md").symlink_to(precious)
    marker = site / ".avr-output"
    marker.write_text(marker.read_text(encoding="utf-8") + "kommun-amn/handlingsplan/gammal.md\n", encoding="utf-8")
    (site / "kommun-amn/handlingsplan/gammal.md").symlink_to(precious)
    assert run_avr("build", "--repo", mini_copy, "--out", site, "--clean").returncode == 0
    assert precious.read_text(encoding="utf-8") == "viktig\n"
    assert (site / "kommun-amn/handlingsplan/gammal.md").is_symlink()


# ------------------------------------------------------------------ concurrency and interruption


def test_a_second_build_waits_for_the_lock(mini_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_avr("build", "--repo", mini_copy, "--out", site).returncode == 0
    retitle(mini_copy, "Ny titel")
    before = files_of(site)
    with (site / ".avr-output.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen([sys.executable, "-m", "avr", "build", "--repo", str(mini_copy), "--out", str(site)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        first = proc.stderr.readline()  # printed once the build reaches the lock and finds it taken
        assert "waiting for another avr build" in first, first
        time.sleep(0.5)
        assert proc.poll() is None, "the build did not wait for the lock"
        assert files_of(site) == before
        fcntl.flock(lock, fcntl.LOCK_UN)
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert "Ny titel" in (site / f"{REPORT}.md").read_text(encoding="utf-8")


def test_two_builds_at_once_give_complete_reports(example_copy: Path, tmp_path: Path) -> None:
    reference, site = tmp_path / "reference", tmp_path / "site"
    assert run_avr("build", "--repo", example_copy, "--out", reference).returncode == 0
    cmd = [sys.executable, "-m", "avr", "build", "--repo", str(example_copy), "--out", str(site)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for proc in procs:
        proc.communicate(timeout=300)
        assert proc.returncode == 0
    assert reports_of(site) == reports_of(reference)
    assert not leftovers(site)


def _paused_build(repo: Path, site: Path, pause_at: int) -> subprocess.Popen[str]:
    env = {**os.environ, "AVR_TEST_PAUSE_AT": str(pause_at)}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, "build", "--repo", str(repo), "--out", str(site)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("PAUSED"), (line, proc.stderr.read() if proc.stderr else "")
    return proc


def test_killed_build_leaves_every_report_complete(mini_copy: Path, tmp_path: Path) -> None:
    site, old_ref, new_ref = tmp_path / "site", tmp_path / "old", tmp_path / "new"
    assert run_avr("build", "--repo", mini_copy, "--out", site).returncode == 0
    assert run_avr("build", "--repo", mini_copy, "--out", old_ref).returncode == 0
    retitle(mini_copy, "Ny titel efter ändring")
    assert run_avr("build", "--repo", mini_copy, "--out", new_ref).returncode == 0
    old, new = reports_of(old_ref), reports_of(new_ref)
    assert old.keys() == new.keys() and all(old[k] != new[k] for k in old if k.endswith(".md"))

    # reports are rendered into a staging folder, then moved into place: 4 moved, the 5th not yet
    proc = _paused_build(mini_copy, site, pause_at=5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after = reports_of(site)
    assert after.keys() == old.keys()
    assert all(after[k] in (old[k], new[k]) for k in after), "a report is neither the old nor the new one"
    assert sum(after[k] == new[k] != old[k] for k in after) >= 2  # the build really was halfway
    assert sum(after[k] == old[k] != new[k] for k in after) >= 2
    assert leftovers(site), "the killed build's staged reports are expected to be left"

    assert run_avr("build", "--repo", mini_copy, "--out", site).returncode == 0  # the next build tidies up
    assert reports_of(site) == new and not leftovers(site)


def test_interrupted_build_exits_130_and_removes_its_temporary_file(mini_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_avr("build", "--repo", mini_copy, "--out", site).returncode == 0
    before = reports_of(site)
    retitle(mini_copy, "Avbruten")
    proc = _paused_build(mini_copy, site, pause_at=1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert reports_of(site) == before
    assert not leftovers(site)


def test_full_disk_leaves_the_previous_reports(mini_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_avr("build", "--repo", mini_copy, "--out", site).returncode == 0
    before = reports_of(site)
    retitle(mini_copy, "Disken tog slut")
    assert run_avr("build", "--repo", mini_copy, "--out", tmp_path / "new").returncode == 0
    new = reports_of(tmp_path / "new")
    env = {**os.environ, "AVR_TEST_FULL_AT": "3"}
    proc = subprocess.run([sys.executable, "-c", FULL_DISK_DRIVER, "build", "--repo", str(mini_copy), "--out", str(site)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "No space left on device" in proc.stderr and "Traceback" not in proc.stderr
    # the disk filled up while reports were rendered into the staging folder: none was published,
    # every report is still the previous one
    assert new != before and reports_of(site) == before
    assert not leftovers(site)


def test_refuses_a_file_as_output_folder(mini_copy: Path) -> None:
    before = (mini_copy / "avr.yaml").read_bytes()
    proc = run_avr("build", "--repo", mini_copy, "--out", mini_copy / "avr.yaml")
    assert proc.returncode == 2 and "is a file" in proc.stderr and "Traceback" not in proc.stderr
    assert (mini_copy / "avr.yaml").read_bytes() == before
