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
occurrence.

Posting once: ``Store.claim_summary`` lets one process per guild and week post, whatever the
number of processes or restarts, and the message id is recorded as soon as Discord returns it.
A post that raises :class:`NotPosted` (Discord certainly created nothing: a refusal, or no
request made) releases the claim for a retry at the next tick; any other failure (a timeout, a
5xx: the message may exist) keeps it, to be resumed as below. A process that dies (crash,
kill) between claiming and recording leaves a claim without a message: once it is older than
``LEASE`` it counts as interrupted, the week is due again (marked ``resuming``, still within
``GRACE``) and one process takes it over with ``Store.reclaim_summary``. Discord may have
received the dead process's message, so a resumed post first looks through the bot's own
recent messages in the channel for that week's summary (:func:`find_posted`) and records it if
there, else posts. Every post carries the week's deterministic nonce (:func:`summary_nonce`):
Discord answers a repeat within its few minutes with the earlier message. A resumed post that
raises keeps its claim: it is resumed again, with a look first, once the lease has passed (a
released week would be claimed afresh and posted without looking).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Container, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.embeds import NONCE_LIMIT
from bot.store import GuildSettings, Store, SummaryPost
from bot.summaries.embeds import CHART_FILENAME, summary_title
from bot.summaries.weeks import IsoWeek, WeekError, local_to_utc, zone

log = logging.getLogger(__name__)

GRACE = timedelta(days=6)
#: A post more than this after its slot is a catch-up after downtime (worth a log line).
ON_TIME = timedelta(minutes=15)
#: A claim still without a message after this long was interrupted (its process died) and is
#: taken over. A post takes seconds, a slow upload or a rate-limit wait a minute or two; much
#: longer and a live but stalled holder could be taken over, which only the nonce then covers.
LEASE = timedelta(minutes=10)
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


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
    # Claimed before by a process that never recorded a message: it may have posted.
    resuming: bool = False

    @property
    def nonce(self) -> str:
        return summary_nonce(self.guild_id, self.iso_week)


def summary_nonce(guild_id: int, iso_week: str) -> str:
    """The nonce of a week's scheduled post: the same in every process and attempt, so Discord
    returns the first message for a repeat within its window."""
    # Base 36 fits a snowflake (< 2**64) in 13 characters: the nonce stays within Discord's
    # 25 and is never cut, so guilds never share one.
    digits = ""
    rest = guild_id
    while True:
        rest, digit = divmod(rest, 36)
        digits = _BASE36[digit] + digits
        if not rest:
            break
    nonce = f"cp-s{iso_week.replace('-', '')}-{digits}"
    assert len(nonce) <= NONCE_LIMIT, nonce
    return nonce


class NotPosted(Exception):
    """Raised by a ``post`` when Discord certainly created no message (it refused, or no
    request was made): the week may be claimed afresh at once, without looking first."""


@dataclass(frozen=True, slots=True)
class SeenMessage:
    """One of the bot's own plain messages in a summary channel, as a lookup reads it back."""

    id: int
    titles: tuple[str, ...]  # of its embeds, in order
    filenames: tuple[str, ...] = ()  # of its attachments
    nonce: str | None = None  # fetched messages usually come without it


def find_posted(due: DueSummary, messages: Iterable[SeenMessage]) -> int | None:
    """The id of the scheduled post of ``due``'s week among ``messages``, or ``None``.

    Its nonce when the message comes with one; otherwise its first embed's title, which names
    the week, on a message carrying the chart (a piece card titled alike has no attachments).
    Callers pass the bot's plain messages only: a public ``/summary`` is an interaction
    response and does not count as the week's post.
    """
    title = summary_title(due.iso_week)
    for message in messages:
        if message.nonce is not None and message.nonce == due.nonce:
            return message.id
        if message.titles[:1] == (title,) and CHART_FILENAME in message.filenames:
            return message.id
    return None


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


async def pending_summaries(store: Store, now: datetime, *,
                            lease: timedelta = LEASE,
                            owns: Callable[[int], bool] | None = None) -> list[DueSummary]:
    """Every guild's summary due at ``now`` and not claimed yet, or claimed by a process that
    never recorded a message within ``lease`` (``resuming``). Claim before posting. ``owns``:
    only the guilds it accepts (those on this process's shards)."""
    pending = []
    for settings in await store.list_guild_settings():
        if owns is not None and not owns(settings.guild_id):
            continue
        due = due_summary(settings, now)
        if due is None:
            continue
        claim = await store.get_summary_post(due.guild_id, due.iso_week)
        if claim is None:
            pending.append(due)
        elif claim.message_id is None and claim.claimed_at < now - lease:
            pending.append(replace(due, resuming=True))
    return pending


@dataclass(frozen=True, slots=True)
class PostResult:
    """What happened to one due summary in :func:`post_due_summaries`."""

    due: DueSummary
    post: SummaryPost | None  # recorded post, when this process posted (or found) it
    error: Exception | None = None
    found: bool = False  # resuming, the week's message was already in the channel


async def post_due_summaries(
    store: Store,
    now: datetime,
    post: Callable[[DueSummary], Awaitable[int]],
    find: Callable[[DueSummary], Awaitable[Sequence[SeenMessage]]] | None = None,
    *,
    lease: timedelta = LEASE,
    owns: Callable[[int], bool] | None = None,
) -> list[PostResult]:
    """Claim and post every due summary; ``post`` sends one (with ``due.nonce``) and returns
    its message id, ``find`` lists the bot's recent plain messages in ``due``'s channel.

    Only summaries this process won the claim for are posted and returned. A resumed week
    (see the module docstring) is looked for with ``find`` first and recorded if found. A
    ``post`` or ``find`` that raises is reported, not raised, so one guild's broken channel
    does not hold up the others: a new claim refused with :class:`NotPosted` is released for
    the next tick; any other failure, or a resumed week, keeps the claim until the lease
    passes (then the week is looked for before it is posted again). ``owns``: only the guilds
    it accepts are claimed (a process running some shards sees only their guilds).
    """
    results = []
    for due in await pending_summaries(store, now, lease=lease, owns=owns):
        if due.resuming:
            won = await store.reclaim_summary(due.guild_id, due.iso_week,
                                              stale_before=now - lease, now=now)
        else:
            won = await store.claim_summary(due.guild_id, due.iso_week, now=now)
        if not won:
            continue  # another process got it
        if due.resuming:
            log.warning("resuming summary %s of guild %s: an earlier claim never recorded "
                        "its message", due.iso_week, due.guild_id)
        elif due.late:
            log.info("posting missed summary %s of guild %s (due %s)",
                     due.iso_week, due.guild_id, due.slot.isoformat())
        message_id: int | None = None
        try:
            if due.resuming and find is not None:
                message_id = find_posted(due, await find(due))
            found = message_id is not None
            if message_id is None:
                message_id = await post(due)
        except Exception as error:
            if isinstance(error, NotPosted) and not due.resuming:
                # Only this claim: one taken over meanwhile (we were stalled) stays.
                await store.release_summary(due.guild_id, due.iso_week, claimed_at=now)
            log.warning("summary %s of guild %s not posted: %s",
                        due.iso_week, due.guild_id, error)
            results.append(PostResult(due, None, error))
            continue
        if found:
            log.info("summary %s of guild %s was already posted (message %s): recorded",
                     due.iso_week, due.guild_id, message_id)
        recorded = await store.record_summary_message(
            due.guild_id, due.iso_week, message_id, now=now)
        results.append(PostResult(due, recorded, found=found))
    return results
