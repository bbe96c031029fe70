"""The poller that follows the feeds: claim the due ones, fetch, dedupe, filter, queue pieces.

Polling (:meth:`FeedPoller.poll_once`) claims due feeds with a lease in the store, so several
processes on one PostgreSQL never fetch the same feed in the same cycle; each feed URL is
fetched once however many subscriptions follow it; new entries become pending pieces (unique
per guild, channel and URL in the store, so even a lost lease cannot post twice) which the
caller hands to publishing. What counts as a new entry: :mod:`bot.feeds.entries`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.feeds import schedule
from bot.feeds.entries import PRIMER_KEY, chronological, entry_keys, every_key, short_error
from bot.feeds.fetch import Fetcher, FetchError, HTTPStatusError
from bot.feeds.filters import EntryFilter, FilterError, build_filter
from bot.feeds.parse import FeedEntry, FeedParseError, ParsedFeed
from bot.feeds.pieces import entry_piece, parse_fetched, queue_entry, scan_fetched
from bot.feeds.scan import FeedKeys
from bot.store import Store
from bot.store.records import (
    EntryKeys,
    Feed,
    LeaseLost,
    PieceRecord,
    StoreError,
    Subscription,
    UnchangedFetch,
)

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollSettings:
    """Tunables of the poller and /feed (the bot builds them from ``bot.config.Settings``)."""

    interval: timedelta = schedule.DEFAULT_INTERVAL
    feed_limit: int = 50
    concurrency: int = 50
    batch_size: int = 500
    lease_seconds: float = 900.0
    #: More new entries than this in one fetch means a publisher rewrote its feed: only the
    #: newest become pieces, the rest are marked seen (a channel is never flooded).
    max_new_per_cycle: int = 10
    seen_retention: timedelta = timedelta(days=365)
    #: Bodies larger than this are parsed in a worker thread, off the event loop.
    parse_in_thread_bytes: int = 64 * 1024
    max_discovered_links: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "interval", schedule.clamp_interval(self.interval))

    @classmethod
    def from_config(cls, settings: Settings) -> PollSettings:
        """The tunables a deployment sets (``poll_interval_minutes``, ``feed_limit``)."""
        return cls(interval=timedelta(minutes=settings.poll_interval_minutes),
                   feed_limit=settings.feed_limit)


@dataclass(frozen=True, slots=True)
class PauseNotice:
    """To post to a subscribed channel's moderators when its feed was auto-paused."""

    guild_id: int
    channel_id: int
    subscription_id: int
    feed_url: str
    error: str
    how_to_resume: str


@dataclass(slots=True)
class CycleReport:
    """What one :meth:`FeedPoller.poll_once` did."""

    owner: str
    now: datetime
    claimed: int = 0
    #: Feed fetches (one per claimed feed); article page reads are counted apart.
    fetches: int = 0
    #: Answered 304, or sent the very bytes read last time (not parsed again).
    not_modified: int = 0
    failed: int = 0
    paused: int = 0
    new_entries: int = 0
    filtered_out: int = 0
    over_cap: int = 0
    lease_lost: int = 0
    pruned: int = 0
    piece_ids: list[int] = field(default_factory=list)
    #: Piece id → its channel, for publishing each channel's pieces in order.
    piece_channels: dict[int, int] = field(default_factory=dict)
    #: New pieces held for a moderator's review instead (not to be published).
    review_ids: list[int] = field(default_factory=list)
    notices: list[PauseNotice] = field(default_factory=list)
    #: Feed URL → error, for the feeds that failed this cycle.
    errors: dict[str, str] = field(default_factory=dict)


class FeedPoller:
    """Polls the due feeds (:meth:`poll_once`); the bot runs one per process."""

    def __init__(self, store: Store, fetcher: Fetcher, settings: PollSettings,
                 clock: Callable[[], datetime], rng: random.Random) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self._clock = clock
        self._rng = rng
        self._last_prune: datetime | None = None
        # Feed id → digest of the last body read in full. Many servers ignore conditional
        # GET but send the same bytes: those are treated as a 304 without parsing. Per
        # process and best effort; a miss only costs a parse.
        self._digests: dict[int, bytes] = {}

    async def poll_once(self, owner: str, now: datetime | None = None) -> CycleReport:
        """Poll every due feed once: claim with a lease, fetch, dedupe, filter, queue pieces.

        ``owner`` names this process in the leases (unique per process). Safe to run in
        several processes at once on PostgreSQL. Never raises for one feed's trouble; the
        report says what happened.
        """
        stamp = now or self._clock()
        report = CycleReport(owner=owner, now=stamp)
        gate = asyncio.Semaphore(self.settings.concurrency)
        done: set[int] = set()
        while True:
            feeds = await self.store.claim_due_feeds(
                stamp, owner, self.settings.lease_seconds, self.settings.batch_size)
            again = [f for f in feeds if f.id in done]
            for feed in again:
                # Its outcome could not be recorded; try next cycle rather than spin.
                await self.store.release_feed_lease(feed.id, owner)
            fresh = [f for f in feeds if f.id not in done]
            if not fresh:
                break
            report.claimed += len(fresh)
            done.update(f.id for f in fresh)
            unchanged: list[UnchangedFetch] = []

            async def one(feed: Feed, unchanged: list[UnchangedFetch] = unchanged) -> None:
                async with gate:
                    await self._poll_feed_safely(feed, owner, stamp, report, unchanged)

            try:
                await asyncio.gather(*(one(feed) for feed in fresh))
            finally:
                # Also when cut short: the unchanged feeds fetched so far give their leases
                # back rather than wait for them to run out.
                await asyncio.shield(self._record_unchanged(unchanged, owner, stamp, report))
        await self._maybe_prune(stamp, report)
        return report

    async def _record_unchanged(self, unchanged: list[UnchangedFetch], owner: str,
                                now: datetime, report: CycleReport) -> None:
        if not unchanged:
            return
        try:
            lost = await self.store.record_unchanged_fetches(unchanged, owner=owner, now=now)
        except StoreError:
            # The leases run out and the feeds are polled again: a 304 costs little.
            log.exception("recording %d unchanged feeds failed", len(unchanged))
            return
        report.lease_lost += len(lost)

    async def _maybe_prune(self, now: datetime, report: CycleReport) -> None:
        if self._last_prune is not None and now - self._last_prune < timedelta(days=1):
            return
        self._last_prune = now
        try:
            report.pruned = await self.store.prune_seen(now - self.settings.seen_retention)
        except StoreError:
            log.exception("pruning seen entries failed")

    async def _poll_feed_safely(self, feed: Feed, owner: str, now: datetime,
                                report: CycleReport, unchanged: list[UnchangedFetch]) -> None:
        try:
            await self._poll_feed(feed, owner, now, report, unchanged)
        except asyncio.CancelledError:
            # Cut short (the bot is stopping): give the feed back, so the next start polls it
            # at once rather than when this lease runs out.
            try:
                await asyncio.shield(self.store.release_feed_lease(feed.id, owner))
            except Exception as error:
                log.warning("could not give back the lease on %s: %s", feed.url, error)
            raise
        except LeaseLost:
            report.lease_lost += 1
        except Exception as error:  # one feed's trouble must not stop the cycle
            log.exception("polling %s failed", feed.url)
            try:
                await self._record_failure(feed, owner, now, f"internal error: "
                                           f"{short_error(error)}", None, report)
            except LeaseLost:
                report.lease_lost += 1
            except Exception:
                log.exception("recording the failure of %s failed", feed.url)

    async def _poll_feed(self, feed: Feed, owner: str, now: datetime, report: CycleReport,
                         unchanged: list[UnchangedFetch]) -> None:
        report.fetches += 1
        try:
            result = await self.fetcher.fetch(feed.url, feed.etag, feed.last_modified)
        except FetchError as error:
            retry = error.retry_after if isinstance(error, HTTPStatusError) else None
            await self._record_failure(feed, owner, now, short_error(error), retry, report)
            return
        next_poll = schedule.next_poll_after_success(
            now, interval=self.settings.interval, max_age=result.max_age,
            retry_after=result.retry_after, rng=self._rng)
        digest = hashlib.sha256(result.body).digest()
        if result.not_modified or self._digests.get(feed.id) == digest:
            report.not_modified += 1
            # Recorded with the rest of its batch (_record_unchanged), in one statement.
            unchanged.append(UnchangedFetch(feed.id, next_poll, result.etag,
                                            result.last_modified))
            return
        self._digests.pop(feed.id, None)
        scanned = await scan_fetched(result, thread_above=self.settings.parse_in_thread_bytes)
        if scanned is not None and await self._take_known(feed, scanned, now):
            await self.store.record_fetch_success(
                feed.id, next_poll_at=next_poll, etag=result.etag,
                last_modified=result.last_modified, title=scanned.title, owner=owner, now=now)
            self._remember(feed.id, digest)
            return
        try:
            parsed = await parse_fetched(
                result, thread_above=self.settings.parse_in_thread_bytes)
        except FeedParseError as error:
            await self._record_failure(feed, owner, now, short_error(error), None, report)
            return
        await self._take_entries(feed, parsed, now, report)
        await self.store.record_fetch_success(
            feed.id, next_poll_at=next_poll, etag=result.etag,
            last_modified=result.last_modified, title=parsed.title, owner=owner, now=now)
        self._remember(feed.id, digest)

    def _remember(self, feed_id: int, digest: bytes) -> None:
        if len(self._digests) >= 100_000:
            self._digests.clear()
        self._digests[feed_id] = digest

    async def _take_known(self, feed: Feed, scanned: FeedKeys, now: datetime) -> bool:
        """Record a read whose keys were scanned (``scan``) if it holds nothing new: a first
        read, or every entry seen. ``False``: something is new, parse the feed in full."""
        unseen = set(await self.store.filter_unseen(
            feed.id, [EntryKeys(PRIMER_KEY), *scanned.keys]))
        if unseen and PRIMER_KEY not in unseen:
            return False
        await self.store.mark_seen(
            feed.id, [PRIMER_KEY, *(key for keys in scanned.keys for key in keys.all_keys())],
            now=now)
        return True

    async def _take_entries(self, feed: Feed, parsed: ParsedFeed, now: datetime,
                            report: CycleReport) -> None:
        entries = parsed.entries
        keys = entry_keys(entries)
        unseen = set(await self.store.filter_unseen(feed.id, [EntryKeys(PRIMER_KEY), *keys]))
        seen_now = [PRIMER_KEY, *every_key(entries)]
        if PRIMER_KEY in unseen:
            # First read of this feed: what is there is history, not news.
            await self.store.mark_seen(feed.id, seen_now, now=now)
            return
        by_key: dict[str, FeedEntry] = {}
        for entry, key in zip(entries, keys, strict=True):
            if key.key in unseen and key.key not in by_key:
                by_key[key.key] = entry
        fresh = chronological(list(by_key.values()))
        if len(fresh) > self.settings.max_new_per_cycle:
            report.over_cap += len(fresh) - self.settings.max_new_per_cycle
            fresh = fresh[-self.settings.max_new_per_cycle:]
        report.new_entries += len(fresh)
        if fresh:
            subscriptions = await self.store.list_subscriptions(feed_id=feed.id,
                                                                include_paused=False)
            filters = {}
            for sub in subscriptions:
                try:
                    filters[sub.id] = build_filter(sub.include, sub.exclude)
                except FilterError:
                    log.warning("subscription %s has filters that no longer compile", sub.id)
            for entry in fresh:
                await self._queue_entry(entry, parsed, feed, subscriptions, filters, now, report)
        # Pieces first, then seen: a crash in between re-offers the entries, and the store's
        # one-piece-per-URL rule keeps that from posting twice.
        await self.store.mark_seen(feed.id, seen_now, now=now)

    async def _queue_entry(self, entry: FeedEntry, parsed: ParsedFeed, feed: Feed,
                           subscriptions: Sequence[Subscription],
                           filters: Mapping[int, EntryFilter], now: datetime,
                           report: CycleReport) -> None:
        if not subscriptions:
            return
        piece, fields = await entry_piece(entry, parsed, feed.url, self.fetcher)
        for sub in subscriptions:
            entry_filter = filters.get(sub.id)
            if entry_filter is None or not entry_filter.allows(fields):
                report.filtered_out += 1
                continue
            record = await queue_entry(self.store, sub, piece, entry, feed.url, now)
            if isinstance(record, PieceRecord):
                report.piece_ids.append(record.id)
                report.piece_channels[record.id] = record.channel_id
            elif record is not None:
                report.review_ids.append(record.id)

    async def _record_failure(self, feed: Feed, owner: str, now: datetime, error: str,
                              retry_after: int | None, report: CycleReport) -> None:
        failures = feed.consecutive_failures + 1
        next_poll = schedule.next_poll_after_failure(now, failures=failures,
                                                     retry_after=retry_after, rng=self._rng)
        report.failed += 1
        report.errors[feed.url] = error
        updated = await self.store.record_fetch_failure(
            feed.id, error=error, next_poll_at=next_poll, owner=owner, now=now)
        if not schedule.should_pause(updated.consecutive_failures) or updated.paused:
            return
        # The notices are owed in the same transaction that pauses the feed: a crash or a
        # failed post before they are delivered leaves them for the next cycle.
        await self.store.set_feed_paused(feed.id, True, notice=error)
        report.paused += 1
        for sub in await self.store.list_subscriptions(feed_id=feed.id):
            report.notices.append(pause_notice(sub, feed.url, error))


def _how_to_resume(url: str) -> str:
    return (f"Polling of {url} stopped after {schedule.PAUSE_AFTER_FAILURES} failed attempts "
            f"in a row. Check it with `/feed test url:{url}`, then run `/feed resume` for this "
            "feed to poll it again right away.")


def pause_notice(sub: Subscription, feed_url: str, error: str) -> PauseNotice:
    return PauseNotice(guild_id=sub.guild_id, channel_id=sub.channel_id,
                       subscription_id=sub.id, feed_url=feed_url, error=error,
                       how_to_resume=_how_to_resume(feed_url))
