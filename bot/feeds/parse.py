"""Parsing a fetched feed into entries with stable keys, and finding feeds linked from a page.

RSS 0.9x-2.0, RSS 1.0 (RDF) and Atom go through feedparser (which also sanitizes their HTML);
JSON Feed 1.0/1.1 is read here, since feedparser 6 does not read it. Bad input raises only
:class:`FeedParseError` or its subclass :class:`NotAFeed`, whatever the bytes are.

Entry keys are what dedupe compares: ``key`` is the publisher's id when there is one, and
``alt_keys`` carry the normalized link and a title hash, so an entry whose GUID was churned,
which was re-dated, or whose link gained tracking parameters is still recognised as seen.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from bot.feeds.keys import entry_keys_of, web_link
from bot.feeds.keys import normalize_link as normalize_link  # re-exported: the package's API

# ---------------------------------------------------------------------------------- errors


class FeedParseError(ValueError):
    """The document looked like a feed but could not be read as one."""


class NotAFeed(FeedParseError):
    """The document is not a feed at all (an HTML page, other JSON, or garbage)."""


# ------------------------------------------------------------------------------ data model


class Markup:
    """An entry's embedded HTML, made safe when first read.

    feedparser can resolve relative links in, and sanitize, every entry's summary and content
    while parsing; that is most of its time, and a poll needs the markup of the few entries
    that are new, if any (a first read, and most reads, need none). So XML feeds are parsed
    with both steps off and each body is resolved and sanitized here, by feedparser's own
    functions with what the parser knew at that element (its ``xml:base``, its type, the
    document's encoding), the first time :attr:`html` is read. Picklable, so a feed parsed in
    a worker process crosses back with its bodies still raw.
    """

    __slots__ = ("_base", "_encoding", "_html", "_raw", "_type")

    def __init__(self, html_text: str | None = None, *, raw: str | None = None,
                 base: str | None = None, encoding: str | None = None,
                 kind: str = "text/html") -> None:
        self._html = html_text
        self._raw = raw
        self._base = base
        self._encoding = encoding
        self._type = kind

    @property
    def html(self) -> str:
        if self._html is None:
            self._html = _finish_markup(self._raw or "", self._base, self._encoding, self._type)
            self._raw = None
        return self._html

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Markup) and self.html == other.html

    def __hash__(self) -> int:
        return hash(self.html)

    def __repr__(self) -> str:
        return f"Markup({self.html!r})" if self._html is not None else "Markup(<raw>)"

    def __getstate__(self) -> tuple[Any, ...]:
        return self._html, self._raw, self._base, self._encoding, self._type

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self._html, self._raw, self._base, self._encoding, self._type = state


def _finish_markup(raw: str, base: str | None, encoding: str | None, kind: str) -> str:
    """What feedparser's own pass would have made of ``raw`` (``resolve_relative_uris``
    then ``_sanitize_html``, as in its ``pop``)."""
    resolve = getattr(getattr(feedparser, "urls", None), "resolve_relative_uris", None)
    text = raw
    if resolve is not None:
        try:
            text = str(resolve(text, base or "", encoding or "utf-8", kind))
        except Exception:  # keep the links as written rather than lose the body
            text = raw
    return _sanitize(text, kind)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item. ``published`` is UTC-aware; the HTML fields are sanitized markup (made
    so when first read: see :class:`Markup`)."""

    key: str
    alt_keys: tuple[str, ...]
    guid: str | None
    title: str | None
    link: str | None
    author: str | None
    published: datetime | None
    summary: Markup | None
    content: Markup | None

    @property
    def summary_html(self) -> str | None:
        return self.summary.html if self.summary is not None else None

    @property
    def content_html(self) -> str | None:
        return self.content.html if self.content is not None else None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]


# --------------------------------------------------------------------------------- helpers

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^()]+)\)\s*$")
_NAME_EMAIL = re.compile(r"^\s*(?P<name>[^<>@]+?)\s*[<(]\s*\S+@\S+\s*[>)]\s*$")


def _text(value: Any) -> str | None:
    """A non-empty single-spaced string, or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    cleaned = _SPACE.sub(" ", value).strip()
    return cleaned or None


def _html_to_text(value: str) -> str:
    return html.unescape(_TAG.sub(" ", value))


def _plain_to_html(value: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _author_name(value: Any) -> str | None:
    name = _text(value)
    if name is None:
        return None
    for pattern in (_EMAIL_NAME, _NAME_EMAIL):
        match = pattern.match(name)
        if match:
            return _text(match.group("name"))
    return name


def _markup(value: str | Markup | None) -> Markup | None:
    return Markup(value) if isinstance(value, str) else value


def _make_entry(*, guid: Any, title: str | None, link: str | None, author: str | None,
                published: datetime | None, summary_html: str | Markup | None,
                content_html: str | Markup | None) -> FeedEntry:
    guid_text = guid.strip() if isinstance(guid, str) and guid.strip() else None
    summary, content = _markup(summary_html), _markup(content_html)
    body: str | None = None
    if not (guid_text or link or title or published):
        # Only then does the key hash the body (see keys.entry_keys_of): read it now.
        body = (content.html if content else None) or (summary.html if summary else None)
    key, alt_keys = entry_keys_of(guid_text, link, title, published, body)
    return FeedEntry(key=key, alt_keys=alt_keys, guid=guid_text, title=title, link=link,
                     author=author, published=published, summary=summary, content=content)


def _where(url: str | None) -> str:
    return f"{url}: " if url else ""


# ------------------------------------------------------------------------------- sniffing

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_LEADING = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_FIRST_MARKUP = re.compile(r"\s*<\s*(!doctype\s+(?P<doctype>[\w:.-]+)|(?P<tag>[\w:.-]+))", re.I)


def _head_text(body: bytes) -> str:
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if head.startswith(_BOMS[0]):
        head = head[3:]
    return head.decode("latin-1")


def _looks_like_html(body: bytes) -> bool:
    """True when the document's first markup is an HTML doctype or an <html> root."""
    text = _head_text(body)
    position = 0
    while True:
        match = _LEADING.match(text, position)
        if not match:
            break
        position = match.end()
    match = _FIRST_MARKUP.match(text, position)
    if not match:
        return False
    name = (match.group("doctype") or match.group("tag") or "").lower()
    return name == "html" or name.endswith(":html")


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    text = _head_text(body).lstrip()
    if text.startswith("{"):
        return True
    mime = (content_type or "").split(";")[0].strip().lower()
    return (mime.endswith("/json") or mime.endswith("+json")) and not text.startswith("<")


# ------------------------------------------------------------------------------ JSON Feed


def _json_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        struct = _safe_parse_date(text)
        return _struct_to_datetime(struct)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _safe_parse_date(text: str) -> time.struct_time | None:
    parse = getattr(getattr(feedparser, "datetimes", None), "_parse_date", None)
    if parse is None:
        return None
    try:
        return parse(text)
    except Exception:  # feedparser's date handlers are lenient, not total
        return None


def _json_author(*holders: Any) -> str | None:
    for holder in holders:
        if not isinstance(holder, dict):
            continue
        authors = holder.get("authors")
        candidates = authors if isinstance(authors, list) else []
        candidates = [*candidates, holder.get("author")]
        for candidate in candidates:
            if isinstance(candidate, dict):
                name = _text(candidate.get("name"))
                if name:
                    return name
            elif isinstance(candidate, str) and _text(candidate):
                return _text(candidate)
    return None


def _sanitize(markup: str, kind: str = "text/html") -> str:
    # JSON Feed HTML gets the same sanitizer feedparser applies to XML feeds.
    sanitize = getattr(getattr(feedparser, "sanitizer", None), "_sanitize_html", None)
    if sanitize is not None:
        try:
            return str(sanitize(markup, "utf-8", kind))
        except Exception:  # fall back to the blunt filter below
            pass
    return re.sub(r"<(script|style|iframe|object|embed)\b.*?</\1\s*>", "", markup,
                  flags=re.I | re.S)


def _parse_json_feed(body: bytes, url: str | None) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise FeedParseError(f"{_where(url)}malformed JSON ({error})") from None
    version = data.get("version") if isinstance(data, dict) else None
    is_json_feed = isinstance(version, str) and "jsonfeed.org/version/" in version
    if not isinstance(data, dict) or not (is_json_feed or (
            isinstance(data.get("items"), list) and "title" in data)):
        raise NotAFeed(f"{_where(url)}not a feed: JSON, but not a JSON Feed")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedParseError(f"{_where(url)}JSON Feed without an items list")
    home = data.get("home_page_url")
    feed_link = web_link(home, url)
    base = url or (data.get("feed_url") if isinstance(data.get("feed_url"), str) else None)
    entries: list[FeedEntry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = web_link(item.get("url"), base) or web_link(item.get("external_url"), base)
        content_html: str | None = None
        if isinstance(item.get("content_html"), str) and item["content_html"].strip():
            content_html = _sanitize(item["content_html"])
        elif isinstance(item.get("content_text"), str) and item["content_text"].strip():
            content_html = _plain_to_html(item["content_text"])
        summary = _text(item.get("summary"))
        raw_id = item.get("id")
        guid = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) \
            else None
        entries.append(_make_entry(
            guid=guid,
            title=_text(item.get("title")),
            link=link,
            author=_json_author(item, data),
            published=_json_date(item.get("date_published"))
            or _json_date(item.get("date_modified")),
            summary_html=f"<p>{html.escape(summary)}</p>" if summary else None,
            content_html=content_html,
        ))
    return ParsedFeed(title=_text(data.get("title")), link=feed_link, entries=tuple(entries))


# ---------------------------------------------------------------- RSS / Atom (feedparser)

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _struct_to_datetime(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time | tuple) or len(value) < 6:
        return None
    year, month, day, hour, minute, second = value[:6]
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _detail_html(detail: Any, encoding: str | None, fallback: Any = None) -> Markup | None:
    """A summary's or content's markup (raw: see :class:`Markup`)."""
    value = detail.get("value") if isinstance(detail, dict) else fallback
    if not isinstance(value, str) or not value.strip():
        return None
    kind = detail.get("type") if isinstance(detail, dict) else "text/html"
    if kind in _HTML_TYPES:
        base = detail.get("base") if isinstance(detail, dict) else None
        return Markup(raw=value, base=base if isinstance(base, str) else None,
                      encoding=encoding, kind=kind)
    return Markup(_plain_to_html(value))


def _detail_text(detail: Any, fallback: Any, encoding: str | None) -> str | None:
    value = detail.get("value") if isinstance(detail, dict) else fallback
    if not isinstance(value, str):
        return None
    kind = detail.get("type") if isinstance(detail, dict) else "text/plain"
    if kind in _HTML_TYPES:
        # A title is short: made safe now, as feedparser would have, then read as text.
        base = detail.get("base") if isinstance(detail, dict) else None
        value = _html_to_text(_finish_markup(
            value, base if isinstance(base, str) else None, encoding, kind))
    return _text(value)


def _summary_detail(entry: Any, contents: list[Any]) -> Any:
    """The summary's detail; for an entry with content and no summary, feedparser copies the
    first content's value as the summary without one: that content's detail then (its type
    and base say how to make it safe)."""
    detail = entry.get("summary_detail")
    summary = entry.get("summary")
    if isinstance(detail, dict) or not isinstance(summary, str):
        return detail
    return next((c for c in contents if isinstance(c, dict) and c.get("value") == summary),
                None)


def _fp_entry(entry: Any, base: str | None, encoding: str | None) -> FeedEntry:
    contents = entry.get("content") or []
    html_contents = [c for c in contents if isinstance(c, dict) and c.get("type") in _HTML_TYPES]
    chosen = next(iter(html_contents or [c for c in contents if isinstance(c, dict)]), None)
    author_detail = entry.get("author_detail")
    # The raw author string first: feedparser mis-splits "email (Name)" in author_detail.
    author = _author_name(entry.get("author")) or _author_name(
        author_detail.get("name") if isinstance(author_detail, dict) else None)
    published = None
    for field_name in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get skips FeedParserDict's deprecated updated->published key aliasing.
        published = _struct_to_datetime(dict.get(entry, field_name))
        if published is not None:
            break
    return _make_entry(
        guid=entry.get("id"),
        title=_detail_text(entry.get("title_detail"), entry.get("title"), encoding),
        link=web_link(entry.get("link"), base),
        author=author,
        published=published,
        summary_html=_detail_html(_summary_detail(entry, contents), encoding,
                                  entry.get("summary")),
        content_html=_detail_html(chosen, encoding) if chosen else None,
    )


def _parse_xml_feed(body: bytes, url: str | None, content_type: str | None) -> ParsedFeed:
    headers: dict[str, str] = {}
    if url:
        # Relative links in the feed resolve against where it was fetched from.
        headers["content-location"] = url
    if content_type:
        headers["content-type"] = content_type
    try:
        # Bodies are resolved and sanitized when read (Markup), not all of them here.
        result = feedparser.parse(body, response_headers=headers, resolve_relative_uris=False,
                                  sanitize_html=False)
    except RecursionError:
        raise FeedParseError(f"{_where(url)}document nested too deeply to read") from None
    except Exception as error:  # feedparser must not leak its internals
        raise FeedParseError(f"{_where(url)}unreadable feed ({type(error).__name__}: "
                             f"{error})") from None
    entries_raw = result.get("entries") or []
    version = result.get("version") or ""
    feed = result.get("feed") or {}
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    if not version and not entries_raw:
        detail = f" ({_first_line(bozo)})" if bozo else ""
        raise NotAFeed(f"{_where(url)}not a feed: no RSS, Atom or JSON Feed found{detail}")
    encoding = result.get("encoding") if isinstance(result.get("encoding"), str) else None
    feed_title = _detail_text(feed.get("title_detail"), feed.get("title"), encoding)
    if _is_fatal(bozo) and not entries_raw and not feed_title:
        raise FeedParseError(f"{_where(url)}malformed feed ({_first_line(bozo)})")
    base = url
    entries = tuple(_fp_entry(entry, base, encoding) for entry in entries_raw)
    return ParsedFeed(title=feed_title, link=web_link(feed.get("link"), base), entries=entries)


# Bozo reasons about HTTP headers and encodings, which feedparser recovers from fully.
_BENIGN_BOZO: tuple[type[BaseException], ...] = tuple(
    kind for kind in (getattr(feedparser, name, None) for name in (
        "NonXMLContentType", "CharacterEncodingOverride", "UndeclaredNamespace"))
    if isinstance(kind, type)
)


def _is_fatal(bozo: Any) -> bool:
    return bozo is not None and not isinstance(bozo, _BENIGN_BOZO)


def _first_line(error: Any) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


# ------------------------------------------------------------------------------ public API


def parse_feed(body: bytes, *, url: str | None = None,
               content_type: str | None = None) -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed document.

    ``url`` (where it was fetched from) resolves relative links; ``content_type`` (the HTTP
    header value) helps pick the encoding and the dialect. Raises :class:`NotAFeed` for an
    HTML page or anything else that is not a feed, :class:`FeedParseError` for a feed that
    cannot be read, and nothing else.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise FeedParseError(f"{_where(url)}expected bytes, got {type(body).__name__}")
    data = bytes(body)
    if not data.strip():
        raise NotAFeed(f"{_where(url)}not a feed: the document is empty")
    try:
        if _looks_like_json(data, content_type):
            return _parse_json_feed(data, url)
        if _looks_like_html(data):
            raise NotAFeed(f"{_where(url)}not a feed: this is an HTML page (it may link to its "
                           "feed with <link rel=\"alternate\">)")
        return _parse_xml_feed(data, url, content_type)
    except FeedParseError:
        raise
    except Exception as error:  # the promise is: only FeedParseError escapes
        raise FeedParseError(f"{_where(url)}unreadable feed ({type(error).__name__}: "
                             f"{_first_line(error)})") from None


_FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml",
    "application/feed+json", "application/json",
})


class _LinkCollector(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base" and values.get("href"):
            # <base href> changes what relative hrefs after it mean.
            self.base = urljoin(self.base, values["href"].strip())
            return
        if tag != "link":
            return
        rels = values.get("rel", "").lower().split()
        mime = values.get("type", "").split(";")[0].strip().lower()
        href = values.get("href", "").strip()
        if "alternate" in rels and mime in _FEED_TYPES and href:
            self.hrefs.append(urljoin(self.base, href))

    handle_startendtag = handle_starttag


def discover_feed_links(html_doc: str | bytes, base_url: str) -> list[str]:
    """Feed URLs a page advertises with ``<link rel="alternate" type="...">``, in page order.

    Types: RSS, Atom, RDF, JSON Feed (and plain JSON). Hrefs resolve against ``base_url`` (or
    the page's ``<base href>``); duplicates and non-http(s) results are dropped.
    """
    text = html_doc.decode("utf-8", "replace") if isinstance(html_doc, bytes) else html_doc
    collector = _LinkCollector(base_url)
    try:
        collector.feed(text)
        collector.close()
    except Exception:  # keep what was found before the markup broke
        pass
    found: list[str] = []
    for href in collector.hrefs:
        try:
            scheme = urlsplit(href).scheme.lower()
        except ValueError:
            continue
        if scheme in ("http", "https") and href not in found:
            found.append(href)
    return found
