"""Opening hours: the chat's own on-duty hours in Finnish time, with exceptions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from kynnys import responses


class ActionTellHours(Action):
    def name(self) -> str:
        return "action_tell_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = common.language_of(tracker)
        now = common.now()
        text = common.schedule().describe(language, now)
        if common.schedule().is_open(now):
            dispatcher.utter_message(
                text=text,
                buttons=[{"title": responses.text("button_human", language), "payload": "/request_human"}],
            )
        else:
            dispatcher.utter_message(text=text)
        return []
