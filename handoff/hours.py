"""The chat's on-duty hours (kynnys.schedule), as the gateway needs them."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _schedule() -> Any:
    from kynnys.schedule import load_schedule

    return load_schedule()


def describe(language: str, on_shift: bool | None = None, now: datetime | None = None) -> str:
    """The hours as the schedule tells them. When the schedule says "open now" but nobody is on
    shift, only the weekly hours: never claim people are here when they are not."""
    now = now or datetime.now(UTC)
    try:
        schedule = _schedule()
        if on_shift is False and schedule.is_open(now):
            from handoff.texts import text

            return text("hours_listing", language, weekly=str(schedule.weekly_summary(language)))
        return str(schedule.describe(language, now))
    except Exception:
        return ""


def open_now(now: datetime | None = None) -> bool:
    try:
        return bool(_schedule().is_open(now or datetime.now(UTC)))
    except Exception:
        return False


def next_opening(now: datetime | None = None) -> datetime | None:
    try:
        value = _schedule().next_opening(now or datetime.now(UTC))
    except Exception:
        return None
    return value if isinstance(value, datetime) else None


def warm_up() -> None:
    """Read the schedule at start-up (blocking; call from a thread)."""
    try:
        _schedule()
    except Exception:
        return
