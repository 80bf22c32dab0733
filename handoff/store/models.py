"""SQLAlchemy 2 models: everything the gateway stores.

Nothing here identifies a young person: no IP address, no user agent, no name. Message content lives
only while a conversation is live (plus MESSAGE_RETENTION_HOURS); conversations, queue entries and
wrap-ups stay as anonymous aggregates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("volunteer", "supervisor", "editor")
CONVERSATION_STATES = ("bot", "queued", "volunteer", "ended")
SENDERS = ("youth", "bot", "volunteer", "system")

# Queue priorities: lower first. Crisis first, then chats that went back to the queue after their
# volunteer dropped, then everyone else first come first served.
PRIORITY_CRISIS = 0
PRIORITY_RETURNED = 1
PRIORITY_NORMAL = 2


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON, list[Any]: JSON}


class Volunteer(Base):
    __tablename__ = "volunteers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="volunteer")
    alias: Mapped[str | None] = mapped_column(String(40), nullable=True)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime]


class ConsoleSession(Base):
    __tablename__ = "console_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    volunteer_id: Mapped[str] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class Shift(Base):
    __tablename__ = "shifts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[str] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    rasa_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    state: Mapped[str] = mapped_column(String(12), default="bot", index=True)
    language: Mapped[str] = mapped_column(String(5), default="fi")
    topic: Mapped[str | None] = mapped_column(String(40), nullable=True)
    county: Mapped[str | None] = mapped_column(String(60), nullable=True)
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    crisis_categories: Mapped[list[Any]] = mapped_column(default=list)
    crisis_help_at: Mapped[datetime | None] = mapped_column(nullable=True)
    crisis_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    volunteer_id: Mapped[str | None] = mapped_column(ForeignKey("volunteers.id"), nullable=True, index=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    last_youth_seen_at: Mapped[datetime | None] = mapped_column(nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    end_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    content_deleted_at: Mapped[datetime | None] = mapped_column(nullable=True)


class QueueEntry(Base):
    __tablename__ = "queue_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=PRIORITY_NORMAL)
    status: Mapped[str] = mapped_column(String(12), default="waiting", index=True)  # waiting|assigned|left|ended
    enqueued_at: Mapped[datetime]
    assigned_at: Mapped[datetime | None] = mapped_column(nullable=True)
    volunteer_id: Mapped[str | None] = mapped_column(ForeignKey("volunteers.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        UniqueConstraint("conversation_id", "client_id", name="uq_messages_conversation_client"),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(12))
    alias: Mapped[str | None] = mapped_column(String(40), nullable=True)
    volunteer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[Any]] = mapped_column(default=list)
    buttons: Mapped[list[Any]] = mapped_column(default=list)
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    risk: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class WrapUp(Base):
    __tablename__ = "wrapups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[str | None] = mapped_column(ForeignKey("volunteers.id"), nullable=True)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    referral_given: Mapped[bool] = mapped_column(Boolean, default=False)
    referral_services: Mapped[list[Any]] = mapped_column(default=list)
    crisis: Mapped[bool] = mapped_column(Boolean, default=False)
    waited_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    handled_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime]


class CannedReply(Base):
    __tablename__ = "canned_replies"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="fi")
    updated_at: Mapped[datetime]


class ServiceLink(Base):
    __tablename__ = "service_links"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(5), default="fi")
    topic: Mapped[str | None] = mapped_column(String(40), nullable=True)
    updated_at: Mapped[datetime]


class Feedback(Base):
    """Anonymous rating after a chat; not linked to the conversation."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime]
