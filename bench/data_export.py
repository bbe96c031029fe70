"""Benchmark: /admin export-data of one server with 100,000 votes, through the store API.

One server with a piece of 5 arguments and 100,000 votes on them (bulk inserted with SQL for
setup speed only), exported as /admin export-data does it: every table of the server in
pages, gzip-compressed JSON, progress reported per page. Prints the time and the archive's
size; the last line is one JSON object with ``export_ms``.

    .venv/bin/python bench/data_export.py [--database URL] [--votes 100000]

Without ``--database`` it runs on a fresh SQLite file (PostgreSQL: give an empty schema, e.g.
``postgresql://postgres@127.0.0.1/test?search_path=bench``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import datarights
from bot.articles.model import Argument, Piece
from bot.store import Store, open_store
from tests.store.datarights_helpers import bulk_votes

GUILD = 900_000_000_000_000_001
CHANNEL = 900_000_000_000_000_002
NOW = datetime(2026, 11, 16, 9, tzinfo=UTC)


async def setup(store: Store, votes: int) -> None:
    piece = Piece(thesis="Build more housing.", arguments=tuple(
        Argument(number=n, title=f"Reason {n}", marker=None, text=f"Reason {n}.")
        for n in range(1, 6)), announced_count=5, conclusion=None, title="Build",
        author=None, url="https://example.org/build", outlet=None)
    record = await store.create_piece(GUILD, CHANNEL, piece, now=NOW)
    assert record is not None
    await store.begin_publishing(record.id, now=NOW)
    await store.finish_publishing(record.id, now=NOW)
    arguments = [a.id for a in await store.list_arguments(record.id)]
    await bulk_votes(store, GUILD, arguments, votes, NOW)


async def measure(url: str, votes: int) -> dict[str, object]:
    store = await open_store(url)
    try:
        await setup(store, votes)
        reports = 0

        async def progress(done: int, total: int) -> None:
            nonlocal reports
            reports += 1

        started = time.perf_counter()
        archive = await datarights.export_server(store, GUILD, 1, owner="bench",
                                                 progress=progress)
        elapsed = time.perf_counter() - started
        loaded = datarights.read_archive(archive.data)
        assert len(loaded["tables"]["votes"]["rows"]) == votes
        print(f"{store.dialect}: exported {archive.rows:,} rows in {elapsed * 1000:.0f} ms, "
              f"{len(archive.data) / 2**20:.2f} MB compressed, {reports} progress reports")
        return {"export_ms": round(elapsed * 1000, 1), "rows": archive.rows, "votes": votes,
                "archive_bytes": len(archive.data), "progress_reports": reports,
                "backend": store.dialect}
    finally:
        await store.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", metavar="URL")
    parser.add_argument("--votes", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'export-bench.db'}"
        result = await measure(url, args.votes)
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
