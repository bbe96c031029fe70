"""The debate service enforces the guild's gates on votes, counters, rebuttals and awards, and
records the member's facts with each vote."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.debate import GateClosed
from bot.store import MemberFacts, Store, Tally, VoteTarget
from bot.store.records import DISCORD_EPOCH_MS
from tests.debate.helpers import FORTY, GUILD, T0, World

REASON = "The rent data from three cities convinced me here."


def facts(account_days: float, joined_days: float, n: int = 0) -> MemberFacts:
    made = T0 - timedelta(days=account_days)
    member_id = ((int(made.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) + n
    return MemberFacts(member_id, T0 - timedelta(days=joined_days))


async def test_every_action_is_gated(store: Store, world: World) -> None:
    service = world.service
    old, new = facts(400, 100, 1), facts(2, 1, 2)
    argument = world.arguments[0].id
    counter = await service.add_counter(argument, old.member_id, FORTY, facts=old)
    await store.update_guild_settings(GUILD, gate_account_age_s=7 * 86_400)
    service.forget_gates(GUILD)

    target = VoteTarget.argument(argument)
    with pytest.raises(GateClosed) as vote:
        await service.vote(target, new.member_id, 1, facts=new, guild_id=GUILD)
    assert vote.value.refusal.rule == "account_age"
    assert vote.value.refusal.qualifies_at == new.account_created_at + timedelta(days=7)
    with pytest.raises(GateClosed):
        await service.add_counter(argument, new.member_id, FORTY, facts=new)
    with pytest.raises(GateClosed):
        await service.add_rebuttal(counter.id, new.member_id, FORTY, facts=new)
    with pytest.raises(GateClosed):
        await service.changed_my_mind(new.member_id, counter.id, REASON, facts=new)
    assert await store.list_contributions(argument) == [counter]
    assert await store.tally(target) == Tally(0, 0)

    # Without facts (offline callers), nothing is checked; the vote is judged by its
    # account age all the same, which its id gives.
    await service.vote(target, new.member_id, -1)
    await service.vote(target, old.member_id, 1, facts=old, guild_id=GUILD)
    assert await store.tally(target) == Tally(1, 0)
    await store.update_guild_settings(GUILD, gate_account_age_s=None)
    assert await store.tally(target) == Tally(1, 1)


async def test_the_counter_rate(store: Store, world: World) -> None:
    service = world.service
    member = facts(400, 100)
    await store.update_guild_settings(GUILD, gate_counter_rate=2)
    for _ in range(2):
        await service.add_counter(world.arguments[0].id, member.member_id, FORTY, facts=member)
        world.clock.advance(minutes=10)
    with pytest.raises(GateClosed) as refused:
        await service.add_counter(world.arguments[1].id, member.member_id, FORTY, facts=member)
    assert refused.value.refusal.qualifies_at == T0 + timedelta(hours=1)
    world.clock.now = T0 + timedelta(hours=1)
    await service.add_counter(world.arguments[1].id, member.member_id, FORTY, facts=member)


async def test_gates_are_kept_briefly_and_forgotten_on_change(store: Store, world: World) -> None:
    service = world.service
    assert (await service.gates_for(GUILD)).off
    await store.update_guild_settings(GUILD, gate_counter_rate=3)
    assert (await service.gates_for(GUILD)).off  # read a moment ago
    service.forget_gates(GUILD)
    assert (await service.gates_for(GUILD)).counter_rate == 3
