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
    noun: str | dict[str, str],
    labels: Labels,
    words_up_to: int,
) -> str:
    """The sentence counting ``noun`` (a catalogue noun's name, or its forms and gender as plan.yaml `terms:`
    gives them)."""
    nouns = labels("nouns", noun) if isinstance(noun, str) else noun
    total = counts.total
    if total == 0:
        return fill(str(labels("sentence_none")), noun_plural=nouns["plural"])
    gender = nouns["gender"]
    parts: list[str] = []
    for key in _ORDER:
        n = counts.counts.get(key, 0)
        if not n:
            continue
        own = _own_phrase(key, n, organisation)
        if own is not None:
            phrase = _verb_first(own, labels) if not parts else own
            if total == 1:  # "Det enda åtagandet är klart": no count
                phrase = phrase.replace("{n} ", "", 1)
        elif total == 1:  # "Den enda aktiviteten bedöms som färdig."
            phrase = _catalogue_phrase("status_phrase_alone", key, False, gender, labels) or _phrase(key, n, labels, gender)
        elif not parts:  # "Av de 26 aktiviteterna bedöms 13 …": the first part's own word order
            phrase = _catalogue_phrase("status_phrase_first", key, n == 1, gender, labels) or _phrase(key, n, labels, gender)
        else:
            phrase = _phrase(key, n, labels, gender)
        parts.append(fill(phrase, n=count_word(n, gender, labels, words_up_to)))
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {labels('sentence_and')} " + parts[-1]
    # "Den enda aktiviteten", "Det enda åtagandet"
    template = (labels.get(f"sentence_one_{gender}") or labels("sentence_one")) if total == 1 else labels("sentence_many")
    return fill(
        str(template),
        total=total,
        parts=joined,
        noun_singular=nouns["singular"],
        noun_plural=nouns["plural"],
        noun_definite=nouns["definite"],
        noun_definite_plural=nouns["definite_plural"],
    )


def _catalogue_phrase(group: str, key: str, one: bool, gender: str, labels: Labels) -> str | None:
    """The most specific of group_one_<gender>, group_one, group_<gender>, group that the catalogue has."""
    names = [f"{group}_one_{gender}", f"{group}_one"] if one else []
    names += [f"{group}_{gender}", group]
    for name in names:
        phrase = labels.get(name, key)
        if phrase:
            return str(phrase)
    return None


def _verb_first(phrase: str, labels: Labels) -> str:
    """An organisation's phrase in first place, after "Av de 26 aktiviteterna", where Swedish puts the verb
    first: "{n} som färdiga" takes the catalogue's lead word ("bedöms 13 som färdiga"), "{n} är klart" turns
    round ("är ett klart"). A catalogue without a lead word (English) keeps the phrase as written. The model
    makes every phrase begin with `{n}` and a word."""
    lead = str(labels.get("sentence_lead") or "")
    count, _, rest = phrase.partition(" ")
    verb, _, tail = rest.partition(" ")
    if not lead or count != "{n}" or not verb:
        return phrase
    if verb == "som":
        return f"{lead} {phrase}"
    return f"{verb} {{n}} {tail}".strip()


def _own_phrase(key: str, n: int, organisation: Organisation) -> str | None:
    """The organisation's own phrase for a status (organisation.yaml `phrase`/`phrase_one`), if it gives one."""
    assert key in COUNT_KEYS
    for entry in organisation.statuses:
        if entry.means.value == key:
            if n == 1 and entry.phrase_one:
                return entry.phrase_one
            if entry.phrase:
                return entry.phrase
    return None


def _phrase(key: str, n: int, labels: Labels, gender: str) -> str:
    if n == 1:
        # "ett som färdigt", "ett är stoppat": a neuter noun changes the participle
        one = labels.get(f"status_phrase_one_{gender}", key) or labels.get("status_phrase_one", key)
        if one:
            return str(one)
    return str(labels("status_phrase", key))
