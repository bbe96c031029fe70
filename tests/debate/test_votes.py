"""Votes through the service: cast / switch / withdraw, races, closed targets, privacy."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import fields

import pytest

from bot.debate import DebateService, UnknownTarget, VoteResult, Withdrawn
from bot.store import AGREE, DISAGREE, Store, Tally, VoteTarget
from tests.debate.helpers import ALICE, BOB, CAROL, FORTY, World, make_world


async def test_cast_switch_withdraw_with_exact_tallies(store: Store, world: World) -> None:
    target = VoteTarget.argument(world.arguments[0].id)
    vote = world.service.vote

    first = await vote(target, ALICE, AGREE)
    assert first == VoteResult(target, "cast", AGREE, Tally(1, 0))
    assert first.confirmation == "You agree. Now 1 agree, 0 disagree."
    assert await vote(target, BOB, DISAGREE) == VoteResult(target, "cast", DISAGREE,
                                                           Tally(1, 1))
    assert await vote(target, CAROL, AGREE) == VoteResult(target, "cast", AGREE, Tally(2, 1))

    switched = await vote(target, ALICE, DISAGREE)
    assert switched == VoteResult(target, "switched", DISAGREE, Tally(1, 2))
    assert switched.confirmation == "You now disagree. Now 1 agree, 2 disagree."

    withdrawn = await vote(target, ALICE, DISAGREE)
    assert withdrawn == VoteResult(target, "withdrawn", None, Tally(1, 1))
    assert withdrawn.confirmation == "Your vote is withdrawn. Now 1 agree, 1 disagree."

    assert await vote(target, ALICE, AGREE) == VoteResult(target, "cast", AGREE, Tally(2, 1))
    # Other arguments keep their own tallies.
    assert await store.tally(VoteTarget.argument(world.arguments[1].id)) == Tally(0, 0)


async def test_votes_on_contributions(store: Store, world: World) -> None:
    counter = await world.service.add_counter(world.arguments[0].id, ALICE, FORTY)
    target = VoteTarget.contribution(counter.id)
    assert await world.service.vote(target, BOB, AGREE) == VoteResult(target, "cast", AGREE,
                                                                      Tally(1, 0))
    # A member may vote on their own contribution: it's their stance, like on an argument.
    assert await world.service.vote(target, ALICE, DISAGREE) == VoteResult(
        target, "cast", DISAGREE, Tally(1, 1))
    # The argument and the contribution with the same id don't share votes.
    assert await store.tally(VoteTarget.argument(counter.id)) == Tally(0, 0)


def test_results_expose_totals_only() -> None:
    assert [f.name for f in fields(VoteResult)] == ["target", "action", "value", "tally",
                                                    "clicked"]
    assert not hasattr(DebateService, "voters")


@pytest.mark.parametrize("clicks", [50, 51])
async def test_concurrent_clicks_from_one_member_make_at_most_one_vote(
    store: Store, make_store: Callable[..., Awaitable[Store]], clicks: int
) -> None:
    world = await make_world(store)
    # A second store instance on the same database stands in for a second bot process.
    other = DebateService(await make_store(), world.service.rules, clock=world.clock)
    target = VoteTarget.argument(world.arguments[0].id)
    bystanders = range(5000, 5020)

    results = await asyncio.gather(
        *(
            (world.service if n % 2 else other).vote(target, ALICE, AGREE)
            for n in range(clicks)
        ),
        *(other.vote(target, member, AGREE) for member in bystanders),
    )

    alice = [r for r in results[:clicks]]
    # Serialised per member: clicks alternate cast / withdrawn, never two of Alice's votes.
    assert Counter(r.action for r in alice) == {"cast": (clicks + 1) // 2,
                                                "withdrawn": clicks // 2}
    assert all(r.tally.agree <= len(bystanders) + 1 for r in results)
    assert all(r.tally.disagree == 0 for r in results)
    alice_now = AGREE if clicks % 2 else None
    assert await store.get_vote(target, ALICE) == alice_now
    assert await store.tally(target) == Tally(len(bystanders) + (clicks % 2), 0)


async def test_votes_on_unknown_or_withdrawn_targets_are_refused(
        store: Store, world: World) -> None:
    service = world.service

    with pytest.raises(UnknownTarget) as refused:
        await service.vote(VoteTarget.argument(987_654), ALICE, AGREE)
    assert refused.value.user_message == (
        "This argument is no longer in Counterpoint's record, so it can't take votes or "
        "replies.")
    assert (refused.value.kind, refused.value.target_id) == ("argument", 987_654)

    with pytest.raises(UnknownTarget) as refused:
        await service.vote(VoteTarget.contribution(987_654), ALICE, DISAGREE)
    assert refused.value.user_message == (
        "This contribution is no longer in Counterpoint's record, so it can't take votes or "
        "replies.")

    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)
    target = VoteTarget.contribution(counter.id)
    await service.vote(target, BOB, AGREE)
    await service.withdraw(counter.id, ALICE)
    with pytest.raises(Withdrawn) as closed:
        await service.vote(target, CAROL, AGREE)
    assert isinstance(closed.value, UnknownTarget)
    assert closed.value.user_message == (
        "This counterargument was withdrawn by its author, so it can't take votes or replies "
        "any more.")
    # Bob can't take his vote back either: a withdrawn contribution's record is frozen.
    with pytest.raises(Withdrawn):
        await service.vote(target, BOB, AGREE)
    assert await store.tally(target) == Tally(1, 0)

    with pytest.raises(ValueError, match="a vote is"):
        await service.vote(VoteTarget.argument(world.arguments[0].id), ALICE, 0)
