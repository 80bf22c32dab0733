"""The custom NLU components in bot/, run directly on Rasa Message objects (no trained model)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.finnish import lemma, voikko_available
from bot.finnish_tokenizer import FinnishTokenizer
from bot.language_detector import LanguageDetector, detect_language
from bot.municipality_extractor import MunicipalityExtractor, municipality_entities


def _message(text: str) -> Message:
    return Message(data={TEXT: text})


def _entities(message: Message, entity: str) -> list[dict[str, Any]]:
    return [e for e in message.get(ENTITIES, []) if e["entity"] == entity]


# ---------------------------------------------------------------- FinnishTokenizer / bot.finnish


def _tokens(text: str, lemmatizer: str = "simplemma") -> list[tuple[str, str]]:
    tokenizer = FinnishTokenizer({**FinnishTokenizer.get_default_config(), "lemmatizer": lemmatizer})
    message = _message(text)
    tokenizer.process([message])
    return [(t.text, t.lemma) for t in message.get("text_tokens")]


def test_tokenizer_sets_lemmas_of_spoken_and_standard_finnish() -> None:
    tokens = dict(_tokens("mä haluun puhua jonkun kanssa, ahistaa ja itteni tiiä Tampereella"))
    assert tokens["mä"] == "minä"
    assert tokens["haluun"] == "haluta"
    assert tokens["jonkun"] == "joku"
    assert tokens["ahistaa"] == "ahdistaa"
    assert tokens["itteni"] == "itse"
    assert tokens["tiiä"] == "tietää"
    assert tokens["Tampereella"] == "tampere"


def test_tokenizer_keeps_text_and_offsets() -> None:
    text = "Oon   viillelly"
    tokenizer = FinnishTokenizer(FinnishTokenizer.get_default_config())
    message = _message(text)
    tokenizer.process([message])
    tokens = message.get("text_tokens")
    assert [(t.text, t.start, t.end) for t in tokens] == [("Oon", 0, 3), ("viillelly", 6, 15)]
    assert [t.lemma for t in tokens] == ["olla", "viillellä"]


def test_tokenizer_lemmatizes_training_data_too() -> None:
    tokenizer = FinnishTokenizer(FinnishTokenizer.get_default_config())
    data = TrainingData([Message(data={TEXT: "kiusataan koulussa", "intent": "bullying_violence"})])
    tokenizer.process_training_data(data)
    assert [t.lemma for t in data.training_examples[0].get("text_tokens")] == ["kiusata", "koulu"]


def test_spoken_only_lemmatizer_leaves_standard_inflection() -> None:
    tokens = dict(_tokens("haluun koulussa", "spoken"))
    assert tokens == {"haluun": "haluta", "koulussa": "koulussa"}


def test_voikko_is_installed_and_lemmatizes() -> None:
    assert voikko_available()
    assert lemma("koulussa", "voikko") == "koulu"
    assert lemma("Ylöjärvellä", "voikko") == "ylöjärvi"


def test_unknown_lemmatizer_is_refused() -> None:
    with pytest.raises(ValueError):
        FinnishTokenizer({**FinnishTokenizer.get_default_config(), "lemmatizer": "stemmer"})


# ---------------------------------------------------------------- MunicipalityExtractor


def _extract(text: str, use_voikko: bool = True) -> Message:
    extractor = MunicipalityExtractor({"use_voikko": use_voikko})
    message = _message(text)
    extractor.process([message])
    return message


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("asun Tampereella", "Tampere", "Tampereella"),
        ("mä oon nokialta", "Nokia", "nokialta"),
        ("asun ylöjärvellä nyt", "Ylöjärvi", "ylöjärvellä"),
        ("jag bor i Åbo", "Turku", "Åbo"),
        ("I live in Kotka", "Kotka", "Kotka"),
        ("asun Koski Tl:ssä", "Koski Tl", "Koski Tl:ssä"),
    ],
)
def test_extractor_emits_the_canonical_nominative(text: str, value: str, span: str) -> None:
    [entity] = _entities(_extract(text), "municipality")
    assert entity["value"] == value
    assert entity["extractor"] == "MunicipalityExtractor"
    assert text[entity["start"]:entity["end"]] == span


def test_extractor_offsets_and_several_places() -> None:
    text = "asun Nokialla mutta koulu on Tampereella"
    entities = _entities(_extract(text), "municipality")
    assert [(e["value"], text[e["start"]:e["end"]]) for e in entities] == [
        ("Nokia", "Nokialla"), ("Tampere", "Tampereella")]


@pytest.mark.parametrize(
    "text", ["kävin lahdella uimassa", "mulla on paha olo", "koski oli kaunis",
             '/inform_location{"municipality":"Tampere"}'],
)
def test_extractor_is_silent_without_a_place(text: str) -> None:
    assert _entities(_extract(text), "municipality") == []


def test_extractor_keeps_other_entities() -> None:
    message = Message(data={TEXT: "asun Oulussa", ENTITIES: [{"entity": "language", "value": "fi"}]})
    MunicipalityExtractor({"use_voikko": False}).process([message])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["language", "municipality"]


def test_voikko_fallback_finds_forms_the_matcher_does_not_generate() -> None:
    # plural locative: not generated by kynnys.places, known to Voikko
    assert municipality_entities("olin Tampereilla", use_voikko=False) == []
    [entity] = municipality_entities("olin Tampereilla", use_voikko=True)
    assert entity["value"] == "Tampere"


# ---------------------------------------------------------------- LanguageDetector


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hej", "sv"), ("tack", "sv"), ("Hej, jag mår inte bra", "sv"),
        ("jag vill prata med en människa", "sv"),
        ("hello", "en"), ("thanks", "en"), ("ok thanks", "en"),
        ("I want to talk to a human", "en"), ("they always leave me out on purpose", "en"),
        ("mulla on paha olo", "fi"), ("kiitos", "fi"), ("voinko puhua ihmisen kanssa", "fi"),
    ],
)
def test_clear_languages_are_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    ["ok", "joo", "hi", "moi", "no", "ja", "😊", "Tampere", "okei joo",
     '/greet{"language":"sv"}', "/request_human", ""],
)
def test_short_or_mixed_messages_do_not_switch(text: str) -> None:
    assert detect_language(text) is None


def test_detector_component_emits_language_entity() -> None:
    message = _message("Hej, jag mår inte bra")
    LanguageDetector().process([message])
    [entity] = _entities(message, "language")
    assert entity["value"] == "sv"
    assert entity["extractor"] == "LanguageDetector"
    silent = _message("ok")
    LanguageDetector().process([silent])
    assert _entities(silent, "language") == []
