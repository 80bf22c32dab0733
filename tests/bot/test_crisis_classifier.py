"""CrisisClassifier (bot/crisis_classifier.py) and how CrisisOverride grades its crisis_score."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.crisis_classifier import (
    CrisisClassifier,
    CrisisScorer,
    _columns,
    lemma_text,
    load_examples,
)
from bot.crisis_override import CrisisOverride

EXAMPLES = """\
version: 1
crisis:
  - {text: "en jaksa elää enää, oon päättäny lähtee täältä", lang: fi, category: suicidal}
  - {text: "säästin pillerit ja otan ne kaikki tänää", lang: fi, category: overdose}
  - {text: "mietin et ois parempi jos en olis olemassa", lang: fi, category: suicidal}
  - {text: "kirjotin jo jäähyväiskirjeet valmiiks", lang: fi, category: suicidal}
non_crisis:
  - {text: "tää koe on niin tylsä et kuolen kohta tylsyyteen", lang: fi, kind: hyperbole}
  - {text: "lähen huomenna mökille, kirjotin kirjeen mummolle", lang: fi, kind: everyday}
  - {text: "mun pillerit otan aina aamulla niinku lääkäri sano", lang: fi, kind: medicine}
  - {text: "pelissä mun hahmo kuoli taas", lang: fi, kind: gaming}
"""


def test_examples_are_read_from_the_evaluation_set_format(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(EXAMPLES, encoding="utf-8")
    (tmp_path / "b.yml").write_text(
        "version: 1\ncrisis:\n  - {text: ' se lyö mua nyt ', lang: fi, category: violence_now}\n",
        encoding="utf-8",
    )
    pairs = load_examples(tmp_path)
    assert len(pairs) == 9
    assert sum(is_crisis for _, is_crisis in pairs) == 5
    assert ("se lyö mua nyt", True) in pairs  # stripped
    assert load_examples(tmp_path / "a.yml") == pairs[:8]


def test_broken_or_missing_examples_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="examples not found"):
        load_examples(tmp_path / "missing")
    broken = tmp_path / "broken.yml"
    broken.write_text("crisis:\n  - {lang: fi}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="without text"):
        load_examples(broken)


def test_words_become_spoken_finnish_lemmas() -> None:
    assert lemma_text("Mä haluun, kuolla!") == "minä haluta kuolla"


def test_a_change_in_the_examples_changes_the_training_fingerprint(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "a.yml").write_text(EXAMPLES, encoding="utf-8")
    config = {"examples": str(examples)}
    before = CrisisClassifier.fingerprint_addon(config)
    assert before == CrisisClassifier.fingerprint_addon(config)
    (examples / "a.yml").write_text(EXAMPLES + "  - {text: uusi, lang: fi, kind: everyday}\n",
                                    encoding="utf-8")
    assert CrisisClassifier.fingerprint_addon(config) not in (None, before)
    assert CrisisClassifier.fingerprint_addon({"examples": None}) is None


@pytest.mark.parametrize("key", ["C", "example_weight"])
def test_non_positive_settings_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match=key):
        CrisisClassifier({key: 0}, None, None)  # type: ignore[arg-type]


def test_an_unknown_character_analyzer_is_refused() -> None:
    with pytest.raises(ValueError, match="char_analyzer"):
        CrisisClassifier({"char_analyzer": "chars"}, None, None)  # type: ignore[arg-type]


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_the_stored_scorer_gives_the_fitted_pipelines_probabilities(
    tmp_path: Path, analyzer: str
) -> None:
    import numpy as np

    (tmp_path / "a.yml").write_text(EXAMPLES, encoding="utf-8")
    pairs = load_examples(tmp_path / "a.yml") * 2
    component = CrisisClassifier(  # type: ignore[arg-type]
        {"min_df": 1, "char_analyzer": analyzer}, None, None)
    pipeline = component._new_pipeline()
    texts = [text for text, _ in pairs]
    pipeline.fit(_columns(texts), np.array([label for _, label in pairs]))
    scorer = CrisisScorer.from_pipeline(pipeline)
    assert scorer.char_analyzer == analyzer
    # "jaksa elää": across word boundaries "a e" is an n-gram; inside words it cannot be
    assert ("a e" in scorer.chars) == (analyzer == "char")
    scorer.save(tmp_path)
    loaded = CrisisScorer.load(tmp_path)
    assert loaded.char_analyzer == analyzer
    probe = texts[:4] + ["ihan uusi viesti jota ei oo nähty", "Ä!", ""]
    expected = pipeline.predict_proba(_columns(probe))[:, 1]
    assert np.allclose(scorer.scores(probe), expected)
    assert np.allclose(loaded.scores(probe), expected)
    assert loaded.scores(texts[:1])[0] > 0.5 > loaded.scores(texts[4:5])[0]


def test_a_scorer_stored_without_its_analyzer_reads_as_stop_13s_inside_words(
    tmp_path: Path,
) -> None:
    import json

    import numpy as np

    CrisisScorer(["a"], [" b "], np.ones(2), np.ones(2), 0.0, "char").save(tmp_path)
    vocabulary = json.loads((tmp_path / "vocabulary.json").read_text(encoding="utf-8"))
    del vocabulary["char_analyzer"]
    (tmp_path / "vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")
    assert CrisisScorer.load(tmp_path).char_analyzer == "char_wb"


def test_a_damaged_stored_scorer_is_refused(tmp_path: Path) -> None:
    import numpy as np

    CrisisScorer(["a"], ["b"], np.ones(2), np.ones(2), 0.0).save(tmp_path)
    np.savez(tmp_path / "weights.npz", idf=np.ones(3), coef=np.ones(3), intercept=np.zeros(1))
    with pytest.raises(ValueError, match="differ"):
        CrisisScorer.load(tmp_path)


# --- CrisisOverride grades the score ----------------------------------------------------------


def _message(text: str, score: float | None, intent: str = "feeling_bad",
             confidence: float = 0.7) -> Message:
    data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [
            {"name": intent, "confidence": confidence},
            {"name": "greet", "confidence": 0.1},
        ],
    }
    if score is not None:
        data["crisis_score"] = score
    return Message(data=data)


@pytest.fixture()
def override() -> CrisisOverride:
    return CrisisOverride({"alarm_threshold": 0.6, "check_threshold": 0.4})


def test_a_high_score_is_an_alarm_whatever_the_intent_model_said(override: CrisisOverride) -> None:
    message = _message("huomenna on tiistai", score=0.83)  # the guard finds nothing here
    override.process([message])
    assert message.get("crisis_level") == "alarm"
    assert message.get("intent") == {"name": "crisis", "confidence": 0.83}
    assert [e["name"] for e in message.get("intent_ranking")] == ["crisis", "feeling_bad", "greet"]


def test_a_middling_score_is_a_check_in(override: CrisisOverride) -> None:
    message = _message("en tiiä jaksanko", score=0.45)
    override.process([message])
    assert message.get("crisis_level") == "check"
    assert message.get("intent")["name"] == "crisis"


def test_a_low_score_leaves_an_ordinary_intent_alone(override: CrisisOverride) -> None:
    message = _message("koe meni huonosti", score=0.1)
    override.process([message])
    assert message.get("crisis_level") is None
    assert message.get("intent") == {"name": "feeling_bad", "confidence": 0.7}


def test_the_intent_models_crisis_against_a_low_score_is_still_a_check_in(
    override: CrisisOverride,
) -> None:
    """The two models disagree: no alarm, but the young person still gets the numbers."""
    message = _message("tää on ihan hirveetä", score=0.2, intent="crisis", confidence=0.9)
    override.process([message])
    assert message.get("crisis_level") == "check"
    assert message.get("intent") == {"name": "crisis", "confidence": 0.9}


def test_a_high_score_on_silenced_crisis_words_is_a_check_in(override: CrisisOverride) -> None:
    from kynnys.crisis import get_guard

    # the guard's context turns the crisis words off: someone else's crisis that is over
    text = "my cousin overdosed last year, he recovered and is in rehab now"
    assert get_guard().check(text) is None and get_guard().silenced(text)
    message = _message(text, score=0.9)
    override.process([message])
    assert message.get("crisis_guard") is None
    assert message.get("crisis_level") == "check"


def test_a_guard_hit_is_an_alarm_even_with_a_low_score(override: CrisisOverride) -> None:
    message = _message("mä tapan itteni tänään", score=0.01)
    override.process([message])
    assert message.get("crisis_level") == "alarm"
    assert message.get("crisis_guard")["fired"] is True


def test_a_guard_hit_the_classifier_is_all_but_sure_is_safe_is_a_check_in() -> None:
    override = CrisisOverride(
        {"alarm_threshold": 0.4, "check_threshold": 0.25, "guard_check_below": 0.02})
    doubted = _message("kms mä unohin taas läksyt", score=0.01)
    kept = _message("kms mä unohin taas läksyt", score=0.03)
    unscored = _message("kms mä unohin taas läksyt", score=None)
    override.process([doubted, kept, unscored])
    assert get_guard_hit("kms mä unohin taas läksyt"), "the example must be a guard hit"
    # still intent crisis and the guard's hit on record; only the level is a check-in
    assert doubted.get("intent")["name"] == "crisis"
    assert doubted.get("crisis_guard")["fired"] is True
    assert doubted.get("crisis_guard")["model_doubts"] is True
    assert doubted.get("crisis_level") == "check"
    assert kept.get("crisis_level") == "alarm" and kept.get("crisis_guard")["model_doubts"] is False
    assert unscored.get("crisis_level") == "alarm"  # no classifier: the guard decides alone


def get_guard_hit(text: str) -> bool:
    from kynnys.crisis import get_guard

    return get_guard().check(text) is not None


@pytest.mark.parametrize("doubt", [-0.1, 0.3])
def test_a_guard_doubt_outside_zero_to_the_check_threshold_is_refused(doubt: float) -> None:
    with pytest.raises(ValueError, match="guard_check_below"):
        CrisisOverride({"alarm_threshold": 0.4, "check_threshold": 0.25,
                        "guard_check_below": doubt})


def test_without_a_score_the_intent_models_crisis_decides_as_before(
    override: CrisisOverride,
) -> None:
    sure = _message("ihan sama enää", score=None, intent="crisis", confidence=0.8)
    unsure = _message("ihan sama kaikki", score=None, intent="crisis", confidence=0.5)
    override.process([sure, unsure])
    assert sure.get("crisis_level") == "alarm"
    assert unsure.get("crisis_level") == "check"


# --- in a real trained Rasa pipeline -----------------------------------------------------------

CONFIG = """\
recipe: default.v1
language: fi
assistant_id: crisis_classifier_test
pipeline:
- name: WhitespaceTokenizer
- name: KeywordIntentClassifier
- name: bot.crisis_classifier.CrisisClassifier
  examples: {examples}
  min_df: 1
- name: bot.crisis_override.CrisisOverride
  alarm_threshold: 0.6
  check_threshold: 0.4
policies: []
"""

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - moi
    - terve
    - hei vaan
- intent: feeling_bad
  examples: |
    - mulla on paha olo
    - ahdistaa tosi paljon
    - koulu stressaa
- intent: crisis
  examples: |
    - en halua elää enää
    - haluun pois täältä lopullisesti
"""


@pytest.fixture(scope="module")
def model_with_classifier(tmp_path_factory: pytest.TempPathFactory) -> str:
    from rasa.model_training import train_nlu

    folder = tmp_path_factory.mktemp("crisis_classifier_rasa")
    (folder / "examples.yml").write_text(EXAMPLES, encoding="utf-8")
    (folder / "config.yml").write_text(CONFIG.format(examples=folder / "examples.yml"),
                                       encoding="utf-8")
    (folder / "nlu.yml").write_text(NLU, encoding="utf-8")
    model = train_nlu(config=str(folder / "config.yml"), nlu_data=str(folder / "nlu.yml"),
                      output=str(folder / "models"), fixed_model_name="tiny")
    assert model is not None
    return str(model)


def test_the_trained_classifier_scores_messages_in_the_parse_result(
    model_with_classifier: str,
) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(model_with_classifier)

    def parse(text: str) -> dict:
        return asyncio.run(agent.parse_message(text))

    # words of the crisis examples, which the keyword intent model does not know
    crisis = parse("oon päättäny et otan kaikki pillerit ja lähen täältä")
    safe = parse("pelissä kuolin taas ja lähen huomenna mökille")
    assert crisis["crisis_score"] > 0.6 > safe["crisis_score"]
    assert crisis["intent"]["name"] == "crisis"
    assert crisis["crisis_level"] == "alarm"
    assert "crisis_level" not in safe
    assert parse("/greet")["intent"]["name"] == "greet"
    assert "crisis_score" not in parse("/greet")  # payloads are not scored
