"""Two bot processes on one database: a piece is published by one of them, never both.

Each "process" is a Publisher on a store instance of its own over the same database, with a
FakePort onto the same FakeDiscord.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.liveness import ProcessIdentity
from bot.publishing import Publisher, PublishResult
from bot.store import Store
from tests.publishing.fakeport import FakeDiscord, FakePort
from tests.publishing.test_publisher import assert_complete, new_channel, queue, queued

MakeStore = Callable[..., Awaitable[Store]]
#: A lease that is renewed (every third of it) however busy this machine is.
LEASE = 3.0
#: A guard against hanging, never a measurement.
PATIENCE = 60.0


class HeldPort(FakePort):
    """Waits at its first thread (before creating it) until the test lets it go."""

    def __init__(self, discord: FakeDiscord) -> None:
        super().__init__(discord)
        self.waiting = asyncio.Event()
        self.go = asyncio.Event()

    async def create_thread(self, channel_id: int, name: str) -> int:
        self.waiting.set()
        await self.go.wait()
        return await super().create_thread(channel_id, name)

    async def held(self, publisher: Publisher, piece_id: int) -> asyncio.Task[PublishResult]:
        """``publisher.publish(piece_id)`` under way, returned once it waits here at its
        first thread (the card is posted)."""
        publishing = asyncio.create_task(publisher.publish(piece_id))
        await self.waiting.wait()
        return publishing


async def test_concurrent_publishes_from_two_processes_post_once(
    make_store: MakeStore, d: FakeDiscord,
) -> None:
    stores = [await make_store(), await make_store()]
    for kind in ("text", "forum"):
        for n in range(5):
            channel = new_channel(d, kind)
            publishers = [Publisher(s, FakePort(d, nonce_dedupe=False)) for s in stores]
            piece = await queue(publishers[0], channel, f"https://example.org/two-{kind}-{n}")
            results = await asyncio.gather(*(p.publish(piece.id) for p in publishers))
            outcomes = sorted(r.outcome for r in results)
            # The loser either found it claimed or, once it could look, already published.
            assert outcomes in (["busy", "published"], ["published", "skipped"]), results
            await assert_complete(stores[1], d, piece.id)
            after = await stores[0].get_piece(piece.id)
            assert after is not None and after.lease_owner is None


async def test_retry_loops_of_two_processes_share_the_pending_pieces(
    make_store: MakeStore, d: FakeDiscord,
) -> None:
    stores = [await make_store(), await make_store()]
    publishers = [Publisher(s, FakePort(d, nonce_dedupe=False)) for s in stores]
    pieces = [await queue(publishers[0], new_channel(d), f"https://example.org/loop-{n}")
              for n in range(6)]
    rounds = await asyncio.gather(*(p.resume() for p in publishers))
    published = [r.piece_id for results in rounds for r in results if r.outcome == "published"]
    assert sorted(published) == [p.id for p in pieces]  # each exactly once
    for piece in pieces:
        await assert_complete(stores[0], d, piece.id)


async def test_a_piece_in_another_process_hands_is_busy_until_it_is_done(
    make_store: MakeStore, d: FakeDiscord, channel: int,
) -> None:
    first_port = HeldPort(d)
    # Renewed every second: the first process keeps it through any stall under two seconds.
    first = Publisher(await make_store(), first_port, lease_seconds=LEASE)
    second = Publisher(await make_store(), FakePort(d), lease_seconds=LEASE)
    piece = await queue(first, channel, "https://example.org/held")
    publishing = await first_port.held(first, piece.id)
    held = await second.store.get_piece(piece.id)
    assert held is not None and held.lease_expires_at is not None
    # Until the first process has renewed its lease past a whole lease length (so past the
    # expiry the second saw first), every try of the second finds the piece busy.
    renewed = held.lease_expires_at + timedelta(seconds=LEASE)
    async with asyncio.timeout(PATIENCE):
        while held.lease_expires_at is not None and held.lease_expires_at < renewed:
            busy = await second.publish(piece.id)
            assert busy.outcome == "busy" and "another process" in busy.detail
            assert [r.outcome for r in await second.resume()] == ["busy"]
            await asyncio.sleep(LEASE / 10)  # polling the store, the other process's record
            held = await second.store.get_piece(piece.id)
            assert held is not None
    first_port.go.set()
    assert (await publishing).outcome == "published"
    # The second process followed the lease all along; it ends once the piece is published.
    await second.settled()
    assert (await second.publish(piece.id)).outcome == "skipped"
    await assert_complete(second.store, d, piece.id)


async def test_a_lease_of_another_host_is_followed_and_the_piece_finished_when_it_runs_out(
    store: Store, make_store: MakeStore, d: FakeDiscord, channel: int,
) -> None:
    survivor, piece = await queued(await make_store(), FakePort(d),
                                   channel, "https://example.org/dead")
    # A process on another host claimed it and died without giving it back: nothing here can
    # tell whether it still runs, so its lease has to run out.
    assert await store.claim_piece(piece.id, "dead-host:1:0", 0.3)
    assert (await survivor.publish(piece.id)).outcome == "busy"
    [result] = await survivor.resume()
    assert result.outcome == "busy" and survivor.is_busy(piece.id)
    # resume() does not wait for the next round of retries: it tries again at the expiry.
    await survivor.settled()
    await assert_complete(store, d, piece.id)
    assert not survivor.is_busy(piece.id)


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="process liveness is read from Linux's /proc")
async def test_a_lease_held_by_a_killed_process_of_this_host_is_taken_over_at_once(
    store: Store, make_store: MakeStore, d: FakeDiscord, channel: int,
) -> None:
    restarted, piece = await queued(await make_store(), FakePort(d),
                                    channel, "https://example.org/killed")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time; time.sleep(600)")
    try:
        holder = str(ProcessIdentity.of(process.pid, "cafe"))
        assert await store.claim_piece(piece.id, holder, 600)
        # Alive, it keeps the piece: a lease of a running process is never taken.
        assert (await restarted.publish(piece.id)).outcome == "busy"
    finally:
        process.kill()
        await process.wait()
    # Killed: its ten minutes of lease are not waited for.
    assert (await restarted.publish(piece.id)).outcome == "published"
    await assert_complete(store, d, piece.id)


async def test_a_process_that_lost_its_lease_stops_before_posting_again(
    store: Store, make_store: MakeStore, d: FakeDiscord, channel: int,
) -> None:
    stalled_port = HeldPort(d)
    stalled, piece = await queued(await make_store(), stalled_port,
                                  channel, "https://example.org/stalled", lease_seconds=0.3)
    publishing = await stalled_port.held(stalled, piece.id)
    # As if the stalled process had not renewed in time and another took the piece over.
    assert await store.release_piece(piece.id, stalled.owner)
    other = Publisher(store, FakePort(d), owner="other", lease_seconds=60)
    assert await store.claim_piece(piece.id, other.owner, 60)
    result = await asyncio.wait_for(publishing, PATIENCE)  # a hang guard
    assert result.outcome == "busy" and "took over" in result.detail
    stalled_port.go.set()  # too late: that publish was stopped before its thread
    assert (await other.publish(piece.id)).outcome == "published"
    await assert_complete(store, d, piece.id)
