"""Backups of a SQLite store, safe while the bot runs, and restoring one.

A backup goes through SQLite's online backup API in one step: it reads the database inside one
read transaction, so the copy is the record as of one moment even while votes are being
written (the store runs in WAL mode, where a reader never blocks the writer, nor the writer the
reader). It is written beside the destination and renamed into place only once SQLite's own
integrity check passes on it, so a backup file is always whole.

Restoring copies a backup into the store's file through the same API (SQLite then rewrites
the file and its write-ahead log consistently), refusing a backup that fails the integrity
check or is not a Counterpoint store, and refusing to overwrite a store that holds a record
unless told to. Stop the bot first: a running bot would keep writing to the old record.

PostgreSQL has its own tools for this (``pg_dump``, ``pg_restore``); :func:`postgres_advice`
says which command to run.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.store.sqlite import sqlite_path


class BackupError(Exception):
    """A backup or restore that cannot be done as asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    bytes: int
    tables: dict[str, int]  # rows per table, as copied


def is_sqlite(url: str) -> bool:
    return url.lower().startswith("sqlite:")


def backup(url: str, out: Path) -> BackupReport:
    """Copy the SQLite store at ``url`` to the file ``out`` (replaced if it exists)."""
    source_path = _existing(url)
    if out.is_dir():
        raise BackupError(f"{out} is a folder; give the backup file's name")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(partial)
    try:
        source.execute("PRAGMA busy_timeout = 30000")
        try:
            source.backup(target)  # pages=-1: all of it, in one read transaction
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source_path} could not be read ({error})") from None
        tables = _check(target, what=f"the copy of {source_path}")
    finally:
        target.close()
        source.close()
    os.replace(partial, out)
    return BackupReport(out, out.stat().st_size, tables)


def restore(backup_file: Path, url: str, *, replace: bool = False) -> BackupReport:
    """Make the SQLite store at ``url`` the record kept in ``backup_file``."""
    if not backup_file.is_file():
        raise BackupError(f"no backup file at {backup_file}")
    source = sqlite3.connect(f"file:{backup_file.resolve()}?mode=ro", uri=True)
    try:
        tables = _check(source, what=str(backup_file))
        target_path = Path(sqlite_path(url))
        target = sqlite3.connect(target_path)
        try:
            target.execute("PRAGMA busy_timeout = 30000")
            held = {t: n for t, n in _rows(target).items() if n and t != "schema_migrations"}
            if held and not replace:
                raise BackupError(
                    f"{target_path} already holds a record ({sum(held.values())} rows); stop "
                    "the bot and pass --replace to overwrite it with the backup")
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return BackupReport(target_path, target_path.stat().st_size, tables)


def postgres_advice(url: str, out: Path | None = None, *, restoring: bool = False) -> str:
    """What to run instead on PostgreSQL (the URL as given, so credentials stay the user's)."""
    if restoring:
        source = str(out) if out is not None else "FILE"
        return (f"PostgreSQL restores with its own tool: pg_restore --clean --if-exists "
                f"--no-owner --dbname '{url}' {source} (stop the bot first)")
    target = str(out) if out is not None else "FILE"
    return (f"PostgreSQL backs up with its own tool, safe while the bot runs: pg_dump "
            f"--format=custom --file {target} '{url}'")


def _existing(url: str) -> Path:
    path = sqlite_path(url)
    if path == ":memory:" or not Path(path).is_file():
        raise BackupError(f"no SQLite store at {path} (check COUNTERPOINT_DATABASE_URL or "
                          "--database)")
    return Path(path)


def _check(db: sqlite3.Connection, *, what: str) -> dict[str, int]:
    """Rows per table of a whole, Counterpoint database; :class:`BackupError` otherwise."""
    try:
        verdict = db.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{what} is not a readable SQLite database ({error})") from None
    if verdict is None or verdict[0] != "ok":
        raise BackupError(f"{what} is damaged (SQLite's integrity check: {verdict})")
    tables = _rows(db)
    if "schema_migrations" not in tables:
        raise BackupError(f"{what} is not a Counterpoint store (no schema_migrations table)")
    return tables


def _rows(db: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    # Names come from the database's own catalog, quoted as identifiers.
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}
