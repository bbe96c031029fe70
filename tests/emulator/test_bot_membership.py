"""A bot removed from a guild and invited back, as Discord tells it: GUILD_DELETE without
``unavailable`` to that bot alone (discord.py's ``on_guild_remove``), nothing more about the
guild meanwhile, no guild in READY on reconnecting, and GUILD_CREATE without ``unavailable``
when it is invited back (``on_guild_join``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord
import pytest
from discord.ext import commands

from bot import sandbox
from bot.emulator import BotIdentity, Emulator, Guild


@dataclass
class Clients:
    emu: Emulator
    guild: Guild
    other: BotIdentity
    removed: sandbox.RunningBot[commands.Bot]
    staying: sandbox.RunningBot[commands.Bot]


def _client() -> commands.Bot:
    return commands.Bot(command_prefix=commands.when_mentioned,
                        intents=discord.Intents(guilds=True))


@pytest.fixture
async def clients() -> AsyncIterator[Clients]:
    emu = await Emulator().start()
    guild = emu.add_guild("Membership")
    guild.add_text_channel("general")
    other = emu.add_bot("Staying")
    removed = await sandbox.start_client(emu, _client(), token=emu.token)
    try:
        staying = await sandbox.start_client(emu, _client(), token=other.token)
        try:
            yield Clients(emu, guild, other, removed, staying)
        finally:
            await staying.stop()
    finally:
        await removed.stop()
        await emu.stop()


async def test_removal_and_return_reach_only_that_bot(clients: Clients) -> None:
    emu, guild = clients.emu, clients.guild
    removed, staying = clients.removed.bot, clients.staying.bot
    gone = asyncio.ensure_future(removed.wait_for("guild_remove", timeout=10))
    emu.remove_bot(guild)
    assert (await gone).id == guild.id
    assert removed.get_guild(guild.id) is None
    assert emu.bot_user.id not in guild.members
    assert not [r for r in guild.roles.values() if r.bot_id == emu.bot_user.id]
    [frame] = emu.gateway.sent("GUILD_DELETE")
    session = emu.gateway.sessions[frame.session_id]
    assert session.bot.user.id == emu.bot_user.id  # to the removed bot alone
    [sent] = [f for f in session.buffer if f["t"] == "GUILD_DELETE"]
    assert sent["d"] == {"id": str(guild.id)}  # removed, not unavailable
    # The other bot still has the guild, and hears of it; the removed one does not.
    assert staying.get_guild(guild.id) is not None
    created = asyncio.ensure_future(staying.wait_for("guild_channel_create", timeout=10))
    guild.add_text_channel("later")
    await created
    assert removed.get_channel(next(iter(guild.channels))) is None

    back = asyncio.ensure_future(removed.wait_for("guild_join", timeout=10))
    emu.invite_bot(guild)
    assert (await back).id == guild.id
    joined = removed.get_guild(guild.id)
    assert joined is not None and joined.get_member(emu.bot_user.id) is not None


async def test_a_removed_bot_reconnecting_gets_no_guild(clients: Clients) -> None:
    emu, guild = clients.emu, clients.guild
    emu.remove_bot(guild, clients.other)
    await clients.staying.stop()
    again = await sandbox.start_client(emu, _client(), token=clients.other.token)
    try:
        assert list(again.bot.guilds) == []
    finally:
        await again.stop()
    assert clients.removed.bot.get_guild(guild.id) is not None
