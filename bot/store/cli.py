"""``python -m bot backup`` and ``python -m bot restore``: the store's file copied out and back."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.cliargs import add_database_option, command
from bot.config import Settings
from bot.redact import redact_url

_R = TypeVar("_R")


def add_backup_commands(subparsers: Any) -> None:
    """Register ``backup`` and ``restore`` on the main parser's ``add_subparsers()`` object."""
    backup = command(
        subparsers, "backup", run_backup,
        summary="copy the SQLite store to a file, safe while the bot runs",
        description="Copy the whole record to FILE as it is at one moment, while the bot "
                    "keeps running. On PostgreSQL, prints the pg_dump command to use instead.")
    backup.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="the backup file (replaced if it exists)")
    add_database_option(backup)
    restore = command(
        subparsers, "restore", run_restore,
        summary="put a backup back as the SQLite store (stop the bot first)",
        description="Make the store the record kept in FILE. Refuses a damaged backup, and "
                    "a store that already holds a record unless --replace.")
    restore.add_argument("backup_file", type=Path, metavar="FILE", help="a file from backup")
    restore.add_argument("--replace", action="store_true",
                         help="overwrite a store that already holds a record")
    add_database_option(restore)


async def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.backup import backup

    url = args.database or settings.database_url
    report = await _on_sqlite(url, args.out, False, lambda: backup(url, args.out))
    if report is None:
        return 2
    print(f"Backed up {sum(report.tables.values()):,} rows in {len(report.tables)} tables "
          f"({report.bytes:,} bytes) to {report.path}.", file=sys.stderr)
    return 0


async def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.backup import restore

    url = args.database or settings.database_url
    report = await _on_sqlite(url, args.backup_file, True,
                              lambda: restore(args.backup_file, url, replace=args.replace))
    if report is None:
        return 2
    print(f"Restored {sum(report.tables.values()):,} rows in {len(report.tables)} tables to "
          f"{report.path}.", file=sys.stderr)
    return 0


async def _on_sqlite(url: str, file: Path, restoring: bool, step: Callable[[], _R]) -> _R | None:
    """Run the copy ``step`` off the event loop; ``None`` once the reason it could not is
    printed (a PostgreSQL store, which has its own tools, or a refused file)."""
    from bot.store.backup import BackupError, is_sqlite, postgres_advice

    if not is_sqlite(url):
        advice = postgres_advice(redact_url(url), file, restoring=restoring)
        print(f"counterpoint: {advice}", file=sys.stderr)
        return None
    try:
        return await asyncio.to_thread(step)
    except BackupError as error:
        print(f"counterpoint: {error}", file=sys.stderr)
        return None


def add_copy_command(subparsers: Any) -> None:
    """Register ``copy-store`` on the main parser's ``add_subparsers()`` object."""
    copy = subparsers.add_parser(
        "copy-store", help="copy the whole record to another database (SQLite to PostgreSQL)",
        description="Copy every table, ids and all, from one database to another (SQLite to "
                    "PostgreSQL, or back), then verify each table's row count and checksum. "
                    "Stop the bot first. A copy cut short can be run again: it resumes.")
    copy.add_argument("--from", dest="source", required=True, metavar="URL",
                      help="the database to copy (e.g. sqlite:///counterpoint.db)")
    copy.add_argument("--to", dest="target", required=True, metavar="URL",
                      help="the database to copy into (e.g. postgresql://bot@db/counterpoint)")
    copy.add_argument("--replace", action="store_true",
                      help="empty the target first if it already holds a record")
    copy.set_defaults(handler=run_copy)


async def run_copy(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.copy import CopyError, copy_store

    def note(text: str) -> None:
        print(text, file=sys.stderr)

    try:
        report = await copy_store(args.source, args.target, replace=args.replace,
                                  progress=note)
    except CopyError as error:
        print(f"counterpoint: {error}", file=sys.stderr)
        return 2
    print(f"Copied {report.rows:,} rows in {len(report.tables)} tables from {report.source} "
          f"to {report.target}; every table verified (row count and checksum).",
          file=sys.stderr)
    return 0
