"""Benchmark: one vote click in the store, on SQLite, 2,000 times in a row.

A temporary SQLite store holds one piece of three arguments; 300 members click Agree or
Disagree on its first argument, one click after another (each with Discord's click id and
time, and the default debounce), with nothing else running. Measures ``Store.cast_vote``
alone: the transaction a click costs, without Discord or the event loop's other work.

    .venv/bin/python bench/store_votes.py [--clicks 2000]

Prints p50/p90/p99 in milliseconds; the last line is one JSON object of them
(``p50_ms``, ``p90_ms``, ``p99_ms``, ``clicks``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.articles.model import Argument, Piece
from bot.store import open_store
from bot.store.records import VoteClick, VoteTarget

T0 = datetime(2026, 3, 2, tzinfo=UTC)


async def run(clicks: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        store = await open_store(f"sqlite:///{directory}/votes.db")
        try:
            piece = Piece(thesis="Bench thesis.", arguments=tuple(
                Argument(number=n, title=f"Argument {n}", marker=None, text=f"Argument {n} text.")
                for n in (1, 2, 3)), title="Bench piece", url="https://bench.invalid/1")
            record = await store.create_piece(1, 2, piece, url="https://bench.invalid/1", now=T0)
            target = VoteTarget("argument", (await store.list_arguments(record.id))[0].id)
            took: list[float] = []
            for n in range(clicks):
                at = T0 + timedelta(seconds=n)
                started = time.perf_counter()
                await store.cast_vote(target, 1000 + n % 300, 1 if n % 2 else -1, now=at,
                                      click=VoteClick(10**6 + n, at), debounce=0.5)
                took.append((time.perf_counter() - started) * 1000)
        finally:
            await store.close()
    took.sort()
    return {name: round(took[int(len(took) * q)], 3)
            for name, q in (("p50_ms", 0.5), ("p90_ms", 0.9), ("p99_ms", 0.99))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=2000)
    args = parser.parse_args()
    figures = asyncio.run(run(args.clicks))
    print(f"cast_vote over {args.clicks:,} clicks: p50 {figures['p50_ms']} ms, "
          f"p90 {figures['p90_ms']} ms, p99 {figures['p99_ms']} ms")
    print(json.dumps({**figures, "clicks": args.clicks}))


if __name__ == "__main__":
    main()
