"""Weekly summary claims and the aggregate queries behind the summary."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.store import AGREE, DISAGREE, NotFound, Participation, Store, VoteTarget
from tests.store.helpers import GUILD, at, published_piece

WEEK = "2026-W47"


async def test_claim_summary_once_across_instances(make_store) -> None:
    first: Store = await make_store()
    second: Store = await make_store()
    results = await asyncio.gather(*(
        s.claim_summary(GUILD, WEEK, now=at(0)) for s in (first, second) * 10))
    assert results.count(True) == 1
    assert await first.claim_summary(GUILD + 1, WEEK)  # other guilds are separate
    assert await first.claim_summary(GUILD, "2026-W48")

    claim = await second.get_summary_post(GUILD, WEEK)
    assert claim is not None and claim.message_id is None and claim.claimed_at == at(0)
    posted = await first.record_summary_message(GUILD, WEEK, 5555, now=at(1))
    assert posted.message_id == 5555 and posted.posted_at == at(1)
    assert not await first.release_summary(GUILD, WEEK)  # posted: stays claimed
    assert await second.get_summary_post(GUILD, WEEK) == posted
    # A late second recording (a stalled holder after a takeover) keeps the first.
    assert await second.record_summary_message(GUILD, WEEK, 6666, now=at(2)) == posted
    with pytest.raises(NotFound):
        await first.record_summary_message(GUILD, "2026-W01", 1)
    with pytest.raises(ValueError):
        await first.claim_summary(GUILD, "2026-47")


async def test_release_summary_lets_a_retry_claim(store: Store) -> None:
    assert await store.claim_summary(GUILD, WEEK)
    assert not await store.claim_summary(GUILD, WEEK)
    assert await store.release_summary(GUILD, WEEK)
    assert await store.claim_summary(GUILD, WEEK)
    assert await store.get_summary_post(GUILD, "2026-W01") is None


async def test_reclaim_takes_over_only_a_stale_claim_without_a_message(store: Store) -> None:
    assert await store.claim_summary(GUILD, WEEK, now=at(0))
    # Fresh: claimed at or after stale_before.
    assert not await store.reclaim_summary(GUILD, WEEK, stale_before=at(0), now=at(0.1))
    claim = await store.get_summary_post(GUILD, WEEK)
    assert claim is not None and claim.claimed_at == at(0)
    # Stale: taken over, and the claim now dates from the takeover.
    assert await store.reclaim_summary(GUILD, WEEK, stale_before=at(0.5), now=at(1))
    claim = await store.get_summary_post(GUILD, WEEK)
    assert claim is not None and claim.claimed_at == at(1) and claim.message_id is None
    # The new claim is fresh against the same cut-off: nobody else takes it over.
    assert not await store.reclaim_summary(GUILD, WEEK, stale_before=at(0.5), now=at(1))
    # Nothing to reclaim for a week never claimed.
    assert not await store.reclaim_summary(GUILD, "2026-W48", stale_before=at(9), now=at(9))
    assert await store.get_summary_post(GUILD, "2026-W48") is None
    with pytest.raises(ValueError):
        await store.reclaim_summary(GUILD, WEEK, stale_before=at(9), now=at(8))
    with pytest.raises(ValueError):
        await store.reclaim_summary(GUILD, "2026-48", stale_before=at(9), now=at(9))


async def test_a_claim_with_a_message_is_never_reclaimed(store: Store) -> None:
    assert await store.claim_summary(GUILD, WEEK, now=at(0))
    posted = await store.record_summary_message(GUILD, WEEK, 4242, now=at(0.01))
    assert not await store.reclaim_summary(GUILD, WEEK, stale_before=at(1000), now=at(1000))
    assert await store.get_summary_post(GUILD, WEEK) == posted


async def test_one_of_many_concurrent_reclaimers_wins(make_store) -> None:
    first: Store = await make_store()
    second: Store = await make_store()
    assert await first.claim_summary(GUILD, WEEK, now=at(0))
    # Every caller saw the same stale claim and tries at once, at slightly different times.
    stamps = [at(2) + timedelta(seconds=i) for i in range(20)]
    results = await asyncio.gather(*(
        s.reclaim_summary(GUILD, WEEK, stale_before=at(1), now=stamp)
        for s, stamp in zip((first, second) * 10, stamps, strict=True)))
    assert results.count(True) == 1
    claim = await second.get_summary_post(GUILD, WEEK)
    assert claim is not None and claim.claimed_at == stamps[results.index(True)]


async def test_release_only_drops_the_claim_it_was_given(store: Store) -> None:
    assert await store.claim_summary(GUILD, WEEK, now=at(0))
    assert await store.reclaim_summary(GUILD, WEEK, stale_before=at(1), now=at(2))
    # The first holder, alive after all, fails: its release must not drop the new claim.
    assert not await store.release_summary(GUILD, WEEK, claimed_at=at(0))
    assert await store.get_summary_post(GUILD, WEEK) is not None
    assert await store.release_summary(GUILD, WEEK, claimed_at=at(2))
    assert await store.get_summary_post(GUILD, WEEK) is None


async def test_window_queries(store: Store) -> None:
    # Week window: at(0) .. at(168). One piece before it, one in it, one after it.
    old, (old_arg, *_) = await published_piece(store, url="https://e.example/old",
                                               published=at(-48), arguments=1)
    new, (a1, a2) = await published_piece(store, url="https://e.example/new",
                                          published=at(10), arguments=2)
    _late, _ = await published_piece(store, url="https://e.example/late",
                                     published=at(200), arguments=1)
    _elsewhere, (foreign_arg,) = await published_piece(
        store, url="https://e.example/x", guild_id=GUILD + 1, published=at(10), arguments=1)
    start, end = at(0), at(168)

    # Member 1 was active before the window; 2 and 3 are new; 4 only acted after it.
    await store.cast_vote(VoteTarget.argument(old_arg.id), 1, AGREE, now=at(-24))
    await store.cast_vote(VoteTarget.argument(a1.id), 1, AGREE, now=at(11))
    await store.cast_vote(VoteTarget.argument(a1.id), 2, DISAGREE, now=at(12))
    await store.cast_vote(VoteTarget.argument(a1.id), 3, AGREE, now=at(13))
    await store.cast_vote(VoteTarget.argument(a1.id), 4, AGREE, now=at(300))  # after the end
    await store.cast_vote(VoteTarget.argument(old_arg.id), 2, DISAGREE, now=at(20))
    await store.cast_vote(VoteTarget.argument(foreign_arg.id), 9, AGREE, now=at(20))

    c1 = await store.add_contribution(a1.id, 2, "Counter one", now=at(14))
    c2 = await store.add_contribution(a1.id, 3, "Counter two", now=at(15))
    r1 = await store.add_contribution(a1.id, 1, "Rebuttal", kind="rebuttal", parent_id=c1.id,
                                      now=at(16))
    withdrawn = await store.add_contribution(a2.id, 3, "Oops", now=at(17))
    await store.withdraw_contribution(withdrawn.id, now=at(18))
    await store.add_contribution(a2.id, 4, "Too late", now=at(400))
    for member in (1, 3, 5):
        await store.cast_vote(VoteTarget.contribution(c2.id), member, AGREE, now=at(30))
    await store.cast_vote(VoteTarget.contribution(c1.id), 1, DISAGREE, now=at(30))
    await store.award_changed_mind(1, c2.id, now=at(31))

    pieces = await store.pieces_published_between(GUILD, start, end)
    assert [p.id for p in pieces] == [new.id]

    stats = {s.argument_id: s for s in await store.argument_stats(GUILD, start, end)}
    # Only the arguments of pieces published in the window.
    assert set(stats) == {a1.id, a2.id}
    assert (stats[a1.id].agree, stats[a1.id].disagree) == (2, 1)
    assert (stats[a1.id].counters, stats[a1.id].rebuttals) == (1 + 1, 1)
    assert (stats[a2.id].agree, stats[a2.id].counters) == (0, 0)
    assert stats[a1.id].piece_id == new.id and stats[a1.id].number == 1
    assert stats[a1.id].net == 1

    contributions = await store.contribution_stats(GUILD, start, end)
    assert [c.contribution_id for c in contributions] == [c2.id, r1.id, c1.id]
    best = contributions[0]
    assert (best.agree, best.disagree, best.net, best.awards) == (3, 0, 3, 1)
    assert best.piece_id == new.id and best.kind == "counter" and best.created_at == at(15)
    assert contributions[1].parent_id == c1.id and contributions[2].net == -1
    assert len(await store.contribution_stats(GUILD, start, end, limit=1)) == 1

    people = await store.participation(GUILD, start, end)
    assert people == Participation(active=frozenset({1, 2, 3, 5}), returning=frozenset({1}))
    assert people.newcomers == {2, 3, 5}
    assert await store.participation(GUILD, at(1000), at(1001)) == Participation()
    assert old.id not in {p.id for p in pieces}
