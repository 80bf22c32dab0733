"""Every text exists in Finnish, Swedish and English, and buttons lead somewhere real."""

from __future__ import annotations

import string
from pathlib import Path

import yaml

from kynnys import responses

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def language_of(variation: dict) -> str:
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return str(condition["value"])
    return "fi"


def test_every_domain_response_has_fi_sv_and_en() -> None:
    for name, variations in DOMAIN["responses"].items():
        languages = sorted(language_of(v) for v in variations)
        assert languages == ["en", "fi", "sv"], f"{name}: {languages}"
        for variation in variations:
            assert variation["text"].strip(), name


def test_buttons_use_intents_of_the_domain_and_match_across_languages() -> None:
    intents = set(DOMAIN["intents"])
    for name, variations in DOMAIN["responses"].items():
        payloads = []
        for variation in variations:
            buttons = variation.get("buttons") or []
            for button in buttons:
                assert button["payload"].startswith("/") and button["payload"][1:] in intents, name
            payloads.append([b["payload"] for b in buttons])
        assert all(p == payloads[0] for p in payloads), f"{name}: buttons differ between languages"


def test_greeting_says_bot_anonymous_human_and_that_volunteers_read() -> None:
    by_language = {language_of(v): v["text"] for v in DOMAIN["responses"]["utter_greet"]}
    assert "botti, en ihminen" in by_language["fi"]
    assert "Päivystäjät voivat lukea tämän keskustelun" in by_language["fi"]
    assert "bot, inte en människa" in by_language["sv"]
    assert "not a person" in by_language["en"] and "nothing here identifies you" in by_language["en"]


def test_fallback_and_out_of_scope_always_offer_topics_and_a_human() -> None:
    for name in ("utter_default", "utter_out_of_scope", "utter_how_can_i_help"):
        for variation in DOMAIN["responses"][name]:
            payloads = {b["payload"] for b in variation["buttons"]}
            assert "/request_human" in payloads and "/feeling_bad" in payloads, name


def test_action_texts_have_every_language_and_the_same_placeholders() -> None:
    for name, by_language in responses.TEXTS.items():
        assert set(by_language) == set(responses.LANGUAGES), name
        fields = {
            lang: {f for _, f, _, _ in string.Formatter().parse(text) if f}
            for lang, text in by_language.items()
        }
        assert fields["fi"] == fields["sv"] == fields["en"], name


def test_topic_buttons_cover_every_topic_intent_and_a_human() -> None:
    payloads = [b["payload"] for b in responses.topic_buttons("sv")]
    topics = {"feeling_bad", "relationships", "share_news", "bullying_violence", "school_work",
              "substances", "sexuality_identity"}
    assert {p[1:] for p in payloads} == topics | {"request_human"}
    assert responses.text("button_human", "xx") == responses.text("button_human", "fi")
