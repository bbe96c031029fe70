"""/summary and the scheduled weekly post, end to end: the real bot on the emulator.

Data is written straight through the store API (what the publisher and the debate service
would record), then read back through Discord: embeds within Discord's limits, the four files,
and a scheduled post that happens exactly once across steps, restarts and two processes.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
import pytest_asyncio

from bot.articles.model import Argument, Piece
from bot.client import CounterpointBot
from bot.emulator import Channel, Guild, InteractionRecord, Member, Message
from bot.store import AGREE, DISAGREE, GuildSettings, Store, VoteTarget
from bot.summaries import LEASE, IsoWeek, due_summary, slot_for_week, summary_nonce
from cogs.summaries import PostResult, Summaries
from tests.e2e.harness import World, ephemeral, settings_for, start_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")

FILES = ["summary.md", "summary.csv", "summary.json", "chart.png"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BIG_WEEK = "2026-W40"  # Mon 28 Sep – Sun 4 Oct 2026 (the guild's zone is UTC)
BIG_MONDAY = datetime(2026, 9, 28, tzinfo=UTC)


# --- helpers ----------------------------------------------------------------------------------


def piece(url: str, title: str, titles: list[str]) -> Piece:
    return Piece(thesis=f"The thesis of {title}.",
                 arguments=tuple(Argument(number=n, title=t, marker=None, text=f"{t}, argued.")
                                 for n, t in enumerate(titles, start=1)),
                 announced_count=len(titles), conclusion="In short.", title=title,
                 author="A. Writer", url=url, outlet="The Example")


async def publish(store: Store, guild_id: int, channel_id: int, item: Piece, base: int,
                  when: datetime | None = None) -> list[int]:
    """Queue and publish a piece as the publisher records it; returns its argument ids."""
    record = await store.create_piece(guild_id, channel_id, item, now=when)
    assert record is not None
    await store.begin_publishing(record.id, now=when)
    await store.record_piece_message(record.id, base)
    ids = []
    for argument in await store.list_arguments(record.id):
        thread = base + 10 * argument.number
        await store.record_argument_anchor(argument.id, thread)
        await store.record_argument_thread(argument.id, thread)
        await store.record_argument_opening(argument.id, thread + 1, now=when)
        ids.append(argument.id)
    await store.finish_publishing(record.id, now=when)
    return ids


async def summary(world: World, member: Member, options: dict[str, Any] | None = None,
                  channel: Channel | None = None) -> InteractionRecord:
    """/summary, returned once the member sees the answer (or a refusal)."""
    record = await world.emu.run_slash_command(member, channel or world.general, "summary",
                                               options or {})
    await record.wait_response(timeout=10)
    await record.wait_for(lambda r: r.callback_type == 4 or bool(
        r.original is not None and (r.original.embeds or r.original.content)), 30)
    return record


def answer(record: InteractionRecord) -> Message:
    assert record.original is not None
    return record.original


def refusal(record: InteractionRecord) -> str:
    assert record.callback_type == 4 and ephemeral(record)
    return str((record.callback_data or {}).get("content"))


def units(text: str | None) -> int:
    return 0 if not text else len(text.encode("utf-16-le")) // 2


def assert_within_embed_limits(embeds: list[dict[str, Any]]) -> int:
    """Every per-field limit and the 6000 total; returns the total."""
    assert 1 <= len(embeds) <= 10
    total = 0
    for embed in embeds:
        assert units(embed.get("title")) <= 256
        assert units(embed.get("description")) <= 4096
        footer = (embed.get("footer") or {}).get("text")
        assert units(footer) <= 2048
        fields = embed.get("fields") or []
        assert len(fields) <= 25
        for field in fields:
            assert 0 < units(field["name"]) <= 256 and 0 < units(field["value"]) <= 1024
        total += (units(embed.get("title")) + units(embed.get("description")) + units(footer)
                  + sum(units(f["name"]) + units(f["value"]) for f in fields))
    assert total <= 6000
    return total


def files_of(message: Message) -> dict[str, bytes]:
    assert [a.filename for a in message.attachments] == FILES
    return {a.filename: a.data for a in message.attachments}


def check_files(message: Message, iso_week: str) -> dict[str, Any]:
    """The four attachments are what they claim to be; returns the parsed JSON."""
    data = files_of(message)
    document = json.loads(data["summary.json"].decode("utf-8"))
    assert document["iso_week"] == iso_week
    header = next(csv.reader(io.StringIO(data["summary.csv"].decode("utf-8"))))
    assert header[0] == "iso_week" and "argument_id" in header
    assert data["summary.md"].decode("utf-8").startswith("#")
    assert data["chart.png"].startswith(PNG_SIGNATURE)
    return document


def summaries_in(world: World, channel: Channel, iso_week: str) -> list[Message]:
    return [m for m in world.emu.messages(channel)
            if m.embeds and m.embeds[0].get("title", "").endswith(iso_week)]


def cog(bot: CounterpointBot) -> Summaries:
    # Each bot loads the extension afresh, so the class is not this module's import of it.
    found = bot.get_cog("Summaries")
    assert found is not None and type(found).__name__ == "Summaries"
    return cast(Summaries, found)


def slot_two_hours_ago(now: datetime) -> tuple[int, int]:
    """A weekday and hour (UTC) whose latest slot passed two hours ago: a summary is due."""
    then = now - timedelta(hours=2)
    return then.weekday(), then.hour


async def permissions_seen(bot: CounterpointBot, channel: Channel,
                           change: Callable[[], object]) -> None:
    """Apply ``change`` to ``channel``'s overwrites and wait until the bot's cache has it."""
    updated = asyncio.ensure_future(bot.wait_for(
        "guild_channel_update", check=lambda _before, after: after.id == channel.id))
    change()
    await asyncio.wait_for(updated, 10)


# --- fixtures ---------------------------------------------------------------------------------


@dataclass
class Extra:
    """Guilds of their own for the scheduling tests (a schedule is per guild)."""

    perms: tuple[Guild, Channel]
    missed: tuple[Guild, Channel]
    pair: tuple[Guild, Channel]
    dead: tuple[Guild, Channel]
    posted: tuple[Guild, Channel]
    nonce: tuple[Guild, Channel]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def extra(world: World) -> Extra:
    made = []
    for name in ("Perms Club", "Missed Club", "Pair Club", "Dead Club", "Posted Club",
                 "Nonce Club"):
        guild = world.emu.add_guild(name)
        made.append((guild, guild.add_text_channel("summaries")))
    # A fresh process has every guild in its cache once ready.
    await world.stop()
    await world.start()
    return Extra(*made)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def this_week(world: World, store: Store) -> str:
    """A little activity in the current week: one piece, votes and a counter."""
    ids = await publish(store, world.guild.id, world.general.id,
                        piece("https://example.org/now", "Cities should tax land",
                              ["Land is fixed", "It funds transit", "Speculation falls"]),
                        base=900_000)
    await store.cast_vote(VoteTarget.argument(ids[0]), 11, AGREE)
    await store.cast_vote(VoteTarget.argument(ids[0]), 12, DISAGREE)
    await store.cast_vote(VoteTarget.argument(ids[1]), 11, AGREE)
    await store.add_contribution(ids[0], 13, "Land is fixed, but its use is not: the tax "
                                             "changes what gets built.")
    settings = await store.get_guild_settings(world.guild.id)
    return str(IsoWeek.of(datetime.now(UTC), settings.timezone))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def big_week(world: World, store: Store) -> int:
    """50 pieces in BIG_WEEK, long titles (with emoji, 2 UTF-16 units each), 4 arguments
    each with votes, counters, rebuttals and awards. Returns the piece count."""
    count = 50
    for p in range(count):
        when = BIG_MONDAY + timedelta(hours=2 * p + 1)
        titles = [f"Argument {n} of piece {p}: " + "a rather long claim 🙂 that goes on " * 3
                  for n in range(1, 5)]
        ids = await publish(store, world.guild.id, world.general.id,
                            piece(f"https://example.org/big/{p}?" + "x" * 150,
                                  f"Piece {p}: " + "an unusually long headline 🗞️ " * 8,
                                  titles), base=1_000_000 + 1000 * p, when=when)
        for i, argument_id in enumerate(ids):
            target = VoteTarget.argument(argument_id)
            for member in range(100 + i, 103 + i):
                await store.cast_vote(target, member, AGREE if (member + p) % 3 else DISAGREE,
                                      now=when)
            counter = await store.add_contribution(
                argument_id, 200 + p, f"Counter to {p}.{i}: " + "this misses the point " * 20,
                now=when + timedelta(minutes=5))
            await store.cast_vote(VoteTarget.contribution(counter.id), 300 + i, AGREE,
                                  now=when + timedelta(minutes=6))
            if i == 0:
                rebuttal = await store.add_contribution(
                    argument_id, 400 + p, "A rebuttal: " + "no, it does not " * 20,
                    kind="rebuttal", parent_id=counter.id, now=when + timedelta(minutes=7))
                await store.award_changed_mind(500 + p, rebuttal.id,
                                               "Convinced me 🙂 " * 15,
                                               now=when + timedelta(minutes=8))
    return count


# --- /summary ---------------------------------------------------------------------------------


async def test_summary_answers_with_embeds_and_the_four_files(world: World,
                                                              this_week: str) -> None:
    record = await summary(world, world.alice)
    message = answer(record)
    assert ephemeral(record)
    assert message.embeds[0]["title"] == f"Weekly summary · {this_week}"
    assert "Cities should tax land" in json.dumps(message.embeds)
    assert_within_embed_limits(message.embeds)
    assert message.embeds[-1]["image"]["url"] == "attachment://chart.png"
    document = check_files(message, this_week)
    assert document["figures"]["pieces"] == 1 and document["figures"]["votes"] == 3
    assert document["figures"]["counters"] == 1
    assert record.original_edits[-1]["allowed_mentions"] == {"parse": []}
    # Ephemeral: nothing landed in the channel for others.
    assert message not in world.emu.messages(world.general)


async def test_public_summary_is_posted_for_everyone(world: World, this_week: str) -> None:
    record = await summary(world, world.bob, {"week": this_week, "public": True})
    message = answer(record)
    assert not ephemeral(record)
    assert message.id in [m.id for m in world.emu.messages(world.general)]
    check_files(message, this_week)


@pytest.mark.parametrize(("week", "expected"), [
    ("next tuesday", "A week looks like 2026-W47"),
    ("2026-W54", "2026 has no ISO week 54."),
    ("2999-W01", "2999-W01 has not started yet"),
])
async def test_a_bad_week_gets_a_one_line_refusal(world: World, week: str,
                                                  expected: str) -> None:
    record = await world.emu.run_slash_command(world.carol, world.general, "summary",
                                               {"week": week, "public": True})
    await record.wait_response()
    text = refusal(record)
    assert text.startswith(expected) and "\n" not in text


async def test_an_empty_week_gets_a_short_friendly_summary(world: World) -> None:
    record = await summary(world, world.admin, {"week": "2020-W10"})
    message = answer(record)
    [embed] = message.embeds
    assert embed["title"] == "Weekly summary · 2020-W10"
    assert "A quiet week" in embed["description"] and len(embed["description"]) < 400
    document = check_files(message, "2020-W10")
    assert document["empty"] is True


async def test_week_autocomplete_offers_recent_weeks(world: World) -> None:
    current = str(IsoWeek.of(datetime.now(UTC), "UTC"))
    record = await world.emu.run_autocomplete(world.alice, world.general, "summary",
                                              {"week": ""}, "week")
    await record.wait_response()
    assert record.choices is not None
    assert record.choices[0] == {"name": f"{current} · this week so far", "value": current}
    assert len(record.choices) == 12
    narrowed = await world.emu.run_autocomplete(world.alice, world.general, "summary",
                                                {"week": "last"}, "week")
    await narrowed.wait_response()
    assert [c["name"].split(" · ")[1] for c in narrowed.choices or []] == ["last week"]


async def test_fifty_pieces_stay_within_discords_embed_limits(world: World,
                                                              big_week: int) -> None:
    record = await summary(world, world.admin, {"week": BIG_WEEK})
    message = answer(record)
    assert message.embeds[0]["title"] == f"Weekly summary · {BIG_WEEK}"
    total = assert_within_embed_limits(message.embeds)
    assert total > 3000  # the budget is used, not thrown away
    assert "more" in json.dumps(message.embeds)  # lists were shortened, with a count
    document = check_files(message, BIG_WEEK)
    assert len(document["pieces"]) == big_week and len(document["arguments"]) == 4 * big_week
    # What the embeds leave out is in the files.
    rows = list(csv.reader(io.StringIO(files_of(message)["summary.csv"].decode("utf-8"))))
    assert len(rows) == 1 + 4 * big_week


# --- the schedule -----------------------------------------------------------------------------


async def configure(world: World, channel: Channel, weekday: int, hour: int) -> str:
    guild_channel = world.emu.channel(channel)
    admin = world.admin if guild_channel.guild_id == world.guild.id else None
    member = admin or guild_channel.guild.add_member("owner", permissions=["MANAGE_GUILD"])
    record = await world.emu.run_slash_command(
        member, channel, "config summary",
        {"channel": channel, "weekday": weekday, "hour": hour, "timezone": "UTC"})
    await record.wait_response()
    return refusal(record)


async def test_a_due_summary_is_posted_once_across_steps_and_a_restart(
    world: World, store: Store, this_week: str,
) -> None:
    channel = world.guild.add_text_channel("weekly")
    now = datetime.now(UTC)
    weekday, hour = slot_two_hours_ago(now)
    reply = await configure(world, channel, weekday, hour)
    assert f"Weekly summaries go to <#{channel.id}>" in reply
    settings = await store.get_guild_settings(world.guild.id)
    due = due_summary(settings, now)
    assert due is not None
    assert f"The summary of {due.iso_week} was due" in reply or \
        await store.get_summary_post(world.guild.id, due.iso_week) is not None

    # The loop may beat this step to it; either way exactly one post, whoever made it.
    await cog(world.bot).post_due(datetime.now(UTC))
    assert await cog(world.bot).post_due(datetime.now(UTC)) == []
    [posted] = summaries_in(world, channel, due.iso_week)
    check_files(posted, due.iso_week)
    assert_within_embed_limits(posted.embeds)
    await assert_recorded(store, world.guild.id, due.iso_week, posted)

    await world.stop()
    await world.start()
    assert await cog(world.bot).post_due(datetime.now(UTC)) == []
    assert len(summaries_in(world, channel, due.iso_week)) == 1


async def test_a_pinned_slot_posts_that_weeks_summary(world: World, store: Store,
                                                      big_week: int) -> None:
    """Driving the step with a pinned ``now``: the slot right after the 50-piece week."""
    channel = world.guild.add_text_channel("pinned")
    await configure(world, channel, 0, 9)  # Mondays 09:00 UTC: the week just ended
    pinned = BIG_MONDAY + timedelta(days=7, hours=9, minutes=1)
    results = await step(world, world.guild, pinned)
    assert [(r.due.iso_week, r.error) for r in results] == [(BIG_WEEK, None)]
    [posted] = summaries_in(world, channel, BIG_WEEK)
    assert_within_embed_limits(posted.embeds)
    assert len(check_files(posted, BIG_WEEK)["pieces"]) == big_week
    assert not await step(world, world.guild, pinned + timedelta(minutes=5))


async def test_a_missing_permission_keeps_the_week_for_a_retry(world: World, store: Store,
                                                               extra: Extra) -> None:
    guild, channel = extra.perms
    await permissions_seen(world.bot, channel,
                           lambda: world.emu.deny_bot(channel, "ATTACH_FILES"))
    weekday, hour = slot_two_hours_ago(datetime.now(UTC))
    reply = await configure(world, channel, weekday, hour)
    assert "I need Attach Files" in reply
    due = due_summary(await store.get_guild_settings(guild.id), datetime.now(UTC))
    assert due is not None

    results = await cog(world.bot).post_due(datetime.now(UTC))
    mine = [r for r in results if r.due.guild_id == guild.id]
    assert mine and all(r.post is None and r.error is not None for r in mine)
    assert "Attach Files" in str(mine[0].error)
    assert world.emu.messages(channel) == []
    assert await store.get_summary_post(guild.id, due.iso_week) is None  # claim released
    # Found before any request: no 403 was spent on it.
    assert not [r for r in world.emu.requests if r.status == 403
                and str(channel.id) in r.path]

    await permissions_seen(world.bot, channel, lambda: world.emu.allow(
        channel, "ATTACH_FILES", target=world.emu.bot_user.id))
    await cog(world.bot).post_due(datetime.now(UTC))
    [posted] = summaries_in(world, channel, due.iso_week)
    check_files(posted, due.iso_week)


async def test_a_slot_missed_while_down_is_posted_on_start(world: World, store: Store,
                                                           extra: Extra) -> None:
    guild, channel = extra.missed
    await world.stop()
    weekday, hour = slot_two_hours_ago(datetime.now(UTC))
    settings = await store.update_guild_settings(
        guild.id, summary_channel_id=channel.id, summary_weekday=weekday, summary_hour=hour)
    due = due_summary(settings, datetime.now(UTC))
    assert due is not None and due.late
    await world.start()
    # No step driven by the test: the loop's first run after ready posts it.
    posted = await world.emu.wait_for_message(channel, timeout=30)
    assert posted.embeds[0]["title"] == f"Weekly summary · {due.iso_week}"
    check_files(posted, due.iso_week)
    assert await cog(world.bot).post_due(datetime.now(UTC)) == []
    assert len(world.emu.messages(channel)) == 1


async def test_two_processes_on_one_store_post_once(world: World, store: Store,
                                                    extra: Extra) -> None:
    guild, channel = extra.pair
    weekday, hour = slot_two_hours_ago(datetime.now(UTC))
    settings = await store.update_guild_settings(
        guild.id, summary_channel_id=channel.id, summary_weekday=weekday, summary_hour=hour)
    due = due_summary(settings, datetime.now(UTC))
    assert due is not None
    second = await start_bot(world.emu, settings_for(world.database_url))
    try:
        now = datetime.now(UTC)
        # Both steps at once, on top of whatever the two loops do meanwhile.
        first_results, second_results = await asyncio.gather(
            cog(world.bot).post_due(now), cog(second.bot).post_due(now))
        await world.emu.wait_for(lambda: world.emu.messages(channel), 30)
    finally:
        await second.stop()
    assert len(world.emu.messages(channel)) == 1
    posts = [r for r in [*first_results, *second_results]
             if r.due.guild_id == guild.id and r.post is not None]
    assert len(posts) <= 1  # none when a loop's first run won the claim
    record = await store.get_summary_post(guild.id, due.iso_week)
    assert record is not None and record.message_id == world.emu.messages(channel)[0].id



# --- a process that dies mid-post -------------------------------------------------------------


class Crash(BaseException):
    """The process dies: nothing after the raise runs (not even the release of the claim)."""


async def schedule_past_week(store: Store, guild: Guild, channel: Channel) -> tuple[str, datetime]:
    """Schedule ``guild``'s summaries, and return a week three back and its slot: the test
    drives that week with pinned times. The week due on the real clock is recorded as posted
    first, so the bot's own loop has nothing to post in this guild meanwhile."""
    weekday, hour = slot_two_hours_ago(datetime.now(UTC))
    current = due_summary(GuildSettings(guild_id=guild.id, summary_channel_id=channel.id,
                                        summary_weekday=weekday, summary_hour=hour),
                          datetime.now(UTC))
    assert current is not None
    assert await store.claim_summary(guild.id, current.iso_week)
    await store.record_summary_message(guild.id, current.iso_week, 1)
    await store.update_guild_settings(guild.id, summary_channel_id=channel.id,
                                      summary_weekday=weekday, summary_hour=hour)
    week = IsoWeek.parse(current.iso_week).shift(-3)
    return str(week), slot_for_week(week, weekday, hour, "UTC")


async def post_then_die(world: World, guild: Guild, channel: Channel, week: str, now: datetime,
                        monkeypatch: pytest.MonkeyPatch) -> Message:
    """A scheduler step at ``now`` that claims and posts ``guild``'s week, then dies before
    recording the message (other guilds record as usual); returns the message it left."""
    real_record = world.bot.store.record_summary_message

    async def die_before_recording(guild_id: int, iso_week: str, message_id: int, *,
                                   now: datetime | None = None) -> Any:
        if guild_id == guild.id:
            raise Crash
        return await real_record(guild_id, iso_week, message_id, now=now)

    with monkeypatch.context() as patch:
        patch.setattr(world.bot.store, "record_summary_message", die_before_recording)
        with pytest.raises(Crash):
            await cog(world.bot).post_due(now)
    [sent] = summaries_in(world, channel, week)
    return sent


async def step(world: World, guild: Guild, now: datetime) -> list[PostResult]:
    """One scheduler step at ``now``: its results for ``guild`` (other tests share the bot)."""
    return [r for r in await cog(world.bot).post_due(now) if r.due.guild_id == guild.id]


async def assert_recorded(store: Store, guild_id: int, iso_week: str, message: Message) -> None:
    """The store holds ``message`` as the week's summary post."""
    record = await store.get_summary_post(guild_id, iso_week)
    assert record is not None and record.message_id == message.id


def posts_to(world: World, channel: Channel, since: int) -> list[str]:
    """Methods of the REST calls on ``channel``'s messages after the first ``since`` calls."""
    path = f"/channels/{channel.id}/messages"
    return [r.method for r in world.emu.requests[since:] if r.path == path]


async def test_a_claim_left_by_a_dead_process_is_posted_after_the_lease(
    world: World, store: Store, extra: Extra,
) -> None:
    guild, channel = extra.dead
    week, slot = await schedule_past_week(store, guild, channel)
    claimed = slot + timedelta(minutes=1)
    # A process claimed the week and died before it reached Discord.
    assert await store.claim_summary(guild.id, week, now=claimed)

    early = await step(world, guild, claimed + timedelta(minutes=5))
    assert early == [] and summaries_in(world, channel, week) == []
    # Someone shows that week publicly in the channel: the bot's message, titled alike, but
    # an answer to /summary, not the scheduled post the resumed claim looks for.
    shown = answer(await summary(world, guild.add_member("reader"),
                                 {"week": week, "public": True}, channel))
    assert summaries_in(world, channel, week) == [shown]

    results = await step(world, guild, claimed + LEASE + timedelta(minutes=1))
    assert [(r.due.iso_week, r.due.resuming, r.found, r.error) for r in results] == [
        (week, True, False, None)]
    assert world.emu.messages(channel)[0] == shown
    [posted] = world.emu.messages(channel)[1:]
    check_files(posted, week)
    assert posted.nonce == summary_nonce(guild.id, week)
    await assert_recorded(store, guild.id, week, posted)


async def test_a_post_the_dead_process_made_is_recorded_after_a_restart(
    world: World, store: Store, extra: Extra, monkeypatch: pytest.MonkeyPatch,
) -> None:
    guild, channel = extra.posted
    week, slot = await schedule_past_week(store, guild, channel)
    claimed = slot + timedelta(minutes=1)
    # The first process claims, posts, and dies before the store hears of the message.
    sent = await post_then_die(world, guild, channel, week, claimed, monkeypatch)
    claim = await store.get_summary_post(guild.id, week)
    assert claim is not None and claim.message_id is None

    await world.stop()
    await world.start()
    since = len(world.emu.requests)
    results = await step(world, guild, claimed + LEASE + timedelta(minutes=1))
    assert [(r.due.resuming, r.found, r.error) for r in results] == [(True, True, None)]
    # Found by reading the channel back: nothing was sent again, not even a nonce repeat.
    assert posts_to(world, channel, since) == ["GET"]
    assert world.emu.messages(channel) == [sent]
    await assert_recorded(store, guild.id, week, sent)


async def test_without_message_history_the_nonce_still_prevents_a_second_post(
    world: World, store: Store, extra: Extra, monkeypatch: pytest.MonkeyPatch,
) -> None:
    guild, channel = extra.nonce
    await permissions_seen(world.bot, channel,
                           lambda: world.emu.deny_bot(channel, "READ_MESSAGE_HISTORY"))
    week, slot = await schedule_past_week(store, guild, channel)
    claimed = slot + timedelta(minutes=1)
    sent = await post_then_die(world, guild, channel, week, claimed, monkeypatch)

    # Within Discord's nonce window (the emulator's clock is real): the resumed post cannot
    # look, sends again with the same nonce, and gets the first message back.
    since = len(world.emu.requests)
    results = await step(world, guild, claimed + LEASE + timedelta(minutes=1))
    assert [(r.due.resuming, r.found, r.error) for r in results] == [(True, False, None)]
    assert posts_to(world, channel, since) == ["POST"]  # no history read without the right
    assert world.emu.messages(channel) == [sent]
    await assert_recorded(store, guild.id, week, sent)
