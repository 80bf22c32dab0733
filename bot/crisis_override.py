"""CrisisOverride: the crisis guard (kynnys.crisis) inside the NLU pipeline.

Placed last in the pipeline (after DIETClassifier and FallbackClassifier). When the lexicon
guard fires on a message, the intent becomes `crisis` with confidence 1.0, whatever the model
predicted, `crisis` is put first in intent_ranking, and the hit is recorded in the parse
result as `crisis_guard`: {"fired": true, "category": ..., "rule_id": ..., "term": ...}.

Every message whose intent ends up `crisis` also gets `crisis_level` in the parse result. The
model side of a crisis is the crisis classifier's `crisis_score` (bot/crisis_classifier.py,
stop 13; docs/crisis-classifier.md); a pipeline without that classifier uses the intent model's
`crisis` confidence instead, as before:

- `alarm`: the guard fired (see `guard_check_below`), or the score is at least `alarm_threshold`. The bot gives 112 and
  the 24/7 line at once and the gateway moves the chat to the front of the queue and alerts
  every volunteer on shift.
- `check`: the models suspect a crisis but are unsure: the score is below `alarm_threshold` but
  at least `check_threshold`, or the intent model's top guess is `crisis` (also when it lost to
  the FallbackClassifier) while the score is lower. The bot asks gently whether the young person
  is in danger now, with 112 and the 24/7 line in the same message and an "I'm in danger"
  button, but raises no alert. Hyperbole ("tää helle tappaa mut") lands here, not in an alarm.
  Below that the message is left as the model put it: on the development sets those were
  ordinary messages only. Whenever a level is set, the intent becomes `crisis`.

`guard_check_below` (stop 14): a guard hit is an alarm unless the crisis classifier scored the
message below this (0.02 in config.yml: all but sure it is safe). Then it is a check-in: still
112 and the 24/7 line, in a gentle question, and the intent is still `crisis`. Leave-one-set-out
over the 40 measured sets, that turned half of the guard's false alarms (202 of 406) into
check-ins and one crisis hit of 8,550 ("ite murha"). Without a classifier score the guard's hit
is always an alarm. The gateway's own guard asks the bot before it alarms only in bot talk and
only for a short wait (handoff/relay.py); when Rasa is down or slow it alarms at once.

`context_caps_model_alarm` (on by default): when the guard found crisis words but the message's
own context turned them off (a friend's crisis that is over, a lesson or the news, a film, an
if-and-a-laugh joke, a kitchen cut: `CrisisGuard.silenced`), a model `crisis` guess is at most a
`check`, however high the score is. The guard's own hits are not downgraded by context.

The threshold is chosen on the crisis evaluation sets (docs/crisis-evaluation.md).

Messages starting with "/" (intent payloads such as /greet{"language":"fi"}) are left alone:
Rasa sets their intent after the pipeline, so the "I'm in danger now" button (/crisis) has no
level and the action treats it as an alarm.

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

from bot.crisis_classifier import SCORE_KEY
from kynnys.crisis import CrisisGuard, CrisisHit, get_guard

CRISIS_INTENT = "crisis"
FALLBACK_INTENT = "nlu_fallback"
OUTPUT_KEY = "crisis_guard"
LEVEL_KEY = "crisis_level"
ALARM = "alarm"
CHECK = "check"
DEFAULT_ALARM_THRESHOLD = 0.8
DEFAULT_CHECK_THRESHOLD = 0.0
SWITCH_ENV = "KYNNYS_CRISIS_OVERRIDE"

logger = logging.getLogger(__name__)


def override_enabled() -> bool:
    return os.environ.get(SWITCH_ENV, "on").strip().lower() not in {"off", "0", "false", "no"}


def make_crisis_the_intent(
    message: Message, confidence: float, drop: tuple[str, ...] = (CRISIS_INTENT,)
) -> None:
    """`crisis` becomes the intent and heads the ranking; the intents in `drop` leave it."""
    crisis = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [
        dict(entry)
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) not in drop
    ]
    message.set(INTENT, crisis, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(crisis), *ranking], add_to_output=True)


def apply_crisis_hit(message: Message, hit: CrisisHit, model_doubts: bool = False) -> None:
    """Make `crisis` the message's intent and record the guard's hit: an alarm, or a check-in
    when the crisis classifier is all but sure the message is safe (`guard_check_below`)."""
    make_crisis_the_intent(message, 1.0)
    message.set(
        OUTPUT_KEY,
        {"fired": True, "category": hit.category, "rule_id": hit.rule_id, "term": hit.term,
         "model_doubts": model_doubts},
        add_to_output=True,
    )
    message.set(LEVEL_KEY, CHECK if model_doubts else ALARM, add_to_output=True)


def model_crisis_confidence(message: Message) -> float | None:
    """The model's confidence in `crisis` when it is its best guess (also when the
    FallbackClassifier replaced that guess with nlu_fallback), else None."""
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) == CRISIS_INTENT:
        return float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    if intent.get(INTENT_NAME_KEY) != FALLBACK_INTENT:
        return None
    ranking = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != FALLBACK_INTENT
    ]
    if ranking and ranking[0].get(INTENT_NAME_KEY) == CRISIS_INTENT:
        return float(ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    return None


def crisis_score(message: Message) -> float | None:
    """The crisis classifier's score (bot.crisis_classifier), when it scored the message."""
    score = message.get(SCORE_KEY)
    return float(score) if isinstance(score, (int, float)) else None


def apply_model_level(
    message: Message, confidence: float, alarm_threshold: float, context_says_safe: bool = False
) -> None:
    """The guard stayed silent: grade the model's own `crisis` (see the module docstring)."""
    if confidence >= alarm_threshold and not context_says_safe:
        level = ALARM
    else:
        level = CHECK
    intent = message.get(INTENT) or {}
    if intent.get(INTENT_NAME_KEY) != CRISIS_INTENT:  # another intent or nlu_fallback led
        make_crisis_the_intent(message, confidence, drop=(CRISIS_INTENT, FALLBACK_INTENT))
    message.set(LEVEL_KEY, level, add_to_output=True)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisOverride(GraphComponent, IntentClassifier):
    """Forces the intent `crisis` when the lexicon guard fires (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "alarm_threshold": DEFAULT_ALARM_THRESHOLD,
            "check_threshold": DEFAULT_CHECK_THRESHOLD,
            "context_caps_model_alarm": True,
            # a guard hit whose crisis_score is below this is a check-in, not an alarm; 0: never
            "guard_check_below": 0.0,
        }

    def __init__(self, config: dict[str, Any], guard: CrisisGuard | None = None) -> None:
        self.component_config = {**self.get_default_config(), **config}
        threshold = float(self.component_config["alarm_threshold"])
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"CrisisOverride alarm_threshold must be within 0..1, not {threshold}")
        check = float(self.component_config["check_threshold"])
        if not 0.0 <= check <= threshold:
            raise ValueError(
                f"CrisisOverride check_threshold must be within 0..alarm_threshold, not {check}"
            )
        self.alarm_threshold = threshold
        self.check_threshold = check
        self.context_caps_model_alarm = bool(self.component_config["context_caps_model_alarm"])
        doubt = float(self.component_config["guard_check_below"])
        if not 0.0 <= doubt <= check:
            raise ValueError(
                f"CrisisOverride guard_check_below must be within 0..check_threshold, not {doubt}"
            )
        self.guard_check_below = doubt
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
                continue  # intent payloads: Rasa's RegexMessageHandler sets their intent later
            hit = self._check(text)
            score = crisis_score(message)
            if hit is not None:
                apply_crisis_hit(message, hit, score is not None and score < self.guard_check_below)
                continue
            intent_confidence = model_crisis_confidence(message)
            if score is None:  # no crisis classifier in the pipeline: the intent model decides
                score, intent_confidence = intent_confidence, None
            if score is None:
                continue
            if score >= self.check_threshold or (
                intent_confidence is not None and intent_confidence >= self.check_threshold
            ):
                context_says_safe = (
                    self.context_caps_model_alarm
                    and score >= self.alarm_threshold
                    and self._silenced(text)
                )
                apply_model_level(message, score, self.alarm_threshold, context_says_safe)
        return messages

    def _check(self, text: str) -> CrisisHit | None:
        try:
            return self._guard.check(text)
        except Exception:  # never let the guard break message handling
            logger.exception("crisis guard failed on a message")
            return None

    def _silenced(self, text: str) -> bool:
        try:
            return bool(self._guard.silenced(text))
        except Exception:  # on any doubt the model's alarm stands
            logger.exception("crisis guard context failed on a message")
            return False
