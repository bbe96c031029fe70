"""A feed's dedupe keys and title, read fast, for the reads that need nothing else.

A first read records what a feed holds as seen, and most later reads find nothing new: both
need each entry's keys and the feed's title, none of its bodies. feedparser builds every
entry whole (about 7 ms for a feed of twenty columns, most of a poll's time); ElementTree
reads the same keys in about a tenth of that. When something is new, the poller parses the
feed in full (``parse.parse_feed``) and takes the new entries from that.

The keys must be exactly those ``parse_feed`` gives, or a feed read one way and then the other
would post old entries again. So this reads only what it knows feedparser reads the same way,
with feedparser's own helpers for the steps that change text (joining URLs, dates, its
character repairs), and answers ``None`` (parse it in full) for anything else: not plain
RSS 2.0 or Atom 1.0 in UTF-8; a DOCTYPE or ``xml:base``; an element inside an entry that
feedparser gives meaning to and that is not handled here (``media:title``, ``atom:link`` in
RSS, ``rdf:about``, ...); a title that feedparser would take for HTML; two of anything that
feeds a key. ``tests/feeds/test_scan.py`` holds it to ``parse_feed`` on every document of
feedparser's own test corpus and on generated feeds.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser

from bot.feeds.entries import entry_keys
from bot.feeds.keys import web_link
from bot.feeds.parse import (
    _HTML_TYPES,
    FeedEntry,
    _detail_text,
    _looks_like_html,
    _looks_like_json,
    _make_entry,
    _safe_parse_date,
    _struct_to_datetime,
)
from bot.store.records import EntryKeys

log = logging.getLogger(__name__)

#: feedparser's own helpers, where this version has them; without one, nothing is scanned.
_URLJOIN: Callable[[str, str], str] | None = getattr(
    getattr(feedparser, "urls", None), "_urljoin", None)
_CP1252: dict[int, str] | None = getattr(getattr(feedparser, "html", None), "_cp1252", None)
#: feedparser's strict (expat) parser, whose handlers and namespaces say what it reads.
_FEEDPARSER_CLASS: type | None = getattr(
    getattr(feedparser, "api", None), "StrictFeedParser", None)

ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Elements of an entry that feed no key, by dialect. Bodies may hold markup: feedparser
#: reads every element inside one as markup, never as a field of the entry.
_RSS_BODIES = frozenset({"description", f"{_CONTENT}encoded"})
_RSS_INERT = _RSS_BODIES | {
    "author", "category", "comments", "enclosure", f"{_DC}creator", f"{_DC}subject",
    "{http://wellformedweb.org/CommentAPI/}commentRss",
    "{http://purl.org/rss/1.0/modules/slash/}comments", f"{_MEDIA}content",
    f"{_MEDIA}thumbnail",
}
_ATOM_BODIES = frozenset({f"{ATOM}summary", f"{ATOM}content"})
_ATOM_PEOPLE = frozenset({f"{ATOM}author", f"{ATOM}contributor"})
_ATOM_INERT = _ATOM_BODIES | _ATOM_PEOPLE | {
    f"{ATOM}category", f"{ATOM}rights", f"{_DC}creator", f"{_DC}subject",
}
_PERSON_PARTS = frozenset({f"{ATOM}name", f"{ATOM}uri", f"{ATOM}email"})
#: Namespaces feedparser knows (it maps their elements to its own names): an element from
#: one of them that is not handled here may mean something to it, so it ends the scan.
_KNOWN_NAMESPACES = frozenset(
    uri.lower() for uri in getattr(_FEEDPARSER_CLASS, "namespaces", {}) or {} if uri)
#: The local names feedparser has a handler for, under any prefix (``_start_dc_title`` →
#: ``title``): an unknown element by one of these names might be taken for it.
_HANDLED_NAMES = frozenset(
    part for name in dir(_FEEDPARSER_CLASS or object)
    if name.startswith(("_start_", "_end_"))
    for rest in [name.split("_", 2)[2]]
    for part in (rest, rest.partition("_")[2]) if part)

_XML_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/xml",
                        "text/xml", "application/x-rss+xml"})
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""")
_HTML_HINT = re.compile(r"</(\w+)>|&#?\w+;")
_LINK_REFERENCE = re.compile("&([A-Za-z0-9_]+);")


@dataclass(frozen=True, slots=True)
class FeedKeys:
    """What a read that finds nothing new needs: the feed's title and each entry's keys
    (``entries.entry_keys`` of the entries ``parse_feed`` would give, in feed order)."""

    title: str | None
    keys: tuple[EntryKeys, ...]


class _Unsure(Exception):
    """Something here might be read differently by feedparser: parse the feed in full."""


def scan_keys(body: bytes, *, url: str | None = None,
              content_type: str | None = None) -> FeedKeys | None:
    """The feed's title and entry keys as ``parse_feed`` would give them, or ``None`` when
    only a full parse can say (see the module docstring). Never raises."""
    if _URLJOIN is None or _CP1252 is None or _FEEDPARSER_CLASS is None:
        return None
    try:
        if not _plain_utf8(body, content_type) or _looks_like_json(body, content_type) \
                or _looks_like_html(body):
            return None
        root = ElementTree.fromstring(body)
        if root.tag == "rss":
            return _scan_rss(root, url or "")
        if root.tag == f"{ATOM}feed":
            return _scan_atom(root, url or "")
    except (_Unsure, ElementTree.ParseError, ValueError, RecursionError):
        return None
    except Exception:  # a surprise here must cost a full parse, never the feed's poll
        log.warning("the key scan failed on %s; parsing it in full", url, exc_info=True)
        return None
    return None


def _plain_utf8(body: bytes, content_type: str | None) -> bool:
    """UTF-8 by every account feedparser weighs (the HTTP charset, the declaration), with no
    DOCTYPE (feedparser rewrites those) and no ``xml:base`` (it moves what links mean)."""
    head = body[:512].lstrip(b"\xef\xbb\xbf")
    if not head.lstrip().startswith(b"<"):
        return False
    declared = _DECLARED_ENCODING.match(head)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    if content_type:
        mime, _, params = content_type.partition(";")
        if mime.strip().lower() not in _XML_TYPES:
            return False
        charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.I)
        if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
            return False
        # RFC 3023: text/* without a charset is US-ASCII, whatever the document says.
        if not charset and mime.strip().lower().startswith("text/") and not body.isascii():
            return False
    lowered = body.lower()
    return b"<!doctype" not in lowered and b"<!entity" not in lowered \
        and b"xml:base" not in lowered


# ------------------------------------------------------------------------- what feedparser does


def _finish(text: str) -> str:
    """feedparser's last touches to an element's text in a UTF-8 document (its ``pop``): the
    repair of UTF-8 read as Latin-1, then Windows-1252's extra characters."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_CP1252 or {})


def _raw_text(element: ElementTree.Element) -> str:
    """The element's text, stripped, as feedparser's ``pop`` starts from it; an element
    with children is not one this scan can vouch for."""
    if len(element):
        raise _Unsure
    return (element.text or "").strip()


def _text_of(element: ElementTree.Element) -> str:
    return _finish(_raw_text(element))


def _resolve(base: str, uri: str) -> str:
    assert _URLJOIN is not None
    return str(_URLJOIN(base, uri)) if uri else uri


def _date(element: ElementTree.Element) -> time.struct_time | None:
    return _safe_parse_date(_text_of(element))


def _title(element: ElementTree.Element, base: str, *, atom: bool) -> str | None:
    kind = (element.get("type") or "text/plain").lower()
    kind = {"text": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml",
            }.get(kind, kind)
    if set(element.attrib) - {"type", _XML_LANG} or kind not in ("text/plain", "text/html"):
        raise _Unsure  # XHTML, or a type feedparser decodes as base64
    raw = _raw_text(element)
    value = _finish(raw)
    if not atom and (_HTML_HINT.search(raw) or _HTML_HINT.search(value)):
        # feedparser guesses whether an RSS title is HTML; only a title with no closing tag
        # and no entity is surely not.
        raise _Unsure
    return _detail_text({"type": kind, "value": value, "base": base}, value, "utf-8")


def _inert(element: ElementTree.Element, allowed: frozenset[str]) -> bool:
    """An element feedparser keeps out of every key: a known inert one, or, childless and
    bare, one from no or an unknown namespace with a name none of its handlers answers to
    (it only files those under their own name)."""
    tag = element.tag
    if tag in _RSS_BODIES or tag in _ATOM_BODIES:
        return tag in allowed
    if tag in _ATOM_PEOPLE and tag in allowed:
        return all(part.tag in _PERSON_PARTS and not len(part) for part in element)
    if len(element):
        return False
    if tag in allowed:
        return True
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if namespace.lower() in _KNOWN_NAMESPACES or element.attrib:
        return False
    return local.lower() not in _HANDLED_NAMES


def _dates_in_order(dates: dict[str, list[ElementTree.Element]]) -> Iterator[
        time.struct_time | None]:
    for kind in ("published", "updated"):
        found = dates.get(kind, [])
        if len(found) > 1:
            raise _Unsure
        yield _date(found[0]) if found else None


def _entry(guid: str | None, link: str | None, title: str | None,
           dates: dict[str, list[ElementTree.Element]], base: str) -> FeedEntry:
    published: datetime | None = None
    for parsed in _dates_in_order(dates):
        published = _struct_to_datetime(parsed)
        if published is not None:
            break
    web = web_link(link, base)
    if not ((guid and guid.strip()) or web or title or published):
        raise _Unsure  # its key would hash the body, which this scan does not read
    return _make_entry(guid=guid, title=title, link=web, author=None, published=published,
                       summary_html=None, content_html=None)


def _keys(title: str | None, entries: list[FeedEntry]) -> FeedKeys:
    return FeedKeys(title=title, keys=tuple(entry_keys(entries)))


def _only_these_entries(root: ElementTree.Element, found: int) -> None:
    """feedparser starts an entry at any ``item`` or ``entry``, in any namespace and at any
    depth: one elsewhere than where this scan looked means another reading."""
    anywhere = sum(1 for element in root.iter()
                   if element.tag.rpartition("}")[2].lower() in ("item", "entry"))
    if anywhere != found:
        raise _Unsure


# ---------------------------------------------------------------------------------- RSS 2.0


def _scan_rss(root: ElementTree.Element, base: str) -> FeedKeys:
    channels = [child for child in root if child.tag == "channel"]
    if len(channels) != 1:
        raise _Unsure
    channel = channels[0]
    titles = [child for child in channel if child.tag.rpartition("}")[2].lower() == "title"]
    if len(titles) > 1 or (titles and titles[0].tag != "title"):
        raise _Unsure
    feed_title = _title(titles[0], base, atom=False) if titles else None
    items = [child for child in channel if child.tag == "item"]
    _only_these_entries(root, len(items))
    return _keys(feed_title, [_rss_item(item, base) for item in items])


def _rss_item(item: ElementTree.Element, base: str) -> FeedEntry:
    if set(item.attrib) - {_XML_LANG}:
        raise _Unsure  # rdf:about and the like become its id
    context: dict[str, str] = {}
    title: str | None = None
    titles = 0
    dates: dict[str, list[ElementTree.Element]] = {}
    for child in item:
        tag = child.tag
        if tag == "title":
            titles += 1
            title = _title(child, base, atom=False)
        elif tag == "link":
            if child.attrib:
                raise _Unsure
            value = _finish(_resolve(base, _raw_text(child)))
            # feedparser's repair of query strings read as entity references.
            value = _LINK_REFERENCE.sub(r"&\g<1>", value.replace("&amp;", "&"))
            context["link"] = value
        elif tag == "guid":
            _guid(child, base, context)
        elif tag == "pubDate":
            dates.setdefault("published", []).append(child)
        elif tag == f"{_DC}date":
            dates.setdefault("updated", []).append(child)
        elif not _inert(child, _RSS_INERT):
            raise _Unsure
    if titles > 1 or sum(1 for c in item if c.tag == "link") > 1 \
            or sum(1 for c in item if c.tag == "guid") > 1:
        raise _Unsure
    return _entry(context.get("id"), context.get("link"), title, dates, base)


def _guid(element: ElementTree.Element, base: str, context: dict[str, str]) -> None:
    """feedparser's ``_start_guid``/``_end_guid``: a permalink GUID (the default) is resolved
    and stands in as the link until a link element says otherwise."""
    attributes = {name.lower(): value for name, value in element.attrib.items()
                  if name != _XML_LANG}
    if set(attributes) - {"ispermalink"}:
        raise _Unsure
    is_link = attributes.get("ispermalink", "true") == "true"
    value = _raw_text(element)
    value = _finish(_resolve(base, value) if is_link else value)
    context["id"] = value
    if is_link:
        context.setdefault("link", value)


# ---------------------------------------------------------------------------------- Atom 1.0


def _scan_atom(root: ElementTree.Element, base: str) -> FeedKeys:
    titles = [child for child in root if child.tag.rpartition("}")[2].lower() == "title"]
    if len(titles) > 1 or (titles and titles[0].tag != f"{ATOM}title"):
        raise _Unsure
    feed_title = _title(titles[0], base, atom=True) if titles else None
    entries = [child for child in root if child.tag == f"{ATOM}entry"]
    _only_these_entries(root, len(entries))
    return _keys(feed_title, [_atom_entry(entry, base) for entry in entries])


def _atom_entry(entry: ElementTree.Element, base: str) -> FeedEntry:
    if set(entry.attrib) - {_XML_LANG}:
        raise _Unsure
    context: dict[str, str] = {}
    title: str | None = None
    counts: dict[str, int] = {}
    dates: dict[str, list[ElementTree.Element]] = {}
    for child in entry:
        tag = child.tag
        counts[tag] = counts.get(tag, 0) + 1
        if tag == f"{ATOM}title":
            title = _title(child, base, atom=True)
        elif tag == f"{ATOM}link":
            _atom_link(child, base, context)
        elif tag == f"{ATOM}id":
            _guid(child, base, context)
        elif tag == f"{ATOM}published":
            dates.setdefault("published", []).append(child)
        elif tag == f"{ATOM}updated":
            dates.setdefault("updated", []).append(child)
        elif not _inert(child, _ATOM_INERT):
            raise _Unsure
    if counts.get(f"{ATOM}title", 0) > 1 or counts.get(f"{ATOM}id", 0) > 1:
        raise _Unsure
    return _entry(context.get("id"), context.get("link"), title, dates, base)


def _atom_link(element: ElementTree.Element, base: str, context: dict[str, Any]) -> None:
    """feedparser's ``_start_link``: the last alternate HTML link is the entry's link."""
    if len(element):
        raise _Unsure
    attributes = {name.lower(): value for name, value in element.attrib.items()}
    rel = attributes.get("rel", "alternate").lower()
    kind = attributes.get("type", "application/atom+xml" if rel == "self"
                          else "text/html").lower()
    kind = {"html": "text/html", "xhtml": "application/xhtml+xml"}.get(kind, kind)
    href = attributes.get("url", attributes.get("uri", attributes.get("href")))
    if not href:
        raise _Unsure  # feedparser would read its text as the link
    if rel == "alternate" and kind in _HTML_TYPES:
        context["link"] = _resolve(base, href)
