"""copy-store: the whole record from one database to another, ids and all, verified."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import bot.store.copy as copy_module
from bot.__main__ import main
from bot.store import Store, VoteClick, VoteTarget, open_store
from bot.store.copy import CopyError, CopyReport, copy_store
from bot.store.rows import encode_ts
from tests.store.helpers import GUILD, at, published_piece
from tests.storefixtures import postgres_schema

VOTES = 100_000


async def build_record(url: str) -> dict[str, Any]:
    """A small record touching every table; returns what to compare after a copy."""
    store = await open_store(url)
    try:
        await store.update_guild_settings(GUILD, summary_channel_id=5, timezone="Europe/Paris")
        sub = await store.add_subscription(GUILD, 7, "https://example.org/feed.xml",
                                           created_by=9, include=["tax"], now=at(0))
        await store.mark_seen(sub.feed_id, ["a", "b"], now=at(0))
        await store.set_feed_paused(sub.feed_id, True, notice="boom")
        piece, arguments = await published_piece(store)
        await published_piece(store, url="https://example.org/two", arguments=4)
        counter = await store.add_contribution(arguments[0].id, 42, "No, because...",
                                               now=at(1))
        rebuttal = await store.add_contribution(arguments[0].id, 43, "Yes, because...",
                                                kind="rebuttal", parent_id=counter.id,
                                                now=at(2))
        await store.edit_contribution(rebuttal.id, "Yes, since...", editor_id=43, now=at(3))
        await store.award_changed_mind(44, counter.id, reason="fair", now=at(4))
        for member in range(5):
            await store.cast_vote(VoteTarget.argument(arguments[1].id), 100 + member,
                                  1 if member % 2 else -1, now=at(5),
                                  click=VoteClick(id=(1 << 40) + member, at=at(5)))
        await store.log_moderation(GUILD, 9, "feed.add", target="x", now=at(6))
        await store.claim_summary(GUILD, "2026-W47", now=at(7))
        await store.record_summary_message(GUILD, "2026-W47", 777, now=at(7))
        return {"piece": piece.id, "argument": arguments[1].id}
    finally:
        await store.close()


def add_votes(path: Path, argument_id: int, count: int) -> None:
    """``count`` votes by as many members, written straight into the SQLite file."""
    stamp = encode_ts(at(8))
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO votes (target_kind, target_id, member_id, value, guild_id,"
            " argument_id, created_at, updated_at) VALUES ('argument', ?, ?, ?, ?, ?, ?, ?)",
            ((argument_id, 10_000 + n, 1 if n % 3 else -1, GUILD, argument_id, stamp + n,
              stamp + n) for n in range(count)))
        db.executemany(
            "INSERT OR IGNORE INTO participants (guild_id, member_id, first_active_at)"
            " VALUES (?, ?, ?)", ((GUILD, 10_000 + n, stamp) for n in range(count)))


def checksums(report: CopyReport) -> dict[str, tuple[int, str]]:
    return {t.name: (t.rows, t.checksum) for t in report.tables}


async def snapshot(url: str, ids: dict[str, Any]) -> tuple[Any, ...]:
    store = await open_store(url)
    try:
        return (await store.tally(VoteTarget.argument(ids["argument"])),
                await store.get_piece(ids["piece"]),
                await store.list_contributions(ids["argument"] - 1),
                await store.get_guild_settings(GUILD),
                await store.get_summary_post(GUILD, "2026-W47"),
                await store.list_subscriptions(guild_id=GUILD))
    finally:
        await store.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with postgres_schema("copy") as url:
        yield url


async def test_a_copy_keeps_ids_verifies_and_refuses_a_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    ids = await build_record(source)
    command = ["copy-store", "--from", source, "--to", f"sqlite:///{tmp_path / 'c.db'}"]
    assert await asyncio.to_thread(main, command) == 0
    assert "every table verified" in capsys.readouterr().err
    report = await copy_store(source, target)
    names = {t.name for t in report.tables}
    assert {"votes", "vote_clicks", "contributions", "contribution_edits", "awards",
            "participants", "seen_entries", "summary_posts", "moderation_log"} <= names
    assert "schema_migrations" not in names and "shard_claims" not in names
    assert await snapshot(target, ids) == await snapshot(source, ids)
    # Copied once: the same source again, or any other, is refused...
    with pytest.raises(CopyError, match="already holds a record"):
        await copy_store(source, target)
    # ...unless told: then the target is emptied and copied afresh.
    again = await copy_store(source, target, replace=True)
    assert checksums(again) == checksums(report)
    with pytest.raises(CopyError, match="same database"):
        await copy_store(source, source)


async def test_a_copy_cut_short_is_resumed_by_running_it_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, target = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    ids = await build_record(source)
    add_votes(tmp_path / "a.db", ids["argument"], 2_500)
    monkeypatch.setattr(copy_module, "BATCH", 1000)
    real_insert = copy_module._insert
    calls = 0

    async def failing_insert(conn: Any, table: Any, rows: Any) -> int:
        nonlocal calls
        if table.name == "votes":
            calls += 1
            if calls == 2:
                raise ConnectionError("the connection dropped")
        return await real_insert(conn, table, rows)

    monkeypatch.setattr(copy_module, "_insert", failing_insert)
    with pytest.raises(ConnectionError):
        await copy_store(source, target)
    monkeypatch.setattr(copy_module, "_insert", real_insert)
    report = await copy_store(source, target)  # not refused: it resumes
    votes = next(t for t in report.tables if t.name == "votes")
    assert votes.rows == 2_505 and votes.copied == 2_505 - 1000
    assert await snapshot(target, ids) == await snapshot(source, ids)


@pytest.mark.postgres
async def test_100k_votes_go_to_postgresql_and_back_verified(
        tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = f"sqlite:///{tmp_path / 'counterpoint.db'}"
    ids = await build_record(source)
    add_votes(tmp_path / "counterpoint.db", ids["argument"], VOTES)
    forth = await copy_store(source, postgres_url)
    assert next(t.rows for t in forth.tables if t.name == "votes") == VOTES + 5
    assert await snapshot(postgres_url, ids) == await snapshot(source, ids)
    # The command line refuses to copy over it.
    command = ["copy-store", "--from", source, "--to", postgres_url]
    assert await asyncio.to_thread(main, command) == 2
    assert "already holds a record" in capsys.readouterr().err
    # And back: every table's checksum is the same, whichever database holds it.
    back = await copy_store(postgres_url, f"sqlite:///{tmp_path / 'back.db'}")
    assert checksums(back) == checksums(forth)
    # PostgreSQL's ids continue after the copied ones.
    store: Store = await open_store(postgres_url)
    try:
        piece, _ = await published_piece(store, url="https://example.org/after-the-move")
        assert piece.id > ids["piece"] + 1
    finally:
        await store.close()
