"""Publish/subscribe between the parts of the gateway (and between gateway instances).

`memory://` (default): in-process, synchronous delivery in publish order.
`redis://host:port/db`: Redis pub/sub, so several gateway instances behind a load balancer deliver
each other's events to their own WebSockets. Events are JSON-serialisable dicts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

Event = dict[str, Any]
Handler = Callable[[Event], None]

TOPICS = ("youth", "console", "control")


class Bus(Protocol):
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def publish(self, topic: str, event: Event) -> None: ...
    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]: ...


class _Handlers:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]:
        self._handlers[topic].append(handler)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._handlers[topic].remove(handler)

        return unsubscribe

    def dispatch(self, topic: str, event: Event) -> None:
        for handler in list(self._handlers.get(topic, ())):
            try:
                handler(event)
            except Exception:  # one broken socket must not stop the others
                log.exception("bus handler failed for topic %s", topic)


class MemoryBus(_Handlers):
    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, topic: str, event: Event) -> None:
        self.dispatch(topic, event)


class RedisBus(_Handlers):
    """Every instance publishes to Redis and delivers what it receives (its own events too)."""

    def __init__(self, url: str, prefix: str = "kynnys:") -> None:
        super().__init__()
        self.url = url
        self.prefix = prefix
        self._redis: Any = None
        self._pubsub: Any = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(self.url)
        self._pubsub = self._redis.pubsub()
        await self._pubsub.subscribe(*(self.prefix + t for t in TOPICS))
        self._task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        assert self._pubsub is not None
        while True:
            try:
                msg = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis bus: receive failed; retrying")
                await asyncio.sleep(0.5)
                continue
            if msg is None or msg.get("type") != "message":
                continue
            channel = msg["channel"].decode() if isinstance(msg["channel"], bytes) else str(msg["channel"])
            self.dispatch(channel.removeprefix(self.prefix), json.loads(msg["data"]))

    async def publish(self, topic: str, event: Event) -> None:
        assert self._redis is not None, "RedisBus.start() first"
        await self._redis.publish(self.prefix + topic, json.dumps(event, separators=(",", ":")))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._pubsub is not None:
            await self._pubsub.aclose()
        if self._redis is not None:
            await self._redis.aclose()


def make_bus(url: str) -> Bus:
    if url.startswith("memory:"):
        return MemoryBus()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBus(url)
    raise ValueError(f"BUS_URL must be memory:// or redis://…, not {url!r}")
