"""SQLite's WAL is checkpointed in the background, off the votes' COMMITs, and stays bounded."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import AGREE, StoreError, VoteTarget, open_store
from bot.store import sqlite as sqlite_backend
from bot.store.sqlite import SQLiteStore, _Checkpointer
from tests.store.helpers import at, published_piece


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


async def _sqlite_store(path: Path) -> SQLiteStore:
    store = await open_store(f"sqlite:///{path}")
    assert isinstance(store, SQLiteStore)
    return store


#: Hang guard for a round the test asked for: it normally takes milliseconds.
ROUND_PATIENCE = 60.0


@pytest.fixture
def driven(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rounds only when the test asks (``run_round``), and small WAL limits: what a test
    proves then depends on the order of votes and rounds, never on how fast this machine is."""
    monkeypatch.setattr(sqlite_backend, "CHECKPOINT_INTERVAL", 3600.0)
    monkeypatch.setattr(sqlite_backend, "RESTART_FRAMES", 100)
    monkeypatch.setattr(sqlite_backend, "WAL_FRAME_LIMIT", 400)


@contextlib.asynccontextmanager
async def _voting(path: Path, argument: int = 0) -> AsyncIterator[tuple[SQLiteStore, VoteTarget]]:
    """A store on ``path`` with a published piece, and its ``argument``-th argument to vote on;
    closed after."""
    store = await _sqlite_store(path)
    try:
        _, arguments = await published_piece(store)
        yield store, VoteTarget("argument", arguments[argument].id)
    finally:
        await store.close()


@contextlib.asynccontextmanager
async def _pinned_by_a_reader(
        path: Path) -> AsyncIterator[tuple[SQLiteStore, sqlite3.Connection, VoteTarget]]:
    """:func:`_voting`, with another connection (another process's long read) holding a
    snapshot of the WAL; closed first."""
    async with _voting(path, 1) as (store, target):
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN")
            other.execute("SELECT COUNT(*) FROM votes").fetchone()  # holds this snapshot
            yield store, other, target
        finally:
            other.close()


def _checkpointer(store: SQLiteStore) -> _Checkpointer:
    assert store._checkpointer is not None
    return store._checkpointer


async def _round(store: SQLiteStore) -> tuple[int, int, int]:
    try:
        return await asyncio.wait_for(_checkpointer(store).run_round(), ROUND_PATIENCE)
    except TimeoutError:
        raise AssertionError(f"the checkpoint round did not finish in {ROUND_PATIENCE}s") from None


async def test_commits_do_not_checkpoint_the_background_task_does(
        tmp_path: Path, driven: None) -> None:
    store = await _sqlite_store(tmp_path / "a.db")
    try:
        async with store._tx() as conn:
            assert await conn.fetchval("PRAGMA wal_autocheckpoint") == 0
        _, arguments = await published_piece(store)
        await store.cast_vote(VoteTarget("argument", arguments[0].id), 1, AGREE, now=at(1))
        busy, frames, done = await _round(store)
        assert busy == 0 and frames > 0 and done == frames
        assert _checkpointer(store).last == (busy, frames, done)
    finally:
        await store.close()


async def test_memory_database_has_no_checkpointer() -> None:
    store = await open_store("sqlite:///:memory:")
    try:
        assert isinstance(store, SQLiteStore) and store._checkpointer is None
    finally:
        await store.close()


#: Votes between two rounds' starts in the steady stream: a round runs while the next
#: ``VOTES_PER_ROUND`` votes are cast, and the votes wait for it to finish only after those.
VOTES_PER_ROUND = 40
#: More WAL pages than one vote writes (6 here: the vote, its click row, their indexes).
PAGES_PER_VOTE = 10


async def test_wal_stays_bounded_under_a_steady_stream_of_votes(
        tmp_path: Path, driven: None) -> None:
    path = tmp_path / "b.db"
    async with _voting(path) as (store, target):
        await _round(store)  # the piece's own pages out of the way
        largest = 0
        running: asyncio.Task[tuple[int, int, int]] | None = None
        for n in range(1500):  # ~6 WAL pages each: ~37 MB of WAL if nothing restarted it
            await store.cast_vote(target, n % 200, AGREE, now=at(1))
            if n % VOTES_PER_ROUND == 0:
                largest = max(largest, _wal(path).stat().st_size)
                if running is not None:
                    await asyncio.wait_for(running, ROUND_PATIENCE)
                # Votes go on while this round copies: however its copying and the votes
                # interleave, a round either finds a quiet moment (the WAL restarts at the
                # next write) or, past WAL_FRAME_LIMIT, copies the rest under the lock.
                running = asyncio.create_task(_round(store))
        assert running is not None
        await asyncio.wait_for(running, ROUND_PATIENCE)
        largest = max(largest, _wal(path).stat().st_size)
        # So no more than WAL_FRAME_LIMIT frames plus the votes of the rounds around them.
        frames = sqlite_backend.WAL_FRAME_LIMIT + 3 * VOTES_PER_ROUND * PAGES_PER_VOTE
        bound = 32 + frames * (4096 + 24)  # the WAL header, then a header per frame
        assert largest <= bound < 8 * 1024 * 1024, (largest, bound)
        # A click on one's own vote withdraws it: members 100-199 clicked 7 times, 0-99 eight.
        assert (await store.tally(target)).agree == 100


async def test_past_the_frame_limit_the_rest_is_copied_under_the_lock_and_the_wal_restarts(
        tmp_path: Path, driven: None) -> None:
    # Writes too dense for a quiet moment look like this to a round: a WAL past the limit.
    async with _voting(tmp_path / "f.db") as (store, target):
        for n in range(100):  # ~600 frames, past WAL_FRAME_LIMIT (400)
            await store.cast_vote(target, n, AGREE, now=at(1))
        busy, frames, done = await _round(store)
        assert busy == 0 and done == frames >= sqlite_backend.WAL_FRAME_LIMIT
        assert _checkpointer(store).locked_runs == 1
        await store.cast_vote(target, 100, AGREE, now=at(1))
        # The next write began on a fully copied WAL and so started it over: one vote's frames.
        _, frames_after, _ = await _round(store)
        assert frames_after < sqlite_backend.RESTART_FRAMES
        assert _checkpointer(store).locked_runs == 1


async def test_a_reader_pinning_the_wal_gets_it_truncated_once_it_lets_go(
        tmp_path: Path, driven: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Long enough never to expire here: the reader lets go as soon as the truncation waits.
    monkeypatch.setattr(sqlite_backend, "TRUNCATE_WAIT_MS", 120_000)
    async with _pinned_by_a_reader(tmp_path / "c.db") as (store, other, target):
        for n in range(200):  # ~1,200 frames the reader keeps from being copied
            await store.cast_vote(target, n, AGREE, now=at(1))
        checkpointer = _checkpointer(store)
        pragma = checkpointer._pragma
        truncating = asyncio.Event()

        async def observed(mode: str) -> tuple[int, int, int]:
            if mode == "TRUNCATE":
                truncating.set()
            return await pragma(mode)

        monkeypatch.setattr(checkpointer, "_pragma", observed)
        running = asyncio.create_task(_round(store))
        try:
            await asyncio.wait_for(truncating.wait(), ROUND_PATIENCE)
        except TimeoutError:
            raise AssertionError("the round never began a truncating checkpoint") from None
        # The truncation holds the store's lock: this vote waits for it.
        vote = asyncio.create_task(store.cast_vote(target, 200, AGREE, now=at(1)))
        other.execute("ROLLBACK")
        await asyncio.wait_for(running, ROUND_PATIENCE)
        await asyncio.wait_for(vote, ROUND_PATIENCE)
        # It waited for the reader, then emptied the WAL; the vote waited and went through.
        assert checkpointer.truncations == [(0, 0, 0)]
        assert (await store.tally(target)).agree == 201


async def test_a_reader_that_never_lets_go_does_not_stall_every_write(
        tmp_path: Path, driven: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_backend, "TRUNCATE_WAIT_MS", 50)
    async with _pinned_by_a_reader(tmp_path / "e.db") as (store, _, target):
        for n in range(300):
            await store.cast_vote(target, n, AGREE, now=at(1))
            if n % 20 == 19:
                await _round(store)
        checkpointer = _checkpointer(store)
        # Every round from ~400 frames on copied what it could under the lock, but only the
        # first tried to truncate (and gave up after its wait): the next waits
        # TRUNCATE_RETRY_SECONDS (60 s; this test takes well under that even on a loaded machine).
        assert checkpointer.locked_runs > 1
        [(busy, frames, done)] = checkpointer.truncations
        assert busy == 1 and done < frames


async def test_close_stops_the_checkpointer_and_closes_its_connection(
        tmp_path: Path, driven: None) -> None:
    path = tmp_path / "d.db"
    store = await _sqlite_store(path)
    checkpointer = _checkpointer(store)
    _, arguments = await published_piece(store)
    await store.cast_vote(VoteTarget("argument", arguments[2].id), 1, AGREE, now=at(1))
    await _round(store)
    assert checkpointer.last is not None
    await store.close()
    assert checkpointer._task.done() and not checkpointer._task.cancelled()
    with pytest.raises(ValueError):  # aiosqlite: no active connection
        await checkpointer._db.execute("SELECT 1")
    with pytest.raises(StoreError):
        await checkpointer.run_round()
    # The last connection to close checkpoints the rest and removes the WAL.
    assert not _wal(path).exists()
    assert [t for t in asyncio.all_tasks() if t.get_name() == "sqlite-wal-checkpoint"] == []


async def test_the_background_task_checkpoints_on_its_own_schedule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a caller asking: the interval alone starts rounds (observed, never timed)."""
    monkeypatch.setattr(sqlite_backend, "CHECKPOINT_INTERVAL", 0.01)
    store = await _sqlite_store(tmp_path / "g.db")
    try:
        checkpointer = _checkpointer(store)
        pragma = checkpointer._pragma
        ran = asyncio.Event()

        async def observed(mode: str) -> tuple[int, int, int]:
            ran.set()
            return await pragma(mode)

        monkeypatch.setattr(checkpointer, "_pragma", observed)
        try:
            await asyncio.wait_for(ran.wait(), ROUND_PATIENCE)
        except TimeoutError:
            raise AssertionError("no scheduled checkpoint ran") from None
    finally:
        await store.close()
