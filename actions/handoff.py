"""Handing the conversation to an on-duty volunteer, or saying honestly that no one is there."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.availability import ON_DUTY, UNKNOWN, Availability, availability_from_slots
from kynnys import responses


def handoff_payload(tracker: Tracker, crisis: bool) -> dict[str, Any]:
    return {
        "kynnys": {
            "type": "handoff_request",
            "topic": common.topic_of(tracker) or ("crisis" if crisis else None),
            "crisis": crisis,
            "language": common.language_of(tracker),
            "county": common.county_of_tracker(tracker),
        }
    }


def next_time_text(availability: Availability, language: str) -> str:
    now = common.now()
    opening = availability.next_opening or common.schedule().next_opening(now)
    if opening is None or opening <= now:
        return responses.text("next_time_unknown", language)
    return responses.text("next_time", language, when=common.schedule().when(opening, language, now))


def explain_no_human(
    dispatcher: CollectingDispatcher, tracker: Tracker, availability: Availability
) -> None:
    """No one on duty (or we cannot tell): say so kindly, say when, and give services."""
    language = common.language_of(tracker)
    if availability.status == UNKNOWN:
        hours = common.schedule().describe_hours(language, common.now())
        dispatcher.utter_message(text=f"{responses.text('availability_unknown', language)} {hours}")
    else:
        dispatcher.utter_message(
            text=f"{responses.text('no_human_now', language)} {next_time_text(availability, language)}"
        )
    national, regional = common.guidance_services(common.topic_of(tracker), common.county_of_tracker(tracker))
    if "crisis_line_24_7" not in {s.id for s in national}:
        national = [*national[: common.MAX_NATIONAL - 1], common.directory().get("crisis_line_24_7")]
    common.send_services(
        dispatcher,
        national + regional,
        language,
        responses.text("meanwhile", language),
        [responses.text("urgent_reminder", language)],
    )


class ActionRequestHandoff(Action):
    """Asks the gateway for a volunteer; only when the last check found someone on shift."""

    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        availability = availability_from_slots(tracker)
        if availability.status != ON_DUTY:
            explain_no_human(dispatcher, tracker, availability)
            return []
        crisis = tracker.get_slot("crisis") is True
        language = common.language_of(tracker)
        dispatcher.utter_message(json_message=handoff_payload(tracker, crisis))
        name = "handoff_requested_crisis" if crisis else "handoff_requested"
        dispatcher.utter_message(text=responses.text(name, language))
        return []


class ActionNoHumanAvailable(Action):
    def name(self) -> str:
        return "action_no_human_available"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        explain_no_human(dispatcher, tracker, availability_from_slots(tracker))
        return []
