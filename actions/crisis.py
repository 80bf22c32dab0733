"""Crisis: 112 and a 24/7 crisis line at once, then a human if anyone is on shift.

When the gateway's crisis guard already showed the numbers for this message
(metadata crisis_guard.help_sent), only a short caring follow-up is sent.

When only the model suspected a crisis, and it was unsure, or when the guard fired but the
crisis classifier is all but sure the message is safe (parse result crisis_level "check",
set by bot/crisis_override.py), the bot asks gently whether
the young person is in danger now, with 112 and the 24/7 line in the same message and
an "I'm in danger now" button (payload /crisis, which is an alarm), and raises no alert.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.availability import fetch_availability
from kynnys import responses

logger = logging.getLogger(__name__)

CRISIS_DETECTED = {"kynnys": {"type": "crisis_detected", "category": "nlu"}}
CRISIS_CHECK = {"kynnys": {"type": "crisis_check"}}
CHECK_LEVEL = "check"
IN_DANGER_PAYLOAD = "/crisis"
JUST_CHAT_PAYLOAD = "/share_news"


def guard_already_helped(tracker: Tracker) -> bool:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    guard = metadata.get("crisis_guard") if isinstance(metadata, dict) else None
    return isinstance(guard, dict) and guard.get("help_sent") is True


def is_check_only(tracker: Tracker) -> bool:
    """Only the unsure model suspected a crisis: ask, do not alarm. Anything else is an alarm."""
    return (tracker.latest_message or {}).get("crisis_level") == CHECK_LEVEL


def crisis_line_text(language: str) -> str:
    """The 24/7 crisis line's name and number, from the service directory."""
    loc = common.directory().get("crisis_line_24_7").localized(language)
    return f"{loc['title']} {loc['phone']}"


def crisis_help(language: str, on_shift: bool) -> tuple[str, list[dict[str, str]]]:
    """The crisis guard's help text and links; our own text from the directory if that fails."""
    try:
        from kynnys.crisis import build_crisis_help

        found = build_crisis_help(language, on_shift)
        if "112" in found.text:
            return found.text, list(found.links)
        logger.error("crisis help text without 112; using the fallback text")
    except Exception:  # safety first: never leave a crisis message without the numbers
        logger.exception("build_crisis_help failed; using the fallback text")
    line = common.directory().get("crisis_line_24_7")
    emergency = common.directory().get("emergency_112")
    text = responses.text("crisis_fallback", language, crisis_line=crisis_line_text(language))
    links = [
        {"title": s.localized(language)["title"], "url": s.localized(language)["url"]}
        for s in (emergency, line)
    ]
    return text, links


class ActionCrisisHelp(Action):
    def name(self) -> str:
        return "action_crisis_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = common.language_of(tracker)
        helped = guard_already_helped(tracker)
        if not helped and is_check_only(tracker):
            return self.check_in(dispatcher, language)
        if not helped:
            # tell the gateway first, so the conversation goes to the front of the queue
            dispatcher.utter_message(json_message=CRISIS_DETECTED)
        availability = await fetch_availability()
        on_shift = availability.someone_on_shift
        if helped:
            text = responses.text("crisis_followup", language)
            if not on_shift:
                text += " " + responses.text("crisis_followup_no_one", language)
            dispatcher.utter_message(text=text)
        else:
            text, links = crisis_help(language, on_shift)
            # the addresses in the text too, for clients that do not show link payloads
            addresses = [f"• {link['title']}: {link['url']}" for link in links if link.get("url")]
            dispatcher.utter_message(text="\n".join([text, *addresses]))
            if links:
                dispatcher.utter_message(
                    json_message={
                        "kynnys": {
                            "type": "links",
                            "text": responses.text("links_heading", language),
                            "links": links,
                        }
                    }
                )
        return [SlotSet("crisis", True), SlotSet("topic", "crisis"), *availability.slot_events()]

    @staticmethod
    def check_in(dispatcher: CollectingDispatcher, language: str) -> list[EventType]:
        """Ask gently, with the numbers; no alert, no handoff. The turn ends here. The gateway
        is told first: when its own guard fired, it waits for this verdict before it alarms."""
        dispatcher.utter_message(json_message=CRISIS_CHECK)
        dispatcher.utter_message(
            text=responses.text("crisis_check", language, crisis_line=crisis_line_text(language)),
            buttons=[
                {"title": responses.text("button_in_danger", language), "payload": IN_DANGER_PAYLOAD},
                {"title": responses.text("button_just_chat", language), "payload": JUST_CHAT_PAYLOAD},
            ],
        )
        return [FollowupAction("action_listen")]
