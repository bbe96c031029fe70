"""``/summary`` for anyone, and the loop that posts each guild's weekly summary on schedule.

What the summary says, when it is due and the post-once claim are :mod:`bot.summaries`' and
the store's; this cog turns a :class:`WeeklySummary` into embeds plus four files and sends it
(with the week's nonce), and reads the bot's recent messages back when a week is resumed after
a crash.

``/summary`` without a week shows the current week so far when it has any activity, else the
last complete week (a Monday-morning ``/summary`` should not answer "a quiet week" when last
week was busy); when both are quiet it shows the current week's friendly empty summary.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.pace import Pace
from bot.summaries import (
    DueSummary,
    IsoWeek,
    NotPosted,
    PostResult,
    SeenMessage,
    WeekError,
    WeeklySummary,
    attachments,
    build_summary,
    post_due_summaries,
    to_embeds,
)
from bot.summaries.weeks import zone
from cogs.utils.loops import start_paced
from cogs.utils.permissions import (
    SUMMARY_PERMISSIONS,
    missing_permissions,
    permission_names,
)
from cogs.utils.replies import NO_MENTIONS, reply

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from bot.client import CounterpointBot

log = logging.getLogger(__name__)

#: Weeks offered by the week autocomplete, newest first.
AUTOCOMPLETE_WEEKS = 12
#: How many of the summary channel's latest messages a resumed week looks through for a post
#: the dead process made: one request, and a summary channel is rarely busy enough to bury a
#: post made a lease (or a restart) ago deeper than that.
LOOKBACK = 100


class SummaryChannelError(NotPosted):
    """The configured summary channel cannot take the post right now (logged, retried)."""


def summary_message(summary: WeeklySummary,
                    files: list[tuple[str, bytes]]) -> tuple[list[discord.Embed],
                                                             list[discord.File]]:
    """Embeds and files for one message; files are single-use, so build them per send."""
    embeds = [discord.Embed.from_dict(spec.to_dict()) for spec in to_embeds(summary)]
    return embeds, [discord.File(io.BytesIO(data), filename=name) for name, data in files]


async def render_files(summary: WeeklySummary) -> list[tuple[str, bytes]]:
    # The chart takes matplotlib a noticeable moment: draw it off the event loop so the
    # gateway heartbeat and other interactions are not held up.
    return await asyncio.to_thread(attachments, summary)


class Summaries(commands.Cog):
    """The weekly summary on demand and on schedule."""

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot
        # Scheduler steps in flight (the loop's, or one a test drives): see cog_unload.
        self._posting = 0

    async def cog_load(self) -> None:
        start_paced(self.schedule_loop, minutes=self.bot.pace.schedule_minutes)

    async def cog_unload(self) -> None:
        # Cancelling mid-post would leave the week claimed but maybe unsent until its lease
        # runs out; letting the post finish (recorded) or fail (released) is quicker.
        if self._posting:
            self.schedule_loop.stop()
        else:
            self.schedule_loop.cancel()

    # --- scheduled posting ------------------------------------------------------------------

    # The first run comes right after the gateway is ready: slots missed while the bot was
    # down are posted then.
    @tasks.loop(minutes=Pace.schedule_minutes)
    async def schedule_loop(self) -> None:
        try:
            await self.post_due(datetime.now(UTC))
        except Exception:
            # The store may be briefly unreachable; the next tick tries again.
            log.exception("posting due summaries failed")

    @schedule_loop.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def post_due(self, now: datetime) -> list[PostResult]:
        """One scheduler step at ``now``: claim and post every due summary (tests pin ``now``)."""
        self._posting += 1
        try:
            results = await post_due_summaries(self.bot.store, now, self._post_scheduled,
                                               self._own_messages,
                                               owns=self.bot.shard_plan.owns)
        finally:
            self._posting -= 1
        for result in results:
            if result.post is not None:
                log.info("posted summary %s of guild %s", result.due.iso_week,
                         result.due.guild_id)
        return results

    async def _post_scheduled(self, due: DueSummary) -> int:
        """Send one due summary. ``NotPosted`` (nothing reached Discord, or it refused) makes
        ``post_due_summaries`` release the claim for the next tick; anything else (a timeout,
        a 5xx: the message may exist) keeps it until the lease passes and the week is looked
        for before it is posted again."""
        channel = await self._summary_channel(due)
        try:
            summary = await build_summary(self.bot.store, due.guild_id, due.iso_week,
                                          due.timezone)
            embeds, files = summary_message(summary, await render_files(summary))
        except Exception as exc:
            log.exception("building summary %s of guild %s failed", due.iso_week, due.guild_id)
            raise NotPosted(f"the summary could not be built: {exc!r}") from exc
        try:
            # discord.py sends a nonce with enforce_nonce: a repeat within Discord's few
            # minutes (a takeover racing a stalled holder, a retry) returns the first message.
            message = await channel.send(embeds=embeds, files=files, nonce=due.nonce,
                                         allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            if 400 <= exc.status < 500:
                # Refused (a 429 that outlasted discord.py's retries included): not posted.
                raise NotPosted(f"Discord refused the post ({exc.status}: {exc.text})") \
                    from exc
            raise  # a 5xx may have posted it: the claim is kept and the week looked for
        return message.id

    async def _own_messages(self, due: DueSummary) -> list[SeenMessage]:
        """The bot's latest plain messages in the summary channel, newest first, for
        ``find_posted`` to spot a post an interrupted claim made."""
        channel = await self._summary_channel(due)
        me = self.bot.user
        if me is None:
            raise SummaryChannelError("not logged in")
        if not channel.permissions_for(channel.guild.me).read_message_history:
            # Nothing to read (and no 403 to collect): only the nonce guards against a double.
            log.warning("no Read Message History in summary channel %s of guild %s: resuming "
                        "summary %s without looking for an earlier post", channel.id,
                        due.guild_id, due.iso_week)
            return []
        found: list[SeenMessage] = []
        async for message in channel.history(limit=LOOKBACK):
            # Only plain messages: a public /summary is an interaction response, not the post.
            if message.author.id == me.id and message.type is discord.MessageType.default:
                found.append(SeenMessage(
                    id=message.id, titles=tuple(e.title or "" for e in message.embeds),
                    filenames=tuple(a.filename for a in message.attachments),
                    nonce=None if message.nonce is None else str(message.nonce)))
        return found

    async def _summary_channel(self, due: DueSummary) -> discord.TextChannel:
        guild = self.bot.get_guild(due.guild_id)
        if guild is None:
            # Not in this process's cache (left the guild, or another shard's process): no
            # request, so nothing to refuse; the claim goes back for whoever has the guild.
            raise SummaryChannelError(f"guild {due.guild_id} is not available here")
        channel = guild.get_channel(due.channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise SummaryChannelError(f"summary channel {due.channel_id} of guild "
                                      f"{due.guild_id} is gone or not a text channel")
        missing = missing_permissions(channel, SUMMARY_PERMISSIONS)
        if missing:
            raise SummaryChannelError(f"missing {permission_names(missing)} in summary "
                                      f"channel {channel.id} of guild {due.guild_id}")
        return channel

    # --- /summary ---------------------------------------------------------------------------

    @app_commands.command(name="summary")
    @app_commands.describe(
        week="An ISO week like 2026-W47 (default: this week so far, or last week if this "
             "week is still quiet)",
        public="Post it in this channel for everyone (default: only you see it)")
    @app_commands.guild_only()
    @app_commands.checks.cooldown(4, 60.0, key=lambda i: (i.guild_id, i.user.id))
    async def summary(self, interaction: discord.Interaction, week: str | None = None,
                      public: bool = False) -> None:
        """This server's weekly debate summary"""
        assert interaction.guild_id is not None  # guild_only
        guild_id = interaction.guild_id
        now = datetime.now(UTC)
        tz = zone((await self.bot.store.get_guild_settings(guild_id)).timezone)
        current = IsoWeek.of(now, tz)
        wanted: IsoWeek | None = None
        if week is not None and week.strip():
            try:
                wanted = IsoWeek.parse(week.strip())
            except WeekError as exc:
                text = str(exc)
                await reply(interaction, f"{text[:1].upper()}{text[1:]}.")
                return
            if wanted > current:
                await reply(interaction, f"{wanted} has not started yet: this week is "
                                                f"{current}.")
                return
        # Checks done before deferring, so a refusal is never public.
        await interaction.response.defer(ephemeral=not public, thinking=True)
        summary = await self._summary_for(guild_id, wanted, current, tz, now)
        embeds, files = summary_message(summary, await render_files(summary))
        await interaction.edit_original_response(content=None, embeds=embeds, attachments=files,
                                                 allowed_mentions=NO_MENTIONS)

    async def _summary_for(self, guild_id: int, wanted: IsoWeek | None, current: IsoWeek,
                           tz: ZoneInfo, now: datetime) -> WeeklySummary:
        store = self.bot.store
        if wanted is not None:
            return await build_summary(store, guild_id, wanted, tz, now=now)
        this_week = await build_summary(store, guild_id, current, tz, now=now)
        if not this_week.empty:
            return this_week
        last_week = await build_summary(store, guild_id, current.previous(), tz, now=now)
        return this_week if last_week.empty else last_week

    @summary.autocomplete("week")
    async def _week_choices(self, interaction: discord.Interaction,
                            typed: str) -> list[app_commands.Choice[str]]:
        tz_name = "UTC"
        if interaction.guild_id is not None:
            tz_name = (await self.bot.store.get_guild_settings(interaction.guild_id)).timezone
        try:
            tz = zone(tz_name)
        except WeekError:
            tz = zone("UTC")
        current = IsoWeek.of(datetime.now(UTC), tz)
        needle = typed.strip().lower()
        choices = []
        for back in range(AUTOCOMPLETE_WEEKS):
            week = current.shift(-back)
            monday, sunday = week.monday(), week.day(6)
            when = ("this week so far" if back == 0 else "last week" if back == 1 else
                    f"{monday.day} {monday:%b} – {sunday.day} {sunday:%b %Y}")
            label = f"{week} · {when}"
            if needle in label.lower():
                choices.append(app_commands.Choice(name=label, value=str(week)))
        return choices[:25]


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Summaries(bot))
