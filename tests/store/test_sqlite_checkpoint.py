"""SQLite's WAL is checkpointed in the background, off the votes' COMMITs, and stays bounded."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store import AGREE, VoteTarget, open_store
from bot.store import sqlite as sqlite_backend
from bot.store.sqlite import SQLiteStore
from tests.store.helpers import at, published_piece


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


async def _sqlite_store(path: Path) -> SQLiteStore:
    store = await open_store(f"sqlite:///{path}")
    assert isinstance(store, SQLiteStore)
    return store


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checkpoints every 20 ms and small WAL limits, so a test sees many rounds quickly."""
    monkeypatch.setattr(sqlite_backend, "CHECKPOINT_INTERVAL", 0.02)
    monkeypatch.setattr(sqlite_backend, "RESTART_FRAMES", 100)
    monkeypatch.setattr(sqlite_backend, "WAL_FRAME_LIMIT", 400)


async def test_commits_do_not_checkpoint_the_background_task_does(tmp_path: Path) -> None:
    store = await _sqlite_store(tmp_path / "a.db")
    try:
        async with store._tx() as conn:
            assert await conn.fetchval("PRAGMA wal_autocheckpoint") == 0
        assert store._checkpointer is not None
        _, arguments = await published_piece(store)
        await store.cast_vote(VoteTarget("argument", arguments[0].id), 1, AGREE, now=at(1))
        busy, frames, done = await store._checkpointer.checkpoint()
        assert busy == 0 and frames > 0 and done == frames
    finally:
        await store.close()


async def test_memory_database_has_no_checkpointer() -> None:
    store = await open_store("sqlite:///:memory:")
    try:
        assert isinstance(store, SQLiteStore) and store._checkpointer is None
    finally:
        await store.close()


async def test_wal_stays_bounded_under_a_steady_stream_of_votes(
        tmp_path: Path, fast: None) -> None:
    path = tmp_path / "b.db"
    store = await _sqlite_store(path)
    try:
        _, arguments = await published_piece(store)
        target = VoteTarget("argument", arguments[0].id)
        largest = 0
        for n in range(1500):  # ~5 WAL pages each: ~30 MB of WAL if nothing restarted it
            await store.cast_vote(target, n % 200, AGREE, now=at(1))
            if n % 50 == 0:
                largest = max(largest, _wal(path).stat().st_size)
                await asyncio.sleep(0)
        assert store._checkpointer is not None
        assert store._checkpointer.last is not None
        # Writes never paused for long, yet the remainder under the lock let the WAL restart.
        assert store._checkpointer.locked_runs > 0
        assert largest < 8 * 1024 * 1024, largest
    finally:
        await store.close()


async def test_a_reader_pinning_the_wal_gets_it_truncated_once_it_lets_go(
        tmp_path: Path, fast: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_backend, "TRUNCATE_WAIT_MS", 5_000)
    path = tmp_path / "c.db"
    store = await _sqlite_store(path)
    other = sqlite3.connect(path, isolation_level=None)  # another process's long read
    try:
        _, arguments = await published_piece(store)
        other.execute("BEGIN")
        other.execute("SELECT COUNT(*) FROM votes").fetchone()  # holds this snapshot
        target = VoteTarget("argument", arguments[1].id)

        async def votes() -> None:
            for n in range(200):
                await store.cast_vote(target, n, AGREE, now=at(1))

        voting = asyncio.create_task(votes())
        checkpointer = store._checkpointer
        assert checkpointer is not None
        for _ in range(500):
            if checkpointer._next_truncation:  # the truncating checkpoint is waiting
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        other.execute("ROLLBACK")
        await voting
        # It waited for the reader, then emptied the WAL; the votes waited and went through.
        assert checkpointer.truncations == [(0, 0, 0)]
        assert (await store.tally(target)).agree == 200
    finally:
        other.close()
        await store.close()


async def test_a_reader_that_never_lets_go_does_not_stall_every_write(
        tmp_path: Path, fast: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_backend, "TRUNCATE_WAIT_MS", 50)
    path = tmp_path / "e.db"
    store = await _sqlite_store(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        _, arguments = await published_piece(store)
        other.execute("BEGIN")
        other.execute("SELECT COUNT(*) FROM votes").fetchone()
        target = VoteTarget("argument", arguments[1].id)
        for n in range(300):
            await store.cast_vote(target, n, AGREE, now=at(1))
            if n % 20 == 0:
                await asyncio.sleep(0.03)  # let the checkpointer run a round
        assert store._checkpointer is not None
        # One attempt, which gave up after its wait; the next waits TRUNCATE_RETRY_SECONDS.
        [(busy, frames, done)] = store._checkpointer.truncations
        assert busy == 1 and done < frames
    finally:
        other.close()
        await store.close()


async def test_close_stops_the_checkpointer_and_closes_its_connection(
        tmp_path: Path, fast: None) -> None:
    path = tmp_path / "d.db"
    store = await _sqlite_store(path)
    checkpointer = store._checkpointer
    assert checkpointer is not None
    _, arguments = await published_piece(store)
    await store.cast_vote(VoteTarget("argument", arguments[2].id), 1, AGREE, now=at(1))
    await asyncio.sleep(0.05)
    assert checkpointer.last is not None
    await store.close()
    assert checkpointer._task.done() and not checkpointer._task.cancelled()
    with pytest.raises(ValueError):  # aiosqlite: no active connection
        await checkpointer._db.execute("SELECT 1")
    # The last connection to close checkpoints the rest and removes the WAL.
    assert not _wal(path).exists()
    assert [t for t in asyncio.all_tasks() if t.get_name() == "sqlite-wal-checkpoint"] == []
