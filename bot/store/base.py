"""What a storage backend provides, and the few helpers every query goes through.

A backend (:mod:`bot.store.sqlite`, :mod:`bot.store.postgres`) gives the store its
connections and transactions and its locks (migrations, votes); its dialect's bits of SQL
(array and row parameters, typed placeholders, skipping locked rows) stand side by side in
:data:`DIALECT_SQL`. Everything else, the queries of
each domain, is written once in the domain modules and composed into
:class:`bot.store.store.Store`. Queries use ``$n`` placeholders (asyncpg's style; the SQLite
backend rewrites them).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from bot.store.records import Conflict, NotFound
from bot.store.rows import R, Row, from_row
from bot.store.schema import load_migrations

_T = TypeVar("_T")

if TYPE_CHECKING:
    from bot.store.store import Store


class _Unset:
    """Marker for "leave this field as it is" in partial updates (``None`` is a real value)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


class Conn(Protocol):
    """One connection inside one transaction, as the backends expose it."""

    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def fetchrow(self, sql: str, *args: Any) -> Row | None: ...

    async def fetchval(self, sql: str, *args: Any) -> Any: ...

    async def execute(self, sql: str, *args: Any) -> int:
        """Run a statement; returns the number of rows it changed."""
        ...


def one_of(column: str, values: Sequence[str]) -> str:
    """``column IN (...)`` with the values as literals: only ever known ones (states, modes)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Where:
    """A WHERE clause built from optional filters, numbering placeholders as it goes."""

    def __init__(self, *args: Any) -> None:
        self.args: list[Any] = list(args)
        self.terms: list[str] = []

    def placeholder(self, value: Any) -> str:
        """``$n`` for ``value``, now the statement's n-th argument (SET clauses use it too)."""
        self.args.append(value)
        return f"${len(self.args)}"

    def add(self, template: str, value: Any) -> None:
        """``template`` holds ``{}`` where the placeholder for ``value`` goes."""
        self.terms.append(template.format(self.placeholder(value)))

    def add_optional(self, template: str, value: Any) -> None:
        """``add`` unless ``value`` is ``None`` (a filter not asked for)."""
        if value is not None:
            self.add(template, value)

    def add_one_of(self, column: str, values: Sequence[str] | None, known: Sequence[str],
                   what: str) -> bool:
        """``column IN (...)`` with ``values`` as literals, unless ``values`` is ``None`` (a
        filter not asked for); ``ValueError`` naming ``what`` for a value not in ``known`` (so
        only those are ever written into the SQL). ``False`` when ``values`` is empty: no row
        can match, and the caller need not ask."""
        if values is None:
            return True
        bad = set(values) - set(known)
        if bad:
            raise ValueError(f"unknown {what} {sorted(bad)}")
        if not values:
            return False
        self.terms.append(one_of(column, values))
        return True

    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.terms)}" if self.terms else ""


#: The bits of query SQL that differ between the databases, side by side; the rest of every
#: query is written once. Placeholders: ``{n}`` a parameter's number, ``{sql_type}`` its
#: type, ``{index}`` an item of a JSON array, ``{alias}`` a table's alias.
DIALECT_SQL: dict[str, dict[str, str]] = {
    "sqlite": {
        "array": "json_each(${n}) AS t",
        "param": "${n}",  # SQLite infers nothing and needs nothing
        "json_elements": "json_each(${n})",
        "json_item": "json_extract(value, '$[{index}]')",
        "skip_locked": "",  # writers run one at a time anyway
    },
    "postgres": {
        "array": "unnest(${n}::{sql_type}[]) AS t(value)",
        "param": "${n}::{sql_type}",
        "json_elements": "jsonb_array_elements(${n}::jsonb)",
        "json_item": "(value->>{index})::{sql_type}",
        "skip_locked": " FOR UPDATE OF {alias} SKIP LOCKED",
    },
}


class Backend(ABC):
    """A database the store runs on: what differs between SQLite and PostgreSQL."""

    #: ``"sqlite"`` or ``"postgres"``: the dialect migrations are rendered in and queries take
    #: their bits of SQL from (:data:`DIALECT_SQL`); never for branching in query code.
    dialect: str
    #: Appended to a SELECT that must lock the rows it reads (empty where locks don't exist).
    _for_update = ""

    @abstractmethod
    def _tx(self) -> AbstractAsyncContextManager[Conn]:
        """``async with self._tx() as conn``: one transaction, committed on success.

        On SQLite it takes the write lock up front (BEGIN IMMEDIATE) so a read-then-write
        never fails half-way on a lock.
        """

    async def _transaction(self, body: Callable[[Conn], Awaitable[_T]]) -> _T:
        """``await body(conn)`` in one transaction. For a hot path whose ``body`` awaits
        nothing but ``conn``: SQLite runs it whole on its connection's thread."""
        async with self._tx() as conn:
            return await body(conn)

    def _read_tx(self) -> AbstractAsyncContextManager[Conn]:
        """``async with self._read_tx() as conn``: a read-only transaction.

        The summary queries use it; a backend with spare read connections (SQLite in WAL)
        runs them side by side instead of queueing them behind each other on ``_tx``.
        """
        return self._tx()

    def _dialect_sql(self, name: str, **values: Any) -> str:
        return DIALECT_SQL[self.dialect][name].format(**values)

    def _array(self, n: int, sql_type: str) -> str:
        """A FROM item yielding one row per element of array parameter ``$n`` as ``t.value``."""
        return self._dialect_sql("array", n=n, sql_type=sql_type)

    def _rows(self, n: int, columns: Sequence[tuple[str, str]]) -> str:
        """A FROM item ``t`` yielding one row per element of parameter ``$n`` (made by
        :meth:`_rows_arg`), with these ``(name, SQL type)`` columns."""
        fields = ", ".join(
            f"{self._dialect_sql('json_item', index=i, sql_type=sql_type)} AS {name}"
            for i, (name, sql_type) in enumerate(columns))
        return f"(SELECT {fields} FROM {self._dialect_sql('json_elements', n=n)}) AS t"

    def _rows_arg(self, rows: Sequence[Sequence[Any]]) -> str:
        """The value of a :meth:`_rows` parameter: ``rows`` of values in column order, as
        one JSON array of arrays (both databases read JSON; neither takes a list of rows)."""
        return json.dumps([[self._json_value(value) for value in row] for row in rows])

    def _json_value(self, value: Any) -> Any:
        """How a value travels inside :meth:`_rows_arg`'s JSON."""
        return value.isoformat() if isinstance(value, datetime) else value

    def _param(self, n: int, sql_type: str) -> str:
        """Placeholder ``$n`` with a type the planner cannot infer (INSERT ... SELECT)."""
        return self._dialect_sql("param", n=n, sql_type=sql_type)

    def _skip_locked(self, alias: str) -> str:
        """Appended to a SELECT of rows to claim: rows another transaction is claiming are
        skipped rather than waited for."""
        return self._dialect_sql("skip_locked", alias=alias)

    @abstractmethod
    async def _lock_migrations(self, conn: Conn) -> None:
        """Serialise migrators of the same database (called first in the migration tx)."""

    async def _lock_vote(self, conn: Conn, kind: str, target_id: int, member_id: int) -> None:
        """Serialise votes of one member on one target (SQLite's BEGIN IMMEDIATE already does)."""
        return None

    async def _lock_shards(self, conn: Conn) -> None:
        """Serialise claims of shards (SQLite's BEGIN IMMEDIATE already does)."""
        return None

    @abstractmethod
    def _migrations_table_sql(self) -> str: ...

    @abstractmethod
    async def _has_table(self, conn: Conn, name: str) -> bool: ...

    @abstractmethod
    async def close(self) -> None:
        """Close connections; the store is unusable afterwards. Safe to call twice."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # --- lifecycle --------------------------------------------------------------------------

    async def migrate(self) -> list[int]:
        """Apply pending migrations in one transaction; return the versions applied (or [])."""
        migrations = load_migrations(self.dialect)
        async with self._tx() as conn:
            await self._lock_migrations(conn)
            await conn.execute(self._migrations_table_sql())
            done = {row["version"] for row in await conn.fetch(
                "SELECT version FROM schema_migrations")}
            applied: list[int] = []
            for migration in migrations:
                if migration.version in done:
                    continue
                for statement in migration.statements():
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    migration.version, datetime.now(UTC))
                applied.append(migration.version)
        return applied

    async def schema_version(self) -> int:
        """The highest migration version applied (0 on an empty database)."""
        async with self._tx() as conn:
            if not await self._has_table(conn, "schema_migrations"):
                return 0
            value = await conn.fetchval("SELECT MAX(version) FROM schema_migrations")
        return int(value or 0)

    # --- one statement, one transaction ----------------------------------------------------

    async def _one(self, record: type[R], sql: str, *args: Any) -> R | None:
        """The first row of one statement as a ``record``, or ``None`` without a row."""
        async with self._tx() as conn:
            row = await conn.fetchrow(sql, *args)
        return None if row is None else from_row(record, row)

    async def _found(self, record: type[R], missing: str, sql: str, *args: Any) -> R:
        """As ``_one``, but no row is ``NotFound(missing)``."""
        found = await self._one(record, sql, *args)
        if found is None:
            raise NotFound(missing)
        return found

    async def _all(self, record: type[R], sql: str, *args: Any, read: bool = False) -> list[R]:
        """Every row of one statement as ``record``s (``read``: on a read-only transaction)."""
        async with self._read_tx() if read else self._tx() as conn:
            rows = await conn.fetch(sql, *args)
        return [from_row(record, row) for row in rows]

    async def _value(self, sql: str, *args: Any) -> Any:
        """The first column of the first row of one statement (``None`` without a row)."""
        async with self._tx() as conn:
            return await conn.fetchval(sql, *args)

    async def _run(self, sql: str, *args: Any) -> int:
        """Run one statement; how many rows it changed."""
        async with self._tx() as conn:
            return await conn.execute(sql, *args)

    async def _by(self, record: type[R], table: str, column: str, value: Any) -> R | None:
        """The row of ``table`` whose ``column`` is ``value`` (a key), as a ``record``."""
        return await self._one(record, f"SELECT * FROM {table} WHERE {column} = $1", value)

    async def _guarded_update(
        self, record: type[R], table: str, row_id: int, missing: str, sql: str,
        args: Sequence[Any], refusal: Callable[[Any], Exception], column: str,
    ) -> R:
        """Run a conditional ``UPDATE ... RETURNING *`` on row ``row_id`` of ``table``.

        Changing no row means the row is missing (``NotFound(missing)``) or its ``column``
        did not allow it: then ``refusal(current value)`` is raised. Both are told apart in
        the update's transaction, so the error names the value that refused it.
        """
        async with self._tx() as conn:
            row = await conn.fetchrow(sql, *args)
            if row is None:
                current = await conn.fetchrow(
                    f"SELECT {column} FROM {table} WHERE id = $1", row_id)
        if row is None:
            if current is None:
                raise NotFound(missing)
            raise refusal(current[column])
        return from_row(record, row)

    async def _set_once(
        self, record: type[R], table: str, column: str, row_id: int, value: int,
        extra: str = "", extra_args: Sequence[Any] = (),
    ) -> R:
        """Record a Discord side effect in ``column`` once: the same value again is fine,
        another one is a ``Conflict`` (the caller must reuse what is recorded)."""
        return await self._guarded_update(
            record, table, row_id, f"no {table} row {row_id}",
            f"UPDATE {table} SET {column} = $2{extra} WHERE id = $1"
            f" AND ({column} IS NULL OR {column} = $2) RETURNING *", (row_id, value, *extra_args),
            lambda current: Conflict(
                f"{table} {row_id} already has {column} {current}, not {value}"), column)

def __getattr__(name: str) -> type[Store]:
    # ``Store`` was defined here before the store was split by domain; code written against
    # that (``from bot.store.base import Store``) keeps working. New code: ``bot.store``.
    if name == "Store":
        from bot.store.store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
