"""Reports made of sections, and the plan's own words: a social services board unlike any seed.

The fixture `tests/fixtures/board` is Socialnämnden of an invented municipality: it calls its goals
"nämndmål" and its work items "insatser", follows up in a tertial and a delår, and lists the sections of its
delårsrapport itself.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
from pathlib import Path

import pytest
from reference import write_site as build

from avr.model.goal import Goal
from avr.model.plan import Plan
from avr.model.repository import load_repository
from avr.render.labels import load_labels
from avr.render.terms import Words
from tests.conftest import FIXTURES, run_avr

REPORT = "sn/vp-2025/delarsrapport-2025"
SEED_WORDS = ("huvudprocess", "åtagande", "uppdrag", "aktivitet", "processmål", "målet", "precisering",
              "fokusområde", "utvecklingsområde")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The board's reports, built by the real CLI."""
    repo = tmp_path_factory.mktemp("board") / "board"
    shutil.copytree(FIXTURES / "board", repo)
    done = run_avr("build", "--repo", repo)
    assert done.returncode == 0, done.stdout + done.stderr
    return repo / "build"


def _text(markup: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", markup))


def _headings(markup: str, level: int) -> list[str]:
    return [_text(h).strip() for h in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", markup)]


def test_delarsrapport_has_the_sections_in_the_order_its_file_lists(built: Path) -> None:
    page = (built / f"{REPORT}.html").read_text(encoding="utf-8")
    assert _headings(page, 2) == ["Sammanfattning", "Nämndmål", "Insatser", "Ekonomi", "Intern styrning och kontroll"]
    # goals with indicators and verdicts, in the board's words; ids that are names are never printed
    assert _headings(page, 3)[:2] == ["Nämndmål 1 – Fler hushåll blir självförsörjande",
                                      "Nämndmål – Barn och unga växer upp tryggt"]
    assert "Hushåll med försörjningsstöd" in page and "Nämndmålet är uppfyllt." in page
    # activities by unit with their statuses, in the unit order of the organisation
    activities = _text(page[page.index('<h2 id="activities">'):page.index('<h2 id="economy">')])
    assert activities.index("Ekonomiskt bistånd") < activities.index("Jobbspår") < activities.index("Individ- och")
    assert "Försenad" in activities and "Genomförd" in activities
    # the economy table of the delår, not the tertial's, and the internal-control result
    assert "-43,9" in page and "-21,4" not in page
    assert "49 av 50 utbetalningar var beslutade." in page
    # `audits` with `empty: omit` and no audits: nothing at all
    assert "Revision" not in page


def test_no_seed_vocabulary_in_the_boards_reports(built: Path) -> None:
    for name in ("delarsrapport-2025", "tertial-1-2025"):
        for ext in ("html", "md"):
            text = (built / f"sn/vp-2025/{name}.{ext}").read_text(encoding="utf-8")
            visible = _text(text).lower() if ext == "html" else text.lower()
            leaked = [w for w in SEED_WORDS if re.search(rf"(?<![\wåäö]){w}", visible)]
            assert leaked == [], f"{name}.{ext}: {leaked}"
            assert "egenforsorjning" not in visible and "trygg-uppvaxt" not in visible


def test_markdown_has_the_same_order_and_words(built: Path) -> None:
    text = (built / f"{REPORT}.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", text, re.M) == [
        "Sammanfattning", "Nämndmål", "Insatser", "Ekonomi", "Intern styrning och kontroll"]
    assert "**Nämndmålet är inte uppfyllt.**" in text


def test_followup_preset_includes_the_periods_economy_and_the_boards_sentence(built: Path) -> None:
    page = (built / "sn/vp-2025/tertial-1-2025.html").read_text(encoding="utf-8")
    assert "Driftredovisning januari–april 2025" in page and "-51,6" in page
    assert "Driftredovisning januari–augusti 2025" not in page
    assert "Av de 4 insatserna pågår fyra enligt plan." in page
    assert "Insatser för att nå nämndmålet – Ekonomiskt bistånd" in page
    assert "Nämndmålet kan inte bedömas." in page
    data = json.loads((built / "sn/vp-2025/tertial-1-2025.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in data["economy"]] == ["drift-2025-T1"]
    assert data["sentence"] == "Av de 4 insatserna pågår fyra enligt plan."


def _with_report(tmp_path: Path, text: str) -> Path:
    repo = tmp_path / "board"
    shutil.copytree(FIXTURES / "board", repo)
    (repo / "plans/sn/vp-2025/reports/egen.yaml").write_text(text, encoding="utf-8")
    return repo


def test_a_section_without_data_says_so_in_one_sentence(tmp_path: Path) -> None:
    repo = _with_report(tmp_path, "title: Revision\nperiod: 2025-08\nsections:\n  - audits\n  - missing\n"
                        "  - name: text\n    title: Personal\n    text: Sjukfrånvaron var *7,9* procent.\n")
    build(load_repository(repo), tmp_path / "out")
    page = (tmp_path / "out/sn/vp-2025/egen.html").read_text(encoding="utf-8")
    assert _headings(page, 2) == ["Revisionsrapporter", "Insatser utan uppföljning", "Personal"]
    assert "<p>Planen har inga revisionsrapporter.</p>" in page
    assert "<p>Alla insatser är uppföljda för perioden.</p>" in page
    assert "<em>7,9</em>" in page and "<table" not in page


def test_a_preset_written_out_as_sections_builds_the_same_report(tmp_path: Path) -> None:
    listed = "\n".join(f"  - {{name: {n}, empty: omit}}"
                       for n in ("introduction", "summary", "fulfilment", "goals", "economy", "missing"))
    repo = _with_report(tmp_path, f"title: Uppföljning tertial 1 2025\nperiod: 2025-T1\nsections:\n{listed}\n")
    build(load_repository(repo), tmp_path / "out")
    own = (tmp_path / "out/sn/vp-2025/egen.html").read_text(encoding="utf-8")
    preset = (tmp_path / "out/sn/vp-2025/tertial-1-2025.html").read_text(encoding="utf-8")
    assert own == preset


def test_activities_by_goal_refer_to_an_item_printed_under_an_earlier_goal(tmp_path: Path) -> None:
    repo = _with_report(tmp_path, "title: Per mål\nperiod: 2025-08\nsections:\n  - {name: activities, group_by: goal}\n")
    card = repo / "plans/sn/vp-2025/activities/a4.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("goals: [trygg-uppvaxt]",
                                                             "goals: [egenforsorjning, trygg-uppvaxt]"), encoding="utf-8")
    build(load_repository(repo), tmp_path / "out")
    page = (tmp_path / "out/sn/vp-2025/egen.html").read_text(encoding="utf-8")
    assert _headings(page, 3) == ["Nämndmål 1 – Fler hushåll blir självförsörjande",
                                  "Nämndmål – Barn och unga växer upp tryggt"]
    assert page.count("Se beskrivning under") == 1
    assert "Se beskrivning under Nämndmål 1 – Fler hushåll blir självförsörjande" in page


@pytest.mark.parametrize(("sections", "expected"), [
    ("  - ekonomy\n", "E103 sections.0.name: unknown section `ekonomy`; did you mean `economy`?"),
    ("  - {name: economy, group_by: unit}\n",
     "E103 sections.0: option `group_by` does not apply to section `economy`; its options: empty, title"),
    ("  - {name: text, title: Personal}\n", "E103 sections.0: a `text` section needs `title` and `text`"),
])
def test_wrong_sections_are_diagnosed_at_their_line(tmp_path: Path, sections: str, expected: str) -> None:
    repo = _with_report(tmp_path, f"title: Fel\nperiod: 2025-08\nsections:\n{sections}")
    done = run_avr("check", "--repo", repo)
    assert done.returncode == 1
    assert f"plans/sn/vp-2025/reports/egen.yaml:4:5: {expected}" in done.stdout + done.stderr


def test_a_section_on_a_periods_follow_up_needs_the_period(tmp_path: Path) -> None:
    repo = _with_report(tmp_path, "title: Utan period\nsections: [economy, activities]\n")
    done = run_avr("check", "--repo", repo)
    assert done.returncode == 1
    assert "egen.yaml:1:1: E103 file: section `activities` needs the report's `period`" in done.stdout + done.stderr
    (repo / "plans/sn/vp-2025/reports/egen.yaml").write_text("title: Ingenting\n", encoding="utf-8")
    done = run_avr("check", "--repo", repo)
    assert "a report needs `kind` (a preset: followup, status, plan, interim, audit) or `sections`" in done.stdout + done.stderr


def test_verdict_sentences_follow_the_nouns_gender() -> None:
    labels = load_labels("sv")
    noun = {"singular": "huvudprocess", "plural": "huvudprocesser", "definite": "huvudprocessen",
            "definite_plural": "huvudprocesserna", "gender": "common"}
    plan = Plan.model_validate({"id": "p", "kind": "operational_plan", "title": "P", "first_year": 2025,
                                "terms": {"goal": noun}})
    goal = Goal.model_validate({"id": "1", "text": "x"})
    words = Words(plan, labels)
    assert words.verdict_sentence("met", goal) == "Huvudprocessen är uppfylld"
    assert words.verdict_sentence("not_assessed", goal) == "Huvudprocessen kan inte bedömas"
    plain = Words(Plan.model_validate({"id": "p", "kind": "operational_plan", "title": "P", "first_year": 2025}),
                  labels)
    assert plain.verdict_sentence("partially_met", goal) == "Målet är delvis uppfyllt"
    assert plain.label("interim", "overview") == "Sammanställning av de viktigaste målen"
    assert words.label("interim", "overview") == "Sammanställning av de viktigaste huvudprocesserna"
    assert words.goal_label(Goal.model_validate({"id": "egenforsorjning", "title": "Egen försörjning", "text": "x"})) \
        == "Huvudprocess – Egen försörjning"
    assert words.goal_label(Goal.model_validate({"id": "SKA", "kind": "quality_work", "text": "x"})) \
        == "Systematiskt kvalitetsarbete SKA"


def test_every_section_builds_for_every_seed_plan(example_copy: Path, tmp_path: Path) -> None:
    """Each section in one report, for each example plan, in a period of its own (or none)."""
    from avr.model.sections import SECTION_OPTIONS

    names = [n for n in SECTION_OPTIONS if n != "text"]
    repo = load_repository(example_copy)
    for org, plan in repo.all_plans():
        periods = sorted({f.period for f in plan.followups} & set(org.periods)) or [p.id for p in org.organisation.periods]
        listed = "\n".join(f"  - {n}" for n in names)
        (example_copy / plan.path / "reports" / "alla.yaml").write_text(
            f"title: Alla avsnitt\nperiod: \"{periods[-1]}\"\nsections:\n{listed}\n", encoding="utf-8")
    build(load_repository(example_copy), tmp_path / "out")
    for org, plan in repo.all_plans():
        page = (tmp_path / "out" / org.id / plan.id / "alla.html").read_text(encoding="utf-8")
        assert len(_headings(page, 2)) >= len(names) - 2, (plan.id, _headings(page, 2))  # audits may be several
        # a section without data is one sentence, never a table of zeros
        assert "Planen har inga" in page or "Rapporten har ingen" in page, plan.id


def test_interim_preset_for_a_plan_with_activities_and_no_commitments(tmp_path: Path) -> None:
    """The delårsrapport preset keeps the board's activities and words, and prints no table of zeros."""
    repo = _with_report(tmp_path, "kind: interim\ntitle: Delår\nperiod: 2025-08\n")
    build(load_repository(repo), tmp_path / "out")
    page = (tmp_path / "out/sn/vp-2025/egen.html").read_text(encoding="utf-8")
    assert _headings(page, 2)[0] == "Sammanställning av de viktigaste nämndmålen"
    assert "Insatser" in _headings(page, 2) and "Jobbspår med arbetsmarknadsenheten" in page
    assert "Status åtaganden" not in page and "Planen har inga" not in page
    assert "Av de 4 insatserna bedöms en som färdig, två pågår enligt plan och en avviker från plan." in page
    visible = _text(page).lower()
    assert [w for w in SEED_WORDS if re.search(rf"(?<![\\wåäö]){w}", visible)] == []


def test_a_process_without_an_area_is_listed_under_the_catch_all_after_the_declared_areas(
        example_copy: Path) -> None:
    """Goal areas group the delårsrapport's processes (compute.sections.process_areas): the declared areas in
    the plan's order, then one catch-all, titled like the plan's list of goals, for goals without an area (an
    area the plan does not declare is E202); within each, the report's order. Both the overview and the
    process chapters use the grouping."""
    from conftest import run_avr

    plan = example_copy / "plans" / "eskilstuna-avn" / "verksamhetsplan-2022"
    goal = plan / "goals" / "02.yaml"
    text = goal.read_text(encoding="utf-8")
    assert "area: hallbar-utveckling\n" in text
    goal.write_text(text.replace("area: hallbar-utveckling\n", ""), encoding="utf-8")
    done = run_avr("build", "--format", "md", "--out", example_copy / "out", cwd=example_copy)
    assert done.returncode == 0, done.stderr
    report = (example_copy / "out" / "eskilstuna-avn" / "verksamhetsplan-2022" / "delarsrapport-1-2022.md")
    headings = [line for line in report.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    chapters = [h for h in headings if h.startswith("## ")]
    # the process chapters: the two declared areas, then the catch-all holding only the moved process
    first, second = chapters.index("## Hållbar utveckling"), chapters.index("## Effektiv organisation")
    catch_all = chapters[second + 1]
    assert first < second and catch_all == "## Huvudprocesser"
    after = headings[headings.index(catch_all) + 1:]
    assert after[0] == "### Att främja näringsliv och arbete"
    between = headings[headings.index("## Hållbar utveckling"):headings.index("## Effektiv organisation")]
    assert "### Att främja näringsliv och arbete" not in between
    # the overview: a table per area, the catch-all's last
    overview = headings[headings.index("## Sammanställning av de viktigaste huvudprocesserna") + 1:]
    assert overview[:3] == ["### Hållbar utveckling", "### Effektiv organisation", "### Huvudprocesser"]
