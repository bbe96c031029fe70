"""A process running some of the bot's shards posts only the pieces of its own guilds."""

from __future__ import annotations

from bot.publishing import Publisher
from bot.publishing.publisher import ELSEWHERE
from bot.shards import ShardPlan
from bot.store import Store
from tests.publishing.fakeport import FakeDiscord, FakePort
from tests.publishing.samples import three_arguments

MINE = (1_000_000 << 22) | 5  # shard 0 of 2
THEIRS = (1_000_001 << 22) | 5  # shard 1 of 2


async def test_pieces_of_other_shards_are_left_queued_for_their_process(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    plan = ShardPlan(2, (0,))
    assert plan.owns(MINE) and not plan.owns(THEIRS)
    publisher = Publisher(store, FakePort(d), owns=plan.owns)
    mine = await publisher.queue(MINE, channel, three_arguments("https://example.org/mine"))
    theirs = await publisher.queue(THEIRS, channel, three_arguments("https://example.org/x"))
    assert mine is not None and theirs is not None
    result = await publisher.publish(theirs.id)
    assert (result.outcome, result.detail, result.ok) == ("elsewhere", ELSEWHERE, False)
    untouched = await store.get_piece(theirs.id)
    assert untouched is not None
    assert (untouched.state, untouched.lease_owner, untouched.attempts) == ("pending", None, 0)
    # The resume skips them altogether.
    results = await publisher.resume()
    assert [(r.piece_id, r.outcome) for r in results] == [(mine.id, "published")]
    # The process of the other shard posts it.
    other = Publisher(store, FakePort(d), owns=ShardPlan(2, (1,)).owns)
    assert [(r.piece_id, r.outcome) for r in await other.resume()] == [
        (theirs.id, "published")]
    for piece_id in (mine.id, theirs.id):
        piece = await store.get_piece(piece_id)
        assert piece is not None and piece.state == "published"
