"""CrisisOverride: the crisis guard (kynnys.crisis) inside the NLU pipeline.

Placed last in the pipeline (after DIETClassifier and FallbackClassifier). When the lexicon
guard fires on a message, the intent becomes `crisis` with confidence 1.0, whatever the model
predicted, `crisis` is put first in intent_ranking, and the hit is recorded in the parse
result as `crisis_guard`: {"fired": true, "category": ..., "rule_id": ..., "term": ...}.

Messages starting with "/" (intent payloads such as /greet{"language":"fi"}) are left alone.

KYNNYS_CRISIS_OVERRIDE=off switches the override off. It exists ONLY so that
tools/evaluate_crisis.py can measure the model alone; never set it in a deployment.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from kynnys.crisis import CrisisGuard, CrisisHit, get_guard

CRISIS_INTENT = "crisis"
OUTPUT_KEY = "crisis_guard"
SWITCH_ENV = "KYNNYS_CRISIS_OVERRIDE"

logger = logging.getLogger(__name__)


def override_enabled() -> bool:
    return os.environ.get(SWITCH_ENV, "on").strip().lower() not in {"off", "0", "false", "no"}


def apply_crisis_hit(message: Message, hit: CrisisHit) -> None:
    """Make `crisis` the message's intent and record the guard's hit."""
    crisis = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [
        dict(entry)
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != CRISIS_INTENT
    ]
    message.set(INTENT, crisis, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(crisis), *ranking], add_to_output=True)
    message.set(
        OUTPUT_KEY,
        {"fired": True, "category": hit.category, "rule_id": hit.rule_id, "term": hit.term},
        add_to_output=True,
    )


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisOverride(GraphComponent, IntentClassifier):
    """Forces the intent `crisis` when the lexicon guard fires (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any], guard: CrisisGuard | None = None) -> None:
        self.component_config = config
        self._guard = guard or get_guard()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisOverride:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        if not override_enabled():
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip() or text.lstrip().startswith("/"):
                continue
            try:
                hit = self._guard.check(text)
            except Exception:  # never let the guard break message handling
                logger.exception("crisis guard failed on a message")
                continue
            if hit is not None:
                apply_crisis_hit(message, hit)
        return messages
