"""Crashes, restarts, refusals and a misbehaving Discord, end to end on the emulator.

"Kill" here is the closest one process gets to SIGKILL: the publishing task is cancelled
right after Discord acted and before the store heard of it, then the bot drops its
connections; a new bot (a new store connection, caches empty) starts on the same database and
emulator, as a restarted process would. Cancelling runs ``finally`` and gives the lease back,
which a real kill does not: ``test_process_kills`` kills bot processes for real.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.emulator import Channel, Message
from bot.publishing import DiscordPort
from bot.store import PieceRecord, open_store
from tests.e2e.harness import World, reply_text, stored_piece
from tests.feedsite import SAMPLES

pytestmark = pytest.mark.asyncio(loop_scope="module")

SIDE_EFFECTS = {"send_piece_card", "edit_piece_card", "create_thread", "create_forum_post",
                "send_opening"}
BIKES = (SAMPLES / "city_bike_lanes.txt").read_text()
EXAMS = (SAMPLES / "remote_exams.txt").read_text()


class Steps:
    """Wraps the bot's port: after side effect K (Discord has acted), run ``then``.

    With ``dies``, the process dies at K: publishing runs some steps concurrently (an opening
    beside the next thread), so from that moment no step of any task goes on: none starts,
    and one that was in flight never returns to be recorded. ``task`` is the publish itself
    (the task of the first side effect, the card or the first thread), the one to kill.
    """

    def __init__(self, inner: DiscordPort, k: int,
                 then: Callable[[], Awaitable[None]], *, dies: bool = False) -> None:
        self.inner = inner
        self.k = k
        self.then = then
        self.dies = dies
        self.count = 0
        self.reached = asyncio.Event()
        self.task: asyncio.Task[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if name not in SIDE_EFFECTS:
            return attribute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            if self.task is None:
                self.task = asyncio.current_task()
            if self.dies and self.reached.is_set():
                await hang()
            result = await attribute(*args, **kwargs)
            if self.dies and self.reached.is_set():
                await hang()
            self.count += 1
            if self.count == self.k:
                self.reached.set()
                await self.then()
            return result

        return counted


async def hang() -> None:
    await asyncio.Event().wait()


async def piece_in(world: World, channel: Channel) -> PieceRecord:
    return await stored_piece(world.database_url, world.guild.id, channel.id)


async def assert_complete(world: World, channel: Channel, threads: int) -> None:
    """Exactly one card (text channel), ``threads`` threads, each with exactly one opening."""
    piece = await piece_in(world, channel)
    assert piece.state == "published", piece
    if channel.type == 0:
        cards = world.card(channel)
        assert [c.id for c in cards] == [piece.message_id]
        assert cards[0].embeds[0]["description"].count("](https://discord.com/channels/") \
            == threads
    found = world.emu.threads(channel)
    assert len(found) == threads, [t.name for t in found]
    assert len({t.name for t in found}) == threads
    for thread in found:
        openings = world.openings(thread)
        assert len(openings) == 1, (thread.name, [m.content[:40] for m in openings])
        assert len([cid for cid in openings[0].custom_ids() if cid.startswith("cp:v:a:")]) == 2


async def kill_at(world: World, channel: Channel, url: str, k: int) -> None:
    """/piece post; kill the bot right after side effect ``k``; start a new one."""
    steps = Steps(world.bot.publisher.port, k, hang, dies=True)
    world.bot.publisher.port = steps  # type: ignore[assignment]
    await world.emu.run_slash_command(world.admin, world.general, "piece post",
                                      {"url": url, "channel": channel})
    await asyncio.wait_for(steps.reached.wait(), 30)
    assert steps.task is not None
    await world.kill(steps.task)  # type: ignore[arg-type]
    assert (await piece_in(world, channel)).state == "publishing"
    await world.start()  # resumes unfinished pieces before returning


# Side effects of the bike-lanes piece in a text channel: 1 card, then thread / opening for
# each of 3 arguments (2-7), then 8 the card edit that links the threads.
@pytest.mark.parametrize("k", [1, 2, 3, 6, 7, 8])
async def test_a_kill_during_publishing_is_completed_by_a_new_bot(world: World, k: int) -> None:
    channel = world.guild.add_text_channel(f"killed-at-{k}")
    await kill_at(world, channel, world.server.add(f"bikes-{k}.txt", BIKES), k)
    await assert_complete(world, channel, 3)


# Without Read Message History the bot cannot look for what it already sent: the nonces it
# sends with every message (enforce_nonce) are what keep the card and openings single.
@pytest.mark.parametrize("k", [1, 3])
async def test_without_history_nonces_prevent_doubles_after_a_kill(world: World, k: int) -> None:
    channel = world.guild.add_text_channel(f"no-history-{k}")
    world.emu.deny_bot(channel, "READ_MESSAGE_HISTORY")
    await kill_at(world, channel, world.server.add(f"bikes-nohistory-{k}.txt", BIKES), k)
    await assert_complete(world, channel, 3)
    # Answered sends only: a send Discord refused for a moment (a 429 when the machine is
    # busy) and discord.py then retried is one send, not two.
    repeats = [r for r in world.emu.requests_to("/channels/{channel_id}/messages", "POST")
               if r.path.endswith(f"/{channel.id}/messages") and r.status == 200]
    assert len(repeats) == (2 if k == 1 else 1)  # the card was sent twice, created once


@pytest.mark.parametrize("k", [1, 2])
async def test_a_kill_during_forum_publishing_is_completed_by_a_new_bot(
    world: World, k: int
) -> None:
    forum = world.guild.add_forum_channel(f"forum-killed-at-{k}")
    await kill_at(world, forum, world.server.add(f"exams-{k}.txt", EXAMS), k)
    piece = await piece_in(world, forum)
    store = await open_store(world.database_url)
    try:
        count = len(await store.list_arguments(piece.id))
    finally:
        await store.close()
    await assert_complete(world, forum, count)


async def test_votes_survive_a_restart(world: World) -> None:
    channel = world.guild.add_text_channel("votes-restart")
    record = await world.post(world.server.add("bikes-votes.txt", BIKES), channel)
    assert reply_text(record).startswith("Posted in")
    thread = world.emu.threads(channel)[0]
    opening: Message = world.openings(thread)[-1]
    agree = next(c for c in opening.custom_ids() if c.endswith(":+"))

    async def click(member: Any) -> str:
        rec = await world.emu.click_button(member, opening, agree)
        await rec.wait_for(lambda r: bool(reply_text(r)), 10)
        return reply_text(rec)

    assert await click(world.alice) == "You agree. Now 1 agree, 0 disagree."
    assert await click(world.bob) == "You agree. Now 2 agree, 0 disagree."
    await world.stop()
    # No double-click window on the new process: the debounce is kept in the store now, so
    # with one Alice's next click could be taken for a double click of her first.
    await world.start(vote_debounce=0.0)
    # The same old button, on a new process: Alice's vote is still there, so this withdraws.
    assert await click(world.alice) == "Your vote is withdrawn. Now 1 agree, 0 disagree."
    assert await click(world.carol) == "You agree. Now 2 agree, 0 disagree."


async def test_a_missing_permission_is_reported_and_the_piece_kept_for_a_retry(
    world: World,
) -> None:
    channel = world.guild.add_text_channel("no-embeds")
    world.emu.deny_bot(channel, "EMBED_LINKS", "CREATE_PUBLIC_THREADS")
    url = world.server.add("bikes-perm.txt", BIKES)
    notices_before = len(world.emu.messages(world.moderators))
    record = await world.post(url, channel)
    assert reply_text(record) .startswith("Not posted yet: I am missing these permissions in "
                                          "that channel: Embed Links, Create Public Threads")
    assert world.emu.messages(channel) == [] and world.emu.threads(channel) == []
    assert (await piece_in(world, channel)).state == "failed"
    [notice] = world.emu.messages(world.moderators)[notices_before:]
    assert "Embed Links, Create Public Threads" in notice.content
    assert f"<#{channel.id}>" in notice.content and "/piece post" in notice.content
    assert notice.allowed_mentions == {"parse": []}

    world.emu.allow(channel, "EMBED_LINKS", "CREATE_PUBLIC_THREADS",
                    target=world.emu.bot_user.id)
    retry = await world.post(url, channel)
    assert reply_text(retry).startswith("Posted in"), reply_text(retry)
    await assert_complete(world, channel, 3)


async def test_a_permission_removed_mid_way_is_finished_after_a_restart(world: World) -> None:
    channel = world.guild.add_text_channel("revoked")

    async def revoke() -> None:
        world.emu.deny_bot(channel, "SEND_MESSAGES_IN_THREADS")

    steps = Steps(world.bot.publisher.port, 2, revoke)  # after the first thread is created
    world.bot.publisher.port = steps  # type: ignore[assignment]
    notices_before = len(world.emu.messages(world.moderators))
    record = await world.post(world.server.add("bikes-revoked.txt", BIKES), channel)
    assert reply_text(record).startswith("Not posted yet"), reply_text(record)
    assert "Send Messages in Threads" in world.emu.messages(world.moderators)[-1].content
    assert len(world.emu.messages(world.moderators)) == notices_before + 1
    # The refused opening went out beside the next thread, so how many threads exist
    # depends on which answer came first; the first one's opening is missing.
    threads = world.emu.threads(channel)
    assert len(world.card(channel)) == 1 and threads and world.openings(threads[0]) == []

    world.emu.allow(channel, "SEND_MESSAGES_IN_THREADS", target=world.emu.bot_user.id)
    await world.stop()
    await world.start()  # the restart's resume retries failed pieces too
    await assert_complete(world, channel, 3)


async def test_a_429_storm_is_waited_out_without_early_requests(world: World) -> None:
    channel = world.guild.add_text_channel("storm")
    record = await world.emu.run_slash_command(
        world.admin, world.general, "piece post",
        {"url": world.server.add("bikes-storm.txt", BIKES), "channel": channel})
    await record.wait_response()  # the deferral is in; now every call is refused for a while
    limited = len(world.emu.rate_limited)
    # Only this storm's: the kill tests before it restart bots several times a second, and a
    # restarted client cannot know the global window its predecessor used up.
    early = len(world.emu.early_requests)
    world.emu.force_429(25, retry_after=0.05)
    await record.wait_for(lambda r: reply_text(r).startswith(("Posted in", "Not posted")), 60)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    assert len(world.emu.rate_limited) - limited == 25
    assert world.emu.early_requests[early:] == []
    await assert_complete(world, channel, 3)


async def test_5xx_bursts_are_retried_without_duplicates(world: World) -> None:
    channel = world.guild.add_text_channel("bursts")

    async def burst() -> None:
        world.emu.inject_5xx(2, 502)

    steps = Steps(world.bot.publisher.port, 1, burst)  # right after the card
    world.bot.publisher.port = steps  # type: ignore[assignment]
    record = await world.post(world.server.add("bikes-5xx.txt", BIKES), channel, within=60)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    assert [r.status for r in world.emu.requests if r.status >= 500] [-2:] == [502, 502]
    await assert_complete(world, channel, 3)


async def test_a_restart_does_not_resync_unchanged_commands(world: World) -> None:
    route = "/applications/{application_id}/commands"
    puts = len(world.emu.requests_to(route, "PUT"))
    await world.stop()
    await world.start()
    assert len(world.emu.requests_to(route, "GET")) >= 2
    assert len(world.emu.requests_to(route, "PUT")) == puts
