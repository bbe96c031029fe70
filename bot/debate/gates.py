"""Gates against brigading: who may vote, counter (or rebut) and award, as pure functions.

``check(gates, facts, action, now)`` takes a guild's gates, what the interaction says about
the member (their account's age is in their id, their join time and roles come with every
interaction; no privileged intent) and the time, and returns :data:`ALLOWED` or a
:class:`Refusal` naming the rule and *when* the member will qualify. Every gate is off until
a moderator sets it.

Decisions, and why:

- **Account age and time in the server** are the two signs of a raid: accounts made for it,
  or members who joined for it. Both are measured at the moment of the action, so a member
  always knows the exact time they will qualify (a Discord timestamp, shown in their zone).
- **The required role** is for servers that verify members (a rules screen, a bot of their
  own). Nobody can say when a role will be given, so the refusal says who gives it.
- **The counter rate** counts counters and rebuttals in the last hour, withdrawn ones too
  (withdrawing must not reset it); the member qualifies again an hour after the oldest of
  them.
- **The established tally** does not refuse anyone: votes from members whose account and time
  in the server both reach ``established`` are counted again on their own, and shown beside
  the full tally where the two differ, so a sudden wave of new accounts is visible.
- Tallies apply the gates in force *now* to the facts recorded with each vote *when it was
  cast* (:mod:`bot.store.gates` holds the same rule in SQL), so changing a setting never
  loses a vote: a gate lowered again brings the votes back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.debate.errors import DebateError, duration
from bot.store.records import GuildSettings, MemberFacts

GateAction = Literal["vote", "counter", "award"]
GateRule = Literal["account_age", "membership", "role", "counter_rate"]

#: What each action is called in a refusal ("You can't ... yet").
VERBS: dict[GateAction, str] = {
    "vote": "vote",
    "counter": "post counterarguments or rebuttals",
    "award": "credit a point with changing your mind",
}
RATE_WINDOW = timedelta(hours=1)


def discord_time(moment: datetime) -> str:
    """``<t:…:R> (<t:…:f>)``: "in 3 days (9 December 2026 10:00)" in each member's own zone;
    rounded up to the second, so it never says a moment before the member qualifies."""
    seconds = math.ceil(moment.timestamp())
    return f"<t:{seconds}:R> (<t:{seconds}:f>)"


@dataclass(frozen=True, slots=True)
class Gates:
    """A guild's gates; ``None`` (or an empty role) is a gate that is off."""

    account_age: timedelta | None = None
    membership: timedelta | None = None
    role_id: int | None = None
    counter_rate: int | None = None
    established: timedelta | None = None

    @classmethod
    def from_settings(cls, settings: GuildSettings) -> Gates:
        def span(seconds: int | None) -> timedelta | None:
            return None if seconds is None else timedelta(seconds=seconds)

        return cls(account_age=span(settings.gate_account_age_s),
                   membership=span(settings.gate_membership_s),
                   role_id=settings.gate_role_id, counter_rate=settings.gate_counter_rate,
                   established=span(settings.established_s))

    @property
    def off(self) -> bool:
        """No gate refuses anyone (the established tally refuses nobody either way)."""
        return (self.account_age is None and self.membership is None and self.role_id is None
                and self.counter_rate is None)

    def lines(self) -> list[str]:
        """The gates as a moderator reads them, one line each (all of them, on or off)."""
        return [
            "Account age: " + (f"at least {duration(self.account_age)}"
                               if self.account_age else "off"),
            "Time in the server: " + (f"at least {duration(self.membership)}"
                                      if self.membership else "off"),
            "Required role: " + (f"<@&{self.role_id}>" if self.role_id else "off"),
            "Counterarguments and rebuttals: " + (
                f"at most {self.counter_rate} per member per hour" if self.counter_rate
                else "no limit"),
            "Established members' tally: " + (
                f"accounts and members of at least {duration(self.established)}"
                if self.established else "off"),
        ]


@dataclass(frozen=True, slots=True)
class Allowed:
    """The member may go ahead."""

    allowed: bool = True


ALLOWED = Allowed()


@dataclass(frozen=True, slots=True)
class Refusal:
    """Which rule refused the member, when they will qualify (``None``: nobody can say, e.g.
    a role a moderator has to give), and the message to show them."""

    rule: GateRule
    qualifies_at: datetime | None
    message: str
    allowed: bool = False


Decision = Allowed | Refusal


class GateClosed(DebateError):
    """A gate refused the member: ``refusal`` says which and when they will qualify."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def check(gates: Gates, facts: MemberFacts, action: GateAction, now: datetime, *,
          recent: tuple[datetime, ...] | list[datetime] = ()) -> Decision:
    """May the member do ``action`` now? ``recent``: when they posted counters and rebuttals
    in the hour up to ``now`` (only read for ``counter``). The first rule that refuses is the
    one reported, in the order account age, time in the server, role, rate; the later ones
    are reported once the earlier are met."""
    now = now.astimezone(UTC)
    verb = VERBS[action]
    if gates.account_age is not None:
        wait = _wait(facts.account_created_at, gates.account_age, now)
        if wait is not None:
            ready, age = wait
            return _counts_only("account_age", ready, verb, (
                f"Discord accounts at least {duration(gates.account_age)} old, and yours is "
                f"{age}. You'll qualify {discord_time(ready)}."))
    if gates.membership is not None:
        joined = f"members who joined at least {duration(gates.membership)} ago"
        if facts.joined_at is None:
            return _counts_only("membership", None, verb, (
                f"{joined}, and Discord didn't say when you joined. Try again in a moment."))
        wait = _wait(facts.joined_at, gates.membership, now)
        if wait is not None:
            ready, since = wait
            return _counts_only("membership", ready, verb, (
                f"{joined}, and you joined {since} ago. You'll qualify {discord_time(ready)}."))
    if gates.role_id is not None and gates.role_id not in facts.role_ids:
        return _counts_only("role", None, verb, (
            f"members with the <@&{gates.role_id}> role. You'll qualify once the server's "
            "moderators give it to you; ask them how."))
    if action == "counter" and gates.counter_rate is not None:
        window = sorted(t for t in recent if now - RATE_WINDOW < t <= now)
        if len(window) >= gates.counter_rate:
            # The oldest posts leave the hour first: the member may post again once enough
            # of them have left it to fall under the limit.
            ready = window[len(window) - gates.counter_rate] + RATE_WINDOW
            return Refusal("counter_rate", ready, (
                f"You've posted {_posts(len(window))} in the "
                f"last hour; this server allows {gates.counter_rate} per member per hour. "
                f"You can post again {discord_time(ready)}."))
    return ALLOWED


def established(gates: Gates, facts: MemberFacts, at: datetime) -> bool:
    """Whether a vote cast ``at`` counts in the established members' tally (unknown join
    time counts, as the store counts it)."""
    if gates.established is None:
        return True
    if at - facts.account_created_at < gates.established:
        return False
    return facts.joined_at is None or at - facts.joined_at >= gates.established


def _wait(since: datetime, span: timedelta, now: datetime) -> tuple[datetime, str] | None:
    """While ``span`` after ``since`` is still to come: that moment, and how long ago
    ``since`` was, as a member reads it; ``None`` once it has come."""
    ready = since.astimezone(UTC) + span
    if now >= ready:
        return None
    age = max(now - since, timedelta(0))
    return ready, "less than a minute" if age < timedelta(minutes=1) else duration(age)


def _counts_only(rule: GateRule, ready: datetime | None, verb: str, whom: str) -> Refusal:
    """The refusal of a gate on who the member is: ``whom`` the server counts, and when (or
    how) this member will qualify."""
    return Refusal(rule, ready, f"You can't {verb} here yet: this server counts only {whom}")


def _posts(count: int) -> str:
    return ("1 counterargument or rebuttal" if count == 1
            else f"{count} counterarguments and rebuttals")
