"""Benchmark argument segmentation on pieces of about 1,200 words in several styles.

Builds each piece from the test fixtures in ``tests/articles/pieces`` (ordinal words, noun
markers, numbered subheadings, bullets, inline lists, an unmarked middle argument, no
enumeration at all), padding the body paragraphs to about 1,200 words with the piece's own
sentences, then runs ``segment`` on one core for a few seconds.

Usage: python bench/segment.py [--seconds N]
The last line printed is one JSON object with ``pieces_per_s``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.articles.model import Article  # noqa: E402
from bot.articles.segment import segment  # noqa: E402

PIECES = ROOT / "tests" / "articles" / "pieces"
STYLES = [
    "seedlike_island_ferries",
    "first_of_all_school_start",
    "noun_markers_four_day_week",
    "subheadings_startup_lessons",
    "bullets_daylight_saving",
    "inline_list_zoning",
    "unmarked_middle_plastic_bags",
    "plain_essay_night_trains",
    "narration_mayor_profile",
    "footnotes_drug_pricing",
]
TARGET_WORDS = 1200
MARKER_WORDS = ("First", "Second", "Third", "Fourth", "Finally", "For starters", "The first",
                "The second", "The third", "Another", "Next", "Last")
FILLER = "The council has discussed the matter at length without reaching a decision"


def build(name: str) -> Article:
    """The fixture, its longer paragraphs grown in turn until the piece has ~1,200 words."""
    text = (PIECES / f"{name}.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    words = sum(len(p.split()) for p in paragraphs)
    original = list(paragraphs)
    growable = [i for i, p in enumerate(paragraphs) if len(p.split()) > 20] or [0]
    turn = 0
    while words < TARGET_WORDS:
        index = growable[turn % len(growable)]
        # Repeat the paragraph's own sentences, leaving out markers so the list stays the same.
        plain = [s for s in original[index].split(". ")[1:] if not s.startswith(MARKER_WORDS)]
        tail = ". ".join(plain or [FILLER]).rstrip(".") + "."
        paragraphs[index] = f"{paragraphs[index]} {tail}"
        words += len(tail.split())
        turn += 1
    return Article(paragraphs=tuple(paragraphs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    articles = [build(name) for name in STYLES]
    words = [sum(len(p.split()) for p in a.paragraphs) for a in articles]
    for name, article, count in zip(STYLES, articles, words, strict=True):
        piece = segment(article)
        print(f"{name:32s} {count:5d} words  {len(piece.arguments)} arguments")
    for article in articles:  # warm caches and the regex engine
        segment(article)
    done = 0
    started = time.perf_counter()
    deadline = started + args.seconds
    while time.perf_counter() < deadline:
        for article in articles:
            segment(article)
        done += len(articles)
    elapsed = time.perf_counter() - started
    rate = done / elapsed
    print(f"{done} pieces in {elapsed:.2f}s: {rate:,.0f} pieces/s, "
          f"{1e6 / rate:.0f} µs per piece, mean {sum(words) / len(words):.0f} words")
    print(json.dumps({"pieces_per_s": round(rate, 1), "mean_words": round(sum(words) / len(words)),
                      "styles": len(STYLES), "seconds": round(elapsed, 2)}))


if __name__ == "__main__":
    main()
