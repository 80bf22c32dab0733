"""The gateway's use of the crisis guard (kynnys.crisis): check every youth message, build the help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CrisisHelpMessage:
    text: str
    links: list[dict[str, str]]


def check(text: str) -> Any | None:
    """The CrisisHit for this text, or None. Runs before anything else, independent of Rasa."""
    from kynnys.crisis import get_guard

    return get_guard().check(text)


def help_message(language: str, on_shift: bool) -> CrisisHelpMessage:
    from kynnys.crisis import build_crisis_help

    help_ = build_crisis_help(language, on_shift)
    links = [
        {"title": str(link.get("title", "")), "url": str(link.get("url", ""))}
        for link in help_.links
        if link.get("url")
    ]
    return CrisisHelpMessage(text=help_.text, links=links)


def warm_up() -> None:
    """Load the lexicon at start-up so the first message is not slowed down."""
    from kynnys.crisis import get_guard

    get_guard()
