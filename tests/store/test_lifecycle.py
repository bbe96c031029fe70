"""Opening stores, migrations, guild settings, moderation log."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import (
    GUILD_SETTING_FIELDS,
    GuildSettings,
    Store,
    UnsupportedDatabaseURL,
    migrate,
    open_store,
)
from bot.store.base import DIALECT_SQL
from bot.store.schema import load_migrations, render
from bot.store.sqlite import sqlite_path
from tests.store.helpers import GUILD, at


async def test_migrations_apply_once_and_are_recorded(make_store, store_url: str) -> None:
    fresh: Store = await make_store(migrate=False)
    assert await fresh.schema_version() == 0
    versions = [m.version for m in load_migrations(fresh.dialect)]
    assert versions and versions == sorted(versions)
    assert await fresh.migrate() == versions
    assert await fresh.migrate() == []
    assert await fresh.schema_version() == versions[-1]
    # A second instance (another process) finds nothing to do either.
    assert await migrate(store_url) == []
    other = await make_store()
    assert await other.schema_version() == versions[-1]


async def test_module_migrate_reports_versions(store_url: str) -> None:
    applied = await migrate(store_url)
    assert applied and applied[0] == 1
    assert await migrate(store_url) == []


def test_a_backend_provides_only_what_differs_between_databases() -> None:
    # Queries are written once for both backends, the few bits of SQL that differ side by
    # side in base.DIALECT_SQL; what stays abstract is the connection and how each database
    # describes itself (its catalog, read by the data-rights map).
    assert Store.__abstractmethods__ == {
        "_tx", "_lock_migrations", "_migrations_table_sql", "_has_table", "_catalog", "close"}
    assert set(DIALECT_SQL) == {"sqlite", "postgres"}
    assert set(DIALECT_SQL["sqlite"]) == set(DIALECT_SQL["postgres"])


def test_both_dialects_have_the_same_versions() -> None:
    sqlite = [m.version for m in load_migrations("sqlite")]
    postgres = [m.version for m in load_migrations("postgres")]
    assert sqlite == postgres
    assert all(m.statements() for m in load_migrations("sqlite"))


def test_migrations_are_written_once_and_rendered_per_dialect() -> None:
    for dialect in ("sqlite", "postgres"):
        assert not [m.name for m in load_migrations(dialect) if "{" in m.sql or "}" in m.sql]
    template = "x {timestamp}{sqlite: WITHOUT ROWID}{postgres:\n-- only here\n}"
    assert render(template, "sqlite") == "x INTEGER WITHOUT ROWID"
    assert render(template, "postgres") == "x TIMESTAMPTZ\n-- only here\n"
    with pytest.raises(RuntimeError, match="colour"):
        render("{colour}", "sqlite")


async def test_unknown_scheme_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedDatabaseURL, match="mysql"):
        await open_store("mysql://user:secret@host/db")
    with pytest.raises(UnsupportedDatabaseURL) as info:
        await open_store("mysql://user:secret@host/db")
    assert "secret" not in str(info.value)


async def test_sqlite_memory_and_missing_directory(tmp_path: Path) -> None:
    async with await open_store("sqlite:///:memory:") as memory:
        assert await memory.schema_version() >= 1
    with pytest.raises(Exception, match="does not exist"):
        await open_store(f"sqlite:///{tmp_path}/missing/dir/x.db")


def test_sqlite_paths() -> None:
    assert sqlite_path("sqlite:///counterpoint.db") == "counterpoint.db"
    assert sqlite_path("sqlite:////var/lib/cp.db") == "/var/lib/cp.db"
    assert sqlite_path("sqlite:///:memory:") == ":memory:"
    assert sqlite_path("sqlite://") == ":memory:"


async def test_sqlite_pragmas(tmp_path: Path) -> None:
    async with await open_store(f"sqlite:///{tmp_path / 'p.db'}") as s:
        db = s._db  # type: ignore[attr-defined]
        async with db.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with db.execute("PRAGMA busy_timeout") as cur:
            assert (await cur.fetchone())[0] > 0


async def test_closed_store_refuses_work(make_store) -> None:
    s: Store = await make_store()
    await s.close()
    await s.close()  # twice is fine
    with pytest.raises(Exception, match="closed"):
        await s.get_guild_settings(1)


async def test_guild_settings_defaults_and_updates(store: Store) -> None:
    assert await store.get_guild_settings(GUILD) == GuildSettings(guild_id=GUILD)
    assert await store.list_guild_settings() == []
    updated = await store.update_guild_settings(
        GUILD, now=at(1), moderator_role_id=2**63 - 1, timezone="Europe/Paris",
        summary_channel_id=42, summary_weekday=4, summary_hour=17, min_counter_length=80)
    assert updated.moderator_role_id == 2**63 - 1
    assert updated.timezone == "Europe/Paris"
    assert updated.updated_at == at(1)
    assert updated.feed_limit is None and updated.summary_enabled is True
    again = await store.update_guild_settings(GUILD, now=at(2), summary_enabled=False,
                                              feed_limit=5)
    assert again.timezone == "Europe/Paris" and again.summary_enabled is False
    assert again.feed_limit == 5 and again.summary_hour == 17
    assert await store.get_guild_settings(GUILD) == again
    assert await store.list_guild_settings() == [again]
    assert "timezone" in GUILD_SETTING_FIELDS and "guild_id" not in GUILD_SETTING_FIELDS


async def test_guild_settings_validation(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown guild settings"):
        await store.update_guild_settings(GUILD, colour="red")
    with pytest.raises(ValueError, match="summary_hour"):
        await store.update_guild_settings(GUILD, summary_hour=24)
    with pytest.raises(ValueError, match="naive"):
        from datetime import datetime

        await store.update_guild_settings(GUILD, now=datetime(2026, 1, 1), timezone="UTC")
    assert (await store.get_guild_settings(GUILD)).updated_at is None


async def test_moderation_log(store: Store) -> None:
    entries = [
        await store.log_moderation(GUILD, 7, "feed.add", target="feed:1", details="url",
                                   now=at(i))
        for i in range(5)
    ]
    await store.log_moderation(GUILD + 1, 7, "other", now=at(0))
    newest = await store.list_moderation(GUILD, limit=3)
    assert [e.id for e in newest] == [e.id for e in reversed(entries)][:3]
    older = await store.list_moderation(GUILD, before_id=newest[-1].id)
    assert [e.id for e in older] == [entries[1].id, entries[0].id]
    assert older[0].created_at == at(1) and older[0].target == "feed:1"
