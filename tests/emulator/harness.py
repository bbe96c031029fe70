"""Run a real discord.py bot against an emulator on loopback, for the emulator's tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import discord
from discord.ext import commands

from bot.emulator import DiscordPyPointer, Emulator


@dataclass
class RunningBot:
    emu: Emulator
    bot: commands.AutoShardedBot
    task: asyncio.Task[None]
    pointer: DiscordPyPointer

    async def stop(self) -> None:
        await self.bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        self.pointer.restore()


async def start_bot(
    emu: Emulator,
    setup: Callable[[commands.AutoShardedBot], None] | None = None,
    *,
    intents: discord.Intents | None = None,
    ready_within: float = 15.0,
) -> RunningBot:
    """Start an AutoShardedBot (minimal intents, no chunking) and wait for on_ready."""
    pointer = emu.point_discord_py_here()
    bot = commands.AutoShardedBot(
        command_prefix=commands.when_mentioned,
        intents=intents or discord.Intents(guilds=True),
        chunk_guilds_at_startup=False,
        guild_ready_timeout=0.05,
    )
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    bot.add_listener(on_ready)
    if setup is not None:
        setup(bot)
    task = asyncio.create_task(bot.start(emu.token))
    waiter = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait(
        {task, waiter}, timeout=ready_within, return_when="FIRST_COMPLETED"
    )
    if waiter not in done:
        waiter.cancel()
        pointer.restore()
        if task in done:
            task.result()  # re-raise why the bot stopped
        task.cancel()
        raise TimeoutError("the bot did not become ready on the emulator")
    return RunningBot(emu, bot, task, pointer)
