"""The SQLite backend (the embedded default), through aiosqlite.

One connection per store, WAL journal, foreign keys on, a busy timeout for other processes.
Transactions are serialised by an asyncio lock (aiosqlite shares one connection between
coroutines) and start with ``BEGIN IMMEDIATE``, so a read-then-write (a vote toggle, a lease
claim) holds the database write lock from its first read, also against other processes.
A cancelled caller cannot leave the connection inside a transaction: aiosqlite still runs a
statement whose awaiting task was cancelled, so every transaction ends in a ROLLBACK or
COMMIT that is awaited to its end before the lock is given back.

WAL checkpoints run off the write path: SQLite's automatic checkpoint would copy and fsync the
WAL inside whichever COMMIT crosses 1,000 pages (17-24 ms with the store's lock held, every
~2 s under 100 votes a second), so the writer has it turned off and a background task on a
connection of its own runs a passive checkpoint every second instead (see ``_Checkpointer``).

A file database in WAL mode also gets a few read-only connections for the summary queries
(``_read_tx``): WAL readers see every committed write and never block the writer, so a weekly
summary's scans run side by side instead of queueing on the one connection. ``:memory:`` has
none (another connection would open another, empty database).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import aiosqlite

from bot.store.base import Conn
from bot.store.records import Conflict, NotFound, StoreError
from bot.store.rows import Row, encode_ts
from bot.store.store import Store

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
#: Read-only connections beside the main one. The summary's scans are CPU-bound, so more
#: readers than a small host's cores would only contend.
READERS = 2
#: Seconds between background WAL checkpoints.
CHECKPOINT_INTERVAL = 1.0
#: WAL frames (pages) past which the checkpointer chases a restart of the WAL: SQLite's own
#: automatic checkpoint threshold, about 4 MiB at 4 KiB pages.
RESTART_FRAMES = 1_000
#: Quick passive checkpoints after the periodic one, each copying what was committed while the
#: previous one ran, to find a moment between writes when everything is copied.
CATCH_UP_ROUNDS = 4
#: WAL frames (about 40 MiB) past which the remainder is copied under the store's lock, so
#: writes too dense for any quiet moment still let the WAL restart; and past which, should
#: readers keep even that from finishing, a TRUNCATE checkpoint waits for them.
WAL_FRAME_LIMIT = 10_000
#: How long that truncating checkpoint waits for readers; writers wait meanwhile.
TRUNCATE_WAIT_MS = 1_000
#: Seconds before another truncating checkpoint, should one not get past the readers: a
#: reader that never lets go must not stall the writes every second.
TRUNCATE_RETRY_SECONDS = 60.0
#: Bytes a WAL file is cut back to when it restarts after a burst made it larger.
JOURNAL_SIZE_LIMIT = 32 * 1024 * 1024
_PLACEHOLDER = re.compile(r"\$(\d+)")
_T = TypeVar("_T")


@lru_cache(maxsize=512)
def _sqlite_sql(sql: str) -> str:
    """asyncpg's ``$n`` placeholders as SQLite's numbered ``?n``."""
    return _PLACEHOLDER.sub(r"?\1", sql)


def _sqlite_arg(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return encode_ts(value)
    if isinstance(value, list | tuple):
        return json.dumps(list(value))  # read back through json_each()
    return value


async def _settle(step: Awaitable[_T]) -> _T:
    """Await ``step`` to its end even if the caller is cancelled meanwhile, then re-raise.

    Ending a transaction must not be cut short: the store's lock (or a reader's slot) is
    only given back once the connection is out of its transaction.
    """
    task = asyncio.ensure_future(step)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled():
                raise
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return task.result()


def sqlite_path(url: str) -> str:
    """The file path in ``sqlite:///relative.db``, ``sqlite:////abs.db`` or ``:memory:``."""
    if not url.lower().startswith("sqlite://"):
        raise ValueError(f"not a sqlite URL: {url!r}")
    rest = url[len("sqlite://"):].split("?", 1)[0]
    if rest in ("", "/"):
        return ":memory:"
    if not rest.startswith("/"):
        raise ValueError(f"sqlite URLs look like sqlite:///path/to.db, not {url!r}")
    path = unquote(rest[1:])
    return path or ":memory:"


def _check_directory(path: str) -> None:
    """Say which directory is missing; SQLite would only say "unable to open database file"."""
    if path == ":memory:":
        return
    parent = Path(path).expanduser().resolve().parent
    if not parent.is_dir():
        raise StoreError(f"cannot create {path}: directory {parent} does not exist")


class _Conn:
    """Statements inside one transaction (the store's lock is held throughout).

    Each statement is a single trip to aiosqlite's worker thread. A trip costs a thread
    switch and an event-loop wake-up, and while the loop is busy the worker may wait up to
    the GIL switch interval to hand its result back; every transaction holds the store's lock
    meanwhile, so trips per statement bound how many votes a second the store takes.
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        rows = await self._db.execute_fetchall(_sqlite_sql(sql), [_sqlite_arg(a) for a in args])
        return list(rows)

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        # Reading every row also drains the statement: an UPDATE ... RETURNING only completes
        # once stepped through.
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        row = await self.fetchrow(sql, *args)
        return None if row is None else row[0]

    async def execute(self, sql: str, *args: Any) -> int:
        cur = await self._db.execute(_sqlite_sql(sql), [_sqlite_arg(a) for a in args])
        # No close() trip: the statement ran to completion (sqlite3 resets it when done) and
        # the cursor is released here, before the transaction's next statement is queued.
        count = cur.rowcount
        del cur
        return count


class _ThreadConn:
    """Statements of a transaction that runs whole on aiosqlite's worker thread
    (:meth:`SQLiteStore._transaction`): each method runs at once and never suspends."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return list(self._db.execute(_sqlite_sql(sql), [_sqlite_arg(a) for a in args]))

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        rows = await self.fetch(sql, *args)  # every row: RETURNING completes when drained
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        row = await self.fetchrow(sql, *args)
        return None if row is None else row[0]

    async def execute(self, sql: str, *args: Any) -> int:
        return self._db.execute(_sqlite_sql(sql), [_sqlite_arg(a) for a in args]).rowcount


def _run_whole(db: sqlite3.Connection, body: Callable[[Conn], Awaitable[_T]]) -> _T:
    """On aiosqlite's thread: BEGIN, ``body`` driven to its end, COMMIT (ROLLBACK on error).

    ``body`` only awaits its connection, whose methods never suspend, so one ``send`` runs
    it through; one that suspended would be waiting for the event loop from the wrong
    thread, and is refused."""
    db.execute("BEGIN IMMEDIATE")
    try:
        step = body(_ThreadConn(db)).__await__()
        try:
            step.send(None)
        except StopIteration as done:
            result: _T = done.value
        else:
            step.close()
            raise RuntimeError("a one-trip transaction awaited something besides its connection")
    except BaseException as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.IntegrityError):
            raise _translate(exc) from exc
        raise
    db.execute("COMMIT")
    return result


def _translate(exc: sqlite3.IntegrityError) -> StoreError:
    message = str(exc)
    if "FOREIGN KEY" in message:
        return NotFound(f"a referenced row does not exist ({message})")
    if "UNIQUE" in message or "PRIMARY KEY" in message:
        return Conflict(message)
    return StoreError(message)


class _Checkpointer:
    """Checkpoints the WAL every ``interval`` seconds on a connection of its own.

    A passive checkpoint never waits for (or blocks) the writer or readers: it copies the
    WAL's pages into the database, fsyncs included, in its own thread with no lock held. The
    WAL only starts over from its beginning (instead of growing) when a write transaction
    begins with every frame copied, and votes committed while the copy ran leave a few
    behind. So once the WAL passes ``RESTART_FRAMES``, quick passive checkpoints copy that
    remainder until one finds nothing new was committed meanwhile, and the next write
    restarts the WAL. Writes so dense that none ever does are bounded by ``WAL_FRAME_LIMIT``:
    past it, the remainder (a millisecond or two) is copied under the store's lock.
    """

    def __init__(self, db: aiosqlite.Connection, lock: asyncio.Lock, interval: float) -> None:
        self._db = db
        self._lock = lock
        self._interval = interval
        self._stopping = False
        #: Set to start a round before the interval is up: by close(), and by run_round().
        self._wake = asyncio.Event()
        #: Callers of run_round() waiting for the next round to start and finish.
        self._waiting: list[asyncio.Future[tuple[int, int, int]]] = []
        #: The last checkpoint's (busy, WAL frames, frames checkpointed), as SQLite reports.
        self.last: tuple[int, int, int] | None = None
        self.locked_runs = 0
        #: What each truncating checkpoint returned.
        self.truncations: list[tuple[int, int, int]] = []
        self._next_truncation = 0.0
        self._task = asyncio.create_task(self._run(), name="sqlite-wal-checkpoint")

    @classmethod
    async def open(cls, path: str, lock: asyncio.Lock, interval: float) -> _Checkpointer:
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            await db.execute(f"PRAGMA busy_timeout = {TRUNCATE_WAIT_MS}")
            # NORMAL still syncs the WAL before copying and the database after.
            await db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            await db.close()
            raise
        return cls(db, lock, interval)

    async def checkpoint(self) -> tuple[int, int, int]:
        result = await self._pragma("PASSIVE")  # the bulk of the copying
        for _ in range(CATCH_UP_ROUNDS):
            if result[1] < RESTART_FRAMES:
                break  # the WAL restarted (or is still small)
            frames = result[1]
            result = await self._pragma("PASSIVE")
            if result[1] == frames and result[2] == frames:
                break  # all copied and nothing committed since: the next write restarts it
        # Not if that write had begun before the copy finished (a vote in flight): the WAL
        # then keeps growing however often it is copied. Past the limit, copy the remainder
        # with writes held, so the next one begins on a fully copied WAL and restarts it.
        if result[1] >= WAL_FRAME_LIMIT:
            result = await self._locked()
        self.last = result
        return result

    async def _locked(self) -> tuple[int, int, int]:
        async with self._lock:
            self.locked_runs += 1
            result = await self._pragma("PASSIVE")
            _, frames, done = result
            clock = asyncio.get_running_loop().time()
            if done < frames and clock >= self._next_truncation:
                log.warning("the SQLite WAL reached %d frames with readers holding %d of "
                            "them; truncating it (writes wait meanwhile)", frames, frames - done)
                self._next_truncation = clock + TRUNCATE_RETRY_SECONDS
                result = await self._pragma("TRUNCATE")
                self.truncations.append(result)
        return result

    async def _pragma(self, mode: str) -> tuple[int, int, int]:
        rows = list(await self._db.execute_fetchall(f"PRAGMA wal_checkpoint({mode})"))
        busy, frames, done = rows[0]
        return int(busy), int(frames), int(done)

    async def run_round(self) -> tuple[int, int, int]:
        """Have the background task run a round now; its result once it has finished.

        The round starts after this call (a round already under way does not count), so it
        sees every write committed before. Tests drive the schedule with this instead of
        racing the interval.
        """
        if self._stopping:
            raise StoreError("the checkpointer is stopped")
        done: asyncio.Future[tuple[int, int, int]] = asyncio.get_running_loop().create_future()
        self._waiting.append(done)
        self._wake.set()
        return await done

    async def _run(self) -> None:
        while True:
            with suppress(TimeoutError):  # the interval is up
                await asyncio.wait_for(self._wake.wait(), self._interval)
            if self._stopping:
                return
            self._wake.clear()
            waiting, self._waiting = self._waiting, []
            try:
                result = await self.checkpoint()
            except Exception as exc:
                # Next second again: a failed checkpoint only leaves the WAL longer.
                log.exception("WAL checkpoint failed")
                for done in waiting:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for done in waiting:
                    if not done.done():
                        done.set_result(result)

    async def close(self) -> None:
        """Stop after the checkpoint in progress (if any), then close the connection."""
        self._stopping = True
        self._wake.set()
        try:
            # wait(), not await: a task cancelled at loop shutdown must not stop the close.
            await asyncio.wait({self._task})
        finally:
            for done in self._waiting:
                if not done.done():
                    done.set_exception(StoreError("the checkpointer is stopped"))
            self._waiting.clear()
            await self._db.close()


class SQLiteStore(Store):
    dialect = "sqlite"

    def __init__(self, db: aiosqlite.Connection, path: str,
                 readers: Sequence[aiosqlite.Connection] = (),
                 checkpointer: _Checkpointer | None = None,
                 lock: asyncio.Lock | None = None) -> None:
        self._db = db
        self.path = path
        self._checkpointer = checkpointer
        self._lock = lock or asyncio.Lock()  # the checkpointer's too
        self._closed = False
        self._reader_count = len(readers)
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for reader in readers:
            self._readers.put_nowait(reader)

    @classmethod
    async def connect(cls, url: str) -> SQLiteStore:
        path = sqlite_path(url)
        _check_directory(path)
        # isolation_level=None: no implicit transactions; _tx issues BEGIN/COMMIT itself.
        db = await aiosqlite.connect(path, isolation_level=None)
        readers: list[aiosqlite.Connection] = []
        checkpointer: _Checkpointer | None = None
        lock = asyncio.Lock()
        try:
            db.row_factory = aiosqlite.Row
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await db.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:":
                async with db.execute("PRAGMA journal_mode = WAL") as cur:
                    row = await cur.fetchone()
                # WAL + NORMAL (SQLite's recommendation for WAL): a commit appends to the WAL
                # without an fsync, the WAL is synced at checkpoints. Nothing is lost or
                # corrupted when the process crashes; a power cut can only lose the last
                # transactions before it (a few votes), never the database's consistency.
                await db.execute("PRAGMA synchronous = NORMAL")
                # Without WAL (a filesystem that refuses it) readers would wait on writers.
                if row is not None and str(row[0]).lower() == "wal":
                    # Checkpoints are _Checkpointer's, off the write path.
                    await db.execute("PRAGMA wal_autocheckpoint = 0")
                    await db.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
                    for _ in range(READERS):
                        readers.append(await cls._open_reader(path))
                    checkpointer = await _Checkpointer.open(path, lock, CHECKPOINT_INTERVAL)
        except BaseException:
            for reader in readers:
                await reader.close()
            await db.close()
            raise
        return cls(db, path, readers, checkpointer, lock)

    @staticmethod
    async def _open_reader(path: str) -> aiosqlite.Connection:
        reader = await aiosqlite.connect(path, isolation_level=None)
        try:
            reader.row_factory = aiosqlite.Row
            await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await reader.execute("PRAGMA query_only = ON")
        except BaseException:
            await reader.close()
            raise
        return reader

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[Conn]:
        if self._closed:
            raise StoreError("the store is closed")
        async with self._lock:
            if self._closed:  # closed while this waited for the lock
                raise StoreError("the store is closed")
            # BEGIN is inside the try: a task cancelled while awaiting it still has it run on
            # aiosqlite's thread, and the connection must not be left inside a transaction.
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                yield _Conn(self._db)
            except BaseException as exc:
                await _settle(self._rollback(self._db))
                if isinstance(exc, sqlite3.IntegrityError):
                    raise _translate(exc) from exc
                raise
            try:
                await _settle(self._db.execute("COMMIT"))
            except BaseException:
                await _settle(self._rollback(self._db))
                raise

    async def _transaction(self, body: Callable[[Conn], Awaitable[_T]]) -> _T:
        """``body`` in one transaction, as one trip to aiosqlite's thread instead of one per
        statement: a click's vote is eight statements, and each trip costs a thread switch
        and a wait for the busy event loop (a vote took 1.5 ms, most of it in trips)."""
        if self._closed:
            raise StoreError("the store is closed")
        async with self._lock:
            if self._closed:
                raise StoreError("the store is closed")
            # aiosqlite runs callables on its thread with _execute (its own methods use it);
            # _conn is the sqlite3 connection it wraps.
            return await _settle(self._db._execute(_run_whole, self._db._conn, body))

    @staticmethod
    async def _rollback(db: aiosqlite.Connection) -> None:
        """End whatever transaction is open; none at all (BEGIN itself failed) is fine too.

        A connection's statements run in order on its one thread, so this runs after any
        statement a cancelled task left queued.
        """
        try:
            await db.execute("ROLLBACK")
        except sqlite3.OperationalError:
            if db.in_transaction:
                raise

    @asynccontextmanager
    async def _read_tx(self) -> AsyncIterator[Conn]:
        if not self._reader_count:
            async with self._tx() as conn:
                yield conn
            return
        if self._closed:
            raise StoreError("the store is closed")
        reader = await self._readers.get()
        try:
            # Deferred: a snapshot of what was committed when the first read starts.
            try:
                await reader.execute("BEGIN")
                yield _Conn(reader)
            finally:
                await _settle(self._rollback(reader))  # nothing to keep
        finally:
            self._readers.put_nowait(reader)

    def _json_value(self, value: Any) -> Any:
        return _sqlite_arg(value)

    async def _lock_migrations(self, conn: Conn) -> None:
        """BEGIN IMMEDIATE already holds the database write lock."""

    def _migrations_table_sql(self) -> str:
        return ("CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")

    async def _has_table(self, conn: Conn, name: str) -> bool:
        return await conn.fetchval(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1", name) is not None

    async def _catalog(self, conn: Conn) -> dict[str, tuple[str, ...]]:
        names = [row["name"] for row in await conn.fetch(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite/_%' ESCAPE '/' ORDER BY name")]
        return {name: tuple(row["name"] for row in await conn.fetch(
            "SELECT name FROM pragma_table_info($1) ORDER BY cid", name)) for name in names}

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._checkpointer is not None:
            await self._checkpointer.close()
        # Each reader once it is back from the query that holds it.
        for _ in range(self._reader_count):
            await (await self._readers.get()).close()
        async with self._lock:
            await self._db.close()
