"""Store calls cancelled at any point leave the store usable and every transaction whole.

aiosqlite runs a statement on its thread even when the task awaiting it is cancelled, so a
cancelled BEGIN used to leave the one write connection inside a transaction ("cannot start a
transaction within a transaction" for every call after). Discord cancels interaction
handlers, and shutdown cancels everything, so cancellation happens at arbitrary awaits.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from typing import Any

from bot.store import AGREE, DISAGREE, Store, VoteTarget
from tests.store.helpers import CHANNEL, GUILD, at, published_piece, sample_piece

ROUNDS = 150


async def _cancel_at_random(make: Callable[[], Awaitable[Any]], rng: random.Random) -> None:
    """Start ``make()`` and cancel it a few loop turns or milliseconds in (or not at all)."""
    task = asyncio.ensure_future(make())
    await _pause(rng)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _pause(rng: random.Random) -> None:
    draw = rng.random()
    if draw < 0.45:
        for _ in range(rng.randrange(0, 12)):
            await asyncio.sleep(0)
    elif draw < 0.9:
        await asyncio.sleep(rng.uniform(0, 0.006))
    else:
        await asyncio.sleep(0.05)  # long enough to finish, mostly


async def test_cancelled_votes_leave_the_store_working_and_consistent(store: Store) -> None:
    _, arguments = await published_piece(store)
    targets = [VoteTarget("argument", a.id) for a in arguments]
    rng = random.Random(7)
    cancelled = 0
    for round_ in range(ROUNDS):
        # Several clicks at once, so some are cancelled while queued on the lock, some in
        # BEGIN, some mid-statement and some in COMMIT.
        batch = [
            asyncio.ensure_future(store.cast_vote(
                rng.choice(targets), rng.randrange(1, 8), rng.choice((AGREE, DISAGREE)),
                now=at(round_ / 60)))
            for _ in range(4)
        ]
        await _pause(rng)
        for task in batch:
            if rng.random() < 0.7:
                task.cancel()
        results = await asyncio.gather(*batch, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                assert isinstance(result, asyncio.CancelledError), result
                cancelled += 1
    assert cancelled > ROUNDS  # the storm did cancel a good share of the clicks

    # Still working: each member's next click does exactly what their stored vote says.
    for target in targets:
        for member in range(1, 8):
            before = await store.get_vote(target, member)
            outcome = await store.cast_vote(target, member, AGREE, now=at(5))
            expected = "withdrawn" if before == AGREE else "switched" if before else "added"
            assert outcome.action == expected
            assert await store.get_vote(target, member) == (None if before == AGREE else AGREE)
        # The tally is the votes table's, whatever commits the cancellations let through.
        tally = await store.tally(target)
        votes = [await store.get_vote(target, m) for m in range(1, 8)]
        assert (tally.agree, tally.disagree) == (votes.count(AGREE), votes.count(DISAGREE))


async def test_cancelled_multi_statement_writes_are_all_or_nothing(store: Store) -> None:
    rng = random.Random(11)
    urls = [f"https://example.org/cancel/{n}" for n in range(60)]
    for url in urls:
        await _cancel_at_random(
            lambda url=url: store.create_piece(GUILD, CHANNEL, sample_piece(url, 4), now=at(0)),
            rng)
    # A piece is stored with all four arguments or not at all.
    stored = {p.url: p for p in await store.list_pieces(guild_id=GUILD)}
    for piece in stored.values():
        assert len(await store.list_arguments(piece.id)) == 4
    assert 0 < len(stored) < len(urls)  # some got through, some were cut short
    missing = next(url for url in urls if url not in stored)
    assert await store.create_piece(GUILD, CHANNEL, sample_piece(missing), now=at(1))


async def test_cancelled_summary_reads_give_their_connection_back(store: Store) -> None:
    _, arguments = await published_piece(store)
    await store.cast_vote(VoteTarget("argument", arguments[0].id), 1, AGREE, now=at(1))
    rng = random.Random(3)
    for _ in range(ROUNDS):
        await _cancel_at_random(lambda: store.argument_stats(GUILD, at(-1), at(2)), rng)
    stats = await asyncio.gather(*(store.argument_stats(GUILD, at(-1), at(2)) for _ in range(4)))
    assert {(s[0].agree, s[0].disagree) for s in stats} == {(1, 0)}
    # Writes still go through after all those cancelled reads.
    await store.cast_vote(VoteTarget("argument", arguments[0].id), 2, DISAGREE, now=at(1))
    assert (await store.tally(VoteTarget("argument", arguments[0].id))).disagree == 1
