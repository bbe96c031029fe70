"""Benchmark: poll 10,000 subscriptions over 2,000 feed URLs served on loopback.

A separate process serves 2,000 small RSS feeds (5 items of ~250 words each, ETag and
If-None-Match supported) on 127.0.0.1; each feed has its own host name
(``f<n>.bench.invalid``, resolved to 127.0.0.1 by a stub resolver) as real feeds live on
different hosts. A SQLite store in a temporary directory holds 10,000 subscriptions: 2,000
guilds following 5 feeds each, so every URL has 5 subscribers in 5 guilds (subscriptions go
straight through the store API for setup speed). Then three cycles, all feeds due in each:

1. first read: every feed is fetched, parsed and its entries recorded as seen (no pieces);
2. every feed gained one entry: fetched, parsed, deduped, one pending piece per subscription;
3. nothing changed: every fetch is a conditional GET answered 304.

    .venv/bin/python bench/poll.py [--feeds 2000] [--per-feed 5] [--keep DIR]

Prints figures per cycle; the last line is one JSON object with ``fetches_per_cycle`` (server
hits in the new-entries cycle; goal: one per URL), ``cycle_s`` (that cycle's wall time),
``peak_mb`` (peak RSS of the polling process) and the other cycles' figures.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import multiprocessing
import random
import resource
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.feeds.fetch import Fetcher
from bot.feeds.service import FeedService, PollSettings
from bot.store import open_store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WORDS = ("council", "voters", "budget", "transit", "housing", "schools", "parks", "policy",
         "reform", "evidence", "argument", "reason", "cost", "benefit", "citizens", "debate",
         "should", "would", "because", "however")


# ------------------------------------------------------------------------------ the server


def _item(feed: int, number: int) -> str:
    rng = random.Random(feed * 1000 + number)
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(50)).capitalize() + ".</p>"
        for _ in range(5))
    date = format_datetime(T0 - timedelta(days=30) + timedelta(hours=number))
    return (f"<item><title>Feed {feed} piece {number}</title>"
            f"<guid isPermaLink=\"false\">urn:bench:{feed}:{number}</guid>"
            f"<link>https://f{feed}.bench.invalid/pieces/{number}</link>"
            f"<pubDate>{date}</pubDate><author>Writer {feed}</author>"
            f"<description>{html.escape(paragraphs)}</description></item>")


def _feed(feed: int, generation: int) -> bytes:
    newest = 5 + generation
    items = "".join(_item(feed, n) for n in range(newest, newest - 5, -1))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench feed {feed}</title><link>https://f{feed}.bench.invalid/</link>"
            f"{items}</channel></rss>").encode()


def serve(feeds: int, ports: Any) -> None:
    """Child process: the feed server. Stops when the parent closes the pipe."""
    state = {"generation": 0, "hits": 0, "not_modified": 0}
    cache: dict[tuple[int, int], bytes] = {}

    async def feed(request: web.Request) -> web.Response:
        state["hits"] += 1
        number = int(request.match_info["n"])
        generation = state["generation"]
        etag = f'"{number}-{generation}"'
        if request.headers.get("If-None-Match") == etag:
            state["not_modified"] += 1
            return web.Response(status=304, headers={"ETag": etag})
        body = cache.get((number, generation))
        if body is None:
            body = cache[(number, generation)] = _feed(number, generation)
        return web.Response(body=body, headers={
            "Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag})

    async def control(request: web.Request) -> web.Response:
        if request.match_info["what"] == "advance":
            state["generation"] += 1
        elif request.match_info["what"] == "reset":
            state["hits"] = state["not_modified"] = 0
        return web.json_response(state)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}.xml", feed)
        app.router.add_get("/_/{what}", control)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        ports.send(port)
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.add_reader(ports.fileno(), lambda: done.done() or done.set_result(None))
        await done
        await runner.cleanup()

    asyncio.run(main())


class LoopbackResolver(AbstractResolver):
    """Every ``*.bench.invalid`` name is 127.0.0.1; anything else does not exist."""

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        if not host.endswith(".bench.invalid"):
            raise OSError(f"{host}: not a bench host")
        return [{"hostname": host, "host": "127.0.0.1", "port": port,
                 "family": socket.AF_INET, "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        return None


# ------------------------------------------------------------------------------ the bench


async def control(fetcher: Fetcher, port: int, what: str) -> dict[str, int]:
    result = await fetcher.fetch(f"http://control.bench.invalid:{port}/_/{what}")
    return json.loads(result.body)  # type: ignore[no-any-return]


async def run(feeds: int, per_feed: int, directory: Path, port: int) -> dict[str, Any]:
    store = await open_store(f"sqlite:///{directory / 'poll.db'}")
    figures: dict[str, Any] = {"feeds": feeds, "subscriptions": feeds * per_feed}
    try:
        started = time.perf_counter()
        for n in range(feeds * per_feed):
            feed, guild = n % feeds, n // per_feed
            await store.add_subscription(
                guild + 1, (guild + 1) * 10 + n % per_feed,
                f"http://f{feed}.bench.invalid:{port}/feed/{feed}.xml", created_by=1, now=T0)
        print(f"setup: {feeds * per_feed:,} subscriptions over {feeds:,} URLs in "
              f"{time.perf_counter() - started:.1f} s")
        async with Fetcher(allow_private_addresses=True,
                           resolver=LoopbackResolver()) as fetcher:
            service = FeedService(store, fetcher, PollSettings(), rng=random.Random(1))
            cycles = [("first read", T0, None), ("one new entry per feed",
                                                 T0 + timedelta(hours=1), "advance"),
                      ("unchanged (304)", T0 + timedelta(hours=2), None)]
            for name, now, action in cycles:
                if action:
                    await control(fetcher, port, action)
                await control(fetcher, port, "reset")
                started = time.perf_counter()
                report = await service.poll_once("bench", now=now)
                elapsed = time.perf_counter() - started
                served = await control(fetcher, port, "stats")
                print(f"cycle '{name}': claimed {report.claimed:,}, server hits "
                      f"{served['hits']:,} ({served['not_modified']:,} answered 304), "
                      f"failed {report.failed}, new entries {report.new_entries:,}, "
                      f"pieces {len(report.piece_ids):,}, {elapsed:.2f} s")
                figures[name] = {"fetches": served["hits"], "cycle_s": round(elapsed, 2),
                                 "pieces": len(report.piece_ids), "failed": report.failed,
                                 "not_modified": served["not_modified"]}
    finally:
        await store.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--per-feed", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the database in this directory")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(args.feeds, child), daemon=True)
    server.start()
    port = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as temp:
            directory = args.keep or Path(temp)
            directory.mkdir(parents=True, exist_ok=True)
            figures = asyncio.run(run(args.feeds, args.per_feed, directory, port))
    finally:
        parent.close()
        server.join(timeout=10)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    busy = figures["one new entry per feed"]
    print(f"peak RSS of the polling process: {peak_mb:.0f} MB")
    print(json.dumps({
        "fetches_per_cycle": busy["fetches"],
        "cycle_s": busy["cycle_s"],
        "peak_mb": round(peak_mb, 1),
        "urls": figures["feeds"],
        "subscriptions": figures["subscriptions"],
        "pieces": busy["pieces"],
        "first_read_cycle_s": figures["first read"]["cycle_s"],
        "not_modified_cycle_s": figures["unchanged (304)"]["cycle_s"],
        "not_modified_fetches": figures["unchanged (304)"]["fetches"],
    }))


if __name__ == "__main__":
    main()
