"""Run a real discord.py bot against an emulator on loopback, for the emulator's tests."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from bot import sandbox
from bot.emulator import Emulator

RunningBot = sandbox.RunningBot[commands.AutoShardedBot]


async def start_bot(
    emu: Emulator,
    setup: Callable[[commands.AutoShardedBot], None] | None = None,
    *,
    intents: discord.Intents | None = None,
    ready_within: float = 15.0,
) -> RunningBot:
    """Start an AutoShardedBot (minimal intents, no chunking) and wait until it is ready."""
    bot = commands.AutoShardedBot(
        command_prefix=commands.when_mentioned,
        intents=intents or discord.Intents(guilds=True),
        chunk_guilds_at_startup=False,
        guild_ready_timeout=0.05,
    )
    if setup is not None:
        setup(bot)
    return await sandbox.start_client(emu, bot, within=ready_within)


class Setup:
    """A started emulator with one guild, a text channel and a member (carol), and the HTTP
    session a module's tests call it with."""

    def __init__(
        self, emu: Emulator, http: aiohttp.ClientSession, guild: str, channel: str
    ) -> None:
        self.emu = emu
        self.http = http
        self.guild = emu.add_guild(guild)
        self.channel = self.guild.add_text_channel(channel)
        self.member = self.guild.add_member("carol")


class RawGateway:
    """A bare gateway client (no discord.py) for protocol-level tests."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self._z = zlib.decompressobj() if compress else None
        self._buffer = bytearray()

    @classmethod
    async def connect(
        cls, session: aiohttp.ClientSession, emu: Emulator, *, compress: bool = False
    ) -> RawGateway:
        query = "?v=10&encoding=json" + ("&compress=zlib-stream" if compress else "")
        ws = await session.ws_connect(emu.gateway_url + query)
        return cls(ws, compress)

    async def recv(self) -> dict[str, Any]:
        """The next gateway payload (None-safe only for payloads; closes raise)."""
        while True:
            msg = await self.ws.receive(timeout=10)
            if msg.type is aiohttp.WSMsgType.TEXT:
                assert self._z is None, "a compressed session sent a text frame"
                return json.loads(msg.data)
            if msg.type is aiohttp.WSMsgType.BINARY:
                assert self._z is not None, "an uncompressed session sent a binary frame"
                self._buffer.extend(msg.data)
                if not self._buffer.endswith(b"\x00\x00\xff\xff"):
                    continue
                text = self._z.decompress(bytes(self._buffer))
                self._buffer.clear()
                return json.loads(text)
            raise ConnectionError(f"socket closed: {msg.type} {self.ws.close_code}")

    async def recv_dispatch(self, event: str) -> dict[str, Any]:
        """Skip frames until the dispatch ``event`` arrives."""
        while True:
            frame = await self.recv()
            if frame.get("t") == event:
                return frame

    async def send(self, op: int, d: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": d}))

    async def identify(self, token: str, intents: int = 1) -> dict[str, Any]:
        hello = await self.recv()
        assert hello["op"] == 10
        await self.send(2, {"token": token, "intents": intents, "properties": {}})
        return await self.recv_dispatch("READY")

    async def close(self) -> None:
        await self.ws.close()
