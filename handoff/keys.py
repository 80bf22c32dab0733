"""Typed keys for what create_app() stores on the aiohttp application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from handoff.console.auth import Auth
    from handoff.context import Context
    from handoff.privacy import Privacy
    from handoff.relay import Relay
    from handoff.routing import Router
    from handoff.store.models import Volunteer

CTX: web.AppKey[Context] = web.AppKey("ctx")
RELAY: web.AppKey[Relay] = web.AppKey("relay")
ROUTER: web.AppKey[Router] = web.AppKey("router")
PRIVACY: web.AppKey[Privacy] = web.AppKey("privacy")
AUTH: web.AppKey[Auth] = web.AppKey("auth")
VOLUNTEER: web.RequestKey[Volunteer] = web.RequestKey("volunteer")
