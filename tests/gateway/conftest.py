"""In-process gateway for fast tests: the real app (real SQLite, real WebSockets over TCP) without Rasa.

Rasa's URL points at a closed port, so the bot is "down": tests that need the bot's answers use the
full stack in tests/conftest.py instead. Everything the gateway does on its own (protocol, crisis guard,
queue, routing, console, privacy) is tested here.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from handoff import keys
from handoff.app import create_app
from handoff.console.auth import hash_password
from handoff.context import Context
from handoff.settings import Settings
from handoff.store.migrate import upgrade_head
from tests.support.clients import Console, YouthWS, logged_in_console
from tests.support.processes import free_port


@dataclass
class InProcessGateway:
    app: web.Application
    client: TestClient  # type: ignore[type-arg]
    url: str
    settings: Settings
    tracker_db: Path
    _n: int = 0

    @property
    def ctx(self) -> Context:
        ctx: Context = self.app[keys.CTX]
        return ctx

    async def make_user(self, role: str = "volunteer", alias: str | None = "auto",
                        capacity: int | None = None) -> tuple[str, str]:
        self._n += 1
        username = f"{role[:3]}{self._n}_{secrets.token_hex(2)}"
        password = secrets.token_urlsafe(12)
        if alias == "auto":
            alias = f"Vol{self._n}"
        await self.ctx.accounts.add(username, hash_password(password), role, alias=alias, capacity=capacity)
        return username, password

    async def youth(self, language: str = "fi") -> YouthWS:
        """A young person whose greeting has been answered (Rasa is down here: by the trouble notice)."""
        youth = await YouthWS(self.url).start(language)
        await youth.wait_message("system", timeout=10)
        return youth

    async def console(self, role: str = "volunteer", on_shift: bool = True, ws: bool = True,
                      capacity: int | None = None) -> Console:
        username, password = await self.make_user(role, capacity=capacity)
        con = await logged_in_console(self.url, username, password, ws=ws)
        if on_shift:
            await con.go_on_shift()
        return con


GatewayFactory = Callable[..., Awaitable[InProcessGateway]]


@pytest.fixture
async def make_gateway(tmp_path: Path) -> AsyncIterator[GatewayFactory]:
    clients: list[TestClient] = []  # type: ignore[type-arg]
    youths: list[Any] = []

    async def factory(**overrides: Any) -> InProcessGateway:
        db = tmp_path / f"gw{len(clients)}.db"
        url = str(overrides.get("database_url") or f"sqlite+aiosqlite:///{db}")
        await asyncio.to_thread(upgrade_head, url)
        tracker = tmp_path / "tracker.db"
        values: dict[str, Any] = {
            "database_url": url, "rasa_url": f"http://127.0.0.1:{free_port()}", "rasa_timeout_seconds": 2.0,
            "internal_token": "internal-test-token", "session_secret": secrets.token_urlsafe(32),
            "rasa_tracker_db": str(tracker),
        }
        values.update(overrides)
        settings = Settings(**values)
        app = create_app(settings)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        base = str(client.make_url("/")).rstrip("/")
        return InProcessGateway(app=app, client=client, url=base, settings=settings, tracker_db=tracker)

    yield factory
    for y in youths:
        await y.close()
    for c in clients:
        await c.close()


@pytest.fixture
async def gw(make_gateway: GatewayFactory) -> InProcessGateway:
    return await make_gateway()


# a real Redis server for BUS_URL=redis://… tests
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    work = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)
