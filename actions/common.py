"""Helpers the actions share: language, topic, county, clock and sending service links."""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from kynnys import responses
from kynnys.directory import TOPICS, Directory, Service, load_directory
from kynnys.schedule import ChatSchedule, load_schedule

logger = logging.getLogger(__name__)

CONVERSATION_TOPICS = tuple(t for t in TOPICS if t != "crisis")
MAX_NATIONAL = 6


def now() -> dt.datetime:
    """The current moment (tests replace this to pin the clock)."""
    return dt.datetime.now(dt.timezone.utc)


@lru_cache(maxsize=1)
def directory() -> Directory:
    return load_directory()


@lru_cache(maxsize=1)
def schedule() -> ChatSchedule:
    return load_schedule()


def language_of(tracker: Tracker) -> str:
    return responses.lang_of(tracker.get_slot("language"))


def latest_intent(tracker: Tracker) -> str | None:
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return name if isinstance(name, str) else None


def topic_of(tracker: Tracker) -> str | None:
    """The topic of the latest message when it names one, else the topic talked about so far."""
    intent = latest_intent(tracker)
    if intent in CONVERSATION_TOPICS:
        return intent
    topic = tracker.get_slot("topic")
    return topic if isinstance(topic, str) else None


def county_of_tracker(tracker: Tracker) -> str | None:
    county = tracker.get_slot("wellbeing_county")
    if isinstance(county, str) and county:
        return county
    municipality = tracker.get_slot("municipality")
    if isinstance(municipality, str) and municipality:
        return county_of_municipality(municipality)
    return None


def county_of_municipality(municipality: str) -> str | None:
    try:
        from kynnys.places import county_of
    except ImportError:  # the places module is missing: guidance works without regions
        logger.warning("kynnys.places is not available; no regional services")
        return None
    return county_of(municipality)


def service_lines(services: list[Service], language: str) -> list[str]:
    return [f"• {service.one_line(language)}" for service in services]


def links_payload(services: list[Service], language: str, heading: str) -> dict[str, Any]:
    links = []
    for service in services:
        loc = service.localized(language)
        if loc["url"]:
            links.append({"title": loc["title"], "url": loc["url"]})
    return {"kynnys": {"type": "links", "text": heading, "links": links}}


def send_services(
    dispatcher: CollectingDispatcher,
    services: list[Service],
    language: str,
    intro: str,
    extra_lines: list[str] | None = None,
) -> None:
    """Services as plain text with the addresses written out, and as a links payload."""
    if not services:
        return
    lines = [intro, *service_lines(services, language), *(extra_lines or [])]
    dispatcher.utter_message(text="\n".join(lines))
    dispatcher.utter_message(
        json_message=links_payload(services, language, responses.text("links_heading", language))
    )


def guidance_services(topic: str | None, county: str | None) -> tuple[list[Service], list[Service]]:
    """(national, regional) services for the topic; general ones when the topic is unknown."""
    found = directory().for_topic(topic or "share_news", county)
    # services made for this topic first; the emergency-type ones (crisis lines) after them
    national = sorted((s for s in found if s.is_national), key=lambda s: "crisis" in s.topics)
    national = national[:MAX_NATIONAL]
    regional = [s for s in found if not s.is_national]
    return national, regional
