"""Which shards a bot process runs, and which guilds are therefore its own.

Discord splits a bot's gateway connection into shards: a guild's events, interactions included,
reach only the shard ``(guild_id >> 22) % shard_count``. Several processes of one bot each run
some shards (``COUNTERPOINT_SHARD_COUNT``, ``COUNTERPOINT_SHARD_IDS``) and each does the work of
its own guilds only: a process sees the channels of those guilds alone, so a piece, a pause
notice or a weekly summary of another guild is left to the process that holds its shard. Which
process holds which shard is recorded in the store (:mod:`bot.shard_claims`).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Far beyond any bot Counterpoint serves (Discord asks for a shard per 1,000 to 2,500 guilds).
MAX_SHARDS = 4096


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord delivers ``guild_id``'s events on."""
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """``0-3``, ``0,2`` or ``0-1,4`` as sorted shard numbers; ``ValueError`` when malformed
    (empty parts, a range running backwards, a shard named twice)."""
    found: list[int] = []
    for part in text.split(","):
        part = part.strip()
        low, dash, high = part.partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            raise ValueError(text)
        first = int(low)
        last = int(high) if dash else first
        if last < first or last >= MAX_SHARDS:
            raise ValueError(text)
        found.extend(range(first, last + 1))
    if len(set(found)) != len(found):
        raise ValueError(text)
    return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """The shards of this process: ``count`` shards in all (``None``: Discord's
    recommendation), of which ``ids`` here (``None``: all of them)."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    @property
    def partial(self) -> bool:
        """Other processes run some of the shards (so some guilds are not this one's)."""
        return self.count is not None and self.ids is not None and len(self.ids) < self.count

    @property
    def shard_ids(self) -> tuple[int, ...] | None:
        """The shards to connect, ``None`` for all (as discord.py takes them)."""
        if self.count is None:
            return None
        return self.ids if self.ids is not None else tuple(range(self.count))

    def owns(self, guild_id: int) -> bool:
        """Whether ``guild_id``'s events reach this process (always, holding every shard)."""
        if not self.partial:
            return True
        assert self.count is not None and self.ids is not None
        return shard_of(guild_id, self.count) in self.ids

    def describe(self) -> str:
        if self.count is None:
            return "all shards"
        ids = self.shard_ids or ()
        if len(ids) == self.count:
            return f"all {self.count} shards"
        return f"shard{'s' if len(ids) != 1 else ''} {', '.join(map(str, ids))} of {self.count}"
