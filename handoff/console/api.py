"""Console JSON endpoints under /console/api (docs/protocol-console.md)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from aiohttp import web

from handoff import keys
from handoff.console.auth import ApiError, Auth
from handoff.context import Context
from handoff.frames import console_message
from handoff.relay import Relay
from handoff.routing import Router, RoutingError
from handoff.store.conversations import NotAllowed
from handoff.store.models import Conversation, Volunteer
from handoff.wrapup import WRAPUP_TOPICS, validate_wrapup

routes = web.RouteTableDef()
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CHAT_ROLES = ("volunteer", "supervisor")
ALIAS_RE = re.compile(r"^[\w .\-]{1,24}$")
LANGS = ("fi", "sv", "en")


def _ctx(request: web.Request) -> Context:
    ctx: Context = request.app[keys.CTX]
    return ctx


def _router(request: web.Request) -> Router:
    router: Router = request.app[keys.ROUTER]
    return router


def _relay(request: web.Request) -> Relay:
    relay: Relay = request.app[keys.RELAY]
    return relay


def requires(*roles: str, on_shift: bool = False) -> Callable[[Handler], Handler]:
    """Needs a session; with roles, one of them; with on_shift, the volunteer must be on shift."""

    def deco(fn: Handler) -> Handler:
        @wraps(fn)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            auth: Auth = request.app[keys.AUTH]
            vol = await auth.current(request)
            if vol is None:
                raise ApiError(401, "unauthenticated", "Log in first.")
            if roles and vol.role not in roles:
                raise ApiError(403, "forbidden", "Your role may not do this.")
            if on_shift and vol.id not in _router(request).shift:
                raise ApiError(409, "not_on_shift", "Go on shift first.")
            request[keys.VOLUNTEER] = vol
            try:
                return await fn(request)
            except RoutingError as exc:
                raise ApiError(exc.status, exc.code, exc.message) from exc

        return wrapper

    return deco


async def body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError as exc:
        raise ApiError(400, "bad_request", "The body must be JSON.") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "The body must be a JSON object.")
    return data


def me_of(request: web.Request) -> Volunteer:
    return request[keys.VOLUNTEER]


async def me_json(request: web.Request, vol: Volunteer) -> dict[str, Any]:
    data = await _router(request).me(vol)
    data["csrf_token"] = request.app[keys.AUTH].session_csrf(request)
    return data


async def conversation_or_404(request: web.Request) -> Conversation:
    conv = await _ctx(request).conversations.get(request.match_info["id"])
    if conv is None:
        raise ApiError(404, "not_found", "No such conversation.")
    return conv


def require_owner(vol: Volunteer, conv: Conversation, allow_supervisor: bool = False) -> None:
    if conv.volunteer_id == vol.id:
        return
    if allow_supervisor and vol.role == "supervisor":
        return
    raise ApiError(403, "forbidden", "This is not your chat.")


# --- session ----------------------------------------------------------------------------------

@routes.get("/console/api/csrf")
async def csrf(request: web.Request) -> web.Response:
    auth: Auth = request.app[keys.AUTH]
    if await auth.current(request) is not None:
        return web.json_response({"csrf_token": auth.session_csrf(request)})
    pre, token = auth.new_pre(request)
    resp = web.json_response({"csrf_token": token})
    auth.set_pre_cookie(resp, pre)
    return resp


@routes.post("/console/api/login")
async def login(request: web.Request) -> web.Response:
    auth: Auth = request.app[keys.AUTH]
    auth.check_pre_token(request)
    data = await body(request)
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or len(password) > 1024:
        raise ApiError(400, "bad_request", "username and password are required.")
    vol, raw, csrf_value = await auth.login(request, username.strip(), password)
    me = await _router(request).me(vol)
    me["csrf_token"] = csrf_value
    resp = web.json_response({"user": me, "csrf_token": csrf_value})
    auth.set_session_cookie(resp, raw)
    return resp


@routes.post("/console/api/logout")
@requires()
async def logout(request: web.Request) -> web.Response:
    vol = me_of(request)
    if vol.id in _router(request).shift:
        await _router(request).set_shift(vol, False)
    auth: Auth = request.app[keys.AUTH]
    await auth.logout(request)
    resp = web.json_response({"ok": True})
    auth.clear_session_cookie(resp)
    return resp


@routes.get("/console/api/me")
@requires()
async def me(request: web.Request) -> web.Response:
    return web.json_response(await me_json(request, me_of(request)))


@routes.patch("/console/api/me")
@requires()
async def patch_me(request: web.Request) -> web.Response:
    data = await body(request)
    alias = data.get("alias")
    if not isinstance(alias, str) or not ALIAS_RE.match(alias.strip()):
        raise ApiError(400, "bad_request", "alias: 1–24 letters, digits, spaces, '-' or '.'.")
    vol = await _ctx(request).accounts.update(me_of(request).id, alias=alias.strip())
    assert vol is not None
    request.app[keys.AUTH].forget(vol.id)
    return web.json_response(await me_json(request, vol))


# --- shift ------------------------------------------------------------------------------------

@routes.post("/console/api/shift")
@requires(*CHAT_ROLES)
async def shift(request: web.Request) -> web.Response:
    data = await body(request)
    on = data.get("on")
    if not isinstance(on, bool):
        raise ApiError(400, "bad_request", "`on` must be true or false.")
    vol = me_of(request)
    if on and not vol.alias:
        raise ApiError(409, "alias_required", "Choose an alias first.")
    await _router(request).set_shift(vol, on)
    return web.json_response(await me_json(request, vol))


# --- queue and chats --------------------------------------------------------------------------

@routes.get("/console/api/queue")
@requires(*CHAT_ROLES)
async def queue(request: web.Request) -> web.Response:
    router = _router(request)
    entries = await router.queue_entries()
    return web.json_response({"entries": entries, "on_shift": router.on_shift_count(),
                              "estimated_wait_seconds": await router.estimate_for(len(entries) + 1)})


@routes.post("/console/api/queue/next")
@requires(*CHAT_ROLES, on_shift=True)
async def queue_next(request: web.Request) -> web.Response:
    conv = await _router(request).take_next(me_of(request))
    return web.json_response(await _router(request).detail(conv))


@routes.post("/console/api/conversations/{id}/accept")
@requires(*CHAT_ROLES, on_shift=True)
async def accept(request: web.Request) -> web.Response:
    conv = await _router(request).take(me_of(request), request.match_info["id"])
    return web.json_response(await _router(request).detail(conv))


@routes.post("/console/api/conversations/{id}/decline")
@requires(*CHAT_ROLES, on_shift=True)
async def decline(request: web.Request) -> web.Response:
    await _router(request).decline(me_of(request).id, request.match_info["id"])
    return web.json_response({"ok": True})


@routes.post("/console/api/conversations/{id}/step-in")
@requires(*CHAT_ROLES, on_shift=True)
async def step_in(request: web.Request) -> web.Response:
    conv = await _router(request).take(me_of(request), request.match_info["id"], step_in=True)
    return web.json_response(await _router(request).detail(conv))


@routes.get("/console/api/chats")
@requires(*CHAT_ROLES)
async def chats(request: web.Request) -> web.Response:
    router = _router(request)
    convs = await _ctx(request).conversations.of_volunteer(me_of(request).id)
    return web.json_response({"chats": [await router.detail(c) for c in convs]})


@routes.get("/console/api/live")
@requires(*CHAT_ROLES, on_shift=True)
async def live(request: web.Request) -> web.Response:
    router = _router(request)
    convs = await _ctx(request).conversations.live(("bot", "queued"))
    return web.json_response({"conversations": [await router.summary(c) for c in convs]})


@routes.get("/console/api/conversations/{id}")
@requires(*CHAT_ROLES)
async def conversation(request: web.Request) -> web.Response:
    vol = me_of(request)
    conv = await conversation_or_404(request)
    if conv.volunteer_id != vol.id and vol.id not in _router(request).shift and vol.role != "supervisor":
        raise ApiError(409, "not_on_shift", "Go on shift first.")
    return web.json_response(await _router(request).detail(conv))


@routes.post("/console/api/conversations/{id}/watch")
@requires(*CHAT_ROLES, on_shift=True)
async def watch(request: web.Request) -> web.Response:
    conv = await conversation_or_404(request)
    if conv.state == "ended":
        raise ApiError(409, "not_available", "The conversation has ended.")
    for box in _ctx(request).connections.console.get(me_of(request).id, ()):
        box.watching.add(conv.id)
    await _relay(request).conversation_changed(conv.id)
    return web.json_response(await _router(request).detail(conv))


@routes.post("/console/api/conversations/{id}/unwatch")
@requires(*CHAT_ROLES)
async def unwatch(request: web.Request) -> web.Response:
    cid = request.match_info["id"]
    for box in _ctx(request).connections.console.get(me_of(request).id, ()):
        box.watching.discard(cid)
    await _relay(request).conversation_changed(cid)
    return web.json_response({"ok": True})


def _links(raw: Any) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > 10:
        raise ApiError(400, "bad_request", "`links` must be a list of {title, url}.")
    out = []
    for item in raw:
        if not isinstance(item, dict) or not str(item.get("url", "")).startswith(("https://", "tel:")):
            raise ApiError(400, "bad_request", "links need an https:// or tel: url.")
        out.append({"title": str(item.get("title") or item["url"])[:120], "url": str(item["url"])[:500]})
    return out


@routes.post("/console/api/conversations/{id}/messages")
@requires(*CHAT_ROLES)
async def send_message(request: web.Request) -> web.Response:
    vol = me_of(request)
    data = await body(request)
    text, client_id = data.get("text"), data.get("client_id")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "bad_request", "`text` is required.")
    if len(text) > _ctx(request).settings.max_message_chars:
        raise ApiError(413, "too_large", "The message is too long.")
    if client_id is not None and (not isinstance(client_id, str) or not 1 <= len(client_id) <= 64):
        raise ApiError(400, "bad_request", "`client_id` must be a short string.")
    links = _links(data.get("links"))
    try:  # one transaction checks that the chat is live and yours, and stores the message
        msg = await _relay(request).volunteer_message(request.match_info["id"], vol, text, client_id, links)
    except NotAllowed:
        conv = await conversation_or_404(request)
        require_owner(vol, conv)
        raise ApiError(409, "not_available", "The chat has ended.") from None
    return web.json_response(console_message(msg))


@routes.post("/console/api/conversations/{id}/typing")
@requires(*CHAT_ROLES)
async def typing(request: web.Request) -> web.Response:
    conv = await conversation_or_404(request)
    require_owner(me_of(request), conv)
    data = await body(request)
    await _relay(request).typing(conv.id, "volunteer", bool(data.get("on")))
    return web.json_response({"ok": True})


@routes.post("/console/api/conversations/{id}/transfer")
@requires(*CHAT_ROLES)
async def transfer(request: web.Request) -> web.Response:
    conv = await conversation_or_404(request)
    require_owner(me_of(request), conv, allow_supervisor=True)
    if conv.state != "volunteer":
        raise ApiError(409, "not_available", "The chat is not with a volunteer.")
    data = await body(request)
    target = data.get("to")
    if target is not None and not isinstance(target, str):
        raise ApiError(400, "bad_request", "`to` must be a volunteer id or null.")
    await _router(request).transfer(conv, target)
    return web.json_response({"ok": True})


@routes.post("/console/api/conversations/{id}/end")
@requires(*CHAT_ROLES)
async def end(request: web.Request) -> web.Response:
    vol = me_of(request)
    conv = await conversation_or_404(request)
    require_owner(vol, conv, allow_supervisor=True)
    data = await body(request)
    wrapup = validate_wrapup(data.get("wrapup"))
    if wrapup is None:
        raise ApiError(422, "bad_wrapup", "Choose at least one known topic.")
    ctx = _ctx(request)
    if conv.state not in ("volunteer", "ended"):
        raise ApiError(409, "not_available", "The chat is not with a volunteer.")
    queued_at = await ctx.conversations.first_queued_at(conv.id)
    assigned_at = await ctx.conversations.first_assigned_at(conv.id)
    ended_state = conv.state == "ended"
    if not ended_state:
        await _relay(request).end(conv.id, "volunteer", delete_now=False)
    fresh = await ctx.conversations.get(conv.id)
    ended_at = fresh.ended_at if fresh else None
    from handoff.store.db import aware, utcnow

    end_time = aware(ended_at) or utcnow()
    waited = (assigned_at - queued_at).total_seconds() if assigned_at and queued_at else None
    handled = (end_time - assigned_at).total_seconds() if assigned_at else None
    wrapup["crisis"] = wrapup["crisis"] or bool(conv.crisis)
    await ctx.content.add_wrapup(conv.id, conv.volunteer_id, wrapup, waited, handled)
    await _relay(request).to_console({"volunteer_id": conv.volunteer_id or vol.id},
                                     {"type": "chat_removed", "conversation_id": conv.id, "reason": "ended"})
    router = _router(request)
    router.queue_changed()
    return web.json_response({"ok": True})


@routes.get("/console/api/wrapup-topics")
@requires()
async def wrapup_topics(request: web.Request) -> web.Response:
    return web.json_response({"topics": WRAPUP_TOPICS})


@routes.get("/console/api/volunteers")
@requires(*CHAT_ROLES)
async def volunteers(request: web.Request) -> web.Response:
    vols = await _router(request).volunteers()
    return web.json_response({"volunteers": [
        {k: v[k] for k in ("id", "alias", "on_shift", "active_chats", "capacity", "online")} for v in vols
    ]})


# --- canned replies and service links -----------------------------------------------------------

def _reply_json(r: Any) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "text": r.text, "language": r.language}


def _link_json(link: Any) -> dict[str, Any]:
    return {"id": link.id, "title": link.title, "url": link.url, "language": link.language, "topic": link.topic}


def _reply_fields(data: dict[str, Any]) -> tuple[str, str, str]:
    title, text, language = data.get("title"), data.get("text"), data.get("language", "fi")
    if not isinstance(title, str) or not title.strip() or len(title) > 120:
        raise ApiError(400, "bad_request", "`title` is required (max 120 characters).")
    if not isinstance(text, str) or not text.strip() or len(text) > 4000:
        raise ApiError(400, "bad_request", "`text` is required (max 4000 characters).")
    if language not in LANGS:
        raise ApiError(400, "bad_request", "`language` must be fi, sv or en.")
    return title.strip(), text.strip(), str(language)


def _link_fields(data: dict[str, Any]) -> tuple[str, str, str, str | None]:
    title, url, language, topic = data.get("title"), data.get("url"), data.get("language", "fi"), data.get("topic")
    if not isinstance(title, str) or not title.strip() or len(title) > 120:
        raise ApiError(400, "bad_request", "`title` is required (max 120 characters).")
    if not isinstance(url, str) or not url.startswith("https://") or len(url) > 500 or any(c.isspace() for c in url):
        raise ApiError(400, "bad_request", "`url` must be an https:// address.")
    if language not in LANGS:
        raise ApiError(400, "bad_request", "`language` must be fi, sv or en.")
    if topic is not None and (not isinstance(topic, str) or len(topic) > 40):
        raise ApiError(400, "bad_request", "`topic` must be a short string or null.")
    return title.strip(), url, str(language), topic


@routes.get("/console/api/canned-replies")
@requires()
async def list_replies(request: web.Request) -> web.Response:
    return web.json_response({"replies": [_reply_json(r) for r in await _ctx(request).content.replies()]})


@routes.post("/console/api/canned-replies")
@requires("supervisor")
async def add_reply(request: web.Request) -> web.Response:
    reply = await _ctx(request).content.save_reply(None, *_reply_fields(await body(request)))
    return web.json_response(_reply_json(reply), status=201)


@routes.put("/console/api/canned-replies/{id}")
@requires("supervisor")
async def put_reply(request: web.Request) -> web.Response:
    reply = await _ctx(request).content.save_reply(request.match_info["id"], *_reply_fields(await body(request)))
    if reply is None:
        raise ApiError(404, "not_found", "No such reply.")
    return web.json_response(_reply_json(reply))


@routes.delete("/console/api/canned-replies/{id}")
@requires("supervisor")
async def delete_reply(request: web.Request) -> web.Response:
    if not await _ctx(request).content.delete_reply(request.match_info["id"]):
        raise ApiError(404, "not_found", "No such reply.")
    return web.json_response({"ok": True})


@routes.get("/console/api/service-links")
@requires()
async def list_links(request: web.Request) -> web.Response:
    return web.json_response({"links": [_link_json(x) for x in await _ctx(request).content.links()]})


@routes.post("/console/api/service-links")
@requires("supervisor")
async def add_link(request: web.Request) -> web.Response:
    link = await _ctx(request).content.save_link(None, *_link_fields(await body(request)))
    return web.json_response(_link_json(link), status=201)


@routes.put("/console/api/service-links/{id}")
@requires("supervisor")
async def put_link(request: web.Request) -> web.Response:
    link = await _ctx(request).content.save_link(request.match_info["id"], *_link_fields(await body(request)))
    if link is None:
        raise ApiError(404, "not_found", "No such link.")
    return web.json_response(_link_json(link))


@routes.delete("/console/api/service-links/{id}")
@requires("supervisor")
async def delete_link(request: web.Request) -> web.Response:
    if not await _ctx(request).content.delete_link(request.match_info["id"]):
        raise ApiError(404, "not_found", "No such link.")
    return web.json_response({"ok": True})


@routes.get("/console/api/directory")
@requires()
async def directory(request: web.Request) -> web.Response:
    topic = request.query.get("topic") or None
    county = request.query.get("county") or None
    language = request.query.get("language", "fi")
    try:
        from kynnys.directory import load_directory

        found = await asyncio.to_thread(load_directory)  # reads and validates a file: off the event loop
        services = found.for_topic(topic, county) if topic else list(found.services)
        out = [{"id": s.id, **s.localized(language)} for s in services]
    except Exception as exc:  # the directory file is editor-owned data; report, do not crash
        raise ApiError(500, "internal", f"Service directory unavailable: {type(exc).__name__}") from exc
    return web.json_response({"services": out})


# --- supervisor -------------------------------------------------------------------------------

@routes.get("/console/api/supervisor/overview")
@requires("supervisor")
async def overview(request: web.Request) -> web.Response:
    return web.json_response(await _router(request).overview())
