"""TfidfIntentClassifier trained, persisted and loaded through Rasa's real model storage and
CountVectorsFeaturizer (no trained Kynnys model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.tfidf_intent_classifier import TfidfIntentClassifier

EXAMPLES = {
    "crisis": ["haluun kuolla", "mä en jaksa elää", "haluun tappaa itteni", "mietin itsaria"],
    "greet": ["moi", "hei siellä", "moikka kaikki", "terve"],
    "school_work": ["koe huomenna", "läksyt stressaa", "en jaksa koulua", "kokeet ahdistaa"],
}


def _context(node: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=node)


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


class Featurized:
    """Whitespace tokens and character n-gram counts, as the real pipeline gives them."""

    def __init__(self, storage: LocalModelStorage) -> None:
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.featurizer = CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb",
             "min_ngram": 2, "max_ngram": 4},
            storage, Resource("cvf"), _context("cvf"),
        )

    def __call__(self, messages: list[Message], train: bool = False) -> list[Message]:
        data = TrainingData(messages)
        self.tokenizer.process_training_data(data)
        if train:
            self.featurizer.train(data)
        self.featurizer.process(messages)
        return messages


@pytest.fixture()
def featurize(storage: LocalModelStorage) -> Featurized:
    return Featurized(storage)


@pytest.fixture()
def classifier(storage: LocalModelStorage, featurize: Featurized) -> TfidfIntentClassifier:
    messages = featurize([
        Message(data={TEXT: text, "intent": intent})
        for intent, texts in EXAMPLES.items() for text in texts
    ], train=True)
    trained = TfidfIntentClassifier.create(
        TfidfIntentClassifier.get_default_config(), storage, Resource("tfidf"), _context("tfidf")
    )
    trained.train(TrainingData(messages))
    return trained


def _rank(featurize: Featurized, classifier: TfidfIntentClassifier, text: str) -> list[dict]:
    message = featurize([Message(data={TEXT: text})])[0]
    classifier.process([message])
    return list(message.get("intent_ranking"))


def test_trained_classifier_ranks_every_intent(
    featurize: Featurized, classifier: TfidfIntentClassifier
) -> None:
    ranking = _rank(featurize, classifier, "haluun kuolla pois")
    assert ranking[0]["name"] == "crisis"
    assert {entry["name"] for entry in ranking} == set(EXAMPLES)
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)


def test_persisted_classifier_loads_and_gives_the_same_answer(
    storage: LocalModelStorage, featurize: Featurized, classifier: TfidfIntentClassifier
) -> None:
    before = _rank(featurize, classifier, "moikka")
    loaded = TfidfIntentClassifier.load(
        TfidfIntentClassifier.get_default_config(), storage, Resource("tfidf"), _context("tfidf")
    )
    after = _rank(featurize, loaded, "moikka")
    assert [e["name"] for e in after] == [e["name"] for e in before]
    assert after[0]["confidence"] == pytest.approx(before[0]["confidence"])


def test_a_longer_message_does_not_become_more_certain(
    featurize: Featurized, classifier: TfidfIntentClassifier
) -> None:
    """Tf-idf rows are length-normalised: repeating a message does not inflate its confidence
    the way summed raw counts do."""
    once = _rank(featurize, classifier, "koe huomenna")[0]
    thrice = _rank(featurize, classifier, "koe huomenna koe huomenna koe huomenna")[0]
    assert once["name"] == thrice["name"] == "school_work"
    assert thrice["confidence"] == pytest.approx(once["confidence"], abs=0.05)


def test_a_missing_model_file_is_an_error_not_an_untrained_bot(
    storage: LocalModelStorage,
) -> None:
    with pytest.raises(ValueError):
        TfidfIntentClassifier.load(
            TfidfIntentClassifier.get_default_config(), storage, Resource("absent"),
            _context("absent"),
        )


def test_non_positive_regularisation_is_refused(storage: LocalModelStorage) -> None:
    with pytest.raises(ValueError, match="C must be positive"):
        TfidfIntentClassifier.create(
            {**TfidfIntentClassifier.get_default_config(), "C": 0},
            storage, Resource("bad"), _context("bad"),
        )
