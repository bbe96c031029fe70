"""Edits and withdrawals: the author only, within the window, history kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.debate import (
    DebateRules,
    EditWindowClosed,
    NotYours,
    TooShort,
    UnknownTarget,
    Withdrawn,
)
from bot.store import AGREE, Store, Tally, VoteTarget
from tests.debate.helpers import ALICE, BOB, CAROL, FORTY, T0, World, make_world, text


async def test_edit_within_the_window_keeps_history(store: Store, world: World) -> None:
    counter = await world.service.add_counter(world.arguments[0].id, ALICE, FORTY)

    world.clock.advance(minutes=5)
    first = await world.service.edit(counter.id, ALICE, "  " + text(45) + "\n")
    assert (first.body, first.edited_at) == (text(45), T0 + timedelta(minutes=5))
    # The window is inclusive: exactly 15 minutes after posting still counts.
    world.clock.now = T0 + timedelta(minutes=15)
    second = await world.service.edit(counter.id, ALICE, text(50))
    assert (second.body, second.edited_at, second.created_at) == (
        text(50), T0 + timedelta(minutes=15), T0)

    history = await store.list_contribution_edits(counter.id)
    assert [(h.previous_body, h.edited_by, h.edited_at) for h in history] == [
        (FORTY, ALICE, T0 + timedelta(minutes=5)),
        (text(45), ALICE, T0 + timedelta(minutes=15)),
    ]
    assert await store.get_contribution(counter.id) == second


async def test_edit_after_the_window_or_by_others_is_refused(store: Store, world: World) -> None:
    counter = await world.service.add_counter(world.arguments[0].id, ALICE, FORTY)
    world.clock.advance(minutes=3)
    rebuttal = await world.service.add_rebuttal(counter.id, BOB, text(60))

    with pytest.raises(NotYours) as theirs:
        await world.service.edit(counter.id, BOB, text(50))
    assert theirs.value.user_message == (
        "Only its author can edit this counterargument. To answer it, post a rebuttal.")

    with pytest.raises(TooShort) as short:
        await world.service.edit(rebuttal.id, BOB, text(20))
    assert short.value.user_message == (
        "Your rebuttal is 20 characters; the minimum here is 40. Add a little more of your "
        "reasoning and send it again.")

    world.clock.now = T0 + timedelta(minutes=15, seconds=1)
    with pytest.raises(EditWindowClosed) as late:
        await world.service.edit(counter.id, ALICE, text(50))
    assert late.value.user_message == (
        "You can edit a counterargument only within 15 minutes of posting; this one was "
        "posted 15 minutes ago, so it stays as it is.")
    assert late.value.age == timedelta(minutes=15, seconds=1)

    world.clock.now = T0 + timedelta(hours=5)
    with pytest.raises(EditWindowClosed) as later:
        await world.service.edit(rebuttal.id, BOB, text(50))
    assert later.value.user_message == (
        "You can edit a rebuttal only within 15 minutes of posting; this one was posted "
        "4 hours ago, so it stays as it is.")

    with pytest.raises(UnknownTarget):
        await world.service.edit(987_654, ALICE, text(50))
    assert await store.list_contribution_edits(counter.id) == []
    assert (await store.get_contribution(counter.id)) == counter


async def test_withdraw_keeps_rebuttals_and_closes_the_contribution(
        store: Store, world: World) -> None:
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)
    rebuttal = await service.add_rebuttal(counter.id, BOB, text(50))
    await service.vote(VoteTarget.contribution(counter.id), CAROL, AGREE)

    with pytest.raises(NotYours) as theirs:
        await service.withdraw(counter.id, BOB)
    assert theirs.value.user_message == (
        "Only its author can withdraw this counterargument. To answer it, post a rebuttal.")

    world.clock.advance(minutes=10)
    gone = await service.withdraw(counter.id, ALICE)
    assert gone.withdrawn_at == T0 + timedelta(minutes=10)
    # Withdrawing twice (a double click) changes nothing, even after the window.
    world.clock.advance(hours=1)
    assert await service.withdraw(counter.id, ALICE) == gone

    tree = await store.list_contributions(world.arguments[0].id)
    assert [(c.id, c.parent_id, c.withdrawn) for c in tree] == [
        (counter.id, None, True), (rebuttal.id, counter.id, False)]
    assert await store.tally(VoteTarget.contribution(counter.id)) == Tally(1, 0)
    # The rebuttal under it still takes votes.
    assert (await service.vote(VoteTarget.contribution(rebuttal.id), CAROL, AGREE)).tally == \
        Tally(1, 0)

    with pytest.raises(EditWindowClosed):
        await service.edit(counter.id, ALICE, text(50))
    with pytest.raises(EditWindowClosed) as late:
        await service.withdraw(rebuttal.id, BOB)
    assert late.value.user_message == (
        "You can withdraw a rebuttal only within 15 minutes of posting; this one was posted "
        "70 minutes ago, so it stays in the record.")


async def test_a_withdrawn_contribution_cannot_be_edited(store: Store) -> None:
    world = await make_world(store, DebateRules(edit_window=timedelta(minutes=30)))
    counter = await world.service.add_counter(world.arguments[0].id, ALICE, FORTY)
    await world.service.withdraw(counter.id, ALICE)
    with pytest.raises(Withdrawn) as closed:
        await world.service.edit(counter.id, ALICE, text(50))
    assert closed.value.user_message == (
        "This counterargument was withdrawn by its author, so it can't take edits any more.")
    world.clock.advance(minutes=29)
    with pytest.raises(NotYours):
        await world.service.edit(counter.id, BOB, text(50))
