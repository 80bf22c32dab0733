"""CrisisClassifier: a second, crisis-only model that scores how likely a message means danger.

The intent classifier learns `crisis` as one of many intents from the NLU data alone. This
component learns only "crisis or not", from the NLU data (intent `crisis` against every other
intent) and from labelled real-style messages in `data/crisis/examples/`: the crisis evaluation
sets of earlier stops, each measured blind once and then moved there. Those messages are
written the way young people write in the chat, hard negatives included (hyperbole, grief, a
friend's crisis that is over, films, cooking), which is what the NLU data lacks most.

It does not change the intent. It writes `crisis_score` (0..1) into the parse result, and
`bot.crisis_override.CrisisOverride` grades the crisis from it (alarm, check-in or nothing).
Why and how much it helps: docs/crisis-evaluation.md and docs/crisis-classifier.md.

Features are its own, not the pipeline's, because the examples never pass through the
pipeline's featurizers: word 1–2-grams of spoken-Finnish lemmas (bot.finnish, as the
FinnishTokenizer) and character 2–5-grams inside words, tf-idf weighted, then a
class-balanced logistic regression.
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from bot.finnish import lemma

CRISIS_INTENT = "crisis"
SCORE_KEY = "crisis_score"
MODEL_FILE = "crisis_classifier.skops"
# What a persisted pipeline may contain besides scikit-learn's own types.
TRUSTED_TYPES = frozenset({"scipy.sparse._csr.csr_matrix", "numpy.int64"})
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")

logger = logging.getLogger(__name__)


def lemma_text(text: str) -> str:
    """The words of a message as spoken-Finnish lemmas, space separated (haluun -> haluta)."""
    words = (_EDGE_PUNCTUATION.sub("", word) for word in text.lower().split())
    return " ".join(lemma(word, "spoken") for word in words if word)


def _columns(texts: list[str]) -> np.ndarray:
    """Two columns for the pipeline: the lemmas (word n-grams) and the text (character n-grams)."""
    return np.array([[lemma_text(text), text] for text in texts], dtype=object).reshape(-1, 2)


def example_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob("*.yml"))
    if path.is_file():
        return [path]
    raise ValueError(f"CrisisClassifier: examples not found: {path}")


def load_examples(path: Path) -> list[tuple[str, bool]]:
    """(text, is_crisis) pairs from files with `crisis:` and `non_crisis:` lists of {text: ...}
    (the format of tests/crisis/README.md)."""
    pairs: list[tuple[str, bool]] = []
    for file in example_files(path):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for key, is_crisis in (("crisis", True), ("non_crisis", False)):
            for item in data.get(key) or []:
                text = item.get("text") if isinstance(item, dict) else None
                if not isinstance(text, str) or not text.strip():
                    raise ValueError(f"CrisisClassifier: an item without text in {file} ({key})")
                pairs.append((text.strip(), is_crisis))
    return pairs


class UntrustedModelError(ValueError):
    """The stored model holds types that skops should not load."""


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class CrisisClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # a folder of *.yml files (or one file) of labelled messages; None: NLU data only
            "examples": None,
            # each example message counts this many times an NLU example
            "example_weight": 2.0,
            "C": 30.0,
            "max_iter": 300,
            "min_df": 2,
            "random_state": 1,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        if float(self.config["C"]) <= 0:
            raise ValueError("CrisisClassifier: C must be positive")
        if float(self.config["example_weight"]) <= 0:
            raise ValueError("CrisisClassifier: example_weight must be positive")
        self._model_storage = model_storage
        self._resource = resource
        self.pipeline = pipeline

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The examples are read from disk, not given by the graph: a change in them must
        retrain this component even when the NLU data is unchanged."""
        if not config.get("examples"):
            return None
        digest = hashlib.sha256()
        for file in example_files(Path(config["examples"])):
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
        return digest.hexdigest()

    def _new_pipeline(self) -> Pipeline:
        min_df = int(self.config["min_df"])
        return Pipeline([
            ("features", ColumnTransformer([
                ("words", CountVectorizer(analyzer="word", ngram_range=(1, 2),
                                          token_pattern=r"\S+", min_df=min_df), 0),
                ("chars", CountVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                          min_df=min_df), 1),
            ])),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
            ("regression", LogisticRegression(
                C=float(self.config["C"]),
                max_iter=int(self.config["max_iter"]),
                class_weight="balanced",
                random_state=self.config["random_state"],
            )),
        ])

    def training_examples(
        self, training_data: TrainingData
    ) -> tuple[list[str], list[bool], list[float]]:
        """Texts, labels (crisis or not) and weights: the NLU examples, then the example files."""
        pairs = [
            (str(message.get(TEXT)), message.get(INTENT) == CRISIS_INTENT)
            for message in training_data.intent_examples
            if message.get(TEXT)
        ]
        weights = [1.0] * len(pairs)
        if self.config["examples"]:
            examples = load_examples(Path(self.config["examples"]))
            pairs.extend(examples)
            weights.extend([float(self.config["example_weight"])] * len(examples))
        return [text for text, _ in pairs], [label for _, label in pairs], weights

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels, weights = self.training_examples(training_data)
        if len(set(labels)) < 2:
            logger.warning("CrisisClassifier: needs crisis and other examples; no model trained")
            self.pipeline = None
        else:
            pipeline = self._new_pipeline()
            with warnings.catch_warnings():
                # max_iter is a time limit, not a failure: the ranking is settled long before
                warnings.simplefilter("ignore", ConvergenceWarning)
                pipeline.fit(_columns(texts), np.array(labels, dtype=bool),
                             regression__sample_weight=np.array(weights))
            self.pipeline = pipeline
        self.persist()
        return self._resource

    def persist(self) -> None:
        if self.pipeline is None:
            return
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(self.pipeline, model_dir / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrisisClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / MODEL_FILE
                untrusted = set(sio.get_untrusted_types(file=path)) - TRUSTED_TYPES
                if untrusted:
                    raise UntrustedModelError(
                        f"CrisisClassifier: untrusted types in {path}: {untrusted}")
                pipeline = sio.load(path, trusted=sorted(TRUSTED_TYPES))
        except UntrustedModelError:
            raise
        except (ValueError, FileNotFoundError):  # trained without both classes: nothing stored
            logger.warning("CrisisClassifier: no trained model; the intent model's crisis counts")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, pipeline)

    def scores(self, texts: list[str]) -> list[float]:
        if self.pipeline is None or not texts:
            return []
        probabilities = self.pipeline.predict_proba(_columns(texts))
        crisis_column = list(self.pipeline.classes_).index(True)
        return [float(row[crisis_column]) for row in probabilities]

    def process(self, messages: list[Message]) -> list[Message]:
        if self.pipeline is None:
            return messages
        scored = [
            message for message in messages
            if isinstance(message.get(TEXT), str) and message.get(TEXT).strip()
            and not message.get(TEXT).lstrip().startswith("/")
        ]
        try:
            for message, score in zip(
                scored, self.scores([m.get(TEXT) for m in scored]), strict=True
            ):
                message.set(SCORE_KEY, score, add_to_output=True)
        except Exception:  # never break message handling: CrisisOverride falls back to the intent
            logger.exception("crisis classifier failed on a message")
        return messages
