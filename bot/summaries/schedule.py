"""When each guild's weekly summary is due, and posting it exactly once.

The rule: a guild's summary is posted at its configured weekday and hour (local time) and
covers the latest ISO week whose Sunday has begun. So the slot of week W is

- Sunday of week W at the hour, if the weekday is Sunday: the summary of the week that is
  ending (it covers Monday 00:00 to the post; what comes later that night shows in /summary);
- otherwise that weekday of week W+1: the summary of the week just ended, complete.

A slot missed while the bot was down is posted on start, as long as it is less than
``GRACE`` (6 days) old; after that the next week's slot is close and the stale one is
skipped. A slot hour that does not exist locally (spring forward) posts at the first moment
after the gap (02:00 → 03:00); an hour that happens twice (fall back) posts at its first
occurrence. ``Store.claim_summary`` makes the post happen once per guild and week whatever the
number of processes or restarts: a claim whose posting raised is released for a retry, a claim
interrupted otherwise stays (at most once: Discord may have received the message).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.store import GuildSettings, Store, SummaryPost
from bot.summaries.weeks import IsoWeek, WeekError, local_to_utc, zone

log = logging.getLogger(__name__)

GRACE = timedelta(days=6)
#: A post more than this after its slot is a catch-up after downtime (worth a log line).
ON_TIME = timedelta(minutes=15)


def slot_for_week(week: IsoWeek | str, weekday: int, hour: int,
                  tz: str | ZoneInfo | None) -> datetime:
    """When the summary of ``week`` is due, in UTC (see the module docstring)."""
    week = week if isinstance(week, IsoWeek) else IsoWeek.parse(week)
    sunday = week.day(6)
    day = sunday + timedelta(days=(weekday - 6) % 7)
    return local_to_utc(day, hour, tz)


@dataclass(frozen=True, slots=True)
class DueSummary:
    """A summary to post now: which guild, where, which week, and when it was due."""

    guild_id: int
    channel_id: int
    iso_week: str
    timezone: str
    slot: datetime  # UTC
    late: bool  # posted well after its slot: the bot was down or busy


def _settings_zone(settings: GuildSettings) -> ZoneInfo:
    try:
        return zone(settings.timezone)
    except WeekError:
        # A bad zone must not stop the guild's summaries; UTC is the documented default.
        log.warning("guild %s has unknown time zone %r; using UTC",
                    settings.guild_id, settings.timezone)
        return zone("UTC")


def latest_slot(settings: GuildSettings, now: datetime) -> tuple[IsoWeek, datetime]:
    """The week whose slot passed most recently at ``now`` (``slot <= now``), with the slot."""
    tz = _settings_zone(settings)
    current = IsoWeek.of(now, tz)
    # The current week's slot is at the earliest its Sunday; the one two weeks back is
    # always past, so one of these three is the answer.
    for week in (current, current.previous(), current.shift(-2)):
        slot = slot_for_week(week, settings.summary_weekday, settings.summary_hour, tz)
        if slot <= now:
            return week, slot
    raise AssertionError("unreachable: a slot two weeks back is always past")


def next_slot(settings: GuildSettings, now: datetime) -> datetime:
    """The first slot strictly after ``now`` (for a scheduler that sleeps until then)."""
    tz = _settings_zone(settings)
    current = IsoWeek.of(now, tz)
    return min(s for s in (slot_for_week(w, settings.summary_weekday, settings.summary_hour, tz)
                           for w in (current.previous(), current, current.next()))
               if s > now)


def due_summary(settings: GuildSettings, now: datetime,
                posted: Container[str] = (), *, grace: timedelta = GRACE) -> DueSummary | None:
    """The summary due at ``now`` for a guild, or ``None``.

    ``posted`` holds the ISO weeks already claimed or posted for the guild. ``None`` when
    summaries are off, no channel is set, the latest slot is older than ``grace`` or its week
    is in ``posted``.
    """
    if not settings.summary_enabled or settings.summary_channel_id is None:
        return None
    now = now.astimezone(UTC)
    week, slot = latest_slot(settings, now)
    if now - slot >= grace or str(week) in posted:
        return None
    return DueSummary(guild_id=settings.guild_id, channel_id=settings.summary_channel_id,
                      iso_week=str(week), timezone=_settings_zone(settings).key, slot=slot,
                      late=now - slot > ON_TIME)


async def pending_summaries(store: Store, now: datetime) -> list[DueSummary]:
    """Every guild's summary due at ``now`` and not claimed yet (claim before posting)."""
    pending = []
    for settings in await store.list_guild_settings():
        due = due_summary(settings, now)
        if due is not None and await store.get_summary_post(due.guild_id, due.iso_week) is None:
            pending.append(due)
    return pending


@dataclass(frozen=True, slots=True)
class PostResult:
    """What happened to one due summary in :func:`post_due_summaries`."""

    due: DueSummary
    post: SummaryPost | None  # recorded post, when this process posted it
    error: Exception | None = None


async def post_due_summaries(
    store: Store,
    now: datetime,
    post: Callable[[DueSummary], Awaitable[int]],
) -> list[PostResult]:
    """Claim and post every due summary; ``post`` sends one and returns its message id.

    Only summaries this process won the claim for are posted and returned. A ``post`` that
    raises releases the claim (the next tick retries) and is reported, not raised, so one
    guild's broken channel does not hold up the others.
    """
    results = []
    for due in await pending_summaries(store, now):
        if not await store.claim_summary(due.guild_id, due.iso_week, now=now):
            continue  # another process got it
        if due.late:
            log.info("posting missed summary %s of guild %s (due %s)",
                     due.iso_week, due.guild_id, due.slot.isoformat())
        try:
            message_id = await post(due)
        except Exception as error:
            await store.release_summary(due.guild_id, due.iso_week)
            log.warning("summary %s of guild %s not posted: %s",
                        due.iso_week, due.guild_id, error)
            results.append(PostResult(due, None, error))
            continue
        recorded = await store.record_summary_message(
            due.guild_id, due.iso_week, message_id, now=now)
        results.append(PostResult(due, recorded))
    return results
