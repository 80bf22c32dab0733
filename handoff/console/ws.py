"""Console live updates: GET /console/ws (docs/protocol-console.md)."""

from __future__ import annotations

import json
import logging

from aiohttp import WSMsgType, web

from handoff import keys
from handoff.connections import ConsoleOutbox
from handoff.console.auth import Auth
from handoff.context import Context
from handoff.relay import Relay
from handoff.routing import Router

log = logging.getLogger(__name__)


async def console_ws(request: web.Request) -> web.StreamResponse:
    ctx: Context = request.app[keys.CTX]
    router: Router = request.app[keys.ROUTER]
    relay: Relay = request.app[keys.RELAY]
    auth: Auth = request.app[keys.AUTH]
    vol = await auth.current(request)
    if vol is None:
        return web.json_response({"error": "unauthenticated", "message": "Log in first."}, status=401)
    ws = web.WebSocketResponse(max_msg_size=16 * 1024, heartbeat=30.0)
    await ws.prepare(request)
    box = ConsoleOutbox(ws, vol.id, vol.role)
    for conv in await ctx.conversations.of_volunteer(vol.id):
        box.owned.add(conv.id)
    box.send({"type": "hello", "user": {**await router.me(vol), "csrf_token": auth.session_csrf(request)}})
    if vol.role in ("volunteer", "supervisor"):
        entries = await router.queue_entries()
        box.send({"type": "queue", "entries": entries,
                  "estimated_wait_seconds": await router.estimate_for(len(entries) + 1)})
    if vol.role == "supervisor":
        box.send({"type": "overview", **await router.overview()})
    ctx.connections.add_console(box)
    router.console_connected(vol.id)
    try:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            try:
                frame = json.loads(msg.data)
            except ValueError:
                box.send({"type": "error", "code": "bad_json", "message": "Frames must be JSON."})
                continue
            kind = frame.get("type") if isinstance(frame, dict) else None
            if kind == "ping":
                box.send({"type": "pong"})
            elif kind == "typing":
                cid = frame.get("conversation_id")
                if isinstance(cid, str) and cid in box.owned:
                    await relay.typing(cid, "volunteer", bool(frame.get("on")))
                else:
                    box.send({"type": "error", "code": "forbidden", "message": "Not your chat."})
            else:
                box.send({"type": "error", "code": "unknown_type", "message": "Unknown frame type."})
    finally:
        ctx.connections.remove_console(box)
        await box.close()
        router.console_disconnected(vol.id)
        for cid in box.watching:
            await relay.conversation_changed(cid)
    return ws
