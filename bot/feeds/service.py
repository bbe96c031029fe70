"""The /feed operations: what moderators do with feeds (add, list, pause, resume, test, …).

Plain Python (no ``discord`` import): the cog turns interactions into these calls and the
results into messages. Every refusal is a :class:`FeedServiceError` whose message can be shown
to the moderator as is. The poller that follows the feeds is :mod:`bot.feeds.poller`; what
counts as a new entry, :mod:`bot.feeds.entries`.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from bot.articles.model import Piece
from bot.errors import UserFacingError
from bot.feeds.entries import (
    PRIMER_KEY,
    canonical_feed_url,
    chronological,
    every_key,
    newest_entry,
    piece_url,
    short_error,
)
from bot.feeds.fetch import Fetcher, FetchError, FetchResult
from bot.feeds.filters import FilterError, build_filter, parse_filter
from bot.feeds.parse import (
    FeedEntry,
    FeedParseError,
    NotAFeed,
    ParsedFeed,
    discover_feed_links,
)
from bot.feeds.pieces import entry_piece, parse_fetched, queue_entry
from bot.feeds.poller import CycleReport, FeedPoller, PauseNotice, PollSettings, pause_notice
from bot.liveness import ProcessIdentity
from bot.pipeline import is_url
from bot.store import UNSET, Store
from bot.store.records import Conflict, Feed, PieceRecord, Subscription
from bot.text import one_line

# The /feed cog takes the poller's reports and settings from here too.
__all__ = [
    "MAX_BACKFILL",
    "AddResult",
    "CycleReport",
    "FeedService",
    "FeedServiceError",
    "FeedState",
    "FeedStatus",
    "PauseNotice",
    "PollSettings",
]

MAX_BACKFILL = 10
_AUTOCOMPLETE_LIMIT = 25
_LABEL_LIMIT = 100

FeedState = Literal["ok", "failing", "paused"]


# ------------------------------------------------------------------------------ results


class FeedServiceError(UserFacingError):
    """A /feed operation was refused; ``user_message`` (also ``str(error)``) is the message
    for the moderator."""


class HeldForReview(FeedServiceError):
    """The piece was not posted: it waits for a moderator's review (the message says where)."""


@dataclass(frozen=True, slots=True)
class AddResult:
    subscription: Subscription
    feed_url: str
    feed_title: str | None
    #: The URL given was a page; ``feed_url`` is the feed it links to.
    discovered: bool
    #: Entries in the feed right now, recorded as seen so they are not posted.
    existing_entries: int
    #: Pending pieces created by ``backfill`` (oldest first), for the publisher.
    backfilled: tuple[PieceRecord, ...] = ()
    #: Backfilled entries held for a moderator's review instead (the review mode says so).
    held_for_review: int = 0


@dataclass(frozen=True, slots=True)
class Backfilled:
    """What a backfill queued: pieces to publish (oldest first), and how many entries were
    held for a moderator's review instead."""

    pieces: tuple[PieceRecord, ...]
    held_for_review: int = 0


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """One line of /feed list."""

    subscription_id: int
    feed_id: int
    guild_id: int
    channel_id: int
    url: str
    title: str | None
    mention_role_id: int | None
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    status: FeedState
    #: ``"moderator"`` (/feed pause) or ``"failures"`` (auto-pause), when paused.
    paused_by: Literal["moderator", "failures"] | None
    consecutive_failures: int
    last_success_at: datetime | None
    last_error: str | None
    #: ``None`` while paused.
    next_poll_at: datetime | None
    pieces_posted: int
    pieces_pending: int


@dataclass(frozen=True, slots=True)
class _Fetched:
    url: str
    result: FetchResult
    feed: ParsedFeed
    discovered: bool


# ----------------------------------------------------------------------------- helpers


def _utcnow() -> datetime:
    return datetime.now(UTC)


# ----------------------------------------------------------------------------- service


class FeedService:
    """Feeds for moderators (add, list, remove, pause, resume, test, send-latest, backfill,
    autocomplete), and this process's poller (:meth:`poll_once`)."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        settings: PollSettings | None = None,
        *,
        clock: Callable[[], datetime] = _utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings or PollSettings()
        self._clock = clock
        #: This process in the feeds' leases (the store tells pollers apart by it).
        self.owner = str(ProcessIdentity.current())
        self.poller = FeedPoller(store, fetcher, self.settings, clock, rng or random.Random())

    # --- reading feeds --------------------------------------------------------------------

    async def _fetch_feed(self, url: str) -> _Fetched:
        """Fetch and parse ``url``, following a page's ``<link rel=alternate>`` to its feed."""
        url = url.strip()
        if not is_url(url):
            raise FeedServiceError(f"`{url}` is not a web address: give an http:// or https:// "
                                   "URL of a feed or of a page that links to one.")
        result = await self._get(url)
        try:
            return _Fetched(result.url, result, await self._parse(result), False)
        except NotAFeed as not_a_feed:
            links = discover_feed_links(result.body, result.url)
            if not links:
                raise FeedServiceError(
                    f"No feed at {url}: {short_error(not_a_feed)}. Give the address of an "
                    "RSS, Atom or JSON feed, or of a page that links to one.") from None
        except FeedParseError as error:
            raise FeedServiceError(f"{url} looks like a feed but cannot be read: "
                                   f"{short_error(error)}.") from None
        problems: list[str] = []
        for link in links[: self.settings.max_discovered_links]:
            try:
                found = await self.fetcher.fetch(link)
                return _Fetched(found.url, found, await self._parse(found), True)
            except (FetchError, FeedParseError) as error:
                problems.append(f"{link}: {short_error(error)}")
        raise FeedServiceError(f"{url} links to feeds, but none could be read ("
                               f"{'; '.join(problems)}).")

    async def _parse(self, result: FetchResult) -> ParsedFeed:
        return await parse_fetched(result, thread_above=self.settings.parse_in_thread_bytes)

    async def _get(self, url: str) -> FetchResult:
        try:
            return await self.fetcher.fetch(url)
        except FetchError as error:
            raise FeedServiceError(f"Could not fetch {url}: {short_error(error)}.") from None

    # --- moderator operations -------------------------------------------------------------

    async def add(
        self,
        guild_id: int,
        channel_id: int,
        url: str,
        *,
        created_by: int,
        mention_role_id: int | None = None,
        include: str | Sequence[str] | None = None,
        exclude: str | Sequence[str] | None = None,
        backfill: int = 0,
    ) -> AddResult:
        """Follow a feed (or the feed a page links to) in a channel.

        The entries in the feed now are recorded as seen, so nothing floods the channel;
        ``backfill`` (0-10) posts that many of the newest (matching) ones anyway.
        """
        try:
            include_terms = parse_filter(include, what="include")
            exclude_terms = parse_filter(exclude, what="exclude")
        except FilterError as error:
            raise FeedServiceError(str(error)) from None
        if not 0 <= backfill <= MAX_BACKFILL:
            raise FeedServiceError(f"Backfill takes 0 to {MAX_BACKFILL} entries.")
        limit = await self._feed_limit(guild_id)
        if await self.store.count_subscriptions(guild_id) >= limit:
            raise FeedServiceError(
                f"This server already follows {limit} feeds, its limit. Remove one with "
                "`/feed remove` first.")
        fetched = await self._fetch_feed(url)
        feed_url = canonical_feed_url(fetched.url)
        now = self._clock()
        # The title now, so /feed list names the feed before its first poll.
        feed = await self.store.ensure_feed(feed_url, title=fetched.feed.title, now=now)
        entries = fetched.feed.entries
        # Before the subscription exists (so the poller cannot race it), unless the feed is
        # being polled for others: then entries not yet seen are theirs to get.
        if not await self._actively_polled(feed):
            await self.store.mark_seen(feed.id, [PRIMER_KEY, *every_key(entries)], now=now)
        try:
            subscription = await self.store.add_subscription(
                guild_id, channel_id, feed_url, created_by=created_by,
                mention_role_id=mention_role_id, include=include_terms, exclude=exclude_terms,
                now=now)
        except Conflict:
            raise FeedServiceError(f"<#{channel_id}> already follows {feed_url}.") from None
        done = Backfilled(())
        if backfill:
            done = await self._backfill(subscription, feed, fetched, backfill, now)
        return AddResult(subscription, feed_url, fetched.feed.title, fetched.discovered,
                         len(entries), done.pieces, done.held_for_review)

    async def _actively_polled(self, feed: Feed) -> bool:
        if feed.paused:
            return False
        subscribers = await self.store.list_subscriptions(feed_id=feed.id, include_paused=False)
        return bool(subscribers)

    async def _feed_limit(self, guild_id: int) -> int:
        settings = await self.store.get_guild_settings(guild_id)
        return settings.feed_limit if settings.feed_limit is not None \
            else self.settings.feed_limit

    async def _owned(self, guild_id: int, subscription_id: int) -> Subscription:
        subscription = await self.store.get_subscription(subscription_id)
        # Another guild's id reads as missing: autocomplete ids can be typed by hand.
        if subscription is None or subscription.guild_id != guild_id:
            raise FeedServiceError("No such feed in this server (see `/feed list`).")
        return subscription

    async def statuses(self, guild_id: int) -> list[FeedStatus]:
        """Every feed the guild follows, with its state, by subscription id."""
        subscriptions = await self.store.list_subscriptions(guild_id=guild_id)
        posted: dict[int, int] = {}
        pending: dict[int, int] = {}
        for piece in await self.store.list_pieces(guild_id=guild_id):
            if piece.subscription_id is None:
                continue
            bucket = posted if piece.state == "published" else pending
            bucket[piece.subscription_id] = bucket.get(piece.subscription_id, 0) + 1
        feeds: dict[int, Feed | None] = {}
        statuses = []
        for sub in subscriptions:
            if sub.feed_id not in feeds:
                feeds[sub.feed_id] = await self.store.get_feed(sub.feed_id)
            feed = feeds[sub.feed_id]
            if feed is None:
                continue
            statuses.append(self._status(sub, feed, posted.get(sub.id, 0),
                                         pending.get(sub.id, 0)))
        return statuses

    @staticmethod
    def _status(sub: Subscription, feed: Feed, posted: int, pending: int) -> FeedStatus:
        paused_by: Literal["moderator", "failures"] | None = None
        if sub.paused:
            paused_by = "moderator"
        elif feed.paused:
            paused_by = "failures"
        state: FeedState = "paused" if paused_by else (
            "failing" if feed.consecutive_failures else "ok")
        return FeedStatus(
            subscription_id=sub.id, feed_id=feed.id, guild_id=sub.guild_id,
            channel_id=sub.channel_id, url=feed.url, title=feed.title,
            mention_role_id=sub.mention_role_id, include=sub.include, exclude=sub.exclude,
            status=state, paused_by=paused_by, consecutive_failures=feed.consecutive_failures,
            last_success_at=feed.last_success_at, last_error=feed.last_error,
            next_poll_at=None if paused_by else feed.next_poll_at,
            pieces_posted=posted, pieces_pending=pending)

    async def status(self, guild_id: int, subscription_id: int) -> FeedStatus:
        for line in await self.statuses(guild_id):
            if line.subscription_id == subscription_id:
                return line
        raise FeedServiceError("No such feed in this server (see `/feed list`).")

    async def remove(self, guild_id: int, subscription_id: int) -> str:
        """Stop following; returns the feed URL. Pieces already posted stay."""
        sub = await self._owned(guild_id, subscription_id)
        feed = await self.store.get_feed(sub.feed_id)
        await self.store.remove_subscription(sub.id)
        return feed.url if feed else ""

    async def owed_pause_notices(self) -> list[PauseNotice]:
        """Auto-pause notices not delivered yet, oldest subscription first."""
        notices = []
        urls: dict[int, str] = {}
        for sub in await self.store.list_subscriptions(owed_pause_notice=True):
            if sub.feed_id not in urls:
                feed = await self.store.get_feed(sub.feed_id)
                urls[sub.feed_id] = feed.url if feed is not None else ""
            assert sub.pause_notice is not None
            notices.append(pause_notice(sub, urls[sub.feed_id], sub.pause_notice))
        return notices

    async def deliver_pause_notice(
        self, notice: PauseNotice, send: Callable[[PauseNotice], Awaitable[bool]]
    ) -> bool:
        """Send one owed notice through ``send`` (``True`` once it is delivered, or there is
        nowhere to deliver it), at most once across processes: the notice is taken before
        sending and owed again if ``send`` says ``False`` or raises. ``False`` if another
        process took it, or it is owed again."""
        taken = await self.store.take_pause_notice(notice.subscription_id)
        if taken is None:
            return False
        try:
            # The text taken is the latest (a feed paused again since the listing).
            delivered = await send(replace(notice, error=taken))
        except BaseException:
            await self.store.return_pause_notice(notice.subscription_id, taken)
            raise
        if not delivered:
            await self.store.return_pause_notice(notice.subscription_id, taken)
        return delivered

    async def edit(
        self, guild_id: int, subscription_id: int, *, channel_id: int | None = None,
        mention_role_id: int | None = UNSET, include: str | None = None,
        exclude: str | None = None,
    ) -> FeedStatus:
        """Change a subscription in place: its channel, its mention role (``None`` clears
        it) and its filters (``none`` clears them; other text is parsed as in ``add``).
        What is not given stays. Its pieces, seen entries and pause state stay too."""
        sub = await self._owned(guild_id, subscription_id)
        changes: dict[str, Any] = {}
        try:
            for name, text in (("include", include), ("exclude", exclude)):
                if text is not None:
                    cleared = text.strip().casefold() in ("none", "-")
                    changes[name] = () if cleared else parse_filter(text, what=name)
        except FilterError as error:
            raise FeedServiceError(str(error)) from None
        if channel_id is not None and channel_id != sub.channel_id:
            changes["channel_id"] = channel_id
        if mention_role_id is not UNSET:
            changes["mention_role_id"] = mention_role_id
        if not changes:
            raise FeedServiceError("Nothing to change: give a new channel, mention role or "
                                   "filters (`none` clears a filter).")
        try:
            await self.store.update_subscription(sub.id, **changes)
        except Conflict:
            raise FeedServiceError(f"<#{channel_id}> already follows that feed; remove one of "
                                   "the two first.") from None
        return await self.status(guild_id, sub.id)

    async def pause(self, guild_id: int, subscription_id: int) -> FeedStatus:
        """Stop posting this feed to this channel (others following it are not affected)."""
        sub = await self._owned(guild_id, subscription_id)
        await self.store.update_subscription(sub.id, paused=True)
        return await self.status(guild_id, sub.id)

    async def resume(self, guild_id: int, subscription_id: int) -> FeedStatus:
        """Post again. The feed is due at once with its failure count reset (so an
        auto-paused feed is unpaused and its back-off starts over, for every guild that
        follows it). Entries published while this channel was paused are not replayed."""
        sub = await self._owned(guild_id, subscription_id)
        await self.store.update_subscription(sub.id, paused=False)
        await self.store.resume_feed(sub.feed_id, next_poll_at=self._clock())
        return await self.status(guild_id, sub.id)

    async def test(self, url: str) -> Piece:
        """The newest entry of ``url``'s feed as it would be split; writes nothing."""
        fetched = await self._fetch_feed(url)
        if not fetched.feed.entries:
            raise FeedServiceError(f"{fetched.url} is a feed, but it has no entries yet.")
        piece, _ = await entry_piece(newest_entry(fetched.feed), fetched.feed,
                                     canonical_feed_url(fetched.url), self.fetcher)
        return piece

    async def send_latest(self, guild_id: int, subscription_id: int) -> PieceRecord:
        """Queue the feed's newest entry for this channel now (filters do not apply: the
        moderator chose it)."""
        sub = await self._owned(guild_id, subscription_id)
        feed = await self._feed_of(sub)
        fetched = await self._fetch_feed(feed.url)
        if not fetched.feed.entries:
            raise FeedServiceError(f"{feed.url} has no entries yet.")
        entry = newest_entry(fetched.feed)
        piece, _ = await entry_piece(entry, fetched.feed, feed.url, self.fetcher)
        now = self._clock()
        record = await queue_entry(self.store, sub, piece, entry, feed.url, now)
        await self.store.mark_seen(feed.id, every_key([entry]), now=now)
        if record is None:
            raise FeedServiceError(
                f"The newest entry of {feed.url} ({entry.title or entry.link}) was already "
                f"posted in <#{sub.channel_id}>, or is waiting for review.")
        if not isinstance(record, PieceRecord):
            raise HeldForReview(
                f"The newest entry of {feed.url} ({entry.title or entry.link}) waits for a "
                f"moderator's review ({record.cause}): it is posted in <#{sub.channel_id}> "
                "once approved in the review channel.")
        return record

    async def backfill(self, guild_id: int, subscription_id: int, count: int) -> Backfilled:
        """Queue up to ``count`` (1-10) of the newest entries that pass the filters and are
        not yet in the channel, oldest first (or hold them for review, as the feed's review
        mode says)."""
        if not 1 <= count <= MAX_BACKFILL:
            raise FeedServiceError(f"Backfill takes 1 to {MAX_BACKFILL} entries.")
        sub = await self._owned(guild_id, subscription_id)
        feed = await self._feed_of(sub)
        fetched = await self._fetch_feed(feed.url)
        return await self._backfill(sub, feed, fetched, count, self._clock())

    async def _feed_of(self, sub: Subscription) -> Feed:
        feed = await self.store.get_feed(sub.feed_id)
        if feed is None:
            raise FeedServiceError("That feed no longer exists (see `/feed list`).")
        return feed

    async def _backfill(self, sub: Subscription, feed: Feed, fetched: _Fetched, count: int,
                        now: datetime) -> Backfilled:
        try:
            entry_filter = build_filter(sub.include, sub.exclude)
        except FilterError as error:
            raise FeedServiceError(str(error)) from None
        chosen: list[tuple[FeedEntry, Piece]] = []
        # An entry already before the moderators (or turned down by them) is not new either.
        reviewed = {review.url for review in await self.store.list_reviews(guild_id=sub.guild_id)
                    if review.channel_id == sub.channel_id}
        for entry in reversed(chronological(fetched.feed.entries)):
            if len(chosen) >= count:
                break
            url = piece_url(entry, feed.url)
            if url in reviewed or await self.store.get_piece_by_url(
                    sub.guild_id, sub.channel_id, url):
                continue
            piece, fields = await entry_piece(entry, fetched.feed, feed.url, self.fetcher)
            if entry_filter.allows(fields):
                chosen.append((entry, piece))
        created: list[PieceRecord] = []
        held = 0
        for entry, piece in reversed(chosen):
            record = await queue_entry(self.store, sub, piece, entry, feed.url, now)
            if isinstance(record, PieceRecord):
                created.append(record)
            elif record is not None:  # held for a moderator's review
                held += 1
        await self.store.mark_seen(feed.id, every_key([entry for entry, _ in chosen]), now=now)
        return Backfilled(tuple(created), held)

    async def autocomplete(self, guild_id: int, current: str,
                           channel_names: Mapping[int, str] | None = None
                           ) -> list[tuple[str, int]]:
        """Up to 25 ``(label, subscription_id)`` choices whose title, URL or channel name
        contains ``current``. ``channel_names`` lets the cog show channel names."""
        needle = current.strip().casefold()
        names = channel_names or {}
        choices: list[tuple[str, int]] = []
        feeds: dict[int, Feed | None] = {}
        for sub in await self.store.list_subscriptions(guild_id=guild_id):
            if sub.feed_id not in feeds:
                feeds[sub.feed_id] = await self.store.get_feed(sub.feed_id)
            feed = feeds[sub.feed_id]
            if feed is None:
                continue
            channel = names.get(sub.channel_id, str(sub.channel_id))
            name = feed.title or feed.url
            if needle and not any(needle in text.casefold()
                                  for text in (name, feed.url, channel)):
                continue
            suffix = f" → #{channel}" + (" (paused)" if sub.paused or feed.paused else "")
            room = _LABEL_LIMIT - len(suffix)
            label = one_line(name, room) + suffix
            choices.append((label[:_LABEL_LIMIT], sub.id))
            if len(choices) >= _AUTOCOMPLETE_LIMIT:
                break
        return choices

    # --- polling --------------------------------------------------------------------------

    async def poll_once(self, owner: str | None = None, now: datetime | None = None
                        ) -> CycleReport:
        """One poll of every due feed (see :meth:`FeedPoller.poll_once`), holding the
        leases as ``owner`` (by default :attr:`owner`)."""
        return await self.poller.poll_once(owner or self.owner, now)
