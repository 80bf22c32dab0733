"""GET /internal/availability for the action server (docs/availability-api.md)."""

from __future__ import annotations

import hmac

from aiohttp import web

from handoff import hours, keys
from handoff.routing import Router


async def availability(request: web.Request) -> web.Response:
    token = request.app[keys.CTX].settings.internal_token
    sent = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(sent, f"Bearer {token}"):
        return web.json_response({"error": "unauthenticated", "message": "Bearer token required."}, status=401)
    router: Router = request.app[keys.ROUTER]
    cap, counts, vols = await router.capacity()
    waiting = await router.repo.waiting()
    from handoff import queue as queue_logic

    available = sum(
        1 for vid, vol in vols.items()
        if router.ctx.connections.volunteer_online(vid)
        and counts.get(vid, 0) < (vol.capacity if vol.capacity is not None else router.ctx.settings.volunteer_capacity)
    )
    nxt = hours.next_opening()
    return web.json_response({
        "on_shift": cap.on_shift,
        "available": available,
        "queue_length": len(waiting),
        "estimated_wait_seconds": queue_logic.estimate_wait_seconds(len(waiting) + 1, cap, await router.handling_times()),
        "open_now": hours.open_now(),
        "next_opening": nxt.isoformat() if nxt else None,
    })
