"""The status sentence, exactly as a controller would write it by hand (seed 001):

"Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan, en avviker
från plan och en är stoppad."

Small counts are words (gender-aware: en aktivitet, ett åtagande), the parts use
the organisation's own phrases where it gives them, and every word comes from the
label catalogue.
"""

from __future__ import annotations

import re

from avr.compute.results import COUNT_KEYS, StatusCounts
from avr.model.organisation import Organisation
from avr.render.labels import Labels

# Order of the parts: most advanced first, as the seeds write it.
_ORDER = ("done", "on_track", "off_track", "stopped", "not_started", "unreported")


def count_word(n: int, gender: str, labels: Labels, words_up_to: int) -> str:
    words = labels("number_words", gender)
    return str(words[n]) if 0 < n <= words_up_to and n < len(words) else str(n)


def fill(template: str, **values: object) -> str:
    """Put ``values`` into ``{name}`` places; nothing else in the text is interpreted.

    Phrases come from organisation.yaml and a repository's label overrides: str.format would let them
    reach attributes (`{n.__class__}`), pad to a gigabyte (`{n:>999999999}`) or fail on `{x}`.
    """
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]) if m[1] in values else m[0], template)


def status_sentence(
    counts: StatusCounts,
    organisation: Organisation,
    noun: str,
    labels: Labels,
    words_up_to: int,
) -> str:
    nouns = labels("nouns", noun)
    total = counts.total
    if total == 0:
        return fill(str(labels("sentence_none")), noun_plural=nouns["plural"])
    parts = []
    for key in _ORDER:
        n = counts.counts.get(key, 0)
        if not n:
            continue
        phrase = _phrase(key, n, organisation, labels, nouns["gender"])
        parts.append(fill(phrase, n=count_word(n, nouns["gender"], labels, words_up_to)))
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {labels('sentence_and')} " + parts[-1]
    template = labels("sentence_one") if total == 1 else labels("sentence_many")
    return fill(
        str(template),
        total=total,
        parts=joined,
        noun_singular=nouns["singular"],
        noun_plural=nouns["plural"],
        noun_definite=nouns["definite"],
        noun_definite_plural=nouns["definite_plural"],
    )


def _phrase(key: str, n: int, organisation: Organisation, labels: Labels, gender: str) -> str:
    assert key in COUNT_KEYS
    for entry in organisation.statuses:
        if entry.means.value == key:
            if n == 1 and entry.phrase_one:
                return entry.phrase_one
            if entry.phrase:
                return entry.phrase
    if n == 1:
        # "ett som färdigt", "ett är stoppat": a neuter noun changes the participle
        one = labels.get(f"status_phrase_one_{gender}", key) or labels.get("status_phrase_one", key)
        if one:
            return str(one)
    return str(labels("status_phrase", key))
