"""CrisisOverride: the lexicon guard forces the intent `crisis` inside the Rasa NLU pipeline."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.crisis_override import CrisisOverride
from kynnys.crisis import get_guard


def _message(text: str, intent: str = "feeling_bad", confidence: float = 0.7) -> Message:
    ranking = [
        {"name": intent, "confidence": confidence},
        {"name": "crisis", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ]
    return Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking,
        }
    )


@pytest.fixture()
def component() -> CrisisOverride:
    return CrisisOverride.create({}, None, None, None)  # type: ignore[arg-type]


def test_crisis_message_gets_crisis_intent_first_in_ranking(component: CrisisOverride) -> None:
    message = _message("en mä oikeesti haluu kuolla mut en tiiä")
    component.process([message])
    output = message.as_dict(only_output_properties=True)
    assert output["intent"] == {"name": "crisis", "confidence": 1.0}
    ranking = output["intent_ranking"]
    assert ranking[0] == {"name": "crisis", "confidence": 1.0}
    assert [entry["name"] for entry in ranking].count("crisis") == 1
    assert [entry["name"] for entry in ranking[1:]] == ["feeling_bad", "greet"]
    assert output["crisis_guard"]["fired"] is True
    assert output["crisis_guard"]["category"] == "suicidal"
    assert output["crisis_guard"]["rule_id"] == "fi_want_to_die"


def test_overrides_even_a_confident_other_intent_and_nlu_fallback(component: CrisisOverride) -> None:
    confident = _message("vedin överit", intent="substances", confidence=0.99)
    fallback = _message("se kuristi mua", intent="nlu_fallback", confidence=0.4)
    component.process([confident, fallback])
    assert confident.get("intent")["name"] == "crisis"
    assert confident.get("crisis_guard")["category"] == "overdose"
    assert fallback.get("intent")["name"] == "crisis"
    assert fallback.get("crisis_guard")["category"] == "violence_now"


def test_ordinary_message_is_left_alone(component: CrisisOverride) -> None:
    message = _message("mulla on paha olo ku koe meni huonosti")
    component.process([message])
    assert message.get("intent") == {"name": "feeling_bad", "confidence": 0.7}
    assert message.get("crisis_guard") is None


def test_intent_payloads_starting_with_slash_are_not_checked(component: CrisisOverride) -> None:
    payload = _message('/greet{"language":"fi"} haluun kuolla', intent="greet", confidence=1.0)
    component.process([payload])
    assert payload.get("intent")["name"] == "greet"
    assert payload.get("crisis_guard") is None
    assert payload.get("crisis_level") is None

    button = _message("/crisis", intent="crisis", confidence=0.5)  # what the model made of it
    component.process([button])
    assert button.get("crisis_level") is None  # no level: the action treats it as an alarm


def test_message_without_intent_yet_still_gets_crisis(component: CrisisOverride) -> None:
    message = Message(data={"text": "i want to kill myself"})
    component.process([message])
    assert message.get("intent")["name"] == "crisis"
    assert message.get("intent_ranking")[0]["name"] == "crisis"


def test_evaluation_switch_turns_the_override_off(
    component: CrisisOverride, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KYNNYS_CRISIS_OVERRIDE", "off")
    message = _message("haluun kuolla")
    component.process([message])
    assert message.get("intent")["name"] == "feeling_bad"
    monkeypatch.setenv("KYNNYS_CRISIS_OVERRIDE", "on")
    component.process([message])
    assert message.get("intent")["name"] == "crisis"


def test_a_failing_guard_does_not_break_the_pipeline() -> None:
    class Broken:
        def check(self, text: str) -> None:
            raise RuntimeError("boom")

    component = CrisisOverride({}, guard=Broken())  # type: ignore[arg-type]
    message = _message("haluun kuolla")
    assert component.process([message]) == [message]
    assert message.get("intent")["name"] == "feeling_bad"


def test_a_guard_hit_is_an_alarm(component: CrisisOverride) -> None:
    message = _message("oon viillelly taas", intent="feeling_bad", confidence=0.9)
    component.process([message])
    assert message.get("crisis_level") == "alarm"


@pytest.mark.parametrize(
    ("confidence", "level"), [(0.99, "alarm"), (0.8, "alarm"), (0.79, "check"), (0.45, "check")]
)
def test_the_models_own_crisis_is_graded_by_the_alarm_threshold(
    component: CrisisOverride, confidence: float, level: str
) -> None:
    message = _message("tää helle on ihan liikaa", intent="crisis", confidence=confidence)
    component.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": confidence}
    assert message.get("crisis_level") == level
    assert message.get("crisis_guard") is None
    assert message.as_dict(only_output_properties=True)["crisis_level"] == level


def test_a_crisis_guess_hidden_by_nlu_fallback_becomes_a_check(component: CrisisOverride) -> None:
    message = Message(data={
        "text": "en tiiä mitä teen",
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "crisis", "confidence": 0.38},
            {"name": "feeling_bad", "confidence": 0.33},
        ],
    })
    component.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 0.38}
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["crisis", "feeling_bad"]
    assert message.get("crisis_level") == "check"


def test_other_intents_and_other_fallbacks_get_no_level(component: CrisisOverride) -> None:
    other = _message("moi", intent="greet", confidence=0.3)
    fallback = Message(data={"text": "asdf", "intent": {"name": "nlu_fallback", "confidence": 0.4},
                             "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4},
                                                {"name": "greet", "confidence": 0.3}]})
    component.process([other, fallback])
    assert other.get("crisis_level") is None and fallback.get("crisis_level") is None
    assert fallback.get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize(("crisis", "level"), [(0.38, None), (0.4, "check"), (0.46, "check")])
def test_a_crisis_guess_under_the_check_threshold_gets_no_check_in(
    crisis: float, level: str | None
) -> None:
    component = CrisisOverride({"alarm_threshold": 0.6, "check_threshold": 0.4})
    message = Message(data={
        "text": "en tiiä mitä teen",
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "crisis", "confidence": crisis},
            {"name": "feeling_bad", "confidence": 0.3},
        ],
    })
    component.process([message])
    assert message.get("crisis_level") == level
    assert message.get("intent")["name"] == ("nlu_fallback" if level is None else "crisis")


PAST_AND_OVER = "my cousin overdosed last year, he recovered and is in rehab now"


def test_a_sure_model_guess_is_a_check_when_the_context_silenced_the_crisis_words(
    component: CrisisOverride,
) -> None:
    assert get_guard().check(PAST_AND_OVER) is None and get_guard().silenced(PAST_AND_OVER)
    message = _message(PAST_AND_OVER, intent="crisis", confidence=0.95)
    component.process([message])
    assert message.get("intent")["name"] == "crisis"
    assert message.get("crisis_level") == "check"  # still 112 and the line, no alert


def test_the_context_cap_can_be_switched_off() -> None:
    component = CrisisOverride({"context_caps_model_alarm": False})
    message = _message(PAST_AND_OVER, intent="crisis", confidence=0.95)
    component.process([message])
    assert message.get("crisis_level") == "alarm"


def test_without_silenced_crisis_words_a_sure_model_guess_stays_an_alarm(
    component: CrisisOverride,
) -> None:
    text = "en jaksa tätä enää yhtään, kaikki on ihan turhaa"
    assert get_guard().check(text) is None and not get_guard().silenced(text)
    message = _message(text, intent="crisis", confidence=0.95)
    component.process([message])
    assert message.get("crisis_level") == "alarm"


def test_a_failing_context_check_leaves_the_alarm_standing() -> None:
    class BrokenContext:
        def check(self, text: str) -> None:
            return None

        def silenced(self, text: str) -> list[object]:
            raise RuntimeError("boom")

    component = CrisisOverride({}, guard=BrokenContext())  # type: ignore[arg-type]
    message = _message(PAST_AND_OVER, intent="crisis", confidence=0.95)
    component.process([message])
    assert message.get("crisis_level") == "alarm"


def test_a_guard_hit_is_an_alarm_whatever_the_check_threshold() -> None:
    component = CrisisOverride({"alarm_threshold": 0.6, "check_threshold": 0.6})
    message = _message("oon viillelly taas", intent="feeling_bad", confidence=0.9)
    component.process([message])
    assert message.get("crisis_level") == "alarm"


def test_check_threshold_must_not_exceed_the_alarm_threshold() -> None:
    with pytest.raises(ValueError):
        CrisisOverride({"alarm_threshold": 0.6, "check_threshold": 0.7})


def test_alarm_threshold_is_configurable_and_checked() -> None:
    strict = CrisisOverride({"alarm_threshold": 0.95})
    message = _message("tää helle on ihan liikaa", intent="crisis", confidence=0.9)
    strict.process([message])
    assert message.get("crisis_level") == "check"
    with pytest.raises(ValueError):
        CrisisOverride({"alarm_threshold": 1.5})


def test_component_uses_the_shared_guard(component: CrisisOverride) -> None:
    assert component._guard is get_guard()


CONFIG = """\
recipe: default.v1
language: fi
assistant_id: crisis_override_test
pipeline:
- name: WhitespaceTokenizer
- name: KeywordIntentClassifier
- name: bot.crisis_override.CrisisOverride
policies: []
"""

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - moi
    - terve
- intent: feeling_bad
  examples: |
    - mulla on paha olo
    - ahdistaa tosi paljon
- intent: crisis
  examples: |
    - oon viillelly
    - qwxz testikriisi
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny keyword NLU model with the override last in the pipeline (trains in seconds)."""
    from rasa.model_training import train_nlu

    folder = tmp_path_factory.mktemp("tiny_rasa")
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    (folder / "nlu.yml").write_text(NLU, encoding="utf-8")
    model = train_nlu(
        config=str(folder / "config.yml"),
        nlu_data=str(folder / "nlu.yml"),
        output=str(folder / "models"),
        fixed_model_name="tiny",
    )
    assert model is not None
    return str(model)


def test_in_a_real_trained_rasa_pipeline(tiny_model: str) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(tiny_model)

    async def parse(text: str) -> dict:
        return await agent.parse_message(text)

    crisis = asyncio.run(parse("mä tapan itteni tänään"))
    assert crisis["intent"] == {"name": "crisis", "confidence": 1.0}
    assert crisis["crisis_guard"]["category"] == "suicidal"
    assert crisis["crisis_level"] == "alarm"
    assert crisis["intent_ranking"][0]["name"] == "crisis"

    ordinary = asyncio.run(parse("moi"))
    assert ordinary["intent"]["name"] == "greet"
    assert "crisis_guard" not in ordinary

    payload = asyncio.run(parse("/greet"))
    assert payload["intent"]["name"] == "greet"
    assert "crisis_level" not in payload


EVAL_SET = """\
version: 1
crisis:
  - {text: "oon viillelly taas", lang: fi, category: self_harm}
  - {text: "haluun kuolla", lang: fi, category: suicidal}
  - {text: "qwxz testikriisi", lang: fi, category: suicidal}
non_crisis:
  - {text: "moi", lang: fi, kind: everyday}
  - {text: "mulla on paha olo", lang: fi, kind: feeling_bad}
"""


def test_evaluation_tool_measures_nlu_alone_with_the_override_off(
    tiny_model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tools/evaluate_crisis.py: guard alone, NLU alone (override switched off), both."""
    import runpy
    import sys

    root = Path(__file__).resolve().parents[2]
    eval_set = tmp_path / "eval_set.yml"
    eval_set.write_text(EVAL_SET, encoding="utf-8")
    output = tmp_path / "report.md"
    monkeypatch.setenv("KYNNYS_CRISIS_OVERRIDE", "on")  # restored after the test
    argv = ["evaluate_crisis.py", "--eval-set", str(eval_set), "--model", tiny_model,
            "--output", str(output), "--nlu-heldout", str(tmp_path / "missing.yml")]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(root / "tools" / "evaluate_crisis.py"), run_name="__main__")
    assert exit_.value.code == 0
    report = output.read_text(encoding="utf-8")
    # The keyword model knows "oon viillelly" and "qwxz testikriisi" (a made-up word the guard
    # never knows) only; "haluun kuolla" is
    # caught by the override, which must be off when the model is measured alone.
    assert "| eval_set | guard alone | 0.667 (2/3) |" in report
    assert "| eval_set | NLU alone | 0.667 (2/3) |" in report
    # the keyword model is sure (1.0), so its crisis is an alarm; the guard adds "haluun kuolla"
    assert "| eval_set | guard + NLU (alarm) | 1.000 (3/3) | 0.000 (0/2) |" in report
    assert "| 0.00 | 0.667 (2/3) | 0.000 (0/2) | 1.000 (3/3) | 0.000 (0/2) |" in report
    assert "KYNNYS_CRISIS_OVERRIDE=off" in report
