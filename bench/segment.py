"""Benchmark argument segmentation on pieces of about 1,200 words in several styles.

Builds each piece from the test fixtures in ``tests/articles/corpus/pieces`` (ordinal words, noun
markers, numbered subheadings, bullets, inline lists, an unmarked middle argument, no
enumeration at all), padding the body paragraphs to about 1,200 words with the piece's own
sentences, then runs ``segment`` on one core for a few seconds.

Also times one hostile entry: a single paragraph of 200,000 characters (the body limit) full of
markers ("First, ... Second, ... Finally, ..." again and again), as a feed could send.

Usage: python bench/segment.py [--seconds N]
The last line printed is one JSON object with ``pieces_per_s`` (the best round's rate) and
``hostile_paragraph_s`` (seconds for the hostile entry).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.articles.extract import BODY_CHAR_LIMIT  # noqa: E402
from bot.articles.model import Article  # noqa: E402
from bot.articles.segment import segment  # noqa: E402

PIECES = ROOT / "tests" / "articles" / "corpus" / "pieces"
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
ROUND_REPEATS = 10
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
    return Article.from_paragraphs(paragraphs)


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
    # Rounds of a fraction of a second each; the best round is the figure least disturbed by
    # other work on the machine, the median says how steady it was.
    rates: list[float] = []
    done = 0
    started = time.perf_counter()
    deadline = started + args.seconds
    while time.perf_counter() < deadline:
        round_start = time.perf_counter()
        for _ in range(ROUND_REPEATS):
            for article in articles:
                segment(article)
        rates.append(ROUND_REPEATS * len(articles) / (time.perf_counter() - round_start))
        done += ROUND_REPEATS * len(articles)
    elapsed = time.perf_counter() - started
    best, median = max(rates), statistics.median(rates)
    baseline = _baseline_ms()
    hostile = _hostile_seconds()
    print(f"{done} pieces in {elapsed:.2f}s over {len(rates)} rounds: best {best:,.0f} pieces/s "
          f"({1e6 / best:.0f} µs per piece), median {median:,.0f} pieces/s; "
          f"mean {sum(words) / len(words):.0f} words")
    print(f"machine: a 1M-step pure-Python loop takes {baseline:.0f} ms here "
          f"(about 40-50 ms on a typical 2020s desktop)")
    print(json.dumps({"pieces_per_s": round(best, 1), "median_pieces_per_s": round(median, 1),
                      "mean_words": round(sum(words) / len(words)), "styles": len(STYLES),
                      "seconds": round(elapsed, 2), "loop_baseline_ms": round(baseline, 1),
                      "hostile_paragraph_s": round(hostile, 2)}))


def _hostile_seconds() -> float:
    """Seconds to read one paragraph of BODY_CHAR_LIMIT characters full of markers."""
    sentence = "First, the levy is unfair. Second, it is late. Finally, it is dear. "
    body = sentence * (BODY_CHAR_LIMIT // len(sentence))
    start = time.perf_counter()
    segment(Article.from_paragraphs([body]))
    return time.perf_counter() - start


def _baseline_ms() -> float:
    """How fast this machine runs plain Python, to put the figure above in context."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return best * 1000


if __name__ == "__main__":
    main()
