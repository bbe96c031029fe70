"""``/healthz`` and ``/metrics`` on ``COUNTERPOINT_METRICS_ADDRESS`` (off unless it is set).

``/healthz`` answers 200 when the bot is healthy and 503 when not, with a JSON body saying
what was checked: each shard's gateway connection, the database (a read within 5 s), and each
background loop of each cog (running, not failed, and not overdue: its next run is at most
one interval late). ``/metrics`` is the Prometheus text format of :class:`bot.metrics.Metrics`.

The address is ``host:port``, or a bare port bound to 127.0.0.1: these pages are for the
machine's own monitoring agent, and a public address has to be asked for.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from discord.ext import tasks
from prometheus_client import CONTENT_TYPE_LATEST

from bot.config import parse_address
from bot.metrics import Metrics
from bot.webserve import serve

if TYPE_CHECKING:
    from bot.client import CounterpointBot

log = logging.getLogger(__name__)

DATABASE_TIMEOUT_SECONDS = 5.0
#: A loop's next run may be this late before it counts as stalled (beyond its interval): an
#: iteration that polls many feeds runs long.
LOOP_SLACK = timedelta(minutes=2)
_CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback$")
_DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + _DISCORD_EPOCH_MS) / 1000, UTC)


def interaction_kind(data: Mapping[str, Any], interaction_type: int) -> str:
    """A label with few values: a command's full name, a button's family (the first two parts
    of its custom id), ``form`` or ``autocomplete``."""
    if interaction_type == 4:
        return "autocomplete"
    if interaction_type == 5:
        return "form"
    if interaction_type == 3:
        return "button " + ":".join(str(data.get("custom_id", "")).split(":")[:2])
    names = [str(data.get("name", ""))]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):  # subcommand (group)
        names.append(str(options[0].get("name", "")))
        options = options[0].get("options") or []
    return "/" + " ".join(names)


class DiscordTraffic:
    """An aiohttp trace on the bot's HTTP session: every answer from Discord is seen here, so
    429s, 5xx and each interaction's first answer are counted in one place."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.pending: dict[int, str] = {}  # interaction id → kind, until answered
        self.trace = aiohttp.TraceConfig()
        self.trace.on_request_end.append(self._ended)

    def started(self, interaction_id: int, kind: str) -> None:
        if len(self.pending) > 10_000:  # answers that never came: keep the map bounded
            self.pending.clear()
        self.pending[interaction_id] = kind

    async def _ended(self, session: aiohttp.ClientSession, context: Any,
                     params: aiohttp.TraceRequestEndParams) -> None:
        status = params.response.status
        self.metrics.discord_status(status)
        match = _CALLBACK.search(params.url.path)
        if match and status < 400:
            interaction_id = int(match[1])
            kind = self.pending.pop(interaction_id, None)
            if kind is not None:
                waited = datetime.now(UTC) - snowflake_time(interaction_id)
                self.metrics.answered(kind, waited.total_seconds())


class HealthServer:
    def __init__(self, bot: CounterpointBot, metrics: Metrics, address: str) -> None:
        self.bot = bot
        self.metrics = metrics
        self.host, self.port = parse_address(address)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        # The port it got is kept: an ephemeral one when asked for 0, as the tests do.
        self._runner, self.port = await serve(
            {"/healthz": self._healthz, "/metrics": self._metrics}, self.host, self.port)
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.host,
                 self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def check(self) -> dict[str, Any]:
        now = datetime.now(UTC)
        shards = {str(shard_id): not info.is_closed()
                  for shard_id, info in sorted(self.bot.shards.items())}
        try:
            await asyncio.wait_for(self.bot.store.schema_version(), DATABASE_TIMEOUT_SECONDS)
            database: dict[str, Any] = {"ok": True}
        except Exception as error:  # the failure is the finding
            database = {"ok": False, "error": type(error).__name__}
        loops = {}
        for cog_name, cog in sorted(self.bot.cogs.items()):
            for name, loop in inspect.getmembers(cog, lambda v: isinstance(v, tasks.Loop)):
                loops[f"{cog_name}.{name}"] = _loop_health(loop, now)
        ok = (bool(shards) and all(shards.values()) and database["ok"]
              and all(loop["ok"] for loop in loops.values()))
        return {"ok": ok, "shards": shards, "database": database, "loops": loops}

    async def _healthz(self, request: web.Request) -> web.Response:
        report = await self.check()
        return web.json_response(report, status=200 if report["ok"] else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self.metrics.exposition(),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})


def _loop_health(loop: tasks.Loop[Any], now: datetime) -> dict[str, Any]:
    interval = timedelta(hours=loop.hours or 0, minutes=loop.minutes or 0,
                         seconds=loop.seconds or 0)
    upcoming = loop.next_iteration
    overdue = upcoming is not None and now - upcoming > interval + LOOP_SLACK
    running = loop.is_running()
    return {"ok": running and not loop.failed() and not overdue, "running": running,
            "failed": loop.failed(), "interval_seconds": interval.total_seconds(),
            "next_run": upcoming.isoformat() if upcoming is not None else None}
