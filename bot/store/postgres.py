"""The PostgreSQL backend, through an asyncpg pool: for several bot processes on one database.

Each store method is one transaction on a pooled connection (READ COMMITTED). Rows a method
reads and then changes are locked with ``FOR UPDATE``; due feeds are claimed with
``FOR UPDATE SKIP LOCKED`` so concurrent pollers split the work instead of queueing on it.
Extra query parameters in the URL become server settings (``?search_path=myschema``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from bot.store.base import Conn
from bot.store.records import Conflict, NotFound, StoreError
from bot.store.rows import Row
from bot.store.store import Store

#: First half of the advisory lock key that serialises migrators (second: the schema's hash).
_MIGRATION_LOCK = 0x43_50_4D_47  # "CPMG"
_SHARD_LOCK = 0x43_50_53_48  # "CPSH"


class _Conn:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return list(await self._conn.fetch(sql, *args))

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        row: Row | None = await self._conn.fetchrow(sql, *args)
        return row

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self._conn.fetchval(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        status: str = await self._conn.execute(sql, *args)
        # Status tags end in the row count ("UPDATE 3", "INSERT 0 1"); DDL has none.
        last = status.rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0


class PostgresStore(Store):
    dialect = "postgres"
    _for_update = " FOR UPDATE"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._closed = False

    @classmethod
    async def connect(cls, url: str, *, min_size: int = 1, max_size: int = 10) -> PostgresStore:
        # asyncpg knows postgresql:// and postgres://, not SQLAlchemy's "+driver" suffix.
        scheme, sep, rest = url.partition("://")
        dsn = f"{scheme.split('+', 1)[0]}{sep}{rest}"
        try:
            pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size)
        except (OSError, asyncpg.PostgresError) as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from exc
        return cls(pool)

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[Conn]:
        if self._closed:
            raise StoreError("the store is closed")
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                yield _Conn(conn)
        except asyncpg.ForeignKeyViolationError as exc:
            raise NotFound(f"a referenced row does not exist ({exc})") from exc
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(str(exc)) from exc
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise StoreError(str(exc)) from exc

    async def _lock_vote(self, conn: Conn, kind: str, target_id: int, member_id: int) -> None:
        # Row locks cannot cover a vote row that does not exist yet, and toggles insert and
        # delete it; a transaction-scoped advisory lock on the (target, member) key serialises
        # the clicks instead (a hash collision only serialises two unrelated clicks).
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            f"counterpoint:vote:{kind}:{target_id}:{member_id}")

    async def _lock_migrations(self, conn: Conn) -> None:
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", _MIGRATION_LOCK)

    async def _lock_shards(self, conn: Conn) -> None:
        # Claims are checked across rows (a shard count must agree with every other claim):
        # one claimer at a time per schema.
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", _SHARD_LOCK)

    def _migrations_table_sql(self) -> str:
        return ("CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")

    async def _has_table(self, conn: Conn, name: str) -> bool:
        return bool(await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", name))

    async def _catalog(self, conn: Conn) -> dict[str, tuple[str, ...]]:
        rows = await conn.fetch(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_schema = c.table_schema"
            " AND t.table_name = c.table_name"
            " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
            " ORDER BY c.table_name, c.ordinal_position")
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row["table_name"], []).append(row["column_name"])
        return {name: tuple(columns) for name, columns in found.items()}

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._pool.close()
