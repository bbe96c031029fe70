"""Shard claims: which bot process runs which shard of the gateway, as renewable leases.

A process claims its shards before it connects (:meth:`ShardQueries.claim_shards`), renews
the claims while it runs and gives them back when it stops; a crashed process's claims run out.
Two claims conflict when they name the same shard, or when they disagree on the shard count
(the same guild would then belong to a shard of each). ``shard_count`` 0 stands for "every
shard, as many as Discord recommends" and so conflicts with any other claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.base import Backend
from bot.store.rows import from_row, now_or


@dataclass(frozen=True, slots=True)
class ShardClaim:
    """One shard held by one process until ``expires_at`` (unless renewed)."""

    shard_id: int
    shard_count: int
    owner: str
    claimed_at: datetime
    expires_at: datetime


class ShardQueries(Backend):
    async def claim_shards(
        self, owner: str, shard_count: int, shard_ids: Sequence[int], lease_seconds: float, *,
        replacing: Sequence[str] = (), now: datetime | None = None,
    ) -> list[ShardClaim]:
        """Claim ``shard_ids`` of ``shard_count`` for ``owner`` until ``lease_seconds`` from
        now, all or none. Returns the other processes' live claims that stand in the way
        (empty: claimed). Expired claims are dropped; so are those of the owners in
        ``replacing`` (processes known to be gone). ``owner``'s own earlier claims are
        replaced by these."""
        if not owner:
            raise ValueError("a shard claim needs an owner name")
        ids = sorted(set(shard_ids))
        if not ids:
            raise ValueError("claim at least one shard")
        stamp = now_or(now)
        async with self._tx() as conn:
            await self._lock_shards(conn)
            await conn.execute("DELETE FROM shard_claims WHERE expires_at <= $1", stamp)
            for gone in replacing:
                await conn.execute("DELETE FROM shard_claims WHERE owner = $1", gone)
            rows = await conn.fetch(
                "SELECT * FROM shard_claims WHERE owner <> $1 ORDER BY shard_id", owner)
            others = [from_row(ShardClaim, row) for row in rows]
            conflicts = [c for c in others
                         if c.shard_id in ids or c.shard_count != shard_count]
            if conflicts:
                return conflicts
            await conn.execute("DELETE FROM shard_claims WHERE owner = $1", owner)
            expires = stamp + timedelta(seconds=lease_seconds)
            for shard_id in ids:
                await conn.execute(
                    "INSERT INTO shard_claims (shard_id, shard_count, owner, claimed_at,"
                    " expires_at) VALUES ($1, $2, $3, $4, $5)",
                    shard_id, shard_count, owner, stamp, expires)
        return []

    async def renew_shards(self, owner: str, lease_seconds: float, *,
                           now: datetime | None = None) -> int:
        """Extend ``owner``'s live claims; how many it still holds (fewer than it claimed:
        some ran out and were taken over, or dropped as expired)."""
        stamp = now_or(now)
        return await self._run(
            "UPDATE shard_claims SET expires_at = $3 WHERE owner = $1 AND expires_at > $2",
            owner, stamp, stamp + timedelta(seconds=lease_seconds))

    async def release_shards(self, owner: str) -> int:
        """Give ``owner``'s claims back (a clean stop); how many there were."""
        return await self._run("DELETE FROM shard_claims WHERE owner = $1", owner)

    async def list_shard_claims(self) -> list[ShardClaim]:
        """Every recorded claim, live or expired, by shard."""
        return await self._all(ShardClaim, "SELECT * FROM shard_claims ORDER BY shard_id")
