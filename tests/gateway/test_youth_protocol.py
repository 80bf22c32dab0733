"""The youth WebSocket protocol against the real in-process gateway (docs/protocol-youth.md)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid

from sqlalchemy import func, select

from handoff.store.ids import sha256_hex
from handoff.store.models import Conversation, Message
from tests.gateway.conftest import InProcessGateway
from tests.support.clients import YouthWS


async def stored_messages(gw: InProcessGateway, conversation_id: str | None = None) -> int:
    async with gw.ctx.sessions() as s:
        q = select(func.count()).select_from(Message)
        if conversation_id:
            q = q.where(Message.conversation_id == conversation_id)
        return int((await s.execute(q)).scalar_one())


async def conversation_of(gw: InProcessGateway, token: str) -> Conversation:
    conv = await gw.ctx.conversations.by_token_hash(sha256_hex(token))
    assert conv is not None
    return conv


async def test_new_conversation_gets_an_anonymous_token_and_only_its_hash_is_stored(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    welcome = youth.welcome
    assert welcome is not None
    assert welcome["resumed"] is False and welcome["conversation_state"] == "bot" and welcome["last_seq"] == 0
    token = welcome["token"]
    assert len(token) >= 43  # 32 random bytes, urlsafe
    conv = await conversation_of(gw, token)
    assert conv.token_hash == sha256_hex(token)
    assert conv.rasa_id and conv.rasa_id != token and conv.id != token
    # the raw token is nowhere in the database file
    raw = (gw.tracker_db.parent / gw.settings.database_url.rsplit("/", 1)[-1]).read_bytes()
    assert token.encode() not in raw
    await youth.close()


async def test_message_is_acked_echoed_with_seq_and_bot_down_gives_hours_and_crisis_contacts(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    ack = await youth.say("moi, mulla on vähän tylsää")
    assert ack["type"] == "ack" and ack["seq"] >= 1
    echo = await youth.wait_message("youth")
    assert echo["seq"] == ack["seq"] and echo["client_id"] == ack["client_id"] and echo["risk"] is False
    # Rasa is down (closed port): a kind system message with the hours and crisis contacts
    trouble = await youth.wait_message("system", timeout=15)
    assert "tekni" in trouble["text"].lower()
    assert trouble["links"], "crisis contacts must be linked even when the bot is down"
    await youth.close()


async def test_resend_with_same_client_id_is_stored_once_and_acked_with_the_original_seq(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    client_id = str(uuid.uuid4())
    first = await youth.say("sama viesti", client_id=client_id)
    second = await youth.say("sama viesti", client_id=client_id)
    assert first["seq"] == second["seq"]
    conv = await conversation_of(gw, youth.token or "")
    async with gw.ctx.sessions() as s:
        n = (await s.execute(select(func.count()).select_from(Message).where(
            Message.conversation_id == conv.id, Message.client_id == client_id))).scalar_one()
    assert n == 1
    assert len([m for m in youth.messages("youth") if m["client_id"] == client_id]) == 1
    await youth.close()


async def test_reconnect_resumes_from_last_seen_seq_without_loss_or_duplicates(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    for i in range(3):
        await youth.say(f"viesti {i}")
    await youth.wait_message("system", timeout=15)  # bot-trouble notice
    await asyncio.sleep(0.3)
    seen = sorted({m["seq"] for m in youth.messages()})
    token = youth.token
    last_seen = seen[1]  # pretend the client only saw up to the second message
    await youth.drop()

    # while the young person is away, something new is stored (a volunteer steps in)
    con = await gw.console()
    conv = await conversation_of(gw, token or "")
    await con.call("POST", f"/console/api/conversations/{conv.id}/step-in")
    await con.send(conv.id, "Hei, olen täällä.")

    again = YouthWS(gw.url)
    await again.connect()
    welcome = await again.hello(token=token, last_seq=last_seen)
    assert welcome["resumed"] is True and welcome["conversation_state"] == "volunteer"
    await again.wait_message("volunteer")
    await asyncio.sleep(0.3)
    replayed = [m["seq"] for m in again.messages()]
    stored = [m.seq for m in await gw.ctx.conversations.messages_after(conv.id, last_seen)]
    assert replayed == stored, "exactly the messages after last_seq, in order, each once"
    assert replayed[0] == last_seen + 1
    assert replayed == list(range(last_seen + 1, welcome["last_seq"] + 1))
    # and the conversation goes on with the next seq
    ack = await again.say("kiitos")
    assert ack["seq"] == welcome["last_seq"] + 1
    state = await again.log.wait_for(lambda f: f["type"] == "state")
    assert state["state"] == "volunteer" and state["volunteer_alias"]
    await again.close()
    await youth.close()
    await con.close()


async def test_malformed_frames_get_clear_errors_and_the_connection_stays(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    conv = await conversation_of(gw, youth.token or "")
    before = await stored_messages(gw, conv.id)

    await youth.send_raw("{not json")
    err = await youth.log.wait_for(lambda f: f["type"] == "error")
    assert err["code"] == "bad_json" and err["fatal"] is False

    start = len(youth.log.frames)
    await youth.send_raw(b"\x00\x01binary")
    err = await youth.log.wait_for(lambda f: f["type"] == "error", start=start)
    assert err["code"] == "bad_json"

    start = len(youth.log.frames)
    await youth.send({"type": "dance"})
    err = await youth.log.wait_for(lambda f: f["type"] == "error", start=start)
    assert err["code"] == "unknown_type"

    start = len(youth.log.frames)
    await youth.send({"type": "message", "client_id": "c1", "text": "x" * 2001})
    err = await youth.log.wait_for(lambda f: f["type"] == "error", start=start)
    assert err["code"] == "too_large" and err["client_id"] == "c1"

    start = len(youth.log.frames)
    await youth.send_raw(json.dumps({"type": "message", "client_id": "c2", "text": "y" * 20000}))
    err = await youth.log.wait_for(lambda f: f["type"] == "error", start=start)
    assert err["code"] == "too_large"

    start = len(youth.log.frames)
    await youth.send({"type": "message", "client_id": "", "text": "ok"})
    err = await youth.log.wait_for(lambda f: f["type"] == "error", start=start)
    assert err["code"] == "bad_message"

    start = len(youth.log.frames)
    await youth.send({"type": "ping"})
    await youth.log.wait_for(lambda f: f["type"] == "pong", start=start)
    assert await stored_messages(gw, conv.id) == before, "nothing was stored"
    await youth.close()


async def test_a_frame_beyond_the_hard_limit_closes_cleanly_and_stores_nothing(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    conv = await conversation_of(gw, youth.token or "")
    before = await stored_messages(gw, conv.id)
    await youth.send_raw(json.dumps({"type": "message", "client_id": "big", "text": "z" * 100_000}))
    closed = await youth.log.wait_for(lambda f: f["type"] == "_closed")
    assert closed["code"] == 1009  # message too big: a clean WebSocket close
    assert await stored_messages(gw, conv.id) == before
    await youth.close()


async def test_first_frame_must_be_hello(gw: InProcessGateway) -> None:
    youth = await YouthWS(gw.url).connect()
    await youth.send({"type": "message", "client_id": "a", "text": "hei"})
    err = await youth.log.wait_for(lambda f: f["type"] == "error")
    assert err["code"] == "bad_hello" and err["fatal"] is True
    await youth.log.wait_for(lambda f: f["type"] == "_closed")
    await youth.close()


async def test_unknown_token_starts_a_new_conversation(gw: InProcessGateway) -> None:
    youth = await YouthWS(gw.url).connect()
    await youth.send({"type": "hello", "token": "not-a-real-token", "last_seq": 5, "language": "en"})
    err = await youth.log.wait_for(lambda f: f["type"] == "error")
    assert err["code"] == "bad_token" and err["fatal"] is False
    welcome = await youth.log.wait_for(lambda f: f["type"] == "welcome")
    assert welcome["resumed"] is False and welcome["token"] != "not-a-real-token"
    await youth.close()


async def test_youth_ends_the_chat_and_its_content_is_deleted_also_from_the_tracker(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    await youth.say("tämä pitää poistaa")
    conv = await conversation_of(gw, youth.token or "")
    rasa_id = conv.rasa_id
    assert rasa_id
    # a Rasa tracker store with this conversation's events and someone else's
    con = sqlite3.connect(gw.tracker_db)
    con.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
    con.executemany("INSERT INTO events (sender_id, data) VALUES (?, ?)",
                    [(rasa_id, "tämä pitää poistaa"), (rasa_id, "x"), ("someone-else", "keep")])
    con.commit()
    con.close()
    await youth.send({"type": "end", "delete": True})
    ended = await youth.log.wait_for(lambda f: f["type"] == "ended")
    assert ended["deleted"] is True
    assert await stored_messages(gw, conv.id) == 0
    after = await gw.ctx.conversations.get(conv.id)
    assert after is not None and after.state == "ended" and after.token_hash is None and after.rasa_id is None
    con = sqlite3.connect(gw.tracker_db)
    rows = con.execute("SELECT sender_id FROM events").fetchall()
    con.close()
    assert rows == [("someone-else",)]
    # the old token no longer resumes anything
    again = await YouthWS(gw.url).connect()
    await again.send({"type": "hello", "token": youth.token, "last_seq": 0, "language": "fi"})
    err = await again.log.wait_for(lambda f: f["type"] == "error")
    assert err["code"] == "bad_token"
    # anonymous feedback after the end
    await youth.send({"type": "feedback", "rating": 5, "text": "kiitos"})
    await youth.log.wait_for(lambda f: f["type"] == "feedback_received")
    await again.close()
    await youth.close()


async def test_rate_limit_refuses_floods_but_never_a_crisis_message(gw: InProcessGateway) -> None:
    youth = await gw.youth()
    codes = []
    for i in range(25):
        reply = await youth.say(f"flood {i}")
        codes.append(reply["type"] if reply["type"] == "ack" else reply["code"])
    assert "rate_limited" in codes
    reply = await youth.say("mä haluun kuolla")
    assert reply["type"] == "ack", "a crisis message is never refused"
    await youth.close()
