""""Changed my mind" as DeltaBot would have it: someone else's live contribution, once, with an
explanation; the giver may withdraw it for a day, a moderator may revoke it with a reason."""

from __future__ import annotations

import pytest

from bot.debate import (
    AlreadyAwarded,
    AwardRevoked,
    AwardWindowClosed,
    DebateRules,
    NoAward,
    OwnContribution,
    TooLong,
    TooShort,
    UnknownAward,
    UnknownTarget,
    Withdrawn,
)
from bot.debate.errors import EmptyText
from bot.store import Award, Store
from tests.debate.helpers import ALICE, BOB, CAROL, DAVE, FORTY, GUILD, T0, World

#: A reason of 50 characters, the default minimum.
REASON = "The rent data from three cities convinced me here."
assert len(REASON) == 50
BOT = 999


async def test_changed_my_mind_once_and_not_on_ones_own(store: Store, world: World) -> None:
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)

    award = await service.changed_my_mind(BOB, counter.id, f"  {REASON[:18]}\n\t{REASON[19:]} ")
    assert award == Award(award.id, GUILD, BOB, counter.id, REASON, T0)
    assert award.active

    with pytest.raises(AlreadyAwarded) as again:
        await service.changed_my_mind(BOB, counter.id, REASON)
    assert again.value.user_message == (
        "You've already credited this contribution with changing your mind. Each member can "
        "do that once per contribution.")

    with pytest.raises(OwnContribution) as own:
        await service.changed_my_mind(ALICE, counter.id, REASON)
    assert own.value.user_message == (
        "You can't credit your own contribution with changing your mind. Save it for a point "
        "someone else made that moved you.")
    assert [(a.member_id, a.reason) for a in await store.list_awards(contribution_id=counter.id)
            ] == [(BOB, REASON)]
    assert await store.count_awards(counter.id) == 1


async def test_an_explanation_is_required(store: Store, world: World) -> None:
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)

    with pytest.raises(EmptyText) as blank:
        await service.changed_my_mind(BOB, counter.id, " \n ")
    assert blank.value.user_message == (
        "Your reason is empty. Write at least 50 characters and send it again.")
    with pytest.raises(TooShort) as short:
        await service.changed_my_mind(BOB, counter.id, "Good point.")
    assert short.value.user_message == (
        "Your reason is 11 characters; the minimum here is 50. Add a little more of your "
        "reasoning and send it again.")
    with pytest.raises(TooLong) as long:
        await service.changed_my_mind(BOB, counter.id, "y" * 301)
    assert long.value.user_message == (
        "Your reason is 301 characters; the maximum here is 300. Shorten it and send it "
        "again.")
    assert await store.list_awards(contribution_id=counter.id) == []

    # A server may ask for less (or more), never above the rules' maximum.
    await store.update_guild_settings(GUILD, award_min_reason=10)
    assert (await service.changed_my_mind(BOB, counter.id, "Good point.")).reason == "Good point."
    await store.update_guild_settings(GUILD, award_min_reason=5000)
    assert (await service.rules_for(GUILD)).min_reason_length == 300
    assert (await service.changed_my_mind(CAROL, counter.id, "y" * 300)).reason == "y" * 300


async def test_not_to_the_bot_and_not_on_closed_targets(world: World) -> None:
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)
    by_bot = await service.add_counter(world.arguments[1].id, BOT, FORTY)
    with pytest.raises(OwnContribution) as bot:
        await service.changed_my_mind(BOB, by_bot.id, REASON, bot_id=BOT)
    assert "Counterpoint's own posts can't be credited" in bot.value.user_message

    with pytest.raises(UnknownTarget):
        await service.changed_my_mind(BOB, 987_654, REASON)
    await service.withdraw(counter.id, ALICE)
    with pytest.raises(Withdrawn) as closed:
        await service.changed_my_mind(CAROL, counter.id, REASON)
    assert closed.value.user_message == (
        "This counterargument was withdrawn by its author, so it can't take awards any more.")


async def test_the_giver_withdraws_within_a_day(store: Store, world: World) -> None:
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)
    with pytest.raises(NoAward):
        await service.withdraw_award(BOB, counter.id)
    await service.changed_my_mind(BOB, counter.id, REASON)
    await service.changed_my_mind(CAROL, counter.id, REASON)

    world.clock.advance(hours=23, minutes=59)
    withdrawn = await service.withdraw_award(BOB, counter.id)
    assert withdrawn.withdrawn_at == world.clock.now and not withdrawn.active
    assert await store.count_awards(counter.id) == 1
    with pytest.raises(NoAward):
        await service.withdraw_award(BOB, counter.id)

    world.clock.advance(minutes=2)
    with pytest.raises(AwardWindowClosed) as late:
        await service.withdraw_award(CAROL, counter.id)
    assert late.value.user_message == (
        'You can withdraw a "changed my mind" only within 24 hours of giving it; you gave '
        "this one 24 hours ago, so it stays in the record.")

    # Withdrawn, it may be given again (once more: still one per member).
    again = await service.changed_my_mind(BOB, counter.id, REASON)
    assert again.active and again.created_at == world.clock.now
    assert await store.count_awards(counter.id) == 2
    assert len(await store.list_awards(contribution_id=counter.id)) == 2


async def test_a_moderator_revokes_with_a_reason(store: Store, world: World) -> None:
    service = world.service
    counter = await service.add_counter(world.arguments[0].id, ALICE, FORTY)
    award = await service.changed_my_mind(BOB, counter.id, REASON)

    with pytest.raises(EmptyText):
        await service.revoke_award(GUILD, award.id, DAVE, "  ")
    with pytest.raises(UnknownAward):
        await service.revoke_award(GUILD + 1, award.id, DAVE, "Another server's award")
    revoked = await service.revoke_award(GUILD, award.id, DAVE, "Alt account of the author")
    assert revoked.revocation is not None and not revoked.active
    assert (revoked.revocation.by, revoked.revocation.reason) == (
        DAVE, "Alt account of the author")
    assert await store.count_awards(counter.id) == 0
    assert await service.revoke_award(GUILD, award.id, CAROL, "again") == revoked
    log = await store.list_moderation(GUILD)
    assert [(e.actor_id, e.action, e.target) for e in log] == [
        (DAVE, "award.revoke", f"award:{award.id}")]
    assert log[0].details is not None and "Alt account of the author" in log[0].details

    with pytest.raises(AwardRevoked) as no_again:
        await service.changed_my_mind(BOB, counter.id, REASON)
    assert no_again.value.user_message == (
        "A moderator revoked your credit to this contribution (Alt account of the author), "
        "so you can't give it again.")
    with pytest.raises(AwardRevoked):
        await service.withdraw_award(BOB, counter.id)


def test_rules_bound_the_minimum_reason() -> None:
    with pytest.raises(ValueError, match="min_reason_length"):
        DebateRules(min_reason_length=400)
