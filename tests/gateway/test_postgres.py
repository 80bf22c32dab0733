"""The same gateway on PostgreSQL (DATABASE_URL=postgresql+asyncpg://…): migrations and a whole chat."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from handoff.store.ids import sha256_hex
from handoff.store.models import Message, WrapUp
from tests.gateway.conftest import GatewayFactory
from tests.support.postgres import postgres_cluster


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_cluster() as url:
        yield url


async def test_a_whole_chat_on_postgresql(make_gateway: GatewayFactory, pg_url: str) -> None:
    gw = await make_gateway(database_url=pg_url)
    assert gw.ctx.engine.dialect.name == "postgresql"
    vol = await gw.console()
    youth = await gw.youth()
    await youth.say("mä haluun kuolla")  # crisis: queued at crisis priority, alert
    await youth.wait_state("queued")
    await vol.log.wait_for(lambda f: f["type"] == "crisis_alert")
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(youth.token or ""))
    assert conv is not None
    await vol.call("POST", f"/console/api/conversations/{conv.id}/accept")
    sent = await vol.send(conv.id, "Hei, olen täällä sinua varten.")
    await youth.wait_message("volunteer", lambda m: m["seq"] == sent["seq"])
    dup = await youth.say("kiitos", client_id="same")
    again = await youth.say("kiitos", client_id="same")
    assert dup["seq"] == again["seq"]
    await vol.call("POST", f"/console/api/conversations/{conv.id}/end",
                   {"wrapup": {"topics": ["crisis"], "referral_given": True}})
    await youth.log.wait_for(lambda f: f["type"] == "ended")
    async with gw.ctx.sessions() as s:
        n = (await s.execute(select(func.count()).select_from(Message)
                             .where(Message.conversation_id == conv.id))).scalar_one()
        wrap = (await s.execute(select(WrapUp).where(WrapUp.conversation_id == conv.id))).scalar_one()
    assert n == 0 and wrap.crisis is True and wrap.waited_seconds is not None
    await vol.close()
    await youth.close()
