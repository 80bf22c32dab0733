"""Everything one gateway instance holds, built once by create_app()."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from handoff.bus import Bus
from handoff.connections import Connections
from handoff.rasa_client import RasaClient
from handoff.settings import Settings
from handoff.store.accounts import AccountRepo
from handoff.store.content import ContentRepo
from handoff.store.conversations import ConversationRepo


@dataclass
class Locks:
    """Per-conversation locks: `seq` orders stored messages, `bot` serialises calls to Rasa."""

    seq: defaultdict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    bot: defaultdict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))

    def forget(self, conversation_id: str) -> None:
        self.seq.pop(conversation_id, None)
        self.bot.pop(conversation_id, None)


@dataclass
class Context:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    bus: Bus
    conversations: ConversationRepo
    accounts: AccountRepo
    content: ContentRepo
    rasa: RasaClient
    connections: Connections
    locks: Locks = field(default_factory=Locks)
