"""Real discord.py (AutoShardedBot) against the emulator: one emulator and one bot per module."""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
import pytest_asyncio
from discord import app_commands

from bot.emulator import Channel, Emulator, Member
from tests.emulator.harness import RunningBot, start_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")

# What the bot's callbacks saw, for assertions on the bot side of each interaction.
CAPTURED: dict[str, Any] = {}


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"vote:(?P<choice>agree|disagree):(?P<target>[0-9]+)",
):
    def __init__(self, choice: str, target: int) -> None:
        super().__init__(
            discord.ui.Button(label=choice.title(), custom_id=f"vote:{choice}:{target}")
        )
        self.choice = choice
        self.target = target

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> VoteButton:
        return cls(match["choice"], int(match["target"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        CAPTURED["vote"] = (self.choice, self.target, interaction.user.id)
        await interaction.response.send_message(f"recorded {self.choice}", ephemeral=True)


class CounterModal(discord.ui.Modal, title="Counterargument"):
    text: discord.ui.TextInput = discord.ui.TextInput(
        label="Your counterargument", custom_id="counter_text", style=discord.TextStyle.paragraph
    )

    def __init__(self) -> None:
        super().__init__(custom_id="counter-modal")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        CAPTURED["counter"] = self.text.value
        await interaction.response.send_message(f"counter: {self.text.value}")


def install_commands(bot: discord.ext.commands.AutoShardedBot) -> None:
    tree = bot.tree

    @tree.command(description="Answer at once")
    async def ping(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(f"pong {text}")

    feed = app_commands.Group(name="feed", description="Feeds")

    @feed.command(name="add", description="Follow a feed")
    async def feed_add(
        interaction: discord.Interaction, url: str, channel: discord.TextChannel
    ) -> None:
        CAPTURED["feed_add"] = (url, channel.id)
        await interaction.response.send_message(f"following {url} in #{channel.name}")

    admin = app_commands.Group(name="admin", description="Moderation")
    rules = app_commands.Group(name="rules", description="Rules", parent=admin)

    @rules.command(name="set", description="Set a rule")
    async def rules_set(
        interaction: discord.Interaction, limit: int, strict: bool, role: discord.Role
    ) -> None:
        CAPTURED["rules_set"] = (limit, strict, role.id)
        await interaction.response.send_message(f"limit={limit} strict={strict} role={role.name}")

    @tree.command(description="Post a vote")
    async def vote(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(VoteButton("agree", 7))
        view.add_item(VoteButton("disagree", 7))
        await interaction.response.send_message("Vote on argument 7", view=view)

    @tree.command(description="Write a counterargument")
    async def counter(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(CounterModal())

    @tree.command(description="Slow work: defer, edit, follow up")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="working")
        await interaction.followup.send("step 1")
        await interaction.edit_original_response(content="done")

    @tree.command(description="Defer, then answer with a follow-up")
    async def think(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("thought it through")

    @tree.command(description="Pick a followed feed")
    async def pick(interaction: discord.Interaction, feed: str) -> None:
        await interaction.response.send_message(f"picked {feed}")

    @pick.autocomplete("feed")
    async def pick_feed(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        feeds = ["alpha", "beta", "bravo", "gamma"]
        return [app_commands.Choice(name=f, value=f) for f in feeds if f.startswith(current)]

    tree.add_command(feed)
    tree.add_command(admin)
    bot.add_dynamic_items(VoteButton)


class World:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.guild = emu.add_guild("Debate Club")
        g = self.guild
        self.general = g.add_text_channel("general")
        self.threads = g.add_text_channel("threads")
        self.secret = g.add_text_channel("secret")
        self.no_embeds = g.add_text_channel("no-embeds")
        self.uploads = g.add_text_channel("uploads")
        self.busy = g.add_text_channel("busy")
        self.faulty = g.add_text_channel("faulty")
        self.forum = g.add_forum_channel("arguments", tags=["economy", "law"], require_tag=True)
        self.moderator = g.add_role("moderator", ["MANAGE_MESSAGES"])
        self.alice: Member = g.add_member("alice")
        self.bob: Member = g.add_member("bob", roles=[self.moderator])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world() -> AsyncIterator[World]:
    # A tenth of Discord's windows: 5 messages per 0.5 s, so bucket waits stay short.
    emu = Emulator(token="test-token", rate_limit_scale=0.1)
    await emu.start()
    w = World(emu)
    yield w
    await emu.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(world: World) -> AsyncIterator[RunningBot]:
    rb = await start_bot(world.emu, install_commands)
    await rb.bot.tree.sync()
    yield rb
    await rb.stop()


def text_channel(rb: RunningBot, channel: Channel) -> discord.TextChannel:
    ch = rb.bot.get_channel(channel.id)
    assert isinstance(ch, discord.TextChannel)
    return ch


async def test_bot_sees_guild_channels_and_itself(world: World, running: RunningBot) -> None:
    bot = running.bot
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Debate Club"
    assert isinstance(guild.get_channel(world.general.id), discord.TextChannel)
    forum = guild.get_channel(world.forum.id)
    assert isinstance(forum, discord.ForumChannel)
    assert [t.name for t in forum.available_tags] == ["economy", "law"]
    assert guild.me is not None and guild.me.id == world.emu.bot_user.id
    assert bot.application_id == world.emu.application_id
    identify = world.emu.gateway.received(op=2)
    assert identify and identify[0].d["d"]["intents"] == discord.Intents(guilds=True).value
    # discord.py asked for zlib-stream; everything after HELLO arrived compressed.
    assert world.emu.gateway.sent("READY")


async def test_tree_sync_assigns_ids(world: World, running: RunningBot) -> None:
    synced = world.emu.state.acting.global_commands
    names = {c["name"] for c in synced}
    assert {"ping", "feed", "admin", "vote", "counter", "slow", "think"} <= names
    assert all(c["application_id"] == str(world.emu.application_id) for c in synced)
    assert all(c["id"] and c["version"] for c in synced)


async def test_send_and_create_threads(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.threads)
    piece = await ch.send("A piece with two arguments")
    assert [m.content for m in emu.messages(world.threads)] == ["A piece with two arguments"]

    thread = await piece.create_thread(name="Argument 1: prices", auto_archive_duration=1440)
    assert thread.id == piece.id  # a thread started from a message shares its id
    await thread.send("First reply")
    with pytest.raises(discord.HTTPException) as again:
        await piece.create_thread(name="Argument 1 again")
    assert again.value.code == 160004

    loose = await ch.create_thread(name="Argument 2: law", type=discord.ChannelType.public_thread)
    await loose.send("Second reply")

    threads = {t.name: t for t in emu.threads(world.threads)}
    assert set(threads) == {"Argument 1: prices", "Argument 2: law"}
    assert threads["Argument 1: prices"].auto_archive_duration == 1440
    assert [m.content for m in emu.messages(thread.id)] == ["First reply"]
    assert [m.content for m in emu.messages(loose.id)] == ["Second reply"]
    assert emu.message(piece.id).thread_id == thread.id
    # A public thread without a message is announced in its parent with a system message.
    notices = [m for m in emu.messages(world.threads, system=True) if m.type == 18]
    assert [n.content for n in notices] == ["Argument 2: law"]

    with pytest.raises(discord.HTTPException) as too_long:
        await ch.create_thread(name="x" * 101, type=discord.ChannelType.public_thread)
    assert too_long.value.code == 50035


async def test_forum_post_with_tag(world: World, running: RunningBot) -> None:
    emu = world.emu
    forum = running.bot.get_channel(world.forum.id)
    assert isinstance(forum, discord.ForumChannel)
    law = next(t for t in forum.available_tags if t.name == "law")
    post = await forum.create_thread(name="Is the law fair?", content="Opening", applied_tags=[law])
    assert post.thread.id == post.message.id
    (thread,) = emu.threads(world.forum)
    assert thread.applied_tags == [law.id]
    assert [m.content for m in emu.messages(thread)] == ["Opening"]
    with pytest.raises(discord.HTTPException) as untagged:
        await forum.create_thread(name="No tag", content="x")
    assert untagged.value.code == 50035


async def test_missing_permissions_are_forbidden(world: World, running: RunningBot) -> None:
    emu = world.emu
    emu.deny(world.secret, "SEND_MESSAGES")
    with pytest.raises(discord.Forbidden) as denied:
        await text_channel(running, world.secret).send("hello?")
    assert denied.value.code == 50013
    assert emu.messages(world.secret) == []

    emu.deny_bot(world.no_embeds, "EMBED_LINKS")
    ch = text_channel(running, world.no_embeds)
    with pytest.raises(discord.Forbidden):
        await ch.send(embed=discord.Embed(title="Summary"))
    await ch.send("plain text still works")
    assert [m.content for m in emu.messages(world.no_embeds)] == ["plain text still works"]


async def test_slash_command(world: World, running: RunningBot) -> None:
    emu = world.emu
    record = await emu.run_slash_command(world.alice, world.general, "ping", {"text": "hi"})
    await record.wait_response()
    assert record.callback_type == 4
    assert record.message is not None and record.message.content == "pong hi"
    assert record.message.interaction_metadata["user"]["id"] == str(world.alice.id)
    assert record.message in emu.messages(world.general)


async def test_subcommands_with_channel_role_int_bool(world: World, running: RunningBot) -> None:
    emu = world.emu
    added = await emu.run_slash_command(
        world.alice,
        world.general,
        ("feed", "add"),
        {"url": "https://example.org/feed.xml", "channel": world.threads},
    )
    await added.wait_response()
    assert CAPTURED["feed_add"] == ("https://example.org/feed.xml", world.threads.id)
    assert added.message.content == "following https://example.org/feed.xml in #threads"

    ruled = await emu.run_slash_command(
        world.bob,
        world.general,
        "admin rules set",
        {"limit": 3, "strict": True, "role": world.moderator},
    )
    await ruled.wait_response()
    assert CAPTURED["rules_set"] == (3, True, world.moderator.id)
    options = ruled.payload["data"]["options"]
    assert options[0]["type"] == 2 and options[0]["options"][0]["type"] == 1
    assert [o["type"] for o in options[0]["options"][0]["options"]] == [4, 5, 8]


async def test_autocomplete(world: World, running: RunningBot) -> None:
    record = await world.emu.run_autocomplete(
        world.alice, world.general, "pick", {"feed": "b"}, focused="feed"
    )
    await record.wait_response()
    assert record.callback_type == 8
    assert record.choices == [
        {"name": "beta", "value": "beta"},
        {"name": "bravo", "value": "bravo"},
    ]


async def test_dynamic_item_button(world: World, running: RunningBot) -> None:
    emu = world.emu
    posted = await emu.run_slash_command(world.alice, world.general, "vote")
    await posted.wait_response()
    message = posted.message
    assert message is not None and message.custom_ids() == ["vote:agree:7", "vote:disagree:7"]

    click = await emu.click_button(world.bob, message, "vote:disagree:7")
    await click.wait_response()
    assert CAPTURED["vote"] == ("disagree", 7, world.bob.id)
    assert click.callback_type == 4
    assert click.message is not None and click.message.ephemeral
    assert click.message not in emu.messages(world.general)  # only bob sees it

    with pytest.raises(ValueError):
        await emu.click_button(world.bob, message, "vote:maybe:7")


async def test_modal_submit(world: World, running: RunningBot) -> None:
    emu = world.emu
    opened = await emu.run_slash_command(world.alice, world.general, "counter")
    await opened.wait_response()
    assert opened.callback_type == 9
    assert opened.modal is not None and opened.modal["custom_id"] == "counter-modal"

    submitted = await emu.submit_modal(
        world.alice, world.general, "counter-modal", {"counter_text": "Prices fell anyway."}
    )
    await submitted.wait_response()
    assert CAPTURED["counter"] == "Prices fell anyway."
    assert submitted.message is not None
    assert submitted.message.content == "counter: Prices fell anyway."


async def test_followup_and_original_edits(world: World, running: RunningBot) -> None:
    emu = world.emu
    record = await emu.run_slash_command(world.alice, world.general, "slow")
    await record.wait_response()
    assert record.callback_type == 5
    await record.wait_for(lambda r: len(r.original_edits) == 2)
    assert [e["content"] for e in record.original_edits] == ["working", "done"]
    assert record.original is not None and record.original.content == "done"
    assert [m.content for m in record.followups] == ["step 1"]
    history = emu.message_history(record.original)
    assert [h["content"] for h in history] == ["", "working", "done"]
    assert history[0]["flags"] & 128  # the "thinking" state until the first edit

    thought = await emu.run_slash_command(world.alice, world.general, "think")
    await thought.wait_for(lambda r: bool(r.followups))
    # The first follow-up after a deferred response fills in the thinking message.
    assert thought.original is not None and thought.original.content == "thought it through"
    assert thought.followups == [thought.original]


async def test_second_callback_is_rejected(world: World, running: RunningBot) -> None:
    emu = world.emu
    record = await emu.run_slash_command(world.alice, world.general, "ping", {"text": "once"})
    await record.wait_response()
    async with running.bot.http._HTTPClient__session.post(  # the bot's own HTTP session
        f"{emu.rest_url}/interactions/{record.id}/{record.token}/callback",
        json={"type": 4, "data": {"content": "twice"}},
    ) as resp:
        assert resp.status == 400
        assert (await resp.json())["code"] == 40060


async def test_multipart_attachment_upload(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.uploads)
    payload = b"member,votes\nalice,3\n"
    sent = await ch.send(
        "weekly summary", file=discord.File(io.BytesIO(payload), filename="summary.csv")
    )
    (stored,) = emu.messages(world.uploads)
    assert stored.content == "weekly summary"
    assert [(a.filename, a.data) for a in stored.attachments] == [("summary.csv", payload)]
    assert await sent.attachments[0].read() == payload  # through the emulator's CDN route


async def test_buckets_are_respected(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.busy)
    before = len(emu.rate_limited)
    for i in range(12):  # more than two windows' worth for one channel's bucket
        await ch.send(f"message {i}")
    assert len(emu.messages(world.busy)) == 12
    assert len(emu.rate_limited) == before  # discord.py waited on the headers instead
    assert emu.early_requests == []
    sends = emu.requests_to("/channels/{channel_id}/messages", "POST")
    assert sends[-1].bucket and len({r.bucket for r in sends}) == 1


async def test_429_storm_and_5xx_burst(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.faulty)
    before = len(emu.rate_limited)
    emu.force_429(3, retry_after=0.05)
    await ch.send("after the storm")
    assert len(emu.rate_limited) == before + 3
    assert emu.early_requests == []  # each retry waited retry_after

    emu.inject_5xx(1, status=502)
    await ch.send("after the outage")
    assert any(r.status == 502 for r in emu.requests)
    assert [m.content for m in emu.messages(world.faulty)] == [
        "after the storm",
        "after the outage",
    ]


async def test_resume_after_gateway_drop(world: World, running: RunningBot) -> None:
    emu = world.emu
    resumes = emu.gateway.resumes
    identifies = emu.gateway.identifies
    assert await emu.drop_gateway() == 1
    # Sent while the bot is disconnected: it must arrive through the RESUME replay.
    record = await emu.run_slash_command(world.alice, world.general, "ping", {"text": "again"})
    await record.wait_response(timeout=15)
    assert record.message is not None and record.message.content == "pong again"
    assert emu.gateway.resumes == resumes + 1
    assert emu.gateway.identifies == identifies  # resumed, not re-identified
    assert emu.gateway.received(op=6)
    assert emu.gateway.sent("RESUMED")


async def test_edit_delete_and_history(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.general)
    msg = await ch.send("draft", embed=discord.Embed(title="Argument 1"))
    await msg.edit(content="final", embed=discord.Embed(title="Argument 1", description="Text"))
    history = emu.message_history(msg.id)
    assert [h["content"] for h in history] == ["draft", "final"]
    assert history[-1]["embeds"][0]["description"] == "Text"
    assert history[-1]["edited_timestamp"] is not None
    fetched = await ch.fetch_message(msg.id)
    assert fetched.content == "final"
    await msg.delete()
    assert msg.id not in {m.id for m in emu.messages(world.general)}
    with pytest.raises(discord.NotFound) as gone:
        await ch.fetch_message(msg.id)
    assert gone.value.code == 10008


async def test_channels_added_live_reach_the_bot(world: World, running: RunningBot) -> None:
    created = running.bot.loop.create_future()

    async def on_guild_channel_create(channel: discord.abc.GuildChannel) -> None:
        if not created.done():
            created.set_result(channel)

    running.bot.add_listener(on_guild_channel_create)
    try:
        late = world.guild.add_text_channel("late-arrival")
        channel = await asyncio.wait_for(created, 30)  # a hang guard
    finally:
        running.bot.remove_listener(on_guild_channel_create)
    assert channel.id == late.id and channel.name == "late-arrival"


async def test_thread_moderation_and_archiving(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.threads)
    starter = await ch.send("A heated piece")
    thread = await starter.create_thread(name="Heated")
    await thread.edit(archived=True, locked=True)
    model = emu.channel(thread.id)
    assert model.archived and model.locked

    emu.deny_bot(world.threads, "MANAGE_THREADS")
    with pytest.raises(discord.Forbidden) as locked:
        await thread.send("let me in")
    assert locked.value.code == 160005

    emu.archive(thread.id, locked=False)  # unlocked but archived: a send reopens it
    await thread.send("reopened")
    assert not emu.channel(thread.id).archived
    assert [m.content for m in emu.messages(thread.id)] == ["reopened"]
    emu.allow(world.threads, "MANAGE_THREADS", target=emu.bot_user.id)


async def test_active_thread_cap(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.threads)
    active = sum(1 for t in world.guild.threads.values() if not t.archived)
    emu.state.max_active_threads = active
    try:
        with pytest.raises(discord.HTTPException) as capped:
            await ch.create_thread(name="one too many", type=discord.ChannelType.public_thread)
        assert capped.value.code == 160006
    finally:
        emu.state.max_active_threads = 1000


async def test_abrupt_drop_and_reconnect_request(world: World, running: RunningBot) -> None:
    emu = world.emu
    resumes = emu.gateway.resumes
    await emu.drop_gateway(abrupt=True)  # no close frame: a dead TCP connection
    first = await emu.run_slash_command(world.alice, world.general, "ping", {"text": "tcp"})
    await first.wait_response(timeout=15)
    assert emu.gateway.resumes == resumes + 1

    assert emu.request_reconnect() == 1  # op 7
    await emu.wait_for(lambda: emu.gateway.resumes == resumes + 2, timeout=15)
    second = await emu.run_slash_command(world.alice, world.general, "ping", {"text": "op7"})
    await second.wait_response(timeout=15)
    assert second.message is not None and second.message.content == "pong op7"


async def test_invalid_session_forces_identify(world: World, running: RunningBot) -> None:
    emu = world.emu
    identifies = emu.gateway.identifies
    assert emu.invalidate_sessions() == 1
    # discord.py waits 5 s before a non-initial IDENTIFY (its identify concurrency guard).
    await emu.wait_for(lambda: emu.gateway.identifies == identifies + 1, timeout=20)
    await emu.wait_for(lambda: bool(emu.gateway.live_sessions))
    record = await emu.run_slash_command(world.alice, world.general, "ping", {"text": "fresh"})
    await record.wait_response(timeout=15)
    assert record.message is not None and record.message.content == "pong fresh"


async def test_network_latency_delays_every_round_trip(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.general)
    emu.set_latency(0.2)
    try:
        loop = asyncio.get_running_loop()
        sent = time.time()
        started = loop.time()
        await ch.send("from far away")
        took = loop.time() - started
    finally:
        emu.set_latency(0)
    [record] = [r for r in emu.requests_to("/channels/{channel_id}/messages", "POST")
                if r.at >= sent]
    # Lower bounds only (a slow machine cannot break them; the margin covers clock
    # granularity): half the latency before the emulator saw it, half on the way back.
    assert record.at - sent >= 0.09
    assert took >= 0.19
    with pytest.raises(ValueError):
        emu.set_latency(-1)


async def test_a_held_route_waits_until_released(world: World, running: RunningBot) -> None:
    emu = world.emu
    ch = text_channel(running, world.general)
    route = "/channels/{channel_id}/messages"
    seen = len(emu.requests_to(route, "POST"))
    emu.hold(route)
    sending = asyncio.create_task(ch.send("held back"))
    await emu.wait_for(lambda: len(emu.requests_to(route, "POST")) > seen, 10)
    assert not sending.done()
    assert "held back" not in [m.content for m in emu.messages(world.general)]
    emu.release(route)
    message = await sending
    assert message.content == "held back"
    assert emu.messages(world.general)[-1].content == "held back"
