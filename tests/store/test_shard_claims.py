"""Shard claims: which bot process runs which shards, so two never run the same one."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest

from bot.liveness import ProcessIdentity
from bot.shard_claims import ShardClaims, ShardConflict
from bot.shards import ShardPlan
from bot.store import Store
from tests.store.helpers import T0

MakeStore = Callable[..., Awaitable[Store]]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def test_disjoint_shards_of_one_count_are_claimed_side_by_side(store: Store) -> None:
    assert await store.claim_shards("a", 4, [0, 1], 30, now=at(0)) == []
    assert await store.claim_shards("b", 4, [2, 3], 30, now=at(0)) == []
    claims = await store.list_shard_claims()
    assert [(c.shard_id, c.owner) for c in claims] == [(0, "a"), (1, "a"), (2, "b"), (3, "b")]
    assert all(c.expires_at == at(30) and c.shard_count == 4 for c in claims)


async def test_overlapping_shards_are_refused_all_or_nothing(store: Store) -> None:
    assert await store.claim_shards("a", 4, [0, 1], 30, now=at(0)) == []
    conflicts = await store.claim_shards("b", 4, [1, 2], 30, now=at(1))
    assert [(c.shard_id, c.owner) for c in conflicts] == [(1, "a")]
    # Nothing of b's was written: shard 2 is still free.
    assert {c.owner for c in await store.list_shard_claims()} == {"a"}
    assert await store.claim_shards("c", 4, [2], 30, now=at(1)) == []


@pytest.mark.parametrize(("count", "ids"), [(8, [5]), (0, [0])])
async def test_another_shard_count_or_every_shard_conflicts(store: Store, count: int,
                                                           ids: list[int]) -> None:
    assert await store.claim_shards("a", 4, [0, 1], 30, now=at(0)) == []
    assert await store.claim_shards("b", count, ids, 30, now=at(1)) != []


async def test_every_shard_conflicts_with_any_claim(store: Store) -> None:
    assert await store.claim_shards("a", 0, [0], 30, now=at(0)) == []
    assert await store.claim_shards("b", 4, [3], 30, now=at(1)) != []
    assert await store.claim_shards("c", 0, [0], 30, now=at(1)) != []


async def test_claims_expire_unless_renewed_and_are_released(store: Store) -> None:
    assert await store.claim_shards("a", 2, [0], 30, now=at(0)) == []
    assert await store.renew_shards("a", 30, now=at(20)) == 1
    assert await store.claim_shards("b", 2, [0], 30, now=at(40)) != []  # renewed to 50
    assert await store.claim_shards("b", 2, [0], 30, now=at(50)) == []  # expired: taken
    assert await store.renew_shards("a", 30, now=at(51)) == 0  # a has lost it
    assert await store.release_shards("b") == 1
    assert await store.list_shard_claims() == []


async def test_a_gone_holder_is_replaced_and_an_owner_reclaims_its_own(store: Store) -> None:
    assert await store.claim_shards("a", 2, [0, 1], 30, now=at(0)) == []
    assert await store.claim_shards("a", 2, [1], 30, now=at(1)) == []  # replaces a's claim
    assert [c.shard_id for c in await store.list_shard_claims()] == [1]
    assert await store.claim_shards("b", 2, [1], 30, now=at(2), replacing=["a"]) == []


async def test_two_stores_racing_for_overlapping_shards_one_wins(make_store: MakeStore) -> None:
    stores = [await make_store(), await make_store()]
    for round_ in range(5):
        results = await asyncio.gather(*(
            stores[n % 2].claim_shards(f"p{round_}-{n}", 4, [n % 4, (n + 1) % 4], 30,
                                       now=at(round_ * 100))
            for n in range(4)))
        winners = [n for n, conflicts in enumerate(results) if not conflicts]
        claims = await stores[0].list_shard_claims()
        held = [c.shard_id for c in claims if c.expires_at > at(round_ * 100)]
        assert len(held) == len(set(held)) == 2 * len(winners)
        assert 1 <= len(winners) <= 2


async def test_a_second_process_on_the_same_shards_is_refused(store: Store) -> None:
    plan = ShardPlan(4, (0, 1))
    first = ShardClaims(store, plan, lease_seconds=1.0)
    await first.claim()
    keeper = asyncio.create_task(first.keep())
    try:
        # Same host, a live holder (this very process under another nonce): after waiting
        # out one lease, during which the keeper renews, the start is refused.
        second = ShardClaims(store, ShardPlan(4, (1, 2)), lease_seconds=1.0)
        with pytest.raises(ShardConflict) as caught:
            await second.claim()
        message = str(caught.value)
        assert "shard 1 of 4" in message and first.owner in message
        assert "COUNTERPOINT_SHARD_IDS" in message
        other_count = ShardClaims(store, ShardPlan(8, (7,)), lease_seconds=1.0)
        with pytest.raises(ShardConflict, match="COUNTERPOINT_SHARD_COUNT=4"):
            await other_count.claim()
    finally:
        keeper.cancel()
    await first.release()
    assert await store.list_shard_claims() == []


async def test_the_claims_of_an_exited_process_are_taken_over_at_once(store: Store) -> None:
    # A process of this host that has exited: a child that ran and was reaped.
    child = await asyncio.create_subprocess_exec("true")
    await child.wait()
    dead = ProcessIdentity.of(child.pid, "deadbeef")
    if dead.space is None:
        pytest.skip("processes cannot be looked up on this platform")
    dead = ProcessIdentity(dead.host, dead.pid, dead.nonce, dead.space, 1)
    assert await store.claim_shards(str(dead), 4, [0, 1], 3600) == []
    successor = ShardClaims(store, ShardPlan(4, (0, 1)), lease_seconds=3600)
    await asyncio.wait_for(successor.claim(), 10)  # not an hour
    assert {c.owner for c in await store.list_shard_claims()} == {successor.owner}
    assert os.getpid() == successor.identity.pid
