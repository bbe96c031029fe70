"""From a source (a URL, an HTML file, a text file, a feed entry) to a segmented ``Piece``.

This is the one path every reader of pieces takes: ``preview``, ``/feed test``, ``/piece post``
and the feed poller, so that what a moderator previews is exactly what the bot will post, with
the same fallback (a teaser whose page cannot be read is read from the feed's own text).

Parsing, extraction and segmentation are CPU work on documents of up to megabytes: they run in
a worker thread (``asyncio.to_thread``), never on the event loop, so a vote click is answered
while a long entry is being read.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from pathlib import Path

from bot.articles.extract import extract_entry, extract_html, extract_markdown, extract_text
from bot.articles.model import Article, Piece
from bot.articles.segment import segment
from bot.errors import UserFacingError
from bot.feeds.entries import newest_entry
from bot.feeds.fetch import MAX_BODY_BYTES, Fetcher, FetchError
from bot.feeds.parse import FeedEntry, NotAFeed, ParsedFeed, discover_feed_links, parse_feed
from bot.text import one_line

# Below this many words a feed entry is a teaser, not the piece: read the linked page instead.
_TEASER_WORDS = 150
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}


class SourceError(UserFacingError, ValueError):
    """A source that cannot be read at all (missing, empty, binary); the message says which."""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]+")


def _unsupported_address(source: str) -> str | None:
    """Why ``source`` is an address of another kind (file:, ftp:, gopher: …), or ``None``.
    A scheme is two letters or more, so a Windows drive (``C:``) is still a path."""
    scheme, colon, rest = source.partition(":")
    if not colon or not _SCHEME.fullmatch(scheme):
        return None
    if scheme.lower() == "file":
        return (f"file: URLs are not supported; give the file's path instead "
                f"({'/' + rest.lstrip('/')})")
    return (f"{scheme.lower()}: addresses are not supported; give an http:// or https:// URL, "
            "or the path of a local HTML or text file")


def read_file(source: Path | str) -> Article:
    """Read an HTML or plain-text file (at most ``MAX_BODY_BYTES``, as for a page fetched
    from the web) into an ``Article``. Errors quote ``source`` as given."""
    path = Path(source)
    if not path.exists():
        # Quoted as typed ("ftp://…"; a Path would say "ftp:/…").
        other = _unsupported_address(str(source))
        raise SourceError(f"{source}: {other or 'no such file'}")
    if path.is_dir():
        raise SourceError(f"{path}: is a folder, not a file")
    size = path.stat().st_size
    if size > MAX_BODY_BYTES:
        # Checked before reading: extraction needs many times a file's size in memory.
        raise SourceError(f"{path}: {size / 2**20:.1f} MB is too large for a piece (the limit "
                          f"is {MAX_BODY_BYTES // 2**20} MB, as for pages read from the web)")
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(f"{path}: the file is empty")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{path}: looks like a binary file, not text or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not UTF-8 text (save it as UTF-8 and try again)") from None
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES or (suffix not in _MARKDOWN_SUFFIXES and _looks_like_html(text)):
        return extract_html(text)
    if suffix in _MARKDOWN_SUFFIXES:
        return extract_markdown(text)
    return extract_text(text)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def _decode(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8-sig")
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


def article_from_entry(entry: FeedEntry, feed: ParsedFeed | None = None) -> Article:
    return extract_entry(
        content_html=entry.content_html,
        summary_html=entry.summary_html,
        title=entry.title,
        link=entry.link,
        author=entry.author,
        published=entry.published,
        outlet=feed.title if feed else None,
    )


async def read_entry(entry: FeedEntry, feed: ParsedFeed | None, fetcher: Fetcher) -> Article:
    """A feed entry's article: its own content, or its page when the feed carries a teaser.

    When the page cannot be fetched or read, the feed's own text is the piece, with a note
    saying so; only an entry with no text of its own fails with the page's error.
    """
    article = await asyncio.to_thread(article_from_entry, entry, feed)
    if article.word_count() >= _TEASER_WORDS or not entry.link:
        return article
    try:
        page = await fetcher.fetch(entry.link)
        full = await asyncio.to_thread(extract_html, page.body, page.url)
    except (FetchError, ValueError) as error:
        if not article.blocks:
            raise
        note = (f"The linked page could not be read ({one_line(str(error), 160)}); this is the "
                "feed's own text.")
        return replace(article, notes=(*article.notes, note))
    return _with_fallbacks(full, article)


def _with_fallbacks(article: Article, fallback: Article) -> Article:
    """Prefer what the page says, but keep the feed's metadata where the page is silent."""
    return replace(
        article,
        title=article.title or fallback.title,
        author=article.author or fallback.author,
        url=fallback.url or article.url,
        outlet=article.outlet or fallback.outlet,
        published=article.published or fallback.published,
    )


async def read_url(url: str, fetcher: Fetcher) -> Article:
    """An article page, or a feed (or a page announcing one) whose newest entry is read."""
    result = await fetcher.fetch(url)
    try:
        feed: ParsedFeed | None = await asyncio.to_thread(
            parse_feed, result.body, url=result.url, content_type=result.content_type)
    except NotAFeed:
        feed = None
    if feed is not None:
        return await _newest_entry_article(feed, url, fetcher)
    if (result.content_type or "").startswith("text/plain"):
        text = _decode(result.body, result.charset)
        return replace(await asyncio.to_thread(extract_text, text), url=result.url)
    try:
        return await asyncio.to_thread(extract_html, result.body, result.url)
    except ValueError:
        # A home page is no article, but it may announce its feed.
        links = discover_feed_links(result.body, result.url)
        if not links:
            raise
        feed_result = await fetcher.fetch(links[0])
        feed = await asyncio.to_thread(parse_feed, feed_result.body, url=feed_result.url,
                                       content_type=feed_result.content_type)
        return await _newest_entry_article(feed, url, fetcher)


async def _newest_entry_article(feed: ParsedFeed, url: str, fetcher: Fetcher) -> Article:
    if not feed.entries:
        raise SourceError(f"{url}: the feed has no entries yet")
    return await read_entry(newest_entry(feed), feed, fetcher)


async def split(article: Article, *, explain: bool = False) -> Piece:
    """``segment`` in a worker thread: the splitter is linear, but a long piece still takes
    tens of milliseconds that the event loop owes to members' clicks."""
    return await asyncio.to_thread(segment, article, explain=explain)


async def read_source(source: str, fetcher: Fetcher, *, explain: bool = False) -> Piece:
    """``preview``'s SOURCE: an http(s) URL, an HTML, Markdown or text file."""
    if is_url(source):
        article = await read_url(source, fetcher)
    else:
        article = await asyncio.to_thread(read_file, source)
    return await split(article, explain=explain)
