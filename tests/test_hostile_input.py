"""Hostile and broken input through the real CLI: a clear `path:line:col: CODE`, exit 1, no traceback,
and nothing written to the output folder.

Every case starts from the small fixture repository and breaks one file the way a careless or
malicious pull request could.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from conftest import run_avr

PLAN = "plans/kommun-amn/handlingsplan"
ACTIVITY = f"{PLAN}/activities/1.yaml"
FOLLOWUP = f"{PLAN}/followups/2022/1.yaml"
GOAL = f"{PLAN}/goals/1-1.yaml"


def build(repo: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    site = repo.parent / "site"
    return run_avr("build", "--repo", repo, "--out", site), site


def refused(
    repo: Path, path: str, code: str, line: int | None = None, col: int | None = None, *, contains: str = ""
) -> str:
    """Build ``repo``, expect exit 1 with ``path[:line:col]: CODE`` and an untouched output folder."""
    proc, site = build(repo)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    assert not site.exists() or not any(site.iterdir()), "output written despite errors"
    if line is None:  # a problem with the whole file: `path: CODE`
        pattern = rf"^{re.escape(path)}(?::(\d+):(\d+))?: {code} (.*)$"
    else:
        pattern = rf"^{re.escape(path)}:(\d+):(\d+): {code} (.*)$"
    match = re.search(pattern, proc.stderr, re.M)
    assert match, f"{path} {code} missing in:\n{proc.stderr}"
    if line is not None:
        assert (int(match[1]), int(match[2])) == (line, col), match[0]
    assert contains in match[3], match[0]
    return match[3]


def put(repo: Path, rel: str, data: str | bytes) -> Path:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")
    return path


# ------------------------------------------------------------------ the file itself


def test_billion_laughs(mini_copy: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    put(mini_copy, ACTIVITY, "\n".join(lines) + "\n")
    refused(mini_copy, ACTIVITY, "E004", 1, 4, contains="&a")


def test_ten_thousand_levels_of_nesting(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, "title: " + "[" * 10_000 + "]" * 10_000 + "\n")
    refused(mini_copy, ACTIVITY, "E009", contains="max_depth")


def test_ten_thousand_levels_of_block_nesting(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, "title:\n  " + "- " * 10_000 + "x\n")  # compact nested block lists
    refused(mini_copy, ACTIVITY, "E009", contains="max_depth")


def test_nesting_over_max_depth_names_the_setting(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, "title: " + "[" * 60 + "]" * 60 + "\n")
    message = refused(mini_copy, ACTIVITY, "E009", 1, 58, contains="max_depth")
    assert "limits.max_depth" in message


def test_hundred_megabyte_file_is_refused_by_size(mini_copy: Path) -> None:
    path = mini_copy / ACTIVITY
    with path.open("r+b") as handle:  # sparse: no 100 MB written to disk
        handle.truncate(100 * 1024 * 1024)
    message = refused(mini_copy, ACTIVITY, "E001", contains="max_file_bytes")
    assert "limits.max_file_bytes" in message and str(100 * 1024 * 1024) in message


def test_max_file_bytes_is_configurable(mini_copy: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "limits:\n  max_file_bytes: 1024\n", encoding="utf-8")
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: Åtagande\nhow: ' + "x" * 2000 + "\n")
    refused(mini_copy, ACTIVITY, "E001", contains="max_file_bytes = 1024")


def test_only_control_characters(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, bytes(range(1, 9)) + b"\x0b\x0c" + bytes(range(14, 32)) + b"\x7f")
    refused(mini_copy, ACTIVITY, "E001", 1, 1, contains="control character")


def test_control_character_inside_a_value(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: Åt\x07agande\n')
    refused(mini_copy, ACTIVITY, "E001", 4, 10, contains="control character")


def test_nul_bytes(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, b'id: "1"\ngoals: ["1"]\x00\x00\nunit: vux\n')
    refused(mini_copy, ACTIVITY, "E001", 2, 13, contains="NUL")


def test_latin1_file(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: Åtagande\n'.encode("latin-1"))
    refused(mini_copy, ACTIVITY, "E001", 4, 8, contains="UTF-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file(mini_copy: Path, encoding: str) -> None:
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: Åtagande\n'.encode(encoding))
    refused(mini_copy, ACTIVITY, "E001", 1, 1, contains="UTF-16")


def test_crlf_line_endings_are_accepted(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, 'id: "1"\r\ngoals: ["1"]\r\nunit: vux\r\ntitle: Åtagande med CRLF\r\n')
    proc, site = build(mini_copy)
    assert proc.returncode == 0, proc.stderr
    assert "Åtagande med CRLF" in (site / "kommun-amn/handlingsplan/uppfoljning-2022.md").read_text(encoding="utf-8")


def test_crlf_positions_are_right(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, 'id: "1"\r\ngoals: ["1"]\r\nunit: vux\r\ntitel: X\r\n')
    refused(mini_copy, ACTIVITY, "E101", 4, 1, contains="did you mean `title`?")


def test_a_directory_named_like_a_yaml_file(mini_copy: Path) -> None:
    (mini_copy / PLAN / "activities/x.yaml").mkdir()
    refused(mini_copy, f"{PLAN}/activities/x.yaml", "E001", contains="not a regular file")


def test_broken_symlink(mini_copy: Path) -> None:
    (mini_copy / PLAN / "activities/x.yaml").symlink_to(mini_copy / "nowhere.yaml")
    refused(mini_copy, f"{PLAN}/activities/x.yaml", "E001", contains="broken")


def test_empty_file(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, "")
    refused(mini_copy, ACTIVITY, "E007", 1, 1, contains="empty")


def test_several_documents(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: A\n---\nid: "9"\n')
    refused(mini_copy, ACTIVITY, "E006", 6, 1)  # where the second document's content starts


def test_top_level_list(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, '- id: "1"\n- unit: vux\n')
    refused(mini_copy, ACTIVITY, "E007", 1, 1, contains="a list")


# ------------------------------------------------------------------ values


def test_a_number_where_text_is_expected_is_text_as_written(mini_copy: Path) -> None:
    # every value is read as written: a title of digits is text, leading zeros and all
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: 0012\n')
    proc, site = build(mini_copy)
    assert proc.returncode == 0, proc.stderr
    assert "0012" in (site / "kommun-amn/handlingsplan/uppfoljning-2022.md").read_text(encoding="utf-8")


def test_a_number_where_a_list_of_ids_is_expected(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: 1\nunit: vux\ntitle: A\n')
    refused(mini_copy, ACTIVITY, "E103", 2, 8, contains="goals")


def test_a_mapping_where_text_is_expected(mini_copy: Path) -> None:
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: {sv: A}\n')
    refused(mini_copy, ACTIVITY, "E103", 4, 8, contains="title")


def test_text_where_a_number_is_expected(mini_copy: Path) -> None:
    put(mini_copy, FOLLOWUP, 'period: "2022"\nactivity: "1"\nstatus: Klart\ncompletion: hälften\n')
    refused(mini_copy, FOLLOWUP, "E103", 4, 13, contains="completion")


def test_text_where_a_year_is_expected(mini_copy: Path) -> None:
    put(mini_copy, f"{PLAN}/plan.yaml", "id: handlingsplan\nkind: action_plan\ntitle: H\nfirst_year: tjugo\n")
    refused(mini_copy, f"{PLAN}/plan.yaml", "E103", 4, 13, contains="year")


def test_a_date_that_does_not_exist(mini_copy: Path) -> None:
    put(mini_copy, FOLLOWUP, 'period: "2022"\nactivity: "1"\nstatus: Klart\ndate: 2022-02-30\n')
    refused(mini_copy, FOLLOWUP, "E103", 4, 7, contains="2022-02-30")


def test_completion_out_of_range(mini_copy: Path) -> None:
    put(mini_copy, FOLLOWUP, 'period: "2022"\nactivity: "1"\nstatus: Klart\ncompletion: 140\n')
    refused(mini_copy, FOLLOWUP, "E103", 4, 13, contains="100")


def test_negative_completion(mini_copy: Path) -> None:
    put(mini_copy, FOLLOWUP, 'period: "2022"\nactivity: "1"\nstatus: Klart\ncompletion: -5\n')
    refused(mini_copy, FOLLOWUP, "E103", 4, 13, contains="completion")


def test_percentage_outcome_out_of_range(mini_copy: Path) -> None:
    put(mini_copy, f"{PLAN}/followups/2022/goal-1-1.yaml", 'period: "2022"\ngoal: 1:1\noutcomes:\n  barnfamiljer: 140\n')
    refused(mini_copy, f"{PLAN}/followups/2022/goal-1-1.yaml", "E103", 4, 17, contains="0–100")


def test_percentage_target_out_of_range(mini_copy: Path) -> None:
    text = (mini_copy / GOAL).read_text(encoding="utf-8").replace('"2022": ska öka', '"2022": ≥ 140')
    put(mini_copy, GOAL, text)
    refused(mini_copy, GOAL, "E103", contains="0–100")


def test_numerator_larger_than_denominator(mini_copy: Path) -> None:
    put(mini_copy, f"{PLAN}/followups/2022/goal-1-1.yaml", 'period: "2022"\ngoal: 1:1\noutcomes:\n  barnfamiljer: 1040/353\n')
    refused(mini_copy, f"{PLAN}/followups/2022/goal-1-1.yaml", "E103", 4, 17, contains="larger than denominator")


def test_numerator_larger_than_denominator_in_history(mini_copy: Path) -> None:
    put(mini_copy, GOAL, (mini_copy / GOAL).read_text(encoding="utf-8").replace("295/878", "878/295"))
    refused(mini_copy, GOAL, "E103", contains="larger than denominator")


def test_negative_count(mini_copy: Path) -> None:
    put(mini_copy, f"{PLAN}/followups/2022/goal-1.yaml", 'period: "2022"\ngoal: "1"\noutcomes:\n  hushall: −20\n')
    refused(mini_copy, f"{PLAN}/followups/2022/goal-1.yaml", "E103", 4, 12, contains="negative")


def test_negative_count_in_history(mini_copy: Path) -> None:
    put(mini_copy, f"{PLAN}/goals/1.yaml", (mini_copy / PLAN / "goals/1.yaml").read_text(encoding="utf-8")
        .replace('"2021": 3130', '"2021": -3130'))
    refused(mini_copy, f"{PLAN}/goals/1.yaml", "E103", contains="negative")


# ------------------------------------------------------------------ repository-wide limits


def test_max_files_limit_names_its_setting(mini_copy: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "limits:\n  max_files: 10\n", encoding="utf-8")
    for i in range(20):
        put(mini_copy, f"{PLAN}/activities/extra-{i:02}.yaml", f'id: x{i}\ngoals: ["1"]\nunit: vux\ntitle: X\n')
    message = refused(mini_copy, "avr.yaml", "E011", contains="max_files")
    assert "limits.max_files" in message


def test_symlink_pointing_outside_the_repository(mini_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text('id: "9"\ngoals: ["1"]\nunit: vux\ntitle: Hemlig\n', encoding="utf-8")
    (mini_copy / PLAN / "activities/9.yaml").symlink_to(outside)
    refused(mini_copy, f"{PLAN}/activities/9.yaml", "E010", contains="outside the repository")


def test_symlinked_plan_folder_outside_the_repository(mini_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (mini_copy / PLAN).rename(outside)
    (mini_copy / PLAN).symlink_to(outside, target_is_directory=True)
    refused(mini_copy, f"{PLAN}/plan.yaml", "E010", contains="outside the repository")


def test_symlink_inside_the_repository_is_fine(mini_copy: Path) -> None:
    target = mini_copy / "delad" / "3.yaml"
    target.parent.mkdir()
    (mini_copy / PLAN / "activities/3.yaml").rename(target)
    (mini_copy / PLAN / "activities/3.yaml").symlink_to(os.path.relpath(target, mini_copy / PLAN / "activities"))
    proc, _ = build(mini_copy)
    assert proc.returncode == 0, proc.stderr


def test_max_depth_is_configurable_up_to_200(mini_copy: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "limits:\n  max_depth: 200\n", encoding="utf-8")
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: A\nhow: ' + "[" * 199 + "]" * 199 + "\n")
    refused(mini_copy, ACTIVITY, "E103", 5, 6, contains="how")  # read fine at depth 200; a list is not text
    config.write_text(config.read_text(encoding="utf-8").replace("max_depth: 200", "max_depth: 201"), encoding="utf-8")
    refused(mini_copy, "avr.yaml", "E103", 6, 14, contains="200")


def test_a_folder_link_loop_does_not_hang_or_read_twice(mini_copy: Path) -> None:
    (mini_copy / PLAN / "followups/loop").symlink_to("..", target_is_directory=True)
    (mini_copy / "plans/kommun-amn/loop").symlink_to("../..", target_is_directory=True)
    proc = run_avr("check", "--repo", mini_copy)
    assert proc.returncode == 0, proc.stderr


def test_status_prints_rich_markup_from_yaml_as_text(mini_copy: Path) -> None:
    plan = mini_copy / PLAN / "plan.yaml"
    title = "[/] [bold red]röd[/bold red] [link=https://evil.example]x[/link]"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "title: Handlingsplan för egen försörjning", f"title: '{title}'"), encoding="utf-8")
    proc = run_avr("status", "--repo", mini_copy)
    assert proc.returncode == 0, proc.stderr
    assert re.sub(r"\s+", "", title) in re.sub(r"\s+", "", proc.stdout)  # the table wraps the title


def test_a_file_of_millions_of_values_is_refused_while_parsing(mini_copy: Path) -> None:
    # just under max_file_bytes: composing it whole would take a gigabyte and many seconds
    put(mini_copy, ACTIVITY, 'id: "1"\ngoals: ["1"]\nunit: vux\nhow: [' + "1," * 2_500_000 + "1]\n")
    start = time.perf_counter()
    message = refused(mini_copy, ACTIVITY, "E009", contains="limits.max_nodes = 200000")
    assert time.perf_counter() - start < 20, "the file was composed whole"
    assert message
