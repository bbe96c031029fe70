"""The gates as pure functions: settings + member facts + now -> allowed, or which rule and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.debate.gates import (
    ALLOWED,
    GateAction,
    Gates,
    Refusal,
    check,
    discord_time,
    established,
)
from bot.store import GuildSettings, MemberFacts
from bot.store.records import DISCORD_EPOCH_MS, snowflake_time

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
ROLE = 555


def member_created(at: datetime, *, joined: datetime | None = None,
                   roles: frozenset[int] = frozenset()) -> MemberFacts:
    """A member whose account (its id, a snowflake) was made at ``at``."""
    snowflake = (int(at.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22
    return MemberFacts(snowflake, joined, roles)


def refusal(gates: Gates, facts: MemberFacts, action: GateAction, rule: str,
            qualifies_at: datetime | None, recent: list[datetime] | None = None) -> str:
    """The message of the refusal ``check`` gives at ``NOW``, asserted to name ``rule`` and to
    say the member qualifies at ``qualifies_at`` (None: it cannot say when)."""
    decision = check(gates, facts, action, NOW, recent=recent or [])
    assert isinstance(decision, Refusal)
    assert (decision.rule, decision.qualifies_at) == (rule, qualifies_at)
    return decision.message


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def test_every_gate_is_off_by_default() -> None:
    gates = Gates.from_settings(GuildSettings(guild_id=1))
    assert gates.off
    brand_new = member_created(NOW, joined=NOW)
    for action in ("vote", "counter", "award"):
        assert check(gates, brand_new, action, NOW, recent=[NOW] * 50) is ALLOWED


def test_snowflake_time_is_the_accounts_creation() -> None:
    facts = member_created(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert facts.account_created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert snowflake_time(0) == datetime(2015, 1, 1, tzinfo=UTC)


def test_account_too_new_names_the_rule_and_when() -> None:
    gates = Gates(account_age=timedelta(days=7))
    facts = member_created(NOW - timedelta(days=2), joined=NOW - timedelta(days=1))
    ready = NOW + timedelta(days=5)
    assert refusal(gates, facts, "vote", "account_age", ready) == (
        "You can't vote here yet: this server counts only Discord accounts at least 7 days "
        f"old, and yours is 2 days. You'll qualify <t:{unix(ready)}:R> "
        f"(<t:{unix(ready)}:f>).")
    # At the very moment, and after, the member qualifies.
    assert check(gates, facts, "vote", ready) is ALLOWED


def test_joined_too_recently() -> None:
    gates = Gates(account_age=timedelta(days=7), membership=timedelta(hours=24))
    facts = member_created(NOW - timedelta(days=400), joined=NOW - timedelta(hours=3))
    ready = NOW + timedelta(hours=21)
    assert refusal(gates, facts, "counter", "membership", ready) == (
        "You can't post counterarguments or rebuttals here yet: this server counts only "
        "members who joined at least 24 hours ago, and you joined 3 hours ago. You'll qualify "
        f"{discord_time(ready)}.")
    unknown = check(gates, member_created(NOW - timedelta(days=400)), "vote", NOW)
    assert isinstance(unknown, Refusal) and unknown.qualifies_at is None


def test_missing_role_cannot_say_when() -> None:
    gates = Gates(role_id=ROLE)
    facts = member_created(NOW - timedelta(days=400), joined=NOW - timedelta(days=40),
                           roles=frozenset({1, 2}))
    assert refusal(gates, facts, "award", "role", None) == (
        "You can't credit a point with changing your mind here yet: this server counts only "
        f"members with the <@&{ROLE}> role. You'll qualify once the server's moderators give "
        "it to you; ask them how.")
    assert check(gates, MemberFacts(facts.member_id, facts.joined_at, frozenset({ROLE})),
                 "award", NOW) is ALLOWED


def test_counter_rate_counts_the_last_hour_and_says_when_one_leaves_it() -> None:
    gates = Gates(counter_rate=3)
    facts = member_created(NOW - timedelta(days=400), joined=NOW - timedelta(days=40))
    posts = [NOW - timedelta(minutes=m) for m in (70, 50, 20, 5)]  # the first is too old
    ready = NOW - timedelta(minutes=50) + timedelta(hours=1)
    assert refusal(gates, facts, "counter", "counter_rate", ready, recent=posts) == (
        "You've posted 3 counterarguments and rebuttals in the last hour; this server allows "
        f"3 per member per hour. You can post again {discord_time(ready)}.")
    assert check(gates, facts, "counter", ready, recent=posts) is ALLOWED
    # The rate limits posting only: votes and awards are not counted against it.
    assert check(gates, facts, "vote", NOW, recent=posts) is ALLOWED


def test_rules_are_reported_in_order() -> None:
    gates = Gates(account_age=timedelta(days=1), membership=timedelta(days=1), role_id=ROLE)
    fresh = member_created(NOW, joined=NOW)
    first = check(gates, fresh, "vote", NOW)
    assert isinstance(first, Refusal) and first.rule == "account_age"
    older = member_created(NOW - timedelta(days=2), joined=NOW)
    second = check(gates, older, "vote", NOW)
    assert isinstance(second, Refusal) and second.rule == "membership"


@pytest.mark.parametrize(("account_days", "member_days", "expected"), [
    (40, 40, True), (40, 2, False), (2, 40, False), (30, 30, True)])
def test_established(account_days: int, member_days: int, expected: bool) -> None:
    gates = Gates(established=timedelta(days=30))
    facts = member_created(NOW - timedelta(days=account_days),
                           joined=NOW - timedelta(days=member_days))
    assert established(gates, facts, NOW) is expected
    assert established(Gates(), facts, NOW) is True


def test_settings_lines_for_moderators() -> None:
    gates = Gates.from_settings(GuildSettings(
        guild_id=1, gate_account_age_s=7 * 86400, gate_membership_s=86400, gate_role_id=ROLE,
        gate_counter_rate=5, established_s=30 * 86400))
    assert gates.lines() == [
        "Account age: at least 7 days", "Time in the server: at least 24 hours",
        f"Required role: <@&{ROLE}>",
        "Counterarguments and rebuttals: at most 5 per member per hour",
        "Established members' tally: accounts and members of at least 30 days"]
    with pytest.raises(ValueError, match="gate_counter_rate"):
        GuildSettings(guild_id=1, gate_counter_rate=0).validate()
