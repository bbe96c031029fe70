"""Publisher.stop: what a shutdown (SIGTERM, SIGINT) does to publishing under way."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.publishing import Publisher
from bot.store import Store
from tests.publishing.fakeport import FakeDiscord
from tests.publishing.test_leases import HeldPort
from tests.publishing.test_publisher import assert_complete, new_channel, queued

MakeStore = Callable[..., Awaitable[Store]]


async def test_a_stop_lets_the_step_in_flight_finish_and_starts_no_other(
    store: Store, make_store: MakeStore, d: FakeDiscord, channel: int,
) -> None:
    port = HeldPort(d)
    publisher, piece = await queued(await make_store(), port,
                                    channel, "https://example.org/stopped")
    publishing = await port.held(publisher, piece.id)  # the first thread is on its way
    stopping = asyncio.create_task(publisher.stop(grace=60))
    await asyncio.sleep(0)  # stop() has begun: nothing new may start from here
    port.go.set()
    result = await publishing
    await stopping
    assert result.outcome == "stopped" and "starts again" in result.detail

    [thread] = d.threads_of(channel)
    after = await store.get_piece(piece.id)
    assert after is not None and after.state == "publishing" and after.lease_owner is None
    first, *rest = await store.list_arguments(piece.id)
    # The thread Discord made while stopping is recorded; its opening was not sent.
    assert first.thread_id == thread.id and first.opening_message_id is None
    assert d.in_channel(thread.id) == [] and all(a.thread_id is None for a in rest)
    assert (await publisher.publish(piece.id)).outcome == "stopped"

    restarted = Publisher(store, HeldPort(d))
    restarted.port.go.set()  # type: ignore[attr-defined]
    assert (await restarted.publish(piece.id)).outcome == "published"
    await assert_complete(store, d, piece.id)


async def test_a_call_discord_never_answers_is_cut_short_after_the_grace(
    store: Store, make_store: MakeStore, d: FakeDiscord, channel: int,
) -> None:
    port = HeldPort(d)  # never let go: its first thread waits forever
    publisher, piece = await queued(await make_store(), port,
                                    channel, "https://example.org/unanswered")
    publishing = await port.held(publisher, piece.id)
    await publisher.stop(grace=0.05)
    assert (await publishing).outcome == "stopped"
    after = await store.get_piece(piece.id)
    assert after is not None
    assert (after.state, after.lease_owner) == ("publishing", None)
    assert after.message_id is not None  # the card, posted before, stays recorded

    restarted = Publisher(store, HeldPort(d))
    restarted.port.go.set()  # type: ignore[attr-defined]
    assert (await restarted.publish(piece.id)).outcome == "published"
    await assert_complete(store, d, piece.id)


async def test_a_stop_ends_waiting_for_other_processes_leases(
    store: Store, make_store: MakeStore, d: FakeDiscord,
) -> None:
    publisher, piece = await queued(await make_store(), HeldPort(d),
                                    new_channel(d), "https://example.org/followed")
    assert await store.claim_piece(piece.id, "elsewhere:1:0", 600)
    [busy] = await publisher.resume()
    assert busy.outcome == "busy" and publisher.is_busy(piece.id)
    await publisher.stop(grace=60)
    assert not publisher.is_busy(piece.id)
