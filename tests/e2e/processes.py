"""The real bot as a child process on an emulator that runs in the test process.

:class:`BotProcess` starts ``python -m tests.e2e.child`` (``python -m bot run`` pointed at the
emulator), reads its log as it comes, and kills or signals it; :class:`Site` is what a test
around such processes shares: one emulator, a guild with a moderator, a piece server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator import Channel, Emulator, Guild, Member, Message, Thread
from bot.store import PieceRecord
from tests.e2e.harness import stored_piece
from tests.feedsite import FeedSite

REPO_ROOT = Path(__file__).resolve().parents[2]
#: How long a test waits for what should happen within seconds: a bound against hanging
#: forever, not a measurement (the machine may be loaded).
PATIENCE = 60.0


@dataclass
class BotProcess:
    """One bot process. Its output (stdout and stderr, in order) is kept in ``lines``."""

    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, emu: Emulator, database_url: str, folder: Path, *,
                    lease_seconds: float | None = None, space: str | None = None,
                    env: dict[str, str] | None = None) -> BotProcess:
        """Start the bot on ``emu`` and ``database_url``, in ``folder`` (no ``.env`` there).
        ``lease_seconds`` and ``space``: see :mod:`tests.e2e.child`."""
        environment = {
            "DISCORD_TOKEN": emu.token,
            "COUNTERPOINT_DATABASE_URL": database_url,
            "COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES": "true",
            "COUNTERPOINT_LOG_LEVEL": "INFO",
            "COUNTERPOINT_TEST_REST": emu.rest_url,
            "COUNTERPOINT_TEST_GATEWAY": emu.gateway_url,
            "COUNTERPOINT_TEST_LEASE_SECONDS": "" if lease_seconds is None else str(lease_seconds),
            "COUNTERPOINT_TEST_SPACE": space or "",
            **(env or {}),
        }
        return await cls.start_command([sys.executable, "-m", "tests.e2e.child"], folder,
                                       environment)

    @classmethod
    async def start_command(cls, argv: list[str], folder: Path,
                            env: dict[str, str] | None = None) -> BotProcess:
        """Run ``argv`` in ``folder`` with this environment plus ``env``, the checkout on
        the import path."""
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT),
                                                        os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        process = await asyncio.create_subprocess_exec(
            *argv, cwd=folder, env=environment, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        started = cls(process)
        started._reader = asyncio.create_task(started._read(), name=f"bot-{process.pid}-log")
        return started

    @property
    def pid(self) -> int:
        return self.process.pid

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            async with self._changed:
                self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))
                self._changed.notify_all()
        async with self._changed:
            self._changed.notify_all()

    def output(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, text: str, timeout: float = PATIENCE) -> str:  # noqa: ASYNC109
        """The first line of output containing ``text``; fails if the process ends first."""
        def found() -> str | None:
            return next((line for line in self.lines if text in line), None)

        async def waiter() -> str:
            async with self._changed:
                await self._changed.wait_for(
                    lambda: found() is not None or self._reader is None or self._reader.done())
                line = found()
                if line is None:
                    raise AssertionError(f"the bot ended before logging {text!r}:\n"
                                         f"{self.output()}")
                return line

        try:
            return await asyncio.wait_for(waiter(), timeout)
        except TimeoutError:
            raise AssertionError(f"no {text!r} in the bot's output within {timeout} s:\n"
                                 f"{self.output()}") from None

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind runs; returns once the process is reaped."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        await self.wait()

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and return the exit status."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(sig)
        return await self.wait()

    async def wait(self, timeout: float = PATIENCE) -> int:  # noqa: ASYNC109
        """The exit status, once the process has ended and its output is read."""
        try:
            status = await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not exit within {timeout} s:\n"
                                 f"{self.output()}") from None
        if self._reader is not None:
            await self._reader
        return status


@dataclass
class Site:
    """An emulator with a guild, its moderator and a text channel, and a piece server."""

    emu: Emulator
    server: FeedSite
    guild: Guild
    channel: Channel
    admin: Member
    folder: Path
    processes: list[BotProcess] = field(default_factory=list)

    @classmethod
    async def open(cls, folder: Path) -> Site:
        emu = await Emulator().start()
        server = await FeedSite().start()
        guild = emu.add_guild("Debate Club")
        return cls(emu, server, guild, guild.add_text_channel("general"),
                   guild.add_member("moderator", permissions=["ADMINISTRATOR"]), folder)

    async def start_bot(self, database_url: str, *, ready: bool = True,
                        **options: object) -> BotProcess:
        """A bot process; with ``ready``, once it has connected and resumed what it found
        unfinished."""
        process = await BotProcess.start(self.emu, database_url, self.folder, **options)  # type: ignore[arg-type]
        self.processes.append(process)
        if ready:
            await process.wait_for_line("started:")
        return process

    async def close(self) -> None:
        for process in self.processes:
            if process.process.returncode is None:
                await process.kill()
        await self.server.stop()
        await self.emu.stop()

    def card(self, channel: Channel) -> list[Message]:
        return [m for m in self.emu.messages(channel) if m.embeds]

    def openings(self, thread: Thread) -> list[Message]:
        return [m for m in self.emu.messages(thread) if m.author.id == self.emu.bot_user.id]

    async def piece(self, database_url: str, channel: Channel) -> PieceRecord:
        return await stored_piece(database_url, self.guild.id, channel.id)

    async def assert_published_once(self, database_url: str, channel: Channel,
                                    threads: int) -> None:
        """Exactly one card, ``threads`` threads, each with exactly one opening, as stored."""
        piece = await self.piece(database_url, channel)
        assert piece.state == "published", piece
        assert piece.lease_owner is None
        cards = self.card(channel)
        assert [c.id for c in cards] == [piece.message_id]
        assert cards[0].embeds[0]["description"].count("](https://discord.com/channels/") \
            == threads
        found = self.emu.threads(channel)
        assert len(found) == threads and len({t.name for t in found}) == threads, \
            [t.name for t in found]
        for thread in found:
            openings = self.openings(thread)
            assert len(openings) == 1, (thread.name, [m.content[:40] for m in openings])
            assert len([c for c in openings[0].custom_ids() if c.startswith("cp:v:a:")]) == 2
