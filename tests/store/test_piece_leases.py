"""Publishing leases on pieces: one bot process at a time publishes a piece."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.store import NotFound, PieceRecord, Store
from tests.store.helpers import CHANNEL, GUILD, at, sample_piece

MakeStore = Callable[..., Awaitable[Store]]


async def _piece(store: Store, url: str = "https://example.org/lease") -> PieceRecord:
    record = await store.create_piece(GUILD, CHANNEL, sample_piece(url), now=at(0))
    assert record is not None
    return record


async def test_two_store_instances_racing_for_a_piece_one_wins(make_store: MakeStore) -> None:
    stores = [await make_store(), await make_store()]
    for round_ in range(10):
        piece = await _piece(stores[0], f"https://example.org/race/{round_}")
        owners = [f"host-{n}:{round_}" for n in range(6)]
        won = await asyncio.gather(*(
            stores[n % 2].claim_piece(piece.id, owner, 60, now=at(1))
            for n, owner in enumerate(owners)))
        assert won.count(True) == 1
        holder = await stores[1].get_piece(piece.id)
        assert holder is not None
        assert holder.lease_owner == owners[won.index(True)]
        assert holder.lease_expires_at == at(1) + _s(60)


async def test_a_lease_is_renewed_by_its_owner_and_taken_over_once_expired(store: Store) -> None:
    piece = await _piece(store)
    assert await store.claim_piece(piece.id, "a", 60, now=at(0))
    assert not await store.claim_piece(piece.id, "b", 60, now=at(0))
    # The owner extends it; others still wait until the extended lease runs out.
    assert await store.claim_piece(piece.id, "a", 60, now=at(0) + _s(50))
    assert not await store.claim_piece(piece.id, "b", 60, now=at(0) + _s(100))
    # Expired: b takes over, and a's renewal now fails (it must stop publishing).
    assert await store.claim_piece(piece.id, "b", 60, now=at(0) + _s(110))
    assert not await store.claim_piece(piece.id, "a", 60, now=at(0) + _s(111))
    current = await store.get_piece(piece.id)
    assert current is not None and current.lease_owner == "b"


async def test_release_finish_and_fail_give_the_lease_back(store: Store) -> None:
    piece = await _piece(store)
    assert await store.claim_piece(piece.id, "a", 60, now=at(0))
    assert not await store.release_piece(piece.id, "b")  # not b's to give back
    assert await store.release_piece(piece.id, "a")
    assert not await store.release_piece(piece.id, "a")
    assert await store.claim_piece(piece.id, "b", 60, now=at(0))

    await store.begin_publishing(piece.id, now=at(0))
    failed = await store.fail_publishing(piece.id, "Discord said no", now=at(0))
    assert (failed.lease_owner, failed.lease_expires_at) == (None, None)
    assert await store.claim_piece(piece.id, "a", 60, now=at(0))
    await store.begin_publishing(piece.id, now=at(0))
    published = await store.finish_publishing(piece.id, now=at(0))
    assert published.state == "published" and published.lease_owner is None


async def test_a_dead_holders_lease_is_taken_over_before_it_runs_out(store: Store) -> None:
    piece = await _piece(store)
    assert await store.claim_piece(piece.id, "dead", 60, now=at(0))
    # Naming another holder as dead takes nothing: the lease is not that one's.
    assert not await store.claim_piece(piece.id, "b", 60, now=at(0) + _s(1), replacing="someone")
    assert await store.claim_piece(piece.id, "b", 60, now=at(0) + _s(1), replacing="dead")
    current = await store.get_piece(piece.id)
    assert current is not None
    assert (current.lease_owner, current.lease_expires_at) == ("b", at(0) + _s(61))
    # A second process that also saw "dead" gone finds b holding it now.
    assert not await store.claim_piece(piece.id, "c", 60, now=at(0) + _s(2), replacing="dead")


async def test_of_processes_replacing_one_dead_holder_at_once_one_wins(
    make_store: MakeStore,
) -> None:
    stores = [await make_store(), await make_store()]
    for round_ in range(5):
        piece = await _piece(stores[0], f"https://example.org/takeover/{round_}")
        assert await stores[0].claim_piece(piece.id, "dead", 60, now=at(0))
        won = await asyncio.gather(*(
            stores[n % 2].claim_piece(piece.id, f"restarted-{n}", 60, now=at(0) + _s(1),
                                      replacing="dead")
            for n in range(4)))
        assert won.count(True) == 1


async def test_claiming_a_missing_piece_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.claim_piece(999_999, "a", 60)
    assert not await store.release_piece(999_999, "a")
    with pytest.raises(ValueError):
        await store.claim_piece((await _piece(store)).id, "", 60)


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)
