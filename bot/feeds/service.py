"""The feeds service: what moderators do with /feed, and the poller that follows the feeds.

Plain Python (no ``discord`` import): the cog turns interactions into these calls and the
results into messages. Every refusal is a :class:`FeedServiceError` whose message can be shown
to the moderator as is.

Polling (:meth:`FeedService.poll_once`) claims due feeds with a lease in the store, so several
processes on one PostgreSQL never fetch the same feed in the same cycle; each feed URL is
fetched once however many subscriptions follow it; new entries become pending pieces (unique
per guild, channel and URL in the store, so even a lost lease cannot post twice) which the
caller hands to publishing.

Dedupe keys. An entry counts as seen when any of these keys was seen for its feed:

* its main key (the publisher's GUID, else its normalized link, else a content hash);
* ``link:<normalized link>`` (tracking parameters, fragment and case differences removed),
  so a changed GUID or date does not make an old article new;
* ``title-day:<title hash>:<UTC date>``: the title *and* the publication day. A title alone is
  never enough: columns reuse titles ("Letters to the editor"), so a same-titled entry with a
  new GUID, a new link and another date is a new article. Undated entries get no title key.

A link or title-day key shared by two entries of one fetch identifies neither (feeds that
point every item at their home page), so it is dropped for that fetch. Entries are never
dropped for being undated or dated in the future.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from bot.articles.model import Article, Piece
from bot.errors import UserFacingError
from bot.feeds import schedule
from bot.feeds.entries import newest_entry
from bot.feeds.fetch import Fetcher, FetchError, FetchResult, HTTPStatusError
from bot.feeds.filters import EntryFilter, FilterError, FilterFields, build_filter, parse_filter
from bot.feeds.parse import (
    FeedEntry,
    FeedParseError,
    NotAFeed,
    ParsedFeed,
    canonical_origin,
    discover_feed_links,
    normalize_link,
    parse_feed,
)
from bot.markup import web_url
from bot.pipeline import read_entry, split
from bot.queueing import threadable
from bot.redact import redact_url
from bot.store.base import Store
from bot.store.records import (
    Conflict,
    EntryKeys,
    Feed,
    LeaseLost,
    PieceRecord,
    StoreError,
    Subscription,
)

log = logging.getLogger(__name__)

#: Marked seen on every successful read of a feed. Unseen means the feed was never read (or
#: its keys were all pruned): that read only records what is there, it posts nothing.
PRIMER_KEY = "counterpoint:primed"
MAX_BACKFILL = 10
_AUTOCOMPLETE_LIMIT = 25
_LABEL_LIMIT = 100
_ERROR_LIMIT = 300

FeedState = Literal["ok", "failing", "paused"]


# ------------------------------------------------------------------------------ results


class FeedServiceError(UserFacingError):
    """A /feed operation was refused; ``user_message`` (also ``str(error)``) is the message
    for the moderator."""


@dataclass(frozen=True, slots=True)
class PollSettings:
    """Tunables of the service (the bot builds them from ``bot.config.Settings``)."""

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
    def from_config(cls, settings: object) -> PollSettings:
        """From ``bot.config.Settings`` (``poll_interval_minutes``, ``feed_limit``)."""
        minutes = getattr(settings, "poll_interval_minutes", 15)
        limit = getattr(settings, "feed_limit", 50)
        return cls(interval=timedelta(minutes=minutes), feed_limit=limit)


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
    """What one :meth:`FeedService.poll_once` did."""

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
    notices: list[PauseNotice] = field(default_factory=list)
    #: Feed URL → error, for the feeds that failed this cycle.
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Fetched:
    url: str
    result: FetchResult
    feed: ParsedFeed
    discovered: bool


# ----------------------------------------------------------------------------- helpers


def _utcnow() -> datetime:
    return datetime.now(UTC)


def canonical_feed_url(url: str) -> str:
    """Lower-case scheme and host, no fragment or default port: one feed row per feed.

    Paths and queries stay as given (servers differ on trailing slashes).
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    origin = canonical_origin(parts)
    if origin is None:
        return text
    return urlunsplit((*origin, parts.path or "/", parts.query, ""))


def _short_error(error: BaseException) -> str:
    """A one-line error for /feed list, without the feed URL the line already shows."""
    if isinstance(error, FetchError):
        text = error.problem
        if error.url and str(error).startswith(error.url) and "redirect to" in str(error):
            text = str(error)[len(error.url) + 2:]
    else:
        text = str(error) or type(error).__name__
        head, sep, rest = text.partition(": ")
        if sep and head.startswith(("http://", "https://")):
            text = rest
    text = " ".join(text.split())
    return text if len(text) <= _ERROR_LIMIT else text[: _ERROR_LIMIT - 1] + "…"


def _title_day_keys(entry: FeedEntry) -> tuple[str, ...]:
    if entry.published is None:
        return ()
    day = entry.published.astimezone(UTC).date().isoformat()
    return tuple(f"title-day:{k[len('title:'):]}:{day}"
                 for k in entry.alt_keys if k.startswith("title:"))


def entry_keys(entries: Sequence[FeedEntry]) -> list[EntryKeys]:
    """Dedupe keys of one fetch's entries (see the module docstring)."""
    raw = []
    for entry in entries:
        links = tuple(k for k in entry.alt_keys if k.startswith("link:"))
        raw.append((entry.key, links + _title_day_keys(entry)))
    owners: dict[str, set[str]] = {}
    for key, alts in raw:
        for alt in alts:
            owners.setdefault(alt, set()).add(key)
    return [EntryKeys(key, tuple(a for a in alts if len(owners[a]) == 1)) for key, alts in raw]


def _piece_url(entry: FeedEntry, feed_url: str) -> str:
    # The link is shown and linked on Discord: only a valid http(s) URL, encoded, will do
    # (a crafted one could otherwise close the masked link around it and open another).
    link = web_url(normalize_link(entry.link)) if entry.link else None
    if link is not None:
        return link
    # No usable link: a stable stand-in, so the store's one-piece-per-URL rule still holds. It
    # is shown on the piece's card, so a private feed's credentials are left out of it.
    digest = hashlib.sha256(entry.key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{redact_url(feed_url)}#entry-{digest}"


def _chronological(entries: Sequence[FeedEntry]) -> list[FeedEntry]:
    """Oldest first. Undated entries keep feed order (newest first by convention), reversed,
    and sort as newer than every dated one: they were just seen for the first time."""
    indexed = list(enumerate(entries))
    dated = sorted((e for e in indexed if e[1].published is not None),
                   key=lambda pair: (pair[1].published, -pair[0]))
    undated = [e for e in indexed if e[1].published is None]
    undated.reverse()
    return [entry for _, entry in dated + undated]


def _filter_fields(article: Article, entry: FeedEntry) -> FilterFields:
    text = "\n".join(article.paragraphs)
    return FilterFields(title=article.title or entry.title,
                        author=article.author or entry.author,
                        text=text or entry.summary_html)


def _how_to_resume(url: str) -> str:
    return (f"Polling of {url} stopped after {schedule.PAUSE_AFTER_FAILURES} failed attempts "
            f"in a row. Check it with `/feed test url:{url}`, then run `/feed resume` for this "
            "feed to poll it again right away.")


# ----------------------------------------------------------------------------- service


class FeedService:
    """Feeds for moderators (add, list, remove, pause, resume, test, send-latest, backfill,
    autocomplete) and the poller (:meth:`poll_once`)."""

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
        self._rng = rng or random.Random()
        self._last_prune: datetime | None = None
        # Feed id → digest of the last body read in full. Many servers ignore conditional
        # GET but send the same bytes: those are treated as a 304 without parsing. Per
        # process and best effort; a miss only costs a parse.
        self._digests: dict[int, bytes] = {}

    # --- reading feeds --------------------------------------------------------------------

    async def _parse(self, result: FetchResult) -> ParsedFeed:
        if len(result.body) > self.settings.parse_in_thread_bytes:
            return await asyncio.to_thread(parse_feed, result.body, url=result.url,
                                           content_type=result.content_type)
        return parse_feed(result.body, url=result.url, content_type=result.content_type)

    async def _fetch_feed(self, url: str) -> _Fetched:
        """Fetch and parse ``url``, following a page's ``<link rel=alternate>`` to its feed."""
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise FeedServiceError(f"`{url}` is not a web address: give an http:// or https:// "
                                   "URL of a feed or of a page that links to one.")
        result = await self._get(url)
        try:
            return _Fetched(result.url, result, await self._parse(result), False)
        except NotAFeed as not_a_feed:
            links = discover_feed_links(result.body, result.url)
            if not links:
                raise FeedServiceError(
                    f"No feed at {url}: {_short_error(not_a_feed)}. Give the address of an "
                    "RSS, Atom or JSON feed, or of a page that links to one.") from None
        except FeedParseError as error:
            raise FeedServiceError(f"{url} looks like a feed but cannot be read: "
                                   f"{_short_error(error)}.") from None
        problems: list[str] = []
        for link in links[: self.settings.max_discovered_links]:
            try:
                found = await self.fetcher.fetch(link)
                return _Fetched(found.url, found, await self._parse(found), True)
            except (FetchError, FeedParseError) as error:
                problems.append(f"{link}: {_short_error(error)}")
        raise FeedServiceError(f"{url} links to feeds, but none could be read ("
                               f"{'; '.join(problems)}).")

    async def _get(self, url: str) -> FetchResult:
        try:
            return await self.fetcher.fetch(url)
        except FetchError as error:
            raise FeedServiceError(f"Could not fetch {url}: {_short_error(error)}.") from None

    async def _read(self, entry: FeedEntry, feed: ParsedFeed) -> Article:
        """The entry's article, read as ``preview`` reads it (``read_entry``: its page when
        the feed carries only a teaser, the feed's text when that page cannot be read); an
        entry that has neither is still posted, by its title and link."""
        try:
            return await read_entry(entry, feed, self.fetcher)
        except (FetchError, ValueError) as error:
            log.info("reading %s failed (%s); posting it by its title and link",
                     entry.link, _short_error(error))
            return Article(blocks=(), title=entry.title, author=entry.author, url=entry.link,
                           outlet=feed.title, published=entry.published)

    async def _piece(self, entry: FeedEntry, feed: ParsedFeed, feed_url: str
                     ) -> tuple[Piece, FilterFields]:
        article = await self._read(entry, feed)
        url = _piece_url(entry, feed_url)
        piece = await split(replace(article, url=article.url or url))
        return piece, _filter_fields(article, entry)

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
            keys = entry_keys(entries)
            await self.store.mark_seen(
                feed.id, [PRIMER_KEY, *(k for e in keys for k in e.all_keys())], now=now)
        try:
            subscription = await self.store.add_subscription(
                guild_id, channel_id, feed_url, created_by=created_by,
                mention_role_id=mention_role_id, include=include_terms, exclude=exclude_terms,
                now=now)
        except Conflict:
            raise FeedServiceError(f"<#{channel_id}> already follows {feed_url}.") from None
        created: tuple[PieceRecord, ...] = ()
        if backfill:
            created = tuple(await self._backfill(subscription, feed, fetched, backfill, now))
        return AddResult(subscription, feed_url, fetched.feed.title, fetched.discovered,
                         len(entries), created)

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

    async def list(self, guild_id: int) -> list[FeedStatus]:
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
        for line in await self.list(guild_id):
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
            notices.append(_pause_notice(sub, urls[sub.feed_id], sub.pause_notice))
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
        piece, _ = await self._piece(newest_entry(fetched.feed), fetched.feed,
                                        canonical_feed_url(fetched.url))
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
        piece, _ = await self._piece(entry, fetched.feed, feed.url)
        now = self._clock()
        record = await self.store.create_piece(
            sub.guild_id, sub.channel_id, threadable(piece), url=_piece_url(entry, feed.url),
            subscription_id=sub.id, now=now)
        await self.store.mark_seen(feed.id, entry_keys([entry])[0].all_keys(), now=now)
        if record is None:
            raise FeedServiceError(
                f"The newest entry of {feed.url} ({entry.title or entry.link}) was already "
                f"posted in <#{sub.channel_id}>.")
        return record

    async def backfill(self, guild_id: int, subscription_id: int, count: int
                       ) -> list[PieceRecord]:
        """Queue up to ``count`` (1-10) of the newest entries that pass the filters and are
        not yet in the channel, oldest first."""
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
                        now: datetime) -> list[PieceRecord]:
        try:
            entry_filter = build_filter(sub.include, sub.exclude)
        except FilterError as error:
            raise FeedServiceError(str(error)) from None
        chosen: list[tuple[FeedEntry, Piece]] = []
        for entry in reversed(_chronological(fetched.feed.entries)):
            if len(chosen) >= count:
                break
            url = _piece_url(entry, feed.url)
            if await self.store.get_piece_by_url(sub.guild_id, sub.channel_id, url):
                continue
            piece, fields = await self._piece(entry, fetched.feed, feed.url)
            if entry_filter.allows(fields):
                chosen.append((entry, piece))
        created = []
        for entry, piece in reversed(chosen):
            record = await self.store.create_piece(
                sub.guild_id, sub.channel_id, threadable(piece), url=_piece_url(entry, feed.url),
                subscription_id=sub.id, now=now)
            if record is not None:
                created.append(record)
        keys = entry_keys([entry for entry, _ in chosen])
        await self.store.mark_seen(feed.id, [k for e in keys for k in e.all_keys()], now=now)
        return created

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
            label = (name if len(name) <= room else name[: room - 1] + "…") + suffix
            choices.append((label[:_LABEL_LIMIT], sub.id))
            if len(choices) >= _AUTOCOMPLETE_LIMIT:
                break
        return choices

    # --- polling --------------------------------------------------------------------------

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

            async def one(feed: Feed) -> None:
                async with gate:
                    await self._poll_feed_safely(feed, owner, stamp, report)

            await asyncio.gather(*(one(feed) for feed in fresh))
        await self._maybe_prune(stamp, report)
        return report

    async def _maybe_prune(self, now: datetime, report: CycleReport) -> None:
        if self._last_prune is not None and now - self._last_prune < timedelta(days=1):
            return
        self._last_prune = now
        try:
            report.pruned = await self.store.prune_seen(now - self.settings.seen_retention)
        except StoreError:
            log.exception("pruning seen entries failed")

    async def _poll_feed_safely(self, feed: Feed, owner: str, now: datetime,
                                report: CycleReport) -> None:
        try:
            await self._poll_feed(feed, owner, now, report)
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
                                           f"{_short_error(error)}", None, report)
            except LeaseLost:
                report.lease_lost += 1
            except Exception:
                log.exception("recording the failure of %s failed", feed.url)

    async def _poll_feed(self, feed: Feed, owner: str, now: datetime,
                         report: CycleReport) -> None:
        report.fetches += 1
        try:
            result = await self.fetcher.fetch(feed.url, feed.etag, feed.last_modified)
        except FetchError as error:
            retry = error.retry_after if isinstance(error, HTTPStatusError) else None
            await self._record_failure(feed, owner, now, _short_error(error), retry, report)
            return
        next_poll = schedule.next_poll_after_success(
            now, interval=self.settings.interval, max_age=result.max_age,
            retry_after=result.retry_after, rng=self._rng)
        digest = hashlib.sha256(result.body).digest()
        if result.not_modified or self._digests.get(feed.id) == digest:
            report.not_modified += 1
            await self.store.record_fetch_success(
                feed.id, next_poll_at=next_poll, etag=result.etag,
                last_modified=result.last_modified, owner=owner, now=now)
            return
        self._digests.pop(feed.id, None)
        try:
            parsed = await self._parse(result)
        except FeedParseError as error:
            await self._record_failure(feed, owner, now, _short_error(error), None, report)
            return
        await self._take_entries(feed, parsed, now, report)
        await self.store.record_fetch_success(
            feed.id, next_poll_at=next_poll, etag=result.etag,
            last_modified=result.last_modified, title=parsed.title, owner=owner, now=now)
        if len(self._digests) >= 100_000:
            self._digests.clear()
        self._digests[feed.id] = digest

    async def _take_entries(self, feed: Feed, parsed: ParsedFeed, now: datetime,
                            report: CycleReport) -> None:
        entries = parsed.entries
        keys = entry_keys(entries)
        unseen = set(await self.store.filter_unseen(feed.id, [EntryKeys(PRIMER_KEY), *keys]))
        every_key = [PRIMER_KEY, *(k for e in keys for k in e.all_keys())]
        if PRIMER_KEY in unseen:
            # First read of this feed: what is there is history, not news.
            await self.store.mark_seen(feed.id, every_key, now=now)
            return
        by_key: dict[str, FeedEntry] = {}
        for entry, key in zip(entries, keys, strict=True):
            if key.key in unseen and key.key not in by_key:
                by_key[key.key] = entry
        fresh = _chronological(list(by_key.values()))
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
        await self.store.mark_seen(feed.id, every_key, now=now)

    async def _queue_entry(self, entry: FeedEntry, parsed: ParsedFeed, feed: Feed,
                           subscriptions: Sequence[Subscription],
                           filters: Mapping[int, EntryFilter], now: datetime,
                           report: CycleReport) -> None:
        if not subscriptions:
            return
        piece, fields = await self._piece(entry, parsed, feed.url)
        url = _piece_url(entry, feed.url)
        for sub in subscriptions:
            entry_filter = filters.get(sub.id)
            if entry_filter is None or not entry_filter.allows(fields):
                report.filtered_out += 1
                continue
            # threadable: a piece without a list gets one argument for the whole piece, the
            # one thread the publisher opens for it (as Publisher.queue stores it).
            record = await self.store.create_piece(
                sub.guild_id, sub.channel_id, threadable(piece), url=url,
                subscription_id=sub.id, now=now)
            if record is not None:
                report.piece_ids.append(record.id)

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
            report.notices.append(_pause_notice(sub, feed.url, error))


def _pause_notice(sub: Subscription, feed_url: str, error: str) -> PauseNotice:
    return PauseNotice(guild_id=sub.guild_id, channel_id=sub.channel_id,
                       subscription_id=sub.id, feed_url=feed_url, error=error,
                       how_to_resume=_how_to_resume(feed_url))
