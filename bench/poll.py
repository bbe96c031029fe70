"""Benchmark: poll 10,000 subscriptions over 2,000 feed URLs served on loopback.

A separate process serves 2,000 small RSS feeds (20 items of ~250 words each, ETag and
If-None-Match supported) on 127.0.0.1; each feed has its own host name
(``f<n>.bench.invalid``, resolved to 127.0.0.1 by a stub resolver) as real feeds live on
different hosts. A SQLite store in a temporary directory holds 10,000 subscriptions: 2,000
guilds following 5 feeds each, so every URL has 5 subscribers in 5 guilds (subscriptions go
straight through the store API for setup speed). Then three cycles, all feeds due in each:

1. first read: every feed is fetched, parsed and its entries recorded as seen (no pieces);
2. every feed gained one entry: fetched, parsed, deduped, one pending piece per subscription;
3. nothing changed: every fetch is a conditional GET answered 304.

    .venv/bin/python bench/poll.py [--feeds 2000] [--entries 20] [--per-feed 5] [--keep DIR]
                                   [--peer reader] [--peer-workers 8]

``--peer reader`` then runs the ``reader`` library (``pip install -e '.[bench]'``) in a
process of its own on the same feeds, served by the same server rewound to its first
generation (on 127.0.0.1 directly: it has no resolver hook), through the same three cycles:
``update_feeds(workers=8, scheduled=False)`` each time, full-text search off.

Prints figures per cycle; the last line is one JSON object with ``fetches_per_cycle`` (server
hits in the new-entries cycle; goal: one per URL), ``cycle_s`` (that cycle's wall time),
``peak_mb`` (peak resident memory of the polling process plus any worker processes, sampled
every 20 ms) and the other cycles' figures; with a peer, ``ratio_vs_reader`` (our cycle time
over reader's, per cycle: ``first_update``, ``new_entries``, ``all_304``) and reader's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import multiprocessing
import random
import socket
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Only the standard library at the top: a spawned child (the server, the reader peer)
# imports this module again, and the peer's memory must be reader's own, not the bot's.
if TYPE_CHECKING:
    from aiohttp.abc import AbstractResolver

    from bot.feeds.fetch import Fetcher

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


def _feed(feed: int, generation: int, entries: int) -> bytes:
    newest = entries + generation
    items = "".join(_item(feed, n) for n in range(newest, newest - entries, -1))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench feed {feed}</title><link>https://f{feed}.bench.invalid/</link>"
            f"{items}</channel></rss>").encode()


def serve(feeds: int, entries: int, ports: Any) -> None:
    """Child process: the feed server. Stops when the parent closes the pipe."""
    from aiohttp import web

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
            body = cache[(number, generation)] = _feed(number, generation, entries)
        return web.Response(body=body, headers={
            "Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag})

    async def control(request: web.Request) -> web.Response:
        if request.match_info["what"] == "advance":
            state["generation"] += 1
        elif request.match_info["what"] == "reset":
            state["hits"] = state["not_modified"] = 0
        elif request.match_info["what"] == "rewind":
            state["generation"] = 0
            cache.clear()
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


def loopback_resolver() -> AbstractResolver:
    """Every ``*.bench.invalid`` name is 127.0.0.1; anything else does not exist."""
    from aiohttp.abc import AbstractResolver, ResolveResult

    class LoopbackResolver(AbstractResolver):
        async def resolve(self, host: str, port: int = 0,
                          family: socket.AddressFamily = socket.AF_INET
                          ) -> list[ResolveResult]:
            if not host.endswith(".bench.invalid"):
                raise OSError(f"{host}: not a bench host")
            return [{"hostname": host, "host": "127.0.0.1", "port": port,
                     "family": socket.AF_INET, "proto": 0, "flags": socket.AI_NUMERICHOST}]

        async def close(self) -> None:
            return None

    return LoopbackResolver()


# ------------------------------------------------------------------------------ the bench


async def control(fetcher: Fetcher, port: int, what: str) -> dict[str, int]:
    result = await fetcher.fetch(f"http://control.bench.invalid:{port}/_/{what}")
    return json.loads(result.body)  # type: ignore[no-any-return]


async def run(feeds: int, per_feed: int, directory: Path, port: int, memory: MemoryWatch
              ) -> dict[str, Any]:
    from bot.feeds.fetch import Fetcher
    from bot.feeds.service import FeedService, PollSettings
    from bot.store import open_store

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
                           resolver=loopback_resolver()) as fetcher:
            service = FeedService(store, fetcher, PollSettings(), rng=random.Random(1))
            cycles = [("first read", T0, None), ("one new entry per feed",
                                                 T0 + timedelta(hours=1), "advance"),
                      ("unchanged (304)", T0 + timedelta(hours=2), None)]
            figures["start_mb"] = round(MemoryWatch._rss_kb("self") / 1024, 1)
            print(f"before the first cycle: {figures['start_mb']:.0f} MB resident")
            for name, now, action in cycles:
                if action:
                    await control(fetcher, port, action)
                await control(fetcher, port, "reset")
                memory.mark()
                started = time.perf_counter()
                report = await service.poll_once("bench", now=now)
                elapsed = time.perf_counter() - started
                cycle_mb = memory.mark() / 1024
                served = await control(fetcher, port, "stats")
                print(f"cycle '{name}': claimed {report.claimed:,}, server hits "
                      f"{served['hits']:,} ({served['not_modified']:,} answered 304), "
                      f"failed {report.failed}, new entries {report.new_entries:,}, "
                      f"pieces {len(report.piece_ids):,}, {elapsed:.2f} s, "
                      f"peak {cycle_mb:.0f} MB")
                figures[name] = {"fetches": served["hits"], "cycle_s": round(elapsed, 2),
                                 "pieces": len(report.piece_ids), "failed": report.failed,
                                 "not_modified": served["not_modified"],
                                 "peak_mb": round(cycle_mb, 1)}
    finally:
        await store.close()
    return figures


# ------------------------------------------------------------------------------ memory


def _is_tracker(pid: int) -> bool:
    """multiprocessing's resource tracker: a process of the bench's own (spawning the server
    starts it), not a worker of the poller."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class MemoryWatch:
    """Peak resident memory of this process plus its children (a parse pool's workers),
    sampled every 20 ms from /proc; ``exclude`` names children not to count (the server;
    multiprocessing's resource tracker is never counted)."""

    def __init__(self, exclude: set[int] | None = None) -> None:
        self.exclude = exclude or set()
        self.peak_kb = self.cycle_peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    @staticmethod
    def _rss_kb(pid: int | str) -> int:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _children(self) -> list[int]:
        found: list[int] = []
        for task in Path("/proc/self/task").iterdir():
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return [pid for pid in found if pid not in self.exclude and not _is_tracker(pid)]

    def mark(self) -> int:
        """The peak (kB) since the last mark, and start a new one."""
        self.sample()
        peak, self.cycle_peak_kb = self.cycle_peak_kb, 0
        return peak

    def sample(self) -> None:
        total = self._rss_kb("self") + sum(self._rss_kb(pid) for pid in self._children())
        self.peak_kb = max(self.peak_kb, total)
        self.cycle_peak_kb = max(self.cycle_peak_kb, total)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.sample()


# ------------------------------------------------------------------------------ the peer

CYCLES = ("first read", "one new entry per feed", "unchanged (304)")


def _control_sync(port: int, what: str) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_/{what}") as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def run_reader(feeds: int, port: int, workers: int, directory: str, out: Any) -> None:
    """Child process: the ``reader`` library (default settings, full-text search off)
    updating the same feeds as the poller's three cycles."""
    from reader import make_reader

    path = Path(directory) / "reader.sqlite"
    figures: dict[str, Any] = {}
    reader = make_reader(str(path), search_enabled=False)
    for n in range(feeds):
        reader.add_feed(f"http://127.0.0.1:{port}/feed/{n}.xml")
    with MemoryWatch() as memory:
        for name, action in zip(CYCLES, (None, "advance", None), strict=True):
            if action:
                _control_sync(port, action)
            _control_sync(port, "reset")
            memory.mark()
            started = time.perf_counter()
            # scheduled=False: every feed now, as every feed is due in the poller's cycles.
            reader.update_feeds(workers=workers, scheduled=False)
            elapsed = time.perf_counter() - started
            served = _control_sync(port, "stats")
            figures[name] = {"cycle_s": round(elapsed, 2), "fetches": served["hits"],
                             "not_modified": served["not_modified"],
                             "peak_mb": round(memory.mark() / 1024, 1)}
    reader.close()
    with sqlite3.connect(path) as db:
        figures["entries"] = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    figures["peak_mb"] = round(memory.peak_kb / 1024, 1)
    out.send(figures)
    out.close()


def peer_reader(feeds: int, port: int, workers: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as temp:
        parent, child = context.Pipe()
        process = context.Process(target=run_reader, args=(feeds, port, workers, temp, child))
        process.start()
        child.close()  # so a peer that dies makes recv() raise instead of hanging
        figures: dict[str, Any] = parent.recv()
        process.join()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=20, help="entries per feed")
    parser.add_argument("--per-feed", type=int, default=5, help="subscriptions per feed")
    parser.add_argument("--peer", choices=["reader"], help="then run this library on the "
                        "same feeds (a process of its own) and compare")
    parser.add_argument("--peer-workers", type=int, default=8)
    parser.add_argument("--keep", type=Path, help="keep the database in this directory")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(args.feeds, args.entries, child), daemon=True)
    server.start()
    port = parent.recv()
    peer: dict[str, Any] | None = None
    try:
        with tempfile.TemporaryDirectory() as temp, \
                MemoryWatch(exclude={server.pid or 0}) as memory:
            directory = args.keep or Path(temp)
            directory.mkdir(parents=True, exist_ok=True)
            figures = asyncio.run(run(args.feeds, args.per_feed, directory, port, memory))
        if args.peer == "reader":
            _control_sync(port, "rewind")
            peer = peer_reader(args.feeds, port, args.peer_workers)
    finally:
        parent.close()
        server.join(timeout=10)
    peak_mb = memory.peak_kb / 1024
    busy = figures["one new entry per feed"]
    print(f"peak RSS of the polling process and its workers: {peak_mb:.0f} MB")
    result: dict[str, Any] = {
        "fetches_per_cycle": busy["fetches"],
        "cycle_s": busy["cycle_s"],
        "peak_mb": round(peak_mb, 1),
        "urls": figures["feeds"],
        "entries_per_feed": args.entries,
        "subscriptions": figures["subscriptions"],
        "pieces": busy["pieces"],
        "first_read_cycle_s": figures["first read"]["cycle_s"],
        "not_modified_cycle_s": figures["unchanged (304)"]["cycle_s"],
        "not_modified_fetches": figures["unchanged (304)"]["fetches"],
    }
    if peer is not None:
        for name in CYCLES:
            print(f"reader ({args.peer_workers} workers) cycle '{name}': server hits "
                  f"{peer[name]['fetches']:,} ({peer[name]['not_modified']:,} answered 304), "
                  f"{peer[name]['cycle_s']:.2f} s, peak {peer[name]['peak_mb']:.0f} MB")
        print(f"reader: {peer['entries']:,} entries stored, peak RSS {peer['peak_mb']:.0f} MB")
        ratios = {key: round(figures[name]["cycle_s"] / peer[name]["cycle_s"], 3)
                  for key, name in zip(("first_update", "new_entries", "all_304"), CYCLES,
                                       strict=True)}
        result = {"ratio_vs_reader": ratios,
                  "cycle_peak_mb": {key: [figures[name]["peak_mb"], peer[name]["peak_mb"]]
                                    for key, name in zip(("first_update", "new_entries",
                                                          "all_304"), CYCLES, strict=True)},
                  **result,
                  "reader": {"workers": args.peer_workers, "peak_mb": peer["peak_mb"],
                             **{f"{key}_s": peer[name]["cycle_s"] for key, name in zip(
                                 ("first_update", "new_entries", "all_304"), CYCLES,
                                 strict=True)}}}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
