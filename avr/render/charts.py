"""Charts as inline SVG, drawn at build time: no scripts, no requests, vector in print and PDF.

Every chart is `role="img"` with an `aria-label` and a `<title>` saying what it shows in words and
numbers; the templates put the same numbers in a table next to it. Colours are the Okabe–Ito
palette (distinguishable with the common colour-vision deficiencies), each drawn with a dark outline
so shapes keep 3:1 contrast, and never carry meaning alone: every colour comes with a symbol and a
word. All text from the user's files is XML-escaped; nothing else of theirs reaches the SVG.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from avr.compute.indicators import amount
from avr.compute.periods import known_at, sort_ids
from avr.model.goal import Indicator, Target, Value
from avr.model.organisation import Period
from avr.render import format as fmt
from avr.render.labels import Labels

INK = "#1b1b1b"
MUTED = "#4a4a4a"
# Okabe–Ito, https://jfly.uni-koeln.de/color/ ; grey darkened to #767676 for 4.5:1 on white
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "done": ("#009E73", "✓"),
    "on_track": ("#0072B2", "→"),
    "off_track": ("#E69F00", "!"),
    "stopped": ("#D55E00", "■"),
    "not_started": ("#CC79A7", "○"),
    "unreported": ("#767676", "?"),
}
VERDICT_STYLE: dict[str, tuple[str, str]] = {
    "met": ("#009E73", "●"),
    "partially_met": ("#E69F00", "◐"),
    "not_met": ("#D55E00", "○"),
    "not_assessed": ("#767676", "?"),
}
OUTCOME_COLOUR = "#0072B2"
TARGET_COLOUR = "#D55E00"
FONT = 'font-family="DejaVu Sans, Segoe UI, Arial, sans-serif"'


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    text = escape(label)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{text}" class="chart" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} font-size="13">'
            f"<title>{text}</title>")
    return Markup(head + "".join(body) + "</svg>")


def _t(x: float, y: float, text: str, anchor: str = "start", size: int = 13, weight: str = "normal",
       fill: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
            f'fill="{fill}">{escape(text)}</text>')


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    count: int
    colour: str
    symbol: str


def _stacked(segments: Sequence[Segment], label: str, width: int = 560) -> Markup:
    """One horizontal bar split by count, then a legend line per segment: symbol, word, number."""
    shown = [s for s in segments if s.count]
    total = sum(s.count for s in shown)
    bar_h, top = 28, 4
    legend_cols = 2
    rows = (len(shown) + legend_cols - 1) // legend_cols
    height = top + bar_h + 10 + rows * 20 + 4
    body: list[str] = []
    x = 0.0
    for seg in shown:
        w = (width - 2) * seg.count / total
        body.append(f'<rect x="{x + 1:.1f}" y="{top}" width="{w:.1f}" height="{bar_h}" fill="{seg.colour}" '
                    f'stroke="{INK}" stroke-width="1"/>')
        if w >= 34:  # room for the symbol and number inside; always repeated in the legend
            body.append(f'<rect x="{x + w / 2 - 15:.1f}" y="{top + 5}" width="32" height="18" rx="3" fill="#fff"/>')
            body.append(_t(x + 1 + w / 2, top + 19, f"{seg.symbol} {seg.count}", "middle", 12, "bold"))
        x += w
    for i, seg in enumerate(shown):
        cx = (i % legend_cols) * (width / legend_cols)
        cy = top + bar_h + 10 + (i // legend_cols) * 20
        body.append(f'<rect x="{cx + 1:.1f}" y="{cy + 2}" width="14" height="14" fill="{seg.colour}" '
                    f'stroke="{INK}" stroke-width="1"/>')
        body.append(_t(cx + 22, cy + 14, f"{seg.symbol} {seg.label}: {seg.count}"))
    return _svg(width, height, label, body)


def status_bar(counts: Any, status_name: Callable[[str], str], labels: Labels, title: str) -> Markup:
    """Done / on track / off track / stopped / not started / unreported of a plan, goal or operation."""
    # the status sentence's order: done, on track, off track, stopped, not started, unreported
    segments = [Segment(key, status_name(key) if key != "unreported" else labels("status", "unreported"),
                        counts.counts[key], *STATUS_STYLE[key]) for key in STATUS_STYLE if counts.counts.get(key)]
    if not any(s.count for s in segments):
        return Markup("")
    parts = ", ".join(f"{s.label} {s.count}" for s in segments if s.count)
    return _stacked(segments, f"{title.rstrip('.')}. {parts} ({labels('column', 'total').lower()} {counts.total}).")


def verdict_bar(verdicts: Sequence[Any], labels: Labels, title: str) -> Markup:
    """How many goals are met, partially met, not met, not assessed."""
    found = [v.value if hasattr(v, "value") else str(v) for v in verdicts]
    segments = [Segment(key, _capital(labels("verdict", key)), found.count(key), *VERDICT_STYLE[key])
                for key in VERDICT_STYLE]
    if not found:
        return Markup("")
    parts = ", ".join(f"{s.label} {s.count}" for s in segments if s.count)
    return _stacked(segments, f"{title.rstrip('.')}. {parts}.")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def completion_bar(percent: Decimal | int | None, labels: Labels) -> Markup:
    """Färdiggrad 0–100 % as a filled bar with the number beside it."""
    if percent is None:
        return Markup("")
    value = max(Decimal(0), min(Decimal(100), Decimal(percent)))
    text = f"{fmt.number(Decimal(percent), labels.locale)}\u00a0%"
    width, bar = 220, 150
    body = [f'<rect x="1" y="3" width="{bar}" height="14" fill="#fff" stroke="{INK}" stroke-width="1"/>',
            f'<rect x="1" y="3" width="{bar * float(value) / 100:.1f}" height="14" fill="{OUTCOME_COLOUR}" '
            f'stroke="{INK}" stroke-width="1"/>',
            _t(bar + 8, 15, text, weight="bold")]
    return _svg(width, 20, f"{labels('field', 'completion')}: {text}", body)


@dataclass(frozen=True)
class SeriesRow:
    period: str
    label: str
    outcome: Value | None
    value: Decimal | None
    target: Target | None
    target_value: Decimal | None  # only numeric targets are drawn


def indicator_series(indicator: Indicator, outcomes: Mapping[str, Value | None],
                     periods: Mapping[str, Period], until: Period | None = None) -> list[SeriesRow]:
    """Every period with an outcome or a target, in date order (end, then start): what the chart and its
    table show.

    Outcomes of periods ending after `until` (the report's period) are left out: a report shows what
    was known at its time (avr.compute.periods). Targets, set in the plan, are shown for every period.
    """
    values: dict[str, Value] = dict(indicator.history)
    values.update({k: v for k, v in outcomes.items() if v is not None})
    if until is not None:
        values = {k: v for k, v in values.items() if known_at(periods, k, until)}
    keys = set(values) | set(indicator.targets)

    rows = []
    for pid in sort_ids(keys, periods):
        target = indicator.targets.get(pid)
        rows.append(SeriesRow(pid, periods[pid].label if pid in periods else pid, values.get(pid),
                              amount(indicator, values.get(pid)), target,
                              target.value if target is not None and target.value is not None else None))
    return rows


def has_chart(rows: Sequence[SeriesRow]) -> bool:
    """A chart says something once there are two numbers to compare (outcomes or numeric targets)."""
    return sum(r.value is not None for r in rows) + sum(r.target_value is not None for r in rows) >= 2 and any(
        r.value is not None for r in rows)


def indicator_chart(indicator: Indicator, rows: Sequence[SeriesRow], labels: Labels) -> Markup:
    """Outcomes as bars, numeric targets as a dashed mark with a diamond, each labelled with its number."""
    if not has_chart(rows):
        return Markup("")
    numbers = [r.value for r in rows if r.value is not None] + [r.target_value for r in rows if r.target_value is not None]
    low = min([Decimal(0), *numbers])
    high = max([Decimal(0), *numbers]) or Decimal(1)
    width, left, right, top, plot_h = 560, 10, 10, 34, 150
    slot = (width - left - right) / len(rows)
    span = float(high - low) * 1.15 or 1.0

    def y(v: Decimal) -> float:
        return top + plot_h - (float(v - low) / span) * plot_h

    outcome_word, target_word = labels("column", "outcome"), labels("column", "target")
    body = [f'<rect x="1" y="2" width="14" height="14" fill="{OUTCOME_COLOUR}" stroke="{INK}" stroke-width="1"/>',
            _t(22, 14, outcome_word),
            f'<path d="M{left} {y(Decimal(0)):.1f} H{width - right}" stroke="{MUTED}" stroke-width="1"/>']
    if any(r.target_value is not None for r in rows):  # the legend names only what is drawn
        body[2:2] = [f'<path d="M150 9 h26" stroke="{TARGET_COLOUR}" stroke-width="3" stroke-dasharray="6 3"/>',
                     f'<path d="M163 2 l7 7 l-7 7 l-7 -7 z" fill="{TARGET_COLOUR}" stroke="{INK}" stroke-width="1"/>',
                     _t(184, 14, target_word)]
    said = []
    for i, row in enumerate(rows):
        cx = left + slot * i + slot / 2
        bw = min(56.0, slot * 0.5)
        outcome_at = target_at = None
        if row.value is not None:
            y0, y1 = sorted((y(Decimal(0)), y(row.value)))
            body.append(f'<rect x="{cx - bw / 2:.1f}" y="{y0:.1f}" width="{bw:.1f}" height="{max(y1 - y0, 1):.1f}" '
                        f'fill="{OUTCOME_COLOUR}" stroke="{INK}" stroke-width="1"/>')
            outcome_text = fmt.value_text(indicator, row.outcome, labels).split(" (")[0]
            outcome_at = y0 - 5 if row.value >= 0 else y1 + 14
            said.append(f"{row.label}: {outcome_word.lower()} {outcome_text}")
        if row.target_value is not None:
            ty = y(row.target_value)
            body.append(f'<path d="M{cx - slot * 0.42:.1f} {ty:.1f} H{cx + slot * 0.42:.1f}" stroke="{TARGET_COLOUR}" '
                        f'stroke-width="3" stroke-dasharray="6 3"/>')
            body.append(f'<path d="M{cx:.1f} {ty - 7:.1f} l7 7 l-7 7 l-7 -7 z" fill="{TARGET_COLOUR}" '
                        f'stroke="{INK}" stroke-width="1"/>')
            target_text = fmt.target_text(indicator, row.target, labels)
            target_at = ty - 11
            said.append(f"{row.label}: {target_word.lower()} {target_text}")
        if outcome_at is not None and target_at is not None:
            outcome_at, target_at = apart(outcome_at, target_at)
        if outcome_at is not None:
            body.append(_t(cx, outcome_at, outcome_text, "middle", 12, "bold"))
        if target_at is not None:
            body.append(_t(cx, target_at, f"◆ {target_text}", "middle", 12))
        body.append(_t(cx, top + plot_h + 20, row.label, "middle", 12, fill=INK))
    title = indicator.title.strip().rstrip(".")  # titles are often whole sentences ending in a full stop
    label = f"{labels('charts', 'indicator_chart')}: {title}. " + "; ".join(said) + "."
    return _svg(width, top + plot_h + 28, label, body)


LINE = 14.0  # px between the baselines of two labels of font size 12 that must not overlap
TOP_LABEL = 30.0  # the highest baseline a label may have: below the legend


def apart(outcome_at: float, target_at: float) -> tuple[float, float]:
    """Baselines for the outcome's and the target's labels that never overlap: when the values are equal or
    close, the label nearer the top moves up to a line above the other (or, with no room above, below it)."""
    if abs(outcome_at - target_at) >= LINE:
        return outcome_at, target_at
    lower = max(outcome_at, target_at)
    upper = lower - LINE
    if upper < TOP_LABEL:  # no room above: the other label goes a line below instead
        upper, lower = min(outcome_at, target_at), min(outcome_at, target_at) + LINE
    # the outcome keeps the place nearer its bar top when they tie
    return (lower, upper) if outcome_at >= target_at else (upper, lower)


def chart_globals(labels: Labels) -> dict[str, Any]:
    """What templates call: `status_bar(r.counts, status_name, title)`, `indicator_chart(ind, rows)`, …"""
    return {
        "status_bar": lambda counts, status_name, title: status_bar(counts, status_name, labels, title),
        "verdict_bar": lambda verdicts, title: verdict_bar(list(verdicts), labels, title),
        "completion_bar": lambda percent: completion_bar(percent, labels),
        "indicator_series": indicator_series,
        "indicator_chart": lambda indicator, rows: indicator_chart(indicator, rows, labels),
        "has_chart": has_chart,
    }
