"""The core's own layers point one way (what imports what, read from the source).

Feed reading (fetch, parse, entries, filters, schedule, guard) is the bottom; the pipeline
reads sources and entries with it; the feeds service and poller use the pipeline; nothing in
``bot/feeds`` reaches up into publishing, and the pipeline never into the service.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The feed-reading modules below the pipeline.
FEED_READING = ("fetch", "parse", "entries", "filters", "schedule", "guard")


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports (``from a.b import c`` counts ``a.b`` and ``a.b.c``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def module_path(module: str) -> Path:
    return ROOT / (module.replace(".", "/") + ".py")


def feed_modules(imports: set[str]) -> set[str]:
    """The ``bot.feeds`` modules among ``imports`` (``bot.feeds.parse.FeedEntry`` → ``parse``)."""
    return {m.split(".")[2] for m in imports if m.startswith("bot.feeds.")}


def test_the_pipeline_uses_only_feed_reading() -> None:
    assert feed_modules(imported_modules(module_path("bot.pipeline"))) <= set(FEED_READING)


@pytest.mark.parametrize("name", FEED_READING)
def test_feed_reading_never_reaches_up(name: str) -> None:
    imports = imported_modules(module_path(f"bot.feeds.{name}"))
    assert not {m for m in imports
                if m.startswith(("bot.pipeline", "bot.publishing", "bot.queueing"))}
    assert feed_modules(imports) <= set(FEED_READING)


def test_feeds_never_import_publishing() -> None:
    for path in sorted((ROOT / "bot" / "feeds").glob("*.py")):
        assert not {m for m in imported_modules(path) if m.startswith("bot.publishing")}, path
