"""``python -m bot copy-store``: the whole record copied from one database to another.

SQLite to PostgreSQL (the usual move, when a server outgrows one process) and back, or
between two databases of the same kind. Both ends are brought to the current schema first;
then every table is copied with its ids, parents before children (by the foreign keys), in
batches of rows each written in one transaction with ``ON CONFLICT DO NOTHING``, so a copy
cut short (a crash, Ctrl-C, a lost connection) is simply run again: rows already there are
kept, the rest are added, and a table already complete is only verified. Each table is then
verified: the same number of rows on both sides and the same checksum (SHA-256 over its rows in
key order, each value in one form whichever database holds it: timestamps as microseconds,
booleans as 0/1). PostgreSQL's id sequences are set past the highest id copied, so the bot's
next insert does not collide.

The target must hold no record (only the schema), unless it is a copy from the same source
not yet verified (resuming it), or ``replace`` is given (its tables are emptied first). The
bot must not run on either database meanwhile. Shard claims (leases of running processes) and
the migrations table (each end keeps its own) are not copied.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from bot.redact import redact_url
from bot.store import Store, StoreError, open_store
from bot.store.base import Conn
from bot.store.rows import encode_ts, parse_ts

log = logging.getLogger(__name__)

#: Tables that are not the record: each database's own migrations, running processes' leases,
#: and the copy's own bookkeeping.
NOT_COPIED = frozenset({"schema_migrations", "shard_claims", "store_copies"})
#: Rows read and written per transaction.
BATCH = 5000
#: Bound parameters per INSERT statement (SQLite allows 32,766, PostgreSQL 32,767).
PARAMETERS = 30000

Progress = Callable[[str], Awaitable[None] | None]


class CopyError(StoreError):
    """The copy cannot go on (a non-empty target, the same database twice, a mismatch)."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    """One table's outcome: rows on each side and their checksum (equal once verified)."""

    name: str
    rows: int
    copied: int
    checksum: str
    skipped: bool  # already complete in the target: only verified


@dataclass(slots=True)
class CopyReport:
    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    kind: str  # "timestamp", "boolean" or "other"


class _Catalog:
    """What a database says about its own tables (the one place the two dialects differ)."""

    def __init__(self, store: Store) -> None:
        self.dialect = store.dialect

    async def tables(self, conn: Conn) -> list[str]:
        if self.dialect == "sqlite":
            rows = await conn.fetch(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name")
        else:
            rows = await conn.fetch(
                "SELECT table_name AS name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                " ORDER BY table_name")
        return [str(r["name"]) for r in rows]

    async def parents(self, conn: Conn, table: str) -> set[str]:
        """The tables ``table``'s foreign keys point to (itself left out)."""
        if self.dialect == "sqlite":
            rows = await conn.fetch('SELECT "table" AS parent FROM pragma_foreign_key_list($1)',
                                    table)
        else:
            rows = await conn.fetch(
                "SELECT DISTINCT ccu.table_name AS parent"
                " FROM information_schema.table_constraints tc"
                " JOIN information_schema.constraint_column_usage ccu"
                " ON tc.constraint_name = ccu.constraint_name"
                " AND tc.table_schema = ccu.table_schema"
                " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = $1"
                " AND tc.table_schema = current_schema()", table)
        return {str(r["parent"]) for r in rows} - {table}

    async def columns(self, conn: Conn, table: str) -> list[_Column]:
        if self.dialect == "sqlite":
            rows = await conn.fetch("SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
                                    table)
            return [_Column(str(r["name"]), "other") for r in rows]
        rows = await conn.fetch(
            "SELECT column_name AS name, data_type AS type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = $1"
            " ORDER BY ordinal_position", table)
        kinds = {"timestamp with time zone": "timestamp", "boolean": "boolean"}
        return [_Column(str(r["name"]), kinds.get(str(r["type"]), "other")) for r in rows]

    async def key(self, conn: Conn, table: str) -> list[str]:
        """The primary key's columns, in key order (the order rows are copied and hashed in)."""
        if self.dialect == "sqlite":
            rows = await conn.fetch(
                "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk", table)
        else:
            rows = await conn.fetch(
                "SELECT a.attname AS name FROM pg_index i"
                " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                " WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary"
                " ORDER BY array_position(i.indkey::int2[], a.attnum)", table)
        return [str(r["name"]) for r in rows]

    async def reset_sequence(self, conn: Conn, table: str) -> None:
        """Set the table's id sequence past its highest id (PostgreSQL; SQLite's rowids
        continue from the highest by themselves)."""
        if self.dialect == "sqlite":
            return
        sequence = await conn.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
        if sequence is None:
            return
        await conn.execute(
            f'SELECT setval($1, COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)',
            sequence)


def _ordered(tables: dict[str, set[str]]) -> list[str]:
    """Parents before children (a table's rows reference only tables copied before it)."""
    done: list[str] = []
    left = dict(tables)
    while left:
        ready = sorted(t for t, parents in left.items() if not (parents - set(done)) & set(left))
        if not ready:  # a cycle (none in our schema): copy the rest in name order
            ready = sorted(left)
        for table in ready:
            done.append(table)
            del left[table]
    return done


def _canonical(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return encode_ts(value)
    return value


def _to_target(value: Any, column: _Column) -> Any:
    """A value as the target takes it: PostgreSQL wants datetimes and booleans where SQLite
    stores integers (the SQLite backend turns datetimes and booleans into integers itself)."""
    if value is None:
        return None
    if column.kind == "timestamp" and not isinstance(value, datetime):
        return parse_ts(value)
    if column.kind == "boolean" and not isinstance(value, bool):
        return bool(value)
    return value


class _Table:
    def __init__(self, name: str, columns: list[_Column], key: list[str]) -> None:
        self.name = name
        self.columns = columns
        self.key = key or [c.name for c in columns]
        self.names = ", ".join(f'"{c.name}"' for c in columns)
        self.order = ", ".join(f'"{k}"' for k in self.key)
        self.key_at = [[c.name for c in columns].index(k) for k in self.key]
        #: Columns whose values the two databases spell differently (set once the target's
        #: columns are known): only these are converted, for speed.
        self.special: list[int] = []
        self.target_columns: list[_Column] = columns

    def select(self, after: tuple[Any, ...] | None) -> tuple[str, list[Any]]:
        """The next batch after the row whose key is ``after`` (keyset paging: no OFFSET)."""
        if after is None:
            return f'SELECT {self.names} FROM "{self.name}" ORDER BY {self.order} LIMIT $1', \
                [BATCH]
        marks = ", ".join(f"${n + 2}" for n in range(len(after)))
        return (f'SELECT {self.names} FROM "{self.name}" WHERE ({self.order}) > ({marks})'
                f" ORDER BY {self.order} LIMIT $1", [BATCH, *after])

    def canonical(self, row: tuple[Any, ...]) -> bytes:
        if self.special:
            values = list(row)
            for index in self.special:
                values[index] = _canonical(values[index])
            row = tuple(values)
        return repr(row).encode()


async def _count(store: Store, table: str) -> int:
    async with store._tx() as conn:
        return int(await conn.fetchval(f'SELECT COUNT(*) FROM "{table}"'))


async def _batches(store: Store, table: _Table) -> Any:
    after: tuple[Any, ...] | None = None
    while True:
        sql, args = table.select(after)
        async with store._read_tx() as conn:
            rows = await conn.fetch(sql, *args)
        if not rows:
            return
        batch: list[tuple[Any, ...]] = [tuple(cast(Any, row)) for row in rows]
        yield batch
        if len(batch) < BATCH:
            return
        last = batch[-1]
        after = tuple(last[i] for i in table.key_at)


def _hash(digest: Any, table: _Table, rows: Sequence[tuple[Any, ...]]) -> None:
    digest.update(b"\n".join(table.canonical(row) for row in rows))
    digest.update(b"\n")


async def _checksum(store: Store, table: _Table) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    async for rows in _batches(store, table):
        _hash(digest, table, rows)
        count += len(rows)
    return count, digest.hexdigest()


async def _insert(conn: Conn, table: _Table, rows: Sequence[tuple[Any, ...]]) -> int:
    width = len(table.columns)
    per_statement = max(1, PARAMETERS // width)
    written = 0
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        args: list[Any] = []
        for row in chunk:
            if table.special:
                values = list(row)
                for index in table.special:
                    values[index] = _to_target(values[index], table.target_columns[index])
                args.extend(values)
            else:
                args.extend(row)
        values_sql = ", ".join(
            "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")"
            for r in range(len(chunk)))
        written += await conn.execute(
            f'INSERT INTO "{table.name}" ({table.names}) VALUES {values_sql}'
            " ON CONFLICT DO NOTHING", *args)
    return written


async def _note(progress: Progress | None, text: str) -> None:
    log.info("%s", text)
    if progress is not None:
        result = progress(text)
        if result is not None:
            await result


async def copy_store(source_url: str, target_url: str, *, replace: bool = False,
                     progress: Progress | None = None) -> CopyReport:
    """Copy every table of ``source_url`` into ``target_url`` and verify it (see the module
    docstring). Raises :class:`CopyError` when the target holds another record (without
    ``replace``) or a table does not verify."""
    source_name, target_name = redact_url(source_url), redact_url(target_url)
    if source_url == target_url:
        raise CopyError("--from and --to name the same database: nothing to copy")
    source = await open_store(source_url)
    try:
        target = await open_store(target_url)
        try:
            return await _copy(source, target, source_name, target_name, replace, progress)
        finally:
            await target.close()
    finally:
        await source.close()


async def _copy(source: Store, target: Store, source_name: str, target_name: str,
                replace: bool, progress: Progress | None) -> CopyReport:
    source_catalog, target_catalog = _Catalog(source), _Catalog(target)
    async with source._tx() as conn:
        names = [t for t in await source_catalog.tables(conn) if t not in NOT_COPIED]
        parents = {t: await source_catalog.parents(conn, t) for t in names}
        tables = {t: _Table(t, await source_catalog.columns(conn, t),
                            await source_catalog.key(conn, t)) for t in names}
    async with target._tx() as conn:
        target_tables = set(await target_catalog.tables(conn))
        missing = [t for t in names if t not in target_tables]
        if missing:
            raise CopyError(f"{target_name} has no table {missing[0]!r}: is it a newer "
                            "version of Counterpoint's schema on the source? Update the bot "
                            "and run `python -m bot migrate` on both first.")
        for name, table in tables.items():
            by_name = {c.name: c for c in await target_catalog.columns(conn, name)}
            absent = [c.name for c in table.columns if c.name not in by_name]
            if absent:
                raise CopyError(f"{target_name}'s table {name} has no column {absent[0]!r}: "
                                "bring both databases to the same version first "
                                "(`python -m bot migrate --database URL`).")
            table.target_columns = [by_name[c.name] for c in table.columns]
            table.special = [i for i, (mine, theirs) in enumerate(
                zip(table.columns, table.target_columns, strict=True))
                if mine.kind != "other" or theirs.kind != "other"]
        resuming = await conn.fetchval(
            "SELECT COUNT(*) FROM store_copies WHERE source = $1 AND NOT finished", source_name)
    order = _ordered({t: parents[t] & set(names) for t in names})
    held = {t: await _count(target, t) for t in order}
    if any(held.values()):
        if replace:
            await _note(progress, f"emptying {target_name} first (--replace)")
            async with target._tx() as conn:
                for name in reversed(order):
                    await conn.execute(f'DELETE FROM "{name}"')
            held = dict.fromkeys(order, 0)
        elif not resuming:
            first = next(t for t in order if held[t])
            raise CopyError(
                f"{target_name} already holds a record ({held[first]:,} rows in {first}, "
                f"{sum(held.values()):,} in all) that is not an unfinished copy of "
                f"{source_name}. Copy into an empty database, or add --replace to empty it "
                "first (its current record is then lost).")
        else:
            await _note(progress, f"resuming an unfinished copy of {source_name}")
    async with target._tx() as conn:
        await conn.execute("DELETE FROM store_copies WHERE source = $1", source_name)
        await conn.execute("INSERT INTO store_copies (source, finished) VALUES ($1, $2)",
                           source_name, False)
    report = CopyReport(source_name, target_name)
    for name in order:
        table = tables[name]
        # One pass over the source: each batch hashed and written (rows already in the
        # target, from a run cut short, are left as they are).
        digest = hashlib.sha256()
        rows = copied = 0
        async for batch in _batches(source, table):
            _hash(digest, table, batch)
            rows += len(batch)
            async with target._tx() as conn:
                copied += await _insert(conn, table, batch)
        checksum = digest.hexdigest()
        skipped = rows > 0 and copied == 0
        if copied and any(c.name == "id" for c in table.columns):
            async with target._tx() as conn:
                await target_catalog.reset_sequence(conn, name)
        there, there_sum = await _checksum(target, table)
        if there != rows or there_sum != checksum:
            raise CopyError(
                f"table {name} does not verify: {rows:,} rows in {source_name}, {there:,} in "
                f"{target_name}" + ("" if there != rows else " (same count, other content)")
                + ". Was the bot running on either database? Stop it and run the copy "
                "again with --replace.")
        report.tables.append(TableCopy(name, rows, copied, checksum, skipped))
        await _note(progress, f"{name}: {rows:,} rows "
                              f"{'already there' if skipped else f'copied ({copied:,} new)'}, "
                              f"verified (sha256 {checksum[:12]})")
    async with target._tx() as conn:
        await conn.execute("UPDATE store_copies SET finished = $2 WHERE source = $1",
                           source_name, True)
    log.info("copied %s rows in %d tables at %s", report.rows, len(report.tables),
             datetime.now(UTC).isoformat())
    return report
