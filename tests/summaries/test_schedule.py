"""When summaries are due: DST, week boundaries in the guild's zone, restarts, two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import GuildSettings, Store
from bot.summaries.embeds import CHART_FILENAME, summary_title
from bot.summaries.schedule import (
    LEASE,
    DueSummary,
    NotPosted,
    SeenMessage,
    due_summary,
    find_posted,
    latest_slot,
    next_slot,
    pending_summaries,
    post_due_summaries,
    slot_for_week,
    summary_nonce,
)

GUILD = 42
CHANNEL = 4242


def settings(tz: str = "UTC", weekday: int = 6, hour: int = 18, **extra: object) -> GuildSettings:
    return GuildSettings(guild_id=GUILD, timezone=tz, summary_channel_id=CHANNEL,
                         summary_weekday=weekday, summary_hour=hour, **extra)  # type: ignore


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_sunday_slot_posts_the_ending_week_other_days_the_week_before() -> None:
    # Default Sunday 18:00: week 47's summary on Sunday 22 Nov at 18:00.
    assert slot_for_week("2026-W47", 6, 18, "UTC") == utc(2026, 11, 22, 18)
    # Monday 09:00: week 47's summary the next Monday.
    assert slot_for_week("2026-W47", 0, 9, "UTC") == utc(2026, 11, 23, 9)
    # Saturday 10:00: the Saturday after week 47 ends.
    assert slot_for_week("2026-W47", 5, 10, "UTC") == utc(2026, 11, 28, 10)


def test_due_at_the_slot_not_before() -> None:
    s = settings()
    # A minute before, the latest slot is week 46's, a week old: past the grace, not due.
    assert latest_slot(s, utc(2026, 11, 22, 17, 59))[0].week == 46
    assert due_summary(s, utc(2026, 11, 22, 17, 59)) is None
    due = due_summary(s, utc(2026, 11, 22, 18, 0))
    assert due == DueSummary(GUILD, CHANNEL, "2026-W47", "UTC", utc(2026, 11, 22, 18), False)
    assert due_summary(s, utc(2026, 11, 22, 18, 0), posted={"2026-W47"}) is None
    assert next_slot(s, utc(2026, 11, 22, 18, 0)) == utc(2026, 11, 29, 18)
    assert next_slot(s, utc(2026, 11, 22, 17, 59)) == utc(2026, 11, 22, 18)


def test_disabled_or_channelless_guilds_are_never_due() -> None:
    now = utc(2026, 11, 22, 18, 30)
    assert due_summary(settings(summary_enabled=False), now) is None
    assert due_summary(GuildSettings(guild_id=GUILD), now) is None  # no channel yet


def test_week_boundary_in_the_guild_zone() -> None:
    # Monday 00:30 in Auckland (UTC+13 in November) is still Sunday 11:30 UTC.
    s = settings("Pacific/Auckland", weekday=0, hour=0)
    now = utc(2026, 11, 22, 11, 30)  # Mon 23 Nov 00:30 NZDT
    due = due_summary(s, now)
    assert due is not None and due.iso_week == "2026-W47"  # the local week just ended
    assert due.slot == utc(2026, 11, 22, 11)  # Mon 00:00 NZDT
    # Sunday 23:30 in Los Angeles is Monday 07:30 UTC, but locally week 47 is not over.
    s = settings("America/Los_Angeles", weekday=0, hour=0)
    assert due_summary(s, utc(2026, 11, 23, 7, 30)) is None
    assert str(latest_slot(s, utc(2026, 11, 23, 7, 30))[0]) == "2026-W46"
    due = due_summary(s, utc(2026, 11, 23, 8, 0))  # Monday 00:00 PST
    assert due is not None and due.iso_week == "2026-W47"


def test_dst_europe_london() -> None:
    # Monday 09:00 London is 09:00 UTC in winter and 08:00 UTC in summer.
    assert slot_for_week("2026-W12", 0, 9, "Europe/London") == utc(2026, 3, 23, 9)
    assert slot_for_week("2026-W13", 0, 9, "Europe/London") == utc(2026, 3, 30, 8)
    # Sunday 01:00 does not exist on 29 March 2026 (01:00 → 02:00): posted at 02:00 BST.
    slot = slot_for_week("2026-W13", 6, 1, "Europe/London")
    assert slot == utc(2026, 3, 29, 1)
    london = settings("Europe/London", 6, 1)
    assert str(latest_slot(london, slot - timedelta(seconds=1))[0]) == "2026-W12"
    assert due_summary(london, slot - timedelta(seconds=1)) is None
    due = due_summary(london, slot)
    assert due is not None and due.iso_week == "2026-W13"
    # That week is 167 hours long, and the next slot is 167 hours later too.
    assert next_slot(london, slot) == utc(2026, 4, 5, 0)


def test_dst_new_york_spring_forward_gap() -> None:
    # 02:00 on Sunday 8 March 2026 does not exist in New York (02:00 → 03:00 EDT).
    slot = slot_for_week("2026-W10", 6, 2, "America/New_York")
    assert slot == utc(2026, 3, 8, 7)  # 03:00 EDT: the first moment after the gap
    s = settings("America/New_York", 6, 2)
    assert due_summary(s, utc(2026, 3, 8, 6, 59)) is None
    due = due_summary(s, utc(2026, 3, 8, 7))
    assert due is not None and due.iso_week == "2026-W10"
    assert next_slot(s, utc(2026, 3, 8, 7)) == utc(2026, 3, 15, 6)  # 02:00 EDT exists


async def test_dst_new_york_fall_back_hour_posts_once(store: Store) -> None:
    # 01:00 happens twice on Sunday 1 November 2026: 05:00 UTC (EDT) and 06:00 UTC (EST).
    await store.update_guild_settings(GUILD, timezone="America/New_York",
                                      summary_channel_id=CHANNEL, summary_weekday=6,
                                      summary_hour=1)
    assert slot_for_week("2026-W44", 6, 1, "America/New_York") == utc(2026, 11, 1, 5)
    posts: list[str] = []

    async def post(due: DueSummary) -> int:
        posts.append(due.iso_week)
        return 900 + len(posts)

    for now in (utc(2026, 11, 1, 4, 59), utc(2026, 11, 1, 5), utc(2026, 11, 1, 5, 30),
                utc(2026, 11, 1, 6), utc(2026, 11, 1, 6, 30)):
        await post_due_summaries(store, now, post)
    # Week 44 once, at the first 01:00, not again at the second. (At 04:59 week 43's slot
    # is 169 hours old: past the grace, so nothing stale is posted either.)
    assert posts == ["2026-W44"]
    record = await store.get_summary_post(GUILD, "2026-W44")
    assert record is not None and record.message_id == 901
    assert record.posted_at == utc(2026, 11, 1, 5)


async def test_restart_after_a_missed_slot(store: Store) -> None:
    await store.update_guild_settings(GUILD, timezone="Europe/Paris",
                                      summary_channel_id=CHANNEL, summary_weekday=0,
                                      summary_hour=9)
    posted: list[DueSummary] = []

    async def post(due: DueSummary) -> int:
        posted.append(due)
        return 1000 + len(posted)

    # The bot was down from Sunday to Wednesday: the Monday 09:00 CET slot (08:00 UTC)
    # of week 47 is posted when it starts again, flagged late.
    results = await post_due_summaries(store, utc(2026, 11, 25, 14), post)
    assert [(r.due.iso_week, r.due.late, r.post.message_id if r.post else None)
            for r in results] == [("2026-W47", True, 1001)]
    assert posted[0].slot == utc(2026, 11, 23, 8)
    # A second restart the same day posts nothing more.
    assert await post_due_summaries(store, utc(2026, 11, 25, 15), post) == []
    # Down for more than six days after a slot: that week is skipped, not posted stale.
    assert await post_due_summaries(store, utc(2026, 12, 7, 7, 59), post) == []
    assert await store.get_summary_post(GUILD, "2026-W48") is None
    results = await post_due_summaries(store, utc(2026, 12, 7, 8), post)
    assert [r.due.iso_week for r in results] == ["2026-W49"]


async def test_two_processes_give_one_post(make_store) -> None:
    first: Store = await make_store()
    second: Store = await make_store()
    await first.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    sent: list[tuple[str, str]] = []

    def poster(name: str):
        async def post(due: DueSummary) -> int:
            await asyncio.sleep(0.01)  # both are mid-flight at once
            sent.append((name, due.iso_week))
            return 77
        return post

    now = utc(2026, 11, 22, 18, 1)
    results = await asyncio.gather(
        post_due_summaries(first, now, poster("first")),
        post_due_summaries(second, now, poster("second")),
        post_due_summaries(first, now, poster("first-again")),
        post_due_summaries(second, now, poster("second-again")))
    assert len(sent) == 1 and sent[0][1] == "2026-W47"
    assert sum(len(r) for r in results) == 1
    record = await second.get_summary_post(GUILD, "2026-W47")
    assert record is not None and record.message_id == 77


async def test_a_refused_post_is_retried_on_the_next_tick(store: Store) -> None:
    await store.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    attempts = 0

    async def flaky(due: DueSummary) -> int:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise NotPosted("channel unavailable")
        return 555

    now = utc(2026, 11, 22, 18, 5)
    (result,) = await post_due_summaries(store, now, flaky)
    assert result.post is None and isinstance(result.error, NotPosted)
    assert await store.get_summary_post(GUILD, "2026-W47") is None  # released
    (result,) = await post_due_summaries(store, now + timedelta(minutes=1), flaky)
    assert result.post is not None and result.post.message_id == 555


async def test_a_post_that_may_have_reached_discord_is_looked_for_not_resent(
    store: Store,
) -> None:
    await store.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    channel: list[SeenMessage] = []
    sends = 0

    async def times_out(due: DueSummary) -> int:
        nonlocal sends
        sends += 1
        # Discord created the message; the answer never came back.
        channel.append(SeenMessage(900, (summary_title(due.iso_week),), (CHART_FILENAME,)))
        raise TimeoutError("no answer from Discord")

    async def look(due: DueSummary) -> list[SeenMessage]:
        return channel

    now = utc(2026, 11, 22, 18, 5)
    (result,) = await post_due_summaries(store, now, times_out, look)
    assert isinstance(result.error, TimeoutError)
    claim = await store.get_summary_post(GUILD, "2026-W47")
    assert claim is not None and claim.message_id is None  # kept: it may have been posted
    # Not the next tick (it would post again unlooked)...
    assert await post_due_summaries(store, now + timedelta(minutes=5), times_out, look) == []
    # ...but once the lease has passed: looked for, found, recorded.
    (result,) = await post_due_summaries(store, now + LEASE + timedelta(minutes=1),
                                         times_out, look)
    assert result.found and result.post is not None and result.post.message_id == 900
    assert sends == 1


# --- claims interrupted by a dead process ----------------------------------------------------

SLOT = utc(2026, 11, 22, 18)  # week 47's slot under the default settings (Sunday 18:00 UTC)
CLAIMED = SLOT + timedelta(minutes=1)  # when the process that then died claimed it


class Crash(BaseException):
    """The process dies mid-post: nothing after the raise runs, as with a kill."""


class FakeChannel:
    """The summary channel as ``post`` and ``find`` see it: what was sent stays sent."""

    def __init__(self) -> None:
        self.messages: list[SeenMessage] = []
        self.sends: list[DueSummary] = []
        self.looks = 0

    def add(self, iso_week: str, *, filenames: tuple[str, ...] = ("summary.md", CHART_FILENAME),
            nonce: str | None = None, title: str | None = None) -> int:
        message = SeenMessage(id=5000 + len(self.messages),
                              titles=(title or summary_title(iso_week), "Arguments"),
                              filenames=filenames, nonce=nonce)
        self.messages.append(message)
        return message.id

    async def post(self, due: DueSummary) -> int:
        self.sends.append(due)
        return self.add(due.iso_week)

    async def find(self, due: DueSummary) -> list[SeenMessage]:
        self.looks += 1
        return list(reversed(self.messages))  # newest first, as history reads


async def test_a_crashed_claim_is_posted_once_the_lease_has_passed(store: Store) -> None:
    await store.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    # The dead process claimed the week and never got as far as Discord.
    assert await store.claim_summary(GUILD, "2026-W47", now=CLAIMED)
    channel = FakeChannel()
    for now in (CLAIMED + timedelta(minutes=5), CLAIMED + LEASE):
        assert await pending_summaries(store, now) == []
        assert await post_due_summaries(store, now, channel.post, channel.find) == []
    assert channel.sends == [] and channel.looks == 0

    now = CLAIMED + LEASE + timedelta(seconds=1)
    (result,) = await post_due_summaries(store, now, channel.post, channel.find)
    assert result.due.resuming and result.error is None and not result.found
    assert channel.looks == 1 and [d.iso_week for d in channel.sends] == ["2026-W47"]
    assert channel.sends[0].nonce == summary_nonce(GUILD, "2026-W47")
    assert result.post is not None and result.post.message_id == channel.messages[0].id
    assert result.post.claimed_at == now  # the takeover's claim, not the dead one's
    # Posted and recorded: later ticks leave it alone.
    assert await post_due_summaries(store, now + LEASE * 3, channel.post, channel.find) == []
    assert len(channel.sends) == 1


async def test_a_post_that_reached_discord_before_the_crash_is_recorded_not_repeated(
    store: Store,
) -> None:
    await store.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    channel = FakeChannel()

    async def post_then_die(due: DueSummary) -> int:
        await channel.post(due)
        raise Crash  # Discord has the message; the store never hears of it

    with pytest.raises(Crash):
        await post_due_summaries(store, CLAIMED, post_then_die, channel.find)
    claim = await store.get_summary_post(GUILD, "2026-W47")
    assert claim is not None and claim.message_id is None  # not released: the process died
    (sent,) = channel.messages

    # The restart, after the lease: it looks first, finds that message and records it.
    now = CLAIMED + LEASE + timedelta(minutes=4)
    (result,) = await post_due_summaries(store, now, channel.post, channel.find)
    assert result.found and result.error is None
    assert result.post is not None and result.post.message_id == sent.id
    assert len(channel.sends) == 1 and len(channel.messages) == 1


async def test_a_resumed_post_that_fails_keeps_its_claim_and_looks_again(store: Store) -> None:
    await store.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    assert await store.claim_summary(GUILD, "2026-W47", now=CLAIMED)
    channel = FakeChannel()

    async def refused(due: DueSummary) -> int:
        raise RuntimeError("503 from Discord")

    first = CLAIMED + LEASE + timedelta(minutes=1)
    (result,) = await post_due_summaries(store, first, refused, channel.find)
    assert isinstance(result.error, RuntimeError) and result.post is None
    # Kept, not released: released, the next tick would claim it afresh and post unlooked.
    claim = await store.get_summary_post(GUILD, "2026-W47")
    assert claim is not None and claim.claimed_at == first and claim.message_id is None
    assert await post_due_summaries(store, first + timedelta(minutes=5), channel.post,
                                    channel.find) == []
    (result,) = await post_due_summaries(store, first + LEASE + timedelta(minutes=1),
                                         channel.post, channel.find)
    assert result.due.resuming and result.post is not None
    assert channel.looks == 2 and len(channel.sends) == 1


async def test_a_failed_lookup_keeps_the_claim_too(store: Store) -> None:
    await store.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    assert await store.claim_summary(GUILD, "2026-W47", now=CLAIMED)
    channel = FakeChannel()

    async def unreadable(due: DueSummary) -> list[SeenMessage]:
        raise RuntimeError("cannot read the channel")

    now = CLAIMED + LEASE + timedelta(minutes=1)
    (result,) = await post_due_summaries(store, now, channel.post, unreadable)
    assert isinstance(result.error, RuntimeError) and channel.sends == []
    claim = await store.get_summary_post(GUILD, "2026-W47")
    assert claim is not None and claim.claimed_at == now


async def test_a_stale_claim_past_the_grace_is_left(store: Store) -> None:
    await store.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    assert await store.claim_summary(GUILD, "2026-W47", now=CLAIMED)
    channel = FakeChannel()
    # Sunday 29 Nov 17:59: week 47's slot is a minute short of 7 days old, past the grace.
    assert await post_due_summaries(store, utc(2026, 11, 29, 17, 59), channel.post,
                                    channel.find) == []
    assert channel.sends == []


async def test_two_processes_resume_a_dead_claim_once(make_store) -> None:
    first: Store = await make_store()
    second: Store = await make_store()
    await first.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    assert await first.claim_summary(GUILD, "2026-W47", now=CLAIMED)
    channel = FakeChannel()
    now = CLAIMED + LEASE + timedelta(minutes=2)
    results = await asyncio.gather(*(
        post_due_summaries(s, now, channel.post, channel.find)
        for s in (first, second, first, second)))
    assert sum(len(r) for r in results) == 1
    assert len(channel.sends) == 1 and channel.looks == 1
    record = await second.get_summary_post(GUILD, "2026-W47")
    assert record is not None and record.message_id == channel.messages[0].id


async def test_a_stalled_holder_that_fails_does_not_drop_the_takeover(store: Store) -> None:
    """The first holder is alive but stuck past the lease; its failure must not release the
    claim of the process that took over (a third would then post the week again)."""
    await store.update_guild_settings(GUILD, summary_channel_id=CHANNEL)
    channel = FakeChannel()
    stuck_started, stuck_go = asyncio.Event(), asyncio.Event()
    taker_started, taker_go = asyncio.Event(), asyncio.Event()

    async def stuck(due: DueSummary) -> int:
        stuck_started.set()
        await stuck_go.wait()
        raise RuntimeError("timed out")

    async def taker(due: DueSummary) -> int:
        taker_started.set()
        await taker_go.wait()
        return await channel.post(due)

    slow = asyncio.create_task(post_due_summaries(store, CLAIMED, stuck, channel.find))
    await stuck_started.wait()
    later = CLAIMED + LEASE + timedelta(minutes=1)
    takeover = asyncio.create_task(post_due_summaries(store, later, taker, channel.find))
    await taker_started.wait()
    stuck_go.set()
    (failed,) = await slow
    assert failed.error is not None
    claim = await store.get_summary_post(GUILD, "2026-W47")
    assert claim is not None and claim.claimed_at == later  # still the taker's
    taker_go.set()
    (done,) = await takeover
    assert done.post is not None and done.post.message_id == channel.messages[0].id
    assert await post_due_summaries(store, later + timedelta(minutes=5), channel.post,
                                    channel.find) == []
    assert len(channel.sends) == 1


def test_find_posted_knows_the_weeks_post_by_title_and_chart_or_by_nonce() -> None:
    due = due_summary(settings(), SLOT)
    assert due is not None and due.iso_week == "2026-W47"
    channel = FakeChannel()
    channel.add("2026-W46")  # last week's post
    channel.add("2026-W47", filenames=())  # a piece card that happens to be titled alike
    assert find_posted(due, channel.messages) is None
    wanted = channel.add("2026-W47")
    assert find_posted(due, channel.messages) == wanted
    # A message returned with its nonce is ours whatever it looks like.
    other = FakeChannel()
    by_nonce = other.add("2026-W47", title="edited", filenames=(), nonce=due.nonce)
    other.add("2026-W47", title="edited", filenames=(), nonce=summary_nonce(GUILD + 1,
                                                                           "2026-W47"))
    assert find_posted(due, other.messages) == by_nonce
    assert find_posted(due, other.messages[1:]) is None


def test_summary_nonces_differ_per_guild_and_week_and_fit_discord() -> None:
    biggest = 2**64 - 1
    nonces = {summary_nonce(g, w) for g in (GUILD, GUILD + 1, biggest)
              for w in ("2026-W47", "2026-W48", "2027-W47")}
    assert len(nonces) == 9 and all(len(n) <= 25 for n in nonces)
    assert summary_nonce(GUILD, "2026-W47") == summary_nonce(GUILD, "2026-W47")


def test_latest_slot_is_never_in_the_future() -> None:
    for tz in ("UTC", "Europe/London", "America/New_York", "Pacific/Chatham"):
        for weekday in range(7):
            for hour in (0, 1, 2, 23):
                s = settings(tz, weekday, hour)
                now = utc(2026, 3, 1)
                for _ in range(24 * 4):  # every 2 hours over 8 days around DST in March
                    now += timedelta(hours=2)
                    _, slot = latest_slot(s, now)
                    assert slot <= now < next_slot(s, now)
                    assert next_slot(s, now) - slot <= timedelta(days=7, hours=1)


async def test_a_process_claims_only_the_summaries_of_its_own_guilds(store: Store) -> None:
    other = GUILD + 1
    for guild in (GUILD, other):
        await store.update_guild_settings(guild, summary_channel_id=CHANNEL,
                                          summary_weekday=0, summary_hour=9)
    posted: list[int] = []

    async def post(due: DueSummary) -> int:
        posted.append(due.guild_id)
        return 2000 + len(posted)

    now = utc(2026, 11, 23, 10)
    mine = await post_due_summaries(store, now, post, owns=lambda guild: guild == GUILD)
    assert [r.due.guild_id for r in mine] == [GUILD] and posted == [GUILD]
    # The other guild's week is not claimed here: its own process posts it.
    week = mine[0].due.iso_week
    assert await store.get_summary_post(other, week) is None
    theirs = await post_due_summaries(store, now, post, owns=lambda guild: guild == other)
    assert [r.due.guild_id for r in theirs] == [other] and posted == [GUILD, other]
