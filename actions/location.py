"""The young person's municipality -> wellbeing services county -> regional services."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from kynnys import responses


def municipality_of(tracker: Tracker) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "municipality" and isinstance(entity.get("value"), str):
            return str(entity["value"])
    value = tracker.get_slot("municipality")
    return value if isinstance(value, str) and value else None


class ActionSetCounty(Action):
    def name(self) -> str:
        return "action_set_county"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = common.language_of(tracker)
        municipality = municipality_of(tracker)
        county = common.county_of_municipality(municipality) if municipality else None
        if not county:
            dispatcher.utter_message(text=responses.text("location_unknown", language))
            return []
        topic = tracker.get_slot("topic")
        services = [
            s
            for s in common.directory().for_topic(topic or "feeling_bad", county)
            if not s.is_national
        ]
        common.send_services(
            dispatcher, services, language, responses.text("location_ack", language, county=county)
        )
        if not services:
            dispatcher.utter_message(text=responses.text("location_ack", language, county=county))
        return [SlotSet("municipality", municipality), SlotSet("wellbeing_county", county)]
