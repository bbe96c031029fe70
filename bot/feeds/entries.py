"""Pure questions about a fetch's entries, shared by the pipeline and the poller.

No I/O here: the pipeline (:mod:`bot.pipeline`) and the feeds service both ask them, and the
pipeline never imports the service, so what they share lives below both.
"""

from __future__ import annotations

from bot.feeds.parse import FeedEntry, ParsedFeed


def newest_entry(feed: ParsedFeed) -> FeedEntry:
    """The newest dated entry; feeds without dates list newest first by convention."""
    dated = [entry for entry in feed.entries if entry.published is not None]
    if dated:
        return max(dated, key=lambda entry: entry.published)  # type: ignore[arg-type,return-value]
    return feed.entries[0]
