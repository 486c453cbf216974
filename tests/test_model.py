"""Schemas (avr.model) on documents read by avr.load, and cross-file checks of a whole repository."""

from __future__ import annotations

import os
import textwrap
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from avr.errors import Diagnostic, Diagnostics, InvalidInput
from avr.load.yamlfile import load_text
from avr.model.activity import Activity
from avr.model.followup import FollowUp
from avr.model.goal import Goal
from avr.model.repository import Repository, load_repository
from avr.model.validate import validate

M = TypeVar("M", bound=BaseModel)
NAME = "plans/org/plan/goals/2.yaml"


def check(text: str, schema: type[M]) -> tuple[M | None, list[Diagnostic]]:
    """Load ``text`` as a file would be loaded, then validate it against ``schema``."""
    diags = Diagnostics()
    doc = load_text(textwrap.dedent(text), NAME, diags)
    assert doc is not None, [d.format() for d in diags.items]
    return validate(doc, schema, diags), diags.items


def ok(text: str, schema: type[M]) -> M:
    model, items = check(text, schema)
    assert items == [], [d.format() for d in items]
    assert model is not None
    return model


def bad(text: str, schema: type[BaseModel]) -> list[Diagnostic]:
    model, items = check(text, schema)
    assert model is None
    assert items
    assert all(d.path == NAME for d in items)
    return items


def where(items: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in items]


def one(items: list[Diagnostic]) -> Diagnostic:
    assert len(items) == 1, [d.format() for d in items]
    return items[0]


# ------------------------------------------------------------------ unknown, missing, empty


def test_unknown_field_suggests_the_close_one_at_the_key() -> None:
    item = one(bad("id: 2\ntitel: Barnfamiljer\ntext: Mål\n", Goal))
    assert where([item]) == [("E101", 2, 1)]
    assert "`titel`" in item.message
    assert "did you mean `title`?" in item.message


def test_unknown_field_in_an_indicator_suggests_the_indicator_field() -> None:
    items = bad(
        """\
        id: 2
        text: Mål
        indicators:
          - id: andel
            title: Andel
            unit: percent
            sorce: Procapita
        """,
        Goal,
    )
    item = one(items)
    assert where([item]) == [("E101", 7, 5)]
    assert "did you mean `source`?" in item.message


def test_unknown_field_without_a_close_match_lists_the_allowed_ones() -> None:
    item = one(bad("id: 2\ntext: Mål\nxyzzy: 1\n", Goal))
    assert where([item]) == [("E101", 3, 1)]
    assert "allowed:" in item.message and "title" in item.message


def test_missing_required_field() -> None:
    item = one(bad("id: 2\ntitle: Barnfamiljer\n", Goal))
    assert where([item]) == [("E102", 1, 1)]
    assert "`text`" in item.message


def test_missing_field_of_an_indicator_is_placed_at_the_indicator() -> None:
    item = one(bad("id: 2\ntext: Mål\nindicators:\n  - id: a\n    unit: percent\n", Goal))
    assert where([item]) == [("E102", 4, 5)]
    assert "`indicators.0.title`" in item.message


def test_every_problem_of_a_file_is_reported() -> None:
    items = bad("id: 2\ntitel: x\nkind: mål\n", Goal)
    assert sorted(where(items)) == [("E101", 2, 1), ("E102", 1, 1), ("E103", 3, 7)]


def test_empty_value_counts_as_absent() -> None:
    activity = ok(
        """\
        id: 1a
        goals: ["2"]
        unit: ame
        title: NUEVO K2
        summary:
        how:
        when:
        expected_completion:
        """,
        Activity,
    )
    assert activity.how is None
    assert activity.summary is None
    assert activity.when is None
    assert activity.expected_completion is None


def test_empty_required_value_is_missing() -> None:
    item = one(bad("id: 2\ntitle: Barn\ntext:\n", Goal))
    assert where([item]) == [("E102", 1, 1)]
    assert "`text`" in item.message


def test_empty_value_in_a_nested_mapping_counts_as_absent() -> None:
    goal = ok("id: 2\ntext: Mål\nindicators:\n  - id: a\n    title: A\n    unit: count\n    note:\n", Goal)
    assert goal.indicators[0].note is None


def test_ids_are_read_as_written() -> None:
    goal = ok("id: 2:1\nkind: refinement\nparent: 2\ntext: Mål\n", Goal)
    assert goal.id == "2:1"
    assert goal.parent == "2"


def test_bad_enum_value() -> None:
    item = one(bad("id: 2\ntext: Mål\nkind: mål\n", Goal))
    assert where([item]) == [("E103", 3, 7)]
    assert "`mål`" in item.message


# ------------------------------------------------------------------ targets


def indicator_goal(field: str, entries: dict[str, str], *, unit: str = "percent", better: str = "higher") -> str:
    lines = [
        "id: 2",
        "text: Mål",
        "indicators:",
        "  - id: andel",
        "    title: Andel",
        f"    unit: {unit}",
    ]
    if better:
        lines.append(f"    better: {better}")
    lines.append(f"    {field}:")
    lines.extend(f"      {key}: {value}" for key, value in entries.items())
    return "\n".join(lines) + "\n"


def test_bad_target_names_the_accepted_forms() -> None:
    item = one(bad(indicator_goal("targets", {"2013-H1": "ska ökaa"}), Goal))
    assert where([item]) == [("E103", 9, 16)]
    assert "`ska ökaa`" in item.message
    assert "targets.2013-H1" in item.message
    for form in ("677", "≥ 90", "ska öka", "ska minska", "text:"):
        assert form in item.message


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("ska öka", {"direction": "increase"}),
        ("Ska minska.", {"direction": "decrease"}),
        ("ska inte öka", {"direction": "not_increase"}),
        ("ska inte minska", {"direction": "not_decrease"}),
        ("≥ 90", {"op": ">=", "value": Decimal("90")}),
        ('">= 90"', {"op": ">=", "value": Decimal("90")}),  # `>` opens a folded scalar: quote it
        ("677", {"op": None, "value": Decimal("677")}),
        ("minst 70", {"op": ">=", "value": Decimal("70"), "word": "minst"}),
        ("lägst 70", {"op": ">=", "value": Decimal("70"), "word": "lägst"}),
        ("max 30", {"op": "<=", "value": Decimal("30"), "word": "max"}),
        ("högst 30", {"op": "<=", "value": Decimal("30"), "word": "högst"}),
        ("≤ 4,5 %", {"op": "<=", "value": Decimal("4.5")}),
        ("= 0", {"op": "=", "value": Decimal("0")}),
        ("≤ 1 040", {"op": "<=", "value": Decimal("1040")}),
        ("{text: Inga signifikanta skillnader}", {"text": "Inga signifikanta skillnader"}),
        ("{direction: increase, relative_to: baseline}", {"direction": "increase", "relative_to": "baseline"}),
    ],
)
def test_target_shorthands(written: str, expected: dict[str, Any]) -> None:
    goal = ok(indicator_goal("targets", {"2020": written}, unit="index"), Goal)  # index: any number is plausible
    target = goal.indicators[0].targets["2020"]
    full = {"op": None, "value": None, "direction": None, "relative_to": None, "text": None, "word": None, **expected}
    assert target.model_dump() == full


def test_bare_number_target_needs_better() -> None:
    item = one(bad(indicator_goal("targets", {"2020": "677"}, unit="count", better=""), Goal))
    assert where([item]) == [("E103", 4, 5)]
    assert "better" in item.message


def test_target_with_two_kinds_is_an_error() -> None:
    item = one(bad(indicator_goal("targets", {"2020": "{value: 3, text: tre}"}), Goal))
    assert where([item]) == [("E103", 9, 13)]


# ------------------------------------------------------------------ values (outcomes)


def test_value_shorthands() -> None:
    goal = ok(
        indicator_goal(
            "history",
            {"2012-H1": "295/878", "2012-H2": "33,9", "2013-H1": "1 040", "2013-H2": "−28,6", "2014": "33.9 %"},
            unit="index",  # an index may fall below zero; a count may not
        ),
        Goal,
    )
    history = goal.indicators[0].history
    assert (history["2012-H1"].numerator, history["2012-H1"].denominator) == (Decimal("295"), Decimal("878"))
    assert history["2012-H1"].value is None
    assert history["2012-H2"].value == Decimal("33.9")
    assert history["2013-H1"].value == Decimal("1040")
    assert history["2013-H2"].value == Decimal("-28.6")
    assert history["2014"].value == Decimal("33.9")
    assert all(isinstance(v.value, Decimal) for k, v in history.items() if k != "2012-H1")


def test_value_with_no_break_space_thousands() -> None:
    goal = ok(indicator_goal("history", {"2020": "1\u00a0040"}, unit="count"), Goal)
    assert goal.indicators[0].history["2020"].value == Decimal("1040")


def test_value_mapping_by_sex() -> None:
    goal = ok(indicator_goal("history", {"2020": "{women: 12, men: '9,5', comment: preliminärt}"}, unit="count"), Goal)
    value = goal.indicators[0].history["2020"]
    assert (value.women, value.men, value.comment) == (Decimal("12"), Decimal("9.5"), "preliminärt")


def test_numerator_without_denominator_is_an_error() -> None:
    item = one(bad(indicator_goal("history", {"2020": "{numerator: 295}"}, unit="count"), Goal))
    assert where([item]) == [("E103", 9, 13)]
    assert "denominator" in item.message


def test_denominator_zero_is_an_error() -> None:
    item = one(bad(indicator_goal("history", {"2020": "295/0"}, unit="count"), Goal))
    assert where([item]) == [("E103", 9, 13)]
    assert "greater than 0" in item.message


def test_value_not_a_number() -> None:
    item = one(bad(indicator_goal("history", {"2020": "ungefär 30"}, unit="count"), Goal))
    assert where([item]) == [("E103", 9, 13)]
    assert "not a number" in item.message


def test_percentage_with_numerator_over_denominator_is_an_error() -> None:
    item = one(bad(indicator_goal("history", {"2020": "900/878"}), Goal))
    assert item.code == "E103"
    assert (item.line, item.col) == (4, 5)  # the indicator
    assert "900" in item.message and "878" in item.message


def test_percentage_over_100_is_an_error() -> None:
    item = one(bad(indicator_goal("history", {"2020": "101"}), Goal))
    assert item.code == "E103"
    assert "0–100" in item.message


def test_ratio_over_one_is_fine_when_not_a_percentage() -> None:
    goal = ok(indicator_goal("history", {"2020": "900/878"}, unit="ratio"), Goal)
    assert goal.indicators[0].history["2020"].numerator == Decimal("900")


# ------------------------------------------------------------------ years, follow-ups, goals


def followup(**fields: str) -> str:
    base = {"period": "2020", "activity": "1a"}
    base.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in base.items() if value != "-")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2021", 2021),
        ("ongoing", "ongoing"),
        ("ständigt pågående", "ongoing"),
        ("Ständigt pågående", "ongoing"),
        ("löpande", "ongoing"),
    ],
)
def test_year_or_ongoing_accepts(written: str, expected: int | str) -> None:
    assert ok(followup(expected_completion=written), FollowUp).expected_completion == expected
    activity = ok(f"id: 1a\ngoals: [2]\nunit: ame\ntitle: T\nexpected_completion: {written}\n", Activity)
    assert activity.expected_completion == expected


@pytest.mark.parametrize("written", ["2021a", "21", "20211", "snart"])
def test_year_or_ongoing_rejects(written: str) -> None:
    item = one(bad(followup(expected_completion=written), FollowUp))
    assert where([item]) == [("E103", 3, 22)]
    assert f"`{written}`" in item.message


@pytest.mark.parametrize("written", ["0000", "1066", "9999"])
def test_year_or_ongoing_rejects_implausible_years(written: str) -> None:
    item = one(bad(followup(expected_completion=written), FollowUp))
    assert where([item]) == [("E103", 3, 22)]


def test_followup_needs_activity_or_goal() -> None:
    item = one(bad(followup(activity="-"), FollowUp))
    assert where([item]) == [("E103", 1, 1)]
    assert "exactly one of `activity` or `goal`" in item.message


def test_followup_cannot_have_both_activity_and_goal() -> None:
    item = one(bad(followup(goal="2"), FollowUp))
    assert where([item]) == [("E103", 1, 1)]
    assert "exactly one" in item.message


def test_followup_of_a_goal_and_of_an_activity() -> None:
    assert ok(followup(), FollowUp).subject == "1a"
    assert ok(followup(activity="-", goal="2:1"), FollowUp).subject == "2:1"


def test_activity_followup_cannot_carry_a_verdict() -> None:
    item = one(bad(followup(verdict="{verdict: met, justification: x}"), FollowUp))
    assert item.code == "E103"


@pytest.mark.parametrize("completion", ["101", "-1", "50,5", "mycket"])
def test_completion_out_of_range(completion: str) -> None:
    item = one(bad(followup(completion=completion), FollowUp))
    assert where([item]) == [("E103", 3, 13)]
    assert "completion" in item.message


@pytest.mark.parametrize("completion", ["0", "100", "60"])
def test_completion_in_range(completion: str) -> None:
    assert ok(followup(completion=completion), FollowUp).completion == int(completion)


def test_impossible_date() -> None:
    item = one(bad(followup(date="2022-02-30"), FollowUp))
    assert where([item]) == [("E103", 3, 7)]
    assert "`2022-02-30`" in item.message
    assert "date" in item.message


def test_valid_date() -> None:
    import datetime as dt

    assert ok(followup(date="2021-01-28"), FollowUp).date == dt.date(2021, 1, 28)


def test_unknown_field_in_a_manual_verdict() -> None:
    items = bad("period: 2020\ngoal: 2\nverdict:\n  verdikt: met\n  justification: x\n", FollowUp)
    assert ("E101", 4, 3) in where(items)
    assert any("did you mean `verdict`?" in d.message for d in items)


@pytest.mark.parametrize("kind", ["refinement", "commitment"])
def test_refinement_without_parent(kind: str) -> None:
    item = one(bad(f"id: 2:1\nkind: {kind}\ntext: Mål\n", Goal))
    assert where([item]) == [("E103", 1, 1)]
    assert "`parent`" in item.message


def test_refinement_with_empty_parent() -> None:
    item = one(bad("id: 2:1\nkind: refinement\nparent:\ntext: Mål\n", Goal))
    assert where([item]) == [("E103", 1, 1)]


def test_activity_goals_are_asked_for_by_its_plan() -> None:
    # a plan of commitments may list activities without goals: the repository check asks for them in other
    # plans (E102, tests/test_diagnostics.py), the model cannot know which plan it is in
    model, items = check("id: 1a\ngoals: []\nunit: ame\ntitle: T\n", Activity)
    assert model is not None and model.goals == [] and items == []


# ------------------------------------------------------------------ repositories


def write_tree(root: Path, files: dict[str, str | None]) -> Path:
    """Write ``files`` (relative path -> text, dedented; None deletes the file) under ``root``."""
    for relative, text in files.items():
        path = root / relative
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


PLAN = "plans/kommun-amn/handlingsplan"

BASE: dict[str, str | None] = {
    "avr.yaml": """\
        title: Test
        organisations: [kommun-amn]
        """,
    "plans/kommun-amn/organisation.yaml": """\
        municipality: Kommunen
        board: Arbetsmarknadsnämnden
        board_code: AMN
        units:
          - id: vux
            name: Vuxenutbildning
        statuses:
          - label: Färdig
            means: done
          - label: Påbörjad
            means: on_track
        periods:
          - id: "2020"
            label: December 2020
            kind: year
            start: 2020-01-01
            end: 2020-12-31
        """,
    f"{PLAN}/plan.yaml": """\
        id: handlingsplan
        kind: action_plan
        title: Handlingsplan
        first_year: 2020
        """,
    f"{PLAN}/goals/barnfamiljer.yaml": """\
        id: barnfamiljer
        title: Barnfamiljer
        text: Fler barnfamiljer ska klara sin egen försörjning.
        indicators:
          - id: andel
            title: Andel barnfamiljer
            unit: percent
            better: higher
            history:
              "2020": 295/878
        """,
    f"{PLAN}/activities/1a.yaml": """\
        id: 1a
        goals: [barnfamiljer]
        unit: vux
        title: NUEVO K2
        """,
    f"{PLAN}/followups/2020/1a.yaml": """\
        period: "2020"
        activity: 1a
        status: Påbörjad
        completion: 60
        """,
    f"{PLAN}/followups/2020/barnfamiljer.yaml": """\
        period: "2020"
        goal: barnfamiljer
        outcomes:
          andel: 353/1040
        verdict:
          verdict: met
          justification: Andelen har ökat.
        """,
}


def repo_with(tmp_path: Path, **changes: str | None) -> Repository:
    """The base repository with some files changed.

    Keys are paths from the repository root, or, without a `/`, paths under the plan folder with
    `__` for `/` (so they can be keyword names): ``followups__2020__1a.yaml``.
    """
    files = dict(BASE)
    for key, text in changes.items():
        files[key if "/" in key else f"{PLAN}/{key.replace('__', '/')}"] = text
    write_tree(tmp_path / "repo", files)
    return load_repository(tmp_path / "repo", strict=False)


def diags_of(repo: Repository) -> list[tuple[str, str, int, int]]:
    return sorted((d.path, d.code, d.line, d.col) for d in repo.diagnostics.items)


def message(repo: Repository, code: str) -> str:
    found = [d.message for d in repo.diagnostics.items if d.code == code]
    assert len(found) == 1, [d.format() for d in repo.diagnostics.items]
    return found[0]


def test_helper_writes_a_tree(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/b/c.yaml": "  x: 1\n  y: 2\n", "d.yaml": "z: 3\n"})
    assert (tmp_path / "a/b/c.yaml").read_text(encoding="utf-8") == "x: 1\ny: 2\n"
    assert (tmp_path / "d.yaml").read_text(encoding="utf-8") == "z: 3\n"


def test_base_repository_is_valid(tmp_path: Path) -> None:
    repo = repo_with(tmp_path)
    assert repo.diagnostics.items == []
    org = repo.orgs["kommun-amn"]
    plan = org.plans["handlingsplan"]
    assert list(plan.goals) == ["barnfamiljer"]
    assert list(plan.activities) == ["1a"]
    assert sorted(f.subject for f in plan.followups) == ["1a", "barnfamiljer"]
    assert list(org.periods) == ["2020"]
    # strict mode accepts it too
    assert load_repository(tmp_path / "repo").diagnostics.items == []


def test_strict_mode_raises_with_every_error(tmp_path: Path) -> None:
    repo_with(tmp_path, **{"activities__1a.yaml": "id: 1a\ngoals: [okänt]\nunit: okänd\ntitle: T\n"})
    with pytest.raises(InvalidInput) as caught:
        load_repository(tmp_path / "repo")
    assert sorted(d.code for d in caught.value.diagnostics.errors) == ["E202", "E202"]


def test_unknown_goal_of_an_activity_with_a_suggestion(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"activities__1a.yaml": "id: 1a\ngoals: [barnfamilj]\nunit: vux\ntitle: T\n"})
    assert diags_of(repo) == [(f"{PLAN}/activities/1a.yaml", "E202", 2, 9)]
    text = message(repo, "E202")
    assert "`barnfamilj`" in text
    assert "did you mean `barnfamiljer`?" in text


def test_unknown_goal_far_from_any_lists_the_known_ones(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"activities__1a.yaml": "id: 1a\ngoals:\n  - barnfamiljer\n  - xyz\nunit: vux\ntitle: T\n"})
    assert diags_of(repo) == [(f"{PLAN}/activities/1a.yaml", "E202", 4, 5)]
    text = message(repo, "E202")
    assert "did you mean" not in text
    assert "known: barnfamiljer" in text


def test_unknown_unit(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"activities__1a.yaml": "id: 1a\ngoals: [barnfamiljer]\nunit: vuxx\ntitle: T\n"})
    assert diags_of(repo) == [(f"{PLAN}/activities/1a.yaml", "E202", 3, 7)]
    text = message(repo, "E202")
    assert "unit `vuxx`" in text
    assert "did you mean `vux`?" in text


def test_unknown_period_in_a_followup(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"followups__2020__1a.yaml": 'period: "2021"\nactivity: 1a\nstatus: Påbörjad\n'})
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/1a.yaml", "E202", 1, 9)]
    assert "period `2021`" in message(repo, "E202")


def test_unknown_activity_in_a_followup(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"followups__2020__1a.yaml": 'period: "2020"\nactivity: 1b\n'})
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/1a.yaml", "E202", 2, 11)]
    assert "activity `1b`" in message(repo, "E202")


def test_unknown_indicator_in_a_goal_followup(tmp_path: Path) -> None:
    repo = repo_with(
        tmp_path,
        **{"followups__2020__barnfamiljer.yaml": 'period: "2020"\ngoal: barnfamiljer\noutcomes:\n  andl: 3/4\n'},
    )
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/barnfamiljer.yaml", "E202", 4, 9)]
    assert "did you mean `andel`?" in message(repo, "E202")


def test_percentage_outcome_over_denominator_in_a_followup(tmp_path: Path) -> None:
    repo = repo_with(
        tmp_path,
        **{"followups__2020__barnfamiljer.yaml": 'period: "2020"\ngoal: barnfamiljer\noutcomes:\n  andel: 5/4\n'},
    )
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/barnfamiljer.yaml", "E103", 4, 10)]


def test_two_followups_of_one_activity_in_one_period(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"followups__2020__zz-igen.yaml": 'period: "2020"\nactivity: 1a\n'})
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/zz-igen.yaml", "E203", 2, 11)]
    text = message(repo, "E203")
    assert "`1a`" in text
    assert f"{PLAN}/followups/2020/1a.yaml" in text


def test_followups_of_one_activity_in_two_periods_are_fine(tmp_path: Path) -> None:
    org = BASE["plans/kommun-amn/organisation.yaml"]
    assert org is not None
    more = textwrap.dedent(org) + (
        '  - id: "2021"\n    label: December 2021\n    kind: year\n    start: 2021-01-01\n    end: 2021-12-31\n'
    )
    repo = repo_with(
        tmp_path,
        **{"plans/kommun-amn/organisation.yaml": more, "followups__2021__1a.yaml": 'period: "2021"\nactivity: 1a\n'},
    )
    assert repo.diagnostics.items == []


def test_status_not_in_the_vocabulary(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"followups__2020__1a.yaml": 'period: "2020"\nactivity: 1a\nstatus: Påbörja\n'})
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/1a.yaml", "E204", 3, 9)]
    text = message(repo, "E204")
    assert "`Påbörja`" in text
    assert "did you mean `Påbörjad`?" in text


def test_status_far_from_the_vocabulary_lists_it(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"followups__2020__1a.yaml": 'period: "2020"\nactivity: 1a\nstatus: Okej\n'})
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/1a.yaml", "E204", 3, 9)]
    assert "Färdig, Påbörjad" in message(repo, "E204")


@pytest.mark.parametrize("written", ["påbörjad", "PÅBÖRJAD", "Påbörjad."])
def test_status_is_matched_without_case_or_final_period(tmp_path: Path, written: str) -> None:
    repo = repo_with(tmp_path, **{"followups__2020__1a.yaml": f'period: "2020"\nactivity: 1a\nstatus: {written}\n'})
    assert repo.diagnostics.items == []


def test_manual_verdict_without_justification(tmp_path: Path) -> None:
    repo = repo_with(
        tmp_path,
        **{"followups__2020__barnfamiljer.yaml": 'period: "2020"\ngoal: barnfamiljer\nverdict:\n  verdict: met\n'},
    )
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/barnfamiljer.yaml", "E205", 4, 3)]
    assert "justification" in message(repo, "E205")


def test_manual_verdict_with_empty_justification(tmp_path: Path) -> None:
    repo = repo_with(
        tmp_path,
        **{
            "followups__2020__barnfamiljer.yaml": (
                'period: "2020"\ngoal: barnfamiljer\nverdict: {verdict: met, justification: "  "}\n'
            )
        },
    )
    assert diags_of(repo) == [(f"{PLAN}/followups/2020/barnfamiljer.yaml", "E205", 3, 10)]


def test_duplicate_activity_id_across_two_files(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"activities__kopia.yaml": "id: 1a\ngoals: [barnfamiljer]\nunit: vux\ntitle: Kopia\n"})
    assert diags_of(repo) == [(f"{PLAN}/activities/kopia.yaml", "E201", 1, 5)]
    text = message(repo, "E201")
    assert "`1a`" in text
    assert f"{PLAN}/activities/1a.yaml" in text
    assert repo.orgs["kommun-amn"].plans["handlingsplan"].activities["1a"].title == "NUEVO K2"


def test_stray_yaml_file_is_a_warning(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"anteckningar.yaml": "x: 1\n", "goal__3.yml": "id: 3\n"})
    assert diags_of(repo) == [
        (f"{PLAN}/anteckningar.yaml", "W103", 0, 0),
        (f"{PLAN}/goal/3.yml", "W103", 0, 0),
    ]
    assert repo.diagnostics.errors == []
    assert len(repo.diagnostics.warnings) == 2
    # a warning does not stop strict loading
    assert load_repository(tmp_path / "repo").diagnostics.warnings


def test_files_of_an_unlisted_organisation_are_strays(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"plans/annan/organisation.yaml": "municipality: X\n"})
    assert diags_of(repo) == [("plans/annan/organisation.yaml", "W103", 0, 0)]


def test_plan_id_differs_from_its_folder(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"plan.yaml": "id: annan\nkind: action_plan\ntitle: T\nfirst_year: 2020\n"})
    assert diags_of(repo) == [(f"{PLAN}/plan.yaml", "E206", 1, 5)]


def test_load_errors_are_reported_with_the_repository_path(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"activities__1a.yaml": "id: 1a\nid: 1b\n"})
    # only the broken file: the follow-up of activity 1a is not reported again as an unknown reference
    assert diags_of(repo) == [(f"{PLAN}/activities/1a.yaml", "E003", 2, 1)]


def test_reference_to_an_invalid_file_is_not_reported_again(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, **{"goals__barnfamiljer.yaml": "id: barnfamiljer\ntitel: B\ntext: Mål\n"})
    assert diags_of(repo) == [(f"{PLAN}/goals/barnfamiljer.yaml", "E101", 2, 1)]


def test_named_pipe_in_a_plan_does_not_hang(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", BASE)
    fifo = root / PLAN / "goals" / "pipe.yaml"
    os.mkfifo(fifo)
    result: list[Repository] = []
    worker = threading.Thread(target=lambda: result.append(load_repository(root, strict=False)), daemon=True)
    worker.start()
    worker.join(timeout=5)
    hung = worker.is_alive()
    if hung:  # release the blocked reader: a writer that opens and closes gives it end-of-file
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
    assert not hung, "load_repository blocked on a named pipe"
    assert diags_of(result[0]) == [(f"{PLAN}/goals/pipe.yaml", "E001", 0, 0)]


def test_invalid_avr_yaml_raises_even_when_not_strict(tmp_path: Path) -> None:
    write_tree(tmp_path, {"avr.yaml": "organisations: []\n"})
    with pytest.raises(InvalidInput) as caught:
        load_repository(tmp_path, strict=False)
    assert [(d.path, d.code, d.line, d.col) for d in caught.value.diagnostics.items] == [("avr.yaml", "E103", 1, 16)]


def test_missing_avr_yaml_is_e207(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_repository(tmp_path, strict=False)
    assert [(d.path, d.code) for d in caught.value.diagnostics.items] == [("avr.yaml", "E207")]


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    repo = repo_with(
        tmp_path,
        **{
            # E202 unknown goal (with a suggestion) and E202 unknown unit
            "activities__1a.yaml": "id: 1a\ngoals: [barnfamilj]\nunit: vuxx\ntitle: NUEVO K2\n",
            # E201 duplicate activity id
            "activities__kopia.yaml": "id: 1a\ngoals: [barnfamiljer]\nunit: vux\ntitle: Kopia\n",
            # E204 unknown status
            "followups__2020__1a.yaml": 'period: "2020"\nactivity: 1a\nstatus: Klar\n',
            # E203 followed up twice in 2020
            "followups__2020__zz-igen.yaml": 'period: "2020"\nactivity: 1a\n',
            # E202 unknown period
            "followups__2019__1a.yaml": 'period: "2019"\nactivity: 1a\n',
            # E205 verdict without justification
            "followups__2020__barnfamiljer.yaml": 'period: "2020"\ngoal: barnfamiljer\nverdict:\n  verdict: met\n',
            # E101 unknown field in a goal (the file is then skipped)
            "goals__3.yaml": "id: 3\ntitel: Tre\ntext: Mål tre\n",
            # W103 stray file
            "anteckningar.yaml": "x: 1\n",
        },
    )
    assert diags_of(repo) == sorted(
        [
            (f"{PLAN}/activities/1a.yaml", "E202", 2, 9),
            (f"{PLAN}/activities/1a.yaml", "E202", 3, 7),
            (f"{PLAN}/activities/kopia.yaml", "E201", 1, 5),
            (f"{PLAN}/followups/2019/1a.yaml", "E202", 1, 9),
            (f"{PLAN}/followups/2020/zz-igen.yaml", "E203", 2, 11),
            (f"{PLAN}/followups/2020/1a.yaml", "E204", 3, 9),
            (f"{PLAN}/followups/2020/barnfamiljer.yaml", "E205", 4, 3),
            (f"{PLAN}/goals/3.yaml", "E101", 2, 1),
            (f"{PLAN}/anteckningar.yaml", "W103", 0, 0),
        ]
    )
    codes = {d.code for d in repo.diagnostics.items}
    assert codes == {"E101", "E201", "E202", "E203", "E204", "E205", "W103"}
    messages = " | ".join(d.message for d in repo.diagnostics.items)
    assert "did you mean `barnfamiljer`?" in messages
    assert "did you mean `title`?" in messages


def test_folder_listing_finds_what_pathlib_glob_finds(tmp_path: Path) -> None:
    """The loader lists plan folders with one os.scandir walk; it must find exactly what pathlib's glob did:
    every kind of entry, hidden names, nested folders, but no descent into linked folders."""
    import random

    from avr.model.repository import _list_yaml

    rng = random.Random(5)
    base = tmp_path / "plan"
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    base.mkdir()
    (outside / "x.yaml").write_text("a: 1\n")
    (outside / "deep" / "y.yaml").write_text("a: 1\n")
    folders = [base]
    for number in range(60):
        parent = rng.choice(folders)
        name = rng.choice(["a", "b", "2022", "2022-H1", ".dold", "ö", "x.yaml", "sub dir"]) + str(number)
        kind = rng.randrange(6)
        target = parent / name
        if kind == 0:
            target.mkdir()
            folders.append(target)
        elif kind == 1:
            (parent / f"{name}.yaml").write_text("a: 1\n")
        elif kind == 2:
            (parent / f"{name}.yml").write_text("a: 1\n")
        elif kind == 3:
            (parent / f".{name}.yaml").write_text("a: 1\n")
        elif kind == 4:
            os.symlink(outside, parent / f"{name}-link")  # a linked folder: not entered
            os.symlink(outside / "x.yaml", parent / f"{name}-link.yaml")
        else:
            os.symlink(tmp_path / "missing.yaml", parent / f"{name}-broken.yaml")
    for pattern in ("*.yaml", "**/*.yaml"):
        expected = sorted(base.glob(pattern), key=lambda p: p.parts)
        found = _list_yaml(base, recursive=pattern.startswith("**/"))
        assert [base.joinpath(*parts) for parts, _ in found] == expected
        assert [link for _, link in found] == [p.is_symlink() for p in expected]
    both = sorted([*base.rglob("*.yaml"), *base.rglob("*.yml")], key=str)
    found = _list_yaml(base, recursive=True, suffixes=(".yaml", ".yml"))
    assert sorted(str(base.joinpath(*parts)) for parts, _ in found) == [str(p) for p in both]
    assert _list_yaml(tmp_path / "no such folder", recursive=True) == []


def test_checked_models_share_their_written_fields_but_refuse_to_change_them(tmp_path: Path) -> None:
    """Models validated from files hold one shared set of written fields: assigning to one must fail loudly
    rather than mark the field written in every other model; a copy gets a set of its own."""
    first, _ = check('id: "a1"\ngoals: ["1"]\nunit: vux\ntitle: Första\n', Activity)
    second, _ = check('id: "a2"\ngoals: ["1"]\nunit: vux\ntitle: Andra\n', Activity)
    assert first is not None and second is not None
    assert first.model_fields_set is second.model_fields_set
    with pytest.raises(TypeError, match="not assigned to after loading"):
        first.summary = "Ändrad"
    assert "summary" not in second.model_fields_set
    copied = first.model_copy(update={"title": "Kopia"})
    assert copied.title == "Kopia" and first.title == "Första"
    assert copied.model_fields_set == first.model_fields_set


# ------------------------------------------------------------------ stated figures and how numbers print


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("27/179 (19 %)", {"numerator": Decimal(27), "denominator": Decimal(179), "stated": Decimal(19)}),
        ("89/187 (48%)", {"numerator": Decimal(89), "denominator": Decimal(187), "stated": Decimal(48)}),
        ("353/1 040 (33,9 %)", {"numerator": Decimal(353), "denominator": Decimal(1040), "stated": Decimal("33.9")}),
        ("353/1040", {"numerator": Decimal(353), "denominator": Decimal(1040), "stated": None}),
        ("{numerator: 27, denominator: 179, stated: 19 %}",
         {"numerator": Decimal(27), "denominator": Decimal(179), "stated": Decimal(19)}),
        ("39,0 %", {"value": Decimal("39.0"), "stated": None}),
    ],
)
def test_outcome_with_its_stated_figure(written: str, expected: dict[str, Any]) -> None:
    goal = ok(indicator_goal("history", {"2020": written}), Goal)
    value = goal.indicators[0].history["2020"]
    assert {k: getattr(value, k) for k in expected} == expected
    if value.stated is not None:
        assert value.stated.as_tuple().exponent == expected["stated"].as_tuple().exponent  # decimals kept


def test_stated_needs_numerator_and_denominator() -> None:
    item = one(bad(indicator_goal("history", {"2020": "{value: 15, stated: 19}"}), Goal))
    assert item.code == "E103" and "`stated` is the figure printed beside `numerator`/`denominator`" in item.message
    assert one(bad(indicator_goal("history", {"2020": "27/179 (nitton)"}), Goal)).code == "E103"


def test_target_keeps_the_organisations_word_and_refuses_a_contradicting_one() -> None:
    goal = ok(indicator_goal("targets", {"2020": "Minst 70"}), Goal)
    assert goal.indicators[0].targets["2020"].word == "Minst"
    assert one(bad(indicator_goal("targets", {"2020": "{op: '<=', value: 70, word: minst}"}), Goal)).code == "E103"


def test_indicator_decimals_and_the_repository_default() -> None:
    text = indicator_goal("history", {"2020": "89/187"}) + "    decimals: 0\n"
    goal = ok(text, Goal)
    assert goal.indicators[0].decimals == 0 and goal.indicators[0].share_decimals == 0
    plain = ok(indicator_goal("history", {"2020": "89/187"}), Goal).indicators[0]
    assert plain.share_decimals == 1
    plain.use_default_decimals(2)
    assert plain.share_decimals == 2
    assert one(bad(indicator_goal("history", {"2020": "1"}) + "    decimals: 4\n", Goal)).code == "E103"


def test_goal_followup_states_verdict_or_has_a_manual_one_not_both() -> None:
    stated = ok("period: P\ngoal: 2\nstated:\n  verdict: met\n  met: 2\n  indicators: 3\n", FollowUp)
    assert stated.stated is not None and stated.stated.met == 2
    both = "period: P\ngoal: 2\nverdict:\n  verdict: met\n  justification: J\nstated:\n  verdict: met\n"
    assert "not both" in one(bad(both, FollowUp)).message
    assert one(bad("period: P\nactivity: 1\nstated:\n  met: 1\n", FollowUp)).code == "E103"


def test_report_stated_counts_take_canonical_keys() -> None:
    from avr.model.plan import ReportSpec

    spec = ok("kind: status\nperiod: P\ntitle: T\nstated:\n  counts:\n    done: 13\n  total: 26\n", ReportSpec)
    assert spec.stated is not None and spec.stated.counts == {"done": 13} and spec.stated.total == 26
    assert one(bad("kind: status\nperiod: P\ntitle: T\nstated:\n  counts:\n    klar: 1\n", ReportSpec)).code in (
        "E101", "E103")
