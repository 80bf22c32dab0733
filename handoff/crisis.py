"""The gateway's use of the crisis guard (kynnys.crisis): check every youth message, build the help.

`check()` runs on every youth message before anything else and does not depend on Rasa.
The help text (emergency numbers from the service directory) is built once per language and
on-shift state and kept for HELP_TTL_SECONDS, so sending it never waits for files to be read.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

HELP_TTL_SECONDS = 300.0
LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class CrisisHelpMessage:
    text: str
    links: list[dict[str, str]]


_help_cache: dict[tuple[str, bool], tuple[float, CrisisHelpMessage]] = {}


def check(text: str) -> Any | None:
    """The CrisisHit for this text, or None."""
    from kynnys.crisis import get_guard

    return get_guard().check(text)


class SplitMessageGuard:
    """The guard over a young person's last few messages joined, so that a crisis typed in
    pieces ("mä haluun" / "kuolla") is still seen.

    Kept in memory only (never stored or logged), bounded per conversation and in total. A hit
    of the joined text counts only when the earlier messages alone gave none: each crisis is
    flagged once, on the message that completed it.
    """

    def __init__(self, keep: int = 2, max_chars: int = 300, max_conversations: int = 10_000) -> None:
        self.keep = keep
        self.max_chars = max_chars
        self.max_conversations = max_conversations
        self._recent: OrderedDict[str, deque[str]] = OrderedDict()

    def check(self, conversation_id: str, text: str) -> tuple[Any | None, bool]:
        """(hit, joined): the hit for this message, alone or completing the earlier ones."""
        hit = check(text)
        earlier = " ".join(self._recent.get(conversation_id, ()))
        self._remember(conversation_id, text)
        if hit is not None or not earlier:
            return hit, False
        joined = check(f"{earlier} {text}")
        if joined is not None and check(earlier) is None:
            return joined, True
        return None, False

    def forget(self, conversation_id: str) -> None:
        self._recent.pop(conversation_id, None)

    def _remember(self, conversation_id: str, text: str) -> None:
        recent = self._recent.pop(conversation_id, None) or deque(maxlen=self.keep)
        recent.append(text[-self.max_chars:])
        self._recent[conversation_id] = recent
        while len(self._recent) > self.max_conversations:
            self._recent.popitem(last=False)


def _build(language: str, on_shift: bool) -> CrisisHelpMessage:
    from kynnys.crisis import build_crisis_help

    help_ = build_crisis_help(language, on_shift)
    links = [
        {"title": str(link.get("title", "")), "url": str(link.get("url", ""))}
        for link in help_.links
        if link.get("url")
    ]
    return CrisisHelpMessage(text=help_.text, links=links)


async def help_message(language: str, on_shift: bool) -> CrisisHelpMessage:
    key = (language if language in LANGUAGES else "fi", on_shift)
    cached = _help_cache.get(key)
    now = time.monotonic()
    if cached is not None:
        if now - cached[0] > HELP_TTL_SECONDS:  # refresh in the background, answer at once
            _help_cache[key] = (now, cached[1])
            asyncio.get_running_loop().run_in_executor(None, _refresh, key)
        return cached[1]
    built = await asyncio.to_thread(_build, *key)
    _help_cache[key] = (time.monotonic(), built)
    return built


def _refresh(key: tuple[str, bool]) -> None:
    _help_cache[key] = (time.monotonic(), _build(*key))


def warm_up() -> None:
    """Load the lexicon and build every help text at start-up."""
    from kynnys.crisis import get_guard

    get_guard()
    now = time.monotonic()
    for language in LANGUAGES:
        for on_shift in (True, False):
            cached = _help_cache.get((language, on_shift))
            if cached is None or now - cached[0] > HELP_TTL_SECONDS:
                _refresh((language, on_shift))
