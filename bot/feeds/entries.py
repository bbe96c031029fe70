"""Pure questions about a fetch's entries, shared by the pipeline, the poller and /feed.

No I/O here: which entry is newest, in what order entries become pieces, under what URL a
piece is stored, and when an entry counts as seen.

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

import hashlib
from collections.abc import Sequence
from datetime import UTC
from urllib.parse import urlsplit, urlunsplit

from bot.feeds.fetch import FetchError
from bot.feeds.keys import canonical_origin, normalize_link
from bot.feeds.parse import FeedEntry, ParsedFeed
from bot.markup import web_url
from bot.redact import redact_url
from bot.store.records import EntryKeys
from bot.text import one_line

#: Marked seen on every successful read of a feed. Unseen means the feed was never read (or
#: its keys were all pruned): that read only records what is there, it posts nothing.
PRIMER_KEY = "counterpoint:primed"
_ERROR_LIMIT = 300


def newest_entry(feed: ParsedFeed) -> FeedEntry:
    """The newest dated entry; feeds without dates list newest first by convention."""
    dated = [(entry.published, entry) for entry in feed.entries if entry.published is not None]
    if dated:
        # The first of equally new entries, as feed order has it.
        return max(dated, key=lambda pair: pair[0])[1]
    return feed.entries[0]


def chronological(entries: Sequence[FeedEntry]) -> list[FeedEntry]:
    """Oldest first. Undated entries keep feed order (newest first by convention), reversed,
    and sort as newer than every dated one: they were just seen for the first time."""
    indexed = list(enumerate(entries))
    dated = sorted((e for e in indexed if e[1].published is not None),
                   key=lambda pair: (pair[1].published, -pair[0]))
    undated = [e for e in indexed if e[1].published is None]
    undated.reverse()
    return [entry for _, entry in dated + undated]


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


def every_key(entries: Sequence[FeedEntry]) -> list[str]:
    """Every dedupe key of ``entries``, flat: what marking them all seen records."""
    return [key for keys in entry_keys(entries) for key in keys.all_keys()]


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


def piece_url(entry: FeedEntry, feed_url: str) -> str:
    """The URL a feed entry's piece is stored (and shown) under: one piece per URL."""
    # The link is shown and linked on Discord: only a valid http(s) URL, encoded, will do
    # (a crafted one could otherwise close the masked link around it and open another).
    link = web_url(normalize_link(entry.link)) if entry.link else None
    if link is not None:
        return link
    # No usable link: a stable stand-in, so the store's one-piece-per-URL rule still holds. It
    # is shown on the piece's card, so a private feed's credentials are left out of it.
    digest = hashlib.sha256(entry.key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{redact_url(feed_url)}#entry-{digest}"


def short_error(error: BaseException) -> str:
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
    return one_line(text, _ERROR_LIMIT)
