"""Fetching and parsing feeds: feed URL → fetch (bounded, SSRF-guarded) → parse → entries.

No ``discord`` import here: the pipeline is plain Python, tested without Discord.
"""

from bot.feeds.fetch import (
    BadURL,
    BlockedAddress,
    Fetcher,
    FetchError,
    FetchResult,
    FetchTimeout,
    GuardedResolver,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)
from bot.feeds.guard import AddressPolicy, block_reason
from bot.feeds.parse import (
    FeedEntry,
    FeedParseError,
    NotAFeed,
    ParsedFeed,
    discover_feed_links,
    normalize_link,
    parse_feed,
)

__all__ = [
    "AddressPolicy",
    "BadURL",
    "BlockedAddress",
    "FeedEntry",
    "FeedParseError",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "Fetcher",
    "GuardedResolver",
    "HTTPStatusError",
    "NotAFeed",
    "ParsedFeed",
    "TooLarge",
    "TooManyRedirects",
    "Unreachable",
    "block_reason",
    "discover_feed_links",
    "normalize_link",
    "parse_feed",
]
