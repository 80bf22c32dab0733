"""Custom actions run for real against a tiny availability API on a free port (or none at all)."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.availability import ActionCheckAvailability
from actions.crisis import ActionCrisisHelp
from actions.guidance import ActionRememberTopic, ActionServiceGuidance
from actions.handoff import ActionNoHumanAvailable, ActionRequestHandoff
from actions.hours import ActionTellHours
from actions.location import ActionSetCounty

TOKEN = "test-internal-token"
HELSINKI = dt.timezone(dt.timedelta(hours=2))  # November: EET
MONDAY_EVENING = dt.datetime(2026, 11, 23, 22, 0, tzinfo=HELSINKI)  # after hours
MONDAY_AFTERNOON = dt.datetime(2026, 11, 23, 15, 0, tzinfo=HELSINKI)  # within hours


@dataclass
class FakeGateway:
    """State of the availability endpoint the actions talk to."""

    body: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    delay: float = 0.0
    seen_auth: list[str | None] = field(default_factory=list)


def on_duty(on_shift: int = 2) -> dict[str, Any]:
    return {"on_shift": on_shift, "available": 1, "queue_length": 0,
            "estimated_wait_seconds": 30, "open_now": True, "next_opening": None}


def off_duty(next_opening: str | None = "2026-11-24T14:00:00+02:00") -> dict[str, Any]:
    return {"on_shift": 0, "available": 0, "queue_length": 0,
            "estimated_wait_seconds": None, "open_now": False, "next_opening": next_opening}


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "now", lambda: MONDAY_EVENING)


@pytest.fixture()
async def gateway(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeGateway]:
    state = FakeGateway(body=on_duty())

    async def availability(request: web.Request) -> web.Response:
        state.seen_auth.append(request.headers.get("Authorization"))
        if state.delay:
            await asyncio.sleep(state.delay)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response(state.body, status=state.status)

    app = web.Application()
    app.router.add_get("/internal/availability", availability)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("GATEWAY_INTERNAL_TOKEN", TOKEN)
    monkeypatch.setenv("AVAILABILITY_TIMEOUT_SECONDS", "0.5")
    yield state
    await runner.cleanup()


@pytest.fixture()
def unreachable_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("GATEWAY_INTERNAL_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("GATEWAY_INTERNAL_TOKEN", TOKEN)
    monkeypatch.setenv("AVAILABILITY_TIMEOUT_SECONDS", "0.5")


def make_tracker(
    intent: str = "feeling_bad",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    parse: dict[str, Any] | None = None,
) -> Tracker:
    values: dict[str, Any] = {
        "language": "fi", "municipality": None, "wellbeing_county": None, "topic": None,
        "topic_stage": "new", "availability": None, "next_opening": None, "crisis": False,
    }
    values.update(slots or {})
    latest = {"intent": {"name": intent, "confidence": 0.99}, "entities": entities or [],
              "text": "...", "metadata": metadata or {}, **(parse or {})}
    return Tracker("conversation-1", values, latest, [], False, None, {}, "action_listen")


async def run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages if m.get("text"))


def customs(messages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m["custom"]["kynnys"] for m in messages
            if m.get("custom") and m["custom"].get("kynnys", {}).get("type") == kind]


# --- availability ------------------------------------------------------------------------


async def test_availability_on_duty_sends_the_bearer_token(gateway: FakeGateway) -> None:
    _, slots = await run(ActionCheckAvailability(), make_tracker("request_human"))
    assert slots == {"availability": "on_duty", "next_opening": None}
    assert gateway.seen_auth == [f"Bearer {TOKEN}"]


async def test_availability_off_duty_keeps_the_next_opening(gateway: FakeGateway) -> None:
    gateway.body = off_duty()
    _, slots = await run(ActionCheckAvailability(), make_tracker("request_human"))
    assert slots["availability"] == "off_duty"
    assert dt.datetime.fromisoformat(slots["next_opening"]) == dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("problem", ["wrong_token", "server_error", "odd_body", "slow"])
async def test_availability_problems_mean_unknown(
    gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    if problem == "wrong_token":
        monkeypatch.setenv("GATEWAY_INTERNAL_TOKEN", "not-the-token")
    elif problem == "server_error":
        gateway.status = 500
    elif problem == "odd_body":
        gateway.body = {"on_shift": "many"}
    else:
        gateway.delay = 2.0
    started = time.monotonic()
    _, slots = await run(ActionCheckAvailability(), make_tracker("request_human"))
    assert slots["availability"] == "unknown"
    assert time.monotonic() - started < 1.5  # the 0.5 s timeout keeps the chat moving


async def test_availability_unreachable_gateway_is_unknown_and_quick(unreachable_gateway: None) -> None:
    started = time.monotonic()
    _, slots = await run(ActionCheckAvailability(), make_tracker("request_human"))
    assert slots["availability"] == "unknown"
    assert time.monotonic() - started < 1.5


# --- handoff -----------------------------------------------------------------------------


async def test_handoff_request_payload_when_someone_is_on_shift() -> None:
    tracker = make_tracker(
        "affirm",
        slots={"availability": "on_duty", "topic": "relationships", "language": "sv",
               "wellbeing_county": "Pirkanmaa"},
    )
    messages, _ = await run(ActionRequestHandoff(), tracker)
    assert customs(messages, "handoff_request") == [{
        "type": "handoff_request", "topic": "relationships", "crisis": False,
        "language": "sv", "county": "Pirkanmaa",
    }]
    assert "jourhavande" in texts(messages)


async def test_handoff_is_never_requested_when_no_one_is_on_shift() -> None:
    tracker = make_tracker("request_human", slots={
        "availability": "off_duty", "next_opening": "2026-11-24T14:00:00+02:00"})
    messages, _ = await run(ActionRequestHandoff(), tracker)
    assert customs(messages, "handoff_request") == []
    said = texts(messages)
    assert "Juuri nyt chatissa ei ole päivystäjiä" in said
    assert "huomenna klo 14" in said  # Monday 22:00 -> Tuesday 14:00
    assert "09 2525 0111" in said and "112" in said
    links = customs(messages, "links")[0]["links"]
    assert {"title": "MIELI ry:n Kriisipuhelin", "url": "https://mieli.fi/tukea-ja-apua/kriisipuhelin/"} in links


async def test_no_human_uses_the_schedule_when_the_gateway_gives_no_next_opening() -> None:
    tracker = make_tracker("request_human", slots={"availability": "off_duty", "language": "en",
                                                   "topic": "school_work"})
    messages, _ = await run(ActionNoHumanAvailable(), tracker)
    said = texts(messages)
    assert "There is no one on duty in the chat right now" in said
    assert "tomorrow at 14:00" in said
    urls = [link["url"] for link in customs(messages, "links")[0]["links"]]
    assert "https://sekasin.fi/" in urls
    for url in urls:  # the plain text carries the same addresses for clients without links
        assert url in said


async def test_gateway_unreachable_is_said_kindly_with_hours_and_links() -> None:
    tracker = make_tracker("request_human", slots={"availability": "unknown"})
    messages, _ = await run(ActionNoHumanAvailable(), tracker)
    said = texts(messages)
    assert "En saa juuri nyt tietoa siitä, onko päivystäjiä paikalla" in said
    assert "Päivystysajat (Suomen aikaa): ma–to klo 14–21" in said
    assert customs(messages, "links") and customs(messages, "handoff_request") == []


# --- crisis ------------------------------------------------------------------------------


async def test_crisis_full_help_when_the_guard_did_not_fire(gateway: FakeGateway) -> None:
    messages, slots = await run(ActionCrisisHelp(), make_tracker("crisis"))
    assert messages[0]["custom"] == {"kynnys": {"type": "crisis_detected", "category": "nlu"}}
    said = texts(messages)
    assert "112" in said and "09 2525 0111" in said
    assert "https://mieli.fi/tukea-ja-apua/kriisipuhelin/" in said  # also as plain text
    links = customs(messages, "links")[0]["links"]
    assert {"title": "Hätänumero 112", "url": "https://112.fi/"} in links
    assert slots["availability"] == "on_duty" and slots["crisis"] is True


async def test_crisis_with_no_one_on_shift_still_gives_the_numbers(gateway: FakeGateway) -> None:
    gateway.body = off_duty()
    messages, slots = await run(ActionCrisisHelp(), make_tracker("crisis", slots={"language": "en"}))
    said = texts(messages)
    assert "112" in said and "09 2525 0111" in said
    assert slots["availability"] == "off_duty"
    assert customs(messages, "crisis_detected")


async def test_crisis_with_the_gateway_unreachable_gives_the_numbers(unreachable_gateway: None) -> None:
    messages, slots = await run(ActionCrisisHelp(), make_tracker("crisis", slots={"language": "sv"}))
    said = texts(messages)
    assert "112" in said and "09 2525 0111" in said
    assert slots["availability"] == "unknown"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_unsure_model_crisis_gets_a_gentle_check_in_with_the_numbers_and_no_alert(
    gateway: FakeGateway, language: str
) -> None:
    tracker = make_tracker("crisis", slots={"language": language}, parse={"crisis_level": "check"})
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisHelp().run(dispatcher, tracker, {})
    messages = dispatcher.messages
    said = texts(messages)
    assert "112" in said and "09 2525 0111" in said and "?" in said
    assert customs(messages, "crisis_detected") == []  # no queue jump, no volunteer alert
    # the gateway is told first: a guard hit waiting for this verdict then raises no alarm
    assert messages[0].get("custom") == {"kynnys": {"type": "crisis_check"}}
    messages = messages[1:]
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads == ["/crisis", "/share_news"]  # "I'm in danger now" is an alarm
    # the turn ends with the question: no handoff, no crisis slot
    assert events == [{"event": "followup", "timestamp": None, "name": "action_listen"}]
    assert gateway.seen_auth == []  # availability is not even asked


async def test_alarm_level_and_intent_payloads_get_the_full_help(gateway: FakeGateway) -> None:
    for parse in ({"crisis_level": "alarm"}, {}):  # {}: the "/crisis" button has no level
        messages, slots = await run(ActionCrisisHelp(), make_tracker("crisis", parse=parse))
        assert customs(messages, "crisis_detected")
        assert slots["crisis"] is True


async def test_crisis_after_the_guard_sent_help_only_follows_up(gateway: FakeGateway) -> None:
    metadata = {"crisis_guard": {"fired": True, "category": "suicidal", "help_sent": True}}
    messages, slots = await run(ActionCrisisHelp(), make_tracker("crisis", metadata=metadata))
    said = texts(messages)
    assert "Et ole tämän kanssa yksin" in said
    assert "09 2525 0111" not in said
    assert customs(messages, "crisis_detected") == []
    assert slots["availability"] == "on_duty"


async def test_crisis_follow_up_says_honestly_when_no_one_is_on_shift(gateway: FakeGateway) -> None:
    gateway.body = off_duty()
    metadata = {"crisis_guard": {"fired": True, "category": "self_harm", "help_sent": True}}
    messages, _ = await run(ActionCrisisHelp(), make_tracker("crisis", metadata=metadata))
    assert "Päivystäjiä ei ole juuri nyt paikalla" in texts(messages)


async def test_handoff_after_crisis_is_marked_crisis() -> None:
    tracker = make_tracker("crisis", slots={"availability": "on_duty", "crisis": True, "topic": "crisis"})
    messages, _ = await run(ActionRequestHandoff(), tracker)
    request = customs(messages, "handoff_request")[0]
    assert request["crisis"] is True and request["topic"] == "crisis"
    assert "Pyysin päivystäjän" in texts(messages)


# --- topics and guidance ------------------------------------------------------------------


async def test_remember_topic_moves_to_the_asked_stage() -> None:
    _, slots = await run(ActionRememberTopic(), make_tracker("school_work"))
    assert slots == {"topic": "school_work", "topic_stage": "asked"}


async def test_guidance_with_a_county_and_someone_on_duty(gateway: FakeGateway) -> None:
    tracker = make_tracker("feeling_bad", slots={"topic_stage": "asked", "municipality": "Tampere"})
    messages, slots = await run(ActionServiceGuidance(), tracker)
    said = texts(messages)
    assert "https://sekasin.fi/" in said and "09 2525 0111" in said
    assert "Oman alueesi (Pirkanmaa) palvelut" in said and "https://www.pirha.fi/" in said
    links = customs(messages, "links")[0]
    assert links["text"] == "Tukea ja apua"
    assert {"title": "Pirkanmaan hyvinvointialue", "url": "https://www.pirha.fi/"} in links["links"]
    offer = messages[-1]
    assert "Haluatko jutella päivystäjän kanssa?" in offer["text"]
    assert [b["payload"] for b in offer["buttons"]] == ["/request_human", "/deny"]
    assert slots["topic_stage"] == "guided" and slots["wellbeing_county"] == "Pirkanmaa"
    assert slots["availability"] == "on_duty"


async def test_guidance_without_a_county_asks_where_and_is_honest_off_duty(gateway: FakeGateway) -> None:
    gateway.body = off_duty()
    messages, slots = await run(ActionServiceGuidance(), make_tracker("substances", slots={"language": "sv"}))
    said = texts(messages)
    assert "på vilken ort du bor" in said
    assert "https://paihdelinkki.fi/" in said and "0800 100 101" in said
    assert "Just nu finns det ingen jourhavande" in said and "i morgon kl. 14" in said
    assert not any(m.get("buttons") for m in messages)
    assert slots["availability"] == "off_duty" and slots["topic"] == "substances"


async def test_guidance_after_deny_uses_the_remembered_topic(unreachable_gateway: None) -> None:
    tracker = make_tracker("deny", slots={"topic": "sexuality_identity", "topic_stage": "asked",
                                         "language": "en"})
    messages, slots = await run(ActionServiceGuidance(), tracker)
    said = texts(messages)
    assert "https://seta.fi/" in said and "https://sinuiksi.fi/" in said
    assert "I can't check right now whether anyone is on duty" in said
    assert "On-duty hours (Finnish time)" in said
    assert slots["topic"] == "sexuality_identity" and slots["availability"] == "unknown"


# --- hours and place ----------------------------------------------------------------------


async def test_hours_after_hours_and_during_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    messages, _ = await run(ActionTellHours(), make_tracker("ask_hours"))
    assert messages[0]["text"].startswith("Nyt chatissa ei ole päivystäjiä. Seuraavan kerran olemme paikalla huomenna klo 14.")
    assert not messages[0]["buttons"]
    monkeypatch.setattr(common, "now", lambda: MONDAY_AFTERNOON)
    messages, _ = await run(ActionTellHours(), make_tracker("ask_hours", slots={"language": "sv"}))
    assert messages[0]["text"].startswith("Jourhavande finns i chatten nu, i dag till kl. 21.")
    assert messages[0]["buttons"][0]["payload"] == "/request_human"


async def test_location_sets_the_county_and_gives_regional_services() -> None:
    tracker = make_tracker(
        "inform_location",
        slots={"municipality": "Nokia", "topic": "bullying_violence"},
        entities=[{"entity": "municipality", "value": "Nokia"}],
    )
    messages, slots = await run(ActionSetCounty(), tracker)
    assert slots == {"municipality": "Nokia", "wellbeing_county": "Pirkanmaa"}
    said = texts(messages)
    assert "Kerron nyt myös oman alueesi (Pirkanmaa) palveluista" in said
    assert "https://www.pirha.fi/" in said
    assert customs(messages, "links")[0]["links"] == [
        {"title": "Pirkanmaan hyvinvointialue", "url": "https://www.pirha.fi/"}]


async def test_helsinki_is_its_own_organiser() -> None:
    tracker = make_tracker("inform_location", slots={"municipality": "Helsinki"},
                           entities=[{"entity": "municipality", "value": "Helsinki"}])
    messages, slots = await run(ActionSetCounty(), tracker)
    assert slots["wellbeing_county"] == "Helsinki"
    assert "https://www.hel.fi/" in texts(messages)


async def test_unknown_place_is_said_kindly() -> None:
    messages, slots = await run(ActionSetCounty(), make_tracker("inform_location", slots={"language": "en"}))
    assert slots == {}
    assert "I didn't recognise the place" in texts(messages)


async def test_crisis_numbers_survive_a_broken_help_builder(
    gateway: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kynnys.crisis

    def broken(language: str, on_shift: bool) -> Any:
        raise RuntimeError("help_messages.yml is broken")

    monkeypatch.setattr(kynnys.crisis, "build_crisis_help", broken)
    messages, _ = await run(ActionCrisisHelp(), make_tracker("crisis", slots={"language": "en"}))
    said = texts(messages)
    assert "call the emergency number 112" in said and "MIELI Crisis Helpline 09 2525 0111" in said
    assert customs(messages, "crisis_detected")


def test_parse_availability_accepts_utc_z_and_rejects_odd_answers() -> None:
    from actions.availability import parse_availability

    parsed = parse_availability({**off_duty("2026-11-24T12:00:00Z"), "queue_length": 3})
    assert parsed.status == "off_duty" and parsed.queue_length == 3
    assert parsed.next_opening == dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc)
    assert parse_availability(off_duty("not a date")).next_opening is None
    assert parse_availability(off_duty("2026-11-24T12:00:00")).next_opening is None  # no zone
    assert parse_availability(on_duty(3)).someone_on_shift
    for odd in (None, [], {"available": 2}, {"on_shift": "2"}):
        with pytest.raises(ValueError):
            parse_availability(odd)
