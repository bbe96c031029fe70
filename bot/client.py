"""The discord.py bot: intents, start-up wiring, cogs, persistent controls, error answers.

``create_bot(settings)`` builds it (tests and ``sandbox`` pass their own store or options);
``run_bot(settings)`` is what ``python -m bot run`` awaits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import discord
from discord.ext import commands

from bot.config import Settings
from bot.debate import DebateRules, DebateService
from bot.feeds.fetch import Fetcher
from bot.feeds.poller import CycleReport
from bot.health import DiscordTraffic, HealthServer, interaction_kind
from bot.metrics import MeteredStore, Metrics
from bot.pace import Pace
from bot.publishing import DiscordPort, Publisher
from bot.publishing.pacing import PacedPort
from bot.shard_claims import ShardClaims, ShardConflict, ShardsLost
from bot.store import Store, open_store
from cogs.utils.controls import DYNAMIC_ITEMS
from cogs.utils.port import DiscordAdapter
from cogs.utils.replies import CounterpointTree

log = logging.getLogger("counterpoint")

#: Seconds publishing under way gets to finish its current step when the bot stops. Docker
#: and most process managers send SIGKILL 10 s after SIGTERM: this leaves time to close.
STOP_GRACE_SECONDS = 5.0
#: Seconds interactions under way then get to send their answers before the connections close.
ANSWER_GRACE_SECONDS = 2.0

#: Extensions loaded at start, in order. Add new cogs here (e.g. "cogs.feeds").
COGS: tuple[str, ...] = ("cogs.pieces", "cogs.debate", "cogs.feeds", "cogs.summaries",
                         "cogs.exports", "cogs.admin", "cogs.review", "cogs.moderation",
                         "cogs.boards", "cogs.data")


class StartupError(RuntimeError):
    """The bot cannot start; the message says why and what to do. ``python -m bot`` prints it
    on one line (plus the details Discord gave) and exits with status 1."""


BAD_TOKEN = (
    "Discord refused the token in DISCORD_TOKEN (401 Unauthorized), so the bot cannot log in. "
    "Copy the bot's token again from the Discord developer portal (your application → Bot → "
    "Reset Token) into DISCORD_TOKEN in .env or the environment: the whole token, without "
    "quotes, spaces or a \"Bot \" prefix. The application ID, public key and client secret "
    "are not the token.")


def intents() -> discord.Intents:
    """Only GUILDS: channels, threads and roles for the cache. Members, presences and message
    content are never needed: everything members do reaches us as interactions."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class CounterpointBot(commands.AutoShardedBot):
    """Counterpoint's client. Services are built in :meth:`setup_hook`, once logged in."""

    store: Store
    fetcher: Fetcher
    port: DiscordPort
    publisher: Publisher
    debate: DebateService

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        sync_commands: bool = True,
        pace: Pace | None = None,
        claim_shards: bool = False,
        **options: Any,
    ) -> None:
        # Options naming a field of Pace (``tally_delay=0.2``) override that field.
        self.pace = (pace or Pace()).replace(**Pace.take_overrides(options))
        options.setdefault("chunk_guilds_at_startup", False)
        quiet_voice()
        # Metrics, when asked for: Discord's answers are observed on the HTTP session itself.
        self.metrics: Metrics | None = Metrics() if settings.metrics_address else None
        self.traffic = DiscordTraffic(self.metrics) if self.metrics is not None else None
        if self.traffic is not None:
            options.setdefault("http_trace", self.traffic.trace)
        self.health: HealthServer | None = None
        #: This process's shards (``COUNTERPOINT_SHARD_COUNT`` / ``_IDS``): it connects those
        #: only, and does the work (publishing, pause notices, summaries) of their guilds.
        self.shard_plan = settings.shard_plan
        if self.shard_plan.count is not None:
            options.setdefault("shard_count", self.shard_plan.count)
            options.setdefault("shard_ids", list(self.shard_plan.shard_ids or ()))
        #: With ``claim_shards`` (``python -m bot run``), the shards are claimed in the store
        #: before connecting, so a second process on the same shards refuses to start.
        self._claim_shards = claim_shards
        self.shard_claims: ShardClaims | None = None
        self._shard_keeper: asyncio.Task[None] | None = None
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            member_cache_flags=discord.MemberCacheFlags.none(),
            help_command=None,
            tree_cls=CounterpointTree,
            **options,
        )
        self.settings = settings
        self._given_store = store
        self._sync = sync_commands
        #: Set after the first pass over pieces left unpublished (the restart's resume): the
        #: bot is then started, for whoever waits on it (``sandbox``, the benchmarks).
        self.resumed = asyncio.Event()

    async def setup_hook(self) -> None:
        self.store = self._given_store or await open_store(self.settings.database_url)
        if self.metrics is not None:
            # Counts the record's writes (votes, contributions, pieces, summaries) as they
            # happen; everything else of the store passes through untouched.
            self.store = cast(Store, MeteredStore(self.store, self.metrics))
        if self._claim_shards:
            await self._claim_my_shards()
        self.fetcher = Fetcher(allow_private_addresses=self.settings.allow_private_addresses)
        self.port = DiscordAdapter(self)
        # Paced under Discord's global limit: channels publish side by side. Pieces of guilds
        # on other processes' shards are theirs to post: this process cannot see those
        # guilds' channels.
        self.publisher = Publisher(self.store, PacedPort(self.port),
                                   lease_seconds=self.pace.publish_lease_seconds,
                                   owns=self.shard_plan.owns if self.shard_plan.partial else None)
        self.debate = DebateService(self.store, DebateRules.from_settings(self.settings))
        # Buttons on every message ever posted keep working: matched by custom-id template.
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        for extension in COGS:
            await self.load_extension(extension)
        # Pieces left pending or half-posted are resumed by cogs.pieces' retry loop as soon as
        # the guild cache is ready (the publisher needs channels and permissions from it).
        if self._sync:
            await self.sync_commands()
        if self.metrics is not None and self.settings.metrics_address:
            self.health = HealthServer(self, self.metrics, self.settings.metrics_address)
            await self.health.start()

    async def _claim_my_shards(self) -> None:
        claims = ShardClaims(self.store, self.shard_plan,
                             lease_seconds=self.pace.shard_lease_seconds)
        try:
            await claims.claim()
        except ShardConflict as conflict:
            raise StartupError(str(conflict)) from None
        self.shard_claims = claims
        self._shard_keeper = asyncio.create_task(self._keep_shards(claims), name="shard-claims")

    async def _keep_shards(self, claims: ShardClaims) -> None:
        try:
            await claims.keep()
        except ShardsLost as lost:
            # Another process now answers these guilds: going on would answer them twice.
            log.critical("stopping: %s", lost)
            asyncio.create_task(self.close(), name="stop-after-shards-lost")  # noqa: RUF006

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if self.traffic is not None:
            data: Mapping[str, Any] = interaction.data or {}
            self.traffic.started(interaction.id, interaction_kind(data, interaction.type.value))

    async def on_feed_cycle(self, report: CycleReport | None) -> None:
        if self.metrics is not None and report is not None:
            seconds = (datetime.now(UTC) - report.now).total_seconds()
            self.metrics.observe_cycle(report, seconds)

    async def on_pieces_resumed(self, results: object) -> None:
        self.resumed.set()

    async def sync_commands(self) -> bool:
        """Push the command tree only when it differs from what Discord has (Discord allows
        200 command creates a day per guild). With ``COUNTERPOINT_DEV_GUILD_ID`` the commands
        go to that guild only, which takes effect at once."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        local = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        remote: list[Any]
        try:
            # Raw payloads: discord.py's AppCommand.to_dict() leaves out fields a sync sets.
            assert self.application_id is not None
            if guild is None:
                remote = await self.http.get_global_commands(self.application_id)
            else:
                remote = await self.http.get_guild_commands(self.application_id, guild.id)
        except discord.HTTPException as exc:
            log.warning("could not read the registered commands (%s); syncing", exc)
            remote = []
        if _normalised(local) == _normalised(remote):
            return False
        try:
            await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            # Without its commands the bot is useless, and Discord refuses the whole list for
            # one bad field: stop, naming it (CommandSyncFailure lists each field at fault).
            raise StartupError(
                f"Discord refused the bot's slash commands, so it cannot start. {exc}"
            ) from exc
        log.info("application commands synced (%s)", "guild" if guild else "global")
        return True

    async def close(self) -> None:
        """Stop cleanly (``run`` calls this on SIGTERM and SIGINT): publishing under way
        finishes its current step and records it, giving its lease back, within
        :data:`STOP_GRACE_SECONDS`; members and moderators get the answers being written
        (``/piece post`` saying it was stopped, say) within :data:`ANSWER_GRACE_SECONDS`;
        then the cogs' loops stop, the connections to Discord and the store close."""
        publisher = getattr(self, "publisher", None)
        if publisher is not None:
            await publisher.stop(STOP_GRACE_SECONDS)
        # No interaction arrives once the gateway is closed; REST stays open meanwhile, for
        # those under way to write to the store and answer before it all closes.
        for shard in self.shards.values():
            await shard.disconnect()
        answering = _interactions_under_way()
        if answering:
            await asyncio.wait(answering, timeout=ANSWER_GRACE_SECONDS)
        try:
            await super().close()
        finally:
            if self.health is not None:
                await self.health.stop()
            if self._shard_keeper is not None:
                self._shard_keeper.cancel()
            if self.shard_claims is not None:
                # Given back last, once nothing of this process answers any more.
                await self.shard_claims.release()
            fetcher = getattr(self, "fetcher", None)
            if fetcher is not None:
                await fetcher.close()
            store = getattr(self, "store", None)
            # A store handed in by the caller is the caller's to close.
            if store is not None and self._given_store is None:
                await store.close()


#: The tasks discord.py runs each application command, component and modal callback in, and
#: ``on_interaction`` listeners (the debate cog's forms).
_INTERACTION_TASKS = ("CommandTree-invoker", "discord-ui-view-dispatch-",
                      "discord-ui-modal-dispatch-", "discord-ui-dynamic-item-",
                      "discord.py: on_interaction")


def _interactions_under_way() -> set[asyncio.Task[Any]]:
    """Interactions being handled right now, found by the names discord.py gives their
    tasks (should those names change, a stop just does not wait for them)."""
    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks()
            if task is not current and not task.done()
            and task.get_name().startswith(_INTERACTION_TASKS)}


# integration_types is left out: Discord fills in its default ([0], guild install) itself.
_COMMAND_KEYS = ("name", "type", "description", "options", "default_member_permissions",
                 "contexts", "nsfw")
_OPTION_KEYS = ("name", "type", "description", "required", "choices", "channel_types",
                "min_value", "max_value", "min_length", "max_length", "autocomplete",
                "options")


def _option(option: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _OPTION_KEYS:
        value = option.get(key)
        if key == "options":
            value = [_option(o) for o in value or []] or None
        elif key == "channel_types" and value:
            value = sorted(value)
        if value not in (None, False, []):
            out[key] = value
    return out


def _normalised(commands_: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Commands reduced to what a sync would change, in a stable order."""
    result: list[dict[str, Any]] = []
    for command in commands_:
        entry: dict[str, Any] = {}
        for key in _COMMAND_KEYS:
            value = command.get(key)
            if key == "options":
                value = [_option(o) for o in value or []] or None
            elif key == "default_member_permissions" and value is not None:
                value = str(value)
            elif key == "contexts" and value:
                value = sorted(value)
            # Discord answers "" for a context menu's description, which the bot leaves out.
            if value not in (None, False, [], ""):
                entry[key] = value
        result.append(entry)
    return sorted(result, key=lambda c: (c.get("name", ""), c.get("type", 1)))


def quiet_voice() -> None:
    """The bot never joins a voice channel: discord.py's warnings that voice support is
    missing (PyNaCl, davey) would only alarm whoever reads the log."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def create_bot(settings: Settings, store: Store | None = None, **options: Any) -> CounterpointBot:
    """The bot, not yet started. ``store``: use this one (the caller closes it) instead of
    opening ``settings.database_url``. ``options`` go to :class:`CounterpointBot` and on to
    discord.py (e.g. ``sync_commands=False``, ``guild_ready_timeout=0.1``)."""
    return CounterpointBot(settings, store=store, **options)


async def run_bot(settings: Settings) -> None:
    """Run the bot until it is stopped (``python -m bot run`` cancels this on SIGTERM or
    SIGINT: leaving the ``async with`` closes the bot cleanly)."""
    token = settings.require_token()
    if not logging.getLogger().handlers:
        discord.utils.setup_logging(level=getattr(logging, settings.log_level, logging.INFO))
    async with create_bot(settings, claim_shards=True) as bot:
        try:
            await bot.start(token)
        except discord.LoginFailure:
            raise StartupError(BAD_TOKEN) from None
