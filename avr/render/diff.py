"""`avr diff` output: a terminal view (rich), Markdown for a pull-request comment, and JSON.

Words come from the label catalogue (`diff:` and the report labels); values are formatted
as in the reports (`2 800 hushåll`, `33,9 % (353 av 1 040)`, `Ska öka`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from avr.compute.changes import ADDED, CHANGED, MOVED, REMOVED, Change, FieldChange
from avr.compute.diff import CountsChange, PlanDiff, RepoDiff, VerdictChange
from avr.compute.diff_interim import TOTAL
from avr.model.common import Verdict
from avr.model.followup import ManualVerdict
from avr.model.goal import Baseline, Target, Value
from avr.render.format import number, target_text, value_text
from avr.render.labels import Labels
from avr.render.sentence import status_sentence

ACTIONS = (CHANGED, MOVED, ADDED, REMOVED)


@dataclass(frozen=True)
class Sides:
    """How the two compared revisions are named in the output."""

    base: str
    base_commit: str | None
    head: str
    head_commit: str | None


# ------------------------------------------------------------------ words for values


def show(value: Any, fc: FieldChange, labels: Labels) -> str:
    """One side of a field change as a reader would write it."""
    if value is None or value == [] or value == {}:
        return str(labels("diff", "empty"))
    if fc.unit is not None and isinstance(value, Decimal):  # an economy amount, in its table's unit
        return f"{number(value, labels.locale, fc.decimals)}\u00a0{labels('interim', 'unit', fc.unit)}"
    if isinstance(value, Target) and fc.indicator is not None:
        return target_text(fc.indicator, value, labels)
    if isinstance(value, Value):
        if fc.indicator is not None:
            return value_text(fc.indicator, value, labels)
        if value.numerator is not None:
            return f"{number(value.numerator, labels.locale)}/{number(value.denominator, labels.locale)}"
        return number(value.value, labels.locale) if value.value is not None else (value.text or "")
    if isinstance(value, Baseline):
        inner = FieldChange(fc.field, None, None, indicator=fc.indicator)
        return f"{value.period}: {show(value.value, inner, labels)}"
    if fc.field == "open" and isinstance(value, bool):  # a recommendation still open after the follow-up
        return str(labels("interim", "open" if value else "closed"))
    if fc.field == "grade" and isinstance(value, str):  # an audit's grading of a control objective
        return str(labels.get("interim", "grade", value, default=value))
    if isinstance(value, ManualVerdict):
        return str(labels("verdict", value.verdict.value))
    if isinstance(value, Verdict):
        return str(labels("verdict", value.value))
    if isinstance(value, bool):
        return str(labels("diff", "yes" if value else "no"))
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return number(value, labels.locale)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list):
        return ", ".join(show(v, fc, labels) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {show(v, fc, labels)}" for k, v in value.items())
    if isinstance(value, BaseModel):
        data = {k: v for k, v in value if v not in (None, [], {})}
        return "(" + ", ".join(f"{k}: {show(v, fc, labels)}" for k, v in data.items()) + ")"
    return str(value)


def field_label(fc: FieldChange, labels: Labels) -> str:
    if fc.field == "amount":  # "Budget 2019, Försörjningsstöd"; a computed total has no label of its own
        return (fc.key or "").replace(TOTAL, str(labels("diff", "computed_total")))
    name = str(labels.get("diff", "field_of", fc.of or "", fc.field, default=None)
               or labels.get("diff", "field", fc.field, default=fc.field))
    if fc.scope is not None:  # a field of a control objective or recommendation of an audit
        name = f"{labels('diff', 'entity', fc.scope[0])} {fc.scope[1]}, {name[:1].lower()}{name[1:]}"
    if fc.key is None:
        return name
    if fc.field == "outcomes" and fc.indicator is not None:
        return f"{name} {fc.indicator.id}"
    return f"{name} {fc.key}"


def heading(change: Change, labels: Labels) -> str:
    """`Mål 2 – Barnfamiljer`, `Uppföljning 2022, aktivitet 1 – NUEVO K2`."""
    if change.entity == "goal":
        head = f"{labels('goal_kind', change.kind or 'goal')} {change.id}"
    elif change.entity == "followup":
        subject = labels("diff", "subject", change.subject or "activity")
        head = f"{labels('diff', 'entity', 'followup')} {change.period}, {subject} {change.id}"
    elif change.entity == "config":
        head = change.id
    elif change.period is not None:  # a control result or recommendation follow-up of a period
        head = f"{labels('diff', 'entity', change.entity)} {change.period}, {change.id}"
    else:
        head = f"{labels('diff', 'entity', change.entity)} {change.id}"
    if change.parent:
        of = labels("diff", "entity", "audit") if change.entity == "audit_followup" else labels("goal_kind", "goal")
        head += f" ({of} {change.parent})"
    return f"{head} – {short(change.title)}" if change.title else head


def short(text: str, limit: int = 80) -> str:
    """Some plans title an activity with a whole paragraph: keep headings to a line."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + " …"


def sentences(c: CountsChange, labels: Labels) -> tuple[str, str]:
    """The status sentence of the period on each side."""
    return (status_sentence(c.old, c.old_org, c.old_noun, labels, c.words_up_to),
            status_sentence(c.new, c.new_org, c.new_noun, labels, c.words_up_to))


def verdict_name(v: VerdictChange, labels: Labels) -> str:
    if v.what == "goal":
        return f"{labels('goal_kind', v.kind or 'goal')} {v.id}"
    return f"{labels('diff', 'entity', 'indicator')} {v.id}"


def verdict_text(verdict: Verdict | None, labels: Labels) -> str:
    if verdict is None:
        return str(labels("diff", "empty"))
    return f"{labels('verdict_symbol', verdict.value)} {labels('verdict', verdict.value)}"


def summary_line(diff: RepoDiff, labels: Labels) -> str:
    """"2 tillagda, 1 ändrad bedömning": each count with its noun in the singular or plural."""
    return ", ".join(labels.count(n, "diff", "summary", key) for key, n in diff.counts().items())


def line_counts(added: int, removed: int, labels: Labels) -> str:
    """"2 rader tillagda, 1 borttagen": the size of a text change."""
    return f"{labels.count(added, 'diff', 'lines', 'added')}, {labels.count(removed, 'diff', 'lines', 'removed')}"


def side_name(name: str, commit: str | None, labels: Labels) -> str:
    if commit is None:
        return str(labels("diff", "working_tree"))
    return f"{name} ({commit[:7]})" if not commit.startswith(name) else commit[:7]


def _groups(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    return [(action, [c for c in changes if c.action == action]) for action in ACTIONS
            if any(c.action == action for c in changes)]


# ------------------------------------------------------------------ Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
# line breaks (CommonMark ends a line at \r too) and other control or invisible-direction characters
_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# `@name` pings a person or a team on GitHub: a zero-width space after `@` keeps it text
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def md_escape(text: str) -> str:
    """User text inside a comment: no markup, no HTML, on one line, pinging nobody."""
    text = _CONTROL.sub("", _BREAKS.sub(" ", text))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@&#8203;", text)


def md_code(text: str) -> str:
    """A file name as a code span that nothing in it can end: a fence longer than any run of
    backticks inside, line breaks and control characters shown as escapes."""
    text = _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"),
                        _BREAKS.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fence(lines: list[str]) -> str:
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _md_field(fc: FieldChange, labels: Labels, details: bool = True) -> list[str]:
    name = md_escape(field_label(fc, labels))
    if not fc.is_text:
        return [f"  - {name}: {md_escape(show(fc.old, fc, labels))} → {md_escape(show(fc.new, fc, labels))}"]
    lines, added, removed = fc.text_lines()
    words = " ".join(
        md_escape(t) if kind == "equal" else (f"~~{md_escape(t)}~~" if kind == "delete" else f"**{md_escape(t)}**")
        for kind, t in fc.word_context()
    )
    fence = _fence(lines)
    if not details:
        return [f"  - {name}: {line_counts(added, removed, labels)}" + (f": {words}" if words else "")]
    out = [f"  - {name}: {line_counts(added, removed, labels)}" + (f": {words}" if words else ""),
           f"    <details><summary>{md_escape(str(labels('diff', 'show_text')))}</summary>", "",
           f"    {fence}diff", *(f"    {line}" for line in lines), f"    {fence}", "", "    </details>"]
    return out


def _md_change(change: Change, labels: Labels, details: bool = True) -> list[str]:
    head = f"- **{md_escape(heading(change, labels))}**"
    if change.old_path:
        head += f" ({labels('diff', 'moved_from')} {md_code(change.old_path)} → {md_code(change.path or '')})"
    elif change.path and change.action != CHANGED:
        head += f" {md_code(change.path)}"
    out = [head]
    for fc in change.fields:
        out += _md_field(fc, labels, details)
    return out


def _md_verdicts(verdicts: list[VerdictChange], labels: Labels) -> list[str]:
    cols = [labels("diff", "column", c) for c in ("item", "period", "before", "after")]
    out = ["| " + " | ".join(cols) + " |", "| --- | --- | --- | --- |"]
    for v in verdicts:
        out.append(f"| {md_escape(verdict_name(v, labels))} | {md_escape(v.period)} | {verdict_text(v.old, labels)} | "
                   f"{verdict_text(v.new, labels)} |")
    return out


# GitHub refuses comments over 65 536 characters; stay well below.
COMMENT_LIMIT = 60_000


def markdown(diff: RepoDiff, sides: Sides, labels: Labels, limit: int = COMMENT_LIMIT) -> str:
    """The comparison as a comment: without the line diffs if too long, then cut at a line."""
    text = _markdown(diff, sides, labels, details=True)
    if len(text) <= limit:
        return text
    text = _markdown(diff, sides, labels, details=False)
    if len(text) <= limit:
        return text
    note = f"\n_{md_escape(str(labels('diff', 'truncated')))}_\n"
    return text[:limit - len(note)].rsplit("\n", 1)[0] + "\n" + note


def _markdown(diff: RepoDiff, sides: Sides, labels: Labels, details: bool) -> str:
    out = [f"## {labels('diff', 'title')}: {md_escape(side_name(sides.base, sides.base_commit, labels))} → "
           f"{md_escape(side_name(sides.head, sides.head_commit, labels))}", ""]
    if diff.empty:
        return "\n".join([*out, str(labels("diff", "no_changes")), ""])
    out += [summary_line(diff, labels), ""]
    if diff.repository:
        out += [f"### {labels('diff', 'repository')}", ""]
        for change in diff.repository:
            out += _md_change(change, labels, details)
        out.append("")
    for plan in diff.plans:
        out += [f"### {md_escape(plan.title)}", "", md_code(plan.path) + (
            f" — **{labels('diff', 'plan_action', plan.action)}**" if plan.action != CHANGED else ""), ""]
        if plan.verdicts:
            out += [f"#### {labels('diff', 'verdicts')}", "", *_md_verdicts(plan.verdicts, labels), ""]
        if plan.counts:
            out += [f"#### {labels('diff', 'counts')}", ""]
            for c in plan.counts:
                before, after = sentences(c, labels)
                out += [f"- {md_escape(c.period)}: {md_escape(before)} → {md_escape(after)}"]
            out.append("")
        for action, changes in _groups(plan.changes):
            out += [f"#### {labels('diff', 'action', action)}", ""]
            for change in changes:
                out += _md_change(change, labels, details)
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ------------------------------------------------------------------ terminal

_STYLE = {ADDED: "green", REMOVED: "red", CHANGED: "yellow", MOVED: "cyan"}


def _term_field(fc: FieldChange, labels: Labels) -> Text:
    line = Text("    " + field_label(fc, labels) + ": ")
    if not fc.is_text:
        line.append(show(fc.old, fc, labels), style="red")
        line.append(" → ")
        line.append(show(fc.new, fc, labels), style="green")
        return line
    _, added, removed = fc.text_lines()
    line.append(line_counts(added, removed, labels))
    for kind, words in fc.word_context():
        # git's word-diff markers, so the change reads without colours too
        marked = {"delete": f"[-{words}-]", "insert": f"{{+{words}+}}"}.get(kind, words)
        line.append(" ")
        line.append(marked, style={"delete": "red", "insert": "green"}.get(kind, "dim"))
    return line


def terminal(diff: RepoDiff, sides: Sides, labels: Labels, console: Console | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=True)
    console.print(Text(f"{labels('diff', 'title')}: {side_name(sides.base, sides.base_commit, labels)} → "
                       f"{side_name(sides.head, sides.head_commit, labels)}", style="bold"))
    if diff.empty:
        console.print(str(labels("diff", "no_changes")))
        return
    console.print(summary_line(diff, labels))
    sections: list[tuple[str, PlanDiff | None, list[Change]]] = []
    if diff.repository:
        sections.append((str(labels("diff", "repository")), None, diff.repository))
    sections += [(plan.title, plan, plan.changes) for plan in diff.plans]
    for title, plan, changes in sections:
        console.print()
        head = Text(title, style="bold underline")
        if plan is not None:
            head.append(f"  {plan.path}", style="dim")
            if plan.action != CHANGED:
                head.append(f"  {labels('diff', 'plan_action', plan.action)}", style=_STYLE[plan.action])
        console.print(head)
        if plan is not None and plan.verdicts:
            table = Table(title=str(labels("diff", "verdicts")), title_justify="left")
            for col in ("item", "period", "before", "after"):
                table.add_column(str(labels("diff", "column", col)))
            for v in plan.verdicts:
                table.add_row(verdict_name(v, labels), v.period, verdict_text(v.old, labels), verdict_text(v.new, labels))
            console.print(table)
        if plan is not None and plan.counts:
            console.print(Text(f"  {labels('diff', 'counts')}", style="bold"))
            for c in plan.counts:
                before, after = sentences(c, labels)
                line = Text(f"    {c.period}: ")
                line.append(before, style="red")
                line.append(" → ")
                line.append(after, style="green")
                console.print(line)
        for action, group in _groups(changes):
            console.print(Text(f"  {labels('diff', 'action', action)}", style=f"bold {_STYLE[action]}"))
            for change in group:
                line = Text("  • " + heading(change, labels))
                if change.old_path:
                    line.append(f" ({labels('diff', 'moved_from')} {change.old_path} → {change.path})", style="cyan")
                elif change.path and change.action != CHANGED:
                    line.append(f" {change.path}", style="dim")
                console.print(line)
                for fc in change.fields:
                    console.print(_term_field(fc, labels))


# ------------------------------------------------------------------ JSON


def plain(value: Any) -> Any:
    """Model values as JSON data: numbers stay numbers, dates become ISO text."""
    if isinstance(value, BaseModel):
        return {k: plain(v) for k, v in value if v not in (None, [], {})}
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _json_field(fc: FieldChange, labels: Labels) -> dict[str, Any]:
    key = field_label(fc, labels) if fc.field == "amount" else fc.key  # an amount's column and row as printed
    out: dict[str, Any] = {"field": fc.field, "key": key, "old": plain(fc.old), "new": plain(fc.new),
                           "old_text": show(fc.old, fc, labels), "new_text": show(fc.new, fc, labels)}
    if fc.scope is not None:
        out["part"] = {"kind": fc.scope[0], "id": fc.scope[1]}
    if fc.is_text:
        lines, added, removed = fc.text_lines()
        out.update(diff=lines, lines_added=added, lines_removed=removed)
    return out


def _json_change(change: Change, labels: Labels) -> dict[str, Any]:
    return {
        "entity": change.entity, "action": change.action, "id": change.id, "title": change.title,
        "kind": change.kind, "parent": change.parent, "period": change.period, "subject": change.subject,
        "path": change.path, "old_path": change.old_path,
        "fields": [_json_field(fc, labels) for fc in change.fields],
    }


def to_json(diff: RepoDiff, sides: Sides, labels: Labels) -> dict[str, Any]:
    return {
        "base": {"rev": sides.base, "commit": sides.base_commit},
        "head": {"rev": sides.head or None, "commit": sides.head_commit},
        "summary": diff.counts(),
        "repository": [_json_change(c, labels) for c in diff.repository],
        "plans": [
            {
                "organisation": p.org, "id": p.id, "title": p.title, "action": p.action, "path": p.path,
                "changes": [_json_change(c, labels) for c in p.changes],
                "counts": [{"period": c.period, "old": dict(c.old.counts), "new": dict(c.new.counts),
                            "old_text": sentences(c, labels)[0], "new_text": sentences(c, labels)[1]}
                           for c in p.counts],
                "verdicts": [{"what": v.what, "id": v.id, "title": v.title, "kind": v.kind, "period": v.period,
                              "old": v.old.value if v.old else None, "new": v.new.value if v.new else None}
                             for v in p.verdicts],
            }
            for p in diff.plans
        ],
    }
