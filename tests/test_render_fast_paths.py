"""Shortcuts taken for speed give exactly what the slow path gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from avr.render.safety import _UNSAFE_LT, _link_finder, _unsafe_link_lines, neutralise_markdown

PIECES = ["<br>", "<sup>", "</sub>",
          "[", "]", "(", ")", ":", " ", "\n", "\n\n", "!", "javascript", "x", "<", ">", "&#93;", "\\", "|", "-", "*",
          "`", "   ", "\t", "#", "1."]


def _links_found(text: str) -> int:
    env: dict[str, object] = {}
    tokens = _link_finder().parse(text, env)
    refs = env.get("references")
    children = [c for t in tokens for c in (t.children or []) if c.type in ("link_open", "image")]
    return len(children) + (len(refs) if isinstance(refs, dict) else 0)


def test_text_without_bracket_pairs_has_no_link_for_the_parser() -> None:
    rng = random.Random(6)
    checked = 0
    for _ in range(3000):
        raw = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))
        text = _UNSAFE_LT.sub("&lt;", raw)  # what neutralise_markdown looks at
        if "](" in text or "]:" in text:
            continue
        checked += 1
        assert _links_found(text) == 0, repr(text)
        assert _unsafe_link_lines(text) == (set(), False)
        assert neutralise_markdown(raw) == text
    assert checked > 500


def test_links_are_still_found_and_defused() -> None:
    assert _unsafe_link_lines("[a](javascript:x)\n")[0] == {0}
    assert _unsafe_link_lines("[a]\n\n[a]: javascript:x\n")[1]
    out = neutralise_markdown("ok\n\n[bad](javascript:alert(1))\n")
    assert "&#91;bad&#93;" in out
    assert neutralise_markdown("plain text, no link (none) [here]\n") == "plain text, no link (none) [here]\n"


TAG_PIECES = ['<td class="num">', "<br/>", "<a href=\"https://example.se\">", "<a href=\"javascript:x\">", "<a href='x'",
              "<img src=x onerror=alert(1)>", "<style>", "</style>", "a{background:url(x)}", "<script>", "</script>",
              "<p\n>", "<div style=\"color:red\">", "<div style='behavior:x'>", "</td>", "<!-- c -->", "<", ">", "/", "\"",
              "'", " ", "\n", "text", "<meta http-equiv=refresh>", "<link href=x>", "<b/ >", "<i =x>", "&lt;", "<svg>"]


def test_remembered_start_tags_give_exactly_the_parser_s_problems() -> None:
    from avr.render.safety import _Checker, html_problems

    rng = random.Random(7)
    _Checker.harmless.clear()
    for _ in range(3000):
        text = "".join(rng.choice(TAG_PIECES) for _ in range(rng.randint(1, 30)))
        assert html_problems(text) == html_problems(text, remember=False), repr(text)
    assert _Checker.harmless  # the shortcut was taken
    assert not any(tag in ("script", "style") for tag, _ in _Checker.harmless.values())


# ------------------------------------------------------------------ the HTML check's shortcut
#
# `_clearly_harmless` may answer "nothing to find" only when the parser finds nothing; every other page
# goes to the parser. Checked on random pages made mostly of the simple pieces it accepts (so that both
# answers occur), on avr's own built pages and the hostile fixture's, and on those pages with hostile
# pieces put in at random places.

SIMPLE_PIECES = ['<td class="num">', "</td>", "<br>", "<br/>", "<br />", '<a href="https://example.se/?a=1&amp;b">',
                 '<a href="javascript:x">', '<a href="&#106;avascript:x">', '<a href=" java\tscript:x">',
                 '<img src="x" onerror="y">', '<p onclick="x">', '<div\nclass="card">', "<dl>", "</dl>",
                 '<div style="color:red">', '<div style="background:url(x)">', "<style>", "</style>",
                 "p{color:red}", "a{background:url(x)}", "@import 'x';", "<STYLE>", '<style media="all">',
                 "<script>", "</script>", "<svg>", "<title>", "</title>", '<rect width="3" height="4"/>',
                 '<meta charset="utf-8">', '<meta http-equiv="refresh">', '<link href="x">', '<link rel="x">',
                 "<!DOCTYPE html>", "<!-- c -->", "<style>a{background:url(x)}</style>",
                 "<style>@im&#112;ort 'x';</style>",
                 "<style>p{}</style>", "<style>p{}</style >", "<!doctype html>", '<input disabled/>', '<p title="it&#39;s">',
                 '<p title="a\'b">', "<p title='x'>", "<P>", "<iframe>", "<object>", "<x:y>", '<a xlink:href="j:x">',
                 '<img srcset="a.png 1x, javascript:x 2x">', "&lt;", "&amp;", "&", ">", "<", "/", '"', "'", "=",
                 " ", "\n", "\r", "\t", "\x00", "text", "å", "\xa0"]

HARMLESS_PIECES = ['<td class="num">', "</td>", "<br>", "<br/>", "<br />", '<a href="https://example.se/?a=1&amp;b">',
                   "<dl>", "</dl>", '<div\nclass="card">', '<div style="color:red">', "<style>", "</style>", "p{color:red}",
                   "<svg>", "<title>", "</title>", '<rect width="3" height="4"/>', '<meta charset="utf-8">',
                   "<style>p{}</style>", '<link rel="x">',
                   "<!DOCTYPE html>", "<input disabled/>", '<p title="it&#39;s">', "<P>", "&lt;",
                   "&amp;", "&", ">", "text", " ", "\n", "å", "\xa0", "=", "/", '"']


def _same_findings(text: str) -> bool:
    """The shortcut's answer, after checking that the check with shortcuts finds exactly what the parser finds."""
    from avr.render.safety import _clearly_harmless, html_problems

    slow = html_problems(text, remember=False)
    fast = _clearly_harmless(text)
    assert not (fast and slow), repr(text)
    assert html_problems(text) == slow, repr(text)
    return fast


def test_html_shortcut_on_random_pages() -> None:
    from avr.render.safety import _Checker

    rng = random.Random(8)
    answers = {True: 0, False: 0}
    for attempt in range(6000):
        if attempt % 1000 == 0:
            _Checker.harmless.clear()  # also without what earlier pages taught it
        pieces = [rng.choice(HARMLESS_PIECES) for _ in range(rng.randint(1, 25))]
        if attempt % 3:  # one piece or more of anything
            for _ in range(rng.randint(1, attempt % 3)):
                pieces.insert(rng.randrange(len(pieces) + 1), rng.choice(SIMPLE_PIECES))
        text = "".join(pieces)
        answers[_same_findings(text)] += 1
    assert answers[True] > 500 and answers[False] > 500, answers


def test_html_shortcut_property() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    piece = st.one_of(st.sampled_from(SIMPLE_PIECES + TAG_PIECES), st.text(alphabet="<>/=\"' \nabcsrt:-!&;#", max_size=12))

    @settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(piece, max_size=30))
    def check(pieces: list[str]) -> None:
        _same_findings("".join(pieces))

    check()


def _built_pages(tmp_path_factory: object, repo: Path) -> list[str]:
    from conftest import run_avr

    out = Path(str(tmp_path_factory.mktemp("site"))) / "site"  # type: ignore[attr-defined]
    proc = run_avr("build", "--repo", repo, "--out", out)
    assert proc.returncode == 0, proc.stderr
    pages = [p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))]
    assert pages
    return pages


def test_html_shortcut_on_built_pages(tmp_path_factory: object) -> None:
    from conftest import FIXTURES, ROOT

    from avr.render.safety import _clearly_harmless

    pages = _built_pages(tmp_path_factory, ROOT) + _built_pages(tmp_path_factory, FIXTURES / "hostile")
    for page in pages:
        assert _clearly_harmless(page)  # avr's own pages take the shortcut, hostile text included
        assert _same_findings(page)
    rng = random.Random(9)
    hostile = [p for p in SIMPLE_PIECES + TAG_PIECES if len(p) > 1]
    small = sorted(pages, key=len)[: max(4, len(pages) // 2)]
    for _ in range(300):
        page = rng.choice(small)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(page) + 1)
            page = page[:at] + rng.choice(hostile) + page[at:]
        _same_findings(page)


# ------------------------------------------------------------------ the sandbox's shortcuts
#
# avr/render/env.py calls macros, the label catalogue and plain functions without the sandbox's checks
# (they cannot apply), reads known-safe attributes looked up as items straight away, and draws each
# completion bar once per number. Every report of the example and fixture repositories must render
# exactly as with Jinja's own sandbox methods, and the checks must still stop what they stop.


def _reference_env(repo: object) -> object:
    """The environment as make_env builds it, but with Jinja's own sandbox methods and no memo."""
    from jinja2.sandbox import SandboxedEnvironment

    from avr.render import env as env_module
    from avr.render.build import report_env

    class Reference(env_module._Sandbox):
        call = SandboxedEnvironment.call
        getitem = SandboxedEnvironment.getitem
        getattr = SandboxedEnvironment.getattr
        is_safe_attribute = SandboxedEnvironment.is_safe_attribute

    saved = env_module._Sandbox, env_module._memoised
    env_module._Sandbox, env_module._memoised = Reference, lambda draw: draw  # type: ignore[misc]
    try:
        return report_env(repo)  # type: ignore[arg-type]
    finally:
        env_module._Sandbox, env_module._memoised = saved  # type: ignore[misc]


def test_reports_render_as_with_jinjas_own_sandbox() -> None:
    from conftest import FIXTURES, ROOT

    from avr.model.repository import load_repository
    from avr.render.build import render_job, report_env, report_jobs

    rendered = 0
    for root in (ROOT, FIXTURES / "hostile", FIXTURES / "interim", FIXTURES / "mini"):
        repo = load_repository(root)
        fast, reference = report_env(repo), _reference_env(repo)
        assert type(fast) is not type(reference)
        for job in report_jobs(repo):
            assert render_job(repo, job, fast) == render_job(repo, job, reference), (root, job.out_base)  # type: ignore[arg-type]
            rendered += 1
    assert rendered > 10


def test_sandbox_shortcuts_keep_the_checks() -> None:
    from jinja2 import pass_context
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import unsafe

    from avr.render.env import make_env
    from avr.render.labels import load_labels

    env = make_env(load_labels("sv"), None)

    def plain(*args: object) -> str:
        return "plain" + repr(args)

    @unsafe
    def refused() -> str:
        return "ran"

    def alters() -> str:
        return "ran"

    alters.alters_data = True  # type: ignore[attr-defined]

    @pass_context
    def with_context(context: object, x: object) -> str:
        return f"{type(context).__name__} {x}"

    def stops() -> str:
        raise StopIteration

    source = ("{% macro m(x) %}<{{ x }}>{% endmacro %}{% for i in [1, 2] %}{{ m(i) }}{{ plain(i) }}"
              "{{ L('field', 'report') }}{{ ctx(i) }}{% endfor %}{{ stops() is undefined }}")
    out = env.from_string(source).render(plain=plain, ctx=with_context, stops=stops)
    word = load_labels("sv")("field", "report")
    assert out == f"<1>plain(1,){word}Context 1<2>plain(2,){word}Context 2True", out
    for function in (refused, alters):
        with pytest.raises(SecurityError):
            env.from_string("{{ f() }}").render(f=function)
        with pytest.raises(SecurityError):
            env.from_string("{% for i in [1] %}{{ f() }}{% endfor %}").render(f=function)

    class Thing:  # methods: called directly unless their function says otherwise
        def plain(self, x: object) -> str:
            return f"method {x}"

        @unsafe
        def refused(self) -> str:
            return "ran"

        def alters(self) -> str:
            return "ran"

        alters.alters_data = True  # type: ignore[attr-defined]

        @pass_context
        def with_context(self, context: object, x: object) -> str:
            return f"{type(context).__name__} {x}"

    thing = Thing()
    out = env.from_string("{% for i in [1, 2] %}{{ p(i) }} {{ c(i) }};{% endfor %}").render(p=thing.plain, c=thing.with_context)
    assert out == "method 1 Context 1;method 2 Context 2;", out
    for method in (thing.refused, thing.alters):
        with pytest.raises(SecurityError):
            env.from_string("{{ f() }}").render(f=method)
    # built-in methods: called directly, except a string's, whose sizes are checked
    shown: dict[str, str] = {}
    out = env.from_string("{% set _ = d.update({'a': 'b'}) %}{{ d.get('a') }}{{ f('x') }}{{ 'ab'.upper() }}").render(
        d=shown, f=len)
    assert out == "b1AB" and shown == {"a": "b"}, out
    for source in ("{{ 'x'.ljust(100000) }}", "{{ s.ljust(100000) }}", "{{ '{:>99999}'.format(1) }}",
                   "{{ s.format(1) }}", "{{ f(100000) }}"):
        with pytest.raises(SecurityError):
            env.from_string(source).render(s="{:>99999}", f="x".center)


def test_compiled_templates_are_shared_only_when_nothing_differs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import ROOT

    from avr.model.repository import load_repository
    from avr.render import env as env_module
    from avr.render.build import render_job, report_env, report_jobs
    from avr.render.labels import load_labels

    counting = _counting
    monkeypatch.setattr(env_module, "own_compiled_folder", lambda: tmp_path / "compiled")  # (empty)

    # a second environment compiles nothing and renders every report of plans/ as one that compiled all
    repo = load_repository(ROOT)
    env_module._CompiledTemplates._code.clear()
    first, second, uncached = report_env(repo), report_env(repo), report_env(repo)
    uncached.bytecode_cache = None
    compiled_first, compiled_second = counting(first), counting(second)
    for job in report_jobs(repo):
        assert render_job(repo, job, first) == render_job(repo, job, second) == render_job(repo, job, uncached), job.out_base
    assert "macros.html.j2" in compiled_first and compiled_second == []

    # a repository's template is compiled again when its text changed
    (tmp_path / "page.html.j2").write_text("{{ 'met' | verdict }} one", encoding="utf-8")
    sv, en = load_labels("sv"), load_labels("en")
    assert env_module.make_env(sv, tmp_path).get_template("page.html.j2").render() == "uppfyllt one"
    (tmp_path / "page.html.j2").write_text("{{ 'met' | verdict }} two", encoding="utf-8")
    assert env_module.make_env(sv, tmp_path).get_template("page.html.j2").render() == "uppfyllt two"
    # Jinja applied the filter to the constant while compiling, so the code holds a label: another catalogue
    # compiles its own
    assert "uppfyllt" in env_module.make_env(sv, tmp_path).compile("{{ 'met' | verdict }}", raw=True)
    assert env_module.make_env(en, tmp_path).get_template("page.html.j2").render() == "met two"
    assert env_module.make_env(sv, tmp_path).get_template("page.html.j2").render() == "uppfyllt two"
    # and so do other settings (a filter added, as the PDF's environment adds one), once
    for expected in (["page.html.j2"], []):
        extended = env_module.make_env(sv, tmp_path)
        extended.filters["extra"] = str
        compiled = counting(extended)
        assert extended.get_template("page.html.j2").render() == "uppfyllt two"
        assert compiled == expected


def _counting(env: object) -> list[str]:
    compiled: list[str] = []
    compile_ = env.compile  # type: ignore[attr-defined]

    def compile(source: str, name: str | None = None, filename: str | None = None, *args: object) -> object:
        compiled.append(str(name))
        return compile_(source, name, filename, *args)

    env.compile = compile  # type: ignore[attr-defined]
    return compiled


def test_own_templates_kept_compiled_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from conftest import ROOT

    from avr.model.repository import load_repository
    from avr.render import env as env_module
    from avr.render.build import render_job, report_env, report_jobs

    folder = tmp_path / "compiled"
    monkeypatch.setattr(env_module, "own_compiled_folder", lambda: folder)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    memory = env_module._CompiledTemplates._code
    repo = load_repository(ROOT)
    jobs = report_jobs(repo)

    def fresh_process() -> tuple[object, list[str]]:  # as a new process: nothing compiled in memory
        memory.clear()
        env = report_env(repo)
        return env, _counting(env)

    uncached = report_env(repo)
    uncached.bytecode_cache = None
    expected = {job.out_base: render_job(repo, job, uncached) for job in jobs}
    first, compiled_first = fresh_process()
    assert all(render_job(repo, job, first) == expected[job.out_base] for job in jobs)  # type: ignore[arg-type]
    assert "macros.html.j2" in compiled_first and (folder / "macros.html.j2.code").is_file()
    assert (folder / "sections+goals.html.j2.code").is_file()
    second, compiled_second = fresh_process()
    assert all(render_job(repo, job, second) == expected[job.out_base] for job in jobs)  # type: ignore[arg-type]
    assert compiled_second == []

    # a damaged file, or one holding other code under a stale key, is compiled again and rewritten
    (folder / "macros.html.j2.code").write_bytes(b"AVRSTORE1\n" + b"x" * 40)
    stale = (folder / "base.html.j2.code").read_bytes()
    (folder / "report.html.j2.code").write_bytes(stale)
    third, compiled_third = fresh_process()
    assert all(render_job(repo, job, third) == expected[job.out_base] for job in jobs)  # type: ignore[arg-type]
    assert sorted(compiled_third) == ["macros.html.j2", "report.html.j2"]
    fourth, compiled_fourth = fresh_process()
    assert all(render_job(repo, job, fourth) == expected[job.out_base] for job in jobs)  # type: ignore[arg-type]
    assert compiled_fourth == []

    # with PYTHONDONTWRITEBYTECODE nothing is written (what is there is read)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    (folder / "macros.html.j2.code").unlink()
    fifth, compiled_fifth = fresh_process()
    assert all(render_job(repo, job, fifth) == expected[job.out_base] for job in jobs)  # type: ignore[arg-type]
    assert compiled_fifth == ["macros.html.j2"]
    assert not (folder / "macros.html.j2.code").exists()


def test_only_avr_s_own_templates_without_filters_run_at_compile_time_go_to_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from avr.render import env as env_module
    from avr.render.labels import load_labels

    own, repo, folder = tmp_path / "own", tmp_path / "repo", tmp_path / "compiled"
    own.mkdir()
    repo.mkdir()
    monkeypatch.setattr(env_module, "builtin_templates", lambda: own)
    monkeypatch.setattr(env_module, "own_compiled_folder", lambda: folder)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    (own / "plain.html.j2").write_text("{{ 'met' }} {{ x | verdict }}", encoding="utf-8")
    (own / "folded.html.j2").write_text("{{ 'met' | verdict }}", encoding="utf-8")  # Jinja runs the filter
    (repo / "page.html.j2").write_text("{{ x | verdict }}", encoding="utf-8")
    env_module._CompiledTemplates._code.clear()
    for labels, words in ((load_labels("sv"), ("met uppfyllt", "uppfyllt")), (load_labels("en"), ("met met", "met"))):
        env = env_module.make_env(labels, repo)
        assert env.get_template("plain.html.j2").render(x="met") == words[0]
        assert env.get_template("folded.html.j2").render() == words[1]
        assert env.get_template("page.html.j2").render(x="met") == words[1]
    assert sorted(p.name for p in folder.iterdir()) == ["plain.html.j2.code"]


def test_items_looked_up_as_attributes_are_still_checked() -> None:
    from jinja2.exceptions import SecurityError

    from avr.render.env import make_env
    from avr.render.labels import load_labels

    env = make_env(load_labels("sv"), None)

    class Card:
        def __init__(self) -> None:
            self.unit = "vux"
            self._secret = "hemligt"

    cards = [Card(), Card()]
    template = env.from_string("{{ cards | map(attribute='unit') | join(',') }}|{{ cards[0]['unit'] }}")
    for _ in range(2):  # before and after the attribute is known safe
        assert template.render(cards=cards) == "vux,vux|vux"
        for source in ("{{ cards | map(attribute='_secret') | join(',') }}", "{{ cards[0]['_secret'] }}"):
            with pytest.raises(SecurityError):
                env.from_string(source).render(cards=cards)
    assert env.from_string("{{ d['unit'] }}").render(d={"unit": "item"}) == "item"  # items of a dict win


def test_completion_bars_drawn_once_are_the_same() -> None:
    from decimal import Decimal

    from avr.render.charts import completion_bar
    from avr.render.env import make_env
    from avr.render.labels import load_labels

    labels = load_labels("sv")
    draw = make_env(labels, None).globals["completion_bar"]
    values: list[object] = [*range(101), Decimal("50"), Decimal("50.0"), Decimal("33.3"), 50, None, 150, -1]
    for _ in range(2):
        for value in values:
            assert draw(value) == completion_bar(value, labels), value  # type: ignore[arg-type]
    assert draw(Decimal("33.3")) != draw(33)


# ------------------------------------------------------------------ JSON through orjson


def _python_json(data: object) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2)


def test_json_is_pythons_byte_for_byte() -> None:
    import datetime as dt
    import math
    import struct

    from avr.render.jsonout import dumps

    rng = random.Random(10)
    floats = [0.0, -0.0, 1.0, 0.1, 1e-4, 9.99e-5, 1e-5, 1e15, 1e16, 1.5e16, 123456789.123, 1e300, 5e-324, 33.9]
    for _ in range(5000):
        floats.append(struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0])
        floats.append(rng.uniform(-1, 1) * 10 ** rng.randint(-12, 20))
        floats.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 8)))
    for value in floats:  # one by one: a page falls back to Python as a whole
        if math.isfinite(value):
            assert dumps({"value": value, "in": [value]}) == _python_json({"value": value, "in": [value]})
    every_character = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    cases: list[object] = [
        {"text": every_character, every_character[:300]: [every_character[::-1]]},
        {"a": [], "b": {}, "c": [1, {"x": None, "y": True, "z": False}], "é": "å\n\t\u2028<"},
        {"big": 10**30, "negative": -(2**63) - 1, "edge": 2**63 - 1, "small": -(2**63)},
        {1: "integer key", "x": 2}, {True: "bool key"}, {None: "none key"}, [[[[[]]]]], "", 0, None,
    ]
    for data in cases:
        assert dumps(data) == _python_json(data), repr(data)[:80]
    for refused in ({"day": dt.date(2022, 1, 1)}, {"set": {1}}, {"bytes": b"x"}):
        with pytest.raises(TypeError):
            _python_json(refused)
        with pytest.raises(TypeError):
            dumps(refused)


def test_json_property() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from avr.render.jsonout import dumps

    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                       st.text())
    trees = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                          st.dictionaries(st.text(max_size=8), inner, max_size=5)),
                         max_leaves=40)

    @settings(max_examples=500, deadline=None)
    @given(trees)
    def check(data: object) -> None:
        assert dumps(data) == _python_json(data)

    check()


def test_two_part_labels_as_the_general_look_up() -> None:
    from conftest import FIXTURES

    from avr.errors import AvrError
    from avr.render.labels import Labels, load_labels

    def general(labels: Labels, *path: str) -> object:
        node: object = labels.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                raise AvrError("missing")
            node = node[part]
        return node

    catalogues = [load_labels("sv"), load_labels("en"), load_labels("sv", FIXTURES / "hostile" / "local"),
                  Labels({"group": "not a group", "list": [1, 2], "empty": {}}, "xx")]
    checked = 0
    for labels in catalogues:
        paths = [(group, key) for group, node in labels.data.items() if isinstance(node, dict) for key in node]
        paths += [(group, "missing") for group in labels.data] + [("missing", "x"), ("group", "x"), ("list", "0")]
        for path in paths:
            try:
                expected = general(labels, *path)
            except AvrError:
                with pytest.raises(AvrError):
                    labels(*path)
            else:
                assert labels(*path) is expected, path
            checked += 1
    assert checked > 300
