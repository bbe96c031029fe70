"""The emulator server: one aiohttp app on 127.0.0.1 serving REST, the gateway and /_test/."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Any

from aiohttp import web

from . import permissions as perms
from .gateway import Gateway
from .models import Guild, User
from .ratelimit import RateLimiter
from .rest import API_PREFIX, RestApi, json_response
from .state import BotIdentity, State
from .testapi import Faults, TestAPI

HOST = "127.0.0.1"


class DiscordPyPointer:
    """Points discord.py's REST base and default gateway at an emulator; restores on exit.

    Applied as soon as it is created, so ``emu.point_discord_py_here()`` works as a plain call
    too (then ``.restore()`` undoes it)."""

    def __init__(self, rest_url: str, gateway_url: str) -> None:
        # Imported here only: the emulator itself must not need discord.py.
        import discord.gateway
        import discord.http
        import yarl

        self._route = discord.http.Route
        self._ws = discord.gateway.DiscordWebSocket
        self._old = (self._route.BASE, self._ws.DEFAULT_GATEWAY)
        self._route.BASE = rest_url
        self._ws.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore(self) -> None:
        self._route.BASE, self._ws.DEFAULT_GATEWAY = self._old

    def __enter__(self) -> DiscordPyPointer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.restore()


class Emulator(TestAPI):
    """A Discord API v10 + gateway emulator on loopback.

    >>> emu = Emulator(token="t")
    >>> await emu.start()
    >>> guild = emu.add_guild("Debate Club"); general = guild.add_text_channel("general")
    >>> with emu.point_discord_py_here(): ...  # run the bot with token "t"
    """

    def __init__(
        self,
        *,
        token: str = "emulator-token",
        bot_name: str = "Counterpoint",
        rate_limits: bool = True,
        rate_limit_scale: float = 1.0,
        heartbeat_interval_ms: int = 41250,
        interaction_deadline: float | None = 3.0,
        shard_count: int = 1,
        max_active_threads: int = 1000,
    ) -> None:
        self.state = State(token=token, bot_name=bot_name)
        self.limiter = RateLimiter(enabled=rate_limits, scale=rate_limit_scale)
        self.faults = Faults()
        self.gateway = Gateway(self.state, heartbeat_interval_ms=heartbeat_interval_ms)
        self.rest = RestApi(self)
        # Discord answers 10062 when the first response comes later than this (None: never).
        self.interaction_deadline = interaction_deadline
        self.shard_count = shard_count
        self.state.max_active_threads = max_active_threads
        self.state.emit = self.gateway.dispatch
        self.state.changed = self.notify_changed
        self.gateway.changed = self.notify_changed
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._cond: asyncio.Condition | None = None
        self._poke: asyncio.Event | None = None
        self._notifier: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Emulator:
        app = web.Application(middlewares=[self.rest.middleware], client_max_size=64 * 1024**2)
        app.add_routes(self.rest.routes())
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/_test/state", self._test_state)
        app.router.add_get("/_test/channels/{channel_id}/messages", self._test_messages)
        app.router.add_get("/_test/requests", self._test_requests)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.state.attachment_base = f"http://{HOST}:{self.port}/attachments"
        self.gateway.url = self.gateway_url
        self._cond = asyncio.Condition()
        self._poke = asyncio.Event()
        self._notifier = asyncio.create_task(self._notify_loop())
        return self

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._notifier is not None:
            self._notifier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._notifier
            self._notifier = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- addresses ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def rest_url(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{HOST}:{self.port}/gateway"

    @property
    def token(self) -> str:
        return self.state.primary.token

    @property
    def application_id(self) -> int:
        return self.state.acting.application_id

    @property
    def bot_user(self) -> User:
        return self.state.acting.user

    def point_discord_py_here(self) -> DiscordPyPointer:
        """Set ``discord.http.Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` to this
        emulator until the returned object's ``restore()`` or the end of its ``with``."""
        if not self.port:
            raise RuntimeError("start() the emulator first: its port is not known yet")
        return DiscordPyPointer(self.rest_url, self.gateway_url)

    # -- builder -----------------------------------------------------------------------------

    def add_guild(
        self,
        name: str,
        *,
        bot_permissions: int | list[str] | None = None,
        guild_id: int | None = None,
    ) -> Guild:
        """A guild with @everyone, the bot as a member holding a managed role (default
        permissions: what the bot's invite asks for), and the application owner as owner.
        ``guild_id`` picks the id (its shard is ``(guild_id >> 22) % shard_count``)."""
        bits = None if bot_permissions is None else perms.value_of(bot_permissions)
        return self.state.add_guild(name, bot_permissions=bits, guild_id=guild_id)

    def remove_bot(self, guild: Guild, bot: BotIdentity | None = None) -> None:
        """Kick ``bot`` (default: the primary bot) from ``guild``, as a moderator removing the
        app does: its member and managed role go, it gets GUILD_DELETE without
        ``unavailable`` (discord.py's ``on_guild_remove``) and hears nothing more of the guild,
        nor finds it in READY on reconnecting."""
        who = bot or self.state.primary
        guild.members.pop(who.user.id, None)
        for role in [r for r in guild.roles.values() if r.bot_id == who.user.id]:
            del guild.roles[role.id]
        self.gateway.dispatch_to_bot(who, "GUILD_DELETE", {"id": str(guild.id)}, guild.id)
        self.state.changed()

    def invite_bot(self, guild: Guild, bot: BotIdentity | None = None, *,
                   bot_permissions: int | list[str] | None = None) -> None:
        """Invite ``bot`` (default: the primary bot) back into ``guild``: it gets the
        guild's GUILD_CREATE (discord.py's ``on_guild_join``)."""
        who = bot or self.state.primary
        bits = None if bot_permissions is None else perms.value_of(bot_permissions)
        if who.user.id not in guild.members:
            self.state._join(guild, who, bits)
        # A guild joined has no ``unavailable`` (only one coming back online says false).
        payload = guild.to_create_payload(all_members=False)
        payload.pop("unavailable", None)
        self.gateway.dispatch_to_bot(who, "GUILD_CREATE", payload, guild.id)
        self.state.changed()

    @property
    def guilds(self) -> list[Guild]:
        return list(self.state.guilds.values())

    # -- change notification -----------------------------------------------------------------

    async def _notify_loop(self) -> None:
        assert self._poke is not None and self._cond is not None
        while True:
            await self._poke.wait()
            self._poke.clear()
            async with self._cond:
                self._cond.notify_all()

    # -- /_test/ routes for the sandbox CLI --------------------------------------------------

    async def _test_state(self, request: web.Request) -> web.Response:
        guilds: list[dict[str, Any]] = []
        for g in self.state.guilds.values():
            guilds.append(
                {
                    "id": str(g.id),
                    "name": g.name,
                    "channels": [
                        {
                            "id": str(c.id),
                            "name": c.name,
                            "type": c.type,
                            "messages": len(self.messages(c)),
                            "threads": [
                                {"id": str(t.id), "name": t.name, "messages": len(self.messages(t))}
                                for t in self.threads(c)
                            ],
                        }
                        for c in g.channels.values()
                    ],
                }
            )
        return json_response(
            {"rest_url": self.rest_url, "gateway_url": self.gateway_url, "guilds": guilds}
        )

    async def _test_messages(self, request: web.Request) -> web.Response:
        try:
            channel_id = int(request.match_info["channel_id"])
        except ValueError:
            return json_response({"message": "bad id"}, 400)
        return json_response([m.to_dict(self.state) for m in self.messages(channel_id)])

    async def _test_requests(self, request: web.Request) -> web.Response:
        return json_response(
            [
                {
                    "method": r.method,
                    "path": r.path,
                    "route": r.route,
                    "status": r.status,
                    "bucket": r.bucket,
                    "at": r.at,
                }
                for r in self.rest.requests
            ]
        )
