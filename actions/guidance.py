"""Service guidance for a topic: national services, the young person's own region, a human."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.availability import OFF_DUTY, ON_DUTY, fetch_availability
from actions.handoff import next_time_text
from kynnys import responses


class ActionRememberTopic(Action):
    """After the acknowledgement: remember the topic; the next answer brings the guidance."""

    def name(self) -> str:
        return "action_remember_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet("topic", common.topic_of(tracker)), SlotSet("topic_stage", "asked")]


class ActionServiceGuidance(Action):
    """National services for the topic, the county's own services, then an honest human offer."""

    def name(self) -> str:
        return "action_service_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = common.language_of(tracker)
        topic = common.topic_of(tracker)
        county = common.county_of_tracker(tracker)
        national, regional = common.guidance_services(topic, county)

        lines = [responses.text("guidance_intro", language), *common.service_lines(national, language)]
        if regional and county:
            lines.append(responses.text("guidance_regional", language, county=county))
            lines.extend(common.service_lines(regional, language))
        elif not county:
            lines.append(responses.text("ask_location", language))
        dispatcher.utter_message(text="\n".join(lines))
        dispatcher.utter_message(
            json_message=common.links_payload(
                national + regional, language, responses.text("links_heading", language)
            )
        )

        availability = await fetch_availability()
        if availability.status == ON_DUTY:
            dispatcher.utter_message(
                text=responses.text("offer_human", language),
                buttons=responses.human_offer_buttons(language),
            )
        elif availability.status == OFF_DUTY:
            dispatcher.utter_message(
                text=f"{responses.text('no_human_now', language)} {next_time_text(availability, language)}"
            )
        else:
            hours = common.schedule().describe_hours(language, common.now())
            dispatcher.utter_message(text=f"{responses.text('availability_unknown', language)} {hours}")

        events: list[EventType] = [SlotSet("topic", topic), SlotSet("topic_stage", "guided")]
        if county:
            events.append(SlotSet("wellbeing_county", county))
        return events + availability.slot_events()
