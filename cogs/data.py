"""Data rights from Discord: ``/admin export-data`` and ``/admin delete-data`` for a server's
data (members with Manage Server), ``/me export`` and ``/me delete`` for a member's own, and
the deletion that follows 30 days after the bot is removed from a server.

What belongs to whom, and the jobs themselves, are the core's (:mod:`bot.datarights`,
:mod:`bot.store.datarights`); this cog asks for confirmation, shows progress and sends files.
A deletion is recorded before it starts and carried out in batches, so a restart resumes it
(the loop below); an export stopped by a restart is reported by the next one.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import datarights
from bot.errors import UserFacingError
from bot.liveness import ProcessIdentity, holder_is_gone
from bot.markup import plain
from bot.pace import Pace
from bot.store import VoteTarget
from bot.store.datarights import DataExport, ExportRunning
from cogs.utils.buttons import hand_click
from cogs.utils.checks import moderator_group
from cogs.utils.loops import start_paced
from cogs.utils.progress import ProgressReply
from cogs.utils.replies import NO_MENTIONS, answer_error, reply

if TYPE_CHECKING:
    from bot.client import CounterpointBot

log = logging.getLogger(__name__)

#: Discord takes files up to 10 MiB from a bot.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: How long a /me delete confirmation button stays good.
CONFIRM_SECONDS = 10 * 60
ERASE_PATTERN = r"cp:me-erase:(?P<member>[0-9]+):(?P<issued>[0-9]+)"


@runtime_checkable
class CatchesUp(Protocol):
    """The Moderation cog's redraw: every contribution message behind its record."""

    async def catch_up(self) -> None: ...


@runtime_checkable
class SchedulesTallies(Protocol):
    """The Debate cog's tally refresher."""

    def schedule(self, channel_id: int, message_id: int, target: VoteTarget) -> None: ...


class DataRefused(UserFacingError):
    """A data request that cannot be carried out as asked."""


def _require_manage_server(interaction: discord.Interaction) -> None:
    """Only Manage Server (or Administrator): a moderator role is not enough to take or
    erase everything the server has."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    granted = interaction.permissions
    if not (granted.administrator or granted.manage_guild):
        raise DataRefused("Only moderators can export or delete this server's data: you "
                          "need Manage Server (the moderator role is not enough for this).")


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _progress_line(verb: str, done: int, total: int) -> str:
    share = f" ({done * 100 // total}%)" if total else ""
    return f"{verb}: {done:,} / {total:,} rows{share}…"


def _interrupted(exports: tuple[DataExport, ...]) -> str:
    if not exports:
        return ""
    last = exports[-1]
    where = (f" at {last.rows_done:,} / {last.rows_total:,} rows"
             if last.rows_total else "")
    return (f"The previous export of this server (started "
            f"<t:{int(last.started_at.timestamp())}:R>) was interrupted{where} when the bot "
            "restarted; this one started over.\n")


class ConfirmServerName(discord.ui.Modal, title="Delete this server's data"):
    """The moderator types the server's name to confirm /admin delete-data."""

    typed_name: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Type the server's name to confirm", max_length=100)

    def __init__(self, cog: Data, guild_name: str) -> None:
        super().__init__(custom_id="cp:admin-delete-data")
        self.cog = cog
        self.guild_name = guild_name
        self.typed_name.placeholder = guild_name[:100]

    async def on_submit(self, interaction: discord.Interaction) -> None:
        try:
            await self.cog.delete_confirmed(interaction, self.typed_name.value,
                                            self.guild_name)
        except Exception as exc:
            await answer_error(interaction, exc)


class EraseButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ERASE_PATTERN):
    """"Erase my data" under /me delete's summary: keeps working across a restart, for the
    member who asked and for ``CONFIRM_SECONDS``."""

    def __init__(self, member_id: int, issued: int) -> None:
        super().__init__(discord.ui.Button(
            label="Erase my data", style=discord.ButtonStyle.danger,
            custom_id=f"cp:me-erase:{member_id}:{issued}"))
        self.member_id = member_id
        self.issued = issued

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> EraseButton:
        return cls(int(match["member"]), int(match["issued"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await hand_click(interaction, "Data", Data,
                         lambda cog: cog.erase_confirmed(interaction, self.member_id, self.issued))


class Data(commands.Cog):
    """Servers' and members' data: export and erase."""

    admin = moderator_group("admin", "This server's data in Counterpoint (Manage Server)")
    me = app_commands.Group(name="me", description="Your own data in Counterpoint")

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot
        self.identity = ProcessIdentity.current()
        self.owner = str(self.identity)
        self._redrawing: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(EraseButton)
        start_paced(self.deletions, minutes=self.bot.pace.data_rights_minutes)

    async def cog_unload(self) -> None:
        self.deletions.cancel()
        if self._redrawing is not None:
            self._redrawing.cancel()
        self.bot.remove_dynamic_items(EraseButton)

    # --- /admin export-data ------------------------------------------------------------------

    @admin.command(name="export-data")
    async def export_data(self, interaction: discord.Interaction) -> None:
        """Every row Counterpoint keeps for this server, as a compressed JSON file"""
        _require_manage_server(interaction)
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with ProgressReply.for_interaction(interaction, min_interval=1.0) as progress:

            async def report(done: int, total: int) -> None:
                progress.report(_progress_line("Exporting this server's data", done, total))

            try:
                archive = await datarights.export_server(
                    self.bot.store, interaction.guild_id, interaction.user.id,
                    owner=self.owner, progress=report)
            except ExportRunning:
                await progress.final("An export of this server is already under way; its "
                                     "file comes in its own reply. Try again once it is done.")
                return
            lead = _interrupted(archive.interrupted)
            if len(archive.data) > MAX_FILE_BYTES:
                await progress.final(
                    f"{lead}This server's data is {len(archive.data) / 2**20:.1f} MB "
                    "compressed, more than the 10 MB Discord lets a bot send. Ask whoever "
                    "runs the bot for `python -m bot export-data`, which has no limit.")
                return
            tables = sum(1 for n in archive.tables.values() if n)
            await progress.final(
                f"{lead}Exported {_count(archive.rows, 'row')} from "
                f"{_count(tables, 'table')}: the attached archive is gzip-compressed JSON "
                "(every table, its columns and rows; see the README, \"Your data\").")
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        await interaction.edit_original_response(
            attachments=[discord.File(io.BytesIO(archive.data),
                                      filename=f"counterpoint-server-{interaction.guild_id}-"
                                               f"{stamp}.json.gz")],
            allowed_mentions=NO_MENTIONS)

    # --- /admin delete-data ------------------------------------------------------------------

    @admin.command(name="delete-data")
    async def delete_data(self, interaction: discord.Interaction) -> None:
        """Delete everything Counterpoint keeps for this server (asks you to type the server's
        name)"""
        _require_manage_server(interaction)
        guild = interaction.guild
        name = guild.name if guild is not None else str(interaction.guild_id)
        await interaction.response.send_modal(ConfirmServerName(self, name))

    async def delete_confirmed(self, interaction: discord.Interaction, typed: str,
                               guild_name: str) -> None:
        _require_manage_server(interaction)
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        if typed.strip() != guild_name.strip():
            await reply(interaction, f"That is not this server's name "
                                     f"(**{plain(guild_name, links=False)}**): nothing was "
                                     "deleted.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.store.schedule_server_deletion(
            guild_id, reason="requested", requested_by=interaction.user.id)
        log.info("deleting the data of server %s, asked by %s", guild_id, interaction.user.id)
        async with ProgressReply.for_interaction(interaction, min_interval=1.0) as progress:

            async def report(done: int, total: int) -> None:
                progress.report(_progress_line("Deleting this server's data", done, total))

            finished = await self.carry_out(guild_id, report)
            if not finished:
                deletion = await self.bot.store.get_server_deletion(guild_id)
                state = (f" ({deletion.rows_done:,} / {deletion.rows_total:,} rows so far)"
                         if deletion is not None and deletion.rows_total else "")
                await progress.final(f"A deletion of this server's data is already under "
                                     f"way{state}; it carries on by itself.")
                return
            await progress.final(
                "Deleted everything Counterpoint kept for this server: settings, feeds "
                "followed, pieces, arguments, counterarguments, votes, awards, the moderation "
                "log and past summaries. Messages already posted in Discord stay; from now on "
                "the bot records new activity afresh.")

    async def carry_out(self, guild_id: int, progress: datarights.Progress) -> bool:
        """Run the server's recorded deletion to its end here (``True``), or leave it to the
        process that holds it (``False``)."""
        deletion = await self.bot.store.get_server_deletion(guild_id)
        take_over = bool(deletion is not None and deletion.lease_owner
                         and holder_is_gone(deletion.lease_owner, self.identity))
        await self.bot.store.check_rights_map()
        finished = await datarights.delete_server(self.bot.store, guild_id, owner=self.owner,
                                                  progress=progress, take_over=take_over)
        if finished:
            log.info("deleted the data of server %s", guild_id)
            self.bot.dispatch("server_data_deleted", guild_id)
        return finished

    async def refresh_tallies(self, targets: Sequence[tuple[str, int]]) -> None:
        """Have the Debate cog's tally refresher show the stored tally on each target's
        buttons (it coalesces, retries and gives up on messages that are gone)."""
        refresher = getattr(self.bot.get_cog("Debate"), "tallies", None)
        if not isinstance(refresher, SchedulesTallies):
            return
        store = self.bot.store
        for kind, target_id in targets:
            if kind == "argument":
                argument = await store.get_argument(target_id)
                message_id = argument.opening_message_id if argument is not None else None
                target = VoteTarget.argument(target_id)
            else:
                contribution = await store.get_contribution(target_id)
                argument = (await store.get_argument(contribution.argument_id)
                            if contribution is not None else None)
                message_id = contribution.message_id if contribution is not None else None
                target = VoteTarget.contribution(target_id)
            if argument is not None and argument.thread_id is not None \
                    and message_id is not None:
                refresher.schedule(argument.thread_id, message_id, target)

    # --- leaving and coming back -------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.abc.Snowflake) -> None:
        deletion = await self.bot.store.schedule_server_deletion(guild.id, reason="removed")
        log.info("removed from server %s: its data will be deleted from %s unless the bot is "
                 "invited back", guild.id, deletion.due_at.isoformat())
        self.bot.dispatch("server_deletion_scheduled", guild.id)

    async def notice_removals(self) -> None:
        """At start: servers the store keeps data for that the bot is no longer in were left
        while it was offline (no on_guild_remove came); they get the same 30 days. Should one
        be a mistake, the loop cancels it when the bot is found in the server."""
        present = {guild.id for guild in self.bot.guilds}
        for guild_id in sorted(await self.bot.store.guilds_with_data() - present):
            if await self.bot.store.get_server_deletion(guild_id) is None:
                await self.on_guild_remove(discord.Object(id=guild_id))

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        if await self.bot.store.cancel_server_deletion(guild.id):
            log.info("back in server %s: its data is no longer to be deleted", guild.id)
        self.bot.dispatch("server_deletion_cancelled", guild.id)

    @tasks.loop(minutes=Pace.data_rights_minutes)
    async def deletions(self) -> None:
        """Due deletions (30 days after a removal, or one a restart cut short), and exports
        a restart cut short, marked interrupted."""
        if self.deletions.current_loop == 0:
            try:
                await self.notice_removals()
            except Exception:
                log.exception("could not look for servers left while the bot was offline")
        try:
            await self.bot.store.reap_exports()
            for deletion in await self.bot.store.due_server_deletions():
                if deletion.reason == "removed" and deletion.started_at is None \
                        and self.bot.get_guild(deletion.guild_id) is not None:
                    # Invited back while the bot was offline: no on_guild_join came.
                    await self.bot.store.cancel_server_deletion(deletion.guild_id)
                    continue
                await self.carry_out(deletion.guild_id, _quiet)
        except Exception:
            log.exception("the data-rights loop failed; it runs again in a few minutes")

    @deletions.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()

    # --- /me ---------------------------------------------------------------------------------

    @me.command(name="export")
    async def me_export(self, interaction: discord.Interaction) -> None:
        """Your contributions, votes and awards, as a file only you see"""
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await datarights.export_member(self.bot.store, interaction.user.id)
        if len(data) > MAX_FILE_BYTES:
            raise DataRefused("Your data is larger than the 10 MB Discord lets a bot send; "
                              "ask whoever runs the bot for a copy.")
        counts = await datarights.count_member_rows(self.bot.store, interaction.user.id)
        await interaction.edit_original_response(
            content=("Everything Counterpoint keeps that names you, in every server: "
                     f"{_summary(counts)}. The file is JSON (see the README, \"Your data\")."),
            attachments=[discord.File(io.BytesIO(data),
                                      filename=f"counterpoint-member-{interaction.user.id}.json")],
            allowed_mentions=NO_MENTIONS)

    @me.command(name="delete")
    async def me_delete(self, interaction: discord.Interaction) -> None:
        """Erase your contributions, votes and awards (asks you to confirm)"""
        counts = await datarights.count_member_rows(self.bot.store, interaction.user.id)
        if not counts:
            await reply(interaction, "Counterpoint keeps nothing that names you.")
            return
        view = discord.ui.View(timeout=None)
        view.add_item(EraseButton(interaction.user.id, int(time.time())))
        await interaction.response.send_message(
            "This erases you from Counterpoint's record in every server: "
            f"{_summary(counts)}. Your counterarguments and rebuttals become tombstones, "
            "\"removed at the author's request\" (replies to them stay); your votes and "
            "\"changed my mind\" awards leave the tallies; your id is erased from every row. "
            "Summaries already posted are not edited; the next ones reflect it. This cannot "
            "be undone. (`/me export` first if you want a copy.)",
            view=view, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def erase_confirmed(self, interaction: discord.Interaction, member_id: int,
                              issued: int) -> None:
        if interaction.user.id != member_id:
            raise DataRefused("This button erases the data of the member who asked; use "
                              "/me delete for your own.")
        if time.time() - issued > CONFIRM_SECONDS:
            raise DataRefused("This confirmation has expired: run /me delete again.")
        erased = await datarights.erase_member(self.bot.store, member_id)
        log.info("erased member %s at their request", member_id)
        # Their posts in the threads become tombstones too: the store marked them (and the
        # replies naming them) to be redrawn, which the Moderation cog's redraw loop does,
        # restart-safe; asked now rather than at its next round. And the buttons of what
        # they voted on show the tallies without them.
        moderation = self.bot.get_cog("Moderation")
        if isinstance(moderation, CatchesUp):
            self._redrawing = asyncio.create_task(moderation.catch_up(), name="erasure-redraw")
        await self.refresh_tallies(erased.targets)
        votes = erased.deleted.get("votes", 0)
        awards = erased.deleted.get("awards", 0)
        await interaction.response.edit_message(
            content=(f"Done. {_count(erased.tombstoned, 'contribution')} became tombstones; "
                     f"{_count(votes, 'vote')} and {_count(awards, 'award')} left the "
                     "tallies; your id is gone from every row."),
            view=None, allowed_mentions=NO_MENTIONS)


def _summary(counts: dict[str, int]) -> str:
    contributions = counts.get("contributions", 0)
    parts = [f"{contributions:,} counterargument{'s' * (contributions != 1)} and rebuttal"
             f"{'s' * (contributions != 1)}",
             _count(counts.get("votes", 0), "vote"),
             _count(counts.get("awards", 0), "\"changed my mind\" award")]
    rest = sum(n for table, n in counts.items()
               if table not in ("contributions", "votes", "awards"))
    if rest:
        parts.append(_count(rest, "other record"))
    return ", ".join(parts)


async def _quiet(done: int, total: int) -> None:
    return None


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Data(bot))
