"""SQLite's read-only connections for the summary queries (WAL readers beside the writer)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.store import AGREE, DISAGREE, VoteTarget, open_store
from bot.store.sqlite import READERS, SQLiteStore
from tests.store.helpers import GUILD, at, published_piece

START, END = at(-9), at(24 * 6)  # inside ISO week 2026-W47


async def test_readers_see_every_committed_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    reader_store = await open_store(url)
    writer_store = await open_store(url)  # another instance: as another process would write
    try:
        assert isinstance(reader_store, SQLiteStore)
        assert reader_store._reader_count == READERS
        assert await reader_store.argument_stats(GUILD, START, END) == []
        _, arguments = await published_piece(writer_store)
        target = VoteTarget("argument", arguments[0].id)
        await writer_store.cast_vote(target, 1, AGREE, now=at(1))
        stats = await reader_store.argument_stats(GUILD, START, END)
        assert [(s.agree, s.disagree) for s in stats] == [(1, 0), (0, 0), (0, 0)]
        await reader_store.cast_vote(target, 2, DISAGREE, now=at(2))  # the store's own write
        counts = await asyncio.gather(*(
            reader_store.argument_stats(GUILD, START, END) for _ in range(READERS * 3)))
        assert {(c[0].agree, c[0].disagree) for c in counts} == {(1, 1)}
        people = await reader_store.participation(GUILD, START, END)
        assert people.active == {1, 2}
    finally:
        await writer_store.close()
        await reader_store.close()


async def test_close_closes_the_readers(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'c.db'}")
    assert isinstance(store, SQLiteStore)
    readers = [store._readers.get_nowait() for _ in range(store._reader_count)]
    for reader in readers:
        store._readers.put_nowait(reader)
    await store.close()
    for reader in readers:
        with pytest.raises(ValueError):  # aiosqlite: no active connection
            await reader.execute("SELECT 1")
    with pytest.raises(Exception, match="closed"):
        await store.participation(GUILD, START, END)


async def test_memory_database_reads_on_its_one_connection() -> None:
    store = await open_store("sqlite:///:memory:")
    try:
        assert isinstance(store, SQLiteStore)
        assert store._reader_count == 0  # a second connection would be another database
        _, arguments = await published_piece(store)
        await store.cast_vote(VoteTarget("argument", arguments[1].id), 7, AGREE, now=at(1))
        stats, people, contributions = await asyncio.gather(
            store.argument_stats(GUILD, START, END), store.participation(GUILD, START, END),
            store.contribution_stats(GUILD, START, END))
        assert [(s.agree, s.disagree) for s in stats] == [(0, 0), (1, 0), (0, 0)]
        assert people.active == {7} and contributions == []
    finally:
        await store.close()
