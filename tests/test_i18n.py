"""avr's own messages in Swedish (the default) and English: AVR_LANG, avr.yaml's `language:`, the catalogues.

The rest of the suite reads the English messages (conftest.py sets AVR_LANG=en); these tests unset or override it.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from avr.errors import CODES

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "avr" / "locale"
PO = LOCALE / "sv" / "LC_MESSAGES" / "avr.po"
MO = PO.with_suffix(".mo")
POT = LOCALE / "avr.pot"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ACTIVITY = "plans/kommun-amn/handlingsplan/activities/1.yaml"


@pytest.fixture(scope="module", autouse=True)
def compiled() -> None:
    """The .mo as `make build` compiles it (it is not in git): made here when missing or older than the .po."""
    if not MO.is_file() or MO.stat().st_mtime < PO.stat().st_mtime:
        with PO.open("rb") as source, MO.open("wb") as target:
            write_mo(target, read_po(source))


def avr(*args: str | Path, cwd: Path | None = None, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AVR_LANG"}
    if lang is not None:
        env["AVR_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "avr", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The mini repository with an unknown field (E101) and an unknown unit (E202)."""
    repo = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", repo)
    activity = repo / ACTIVITY
    activity.write_text(activity.read_text(encoding="utf-8") + "titel: x\n", encoding="utf-8")
    other = repo / "plans/kommun-amn/handlingsplan/activities/3.yaml"
    other.write_text(re.sub(r"(?m)^unit: .*$", "unit: nope", other.read_text(encoding="utf-8")), encoding="utf-8")
    return repo


SV_UNKNOWN_FIELD = f"{ACTIVITY}:5:1: E101 okänt fält `titel` — menar du `title`?"
EN_UNKNOWN_FIELD = f"{ACTIVITY}:5:1: E101 unknown field `titel` — did you mean `title`?"


def test_check_speaks_swedish_by_default(broken: Path) -> None:
    proc = avr("check", cwd=broken)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert SV_UNKNOWN_FIELD in lines
    assert "plans/kommun-amn/handlingsplan/activities/3.yaml:3:7: E202 enhet `nope` finns inte; kända: vux, eb" in lines
    assert lines[-1] == "2 fel, 0 varningar"


def test_avr_lang_en_gives_english_with_the_same_codes_and_places(broken: Path) -> None:
    swedish = avr("check", cwd=broken).stderr.splitlines()
    english = avr("check", cwd=broken, lang="en").stderr.splitlines()
    assert EN_UNKNOWN_FIELD in english
    assert english[-1] == "2 errors, 0 warnings"
    where = re.compile(r"^(\S+: [EW]\d{3}) ")
    assert [m[1] for m in map(where.match, swedish) if m] == [m[1] for m in map(where.match, english) if m]


def test_language_en_in_avr_yaml(broken: Path) -> None:
    config = broken / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nlanguage: en\n", encoding="utf-8")
    assert EN_UNKNOWN_FIELD in avr("check", cwd=broken).stderr.splitlines()
    # from another folder, through --repo
    assert EN_UNKNOWN_FIELD in avr("check", "--repo", broken, cwd=broken.parent).stderr.splitlines()
    # the environment wins over avr.yaml
    assert SV_UNKNOWN_FIELD in avr("check", cwd=broken, lang="sv").stderr.splitlines()


def test_the_report_language_stays_the_messages_language_setting(broken: Path) -> None:
    """`language: sv` (the default) in a repository read with --repo from a folder whose avr.yaml says en."""
    outer = broken.parent
    (outer / "avr.yaml").write_text("language: en\n", encoding="utf-8")
    assert SV_UNKNOWN_FIELD in avr("check", "-C", broken, cwd=outer).stderr.splitlines()


def test_plural_forms_of_the_summary(tmp_path: Path) -> None:
    repo = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", repo)
    activity = repo / ACTIVITY
    activity.write_text(activity.read_text(encoding="utf-8") + "titel: x\n", encoding="utf-8")
    assert avr("check", cwd=repo).stderr.splitlines()[-1] == "1 fel, 0 varningar"
    assert avr("check", cwd=repo, lang="en").stderr.splitlines()[-1] == "1 error, 0 warnings"
    activity.write_text(activity.read_text(encoding="utf-8").replace("titel: x\n", ""), encoding="utf-8")
    assert avr("check", cwd=repo).stderr.strip() == "OK: inga fel"


def test_yaml_syntax_error_in_both_languages(tmp_path: Path) -> None:
    """A load error (E002) from libyaml's own words, and a cached parse replayed in the other language."""
    repo = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", repo)
    (repo / "plans/kommun-amn/handlingsplan/activities/9.yaml").write_text("title: [\n", encoding="utf-8")
    assert "E002 hittade inte förväntat innehåll" in avr("build", cwd=repo).stderr
    assert "E002 did not find expected node content" in avr("build", cwd=repo, lang="en").stderr
    assert "E002 hittade inte förväntat innehåll" in avr("build", cwd=repo).stderr


def test_noop_build_replays_findings_in_the_current_language(tmp_path: Path) -> None:
    """The fast path's cached findings (a warning) and summary come out in the language of this run."""
    repo = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", repo)
    config = repo / "avr.yaml"
    config.write_text(re.sub(r"(?ms)^accessibility:.*", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    old = 1_600_000_000 * 10**9  # inputs saved long before the build, so that the next build can be a no-op
    for path in repo.rglob("*"):
        os.utime(path, ns=(old, old))
    first = avr("build", cwd=repo)
    assert first.returncode == 0 and "W105 tillgänglighetsredogörelsen saknar kontaktuppgifter" in first.stderr
    again = avr("build", cwd=repo)
    assert "W105 tillgänglighetsredogörelsen" in again.stderr and "inget har ändrats" in again.stderr
    english = avr("build", cwd=repo, lang="en")
    assert "W105 the accessibility statement has no contact" in english.stderr
    english_again = avr("build", cwd=repo, lang="en")
    assert "W105 the accessibility statement" in english_again.stderr and "nothing changed" in english_again.stderr
    assert "W105 tillgänglighetsredogörelsen" in avr("build", cwd=repo).stderr


def test_help_in_swedish_and_english(tmp_path: Path) -> None:
    """--help of the app, a command and its options, before any repository is read (decided before typer builds it)."""
    swedish = avr("check", "--help", cwd=tmp_path)
    assert swedish.returncode == 0
    text = " ".join(swedish.stdout.split())
    assert "Kontrollera varje fil och varje hänvisning mellan filer" in text
    assert "Exempel: avr check --strict --format github" in text
    assert "Repots mapp" in text and "Repository folder" not in text
    assert "╭─ Val ─" in swedish.stdout and "[standard: text]" in text  # typer's own panel title and default
    english = " ".join(avr("check", "--help", cwd=tmp_path, lang="en").stdout.split())
    assert "Validate every file and every reference between files" in english and "Repository folder" in english
    top = " ".join(avr("--help", cwd=tmp_path).stdout.split())
    assert "avr bygger uppföljningsrapporter" in top and "Skapa en förifylld fil" in top
    # a repository whose avr.yaml says en, named with --repo
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "avr.yaml").write_text("language: en\n", encoding="utf-8")
    named = " ".join(avr("build", "--repo", tmp_path / "repo", "--help", cwd=tmp_path).stdout.split())
    assert "Compile every report into build/" in named


def test_commands_speak_the_messages_language(mini_copy: Path) -> None:
    """A usage error, `avr todo` and `avr followup start` in Swedish, and in English with AVR_LANG=en."""
    bad = avr("status", "--period", "1999", cwd=mini_copy)
    assert bad.returncode == 2 and "perioden `1999` finns inte; kända: 2021, 2022" in bad.stderr
    assert "unknown period `1999`; known: 2021, 2022" in avr("status", "--period", "1999", cwd=mini_copy, lang="en").stderr
    assert "Att rapportera:" in avr("todo", "2022", cwd=mini_copy).stdout
    assert "To report:" in avr("todo", "2022", cwd=mini_copy, lang="en").stdout
    started = avr("followup", "start", "2022", cwd=mini_copy)
    assert started.returncode == 0
    assert re.search(r"kommun-amn/handlingsplan: skapade \d+ uppföljning(ar)? för 2022", started.stderr), started.stderr
    again = avr("followup", "start", "2022", cwd=mini_copy, lang="en")
    assert re.search(r"created 0 follow-ups for 2022; \d+ already existed", again.stderr), again.stderr


# ------------------------------------------------------------------ the catalogues


def _extracted() -> set[str | tuple[str, ...]]:
    """The msgids in the code now, as `make messages-update` extracts them (babel.cfg)."""
    method_map = [("**.py", "python")]
    found: set[str | tuple[str, ...]] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT / "avr"), method_map):
        found.add(message if isinstance(message, str) else tuple(m for m in message if m is not None))
    return found


def _ids(path: Path) -> dict[str | tuple[str, ...], object]:
    with path.open("rb") as source:
        catalogue = read_po(source)
    return {(m.id if isinstance(m.id, str) else tuple(m.id)): m.string for m in catalogue if m.id}


def test_pot_is_up_to_date_with_the_code() -> None:
    code, pot = _extracted(), set(_ids(POT))
    assert code - pot == set(), "messages missing from avr/locale/avr.pot: run `make messages-update`"
    assert pot - code == set(), "messages no longer in the code: run `make messages-update`"


def test_every_message_has_a_swedish_translation() -> None:
    po = _ids(PO)
    assert set(_ids(POT)) <= set(po), "the Swedish catalogue lacks messages: run `make messages-update`"
    untranslated = [key for key, text in po.items()
                    if not (text.strip() if isinstance(text, str) else all(str(t).strip() for t in text))]  # type: ignore[attr-defined]
    assert untranslated == []
    fields = re.compile(r"\{[^{}]*\}")
    for key, text in po.items():  # a translation names the same fields, or formatting it raises
        source = key if isinstance(key, str) else key[-1]
        for translated in ([text] if isinstance(text, str) else list(text)):  # type: ignore[call-overload]
            assert sorted(fields.findall(translated)) == sorted(fields.findall(source)), (key, translated)


def test_catalogue_declares_swedish_plural_forms() -> None:
    with PO.open("rb") as source:
        catalogue = read_po(source)
    assert catalogue.num_plurals == 2 and catalogue.plural_expr.replace(" ", "") in ("(n!=1)", "n!=1")


_CODE = re.compile(r"^[EW]\d{3}$")
_WORDS = re.compile(r"[A-Za-z]{3}")


def _literal_text(node: ast.AST) -> list[str]:
    """English text written straight into a message expression, not through _() or ngettext()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if _WORDS.search(node.value) else []
    if isinstance(node, ast.Call):
        return []  # _("…"), ngettext(…), "…".format(…) on a translated text, a helper that translates
    return [text for child in ast.iter_child_nodes(node) for text in _literal_text(child)]


def test_every_diagnostic_message_goes_through_the_catalogue() -> None:
    """Every call or tuple that gives a diagnostic code gives its message translated, and every code has one."""
    untranslated: list[str] = []
    used: set[str] = set()
    for path in sorted((ROOT / "avr").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            items = node.args if isinstance(node, ast.Call) else node.elts if isinstance(node, ast.Tuple) else []
            for index, item in enumerate(items):
                if isinstance(item, ast.Constant) and isinstance(item.value, str) and _CODE.match(item.value):
                    used.add(item.value)
                    for rest in items[index + 1:]:
                        untranslated += [f"{path.relative_to(ROOT)}:{rest.lineno}: {item.value} {text!r}"
                                         for text in _literal_text(rest)]
    assert untranslated == []
    assert set(CODES) - used == set(), "codes never given with a message"


def test_a_refused_template_is_explained_in_both_languages(mini_copy: Path) -> None:
    # E701 names what is wrong in the page a repository's own template made: that text is translated too.
    (mini_copy / "local").mkdir()
    (mini_copy / "local/status.html.j2").write_text(
        '<!doctype html><p onclick="x()">{{ sentence }}</p><p style="background:url(a.png)">y</p>\n', encoding="utf-8")
    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates_dir: local\n", encoding="utf-8")
    swedish = avr("build", "--out", mini_copy.parent / "sv", cwd=mini_copy, lang="sv")
    assert swedish.returncode == 1
    assert "E701" in swedish.stderr and "händelseattributet onclick= på <p>" in swedish.stderr, swedish.stderr
    assert "url(a.png) laddar en fil" in swedish.stderr
    english = avr("build", "--out", mini_copy.parent / "en", cwd=mini_copy, lang="en")
    assert "E701" in english.stderr and "event-handler attribute onclick= on <p>" in english.stderr, english.stderr
    assert "url(a.png) loads a file" in english.stderr
