"""Async protocol clients for tests: a young person's WebSocket and a logged-in console."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

import aiohttp

Frame = dict[str, Any]


class FrameLog:
    """Frames received on one socket, with waiting helpers."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []
        self._changed = asyncio.Event()

    def add(self, frame: Frame) -> None:
        self.frames.append(frame)
        self._changed.set()

    async def wait_for(self, predicate: Callable[[Frame], bool], timeout: float = 20.0, start: int = 0) -> Frame:
        """The first frame (from index `start`) that matches; waits up to `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = start
        while True:
            while index < len(self.frames):
                frame = self.frames[index]
                index += 1
                if predicate(frame):
                    return frame
            remaining = deadline - loop.time()
            if remaining <= 0:
                kinds = [f.get("type") for f in self.frames[-15:]]
                raise TimeoutError(f"no matching frame in {timeout} s; last frames: {kinds}\n{self.frames[-5:]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass

    def of_type(self, kind: str) -> list[Frame]:
        return [f for f in self.frames if f.get("type") == kind]


class YouthWS:
    """A young person on /ws/youth."""

    def __init__(self, base_url: str) -> None:
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/ws/youth"
        self.session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.log = FrameLog()
        self.token: str | None = None
        self.welcome: Frame | None = None
        self._reader: asyncio.Task[None] | None = None
        self.close_code: int | None = None

    async def connect(self) -> YouthWS:
        self.session = self.session or aiohttp.ClientSession()
        self.ws = await self.session.ws_connect(self.ws_url, max_msg_size=1 << 20)
        self.log = FrameLog()
        self._reader = asyncio.create_task(self._read(self.ws))
        return self

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.log.add(json.loads(msg.data))
        self.close_code = ws.close_code
        self.log.add({"type": "_closed", "code": ws.close_code})

    async def send(self, frame: Frame) -> None:
        assert self.ws is not None
        await self.ws.send_json(frame)

    async def send_raw(self, data: str | bytes) -> None:
        assert self.ws is not None
        if isinstance(data, bytes):
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(data)

    async def hello(self, token: str | None = None, last_seq: int = 0, language: str = "fi") -> Frame:
        await self.send({"type": "hello", "token": token, "last_seq": last_seq, "language": language})
        self.welcome = await self.log.wait_for(lambda f: f["type"] == "welcome")
        self.token = self.welcome["token"]
        return self.welcome

    async def start(self, language: str = "fi") -> YouthWS:
        await self.connect()
        await self.hello(language=language)
        return self

    async def say(self, text: str, payload: str | None = None, client_id: str | None = None) -> Frame:
        """Send a message and wait for its ack."""
        client_id = client_id or str(uuid.uuid4())
        frame: Frame = {"type": "message", "client_id": client_id, "text": text}
        if payload:
            frame["payload"] = payload
        start = len(self.log.frames)
        await self.send(frame)
        return await self.log.wait_for(
            lambda f: f.get("client_id") == client_id and f["type"] in ("ack", "error"), start=start)

    def messages(self, sender: str | None = None) -> list[Frame]:
        return [f for f in self.log.frames if f["type"] == "message" and (sender is None or f["from"] == sender)]

    async def wait_message(self, sender: str, predicate: Callable[[Frame], bool] = lambda f: True,
                           timeout: float = 30.0, start: int = 0) -> Frame:
        return await self.log.wait_for(
            lambda f: f["type"] == "message" and f["from"] == sender and predicate(f), timeout, start)

    async def wait_state(self, state: str, timeout: float = 30.0, start: int = 0) -> Frame:
        return await self.log.wait_for(lambda f: f["type"] == "state" and f["state"] == state, timeout, start)

    async def drop(self) -> None:
        """Lose the connection (like a phone going into a tunnel); the session object stays."""
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)

    async def close(self) -> None:
        await self.drop()
        if self.session is not None:
            await self.session.close()


class Console:
    """A logged-in console user: HTTP API with cookies + CSRF, and the live WebSocket."""

    def __init__(self, base_url: str, origin: str | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf: str | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.log = FrameLog()
        self.me: Frame | None = None
        self._reader: asyncio.Task[None] | None = None
        self.origin = origin if origin is not None else self.base

    def _headers(self) -> dict[str, str]:
        headers = {"Origin": self.origin} if self.origin else {}
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        return headers

    async def login(self, username: str, password: str) -> aiohttp.ClientResponse:
        async with self.session.get(f"{self.base}/console/api/csrf") as resp:
            self.csrf = (await resp.json())["csrf_token"]
        resp = await self.session.post(f"{self.base}/console/api/login",
                                       json={"username": username, "password": password}, headers=self._headers())
        if resp.status == 200:
            data = await resp.json()
            self.csrf = data["csrf_token"]
            self.me = data["user"]
        return resp

    async def call(self, method: str, path: str, body: Any = None, expect: int | None = 200) -> Any:
        async with self.session.request(method, f"{self.base}{path}", json=body, headers=self._headers()) as resp:
            data = await resp.json(content_type=None)
            if expect is not None:
                assert resp.status == expect, f"{method} {path}: {resp.status} {data}"
            return data

    async def status_of(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async with self.session.request(method, f"{self.base}{path}", json=body, headers=self._headers()) as resp:
            return resp.status, await resp.json(content_type=None)

    async def open_ws(self) -> Frame:
        self.ws = await self.session.ws_connect(f"{self.base}/console/ws", headers={"Origin": self.origin})
        self.log = FrameLog()
        self._reader = asyncio.create_task(self._read(self.ws))
        return await self.log.wait_for(lambda f: f["type"] == "hello")

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.log.add(json.loads(msg.data))
        self.log.add({"type": "_closed"})

    async def go_on_shift(self, alias: str | None = None) -> Frame:
        if alias:
            await self.call("PATCH", "/console/api/me", {"alias": alias})
        me: Frame = await self.call("POST", "/console/api/shift", {"on": True})
        return me

    async def send(self, conversation_id: str, text: str, client_id: str | None = None) -> Frame:
        body = {"text": text, "client_id": client_id or str(uuid.uuid4())}
        data: Frame = await self.call("POST", f"/console/api/conversations/{conversation_id}/messages", body)
        return data

    async def close_ws(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)

    async def close(self) -> None:
        await self.close_ws()
        await self.session.close()


async def logged_in_console(base_url: str, username: str, password: str, ws: bool = True) -> Console:
    console = Console(base_url)
    resp = await console.login(username, password)
    assert resp.status == 200, await resp.text()
    if ws:
        await console.open_ws()
    return console
