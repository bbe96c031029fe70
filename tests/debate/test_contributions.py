"""Counterarguments and rebuttals: length rules, the reply tree, threads, refusals."""

from __future__ import annotations

import pytest

from bot.debate import (
    DebateRules,
    EmptyText,
    NotAnArgumentThread,
    OwnContribution,
    TooDeep,
    TooLong,
    TooShort,
    UnknownTarget,
    Withdrawn,
)
from bot.store import Store, VoteTarget
from tests.debate.helpers import ALICE, BOB, CAROL, DAVE, FORTY, GUILD, T0, World, make_world, text


async def test_counter_length_rules_with_exact_messages(store: Store, world: World) -> None:
    argument_id = world.arguments[0].id
    add = world.service.add_counter

    with pytest.raises(TooShort) as short:
        await add(argument_id, ALICE, text(12))
    assert short.value.user_message == (
        "Your counterargument is 12 characters; the minimum here is 40. Add a little more of "
        "your reasoning and send it again.")
    assert (short.value.length, short.value.minimum, short.value.draft) == (12, 40, text(12))

    # Edge whitespace and zero-width characters don't count towards the minimum.
    with pytest.raises(TooShort) as padded:
        await add(argument_id, ALICE, "  \u200b" + text(39) + " \n\u200b\t ")
    assert padded.value.user_message.startswith("Your counterargument is 39 characters;")

    with pytest.raises(TooShort) as one:
        await add(argument_id, ALICE, "!")
    assert one.value.user_message.startswith("Your counterargument is 1 character;")

    for blank in ("", "   ", " \n\t \u200b\ufeff "):
        with pytest.raises(EmptyText) as empty:
            await add(argument_id, ALICE, blank)
        assert empty.value.user_message == (
            "Your counterargument is empty. Write at least 40 characters and send it again.")
        assert isinstance(empty.value, TooShort)

    with pytest.raises(TooLong) as long:
        await add(argument_id, ALICE, text(1801))
    assert long.value.user_message == (
        "Your counterargument is 1801 characters; the maximum here is 1800. Shorten it and "
        "send it again.")
    assert (long.value.length, long.value.maximum) == (1801, 1800)

    assert await store.list_contributions(argument_id) == []

    # Both limits are inclusive; what is stored is the stripped text.
    shortest = await add(argument_id, ALICE, f"\n  {FORTY}  \n")
    longest = await add(argument_id, BOB, text(1800))
    assert (shortest.body, longest.body) == (FORTY, text(1800))
    assert (shortest.kind, shortest.parent_id, shortest.author_id, shortest.created_at) == (
        "counter", None, ALICE, T0)
    assert shortest.guild_id == GUILD and shortest.argument_id == argument_id


async def test_stored_text_is_the_same_on_every_backend(store: Store, world: World) -> None:
    # PostgreSQL can't store NUL; control characters are dropped, tabs and newlines kept.
    body = "Line one of the reply\x00 goes here,\r\nand\tline two\x07 finishes it."
    counter = await world.service.add_counter(world.arguments[0].id, ALICE, body)
    assert counter.body == "Line one of the reply goes here,\nand\tline two finishes it."
    assert (await store.get_contribution(counter.id)) == counter


async def test_guild_minimum_overrides_the_bot_wide_one(store: Store, world: World) -> None:
    assert (await world.service.rules_for(GUILD)).min_length == 40
    await store.update_guild_settings(GUILD, min_counter_length=10)
    assert await world.service.rules_for(GUILD) == DebateRules(min_length=10)
    counter = await world.service.add_counter(world.arguments[0].id, ALICE, text(12))
    assert counter.body == text(12)
    with pytest.raises(TooShort) as short:
        await world.service.add_rebuttal(counter.id, BOB, text(9))
    assert short.value.user_message.startswith(
        "Your rebuttal is 9 characters; the minimum here is 10.")
    # Other guilds keep the bot-wide rule.
    assert (await world.service.rules_for(GUILD + 1)).min_length == 40


async def test_rebuttal_chain_is_stored_as_a_tree(store: Store, world: World) -> None:
    service, argument_id = world.service, world.arguments[0].id

    counter = await service.add_counter(argument_id, ALICE, FORTY)
    world.clock.advance(minutes=1)
    first = await service.add_rebuttal(counter.id, BOB, text(50))
    world.clock.advance(minutes=1)
    second = await service.add_rebuttal(first.id, ALICE, text(60))
    world.clock.advance(minutes=1)
    third = await service.add_rebuttal(second.id, CAROL, text(70))
    world.clock.advance(minutes=1)
    sibling = await service.add_rebuttal(counter.id, DAVE, text(80))

    tree = await store.list_contributions(argument_id)
    assert [(c.id, c.kind, c.parent_id, c.author_id, len(c.body)) for c in tree] == [
        (counter.id, "counter", None, ALICE, 40),
        (first.id, "rebuttal", counter.id, BOB, 50),
        (second.id, "rebuttal", first.id, ALICE, 60),
        (third.id, "rebuttal", second.id, CAROL, 70),
        (sibling.id, "rebuttal", counter.id, DAVE, 80),
    ]
    assert all(c.argument_id == argument_id for c in tree)
    assert third.created_at == T0.replace(minute=3)


async def test_rebuttal_refusals(store: Store, world: World) -> None:
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)

    with pytest.raises(OwnContribution) as own:
        await service.add_rebuttal(counter.id, ALICE, text(50))
    assert own.value.user_message == (
        "You can't rebut your own point. You can edit it within 15 minutes of posting, or "
        "answer someone else's.")

    with pytest.raises(UnknownTarget) as unknown:
        await service.add_rebuttal(987_654, BOB, text(50))
    assert unknown.value.user_message == (
        "This contribution is no longer in Counterpoint's record, so it can't take votes or "
        "replies.")
    with pytest.raises(UnknownTarget) as unknown:
        await service.add_counter(987_654, BOB, text(50))
    assert unknown.value.user_message == (
        "This argument is no longer in Counterpoint's record, so it can't take votes or "
        "replies.")

    rebuttal = await service.add_rebuttal(counter.id, BOB, text(50))
    await service.withdraw(rebuttal.id, BOB)
    with pytest.raises(Withdrawn) as closed:
        await service.add_rebuttal(rebuttal.id, CAROL, text(50))
    assert closed.value.user_message == (
        "This rebuttal was withdrawn by its author, so it can't take rebuttals any more.")

    with pytest.raises(TooLong) as long:
        await service.add_rebuttal(counter.id, CAROL, text(2000))
    assert long.value.user_message == (
        "Your rebuttal is 2000 characters; the maximum here is 1800. Shorten it and send it "
        "again.")
    assert [c.id for c in await store.list_contributions(world.arguments[0].id)] == [
        counter.id, rebuttal.id]


async def test_depth_limit(store: Store) -> None:
    world = await make_world(store, DebateRules(max_depth=3))
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)
    depth2 = await service.add_rebuttal(counter.id, BOB, FORTY)
    depth3 = await service.add_rebuttal(depth2.id, ALICE, FORTY)
    with pytest.raises(TooDeep) as deep:
        await service.add_rebuttal(depth3.id, BOB, FORTY)
    assert deep.value.user_message == (
        "This exchange is already 3 replies deep, as far as Counterpoint goes. Rebut an "
        "earlier point, or post a new counterargument.")
    # Shallower points of the same exchange still take rebuttals.
    assert (await service.add_rebuttal(depth2.id, CAROL, FORTY)).parent_id == depth2.id
    assert DebateRules().max_depth == 10


async def test_counter_inside_an_argument_thread(store: Store, world: World) -> None:
    argument = await store.record_argument_thread(world.arguments[1].id, 777_000)

    context = await world.service.thread_context(777_000)
    assert (context.piece, context.argument) == (world.piece, argument)

    counter = await world.service.counter_in_thread(777_000, ALICE, FORTY)
    assert (counter.argument_id, counter.kind, counter.body) == (argument.id, "counter", FORTY)

    for elsewhere in (None, 123_456):
        with pytest.raises(NotAnArgumentThread) as refused:
            await world.service.counter_in_thread(elsewhere, ALICE, FORTY)
        assert refused.value.user_message == (
            "Use /counter inside an argument's thread. Each argument of a posted piece has "
            "its own thread under the piece.")
    with pytest.raises(NotAnArgumentThread) as refused:
        await world.service.thread_context(123_456, command="/rebut")
    assert refused.value.user_message.startswith("Use /rebut inside an argument's thread.")


async def test_contribution_for_message_and_open_target(store: Store, world: World) -> None:
    counter = await world.service.add_counter(world.arguments[0].id, ALICE, FORTY)
    posted = await store.record_contribution_message(counter.id, 888_000)
    assert await world.service.contribution_for_message(888_000) == posted
    with pytest.raises(UnknownTarget) as unknown:
        await world.service.contribution_for_message(888_001)
    assert unknown.value.user_message == (
        "That message isn't a counterargument or rebuttal in Counterpoint's record. Pick the "
        "bot's message that shows it.")

    assert await world.service.open_target(VoteTarget.argument(world.arguments[0].id)) == \
        world.arguments[0]
    assert await world.service.open_target(VoteTarget.contribution(counter.id)) == posted
