"""The status sentence, Swedish formats, safe Markdown and the rendered reports of the fixture repo."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from reference import write_site as build

from avr.compute.results import StatusCounts
from avr.model.organisation import Organisation
from avr.model.repository import load_repository
from avr.render.format import number
from avr.render.labels import load_labels
from avr.render.markdown import to_html
from avr.render.sentence import status_sentence

FIXTURES = Path(__file__).parent / "fixtures"
SV = load_labels("sv")
UPPSALA = Organisation.model_validate({
    "municipality": "Uppsala kommun", "board": "Arbetsmarknadsnämnden", "board_code": "AMN",
    "statuses": [
        {"label": "Färdig", "means": "done", "phrase": "{n} som färdiga", "phrase_one": "{n} som färdig"},
        {"label": "Påbörjad", "means": "on_track", "phrase": "{n} pågår enligt plan"},
        {"label": "Avviker från plan", "means": "off_track", "phrase": "{n} avviker från plan"},
        {"label": "Stoppad", "means": "stopped", "phrase": "{n} är stoppade", "phrase_one": "{n} är stoppad"},
    ],
})


def counts(**values: int) -> StatusCounts:
    c = StatusCounts()
    c.counts.update(values)
    return c


def test_sentence_of_seed_001() -> None:
    text = status_sentence(counts(done=13, on_track=11, off_track=1, stopped=1), UPPSALA, "activity", SV, 10)
    assert text == ("Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan, "
                    "en avviker från plan och en är stoppad.")


def test_sentence_words_and_gender() -> None:
    bare = Organisation.model_validate({"municipality": "K", "board": "N", "board_code": "N"})
    text = status_sentence(counts(done=1, not_started=2), bare, "commitment", SV, 10)
    assert text == "Av de 3 åtagandena bedöms ett som färdigt och två har inte påbörjats."
    assert status_sentence(counts(on_track=12), bare, "activity", SV, 10) == \
        "Av de 12 aktiviteterna pågår 12 enligt plan."
    assert status_sentence(counts(done=1), bare, "activity", SV, 10) == "Den enda aktiviteten bedöms som färdig."
    assert status_sentence(counts(done=1), bare, "commitment", SV, 10) == "Det enda åtagandet bedöms som färdigt."
    assert status_sentence(counts(on_track=1), bare, "activity", SV, 10) == "Den enda aktiviteten pågår enligt plan."
    assert status_sentence(counts(), bare, "activity", SV, 10) == "Planen har inga aktiviteter."


def test_swedish_number_formats() -> None:
    assert number(Decimal("1040"), "sv_SE") == "1\u00a0040"
    assert number(Decimal("33.94230"), "sv_SE", 1) == "33,9"
    assert number(Decimal("-28.6"), "sv_SE") == "-28,6"
    assert number(Decimal("0.1") + Decimal("0.2"), "sv_SE") == "0,3"


@pytest.mark.parametrize(
    "source",
    ["<script>alert(1)</script>", "[x](javascript:alert(1))", "[x](data:text/html,hi)", '<img src=x onerror="a()">'],
)
def test_markdown_drops_html_and_dangerous_links(source: str) -> None:
    html = to_html(source)
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert 'href="data:' not in html


def test_markdown_keeps_safe_links_and_lists() -> None:
    html = to_html("- a\n- [b](https://example.se/x)\n- [c](mailto:a@b.se)\n- [d](../rel.html)")
    assert html.count("<li>") == 4 and 'href="https://example.se/x"' in html
    assert 'href="mailto:a@b.se"' in html and 'href="../rel.html"' in html


def test_fixture_build_outputs_and_escaping(tmp_path: Path) -> None:
    repo = load_repository(FIXTURES / "mini")
    written = build(repo, tmp_path)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    assert "index.html" in names
    assert "kommun-amn/handlingsplan/uppfoljning-2022.html" in names
    html = (tmp_path / "kommun-amn/handlingsplan/uppfoljning-2022.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html  # text from YAML is never evaluated as a template
    assert "Av de 3 åtagandena bedöms ett som färdigt, ett avviker från plan och ett saknar uppföljning." in html
    md = (tmp_path / "kommun-amn/handlingsplan/uppfoljning-2022.md").read_text(encoding="utf-8")
    assert "| Försenat |" in md and "Klart" in md  # the organisation's own labels
    data = json.loads((tmp_path / "kommun-amn/handlingsplan/uppfoljning-2022.json").read_text(encoding="utf-8"))
    assert data["activity_counts"]["done"] == 1 and data["missing_followup"] == ["3"]


def test_build_is_deterministic(tmp_path: Path) -> None:
    repo = load_repository(FIXTURES / "mini")
    first, second = tmp_path / "a", tmp_path / "b"
    build(repo, first)
    build(load_repository(FIXTURES / "mini"), second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_english_labels(mini_copy: Path, tmp_path: Path) -> None:
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: en\n", encoding="utf-8")
    build(load_repository(mini_copy), tmp_path / "site")  # tmp_path holds the repository
    html = (tmp_path / "site/kommun-amn/handlingsplan/uppfoljning-2022.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Of the 3 commitments" in html


def test_repository_template_override(mini_copy: Path, tmp_path: Path) -> None:
    (mini_copy / "local").mkdir()
    (mini_copy / "local/status.md.j2").write_text("EGEN MALL {{ sentence }}\n", encoding="utf-8")
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates_dir: local\n", encoding="utf-8")
    build(load_repository(mini_copy), tmp_path / "site")  # tmp_path holds the repository
    md = (tmp_path / "site/kommun-amn/handlingsplan/uppfoljning-2022.md").read_text(encoding="utf-8")
    assert md.startswith("EGEN MALL Av de 3 åtagandena")


def test_an_organisations_phrase_in_first_place_puts_its_verb_first() -> None:
    own = Organisation.model_validate({
        "municipality": "K", "board": "N", "board_code": "N",
        "statuses": [{"label": "Klart", "means": "done", "phrase": "{n} är klara", "phrase_one": "{n} är klart"},
                     {"label": "Pågår", "means": "on_track", "phrase": "{n} pågår"}],
    })
    text = status_sentence(counts(done=1, on_track=4), own, "commitment", SV, 10)
    assert text == "Av de 5 åtagandena är ett klart och fyra pågår."
    text = status_sentence(counts(done=2, on_track=1), own, "commitment", SV, 10)
    assert text == "Av de 3 åtagandena är två klara och ett pågår."
    assert status_sentence(counts(done=1), own, "commitment", SV, 10) == "Det enda åtagandet är klart."
    assert status_sentence(counts(done=1), UPPSALA, "activity", SV, 10) == "Den enda aktiviteten bedöms som färdig."


@pytest.mark.parametrize("phrase", ["färdiga: {n}", "{n}", "som färdiga"])
def test_a_phrase_that_cannot_fit_the_sentence_is_refused_with_the_reason(phrase: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="begins with `{n}` and then `som` or a verb"):
        Organisation.model_validate({"municipality": "K", "board": "N", "board_code": "N",
                                     "statuses": [{"label": "Klar", "means": "done", "phrase": phrase}]})
