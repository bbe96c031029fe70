"""``/config``: the guild's settings, changed from Discord by moderators.

Every command here is for moderators (``cogs.utils.checks``: Manage Server or the configured
moderator role), except ``/config moderator-role``, which needs Manage Server itself: whoever
holds the moderator role must not be able to hand it on or take it away. Every change is
written to the guild's moderation log.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.debate.gates import Gates
from bot.debate.rules import (
    DEFAULT_MAX_LENGTH,
    DEFAULT_MAX_REASON_LENGTH,
    DEFAULT_MIN_REASON_LENGTH,
    DebateRules,
)
from bot.publishing.review import review_channel
from bot.store import GuildSettings
from bot.summaries import due_summary, next_slot
from cogs.utils.checks import ensure_moderator, moderator_group
from cogs.utils.controls import refresh_buttons
from cogs.utils.permissions import (
    REVIEW_PERMISSIONS,
    SUMMARY_PERMISSIONS,
    cannot_post_warning,
)
from cogs.utils.replies import reply

if TYPE_CHECKING:
    from bot.client import CounterpointBot

log = logging.getLogger(__name__)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_COUNTER_LENGTH = 10
MAX_COUNTER_LENGTH = DEFAULT_MAX_LENGTH
DAY_SECONDS = 86_400
#: Ten years of account age, a year in the server: more is no gate, it is a closed door.
MAX_GATE_DAYS = 3650
MAX_GATE_HOURS = 8760
#: Debates whose buttons a gate change refreshes at once (older ones at their next vote).
REFRESH_BUTTONS_FOR = timedelta(days=7)
#: Offered when the time zone box is still empty (after the guild's own zone).
COMMON_ZONES = ("UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York",
                "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
                "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
                "Africa/Lagos", "Africa/Johannesburg")


@functools.cache
def _zones() -> tuple[str, ...]:
    # available_timezones() walks the tz database on every call: once per process is enough.
    return tuple(sorted(zoneinfo.available_timezones()))


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in _zones()}


def canonical_zone(text: str) -> str | None:
    """The IANA name ``text`` means (case and spaces forgiven), or ``None``."""
    return _zones_by_folded_name().get(text.strip().replace(" ", "_").casefold())


def zone_choices(typed: str, current: str | None = None) -> list[str]:
    """Up to 25 zone names for what was typed: name prefix, then city prefix, then anywhere."""
    needle = typed.strip().replace(" ", "_").casefold()
    if not needle:
        first = [current] if current else []
        return list(dict.fromkeys([*first, *COMMON_ZONES]))[:25]
    prefix, city, inside = [], [], []
    for name in _zones():
        folded = name.casefold()
        if folded.startswith(needle):
            prefix.append(name)
        elif folded.rsplit("/", 1)[-1].startswith(needle):
            city.append(name)
        elif needle in folded:
            inside.append(name)
    return [*prefix, *city, *inside][:25]


def timestamp(moment: datetime, style: str = "F") -> str:
    """A Discord timestamp: every member sees it in their own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def schedule_line(settings: GuildSettings) -> str:
    return (f"every {WEEKDAYS[settings.summary_weekday]} at {settings.summary_hour:02d}:00 "
            f"({settings.timezone})")


#: /config review's and /feed review's modes, as offered.
REVIEW_MODE_LABELS = {"off": "off: post new pieces at once",
                      "on": "on: review every new piece",
                      "unsure": "unsure: review when the splitter is unsure of the split"}


def review_line(settings: GuildSettings) -> str:
    channel_id = review_channel(settings)
    where = f"<#{channel_id}>" if channel_id is not None else "no review channel yet"
    return (f"Review before posting: **{settings.review_mode}** for feeds without a mode of "
            f"their own ({REVIEW_MODE_LABELS[settings.review_mode].split(': ', 1)[1]}); pieces "
            f"wait in {where}. `/feed review` sets one feed's own mode.")


class Admin(commands.Cog):
    """Per-guild configuration commands."""

    config = moderator_group("config", "Counterpoint's settings for this server (moderators)")

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await ensure_moderator(interaction, "change this server's settings")

    # --- summaries --------------------------------------------------------------------------

    @config.command(name="summary")
    @app_commands.describe(
        channel="The text channel for the weekly summary",
        weekday="The day it is posted (default: as before, Sunday at first)",
        hour="The hour it is posted, 0-23 in the time zone (default: as before, 18 at first)",
        timezone="An IANA time zone such as Europe/London (default: as before, UTC at first)")
    @app_commands.choices(weekday=[app_commands.Choice(name=day, value=i)
                                   for i, day in enumerate(WEEKDAYS)])
    async def summary(self, interaction: discord.Interaction, channel: discord.TextChannel,
                      weekday: app_commands.Choice[int] | None = None,
                      hour: app_commands.Range[int, 0, 23] | None = None,
                      timezone: str | None = None) -> None:
        """Where and when the weekly summary is posted"""
        guild_id = self._guild_id(interaction)
        changes: dict[str, Any] = {"summary_channel_id": channel.id, "summary_enabled": True}
        if weekday is not None:
            changes["summary_weekday"] = weekday.value
        if hour is not None:
            changes["summary_hour"] = hour
        if timezone is not None:
            name = canonical_zone(timezone)
            if name is None:
                await reply(interaction, f"I don't know the time zone "
                                   f"{discord.utils.escape_markdown(timezone.strip())!r}: pick "
                                   "one from the list, an IANA name like Europe/London.")
                return
            changes["timezone"] = name
        settings = await self.bot.store.update_guild_settings(guild_id, **changes)
        await self.bot.store.log_moderation(
            guild_id, interaction.user.id, "config.summary", target=f"channel:{channel.id}",
            details=f"weekday={WEEKDAYS[settings.summary_weekday]} "
                    f"hour={settings.summary_hour} timezone={settings.timezone}")
        now = datetime.now(UTC)
        lines = [f"Weekly summaries go to <#{channel.id}> {schedule_line(settings)}.",
                 f"Next one: {timestamp(next_slot(settings, now))} "
                 f"({timestamp(next_slot(settings, now), 'R')})."]
        due = due_summary(settings, now)
        if due is not None and await self.bot.store.get_summary_post(
                guild_id, due.iso_week) is None:
            lines.append(f"The summary of {due.iso_week} was due {timestamp(due.slot, 'R')}: "
                         f"I'll post it within {self.bot.pace.schedule_minutes:g} minutes.")
        warning = cannot_post_warning(channel, SUMMARY_PERMISSIONS,
                                      "I'll keep trying once it's granted.")
        await reply(interaction, "\n".join([*lines, warning] if warning else lines))

    @config.command(name="summary-off")
    async def summary_off(self, interaction: discord.Interaction) -> None:
        """Stop posting the weekly summary (/summary keeps working)"""
        guild_id = self._guild_id(interaction)
        await self.bot.store.update_guild_settings(guild_id, summary_enabled=False)
        await self.bot.store.log_moderation(guild_id, interaction.user.id, "config.summary-off")
        await reply(interaction, "Weekly summaries are off. Anyone can still use "
                                        "/summary; /config summary turns them back on.")

    # --- moderators and debate rules --------------------------------------------------------

    @config.command(name="moderator-role")
    @app_commands.describe(role="The moderator role; leave empty to clear it")
    async def moderator_role(self, interaction: discord.Interaction,
                             role: discord.Role | None = None) -> None:
        """The role that may use moderator commands besides Manage Server (leave empty to clear)"""
        guild_id = self._guild_id(interaction)
        granted = interaction.permissions
        if not (granted.administrator or granted.manage_guild):
            await reply(interaction, "Only members with Manage Server can choose the "
                                            "moderator role.")
            return
        if role is not None and role.is_default():
            await reply(interaction, "@everyone can't be the moderator role: that "
                                            "would make every member a moderator.")
            return
        await self.bot.store.update_guild_settings(
            guild_id, moderator_role_id=role.id if role is not None else None)
        await self.bot.store.log_moderation(
            guild_id, interaction.user.id, "config.moderator-role",
            target=f"role:{role.id}" if role is not None else None,
            details=None if role is not None else "cleared")
        if role is None:
            text = "Moderator role cleared: only members with Manage Server are moderators."
        else:
            text = (f"Members with <@&{role.id}> can now use moderator commands, as can "
                    "anyone with Manage Server.")
        await reply(interaction, text)

    @config.command(name="min-counter-length")
    @app_commands.describe(n=f"Characters, {MIN_COUNTER_LENGTH}-{MAX_COUNTER_LENGTH}; leave "
                             "empty for the bot's default")
    async def min_counter_length(
            self, interaction: discord.Interaction,
            n: app_commands.Range[int, MIN_COUNTER_LENGTH, MAX_COUNTER_LENGTH] | None = None,
    ) -> None:
        """Shortest counterargument or rebuttal accepted (leave empty for the bot's default)"""
        rules = await self._set_minimum(interaction, "min-counter-length", "min_counter_length",
                                        n)
        effective = rules.min_length
        source = "" if n is not None else " (the bot's default)"
        await reply(interaction, f"Counterarguments and rebuttals now need at least "
                                        f"{effective} characters{source}.")

    # --- review before posting --------------------------------------------------------------

    @config.command(name="review")
    @app_commands.describe(
        mode="Feeds without a mode of their own: off (post at once), on (review every piece), "
             "unsure (review when the splitter is unsure)",
        channel="Where pieces wait for review (needed before review can be on)")
    @app_commands.choices(mode=[app_commands.Choice(name=label, value=value)
                                for value, label in REVIEW_MODE_LABELS.items()])
    async def review(self, interaction: discord.Interaction,
                     mode: app_commands.Choice[str] | None = None,
                     channel: discord.TextChannel | None = None) -> None:
        """Hold new feed pieces for a moderator's review before they are posted"""
        guild_id = self._guild_id(interaction)
        current = await self.bot.store.get_guild_settings(guild_id)
        changes: dict[str, Any] = {}
        if channel is not None:
            changes["review_channel_id"] = channel.id
        if mode is not None:
            changes["review_mode"] = mode.value
        if not changes:
            await reply(interaction, review_line(current))
            return
        if changes.get("review_mode", "off") != "off" and review_channel(
                dataclasses.replace(current, **changes)) is None:
            await reply(interaction, "Review needs a channel where pieces wait for the "
                                     "moderators: run `/config review` again with `channel` "
                                     "(a channel only moderators can see).")
            return
        settings = await self.bot.store.update_guild_settings(guild_id, **changes)
        await self.bot.store.log_moderation(
            guild_id, interaction.user.id, "config.review",
            target=f"channel:{settings.review_channel_id}"
            if settings.review_channel_id is not None else None,
            details=f"mode={settings.review_mode}")
        lines = [review_line(settings)]
        warning = (cannot_post_warning(channel, REVIEW_PERMISSIONS, "Pieces wait until I can.")
                   if channel is not None else None)
        await reply(interaction, "\n".join([*lines, warning] if warning else lines))

    # --- where moderators hear from the bot ------------------------------------------------

    @config.command(name="moderators-channel")
    @app_commands.describe(channel="A channel only moderators read; leave empty to clear it")
    async def moderators_channel(self, interaction: discord.Interaction,
                                 channel: discord.TextChannel | None = None) -> None:
        """Where the bot tells moderators of paused feeds, missing permissions, reviews (empty:
        clear)"""
        await self._set_channel(
            interaction, "moderators_channel_id", "config.moderators-channel", channel,
            set_text="Notices for moderators (paused feeds, missing permissions, reviews) now "
                     "go to {channel}.",
            cleared="No moderators' channel: notices go where the feed posts, or to a channel "
                    "the bot guesses moderators read.")

    @config.command(name="modlog-channel")
    @app_commands.describe(channel="The log channel; leave empty to stop posting the log")
    async def modlog_channel(self, interaction: discord.Interaction,
                             channel: discord.TextChannel | None = None) -> None:
        """Where each moderator action is also posted (leave empty to clear)"""
        await self._set_channel(
            interaction, "modlog_channel_id", "config.modlog-channel", channel,
            set_text="Every moderator action from now on is also posted in {channel} "
                     "(`/modlog` shows the whole log).",
            cleared="The moderation log is no longer posted in a channel; `/modlog` still "
                    "shows it.")

    async def _set_channel(self, interaction: discord.Interaction, setting: str, action: str,
                           channel: discord.TextChannel | None, *, set_text: str,
                           cleared: str) -> None:
        """Save (or clear) one of the channels moderators hear in, log it and say so."""
        guild_id = self._guild_id(interaction)
        change: dict[str, Any] = {setting: channel.id if channel is not None else None}
        await self.bot.store.update_guild_settings(guild_id, **change)
        await self.bot.store.log_moderation(
            guild_id, interaction.user.id, action,
            target=f"channel:{channel.id}" if channel is not None else None,
            details=None if channel is not None else "cleared")
        if channel is None:
            await reply(interaction, cleared)
            return
        text = set_text.format(channel=f"<#{channel.id}>")
        warning = cannot_post_warning(channel, ("view_channel", "send_messages"),
                                      "Nothing is posted there until then.")
        await reply(interaction, f"{text}\n{warning}" if warning else text)

    # --- gates against brigading and awards ------------------------------------------------

    gates = app_commands.Group(name="gates", description="Who may vote, counter and award "
                               "(moderators; all off by default)", parent=config)

    async def _set_gate(self, interaction: discord.Interaction, action: str, details: str,
                        **changes: Any) -> None:
        guild_id = self._guild_id(interaction)
        settings = await self.bot.store.update_guild_settings(guild_id, **changes)
        self.bot.debate.forget_gates(guild_id)
        await self.bot.store.log_moderation(guild_id, interaction.user.id,
                                            f"config.gates.{action}", details=details)
        lines = "\n".join(f"- {line}" for line in Gates.from_settings(settings).lines())
        refreshed = ""
        if action != "counter-rate":  # the other gates move the tallies
            since = datetime.now(UTC) - REFRESH_BUTTONS_FOR
            for channel_id, message_id, target in \
                    await self.bot.store.messages_with_tallies(guild_id, since):
                refresh_buttons(self.bot, channel_id, message_id, target)
            refreshed = ("\nThe buttons of the last week's debates are being brought up to "
                         "date; older ones follow at their next vote.")
        await reply(interaction, "Gates for this server now (votes already cast are kept; "
                                 "tallies count them by the rules in force):\n" + lines
                    + refreshed)

    @gates.command(name="account-age")
    @app_commands.describe(days=f"Days, 0-{MAX_GATE_DAYS}; 0 turns the gate off")
    async def gate_account_age(self, interaction: discord.Interaction,
                               days: app_commands.Range[int, 0, MAX_GATE_DAYS]) -> None:
        """Minimum age of a Discord account to vote, counter or award (0: off)"""
        await self._set_gate(interaction, "account-age", f"days={days}",
                             gate_account_age_s=days * DAY_SECONDS or None)

    @gates.command(name="time-in-server")
    @app_commands.describe(hours=f"Hours, 0-{MAX_GATE_HOURS}; 0 turns the gate off")
    async def gate_membership(self, interaction: discord.Interaction,
                              hours: app_commands.Range[int, 0, MAX_GATE_HOURS]) -> None:
        """Minimum time in this server to vote, counter or award (0: off)"""
        await self._set_gate(interaction, "time-in-server", f"hours={hours}",
                             gate_membership_s=hours * 3600 or None)

    @gates.command(name="role")
    @app_commands.describe(role="The required role; leave empty to require none")
    async def gate_role(self, interaction: discord.Interaction,
                        role: discord.Role | None = None) -> None:
        """A role members need to vote, counter or award (leave empty: none)"""
        if role is not None and role.is_default():
            role = None  # @everyone: every member has it, so no gate
        await self._set_gate(interaction, "role",
                             f"role:{role.id}" if role is not None else "none",
                             gate_role_id=role.id if role is not None else None)

    @gates.command(name="counter-rate")
    @app_commands.describe(per_hour="Posts per member per hour, 0-100; 0 removes the limit")
    async def gate_counter_rate(self, interaction: discord.Interaction,
                                per_hour: app_commands.Range[int, 0, 100]) -> None:
        """Most counterarguments and rebuttals a member may post per hour (0: no limit)"""
        await self._set_gate(interaction, "counter-rate", f"per_hour={per_hour}",
                             gate_counter_rate=per_hour or None)

    @gates.command(name="established")
    @app_commands.describe(days="Account age and time in the server, in days, that make a "
                                f"member established (0-{MAX_GATE_DAYS}; 0 turns it off)")
    async def gate_established(self, interaction: discord.Interaction,
                               days: app_commands.Range[int, 0, MAX_GATE_DAYS]) -> None:
        """Show an established members' tally beside the full one (0: off)"""
        await self._set_gate(interaction, "established", f"days={days}",
                             established_s=days * DAY_SECONDS or None)

    @config.command(name="award-reason")
    @app_commands.describe(n=f"Characters, 1-{DEFAULT_MAX_REASON_LENGTH}; leave empty for "
                             f"{DEFAULT_MIN_REASON_LENGTH}")
    async def award_reason(
            self, interaction: discord.Interaction,
            n: app_commands.Range[int, 1, DEFAULT_MAX_REASON_LENGTH] | None = None) -> None:
        """Shortest explanation a "changed my mind" needs (leave empty for the default)"""
        rules = await self._set_minimum(interaction, "award-reason", "award_min_reason", n)
        await reply(interaction, f"\"Changed my mind\" now needs an explanation of at least "
                                 f"{rules.min_reason_length} characters.")

    async def _set_minimum(self, interaction: discord.Interaction, command: str, setting: str,
                           n: int | None) -> DebateRules:
        """Save one of the server's minimum lengths (``None``: the bot's default again), log
        ``config.<command>``, and return the rules now in force here."""
        guild_id = self._guild_id(interaction)
        change: dict[str, Any] = {setting: n}
        settings = await self.bot.store.update_guild_settings(guild_id, **change)
        await self.bot.store.log_moderation(
            guild_id, interaction.user.id, f"config.{command}",
            details=str(n) if n is not None else "default")
        return self.bot.debate.rules.for_guild(settings)

    # --- overview ---------------------------------------------------------------------------

    @config.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """This server's Counterpoint settings"""
        settings = await self.bot.store.get_guild_settings(self._guild_id(interaction))
        await reply(interaction, embeds=[self.settings_embed(settings)])

    def settings_embed(self, settings: GuildSettings) -> discord.Embed:
        embed = discord.Embed(title="Counterpoint settings", color=0x4EA1FF)
        if settings.summary_channel_id is None:
            summaries = "Not set up: /config summary picks a channel."
        elif not settings.summary_enabled:
            summaries = (f"Off (was <#{settings.summary_channel_id}> "
                         f"{schedule_line(settings)}).")
        else:
            slot = next_slot(settings, datetime.now(UTC))
            summaries = (f"<#{settings.summary_channel_id}> {schedule_line(settings)}\n"
                         f"Next: {timestamp(slot)}")
        embed.add_field(name="Weekly summary", value=summaries, inline=False)
        embed.add_field(name="Time zone", value=settings.timezone)
        embed.add_field(name="Moderator role", value=(
            f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id is not None
            else "None (Manage Server only)"))
        rules = self.bot.debate.rules
        embed.add_field(name="Minimum counter length", value=(
            f"{rules.for_guild(settings).min_length} characters"
            + ("" if settings.min_counter_length is not None else " (bot default)")))
        embed.add_field(name="Moderators' channel", value=(
            f"<#{settings.moderators_channel_id}>" if settings.moderators_channel_id
            is not None else "None (notices go where the feed posts)"))
        embed.add_field(name="Moderation log channel", value=(
            f"<#{settings.modlog_channel_id}>" if settings.modlog_channel_id is not None
            else "None (/modlog only)"))
        feed_limit = (settings.feed_limit if settings.feed_limit is not None
                      else f"{self.bot.settings.feed_limit} (bot default)")
        embed.add_field(name="Feed limit", value=str(feed_limit))
        embed.add_field(name="Review before posting", value=review_line(settings),
                        inline=False)
        embed.add_field(name="Gates", value="\n".join(Gates.from_settings(settings).lines()),
                        inline=False)
        embed.add_field(name="\"Changed my mind\" explanation", value=(
            f"at least {rules.for_guild(settings).min_reason_length} characters"
            + ("" if settings.award_min_reason is not None else " (default)")))
        if settings.updated_at is not None:
            embed.set_footer(text="Last changed")
            embed.timestamp = settings.updated_at
        return embed

    # --- helpers ----------------------------------------------------------------------------

    @summary.autocomplete("timezone")
    async def _timezone_choices(self, interaction: discord.Interaction,
                                typed: str) -> list[app_commands.Choice[str]]:
        current = None
        if interaction.guild_id is not None:
            current = (await self.bot.store.get_guild_settings(interaction.guild_id)).timezone
        return [app_commands.Choice(name=name, value=name)
                for name in zone_choices(typed, current)]

    @staticmethod
    def _guild_id(interaction: discord.Interaction) -> int:
        assert interaction.guild_id is not None  # the group is guild_only
        return interaction.guild_id



async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Admin(bot))
