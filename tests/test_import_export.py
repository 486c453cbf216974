"""`avr import outcomes` (xlsx, csv) and `avr export` (csv, xlsx, json), with the round trip."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from bounded import clean_exit, run_bounded
from conftest import FIXTURES, run_avr
from openpyxl import Workbook, load_workbook

OUTCOMES = Path("plans/uppsala-amn/bistandsplan/outcomes")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", target)
    return target


def with_entries(repo: Path) -> Path:
    """Outcome entries of every kind: Kolada with gender, a manual ratio, an earlier import."""
    (repo / OUTCOMES / "2021").mkdir(parents=True)
    (repo / OUTCOMES / "2020").mkdir(parents=True)
    (repo / OUTCOMES / "2021/andel-bistand.yaml").write_text(
        'indicator: andel-bistand\nperiod: "2021"\nvalue: 4.1\nwomen: 3.9\nmen: 4.3\nsource: kolada\n'
        'kpi: N31807\nmunicipality: "0380"\nfetched: 2024-05-20\n', encoding="utf-8")
    (repo / OUTCOMES / "2020/andel-bistand.yaml").write_text(
        'indicator: andel-bistand\nperiod: "2020"\nnumerator: 9 912\ndenominator: 230 508\ncomment: egen räkning\n',
        encoding="utf-8")
    (repo / OUTCOMES / "2022").mkdir(parents=True)
    (repo / OUTCOMES / "2022/hushall.yaml").write_text(
        'indicator: hushall\nperiod: "2022"\nvalue: 2 810\nsource: import\nimported: 2023-02-01\n', encoding="utf-8")
    assert run_avr("check", "--repo", repo).returncode == 0
    return repo


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ";") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_import_csv_with_one_bad_row_writes_nothing_then_imports(repo: Path, tmp_path: Path) -> None:
    rows = [
        ["Indikator", "Period", "Kön", "Värde", "Kommentar"],
        ["andel-bistand", "2021", "T", "4,1", "Från årsredovisningen"],
        ["andel-bistand", "2021", "kvinnor", "3,9", ""],
        ["andel-bistand", "2021", "män", "4,3,1", ""],
        ["hushall", "2022", "", "2 810", ""],
    ]
    source = write_csv(tmp_path / "utfall.csv", rows)
    before = snapshot(repo)
    proc = run_avr("import", "outcomes", source, "--repo", repo)
    assert proc.returncode == 1
    assert f"{source}:4:4: E811 `4,3,1` is not a number" in proc.stderr
    assert "1 error, " in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(repo) == before
    rows[3][3] = "4,3"
    write_csv(source, rows)
    proc = run_avr("import", "outcomes", source, "--repo", repo)
    assert proc.returncode == 0, proc.stderr
    entry = (repo / OUTCOMES / "2021/andel-bistand.yaml").read_text(encoding="utf-8")
    assert "value: 4.1\nwomen: 3.9\nmen: 4.3\n" in entry and 'source: "import"' in entry
    assert 'comment: "Från årsredovisningen"' in entry
    assert "value: 2810\n" in (repo / OUTCOMES / "2022/hushall.yaml").read_text(encoding="utf-8")
    # the same file again: nothing changes
    before = snapshot(repo)
    proc = run_avr("import", "outcomes", source, "--repo", repo)
    assert proc.returncode == 0 and "nothing to write: 2 values" in proc.stderr
    assert snapshot(repo) == before


def test_import_xlsx_with_one_bad_row(repo: Path, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Indicator", "Period", "Sex", "Numerator", "Denominator", "Value"])
    sheet.append(["andel-bistand", "2020", "T", 9912, 230508, None])
    sheet.append(["andel-bistand", 2021, "T", None, None, 4.1])
    sheet.append(["hushall", "2023", "T", None, None, 2700])  # no such period
    path = tmp_path / "utfall.xlsx"
    book.save(path)
    before = snapshot(repo)
    proc = run_avr("import", "outcomes", path, "--repo", repo)
    assert proc.returncode == 1
    assert f"{path}:4:2: E812 unknown period `2023` of uppsala-amn" in proc.stderr
    assert snapshot(repo) == before
    sheet["B4"] = "2022"
    book.save(path)
    proc = run_avr("import", "outcomes", path, "--repo", repo)
    assert proc.returncode == 0, proc.stderr
    ratio = (repo / OUTCOMES / "2020/andel-bistand.yaml").read_text(encoding="utf-8")
    assert "numerator: 9912\ndenominator: 230508\n" in ratio
    assert "value: 4.1\n" in (repo / OUTCOMES / "2021/andel-bistand.yaml").read_text(encoding="utf-8")
    assert run_avr("check", "--repo", repo).returncode == 0


def test_import_keeps_what_a_person_wrote(repo: Path, tmp_path: Path) -> None:
    with_entries(repo)
    source = write_csv(tmp_path / "x.csv", [["indicator", "period", "value"], ["hushall", "2021", "3 000"],
                                            ["andel-bistand", "2020", "5"], ["hushall", "2022", "2 820"]], ",")
    before = snapshot(repo)
    proc = run_avr("import", "outcomes", source, "--repo", repo)
    assert proc.returncode == 0, proc.stderr
    assert "goal-1.yaml: hushall 2021: kept the value written there" in proc.stderr
    assert "andel-bistand 2020: kept (source: manual)" in proc.stderr
    assert "hushall 2022: " in proc.stderr and "now differs (value 2810 → 2820); run with --update" in proc.stderr
    assert snapshot(repo) == before
    proc = run_avr("import", "outcomes", source, "--repo", repo, "--update")
    assert proc.returncode == 0
    assert "value: 2820" in (repo / OUTCOMES / "2022/hushall.yaml").read_text(encoding="utf-8")
    assert "numerator: 9 912" in (repo / OUTCOMES / "2020/andel-bistand.yaml").read_text(encoding="utf-8")


def test_import_reports_every_bad_row_and_header(repo: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "bad.csv", [
        ["indikator", "värde", "kön"],
        ["andel-bistand", "4", "T"],
    ])
    proc = run_avr("import", "outcomes", source, "--repo", repo)
    assert proc.returncode == 1 and f"{source}:1:1: E810 no `period` column" in proc.stderr
    source = write_csv(tmp_path / "typo.csv", [
        ["Indikator", "Period", "Värde", "Kön", "Anteckning"],
        ["andel-bistnd", "2021", "4", "T", "x"],
        ["hushall", "2021", "", "T", ""],
        ["hushall", "2022", "12", "K", ""],
        ["andel-bistand", "2022", "120", "", ""],
    ])
    proc = run_avr("import", "outcomes", source, "--repo", repo)
    assert proc.returncode == 1
    assert f"{source}:1:5: W802 column `Anteckning` is not read" in proc.stderr
    assert f"{source}:2:1: E812 unknown indicator `andel-bistnd` — did you mean `andel-bistand`?" in proc.stderr
    assert f"{source}:3:3: E811 no value" in proc.stderr
    assert f"{source}:5:3: E811 percentage 120 is outside 0–100" in proc.stderr
    assert "3 errors, 1 warning" in proc.stderr


def outcome_rows(path: Path) -> list[tuple[str, ...]]:
    """The outcomes table without the source column (an import is an import)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:  # Excel's form for Swedish: BOM, `;`
        rows = list(csv.DictReader(handle, delimiter=";"))
    keep = ("Organisation", "Plan", "Indikator", "Period", "Kön", "Värde", "Täljare", "Nämnare", "Kommentar")
    return sorted(tuple(row[k] for k in keep) for row in rows)


def test_export_round_trip_csv(repo: Path, tmp_path: Path) -> None:
    with_entries(repo)
    first = tmp_path / "first"
    proc = run_avr("export", "--repo", repo, "--out", first)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in first.iterdir()} == {f"{t}.csv" for t in (
        "goals", "indicators", "outcomes", "results", "verdicts", "activities", "statuses")}
    exported = outcome_rows(first / "outcomes.csv")
    assert ("uppsala-amn", "bistandsplan", "andel-bistand", "2021", "K", "3,9", "", "", "") in exported
    assert ("uppsala-amn", "bistandsplan", "andel-bistand", "2020", "T", "", "9912", "230508", "egen räkning") in exported
    # a copy without the outcome entries imports the export and exports the same outcomes
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy)
    shutil.rmtree(copy / OUTCOMES)
    proc = run_avr("import", "outcomes", first / "outcomes.csv", "--repo", copy)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 3 outcome files; 2 already up to date" in proc.stderr  # history and follow-up already there
    second = tmp_path / "second"
    assert run_avr("export", "--repo", copy, "--out", second).returncode == 0
    assert outcome_rows(second / "outcomes.csv") == exported
    assert (second / "results.csv").read_bytes() == (first / "results.csv").read_bytes()


def test_export_round_trip_xlsx_and_english(repo: Path, tmp_path: Path) -> None:
    with_entries(repo)
    out = tmp_path / "x"
    assert run_avr("export", "--repo", repo, "--out", out, "--format", "xlsx", "--language", "en").returncode == 0
    book = load_workbook(out / "avr-export.xlsx", read_only=True)
    assert book.sheetnames == ["Goals", "Indicators", "Outcomes", "Results", "Verdicts", "Activities", "Statuses"]
    header = next(book["Outcomes"].iter_rows(values_only=True))
    assert header[:4] == ("Organisation", "Plan", "Goal", "Indicator")
    book.close()
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy)
    shutil.rmtree(copy / OUTCOMES)
    proc = run_avr("import", "outcomes", out / "avr-export.xlsx", "--repo", copy)
    assert proc.returncode == 0, proc.stderr
    for name in ("2021/andel-bistand.yaml", "2020/andel-bistand.yaml", "2022/hushall.yaml"):
        assert (copy / OUTCOMES / name).is_file()
    back = tmp_path / "back"
    assert run_avr("export", "--repo", copy, "--out", back).returncode == 0
    first = tmp_path / "first"
    assert run_avr("export", "--repo", repo, "--out", first).returncode == 0
    assert outcome_rows(back / "outcomes.csv") == outcome_rows(first / "outcomes.csv")


def test_export_json_period_and_no_clobber(repo: Path, tmp_path: Path) -> None:
    with_entries(repo)
    out = tmp_path / "j"
    assert run_avr("export", "--repo", repo, "--out", out, "--format", "json", "--period", "2021").returncode == 0
    data = json.loads((out / "avr-export-2021.json").read_text(encoding="utf-8"))
    assert {r["period"] for r in data["outcomes"]} == {"2021"}
    assert {"indicator": "andel-bistand", "sex": "M", "value": 4.3}.items() <= next(
        r for r in data["outcomes"] if r["sex"] == "M").items()
    assert [r["status_label"] for r in data["statuses"]] == ["Påbörjad"]
    assert data["verdicts"][0]["verdict"] == "not_assessed"
    before = (out / "avr-export-2021.json").read_bytes()
    (out / "avr-export-2021.json").write_text("mine", encoding="utf-8")
    proc = run_avr("export", "--repo", repo, "--out", out, "--format", "json", "--period", "2021")
    assert proc.returncode == 2 and "already exist" in proc.stderr
    assert (out / "avr-export-2021.json").read_text(encoding="utf-8") == "mine"
    proc = run_avr("export", "--repo", repo, "--out", out, "--format", "json", "--period", "2021", "--force")
    assert proc.returncode == 0 and (out / "avr-export-2021.json").read_bytes() == before


def test_xlsx_export_never_turns_text_into_a_formula(repo: Path, tmp_path: Path) -> None:
    goal = repo / "plans/uppsala-amn/bistandsplan/goals/1.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace(
        "title: Max fyra procent med ekonomiskt bistånd", 'title: "=HYPERLINK(\\"http://example.org\\")"'),
        encoding="utf-8")
    assert run_avr("check", "--repo", repo).returncode == 0
    out = tmp_path / "x"
    assert run_avr("export", "--repo", repo, "--out", out, "--format", "xlsx").returncode == 0
    book = load_workbook(out / "avr-export.xlsx")
    sheet = book["Mål"]
    column = [c.value for c in sheet[1]].index("Titel")
    cell = sheet.cell(2, column + 1)
    assert cell.value == '=HYPERLINK("http://example.org")' and cell.data_type == "s"


def read_csv(path: Path, delimiter: str = ";") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_csv_for_swedish_excel_shows_the_reports_numbers(repo: Path, tmp_path: Path) -> None:
    (repo / OUTCOMES / "2021").mkdir(parents=True)
    (repo / OUTCOMES / "2021/andel-bistand.yaml").write_text(  # 151/176 = 85.7954545…
        'indicator: andel-bistand\nperiod: "2021"\nnumerator: 151\ndenominator: 176\n', encoding="utf-8")
    out, site = tmp_path / "x", tmp_path / "site"
    proc, _ = run_bounded("export", "--repo", repo, "--out", out)
    clean_exit(proc)
    assert proc.returncode == 0
    raw = (out / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfOrganisation;Plan;") and b"\r\n" in raw
    [row] = [r for r in read_csv(out / "results.csv") if r["Indikator"] == "andel-bistand"]
    assert row["Värde"] == "85,8"  # as the report prints it, not 85.79545454545454545454545455
    assert (row["Resultat"], row["Resultat (text)"]) == ("not_assessed", "Kan inte bedömas")
    [hushall] = [r for r in read_csv(out / "results.csv") if r["Indikator"] == "hushall"]
    assert hushall["Förändring mot föregående år"] == "-180"  # a number: no apostrophe
    [verdict] = read_csv(out / "verdicts.csv")
    assert (verdict["Bedömning"], verdict["Bedömning (text)"]) == ("not_assessed", "kan inte bedömas")
    assert [r["Typ (text)"] for r in read_csv(out / "goals.csv")] == ["Mål"]
    units = {r["Indikator"]: (r["Enhet"], r["Enhet (text)"]) for r in read_csv(out / "indicators.csv")}
    assert units == {"andel-bistand": ("percent", "%"), "hushall": ("households", "hushåll")}
    assert run_avr("build", "--repo", repo, "--out", site).returncode == 0
    report = (site / "uppsala-amn/bistandsplan/uppfoljning-2021.md").read_text(encoding="utf-8")
    assert f"| {row['Värde']}\u00a0% (151 av 176) |" in report
    # JSON keeps the exact value
    assert run_avr("export", "--repo", repo, "--out", tmp_path / "j", "--format", "json").returncode == 0
    data = json.loads((tmp_path / "j/avr-export.json").read_text(encoding="utf-8"))
    [exact] = [r["value"] for r in data["results"] if r["indicator"] == "andel-bistand"]
    assert exact == pytest.approx(151 / 176 * 100, abs=1e-12)
    # the plain form on request: commas, decimal points, no byte order mark
    proc = run_avr("export", "--repo", repo, "--out", tmp_path / "plain", "--csv", "rfc4180")
    assert proc.returncode == 0, proc.stderr
    raw = (tmp_path / "plain/results.csv").read_bytes()
    assert raw.startswith(b"Organisation,Plan,")
    [row] = [r for r in read_csv(tmp_path / "plain/results.csv", ",") if r["Indikator"] == "andel-bistand"]
    assert row["Värde"] == "85.8"
    proc = run_avr("export", "--repo", repo, "--out", tmp_path / "bad", "--csv", "tsv")
    assert proc.returncode == 2 and "--csv `tsv`: use one of excel, rfc4180" in proc.stderr


@pytest.mark.parametrize("form", ["excel", "rfc4180"])
def test_csv_export_never_turns_text_into_a_formula_or_splits_a_row(repo: Path, tmp_path: Path, form: str) -> None:
    goal = repo / "plans/uppsala-amn/bistandsplan/goals/1.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace(
        "title: Max fyra procent med ekonomiskt bistånd", 'title: "=HYPERLINK(\\"http://example.org\\")"'),
        encoding="utf-8")
    hostile = {("hushall", "2022"): "+1+cmd|' /C calc'!A0", ("andel-bistand", "2021"): "-2+3\nsecond line"}
    for (indicator, period), comment in hostile.items():
        (repo / OUTCOMES / period).mkdir(parents=True)
        (repo / OUTCOMES / f"{period}/{indicator}.yaml").write_text(
            f'indicator: {indicator}\nperiod: "{period}"\nvalue: 4\ncomment: {json.dumps(comment)}\n'
            'text: "@SUM(1+1)"\n', encoding="utf-8")
    assert run_avr("check", "--repo", repo).returncode == 0
    out = tmp_path / "x"
    proc, _ = run_bounded("export", "--repo", repo, "--out", out, "--csv", form)
    clean_exit(proc)
    assert proc.returncode == 0
    delimiter = ";" if form == "excel" else ","
    [goal_row] = read_csv(out / "goals.csv", delimiter)
    assert goal_row["Titel"] == "'=HYPERLINK(\"http://example.org\")"
    rows = read_csv(out / "outcomes.csv", delimiter)
    comments = {r["Indikator"]: r["Kommentar"] for r in rows if r["Kommentar"]}
    assert comments == {"hushall": "'+1+cmd|' /C calc'!A0", "andel-bistand": "'-2+3\nsecond line"}
    assert {r["Utfall i ord"] for r in rows if r["Kommentar"]} == {"'@SUM(1+1)"}
    # every line of the file is a row or the quoted rest of one: the line break split nothing
    # (a carriage return in a value is refused on reading, E012)
    assert all(len(r) == 16 and None not in r for r in rows)
    # the apostrophe comes off again on import
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy)
    shutil.rmtree(copy / OUTCOMES)
    proc = run_avr("import", "outcomes", out / "outcomes.csv", "--repo", copy)
    assert proc.returncode == 0, proc.stderr
    text = (copy / OUTCOMES / "2021/andel-bistand.yaml").read_text(encoding="utf-8")
    assert "@SUM(1+1)" in text and "'@" not in text


def test_avr_diff_shows_imported_outcomes(repo: Path, tmp_path: Path) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Test")
    git("config", "user.email", "test@example.org")
    git("config", "commit.gpgsign", "false")
    git("add", "-A")
    git("commit", "-q", "-m", "plans")
    source = write_csv(tmp_path / "u.csv", [["indicator", "period", "value"], ["andel-bistand", "2021", "4,1"]], ",")
    assert run_avr("import", "outcomes", source, "--repo", repo).returncode == 0
    proc = run_avr("diff", "HEAD", "--repo", repo, lang="sv")
    assert proc.returncode == 0, proc.stderr
    assert "Utfall andel-bistand 2021" in proc.stdout
    git("add", "-A")
    git("commit", "-q", "-m", "import")
    source = write_csv(tmp_path / "u.csv", [["indicator", "period", "value"], ["andel-bistand", "2021", "4,3"]], ",")
    assert run_avr("import", "outcomes", source, "--repo", repo, "--update").returncode == 0
    proc = run_avr("diff", "HEAD", "--repo", repo, lang="sv")
    assert "Värde: 4,1 → 4,3" in proc.stdout, proc.stdout
