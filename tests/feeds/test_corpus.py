"""feedparser's own test documents (../shared/corpus/feedparser-tests) through our pipeline.

Each test loops over the whole corpus and reports every failure at once, rather than one
test per file, so the run stays short and a regression shows its full extent.
"""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.feeds.parse import FeedParseError, NotAFeed, ParsedFeed, parse_feed

CORPUS = Path("corpus") / "feedparser-tests"
# Channel Definition Format (1997) is not a dialect Counterpoint reads.
UNSUPPORTED_WELLFORMED = ("wellformed/cdf/",)


def corpus_files(shared_dir: Path) -> list[Path]:
    root = shared_dir / CORPUS
    if not root.is_dir():
        pytest.skip(f"{root} is not present")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))
    assert len(files) > 2000, f"expected the full corpus, found {len(files)} files"
    return files


def parsed_corpus(shared_dir: Path) -> Iterator[tuple[str, ParsedFeed | FeedParseError]]:
    root = shared_dir / CORPUS
    for path in corpus_files(shared_dir):
        name = path.relative_to(root).as_posix()
        try:
            yield name, parse_feed(path.read_bytes(), url=f"http://feeds.example/{name}")
        except FeedParseError as error:
            yield name, error


def short_trace(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)[-2:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
    return f"{type(error).__name__}: {str(error)[:160]} [{where}]"


def test_every_corpus_document_parses_or_is_refused_cleanly(shared_dir: Path) -> None:
    failures: list[str] = []
    entries = 0
    root = shared_dir / CORPUS
    for path in corpus_files(shared_dir):
        name = path.relative_to(root).as_posix()
        try:
            feed = parse_feed(path.read_bytes(), url=f"http://feeds.example/{name}")
        except FeedParseError as error:
            refused_wellformed = name.startswith("wellformed/") and not (
                isinstance(error, NotAFeed) and name.startswith(UNSUPPORTED_WELLFORMED))
            if refused_wellformed:
                failures.append(f"{name}: well-formed feed refused: {error}")
            continue
        except Exception as error:  # collect them all, then fail once
            failures.append(f"{name}: {short_trace(error)}")
            continue
        entries += len(feed.entries)
        for entry in feed.entries:
            if not entry.key or entry.key in entry.alt_keys:
                failures.append(f"{name}: bad keys {entry.key!r} {entry.alt_keys!r}")
            if entry.published is not None and entry.published.utcoffset() is None:
                failures.append(f"{name}: naive published date {entry.published!r}")
    assert not failures, f"{len(failures)} corpus failures:\n" + "\n".join(failures)
    assert entries > 1000


def _article_pipeline() -> tuple[Any, Any, type[BaseException]]:
    """extract_entry, segment and ExtractionError, once the articles package provides them."""
    try:
        extract = importlib.import_module("bot.articles.extract")
        segment = importlib.import_module("bot.articles.segment")
    except ImportError as error:
        pytest.skip(f"article pipeline not available yet ({error})")
    return extract.extract_entry, segment.segment, extract.ExtractionError


def test_every_corpus_entry_goes_through_extract_and_segment(shared_dir: Path) -> None:
    extract_entry, segment, extraction_error = _article_pipeline()
    failures: list[str] = []
    articles = 0
    for name, feed in parsed_corpus(shared_dir):
        if isinstance(feed, FeedParseError):
            continue
        for index, entry in enumerate(feed.entries):
            try:
                article = extract_entry(
                    content_html=entry.content_html, summary_html=entry.summary_html,
                    title=entry.title, link=entry.link, author=entry.author,
                    published=entry.published, outlet=feed.title)
            except extraction_error:
                continue
            except Exception as error:
                failures.append(f"{name}#{index} extract_entry: {short_trace(error)}")
                continue
            try:
                segment(article)
            except extraction_error:
                continue
            except Exception as error:
                failures.append(f"{name}#{index} segment: {short_trace(error)}")
                continue
            articles += 1
    assert not failures, f"{len(failures)} pipeline failures:\n" + "\n".join(failures)
    assert articles > 0
