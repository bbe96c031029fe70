"""The real Counterpoint bot on the emulator: start, stop, kill, and a loopback site for pieces."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot import sandbox
from bot.client import CounterpointBot
from bot.config import Settings
from bot.emulator import (
    Channel,
    Emulator,
    Guild,
    InteractionRecord,
    Member,
    Message,
    Thread,
)
from bot.store import ArgumentRecord, PieceRecord, Store, open_store
from tests.feedsite import SAMPLES, FeedSite


class RunningBot(sandbox.RunningBot[CounterpointBot]):
    async def kill(self, *tasks: asyncio.Task[object]) -> None:
        """As close to SIGKILL as one process allows: cancel the given in-flight tasks (they
        record nothing more), then drop the bot's connections."""
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.stop()


async def start_bot(emu: Emulator, settings: Settings, *, ready_within: float = 20.0,
                    **options: object) -> RunningBot:
    """Start the real bot against ``emu`` and wait until it resumed unfinished pieces; votes
    debounce and tallies settle faster than in production, so tests run quickly."""
    options = {"vote_debounce": 0.5, "tally_delay": 1.0, **options}
    running = await sandbox.start_bot(emu, settings, within=ready_within, **options)
    return RunningBot(running.bot, running.task, running.pointer)


settings_for = sandbox.emulator_settings


def names(items: Iterable[object]) -> list[str]:
    return [getattr(i, "name", "") for i in items]


@dataclass
class World:
    """One emulator, one guild, a piece server and the bot: what an e2e module shares."""

    emu: Emulator
    server: FeedSite
    database_url: str
    guild: Guild
    general: Channel
    forum: Channel
    moderators: Channel
    admin: Member
    alice: Member
    bob: Member
    carol: Member
    running: RunningBot | None = None
    bot_options: dict[str, object] = field(default_factory=dict)

    @classmethod
    async def create(cls, database_url: str, **bot_options: object) -> World:
        emu = await Emulator().start()
        server = await FeedSite().start()
        guild = emu.add_guild("Debate Club")
        world = cls(
            emu=emu, server=server, database_url=database_url, guild=guild,
            general=guild.add_text_channel("general"),
            forum=guild.add_forum_channel("debates"),
            moderators=guild.add_text_channel("moderators"),
            admin=guild.add_member("moderator", permissions=["ADMINISTRATOR"]),
            alice=guild.add_member("alice"), bob=guild.add_member("bob"),
            carol=guild.add_member("carol"), bot_options=dict(bot_options))
        await world.start()
        return world

    @property
    def bot(self) -> CounterpointBot:
        assert self.running is not None
        return self.running.bot

    async def start(self, **options: object) -> RunningBot:
        """A new bot "process" on the same database and emulator."""
        assert self.running is None, "stop the running bot first"
        self.running = await start_bot(self.emu, settings_for(self.database_url),
                                       **{**self.bot_options, **options})
        return self.running

    async def stop(self) -> None:
        if self.running is not None:
            await self.running.stop()
            self.running = None

    async def kill(self, *tasks: asyncio.Task[object]) -> None:
        if self.running is not None:
            await self.running.kill(*tasks)
            self.running = None

    async def close(self) -> None:
        await self.stop()
        await self.server.stop()
        await self.emu.stop()

    async def post(self, url: str, channel: Channel, *, within: float = 30.0,
                   member: Member | None = None) -> InteractionRecord:
        """``/piece post`` as a moderator; returns once the reply says how it ended."""
        record = await self.emu.run_slash_command(
            member or self.admin, self.general, "piece post", {"url": url, "channel": channel})
        await record.wait_response()
        await record.wait_for(lambda r: _finished(r), within)
        return record

    def card(self, channel: Channel) -> list[Message]:
        return [m for m in self.emu.messages(channel) if m.embeds]

    def openings(self, thread: Thread) -> list[Message]:
        return [m for m in self.emu.messages(thread) if m.author.id == self.emu.bot_user.id]


async def stored_piece(database_url: str, guild_id: int, channel_id: int) -> PieceRecord:
    """The one piece the bot recorded for ``channel_id``, read from its database."""
    store = await open_store(database_url)
    try:
        [piece] = [p for p in await store.list_pieces(guild_id=guild_id)
                   if p.channel_id == channel_id]
        return piece
    finally:
        await store.close()


def _finished(record: InteractionRecord) -> bool:
    original = record.original
    content = (original.content or "") if original is not None else ""
    return content.startswith(("Posted in", "Not posted", "Already posted", "I could not",
                               "That is not"))


def reply_text(record: InteractionRecord) -> str:
    """What the member saw: the first response or, after a defer, its edits / follow-ups."""
    texts = []
    if record.original is not None:
        texts.append(record.original.content or "")
    elif record.callback_data and record.callback_data.get("content"):
        texts.append(record.callback_data["content"])
    texts += [m.content or "" for m in record.followups if m.id != record.original_message_id]
    return "\n".join(t for t in texts if t)


@dataclass
class Posted:
    """One argument of a posted piece: its thread, its opening message and its record."""

    thread: Thread
    opening: Message
    argument: ArgumentRecord


async def post_arguments(world: World, store: Store, name: str,
                         sample: str = "city_bike_lanes.txt") -> list[Posted]:
    """``/piece post`` of a sample piece (served as ``name``) in #general, as a moderator;
    its arguments in order, each with its thread and opening."""
    url = world.server.add(name, (SAMPLES / sample).read_text())
    record = await world.post(url, world.general)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    piece = await store.get_piece_by_url(world.guild.id, world.general.id, url)
    assert piece is not None
    threads = {t.id: t for t in world.emu.threads(world.general)}
    result = []
    for argument in await store.list_arguments(piece.id):
        assert argument.thread_id is not None
        thread = threads[argument.thread_id]
        result.append(Posted(thread, world.openings(thread)[-1], argument))
    return result


def _buttons(message: Message) -> list[dict[str, Any]]:
    """The message's buttons in order, however deep in its rows."""
    found: list[dict[str, Any]] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("type") == 2:
                found.append(item)
            walk(item.get("components", []))

    walk(message.components)
    return found


def labels(message: Message) -> list[str]:
    """The labels of the message's buttons, in order."""
    return [item.get("label", "") for item in _buttons(message)]


def buttons(message: Message) -> dict[str, str]:
    """label → custom id of the message's buttons."""
    return {item.get("label", ""): item.get("custom_id", "") for item in _buttons(message)}


async def shows(world: World, message: Message, expected: list[str]) -> None:
    """Waits until the message's buttons read ``expected``."""
    await world.emu.wait_for(lambda: labels(message) == expected, 10)


def ephemeral(record: InteractionRecord) -> bool:
    """The interaction's answer is seen only by the member (flag 64 on the callback or on the
    original response)."""
    flags = int((record.callback_data or {}).get("flags") or 0)
    return bool(flags & 64) or bool(record.original is not None and record.original.ephemeral)
