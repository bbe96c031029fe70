"""Moderators keep the record honest: remove and restore contributions, lock debates, and read
the moderation log. The thin Discord side of :class:`bot.moderation.ModerationService`.

- Message context menus **Remove contribution** (asks for the reason in a form) and **Restore
  contribution**, and ``/mod remove``, ``/mod restore``, ``/mod lock``, ``/mod unlock``.
- ``/modlog`` pages through the moderation log with persistent Prev / Next buttons.
- A loop (every ``Pace.moderation_seconds``, first at start) finishes what Discord has not
  been shown yet: a tombstone or restore whose edit was cut short, a lock or unlock not yet
  announced in its thread, log entries owed to the log channel. Each step is recorded in the
  store, so a restart picks up where it stopped.

Every command and button checks its caller at run time (``cogs.utils.checks``), on top of the
default permissions that hide them from members.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.errors import UserFacingError
from bot.exports import pieces_to_export
from bot.markup import plain
from bot.moderation import (
    ACTION_FAMILIES,
    MAX_REASON_LENGTH,
    LogFilters,
    LogPage,
    ModerationError,
    ModerationService,
    entry_line,
    parse_message_reference,
)
from bot.pace import Pace
from bot.store import ArgumentRecord, Contribution, ModerationEntry, Store, VoteTarget
from bot.text import shorten
from cogs.utils.buttons import hand_click
from cogs.utils.checks import MODERATOR_DEFAULTS, ensure_moderator, is_moderator, moderator_group
from cogs.utils.contributions import contribution_content
from cogs.utils.controls import contribution_view
from cogs.utils.loops import start_paced
from cogs.utils.options import IdOption
from cogs.utils.replies import NO_MENTIONS, answer_error, reply

if TYPE_CHECKING:
    from discord.types.interactions import ModalSubmitInteractionData

    from bot.client import CounterpointBot
    from bot.moderation import Moderated

    #: A change of ModerationService: (guild, contribution or argument, moderator, reason).
    Change = Callable[[int, int, int, str | None], Awaitable[Moderated]]

log = logging.getLogger(__name__)

ACTION = "moderate debates"
#: The reason form of "Remove contribution": its custom id carries the contribution, so a
#: form opened before a restart is still accepted after it.
REMOVE_FORM = re.compile(r"cp:mod:remove:(?P<id>[1-9][0-9]{0,18})")
REASON_INPUT = "reason"
_LOG_COLOUR = discord.Colour(0x64748B)


class PieceFilter(IdOption):
    """``/modlog``'s ``piece``: one of this server's pieces, by title as the moderator types."""

    def refusal(self) -> UserFacingError:
        return ModerationError("Pick a piece from the list that appears as you type.")

    async def autocomplete(self, interaction: discord.Interaction, value: int | float | str, /
                           ) -> list[app_commands.Choice[int | float | str]]:
        bot = interaction.client
        store = getattr(bot, "store", None)
        if interaction.guild_id is None or store is None or not await is_moderator(interaction):
            return []
        pieces = await pieces_to_export(store, interaction.guild_id, str(value))
        return [app_commands.Choice(name=shorten(title, 100) or f"Piece {piece_id}",
                                    value=str(piece_id)) for piece_id, title in pieces]


PieceChoice = app_commands.Transform[int, PieceFilter]


# --- the log's pages ----------------------------------------------------------------------


def log_custom_id(direction: str, cursor: int, filters: LogFilters) -> str:
    """A Prev (``n``: newer than ``cursor``) or Next (``o``: older) button's custom id: the
    page and the filters travel in it, so the buttons work after a restart."""
    return (f"cp:log:{direction}:{cursor}:{filters.member_id or 0}:{filters.action or '-'}:"
            f"{filters.piece_id or 0}")


class LogButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                template=r"cp:log:(?P<dir>[no]):(?P<cursor>[0-9]{1,19}):(?P<member>[0-9]{1,19}):"
                         r"(?P<action>[a-z]{1,16}|-):(?P<piece>[0-9]{1,19})"):
    """Prev / Next under a ``/modlog`` page."""

    def __init__(self, direction: str, cursor: int, filters: LogFilters, *,
                 disabled: bool = False) -> None:
        newer = direction == "n"
        super().__init__(discord.ui.Button(
            label="◀ Newer" if newer else "Older ▶", style=discord.ButtonStyle.secondary,
            custom_id=log_custom_id(direction, cursor, filters), disabled=disabled))
        self.direction, self.cursor, self.filters = direction, cursor, filters

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: re.Match[str]) -> LogButton:
        filters = LogFilters(member_id=int(match["member"]) or None,
                             action=None if match["action"] == "-" else match["action"],
                             piece_id=int(match["piece"]) or None)
        return cls(match["dir"], int(match["cursor"]), filters)

    async def callback(self, interaction: discord.Interaction) -> None:
        async def turn_page(cog: Moderation) -> None:
            await ensure_moderator(interaction, "read the moderation log")
            await cog.turn_page(interaction, self.direction, self.cursor, self.filters)

        await hand_click(interaction, "Moderation", Moderation, turn_page)


def log_page_message(page: LogPage, filters: LogFilters) -> tuple[discord.Embed, discord.ui.View]:
    """A page of the log as an embed, with its Prev / Next buttons."""
    lines = [entry_line(entry) for entry in page.entries]
    described = [f"member <@{filters.member_id}>" if filters.member_id else "",
                 f"action {filters.action}" if filters.action else "",
                 f"piece {filters.piece_id}" if filters.piece_id else ""]
    shown = ", ".join(d for d in described if d)
    embed = discord.Embed(title="Moderation log" + (f" ({shown})" if shown else ""),
                          colour=_LOG_COLOUR,
                          description=shorten("\n".join(lines), 4000) if lines
                          else "Nothing in the log matches.")
    if page.entries:
        embed.set_footer(text=f"Entries #{page.entries[-1].id} to #{page.entries[0].id}, "
                              "newest first")
    view = discord.ui.View(timeout=None)
    view.add_item(LogButton("n", page.first_id or 0, filters, disabled=not page.has_newer))
    view.add_item(LogButton("o", page.last_id or 0, filters, disabled=not page.has_older))
    return embed, view


class RemoveForm(discord.ui.Modal):
    """The reason for a removal, asked by the context menu."""

    def __init__(self, contribution_id: int) -> None:
        super().__init__(title="Remove this contribution",
                         custom_id=f"cp:mod:remove:{contribution_id}")
        self.reason: discord.ui.TextInput[RemoveForm] = discord.ui.TextInput(
            label="Reason (shown on the message and logged)", custom_id=REASON_INPUT,
            style=discord.TextStyle.short, min_length=1, max_length=MAX_REASON_LENGTH)
        self.add_item(self.reason)


class Moderation(commands.Cog):
    """Removal, restore, locks and the moderation log."""

    mod = moderator_group("mod", "Remove, restore and lock debates (moderators)")

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot
        self.store: Store = bot.store
        self.service = ModerationService(bot.store)
        self._catching_up = asyncio.Lock()
        self._kicked: set[asyncio.Task[None]] = set()
        self.menus = [
            app_commands.ContextMenu(name="Remove contribution", callback=self.remove_menu),
            app_commands.ContextMenu(name="Restore contribution", callback=self.restore_menu),
        ]
        for menu in self.menus:
            menu.default_permissions = MODERATOR_DEFAULTS
            menu.guild_only = True

    async def cog_load(self) -> None:
        for menu in self.menus:
            self.bot.tree.add_command(menu)
        self.bot.add_dynamic_items(LogButton)
        start_paced(self.catch_up_loop, seconds=self.bot.pace.moderation_seconds)

    async def cog_unload(self) -> None:
        self.catch_up_loop.cancel()
        for task in self._kicked:
            task.cancel()
        for menu in self.menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)
        self.bot.remove_dynamic_items(LogButton)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await ensure_moderator(interaction, ACTION)

    def _guild_id(self, interaction: discord.Interaction) -> int:
        assert interaction.guild_id is not None  # guild-only commands
        return interaction.guild_id

    # --- removing and restoring -----------------------------------------------------------

    async def remove_menu(self, interaction: discord.Interaction,
                          message: discord.Message) -> None:
        await ensure_moderator(interaction, ACTION)
        contribution = await self.service.contribution_by_message(self._guild_id(interaction),
                                                                  message.id)
        if contribution.removal is not None:
            raise ModerationError(
                "That contribution is already removed (reason: "
                f"{plain(contribution.removal.reason or '')}). "
                "Restore it first to remove it with another reason.")
        await interaction.response.send_modal(RemoveForm(contribution.id))

    async def restore_menu(self, interaction: discord.Interaction,
                           message: discord.Message) -> None:
        await ensure_moderator(interaction, ACTION)
        contribution = await self.service.contribution_by_message(self._guild_id(interaction),
                                                                  message.id)
        await self._restore(interaction, contribution.id, None)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type != discord.InteractionType.modal_submit:
            return
        data = cast("ModalSubmitInteractionData", interaction.data)
        match = REMOVE_FORM.fullmatch(data.get("custom_id", ""))
        if match is None:
            return
        try:
            await ensure_moderator(interaction, ACTION)
            reason = ""
            for row in data.get("components", []):
                for item in [*cast("list[Any]", row.get("components", [])),
                             cast("Any", row).get("component")]:
                    if isinstance(item, dict) and item.get("custom_id") == REASON_INPUT:
                        reason = str(item.get("value") or "")
            await self._remove(interaction, int(match["id"]), reason)
        except Exception as exc:
            await answer_error(interaction, exc)

    @mod.command(name="remove")
    @app_commands.describe(message="The contribution's message link (Copy Message Link) or ID",
                           reason="Why: shown on the message and kept in the moderation log")
    async def remove(self, interaction: discord.Interaction, message: str,
                     reason: app_commands.Range[str, 1, MAX_REASON_LENGTH]) -> None:
        """Remove a counterargument or rebuttal, with a reason (kept in the record)"""
        contribution = await self.service.contribution_by_message(
            self._guild_id(interaction), parse_message_reference(message))
        await self._remove(interaction, contribution.id, reason)

    @mod.command(name="restore")
    @app_commands.describe(message="The contribution's message link (Copy Message Link) or ID",
                           reason="Why (optional, kept in the moderation log)")
    async def restore(self, interaction: discord.Interaction, message: str,
                      reason: app_commands.Range[str, 1, MAX_REASON_LENGTH] | None = None
                      ) -> None:
        """Put back a removed counterargument or rebuttal"""
        contribution = await self.service.contribution_by_message(
            self._guild_id(interaction), parse_message_reference(message))
        await self._restore(interaction, contribution.id, reason)

    async def _remove(self, interaction: discord.Interaction, contribution_id: int,
                      reason: str) -> None:
        await self._change_contribution(
            interaction, self.service.remove, contribution_id, reason,
            "Removed. Its message now says it was removed by a moderator and why; its votes "
            "are out of the tallies until it is restored, and its replies stay.")

    async def _restore(self, interaction: discord.Interaction, contribution_id: int,
                       reason: str | None) -> None:
        await self._change_contribution(interaction, self.service.restore, contribution_id,
                                        reason, "Restored: its text, buttons and votes are back.")

    async def _change_contribution(self, interaction: discord.Interaction, change: Change,
                                   contribution_id: int, reason: str | None, done: str) -> None:
        """Remove or restore, redraw the contribution's message, and say ``done``."""
        # Answer Discord first (3 seconds): the change and the edit may take longer.
        await interaction.response.defer(ephemeral=True, thinking=True)
        changed = await change(self._guild_id(interaction), contribution_id,
                               interaction.user.id, reason)
        assert changed.contribution is not None
        shown = await self.redraw(changed.contribution)
        self.kick()
        await reply(interaction, done + _later(shown))

    # --- locks ----------------------------------------------------------------------------

    @mod.command(name="lock")
    @app_commands.describe(reason="Why (optional: shown to members who try, and logged)")
    async def lock(self, interaction: discord.Interaction,
                   reason: app_commands.Range[str, 1, MAX_REASON_LENGTH] | None = None) -> None:
        """Lock this argument's debate: no new counterarguments or rebuttals (votes go on)"""
        await self._change_lock(interaction, self.service.lock, reason,
                                "Locked: members can still vote here, but new counterarguments "
                                "and rebuttals are refused until `/mod unlock`. The thread "
                                "says so.")

    @mod.command(name="unlock")
    @app_commands.describe(reason="Why (optional, kept in the moderation log)")
    async def unlock(self, interaction: discord.Interaction,
                     reason: app_commands.Range[str, 1, MAX_REASON_LENGTH] | None = None
                     ) -> None:
        """Open this argument's debate again"""
        await self._change_lock(interaction, self.service.unlock, reason,
                                "Unlocked: counterarguments and rebuttals are welcome again.")

    async def _change_lock(self, interaction: discord.Interaction, change: Change,
                           reason: str | None, done: str) -> None:
        """Lock or unlock the debate of the thread the command was used in, and say ``done``
        (the thread hears of it from the catch-up loop, kicked here)."""
        guild_id = self._guild_id(interaction)
        argument = await self.service.argument_of_thread(guild_id, interaction.channel_id)
        await change(guild_id, argument.id, interaction.user.id, reason)
        self.kick()
        await reply(interaction, done)

    # --- the log --------------------------------------------------------------------------

    @app_commands.command(name="modlog")
    @app_commands.describe(member="Only actions by or concerning this member",
                           action="Only this kind of action",
                           piece="Only actions about this piece")
    @app_commands.choices(action=[app_commands.Choice(name=a, value=a) for a in ACTION_FAMILIES])
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def modlog(self, interaction: discord.Interaction, member: discord.User | None = None,
                     action: app_commands.Choice[str] | None = None,
                     piece: PieceChoice | None = None) -> None:
        """The moderation log: who did what, when and why (moderators)"""
        filters = LogFilters(member_id=member.id if member is not None else None,
                             action=action.value if action is not None else None,
                             piece_id=piece)
        page = await self.service.log_page(self._guild_id(interaction), filters)
        embed, view = log_page_message(page, filters)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)

    async def turn_page(self, interaction: discord.Interaction, direction: str, cursor: int,
                        filters: LogFilters) -> None:
        page = await self.service.log_page(
            self._guild_id(interaction), filters,
            before_id=cursor if direction == "o" else None,
            after_id=cursor if direction == "n" else None)
        embed, view = log_page_message(page, filters)
        await interaction.response.edit_message(embed=embed, view=view,
                                                allowed_mentions=NO_MENTIONS)

    # --- what Discord has not been shown yet ------------------------------------------------

    def kick(self) -> None:
        """Catch up now rather than at the next round (after an action of this cog)."""
        task = asyncio.create_task(self._catch_up_logged(), name="moderation-catch-up")
        self._kicked.add(task)
        task.add_done_callback(self._kicked.discard)

    async def _catch_up_logged(self) -> None:
        try:
            await self.catch_up()
        except Exception:
            log.exception("moderation catch-up failed")

    @tasks.loop(seconds=Pace.moderation_seconds)
    async def catch_up_loop(self) -> None:
        await self._catch_up_logged()

    @catch_up_loop.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()

    async def catch_up(self) -> None:
        """Redraw contributions whose message shows an earlier state; post log entries owed
        to a log channel. One round at a time in this process."""
        # Only this process's guilds (its shards'): another process's cannot be seen here.
        owns = self.bot.shard_plan.owns
        async with self._catching_up:
            for contribution in await self.store.contributions_to_redraw():
                if owns(contribution.guild_id):
                    await self.redraw(contribution)
            for argument in await self.store.locks_to_announce():
                piece = await self.store.get_piece(argument.piece_id)
                if piece is not None and owns(piece.guild_id):
                    await self._announce_lock(argument)
            for entry in await self.store.unposted_moderation():
                if owns(entry.guild_id):
                    await self._post_entry(entry)
        self.bot.dispatch("moderation_caught_up")

    async def redraw(self, contribution: Contribution) -> bool:
        """Show the contribution's current state on its message (a tombstone naming the
        reason, or its text and buttons back) and record it; ``False`` if Discord could not
        be reached (the loop tries again)."""
        if contribution.message_id is None:
            return True
        argument = await self.store.get_argument(contribution.argument_id)
        if argument is None or argument.thread_id is None:
            return True
        parent = (await self.store.get_contribution(contribution.parent_id)
                  if contribution.parent_id is not None else None)
        view: discord.ui.View | None = None
        if contribution.live:
            view = contribution_view(contribution.id,
                                     await self.store.tally(VoteTarget.contribution(
                                         contribution.id)))
        message = self.bot.get_partial_messageable(argument.thread_id).get_partial_message(
            contribution.message_id)
        if not await _settled(f"redraw contribution {contribution.id}", message.edit(
                content=contribution_content(contribution, parent), view=view,
                allowed_mentions=NO_MENTIONS)):
            return False
        await self.store.record_contribution_shown(contribution.id,
                                                   contribution.message_version)
        return True

    async def _announce_lock(self, argument: ArgumentRecord) -> None:
        """Say in the thread that its debate is locked (and why) or open again."""
        assert argument.thread_id is not None
        if argument.lock is not None:
            why = f": {plain(argument.lock.reason)}" if argument.lock.reason else ""
            text = (f"🔒 **A moderator locked this debate**{why}. Votes go on; new "
                    "counterarguments and rebuttals wait until it is unlocked.")
        else:
            text = ("🔓 **This debate is open again**: counterarguments and rebuttals are "
                    "welcome.")
        thread = self.bot.get_partial_messageable(argument.thread_id)
        if await _settled(f"announce the lock of argument {argument.id}", thread.send(
                text, nonce=f"lk{argument.id}v{argument.lock_version}",
                allowed_mentions=NO_MENTIONS)):
            await self.store.record_lock_announced(argument.id, argument.lock_version)

    async def _post_entry(self, entry: ModerationEntry) -> None:
        assert entry.post_channel_id is not None
        channel = self.bot.get_channel(entry.post_channel_id)
        if not isinstance(channel, discord.TextChannel):
            log.warning("moderation log channel %s is gone; entry %s is not posted",
                        entry.post_channel_id, entry.id)
            await self.store.record_moderation_posted(entry.id, None)
            return
        granted = channel.permissions_for(channel.guild.me)
        if not (granted.view_channel and granted.send_messages):
            return  # owed until the permission is granted (no request Discord would refuse)
        try:
            message = await channel.send(entry_line(entry), nonce=f"modlog-{entry.id}",
                                         allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.info("could not post moderation entry %s (%s); trying again later",
                     entry.id, exc)
            return
        await self.store.record_moderation_posted(entry.id, message.id)


async def _settled(what: str, request: Awaitable[object]) -> bool:
    """Send ``request`` to Discord: ``True`` once that is settled, done or refused for good
    (gone, or no longer the bot's to change: asking again would fail the same way), ``False``
    when it failed for now and is owed a later try."""
    try:
        await request
    except (discord.NotFound, discord.Forbidden) as exc:
        log.warning("cannot %s: %s", what, exc)
    except (discord.HTTPException, OSError, TimeoutError) as exc:
        log.info("could not %s (%s); trying again later", what, exc)
        return False
    return True


def _later(shown: bool) -> str:
    return "" if shown else " (Discord did not take the edit yet; I'll finish it shortly.)"


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Moderation(bot))
