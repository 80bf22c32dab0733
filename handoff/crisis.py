"""The gateway's use of the crisis guard (kynnys.crisis): check every youth message, build the help.

`check()` runs on every youth message before anything else and does not depend on Rasa.
The help text (emergency numbers from the service directory) is built once per language and
on-shift state and kept for HELP_TTL_SECONDS, so sending it never waits for files to be read.
"""

from __future__ import annotations

import asyncio
import time
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
