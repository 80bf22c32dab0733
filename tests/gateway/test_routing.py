"""Queue and routing in the real in-process gateway: offers, picking, step-in, transfer, grace period,
leaving the queue, ending with wrap-up, availability API."""

from __future__ import annotations

import asyncio

import aiohttp
from sqlalchemy import func, select

from handoff.store.ids import sha256_hex
from handoff.store.models import Message, WrapUp
from tests.gateway.conftest import GatewayFactory, InProcessGateway
from tests.support.clients import YouthWS


async def conv_id(gw: InProcessGateway, youth: YouthWS) -> str:
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    return conv.id


async def queued_youth(gw: InProcessGateway) -> YouthWS:
    """A young person who asked for a human (Rasa is down; the gateway honours the quick reply)."""
    youth = await gw.youth()
    await youth.say("Haluan jutella ihmisen kanssa", payload="/request_human")
    await youth.wait_state("queued")
    return youth


async def test_step_in_messages_both_ways_and_end_with_wrapup_deletes_content(gw: InProcessGateway) -> None:
    vol = await gw.console()
    youth = await gw.youth()
    cid = await conv_id(gw, youth)
    live = await vol.call("GET", "/console/api/live")
    assert cid in [c["conversation_id"] for c in live["conversations"]]
    watched = await vol.call("POST", f"/console/api/conversations/{cid}/watch")
    assert watched["state"] == "bot"
    start = len(vol.log.frames)
    await youth.say("onko siellä joku")
    seen = await vol.log.wait_for(lambda f: f["type"] == "message" and f["message"]["from"] == "youth", start=start)
    assert seen["conversation_id"] == cid and seen["message"]["text"] == "onko siellä joku"

    detail = await vol.call("POST", f"/console/api/conversations/{cid}/step-in")
    assert detail["state"] == "volunteer" and detail["volunteer"]["alias"] == vol.me["alias"]  # type: ignore[index]
    joined = await youth.wait_message("system", lambda m: vol.me["alias"] in m["text"])  # type: ignore[index]
    assert joined["from"] == "system"
    state = await youth.wait_state("volunteer")
    assert state["volunteer_alias"] == vol.me["alias"]  # type: ignore[index]

    sent = await vol.send(cid, "Hei, olen täällä. Mitä kuuluu?")
    got = await youth.wait_message("volunteer")
    assert got["seq"] == sent["seq"] and got["alias"] == vol.me["alias"]  # type: ignore[index]
    await youth.send({"type": "typing", "on": True})
    await vol.log.wait_for(lambda f: f["type"] == "typing" and f["from"] == "youth" and f["on"] is True)
    await vol.call("POST", f"/console/api/conversations/{cid}/typing", {"on": True})
    await youth.log.wait_for(lambda f: f["type"] == "typing" and f["from"] == "volunteer")
    await youth.say("ihan ok kiitos")
    await vol.log.wait_for(lambda f: f["type"] == "message" and f["message"]["text"] == "ihan ok kiitos")

    status, body = await vol.status_of("POST", f"/console/api/conversations/{cid}/end", {"wrapup": {"topics": []}})
    assert status == 422 and body["error"] == "bad_wrapup"
    await vol.call("POST", f"/console/api/conversations/{cid}/end",
                   {"wrapup": {"topics": ["feeling_bad"], "referral_given": True,
                               "referral_services": ["crisis_line_24_7"]}})
    await youth.wait_message("system", lambda m: "lopetti" in m["text"])
    ended = await youth.log.wait_for(lambda f: f["type"] == "ended")
    assert ended["deleted"] is True
    await vol.log.wait_for(lambda f: f["type"] == "chat_removed" and f["conversation_id"] == cid)
    async with gw.ctx.sessions() as s:
        n = (await s.execute(select(func.count()).select_from(Message).where(Message.conversation_id == cid))).scalar_one()
        wrap = (await s.execute(select(WrapUp).where(WrapUp.conversation_id == cid))).scalar_one()
    assert n == 0
    assert wrap.topics == ["feeling_bad"] and wrap.referral_given and wrap.handled_seconds is not None
    await vol.close()
    await youth.close()


async def test_offer_goes_to_the_volunteer_with_fewest_chats_and_accept_connects(gw: InProcessGateway) -> None:
    busy = await gw.console()
    free = await gw.console()
    # give `busy` one chat first
    y1 = await gw.youth()
    await busy.call("POST", f"/console/api/conversations/{await conv_id(gw, y1)}/step-in")
    await free.call("GET", "/console/api/me")

    youth = await queued_youth(gw)
    cid = await conv_id(gw, youth)
    offer = await free.log.wait_for(lambda f: f["type"] == "offer")
    assert offer["conversation"]["conversation_id"] == cid and offer["expires_in_seconds"] > 0
    assert not [f for f in busy.log.frames if f["type"] == "offer"]
    detail = await free.call("POST", f"/console/api/conversations/{cid}/accept")
    assert detail["state"] == "volunteer"
    assigned = await free.log.wait_for(lambda f: f["type"] == "chat_assigned")
    assert assigned["conversation"]["conversation_id"] == cid
    await youth.wait_state("volunteer")
    # someone else can no longer take it
    status, body = await busy.status_of("POST", f"/console/api/conversations/{cid}/accept")
    assert status == 409 and body["error"] == "not_queued"
    for c in (busy, free):
        await c.close()
    for y in (y1, youth):
        await y.close()


async def test_declined_offer_moves_on_and_pick_from_queue_respects_capacity(gw: InProcessGateway) -> None:
    a = await gw.console(capacity=1)
    b = await gw.console(capacity=1)
    youth = await queued_youth(gw)
    cid = await conv_id(gw, youth)
    first = await asyncio.wait_for(asyncio.shield(_first_offer(a, b)), 10)
    first_console, other = (a, b) if first is a else (b, a)
    await first_console.call("POST", f"/console/api/conversations/{cid}/decline")
    await other.log.wait_for(lambda f: f["type"] == "offer" and f["conversation"]["conversation_id"] == cid)
    await other.call("POST", "/console/api/queue/next")
    await youth.wait_state("volunteer")
    # `other` is now full (capacity 1)
    y2 = await queued_youth(gw)
    status, body = await other.status_of("POST", f"/console/api/conversations/{await conv_id(gw, y2)}/accept")
    assert status == 409 and body["error"] == "at_capacity"
    status, body = await first_console.status_of("POST", "/console/api/queue/next")
    assert status == 200
    status, body = await first_console.status_of("POST", "/console/api/queue/next")
    assert status == 409 and body["error"] == "at_capacity"
    for c in (a, b):
        await c.close()
    for y in (youth, y2):
        await y.close()


async def _first_offer(a: object, b: object) -> object:
    while True:
        for con in (a, b):
            if any(f["type"] == "offer" for f in con.log.frames):  # type: ignore[attr-defined]
                return con
        await asyncio.sleep(0.05)


async def test_transfer_to_another_volunteer_tells_the_young_person(gw: InProcessGateway) -> None:
    a = await gw.console()
    b = await gw.console()
    youth = await gw.youth()
    cid = await conv_id(gw, youth)
    await a.call("POST", f"/console/api/conversations/{cid}/step-in")
    await youth.wait_state("volunteer")
    status, body = await a.status_of("POST", f"/console/api/conversations/{cid}/transfer", {"to": "v_nobody"})
    assert status == 409 and body["error"] == "target_unavailable"
    await a.call("POST", f"/console/api/conversations/{cid}/transfer", {"to": b.me["id"]})  # type: ignore[index]
    await a.log.wait_for(lambda f: f["type"] == "chat_removed" and f["reason"] == "transferred")
    await b.log.wait_for(lambda f: f["type"] == "chat_assigned" and f["conversation"]["conversation_id"] == cid)
    await youth.wait_message("system", lambda m: a.me["alias"] in m["text"])  # type: ignore[index]
    await youth.wait_message("system", lambda m: b.me["alias"] in m["text"])  # type: ignore[index]
    sent = await b.send(cid, "Jatketaan yhdessä.")
    got = await youth.wait_message("volunteer", lambda m: m["seq"] == sent["seq"])
    assert got["alias"] == b.me["alias"]  # type: ignore[index]
    status, _ = await a.status_of("POST", f"/console/api/conversations/{cid}/messages", {"text": "hei"})
    assert status == 403
    for c in (a, b):
        await c.close()
    await youth.close()


async def test_volunteer_disconnect_returns_the_chat_to_the_front_after_the_grace_period(
        make_gateway: GatewayFactory) -> None:
    gw = await make_gateway(volunteer_grace_seconds=1.0)
    vol = await gw.console()
    waiting = await gw.youth()
    youth = await gw.youth()
    cid = await conv_id(gw, youth)
    await vol.call("POST", f"/console/api/conversations/{cid}/step-in")
    await youth.wait_state("volunteer")
    await vol.call("POST", "/console/api/shift", {"on": False})
    await waiting.say("Haluan jutella ihmisen kanssa", payload="/request_human")  # nobody on shift
    await waiting.wait_message("system", lambda m: "jono" in m["text"])
    other = await gw.console()
    await waiting.say("Haluan jutella ihmisen kanssa", payload="/request_human")
    await waiting.wait_state("queued")

    start = len(youth.log.frames)
    await vol.close_ws()  # the volunteer's browser dies
    await asyncio.sleep(0.3)
    assert not [f for f in youth.log.frames[start:] if f["type"] == "state"], "nothing happens within the grace"
    state = await youth.wait_state("queued", timeout=5, start=start)
    assert state["queue"]["position"] == 1, "back at the front of the queue"
    notice = await youth.wait_message("system", start=start)
    assert vol.me["alias"] in notice["text"]  # type: ignore[index]
    conv = await gw.ctx.conversations.get(cid)
    assert conv is not None and conv.state == "queued" and conv.volunteer_id is None
    for c in (vol, other):
        await c.close()
    for y in (waiting, youth):
        await y.close()


async def test_reconnecting_within_the_grace_period_keeps_the_chat(make_gateway: GatewayFactory) -> None:
    gw = await make_gateway(volunteer_grace_seconds=2.0)
    vol = await gw.console()
    youth = await gw.youth()
    cid = await conv_id(gw, youth)
    await vol.call("POST", f"/console/api/conversations/{cid}/step-in")
    await vol.close_ws()
    await asyncio.sleep(0.5)
    await vol.open_ws()
    await asyncio.sleep(2.5)
    conv = await gw.ctx.conversations.get(cid)
    assert conv is not None and conv.state == "volunteer" and conv.volunteer_id == vol.me["id"]  # type: ignore[index]
    await vol.close()
    await youth.close()


async def test_leave_queue_and_nobody_on_shift_means_nobody_is_queued(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    await youth.say("Haluan jutella ihmisen kanssa", payload="/request_human")
    await youth.wait_message("system", lambda m: "jono" in m["text"])
    cid = await conv_id(gw, youth)
    conv = await gw.ctx.conversations.get(cid)
    assert conv is not None and conv.state == "bot"

    vol = await gw.console()
    await vol.call("POST", "/console/api/shift", {"on": True})
    start = len(youth.log.frames)
    await youth.say("Haluan jutella ihmisen kanssa", payload="/request_human")
    queued = await youth.wait_state("queued", start=start)
    assert queued["queue"]["position"] == 1 and queued["queue"]["estimated_wait_seconds"] is not None
    await youth.send({"type": "leave_queue"})
    await youth.wait_state("bot", start=start)
    assert (await vol.call("GET", "/console/api/queue"))["entries"] == []
    await vol.close()
    await youth.close()


async def test_availability_api_needs_the_bearer_token_and_reports_the_queue(gw: InProcessGateway) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{gw.url}/internal/availability") as resp:
            assert resp.status == 401
        headers = {"Authorization": f"Bearer {gw.settings.internal_token}"}
        async with http.get(f"{gw.url}/internal/availability", headers=headers) as resp:
            body = await resp.json()
        assert body["on_shift"] == 0 and body["queue_length"] == 0 and body["estimated_wait_seconds"] is None
        assert set(body) == {"on_shift", "available", "queue_length", "estimated_wait_seconds", "open_now",
                             "next_opening"}
        vol = await gw.console(capacity=1)
        youth = await gw.youth()
        await vol.call("POST", f"/console/api/conversations/{await conv_id(gw, youth)}/step-in")
        waiting = await queued_youth(gw)
        async with http.get(f"{gw.url}/internal/availability", headers=headers) as resp:
            body = await resp.json()
        assert body["on_shift"] == 1 and body["available"] == 0 and body["queue_length"] == 1
        assert isinstance(body["estimated_wait_seconds"], int) and body["estimated_wait_seconds"] > 60
    await vol.close()
    for y in (youth, waiting):
        await y.close()


async def test_when_the_last_volunteer_leaves_the_shift_nobody_waits_in_vain(gw: InProcessGateway) -> None:
    vol = await gw.console()
    youth = await queued_youth(gw)
    start = len(youth.log.frames)
    await vol.call("POST", "/console/api/shift", {"on": False})
    await youth.wait_state("bot", start=start)
    notice = await youth.wait_message("system", start=start)
    assert "jono" in notice["text"]
    assert await gw.ctx.conversations.waiting() == []
    await vol.close()
    await youth.close()
