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
FinnishTokenizer) and character 2–5-grams of the text, across word boundaries since stop 14
(`char_analyzer`; inside words before), tf-idf weighted, then a class-balanced logistic
regression.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import normalize

from bot.finnish import lemma
from kynnys.crisis.evaluation import load_eval_set

CRISIS_INTENT = "crisis"
SCORE_KEY = "crisis_score"
VOCABULARY_FILE = "vocabulary.json"
WEIGHTS_FILE = "weights.npz"
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
# "char": character n-grams across word boundaries ("en jaksa" gives "n ja"), "char_wb": inside
# words only (stop 13's models, read back as such)
CHAR_ANALYZERS = ("char", "char_wb")
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
    """(text, is_crisis) pairs from files in the evaluation-set format (tests/crisis/README.md)."""
    return [
        (item.text.strip(), item.crisis)
        for file in example_files(path)
        for item in load_eval_set(file)
    ]


def _word_vectorizer(**settings: Any) -> CountVectorizer:
    return CountVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, token_pattern=r"\S+",
                           **settings)


def _checked_analyzer(analyzer: object) -> str:
    if analyzer not in CHAR_ANALYZERS:
        raise ValueError(f"CrisisClassifier: char_analyzer must be one of {CHAR_ANALYZERS}")
    return str(analyzer)


def _char_vectorizer(analyzer: str, **settings: Any) -> CountVectorizer:
    return CountVectorizer(analyzer=_checked_analyzer(analyzer), ngram_range=CHAR_NGRAMS,
                           **settings)


@dataclass
class CrisisScorer:
    """The trained model in the form it is stored and used: the two vocabularies, the idf
    weights and the regression's weights. Stored as JSON and a NumPy archive (no pickle), and
    much smaller in memory than the fitted scikit-learn pipeline (which keeps every n-gram it
    cut away)."""

    words: list[str]
    chars: list[str]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    char_analyzer: str = "char_wb"

    def __post_init__(self) -> None:
        self._words = _word_vectorizer(vocabulary={t: i for i, t in enumerate(self.words)})
        self._chars = _char_vectorizer(self.char_analyzer,
                                       vocabulary={t: i for i, t in enumerate(self.chars)})

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> CrisisScorer:
        features = pipeline.named_steps["features"]
        regression = pipeline.named_steps["regression"]
        if list(regression.classes_) != [False, True]:
            raise ValueError("CrisisClassifier: the regression must be crisis-or-not")

        def ordered(vectorizer: CountVectorizer) -> list[str]:
            terms = [""] * len(vectorizer.vocabulary_)
            for term, index in vectorizer.vocabulary_.items():
                terms[index] = term
            return terms

        chars = features.named_transformers_["chars"]
        return cls(
            words=ordered(features.named_transformers_["words"]),
            chars=ordered(chars),
            idf=np.asarray(pipeline.named_steps["tfidf"].idf_, dtype=np.float64),
            coef=np.asarray(regression.coef_[0], dtype=np.float64),
            intercept=float(regression.intercept_[0]),
            char_analyzer=str(chars.analyzer),
        )

    def scores(self, texts: list[str]) -> np.ndarray:
        """P(crisis) per text: sublinear tf-idf, L2 norm, logistic regression."""
        columns = _columns(texts)
        counts = hstack([
            self._words.transform(columns[:, 0]), self._chars.transform(columns[:, 1])
        ]).tocsr().astype(np.float64)
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        weighted = normalize(csr_matrix(counts.multiply(self.idf)))
        logits = weighted @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def save(self, folder: Path) -> None:
        (folder / VOCABULARY_FILE).write_text(
            json.dumps({"words": self.words, "chars": self.chars,
                        "char_analyzer": self.char_analyzer}, ensure_ascii=False),
            encoding="utf-8")
        np.savez(folder / WEIGHTS_FILE, idf=self.idf, coef=self.coef,
                 intercept=np.array([self.intercept]))

    @classmethod
    def load(cls, folder: Path) -> CrisisScorer:
        vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as weights:
            idf, coef, intercept = weights["idf"], weights["coef"], weights["intercept"]
        words, chars = list(vocabulary["words"]), list(vocabulary["chars"])
        if not len(idf) == len(coef) == len(words) + len(chars):
            raise ValueError(f"CrisisClassifier: vocabulary and weights of {folder} differ")
        # a model stored before char_analyzer was kept used character n-grams inside words
        analyzer = str(vocabulary.get("char_analyzer", "char_wb"))
        return cls(words, chars, idf, coef, float(intercept[0]), analyzer)


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
            # character n-grams across word boundaries or inside words (CHAR_ANALYZERS)
            "char_analyzer": "char",
            "random_state": 1,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        scorer: CrisisScorer | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        if float(self.config["C"]) <= 0:
            raise ValueError("CrisisClassifier: C must be positive")
        if float(self.config["example_weight"]) <= 0:
            raise ValueError("CrisisClassifier: example_weight must be positive")
        _checked_analyzer(self.config["char_analyzer"])
        self._model_storage = model_storage
        self._resource = resource
        self.scorer = scorer

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
                ("words", _word_vectorizer(min_df=min_df), 0),
                ("chars", _char_vectorizer(str(self.config["char_analyzer"]), min_df=min_df), 1),
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
            self.scorer = None
        else:
            pipeline = self._new_pipeline()
            with warnings.catch_warnings():
                # max_iter is a time limit, not a failure: the ranking is settled long before
                warnings.simplefilter("ignore", ConvergenceWarning)
                pipeline.fit(_columns(texts), np.array(labels, dtype=bool),
                             regression__sample_weight=np.array(weights))
            self.scorer = CrisisScorer.from_pipeline(pipeline)
        self.persist()
        return self._resource

    def persist(self) -> None:
        if self.scorer is None:
            return
        with self._model_storage.write_to(self._resource) as model_dir:
            self.scorer.save(Path(model_dir))

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrisisClassifier:
        try:
            with model_storage.read_from(resource) as model_dir:
                scorer = CrisisScorer.load(Path(model_dir))
        except (ValueError, FileNotFoundError) as error:
            # nothing stored (trained without both classes) or a damaged store: the bot still
            # runs, and CrisisOverride grades the intent model's crisis as before
            logger.warning("CrisisClassifier: no usable model (%s); the intent model's crisis "
                           "counts", error)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, scorer)

    def scores(self, texts: list[str]) -> list[float]:
        if self.scorer is None or not texts:
            return []
        return [float(score) for score in self.scorer.scores(texts)]

    def process(self, messages: list[Message]) -> list[Message]:
        if self.scorer is None:
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
