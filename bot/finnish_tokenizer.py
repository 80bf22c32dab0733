"""FinnishTokenizer: Rasa's whitespace tokenizer that also sets each token's lemma from
bot.finnish (spoken forms + simplemma and/or Voikko), so featurizers with `use_lemma: true`
see "haluta" for haluun/haluan/haluisin and "minä" for mä/mun/mulla."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.finnish import LEMMATIZERS, lemma


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FinnishTokenizer(WhitespaceTokenizer):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **WhitespaceTokenizer.get_default_config(),
            # spoken | simplemma | voikko | simplemma+voikko (see bot/finnish.py)
            "lemmatizer": "simplemma",
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.lemmatizer: str = self._config["lemmatizer"]
        if self.lemmatizer not in LEMMATIZERS:
            raise ValueError(f"FinnishTokenizer: lemmatizer must be one of {LEMMATIZERS}")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FinnishTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = lemma(token.text, self.lemmatizer)
        return tokens
