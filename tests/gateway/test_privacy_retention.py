"""Retention: content is kept only MESSAGE_RETENTION_HOURS after the end; abandoned chats end."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from handoff import keys
from handoff.store.db import utcnow
from handoff.store.ids import sha256_hex
from tests.gateway.conftest import GatewayFactory


async def test_content_is_kept_for_the_retention_time_then_deleted(make_gateway: GatewayFactory) -> None:
    gw = await make_gateway(message_retention_hours=2.0)
    youth = await gw.youth()
    await youth.say("kerron jotain")
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    await youth.send({"type": "end", "delete": False})
    ended = await youth.log.wait_for(lambda f: f["type"] == "ended")
    assert ended["deleted"] is False
    privacy = gw.app[keys.PRIVACY]
    await privacy.sweep()
    assert await gw.ctx.conversations.messages_after(conv.id) != [], "kept within the retention time"
    await gw.ctx.conversations.update(conv.id, ended_at=utcnow() - timedelta(hours=3))
    await privacy.sweep()
    assert await gw.ctx.conversations.messages_after(conv.id) == []
    after = await gw.ctx.conversations.get(conv.id)
    assert after is not None and after.content_deleted_at is not None and after.token_hash is None
    await youth.close()


async def test_the_young_person_can_always_delete_at_once(make_gateway: GatewayFactory) -> None:
    gw = await make_gateway(message_retention_hours=48.0)
    youth = await gw.youth()
    await youth.say("poista heti")
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    await youth.send({"type": "end", "delete": True})
    assert (await youth.log.wait_for(lambda f: f["type"] == "ended"))["deleted"] is True
    assert await gw.ctx.conversations.messages_after(conv.id) == []
    await youth.close()


async def test_a_young_person_gone_from_the_queue_is_not_left_there(make_gateway: GatewayFactory) -> None:
    gw = await make_gateway(youth_grace_seconds=0.5)
    vol = await gw.console()
    await vol.call("POST", "/console/api/shift", {"on": False})
    other = await gw.console()  # on shift, so the young person can be queued
    youth = await gw.youth()
    await youth.say("Haluan jutella ihmisen kanssa", payload="/request_human")
    await youth.wait_state("queued")
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    await youth.drop()
    await asyncio.sleep(1.0)
    await gw.app[keys.PRIVACY].sweep()
    after = await gw.ctx.conversations.get(conv.id)
    assert after is not None and after.state == "ended" and after.end_reason == "abandoned"
    assert await gw.ctx.conversations.waiting() == []
    assert await gw.ctx.conversations.messages_after(conv.id) == []
    for c in (vol, other):
        await c.close()
    await youth.close()
