"""A feed's entries as pieces, read as ``preview`` reads them, and queued for a channel.

Shared by the poller and the /feed operations (test, send-latest, backfill), so that what a
moderator tests is what the poller posts.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime

from bot.articles.model import Article, Piece
from bot.debate.review import Draft, effective_mode, piece_to_json, review_cause
from bot.feeds.entries import piece_url, short_error
from bot.feeds.fetch import Fetcher, FetchError, FetchResult
from bot.feeds.filters import FilterFields
from bot.feeds.parse import FeedEntry, ParsedFeed, parse_feed
from bot.feeds.scan import FeedKeys, scan_keys
from bot.pipeline import read_entry, split
from bot.queueing import threadable
from bot.store import Store
from bot.store.records import PieceRecord, ReviewRecord, Subscription

log = logging.getLogger(__name__)


async def parse_fetched(result: FetchResult, *, thread_above: int) -> ParsedFeed:
    """Parse a fetched feed; a body larger than ``thread_above`` bytes in a worker thread,
    off the event loop."""
    if len(result.body) > thread_above:
        return await asyncio.to_thread(parse_feed, result.body, url=result.url,
                                       content_type=result.content_type)
    return parse_feed(result.body, url=result.url, content_type=result.content_type)


async def scan_fetched(result: FetchResult, *, thread_above: int) -> FeedKeys | None:
    """A fetched feed's keys and title when a quick scan can vouch for them (``scan``), off
    the event loop as :func:`parse_fetched` for a large body."""
    if len(result.body) > thread_above:
        return await asyncio.to_thread(scan_keys, result.body, url=result.url,
                                       content_type=result.content_type)
    return scan_keys(result.body, url=result.url, content_type=result.content_type)


async def _article(entry: FeedEntry, feed: ParsedFeed, fetcher: Fetcher) -> Article:
    """The entry's article, read as ``preview`` reads it (``read_entry``: its page when the
    feed carries only a teaser, the feed's text when that page cannot be read); an entry that
    has neither is still posted, by its title and link."""
    try:
        return await read_entry(entry, feed, fetcher)
    except (FetchError, ValueError) as error:
        log.info("reading %s failed (%s); posting it by its title and link",
                 entry.link, short_error(error))
        return Article(blocks=(), title=entry.title, author=entry.author, url=entry.link,
                       outlet=feed.title, published=entry.published)


async def entry_piece(entry: FeedEntry, feed: ParsedFeed, feed_url: str, fetcher: Fetcher
                      ) -> tuple[Piece, FilterFields]:
    """The entry as a piece, and the fields a subscription's filters look at."""
    article = await _article(entry, feed, fetcher)
    url = piece_url(entry, feed_url)
    piece = await split(replace(article, url=article.url or url))
    text = "\n".join(article.paragraphs)
    fields = FilterFields(title=article.title or entry.title,
                          author=article.author or entry.author,
                          text=text or entry.summary_html)
    return piece, fields


async def queue_entry(store: Store, subscription: Subscription, piece: Piece, entry: FeedEntry,
                      feed_url: str, now: datetime) -> PieceRecord | ReviewRecord | None:
    """Queue an entry's piece for a subscription's channel, or hold it for review when the
    feed's review mode says so (a :class:`ReviewRecord`: not to be published; the review cog
    shows it to the moderators). ``None``: already there, queued or waiting."""
    url = piece_url(entry, feed_url)
    settings = await store.get_guild_settings(subscription.guild_id)
    cause = review_cause(effective_mode(subscription.review_mode, settings.review_mode), piece)
    if cause is not None:
        return await store.create_review(
            subscription.guild_id, subscription.channel_id, url, piece_to_json(piece),
            Draft.from_piece(piece).to_json(), cause, subscription_id=subscription.id, now=now)
    return await store.create_piece(
        subscription.guild_id, subscription.channel_id, threadable(piece),
        url=url, subscription_id=subscription.id, now=now)
