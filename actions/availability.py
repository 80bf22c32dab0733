"""Is anyone on duty? Asks the gateway's availability API; a short timeout keeps the chat moving."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import get_settings

logger = logging.getLogger(__name__)

ON_DUTY = "on_duty"
OFF_DUTY = "off_duty"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Availability:
    status: str  # on_duty | off_duty | unknown (the gateway did not answer in time)
    on_shift: int = 0
    queue_length: int = 0
    estimated_wait_seconds: int | None = None
    next_opening: dt.datetime | None = None

    @property
    def someone_on_shift(self) -> bool:
        return self.status == ON_DUTY

    def slot_events(self) -> list[EventType]:
        next_opening = self.next_opening.isoformat() if self.next_opening else None
        return [SlotSet("availability", self.status), SlotSet("next_opening", next_opening)]


def parse_availability(body: Any) -> Availability:
    if not isinstance(body, dict) or not isinstance(body.get("on_shift"), int):
        raise ValueError("availability answer without an integer 'on_shift'")
    on_shift = body["on_shift"]
    next_opening = None
    raw = body.get("next_opening")
    if isinstance(raw, str) and raw:
        try:
            parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            next_opening = parsed if parsed.tzinfo else None
        except ValueError:
            next_opening = None
    wait = body.get("estimated_wait_seconds")
    return Availability(
        status=ON_DUTY if on_shift > 0 else OFF_DUTY,
        on_shift=on_shift,
        queue_length=int(body.get("queue_length") or 0),
        estimated_wait_seconds=wait if isinstance(wait, int) else None,
        next_opening=next_opening,
    )


async def fetch_availability() -> Availability:
    """The gateway's answer, or status 'unknown' when it is unreachable, slow or odd."""
    settings = get_settings()
    url = settings.gateway_internal_url.rstrip("/") + "/internal/availability"
    headers = {"Authorization": f"Bearer {settings.gateway_internal_token}"}
    timeout = aiohttp.ClientTimeout(total=settings.availability_timeout)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url, headers=headers) as answer:
                if answer.status != 200:
                    logger.warning("availability API answered HTTP %s", answer.status)
                    return Availability(UNKNOWN)
                return parse_availability(await answer.json(content_type=None))
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        logger.warning("availability API not usable: %s", type(exc).__name__)
        return Availability(UNKNOWN)


def availability_from_slots(tracker: Tracker) -> Availability:
    """What the last availability check found (kept in slots within the turn)."""
    status = tracker.get_slot("availability")
    raw = tracker.get_slot("next_opening")
    next_opening = None
    if isinstance(raw, str):
        try:
            next_opening = dt.datetime.fromisoformat(raw)
        except ValueError:
            next_opening = None
    return Availability(status if status in (ON_DUTY, OFF_DUTY) else UNKNOWN, next_opening=next_opening)


class ActionCheckAvailability(Action):
    """Sets the slot `availability`; the rules then hand over or explain what else there is."""

    def name(self) -> str:
        return "action_check_availability"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return (await fetch_availability()).slot_events()
