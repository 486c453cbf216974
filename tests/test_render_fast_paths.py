"""Shortcuts taken for speed give exactly what the slow path gives."""

from __future__ import annotations

import random

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
