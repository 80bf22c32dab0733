"""Conversation, message and queue-entry repository."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handoff.store.db import aware, utcnow, write_connection, write_session
from handoff.store.ids import new_id
from handoff.store.models import PRIORITY_NORMAL, Conversation, Message, QueueEntry

MESSAGES = cast(Table, Message.__table__)  # Core insert: no ORM unit of work on the hot path


class NotAllowed(Exception):
    """The conversation is not in a state (or not with the volunteer) that allows this message."""


@dataclass
class Appended:
    message: Message
    created: bool
    state: str | None = None  # the conversation's state when the message was stored


class ConversationRepo:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def create(self, token_hash: str, rasa_id: str, language: str) -> Conversation:
        now = utcnow()
        conv = Conversation(
            id=new_id("c"), token_hash=token_hash, rasa_id=rasa_id, state="bot", language=language,
            crisis=False, crisis_categories=[], crisis_alerted=False, last_seq=0, created_at=now,
            last_youth_seen_at=now,
        )
        async with write_session(self.sessions) as s:
            s.add(conv)
        return conv

    async def get(self, conversation_id: str) -> Conversation | None:
        async with self.sessions() as s:
            return await s.get(Conversation, conversation_id)

    async def by_token_hash(self, token_hash: str) -> Conversation | None:
        async with self.sessions() as s:
            res = await s.execute(select(Conversation).where(Conversation.token_hash == token_hash))
            return res.scalar_one_or_none()

    async def update(self, conversation_id: str, **values: Any) -> Conversation | None:
        async with write_session(self.sessions) as s:
            conv = await s.get(Conversation, conversation_id)
            if conv is None:
                return None
            for key, value in values.items():
                setattr(conv, key, value)
        return conv

    async def live(self, states: Sequence[str] = ("bot", "queued", "volunteer")) -> list[Conversation]:
        async with self.sessions() as s:
            res = await s.execute(
                select(Conversation).where(Conversation.state.in_(states)).order_by(Conversation.created_at)
            )
            return list(res.scalars())

    async def of_volunteer(self, volunteer_id: str) -> list[Conversation]:
        async with self.sessions() as s:
            res = await s.execute(
                select(Conversation)
                .where(Conversation.volunteer_id == volunteer_id, Conversation.state == "volunteer")
                .order_by(Conversation.created_at)
            )
            return list(res.scalars())

    async def chat_counts(self) -> dict[str, int]:
        async with self.sessions() as s:
            res = await s.execute(
                select(Conversation.volunteer_id, func.count())
                .where(Conversation.state == "volunteer", Conversation.volunteer_id.is_not(None))
                .group_by(Conversation.volunteer_id)
            )
            return {str(vid): int(n) for vid, n in res.all()}

    # --- messages -------------------------------------------------------------------------------

    async def append_message(
        self, conversation_id: str, sender: str, text: str, *, alias: str | None = None,
        volunteer_id: str | None = None, links: list[dict[str, str]] | None = None,
        buttons: list[dict[str, str]] | None = None, client_id: str | None = None, risk: bool = False,
        require_states: tuple[str, ...] | None = None, require_volunteer: str | None = None,
    ) -> Appended:
        """Store a message with the next seq, in one transaction.

        A known client_id returns the stored message instead (created=False). With require_states /
        require_volunteer the message is stored only if the conversation is in one of those states /
        with that volunteer; otherwise NotAllowed is raised and nothing is stored.
        """
        stmt = update(Conversation).where(Conversation.id == conversation_id)
        if require_states is not None:
            stmt = stmt.where(Conversation.state.in_(require_states))
        if require_volunteer is not None:
            stmt = stmt.where(Conversation.volunteer_id == require_volunteer)
        stmt = stmt.values(last_seq=Conversation.last_seq + 1).returning(Conversation.last_seq, Conversation.state)
        engine = self.sessions.kw["bind"]
        try:
            async with write_connection(engine) as conn:
                row = (await conn.execute(stmt)).first()
                if row is None:
                    raise NotAllowed(conversation_id)
                seq, state = row
                values = {
                    "id": new_id("m"), "conversation_id": conversation_id, "seq": seq, "sender": sender,
                    "alias": alias, "volunteer_id": volunteer_id, "text": text, "links": links or [],
                    "buttons": buttons or [], "client_id": client_id, "risk": risk, "created_at": utcnow(),
                }
                await conn.execute(insert(MESSAGES).values(**values))
                msg = Message(**values)
        except IntegrityError:
            if client_id is None:
                raise
            existing = await self.by_client_id(conversation_id, client_id)
            if existing is None:
                raise
            return Appended(existing, False)
        return Appended(msg, True, str(state))

    async def messages_after(self, conversation_id: str, seq: int = 0) -> list[Message]:
        async with self.sessions() as s:
            res = await s.execute(
                select(Message)
                .where(Message.conversation_id == conversation_id, Message.seq > seq)
                .order_by(Message.seq)
            )
            return list(res.scalars())

    async def message_count(self, conversation_id: str) -> int:
        async with self.sessions() as s:
            res = await s.execute(select(func.count()).select_from(Message).where(Message.conversation_id == conversation_id))
            return int(res.scalar_one())

    async def by_client_id(self, conversation_id: str, client_id: str) -> Message | None:
        async with self.sessions() as s:
            res = await s.execute(
                select(Message).where(Message.conversation_id == conversation_id, Message.client_id == client_id)
            )
            return res.scalar_one_or_none()

    async def delete_content(self, conversation_id: str) -> int:
        """Delete every message of the conversation; the conversation row stays as an aggregate."""
        async with write_session(self.sessions) as s:
            res = await s.execute(delete(Message).where(Message.conversation_id == conversation_id))
            conv = await s.get(Conversation, conversation_id)
            if conv is not None:
                conv.content_deleted_at = utcnow()
                conv.token_hash = None
                conv.rasa_id = None
            return int(getattr(res, "rowcount", 0) or 0)

    async def ended_with_content(self, before: datetime) -> list[Conversation]:
        async with self.sessions() as s:
            res = await s.execute(
                select(Conversation).where(
                    Conversation.state == "ended",
                    Conversation.content_deleted_at.is_(None),
                    Conversation.ended_at <= before,
                )
            )
            return list(res.scalars())

    async def abandoned(self, seen_before: datetime) -> list[Conversation]:
        async with self.sessions() as s:
            res = await s.execute(
                select(Conversation).where(
                    Conversation.state.in_(("bot", "queued")),
                    Conversation.last_youth_seen_at <= seen_before,
                )
            )
            return list(res.scalars())

    # --- queue ----------------------------------------------------------------------------------

    async def enqueue(self, conversation_id: str, priority: int) -> QueueEntry:
        now = utcnow()
        async with write_session(self.sessions) as s:
            entry = QueueEntry(conversation_id=conversation_id, priority=priority, status="waiting", enqueued_at=now)
            s.add(entry)
            conv = await s.get(Conversation, conversation_id)
            if conv is not None:
                conv.state = "queued"
                conv.volunteer_id = None
        return entry

    async def waiting_entry(self, conversation_id: str) -> QueueEntry | None:
        async with self.sessions() as s:
            res = await s.execute(
                select(QueueEntry).where(QueueEntry.conversation_id == conversation_id, QueueEntry.status == "waiting")
            )
            return res.scalars().first()

    async def set_priority(self, conversation_id: str, priority: int) -> None:
        async with write_session(self.sessions) as s:
            await s.execute(
                update(QueueEntry)
                .where(QueueEntry.conversation_id == conversation_id, QueueEntry.status == "waiting",
                       QueueEntry.priority > priority)
                .values(priority=priority)
            )

    async def waiting(self) -> list[tuple[QueueEntry, Conversation]]:
        """Waiting entries in queue order: priority, then first come first served."""
        async with self.sessions() as s:
            res = await s.execute(
                select(QueueEntry, Conversation)
                .join(Conversation, Conversation.id == QueueEntry.conversation_id)
                .where(QueueEntry.status == "waiting")
                .order_by(QueueEntry.priority, QueueEntry.enqueued_at, QueueEntry.id)
            )
            return [(e, c) for e, c in res.tuples()]

    async def assign(self, conversation_id: str, volunteer_id: str) -> bool:
        """Give a waiting or bot conversation to a volunteer; False if someone else was first."""
        now = utcnow()
        async with write_session(self.sessions) as s:
            res = await s.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id, Conversation.state.in_(("queued", "bot")))
                .values(state="volunteer", volunteer_id=volunteer_id)
            )
            if not getattr(res, "rowcount", 0):
                return False
            res = await s.execute(
                update(QueueEntry)
                .where(QueueEntry.conversation_id == conversation_id, QueueEntry.status == "waiting")
                .values(status="assigned", assigned_at=now, volunteer_id=volunteer_id)
            )
            if not getattr(res, "rowcount", 0):  # stepped in before it was queued: record it all the same
                s.add(QueueEntry(conversation_id=conversation_id, priority=PRIORITY_NORMAL, status="assigned",
                                 enqueued_at=now, assigned_at=now, volunteer_id=volunteer_id))
        return True

    async def reassign(self, conversation_id: str, from_volunteer: str, to_volunteer: str) -> bool:
        async with write_session(self.sessions) as s:
            res = await s.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id, Conversation.state == "volunteer",
                       Conversation.volunteer_id == from_volunteer)
                .values(volunteer_id=to_volunteer)
            )
            return bool(getattr(res, "rowcount", 0))

    async def close_queue_entries(self, conversation_id: str, status: str) -> None:
        async with write_session(self.sessions) as s:
            await s.execute(
                update(QueueEntry)
                .where(QueueEntry.conversation_id == conversation_id, QueueEntry.status == "waiting")
                .values(status=status, closed_at=utcnow())
            )

    async def first_queued_at(self, conversation_id: str) -> datetime | None:
        async with self.sessions() as s:
            res = await s.execute(
                select(func.min(QueueEntry.enqueued_at)).where(QueueEntry.conversation_id == conversation_id)
            )
            return aware(res.scalar_one_or_none())

    async def first_assigned_at(self, conversation_id: str) -> datetime | None:
        async with self.sessions() as s:
            res = await s.execute(
                select(func.min(QueueEntry.assigned_at)).where(QueueEntry.conversation_id == conversation_id)
            )
            return aware(res.scalar_one_or_none())

    async def ended_since(self, since: datetime) -> int:
        async with self.sessions() as s:
            res = await s.execute(
                select(func.count()).select_from(Conversation).where(Conversation.ended_at >= since)
            )
            return int(res.scalar_one())

    async def recent_timestamps(self, since: timedelta) -> list[tuple[datetime, datetime | None]]:
        """(enqueued_at, assigned_at) of queue entries that were enqueued recently."""
        async with self.sessions() as s:
            res = await s.execute(
                select(QueueEntry.enqueued_at, QueueEntry.assigned_at).where(QueueEntry.enqueued_at >= utcnow() - since)
            )
            return [(aware(a) or utcnow(), aware(b)) for a, b in res.all()]
