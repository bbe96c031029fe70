"""Votes, counterarguments and rebuttals: the thin Discord side of :class:`DebateService`.

Buttons arrive through the ``DynamicItem``s of :mod:`cogs.utils.controls`; forms are
:class:`ContributionForm`, rebuilt from each submit (their custom ids are the buttons' ids), so
a form opened before a restart is still accepted after it, and two members answering the same
argument at once never share a form object.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.debate import (
    AwardRevoked,
    Control,
    DebateRules,
    DebateService,
    EditWindowClosed,
    NotYours,
    parse_custom_id,
)
from bot.debate.errors import duration, noun
from bot.debate.gates import discord_time
from bot.debate.rules import DEFAULT_MAX_LENGTH
from bot.debate.service import utc_now
from bot.store import Award, Contribution, Store, Tally, VoteClick, VoteTarget
from cogs.utils.contributions import contribution_content
from cogs.utils.controls import (
    DEBATE_COG,
    ControlHandler,
    contribution_view,
    unaward_view,
    view_for,
)
from cogs.utils.members import member_facts
from cogs.utils.replies import NO_MENTIONS, answer_error, reply

if TYPE_CHECKING:
    from discord.types.interactions import (
        MessageComponentInteractionData,
        ModalSubmitInteractionData,
    )

    from bot.client import CounterpointBot

log = logging.getLogger(__name__)

BODY_INPUT = "body"
# An unknown component or form nobody answered by then gets a "this no longer works" reply
# (Discord wants a first response within 3 seconds).
UNANSWERED_AFTER_SECONDS = 2.0
_MODAL_TITLE_LIMIT = 45


class TallyRefresher:
    """Keeps the tallies on a message's buttons equal to the store's, one edit at a time.

    Per message there is at most one refresh task, so at most one edit in flight: an edit
    that discord.py retries after a 5xx can no longer land after a newer one. Votes arriving
    meanwhile mark the message stale, and the task goes round again once its edit is done:
    the newest tally wins, and a burst of votes still costs one edit per window. After each
    edit the tally is read once more, a window later, and, if it moved (a vote in this
    process or another one, whose own edit may have landed first), edited again; so the last
    edit to land on a message is followed by a read of the final tally. A failed edit
    (Discord failing, rate limiting, the answer lost on the way) is tried again with a
    growing pause, reading the tally afresh each time; a message that is gone, or that the
    bot may no longer edit, is given up.
    """

    #: Pauses before trying a failed edit again; after the last, the next vote retries.
    RETRY_PAUSES: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)

    def __init__(self, client: discord.Client, store: Store, delay: float) -> None:
        self.client = client
        self.store = store
        self.delay = delay
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._stale: set[int] = set()

    def schedule(self, channel_id: int, message_id: int, target: VoteTarget) -> None:
        self._stale.add(message_id)
        if message_id not in self._tasks:
            self._tasks[message_id] = asyncio.create_task(
                self._keep_fresh(channel_id, message_id, target), name=f"tally-{message_id}")

    async def _keep_fresh(self, channel_id: int, message_id: int, target: VoteTarget) -> None:
        failures = 0
        shown: _Face | None = None
        try:
            while True:
                # Coalesce: the votes of this window share one edit.
                await asyncio.sleep(self.delay if failures == 0
                                    else self.RETRY_PAUSES[failures - 1])
                self._stale.discard(message_id)
                try:
                    tally = await self._edit(channel_id, message_id, target, shown)
                except _GiveUp:
                    return
                except Exception as exc:
                    failures += 1
                    if failures > len(self.RETRY_PAUSES):
                        log.warning("gave up refreshing the tally on message %s: %s",
                                    message_id, exc)
                        return
                    log.info("refreshing the tally on message %s failed (%s); trying again",
                             message_id, exc)
                    self._stale.add(message_id)
                    continue
                failures = 0
                edited, shown = tally != shown, tally
                # After an edit, one more window and one more read: votes in this process
                # or another may have moved the tally while the edit was on its way, and
                # the message must end on the newest count. Without an edit and without new
                # votes, the message shows the store's tally. No await between this check and
                # leaving the map: a vote recorded from here on finds no task and starts one.
                if not edited and message_id not in self._stale:
                    return
        finally:
            if self._tasks.get(message_id) is asyncio.current_task():
                del self._tasks[message_id]

    async def _edit(self, channel_id: int, message_id: int, target: VoteTarget,
                    shown: _Face | None) -> _Face:
        """Read the tally and, if the message shows another, edit it once; returns the tally
        the message shows now. One edit per window, however fast the votes come: edits
        back to back would spend Discord's rate limit and the event loop on a count that is
        out of date again before it lands."""
        awards: int | None = None
        if target.kind == "contribution":
            contribution = await self.store.get_contribution(target.id)
            if contribution is None or not contribution.live:
                raise _GiveUp  # withdrawn or removed: its message has no tallies any more
            awards = await self.store.count_awards(target.id)
        tally, established = await self.store.tallies(target)
        face = _Face(tally, established, awards)
        if face == shown:
            return face
        message = self.client.get_partial_messageable(channel_id).get_partial_message(
            message_id)
        try:
            await message.edit(view=view_for(target, tally, established=established,
                                             awards=awards), allowed_mentions=NO_MENTIONS)
            if target.kind == "contribution":
                # A moderator may have removed it while this edit was on its way: its
                # tombstone then landed first, and must not keep these buttons.
                now = await self.store.get_contribution(target.id)
                if now is None or not now.live:
                    await message.edit(view=None, allowed_mentions=NO_MENTIONS)
                    raise _GiveUp
        except (discord.NotFound, discord.Forbidden) as exc:
            log.warning("cannot refresh the tally on message %s: %s", message_id, exc)
            raise _GiveUp from exc
        return face

    async def flush(self) -> None:
        """Wait for the scheduled edits (used at shutdown and by tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    def cancel(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        self._stale.clear()


class _GiveUp(Exception):
    """The message's tally cannot or need not be refreshed any more."""


@dataclass(frozen=True, slots=True)
class _Face:
    """What a message's buttons show: the tally, the established members' tally beside it
    (where it differs) and, on a contribution, its "changed my mind" awards."""

    tally: Tally
    established: Tally
    awards: int | None


class ContributionForm(discord.ui.Modal):
    """The one-field form behind Counter, Rebut, Changed my mind and Edit.

    Its custom id is the button's, and discord.py keeps no form object once it is sent (two
    members opening the same argument's form would share one, the last opened): the Debate
    cog's ``on_interaction`` rebuilds the form from the submit (:meth:`from_submit`), so a form
    opened before a restart is still accepted after it.
    """

    def __init__(self, control: Control, title: str, label: str, *,
                 required: bool = True, min_length: int | None = None,
                 max_length: int | None = None, default: str | None = None,
                 placeholder: str | None = None) -> None:
        super().__init__(title=title[:_MODAL_TITLE_LIMIT], custom_id=control.custom_id)
        self.control = control
        self.body: discord.ui.TextInput[ContributionForm] = discord.ui.TextInput(
            label=label, custom_id=BODY_INPUT, style=discord.TextStyle.paragraph,
            required=required, min_length=min_length, max_length=max_length, default=default,
            placeholder=placeholder)
        self.add_item(self.body)

    @classmethod
    def contribution(cls, control: Control, title: str, label: str, rules: DebateRules,
                     default: str | None = None) -> ContributionForm:
        """A counterargument, a rebuttal, or an edit of one: the guild's length rules."""
        return cls(control, title, label, min_length=rules.min_length,
                   max_length=rules.max_length, default=default,
                   placeholder=f"At least {rules.min_length} characters, one clear point.")

    @classmethod
    def award(cls, control: Control, kind: str, rules: DebateRules) -> ContributionForm:
        """Changed my mind: an explanation is required, as DeltaBot requires one (the
        guild's minimum, at most the rules' maximum)."""
        return cls(control, f"This {noun(kind)} changed my mind",
                   "What changed your mind, and why?", required=True,
                   min_length=max(1, rules.min_reason_length),
                   max_length=rules.max_reason_length,
                   placeholder=f"At least {rules.min_reason_length} characters. Quoted in the "
                               "weekly summary; your name is not shown.")

    @classmethod
    def from_submit(cls, interaction: discord.Interaction) -> ContributionForm | None:
        """The form a modal submit answers, its text filled in; ``None`` if it is not one of
        Counterpoint's."""
        data = cast("ModalSubmitInteractionData", interaction.data)
        control = parse_custom_id(data["custom_id"])
        if control is None:
            return None
        form = cls(control, "-", "-", required=False)
        # discord.py's own reading of a submit (action rows or labels), as for a stored modal.
        form._refresh(interaction, data["components"], {})
        return form

    async def open(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(self)
        # Stateless from here on: the submit is read in on_interaction, after a restart too.
        self.stop()


class Debate(commands.Cog, ControlHandler, name=DEBATE_COG):
    """Handles every Counterpoint control and ``/counter``."""

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot
        self.debate: DebateService = bot.debate
        self.store: Store = bot.store
        self.tallies = TallyRefresher(bot, bot.store, bot.pace.tally_delay)

    async def cog_unload(self) -> None:
        self.tallies.cancel()

    # --- buttons ----------------------------------------------------------------------------

    async def on_control(self, interaction: discord.Interaction, control: Control) -> None:
        handlers = {"vote": self._vote, "counter": self._open_counter,
                    "rebut": self._open_rebuttal, "award": self._open_award,
                    "edit": self._open_edit, "withdraw": self._withdraw,
                    "unaward": self._unaward}
        handler = handlers.get(control.action)
        if handler is None:
            await reply(interaction, "That button is not used any more.")
            return
        await handler(interaction, control)

    async def _vote(self, interaction: discord.Interaction, control: Control) -> None:
        assert control.value is not None
        # Discord's click id and time, not our arrival order, decide: two clicks delivered
        # together (after a reconnect, or to two processes) count in the order they were
        # made, and a double click is one click (the store decides both, under its lock).
        click = VoteClick(interaction.id, discord.utils.snowflake_time(interaction.id))
        result = await self.debate.vote(control.target, interaction.user.id, control.value,
                                        click=click, debounce=self.bot.pace.vote_debounce,
                                        facts=member_facts(interaction),
                                        guild_id=interaction.guild_id)
        if interaction.message is not None and result.action != "repeated":
            self.tallies.schedule(interaction.channel_id or interaction.message.channel.id,
                                  interaction.message.id, control.target)
        # The vote counts once recorded, whether or not this answer reaches the member (see
        # README, "Votes"): the buttons show it within seconds either way.
        await reply(interaction, result.confirmation)

    async def _form(self, interaction: discord.Interaction, control: Control, title: str,
                    label: str, *, default: str | None = None) -> None:
        """Open a one-field form; its submit comes back through ``on_interaction``."""
        rules = await self.debate.rules_for(interaction.guild_id or 0)
        await ContributionForm.contribution(control, title, label, rules, default).open(
            interaction)

    async def _open_counter(self, interaction: discord.Interaction, control: Control) -> None:
        argument = await self.debate.open_for_replies(control.target)
        # The gates first: nobody writes a counterargument that will be refused.
        await self.debate.check_gate(interaction.guild_id or 0, member_facts(interaction),
                                     "counter")
        number = getattr(argument, "number", None)
        title = f"Counter argument {number}" if number else "Your counterargument"
        await self._form(interaction, control, title, "Your counterargument")

    async def _open_rebuttal(self, interaction: discord.Interaction, control: Control) -> None:
        parent = await self.debate.open_for_replies(control.target)
        await self.debate.check_gate(interaction.guild_id or 0, member_facts(interaction),
                                     "counter")
        kind = getattr(parent, "kind", "contribution")
        await self._form(interaction, control, f"Rebut this {noun(kind)}", "Your rebuttal")

    async def _open_award(self, interaction: discord.Interaction, control: Control) -> None:
        given = await self.store.get_member_award(interaction.user.id, control.target.id)
        if given is not None and given.active:
            await self._already_awarded(interaction, given)
            return
        if given is not None and given.revocation is not None:
            raise AwardRevoked(given.revocation.reason)
        target = await self.debate.award_target(
            interaction.user.id, control.target.id, facts=member_facts(interaction),
            bot_id=self.bot.user.id if self.bot.user else None)
        rules = await self.debate.rules_for(target.guild_id)
        await ContributionForm.award(control, target.kind, rules).open(interaction)

    async def _already_awarded(self, interaction: discord.Interaction, award: Award) -> None:
        """A second click: say so, and offer to withdraw while the giver still may."""
        window = self.debate.rules.award_window
        until = award.created_at + window
        text = (f"You credited this with changing your mind {discord_time(award.created_at)}."
                " Each member can do that once per contribution.")
        if utc_now() < until:
            await interaction.response.send_message(
                f"{text} You can withdraw it until {discord_time(until)}.",
                view=unaward_view(award.contribution_id), ephemeral=True,
                allowed_mentions=NO_MENTIONS)
            return
        await reply(interaction, f"{text} It's more than {duration(window)} old, so it stays "
                                 "in the record.")

    async def _unaward(self, interaction: discord.Interaction, control: Control) -> None:
        award = await self.debate.withdraw_award(interaction.user.id, control.target.id)
        contribution = await self.store.get_contribution(award.contribution_id)
        if contribution is not None:
            await self._refresh_contribution(contribution)
        await reply(interaction, "Your \"changed my mind\" is withdrawn; it no longer counts. "
                                 "You can give it again if this point moves you after all.")

    async def _open_edit(self, interaction: discord.Interaction, control: Control) -> None:
        contribution = await self._own_recent(interaction, control, "edit")
        await self._form(interaction, control, f"Edit your {noun(contribution.kind)}",
                         f"Your {noun(contribution.kind)}", default=contribution.body)

    async def _own_recent(self, interaction: discord.Interaction, control: Control,
                          verb: str) -> Contribution:
        # Mirrors the service's author/window check so nobody types into a form that will be
        # refused; the service checks again on submit and has the last word.
        target = await self.debate.open_target(control.target)
        assert isinstance(target, Contribution)
        if target.author_id != interaction.user.id:
            raise NotYours(target.kind, verb)
        age = utc_now() - target.created_at
        if age > self.debate.rules.edit_window:
            raise EditWindowClosed(target.kind, verb, self.debate.rules.edit_window, age)
        return target

    async def _withdraw(self, interaction: discord.Interaction, control: Control) -> None:
        contribution = await self.debate.withdraw(control.target.id, interaction.user.id)
        await self._rerender(contribution)
        await reply(interaction, f"Your {noun(contribution.kind)} is withdrawn. It stays in the "
                                 "record, closed to votes and replies.")

    # --- forms and unknown components -------------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type == discord.InteractionType.modal_submit:
            form = ContributionForm.from_submit(interaction)
            if form is not None:
                try:
                    await self._submitted(interaction, form.control, form.body.value)
                except Exception as exc:
                    await answer_error(interaction, exc)
                return
        elif interaction.type == discord.InteractionType.component:
            data = cast("MessageComponentInteractionData", interaction.data)
            if parse_custom_id(data["custom_id"]) is not None:
                return  # a DynamicItem answers it
        else:
            return
        # Another view may still claim it; answer only if nobody has when time runs short.
        await asyncio.sleep(UNANSWERED_AFTER_SECONDS)
        if not interaction.response.is_done():
            await reply(interaction, "This button belongs to a message Counterpoint no longer "
                                     "tracks, so it does nothing now. Use the buttons on the "
                                     "argument's current message instead.")

    async def _submitted(self, interaction: discord.Interaction, control: Control,
                         text: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        user = interaction.user.id
        facts = member_facts(interaction)
        if control.action == "counter":
            contribution = await self.debate.add_counter(control.target.id, user, text,
                                                         facts=facts)
            message = await self._post(contribution, None)
            await reply(interaction, f"Your counterargument is posted: {message.jump_url}")
        elif control.action == "rebut":
            contribution = await self.debate.add_rebuttal(control.target.id, user, text,
                                                          facts=facts)
            parent = await self.store.get_contribution(control.target.id)
            message = await self._post(contribution, parent)
            await reply(interaction, f"Your rebuttal is posted: {message.jump_url}")
        elif control.action == "award":
            award = await self.debate.changed_my_mind(
                user, control.target.id, text or None, facts=facts,
                bot_id=self.bot.user.id if self.bot.user else None)
            credited = await self.store.get_contribution(award.contribution_id)
            kind = noun(credited.kind) if credited is not None else "point"
            if credited is not None:
                await self._refresh_contribution(credited)
            until = award.created_at + self.debate.rules.award_window
            await reply(interaction, f"Noted: this {kind} changed your mind. It counts in the "
                                     "weekly summary, where your name is never shown. Changed "
                                     "your mind again? Click the button once more until "
                                     f"{discord_time(until)} to withdraw it.")
        elif control.action == "edit":
            contribution = await self.debate.edit(control.target.id, user, text)
            await self._rerender(contribution)
            await reply(interaction, f"Your {noun(contribution.kind)} is updated; the earlier "
                                     "version stays in the record.")
        else:
            await reply(interaction, "That form is not used any more.")

    # --- /counter ---------------------------------------------------------------------------

    @app_commands.command(name="counter")
    @app_commands.describe(text=f"Your counterargument, at most {DEFAULT_MAX_LENGTH:,} characters")
    @app_commands.guild_only()
    async def counter(self, interaction: discord.Interaction,
                      text: app_commands.Range[str, 1, DEFAULT_MAX_LENGTH]) -> None:
        """Post a counterargument to this thread's argument"""
        await interaction.response.defer(ephemeral=True, thinking=True)
        contribution = await self.debate.counter_in_thread(
            interaction.channel_id, interaction.user.id, text, facts=member_facts(interaction))
        message = await self._post(contribution, None)
        await reply(interaction, f"Your counterargument is posted: {message.jump_url}")

    # --- posting ----------------------------------------------------------------------------

    async def _thread_of(self, contribution: Contribution
                         ) -> discord.Thread | discord.PartialMessageable:
        argument = await self.store.get_argument(contribution.argument_id)
        if argument is None or argument.thread_id is None:
            raise RuntimeError(f"argument {contribution.argument_id} has no thread")
        thread = self.bot.get_channel(argument.thread_id)
        if isinstance(thread, discord.Thread):
            return thread
        return self.bot.get_partial_messageable(argument.thread_id)

    async def _post(self, contribution: Contribution,
                    parent: Contribution | None) -> discord.Message:
        """Show a new contribution in its argument's thread and record the message."""
        thread = await self._thread_of(contribution)
        extra: dict[str, Any] = {}
        if parent is not None and parent.message_id is not None:
            extra["reference"] = discord.MessageReference(
                message_id=parent.message_id, channel_id=thread.id, fail_if_not_exists=False)
        try:
            message = await thread.send(
                contribution_content(contribution, parent), view=contribution_view(
                    contribution.id), allowed_mentions=NO_MENTIONS, **extra)
        except discord.HTTPException:
            # Not shown, so not in the debate: keep the record honest, then tell the member.
            with contextlib.suppress(Exception):
                await self.debate.withdraw(contribution.id, contribution.author_id)
            raise
        await self.store.record_contribution_message(contribution.id, message.id)
        return message

    def refresh_buttons(self, channel_id: int, message_id: int, target: VoteTarget) -> None:
        """Bring a message's buttons up to date (for other cogs: a revoked award)."""
        self.tallies.schedule(channel_id, message_id, target)

    async def _refresh_contribution(self, contribution: Contribution) -> None:
        """Its buttons show its awards: refresh them after one is given or taken back."""
        if contribution.message_id is None:
            return
        argument = await self.store.get_argument(contribution.argument_id)
        if argument is not None and argument.thread_id is not None:
            self.tallies.schedule(argument.thread_id, contribution.message_id,
                                  VoteTarget.contribution(contribution.id))

    async def _rerender(self, contribution: Contribution) -> None:
        if contribution.message_id is None:
            return
        parent = (await self.store.get_contribution(contribution.parent_id)
                  if contribution.parent_id is not None else None)
        thread = await self._thread_of(contribution)
        message = discord.PartialMessage(channel=thread, id=contribution.message_id)
        kwargs: dict[str, Any] = {"content": contribution_content(contribution, parent),
                                  "allowed_mentions": NO_MENTIONS}
        if not contribution.live:
            kwargs["view"] = None
        await message.edit(**kwargs)


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Debate(bot))
