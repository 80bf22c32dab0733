"""HTTP API of the content editor page (roles editor and supervisor).

All paths are under /console/api/editor/, so the console's guard middleware already refuses
cross-site requests and checks the CSRF token of every POST/PUT; the page is /console/editor/.
Edits go to the workspace (see editor/workspace.py); nothing reaches the running bot before publish.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from handoff import keys
from handoff.console.api import body, me_of, requires
from handoff.console.auth import ApiError
from handoff.editor.publisher import Publisher
from handoff.editor.runner import EditorConfig, EditorToolError, workspace_op
from handoff.settings import ROOT

EDITOR_ROLES = ("editor", "supervisor")
EDITOR_CONFIG: web.AppKey[EditorConfig] = web.AppKey("editor_config", EditorConfig)
PUBLISHER: web.AppKey[Publisher] = web.AppKey("editor_publisher", Publisher)
MAX_PARSE_CHARS = 2000

routes = web.RouteTableDef()


def default_config() -> EditorConfig:
    root = Path(os.environ.get("EDITOR_ROOT", "") or ROOT)
    python = Path(os.environ.get("EDITOR_PYTHON", "") or ROOT / ".venv-bot" / "bin" / "python")
    return EditorConfig(root=root, python=python, code_root=ROOT)


def _config(request: web.Request) -> EditorConfig:
    return request.app[EDITOR_CONFIG]


def _who(request: web.Request) -> str:
    return me_of(request).username


async def _op(request: web.Request, op: str, data: dict[str, Any] | None = None) -> web.Response:
    try:
        answer = await workspace_op(_config(request), op, {**(data or {}), "who": _who(request)})
    except EditorToolError as exc:
        raise ApiError(503, "editor_unavailable", f"The editor tools did not run: {exc}") from exc
    if not answer.pop("ok", False):
        status = 422 if answer.get("error") in ("invalid", "bad_edit") else 400
        raise ApiError(status, str(answer.get("error", "bad_request")),
                       str(answer.get("message", "")), problems=answer.get("problems", []))
    return web.json_response(answer)


# --- try a sentence ---------------------------------------------------------------------------

@routes.post("/console/api/editor/parse")
@requires(*EDITOR_ROLES)
async def parse(request: web.Request) -> web.Response:
    data = await body(request)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_PARSE_CHARS:
        raise ApiError(400, "bad_request", f"text: 1–{MAX_PARSE_CHARS} characters.")
    from handoff import crisis

    hit = crisis.check(text)
    guard = {"fired": hit is not None, "category": getattr(hit, "category", None),
             "term": getattr(hit, "term", None), "rule_id": getattr(hit, "rule_id", None)}
    rasa = request.app[keys.CTX].rasa
    params = {"token": rasa.token} if rasa.token else {}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
            async with rasa.swap_gate.passage(), http.post(
                    f"{rasa.base_url}/model/parse", params=params, json={"text": text}) as resp:
                if resp.status != 200:
                    raise ApiError(503, "bot_unavailable", f"Rasa answered {resp.status}.",
                                   crisis_guard=guard)
                parsed = await resp.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise ApiError(503, "bot_unavailable", "The bot is not answering right now.",
                       crisis_guard=guard) from exc
    intent = parsed.get("intent") or {}
    return web.json_response({
        "text": text,
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 4),
        "ranking": [{"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 4)}
                    for r in (parsed.get("intent_ranking") or [])[:5]],
        "entities": [{k: e.get(k) for k in ("entity", "value", "start", "end", "extractor")}
                     for e in parsed.get("entities") or []],
        "crisis_guard": guard,
    })


# --- workspace --------------------------------------------------------------------------------

@routes.get("/console/api/editor/state")
@requires(*EDITOR_ROLES)
async def state(request: web.Request) -> web.Response:
    return await _op(request, "status")


@routes.get("/console/api/editor/intents")
@requires(*EDITOR_ROLES)
async def intents(request: web.Request) -> web.Response:
    return await _op(request, "intents")


@routes.post("/console/api/editor/examples")
@requires(*EDITOR_ROLES)
async def add_example(request: web.Request) -> web.Response:
    data = await body(request)
    return await _op(request, "add_example", {k: data.get(k) for k in (
        "intent", "text", "language", "entities")})


@routes.get("/console/api/editor/responses")
@requires(*EDITOR_ROLES)
async def responses(request: web.Request) -> web.Response:
    return await _op(request, "responses")


@routes.put("/console/api/editor/responses/{name}")
@requires(*EDITOR_ROLES)
async def set_response(request: web.Request) -> web.Response:
    data = await body(request)
    return await _op(request, "set_response", {
        "name": request.match_info["name"], "language": data.get("language"),
        "text": data.get("text"), "index": data.get("index")})


@routes.get("/console/api/editor/services")
@requires(*EDITOR_ROLES)
async def services(request: web.Request) -> web.Response:
    return await _op(request, "services")


@routes.put("/console/api/editor/services/{id}")
@requires(*EDITOR_ROLES)
async def set_service(request: web.Request) -> web.Response:
    data = await body(request)
    return await _op(request, "set_service", {"id": request.match_info["id"],
                                              "fields": data.get("fields")})


@routes.get("/console/api/editor/diff")
@requires(*EDITOR_ROLES)
async def diff(request: web.Request) -> web.Response:
    return await _op(request, "diff")


@routes.post("/console/api/editor/discard")
@requires(*EDITOR_ROLES)
async def discard(request: web.Request) -> web.Response:
    if request.app[PUBLISHER].busy():
        raise ApiError(409, "publish_running", "A publish is running; wait until it ends.")
    return await _op(request, "discard")


# --- publish ----------------------------------------------------------------------------------

@routes.post("/console/api/editor/publish")
@requires(*EDITOR_ROLES)
async def publish(request: web.Request) -> web.Response:
    publisher = request.app[PUBLISHER]
    if publisher.busy():
        raise ApiError(409, "publish_running", "A publish is already running.",
                       publish=publisher.status())
    job = publisher.start(_who(request))
    return web.json_response({"job": job, "publish": publisher.status(job)}, status=202)


@routes.get("/console/api/editor/publish")
@requires(*EDITOR_ROLES)
async def publish_status(request: web.Request) -> web.Response:
    publisher = request.app[PUBLISHER]
    job = request.query.get("job")
    if job is not None and not job.replace("-", "").isdigit():
        raise ApiError(400, "bad_request", "job: an id from POST /console/api/editor/publish.")
    return web.json_response({"publish": publisher.status(job), "running": publisher.busy()})


# --- page -------------------------------------------------------------------------------------

def _page(static: Path) -> Any:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(static / "index.html")

    return handler


async def _redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/console/editor/")


def setup_editor_routes(app: web.Application, config: EditorConfig | None = None) -> None:
    """Adds the editor API and page; call after the console routes in create_app()."""
    config = config or default_config()
    app[EDITOR_CONFIG] = config
    static = app[keys.CTX].settings.static_dir / "editor"
    app.router.add_get("/console/editor", _redirect)
    app.router.add_get("/console/editor/", _page(static))
    if static.is_dir():
        app.router.add_static("/console/editor/", static, follow_symlinks=False)
    app.add_routes(routes)

    async def start(app: web.Application) -> None:
        app[PUBLISHER] = Publisher(config, app[keys.CTX].rasa)

    async def stop(app: web.Application) -> None:
        await app[PUBLISHER].close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
