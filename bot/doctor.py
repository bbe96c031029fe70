"""``python -m bot doctor``: is this bot ready to run, and if not, what to fix.

It checks, in order, and prints one line per check with the fix beside each failure:

1. the database: reachable, and its migrations applied;
2. the token: Discord accepts ``DISCORD_TOKEN``;
3. the application commands: registered with Discord (the bot registers them at start);
4. every channel the bot posts in, in every server it is in: the feeds' channels (post,
   embed, create threads and write in them; in a forum, post and tag) and the weekly
   summary's channel (post, embed, attach), each missing permission named;
5. the feeds' last results: failing or paused feeds and why;
6. the summary schedule: when each server's next summary is due.

It connects like the bot (one gateway session, guilds only, no privileged intent), reads,
and leaves: it changes nothing in Discord or the database. Exit status 0 when nothing failed
(warnings allowed), 1 otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import discord

from bot.client import quiet_voice
from bot.config import Settings
from bot.publishing.port import ChannelKind, required_permissions
from bot.publishing.review import review_channel
from bot.redact import redact_text, redact_url
from bot.store import GuildSettings, Store, open_store
from bot.store.schema import load_migrations
from bot.summaries import next_slot
from cogs.utils.permissions import REVIEW_PERMISSIONS, SUMMARY_PERMISSIONS, permission_names

#: How long the gateway may take to say which servers the bot is in; a guard, not a goal.
READY_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the checklist: ``ok`` True (passed), False (failed) or None (a warning)."""

    ok: bool | None
    subject: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = {True: "✓", False: "✗", None: "!"}[self.ok]
        text = f"{mark} {self.subject}: {self.detail}"
        return f"{text}\n    → {self.fix}" if self.fix else text


async def diagnose(settings: Settings) -> list[Finding]:
    """Every check's findings, in the order above."""
    findings: list[Finding] = []
    try:
        store = await open_store(settings.database_url, migrate=False)
    except Exception as error:  # any failure to open is the finding itself
        return [Finding(False, "Database", f"cannot open {redact_url(settings.database_url)}: "
                        f"{redact_text(str(error)) or type(error).__name__}",
                        "check COUNTERPOINT_DATABASE_URL, and that the database server is "
                        "running and reachable from here")]
    try:
        database = await _database(store, settings.database_url)
        findings.append(database)
        # A schema behind this version cannot be read reliably: the checks that read the
        # record (channels, feeds) wait until it is migrated.
        readable = store if database.ok else None
        findings += await _discord(readable, settings)
        if readable is not None:
            findings += await _feeds(readable)
    finally:
        await store.close()
    return findings


async def _database(store: Store, url: str) -> Finding:
    dialect = "postgres" if url.startswith("postgres") else "sqlite"
    latest = max(m.version for m in load_migrations(dialect))
    version = await store.schema_version()
    if version < latest:
        return Finding(False, "Database", f"schema version {version}, this version needs "
                       f"{latest}", "run `python -m bot migrate` (the bot also migrates at start)")
    return Finding(True, "Database", f"{redact_url(url)}, schema version {version}")


async def _discord(store: Store | None, settings: Settings) -> list[Finding]:
    if not settings.discord_token:
        return [Finding(False, "Token", "DISCORD_TOKEN is not set",
                        "put the bot token from the Discord developer portal in .env")]
    quiet_voice()
    client = discord.Client(intents=discord.Intents(guilds=True))
    connection: asyncio.Task[None] | None = None
    try:
        try:
            await client.login(settings.discord_token)
        except discord.LoginFailure:
            return [Finding(False, "Token", "Discord refused DISCORD_TOKEN",
                            "copy the token again from the developer portal (Bot → Reset "
                            "Token); a token stops working once it is reset")]
        findings = [Finding(True, "Token", f"accepted: the bot is {client.user}")]
        connection = asyncio.create_task(client.connect(reconnect=False))
        try:
            await asyncio.wait_for(client.wait_until_ready(), READY_TIMEOUT_SECONDS)
        except TimeoutError:
            return [*findings, Finding(False, "Gateway", "no answer from Discord's gateway",
                                       "check the machine's connection to discord.com")]
        findings.append(await _commands(client, settings))
        for guild in sorted(client.guilds, key=lambda g: g.name.casefold()):
            if store is not None:
                findings += await _channels(store, guild)
        if not client.guilds:
            findings.append(Finding(None, "Servers", "the bot is in no server yet",
                                    "invite it (README: Setting it up on your server)"))
        return findings
    finally:
        await client.close()
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection


async def _commands(client: discord.Client, settings: Settings) -> Finding:
    assert client.application_id is not None
    if settings.dev_guild_id is not None:
        found = await client.http.get_guild_commands(client.application_id,
                                                     settings.dev_guild_id)
        where = f"server {settings.dev_guild_id} (COUNTERPOINT_DEV_GUILD_ID)"
    else:
        found = await client.http.get_global_commands(client.application_id)
        where = "all servers"
    names = sorted(f"/{command['name']}" for command in found)
    if not names:
        return Finding(False, "Commands", f"no slash commands registered for {where}",
                       "start the bot once (`python -m bot run`): it registers them at start")
    return Finding(True, "Commands", f"{len(names)} registered for {where}: {', '.join(names)}")


async def _channels(store: Store, guild: discord.Guild) -> list[Finding]:
    findings = []
    subscriptions = await store.list_subscriptions(guild_id=guild.id)
    for subscription in subscriptions:
        channel = guild.get_channel(subscription.channel_id)
        feed = await store.get_feed(subscription.feed_id)
        what = f"feed {redact_url(feed.url) if feed else subscription.feed_id}"
        if not isinstance(channel, discord.TextChannel | discord.ForumChannel):
            findings.append(Finding(False, f"{guild.name}", f"the channel of {what} is gone",
                                    "`/feed edit` or `/feed remove` it, then add it again"))
            continue
        kind: ChannelKind = "forum" if isinstance(channel, discord.ForumChannel) else "text"
        findings.append(_permissions(guild, channel, required_permissions(kind),
                                     f"posts {what}"))
    settings = await store.get_guild_settings(guild.id)
    if settings.summary_enabled and settings.summary_channel_id is not None:
        channel = guild.get_channel(settings.summary_channel_id)
        if not isinstance(channel, discord.TextChannel):
            findings.append(Finding(False, guild.name, "the weekly summary's channel is gone",
                                    "`/config summary channel:` a channel of this server"))
        else:
            findings.append(_permissions(guild, channel, SUMMARY_PERMISSIONS,
                                         "posts the weekly summary"))
            due = next_slot(settings, datetime.now(UTC))
            findings.append(Finding(True, f"{guild.name} summary",
                                    f"next due {due:%A %d %B %Y, %H:%M} UTC in #{channel.name}"))
    elif not findings:
        findings.append(Finding(None, guild.name, "no feed followed and no weekly summary set",
                                "`/feed add` and `/config summary` (README: In Discord)"))
        return findings
    if settings.review_mode != "off" or any(s.review_mode not in (None, "off")
                                            for s in subscriptions):
        findings.append(_review(guild, settings))
    return findings


def _review(guild: discord.Guild, settings: GuildSettings) -> Finding:
    """Where pieces held for review wait, when some feed holds them."""
    channel_id = review_channel(settings)
    channel = guild.get_channel(channel_id) if channel_id is not None else None
    if not isinstance(channel, discord.TextChannel):
        return Finding(False, guild.name, "review is on, but the channel where pieces wait "
                       + ("is gone" if channel_id is not None else "is not set"),
                       "`/config review channel:` a channel only moderators can see")
    return _permissions(guild, channel, REVIEW_PERMISSIONS, "holds pieces for review")


def _permissions(guild: discord.Guild, channel: discord.TextChannel | discord.ForumChannel,
                 needed: Sequence[str], why: str) -> Finding:
    granted = channel.permissions_for(guild.me)
    missing = [name for name in needed if not getattr(granted, name)]
    if "view_channel" in missing:
        # Discord then denies everything else too; granting View Channel may be all it needs.
        missing = ["view_channel"]
    where = f"{guild.name} #{channel.name}"
    if missing:
        return Finding(False, where, f"{why}, but is missing {permission_names(missing)}",
                       f"grant {permission_names(missing)} to the bot's role in #{channel.name}"
                       " (Edit Channel → Permissions) or in the server's roles")
    return Finding(True, where, f"{why}: permissions complete")


async def _feeds(store: Store) -> list[Finding]:
    findings = []
    for feed in await store.list_feeds():
        url = redact_url(feed.url)
        if feed.paused:
            findings.append(Finding(None, f"Feed {url}",
                                    f"paused after {feed.consecutive_failures} failures: "
                                    f"{redact_text(feed.last_error or 'no error recorded')}",
                                    "fix the feed, then `/feed resume`"))
        elif feed.consecutive_failures:
            findings.append(Finding(None, f"Feed {url}",
                                    f"failing ({feed.consecutive_failures} in a row): "
                                    f"{redact_text(feed.last_error or 'no error recorded')}"))
    if not findings:
        findings.append(Finding(True, "Feeds", "every feed's last fetch went through"))
    return findings


async def run_doctor(settings: Settings) -> int:
    findings = await diagnose(settings)
    for finding in findings:
        print(finding.line())
    failed = sum(1 for f in findings if f.ok is False)
    print(f"\n{failed} problem{'s' * (failed != 1)} found." if failed else "\nAll good.")
    return 1 if failed else 0
