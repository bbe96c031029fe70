"""A transaction run whole (Backend._transaction): all or nothing, on both backends, and on
SQLite refused for a body that would wait on something besides its connection."""

from __future__ import annotations

import asyncio

import pytest

from bot.store import Conflict, Store
from bot.store.base import Conn


async def _count(store: Store) -> int:
    return int(await store._value("SELECT COUNT(*) FROM guild_settings"))


async def test_a_whole_transaction_commits_everything(store: Store) -> None:
    async def body(conn: Conn) -> int:
        await conn.execute("INSERT INTO guild_settings (guild_id) VALUES ($1)", 1)
        await conn.execute("INSERT INTO guild_settings (guild_id) VALUES ($1)", 2)
        return int(await conn.fetchval("SELECT COUNT(*) FROM guild_settings"))

    assert await store._transaction(body) == 2
    assert await _count(store) == 2


async def test_a_failing_body_leaves_nothing_behind(store: Store) -> None:
    async def body(conn: Conn) -> None:
        await conn.execute("INSERT INTO guild_settings (guild_id) VALUES ($1)", 7)
        raise ValueError("changed my mind")

    with pytest.raises(ValueError, match="changed my mind"):
        await store._transaction(body)
    assert await _count(store) == 0


async def test_a_constraint_is_the_store_s_error(store: Store) -> None:
    async def body(conn: Conn) -> None:
        await conn.execute("INSERT INTO guild_settings (guild_id) VALUES ($1)", 9)
        await conn.execute("INSERT INTO guild_settings (guild_id) VALUES ($1)", 9)

    with pytest.raises(Conflict):
        await store._transaction(body)
    assert await _count(store) == 0

    async def one(conn: Conn) -> None:
        await conn.execute("INSERT INTO guild_settings (guild_id) VALUES ($1)", 9)

    await store._transaction(one)  # the connection came out of its transaction
    assert await _count(store) == 1


async def test_on_sqlite_a_body_that_waits_elsewhere_is_refused_and_rolled_back(
        store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("PostgreSQL runs the body on the event loop: it may await anything")

    async def body(conn: Conn) -> None:
        await conn.execute("INSERT INTO guild_settings (guild_id) VALUES ($1)", 3)
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="awaited something besides its connection"):
        await store._transaction(body)
    assert await _count(store) == 0
