"""Benchmark: build one guild's weekly summary on SQLite at scale.

One guild, one ISO week (2026-W47) holding 200 pieces with 1,000 arguments, 20,000
counterarguments (plus 2,000 rebuttals and 300 "changed my mind" awards) and 500,000 votes
(400,000 on arguments, 100,000 on contributions) from 20,000 members. Pieces, arguments and
awards go through the store API; votes, contributions and the participants index are bulk
inserted with SQL for setup speed only. ``build_summary`` is then timed through the store
API: the median of several runs after one warm-up.

    .venv/bin/python bench/summary.py [--runs 7] [--keep DIR]

Prints figures; the last line is one JSON object with ``build_ms``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.articles.model import Argument, Piece
from bot.store import open_store
from bot.store.rows import encode_ts
from bot.summaries import build_summary, to_chart_png, to_embeds, to_json
from bot.summaries.build import TOP_CONTRIBUTIONS

GUILD = 900_000_000_000_000_001
CHANNEL = 900_000_000_000_000_002
WEEK = "2026-W47"
MONDAY = datetime(2026, 11, 16, tzinfo=UTC)  # UTC guild: the week is [MONDAY, +7 days)
PIECES = 200
ARGUMENTS_PER_PIECE = 5
COUNTERS = 20_000
REBUTTALS = 2_000
ARGUMENT_VOTES = 400_000
CONTRIBUTION_VOTES = 100_000
MEMBERS = 20_000
AWARDS = 300


def when(rng: random.Random, after: datetime) -> datetime:
    """A random moment between ``after`` and the end of the week."""
    end = MONDAY + timedelta(days=7)
    return after + (end - after) * rng.random() * 0.999


async def setup(path: Path) -> None:
    rng = random.Random(47)
    url = f"sqlite:///{path}"
    store = await open_store(url)
    arguments: list[tuple[int, datetime]] = []
    for p in range(PIECES):
        published = MONDAY + timedelta(hours=p * 0.8)
        piece = Piece(
            thesis=f"Thesis {p}.", title=f"Op-ed number {p} on a contested policy",
            url=f"https://bench.example/{p}",
            arguments=tuple(Argument(n, f"Argument {n} of piece {p}", None, "Text.")
                            for n in range(1, ARGUMENTS_PER_PIECE + 1)))
        record = await store.create_piece(GUILD, CHANNEL, piece, now=published)
        assert record is not None
        await store.begin_publishing(record.id, now=published)
        await store.record_piece_message(record.id, 10_000_000 + p)
        for argument in await store.list_arguments(record.id):
            thread = 20_000_000 + argument.id
            await store.record_argument_anchor(argument.id, thread)
            await store.record_argument_thread(argument.id, thread)
            await store.record_argument_opening(argument.id, thread + 1, now=published)
            arguments.append((argument.id, published))
        await store.finish_publishing(record.id, now=published)
    await store.close()

    first_active: dict[int, datetime] = {}

    def active(member: int, moment: datetime) -> None:
        if member not in first_active or moment < first_active[member]:
            first_active[member] = moment

    db = sqlite3.connect(path)
    contributions = []
    for i in range(COUNTERS + REBUTTALS):
        argument_id, published = arguments[i % len(arguments)]
        author = rng.randrange(MEMBERS)
        moment = when(rng, published)
        active(author, moment)
        contributions.append((argument_id, author, moment, i >= COUNTERS))
    with db:
        ids = []
        counter_of_argument: dict[int, int] = {}
        for argument_id, author, moment, is_rebuttal in contributions:
            parent = counter_of_argument.get(argument_id) if is_rebuttal else None
            cursor = db.execute(
                "INSERT INTO contributions (guild_id, argument_id, parent_id, kind, author_id,"
                " body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (GUILD, argument_id, parent, "rebuttal" if parent else "counter", author,
                 f"A counterargument by member {author} " * 3, encode_ts(moment)))
            ids.append((cursor.lastrowid, argument_id, moment))
            if not is_rebuttal:
                counter_of_argument.setdefault(argument_id, cursor.lastrowid)

    def vote_rows():
        per_argument = ARGUMENT_VOTES // len(arguments)
        for n, (argument_id, published) in enumerate(arguments):
            lean = rng.random()
            for k in range(per_argument):
                member = (n * 37 + k * 7) % MEMBERS
                moment = when(rng, published)
                active(member, moment)
                stamp = encode_ts(moment)
                yield ("argument", argument_id, member, 1 if rng.random() < lean else -1,
                       GUILD, argument_id, stamp, stamp)
        per_contribution = CONTRIBUTION_VOTES // len(ids)
        for n, (contribution_id, argument_id, made) in enumerate(ids):
            for k in range(per_contribution):
                member = (n * 11 + k * 13) % MEMBERS
                moment = when(rng, made)
                active(member, moment)
                stamp = encode_ts(moment)
                yield ("contribution", contribution_id, member,
                       1 if rng.random() < 0.6 else -1, GUILD, argument_id, stamp, stamp)

    with db:
        db.executemany("INSERT INTO votes (target_kind, target_id, member_id, value, guild_id,"
                       " argument_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       vote_rows())
        db.executemany("INSERT INTO participants (guild_id, member_id, first_active_at)"
                       " VALUES (?, ?, ?)",
                       [(GUILD, m, encode_ts(t)) for m, t in first_active.items()])
    db.execute("ANALYZE")
    db.close()

    store = await open_store(url)
    for i in range(AWARDS):
        contribution_id, _, made = ids[i * 13]
        await store.award_changed_mind(MEMBERS + i, contribution_id, f"Reason {i}",
                                       now=when(rng, made))
    await store.close()


async def measure(path: Path, runs: int) -> dict[str, object]:
    store = await open_store(f"sqlite:///{path}")
    try:
        summary = await build_summary(store, GUILD, WEEK, "UTC")  # warm-up: page cache
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            summary = await build_summary(store, GUILD, WEEK, "UTC")
            times.append((time.perf_counter() - started) * 1000)
        start, end = MONDAY, MONDAY + timedelta(days=7)
        queries = {}
        top = functools.partial(store.contribution_stats, limit=TOP_CONTRIBUTIONS)
        for name, call in (
                ("pieces_published_between", store.pieces_published_between),
                ("argument_stats", store.argument_stats),
                (f"contribution_stats(limit={TOP_CONTRIBUTIONS})", top),
                ("participation", store.participation)):
            started = time.perf_counter()
            await call(GUILD, start, end)
            queries[name] = round((time.perf_counter() - started) * 1000, 1)
    finally:
        await store.close()
    started = time.perf_counter()
    embeds = to_embeds(summary)
    to_json(summary)
    render_ms = (time.perf_counter() - started) * 1000
    to_chart_png(summary)  # the first chart of a process also pays for loading matplotlib
    started = time.perf_counter()
    png = to_chart_png(summary)
    chart_ms = (time.perf_counter() - started) * 1000
    f = summary.figures
    print(f"week {summary.iso_week}: {f.pieces} pieces, {f.arguments} arguments, "
          f"{f.votes} argument votes, {f.counters} counters, {f.rebuttals} rebuttals, "
          f"{f.members} members, {f.mind_changes} changed minds")
    print(f"build_summary over {runs} runs (ms): "
          + ", ".join(f"{t:.1f}" for t in sorted(times)))
    print("store queries once (ms): " + ", ".join(f"{k} {v}" for k, v in queries.items()))
    print(f"embeds + json {render_ms:.1f} ms ({len(embeds)} embeds); "
          f"chart {chart_ms:.1f} ms ({len(png)} bytes)")
    return {"build_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1), "runs": runs, "backend": "sqlite",
            "votes": ARGUMENT_VOTES + CONTRIBUTION_VOTES, "counters": COUNTERS,
            "arguments": PIECES * ARGUMENTS_PER_PIECE, "queries_ms": queries}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the database in DIR and keep it (reused if present)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "summary-bench.db"
        if not path.exists():
            started = time.perf_counter()
            await setup(path)
            print(f"setup: {time.perf_counter() - started:.1f} s, "
                  f"{path.stat().st_size / 1e6:.0f} MB at {path}")
        result = await measure(path, args.runs)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
