"""A bot process's claim on its shards, held in the store while it runs.

At start (before connecting to the gateway) the process claims its shards
(:meth:`ShardClaims.claim`): all of them, or none and the process refuses to start with
:class:`ShardConflict`, naming the process in the way. A claim held by a process that has
certainly exited (the same host, see :mod:`bot.liveness`) is taken over at once; one whose
holder cannot be looked up (another host or container) is waited for, once, until its lease
has run out: a live holder renews it meanwhile, and the start is refused; a crashed one does
not, and the claim is taken over. While the process runs, :meth:`ShardClaims.keep` renews the
claims every third of the lease; :meth:`ShardClaims.release` gives them back on a clean stop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.liveness import ProcessIdentity, holder_is_gone
from bot.shards import ShardPlan
from bot.store import ShardClaim, Store, StoreError

log = logging.getLogger(__name__)

#: Seconds a claim lasts without renewal: how long a crashed process on another host keeps
#: its shards from a restarted one.
LEASE_SECONDS = 30.0
#: Seconds beyond a claim's expiry before looking again (the clocks of two hosts differ).
EXPIRY_MARGIN = 1.0


class ShardConflict(RuntimeError):
    """Another live bot process holds shards this one is configured to run."""


class ShardsLost(RuntimeError):
    """This process's claims ran out and another process took its shards over."""


def _who(claim: ShardClaim) -> str:
    if claim.shard_count == 0:
        return "every shard (COUNTERPOINT_SHARD_COUNT unset)"
    return f"shard {claim.shard_id} of {claim.shard_count}"


def conflict_message(plan: ShardPlan, conflicts: Sequence[ShardClaim]) -> str:
    """Why the start is refused, and what to change."""
    first = conflicts[0]
    holders = sorted({c.owner for c in conflicts})
    mine = plan.describe()
    if first.shard_count != (plan.count or 0) and first.shard_count and plan.count:
        why = (f"another bot process on this database runs with COUNTERPOINT_SHARD_COUNT="
               f"{first.shard_count}, this one with {plan.count}: every process of a bot "
               "must split the same number of shards")
    else:
        taken = ", ".join(_who(c) for c in conflicts[:5])
        why = (f"another bot process on this database already runs {taken}, which overlaps "
               f"this process's {mine}")
    return (f"Cannot start: {why} (held by {', '.join(holders)}, renewed until "
            f"{max(c.expires_at for c in conflicts):%Y-%m-%d %H:%M:%S} UTC). Two processes on "
            "the same shards would both answer every interaction in their servers. Give each "
            "process its own COUNTERPOINT_SHARD_IDS with the same COUNTERPOINT_SHARD_COUNT (see "
            "\"Running it for real\" in the README), or stop the other process first.")


class ShardClaims:
    """This process's claim on the shards of ``plan`` (see the module docstring)."""

    def __init__(self, store: Store, plan: ShardPlan, *,
                 identity: ProcessIdentity | None = None,
                 lease_seconds: float = LEASE_SECONDS) -> None:
        self.store = store
        self.plan = plan
        self.identity = identity or ProcessIdentity.current()
        self.owner = str(self.identity)
        self.lease_seconds = lease_seconds
        #: Shard count 0 and the one row 0 stand for "every shard": it overlaps any claim.
        self.count = plan.count or 0
        self.ids: tuple[int, ...] = plan.shard_ids or (0,)
        self.held = False

    async def _try(self, replacing: Sequence[str] = ()) -> list[ShardClaim]:
        return await self.store.claim_shards(self.owner, self.count, self.ids,
                                             self.lease_seconds, replacing=replacing)

    async def claim(self) -> None:
        """Claim the shards, or raise :class:`ShardConflict` (see the module docstring)."""
        conflicts = await self._try()
        gone = sorted({c.owner for c in conflicts if holder_is_gone(c.owner, self.identity)})
        if gone:
            log.info("taking over shards from %s, which is no longer running", ", ".join(gone))
            conflicts = await self._try(gone)
        if conflicts:
            # A holder that crashed on another host stops renewing: wait out its lease once.
            latest = max(c.expires_at for c in conflicts)
            wait = (latest - datetime.now(UTC)).total_seconds() + EXPIRY_MARGIN
            log.warning("%s held by %s until %s; waiting %.0f s to see whether it is still "
                        "running", self.plan.describe(), ", ".join(sorted({c.owner for c in
                                                                            conflicts})),
                        latest.isoformat(), max(wait, 0.0))
            await asyncio.sleep(max(wait, 0.0))
            conflicts = await self._try()
        if conflicts:
            raise ShardConflict(conflict_message(self.plan, conflicts))
        self.held = True
        log.info("running %s (claimed as %s)", self.plan.describe(), self.owner)

    async def keep(self) -> None:
        """Renew the claims every third of the lease, for as long as the process runs;
        raises :class:`ShardsLost` should they have run out and been taken over (this
        process stalled, or lost the database, for a whole lease)."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                held = await self.store.renew_shards(self.owner, self.lease_seconds)
            except StoreError as error:
                log.warning("could not renew the shard claims (tried again in %.0f s): %s",
                            self.lease_seconds / 3, error)
                continue
            if held < len(self.ids):
                # Not ours any more only if someone else has them now; else claim again.
                if await self._try():
                    raise ShardsLost(f"the claims on {self.plan.describe()} ran out and another "
                                     "process runs those shards now")
                log.warning("the shard claims had run out; claimed again")

    async def release(self) -> None:
        """Give the claims back (a clean stop), so a restart need not wait for them."""
        if not self.held:
            return
        self.held = False
        try:
            await self.store.release_shards(self.owner)
        except StoreError as error:  # they run out by themselves
            log.warning("could not give the shard claims back: %s", error)
