"""The core's own layers point one way (what imports what, read from the source).

Feed reading (fetch, parse, keys, scan, entries, filters, schedule, guard) is the bottom;
the pipeline reads sources and entries with it; the feeds service and poller use the
pipeline; nothing in ``bot/feeds`` reaches up into publishing, and the pipeline never into
the service.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_layers import ROOT, imports

#: The feed-reading modules below the pipeline.
FEED_READING = ("fetch", "parse", "keys", "scan", "entries", "filters", "schedule", "guard")


def module_path(module: str) -> Path:
    return ROOT / (module.replace(".", "/") + ".py")


def feed_modules(modules: set[str]) -> set[str]:
    """The ``bot.feeds`` modules among ``modules`` (``bot.feeds.parse.FeedEntry`` → ``parse``)."""
    return {m.split(".")[2] for m in modules if m.startswith("bot.feeds.")}


def test_the_pipeline_uses_only_feed_reading() -> None:
    assert feed_modules(imports(module_path("bot.pipeline"))) <= set(FEED_READING)


@pytest.mark.parametrize("name", FEED_READING)
def test_feed_reading_never_reaches_up(name: str) -> None:
    modules = imports(module_path(f"bot.feeds.{name}"))
    assert not {m for m in modules
                if m.startswith(("bot.pipeline", "bot.publishing", "bot.queueing"))}
    assert feed_modules(modules) <= set(FEED_READING)


def test_feeds_never_import_publishing() -> None:
    for path in sorted((ROOT / "bot" / "feeds").glob("*.py")):
        assert not {m for m in imports(path) if m.startswith("bot.publishing")}, path
