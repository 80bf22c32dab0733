"""The WebSockets connected to this gateway instance and delivery of bus events to them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from typing import Any

from aiohttp import web

from handoff.bus import Bus, Event
from handoff.state_order import StateOrder

log = logging.getLogger(__name__)


class Outbox:
    """Frames for one socket, written in order by one writer task."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.task = asyncio.create_task(self._write())

    def send(self, frame: dict[str, Any]) -> None:
        self.queue.put_nowait(frame)

    async def _write(self) -> None:
        while True:
            frame = await self.queue.get()
            if frame is None:
                return
            if self.ws.closed:
                continue
            try:
                await self.ws.send_json(frame)
            except (ConnectionError, RuntimeError):
                continue

    async def close(self) -> None:
        self.queue.put_nowait(None)
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(self.task, timeout=2)


class YouthOutbox(Outbox):
    def __init__(self, ws: web.WebSocketResponse, conversation_id: str) -> None:
        super().__init__(ws)
        self.conversation_id = conversation_id
        self.last_seq = 0
        self.state_order = StateOrder()

    def send(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "message":
            seq = int(frame.get("seq", 0))
            if seq <= self.last_seq:  # already replayed: never a duplicate
                return
            self.last_seq = seq
        admitted = self.state_order.admit(frame)  # a state frame older than the last one shown: dropped
        if admitted is not None:
            super().send(admitted)


class ConsoleOutbox(Outbox):
    def __init__(self, ws: web.WebSocketResponse, volunteer_id: str, role: str) -> None:
        super().__init__(ws)
        self.volunteer_id = volunteer_id
        self.role = role
        self.watching: set[str] = set()
        self.owned: set[str] = set()

    def send(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "chat_assigned":
            self.owned.add(frame["conversation"]["conversation_id"])
        elif kind == "chat_removed":
            self.owned.discard(frame["conversation_id"])
        super().send(frame)


class Connections:
    def __init__(self, bus: Bus) -> None:
        self.youth: dict[str, set[YouthOutbox]] = defaultdict(set)
        self.console: dict[str, set[ConsoleOutbox]] = defaultdict(set)
        self.on_shift: set[str] = set()  # kept in sync by Router
        bus.subscribe("youth", self._youth_event)
        bus.subscribe("console", self._console_event)

    # youth ---------------------------------------------------------------------------------------
    def add_youth(self, box: YouthOutbox) -> None:
        self.youth[box.conversation_id].add(box)

    def remove_youth(self, box: YouthOutbox) -> None:
        boxes = self.youth.get(box.conversation_id)
        if boxes is not None:
            boxes.discard(box)
            if not boxes:
                del self.youth[box.conversation_id]

    def youth_online(self, conversation_id: str) -> bool:
        return bool(self.youth.get(conversation_id))

    def _youth_event(self, event: Event) -> None:
        for box in list(self.youth.get(event["conversation_id"], ())):
            box.send(event["frame"])

    # console -------------------------------------------------------------------------------------
    def add_console(self, box: ConsoleOutbox) -> None:
        self.console[box.volunteer_id].add(box)

    def remove_console(self, box: ConsoleOutbox) -> None:
        boxes = self.console.get(box.volunteer_id)
        if boxes is not None:
            boxes.discard(box)
            if not boxes:
                del self.console[box.volunteer_id]

    def volunteer_online(self, volunteer_id: str) -> bool:
        return bool(self.console.get(volunteer_id))

    def watchers(self, conversation_id: str) -> int:
        return sum(1 for boxes in self.console.values() for b in boxes if conversation_id in b.watching)

    def _console_event(self, event: Event) -> None:
        to = event.get("to", {})
        frame = event["frame"]
        for vid, boxes in list(self.console.items()):
            for box in list(boxes):
                if self._wants(box, vid, to):
                    box.send(frame)

    def _wants(self, box: ConsoleOutbox, vid: str, to: dict[str, Any]) -> bool:
        if "volunteer_id" in to and to["volunteer_id"] == vid:
            return True
        cid = to.get("conversation_id")
        if cid is not None and (cid in box.watching or cid in box.owned):
            return True
        if to.get("on_shift") and (vid in self.on_shift or box.role == "supervisor"):
            return True
        if to.get("supervisors") and box.role == "supervisor":
            return True
        return bool(to.get("all") and box.role in ("volunteer", "supervisor"))
