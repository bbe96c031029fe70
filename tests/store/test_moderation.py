"""Moderation in the store: removal and restore (votes out of every tally meanwhile, nothing
deleted), locked debates, the moderation log's filters, paging and log-channel mirroring."""

from __future__ import annotations

import pytest

from bot.store import (
    AGREE,
    DISAGREE,
    ArgumentRecord,
    Contribution,
    ModeratorAction,
    NotFound,
    Store,
    Tally,
    VoteTarget,
)
from tests.store.helpers import GUILD, at, published_piece


async def _debate(store: Store) -> tuple[ArgumentRecord, Contribution, Contribution, Contribution]:
    _, (argument, *_rest) = await published_piece(store)
    counter = await store.add_contribution(argument.id, 10, "Supply is not the issue here.",
                                           now=at(1))
    rebuttal = await store.add_contribution(argument.id, 11, "It is, see the council data.",
                                            kind="rebuttal", parent_id=counter.id, now=at(2))
    other = await store.add_contribution(argument.id, 12, "Rents follow wages, not supply.",
                                         now=at(3))
    for member, value in ((20, AGREE), (21, AGREE), (22, DISAGREE)):
        await store.cast_vote(VoteTarget.contribution(counter.id), member, value, now=at(4))
    await store.cast_vote(VoteTarget.contribution(rebuttal.id), 20, AGREE, now=at(4))
    await store.cast_vote(VoteTarget.contribution(other.id), 21, DISAGREE, now=at(4))
    await store.award_changed_mind(30, counter.id, "good point", now=at(5))
    return argument, counter, rebuttal, other


async def test_removal_takes_votes_out_of_tallies_and_summaries_and_restore_puts_them_back(
    store: Store,
) -> None:
    argument, counter, rebuttal, other = await _debate(store)
    counter_votes = VoteTarget.contribution(counter.id)
    week = (at(0), at(24 * 7))

    async def standing() -> tuple[object, ...]:
        stats = {s.contribution_id: (s.agree, s.disagree, s.awards)
                 for s in await store.contribution_stats(GUILD, *week)}
        (arg,) = [s for s in await store.argument_stats(GUILD, *week)
                  if s.argument_id == argument.id]
        awards = [a.contribution_id for a in await store.list_awards(guild_id=GUILD,
                                                                     counted=True)]
        return await store.tally(counter_votes), stats, (arg.counters, arg.rebuttals), awards

    before = await standing()
    assert before == (Tally(2, 1), {counter.id: (2, 1, 1), rebuttal.id: (1, 0, 0),
                                    other.id: (0, 1, 0)}, (2, 1), [counter.id])

    removed = await store.remove_contribution(counter.id, moderator_id=99,
                                              reason="personal attack", now=at(6))
    assert removed.removed and removed.removal == ModeratorAction(at(6), 99, "personal attack")
    assert removed.message_version == counter.message_version + 1
    assert await standing() == (
        Tally(0, 0), {rebuttal.id: (1, 0, 0), other.id: (0, 1, 0)}, (1, 1), [])
    # Nothing is deleted: the row, its body, its votes, its award and its reply are all kept.
    kept = await store.get_contribution(counter.id)
    assert kept is not None and kept.body == counter.body
    assert await store.get_vote(counter_votes, 20) == AGREE
    assert len(await store.list_awards(contribution_id=counter.id)) == 1
    assert [c.id for c in await store.list_contributions(argument.id)] == [
        counter.id, rebuttal.id, other.id]

    # A second removal changes nothing: the first moderator and reason stay.
    again = await store.remove_contribution(counter.id, moderator_id=98, reason="other")
    assert (again.removal, again.message_version) == (removed.removal, removed.message_version)

    restored = await store.restore_contribution(counter.id)
    assert not restored.removed and restored.removal is None
    assert restored.message_version == removed.message_version + 1
    assert await standing() == before
    # Restoring what is not removed changes nothing.
    assert (await store.restore_contribution(counter.id)).message_version == \
        restored.message_version
    with pytest.raises(NotFound):
        await store.remove_contribution(10_000, moderator_id=1, reason="x")
    with pytest.raises(NotFound):
        await store.restore_contribution(10_000)


async def test_a_redraw_is_owed_until_the_message_shows_the_latest_state(store: Store) -> None:
    _, counter, _, _ = await _debate(store)
    await store.record_contribution_message(counter.id, 5555)
    assert await store.contributions_to_redraw() == []
    removed = await store.remove_contribution(counter.id, moderator_id=9, reason="spam")
    assert [c.id for c in await store.contributions_to_redraw(GUILD)] == [counter.id]
    restored = await store.restore_contribution(counter.id)
    # The tombstone's edit lands after the restore: the restore is still owed.
    assert await store.record_contribution_shown(counter.id, removed.message_version) is False
    assert [c.id for c in await store.contributions_to_redraw()] == [counter.id]
    assert await store.record_contribution_shown(counter.id, restored.message_version) is True
    assert await store.contributions_to_redraw() == []
    # A late, older edit does not move the record back.
    assert await store.record_contribution_shown(counter.id, removed.message_version) is True
    assert await store.contributions_to_redraw() == []


async def test_locking_an_argument(store: Store) -> None:
    _, (argument, *_rest) = await published_piece(store)
    locked = await store.lock_argument(argument.id, moderator_id=9, reason="cooling off",
                                       now=at(1))
    assert locked.locked and locked.lock == ModeratorAction(at(1), 9, "cooling off")
    again = await store.lock_argument(argument.id, moderator_id=8, now=at(2))
    assert again.lock == locked.lock
    stored = await store.get_argument(argument.id)
    assert stored is not None and stored.locked
    assert (again.lock_version, again.lock_shown) == (1, 0)  # a second lock is no change
    assert [a.id for a in await store.locks_to_announce()] == []  # no thread yet
    await store.record_argument_thread(argument.id, 4321)
    assert [a.id for a in await store.locks_to_announce()] == [argument.id]
    await store.record_lock_announced(argument.id, 1)
    assert await store.locks_to_announce() == []
    opened = await store.unlock_argument(argument.id)
    assert not opened.locked and opened.lock is None
    assert opened.lock_version == 2
    assert [a.lock_version for a in await store.locks_to_announce()] == [2]
    await store.record_lock_announced(argument.id, 2)
    await store.record_lock_announced(argument.id, 1)  # late: does not move back
    assert await store.locks_to_announce() == []
    assert (await store.unlock_argument(argument.id)).lock_version == 2
    with pytest.raises(NotFound):
        await store.lock_argument(10_000, moderator_id=1)


async def test_the_log_filters_pages_and_owes_entries_to_the_log_channel(store: Store) -> None:
    first = await store.log_moderation(GUILD, 1, "config.summary", now=at(1))
    assert first.post_channel_id is None  # no log channel yet: owed nowhere
    await store.update_guild_settings(GUILD, modlog_channel_id=777)
    removal = await store.log_moderation(GUILD, 1, "remove", target="contribution:5",
                                         details="spam", member_id=50, piece_id=3, now=at(2))
    restore = await store.log_moderation(GUILD, 2, "restore", target="contribution:5",
                                         member_id=50, piece_id=3, now=at(3))
    lock = await store.log_moderation(GUILD, 2, "lock", piece_id=4, now=at(4))
    await store.log_moderation(GUILD + 1, 1, "remove", member_id=50, now=at(5))
    ids = lambda entries: [e.id for e in entries]  # noqa: E731

    assert ids(await store.list_moderation(GUILD)) == [lock.id, restore.id, removal.id, first.id]
    assert ids(await store.list_moderation(GUILD, member_id=50)) == [restore.id, removal.id]
    assert ids(await store.list_moderation(GUILD, member_id=2)) == [lock.id, restore.id]
    assert ids(await store.list_moderation(GUILD, action="remove")) == [removal.id]
    assert ids(await store.list_moderation(GUILD, action="config")) == [first.id]
    assert ids(await store.list_moderation(GUILD, piece_id=3)) == [restore.id, removal.id]
    assert ids(await store.list_moderation(GUILD, piece_id=3, action="restore",
                                           member_id=2)) == [restore.id]
    # Pages of two: back with before_id, forward again with after_id (newest first both).
    page = await store.list_moderation(GUILD, limit=2)
    older = await store.list_moderation(GUILD, limit=2, before_id=page[-1].id)
    assert ids(older) == [removal.id, first.id]
    assert ids(await store.list_moderation(GUILD, limit=2, after_id=older[0].id)) == ids(page)

    owed = await store.unposted_moderation()
    assert [(e.id, e.post_channel_id) for e in owed if e.guild_id == GUILD] == [
        (removal.id, 777), (restore.id, 777), (lock.id, 777)]
    posted = await store.record_moderation_posted(removal.id, 4242)
    assert posted.posted_message_id == 4242
    assert (await store.record_moderation_posted(removal.id, 4242)).posted_message_id == 4242
    dropped = await store.record_moderation_posted(restore.id, None)
    assert dropped.post_channel_id is None
    assert [e.id for e in await store.unposted_moderation() if e.guild_id == GUILD] == [lock.id]
