""""Changed my mind" awards: someone else's live contribution, once, with a bounded reason."""

from __future__ import annotations

import pytest

from bot.debate import AlreadyAwarded, OwnContribution, TooLong, UnknownTarget, Withdrawn
from bot.store import Award, Store
from tests.debate.helpers import ALICE, BOB, CAROL, FORTY, GUILD, T0, make_world


async def test_changed_my_mind_once_and_not_on_ones_own(store: Store) -> None:
    world = await make_world(store)
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)

    award = await service.changed_my_mind(BOB, counter.id, "  The  rent data\n\tconvinced me. ")
    assert award == Award(award.id, GUILD, BOB, counter.id, "The rent data convinced me.", T0)

    with pytest.raises(AlreadyAwarded) as again:
        await service.changed_my_mind(BOB, counter.id, "Really did.")
    assert again.value.user_message == (
        "You've already credited this contribution with changing your mind. Each member can "
        "do that once per contribution.")

    with pytest.raises(OwnContribution) as own:
        await service.changed_my_mind(ALICE, counter.id, "I convinced myself.")
    assert own.value.user_message == (
        "You can't credit your own contribution with changing your mind. Save it for a point "
        "someone else made that moved you.")

    blank = await service.changed_my_mind(CAROL, counter.id, " \n ")
    assert blank.reason is None
    assert [(a.member_id, a.reason) for a in await store.list_awards(contribution_id=counter.id)
            ] == [(BOB, "The rent data convinced me."), (CAROL, None)]


async def test_reason_length_and_closed_targets(store: Store) -> None:
    world = await make_world(store)
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)

    with pytest.raises(TooLong) as long:
        await service.changed_my_mind(BOB, counter.id, "y" * 301)
    assert long.value.user_message == (
        "Your reason is 301 characters; the maximum here is 300. Shorten it and send it "
        "again.")
    assert (await service.changed_my_mind(BOB, counter.id, "y" * 300)).reason == "y" * 300

    with pytest.raises(UnknownTarget) as unknown:
        await service.changed_my_mind(BOB, 987_654, None)
    assert unknown.value.user_message == (
        "This contribution is no longer in Counterpoint's record, so it can't take votes or "
        "replies.")

    await service.withdraw(counter.id, ALICE)
    with pytest.raises(Withdrawn) as closed:
        await service.changed_my_mind(CAROL, counter.id, None)
    assert closed.value.user_message == (
        "This counterargument was withdrawn by its author, so it can't take awards any more.")
    assert len(await store.list_awards(contribution_id=counter.id)) == 1
