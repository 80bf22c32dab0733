"""The anonymous youth WebSocket protocol (docs/protocol-youth.md): GET /ws/youth."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections import deque
from typing import Any

from aiohttp import WSMsgType, web

from handoff import crisis, keys
from handoff.connections import YouthOutbox
from handoff.context import Context
from handoff.frames import error_frame, message_frame
from handoff.relay import Relay
from handoff.state_order import stamp, stamped
from handoff.store.conversations import NotAllowed
from handoff.store.db import utcnow
from handoff.store.ids import new_token, sha256_hex
from handoff.store.models import Conversation

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024  # larger frames get `too_large` and are dropped
HARD_FRAME_BYTES = 64 * 1024  # larger frames close the socket (1009, message too big)
HELLO_TIMEOUT = 15.0
LANGUAGES = ("fi", "sv", "en")
RATE_WINDOW_SECONDS = 10.0
RATE_MAX_MESSAGES = 20
MAX_CLIENT_ID = 64
MAX_PAYLOAD = 200


class FrameError(Exception):
    def __init__(self, code: str, message: str, fatal: bool = False) -> None:
        super().__init__(message)
        self.code, self.message, self.fatal = code, message, fatal


def parse_frame(raw: str) -> dict[str, Any]:
    if len(raw.encode("utf-8")) > MAX_FRAME_BYTES:
        raise FrameError("too_large", f"Frames may be at most {MAX_FRAME_BYTES} bytes.")
    try:
        frame = json.loads(raw)
    except ValueError as exc:
        raise FrameError("bad_json", "The frame is not valid JSON.") from exc
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameError("bad_json", "A frame must be a JSON object with a string `type`.")
    return frame


class RateLimit:
    def __init__(self, window: float = RATE_WINDOW_SECONDS, limit: int = RATE_MAX_MESSAGES) -> None:
        self.window, self.limit = window, limit
        self.times: deque[float] = deque()

    def allow(self) -> bool:
        now = time.monotonic()
        while self.times and now - self.times[0] > self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


class YouthSession:
    """One young person's socket after `hello`."""

    def __init__(self, ctx: Context, relay: Relay, ws: web.WebSocketResponse) -> None:
        self.ctx, self.relay, self.ws = ctx, relay, ws
        self.box: YouthOutbox | None = None
        self.conversation_id: str | None = None
        self.rate = RateLimit()

    def send(self, frame: dict[str, Any]) -> None:
        assert self.box is not None
        self.box.send(frame)

    async def hello(self, frame: dict[str, Any]) -> None:
        token = frame.get("token")
        last_seq = frame.get("last_seq", 0)
        language = frame.get("language", "fi")
        if token is not None and not isinstance(token, str):
            raise FrameError("bad_hello", "`token` must be a string or null.", fatal=True)
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            raise FrameError("bad_hello", "`last_seq` must be a non-negative integer.", fatal=True)
        if language not in LANGUAGES:
            language = "fi"
        conv: Conversation | None = None
        if token:
            conv = await self.ctx.conversations.by_token_hash(sha256_hex(token))
            if conv is None or conv.state == "ended":
                await self.ws.send_json(error_frame(
                    "bad_token", "This conversation has ended or is unknown; a new one was started."))
                conv = None
        if conv is None:
            await self._start_new(language)
        else:
            await self._resume(conv, token or "", last_seq)

    async def _start_new(self, language: str) -> None:
        token = new_token()
        conv = await self.ctx.conversations.create(sha256_hex(token), secrets.token_hex(16), language)
        self.conversation_id = conv.id
        self.box = YouthOutbox(self.ws, conv.id)
        self.box.send({"type": "welcome", "token": token, "conversation_state": "bot", "last_seq": 0,
                       "resumed": False})
        self.box.send({"type": "state", "state": "bot", "queue": None, "volunteer_alias": None})
        self.ctx.connections.add_youth(self.box)
        self.relay.spawn_bot(conv.id, '/greet{"language":"' + language + '"}')

    async def _resume(self, conv: Conversation, token: str, last_seq: int) -> None:
        self.conversation_id = conv.id
        self.box = YouthOutbox(self.ws, conv.id)
        async with self.ctx.locks.seq[conv.id]:  # nothing can be stored between replay and subscribe
            read_at = stamp()
            fresh = await self.ctx.conversations.get(conv.id) or conv
            self.box.send({"type": "welcome", "token": token, "conversation_state": fresh.state,
                           "last_seq": fresh.last_seq, "resumed": True})
            self.box.last_seq = last_seq
            for msg in await self.ctx.conversations.messages_after(conv.id, last_seq):
                self.box.send(message_frame(msg, for_youth=True))
            self.ctx.connections.add_youth(self.box)
        self.box.send(stamped(await self.relay.state_frame(fresh), read_at))
        await self.ctx.conversations.update(conv.id, last_youth_seen_at=utcnow())
        await self.relay.conversation_changed(conv.id)

    async def handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        assert self.conversation_id is not None
        if kind == "message":
            await self.message(frame)
        elif kind == "typing":
            await self.relay.typing(self.conversation_id, "youth", bool(frame.get("on")))
        elif kind == "leave_queue":
            if not await self.relay.leave_queue(self.conversation_id):
                raise FrameError("not_allowed", "You are not in the queue.")
        elif kind == "end":
            delete = frame.get("delete", True) is not False
            if not await self.relay.end(self.conversation_id, "youth", delete_now=delete):
                raise FrameError("not_allowed", "The conversation has already ended.")
        elif kind == "feedback":
            await self.feedback(frame)
        elif kind == "ping":
            self.send({"type": "pong"})
        elif kind == "hello":
            raise FrameError("bad_hello", "`hello` only once per connection.")
        else:
            raise FrameError("unknown_type", f"Unknown frame type {kind[:40]!r}.")

    async def message(self, frame: dict[str, Any]) -> None:
        assert self.conversation_id is not None
        client_id, text, payload = frame.get("client_id"), frame.get("text"), frame.get("payload")
        if not isinstance(client_id, str) or not 1 <= len(client_id) <= MAX_CLIENT_ID:
            raise FrameError("bad_message", f"`client_id` must be a string of 1–{MAX_CLIENT_ID} characters.")
        if not isinstance(text, str) or not text.strip():
            raise FrameError("bad_message", "`text` must be a non-empty string.")
        if len(text) > self.ctx.settings.max_message_chars:
            raise FrameError("too_large", f"Messages may be at most {self.ctx.settings.max_message_chars} characters.")
        if payload is not None and (not isinstance(payload, str) or not payload.startswith("/")
                                    or len(payload) > MAX_PAYLOAD):
            raise FrameError("bad_message", "`payload` must be a string starting with '/'.")
        # a message that may mean danger is never refused, even when sending too fast
        if not self.rate.allow() and crisis.check(text) is None:
            raise FrameError("rate_limited", "You are sending messages very fast. Wait a moment.")
        try:
            msg, _created = await self.relay.youth_message(self.conversation_id, client_id, text, payload)
        except NotAllowed as exc:
            raise FrameError("not_allowed", "The conversation has ended.") from exc
        self.send({"type": "ack", "client_id": client_id, "seq": msg.seq})

    async def feedback(self, frame: dict[str, Any]) -> None:
        assert self.conversation_id is not None
        conv = await self.ctx.conversations.get(self.conversation_id)
        if conv is None or conv.state != "ended":
            raise FrameError("not_allowed", "Feedback is given after the chat has ended.")
        rating = frame.get("rating")
        if rating is not None and (not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5):
            raise FrameError("bad_message", "`rating` must be 1–5 or null.")
        await self.ctx.content.add_feedback(rating)  # free text is not stored
        self.send({"type": "feedback_received"})

    async def closed(self) -> None:
        if self.box is not None:
            self.ctx.connections.remove_youth(self.box)
            await self.box.close()
        if self.conversation_id is not None:
            conv = await self.ctx.conversations.update(self.conversation_id, last_youth_seen_at=utcnow())
            if conv is not None and conv.state != "ended":
                await self.relay.conversation_changed(self.conversation_id)


async def youth_ws(request: web.Request) -> web.WebSocketResponse:
    ctx: Context = request.app[keys.CTX]
    relay: Relay = request.app[keys.RELAY]
    ws = web.WebSocketResponse(max_msg_size=HARD_FRAME_BYTES, heartbeat=30.0)
    await ws.prepare(request)
    session = YouthSession(ctx, relay, ws)
    try:
        await _serve(ws, session)
    finally:
        await session.closed()
    return ws


async def _first_frame(ws: web.WebSocketResponse) -> dict[str, Any] | None:
    """Wait for `hello`; answer errors on the way. None when the socket closed."""
    while True:
        try:
            msg = await ws.receive(timeout=HELLO_TIMEOUT)
        except TimeoutError:
            await ws.send_json(error_frame("bad_hello", "Send `hello` first.", fatal=True))
            await ws.close()
            return None
        if msg.type != WSMsgType.TEXT:
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return None
            await ws.send_json(error_frame("bad_json", "Only JSON text frames are accepted."))
            continue
        try:
            frame = parse_frame(msg.data)
        except FrameError as exc:
            await ws.send_json(error_frame(exc.code, exc.message, exc.fatal))
            continue
        if frame["type"] == "ping":
            await ws.send_json({"type": "pong"})
            continue
        if frame["type"] != "hello":
            await ws.send_json(error_frame("bad_hello", "The first frame must be `hello`.", fatal=True))
            await ws.close()
            return None
        return frame


async def _serve(ws: web.WebSocketResponse, session: YouthSession) -> None:
    frame = await _first_frame(ws)
    if frame is None:
        return
    try:
        await session.hello(frame)
    except FrameError as exc:
        await ws.send_json(error_frame(exc.code, exc.message, True))
        await ws.close()
        return
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            try:
                await session.handle(parse_frame(msg.data))
            except FrameError as exc:
                frame_error = error_frame(exc.code, exc.message, exc.fatal)
                if exc.code in ("rate_limited", "too_large", "bad_message", "not_allowed"):
                    try:
                        client_id = json.loads(msg.data).get("client_id")
                    except (ValueError, AttributeError):
                        client_id = None
                    if isinstance(client_id, str):
                        frame_error["client_id"] = client_id
                session.send(frame_error)
                if exc.fatal:
                    break
            except Exception:
                log.exception("youth frame failed")
                session.send(error_frame("internal", "Something went wrong on our side. Try again."))
        elif msg.type == WSMsgType.BINARY:
            session.send(error_frame("bad_json", "Only JSON text frames are accepted."))
        elif msg.type == WSMsgType.ERROR:
            break
    if session.box is not None:
        await session.box.close()
    await asyncio.sleep(0)
