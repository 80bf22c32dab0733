"""config.yml: every pipeline component resolves, and the order that safety relies on holds."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.engine.graph import GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe

import bot.finnish_tokenizer  # noqa: F401  (registers the custom components)
import bot.language_detector  # noqa: F401
import bot.municipality_extractor  # noqa: F401
import bot.tfidf_intent_classifier  # noqa: F401

CONFIG = yaml.safe_load((Path(__file__).resolve().parents[2] / "config.yml").read_text("utf-8"))
NAMES = [component["name"] for component in CONFIG["pipeline"]]


def test_language_and_assistant_id() -> None:
    assert CONFIG["language"] == "fi"
    assert CONFIG["assistant_id"] == "kynnys"


def test_every_component_is_a_registered_graph_component() -> None:
    import bot.crisis_override  # noqa: F401

    for name in NAMES:
        component = DefaultV1Recipe._from_registry(name).clazz
        assert issubclass(component, GraphComponent), name


def test_crisis_override_is_last_and_after_the_fallback() -> None:
    assert NAMES[-1] == "bot.crisis_override.CrisisOverride"
    assert NAMES.index("FallbackClassifier") < NAMES.index("bot.crisis_override.CrisisOverride")


def test_the_crisis_classifier_scores_before_the_override_from_existing_examples() -> None:
    classifier = "bot.crisis_classifier.CrisisClassifier"
    assert NAMES.index("bot.tfidf_intent_classifier.TfidfIntentClassifier") < NAMES.index(classifier)
    assert NAMES.index(classifier) < NAMES.index("bot.crisis_override.CrisisOverride")
    settings = next(c for c in CONFIG["pipeline"] if c["name"] == classifier)
    examples = Path(__file__).resolve().parents[2] / settings["examples"]
    assert examples.is_dir() and any(examples.glob("*.yml"))


def test_entities_come_from_our_extractors_not_from_diet() -> None:
    assert "bot.municipality_extractor.MunicipalityExtractor" in NAMES
    assert "bot.language_detector.LanguageDetector" in NAMES
    for component in CONFIG["pipeline"]:
        if component["name"] == "DIETClassifier":
            assert component.get("entity_recognition") is False


def test_rule_policy_has_core_fallback() -> None:
    rule = next(p for p in CONFIG["policies"] if p["name"] == "RulePolicy")
    assert rule["core_fallback_action_name"] == "action_default_fallback"
    assert 0 < rule["core_fallback_threshold"] < 1
