"""Content deletion and retention.

When a conversation ends its messages are deleted at once (MESSAGE_RETENTION_HOURS=0, the default)
or by the sweeper once the retention time has passed; the young person can always ask for deletion
at once. Deleting also removes the conversation's events from Rasa's tracker store (RASA_TRACKER_DB,
SQLite: table `events`, column `sender_id`) and forgets the resume token and the bot's sender id.
What stays is anonymous: state, language, topic, county, crisis flag, times, wrap-up statistics.

The sweeper also ends conversations whose young person has been gone for YOUTH_GRACE_SECONDS while
the bot was talking or they were waiting, so no one is left in the queue in vain.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from handoff.context import Context
from handoff.store.db import utcnow

if TYPE_CHECKING:
    from handoff.relay import Relay

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0


def delete_tracker_events(tracker_db: str, sender_id: str) -> int:
    """Delete one conversation's events from Rasa's SQLite tracker store. Returns rows deleted."""
    path = Path(tracker_db)
    if not tracker_db or not path.exists():
        return 0
    con = sqlite3.connect(str(path), timeout=10)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "events" not in tables:
            return 0
        cur = con.execute("DELETE FROM events WHERE sender_id = ?", (sender_id,))
        con.commit()
        return cur.rowcount
    finally:
        con.close()


class Privacy:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.relay: Relay  # set by create_app
        self._task: asyncio.Task[None] | None = None

    async def delete_conversation(self, conversation_id: str) -> None:
        conv = await self.ctx.conversations.get(conversation_id)
        rasa_id = conv.rasa_id if conv else None
        await self.ctx.conversations.delete_content(conversation_id)
        if rasa_id:
            try:
                await asyncio.to_thread(delete_tracker_events, self.ctx.settings.rasa_tracker_db, rasa_id)
            except sqlite3.Error:
                log.exception("could not delete tracker events")
        self.ctx.locks.forget(conversation_id)

    async def sweep(self) -> None:
        settings = self.ctx.settings
        cutoff = utcnow() - timedelta(hours=settings.message_retention_hours)
        for conv in await self.ctx.conversations.ended_with_content(cutoff):
            await self.delete_conversation(conv.id)
        gone_before = utcnow() - timedelta(seconds=settings.youth_grace_seconds)
        for conv in await self.ctx.conversations.abandoned(gone_before):
            if not self.ctx.connections.youth_online(conv.id):
                await self.relay.end(conv.id, "abandoned", delete_now=False)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep()
            except Exception:
                log.exception("privacy sweep failed")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
