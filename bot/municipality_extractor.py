"""MunicipalityExtractor: the entity `municipality` (canonical Finnish nominative) for every
Finnish municipality named in a message, in any grammatical case or in Swedish.

The matcher is kynnys.places (shared with the gateway). With `use_voikko: true`, words it does
not know are also given to Voikko: a word whose base form is a municipality's name and whose
word class is place name (paikannimi) counts, unless that name is in
data/places/ambiguous.txt (those need kynnys.places' context rules)."""

from __future__ import annotations

from typing import Any

import regex
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.finnish import _voikko
from kynnys import places

ENTITY = "municipality"
_WORD = regex.compile(r"\p{L}+")


def _voikko_places(text: str, taken: list[tuple[int, int]]) -> list[places.PlaceMatch]:
    voikko = _voikko()
    if voikko is None:
        return []
    municipalities = {name.lower(): name for name in places.all_municipalities()}
    found: list[places.PlaceMatch] = []
    for word in _WORD.finditer(text):
        if any(start <= word.start() < end for start, end in taken):
            continue
        for analysis in voikko.analyze(word.group()):
            base = str(analysis.get("BASEFORM", "")).lower()
            name = municipalities.get(base)
            if (name and analysis.get("CLASS") == "paikannimi"
                    and base not in places._ambiguous()):
                found.append(places.PlaceMatch(name, word.start(), word.end(), word.group()))
                break
    return found


def municipality_entities(text: str, use_voikko: bool = False) -> list[dict[str, Any]]:
    matches = places.find_municipalities(text)
    if use_voikko:
        matches += _voikko_places(text, [(m.start, m.end) for m in matches])
    return [
        {"entity": ENTITY, "value": m.municipality, "start": m.start, "end": m.end,
         "confidence_entity": 1.0}
        for m in sorted(matches, key=lambda m: m.start)
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class MunicipalityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"use_voikko": True}

    def __init__(self, config: dict[str, Any]) -> None:
        self.use_voikko = bool(config.get("use_voikko", True))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MunicipalityExtractor:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            entities = self.add_extractor_name(municipality_entities(text, self.use_voikko))
            if entities:
                message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
