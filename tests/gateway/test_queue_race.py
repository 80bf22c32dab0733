"""Queue position frames never arrive stale: not after the young person left the queue, was taken by a
volunteer or ended the chat, and never an older position after a newer one. Likewise no offer stays
open on a console for a conversation that stopped waiting while it was being offered.

The real in-process gateway (SQLite, WebSockets over TCP). `Router.snapshot_read_hook` holds a queue
publish (or dispatch) between reading its snapshot and acting on it, so the state changes in between
for sure.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from handoff import keys
from handoff.routing import Router
from handoff.state_order import STAMP_KEY, StateOrder, stamp, stamped
from handoff.store.ids import sha256_hex
from tests.gateway.conftest import GatewayFactory, InProcessGateway
from tests.support.clients import Frame, YouthWS


class Gate:
    """Holds the next queue publish (or dispatch) after its snapshot was read, until released."""

    def __init__(self, router: Router, step: str = "publish") -> None:
        self.step = step
        self.reached = asyncio.Event()
        self.release = asyncio.Event()
        self.armed = False
        router.snapshot_read_hook = self

    async def __call__(self, step: str) -> None:
        if not self.armed or step != self.step:
            return
        self.armed = False
        self.reached.set()
        await self.release.wait()


def router_of(gw: InProcessGateway) -> Router:
    return gw.app[keys.ROUTER]


async def conv_id(gw: InProcessGateway, youth: YouthWS) -> str:
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    return conv.id


async def ask_for_human(youth: YouthWS) -> None:
    await youth.say("Haluan jutella ihmisen kanssa", payload="/request_human")


async def queued_youth(gw: InProcessGateway) -> YouthWS:
    youth = await gw.youth()
    await ask_for_human(youth)
    await youth.wait_state("queued")
    return youth


async def flushed(youth: YouthWS) -> None:
    """Every frame queued for this socket so far has arrived (the server writes one socket in order)."""
    start = len(youth.log.frames)
    await youth.send({"type": "ping"})
    await youth.log.wait_for(lambda f: f["type"] == "pong", timeout=10, start=start)


def states(frames: list[Frame]) -> list[Frame]:
    return [f for f in frames if f["type"] in ("state", "ended")]


def queued_after_leaving(frames: list[Frame]) -> list[Frame]:
    """`queued` state frames that came after the young person stopped waiting (left, taken, ended)."""
    seen_queued = left = False
    stale = []
    for frame in states(frames):
        waiting = frame["type"] == "state" and frame["state"] == "queued"
        if waiting and left:
            stale.append(frame)
        seen_queued = seen_queued or waiting
        left = left or (seen_queued and not waiting)
    return stale


def positions(frames: list[Frame]) -> list[int]:
    return [f["queue"]["position"] for f in frames
            if f["type"] == "state" and f["state"] == "queued" and f["queue"] is not None]


@pytest.mark.parametrize("bus", ["memory", "redis"])
@pytest.mark.parametrize("how", ["leave_queue", "taken", "ended"])
async def test_no_queued_frame_after_the_young_person_stopped_waiting(
        make_gateway: GatewayFactory, request: pytest.FixtureRequest, how: str, bus: str) -> None:
    gw = await (make_gateway(bus_url=request.getfixturevalue("redis_url")) if bus == "redis" else make_gateway())
    router = router_of(gw)
    gate = Gate(router)
    vol = await gw.console()
    first = await queued_youth(gw)
    cid = await conv_id(gw, first)
    await router.settled()

    gate.armed = True
    second = await gw.youth()
    await ask_for_human(second)  # its queue publish reads [first, second] and is held there
    await asyncio.wait_for(gate.reached.wait(), 10)

    start = len(first.log.frames)
    if how == "leave_queue":
        await first.send({"type": "leave_queue"})
        await first.wait_state("bot", timeout=10, start=start)
    elif how == "taken":
        await vol.call("POST", f"/console/api/conversations/{cid}/accept")
        await first.wait_state("volunteer", timeout=10, start=start)
    else:
        await first.send({"type": "end", "delete": True})
        await first.log.wait_for(lambda f: f["type"] == "ended", timeout=10, start=start)

    gate.release.set()
    await router.settled()
    await second.log.wait_for(
        lambda f: f["type"] == "state" and f["state"] == "queued" and f["queue"]["position"] == 1, timeout=10)
    if how != "ended":
        await flushed(first)
    else:
        await asyncio.sleep(0.2)  # an ended chat answers no ping; give a stale frame time to arrive

    assert queued_after_leaving(first.log.frames) == []
    last = states(first.log.frames)[-1]
    expected = {"leave_queue": ("state", "bot"), "taken": ("state", "volunteer"), "ended": ("ended", None)}[how]
    assert (last["type"], last.get("state")) == expected
    await vol.close()
    for youth in (first, second):
        await youth.close()


async def test_an_older_position_never_arrives_after_a_newer_one(gw: InProcessGateway) -> None:
    router = router_of(gw)
    gate = Gate(router)
    vol = await gw.console()
    youths = [await queued_youth(gw) for _ in range(3)]
    await router.settled()

    gate.armed = True
    fourth = await gw.youth()
    await ask_for_human(fourth)  # held publish: the third is at position 3 in its snapshot
    await asyncio.wait_for(gate.reached.wait(), 10)

    start = len(youths[0].log.frames)
    await youths[0].send({"type": "leave_queue"})
    await youths[0].wait_state("bot", timeout=10, start=start)
    third = youths[2]
    last_seq = max((f["seq"] for f in third.messages()), default=0)
    await third.drop()  # reconnects and is told its fresh position, 2
    await third.connect()
    await third.hello(token=third.token, last_seq=last_seq)
    fresh = await third.wait_state("queued", timeout=10)
    assert fresh["queue"]["position"] == 2

    gate.release.set()
    await router.settled()
    await flushed(third)
    seen = positions(third.log.frames)
    assert seen and seen[-1] == 2
    assert seen == sorted(seen, reverse=True), f"a stale position arrived after a newer one: {seen}"
    await vol.close()
    for youth in [*youths, fourth]:
        await youth.close()


async def test_queue_churn_leaves_every_widget_with_its_true_state(gw: InProcessGateway) -> None:
    """Many joins, leaves, takes and ends at once: afterwards each widget shows what the store says."""
    router = router_of(gw)
    vol = await gw.console(capacity=40)
    waiting = [await queued_youth(gw) for _ in range(10)]
    joining = [await gw.youth() for _ in range(4)]
    ids = {id(y): await conv_id(gw, y) for y in [*waiting, *joining]}
    rng = random.Random(7)
    actions: list[Any] = [ask_for_human(y) for y in joining]
    for i, youth in enumerate(waiting[:8]):
        kind = i % 3
        if kind == 0:
            actions.append(youth.send({"type": "leave_queue"}))
        elif kind == 1:
            actions.append(vol.call("POST", f"/console/api/conversations/{ids[id(youth)]}/accept"))
        else:
            actions.append(youth.send({"type": "end", "delete": True}))
    rng.shuffle(actions)
    await asyncio.gather(*actions)
    await asyncio.sleep(0.3)
    await router.settled()
    await gw.app[keys.RELAY].drain()
    await router.settled()

    queue = [entry.conversation_id for entry, _ in await gw.ctx.conversations.waiting()]
    for youth in [*waiting, *joining]:
        conv = await gw.ctx.conversations.get(ids[id(youth)])
        assert conv is not None
        if conv.state != "ended":
            await flushed(youth)
        else:
            await youth.log.wait_for(lambda f: f["type"] == "ended", timeout=10)
        frames = youth.log.frames
        assert queued_after_leaving(frames) == [], conv.state
        last = [f for f in states(frames) if f["type"] == "state"][-1]
        assert last["state"] == conv.state
        if conv.state == "queued":
            assert last["queue"]["position"] == queue.index(conv.id) + 1
    await vol.close()
    for youth in [*waiting, *joining]:
        await youth.close()


@pytest.mark.parametrize("how", ["leave_queue", "taken"])
async def test_no_offer_stays_open_for_a_conversation_that_stopped_waiting(gw: InProcessGateway, how: str) -> None:
    router = router_of(gw)
    gate = Gate(router, "dispatch")
    picker = await gw.console(on_shift=False, capacity=5)  # goes on shift only to take the chat
    vol = await gw.console()
    await router.settled()

    gate.armed = True
    youth = await gw.youth()
    await ask_for_human(youth)  # its dispatch reads [youth] and is held before offering it to `vol`
    await asyncio.wait_for(gate.reached.wait(), 10)
    cid = await conv_id(gw, youth)
    start = len(youth.log.frames)
    if how == "leave_queue":
        await youth.send({"type": "leave_queue"})
        await youth.wait_state("bot", timeout=10, start=start)
    else:
        await picker.call("POST", "/console/api/shift", {"on": True})
        await picker.call("POST", f"/console/api/conversations/{cid}/accept")
        await youth.wait_state("volunteer", timeout=10, start=start)

    gate.release.set()
    await router.settled()
    await asyncio.sleep(0.2)
    about = [f for f in vol.log.frames
             if f["type"] in ("offer", "offer_withdrawn")
             and (f.get("conversation_id") or f.get("conversation", {}).get("conversation_id")) == cid]
    assert not about or about[-1]["type"] == "offer_withdrawn", [f["type"] for f in about]
    if about:
        assert about[0]["conversation"]["offered_to"] == vol.me["id"]  # type: ignore[index]
        assert about[-1]["reason"] == {"leave_queue": "youth_left", "taken": "taken"}[how]
    assert cid not in router.offers
    for con in (picker, vol):
        await con.close()
    await youth.close()


def test_state_order_drops_older_frames_of_the_same_origin_only() -> None:
    order = StateOrder()
    old, new = stamp(), stamp()
    frame = {"type": "state", "state": "queued", "queue": {"position": 2}, "volunteer_alias": None}
    assert order.admit(stamped({**frame, "state": "bot", "queue": None}, new)) == {
        "type": "state", "state": "bot", "queue": None, "volunteer_alias": None}
    assert order.admit(stamped(frame, old)) is None
    assert order.admit(stamped(frame, ["another-instance", 1])) == frame  # other instances: as they come
    assert order.admit({"type": "pong"}) == {"type": "pong"}
    later = order.admit(stamped(frame, stamp()))
    assert later == frame and STAMP_KEY not in later
