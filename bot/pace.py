"""How fast the bot's loops and debouncers go: every tunable of the Discord side in one place.

The client reads one :class:`Pace` (``bot.pace``) and the cogs read it from the client, so a
test speeds the bot up by handing ``create_bot`` other values (``tally_delay=0.2``) instead of
patching module constants. Nothing here imports ``discord``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bot.publishing.publisher import LEASE_SECONDS
from bot.shard_claims import LEASE_SECONDS as SHARD_LEASE_SECONDS


@dataclass(frozen=True)
class Pace:
    """The bot's timings; the defaults are production's."""

    #: Seconds: clicks of the same button by the same member closer together than this (by
    #: Discord's click time, not by when they reach us) are one click, so a double click
    #: does not cast and withdraw.
    vote_debounce: float = 1.0
    #: Seconds: tallies on a message are refreshed once per window, however many votes land.
    tally_delay: float = 2.0
    #: Minutes between retries of pieces left unpublished (the first run is the restart's
    #: resume).
    retry_minutes: float = 5.0
    #: Seconds: after a failure that may clear by itself (5xx, a 429 storm), ``/piece post``
    #: tries again after each of these, then hands over to the retry loop.
    quick_retries: tuple[float, ...] = (2.0, 8.0)
    #: Minutes between looks for due weekly summaries. Slots are on the hour, so a post lands
    #: within this many minutes of its slot.
    schedule_minutes: float = 5.0
    #: Seconds between feed poll cycles. Each cycle fetches only the feeds that are due (each
    #: has its own schedule, 15 minutes by default), so this is only how late a due feed can be.
    poll_seconds: float = 60.0
    #: Seconds between rounds of the review loop: review messages still owed are posted (a
    #: feed cycle that holds a piece posts its message at once) and day-old reviews reminded.
    review_seconds: float = 60.0
    #: Seconds between catch-ups of moderation's Discord side: tombstones (and restores) not
    #: yet shown, log entries not yet in the log channel (the first runs at start).
    moderation_seconds: float = 60.0
    #: Seconds a process holds a piece it is publishing before another may take it over.
    publish_lease_seconds: float = LEASE_SECONDS
    #: Minutes between looks for servers' data deletions that are due (30 days after the
    #: bot was removed) or were cut short by a restart.
    data_rights_minutes: float = 5.0
    #: Seconds a process's claim on its shards lasts unrenewed (``python -m bot run``): how
    #: long a process that crashed on another host holds its shards from a restart.
    shard_lease_seconds: float = SHARD_LEASE_SECONDS

    @classmethod
    def take_overrides(cls, options: dict[str, Any]) -> dict[str, Any]:
        """Remove the keys naming a field from ``options`` and return them."""
        names = {field.name for field in dataclasses.fields(cls)}
        return {name: options.pop(name) for name in list(options) if name in names}

    def replace(self, **changes: Any) -> Pace:
        return dataclasses.replace(self, **changes)
