"""Who gets which conversation: shifts, offers, picking, transfer and the disconnect grace period.

- The next waiting conversation is offered to the available volunteer (on shift, console open, below
  capacity, no other offer pending) with the fewest chats; ties go to whoever has been on shift the
  longest. An offer not accepted in OFFER_TIMEOUT_SECONDS goes to the next volunteer.
- A volunteer can also pick any waiting conversation, or step in to a live bot conversation.
- When a volunteer's last console connection drops, their chats stay theirs for
  VOLUNTEER_GRACE_SECONDS; then each goes back to the front of the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from handoff import queue as queue_logic
from handoff.context import Context
from handoff.frames import console_message, iso
from handoff.relay import Relay
from handoff.state_order import stamp, stamped
from handoff.store.db import aware, utcnow
from handoff.store.models import (
    PRIORITY_CRISIS,
    PRIORITY_RETURNED,
    Conversation,
    QueueEntry,
    Volunteer,
)

log = logging.getLogger(__name__)

HANDLING_WINDOW = timedelta(days=14)


class RoutingError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Offer:
    volunteer_id: str
    timer: asyncio.TimerHandle


class Router:
    def __init__(self, ctx: Context, relay: Relay) -> None:
        self.ctx = ctx
        self.repo = ctx.conversations
        self.relay = relay
        self.shift: dict[str, datetime] = {}
        self.offers: dict[str, Offer] = {}
        self.declined: dict[str, set[str]] = {}
        self.grace: dict[str, asyncio.TimerHandle] = {}
        self._flush: asyncio.Task[None] | None = None
        self._dirty = False
        self._closed = False
        self._handling_cache: tuple[float, list[float]] = (-1e9, [])
        self._tasks: set[asyncio.Task[Any]] = set()
        # awaited between reading a queue snapshot and acting on it ("publish" or "dispatch"); tests
        # widen the race window with it
        self.snapshot_read_hook: Callable[[str], Awaitable[None]] | None = None

    async def load(self) -> None:
        """At start-up: shifts from the store; volunteers who had chats get the grace period to come
        back (their consoles reconnect on their own); the queue is offered again."""
        self.shift = await self.ctx.accounts.open_shifts()
        self.ctx.connections.on_shift = set(self.shift)
        for vid in await self.repo.chat_counts():
            self.console_disconnected(vid)
        self.queue_changed()

    # --- facts ----------------------------------------------------------------------------------

    def on_shift_count(self) -> int:
        return len(self.shift)

    def _capacity_of(self, vol: Volunteer) -> int:
        return vol.capacity if vol.capacity is not None else self.ctx.settings.volunteer_capacity

    async def capacity(self) -> tuple[queue_logic.Capacity, dict[str, int], dict[str, Volunteer]]:
        counts = await self.repo.chat_counts()
        vols: dict[str, Volunteer] = {}
        slots = free = 0
        for vid in list(self.shift):
            vol = await self.ctx.accounts.get(vid)
            if vol is None or vol.disabled:
                continue
            vols[vid] = vol
            cap = self._capacity_of(vol)
            slots += cap
            if self.ctx.connections.volunteer_online(vid):
                free += max(cap - counts.get(vid, 0), 0)
        return queue_logic.Capacity(on_shift=len(vols), slots=slots, free=free), counts, vols

    async def handling_times(self) -> list[float]:
        now = asyncio.get_running_loop().time()
        at, cached = self._handling_cache
        if now - at < 30:
            return cached
        values = await self.ctx.content.recent_handling_seconds(utcnow() - HANDLING_WINDOW)
        self._handling_cache = (now, values)
        return values

    async def estimate_for(self, position: int) -> int | None:
        cap, _, _ = await self.capacity()
        return queue_logic.estimate_wait_seconds(position, cap, await self.handling_times())

    async def position_of(self, conversation_id: str) -> tuple[int | None, int | None]:
        waiting = await self.repo.waiting()
        for i, (entry, _) in enumerate(waiting, start=1):
            if entry.conversation_id == conversation_id:
                return i, await self.estimate_for(i)
        return None, None

    # --- summaries for the console --------------------------------------------------------------

    async def summary(self, conv: Conversation, position: int | None = None,
                      entry: QueueEntry | None = None) -> dict[str, Any]:
        volunteer = None
        if conv.volunteer_id:
            vol = await self.ctx.accounts.get(conv.volunteer_id)
            volunteer = {"id": conv.volunteer_id, "alias": vol.alias if vol else None}
        queued_at = aware(entry.enqueued_at) if entry is not None else None
        if conv.state == "queued" and entry is None:
            found = await self.repo.waiting_entry(conv.id)
            queued_at = aware(found.enqueued_at) if found else None
            if position is None:
                position, _ = await self.position_of(conv.id)
            entry = found
        priority = "crisis" if conv.crisis or (entry is not None and entry.priority == PRIORITY_CRISIS) else "normal"
        offer = self.offers.get(conv.id)
        return {
            "conversation_id": conv.id, "state": conv.state, "priority": priority, "topic": conv.topic,
            "language": conv.language, "county": conv.county, "crisis": bool(conv.crisis),
            "crisis_categories": list(conv.crisis_categories or []), "started_at": iso(conv.created_at),
            "queued_at": iso(queued_at) if conv.state == "queued" else None,
            "waiting_seconds": int((utcnow() - queued_at).total_seconds()) if queued_at and conv.state == "queued" else None,
            "position": position if conv.state == "queued" else None, "volunteer": volunteer,
            "offered_to": offer.volunteer_id if offer else None,
            "youth_online": self.ctx.connections.youth_online(conv.id),
            "watchers": self.ctx.connections.watchers(conv.id), "message_count": conv.last_seq,
        }

    async def detail(self, conv: Conversation) -> dict[str, Any]:
        data = await self.summary(conv)
        data["messages"] = [console_message(m) for m in await self.repo.messages_after(conv.id, 0)]
        return data

    async def queue_entries(self, waiting: list[tuple[QueueEntry, Conversation]] | None = None,
                            ) -> list[dict[str, Any]]:
        if waiting is None:
            waiting = await self.repo.waiting()
        return [await self.summary(conv, position=i, entry=entry) for i, (entry, conv) in enumerate(waiting, start=1)]

    async def me(self, vol: Volunteer) -> dict[str, Any]:
        counts = await self.repo.chat_counts()
        return {"id": vol.id, "username": vol.username, "alias": vol.alias, "role": vol.role,
                "capacity": self._capacity_of(vol), "on_shift": vol.id in self.shift,
                "active_chats": counts.get(vol.id, 0)}

    async def volunteers(self) -> list[dict[str, Any]]:
        counts = await self.repo.chat_counts()
        out = []
        for vol in await self.ctx.accounts.all():
            if vol.disabled or vol.role == "editor":
                continue
            out.append({"id": vol.id, "alias": vol.alias, "username": vol.username,
                        "on_shift": vol.id in self.shift, "online": self.ctx.connections.volunteer_online(vol.id),
                        "active_chats": counts.get(vol.id, 0), "capacity": self._capacity_of(vol),
                        "shift_started_at": iso(self.shift.get(vol.id))})
        return out

    async def overview(self, queue: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        live = await self.repo.live()
        if queue is None:
            queue = await self.queue_entries()
        cap, _, _ = await self.capacity()
        volunteers = await self.volunteers()
        today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        counts = {
            "live_conversations": len(live),
            "bot": sum(1 for c in live if c.state == "bot"),
            "queued": sum(1 for c in live if c.state == "queued"),
            "with_volunteer": sum(1 for c in live if c.state == "volunteer"),
            "crisis_queued": sum(1 for q in queue if q["priority"] == "crisis"),
            "on_shift": cap.on_shift,
            "available": sum(1 for v in volunteers if v["on_shift"] and v["online"]
                             and v["active_chats"] < v["capacity"]),
            "ended_today": await self.repo.ended_since(today),
            "estimated_wait_seconds": queue_logic.estimate_wait_seconds(len(queue) + 1, cap, await self.handling_times()),
        }
        return {"volunteers": [v for v in volunteers], "queue": queue, "counts": counts}

    # --- queue changes --------------------------------------------------------------------------

    def queue_changed(self) -> None:
        """Coalesce changes: one flush (positions to youth, snapshot to consoles, dispatch) at a time."""
        self._dirty = True
        if self._closed:  # shutting down: sockets closing must not start a flush on a closed store
            return
        if self._flush is None or self._flush.done():
            self._flush = asyncio.create_task(self._flush_loop())

    async def settled(self) -> None:
        """Wait until every queue change so far has been dispatched and published."""
        while self._flush is not None and not self._flush.done():
            await asyncio.wait([self._flush])

    async def _flush_loop(self) -> None:
        while self._dirty:
            self._dirty = False
            await asyncio.sleep(0.02)
            try:
                await self.dispatch()
                await self._publish_queue()
            except Exception:
                log.exception("queue flush failed")

    async def _publish_queue(self) -> None:
        # Stamped before the read: by the time a frame goes out, its conversation may have left the
        # queue, been taken or ended (and said so); each youth socket drops a frame older than the last
        # one it passed on (handoff/state_order.py), so a stale position never undoes that.
        read_at = stamp()
        waiting = await self.repo.waiting()
        cap, _, _ = await self.capacity()
        handling = await self.handling_times()
        if self.snapshot_read_hook is not None:
            await self.snapshot_read_hook("publish")
        for i, (_entry, conv) in enumerate(waiting, start=1):
            await self.relay.to_youth(conv.id, stamped({
                "type": "state", "state": "queued",
                "queue": {"position": i, "estimated_wait_seconds": queue_logic.estimate_wait_seconds(i, cap, handling)},
                "volunteer_alias": None}, read_at))
        entries = await self.queue_entries(waiting)  # the same snapshot: consoles agree with the widgets
        wait = queue_logic.estimate_wait_seconds(len(entries) + 1, cap, handling)
        await self.relay.to_console({"on_shift": True},
                                    {"type": "queue", "entries": entries, "estimated_wait_seconds": wait})
        await self.relay.to_console({"supervisors": True}, {"type": "overview", **await self.overview(entries)})

    async def dispatch(self) -> None:
        """Offer waiting conversations to available volunteers (fewest chats first)."""
        waiting = await self.repo.waiting()
        if not waiting or not self.shift:
            return
        cap, counts, vols = await self.capacity()
        if self.snapshot_read_hook is not None:
            await self.snapshot_read_hook("dispatch")
        pending = {o.volunteer_id for o in self.offers.values()}
        for entry, conv in waiting:
            if conv.id in self.offers:
                continue
            declined = self.declined.get(conv.id, set())
            candidates = [
                vol for vid, vol in vols.items()
                if vid not in pending and vid not in declined and self.ctx.connections.volunteer_online(vid)
                and counts.get(vid, 0) < self._capacity_of(vol)
            ]
            if not candidates:
                continue
            best = min(candidates, key=lambda v: (counts.get(v.id, 0), self.shift.get(v.id) or utcnow(), v.id))
            await self._offer(conv, entry, best)
            pending.add(best.id)

    async def _offer(self, conv: Conversation, entry: QueueEntry, vol: Volunteer) -> None:
        summary = await self.summary(conv, entry=entry)
        if conv.id in self.offers:
            return
        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.ctx.settings.offer_timeout_seconds, self._expire_offer, conv.id, vol.id)
        self.offers[conv.id] = Offer(vol.id, timer)
        await self.relay.to_console({"volunteer_id": vol.id}, {
            "type": "offer", "conversation": {**summary, "offered_to": vol.id},
            "expires_in_seconds": int(self.ctx.settings.offer_timeout_seconds)})
        # The queue was read before this offer was registered: if the young person left, was taken or
        # ended meanwhile, their withdrawal found no offer to withdraw. Read again (after registering,
        # so any later change finds it) and withdraw it now.
        fresh = await self.repo.get(conv.id)
        if fresh is None or fresh.state != "queued":
            reason = "taken" if fresh is not None and fresh.state == "volunteer" else "youth_left"
            await self.withdraw_offer(conv.id, reason)

    def _expire_offer(self, conversation_id: str, volunteer_id: str) -> None:
        offer = self.offers.get(conversation_id)
        if offer is None or offer.volunteer_id != volunteer_id:
            return
        self._spawn(self._decline(conversation_id, volunteer_id, "expired"))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _decline(self, conversation_id: str, volunteer_id: str, reason: str) -> None:
        offer = self.offers.get(conversation_id)
        if offer is None or offer.volunteer_id != volunteer_id:
            return
        offer.timer.cancel()
        del self.offers[conversation_id]
        self.declined.setdefault(conversation_id, set()).add(volunteer_id)
        await self.relay.to_console({"volunteer_id": volunteer_id}, {
            "type": "offer_withdrawn", "conversation_id": conversation_id, "reason": reason})
        self.queue_changed()

    async def decline(self, volunteer_id: str, conversation_id: str) -> None:
        await self._decline(conversation_id, volunteer_id, "declined")

    async def withdraw_offer(self, conversation_id: str, reason: str) -> None:
        offer = self.offers.pop(conversation_id, None)
        self.declined.pop(conversation_id, None)
        if offer is not None:
            offer.timer.cancel()
            await self.relay.to_console({"volunteer_id": offer.volunteer_id}, {
                "type": "offer_withdrawn", "conversation_id": conversation_id, "reason": reason})

    async def alert_crisis(self, conversation_id: str, category: str) -> None:
        conv = await self.repo.get(conversation_id)
        if conv is None:
            return
        await self.relay.to_console({"on_shift": True}, {
            "type": "crisis_alert", "conversation": await self.summary(conv), "category": category})

    # --- volunteer actions ----------------------------------------------------------------------

    async def _check_room(self, vol: Volunteer) -> None:
        if vol.id not in self.shift:
            raise RoutingError(409, "not_on_shift", "Go on shift first.")
        counts = await self.repo.chat_counts()
        if counts.get(vol.id, 0) >= self._capacity_of(vol):
            raise RoutingError(409, "at_capacity", "You already have as many chats as your capacity.")

    async def take(self, vol: Volunteer, conversation_id: str, *, step_in: bool = False) -> Conversation:
        """Accept an offer, pick a queued conversation, or step in to a bot conversation."""
        await self._check_room(vol)
        conv = await self.repo.get(conversation_id)
        if conv is None:
            raise RoutingError(404, "not_found", "No such conversation.")
        allowed = ("queued", "bot") if step_in else ("queued",)
        if conv.state not in allowed:
            code = "not_available" if step_in else "not_queued"
            raise RoutingError(409, code, "Someone else took it, or it ended.")
        if not await self.repo.assign(conversation_id, vol.id):
            raise RoutingError(409, "not_available" if step_in else "not_queued", "Someone else took it.")
        offer = self.offers.pop(conversation_id, None)
        self.declined.pop(conversation_id, None)
        if offer is not None:
            offer.timer.cancel()
            if offer.volunteer_id != vol.id:
                await self.relay.to_console({"volunteer_id": offer.volunteer_id}, {
                    "type": "offer_withdrawn", "conversation_id": conversation_id, "reason": "taken"})
        await self._joined(conversation_id, vol)
        fresh = await self.repo.get(conversation_id)
        assert fresh is not None
        return fresh

    async def take_next(self, vol: Volunteer) -> Conversation:
        await self._check_room(vol)
        for entry, _conv in await self.repo.waiting():
            try:
                return await self.take(vol, entry.conversation_id)
            except RoutingError as exc:
                if exc.code != "not_queued":
                    raise
        raise RoutingError(404, "queue_empty", "Nobody is waiting.")

    async def _joined(self, conversation_id: str, vol: Volunteer) -> None:
        await self.relay.volunteer_joined(conversation_id, vol)
        conv = await self.repo.get(conversation_id)
        if conv is not None:
            await self.relay.to_console({"volunteer_id": vol.id},
                                        {"type": "chat_assigned", "conversation": await self.detail(conv)})
            await self.relay.conversation_changed(conversation_id)
        await self._send_me(vol.id)
        self.queue_changed()

    async def transfer(self, conv: Conversation, to_volunteer: str | None) -> None:
        from_vid = conv.volunteer_id
        from_vol = await self.ctx.accounts.get(from_vid) if from_vid else None
        if to_volunteer is None:
            await self.return_to_queue(conv.id, "transferred", notice="transferred")
            return
        target = await self.ctx.accounts.get(to_volunteer)
        if target is None or target.disabled or target.id not in self.shift or target.id == from_vid:
            raise RoutingError(409, "target_unavailable", "That volunteer is not on shift.")
        counts = await self.repo.chat_counts()
        if counts.get(target.id, 0) >= self._capacity_of(target):
            raise RoutingError(409, "target_unavailable", "That volunteer has no room.")
        if from_vid is None or not await self.repo.reassign(conv.id, from_vid, target.id):
            raise RoutingError(409, "not_available", "The chat is no longer yours.")
        await self.relay.to_console({"volunteer_id": from_vid},
                                    {"type": "chat_removed", "conversation_id": conv.id, "reason": "transferred"})
        await self.relay.volunteer_left(conv.id, from_vol, "transferred")
        await self._joined(conv.id, target)
        await self._send_me(from_vid)

    async def return_to_queue(self, conversation_id: str, reason: str, notice: str = "returned_to_queue") -> None:
        conv = await self.repo.get(conversation_id)
        if conv is None or conv.state != "volunteer":
            return
        vid = conv.volunteer_id
        vol = await self.ctx.accounts.get(vid) if vid else None
        priority = PRIORITY_CRISIS if conv.crisis else PRIORITY_RETURNED
        await self.repo.enqueue(conversation_id, priority)
        if vid:
            await self.relay.to_console({"volunteer_id": vid},
                                        {"type": "chat_removed", "conversation_id": conversation_id, "reason": reason})
            await self._send_me(vid)
        await self.relay.volunteer_left(conversation_id, vol, notice)
        await self.relay.send_state(conversation_id)
        await self.relay.conversation_changed(conversation_id)
        self.queue_changed()

    async def set_shift(self, vol: Volunteer, on: bool) -> None:
        if on:
            await self.ctx.accounts.start_shift(vol.id)
            self.shift[vol.id] = self.shift.get(vol.id) or utcnow()
        else:
            await self.ctx.accounts.end_shift(vol.id)
            self.shift.pop(vol.id, None)
            for cid, offer in list(self.offers.items()):
                if offer.volunteer_id == vol.id:
                    await self._decline(cid, vol.id, "expired")
        self.ctx.connections.on_shift = set(self.shift)
        await self.ctx.bus.publish("control", {"kind": "shift", "volunteer_id": vol.id, "on": on})
        await self._send_me(vol.id)
        if not self.shift:
            await self._close_queue()
        self.queue_changed()

    async def _close_queue(self) -> None:
        """The last volunteer left the shift: nobody waits in vain; the bot keeps serving."""
        for _entry, conv in await self.repo.waiting():
            await self.relay.nobody_on_duty(conv.id)

    async def _send_me(self, volunteer_id: str) -> None:
        vol = await self.ctx.accounts.get(volunteer_id)
        if vol is not None:
            await self.relay.to_console({"volunteer_id": volunteer_id}, {"type": "me", "user": await self.me(vol)})

    def control_event(self, event: dict[str, Any]) -> None:
        """Shift changes made on another gateway instance."""
        if event.get("kind") == "shift":
            vid = str(event["volunteer_id"])
            if event.get("on"):
                self.shift.setdefault(vid, utcnow())
            else:
                self.shift.pop(vid, None)
            self.ctx.connections.on_shift = set(self.shift)

    # --- console presence and the grace period --------------------------------------------------

    def console_connected(self, volunteer_id: str) -> None:
        timer = self.grace.pop(volunteer_id, None)
        if timer is not None:
            timer.cancel()
        self.queue_changed()

    def console_disconnected(self, volunteer_id: str) -> None:
        if self.ctx.connections.volunteer_online(volunteer_id):
            return
        loop = asyncio.get_running_loop()
        old = self.grace.pop(volunteer_id, None)
        if old is not None:
            old.cancel()
        self.grace[volunteer_id] = loop.call_later(
            self.ctx.settings.volunteer_grace_seconds, self._grace_over, volunteer_id)
        for cid, offer in list(self.offers.items()):
            if offer.volunteer_id == volunteer_id:
                self._spawn(self._decline(cid, volunteer_id, "expired"))
        self.queue_changed()  # fewer free slots: the wait estimates change

    def _grace_over(self, volunteer_id: str) -> None:
        self.grace.pop(volunteer_id, None)
        if not self.ctx.connections.volunteer_online(volunteer_id):
            self._spawn(self._return_all(volunteer_id))

    async def _return_all(self, volunteer_id: str) -> None:
        for conv in await self.repo.of_volunteer(volunteer_id):
            await self.return_to_queue(conv.id, "returned_to_queue")

    async def close(self) -> None:
        self._closed = True
        for offer in self.offers.values():
            offer.timer.cancel()
        for timer in self.grace.values():
            timer.cancel()
        for task in list(self._tasks) + ([self._flush] if self._flush else []):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
