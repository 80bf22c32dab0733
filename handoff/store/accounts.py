"""Volunteer accounts, console sessions and shifts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handoff.store.db import aware, utcnow, write_session
from handoff.store.ids import new_id
from handoff.store.models import ROLES, ConsoleSession, Shift, Volunteer


class AccountRepo:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def add(self, username: str, password_hash: str, role: str, alias: str | None = None,
                  capacity: int | None = None) -> Volunteer:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        vol = Volunteer(
            id=new_id("v"), username=username, password_hash=password_hash, role=role, alias=alias,
            capacity=capacity, disabled=False, failed_logins=0, created_at=utcnow(),
        )
        async with write_session(self.sessions) as s:
            s.add(vol)
        return vol

    async def get(self, volunteer_id: str) -> Volunteer | None:
        async with self.sessions() as s:
            return await s.get(Volunteer, volunteer_id)

    async def by_username(self, username: str) -> Volunteer | None:
        async with self.sessions() as s:
            res = await s.execute(select(Volunteer).where(Volunteer.username == username))
            return res.scalar_one_or_none()

    async def all(self) -> list[Volunteer]:
        async with self.sessions() as s:
            res = await s.execute(select(Volunteer).order_by(Volunteer.username))
            return list(res.scalars())

    async def update(self, volunteer_id: str, **values: object) -> Volunteer | None:
        async with write_session(self.sessions) as s:
            vol = await s.get(Volunteer, volunteer_id)
            if vol is None:
                return None
            for key, value in values.items():
                setattr(vol, key, value)
        return vol

    async def disable(self, username: str) -> bool:
        async with write_session(self.sessions) as s:
            vol = (await s.execute(select(Volunteer).where(Volunteer.username == username))).scalar_one_or_none()
            if vol is None:
                return False
            vol.disabled = True
            await s.execute(delete(ConsoleSession).where(ConsoleSession.volunteer_id == vol.id))
            await s.execute(
                update(Shift).where(Shift.volunteer_id == vol.id, Shift.ended_at.is_(None)).values(ended_at=utcnow())
            )
        return True

    # --- sessions -------------------------------------------------------------------------------

    async def create_session(self, id_hash: str, volunteer_id: str, lifetime: timedelta) -> None:
        now = utcnow()
        async with write_session(self.sessions) as s:
            s.add(ConsoleSession(id_hash=id_hash, volunteer_id=volunteer_id, created_at=now,
                                 last_seen_at=now, expires_at=now + lifetime))

    async def session_volunteer(self, id_hash: str, idle: timedelta) -> Volunteer | None:
        now = utcnow()
        async with self.sessions() as s:
            sess = await s.get(ConsoleSession, id_hash)
            vol = await s.get(Volunteer, sess.volunteer_id) if sess is not None else None
        if sess is None:
            return None
        expires, seen = aware(sess.expires_at), aware(sess.last_seen_at)
        if (expires and expires < now) or (seen and seen + idle < now):
            await self.delete_session(id_hash)
            return None
        if vol is None or vol.disabled:
            return None
        if seen is None or (now - seen).total_seconds() > 60:  # touch at most once a minute
            async with write_session(self.sessions) as s:
                await s.execute(
                    update(ConsoleSession).where(ConsoleSession.id_hash == id_hash).values(last_seen_at=now)
                )
        return vol

    async def delete_session(self, id_hash: str) -> None:
        async with write_session(self.sessions) as s:
            await s.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == id_hash))

    # --- shifts ---------------------------------------------------------------------------------

    async def open_shifts(self) -> dict[str, datetime]:
        async with self.sessions() as s:
            res = await s.execute(select(Shift.volunteer_id, Shift.started_at).where(Shift.ended_at.is_(None)))
            return {vid: aware(at) or utcnow() for vid, at in res.all()}

    async def start_shift(self, volunteer_id: str) -> None:
        async with write_session(self.sessions) as s:
            res = await s.execute(select(Shift).where(Shift.volunteer_id == volunteer_id, Shift.ended_at.is_(None)))
            if res.scalars().first() is None:
                s.add(Shift(volunteer_id=volunteer_id, started_at=utcnow()))

    async def end_shift(self, volunteer_id: str) -> None:
        async with write_session(self.sessions) as s:
            await s.execute(
                update(Shift).where(Shift.volunteer_id == volunteer_id, Shift.ended_at.is_(None)).values(ended_at=utcnow())
            )
