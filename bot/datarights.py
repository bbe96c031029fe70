"""Servers' and members' data rights, for /admin export-data and delete-data, /me export and
delete, and the deletion that follows the bot's removal from a server.

What belongs to whom is the store's ownership map (:mod:`bot.store.datarights`); this module
runs the long jobs over it, reporting progress as (rows done, rows total) through an async
callback, and writes the archives:

- a server's archive is gzip-compressed JSON (``"format": "counterpoint-server-data"``):
  every table of the map with the server's rows (``columns`` and ``rows`` as arrays, in key
  order), the feeds its subscriptions follow under ``shared``, and the tables that hold no
  server's data under ``not_exported`` with the reason. Times are ISO 8601 in UTC; ids
  (``id``, ``*_id``, ``*_by``) are strings.
- a member's file is JSON (``"format": "counterpoint-member-data"``): every row, in every
  table, that holds their id, in the same shape.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bot.cliargs import add_server_options
from bot.store import Store
from bot.store.datarights import (
    SERVER_TABLES,
    TABLES,
    DataExport,
    MemberErasure,
    Page,
    SharedTable,
    converter,
    value_out,
)

Progress = Callable[[int, int], Awaitable[None]]
SERVER_FORMAT = "counterpoint-server-data"
MEMBER_FORMAT = "counterpoint-member-data"
VERSION = 1
#: Rows read per query (and between two progress reports) when exporting.
PAGE = 2000
#: Rows deleted per transaction.
BATCH = 5000


async def _no_progress(done: int, total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ServerArchive:
    """A server's data as a gzip file, and what it holds."""

    data: bytes
    rows: int
    tables: dict[str, int]
    #: Earlier exports of the server found stopped half-way (a restart), now marked so.
    interrupted: tuple[DataExport, ...]


def _rows(page: Page) -> list[list[Any]]:
    # Only the columns that need it are converted (times, ids), each by a function chosen
    # once per page: 100,000 votes are 800,000 cells.
    converted = [(i, convert) for i, column in enumerate(page.columns)
                 if (convert := converter(column)) is not None]
    rows = []
    for row in page.rows:
        values = list(row)
        for i, convert in converted:
            if values[i] is not None:
                values[i] = convert(values[i])
        rows.append(values)
    return rows


async def export_server(store: Store, guild_id: int, requested_by: int, *, owner: str,
                        progress: Progress = _no_progress, page_size: int = PAGE,
                        now: datetime | None = None) -> ServerArchive:
    """Every row the bot keeps for ``guild_id``, as a compressed JSON archive.

    The export is recorded (``data_exports``) with its progress, renewed each page, so one
    stopped by a restart is found and reported as interrupted by the next one.
    """
    await store.check_rights_map()
    job, interrupted = await store.start_server_export(guild_id, requested_by, owner, now=now)
    try:
        counts = await store.count_server_rows(guild_id)
        total = sum(counts.values())
        done = 0
        await progress(done, total)
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            head = {"format": SERVER_FORMAT, "version": VERSION, "guild_id": str(guild_id),
                    "exported_at": (now or datetime.now(UTC)).isoformat()}
            out.write(json.dumps(head)[:-1] + ', "tables": {')
            for index, table in enumerate(SERVER_TABLES):
                belongs = (table.guild_column if table.parent is None
                           else f"{table.guild_column} -> {table.parent}.id")
                out.write(("" if index == 0 else ", ") + json.dumps(table.name) + ": ")
                after = None
                first = True
                while True:
                    page = await store.server_page(table.name, guild_id, after=after,
                                                   limit=page_size)
                    if first:
                        out.write(json.dumps({"belongs_to": belongs, "count": counts[table.name],
                                              "columns": list(page.columns)})[:-1]
                                  + ', "rows": [')
                    _write_rows(out, page, first)
                    first = False
                    done += len(page.rows)
                    await store.export_progress(job.id, done, total)
                    await progress(done, total)
                    await asyncio.sleep(0)  # let clicks be answered between pages
                    if page.after is None:
                        break
                    after = page.after
                out.write("]}")
            out.write('}, "shared": {"feeds": ')
            await _write_table(out, lambda after: store.shared_feeds_page(
                guild_id, after=after, limit=page_size))
            reasons = {t.name: t.reason for t in TABLES if isinstance(t, SharedTable)}
            out.write('}, "not_exported": ' + json.dumps(
                {name: why for name, why in reasons.items() if name != "feeds"}) + "}")
            out.flush()
            out.detach()
    except asyncio.CancelledError:
        await asyncio.shield(store.finish_server_export(job.id, "interrupted"))
        raise
    except BaseException:
        await store.finish_server_export(job.id, "failed")
        raise
    await store.finish_server_export(job.id, "done")
    return ServerArchive(buffer.getvalue(), done, counts, tuple(interrupted))


def _write_rows(out: IO[str], page: Page, first: bool) -> None:
    rows = _rows(page)
    if not rows:
        return
    text = ", ".join(json.dumps(row) for row in rows)
    out.write(text if first else ", " + text)


async def _write_table(out: IO[str],
                       read: Callable[[tuple[Any, ...] | None], Awaitable[Page]]) -> None:
    after = None
    first = True
    while True:
        page = await read(after)
        if first:
            out.write(json.dumps({"columns": list(page.columns)})[:-1] + ', "rows": [')
        _write_rows(out, page, first)
        first = False
        if page.after is None:
            break
        after = page.after
    out.write("]}")


def read_archive(data: bytes) -> dict[str, Any]:
    """A server archive back as JSON (what a moderator's tools would do with it)."""
    loaded: dict[str, Any] = json.loads(gzip.decompress(data))
    return loaded


async def delete_server(store: Store, guild_id: int, *, owner: str,
                        progress: Progress = _no_progress, batch: int = BATCH,
                        take_over: bool = False, now: datetime | None = None) -> bool:
    """Carry out the server's recorded deletion, batch by batch; ``True`` once every row is
    gone, ``False`` if it is not due or another live process runs it. Safe to run again
    after a crash: it carries on where the last batch ended."""
    deletion = await store.claim_server_deletion(guild_id, owner, now=now, take_over=take_over)
    if deletion is None:
        return False
    total = deletion.rows_total or 0
    await progress(deletion.rows_done, total)
    while True:
        state = await store.delete_server_batch(guild_id, owner, limit=batch, now=now)
        if state is None:
            await progress(total, total)
            return True
        await progress(min(state.rows_done, total), total)
        await asyncio.sleep(0)


async def export_member(store: Store, member_id: int, *, now: datetime | None = None) -> bytes:
    """Every row that holds ``member_id``, as JSON: their contributions (with earlier
    versions), votes, awards and the rest."""
    found = await store.member_rows(member_id)
    document = {
        "format": MEMBER_FORMAT, "version": VERSION, "member_id": str(member_id),
        "exported_at": (now or datetime.now(UTC)).isoformat(),
        "tables": {name: {"columns": list(columns), "rows": [
            [value_out(c, v) for c, v in zip(columns, row, strict=True)] for row in rows]}
            for name, (columns, rows) in found.items() if rows},
    }
    return json.dumps(document, indent=1).encode("utf-8")


async def count_member_rows(store: Store, member_id: int) -> dict[str, int]:
    """How many rows of each table hold ``member_id`` (what /me delete will change)."""
    found = await store.member_rows(member_id)
    return {name: len(rows) for name, (_, rows) in found.items() if rows}


async def erase_member(store: Store, member_id: int, *,
                       now: datetime | None = None) -> MemberErasure:
    """``/me delete``: see :meth:`bot.store.Store.erase_member`."""
    return await store.erase_member(member_id, now=now)


# --- python -m bot export-data -------------------------------------------------------------------


def add_export_data_command(subparsers: Any) -> Any:
    """Register ``export-data`` on the main parser's ``add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "export-data", help="every row kept for one server, as a compressed JSON archive",
        description="What /admin export-data sends, without Discord's 10 MB limit: every row "
                    "the bot keeps for the server, as gzip-compressed JSON.")
    add_server_options(parser)
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="the archive to write (.json.gz)")
    parser.set_defaults(handler=run_export_data_command)
    return parser


async def run_export_data_command(args: Any, settings: Any) -> int:
    """Handler of ``export-data``: progress on stderr, 0 once the archive is written."""
    import os
    import sys

    from bot.store import open_store

    store = await open_store(args.database or settings.database_url)
    shown = -1

    async def progress(done: int, total: int) -> None:
        nonlocal shown
        tenth = done * 10 // total if total else 10
        if tenth != shown:
            shown = tenth
            print(f"{done:,} / {total:,} rows", file=sys.stderr)

    try:
        archive = await export_server(store, args.guild, 0, owner=f"cli:{os.getpid()}",
                                      progress=progress)
    finally:
        await store.close()
    await asyncio.to_thread(Path(args.out).write_bytes, archive.data)
    print(f"{archive.rows:,} rows written to {args.out}", file=sys.stderr)
    return 0
