"""aiohttp client for Rasa's REST channel; maps replies (incl. kynnys custom payloads) to bot outputs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


@dataclass
class BotText:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)


@dataclass
class HandoffRequest:
    topic: str | None = None
    crisis: bool = False
    language: str | None = None
    county: str | None = None


@dataclass
class CrisisDetected:
    category: str = "nlu"


@dataclass
class CrisisCheck:
    """The bot asked a check-in question (112 and the 24/7 line) instead of raising an alarm."""


BotOutput = BotText | HandoffRequest | CrisisDetected | CrisisCheck


def _links(raw: Any) -> list[dict[str, str]]:
    out = []
    for item in raw or []:
        if isinstance(item, dict) and str(item.get("url", "")).startswith(("https://", "http://", "tel:")):
            out.append({"title": str(item.get("title") or item.get("url")), "url": str(item["url"])})
    return out


def map_reply(reply: dict[str, Any]) -> list[BotOutput]:
    """One Rasa REST reply dict → zero or more outputs."""
    outputs: list[BotOutput] = []
    custom = reply.get("custom")
    kynnys = custom.get("kynnys") if isinstance(custom, dict) else None
    if isinstance(kynnys, dict):
        kind = kynnys.get("type")
        if kind == "handoff_request":
            outputs.append(HandoffRequest(
                topic=kynnys.get("topic"), crisis=bool(kynnys.get("crisis")),
                language=kynnys.get("language"), county=kynnys.get("county"),
            ))
        elif kind == "crisis_detected":
            outputs.append(CrisisDetected(category=str(kynnys.get("category") or "nlu")))
        elif kind == "crisis_check":
            outputs.append(CrisisCheck())
        elif kind == "links":
            outputs.append(BotText(text=str(kynnys.get("text") or ""), links=_links(kynnys.get("links"))))
    text = reply.get("text")
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in reply.get("buttons") or []
        if isinstance(b, dict)
    ]
    if text or buttons:
        outputs.append(BotText(text=str(text or ""), buttons=buttons))
    return outputs


class SwapGate:
    """Holds new bot calls while a new model is loaded into Rasa (handoff/editor/swap.py).

    Rasa 3.6 loads a model synchronously inside `PUT /model`, so it answers nothing meanwhile;
    messages wait here instead of timing out against Rasa, and none is lost."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.asynccontextmanager
    async def passage(self) -> AsyncIterator[None]:
        await self._open.wait()
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    @contextlib.asynccontextmanager
    async def closed(self, drain_seconds: float = 30.0) -> AsyncIterator[None]:
        """Stop new calls, wait (bounded) for calls in flight, run the body, open again."""
        self._open.clear()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), drain_seconds)
            yield
        finally:
            self._open.set()


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout_seconds: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        self.swap_gate = SwapGate()

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> list[BotOutput]:
        async with self.swap_gate.passage():  # waits while the editor swaps the model
            return await self._send(sender, message, metadata)

    async def _send(self, sender: str, message: str, metadata: dict[str, Any] | None) -> list[BotOutput]:
        body = {"sender": sender, "message": message, "metadata": metadata or {}}
        try:
            async with self._http().post(f"{self.base_url}/webhooks/rest/webhook", json=body) as resp:
                if resp.status != 200:
                    raise RasaUnavailable(f"HTTP {resp.status}")
                replies = await resp.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc  # no addresses in logs
        outputs: list[BotOutput] = []
        for reply in replies if isinstance(replies, list) else []:
            if isinstance(reply, dict):
                outputs.extend(map_reply(reply))
        return outputs

    async def ready(self) -> bool:
        try:
            async with self._http().get(f"{self.base_url}/", timeout=aiohttp.ClientTimeout(total=2)) as resp:
                return resp.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
