"""JSON frames shared by the youth and console protocols."""

from __future__ import annotations

from typing import Any

from handoff.store.db import aware
from handoff.store.models import Message


def iso(value: Any) -> str | None:
    value = aware(value)
    return value.isoformat() if value is not None else None


def message_frame(msg: Message, *, for_youth: bool) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "message", "seq": msg.seq, "id": msg.id, "from": msg.sender, "alias": msg.alias,
        "text": msg.text, "buttons": list(msg.buttons or []), "links": list(msg.links or []),
        "risk": bool(msg.risk), "ts": iso(msg.created_at),
    }
    if msg.sender == "youth":
        frame["client_id"] = msg.client_id
    return frame


def console_message(msg: Message) -> dict[str, Any]:
    frame = message_frame(msg, for_youth=False)
    frame.pop("type")
    return frame


def error_frame(code: str, message: str, fatal: bool = False) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, "fatal": fatal}
