"""Pure units: Rasa reply mapping, wait estimates, wrap-up validation, frame parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.queue import DEFAULT_HANDLING_SECONDS, OFFER_SECONDS, Capacity, estimate_wait_seconds
from handoff.rasa_client import BotText, CrisisCheck, CrisisDetected, HandoffRequest, map_reply
from handoff.wrapup import validate_wrapup
from handoff.youth_ws import FrameError, parse_frame


def test_rasa_replies_map_to_texts_buttons_links_and_kynnys_payloads() -> None:
    assert map_reply({"recipient_id": "x", "text": "Moi!", "buttons": [{"title": "Ihminen", "payload": "/request_human"}]}) == [
        BotText("Moi!", buttons=[{"title": "Ihminen", "payload": "/request_human"}])]
    out = map_reply({"custom": {"kynnys": {"type": "handoff_request", "topic": "feeling_bad", "crisis": False,
                                           "language": "fi", "county": "Pirkanmaa"}}})
    assert out == [HandoffRequest(topic="feeling_bad", crisis=False, language="fi", county="Pirkanmaa")]
    assert map_reply({"custom": {"kynnys": {"type": "crisis_detected", "category": "nlu"}}}) == [CrisisDetected("nlu")]
    assert map_reply({"custom": {"kynnys": {"type": "crisis_check"}}}) == [CrisisCheck()]
    links = map_reply({"custom": {"kynnys": {"type": "links", "text": "Tukea:", "links": [
        {"title": "Sekasin", "url": "https://sekasin.fi/"}, {"title": "bad", "url": "javascript:alert(1)"}]}}})
    assert links == [BotText("Tukea:", links=[{"title": "Sekasin", "url": "https://sekasin.fi/"}])]
    assert map_reply({"custom": {"something": "else"}}) == []


def test_wait_estimate_is_honest() -> None:
    nobody = Capacity(on_shift=0, slots=0, free=0)
    assert estimate_wait_seconds(1, nobody, [600]) is None
    free = Capacity(on_shift=2, slots=4, free=1)
    assert estimate_wait_seconds(1, free, []) == OFFER_SECONDS
    full = Capacity(on_shift=2, slots=4, free=0)
    assert estimate_wait_seconds(1, full, [600, 600, 1200]) == 150  # 1 * 600 / 4
    assert estimate_wait_seconds(4, full, [600]) == 600  # 4 * 600 / 4
    assert estimate_wait_seconds(2, full, []) == int(2 * DEFAULT_HANDLING_SECONDS / 4)
    assert estimate_wait_seconds(3, full, [600]) > estimate_wait_seconds(2, full, [600])  # type: ignore[operator]


def test_wrapup_needs_known_topics() -> None:
    assert validate_wrapup({"topics": []}) is None
    assert validate_wrapup({"topics": ["weather"]}) is None
    assert validate_wrapup("x") is None
    ok = validate_wrapup({"topics": ["relationships", "feeling_bad", "feeling_bad"], "referral_given": 1})
    assert ok == {"topics": ["feeling_bad", "relationships"], "referral_given": True, "referral_services": [],
                  "crisis": False}


@pytest.mark.parametrize("raw, code", [("nope", "bad_json"), ("[1]", "bad_json"), ('{"type": 3}', "bad_json"),
                                       ('{"text": "x"}', "bad_json"), ("x" * 17000, "too_large")])
def test_frame_parsing_errors(raw: str, code: str) -> None:
    with pytest.raises(FrameError) as err:
        parse_frame(raw)
    assert err.value.code == code


def test_the_guards_wait_for_the_bot_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from handoff.settings import load_settings

    empty = tmp_path / ".env"
    empty.write_text("", encoding="utf-8")
    monkeypatch.delenv("CRISIS_MODEL_WAIT_SECONDS", raising=False)
    assert load_settings(empty).crisis_model_wait_seconds == 0.6
    monkeypatch.setenv("CRISIS_MODEL_WAIT_SECONDS", "0")
    assert load_settings(empty).crisis_model_wait_seconds == 0.0  # 0: the guard alarms at once
