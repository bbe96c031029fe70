"""The debate rules as a service over the store: one method per member action.

Cogs call one method and render what it returns, or reply ``error.user_message`` to the
:class:`~bot.debate.errors.DebateError` it raises. The service never returns who voted: vote
results carry totals and the acting member's own vote only.

Checks run before the store's write, in separate statements; a target withdrawn in the
instant between the check and the write can still take that one vote or reply. That race is
harmless (withdrawn contributions stay in the record) and not worth a store transaction per
rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from bot.debate.errors import (
    AlreadyAwarded,
    AwardRevoked,
    AwardWindowClosed,
    EditWindowClosed,
    EmptyText,
    Locked,
    NoAward,
    NotAnArgumentThread,
    NotYours,
    OwnContribution,
    Removed,
    TooDeep,
    TooLong,
    UnknownAward,
    UnknownTarget,
    Withdrawn,
)
from bot.debate.gates import GateAction, GateClosed, Gates, Refusal, check
from bot.debate.rules import DebateRules, clean_reason
from bot.store import Store
from bot.store.records import (
    AGREE,
    DISAGREE,
    ArgumentRecord,
    Award,
    Contribution,
    MemberFacts,
    NotFound,
    PieceRecord,
    Tally,
    VoteClick,
    VoteTarget,
)

Clock = Callable[[], datetime]
#: Seconds a guild's gates are kept between reads (see ``DebateService.gates_for``).
GATES_TTL = 5.0
VoteAction = Literal["cast", "switched", "withdrawn", "repeated", "unchanged"]

# The store says "added"; members "cast" a vote.
_ACTIONS: dict[str, VoteAction] = {"added": "cast", "switched": "switched",
                                   "withdrawn": "withdrawn", "repeated": "repeated",
                                   "unchanged": "unchanged"}
REPEATED = ("Got it: that click is already counted. Click again in a moment if you want to "
            "withdraw your vote.")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class VoteResult:
    """What one click did: ``value`` is the member's vote now (``None`` once withdrawn)."""

    target: VoteTarget
    action: VoteAction
    value: int | None
    tally: Tally

    #: The value of the click answered (what the member meant, for the reply).
    clicked: int | None = field(default=None, compare=False)

    @property
    def confirmation(self) -> str:
        """A one-line ephemeral reply, e.g. "You agree. Now 3 agree, 1 disagree."."""
        stance = "agree" if self.value == AGREE else "disagree"
        if self.action == "repeated" or (self.action == "unchanged"
                                         and self.value == self.clicked):
            return REPEATED
        said = {"cast": f"You {stance}.", "switched": f"You now {stance}.",
                "withdrawn": "Your vote is withdrawn.",
                # A click that reached the bot after a later one: the later one decides.
                "unchanged": (f"Your later click counts: you {stance}." if self.value
                              else "Your later click counts: you have no vote here."),
                }[self.action]
        return f"{said} Now {self.tally.agree} agree, {self.tally.disagree} disagree."


@dataclass(frozen=True, slots=True)
class ThreadContext:
    """The argument a thread belongs to, with its piece."""

    piece: PieceRecord
    argument: ArgumentRecord


class DebateService:
    """Votes, counterarguments, rebuttals, edits, withdrawals and awards, with their rules.

    ``rules`` are the bot-wide limits; a guild's moderators may set their own minimum length
    (``GuildSettings.min_counter_length``), applied per call. ``clock`` gives every timestamp
    written and the edit-window checks, so tests pin time by passing their own.
    """

    def __init__(self, store: Store, rules: DebateRules | None = None, *,
                 clock: Clock = utc_now) -> None:
        self.store = store
        self.rules = rules or DebateRules()
        self.clock = clock
        self._gates: dict[int, tuple[float, Gates]] = {}

    async def rules_for(self, guild_id: int) -> DebateRules:
        """The rules in force in a guild (e.g. for a modal's min/max length hints)."""
        return self.rules.for_guild(await self.store.get_guild_settings(guild_id))

    # --- gates ------------------------------------------------------------------------------

    async def gates_for(self, guild_id: int) -> Gates:
        """The gates in force in a guild (all off until its moderators set them).

        Every vote checks them, so they are kept for ``GATES_TTL`` seconds rather than read
        on each click (a store round trip per vote, under SQLite's one writer lock): a change
        made in this process applies at once (:meth:`forget_gates`), one made by another
        process sharing the database within ``GATES_TTL``.
        """
        now = time.monotonic()
        cached = self._gates.get(guild_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        gates = Gates.from_settings(await self.store.get_guild_settings(guild_id))
        self._gates[guild_id] = (now + GATES_TTL, gates)
        return gates

    def forget_gates(self, guild_id: int) -> None:
        """A guild's settings changed: read its gates afresh on the next action."""
        self._gates.pop(guild_id, None)

    async def check_gate(self, guild_id: int, facts: MemberFacts | None,
                         action: GateAction) -> None:
        """``GateClosed`` if the guild's gates refuse the member ``action`` now; nothing to
        check without ``facts`` (offline callers, tests of other rules)."""
        if facts is None:
            return
        gates = await self.gates_for(guild_id)
        if gates.off:
            return
        now = self.clock()
        recent: list[datetime] = []
        if action == "counter" and gates.counter_rate is not None:
            recent = await self.store.recent_contributions(guild_id, facts.member_id, now)
        decision = check(gates, facts, action, now, recent=recent)
        if isinstance(decision, Refusal):
            raise GateClosed(decision)

    # --- targets ----------------------------------------------------------------------------

    async def _argument(self, argument_id: int) -> ArgumentRecord:
        argument = await self.store.get_argument(argument_id)
        if argument is None:
            raise UnknownTarget("argument", argument_id)
        return argument

    async def _contribution(self, contribution_id: int, *, open_for: str | None = None
                            ) -> Contribution:
        """The contribution; with ``open_for`` ("votes", "rebuttals"...) it must be live."""
        contribution = await self.store.get_contribution(contribution_id)
        if contribution is None:
            raise UnknownTarget("contribution", contribution_id)
        if open_for is not None and contribution.withdrawn:
            raise Withdrawn(contribution.kind, contribution.id, open_for)
        if open_for is not None and contribution.removed:
            raise Removed(contribution.kind, contribution.id, open_for)
        return contribution

    async def _open_argument(self, argument_id: int) -> ArgumentRecord:
        """The argument, if its debate takes new counterarguments and rebuttals."""
        argument = await self._argument(argument_id)
        if argument.lock is not None:
            raise Locked(argument.lock.reason)
        return argument

    async def open_target(self, target: VoteTarget) -> ArgumentRecord | Contribution:
        """The target if it can take votes and replies (an argument in the store, a
        contribution not withdrawn), else ``UnknownTarget`` / ``Withdrawn``.

        Cogs call it before opening a modal, so nobody types a reply to a dead target.
        """
        if target.kind == "argument":
            return await self._argument(target.id)
        if target.kind == "contribution":
            return await self._contribution(target.id, open_for="votes or replies")
        raise ValueError(f"unknown target kind {target.kind!r}")

    async def open_for_replies(self, target: VoteTarget) -> ArgumentRecord | Contribution:
        """As :meth:`open_target`, and its debate not locked by a moderator (``Locked``):
        checked before a Counter or Rebut form opens."""
        found = await self.open_target(target)
        if isinstance(found, ArgumentRecord):
            if found.lock is not None:
                raise Locked(found.lock.reason)
        else:
            await self._open_argument(found.argument_id)
        return found

    async def thread_context(self, thread_id: int | None, *, command: str = "/counter"
                             ) -> ThreadContext:
        """The argument whose thread ``thread_id`` is (``None``: not in a thread at all).

        ``NotAnArgumentThread`` names ``command`` so the member learns where it works.
        """
        argument = None if thread_id is None else \
            await self.store.get_argument_by_thread(thread_id)
        if argument is None:
            raise NotAnArgumentThread(command)
        piece = await self.store.get_piece(argument.piece_id)
        if piece is None:  # cascades make this unreachable; refuse rather than crash
            raise NotAnArgumentThread(command)
        return ThreadContext(piece, argument)

    async def contribution_for_message(self, message_id: int) -> Contribution:
        """The contribution shown by a bot message (for message context menus)."""
        contribution = await self.store.get_contribution_by_message(message_id)
        if contribution is None:
            raise UnknownTarget(
                "contribution", message_id,
                "That message isn't a counterargument or rebuttal in Counterpoint's record. "
                "Pick the bot's message that shows it.")
        return contribution

    # --- votes ------------------------------------------------------------------------------

    async def vote(self, target: VoteTarget, member_id: int, value: int, *,
                   click: VoteClick | None = None, debounce: float = 0.0,
                   facts: MemberFacts | None = None, guild_id: int | None = None
                   ) -> VoteResult:
        """Apply one Agree (+1) / Disagree (-1) click: a first click casts, the same click
        again withdraws, the other one switches. One vote per member and target, however
        many clicks race; with ``click`` (Discord's id and time of the click) in the order
        the member clicked, however the clicks arrive, and a click of the same button less
        than ``debounce`` seconds after the last counted one is a double click.

        With ``facts`` and ``guild_id`` (the interaction's), the guild's gates are checked
        first and the facts recorded with the vote, for tallies under later settings."""
        if value not in (AGREE, DISAGREE):
            raise ValueError(f"a vote is +1 or -1, not {value!r}")
        if guild_id is not None:
            await self.check_gate(guild_id, facts, "vote")
        if target.kind != "argument":
            # A withdrawn contribution takes no votes. An argument needs no separate read:
            # cast_vote finds its piece in the same transaction and says NotFound if it is gone,
            # and every store round trip saved here is one more vote a second under load.
            await self.open_target(target)
        try:
            outcome = await self.store.cast_vote(target, member_id, value, now=self.clock(),
                                                 click=click, debounce=debounce, facts=facts)
        except NotFound:
            raise UnknownTarget(target.kind, target.id) from None
        return VoteResult(target, _ACTIONS[outcome.action], outcome.value, outcome.tally,
                          value)

    # --- counterarguments and rebuttals -----------------------------------------------------

    async def add_counter(self, argument_id: int, author_id: int, body: str, *,
                          facts: MemberFacts | None = None) -> Contribution:
        """A counterargument to an argument (not locked; ``facts``: the guild's gates are
        checked)."""
        argument = await self._open_argument(argument_id)
        piece = await self.store.get_piece(argument.piece_id)
        if piece is None:
            raise UnknownTarget("argument", argument_id)
        await self.check_gate(piece.guild_id, facts, "counter")
        text = (await self.rules_for(piece.guild_id)).check_body(body, "counter")
        try:
            return await self.store.add_contribution(
                argument_id, author_id, text, kind="counter", now=self.clock())
        except NotFound:
            raise UnknownTarget("argument", argument_id) from None

    async def counter_in_thread(self, thread_id: int | None, author_id: int, body: str, *,
                                facts: MemberFacts | None = None) -> Contribution:
        """``/counter text:`` typed inside an argument's thread."""
        context = await self.thread_context(thread_id, command="/counter")
        return await self.add_counter(context.argument.id, author_id, body, facts=facts)

    async def add_rebuttal(self, parent_contribution_id: int, author_id: int, body: str, *,
                           facts: MemberFacts | None = None) -> Contribution:
        """A rebuttal to a counter or to another rebuttal (not the author's own)."""
        parent = await self._contribution(parent_contribution_id, open_for="rebuttals")
        if parent.author_id == author_id:
            raise OwnContribution.rebuttal(self.rules.edit_window)
        await self._open_argument(parent.argument_id)
        await self.check_gate(parent.guild_id, facts, "counter")
        rules = await self.rules_for(parent.guild_id)
        if await self._depth(parent) >= rules.max_depth:
            raise TooDeep(rules.max_depth)
        text = rules.check_body(body, "rebuttal")
        try:
            return await self.store.add_contribution(
                parent.argument_id, author_id, text, kind="rebuttal", parent_id=parent.id,
                now=self.clock())
        except NotFound:
            raise UnknownTarget("contribution", parent.id) from None

    async def _depth(self, contribution: Contribution) -> int:
        """How deep a contribution sits: a counter is 1, a rebuttal to it 2, ..."""
        tree = {c.id: c for c in await self.store.list_contributions(contribution.argument_id)}
        depth, parent_id = 1, contribution.parent_id
        while parent_id is not None and parent_id in tree and depth <= len(tree):
            depth, parent_id = depth + 1, tree[parent_id].parent_id
        return depth

    # --- the author's own changes -----------------------------------------------------------

    def _check_author_window(self, contribution: Contribution, member_id: int, verb: str
                             ) -> datetime:
        """``now`` if ``member_id`` wrote it and the edit window is still open."""
        if contribution.author_id != member_id:
            raise NotYours(contribution.kind, verb)
        now = self.clock()
        age = now - contribution.created_at
        if age > self.rules.edit_window:
            raise EditWindowClosed(contribution.kind, verb, self.rules.edit_window, age)
        return now

    async def edit(self, contribution_id: int, member_id: int, new_body: str) -> Contribution:
        """Replace the author's text within the edit window; the old text stays in history."""
        contribution = await self._contribution(contribution_id)
        now = self._check_author_window(contribution, member_id, "edit")
        if contribution.withdrawn:
            raise Withdrawn(contribution.kind, contribution.id, "edits")
        if contribution.removed:
            raise Removed(contribution.kind, contribution.id, "edits")
        rules = await self.rules_for(contribution.guild_id)
        text = rules.check_body(new_body, contribution.kind)
        return await self.store.edit_contribution(
            contribution.id, text, editor_id=member_id, now=now)

    async def withdraw(self, contribution_id: int, member_id: int) -> Contribution:
        """Withdraw the author's contribution within the window; rebuttals to it remain.

        Idempotent: withdrawing again returns the contribution as it is.
        """
        contribution = await self._contribution(contribution_id)
        if contribution.withdrawn and contribution.author_id == member_id:
            return contribution
        now = self._check_author_window(contribution, member_id, "withdraw")
        return await self.store.withdraw_contribution(contribution.id, now=now)

    # --- awards -----------------------------------------------------------------------------

    async def award_target(self, member_id: int, contribution_id: int, *,
                           facts: MemberFacts | None = None, bot_id: int | None = None
                           ) -> Contribution:
        """The contribution the member may credit, or the refusal: withdrawn, their own, the
        bot's, a gate. Cogs call it before opening the form, so nobody writes an explanation
        that will be refused (the submit checks again)."""
        contribution = await self._contribution(contribution_id, open_for="awards")
        if contribution.author_id == member_id:
            raise OwnContribution.award()
        if bot_id is not None and contribution.author_id == bot_id:
            raise OwnContribution.bot()
        await self.check_gate(contribution.guild_id, facts, "award")
        return contribution

    async def changed_my_mind(self, member_id: int, contribution_id: int,
                              reason: str | None = None, *, facts: MemberFacts | None = None,
                              bot_id: int | None = None) -> Award:
        """Credit someone else's live counter or rebuttal with changing the member's mind,
        once per member and contribution, with an explanation of at least the guild's
        ``min_reason_length`` (quoted by summaries)."""
        contribution = await self.award_target(member_id, contribution_id, facts=facts,
                                               bot_id=bot_id)
        existing = await self.store.get_member_award(member_id, contribution.id)
        if existing is not None and existing.revocation is not None:
            raise AwardRevoked(existing.revocation.reason)
        if existing is not None and existing.active:
            raise AlreadyAwarded()
        text = (await self.rules_for(contribution.guild_id)).check_reason(reason)
        try:
            award = await self.store.award_changed_mind(
                member_id, contribution.id, text, now=self.clock())
        except NotFound:
            raise UnknownTarget("contribution", contribution.id) from None
        if award is None:
            raise AlreadyAwarded()
        return award

    async def withdraw_award(self, member_id: int, contribution_id: int) -> Award:
        """The giver takes their award back, within ``rules.award_window`` of giving it."""
        award = await self.store.get_member_award(member_id, contribution_id)
        if award is None or award.withdrawn_at is not None:
            raise NoAward()
        if award.revocation is not None:
            raise AwardRevoked(award.revocation.reason)
        age = self.clock() - award.created_at
        if age > self.rules.award_window:
            raise AwardWindowClosed(self.rules.award_window, age)
        withdrawn = await self.store.withdraw_award(award.id, now=self.clock())
        if withdrawn is None:  # withdrawn or revoked in the meantime
            raise NoAward()
        return withdrawn

    async def revoke_award(self, guild_id: int, award_id: int, moderator_id: int,
                           reason: str) -> Award:
        """A moderator revokes an award of their guild, with a reason (required), recorded
        in the moderation log. Revoking again changes nothing and logs nothing."""
        why = clean_reason(reason)
        if why is None:
            raise EmptyText("reason", 1)
        if len(why) > self.rules.max_reason_length:
            raise TooLong("reason", len(why), self.rules.max_reason_length, why)
        award = await self.store.get_award(award_id)
        if award is None or award.guild_id != guild_id:
            raise UnknownAward(award_id)
        if award.revocation is not None:
            return award
        revoked = await self.store.revoke_award(award.id, moderator_id, why, now=self.clock())
        await self.store.log_moderation(
            guild_id, moderator_id, "award.revoke", target=f"award:{award.id}",
            details=f"contribution:{award.contribution_id} member:{award.member_id} "
                    f"reason: {why}", now=self.clock())
        return revoked
