"""Youth `state` frames (conversation state, queue position) in the order of the facts behind them.

A state frame is computed from a read of the store and sent a little later. In between, the young
person may have left the queue, been taken by a volunteer or ended the chat, and that change's own
frame may already be out; a position frame from the older read would then undo it on the screen.

So each state frame carries a stamp taken *before* its read (`stamp()`), and each youth socket passes
on only frames at least as new as the last one it passed on (`StateOrder`). Every change sends (or,
for queue positions, triggers) a frame stamped after the change, so the last frame a widget shows
reflects the latest state, and an older snapshot never arrives after a newer one.

Stamps count per gateway process. With several instances on a Redis bus, frames are ordered among
those of the same instance; frames of different instances are passed on as they come (comparing
wall clocks across machines could drop a correct frame when the clocks disagree).
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any

STAMP_KEY = "_stamp"  # internal: [origin, n]; removed before the frame reaches the widget

ORIGIN = secrets.token_hex(6)  # this process
_counter = itertools.count(1)


def stamp() -> list[Any]:
    """Take this before reading the facts a state frame is built from."""
    return [ORIGIN, next(_counter)]


def stamped(frame: dict[str, Any], at: list[Any]) -> dict[str, Any]:
    return {**frame, STAMP_KEY: at}


class StateOrder:
    """One socket's filter: drops a state frame read before the last one passed on from its origin."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def admit(self, frame: dict[str, Any]) -> dict[str, Any] | None:
        at = frame.get(STAMP_KEY)
        if at is None:
            return frame
        origin, n = str(at[0]), int(at[1])
        if n < self.last.get(origin, 0):
            return None
        self.last[origin] = n
        return {k: v for k, v in frame.items() if k != STAMP_KEY}
