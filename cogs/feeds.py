"""``/feed`` for moderators, and the loop that polls the feeds and posts what is new.

A thin adapter: every rule (dedupe, filters, limits, back-off, auto-pause) lives in
:class:`bot.feeds.service.FeedService`; this cog turns interactions into its calls, hands the
pieces it queues to the publisher, and turns results and refusals into ephemeral replies.
Every message goes out with no mentions; the ping of a subscription's ``mention_role`` is the
publisher's last step for each of its pieces (recorded, so a restart or the retry loop sends
it once).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.articles.model import Piece
from bot.errors import UserFacingError
from bot.feeds.service import (
    MAX_BACKFILL,
    AddResult,
    CycleReport,
    FeedService,
    FeedServiceError,
    FeedStatus,
    PauseNotice,
    PollSettings,
)
from bot.markup import web_url
from bot.pace import Pace
from bot.publishing import (
    ChannelKind,
    PortError,
    PublishResult,
    is_split_confidently,
    required_permissions,
)
from bot.publishing.payloads import channel_link, display_title, fit
from bot.publishing.review import ReviewService, review_channel
from bot.redact import redact_text, redact_url
from bot.store import UNSET
from bot.store.records import REVIEW_MODES
from bot.text import shorten
from cogs.utils.checks import ensure_moderator, is_moderator, moderator_group
from cogs.utils.loops import start_paced
from cogs.utils.options import IdOption
from cogs.utils.permissions import cannot_post_warning
from cogs.utils.replies import NO_MENTIONS, reply

if TYPE_CHECKING:
    from bot.client import CounterpointBot

log = logging.getLogger(__name__)

# Discord's limits: 25 fields and 6,000 characters per message's embeds, 1,024 per field.
_FIELDS_PER_EMBED = 25
_EMBED_BUDGET = 5500
_FIELD_LIMIT = 1024
_LIST_COLOUR = discord.Colour(0x3B82F6)
_PICK_A_FEED = "Pick a feed from the list that appears as you type (or see `/feed list`)."


class FeedOption(IdOption):
    """The ``feed`` option of /feed: one of this server's feeds, offered as the moderator
    types (by title and channel) and given to the command as its subscription id."""

    def refusal(self) -> UserFacingError:
        return FeedServiceError(_PICK_A_FEED)

    async def autocomplete(self, interaction: discord.Interaction, value: int | float | str, /
                           ) -> list[app_commands.Choice[int | float | str]]:
        # Autocomplete skips checks in discord.py: others see no feed names.
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        command = interaction.command
        cog = command.binding if isinstance(command, app_commands.Command) else None
        if not isinstance(cog, Feeds):
            return []
        guild = interaction.guild
        names = {c.id: c.name for c in guild.channels} if guild is not None else {}
        choices = await cog.service.autocomplete(interaction.guild_id, str(value), names)
        return [app_commands.Choice(name=shorten(redact_text(label), 100), value=str(sub_id))
                for label, sub_id in choices]


FeedChoice = app_commands.Transform[int, FeedOption]


def _code(text: str, limit: int) -> str:
    # Inline code keeps moderators' regexes readable; a backtick inside would end it early.
    return "`" + shorten(text, limit).replace("`", "ˋ") + "`"


def _when(moment: datetime | None, empty: str) -> str:
    return discord.utils.format_dt(moment, "R") if moment is not None else empty


def _status_text(line: FeedStatus) -> str:
    if line.paused_by == "moderator":
        return "⏸️ paused by a moderator"
    if line.paused_by == "failures":
        return f"⏸️ paused after {line.consecutive_failures} failures in a row"
    if line.status == "failing":
        count = line.consecutive_failures
        return f"⚠️ failing ({count} time{'s' if count != 1 else ''} in a row)"
    return "✅ OK"


def status_field(line: FeedStatus) -> tuple[str, str]:
    """One feed of /feed list as an embed field (name ≤ 256, value ≤ 1,024 characters)."""
    # The feed names itself: outside text, shown as written.
    name = fit(line.title or redact_url(line.url), 200, links=False)
    rows = [f"<#{line.channel_id}> · {_status_text(line)}",
            f"Last success: {_when(line.last_success_at, 'never')} · "
            f"Next poll: {_when(line.next_poll_at, 'paused')}"]
    if line.last_error:
        rows.append(f"Last error: {_code(line.last_error, 300)}")
    posted = f"Pieces posted: {line.pieces_posted}"
    if line.pieces_pending:
        posted += f" ({line.pieces_pending} waiting to be posted)"
    rows.append(posted)
    filters = []
    if line.include:
        filters.append(f"include {_code(', '.join(line.include), 110)}")
    if line.exclude:
        filters.append(f"exclude {_code(', '.join(line.exclude), 110)}")
    if filters:
        rows.append("Filters: " + " · ".join(filters))
    if line.mention_role_id is not None:
        rows.append(f"Pings <@&{line.mention_role_id}> on new pieces")
    rows.append(f"ID {line.subscription_id} · {shorten(redact_url(line.url), 150)}")
    # The title may be the URL, and the last error quotes it: no credentials in either.
    return redact_text(name), redact_text("\n".join(rows))[:_FIELD_LIMIT]


def list_embeds(lines: Sequence[FeedStatus], limit: int) -> list[discord.Embed]:
    """/feed list as embeds, each small enough to be a message of its own."""
    fields = [status_field(line) for line in lines]
    pages: list[list[tuple[str, str]]] = [[]]
    size = 0
    for name, value in fields:
        cost = len(name) + len(value)
        if pages[-1] and (len(pages[-1]) >= _FIELDS_PER_EMBED or size + cost > _EMBED_BUDGET):
            pages.append([])
            size = 0
        pages[-1].append((name, value))
        size += cost
    embeds = []
    for number, page in enumerate(pages, start=1):
        title = "Feeds followed in this server"
        if len(pages) > 1:
            title += f" ({number} of {len(pages)})"
        embed = discord.Embed(title=title, colour=_LIST_COLOUR)
        for name, value in page:
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=f"{len(lines)} of at most {limit} feeds · "
                              "change one with /feed pause, /feed resume or /feed remove")
        embeds.append(embed)
    return embeds


def preview_embed(piece: Piece) -> discord.Embed:
    """/feed test: the piece as it would be split (title, thesis, numbered arguments)."""
    # What the piece says is outside text: shown as written, as the bot would post it.
    embed = discord.Embed(title=fit(piece.title or "Untitled piece", 256, links=False),
                          url=web_url(piece.url),
                          description=fit(piece.thesis, 1500) or "(no thesis found)",
                          colour=_LIST_COLOUR)
    if piece.author:
        embed.add_field(name="Author", value=fit(piece.author, 200, links=False))
    if piece.arguments:
        heading = f"Arguments ({len(piece.arguments)})"
        if piece.announced_count is not None:
            heading += f", {piece.announced_count} announced"
        chunk: list[str] = []
        for argument in piece.arguments:
            row = f"{argument.number}. {fit(argument.title, 100, links=False)}"
            if sum(len(r) + 1 for r in chunk) + len(row) > _FIELD_LIMIT:
                embed.add_field(name=heading, value="\n".join(chunk), inline=False)
                heading, chunk = "Arguments (continued)", []
            chunk.append(row)
        embed.add_field(name=heading, value="\n".join(chunk), inline=False)
        if not is_split_confidently(piece):
            embed.add_field(name="Posting", inline=False,
                            value="This split is uncertain, so the piece would get one thread "
                                  "of its own rather than one per argument.")
    else:
        embed.add_field(name="Arguments", inline=False,
                        value="None enumerated: the piece would get one thread of its own.")
    if piece.conclusion:
        embed.add_field(name="Conclusion", value=fit(piece.conclusion, 500), inline=False)
    embed.set_footer(text=f"Split confidence {piece.confidence:.2f} (0 to 1)"
                          + "".join(f" · {note}" for note in piece.notes)[:1900])
    return embed


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


class Feeds(commands.Cog):
    """Moderators follow feeds into channels; the poll loop posts their new pieces."""

    feed = moderator_group("feed", "Follow commentary feeds in this server (moderators)")

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot
        self.service = FeedService(bot.store, bot.fetcher, PollSettings.from_config(bot.settings))
        self.owner = self.service.owner
        # One cycle at a time, whether from the loop or a direct call (tests, future tools).
        self._cycle = asyncio.Lock()

    async def cog_load(self) -> None:
        start_paced(self.poll_loop, seconds=self.bot.pace.poll_seconds)

    async def cog_unload(self) -> None:
        cycle = self.poll_loop.get_task()
        self.poll_loop.cancel()
        # A cycle cut short gives its feeds' leases back: let it, before the store closes.
        if cycle is not None and not cycle.done():
            await asyncio.wait([cycle])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await ensure_moderator(interaction, "manage feeds")
        # Every /feed command answers in a deferred ephemeral reply (reading a feed can take
        # longer than Discord's 3 seconds); a refusal above is answered at once instead.
        await interaction.response.defer(ephemeral=True, thinking=True)
        return True

    # --- polling ----------------------------------------------------------------------------

    @tasks.loop(seconds=Pace.poll_seconds)
    async def poll_loop(self) -> None:
        report: CycleReport | None = None
        try:
            report = await self.poll_step()
        except Exception:
            # The loop must outlive any one bad cycle (store hiccup, a bug): log, go on.
            log.exception("feed poll cycle failed")
        # ``on_feed_cycle(report)``, ``None`` for a cycle that failed: for whoever watches the
        # loop go round (``bot.wait_for("feed_cycle")``).
        self.bot.dispatch("feed_cycle", report)

    @poll_loop.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def poll_step(self, now: datetime | None = None) -> CycleReport:
        """One cycle: poll the due feeds, hand their new pieces on to publishing (without
        waiting for them: ``bot.publisher.drain()`` does), post pause notices.

        ``now`` pins the service's clock (tests drive back-off and auto-pause with it).
        """
        async with self._cycle:
            report = await self.service.poll_once(self.owner, now=now)
            if report.claimed:
                log.info("feed cycle: %d feeds, %d fetched, %d new pieces, %d failed, %d paused",
                         report.claimed, report.fetches, len(report.piece_ids), report.failed,
                         report.paused)
            # Handed on, not awaited: the publisher posts them channel by channel, side by
            # side, while the next cycles poll (bot.publishing.Publisher.hand_on).
            self.bot.publisher.hand_on(
                (piece_id, report.piece_channels[piece_id]) for piece_id in report.piece_ids)
            if self.bot.shard_plan.partial:
                # Pieces another process's poller queued for this process's guilds.
                await self.bot.publisher.resume(states=("pending",))
            # Every notice still owed, this cycle's and any an earlier cycle failed to post
            # (those of guilds on other processes' shards are theirs to post).
            for notice in await self.service.owed_pause_notices():
                if self.bot.shard_plan.owns(notice.guild_id):
                    await self.service.deliver_pause_notice(notice, self._post_notice)
            return report

    async def publish(self, piece_ids: Iterable[int]) -> list[PublishResult]:
        """Publish queued pieces in order (the publisher pings each subscription's role as
        the last step). Failures stay recorded on the piece; cogs.pieces' retry loop takes
        them up later, ping included.
        """
        results: list[PublishResult] = []
        for piece_id in piece_ids:
            try:
                results.append(await self.bot.publisher.publish(piece_id))
            except Exception:
                log.exception("publishing piece %s failed", piece_id)
        return results

    async def _post_notice(self, notice: PauseNotice) -> bool:
        """Post one pause notice; ``False`` if Discord refused or failed (it is retried at
        the next cycle), ``True`` once posted or when the guild has nowhere to hear it."""
        text = redact_text(
            f"⏸️ **Feed paused**: {notice.feed_url} failed too many times in a row. "
            f"Last error: {_code(notice.error, 300)}\n{notice.how_to_resume}")
        channel = self.bot.get_channel(notice.channel_id)
        # With a moderators' channel configured, the notice goes there and nowhere else.
        settings = await self.bot.store.get_guild_settings(notice.guild_id)
        chosen = settings.moderators_channel_id
        try:
            if isinstance(channel, discord.TextChannel) and chosen is None:
                granted = channel.permissions_for(channel.guild.me)
                if granted.view_channel and granted.send_messages:
                    # Where the pieces stopped coming: members see why, moderators how to fix.
                    await channel.send(text, allowed_mentions=NO_MENTIONS)
                    return True
            # A forum, a channel gone, or no right to post there: the moderators' channel.
            if not await self.bot.port.notify_moderators(notice.guild_id, notice.channel_id,
                                                         text):
                log.warning("guild %s has nowhere to hear that %s was paused",
                            notice.guild_id, notice.feed_url)
            return True
        except (discord.HTTPException, PortError) as exc:
            log.warning("could not post the pause notice for %s (retried next cycle): %s",
                        notice.feed_url, exc)
            return False

    # --- replies ----------------------------------------------------------------------------

    def _guild_id(self, interaction: discord.Interaction) -> int:
        assert interaction.guild_id is not None  # the group is guild-only
        return interaction.guild_id

    def _posted_summary(self, results: Sequence[PublishResult]) -> str:
        lines = []
        for result in results:
            piece = result.piece
            title = (fit(display_title(piece), 300, links=False) if piece is not None
                     else f"piece {result.piece_id}")
            if result.outcome == "published" and piece is not None:
                where = channel_link(piece.guild_id, piece.channel_id, piece.message_id)
                lines.append(f"• Posted **{title}**: {where}")
            elif result.outcome == "skipped":
                lines.append(f"• **{title}**: already posted")
            elif result.outcome == "busy":
                lines.append(f"• **{title}**: being posted right now")
            else:
                lines.append(f"• **{title}** not posted yet: {result.detail}. It is kept and "
                             f"retried every {self.bot.pace.retry_minutes:g} minutes.")
        return "\n".join(lines)

    # --- commands ---------------------------------------------------------------------------
    # Each answers in the reply interaction_check deferred; one that shows steps replaces it
    # step by step (``reply(..., replace=True)``). A refusal (FeedServiceError) is the command
    # tree's to show.

    @feed.command(name="add")
    @app_commands.describe(
        url="The feed's address, or a page that links to its feed (http or https)",
        channel="The text channel or forum to post its pieces in",
        mention_role="A role to ping when one of its pieces is posted",
        include="Only post entries matching one of these: words, \"phrases\", /regex/i, "
                "title:, author:, text: (comma-separated)",
        exclude="Never post entries matching any of these (same syntax; wins over include)",
        backfill="Also post this many of the newest existing entries now (0-10)")
    async def add(self, interaction: discord.Interaction, url: str,
                  channel: discord.TextChannel | discord.ForumChannel,
                  mention_role: discord.Role | None = None, include: str | None = None,
                  exclude: str | None = None,
                  backfill: app_commands.Range[int, 0, MAX_BACKFILL] = 0) -> None:
        """Follow a feed (or a page that links to one); only entries published from now on are
        posted"""
        if mention_role is not None and mention_role.is_default():
            raise FeedServiceError("Pick a role to mention other than @everyone.")
        added = await self.service.add(
            self._guild_id(interaction), channel.id, url, created_by=interaction.user.id,
            mention_role_id=mention_role.id if mention_role is not None else None,
            include=include, exclude=exclude, backfill=backfill)
        await self.bot.store.log_moderation(
            self._guild_id(interaction), interaction.user.id, "feed.add",
            target=f"subscription:{added.subscription.id}",
            details=f"{redact_url(added.feed_url)} in <#{channel.id}>")
        text = await self._added_text(added, channel)
        await reply(interaction, text, replace=True)
        if added.backfilled:
            results = await self.publish(p.id for p in added.backfilled)
            await reply(interaction, f"{text}\n\nBackfill:\n{self._posted_summary(results)}",
                        replace=True)

    async def _added_text(self, added: AddResult,
                          channel: discord.TextChannel | discord.ForumChannel) -> str:
        name = added.feed_title or added.feed_url
        lines = [f"Following **{fit(name, 300, links=False)}** in <#{channel.id}> "
                 f"(ID {added.subscription.id})."]
        if added.discovered:
            lines.append(f"The address you gave is a page; I found its feed at {added.feed_url}.")
        if added.held_for_review:
            lines.append(_held_note(added.held_for_review))
        count = added.existing_entries
        lines.append(f"{count} {'entry' if count == 1 else 'entries'} already in the feed "
                     f"{'was' if count == 1 else 'were'} marked as seen: only entries published "
                     "from now on will be posted.")
        sub = added.subscription
        if sub.include or sub.exclude:
            parts = []
            if sub.include:
                parts.append(f"include {_code(', '.join(sub.include), 300)}")
            if sub.exclude:
                parts.append(f"exclude {_code(', '.join(sub.exclude), 300)}")
            lines.append("Filters: " + " · ".join(parts) + ".")
        if sub.mention_role_id is not None:
            lines.append(f"Each new piece pings <@&{sub.mention_role_id}>.")
        interval = self.service.settings.interval.total_seconds() / 60
        lines.append(f"I check it about every {interval:g} minutes; see `/feed list`.")
        warning = _cannot_post_pieces(channel)
        if warning:
            lines.append(warning)
        return "\n".join(lines)

    @feed.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """The feeds this server follows, with their status"""
        guild_id = self._guild_id(interaction)
        lines = await self.service.statuses(guild_id)
        if not lines:
            await reply(interaction, "This server follows no feeds yet. Add one with `/feed add`.",
                        replace=True)
            return
        embeds = list_embeds(lines, await self._limit(guild_id))
        await reply(interaction, None, embeds=embeds[:1], replace=True)
        for embed in embeds[1:]:
            if not await reply(interaction, embeds=[embed]):
                return  # the rest would fail the same way

    async def _limit(self, guild_id: int) -> int:
        settings = await self.bot.store.get_guild_settings(guild_id)
        return settings.feed_limit or self.service.settings.feed_limit

    @feed.command(name="edit")
    @app_commands.describe(
        feed="The feed to change",
        channel="Post its pieces here from now on",
        mention_role="Ping this role when one of its pieces is posted",
        no_mention="True: stop pinging a role",
        include="New include filter (same syntax as /feed add); none clears it",
        exclude="New exclude filter (same syntax as /feed add); none clears it")
    async def edit(self, interaction: discord.Interaction, feed: FeedChoice,
                   channel: discord.TextChannel | discord.ForumChannel | None = None,
                   mention_role: discord.Role | None = None, no_mention: bool = False,
                   include: str | None = None, exclude: str | None = None) -> None:
        """Change a feed's channel, mention role or filters without removing it"""
        if mention_role is not None and mention_role.is_default():
            raise FeedServiceError("Pick a role to mention other than @everyone.")
        if mention_role is not None and no_mention:
            raise FeedServiceError("Give a mention role or `no_mention`, not both.")
        guild_id = self._guild_id(interaction)
        role: int | None = UNSET
        if mention_role is not None or no_mention:
            role = mention_role.id if mention_role is not None else None
        line = await self.service.edit(
            guild_id, feed, channel_id=channel.id if channel is not None else None,
            mention_role_id=role, include=include, exclude=exclude)
        changed = [f"channel <#{line.channel_id}>" if channel is not None else "",
                   ("no mention" if line.mention_role_id is None
                    else f"mention <@&{line.mention_role_id}>")
                   if mention_role is not None or no_mention else "",
                   f"include {_code(', '.join(line.include), 200) if line.include else 'none'}"
                   if include is not None else "",
                   f"exclude {_code(', '.join(line.exclude), 200) if line.exclude else 'none'}"
                   if exclude is not None else ""]
        summary = "; ".join(c for c in changed if c)
        await self.bot.store.log_moderation(guild_id, interaction.user.id, "feed.edit",
                                            target=f"subscription:{line.subscription_id}",
                                            details=summary)
        text = f"Updated {redact_url(line.url)}: {summary}. Pieces already posted stay."
        warning = _cannot_post_pieces(channel) if channel is not None else None
        await reply(interaction, f"{text}\n{warning}" if warning else text)

    @feed.command(name="remove")
    @app_commands.describe(feed="The feed to stop following")
    async def remove(self, interaction: discord.Interaction, feed: FeedChoice) -> None:
        """Stop following a feed in its channel"""
        url = await self.service.remove(self._guild_id(interaction), feed)
        await self.bot.store.log_moderation(
            self._guild_id(interaction), interaction.user.id, "feed.remove",
            target=f"subscription:{feed}", details=redact_url(url))
        await reply(interaction, f"No longer following {url}. Pieces already posted stay.")

    @feed.command(name="review")
    @app_commands.describe(feed="The feed", mode="default: the server's (/config review); off, "
                                                "on, or unsure (when the split is uncertain)")
    @app_commands.choices(mode=[
        app_commands.Choice(name="default: the server's setting", value="default"),
        app_commands.Choice(name="off: post new pieces at once", value="off"),
        app_commands.Choice(name="on: review every new piece", value="on"),
        app_commands.Choice(name="unsure: review when the split is uncertain", value="unsure")])
    async def review(self, interaction: discord.Interaction, feed: FeedChoice,
                     mode: app_commands.Choice[str]) -> None:
        """Hold this feed's new pieces for a moderator's review before they are posted"""
        guild_id = self._guild_id(interaction)
        own = None if mode.value == "default" else mode.value
        result = await ReviewService(self.bot.store).set_feed_mode(
            guild_id, feed, own if own in REVIEW_MODES else None)
        await self.bot.store.log_moderation(
            guild_id, interaction.user.id, "feed.review", target=f"subscription:{feed}",
            details=f"mode={mode.value}")
        where = review_channel(result.settings)
        text = (f"New pieces of this feed in <#{result.subscription.channel_id}>: review "
                f"**{result.effective}**" + (" (the server's default)" if own is None else ""))
        if result.effective != "off":
            text += f"; they wait in <#{where}> for a moderator."
        await reply(interaction, text + ".")

    @feed.command(name="pause")
    @app_commands.describe(feed="The feed to pause")
    async def pause(self, interaction: discord.Interaction, feed: FeedChoice) -> None:
        """Stop posting a feed's pieces until resumed"""
        await self._pause_or_resume(interaction, feed, pause=True)

    @feed.command(name="resume")
    @app_commands.describe(feed="The feed to resume")
    async def resume(self, interaction: discord.Interaction, feed: FeedChoice) -> None:
        """Post a paused feed again (also after failures)"""
        await self._pause_or_resume(interaction, feed, pause=False)

    async def _pause_or_resume(self, interaction: discord.Interaction, feed: int, *,
                               pause: bool) -> None:
        guild_id = self._guild_id(interaction)
        if pause:
            line = await self.service.pause(guild_id, feed)
            text = (f"Paused {line.url} in <#{line.channel_id}>. `/feed resume` posts it again "
                    "(entries published meanwhile are not replayed).")
        else:
            line = await self.service.resume(guild_id, feed)
            text = f"Resumed {line.url} in <#{line.channel_id}>: I check it again within a minute."
        await self.bot.store.log_moderation(
            guild_id, interaction.user.id, "feed.pause" if pause else "feed.resume",
            target=f"subscription:{feed}", details=redact_url(line.url))
        await reply(interaction, text)

    @feed.command(name="test")
    @app_commands.describe(url="The feed's address, or a page that links to its feed")
    async def test(self, interaction: discord.Interaction, url: str) -> None:
        """Show how a feed's newest entry would be split, posting nothing"""
        piece = await self.service.test(url)
        await reply(interaction, "The newest entry, as it would be posted (nothing was posted):",
                    embeds=[preview_embed(piece)], replace=True)

    @feed.command(name="send-latest")
    @app_commands.describe(feed="The feed whose newest entry to post")
    async def send_latest(self, interaction: discord.Interaction, feed: FeedChoice) -> None:
        """Post a feed's newest entry now"""
        record = await self.service.send_latest(self._guild_id(interaction), feed)
        await reply(interaction, f"Posting **{fit(display_title(record), 300, links=False)}** …",
                    replace=True)
        await reply(interaction, self._posted_summary(await self.publish([record.id])),
                    replace=True)

    @feed.command(name="backfill")
    @app_commands.describe(feed="The feed to backfill", count="How many entries (1-10)")
    async def backfill(self, interaction: discord.Interaction, feed: FeedChoice,
                       count: app_commands.Range[int, 1, MAX_BACKFILL]) -> None:
        """Post up to 10 of a feed's newest entries that were not posted yet"""
        done = await self.service.backfill(self._guild_id(interaction), feed, count)
        held = _held_note(done.held_for_review)
        if not done.pieces:
            text = held or ("Nothing to backfill: every recent entry that passes the filters "
                            "is already in the channel.")
            await reply(interaction, text, replace=True)
            return
        await reply(interaction, f"Posting {_plural(len(done.pieces), 'piece')} …", replace=True)
        results = await self.publish(r.id for r in done.pieces)
        await reply(interaction, f"Backfilled {_plural(len(done.pieces), 'piece')}:\n"
                                 + self._posted_summary(results)
                                 + (f"\n{held}" if held else ""), replace=True)


def _cannot_post_pieces(channel: discord.TextChannel | discord.ForumChannel) -> str | None:
    kind: ChannelKind = "forum" if isinstance(channel, discord.ForumChannel) else "text"
    return cannot_post_warning(channel, required_permissions(kind),
                               "Pieces wait until that is fixed.")


def _held_note(held: int) -> str:
    if not held:
        return ""
    return (f"{_plural(held, 'entry', 'entries')} held for a moderator's review (this feed's "
            "review mode): once approved in the review channel, they are posted here.")


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Feeds(bot))
