"""`avr schema`: the JSON Schemas accept every real file as an editor sees it and catch misspelt fields.

An editor's YAML language server types plain scalars by YAML 1.2's core schema (`2020` an integer,
`true` a boolean, `2:1` and `2013-06-30` strings); avr's loader keeps every scalar a string. Each
file is validated in both views with the `jsonschema` package.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_avr
from jsonschema import Draft7Validator
from pydantic import TypeAdapter, ValidationError

from avr.commands.schema import KINDS, NUMBER, TARGET, VALUE, YEAR_OR_ONGOING, generate, undescribed
from avr.model.common import Number, YearOrOngoing
from avr.model.goal import TargetField, ValueField

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def editor_view(text: str) -> Any:
    """The data a YAML 1.2 (core schema) language server sees."""

    def build(node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return {str(build(k)): build(v) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [build(v) for v in node.value]
        value = node.value
        if node.style is not None:  # quoted or block scalar: always a string
            return value
        if _NULL.match(value):
            return None
        if _BOOL.match(value):
            return value.lower() == "true"
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        return value

    return build(yaml.compose(text, Loader=yaml.BaseLoader))


def avr_view(text: str) -> Any:
    """The data avr's loader sees: every scalar a string, an empty value absent."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return None if value == "" else value

    return clean(yaml.load(text, Loader=yaml.BaseLoader))


def kind_of(path: Path) -> str:
    if path.name == "avr.yaml":
        return "avr"
    if path.name in ("organisation.yaml", "plan.yaml"):
        return path.stem
    folders = (("goals", "goal"), ("activities", "activity"), ("followups", "followup"), ("reports", "report"),
               ("economy", "economy"), ("controls", "control"), ("control-results", "control-result"),
               ("audits", "audit"), ("audit-followups", "audit-followup"))
    for folder, kind in folders:
        if folder in path.parts:
            return kind
    raise AssertionError(f"no file kind for {path}")


def repo_files() -> list[Path]:
    files = [ROOT / "avr.yaml", FIXTURES / "mini" / "avr.yaml", FIXTURES / "interim" / "avr.yaml"]
    for plans in (ROOT / "plans", FIXTURES / "mini" / "plans", FIXTURES / "interim" / "plans"):
        files += sorted(plans.rglob("*.yaml"))
    return files


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft7Validator]:
    out = {}
    for kind in KINDS:
        schema = generate(kind)
        Draft7Validator.check_schema(schema)
        out[kind] = Draft7Validator(schema)
    return out


def test_every_file_of_the_repository_validates(validators: dict[str, Draft7Validator]) -> None:
    files = repo_files()
    assert len(files) > 200
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for view in (editor_view, avr_view):
            for error in validators[kind_of(path)].iter_errors(view(text)):
                problems.append(f"{path.relative_to(ROOT)} ({view.__name__}) {list(error.path)}: {error.message}")
    assert problems == []


def _errors(validator: Draft7Validator, text: str) -> list[str]:
    """Every message, including those inside anyOf branches (an editor shows the closest branch's)."""
    messages: list[str] = []

    def walk(errors: Any) -> None:
        for error in errors:
            messages.append(error.message)
            walk(error.context or [])

    walk(validator.iter_errors(editor_view(text)))
    return messages


def test_misspelt_field_is_rejected(validators: dict[str, Draft7Validator]) -> None:
    activity = (ROOT / "plans/uppsala-amn/26-punktsplan/activities/6.yaml").read_text(encoding="utf-8")
    assert _errors(validators["activity"], activity) == []
    misspelt = activity.replace("\ntitle:", "\ntitel:")
    errors = _errors(validators["activity"], misspelt)
    assert any("'titel' was unexpected" in e for e in errors), errors
    assert any("'title' is a required property" in e for e in errors), errors
    # nested models forbid unknown fields too: an indicator's `malvarden`
    goal_text = (FIXTURES / "mini/plans/kommun-amn/handlingsplan/goals/1.yaml").read_text(encoding="utf-8")
    assert _errors(validators["goal"], goal_text) == []
    errors = _errors(validators["goal"], goal_text.replace("    targets:", "    malvarden:"))
    assert any("'malvarden' was unexpected" in e for e in errors), errors


_TABLE = ("id: t\ntitle: T\nkind: period_followup\nunit: mnkr\nsign: costs_negative\n"
          "columns:\n  - {id: utfall, label: Utfall}\nlines:\n")


@pytest.mark.parametrize(
    ("kind", "text", "ok"),
    [
        ("followup", 'period: "2020"\nactivity: 6\nexpected_completion: ongoing\ndate: 2021-01-28\n', True),
        ("followup", "period: 2020\nactivity: 6\nexpected_completion: Ständigt pågående\ncompletion: 60\n", True),
        ("followup", "period: 2020\nactivity: 6\nexpected_completion: snart\n", False),
        ("followup", "period: 2020\nactivity: 6\ndate: 28/1 2021\n", False),
        ("followup", "period: 2020\ngoal: 2:1\noutcomes:\n  andel: 353/1 040\n  antal: 33,9\n  b: {value: 1 040}\n", True),
        ("followup", "period: 2020\ngoal: 2:1\noutcomes:\n  andel: många\n", False),
        ("goal", "id: 1\ntext: x\nindicators:\n  - {id: a, title: A, unit: percent, targets: {2020: ska öka, 2021: ≥ 90}}\n",
         True),
        ("goal", "id: 1\ntext: x\nindicators:\n  - {id: a, title: A, unit: procent}\n", False),
        ("goal", "id: 1\nkind: mål\ntext: x\n", False),
        # `key:` left empty is "not filled in": fine for optional fields, an error for required ones
        ("goal", "id: 1\nkind:\ntitle:\ntext: x\nindicators:\nshared_with:\n", True),
        ("goal", "id: 1\ntext:\n", False),
        # economy amounts as written in the sources, Swedish style; words or units are not amounts
        ("economy", _TABLE + "  - label: A\n    values:\n      utfall: −118,4\n      budget: 381 886\n", True),
        ("economy", _TABLE + "  - label: A\n    values: {utfall: -8.8, budget: 1 040}\ntolerance: 0,1\n", True),
        ("economy", _TABLE + "  - label: A\n    values:\n      utfall: 118,4 Mkr\n", False),
        ("economy", _TABLE + "  - label: A\n    belopp: {utfall: 1}\n", False),
        ("economy", _TABLE.replace("costs_negative", "kostnader_negativa") + "  - label: A\n", False),
        ("control-result", "period: 2022-T2\ncontrol: am-1\nstatus: Klart, avslutat\ndate: 2022-04-20\n", True),
        ("control-result", "period: 2022-T2\nkontroll: am-1\n", False),
        ("audit-followup", 'period: "2012"\naudit: x\nrecommendation: R1\nstatus: Genomförd\n', True),
        ("audit-followup", "period: 2012\naudit: x\nrecommendation: R1\n", False),
        ("audit", "id: a\ntitle: T\nquestion: Q?\nyear: 2011\nobjectives:\n  - {id: 1, question: Q, assessment: A,"
                  " grade: partly_satisfactory}\n", True),
        ("audit", "id: a\ntitle: T\nquestion: Q?\nobjectives:\n  - {id: 1, question: Q, assessment: A, grade: bra}\n",
         False),
    ],
)
def test_scalars_as_written(validators: dict[str, Draft7Validator], kind: str, text: str, ok: bool) -> None:
    assert (_errors(validators[kind], text) == []) is ok


def test_every_field_has_swedish_and_english_descriptions() -> None:
    assert undescribed() == [], "give these fields a Swedish description= and an English json_schema_extra={\"en\": …}"
    activity = generate("activity")
    assert activity["properties"]["title"]["description"] == "Namn på aktiviteten\n\nName of the activity"
    assert activity["additionalProperties"] is False


def test_committed_schemas_are_up_to_date() -> None:
    """schemas/ is committed so that VS Code validates a fresh clone; it must equal what avr generates."""
    for kind in KINDS:
        committed = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert committed == generate(kind), f"schemas/{kind}.schema.json is stale: run `avr schema`"
    assert (ROOT / "avr.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=schemas/avr.schema.json\n"
    )


def test_cli_writes_the_schemas(tmp_path: Path) -> None:
    done = run_avr("schema", "--repo", ROOT, "--out", tmp_path / "s")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(f"{k}.schema.json" for k in KINDS)
    assert json.loads((tmp_path / "s" / "goal.schema.json").read_text(encoding="utf-8")) == generate("goal")


def test_vscode_settings_map_every_file_to_its_schema() -> None:
    """The globs in .vscode/settings.json (documented in docs/filer.md) give each file of plans/ the right schema."""
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    # the interim fixture holds the kinds plans/ has no example of (control results, audit follow-ups)
    for root in (ROOT, FIXTURES / "interim"):
        mapped: dict[Path, str] = {}
        for schema, glob in settings["yaml.schemas"].items():
            kind = Path(schema).name.removesuffix(".schema.json")
            assert kind in KINDS and (ROOT / schema).is_file()
            for path in root.glob(glob):
                assert path not in mapped, f"{path} matches two globs"
                mapped[path] = kind
        files = [root / "avr.yaml", *sorted((root / "plans").rglob("*.yaml"))]
        assert {p: kind_of(p) for p in files} == mapped


@pytest.mark.parametrize(
    ("pattern", "annotation", "text"),
    [
        (TARGET, TargetField, "MINST 70 %"), (TARGET, TargetField, "Högst 30"), (TARGET, TargetField, "≥ 1\u2009040"),
        (TARGET, TargetField, "Ska inte öka."), (TARGET, TargetField, "SKA MINSKA"), (TARGET, TargetField, "snart"),
        (TARGET, TargetField, "ungefär 5"), (VALUE, ValueField, "353/1\u2009040 (34 %)"), (VALUE, ValueField, "−28,6"),
        (VALUE, ValueField, "33,9 Mkr"), (NUMBER, Number, "1\u202f040,5"), (NUMBER, Number, "1_040"),
        (YEAR_OR_ONGOING, YearOrOngoing, "Löpande"), (YEAR_OR_ONGOING, YearOrOngoing, "PÅGÅR STÄNDIGT"),
        (YEAR_OR_ONGOING, YearOrOngoing, "2024"), (YEAR_OR_ONGOING, YearOrOngoing, "snart"),
    ],
)
def test_the_editor_patterns_accept_what_avr_accepts(pattern: str, annotation: Any, text: str) -> None:
    """The schemas' patterns are built from the words and characters the models read: they agree."""
    try:
        TypeAdapter(annotation).validate_python(text)
        accepted = True
    except ValidationError:
        accepted = False
    assert (re.fullmatch(pattern, text) is not None) is accepted, (text, accepted)
