"""Counterpoint's storage: one :class:`Store` interface, SQLite (default) and PostgreSQL.

``await open_store(url)`` returns a migrated store; ``await migrate(url)`` is what
``python -m bot migrate`` runs. Nothing outside this package writes SQL.

Where things are, and where a change goes:

- ``records.py``: the frozen dataclasses the store takes and returns, and its errors.
- One module of queries per domain, each a class composed into :class:`Store` (``store.py``):
  ``settings``, ``feeds`` (and seen entries), ``subscriptions``, ``pieces`` (publishing,
  leases, side effects), ``debate`` (contributions, awards), ``votes``, ``moderation``,
  ``summaries``, ``reviews`` (review before posting), ``shards`` (which process runs which
  shard). A new query goes in its domain's module, written once for both backends.
- ``base.py``: what a backend provides (transactions, dialect SQL, locks) and the helpers
  every query uses (``_one`` / ``_all`` / ``_value`` / ``_run`` for one statement in one
  transaction); ``rows.py``: rows → records by the dataclasses' fields, and timestamps.
- ``sqlite.py`` / ``postgres.py``: the two backends.
- ``backup.py`` / ``cli.py``: the SQLite store copied out and back (``python -m bot backup``,
  ``restore``).
- ``migrations/NNNN_name.sql``: the schema, written once, rendered per dialect by
  ``schema.py``. A new server setting is a field of ``GuildSettings`` (its range declared
  with it by ``setting(...)``) and a column added by a migration; no store code changes.
  A new table, or a column holding member ids, also gets its entry in the ownership map of
  ``datarights.py`` (how its rows belong to a server, which columns name members): the
  data-rights tests read every table from the database and fail without it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.store.base import UNSET
from bot.store.records import (
    AGREE,
    DISAGREE,
    GUILD_SETTING_FIELDS,
    ArgumentRecord,
    ArgumentStats,
    Award,
    BoardMember,
    Conflict,
    Contribution,
    ContributionEdit,
    ContributionStats,
    EntryKeys,
    Feed,
    GuildSettings,
    InvalidTransition,
    LeaseLost,
    MemberFacts,
    ModerationEntry,
    ModeratorAction,
    NotFound,
    Participation,
    PieceRecord,
    ReviewRecord,
    StoreError,
    Subscription,
    SummaryPost,
    Tally,
    VoteClick,
    VoteOutcome,
    VoteTarget,
)
from bot.store.shards import ShardClaim
from bot.store.store import Store

__all__ = [
    "AGREE",
    "DISAGREE",
    "GUILD_SETTING_FIELDS",
    "UNSET",
    "ArgumentRecord",
    "ArgumentStats",
    "Award",
    "BoardMember",
    "Conflict",
    "Contribution",
    "ContributionEdit",
    "ContributionStats",
    "EntryKeys",
    "Feed",
    "GuildSettings",
    "InvalidTransition",
    "LeaseLost",
    "MemberFacts",
    "ModerationEntry",
    "ModeratorAction",
    "NotFound",
    "Participation",
    "PieceRecord",
    "ReviewRecord",
    "ShardClaim",
    "Store",
    "StoreError",
    "Subscription",
    "SummaryPost",
    "Tally",
    "UnsupportedDatabaseURL",
    "VoteClick",
    "VoteOutcome",
    "VoteTarget",
    "migrate",
    "open_store",
]

_SQLITE_SCHEMES = {"sqlite"}
_POSTGRES_SCHEMES = {"postgresql", "postgres"}


class UnsupportedDatabaseURL(StoreError, ValueError):
    """The database URL names a scheme the store does not speak."""


def _scheme(url: str) -> str:
    scheme = urlsplit(url).scheme.lower()
    # SQLAlchemy-style driver suffixes ("postgresql+asyncpg") name the same database.
    return scheme.split("+", 1)[0]


async def open_store(url: str, *, migrate: bool = True) -> Store:
    """Connect to ``sqlite:///path.db``, ``sqlite:///:memory:`` or ``postgresql://...``.

    With ``migrate`` (the default) pending migrations are applied before returning.
    """
    scheme = _scheme(url)
    store: Store
    if scheme in _SQLITE_SCHEMES:
        from bot.store.sqlite import SQLiteStore

        store = await SQLiteStore.connect(url)
    elif scheme in _POSTGRES_SCHEMES:
        from bot.store.postgres import PostgresStore

        store = await PostgresStore.connect(url)
    else:
        raise UnsupportedDatabaseURL(
            f"unsupported database URL scheme {scheme or '(none)'!r} in {_redact(url)!r}: "
            "use sqlite:///path/to.db, sqlite:///:memory: or postgresql://user@host/db"
        )
    if migrate:
        try:
            await store.migrate()
        except BaseException:
            await store.close()
            raise
    return store


async def migrate(url: str) -> list[int]:
    """Apply pending migrations to the database at ``url``; return the versions applied."""
    store = await open_store(url, migrate=False)
    try:
        return await store.migrate()
    finally:
        await store.close()


def _redact(url: str) -> str:
    """The URL without its password, safe for error messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
