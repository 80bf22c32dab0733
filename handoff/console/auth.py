"""Console authentication: argon2 passwords, cookie sessions, CSRF tokens, lockout, same-site checks."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from handoff import keys
from handoff.context import Context
from handoff.store.db import aware, utcnow
from handoff.store.ids import sha256_hex
from handoff.store.models import Volunteer

SESSION_COOKIE = "kynnys_session"
PRE_COOKIE = "kynnys_pre"
CSRF_HEADER = "X-CSRF-Token"
SESSION_LIFETIME = timedelta(hours=12)
SESSION_IDLE = timedelta(hours=8)
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
SESSION_CACHE_SECONDS = 2.0

hasher = PasswordHasher()
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class ApiError(Exception):
    """Turned into `{"error": code, "message": ...}` with the HTTP status by api_errors()."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def response(self) -> web.Response:
        return web.json_response({"error": self.code, "message": self.message, **self.extra}, status=self.status)


def json_error(status: int, code: str, message: str, **extra: Any) -> ApiError:
    return ApiError(status, code, message, **extra)


def csrf_token(secret: str, purpose: str, cookie_value: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}:{cookie_value}".encode(), hashlib.sha256).hexdigest()


def _set_cookie(resp: web.StreamResponse, name: str, value: str, secure: bool, max_age: int | None) -> None:
    resp.set_cookie(name, value, httponly=True, samesite="Strict", secure=secure, path="/", max_age=max_age)


def is_cross_site(request: web.Request, public_url: str) -> bool:
    """True when the request comes from a page of another site."""
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin == "null":
            return True
        o = urlsplit(origin)
        allowed = {request.host.lower()}
        pub = urlsplit(public_url)
        if pub.netloc:
            allowed.add(pub.netloc.lower())
        return o.netloc.lower() not in allowed
    return request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site"


class Auth:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.secret = ctx.settings.session_secret
        self._cache: dict[str, tuple[float, Volunteer]] = {}

    def new_pre(self, request: web.Request) -> tuple[str, str]:
        """(pre-session cookie value, its CSRF token) for the login form."""
        pre = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
        return pre, csrf_token(self.secret, "pre", pre)

    def set_pre_cookie(self, resp: web.StreamResponse, pre: str) -> None:
        _set_cookie(resp, PRE_COOKIE, pre, self.ctx.settings.secure_cookies, 3600)

    def check_pre_token(self, request: web.Request) -> None:
        pre = request.cookies.get(PRE_COOKIE)
        sent = request.headers.get(CSRF_HEADER, "")
        if not pre or not hmac.compare_digest(sent, csrf_token(self.secret, "pre", pre)):
            raise json_error(403, "csrf", "Missing or wrong CSRF token: call GET /console/api/csrf first.")

    def session_csrf(self, request: web.Request) -> str:
        return csrf_token(self.secret, "session", request.cookies.get(SESSION_COOKIE, ""))

    async def login(self, request: web.Request, username: str, password: str) -> tuple[Volunteer, str, str]:
        """(volunteer, session cookie value, csrf token) or raises bad_credentials / locked."""
        accounts = self.ctx.accounts
        vol = await accounts.by_username(username)
        now = utcnow()
        if vol is None:
            await asyncio.to_thread(verify_password, _DUMMY_HASH, password)  # same timing as a wrong password
            raise json_error(401, "bad_credentials", "Wrong username or password.")
        locked_until = aware(vol.locked_until)
        if locked_until is not None and locked_until > now:
            raise json_error(423, "locked", "Too many failed logins. Try again later.",
                             retry_after_seconds=int((locked_until - now).total_seconds()) + 1)
        # argon2 is deliberately slow: off the event loop, so chats never wait for a login
        if not await asyncio.to_thread(verify_password, vol.password_hash, password) or vol.disabled:
            failures = vol.failed_logins + 1
            changes: dict[str, Any] = {"failed_logins": failures}
            if failures >= self.ctx.settings.login_max_failures:
                changes = {"failed_logins": 0,
                           "locked_until": now + timedelta(seconds=self.ctx.settings.login_lockout_seconds)}
            await accounts.update(vol.id, **changes)
            if "locked_until" in changes:
                raise json_error(423, "locked", "Too many failed logins. Try again later.",
                                 retry_after_seconds=self.ctx.settings.login_lockout_seconds)
            raise json_error(401, "bad_credentials", "Wrong username or password.")
        changes = {"failed_logins": 0, "locked_until": None}
        if hasher.check_needs_rehash(vol.password_hash):
            changes["password_hash"] = await asyncio.to_thread(hash_password, password)
        await accounts.update(vol.id, **changes)
        raw = secrets.token_urlsafe(32)
        await accounts.create_session(sha256_hex(raw), vol.id, SESSION_LIFETIME)
        return vol, raw, csrf_token(self.secret, "session", raw)

    def set_session_cookie(self, resp: web.StreamResponse, raw: str) -> None:
        _set_cookie(resp, SESSION_COOKIE, raw, self.ctx.settings.secure_cookies,
                    int(SESSION_LIFETIME.total_seconds()))
        resp.del_cookie(PRE_COOKIE, path="/")

    def clear_session_cookie(self, resp: web.StreamResponse) -> None:
        resp.del_cookie(SESSION_COOKIE, path="/")

    async def current(self, request: web.Request) -> Volunteer | None:
        """The logged-in account. Remembered for SESSION_CACHE_SECONDS so a busy console does not hit
        the store on every request; logout and account changes on this instance forget it at once."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        key = sha256_hex(raw)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        vol = await self.ctx.accounts.session_volunteer(key, SESSION_IDLE)
        if vol is not None:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (now + SESSION_CACHE_SECONDS, vol)
        else:
            self._cache.pop(key, None)
        return vol

    def forget(self, volunteer_id: str) -> None:
        for key, (_, vol) in list(self._cache.items()):
            if vol.id == volunteer_id:
                del self._cache[key]

    async def logout(self, request: web.Request) -> None:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            self._cache.pop(sha256_hex(raw), None)
            await self.ctx.accounts.delete_session(sha256_hex(raw))


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def console_guard(public_url: str) -> Any:
    """Middleware for /console/api and /console/ws: refuse cross-site requests, check CSRF."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if not (path.startswith("/console/api/") or path == "/console/ws"):
            return await handler(request)
        try:
            return await _guarded(request, handler, path)
        except ApiError as exc:
            return exc.response()

    async def _guarded(request: web.Request, handler: Handler, path: str) -> web.StreamResponse:
        if is_cross_site(request, public_url):
            raise json_error(403, "cross_site", "Requests from other sites are refused.")
        if request.method in UNSAFE_METHODS and path != "/console/api/login":
            auth: Auth = request.app[keys.AUTH]
            sent = request.headers.get(CSRF_HEADER, "")
            if not request.cookies.get(SESSION_COOKIE):
                raise json_error(401, "unauthenticated", "Log in first.")
            if not sent or not hmac.compare_digest(sent, auth.session_csrf(request)):
                raise json_error(403, "csrf", "Missing or wrong CSRF token.")
        return await handler(request)

    return middleware
