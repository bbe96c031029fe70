"""Gates in the store: votes keep the facts of their moment, tallies and summaries apply the
gates in force now to them (recomputed from rows), and nothing is lost when a setting changes."""

from __future__ import annotations

from datetime import timedelta

from bot.store import MemberFacts, Store, Tally, VoteTarget
from bot.store.gates import encode_roles, vote_facts
from bot.store.records import DISCORD_EPOCH_MS
from tests.store.helpers import GUILD, T0, at, published_piece

DAY = 86_400
ROLE = 777


def member(account_days: float, joined_days: float | None, *, roles: frozenset[int] = frozenset(),
           n: int = 0) -> MemberFacts:
    """A member whose account was made ``account_days`` before T0 and who joined
    ``joined_days`` before it (``n`` tells apart members made at the same moment)."""
    made = T0 - timedelta(days=account_days)
    snowflake = ((int(made.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22) + n
    joined = None if joined_days is None else T0 - timedelta(days=joined_days)
    return MemberFacts(snowflake, joined, roles)


def test_vote_facts() -> None:
    facts = member(10, 2, roles=frozenset({3, 1}))
    assert vote_facts(facts, facts.member_id, T0) == (10 * DAY, 2 * DAY, ",1,3,")
    # Without the interaction's facts the account age still comes from the id.
    assert vote_facts(None, facts.member_id, T0) == (10 * DAY, None, None)
    assert encode_roles([]) == ","


async def test_tallies_apply_the_current_gates_to_recorded_votes(store: Store) -> None:
    _, arguments = await published_piece(store)
    target = VoteTarget.argument(arguments[0].id)
    veteran = member(400, 300, roles=frozenset({ROLE}), n=1)
    regular = member(60, 10, roles=frozenset({ROLE}), n=2)
    newcomer = member(2, 1, n=3)
    raider = member(0.5, 0.1, n=4)
    for facts, value in ((veteran, 1), (regular, 1), (newcomer, -1), (raider, -1)):
        await store.cast_vote(target, facts.member_id, value, now=T0, facts=facts)
    # A vote of a member Discord said nothing about (an old vote, an offline caller).
    unknown = member(1, None, n=5)
    await store.cast_vote(target, unknown.member_id, -1, now=T0)
    assert await store.tally(target) == Tally(2, 3)

    await store.update_guild_settings(GUILD, gate_account_age_s=7 * DAY)
    assert await store.tally(target) == Tally(2, 0)  # the unknown member's age is in its id
    await store.update_guild_settings(GUILD, gate_account_age_s=None, gate_membership_s=DAY)
    # The raider joined 2.4 hours before voting; the unknown member's join time is unknown.
    assert await store.tally(target) == Tally(2, 2)
    await store.update_guild_settings(GUILD, gate_membership_s=None, gate_role_id=ROLE)
    assert await store.tally(target) == Tally(2, 1)  # unknown roles count
    await store.update_guild_settings(GUILD, gate_role_id=None)
    # Every setting back off: every vote is back, none was lost.
    assert await store.tally(target) == Tally(2, 3)
    assert await store.get_vote(target, raider.member_id) == -1


async def test_the_established_tally(store: Store) -> None:
    _, arguments = await published_piece(store)
    target = VoteTarget.argument(arguments[0].id)
    for n, facts in enumerate((member(400, 300), member(400, 5), member(3, 3))):
        facts = MemberFacts(facts.member_id + n, facts.joined_at, facts.role_ids)
        await store.cast_vote(target, facts.member_id, 1, now=T0, facts=facts)
    assert await store.tallies(target) == (Tally(3, 0), Tally(3, 0))
    await store.update_guild_settings(GUILD, established_s=30 * DAY)
    assert await store.tallies(target) == (Tally(3, 0), Tally(1, 0))


async def test_a_switched_vote_records_the_facts_of_its_new_moment(store: Store) -> None:
    _, arguments = await published_piece(store)
    target = VoteTarget.argument(arguments[0].id)
    facts = member(2, 2)
    await store.update_guild_settings(GUILD, gate_account_age_s=3 * DAY)
    await store.cast_vote(target, facts.member_id, 1, now=T0, facts=facts)
    assert await store.tally(target) == Tally(0, 0)
    await store.cast_vote(target, facts.member_id, -1, now=T0 + timedelta(days=2),
                          facts=facts)
    assert await store.tally(target) == Tally(0, 1)


async def test_summaries_agree_with_the_tallies_under_gates(store: Store) -> None:
    _, arguments = await published_piece(store)
    counter = await store.add_contribution(arguments[0].id, 42, "A counter of enough length.",
                                           now=at(1))
    argument, contribution = VoteTarget.argument(arguments[0].id), \
        VoteTarget.contribution(counter.id)
    old, new = member(400, 300, n=1), member(1, 1, n=2)
    for facts in (old, new):
        await store.cast_vote(argument, facts.member_id, -1, now=at(2), facts=facts)
        await store.cast_vote(contribution, facts.member_id, 1, now=at(2), facts=facts)

    async def week() -> tuple[tuple[int, int], tuple[int, int]]:
        stats = await store.argument_stats(GUILD, T0, T0 + timedelta(days=7))
        first = next(s for s in stats if s.argument_id == arguments[0].id)
        contributions = await store.contribution_stats(GUILD, T0, T0 + timedelta(days=7))
        (c,) = contributions
        return (first.agree, first.disagree), (c.agree, c.disagree)

    assert await week() == ((0, 2), (2, 0))
    await store.update_guild_settings(GUILD, gate_account_age_s=7 * DAY)
    assert await week() == ((0, 1), (1, 0))
    assert await store.tally(argument) == Tally(0, 1)
    assert await store.tally(contribution) == Tally(1, 0)
    await store.update_guild_settings(GUILD, gate_account_age_s=None)
    assert await week() == ((0, 2), (2, 0))


async def test_recent_contributions_for_the_counter_rate(store: Store) -> None:
    _, arguments = await published_piece(store)
    times = [at(0), at(0.5), at(1.2), at(1.9)]
    for moment in times:
        made = await store.add_contribution(arguments[0].id, 42, "A counter of enough length.",
                                            now=moment)
    await store.withdraw_contribution(made.id, now=at(1.95))  # withdrawn ones still count
    await store.add_contribution(arguments[0].id, 43, "Someone else's counterargument.",
                                 now=at(1.5))
    assert await store.recent_contributions(GUILD, 42, at(2)) == [at(1.2), at(1.9)]
    assert await store.recent_contributions(GUILD + 1, 42, at(2)) == []


async def test_awards_withdrawn_or_revoked_leave_the_summary(store: Store) -> None:
    _, arguments = await published_piece(store)
    counter = await store.add_contribution(arguments[0].id, 42, "A counter of enough length.",
                                           now=at(1))
    kept = await store.award_changed_mind(1, counter.id, "reason one", now=at(2))
    taken_back = await store.award_changed_mind(2, counter.id, "reason two", now=at(2))
    revoked = await store.award_changed_mind(3, counter.id, "reason three", now=at(2))
    assert kept and taken_back and revoked
    assert await store.withdraw_award(taken_back.id, now=at(3)) is not None
    assert await store.withdraw_award(taken_back.id, now=at(4)) is None
    await store.revoke_award(revoked.id, 99, "brigade", now=at(3))
    assert await store.count_awards(counter.id) == 1
    (stats,) = await store.contribution_stats(GUILD, T0, T0 + timedelta(days=7))
    assert stats.awards == 1
    # Withdrawn, given again; revoked, never again.
    assert await store.award_changed_mind(2, counter.id, "again", now=at(5)) is not None
    assert await store.award_changed_mind(3, counter.id, "again", now=at(5)) is None
    assert await store.count_awards(counter.id) == 2
    people = await store.participation(GUILD, T0, T0 + timedelta(days=7))
    assert {1, 2} <= people.active and 3 not in people.active


async def test_board_opt_in_and_out(store: Store) -> None:
    assert await store.board_names(GUILD) == {}
    first = await store.opt_in_boards(GUILD, 1, "Alice", now=T0)
    again = await store.opt_in_boards(GUILD, 1, "Alice L.", now=at(1))
    assert (again.display_name, again.opted_in_at) == ("Alice L.", first.opted_in_at)
    await store.opt_in_boards(GUILD, 2, "Bob", now=T0)
    await store.opt_in_boards(GUILD + 1, 3, "Elsewhere", now=T0)
    assert await store.board_names(GUILD) == {1: "Alice L.", 2: "Bob"}
    assert await store.opt_out_boards(GUILD, 2) is True
    assert await store.opt_out_boards(GUILD, 2) is False
    assert await store.board_names(GUILD) == {1: "Alice L."}


async def test_messages_whose_tallies_a_gate_change_moves(store: Store) -> None:
    _, old_args = await published_piece(store, url="https://example.org/old",
                                          published=T0 - timedelta(days=10))
    _, new_args = await published_piece(store, url="https://example.org/new",
                                          published=T0)
    for n, argument in enumerate([*old_args, *new_args], start=1):
        await store.record_argument_thread(argument.id, 9000 + n)
        await store.record_argument_opening(argument.id, 8000 + n, now=T0)
    shown = await store.add_contribution(new_args[0].id, 42, "A counter of enough length.",
                                         now=at(1))
    await store.record_contribution_message(shown.id, 7001)
    gone = await store.add_contribution(new_args[0].id, 43, "A counter taken back later.",
                                        now=at(1))
    await store.record_contribution_message(gone.id, 7002)
    await store.withdraw_contribution(gone.id, now=at(2))
    await store.add_contribution(new_args[1].id, 44, "A counter never shown.", now=at(1))

    found = await store.messages_with_tallies(GUILD, T0 - timedelta(days=7))
    assert sorted(found, key=lambda f: f[1]) == sorted(
        [(9004, 8004, VoteTarget.argument(new_args[0].id)),
         (9005, 8005, VoteTarget.argument(new_args[1].id)),
         (9006, 8006, VoteTarget.argument(new_args[2].id)),
         (9004, 7001, VoteTarget.contribution(shown.id))], key=lambda f: f[1])
    assert len(await store.messages_with_tallies(GUILD, T0 - timedelta(days=30))) == 7
    assert len(await store.messages_with_tallies(GUILD, T0 - timedelta(days=30), limit=2)) == 2
    assert await store.messages_with_tallies(GUILD + 1, T0 - timedelta(days=30)) == []
