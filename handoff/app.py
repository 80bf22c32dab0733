"""create_app(settings): the gateway's aiohttp application."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from sqlalchemy import text

from handoff import crisis, hours, keys
from handoff.availability import availability
from handoff.bus import make_bus
from handoff.connections import Connections
from handoff.console import api as console_api
from handoff.console.auth import Auth, console_guard
from handoff.console.ws import console_ws
from handoff.context import Context
from handoff.editor import setup_editor_routes
from handoff.privacy import Privacy
from handoff.rasa_client import RasaClient
from handoff.relay import Relay
from handoff.routing import Router
from handoff.settings import Settings
from handoff.store.accounts import AccountRepo
from handoff.store.content import ContentRepo
from handoff.store.conversations import ConversationRepo
from handoff.store.db import make_engine, make_sessionmaker
from handoff.youth_ws import youth_ws

log = logging.getLogger(__name__)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    resp = await handler(request)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/console"):
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Cache-Control", "no-store")
    return resp


async def healthz(request: web.Request) -> web.Response:
    ctx: Context = request.app[keys.CTX]
    try:
        async with ctx.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        return web.json_response({"status": "db_unreachable", "error": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok"})


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _static_file(path: Path) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(path)  # FileResponse answers 404 itself when the file is missing

    return handler


def _redirect(to: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(to)

    return handler


def add_static_routes(app: web.Application, static_dir: Path) -> None:
    app.router.add_get("/", _static_file(static_dir / "demo" / "index.html"))
    app.router.add_get("/console", _redirect("/console/"))
    app.router.add_get("/console/", _static_file(static_dir / "console" / "index.html"))
    app.router.add_get("/widget", _redirect("/widget/"))
    app.router.add_get("/widget/", _static_file(static_dir / "widget" / "index.html"))
    for prefix, sub in (("/widget/", "widget"), ("/console/", "console"), ("/demo/", "demo")):
        folder = static_dir / sub
        if folder.is_dir():
            app.router.add_static(prefix, folder, follow_symlinks=False)


def _setup_editor(app: web.Application) -> None:
    """The content editor's API (handoff/editor/, owned by the editor engineer), when present."""
    try:
        from handoff.editor.routes import setup_editor_routes
    except ImportError:
        return
    setup_editor_routes(app)


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[security_headers, console_guard(settings.public_url)],
                          client_max_size=1024 * 1024)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    bus = make_bus(settings.bus_url)
    ctx = Context(
        settings=settings, engine=engine, sessions=sessions, bus=bus,
        conversations=ConversationRepo(sessions), accounts=AccountRepo(sessions), content=ContentRepo(sessions),
        rasa=RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout_seconds),
        connections=Connections(bus),
    )
    privacy = Privacy(ctx)
    relay = Relay(ctx, privacy)
    router = Router(ctx, relay)
    relay.router = router
    privacy.relay = relay
    bus.subscribe("control", router.control_event)
    app[keys.CTX], app[keys.RELAY], app[keys.ROUTER] = ctx, relay, router
    app[keys.PRIVACY], app[keys.AUTH] = privacy, Auth(ctx)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/ws/youth", youth_ws)
    app.router.add_get("/console/ws", console_ws)
    app.router.add_get("/internal/availability", availability)
    app.add_routes(console_api.routes)
    setup_editor_routes(app)  # before the /console/ static files, which would shadow it
    _setup_editor(app)
    add_static_routes(app, settings.static_dir)

    async def on_startup(app: web.Application) -> None:
        await asyncio.to_thread(crisis.warm_up)
        await asyncio.to_thread(hours.warm_up)
        await bus.start()
        await router.load()
        privacy.start()

    async def on_cleanup(app: web.Application) -> None:
        await privacy.close()
        await router.close()
        await relay.drain()
        await ctx.rasa.close()
        await bus.close()
        await engine.dispose()

    async def on_shutdown(app: web.Application) -> None:
        for boxes in list(ctx.connections.youth.values()) + list(ctx.connections.console.values()):
            for box in list(boxes):
                await box.ws.close(code=1001, message=b"server shutdown")

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    return app
