"""Topic words in a lesson, an essay or the news (kynnys/crisis/context.py, `topic_word`
entries and `topic` cues in data/crisis/lexicon.yml). Our own sentences, none from
tests/crisis/. The writer's own thoughts in the same clause keep the hit."""

from __future__ import annotations

import pytest

from kynnys.crisis import get_guard
from kynnys.crisis.lexicon import parse_lexicon

GUARD = get_guard()

A_TOPIC = [
    "biologian tunnilla puhuttiin yliannostuksesta ja maksasta",
    "meillä on essee siitä miten some näyttää itsemurhan",
    "luin artikkelin et itsetuhoisuus on yleistä sairaanhoitajien keskuudessa",
    "meidän kurssilla käsiteltiin seksuaalista väkivaltaa ja oikeusturvaa",
    "vi har en lektion om självmord i morgon",
    "i read an article about overdose deaths in finland",
    "our class is doing a presentation on suicide in the media",
]

THE_WRITER = [
    "mietin itsemurhaa koko biologian tunnin",
    "kirjotan esseetä mut mulla on itsemurha-ajatuksia koko ajan",
    "tunnilla puhuttiin itsemurhasta ja mäkin haluun kuolla",
    "luin artikkelin yliannostuksesta ja haluun ottaa sellasen",
    "i keep thinking about suicide during class",
    "otin yliannostuksen tunti sitten",
    "jag tänker på självmord under varje lektion",
]


@pytest.mark.parametrize("text", A_TOPIC)
def test_a_topic_in_a_lesson_or_the_news_stays_quiet(text: str) -> None:
    assert GUARD.check(text) is None, GUARD.check_all(text)


@pytest.mark.parametrize("text", THE_WRITER)
def test_the_writers_own_thoughts_next_to_a_lesson_still_fire(text: str) -> None:
    assert GUARD.check(text) is not None


def _lexicon(context_extra: dict[str, object], entry_extra: dict[str, object]) -> dict[str, object]:
    return {
        "entries": [{"id": "fi_topic", "category": "suicidal", "any": ["itsemurh*"],
                     "examples": ["itsemurha"], **entry_extra}],
        "context": {
            "others": ["kaveri"], "victims": ["sitä"], "victim_categories": ["violence_now"],
            "self": ["mä"], "self_is": ["oon"], "clause_breaks": ["ja"],
            "cues": [{"id": "cue_lesson", "kind": "topic", "any": ["tunnilla"],
                      "examples": ["tunnilla"]}],
            **context_extra,
        },
    }


def test_only_entries_marked_topic_word_are_turned_off() -> None:
    from kynnys.crisis.guard import CrisisGuard

    marked = CrisisGuard(parse_lexicon(_lexicon({"self_state": ["mietin"]}, {"topic_word": True})))
    plain = CrisisGuard(parse_lexicon(_lexicon({"self_state": ["mietin"]}, {})))
    assert marked.check("tunnilla puhuttiin itsemurhasta") is None
    assert marked.check("mietin itsemurhaa tunnilla") is not None
    assert plain.check("tunnilla puhuttiin itsemurhasta") is not None


def test_self_state_is_optional_in_the_context_section() -> None:
    lexicon = parse_lexicon(_lexicon({}, {"topic_word": True}))
    assert lexicon.context is not None and lexicon.context.self_state is None
    assert lexicon.entries[0].topic_word is True
