"""Two gateway instances sharing one database and a real Redis pub/sub bus (BUS_URL=redis://…):
a young person on one instance and a volunteer on the other talk to each other."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from handoff import keys
from handoff.bus import MemoryBus, RedisBus, make_bus
from handoff.store.ids import sha256_hex
from tests.gateway.conftest import GatewayFactory


def test_bus_url_selects_the_implementation() -> None:
    assert isinstance(make_bus("memory://"), MemoryBus)
    assert isinstance(make_bus("redis://127.0.0.1:6379/0"), RedisBus)
    with pytest.raises(ValueError):
        make_bus("kafka://x")


async def test_youth_and_volunteer_on_different_instances(make_gateway: GatewayFactory, redis_url: str,
                                                         tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    gw1 = await make_gateway(bus_url=redis_url, database_url=db)
    gw2 = await make_gateway(bus_url=redis_url, database_url=db, session_secret=gw1.settings.session_secret)
    youth = await gw1.youth()
    vol = await gw2.console()
    conv = await gw1.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    # the shift change on instance 2 reached instance 1 through Redis
    for _ in range(100):
        if gw1.app[keys.ROUTER].shift:
            break
        await asyncio.sleep(0.05)
    assert gw1.app[keys.ROUTER].shift, "instance 1 learnt of the shift on instance 2"
    await vol.call("POST", f"/console/api/conversations/{conv.id}/step-in")
    joined = await youth.wait_message("system", lambda m: vol.me["alias"] in m["text"])  # type: ignore[index]
    assert joined
    sent = await vol.send(conv.id, "Hei toiselta palvelimelta")
    got = await youth.wait_message("volunteer", lambda m: m["seq"] == sent["seq"])
    assert got["text"] == "Hei toiselta palvelimelta"
    await youth.say("kuulin sut")
    seen = await vol.log.wait_for(lambda f: f["type"] == "message" and f["message"]["text"] == "kuulin sut")
    assert seen["conversation_id"] == conv.id
    await vol.close()
    await youth.close()
