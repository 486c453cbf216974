"""Hostile values through the real CLI, each run under a memory limit and a timeout.

What a user depends on: a value built to be slow, huge, invisible or misleading ends as a diagnostic
naming its file (exit 1) or as safe output (exit 0) — never a traceback, an internal error (exit 70),
a hang, or text on the terminal that the terminal obeys.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT

PLAN = "plans/kommun-amn/handlingsplan"
ACTIVITY = f"{PLAN}/activities/1.yaml"
GOAL = f"{PLAN}/goals/1.yaml"
ORGANISATION = "plans/kommun-amn/organisation.yaml"
MEMORY = 1536 * 1024 * 1024  # address space; Python and pydantic start at about 300 MB of it


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_bounded(
    *args: str | Path, timeout: float = 60, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess with at most MEMORY of address space and ``timeout`` seconds."""
    return subprocess.run(
        [sys.executable, "-m", "avr", *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT,
        timeout=timeout, preexec_fn=_limit_memory, env={**os.environ, **(env or {})},
    )


def refused(proc: subprocess.CompletedProcess[str], path: str, code: str, *, contains: str = "") -> str:
    """Exit 1 with ``path[:line:col]: CODE …`` and no traceback; the message of the first such line
    containing ``contains``."""
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output[-3000:]
    assert "Traceback" not in output and "internal error" not in output, output[-3000:]
    messages = re.findall(rf"^{re.escape(path)}(?::\d+:\d+)?: {code} (.*)$", proc.stderr, re.M)
    found = [message for message in messages if contains in message]
    assert found, f"{path} {code} {contains!r} missing in:\n{proc.stderr[-3000:]}"
    return str(found[0])


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def check_and_build(repo: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], ...]:
    site = repo.parent / "site"
    checked = run_bounded("check", "--repo", repo, timeout=timeout)
    built = run_bounded("build", "--repo", repo, "--out", site, timeout=timeout)
    assert not site.exists() or not any(site.iterdir()), "output written despite errors"
    return checked, built


# ------------------------------------------------------------------ value grammars: linear, bounded


def test_a_200_kb_target_of_spaces_is_refused_in_seconds(mini_copy: Path) -> None:
    # `1`, 200 000 spaces, `x`: the old target pattern backtracked over the spaces quadratically (minutes)
    edit(mini_copy, GOAL, '"2022": 2800', '"2022": "≥ 1' + " " * 200_000 + 'x"')
    start = time.perf_counter()
    for proc in check_and_build(mini_copy, timeout=20):
        message = refused(proc, GOAL, "E103", contains="is not a target")
        assert len(message) < 400, "the diagnostic quotes the whole value"
    assert time.perf_counter() - start < 40


def test_200_kb_numbers_of_every_shape_are_refused_in_seconds(mini_copy: Path) -> None:
    shapes = {
        "history": ("1" + "\u00a0" * 200_000 + "x", "is not a number"),
        "targets": ("minst " + "1 " * 100_000 + "%%", "is not a target"),
    }
    edit(mini_copy, GOAL, '"2021": 3130', f'"2021": "{shapes["history"][0]}"')
    edit(mini_copy, GOAL, '"2022": 2800', f'"2022": "{shapes["targets"][0]}"')
    proc = run_bounded("check", "--repo", mini_copy, timeout=20)
    for _, contains in shapes.values():
        refused(proc, GOAL, "E103", contains=contains)


def test_a_200_kb_ratio_is_refused_in_seconds(mini_copy: Path) -> None:
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": "' + "1" * 100_000 + "/" + "2" * 100_000 + '"')
    proc = run_bounded("check", "--repo", mini_copy, timeout=20)
    refused(proc, GOAL, "E103", contains="more digits than avr reads")


def test_a_number_of_thirty_digits_is_refused_by_check_and_build(mini_copy: Path) -> None:
    # it passed `avr check` and crashed `avr build` with decimal.InvalidOperation (exit 70)
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": 313000000000000000000000000000')
    for proc in check_and_build(mini_copy):
        refused(proc, GOAL, "E103", contains="at most 15 before the decimal sign and 6 after")


def test_the_largest_number_avr_reads_is_built(mini_copy: Path) -> None:
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": "999 999 999 999 999,999999"')
    proc = run_bounded("build", "--repo", mini_copy, "--out", mini_copy.parent / "site")
    assert proc.returncode == 0, proc.stderr


def test_an_economy_total_beyond_28_digits_is_refused_not_rounded(mini_copy: Path) -> None:
    # Decimal sums in 28 digits: 10^27 + 1 - 10^27 came out as 0, so a wrong stated total passed
    table = mini_copy / PLAN / "economy/drift.yaml"
    table.parent.mkdir()
    table.write_text(
        "id: drift\ntitle: Driftredovisning\nkind: operating_budget\nunit: tkr\nsign: costs_positive\n"
        "columns:\n  - id: budget\n    label: Budget\n"
        "lines:\n  - label: A\n    values: {budget: 1000000000000000000000000000}\n"
        "  - label: B\n    values: {budget: 1}\n"
        "total:\n  label: Summa\n  values: {budget: 1000000000000000000000000000}\n",
        encoding="utf-8",
    )
    proc = run_bounded("check", "--repo", mini_copy)
    refused(proc, f"{PLAN}/economy/drift.yaml", "E103", contains="more digits than avr reads")


def test_arabic_indic_and_fullwidth_digits_are_not_numbers(mini_copy: Path) -> None:
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": "٣١٣٠"')
    edit(mini_copy, GOAL, '"2022": 2800', '"2022": "≥ ２８００"')
    proc = run_bounded("check", "--repo", mini_copy)
    refused(proc, GOAL, "E103", contains="`٣١٣٠` is not a number")
    refused(proc, GOAL, "E103", contains="`≥ ２８００` is not a target")


# ------------------------------------------------------------------ control characters, terminals, CI logs


def _no_escapes(proc: subprocess.CompletedProcess[str]) -> None:
    """Nothing printed that a terminal obeys or that GitHub Actions reads as a command of its own."""
    output = proc.stdout + proc.stderr
    assert "\x1b" not in output and "\x07" not in output and "\r" not in output, repr(output[-2000:])
    assert not re.search(r"^::(error|warning) file=avr\.yaml", output, re.M), output[-2000:]


def test_escaped_control_characters_in_values_are_refused(mini_copy: Path) -> None:
    # the file is plain text; libyaml turns the escapes into NUL, ESC and a non-character
    (mini_copy / ACTIVITY).write_text(
        'id: "1"\ngoals: ["1"]\nunit: vux\ntitle: "Åt\\0agande"\nhow: "\\e]52;c;aGk=\\a \\e[2J"\n'
        'result: "\\uFFFE"\n', encoding="utf-8")
    for proc in check_and_build(mini_copy):
        refused(proc, f"{ACTIVITY}:4:8", "E012", contains="U+0000")
        refused(proc, f"{ACTIVITY}:5:6", "E012", contains="U+001B")
        refused(proc, f"{ACTIVITY}:6:9", "E012", contains="U+FFFE")
        _no_escapes(proc)
    proc = run_bounded("build", "--repo", mini_copy, "--out", mini_copy.parent / "word", "--format", "docx")
    refused(proc, ACTIVITY, "E012")  # Word output crashed on these (exit 70)


def test_escapes_in_keys_and_status_labels_are_refused(mini_copy: Path) -> None:
    edit(mini_copy, ACTIVITY, "title:", '"tit\\x85le":')
    refused(run_bounded("check", "--repo", mini_copy), f"{ACTIVITY}:4:1", "E012", contains="U+0085")
    edit(mini_copy, ORGANISATION, "  - label: Klart\n", '  - label: "Kla\\u202Ert"\n')
    proc = run_bounded("check", "--repo", mini_copy)
    refused(proc, f"{ORGANISATION}:16:12", "E012", contains="U+202E (a bidirectional override")


def test_bidi_overrides_written_as_such_are_refused(mini_copy: Path) -> None:
    edit(mini_copy, ACTIVITY, "title: Åtagande", "title: Åt\u2066agande")
    proc = run_bounded("check", "--repo", mini_copy)
    refused(proc, f"{ACTIVITY}:4:10", "E012", contains="U+2066")


def test_tab_and_line_breaks_in_values_stay_allowed(mini_copy: Path) -> None:
    edit(mini_copy, ACTIVITY, "title: Åtagande nummer 1", 'title: "Åtagande\\tnummer 1"\nhow: "Rad ett\\nrad två"')
    proc = run_bounded("build", "--repo", mini_copy, "--out", mini_copy.parent / "site")
    assert proc.returncode == 0, proc.stderr


def test_file_names_and_values_cannot_forge_ci_annotations_or_terminal_escapes(mini_copy: Path) -> None:
    name = "x\n::error file=avr.yaml,line=1::forged \x1b]52;c;aGk=\x07.yaml"
    (mini_copy / PLAN / "activities" / name).write_text("id: [\n", encoding="utf-8")
    # a value quoted in a diagnostic, with a line break that YAML keeps
    edit(mini_copy, ACTIVITY, "unit: vux", 'unit: "vux\\n::error file=avr.yaml::forged"')
    for fmt in ("text", "github", "json"):
        proc = run_bounded("check", "--repo", mini_copy, "--format", fmt)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        _no_escapes(proc)
    proc = run_bounded("check", "--repo", mini_copy)
    assert "\\x0a::error file=avr.yaml,line=1::forged \\x1b]52;c;aGk=\\x07.yaml" in proc.stderr  # shown, not obeyed


# ------------------------------------------------------------------ symbolic links


def test_two_links_pointing_at_each_other_are_refused(mini_copy: Path) -> None:
    folder = mini_copy / PLAN / "activities"
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    for proc in check_and_build(mini_copy):  # exit 70 (RuntimeError) before
        refused(proc, f"{PLAN}/activities/a.yaml", "E001", contains="symbolic link loop")
        refused(proc, f"{PLAN}/activities/b.yaml", "E001", contains="symbolic link loop")


def test_configured_folders_that_are_link_loops_are_refused(mini_copy: Path) -> None:
    (mini_copy / "l1").symlink_to("l2")
    (mini_copy / "l2").symlink_to("l1")
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "plans_dir: l1\ntemplates_dir: l2\n", encoding="utf-8")
    proc = run_bounded("check", "--repo", mini_copy)
    refused(proc, "avr.yaml", "E010", contains="plans_dir `l1` is a loop of symbolic links")
    refused(proc, "avr.yaml", "E010", contains="templates_dir `l2` is a loop of symbolic links")


# ------------------------------------------------------------------ spreadsheets


def _data_repo(tmp_path: Path) -> Path:
    import shutil

    from conftest import FIXTURES

    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", target)
    return target


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _import(repo: Path, source: Path) -> subprocess.CompletedProcess[str]:
    before = _files(repo)
    proc = run_bounded("import", "outcomes", source, "--repo", repo, timeout=30)
    assert _files(repo) == before, "import wrote despite errors"
    return proc


def test_a_csv_cell_over_128_kib_is_refused(tmp_path: Path) -> None:
    repo = _data_repo(tmp_path)
    source = tmp_path / "utfall.csv"
    source.write_text("Indikator;Period;Värde;Kommentar\nandel-bistand;2021;4,1;" + "x" * 200_000 + "\n",
                      encoding="utf-8")
    refused(_import(repo, source), str(source), "E814", contains="field larger than field limit")  # exit 70 before


def test_spreadsheet_numbers_follow_the_rule_of_every_number(tmp_path: Path) -> None:
    from openpyxl import Workbook

    repo = _data_repo(tmp_path)
    source = tmp_path / "utfall.csv"
    source.write_text("Indikator;Period;Kön;Värde\nandel-bistand;2021;T;٤,١\nandel-bistand;2021;K;４\n"
                      "andel-bistand;2021;M;3" + "0" * 20 + "\n", encoding="utf-8")
    proc = _import(repo, source)
    refused(proc, f"{source}:2:4", "E811", contains="`٤,١` is not a number")
    refused(proc, f"{source}:3:4", "E811", contains="`４` is not a number")
    refused(proc, f"{source}:4:4", "E811", contains="more digits than avr reads")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Indikator", "Period", "Kön", "Värde"])
    sheet.append(["andel-bistand", "2021", "T", 1e30])
    sheet.append(["andel-bistand", "2021", "K", float("nan")])
    workbook = tmp_path / "utfall.xlsx"
    book.save(workbook)
    proc = _import(repo, workbook)
    refused(proc, f"{workbook}:2:4", "E811", contains="more digits than avr reads")
    refused(proc, f"{workbook}:3:4", "E811", contains="no value")  # a workbook keeps no NaN


def test_spreadsheet_cells_with_control_characters_are_refused(tmp_path: Path) -> None:
    repo = _data_repo(tmp_path)
    source = tmp_path / "utfall.csv"
    source.write_text('Indikator;Period;Värde;Kommentar\nandel-bistand;2021;4,1;"rad\r\nett \x1b[2J\u202e"\n',
                      encoding="utf-8", newline="")
    proc = _import(repo, source)
    refused(proc, f"{source}:2:4", "E811", contains="U+001B")
    _no_escapes(proc)


# ------------------------------------------------------------------ limits a pull request may set


def test_limits_in_avr_yaml_have_hard_caps(mini_copy: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "limits:\n  max_file_bytes: 1000000000000\n"
                      "  max_nodes: 99999999999\n  max_files: 2000001\n", encoding="utf-8")
    proc = run_bounded("build", "--repo", mini_copy, "--out", mini_copy.parent / "site")
    refused(proc, "avr.yaml", "E103", contains="less than or equal to 67108864")
    refused(proc, "avr.yaml", "E103", contains="limits.max_nodes: `99999999999`: Input should be less than or equal to 2000000")
    refused(proc, "avr.yaml", "E103", contains="limits.max_files: `2000001`: Input should be less than or equal to 2000000")


def test_ci_can_pin_the_limits_to_their_defaults(mini_copy: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "limits:\n  max_nodes: 2000000\n  max_depth: 20\n",
                      encoding="utf-8")
    assert run_bounded("check", "--repo", mini_copy).returncode == 0  # within the caps
    proc = run_bounded("check", "--repo", mini_copy, env={"AVR_PIN_LIMITS": "1"})
    message = refused(proc, "avr.yaml", "E103", contains="AVR_PIN_LIMITS")
    assert "2000000 is above the default 200000" in message
    config.write_text(config.read_text(encoding="utf-8").replace("max_nodes: 2000000", "max_nodes: 1000"),
                      encoding="utf-8")
    proc = run_bounded("check", "--repo", mini_copy, env={"AVR_PIN_LIMITS": "1"})  # lowering stays allowed
    assert proc.returncode == 0, proc.stderr


# ------------------------------------------------------------------ lengths of what reaches page headers


PLAN_FILE = f"{PLAN}/plan.yaml"
PLAN_TITLE = "title: Handlingsplan för egen försörjning"


def test_a_480_kb_plan_title_is_refused_before_any_pdf_is_laid_out(mini_copy: Path) -> None:
    edit(mini_copy, PLAN_FILE, PLAN_TITLE, "title: " + "Handlingsplan " * 35_000)
    proc = run_bounded("build", "--repo", mini_copy, "--out", mini_copy.parent / "site", "--format", "pdf",
                       timeout=30)
    refused(proc, f"{PLAN_FILE}:3:8", "E103", contains="at most 200 characters")


def test_a_title_over_255_characters_is_a_diagnostic_not_a_word_crash(mini_copy: Path) -> None:
    edit(mini_copy, PLAN_FILE, PLAN_TITLE, "title: " + "x" * 300)
    edit(mini_copy, ORGANISATION, "board: Arbetsmarknadsnämnden", "board: " + "y" * 300)
    proc = run_bounded("build", "--repo", mini_copy, "--out", mini_copy.parent / "site", "--format", "docx")
    refused(proc, ORGANISATION, "E103", contains="at most 200 characters")


def test_headings_of_the_longest_allowed_length_give_pdf_and_word(mini_copy: Path) -> None:
    edit(mini_copy, PLAN_FILE, PLAN_TITLE, "title: " + ("Handlingsplan " * 15)[:200])
    edit(mini_copy, ORGANISATION, "board: Arbetsmarknadsnämnden", "board: " + ("Nämnden " * 30)[:200])
    out = mini_copy.parent / "site"
    proc = run_bounded("build", "--repo", mini_copy, "--out", out, "--format", "pdf,docx", timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert any(out.rglob("*.pdf")) and any(out.rglob("*.docx"))


# ------------------------------------------------------------------ look-alike status labels


def test_status_labels_that_look_alike_but_mean_different_things_are_refused(mini_copy: Path) -> None:
    # `Påbörjad` composed (å) and decomposed (a + ring): the same on screen, different strings
    edit(mini_copy, ORGANISATION, "  - label: Klart\n    means: done\n",
         "  - label: Klart\n    means: done\n  - label: Påbörjad\n    means: on_track\n"
         "  - label: Pa\u030aböRJAD\n    means: stopped\n")
    proc = run_bounded("check", "--repo", mini_copy)
    message = refused(proc, f"{ORGANISATION}:20:12", "E201", contains="listed twice")
    assert "written with other characters" in message and "one means on_track, the other stopped" in message


def test_a_zero_width_character_in_a_status_label_is_refused(mini_copy: Path) -> None:
    edit(mini_copy, ORGANISATION, "  - label: Klart\n", "  - label: Kla\u200brt\n")
    proc = run_bounded("check", "--repo", mini_copy)
    refused(proc, f"{ORGANISATION}:16:12", "E103", contains="invisible character U+200B")


def test_a_follow_up_status_in_another_normal_form_means_the_same_label(mini_copy: Path) -> None:
    edit(mini_copy, ORGANISATION, "  - label: Klart\n", "  - label: Färdigt\n")
    edit(mini_copy, f"{PLAN}/followups/2022/1.yaml", "status: Klart", "status: Fa\u0308rdigt")  # decomposed ä
    out = mini_copy.parent / "site"
    proc = run_bounded("build", "--repo", mini_copy, "--out", out, "--format", "json")
    assert proc.returncode == 0, proc.stderr


# ------------------------------------------------------------------ deeply nested Markdown


def _nested_list(depth: int) -> str:
    return "".join("  " * level + f"- nivå {level + 1}\n" for level in range(depth))


def _how(text: str) -> str:
    return "how: |\n" + "".join(f"  {line}\n" for line in text.splitlines())


def test_lists_nested_ten_deep_are_refused_not_dropped(mini_copy: Path) -> None:
    edit(mini_copy, ACTIVITY, "title: Åtagande nummer 1", "title: Åtagande nummer 1\n" + _how(_nested_list(10)))
    for proc in check_and_build(mini_copy):
        refused(proc, f"{ACTIVITY}:5:6", "E103", contains="nested more than 8 levels deep")


def test_quotes_nested_twenty_deep_are_refused_not_dropped(mini_copy: Path) -> None:
    edit(mini_copy, ACTIVITY, "title: Åtagande nummer 1", "title: Åtagande nummer 1\nhow: '" + ">" * 20 + " citat'")
    refused(run_bounded("check", "--repo", mini_copy), ACTIVITY, "E103", contains="nested more than 8 levels deep")


def test_lists_nested_as_deep_as_allowed_keep_every_word(mini_copy: Path) -> None:
    text = _nested_list(8) + "\n" + "> " * 8 + "djupaste citatet\n"
    block = "text: |\n" + "".join(f"  {line}\n" for line in text.splitlines())
    edit(mini_copy, f"{PLAN}/followups/2022/1.yaml", "text: Klart enligt plan.\n", block)
    out = mini_copy.parent / "site"
    proc = run_bounded("build", "--repo", mini_copy, "--out", out, "--format", "html")
    assert proc.returncode == 0, proc.stderr
    html = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    for words in [f"nivå {n}" for n in range(1, 9)] + ["djupaste citatet"]:
        assert words in html, words


def test_avr_diff_of_a_revision_with_escapes_writes_no_escape_to_the_terminal(mini_copy: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(mini_copy), *args], capture_output=True, text=True, check=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Test")
    git("config", "user.email", "test@example.org")
    git("config", "commit.gpgsign", "false")
    # an OSC 52 sequence: a terminal that obeys it writes "hi" into the clipboard
    edit(mini_copy, ACTIVITY, "title: Åtagande nummer 1", 'title: "Åt\\e]52;c;aGk=\\a"')
    git("add", "-A")
    git("commit", "-q", "-m", "hostile")
    git("checkout", "-q", "-b", "feature")
    edit(mini_copy, ACTIVITY, 'title: "Åt\\e]52;c;aGk=\\a"', "title: Åtagande")
    git("commit", "-q", "-am", "fixed")
    for fmt in ("text", "markdown", "json"):
        proc = run_bounded("diff", "main", "HEAD", "--format", fmt, cwd=mini_copy)
        refused(proc, f"{ACTIVITY}:4:8", "E012", contains="U+001B")
        _no_escapes(proc)


def test_a_200_kb_ratio_of_spaces_is_read_in_seconds(mini_copy: Path) -> None:
    # `1/`, 200 000 spaces, `x`: the ratio pattern's lazy denominator backtracked over the spaces
    edit(mini_copy, GOAL, '"2021": 3130', '"2021": "1/' + " " * 200_000 + 'x (5)"')
    refused(run_bounded("check", "--repo", mini_copy, timeout=20), GOAL, "E103")
