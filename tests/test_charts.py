"""The inline SVG charts: text alternatives, numbers, symbols with colours, escaping of user text."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from avr.compute.results import StatusCounts
from avr.model.common import Status, Verdict
from avr.model.goal import Indicator, Value
from avr.model.organisation import Period
from avr.render.charts import (
    STATUS_STYLE,
    VERDICT_STYLE,
    completion_bar,
    has_chart,
    indicator_chart,
    indicator_series,
    status_bar,
    verdict_bar,
)
from avr.render.labels import load_labels
from tests.conftest import ROOT, run_avr

SVG = "{http://www.w3.org/2000/svg}"
LABELS = load_labels("sv")
PERIODS = {
    "2017": Period(id="2017", label="År 2017", kind="year", start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31)),
    "2012-H1": Period(id="2012-H1", label="Första halvåret 2012", kind="half_year",
                      start=dt.date(2012, 1, 1), end=dt.date(2012, 6, 30)),
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML or this raises


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def indicator(**extra: object) -> Indicator:
    data = {"id": "x", "title": "Andel <b>barnfamiljer</b> & \"hushåll\"", "unit": "percent", "better": "higher"}
    data.update(extra)
    return Indicator.model_validate(data)


def test_indicator_chart_shows_outcomes_and_targets_with_numbers_and_words() -> None:
    ind = indicator(history={"2012-H1": "295/878", "2017": "30,5"}, targets={"2018": "35"})
    rows = indicator_series(ind, {"2013-H1": Value(numerator=Decimal(353), denominator=Decimal(1040))}, PERIODS)
    # defined periods by date (end, then start); ids no period defines (an error in a repository) after them
    assert [r.period for r in rows] == ["2012-H1", "2017", "2013-H1", "2018"]
    svg = indicator_chart(ind, rows, LABELS)
    root = parse(svg)
    assert root.get("role") == "img"
    label = root.get("aria-label") or ""
    assert label == root.find(f"{SVG}title").text  # type: ignore[union-attr]
    assert "Första halvåret 2012: utfall 33,6\u00a0%" in label and "2013-H1: utfall 33,9\u00a0%" in label
    assert "2018: mål ≥\u00a035\u00a0%" in label or "2018: mål" in label
    shown = texts(root)
    assert "33,9\u00a0%" in shown and "Utfall" in shown and "Mål" in shown
    assert any(t.startswith("◆ ") for t in shown), "targets carry a symbol, not only a colour"
    assert "<script" not in svg and "href" not in svg


def test_user_text_is_escaped_in_the_svg() -> None:
    ind = indicator(history={"2017": "1", "2018": "2"})
    svg = str(indicator_chart(ind, indicator_series(ind, {}, {}), LABELS))
    assert "<b>" not in svg and "&lt;b&gt;barnfamiljer&lt;/b&gt; &amp; &#34;hushåll&#34;" in svg
    assert "Andel <b>barnfamiljer</b> & \"hushåll\"" in (parse(svg).get("aria-label") or "")


def test_no_chart_without_two_numbers() -> None:
    one = indicator(history={"2017": "30"})
    assert not has_chart(indicator_series(one, {}, PERIODS))
    assert str(indicator_chart(one, indicator_series(one, {}, PERIODS), LABELS)) == ""
    words = indicator(history={"2017": {"text": "ökat"}}, targets={"2018": "ska öka"})
    assert not has_chart(indicator_series(words, {}, PERIODS))
    target_only = indicator(targets={"2018": "35", "2019": "40"})
    assert not has_chart(indicator_series(target_only, {}, PERIODS)), "targets alone are no history"


def test_status_bar_pairs_every_colour_with_a_symbol_word_and_number() -> None:
    counts = StatusCounts()
    for status, n in ((Status.DONE, 13), (Status.ON_TRACK, 11), (Status.OFF_TRACK, 1), (Status.STOPPED, 1)):
        for _ in range(n):
            counts.add(status)
    names = {"done": "Färdig", "on_track": "Påbörjad", "off_track": "Avviker från plan", "stopped": "Stoppad"}
    root = parse(status_bar(counts, names.__getitem__, LABELS, "Status – 26-punktsplan"))
    shown = texts(root)
    assert shown[-4:] == ["✓ Färdig: 13", "→ Påbörjad: 11", "! Avviker från plan: 1", "■ Stoppad: 1"]
    assert root.get("aria-label") == ("Status – 26-punktsplan. Färdig 13, Påbörjad 11, Avviker från plan 1, "
                                      "Stoppad 1 (totalt 26).")
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")} - {"#fff"}
    assert fills == {STATUS_STYLE[k][0] for k in names}
    assert all(r.get("stroke") == "#1b1b1b" for r in root.iter(f"{SVG}rect") if r.get("fill") != "#fff")


def test_palette_has_distinct_colours_and_symbols() -> None:
    for style in (STATUS_STYLE, VERDICT_STYLE):
        assert len({c for c, _ in style.values()}) == len(style) or style is VERDICT_STYLE
        assert len({s for _, s in style.values()}) == len(style)


def test_verdict_and_completion_bars() -> None:
    root = parse(verdict_bar([Verdict.MET, Verdict.MET, Verdict.NOT_ASSESSED], LABELS, "Bedömd måluppfyllelse"))
    assert root.get("aria-label") == "Bedömd måluppfyllelse. Uppfyllt 2, Kan inte bedömas 1."
    assert str(verdict_bar([], LABELS, "x")) == ""
    bar = parse(completion_bar(Decimal("62.5"), LABELS))
    assert bar.get("aria-label") == "Färdiggrad: 62,5\u00a0%"
    assert str(completion_bar(None, LABELS)) == ""
    over = parse(completion_bar(140, LABELS))  # drawn full, the number as written
    assert over.get("aria-label") == "Färdiggrad: 140\u00a0%"
    assert max(float(r.get("width") or 0) for r in over.iter(f"{SVG}rect")) == 150


def test_reports_hold_charts_and_markdown_keeps_the_numbers(tmp_path: Path) -> None:
    done = run_avr("build", "--repo", ROOT, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "uppsala-amn/26-punktsplan/december-2020.html").read_text(encoding="utf-8")
    # status bars: the plan, its four operations and goal 1
    assert html.count('role="img"') == 6 and "<script" not in html
    assert 'aria-label="Status – Vuxenutbildning. Färdig 2, Påbörjad 4, Avviker från plan 1 (totalt 7)."' in html
    halvar = (tmp_path / "norrkoping-avn/uppdragsplan-2013/halvar-2013.html").read_text(encoding="utf-8")
    assert halvar.count('role="img"') >= 3  # the verdict bar and indicator charts
    plan = (tmp_path / "linkoping-amn/internbudget-2019/internbudget-2019.html").read_text(encoding="utf-8")
    assert plan.count('<figure class="chart">') >= 5
    md = (tmp_path / "linkoping-amn/internbudget-2019/internbudget-2019.md").read_text(encoding="utf-8")
    assert "<svg" not in md and "3\u00a0130\u00a0hushåll" in md


def test_target_legend_only_when_a_target_is_drawn() -> None:
    ind = indicator(history={"2017": "30", "2018": "31"}, targets={"2018": "ska öka"})
    shown = texts(parse(indicator_chart(ind, indicator_series(ind, {}, {}), LABELS)))
    assert "Utfall" in shown and "Mål" not in shown


def test_indicator_chart_in_a_report_uses_every_known_outcome_up_to_its_period(example_copy: Path) -> None:
    """Outcome entries fetched from Kolada are charted with "Källa: Kolada"; later periods are not."""
    folder = example_copy / "plans/uppsala-amn/26-punktsplan/outcomes"
    for period, value in (("2019", "4,6"), ("2020", "4,4"), ("2021", "4,1")):
        (folder / period).mkdir(parents=True)
        (folder / period / "andel-ekonomiskt-bistand.yaml").write_text(
            f'indicator: andel-ekonomiskt-bistand\nperiod: "{period}"\nvalue: {value}\nsource: kolada\n'
            'kpi: N31807\nmunicipality: "0380"\nfetched: 2024-05-20\n', encoding="utf-8")
    out = example_copy / "out"
    done = run_avr("build", "--repo", example_copy, "--out", out)
    assert done.returncode == 0, done.stderr
    html = (out / "uppsala-amn/26-punktsplan/december-2020.html").read_text(encoding="utf-8")
    label = next(m for m in html.split('aria-label="')[1:] if m.startswith("Diagram: Andel invånare"))
    label = label.split('"')[0]
    assert "December 2019: utfall 4,6\u00a0%; December 2020: utfall 4,4\u00a0%;" in label
    assert "December 2022: mål ≤\u00a04\u00a0%" in label
    assert "4,1" not in label, "an outcome after the report's period"
    assert "Diagram: Andel invånare med ekonomiskt bistånd (Källa: Kolada)</figcaption>" in html


def _label_baselines(svg: str) -> tuple[float, float]:
    """The baselines of the outcome's label (bold) and the target's (◆) in a one-period chart."""
    root = parse(svg)
    found = {t.text: float(t.get("y", "0")) for t in root.iter(f"{SVG}text") if t.text}
    outcome = next(y for text, y in found.items() if text[0].isdigit())
    target = next(y for text, y in found.items() if text.startswith("◆"))
    return outcome, target


def test_outcome_and_target_labels_never_overlap() -> None:
    """Equal, near-equal and distant values: the two labels of a period stay at least a line apart."""
    for outcome, target, better in (("90", "≥ 90", "higher"), ("91,1", "≥ 90", "higher"), ("90", "≥ 91,1", "higher"),
                                    ("338", "330", "lower"), ("0", "≥ 0", "higher"), ("40", "≥ 90", "higher")):
        ind = Indicator.model_validate({"id": "i", "title": "Andel", "unit": "percent" if better == "higher" else "households",
                                        "better": better, "history": {"2017": outcome}, "targets": {"2017": target}})
        svg = str(indicator_chart(ind, indicator_series(ind, {}, PERIODS), LABELS))
        at_outcome, at_target = _label_baselines(svg)
        assert abs(at_outcome - at_target) >= 14, (outcome, target, at_outcome, at_target)
        assert min(at_outcome, at_target) >= 20, "below the legend"


def test_bare_targets_carry_their_sign_bound_to_the_number() -> None:
    from avr.render.format import target_text

    lower = Indicator.model_validate({"id": "h", "title": "Hushåll", "unit": "households", "better": "lower",
                                      "targets": {"2025": "330"}})
    higher = Indicator.model_validate({"id": "p", "title": "Andel", "unit": "percent", "better": "higher",
                                       "targets": {"2025": "90"}})
    assert target_text(lower, lower.targets["2025"], LABELS) == "≤\u00a0330\u00a0hushåll"
    assert target_text(higher, higher.targets["2025"], LABELS) == "≥\u00a090\u00a0%"
