"""The gateway at the wire level, with a bare websocket client: handshake, compression,
heartbeats, close codes, INVALID_SESSION and the RESUME replay."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
import pytest_asyncio

from bot.emulator import Emulator
from tests.emulator import harness
from tests.emulator.harness import RawGateway, start_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")

GUILDS = 1 << 0


class Setup(harness.Setup):
    def __init__(self, emu: Emulator, http: aiohttp.ClientSession) -> None:
        super().__init__(emu, http, "Wire Guild", "wire")
        self.forum = self.guild.add_forum_channel("forum", tags=["one"])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def setup() -> AsyncIterator[Setup]:
    emu = Emulator(token="wire-token", heartbeat_interval_ms=45000)
    await emu.start()
    async with aiohttp.ClientSession() as http:
        yield Setup(emu, http)
    await emu.stop()


async def test_handshake_plain_text(setup: Setup) -> None:
    emu = setup.emu
    gw = await RawGateway.connect(setup.http, emu)
    hello = await gw.recv()
    assert hello == {"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None}
    await gw.send(1, None)
    assert (await gw.recv())["op"] == 11
    await gw.send(2, {"token": emu.token, "intents": GUILDS, "properties": {}})
    ready = await gw.recv()
    assert (ready["op"], ready["t"], ready["s"]) == (0, "READY", 1)
    d = ready["d"]
    assert d["v"] == 10 and d["user"]["bot"] is True
    assert d["resume_gateway_url"] == emu.gateway_url
    assert d["application"] == {"id": str(emu.application_id), "flags": 0}
    assert d["shard"] == [0, 1]
    assert {"id": str(setup.guild.id), "unavailable": True} in d["guilds"]
    create = await gw.recv()
    assert (create["t"], create["s"]) == ("GUILD_CREATE", 2)
    guild = create["d"]
    assert {c["type"] for c in guild["channels"]} == {0, 15}
    assert [m["user"]["id"] for m in guild["members"]] == [str(emu.bot_user.id)]
    assert guild["member_count"] == 3  # owner, bot, carol
    await gw.close()


async def test_zlib_stream_frames(setup: Setup) -> None:
    gw = await RawGateway.connect(setup.http, setup.emu, compress=True)
    ready = await gw.identify(setup.emu.token)  # RawGateway asserts binary, sync-flushed
    assert ready["d"]["session_id"]
    assert (await gw.recv())["t"] == "GUILD_CREATE"
    await gw.send(1, 2)
    assert (await gw.recv())["op"] == 11
    await gw.close()


async def test_guild_members_intent_sends_all_members(setup: Setup) -> None:
    gw = await RawGateway.connect(setup.http, setup.emu)
    await gw.identify(setup.emu.token, intents=GUILDS | (1 << 1))
    create = await gw.recv_dispatch("GUILD_CREATE")
    assert len(create["d"]["members"]) == 3
    await gw.close()


async def _close_code_after(setup: Setup, op: int, data: object) -> int | None:
    """Send ``op`` right after HELLO; the gateway must close the connection: with what code."""
    gw = await RawGateway.connect(setup.http, setup.emu)
    await gw.recv()
    await gw.send(op, data)
    with pytest.raises(ConnectionError):
        await gw.recv()
    return gw.ws.close_code


async def test_bad_token_closes_4004(setup: Setup) -> None:
    identify = {"token": "nope", "intents": GUILDS, "properties": {}}
    assert await _close_code_after(setup, 2, identify) == 4004


async def test_op_before_identify_closes_4003(setup: Setup) -> None:
    chunk = {"guild_id": str(setup.guild.id), "query": "", "limit": 0}
    assert await _close_code_after(setup, 8, chunk) == 4003


async def test_unknown_session_is_invalidated(setup: Setup) -> None:
    gw = await RawGateway.connect(setup.http, setup.emu)
    await gw.recv()
    await gw.send(6, {"token": setup.emu.token, "session_id": "stale", "seq": 3})
    assert await gw.recv() == {"op": 9, "d": False, "s": None, "t": None}
    await gw.close()


async def test_resume_replays_missed_dispatches(setup: Setup) -> None:
    emu = setup.emu
    gw = await RawGateway.connect(setup.http, emu)
    ready = await gw.identify(emu.token)
    session_id = ready["d"]["session_id"]
    last = (await gw.recv_dispatch("GUILD_CREATE"))["s"]
    before = emu.gateway.resumes

    await emu.drop_gateway()
    with pytest.raises(ConnectionError):
        await gw.recv()
    # Dispatched while no socket is open: kept for the replay.
    record = await emu.run_slash_command(setup.member, setup.channel, "ping", {"text": "x"})

    again = await RawGateway.connect(setup.http, emu)
    assert (await again.recv())["op"] == 10
    await again.send(6, {"token": emu.token, "session_id": session_id, "seq": last})
    replayed = await again.recv()
    assert (replayed["t"], replayed["s"]) == ("INTERACTION_CREATE", last + 1)
    assert replayed["d"]["id"] == str(record.id)
    resumed = await again.recv()
    assert (resumed["t"], resumed["s"]) == ("RESUMED", last + 2)
    assert emu.gateway.resumes == before + 1
    await again.close()


async def test_interaction_payload_shape(setup: Setup) -> None:
    emu = setup.emu
    gw = await RawGateway.connect(setup.http, emu)
    await gw.identify(emu.token)
    record = await emu.run_slash_command(
        setup.member,
        setup.channel,
        "feed add",
        {"url": "https://example.org/rss", "channel": setup.forum, "count": 3},
    )
    d = (await gw.recv_dispatch("INTERACTION_CREATE"))["d"]
    assert d["id"] == str(record.id) and d["token"] == record.token
    assert (d["type"], d["version"], d["application_id"]) == (2, 1, str(emu.application_id))
    assert d["guild_id"] == str(setup.guild.id) and d["channel_id"] == str(setup.channel.id)
    assert d["channel"]["id"] == str(setup.channel.id)
    assert d["member"]["user"]["id"] == str(setup.member.id)
    assert int(d["member"]["permissions"]) & (1 << 11)  # SEND_MESSAGES via @everyone
    assert int(d["app_permissions"]) & (1 << 34)  # the bot's MANAGE_THREADS
    assert d["locale"] == "en-US" and d["entitlements"] == []
    data = d["data"]
    assert (data["name"], data["type"]) == ("feed", 1)
    (sub,) = data["options"]
    assert (sub["type"], sub["name"]) == (1, "add")
    assert [(o["name"], o["type"]) for o in sub["options"]] == [
        ("url", 3),
        ("channel", 7),
        ("count", 4),
    ]
    resolved = data["resolved"]["channels"][str(setup.forum.id)]
    assert resolved["type"] == 15 and "permissions" in resolved
    await gw.close()


async def test_wrong_token_is_a_login_failure(setup: Setup) -> None:
    client = discord.Client(intents=discord.Intents(guilds=True))
    with setup.emu.point_discord_py_here():
        with pytest.raises(discord.LoginFailure):
            await client.login("not-the-token")
        await client.close()
    assert setup.emu.requests[-1].status == 401


async def test_test_routes_describe_the_state(setup: Setup) -> None:
    async with setup.http.get(f"{setup.emu.base_url}/_test/state") as resp:
        state = await resp.json()
    names = {c["name"] for g in state["guilds"] for c in g["channels"]}
    assert {"wire", "forum"} <= names
    async with setup.http.get(f"{setup.emu.base_url}/_test/requests") as resp:
        assert isinstance(await resp.json(), list)


async def test_auto_sharded_bot_over_two_shards() -> None:
    emu = Emulator(token="shards", shard_count=2)
    await emu.start()
    try:
        first = emu.add_guild("shard zero", guild_id=2 << 22)
        second = emu.add_guild("shard one", guild_id=3 << 22)
        channels = [first.add_text_channel("a"), second.add_text_channel("b")]
        members = [first.add_member("m0"), second.add_member("m1")]

        def install(bot: discord.ext.commands.AutoShardedBot) -> None:
            @bot.tree.command(description="Which shard am I on?")
            async def shard(interaction: discord.Interaction) -> None:
                assert interaction.guild is not None
                await interaction.response.send_message(f"shard {interaction.guild.shard_id}")

        # discord.py waits 5 s before identifying its second shard.
        rb = await start_bot(emu, install, ready_within=30)
        try:
            assert rb.bot.shard_count == 2
            assert {g.id: g.shard_id for g in rb.bot.guilds} == {first.id: 0, second.id: 1}
            for member, channel, expected in zip(members, channels, ("0", "1"), strict=True):
                record = await emu.run_slash_command(member, channel, "shard")
                await record.wait_response()
                assert record.message is not None
                assert record.message.content == f"shard {expected}"
                # Delivered once, on the shard that holds the guild.
                assert emu.gateway.interaction_shards[record.id] == [(int(expected), 2)]
            shards = sorted(s.shard for s in emu.gateway.sessions.values())
            assert shards == [(0, 2), (1, 2)]
        finally:
            await rb.stop()
    finally:
        await emu.stop()
