"""Contributions (counters and rebuttals as a tree), votes, tallies and awards."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.store import AGREE, DISAGREE, NotFound, Store, Tally, VoteTarget
from tests.store.helpers import at, published_piece


async def test_contribution_tree_and_edit_history(store: Store) -> None:
    _, (argument, other, _third) = await published_piece(store)
    counter = await store.add_contribution(argument.id, 10, "Housing supply is not the issue.",
                                           now=at(1))
    assert counter.kind == "counter" and counter.parent_id is None
    rebuttal = await store.add_contribution(argument.id, 11, "It is, see the data.",
                                            kind="rebuttal", parent_id=counter.id, now=at(2))
    deeper = await store.add_contribution(argument.id, 10, "That data is from 1990.",
                                          kind="rebuttal", parent_id=rebuttal.id, now=at(3))
    assert deeper.parent_id == rebuttal.id and deeper.guild_id == counter.guild_id
    tree = await store.list_contributions(argument.id)
    assert [(c.id, c.parent_id) for c in tree] == [
        (counter.id, None), (rebuttal.id, counter.id), (deeper.id, rebuttal.id)]

    with pytest.raises(ValueError):
        await store.add_contribution(argument.id, 1, "x", kind="rebuttal")
    with pytest.raises(ValueError):
        await store.add_contribution(argument.id, 1, "x", parent_id=counter.id)
    with pytest.raises(ValueError, match="belongs to argument"):
        await store.add_contribution(other.id, 1, "x", kind="rebuttal", parent_id=counter.id)
    with pytest.raises(NotFound):
        await store.add_contribution(argument.id, 1, "x", kind="rebuttal", parent_id=10_000)
    with pytest.raises(NotFound):
        await store.add_contribution(10_000, 1, "x")

    edited = await store.edit_contribution(counter.id, "Supply is not the only issue.",
                                           editor_id=10, now=at(4))
    edited = await store.edit_contribution(counter.id, "Supply is not the main issue.",
                                           editor_id=10, now=at(5))
    assert edited.body == "Supply is not the main issue." and edited.edited_at == at(5)
    same = await store.edit_contribution(counter.id, edited.body, editor_id=10, now=at(6))
    assert same.edited_at == at(5)  # no change, no history entry
    history = await store.list_contribution_edits(counter.id)
    assert [(h.previous_body, h.edited_at) for h in history] == [
        ("Housing supply is not the issue.", at(4)), ("Supply is not the only issue.", at(5))]
    with pytest.raises(NotFound):
        await store.edit_contribution(10_000, "x", editor_id=1)

    posted = await store.record_contribution_message(rebuttal.id, 7777)
    assert posted.message_id == 7777
    assert await store.get_contribution_by_message(7777) == posted

    gone = await store.withdraw_contribution(rebuttal.id, now=at(7))
    assert gone.withdrawn and gone.withdrawn_at == at(7)
    assert (await store.withdraw_contribution(rebuttal.id, now=at(8))).withdrawn_at == at(7)
    live = await store.list_contributions(argument.id, include_withdrawn=False)
    assert [c.id for c in live] == [counter.id, deeper.id]
    assert await store.get_contribution(rebuttal.id) == gone


async def test_vote_add_switch_withdraw(store: Store) -> None:
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    assert await store.tally(target) == Tally(0, 0)

    added = await store.cast_vote(target, 1, AGREE)
    assert (added.action, added.value, added.tally) == ("added", 1, Tally(1, 0))
    await store.cast_vote(target, 2, AGREE)
    switched = await store.cast_vote(target, 1, DISAGREE)
    assert (switched.action, switched.value, switched.tally) == ("switched", -1, Tally(1, 1))
    withdrawn = await store.cast_vote(target, 1, DISAGREE)
    assert (withdrawn.action, withdrawn.value, withdrawn.tally) == ("withdrawn", None,
                                                                   Tally(1, 0))
    assert await store.get_vote(target, 1) is None
    assert await store.get_vote(target, 2) == AGREE
    assert (await store.cast_vote(target, 1, DISAGREE)).action == "added"
    assert await store.tally(target) == Tally(agree=1, disagree=1)
    assert (await store.tally(target)).net == 0

    counter = await store.add_contribution(argument.id, 3, "No.")
    on_counter = VoteTarget.contribution(counter.id)
    assert (await store.cast_vote(on_counter, 1, AGREE)).tally == Tally(1, 0)
    # Votes on different targets are independent.
    assert await store.tally(target) == Tally(1, 1)

    with pytest.raises(ValueError):
        await store.cast_vote(target, 1, 0)
    with pytest.raises(NotFound):
        await store.cast_vote(VoteTarget.argument(10_000), 1, AGREE)
    with pytest.raises(NotFound):
        await store.cast_vote(VoteTarget.contribution(10_000), 1, AGREE)


@pytest.mark.parametrize("clicks", [50, 51])
async def test_concurrent_clicks_of_one_member(store: Store, clicks: int) -> None:
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    outcomes = await asyncio.gather(
        *(store.cast_vote(target, 42, AGREE) for _ in range(clicks)))
    added = sum(o.action == "added" for o in outcomes)
    withdrawn = sum(o.action == "withdrawn" for o in outcomes)
    assert added + withdrawn == clicks
    rows = added - withdrawn
    assert rows == clicks % 2  # serialised toggles: an odd number of clicks leaves one vote
    assert await store.tally(target) == Tally(rows, 0)
    assert await store.get_vote(target, 42) == (AGREE if rows else None)
    # Every outcome's tally is a state some serial order passes through.
    assert {o.tally for o in outcomes} <= {Tally(0, 0), Tally(1, 0)}


async def test_concurrent_mixed_clicks_across_instances(make_store) -> None:
    first: Store = await make_store()
    second: Store = await make_store()
    _, (argument, *_rest) = await published_piece(first)
    target = VoteTarget.argument(argument.id)
    rng = random.Random(7)
    values = [rng.choice([AGREE, DISAGREE]) for _ in range(50)]
    outcomes = await asyncio.gather(*(
        (first if i % 2 else second).cast_vote(target, 42, v) for i, v in enumerate(values)))
    final = await first.get_vote(target, 42)
    tally = await second.tally(target)
    assert tally.total == (0 if final is None else 1)
    assert tally == Tally(int(final == AGREE), int(final == DISAGREE))
    # Replaying the outcomes in the order the store applied them gives the same state:
    # every "added"/"switched" set the value, every "withdrawn" cleared it.
    assert all(o.value == (None if o.action == "withdrawn" else v)
               for o, v in zip(outcomes, values, strict=True))


async def test_many_members_vote_at_once(store: Store) -> None:
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    await asyncio.gather(*(
        store.cast_vote(target, member, AGREE if member % 3 else DISAGREE)
        for member in range(60)))
    assert await store.tally(target) == Tally(agree=40, disagree=20)


async def test_changed_my_mind_awards(store: Store) -> None:
    piece, (argument, *_rest) = await published_piece(store)
    counter = await store.add_contribution(argument.id, 3, "Consider rents.")
    award = await store.award_changed_mind(8, counter.id, "good point", now=at(1))
    assert award is not None and award.guild_id == piece.guild_id and award.reason == "good point"
    assert await store.award_changed_mind(8, counter.id, "again") is None
    other = await store.award_changed_mind(9, counter.id)
    assert other is not None
    assert [a.member_id for a in await store.list_awards(contribution_id=counter.id)] == [8, 9]
    assert len(await store.list_awards(guild_id=piece.guild_id)) == 2
    assert await store.list_awards(guild_id=piece.guild_id + 1) == []
    with pytest.raises(NotFound):
        await store.award_changed_mind(8, 10_000)


async def test_awards_in_a_time_window(store: Store) -> None:
    piece, (argument, *_rest) = await published_piece(store)
    counter = await store.add_contribution(argument.id, 3, "Consider the rents first.")
    for member, hour in ((11, 1), (12, 5), (13, 9)):
        assert await store.award_changed_mind(member, counter.id, now=at(hour)) is not None

    async def members(**window: object) -> list[int]:
        found = await store.list_awards(guild_id=piece.guild_id, **window)  # type: ignore[arg-type]
        return [a.member_id for a in found]

    # Start inclusive, end exclusive, like the summary's week windows.
    assert await members(since=at(5)) == [12, 13]
    assert await members(until=at(5)) == [11]
    assert await members(since=at(1), until=at(9)) == [11, 12]
    assert await members(since=at(10)) == []
