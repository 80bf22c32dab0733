"""The crisis guard in the gateway: every youth message, every state, independent of Rasa (down here)."""

from __future__ import annotations

import asyncio
import time

from handoff.store.ids import sha256_hex
from tests.gateway.conftest import InProcessGateway

CRISIS_TEXT = "mä haluun kuolla"


async def test_crisis_help_within_a_second_and_honest_when_nobody_is_on_shift(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    started = time.monotonic()
    ack = await youth.say(CRISIS_TEXT)
    echo = await youth.wait_message("youth", lambda m: m["seq"] == ack["seq"])
    assert echo["risk"] is True
    help_msg = await youth.wait_message("system", lambda m: "112" in m["text"], timeout=1.0)
    assert time.monotonic() - started < 1.0
    assert help_msg["links"]
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None and conv.crisis and conv.state == "bot", "no one on shift: not queued in vain"
    await youth.close()


async def test_crisis_jumps_the_queue_and_alerts_on_shift_volunteers_once(gw: InProcessGateway) -> None:
    vol = await gw.console()
    other = await gw.console()
    # one ordinary young person waits first (Rasa is down, the quick-reply payload still queues them)
    first = await gw.youth()
    await first.say("Haluan jutella ihmisen kanssa", payload="/request_human")
    await first.wait_state("queued")

    youth = await gw.youth()
    await youth.say(CRISIS_TEXT)
    state = await youth.wait_state("queued", timeout=3)
    assert state["queue"]["position"] == 1, "crisis before first come first served"
    alert = await vol.log.wait_for(lambda f: f["type"] == "crisis_alert")
    assert alert["conversation"]["priority"] == "crisis" and alert["category"]
    await other.log.wait_for(lambda f: f["type"] == "crisis_alert")
    helps_before = [m for m in youth.messages("system") if "112" in m["text"]]
    assert len(helps_before) == 1

    # more crisis messages: still marked, but no second alert and no second help text
    await youth.say("en jaksa elää, haluun kuolla")
    await youth.say("otin kaikki lääkkeet")
    await asyncio.sleep(1.0)
    risky = [m for m in youth.messages("youth") if m["risk"]]
    assert len(risky) == 3
    assert len([f for f in vol.log.frames if f["type"] == "crisis_alert"]) == 1
    assert len([m for m in youth.messages("system") if "112" in m["text"]]) == 1
    queue = await vol.call("GET", "/console/api/queue")
    assert [e["priority"] for e in queue["entries"]] == ["crisis", "normal"]
    for c in (vol, other):
        await c.close()
    for y in (first, youth):
        await y.close()


async def test_crisis_during_a_volunteer_chat_is_marked_for_the_volunteer(gw: InProcessGateway) -> None:
    vol = await gw.console()
    youth = await gw.youth()
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    await vol.call("POST", f"/console/api/conversations/{conv.id}/step-in")
    await youth.wait_state("volunteer")
    await youth.say(CRISIS_TEXT)
    seen = await vol.log.wait_for(lambda f: f["type"] == "message" and f["message"]["from"] == "youth")
    assert seen["message"]["risk"] is True
    await youth.wait_message("system", lambda m: "112" in m["text"], timeout=1.0)
    after = await gw.ctx.conversations.get(conv.id)
    assert after is not None and after.state == "volunteer" and after.volunteer_id
    await vol.close()
    await youth.close()


async def test_a_crisis_typed_in_pieces_is_caught_on_the_message_that_completes_it(
    gw: InProcessGateway,
) -> None:
    youth = await gw.youth()
    await youth.say("mä haluun")
    first = await youth.wait_message("youth", lambda m: m["text"] == "mä haluun")
    assert first["risk"] is False
    started = time.monotonic()
    await youth.say("kuolla")
    second = await youth.wait_message("youth", lambda m: m["text"] == "kuolla")
    assert second["risk"] is True
    await youth.wait_message("system", lambda m: "112" in m["text"], timeout=1.0)
    assert time.monotonic() - started < 1.0
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None and conv.crisis
    # the earlier pieces alone do not fire again on an ordinary next message
    await youth.say("mitä mä nyt teen")
    third = await youth.wait_message("youth", lambda m: m["text"] == "mitä mä nyt teen")
    assert third["risk"] is False
    await youth.close()


def test_split_message_guard_flags_each_crisis_once_and_stays_bounded() -> None:
    from handoff.crisis import SplitMessageGuard

    guard = SplitMessageGuard(keep=2, max_conversations=3)
    # Neither piece is a crisis on its own (a one-word "kuolla" is, since stop 9).
    assert guard.check("a", "mä en haluu") == (None, False)
    hit, joined = guard.check("a", "elää enää")
    assert hit is not None and joined is True
    assert guard.check("a", "en tiiä") == (None, False)  # "elää enää en tiiä" was flagged already
    assert guard.check("b", "elää enää") == (None, False)  # other conversations are separate
    hit, joined = guard.check("c", "haluun kuolla")
    assert hit is not None and joined is False
    for name in ("d", "e", "f"):
        guard.check(name, "moi")
    assert len(guard._recent) == 3 and "a" not in guard._recent
    guard.forget("f")
    assert "f" not in guard._recent
