"""Economy tables: exact decimals, sign conventions, computed totals and the checks of stated sums."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_avr

from avr.compute.economy import compute_table, deviation, total
from avr.model.economy import EconomyTable
from avr.model.repository import load_repository

LINKOPING = "plans/linkoping-amn/internbudget-2019/economy"
ESKILSTUNA = "plans/eskilstuna-avn/verksamhetsplan-2022/economy"


def table(**overrides: Any) -> EconomyTable:
    data: dict[str, Any] = {
        "id": "t",
        "title": "T",
        "kind": "period_followup",
        "unit": "mnkr",
        "sign": "costs_negative",
        "columns": [{"id": "utfall", "label": "Utfall"}, {"id": "budget", "label": "Budget"},
                    {"id": "avvikelse", "label": "Avvikelse", "deviation": {"actual": "utfall", "budget": "budget"}}],
        "lines": [{"label": "A", "values": {"utfall": "0,1", "budget": "0,2"}},
                  {"label": "B", "values": {"utfall": "0,2", "budget": "0,1"}}],
    }
    data.update(overrides)
    return EconomyTable.model_validate(data)


def codes(t: EconomyTable) -> list[str]:
    return [i.code for i in compute_table(t).issues]


def test_decimal_exactness() -> None:
    # 0,1 + 0,2 is 0,3 exactly: a stated 0,3 passes with no tolerance, as it would not with floats
    assert 0.1 + 0.2 != 0.3
    assert total([Decimal("0.1"), Decimal("0.2")]) == Decimal("0.3")
    t = table(total={"label": "Summa", "values": {"utfall": "0,3", "budget": "0,3"}})
    result = compute_table(t)
    assert result.issues == []
    assert result.total["utfall"].computed == Decimal("0.3")
    assert t.lines[0].values["utfall"] == Decimal("0.1")


def test_swedish_amounts_parse_exactly() -> None:
    t = table(lines=[{"label": "A", "values": {"utfall": "−118,4", "budget": "381 886"}}])
    assert t.lines[0].values == {"utfall": Decimal("-118.4"), "budget": Decimal("381886")}


def test_sign_conventions() -> None:
    # costs negative (seed 003): outcome −8,8 against budget −10,1 is a favourable +1,3
    assert deviation(Decimal("-8.8"), Decimal("-10.1"), "costs_negative") == Decimal("1.3")
    assert deviation(Decimal("-355.6"), Decimal("-326"), "costs_negative") == Decimal("-29.6")
    # costs positive (seed 004): spending 90 of a budget of 100 is a favourable +10
    assert deviation(Decimal("90"), Decimal("100"), "costs_positive") == Decimal("10")
    assert deviation(Decimal("110"), Decimal("100"), "costs_positive") == Decimal("-10")


def test_deviation_column_is_computed_and_a_wrong_stated_one_is_an_error() -> None:
    result = compute_table(table())
    assert [r.cells["avvikelse"].computed for r in result.rows] == [Decimal("-0.1"), Decimal("0.1")]
    bad = table(lines=[{"label": "A", "values": {"utfall": "-8,8", "budget": "-10,1", "avvikelse": "-1,3"}}])
    issues = compute_table(bad).issues
    assert [i.code for i in issues] == ["E302"]
    assert "-1,3" in issues[0].message and "1,3" in issues[0].message and "`A`" in issues[0].message
    positive = table(sign="costs_positive",
                     lines=[{"label": "A", "values": {"utfall": "90", "budget": "100", "avvikelse": "10"}}])
    assert codes(positive) == []


def test_stated_total_must_equal_sum() -> None:
    t = table(total={"label": "Summa", "values": {"utfall": "0,4"}})
    issues = compute_table(t).issues
    assert [i.code for i in issues] == ["E301"]
    assert issues[0].loc == ("total", "values", "utfall")
    assert "stated 0,4" in issues[0].message and "sum to 0,3" in issues[0].message and "`Summa`" in issues[0].message


def test_tolerance_accepts_rounding_in_the_source() -> None:
    t = table(total={"label": "Summa", "values": {"utfall": "0,4"}}, tolerance="0,1")
    assert codes(t) == []


def test_groups_parts_and_frames() -> None:
    t = table(
        lines=[{"label": "G", "lines": [{"label": "A", "values": {"utfall": "1"}}, {"label": "B", "values": {"utfall": "2"}}],
                "total": {"label": "Summa G", "values": {"utfall": "4"}}},
               {"label": "C", "values": {"utfall": "5"}, "parts_complete": True,
                "parts": [{"label": "varav x", "values": {"utfall": "1"}}]}],
        references=[{"label": "Ram", "kind": "frame", "values": {"utfall": "10"}}],
    )
    assert sorted(codes(t)) == ["E301", "E303", "W301"]
    result = compute_table(t)
    # the group's stated subtotal (4) is what the total adds, so its own error is reported once
    assert result.total["utfall"].computed == Decimal("9")
    assert [r.kind for r in result.rows] == ["group", "line", "line", "subtotal", "line", "part", "reference"]


def test_unknown_column_is_reported() -> None:
    t = table(lines=[{"label": "A", "values": {"utfal": "1"}}])
    assert codes(t) == ["E202"]


def test_group_with_own_values_is_refused() -> None:
    with pytest.raises(ValueError, match="group"):
        table(lines=[{"label": "G", "values": {"utfall": "1"}, "lines": [{"label": "A"}]}])


def tables() -> dict[str, Any]:
    repo = load_repository(ROOT)
    out: dict[str, Any] = {}
    for _, plan in repo.all_plans():
        out.update({key: compute_table(table) for key, table in plan.interim.economy.items()})
    return out


def test_seed_004_driftsammandrag_sums() -> None:
    t = tables()["driftsammandrag"]
    computed = [t.total[c].computed for c in ("budget-2019", "plan-2020", "plan-2021", "plan-2022")]
    assert computed == [Decimal(381886), Decimal(382031), Decimal(372031), Decimal(372031)]
    earlier = tables()["driftsammandrag-2018-10-25"]
    assert earlier.total["budget-2019"].computed == Decimal(372809)
    # the table of changes explains the difference between the two versions: 381 886 − 372 809 = 9 077
    assert tables()["forandringar-kf-2018-12"].total["tkr"].computed == Decimal(9077)


def test_seed_003_economy_totals() -> None:
    t = tables()["resultat-delar-1-2022"]
    period = [t.total[c].computed for c in ("utfall", "budget", "avvikelse")]
    year = [t.total[c].computed for c in ("budget-helar", "prognos", "avvikelse-helar")]
    assert period == [Decimal("-118.4"), Decimal("-118.3"), Decimal("-0.1")]
    assert year == [Decimal("-458.7"), Decimal("-487.3"), Decimal("-28.6")]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_reports_a_changed_line_with_both_values(example_copy: Path) -> None:
    path = example_copy / LINKOPING / "driftsammandrag.yaml"
    edit(path, "values: {budget-2019: 1 900,", "values: {budget-2019: 1 901,")
    proc = run_avr("check", "--repo", example_copy)
    assert proc.returncode == 1, proc.stderr
    line = next(x for x in proc.stderr.splitlines() if "E301" in x)
    assert re.match(rf"{LINKOPING}/driftsammandrag\.yaml:\d+:\d+: E301 ", line), line
    assert "`driftsammandrag`" in line and "`Summa nämndens internbudget`" in line and "Budget 2019" in line
    assert "stated 381 886" in line and "sum to 381 887" in line
    # the build refuses invalid input too
    assert run_avr("build", "--repo", example_copy, "--out", example_copy / "out").returncode == 1


def test_check_reports_changes_table_against_versions(example_copy: Path) -> None:
    path = example_copy / LINKOPING / "forandringar-kf-2018-12.yaml"
    edit(path, "values: {tkr: 10 000}\n    total:", "values: {tkr: 11 000}\n    total:")
    edit(path, "label: Ramförstärkning KF 4 december 2018\n      values: {tkr: 10 000}",
         "label: Ramförstärkning KF 4 december 2018\n      values: {tkr: 11 000}")
    edit(path, "values: {tkr: 9 077}", "values: {tkr: 10 077}")
    proc = run_avr("check", "--repo", example_copy)
    assert proc.returncode == 1
    assert "E304" in proc.stderr and "10 077" in proc.stderr and "9 077" in proc.stderr, proc.stderr


def test_check_reports_seed_003_typo(example_copy: Path) -> None:
    # the source prints −355,9: written as printed, the stated total −487,3 and deviation −29,6 disagree
    path = example_copy / ESKILSTUNA / "resultat-delar-1-2022.yaml"
    edit(path, "prognos: −355,6", "prognos: −355,9")
    proc = run_avr("check", "--repo", example_copy)
    assert proc.returncode == 1
    errors = [x for x in proc.stderr.splitlines() if ": E30" in x]
    assert any("E301" in x and "-487,3" in x and "-487,6" in x for x in errors), errors
    assert any("E302" in x and "-29,6" in x and "-29,9" in x for x in errors), errors


def test_frame_warning_does_not_fail(example_copy: Path) -> None:
    # the frame decided by the council is the last line; a budget off its frame is a warning, not an error
    path = example_copy / LINKOPING / "driftsammandrag.yaml"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.rpartition("values: {budget-2019: 381 886")
    path.write_text(head + "values: {budget-2019: 380 000" + tail, encoding="utf-8")
    proc = run_avr("check", "--repo", example_copy)
    assert proc.returncode == 0, proc.stderr
    assert "W301" in proc.stderr and "1 886" in proc.stderr
    warning = [line for line in proc.stderr.splitlines() if " W301 " in line]
    assert len(warning) == 1 and warning[0].startswith(f"{LINKOPING}/driftsammandrag.yaml:"), warning
    # a build shows it at the same place; so does the next, unchanged (its stored findings), and one that
    # reads another plan folder again, on two jobs, and keeps this folder's findings
    other = example_copy / "plans/marks-kommun/ekonomiskt-bistand-2011/plan.yaml"
    for step in ("first", "unchanged", "another folder changed"):
        if step == "another folder changed":
            other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        proc = run_avr("build", "-q", "-f", "md", "--jobs", "2", "--repo", example_copy)
        assert proc.returncode == 0, (step, proc.stderr)
        assert [line for line in proc.stderr.splitlines() if " W301 " in line] == warning, step


def docs_yaml(first_line: str, folder: Path) -> dict[str, Any]:
    """The YAML example of docs/filer.md that starts with ``first_line``, read as avr reads files."""
    from avr.errors import Diagnostics
    from avr.load.yamlfile import load_document

    text = (ROOT / "docs" / "filer.md").read_text(encoding="utf-8")
    block = next(b for b in text.split("```yaml\n")[1:] if b.startswith(first_line)).split("```", 1)[0]
    path = folder / "example.yaml"
    path.write_text(block, encoding="utf-8")
    diags = Diagnostics()
    doc = load_document(path, "docs/filer.md", diags)
    assert doc is not None, [d.format() for d in diags.items]
    return doc.data


def test_docs_examples_are_valid_and_consistent(tmp_path: Path) -> None:
    from avr.model.audit import Audit, AuditFollowUp
    from avr.model.control import ControlPoint, ControlResult

    t = EconomyTable.model_validate(docs_yaml("id: resultat-delar-1-2022", tmp_path))
    result = compute_table(t)
    assert result.issues == []
    assert result.total["avvikelse"].computed == Decimal("-0.1")

    ControlPoint.model_validate(docs_yaml("# controls/am-1.yaml", tmp_path))
    ControlResult.model_validate(docs_yaml("# control-results/", tmp_path))
    audit = Audit.model_validate(docs_yaml("# audits/", tmp_path))
    assert audit.objectives[0].grade == "satisfactory"
    AuditFollowUp.model_validate(docs_yaml("# audit-followups/", tmp_path))


def test_broken_table_is_not_reported_again_as_unknown(example_copy: Path) -> None:
    path = example_copy / LINKOPING / "driftsammandrag-2018-10-25.yaml"
    edit(path, "kind: operating_budget", "kind: operating_budget\nkolumner: []")
    proc = run_avr("check", "--repo", example_copy)
    assert proc.returncode == 1
    assert "E101 unknown field `kolumner`" in proc.stderr
    assert "E202" not in proc.stderr, proc.stderr


# ---------------------------------------------------------------- income and cost lines typed as printed


def nyckeltal(sign: str = "costs_positive", net: str = "93", **extra: Any) -> EconomyTable:
    return table(sign=sign, columns=[
        {"id": "budget", "label": "Budget"}, {"id": "prognos", "label": "Prognos"},
        {"id": "avvikelse", "label": "Avvikelse", "deviation": {"actual": "prognos", "budget": "budget"}}],
        lines=[{"label": "Intäkter", "kind": "income", "values": {"budget": "49", "prognos": "52"}},
               {"label": "Kostnader", "kind": "cost", "values": {"budget": "142", "prognos": "150"}}],
        total={"label": "Netto", "values": {"budget": net}}, **extra)


def test_income_typed_positive_is_subtracted_from_costs() -> None:
    result = compute_table(nyckeltal())
    assert result.issues == []
    assert result.total["budget"].computed == Decimal(93)
    assert result.total["prognos"].computed == Decimal(98)
    rows = {r.label: r for r in result.rows}
    assert rows["Intäkter"].cells["budget"].value == Decimal(49)  # printed as typed
    assert rows["Intäkter"].cells["avvikelse"].computed == Decimal(3)  # more income: favourable
    assert rows["Kostnader"].cells["avvikelse"].computed == Decimal(-8)  # higher costs: unfavourable
    assert result.total["avvikelse"].computed == Decimal(-5)
    assert result.convention == "costs_positive_by_kind"


def test_a_changed_stated_net_names_both_values() -> None:
    result = compute_table(nyckeltal(net="94"))
    assert [(i.code, i.message) for i in result.issues] == [
        ("E301", "table `t`, row `Netto`, column `Budget`: stated 94 but the lines sum to 93 (difference 1)")]


def test_kinds_under_costs_negative_give_net_income_minus_costs() -> None:
    result = compute_table(nyckeltal(sign="costs_negative", net="-93"))
    assert result.issues == []
    assert result.total["budget"].computed == Decimal(-93)
    rows = {r.label: r for r in result.rows}
    assert rows["Intäkter"].cells["avvikelse"].computed == Decimal(3)  # favourable whatever the convention
    assert rows["Kostnader"].cells["avvikelse"].computed == Decimal(-8)


def test_group_of_a_kind_and_varav_parts_of_a_net_line() -> None:
    grouped = table(sign="costs_negative", columns=[{"id": "utfall", "label": "Utfall"}], lines=[
        {"label": "Intäkter", "kind": "income", "lines": [{"label": "Bidrag", "values": {"utfall": "160,2"}}],
         "total": {"label": "Summa intäkter", "values": {"utfall": "160,2"}}},
        {"label": "Kostnader", "kind": "cost", "lines": [{"label": "Personal", "values": {"utfall": "175,0"}}],
         "total": {"label": "Summa kostnader", "values": {"utfall": "175,0"}}}],
        total={"label": "Resultat", "values": {"utfall": "-14,8"}})
    assert compute_table(grouped).issues == []
    net = table(sign="costs_positive", columns=[{"id": "tkr", "label": "Budget"}], lines=[
        {"label": "Arbetsmarknad", "values": {"tkr": "93"}, "parts_complete": True,
         "parts": [{"label": "varav intäkter", "kind": "income", "values": {"tkr": "49"}},
                   {"label": "varav kostnader", "kind": "cost", "values": {"tkr": "142"}}]}])
    assert compute_table(net).issues == []
    net.lines[0].values["tkr"] = Decimal(92)
    assert codes(net) == ["E303"]


def test_a_group_of_one_kind_refuses_a_line_of_the_other() -> None:
    with pytest.raises(ValueError, match="a group of kind `income` holds only lines of that kind"):
        table(lines=[{"label": "G", "kind": "income", "lines": [{"label": "x", "kind": "cost", "values": {}}]}])


def test_lines_without_kind_keep_their_convention() -> None:
    assert compute_table(table()).convention == "costs_negative"


def test_nyckeltal_page_through_the_cli(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "stated"
    shutil.copytree(Path(__file__).parent / "fixtures" / "stated", repo)
    done = run_avr("build", "-q", "-f", "md", cwd=repo)
    assert done.returncode == 0, done.stderr
    report = (repo / "build/kommun-vn/vp-2022/plan.md").read_text(encoding="utf-8")
    assert "| Intäkter | 49 | 52 | 3 |" in report
    assert "| **Netto** | **93** | **98** | **-5** |" in report
    assert "netto är kostnader − intäkter" in report
    path = repo / "plans/kommun-vn/vp-2022/economy/nyckeltal.yaml"
    edit(path, "budget: 93", "budget: 94")
    done = run_avr("check", cwd=repo)
    assert done.returncode == 1
    assert ("plans/kommun-vn/vp-2022/economy/nyckeltal.yaml:29:13: E301 table `nyckeltal`, row `Netto`, column "
            "`Budget`: stated 94 but the lines sum to 93 (difference 1)") in done.stderr


def test_every_command_refuses_a_wrong_stated_figure_at_its_place(tmp_path: Path) -> None:
    """The figures checked once a plan is loaded (compute/checks.py: E301–E305) are reported at the same
    file:line:col by every command that reads the repository: check, build (full, incremental on several
    jobs, and again with nothing changed), status, todo, export, and diff for the side that has them."""
    import shutil
    import subprocess

    repo = tmp_path / "stated"
    shutil.copytree(Path(__file__).parent / "fixtures" / "stated", repo)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"),
                 ("-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                  "commit", "-q", "-m", "plans")):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    assert run_avr("build", "-q", "-f", "md", cwd=repo).returncode == 0  # a clean build: the next ones are incremental
    plan = "plans/kommun-vn/vp-2022"
    edit(repo / plan / "economy/nyckeltal.yaml", "budget: 93", "budget: 94")
    edit(repo / plan / "goals/1.yaml", "89/187 (48 %)", "89/187 (47 %)")
    expected = [
        f"{plan}/economy/nyckeltal.yaml:29:13: E301 table `nyckeltal`, row `Netto`, column `Budget`: stated 94 but "
        "the lines sum to 93 (difference 1)",
        f"{plan}/economy/nyckeltal.yaml:31:16: E302 table `nyckeltal`, row `Netto`, column `Avvikelse`: stated "
        "deviation -5 but prognos and budget give -4",
        f"{plan}/goals/1.yaml:11:15: E305 indicator `andel-sjalv`: stated 47 % but 89/187 is 47,6 %, which rounds "
        "to 48 %",
    ]
    commands = [("check",), ("build", "-q", "-f", "md", "--jobs", "2"), ("build", "-q", "-f", "md"),
                ("build", "-q", "-f", "md", "--jobs", "2"), ("status",), ("todo",),
                ("export", "--out", tmp_path / "export"), ("diff", "main")]
    for command in commands:
        done = run_avr(*command, cwd=repo)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert [line for line in done.stderr.splitlines() if re.search(r" E30\d ", line)] == expected, command
    assert not (tmp_path / "export").exists()
    assert "invalid files in HEAD" in done.stderr  # diff: the working tree's side, not main's
