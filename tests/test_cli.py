"""End-to-end: the real CLI on the example repository and on broken copies of it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_avr

SENTENCE_001 = ("Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan, "
                "en avviker från plan och en är stoppad.")


def test_example_repository_is_valid() -> None:
    proc = run_avr("check", "--repo", ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "0 error" in proc.stderr or "OK" in proc.stderr


def test_build_example_repository(tmp_path: Path) -> None:
    proc = run_avr("build", "--repo", ROOT, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    uppsala = tmp_path / "uppsala-amn/26-punktsplan/december-2020"
    for ext in ("md", "html", "json"):
        assert (uppsala.with_suffix(f".{ext}")).is_file()
    assert SENTENCE_001 in uppsala.with_suffix(".md").read_text(encoding="utf-8")
    assert SENTENCE_001 in uppsala.with_suffix(".html").read_text(encoding="utf-8")
    data = json.loads(uppsala.with_suffix(".json").read_text(encoding="utf-8"))
    assert {k: data["activity_counts"][k] for k in ("done", "on_track", "off_track", "stopped")} == \
        {"done": 13, "on_track": 11, "off_track": 1, "stopped": 1}
    assert (tmp_path / "index.html").is_file()
    assert (tmp_path / "linkoping-amn/internbudget-2019/internbudget-2019.html").is_file()


def test_seed_000_verdicts_in_report(tmp_path: Path) -> None:
    assert run_avr("build", "--repo", ROOT, "--out", tmp_path).returncode == 0
    md = (tmp_path / "norrkoping-avn/uppdragsplan-2013/halvar-2013.md").read_text(encoding="utf-8")
    summary = md.split("## Måluppfyllelse", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in summary.splitlines() if line.startswith("| Mål ")}
    assert "33,9\u00a0% (353 av 1\u00a0040)" in rows["Mål 2/ Fokusområde 2 – Barnfamiljer"]
    assert rows["Mål 2/ Fokusområde 2 – Barnfamiljer"].endswith("● uppfyllt |")
    assert "32,3\u00a0% (336 av 1\u00a0040)" in rows["Mål 3 – Ungdomshushåll"]
    assert rows["Mål 3 – Ungdomshushåll"].endswith("○ inte uppfyllt |")
    assert rows["Mål 4 – 90 procent godkänt"].endswith("? kan inte bedömas |")
    assert rows["Mål 1/ Fokusområde 1 – Utbildning"].endswith("◐ delvis uppfyllt |")
    assert "### Precisering 2:1" in md and "121" not in summary
    assert "33,6\u00a0% (295 av 878)" in md  # the comparison value, same period last year
    assert "Motivering: Samtliga aktiviteter förväntas bidra till måluppfyllelse" in md


def test_status_json_public_shape() -> None:
    proc = run_avr("status", "--repo", ROOT, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    plans = {p["id"]: p for p in data["plans"]}
    uppsala = plans["26-punktsplan"]
    assert uppsala["activity_counts"] == {"not_started": 0, "on_track": 11, "off_track": 1, "done": 13,
                                          "stopped": 1, "unreported": 0}
    norrkoping = plans["uppdragsplan-2013"]
    assert norrkoping["period"] == "2013-H1"
    goals = {g["id"]: g for g in norrkoping["goals"]}
    assert goals["2"]["verdict"] == "met" and goals["3"]["verdict"] == "not_met"
    assert goals["4"]["verdict"] == "not_assessed" and goals["1"]["verdict"] == "partially_met"
    assert "2:1" in goals
    indicator = goals["2"]["indicators"][0]
    assert set(indicator) == {"id", "title", "value", "target", "result"}
    assert round(indicator["value"], 1) == 33.9 and indicator["result"] == "met"
    for plan in data["plans"]:
        assert set(plan) >= {"id", "title", "goals", "activity_counts"}
        for goal in plan["goals"]:
            assert goal["verdict"] in {"met", "partially_met", "not_met", "not_assessed"}


def test_status_terminal_and_unknown_period() -> None:
    proc = run_avr("status", "--repo", ROOT)
    assert proc.returncode == 0 and "26-punktsplan" in proc.stdout
    # counts in Uppsala's own words, goals with their titles
    assert "Färdig: 13" in proc.stdout and "Påbörjad: 11" in proc.stdout and "Stoppad: 1" in proc.stdout
    assert "Barnfamiljer" in proc.stdout and "2:1" in proc.stdout
    bad = run_avr("status", "--repo", ROOT, "--period", "1999")
    assert bad.returncode == 2 and "unknown period `1999`" in bad.stderr and "Traceback" not in bad.stderr


def test_five_errors_reported_in_one_run(example_copy: Path) -> None:
    plan = example_copy / "plans/norrkoping-avn/uppdragsplan-2013"
    # 1. a duplicate key
    goal4 = plan / "goals/4.yaml"
    goal4.write_text(goal4.read_text(encoding="utf-8") + "kind: goal\n", encoding="utf-8")
    # 2. a misspelled field
    goal3 = plan / "goals/3.yaml"
    goal3.write_text(goal3.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    # 3. a tab-indented line
    act = plan / "activities/m1-vux-hojd-utbildningsniva.yaml"
    act.write_text(act.read_text(encoding="utf-8") + "when:\n\tLöpande\n", encoding="utf-8")
    # 4. a non-UTF-8 file
    fu = plan / "followups/2013-H1/goal-4.yaml"
    fu.write_bytes("period: 2013-H1\ngoal: \"4\"\ntext: Uppgifterna tas fram i september.\n".encode("latin-1")
                   .replace(b"text: ", b"text: \xe5 "))
    # 5. a reference to an unknown goal
    act2 = plan / "activities/m2-ame-gruppvagledning.yaml"
    act2.write_text(re.sub(r"(?m)^goals:.*(\n  - .*)*", "goals:\n  - \"22\"", act2.read_text(encoding="utf-8")),
                    encoding="utf-8")
    proc = run_avr("check", "--repo", example_copy)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    base = "plans/norrkoping-avn/uppdragsplan-2013/"

    def find(code: str, path: str) -> str:
        hits = [line for line in lines if line.startswith(base + path) and f" {code} " in line]
        assert hits, f"{code} for {path} missing in:\n{proc.stderr}"
        assert re.match(r"^[^:]+:\d+:\d+: ", hits[0]), hits[0]
        return hits[0]

    assert "duplicate key `kind`" in find("E003", "goals/4.yaml")
    assert "did you mean `title`?" in find("E101", "goals/3.yaml")
    assert "tab" in find("E005", "activities/m1-vux-hojd-utbildningsniva.yaml")
    assert "UTF-8" in find("E001", "followups/2013-H1/goal-4.yaml")
    assert "unknown goal `22`" in find("E202", "activities/m2-ame-gruppvagledning.yaml")
    assert lines[-1].startswith("5 errors")
    # build refuses the same input and writes nothing
    out = example_copy / "out"
    assert run_avr("build", "--repo", example_copy, "--out", out).returncode == 1
    assert not out.exists()


def test_unquoted_colon_id_is_a_string(example_copy: Path) -> None:
    goal = example_copy / "plans/norrkoping-avn/uppdragsplan-2013/goals/2-1.yaml"
    assert "id: 2:1\n" in goal.read_text(encoding="utf-8")  # unquoted, as an editor writes it
    proc = run_avr("status", "--repo", example_copy, "--json")
    ids = [g["id"] for p in json.loads(proc.stdout)["plans"] for g in p["goals"]]
    assert "2:1" in ids and "121" not in ids


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    proc = run_avr("check", "--repo", tmp_path)
    assert proc.returncode == 2 and "avr.yaml" in proc.stderr
    assert run_avr("build", "--no-such-option").returncode == 2


def test_check_runs_from_a_subfolder() -> None:
    proc = run_avr("check", cwd=ROOT / "plans" / "uppsala-amn")
    assert proc.returncode == 0, proc.stderr


def test_help_shows_flags_as_flags() -> None:
    # A flag takes no value: --help must not label it `<bool>` (typer's default), for any command.
    for args in (["--help"], ["build", "--help"], ["status", "--help"], ["import", "outcomes", "--help"]):
        done = subprocess.run([sys.executable, "-m", "avr", *args], capture_output=True, text=True,
                              env={**os.environ, "COLUMNS": "120"}, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "<bool>" not in done.stdout
    done = subprocess.run([sys.executable, "-m", "avr", "build", "--help"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "120"}, timeout=120)
    assert re.search(r"--strict\s+Warnings fail", done.stdout) and "--clean" in done.stdout
