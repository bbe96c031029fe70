"""A discord.py client on the emulator: the real bot (or another client) started, ready,
and stopped cleanly, with discord.py pointed at the emulator meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import discord

from bot.client import CounterpointBot, create_bot
from bot.config import Settings
from bot.emulator import DiscordPyPointer, Emulator

#: How long the sandbox waits for any one step (a guard against a hang, not a goal).
TIMEOUT = 45.0

class SandboxError(RuntimeError):
    """The sandbox could not show the flow; the message says at which step."""


# --- a discord.py client on the emulator -----------------------------------------------------

ClientT = TypeVar("ClientT", bound=discord.Client)


class NotReady(TimeoutError):
    """The client did not become ready on the emulator in time (nor stop with an error)."""


def emulator_settings(database_url: str, **changes: Any) -> Settings:
    """Settings of the real bot on the emulator: ``database_url``, the emulator's default
    token, and loopback addresses allowed (sites served on 127.0.0.1 stand for the web, and
    the address guard refuses them by default). ``changes`` replace fields of the result."""
    base = Settings.from_env({"COUNTERPOINT_DATABASE_URL": database_url,
                              "COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES": "true",
                              "DISCORD_TOKEN": "emulator-token"}, dotenv=None)
    return replace(base, **changes)


@dataclass
class RunningBot(Generic[ClientT]):
    """A discord.py client connected to an emulator; :meth:`stop` undoes the start."""

    bot: ClientT
    task: asyncio.Task[None]
    pointer: DiscordPyPointer

    async def stop(self) -> None:
        """A clean shutdown; discord.py points at Discord again afterwards."""
        try:
            await self.bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        finally:
            self.pointer.restore()


async def start_client(emu: Emulator, client: ClientT, *, ready: asyncio.Event | None = None,
                       within: float = TIMEOUT, token: str | None = None
                       ) -> RunningBot[ClientT]:
    """Point discord.py at ``emu``, start ``client`` with ``token`` (by default the emulator's
    own bot's; another from ``emu.add_bot``) and wait for ``ready`` (by default discord.py's
    own ready). Raises the client's error if it stopped, else :class:`NotReady`; either way
    discord.py is pointed back at Discord."""
    pointer = emu.point_discord_py_here()
    task = asyncio.create_task(client.start(token or emu.token), name="bot-on-emulator")
    waiter = asyncio.create_task(ready.wait() if ready is not None else client.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, waiter}, timeout=within,
                                     return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        # Stopped while starting (SIGTERM, Ctrl-C): close what started, or the database
        # threads it opened would keep the process from exiting.
        waiter.cancel()
        task.cancel()
        try:
            await asyncio.wait({task})  # the start given up first: nothing more opens
            await client.close()
        finally:
            pointer.restore()
        raise
    if waiter not in done:
        waiter.cancel()
        try:
            if task not in done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            # What the start opened (the bot's store, its threads included) must go too, or
            # they keep the process alive after the error is reported.
            await client.close()
        finally:
            pointer.restore()
        if not task.cancelled() and task.exception() is not None:
            task.result()  # why the client stopped
        raise NotReady("the bot did not become ready on the emulator")
    return RunningBot(client, task, pointer)


async def start_bot(emu: Emulator, settings: Settings, *, within: float = TIMEOUT,
                    **options: Any) -> RunningBot[CounterpointBot]:
    """The real bot (``create_bot(settings, **options)``) on ``emu``, once it has resumed
    unfinished pieces."""
    bot = create_bot(settings, **{"guild_ready_timeout": 0.05, **options})
    return await start_client(emu, bot, ready=bot.resumed, within=within)


