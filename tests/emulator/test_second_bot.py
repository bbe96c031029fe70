"""A second bot identity on one emulator: two discord.py clients, each connected as itself.

``emu.add_bot`` gives another application its own token, bot user and application id, so an
independent client library can be tried against the emulator beside the first bot: each sees
itself as ``client.user``, what each posts is its own, each registers and receives its own
commands, and a token neither bot has is refused as Discord refuses it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from bot import sandbox
from bot.emulator import BotIdentity, Channel, Emulator, Member
from tests.emulator.harness import RunningBot, start_bot


@dataclass
class TwoBots:
    emu: Emulator
    channel: Channel
    member: Member
    first: RunningBot
    other: BotIdentity
    second: sandbox.RunningBot[commands.Bot]


def _second_client() -> commands.Bot:
    client = commands.Bot(command_prefix=commands.when_mentioned,
                          intents=discord.Intents(guilds=True))

    @client.tree.command(description="Answer as the second bot")
    async def hello(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"hello from {interaction.client.user}")

    return client


@pytest.fixture
async def bots() -> AsyncIterator[TwoBots]:
    emu = await Emulator().start()
    guild = emu.add_guild("Two Bots")
    channel = guild.add_text_channel("general")
    member = guild.add_member("ada")
    other = emu.add_bot("Second")
    first = await start_bot(emu)
    try:
        second = await sandbox.start_client(emu, _second_client(), token=other.token)
        try:
            yield TwoBots(emu, channel, member, first, other, second)
        finally:
            await second.stop()  # the later pointer first: discord.py ends up on Discord
    finally:
        await first.stop()
        await emu.stop()


async def test_each_client_is_itself(bots: TwoBots) -> None:
    emu, other = bots.emu, bots.other
    assert other.token != emu.token and other.application_id != emu.application_id
    first, second = bots.first.bot, bots.second.bot
    assert first.user is not None and second.user is not None
    assert first.user.id == emu.bot_user.id and first.application_id == emu.application_id
    assert second.user.id == other.user.id and second.user.name == "Second"
    assert second.application_id == other.application_id
    # Two gateway sessions, one per bot; both see the guild, with both bots as members.
    assert {s.bot.application_id for s in emu.gateway.live_sessions} == {
        emu.application_id, other.application_id}
    for client in (first, second):
        [guild] = client.guilds
        assert guild.get_member(client.user.id) is not None  # type: ignore[union-attr]


async def test_what_each_posts_is_its_own(bots: TwoBots) -> None:
    emu = bots.emu
    route = "/channels/{channel_id}/messages"
    for running, text in ((bots.first, "from the first"), (bots.second, "from the second")):
        channel = running.bot.get_channel(bots.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send(text)
        assert sent.author.id == running.bot.user.id  # type: ignore[union-attr]
    authors = {m.content: m.author.id for m in emu.messages(bots.channel)}
    assert authors == {"from the first": emu.bot_user.id,
                       "from the second": bots.other.user.id}
    callers = [r.bot_id for r in emu.requests_to(route, "POST")]
    assert callers == [emu.application_id, bots.other.application_id]


async def test_each_bot_posts_under_its_own_rate_limits(bots: TwoBots) -> None:
    emu = bots.emu
    route = "/channels/{channel_id}/messages"

    async def post(running: sandbox.RunningBot[Any], count: int) -> None:
        channel = running.bot.get_channel(bots.channel.id)
        assert isinstance(channel, discord.TextChannel)
        for n in range(count):
            await channel.send(f"{running.bot.user} {n}")

    # Both bots post four messages to one channel at once, each under its own 5-per-5 s
    # message bucket. On Discord buckets are per token, so neither is refused; each client
    # paces itself on its own headers and cannot know of the other's calls, so one shared
    # bucket would answer the sixth call 429.
    await asyncio.gather(post(bots.first, 4), post(bots.second, 4))
    sends = emu.requests_to(route, "POST")
    assert [r.status for r in sends] == [200] * 8
    assert sorted(r.bot_id or 0 for r in sends) == sorted(
        [emu.application_id] * 4 + [bots.other.application_id] * 4)
    assert emu.rate_limited == [] and emu.early_requests == []


async def test_each_bot_has_its_own_commands_and_interactions(bots: TwoBots) -> None:
    emu, other = bots.emu, bots.other
    await bots.second.bot.tree.sync()
    assert [c["name"] for c in other.global_commands] == ["hello"]
    assert emu.state.primary.global_commands == []  # the first bot's are untouched
    with emu.as_bot(other):
        record = await emu.run_slash_command(bots.member, bots.channel, "hello")
    await record.wait_response()
    assert record.payload["application_id"] == str(other.application_id)
    assert record.message is not None and record.message.author.id == other.user.id
    assert record.message.content == "hello from Second"
    # Only the second bot's session was told of it.
    told = {s.bot.application_id for s in emu.gateway.sessions.values()
            if any(f["t"] == "INTERACTION_CREATE" and f["d"]["id"] == str(record.id)
                   for f in s.buffer)}
    assert told == {other.application_id}
    callback = [r for r in emu.rest.requests if r.route.startswith("/interactions/")]
    assert [r.bot_id for r in callback] == [other.application_id]


async def test_a_token_no_bot_has_is_refused(bots: TwoBots) -> None:
    emu = bots.emu
    async with aiohttp.ClientSession() as http:
        for token in ("not-a-token", bots.other.token + "x"):
            async with http.get(f"{emu.rest_url}/users/@me",
                                headers={"Authorization": f"Bot {token}"}) as response:
                assert response.status == 401
                assert await response.json() == {"message": "401: Unauthorized", "code": 0}
        async with http.get(f"{emu.rest_url}/users/@me",
                            headers={"Authorization": f"Bot {bots.other.token}"}) as response:
            assert response.status == 200
            assert (await response.json())["id"] == str(bots.other.user.id)
    # discord.py's login checks the token with GET /users/@me: the 401 is its LoginFailure.
    stranger = discord.Client(intents=discord.Intents.none())
    try:
        with pytest.raises(discord.LoginFailure):
            await stranger.login("not-a-token")
    finally:
        await stranger.close()
