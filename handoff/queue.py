"""Queue order and honest wait estimates.

Order: crisis first, then conversations that went back to the queue when their volunteer dropped,
then first come first served (see PRIORITY_* in store/models.py; the store sorts by priority then
enqueue time).

Wait estimate: with `free` open chat slots among volunteers on shift, the first `free` people in the
queue are offered a chat at once (about a minute). Everyone behind waits for slots to open: with
`slots` total chat slots and a typical (median) handling time H from recently ended chats, a slot
opens every H / slots seconds on average, so position p waits about (p - free) * H / slots.
Without anyone on shift there is no estimate (None), never a made-up number.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

DEFAULT_HANDLING_SECONDS = 20 * 60  # used until real chats have ended (a typical chat length)
OFFER_SECONDS = 60


@dataclass(frozen=True)
class Capacity:
    on_shift: int
    slots: int  # sum of capacities of volunteers on shift
    free: int  # open slots among volunteers on shift who are online


def typical_handling_seconds(recent: list[float]) -> float:
    samples = [x for x in recent if x > 0]
    if not samples:
        return DEFAULT_HANDLING_SECONDS
    return float(statistics.median(samples))


def estimate_wait_seconds(position: int, capacity: Capacity, recent_handling: list[float]) -> int | None:
    """Seconds until the person at `position` (1 = first) is likely to be connected."""
    if capacity.on_shift <= 0 or capacity.slots <= 0:
        return None
    if position <= capacity.free:
        return OFFER_SECONDS
    ahead = position - max(capacity.free, 0)
    seconds = ahead * typical_handling_seconds(recent_handling) / capacity.slots
    return int(math.ceil(max(seconds, OFFER_SECONDS) / 30.0) * 30)
