"""Canned replies, service links, wrap-ups and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handoff.store.db import utcnow, write_session
from handoff.store.ids import new_id
from handoff.store.models import CannedReply, Feedback, ServiceLink, WrapUp


class ContentRepo:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def replies(self) -> list[CannedReply]:
        async with self.sessions() as s:
            return list((await s.execute(select(CannedReply).order_by(CannedReply.language, CannedReply.title))).scalars())

    async def save_reply(self, reply_id: str | None, title: str, text: str, language: str) -> CannedReply | None:
        async with write_session(self.sessions) as s:
            if reply_id is None:
                reply = CannedReply(id=new_id("r"), title=title, text=text, language=language, updated_at=utcnow())
                s.add(reply)
                return reply
            found = await s.get(CannedReply, reply_id)
            if found is None:
                return None
            found.title, found.text, found.language, found.updated_at = title, text, language, utcnow()
            return found

    async def delete_reply(self, reply_id: str) -> bool:
        async with write_session(self.sessions) as s:
            found = await s.get(CannedReply, reply_id)
            if found is None:
                return False
            await s.delete(found)
            return True

    async def links(self) -> list[ServiceLink]:
        async with self.sessions() as s:
            return list((await s.execute(select(ServiceLink).order_by(ServiceLink.language, ServiceLink.title))).scalars())

    async def save_link(self, link_id: str | None, title: str, url: str, language: str,
                        topic: str | None) -> ServiceLink | None:
        async with write_session(self.sessions) as s:
            if link_id is None:
                link = ServiceLink(id=new_id("l"), title=title, url=url, language=language, topic=topic,
                                   updated_at=utcnow())
                s.add(link)
                return link
            found = await s.get(ServiceLink, link_id)
            if found is None:
                return None
            found.title, found.url, found.language, found.topic = title, url, language, topic
            found.updated_at = utcnow()
            return found

    async def delete_link(self, link_id: str) -> bool:
        async with write_session(self.sessions) as s:
            found = await s.get(ServiceLink, link_id)
            if found is None:
                return False
            await s.delete(found)
            return True

    async def add_wrapup(self, conversation_id: str, volunteer_id: str | None, data: dict[str, Any],
                         waited: float | None, handled: float | None) -> None:
        async with write_session(self.sessions) as s:
            s.add(WrapUp(
                conversation_id=conversation_id, volunteer_id=volunteer_id, topics=list(data.get("topics", [])),
                referral_given=bool(data.get("referral_given")),
                referral_services=list(data.get("referral_services", [])), crisis=bool(data.get("crisis")),
                waited_seconds=waited, handled_seconds=handled, created_at=utcnow(),
            ))

    async def recent_handling_seconds(self, since: datetime, limit: int = 50) -> list[float]:
        async with self.sessions() as s:
            res = await s.execute(
                select(WrapUp.handled_seconds)
                .where(WrapUp.created_at >= since, WrapUp.handled_seconds.is_not(None))
                .order_by(WrapUp.created_at.desc())
                .limit(limit)
            )
            return [float(x) for x in res.scalars() if x is not None]

    async def wrapups(self) -> list[WrapUp]:
        async with self.sessions() as s:
            return list((await s.execute(select(WrapUp))).scalars())

    async def add_feedback(self, rating: int | None) -> None:
        async with write_session(self.sessions) as s:
            s.add(Feedback(rating=rating, created_at=utcnow()))
