"""The SQL behind both backends: one implementation of :class:`Store`, two dialects.

Queries are written once with ``$n`` placeholders (asyncpg's style; the SQLite backend
rewrites them to SQLite's ``?n``). The few dialect differences (array parameters, row locks,
the migration lock) go through small hooks the backends fill in. Backends only provide a
connection that runs one transaction at a time.
"""

from __future__ import annotations

import json
import re
from abc import abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.articles.model import Piece
from bot.store.base import UNSET, Store
from bot.store.records import (
    AGREE,
    DISAGREE,
    GUILD_SETTING_FIELDS,
    PUBLISH_STATES,
    ArgumentRecord,
    ArgumentStats,
    Award,
    Conflict,
    Contribution,
    ContributionEdit,
    ContributionKind,
    ContributionStats,
    EntryKeys,
    Feed,
    GuildSettings,
    InvalidTransition,
    LeaseLost,
    ModerationEntry,
    NotFound,
    Participation,
    PieceRecord,
    PublishState,
    StoreError,
    Subscription,
    SummaryPost,
    Tally,
    VoteAction,
    VoteClick,
    VoteOutcome,
    VoteTarget,
)
from bot.store.schema import load_migrations

Row = Mapping[str, Any]

_ISO_WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
#: SET clause giving a piece's publishing lease back.
_NO_LEASE = "lease_owner = NULL, lease_expires_at = NULL"


class Conn(Protocol):
    """One connection inside one transaction, as the backends expose it."""

    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def fetchrow(self, sql: str, *args: Any) -> Row | None: ...

    async def fetchval(self, sql: str, *args: Any) -> Any: ...

    async def execute(self, sql: str, *args: Any) -> int:
        """Run a statement; returns the number of rows it changed."""
        ...


def utc(value: datetime) -> datetime:
    """``value`` in UTC; naive datetimes are refused (they are ambiguous)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: the store takes timezone-aware datetimes")
    return value.astimezone(UTC)


def now_or(value: datetime | None) -> datetime:
    return datetime.now(UTC) if value is None else utc(value)


def encode_ts(value: datetime) -> int:
    """SQLite's form of a timestamp: integer microseconds since the epoch (exact, compact)."""
    return (utc(value) - _EPOCH) // _MICROSECOND


def parse_ts(value: Any) -> datetime | None:
    """A stored timestamp (SQLite integer or PostgreSQL datetime) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return _EPOCH + int(value) * _MICROSECOND


def _ts(value: Any) -> datetime:
    parsed = parse_ts(value)
    if parsed is None:
        raise StoreError("a required timestamp is NULL")
    return parsed


def _strings(values: Sequence[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise TypeError("expected a sequence of strings, got one string")
    return tuple(str(v) for v in values)


# --- rows → records --------------------------------------------------------------------------


def _settings(row: Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        moderator_role_id=row["moderator_role_id"],
        timezone=row["timezone"],
        summary_channel_id=row["summary_channel_id"],
        summary_weekday=row["summary_weekday"],
        summary_hour=row["summary_hour"],
        summary_enabled=bool(row["summary_enabled"]),
        min_counter_length=row["min_counter_length"],
        feed_limit=row["feed_limit"],
        updated_at=parse_ts(row["updated_at"]),
    )


def _feed(row: Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        consecutive_failures=row["consecutive_failures"],
        last_error=row["last_error"],
        last_attempt_at=parse_ts(row["last_attempt_at"]),
        last_success_at=parse_ts(row["last_success_at"]),
        next_poll_at=_ts(row["next_poll_at"]),
        paused=bool(row["paused"]),
        lease_owner=row["lease_owner"],
        lease_expires_at=parse_ts(row["lease_expires_at"]),
        created_at=_ts(row["created_at"]),
    )


def _subscription(row: Row) -> Subscription:
    return Subscription(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        feed_id=row["feed_id"],
        mention_role_id=row["mention_role_id"],
        include=tuple(json.loads(row["include_filters"])),
        exclude=tuple(json.loads(row["exclude_filters"])),
        paused=bool(row["paused"]),
        created_by=row["created_by"],
        created_at=_ts(row["created_at"]),
        pause_notice=row["pause_notice"],
    )


def _piece(row: Row) -> PieceRecord:
    return PieceRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        subscription_id=row["subscription_id"],
        url=row["url"],
        title=row["title"],
        author=row["author"],
        outlet=row["outlet"],
        thesis=row["thesis"],
        conclusion=row["conclusion"],
        announced_count=row["announced_count"],
        state=row["state"],
        message_id=row["message_id"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=_ts(row["created_at"]),
        published_at=parse_ts(row["published_at"]),
        lease_owner=row["lease_owner"],
        lease_expires_at=parse_ts(row["lease_expires_at"]),
        ping_message_id=row["ping_message_id"],
    )


def _argument(row: Row) -> ArgumentRecord:
    return ArgumentRecord(
        id=row["id"],
        piece_id=row["piece_id"],
        number=row["number"],
        title=row["title"],
        marker=row["marker"],
        text=row["text"],
        anchor_message_id=row["anchor_message_id"],
        thread_id=row["thread_id"],
        opening_message_id=row["opening_message_id"],
        posted_at=parse_ts(row["posted_at"]),
    )


def _contribution(row: Row) -> Contribution:
    return Contribution(
        id=row["id"],
        guild_id=row["guild_id"],
        argument_id=row["argument_id"],
        parent_id=row["parent_id"],
        kind=row["kind"],
        author_id=row["author_id"],
        body=row["body"],
        message_id=row["message_id"],
        created_at=_ts(row["created_at"]),
        edited_at=parse_ts(row["edited_at"]),
        withdrawn_at=parse_ts(row["withdrawn_at"]),
    )


def _edit(row: Row) -> ContributionEdit:
    return ContributionEdit(
        id=row["id"],
        contribution_id=row["contribution_id"],
        previous_body=row["previous_body"],
        edited_by=row["edited_by"],
        edited_at=_ts(row["edited_at"]),
    )


def _award(row: Row) -> Award:
    return Award(
        id=row["id"],
        guild_id=row["guild_id"],
        member_id=row["member_id"],
        contribution_id=row["contribution_id"],
        reason=row["reason"],
        created_at=_ts(row["created_at"]),
    )


def _moderation(row: Row) -> ModerationEntry:
    return ModerationEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        target=row["target"],
        details=row["details"],
        created_at=_ts(row["created_at"]),
    )


def _summary(row: Row) -> SummaryPost:
    return SummaryPost(
        guild_id=row["guild_id"],
        iso_week=row["iso_week"],
        message_id=row["message_id"],
        claimed_at=_ts(row["claimed_at"]),
        posted_at=parse_ts(row["posted_at"]),
    )


def _agree(row: Row) -> int:
    """Agree votes from a row's ``votes`` (count) and ``net`` (sum of ±1 values)."""
    return (int(row["votes"]) + int(row["net"])) // 2


def _disagree(row: Row) -> int:
    return (int(row["votes"]) - int(row["net"])) // 2


def _check_settings(settings: GuildSettings) -> None:
    if not 0 <= settings.summary_weekday <= 6:
        raise ValueError("summary_weekday must be 0 (Monday) to 6 (Sunday)")
    if not 0 <= settings.summary_hour <= 23:
        raise ValueError("summary_hour must be 0 to 23")
    if settings.min_counter_length is not None and settings.min_counter_length <= 0:
        raise ValueError("min_counter_length must be positive (or None for the default)")
    if settings.feed_limit is not None and settings.feed_limit < 0:
        raise ValueError("feed_limit must not be negative (or None for the default)")
    if not settings.timezone:
        raise ValueError("timezone must be an IANA name such as 'Europe/Paris'")


class Where:
    """A WHERE clause built from optional filters, numbering placeholders as it goes."""

    def __init__(self, *args: Any) -> None:
        self.args: list[Any] = list(args)
        self.terms: list[str] = []

    def add(self, template: str, value: Any) -> None:
        """``template`` holds ``{}`` where the placeholder for ``value`` goes."""
        self.args.append(value)
        self.terms.append(template.format(f"${len(self.args)}"))

    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.terms)}" if self.terms else ""


class SqlStore(Store):
    """The dialect-neutral implementation; subclasses provide ``_tx`` and the hooks."""

    dialect = "sql"
    #: Appended to a SELECT that must lock the rows it reads (empty where locks don't exist).
    _for_update = ""

    @abstractmethod
    def _tx(self) -> Any:
        """``async with self._tx() as conn``: one transaction, committed on success.

        On SQLite it takes the write lock up front (BEGIN IMMEDIATE) so a read-then-write
        never fails half-way on a lock.
        """

    def _read_tx(self) -> Any:
        """``async with self._read_tx() as conn``: a read-only transaction.

        The summary queries use it; a backend with spare read connections (SQLite in WAL)
        runs them side by side instead of queueing them behind each other on ``_tx``.
        """
        return self._tx()

    @abstractmethod
    def _array(self, n: int, sql_type: str) -> str:
        """A FROM item yielding one row per element of array parameter ``$n`` as ``t.value``."""

    @abstractmethod
    async def _lock_migrations(self, conn: Conn) -> None:
        """Serialise migrators of the same database (called first in the migration tx)."""

    async def _lock_vote(self, conn: Conn, kind: str, target_id: int, member_id: int) -> None:
        """Serialise votes of one member on one target (SQLite's BEGIN IMMEDIATE already does)."""

    def _param(self, n: int, sql_type: str) -> str:
        """Placeholder ``$n`` with a type the planner cannot infer (INSERT ... SELECT)."""
        return f"${n}"

    # --- lifecycle --------------------------------------------------------------------------

    async def migrate(self) -> list[int]:
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

    @abstractmethod
    def _migrations_table_sql(self) -> str: ...

    @abstractmethod
    async def _has_table(self, conn: Conn, name: str) -> bool: ...

    async def schema_version(self) -> int:
        async with self._tx() as conn:
            if not await self._has_table(conn, "schema_migrations"):
                return 0
            value = await conn.fetchval("SELECT MAX(version) FROM schema_migrations")
        return int(value or 0)

    # --- guild settings ---------------------------------------------------------------------

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        async with self._tx() as conn:
            row = await conn.fetchrow("SELECT * FROM guild_settings WHERE guild_id = $1", guild_id)
        return _settings(row) if row else GuildSettings(guild_id=guild_id)

    async def update_guild_settings(
        self, guild_id: int, *, now: datetime | None = None, **changes: Any
    ) -> GuildSettings:
        unknown = set(changes) - GUILD_SETTING_FIELDS
        if unknown:
            raise ValueError(
                f"unknown guild settings {sorted(unknown)}; known: {sorted(GUILD_SETTING_FIELDS)}")
        stamp = now_or(now)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"SELECT * FROM guild_settings WHERE guild_id = $1{self._for_update}", guild_id)
            current = _settings(row) if row else GuildSettings(guild_id=guild_id)
            merged = replace(current, **changes, updated_at=stamp)
            _check_settings(merged)
            columns = [f.name for f in fields(GuildSettings)]
            values = [getattr(merged, c) for c in columns]
            placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
            # Only the changed columns are overwritten, so two moderators changing different
            # settings at once both keep their change.
            updates = ", ".join(f"{c} = excluded.{c}" for c in [*changes, "updated_at"])
            saved = await conn.fetchrow(
                f"INSERT INTO guild_settings ({', '.join(columns)}) VALUES ({placeholders}) "
                f"ON CONFLICT (guild_id) DO UPDATE SET {updates} RETURNING *",
                *values)
        assert saved is not None
        return _settings(saved)

    async def list_guild_settings(self) -> list[GuildSettings]:
        async with self._tx() as conn:
            rows = await conn.fetch("SELECT * FROM guild_settings ORDER BY guild_id")
        return [_settings(r) for r in rows]

    # --- feeds ------------------------------------------------------------------------------

    async def ensure_feed(
        self, url: str, *, title: str | None = None, now: datetime | None = None
    ) -> Feed:
        async with self._tx() as conn:
            return await self._ensure_feed(conn, url, now_or(now), title or None)

    async def _ensure_feed(
        self, conn: Conn, url: str, now: datetime, title: str | None = None
    ) -> Feed:
        if not url:
            raise ValueError("a feed needs a URL")
        # A title only fills a gap: the poller keeps the one it stores current.
        row = await conn.fetchrow(
            "INSERT INTO feeds (url, title, next_poll_at, created_at) VALUES ($1, $3, $2, $2) "
            "ON CONFLICT (url) DO UPDATE SET title = excluded.title"
            " WHERE feeds.title IS NULL AND excluded.title IS NOT NULL RETURNING *",
            url, now, title)
        if row is None:
            row = await conn.fetchrow("SELECT * FROM feeds WHERE url = $1", url)
        assert row is not None
        return _feed(row)

    async def get_feed(self, feed_id: int) -> Feed | None:
        async with self._tx() as conn:
            row = await conn.fetchrow("SELECT * FROM feeds WHERE id = $1", feed_id)
        return _feed(row) if row else None

    async def get_feed_by_url(self, url: str) -> Feed | None:
        async with self._tx() as conn:
            row = await conn.fetchrow("SELECT * FROM feeds WHERE url = $1", url)
        return _feed(row) if row else None

    async def list_feeds(self) -> list[Feed]:
        async with self._tx() as conn:
            rows = await conn.fetch("SELECT * FROM feeds ORDER BY id")
        return [_feed(r) for r in rows]

    async def set_feed_paused(
        self, feed_id: int, paused: bool, *, notice: str | None = None
    ) -> Feed:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "UPDATE feeds SET paused = $2 WHERE id = $1 RETURNING *", feed_id, bool(paused))
            if row is None:
                raise NotFound(f"no feed {feed_id}")
            if paused and notice is not None:
                await conn.execute(
                    "UPDATE subscriptions SET pause_notice = $2 WHERE feed_id = $1",
                    feed_id, notice)
        return _feed(row)

    async def resume_feed(self, feed_id: int, *, next_poll_at: datetime) -> Feed:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "UPDATE feeds SET paused = $2, consecutive_failures = 0, next_poll_at = $3"
                " WHERE id = $1 RETURNING *", feed_id, False, utc(next_poll_at))
            if row is None:
                raise NotFound(f"no feed {feed_id}")
            # A notice not delivered yet would now announce a pause that is over.
            await conn.execute(
                "UPDATE subscriptions SET pause_notice = NULL WHERE feed_id = $1", feed_id)
        return _feed(row)

    async def take_pause_notice(self, subscription_id: int) -> str | None:
        async with self._tx() as conn:
            # Read under the row lock (PostgreSQL) or the write transaction (SQLite): of
            # several processes, exactly one gets the text.
            notice: str | None = await conn.fetchval(
                f"SELECT pause_notice FROM subscriptions WHERE id = $1{self._for_update}",
                subscription_id)
            if notice is not None:
                await conn.execute(
                    "UPDATE subscriptions SET pause_notice = NULL WHERE id = $1",
                    subscription_id)
        return notice

    async def return_pause_notice(self, subscription_id: int, notice: str) -> bool:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE subscriptions SET pause_notice = $2"
                " WHERE id = $1 AND pause_notice IS NULL"
                " AND EXISTS (SELECT 1 FROM feeds f WHERE f.id = subscriptions.feed_id"
                " AND f.paused)", subscription_id, notice)
        return changed > 0

    async def delete_feed(self, feed_id: int) -> bool:
        async with self._tx() as conn:
            return await conn.execute("DELETE FROM feeds WHERE id = $1", feed_id) > 0

    def _due_feeds_sql(self, require_subscribers: bool) -> str:
        """Ids of due feeds; $1 now, $4 limit. Subclasses may add row locking."""
        subscribers = (
            " AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.feed_id = f.id AND NOT s.paused)"
            if require_subscribers else "")
        return (
            "SELECT f.id FROM feeds f WHERE NOT f.paused AND f.next_poll_at <= $1"
            " AND (f.lease_expires_at IS NULL OR f.lease_expires_at <= $1)"
            f"{subscribers} ORDER BY f.next_poll_at, f.id LIMIT $4")

    async def claim_due_feeds(
        self,
        now: datetime,
        owner: str,
        lease_seconds: float,
        limit: int,
        *,
        require_subscribers: bool = True,
    ) -> list[Feed]:
        if not owner:
            raise ValueError("a lease needs an owner name")
        if limit <= 0:
            return []
        stamp = utc(now)
        expires = stamp + timedelta(seconds=lease_seconds)
        async with self._tx() as conn:
            rows = await conn.fetch(
                f"WITH due AS ({self._due_feeds_sql(require_subscribers)}) "
                "UPDATE feeds SET lease_owner = $2, lease_expires_at = $3 "
                "WHERE id IN (SELECT id FROM due) RETURNING *",
                stamp, owner, expires, int(limit))
        feeds = [_feed(r) for r in rows]
        feeds.sort(key=lambda f: (f.next_poll_at, f.id))
        return feeds

    async def release_feed_lease(self, feed_id: int, owner: str) -> bool:
        async with self._tx() as conn:
            changed = await conn.execute(
                "UPDATE feeds SET lease_owner = NULL, lease_expires_at = NULL "
                "WHERE id = $1 AND lease_owner = $2", feed_id, owner)
        return changed > 0

    async def _record_fetch(
        self,
        feed_id: int,
        owner: str | None,
        now: datetime,
        sets: dict[str, Any],
        raw: Sequence[str] = (),
    ) -> Feed:
        where = Where(feed_id)
        assignments = list(raw)
        for column, value in sets.items():
            where.args.append(value)
            assignments.append(f"{column} = ${len(where.args)}")
        where.terms.append("id = $1")
        if owner is not None:
            # Our own lease, a free one, or an expired one nobody re-claimed: ours to write.
            where.args.extend([owner, now])
            o, n = len(where.args) - 1, len(where.args)
            where.terms.append(
                f"(lease_owner IS NULL OR lease_owner = ${o} OR lease_expires_at <= ${n})")
        assignments += ["lease_owner = NULL", "lease_expires_at = NULL"]
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"UPDATE feeds SET {', '.join(assignments)} {where.sql()} RETURNING *",
                *where.args)
            if row is None:
                holder = await conn.fetchrow(
                    "SELECT lease_owner FROM feeds WHERE id = $1", feed_id)
        if row is None:
            if holder is None:
                raise NotFound(f"no feed {feed_id}")
            raise LeaseLost(f"feed {feed_id} is leased to {holder['lease_owner']!r}, not {owner!r}")
        return _feed(row)

    async def record_fetch_success(
        self,
        feed_id: int,
        *,
        next_poll_at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = UNSET,
        owner: str | None = None,
        now: datetime | None = None,
    ) -> Feed:
        stamp = now_or(now)
        sets: dict[str, Any] = {
            "etag": etag, "last_modified": last_modified, "consecutive_failures": 0,
            "last_error": None, "last_attempt_at": stamp, "last_success_at": stamp,
            "next_poll_at": utc(next_poll_at),
        }
        if title is not UNSET:
            sets["title"] = title
        return await self._record_fetch(feed_id, owner, stamp, sets)

    async def record_fetch_failure(
        self,
        feed_id: int,
        *,
        error: str,
        next_poll_at: datetime,
        owner: str | None = None,
        now: datetime | None = None,
    ) -> Feed:
        stamp = now_or(now)
        sets: dict[str, Any] = {
            "last_error": error, "last_attempt_at": stamp, "next_poll_at": utc(next_poll_at),
        }
        # Incremented in SQL rather than read-modify-write, so no failure is ever lost.
        return await self._record_fetch(
            feed_id, owner, stamp, sets, ("consecutive_failures = consecutive_failures + 1",))

    # --- subscriptions ----------------------------------------------------------------------

    async def add_subscription(
        self,
        guild_id: int,
        channel_id: int,
        feed_url: str,
        *,
        created_by: int,
        mention_role_id: int | None = None,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        now: datetime | None = None,
    ) -> Subscription:
        stamp = now_or(now)
        async with self._tx() as conn:
            feed = await self._ensure_feed(conn, feed_url, stamp)
            row = await conn.fetchrow(
                "INSERT INTO subscriptions (guild_id, channel_id, feed_id, mention_role_id,"
                " include_filters, exclude_filters, paused, created_by, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                " ON CONFLICT (guild_id, channel_id, feed_id) DO NOTHING RETURNING *",
                guild_id, channel_id, feed.id, mention_role_id,
                json.dumps(_strings(include)), json.dumps(_strings(exclude)), False,
                created_by, stamp)
        if row is None:
            raise Conflict(f"channel {channel_id} already follows {feed_url}")
        return _subscription(row)

    async def get_subscription(self, subscription_id: int) -> Subscription | None:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM subscriptions WHERE id = $1", subscription_id)
        return _subscription(row) if row else None

    async def list_subscriptions(
        self,
        *,
        guild_id: int | None = None,
        feed_id: int | None = None,
        channel_id: int | None = None,
        include_paused: bool = True,
        owed_pause_notice: bool = False,
    ) -> list[Subscription]:
        where = Where()
        if guild_id is not None:
            where.add("guild_id = {}", guild_id)
        if feed_id is not None:
            where.add("feed_id = {}", feed_id)
        if channel_id is not None:
            where.add("channel_id = {}", channel_id)
        if not include_paused:
            where.terms.append("NOT paused")
        if owed_pause_notice:
            where.terms.append("pause_notice IS NOT NULL")
        async with self._tx() as conn:
            rows = await conn.fetch(
                f"SELECT * FROM subscriptions {where.sql()} ORDER BY id", *where.args)
        return [_subscription(r) for r in rows]

    async def count_subscriptions(self, guild_id: int) -> int:
        async with self._tx() as conn:
            value = await conn.fetchval(
                "SELECT COUNT(*) FROM subscriptions WHERE guild_id = $1", guild_id)
        return int(value)

    async def update_subscription(
        self,
        subscription_id: int,
        *,
        mention_role_id: int | None = UNSET,
        include: Sequence[str] = UNSET,
        exclude: Sequence[str] = UNSET,
        paused: bool = UNSET,
    ) -> Subscription:
        changes: dict[str, Any] = {}
        if mention_role_id is not UNSET:
            changes["mention_role_id"] = mention_role_id
        if include is not UNSET:
            changes["include_filters"] = json.dumps(_strings(include))
        if exclude is not UNSET:
            changes["exclude_filters"] = json.dumps(_strings(exclude))
        if paused is not UNSET:
            changes["paused"] = bool(paused)
        if not changes:
            current = await self.get_subscription(subscription_id)
            if current is None:
                raise NotFound(f"no subscription {subscription_id}")
            return current
        args: list[Any] = [subscription_id]
        assignments = []
        for column, value in changes.items():
            args.append(value)
            assignments.append(f"{column} = ${len(args)}")
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"UPDATE subscriptions SET {', '.join(assignments)} WHERE id = $1 RETURNING *",
                *args)
        if row is None:
            raise NotFound(f"no subscription {subscription_id}")
        return _subscription(row)

    async def remove_subscription(self, subscription_id: int) -> bool:
        async with self._tx() as conn:
            return await conn.execute(
                "DELETE FROM subscriptions WHERE id = $1", subscription_id) > 0

    # --- seen entries -----------------------------------------------------------------------

    async def mark_seen(
        self, feed_id: int, keys: Iterable[str], *, now: datetime | None = None
    ) -> None:
        # Deduplicated: PostgreSQL refuses to upsert the same row twice in one statement.
        unique = list(dict.fromkeys(str(k) for k in keys))
        if not unique:
            return
        async with self._tx() as conn:
            await conn.execute(
                f"INSERT INTO seen_entries (feed_id, key, seen_at)"
                f" SELECT {self._param(1, 'bigint')}, t.value, {self._param(3, 'timestamptz')}"
                f" FROM {self._array(2, 'text')} WHERE true"
                " ON CONFLICT (feed_id, key) DO UPDATE SET seen_at = CASE"
                " WHEN excluded.seen_at > seen_entries.seen_at THEN excluded.seen_at"
                " ELSE seen_entries.seen_at END",
                feed_id, unique, now_or(now))

    async def filter_unseen(
        self, feed_id: int, entries: Sequence[EntryKeys | tuple[str, Sequence[str]]]
    ) -> list[str]:
        normalised = [
            e if isinstance(e, EntryKeys) else EntryKeys(e[0], _strings(e[1])) for e in entries
        ]
        if not normalised:
            return []
        every_key = list(dict.fromkeys(k for e in normalised for k in e.all_keys()))
        async with self._tx() as conn:
            rows = await conn.fetch(
                "SELECT key FROM seen_entries WHERE feed_id = $1"
                f" AND key IN (SELECT t.value FROM {self._array(2, 'text')})",
                feed_id, every_key)
        taken = {r["key"] for r in rows}
        unseen: list[str] = []
        for entry in normalised:
            keys = set(entry.all_keys())
            if keys & taken:
                continue
            unseen.append(entry.key)
            taken |= keys  # a later duplicate in the same batch is not new either
        return unseen

    async def count_seen(self, feed_id: int) -> int:
        async with self._tx() as conn:
            value = await conn.fetchval(
                "SELECT COUNT(*) FROM seen_entries WHERE feed_id = $1", feed_id)
        return int(value)

    async def prune_seen(self, older_than: datetime) -> int:
        async with self._tx() as conn:
            return await conn.execute(
                "DELETE FROM seen_entries WHERE seen_at < $1", utc(older_than))

    # --- pieces and arguments ---------------------------------------------------------------

    async def create_piece(
        self,
        guild_id: int,
        channel_id: int,
        piece: Piece,
        *,
        url: str | None = None,
        subscription_id: int | None = None,
        now: datetime | None = None,
    ) -> PieceRecord | None:
        source = url or piece.url
        if not source:
            raise ValueError("a piece needs a source URL (pass url= or set piece.url)")
        numbers = [a.number for a in piece.arguments]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"argument numbers repeat: {numbers}")
        stamp = now_or(now)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "INSERT INTO pieces (guild_id, channel_id, subscription_id, url, title, author,"
                " outlet, thesis, conclusion, announced_count, state, attempts, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', 0, $11)"
                " ON CONFLICT (guild_id, channel_id, url) DO NOTHING RETURNING *",
                guild_id, channel_id, subscription_id, source, piece.title, piece.author,
                piece.outlet, piece.thesis, piece.conclusion, piece.announced_count, stamp)
            if row is None:
                return None
            for argument in piece.arguments:
                await conn.execute(
                    "INSERT INTO arguments (piece_id, number, title, marker, text)"
                    " VALUES ($1, $2, $3, $4, $5)",
                    row["id"], argument.number, argument.title, argument.marker, argument.text)
        return _piece(row)

    async def get_piece(self, piece_id: int) -> PieceRecord | None:
        async with self._tx() as conn:
            row = await conn.fetchrow("SELECT * FROM pieces WHERE id = $1", piece_id)
        return _piece(row) if row else None

    async def get_piece_by_url(
        self, guild_id: int, channel_id: int, url: str
    ) -> PieceRecord | None:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM pieces WHERE guild_id = $1 AND channel_id = $2 AND url = $3",
                guild_id, channel_id, url)
        return _piece(row) if row else None

    async def get_piece_by_message(self, message_id: int) -> PieceRecord | None:
        async with self._tx() as conn:
            row = await conn.fetchrow("SELECT * FROM pieces WHERE message_id = $1", message_id)
        return _piece(row) if row else None

    async def list_pieces(
        self,
        *,
        states: Sequence[PublishState] | None = None,
        guild_id: int | None = None,
        limit: int | None = None,
    ) -> list[PieceRecord]:
        where = Where()
        if states is not None:
            bad = set(states) - set(PUBLISH_STATES)
            if bad:
                raise ValueError(f"unknown publish states {sorted(bad)}")
            if not states:
                return []
            marks = []
            for state in states:
                where.args.append(state)
                marks.append(f"${len(where.args)}")
            where.terms.append(f"state IN ({', '.join(marks)})")
        if guild_id is not None:
            where.add("guild_id = {}", guild_id)
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        async with self._tx() as conn:
            rows = await conn.fetch(
                f"SELECT * FROM pieces {where.sql()} ORDER BY created_at, id{tail}", *where.args)
        return [_piece(r) for r in rows]

    async def list_arguments(self, piece_id: int) -> list[ArgumentRecord]:
        async with self._tx() as conn:
            rows = await conn.fetch(
                "SELECT * FROM arguments WHERE piece_id = $1 ORDER BY number", piece_id)
        return [_argument(r) for r in rows]

    async def get_argument(self, argument_id: int) -> ArgumentRecord | None:
        async with self._tx() as conn:
            row = await conn.fetchrow("SELECT * FROM arguments WHERE id = $1", argument_id)
        return _argument(row) if row else None

    async def get_argument_by_thread(self, thread_id: int) -> ArgumentRecord | None:
        async with self._tx() as conn:
            row = await conn.fetchrow("SELECT * FROM arguments WHERE thread_id = $1", thread_id)
        return _argument(row) if row else None

    async def _transition(
        self,
        piece_id: int,
        sets: str,
        allowed_from: Sequence[PublishState],
        args: Sequence[Any],
        target: str,
    ) -> PieceRecord:
        marks = ", ".join(f"'{s}'" for s in allowed_from)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"UPDATE pieces SET {sets} WHERE id = $1 AND state IN ({marks}) RETURNING *",
                piece_id, *args)
            if row is None:
                current = await conn.fetchval("SELECT state FROM pieces WHERE id = $1", piece_id)
        if row is None:
            if current is None:
                raise NotFound(f"no piece {piece_id}")
            raise InvalidTransition(f"piece {piece_id} is {current}; cannot move to {target}")
        return _piece(row)

    async def begin_publishing(
        self, piece_id: int, *, now: datetime | None = None
    ) -> PieceRecord:
        return await self._transition(
            piece_id, "state = 'publishing', attempts = attempts + 1",
            ("pending", "failed", "publishing"), (), "publishing")

    async def finish_publishing(
        self, piece_id: int, *, now: datetime | None = None
    ) -> PieceRecord:
        return await self._transition(
            piece_id,
            "state = 'published', published_at = COALESCE(published_at, $2), last_error = NULL,"
            f" {_NO_LEASE}", ("publishing", "published"), (now_or(now),), "published")

    async def fail_publishing(
        self, piece_id: int, error: str, *, now: datetime | None = None
    ) -> PieceRecord:
        return await self._transition(
            piece_id, f"state = 'failed', last_error = $2, {_NO_LEASE}", ("publishing",),
            (error,), "failed")

    async def claim_piece(
        self, piece_id: int, owner: str, lease_seconds: float, *, now: datetime | None = None,
        replacing: str | None = None,
    ) -> bool:
        if not owner:
            raise ValueError("a lease needs an owner name")
        stamp = now_or(now)
        async with self._tx() as conn:
            # One conditional UPDATE: PostgreSQL re-checks the WHERE against a row another
            # claim just committed, SQLite's BEGIN IMMEDIATE runs claims one at a time. A
            # takeover from a dead holder is a compare-and-swap on that holder's name, so of
            # two restarted processes that both saw it dead, one wins.
            claimed = await conn.fetchval(
                "UPDATE pieces SET lease_owner = $2, lease_expires_at = $3 WHERE id = $1"
                " AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= $4"
                " OR lease_owner = $5) RETURNING id",
                piece_id, owner, stamp + timedelta(seconds=lease_seconds), stamp, replacing)
            if claimed is None:
                exists = await conn.fetchval("SELECT 1 FROM pieces WHERE id = $1", piece_id)
        if claimed is None and exists is None:
            raise NotFound(f"no piece {piece_id}")
        return claimed is not None

    async def release_piece(self, piece_id: int, owner: str) -> bool:
        async with self._tx() as conn:
            changed = await conn.execute(
                f"UPDATE pieces SET {_NO_LEASE} WHERE id = $1 AND lease_owner = $2",
                piece_id, owner)
        return changed > 0

    async def _record_once(
        self, table: str, column: str, row_id: int, value: int, extra: str = "",
        extra_args: Sequence[Any] = (),
    ) -> Row:
        """Set a side-effect column once: same value again is fine, another one conflicts."""
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"UPDATE {table} SET {column} = $2{extra} WHERE id = $1"
                f" AND ({column} IS NULL OR {column} = $2) RETURNING *",
                row_id, value, *extra_args)
            if row is None:
                existing = await conn.fetchrow(
                    f"SELECT {column} FROM {table} WHERE id = $1", row_id)
        if row is None:
            if existing is None:
                raise NotFound(f"no {table} row {row_id}")
            raise Conflict(
                f"{table} {row_id} already has {column} {existing[column]}, not {value}")
        return row

    async def record_piece_message(self, piece_id: int, message_id: int) -> PieceRecord:
        return _piece(await self._record_once("pieces", "message_id", piece_id, message_id))

    async def record_piece_ping(self, piece_id: int, message_id: int) -> PieceRecord:
        return _piece(await self._record_once("pieces", "ping_message_id", piece_id, message_id))

    async def record_argument_anchor(self, argument_id: int, message_id: int) -> ArgumentRecord:
        return _argument(await self._record_once(
            "arguments", "anchor_message_id", argument_id, message_id))

    async def record_argument_thread(self, argument_id: int, thread_id: int) -> ArgumentRecord:
        return _argument(await self._record_once(
            "arguments", "thread_id", argument_id, thread_id))

    async def record_argument_opening(
        self, argument_id: int, message_id: int, *, now: datetime | None = None
    ) -> ArgumentRecord:
        return _argument(await self._record_once(
            "arguments", "opening_message_id", argument_id, message_id,
            ", posted_at = COALESCE(posted_at, $3)", (now_or(now),)))

    # --- contributions ----------------------------------------------------------------------

    async def add_contribution(
        self,
        argument_id: int,
        author_id: int,
        body: str,
        *,
        kind: ContributionKind = "counter",
        parent_id: int | None = None,
        now: datetime | None = None,
    ) -> Contribution:
        if kind not in ("counter", "rebuttal"):
            raise ValueError(f"kind must be 'counter' or 'rebuttal', not {kind!r}")
        if (kind == "counter") != (parent_id is None):
            raise ValueError("a counter answers the argument (no parent); "
                             "a rebuttal answers a contribution (parent_id required)")
        stamp = now_or(now)
        async with self._tx() as conn:
            guild_id = await conn.fetchval(
                "SELECT p.guild_id FROM arguments a JOIN pieces p ON p.id = a.piece_id"
                " WHERE a.id = $1", argument_id)
            if guild_id is None:
                raise NotFound(f"no argument {argument_id}")
            if parent_id is not None:
                parent_argument = await conn.fetchval(
                    "SELECT argument_id FROM contributions WHERE id = $1", parent_id)
                if parent_argument is None:
                    raise NotFound(f"no contribution {parent_id}")
                if parent_argument != argument_id:
                    raise ValueError(
                        f"contribution {parent_id} belongs to argument {parent_argument}, "
                        f"not {argument_id}")
            row = await conn.fetchrow(
                "INSERT INTO contributions (guild_id, argument_id, parent_id, kind, author_id,"
                " body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
                guild_id, argument_id, parent_id, kind, author_id, body, stamp)
            await self._note_participant(conn, guild_id, author_id, stamp)
        assert row is not None
        return _contribution(row)

    async def get_contribution(self, contribution_id: int) -> Contribution | None:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM contributions WHERE id = $1", contribution_id)
        return _contribution(row) if row else None

    async def get_contribution_by_message(self, message_id: int) -> Contribution | None:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM contributions WHERE message_id = $1", message_id)
        return _contribution(row) if row else None

    async def list_contributions(
        self, argument_id: int, *, include_withdrawn: bool = True
    ) -> list[Contribution]:
        live = "" if include_withdrawn else " AND withdrawn_at IS NULL"
        async with self._tx() as conn:
            rows = await conn.fetch(
                f"SELECT * FROM contributions WHERE argument_id = $1{live}"
                " ORDER BY created_at, id", argument_id)
        return [_contribution(r) for r in rows]

    async def record_contribution_message(
        self, contribution_id: int, message_id: int
    ) -> Contribution:
        return _contribution(await self._record_once(
            "contributions", "message_id", contribution_id, message_id))

    async def edit_contribution(
        self, contribution_id: int, body: str, *, editor_id: int, now: datetime | None = None
    ) -> Contribution:
        stamp = now_or(now)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"SELECT * FROM contributions WHERE id = $1{self._for_update}", contribution_id)
            if row is None:
                raise NotFound(f"no contribution {contribution_id}")
            if row["body"] == body:
                return _contribution(row)
            await conn.execute(
                "INSERT INTO contribution_edits (contribution_id, previous_body, edited_by,"
                " edited_at) VALUES ($1, $2, $3, $4)",
                contribution_id, row["body"], editor_id, stamp)
            row = await conn.fetchrow(
                "UPDATE contributions SET body = $2, edited_at = $3 WHERE id = $1 RETURNING *",
                contribution_id, body, stamp)
        assert row is not None
        return _contribution(row)

    async def list_contribution_edits(self, contribution_id: int) -> list[ContributionEdit]:
        async with self._tx() as conn:
            rows = await conn.fetch(
                "SELECT * FROM contribution_edits WHERE contribution_id = $1 ORDER BY id",
                contribution_id)
        return [_edit(r) for r in rows]

    async def withdraw_contribution(
        self, contribution_id: int, *, now: datetime | None = None
    ) -> Contribution:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "UPDATE contributions SET withdrawn_at = COALESCE(withdrawn_at, $2)"
                " WHERE id = $1 RETURNING *", contribution_id, now_or(now))
        if row is None:
            raise NotFound(f"no contribution {contribution_id}")
        return _contribution(row)

    # --- votes ------------------------------------------------------------------------------

    async def _note_participant(
        self, conn: Conn, guild_id: int, member_id: int, now: datetime
    ) -> None:
        await conn.execute(
            "INSERT INTO participants (guild_id, member_id, first_active_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (guild_id, member_id) DO UPDATE SET first_active_at = CASE"
            " WHEN excluded.first_active_at < participants.first_active_at"
            " THEN excluded.first_active_at ELSE participants.first_active_at END",
            guild_id, member_id, now)

    async def _vote_context(self, conn: Conn, target: VoteTarget) -> tuple[int, int]:
        """(guild_id, argument_id) of a vote target; ``NotFound`` if it does not exist."""
        if target.kind == "argument":
            row = await conn.fetchrow(
                "SELECT p.guild_id, a.id AS argument_id FROM arguments a"
                " JOIN pieces p ON p.id = a.piece_id WHERE a.id = $1", target.id)
        elif target.kind == "contribution":
            row = await conn.fetchrow(
                "SELECT guild_id, argument_id FROM contributions WHERE id = $1", target.id)
        else:
            raise ValueError(f"unknown vote target kind {target.kind!r}")
        if row is None:
            raise NotFound(f"no {target.kind} {target.id}")
        return row["guild_id"], row["argument_id"]

    async def _tally(self, conn: Conn, target: VoteTarget) -> Tally:
        row = await conn.fetchrow(
            "SELECT COALESCE(SUM(CASE WHEN value = 1 THEN 1 ELSE 0 END), 0) AS agree,"
            " COALESCE(SUM(CASE WHEN value = -1 THEN 1 ELSE 0 END), 0) AS disagree"
            " FROM votes WHERE target_kind = $1 AND target_id = $2", target.kind, target.id)
        assert row is not None
        return Tally(int(row["agree"]), int(row["disagree"]))

    async def cast_vote(
        self, target: VoteTarget, member_id: int, value: int, *, now: datetime | None = None,
        click: VoteClick | None = None, debounce: float = 0.0,
    ) -> VoteOutcome:
        if value not in (AGREE, DISAGREE):
            raise ValueError(f"a vote is +1 or -1, not {value!r}")
        stamp = now_or(now)
        key = (target.kind, target.id, member_id)
        async with self._tx() as conn:
            guild_id, argument_id = await self._vote_context(conn, target)
            # One member's clicks on one target, one at a time, in every process; within the
            # lock the vote row and the member's recent clicks are read and written alike.
            await self._lock_vote(conn, *key)
            current, clicks = await self._vote_and_clicks(conn, key, clicks=click is not None)
            before: int | None = None if current is None else int(current)
            if click is None:
                after, counted = _toggle(before, value), True
                # A click without a date starts the member's history afresh.
                await conn.execute(
                    "DELETE FROM vote_clicks WHERE target_kind = $1 AND target_id = $2"
                    " AND member_id = $3", *key)
            else:
                folded = await self._fold_click(conn, key, argument_id, before, clicks, click,
                                                value, debounce)
                if folded is None:  # recorded already, or too old to place
                    tally = await self._tally(conn, target)
                    return VoteOutcome(target, member_id, "repeated", before, tally)
                after, counted = folded
            await self._write_vote(conn, key, before, after, guild_id, argument_id, stamp)
            if after is not None:
                await self._note_participant(conn, guild_id, member_id, stamp)
            tally = await self._tally(conn, target)
        return VoteOutcome(target, member_id, _vote_action(before, after, counted), after,
                           tally)

    async def _vote_and_clicks(self, conn: Conn, key: tuple[str, int, int], *, clicks: bool
                               ) -> tuple[Any, list[Row]]:
        """The member's vote on the target (locked for the transaction where rows lock) and,
        with ``clicks``, their recent clicks on it in click order."""
        current = await conn.fetchval(
            "SELECT value FROM votes WHERE target_kind = $1 AND target_id = $2"
            f" AND member_id = $3{self._for_update}", *key)
        if not clicks:
            return current, []
        rows = await conn.fetch(
            "SELECT click_id, clicked_at, value, prior, counted FROM vote_clicks"
            " WHERE target_kind = $1 AND target_id = $2 AND member_id = $3"
            " ORDER BY click_id", *key)
        return current, rows

    async def _fold_click(
        self, conn: Conn, key: tuple[str, int, int], argument_id: int, before: int | None,
        rows: list[Row], click: VoteClick, value: int, debounce: float,
    ) -> tuple[int | None, bool] | None:
        """Record ``click`` among the member's recent clicks on the target (``rows``) and fold
        them again in click order; returns (the vote after them all, whether this click
        counted), or ``None`` when the click is recorded already or older than the history
        kept."""
        history = [_Click(int(r["click_id"]), _ts(r["clicked_at"]), int(r["value"]),
                          None if r["prior"] is None else int(r["prior"]), bool(r["counted"]))
                   for r in rows]
        at = utc(click.at)
        if any(c.id == click.id for c in history):
            return None  # the same interaction delivered twice
        if history and at < history[-1].at - CLICK_HISTORY:
            return None  # its place was folded away; too late to count
        # Where the fold starts: the vote before the first click kept, or now.
        state = history[0].prior if history else before
        new = _Click(click.id, at, value, None, True)
        ordered = sorted([*history, new], key=lambda c: c.id)
        last_counted: _Click | None = None
        changed: list[_Click] = []
        for entry in ordered:
            prior, counted = state, True
            if (last_counted is not None and last_counted.value == entry.value
                    and (entry.at - last_counted.at).total_seconds() < debounce):
                counted = False  # a double click: the first one counts
            else:
                state = _toggle(state, entry.value)
                last_counted = entry
            if entry is not new and (entry.prior, entry.counted) != (prior, counted):
                changed.append(_Click(entry.id, entry.at, entry.value, prior, counted))
            if entry is new:
                new = _Click(entry.id, entry.at, entry.value, prior, counted)
        await conn.execute(
            "INSERT INTO vote_clicks (target_kind, target_id, member_id, click_id, clicked_at,"
            " value, prior, counted, argument_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            *key, new.id, new.at, new.value, new.prior, new.counted, argument_id)
        for entry in changed:
            await conn.execute(
                "UPDATE vote_clicks SET prior = $5, counted = $6 WHERE target_kind = $1"
                " AND target_id = $2 AND member_id = $3 AND click_id = $4",
                *key, entry.id, entry.prior, entry.counted)
        latest = max(c.at for c in ordered)
        if any(c.at < latest - CLICK_HISTORY for c in history):
            # Only when some click has aged out: a statement saved on almost every vote, each
            # one a trip to SQLite's thread with the store's lock held.
            await conn.execute(
                "DELETE FROM vote_clicks WHERE target_kind = $1 AND target_id = $2"
                " AND member_id = $3 AND clicked_at < $4", *key, latest - CLICK_HISTORY)
        return state, new.counted

    async def _write_vote(
        self, conn: Conn, key: tuple[str, int, int], before: int | None, after: int | None,
        guild_id: int, argument_id: int, stamp: datetime,
    ) -> None:
        if after == before:
            return
        if after is None:
            await conn.execute(
                "DELETE FROM votes WHERE target_kind = $1 AND target_id = $2"
                " AND member_id = $3", *key)
        elif before is None:
            await conn.execute(
                "INSERT INTO votes (target_kind, target_id, member_id, value, guild_id,"
                " argument_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                *key, after, guild_id, argument_id, stamp)
        else:
            await conn.execute(
                "UPDATE votes SET value = $4, updated_at = $5 WHERE target_kind = $1"
                " AND target_id = $2 AND member_id = $3", *key, after, stamp)

    async def get_vote(self, target: VoteTarget, member_id: int) -> int | None:
        async with self._tx() as conn:
            value = await conn.fetchval(
                "SELECT value FROM votes WHERE target_kind = $1 AND target_id = $2"
                " AND member_id = $3", target.kind, target.id, member_id)
        return None if value is None else int(value)

    async def tally(self, target: VoteTarget) -> Tally:
        async with self._tx() as conn:
            return await self._tally(conn, target)

    # --- awards -----------------------------------------------------------------------------

    async def award_changed_mind(
        self,
        member_id: int,
        contribution_id: int,
        reason: str | None = None,
        *,
        now: datetime | None = None,
    ) -> Award | None:
        stamp = now_or(now)
        async with self._tx() as conn:
            guild_id = await conn.fetchval(
                "SELECT guild_id FROM contributions WHERE id = $1", contribution_id)
            if guild_id is None:
                raise NotFound(f"no contribution {contribution_id}")
            row = await conn.fetchrow(
                "INSERT INTO awards (guild_id, member_id, contribution_id, reason, created_at)"
                " VALUES ($1, $2, $3, $4, $5)"
                " ON CONFLICT (contribution_id, member_id) DO NOTHING RETURNING *",
                guild_id, member_id, contribution_id, reason, stamp)
            if row is not None:
                await self._note_participant(conn, guild_id, member_id, stamp)
        return _award(row) if row else None

    async def list_awards(
        self,
        *,
        contribution_id: int | None = None,
        guild_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Award]:
        where = Where()
        if contribution_id is not None:
            where.add("contribution_id = {}", contribution_id)
        if guild_id is not None:
            where.add("guild_id = {}", guild_id)
        if since is not None:
            where.add("created_at >= {}", utc(since))
        if until is not None:
            where.add("created_at < {}", utc(until))
        async with self._tx() as conn:
            rows = await conn.fetch(
                f"SELECT * FROM awards {where.sql()} ORDER BY created_at, id", *where.args)
        return [_award(r) for r in rows]

    # --- moderation log ---------------------------------------------------------------------

    async def log_moderation(
        self,
        guild_id: int,
        actor_id: int,
        action: str,
        *,
        target: str | None = None,
        details: str | None = None,
        now: datetime | None = None,
    ) -> ModerationEntry:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "INSERT INTO moderation_log (guild_id, actor_id, action, target, details,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                guild_id, actor_id, action, target, details, now_or(now))
        assert row is not None
        return _moderation(row)

    async def list_moderation(
        self, guild_id: int, *, limit: int = 50, before_id: int | None = None
    ) -> list[ModerationEntry]:
        where = Where(guild_id)
        where.terms.append("guild_id = $1")
        if before_id is not None:
            where.add("id < {}", before_id)
        async with self._tx() as conn:
            rows = await conn.fetch(
                f"SELECT * FROM moderation_log {where.sql()} ORDER BY id DESC"
                f" LIMIT {int(limit)}", *where.args)
        return [_moderation(r) for r in rows]

    # --- weekly summaries -------------------------------------------------------------------

    @staticmethod
    def _check_week(iso_week: str) -> None:
        if not _ISO_WEEK.match(iso_week):
            raise ValueError(f"ISO week must look like '2026-W47', not {iso_week!r}")

    async def claim_summary(
        self, guild_id: int, iso_week: str, *, now: datetime | None = None
    ) -> bool:
        self._check_week(iso_week)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "INSERT INTO summary_posts (guild_id, iso_week, claimed_at) VALUES ($1, $2, $3)"
                " ON CONFLICT (guild_id, iso_week) DO NOTHING RETURNING guild_id",
                guild_id, iso_week, now_or(now))
        return row is not None

    async def reclaim_summary(
        self, guild_id: int, iso_week: str, *, stale_before: datetime,
        now: datetime | None = None,
    ) -> bool:
        self._check_week(iso_week)
        stamp, stale = now_or(now), utc(stale_before)
        if stamp < stale:
            # The new claim must itself be fresh, or a second caller could take it over too.
            raise ValueError("a reclaimed summary must date from after stale_before")
        async with self._tx() as conn:
            # One conditional UPDATE, as in claim_piece: PostgreSQL re-checks the WHERE against
            # a row another reclaim just committed, SQLite's BEGIN IMMEDIATE runs them in turn.
            row = await conn.fetchrow(
                "UPDATE summary_posts SET claimed_at = $4 WHERE guild_id = $1 AND iso_week = $2"
                " AND message_id IS NULL AND claimed_at < $3 RETURNING guild_id",
                guild_id, iso_week, stale, stamp)
        return row is not None

    async def record_summary_message(
        self, guild_id: int, iso_week: str, message_id: int, *, now: datetime | None = None
    ) -> SummaryPost:
        self._check_week(iso_week)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                # The first message recorded stays: a stalled holder that finishes after a
                # takeover must not replace the record of the post members already see.
                "UPDATE summary_posts SET message_id = COALESCE(message_id, $3),"
                " posted_at = COALESCE(posted_at, $4)"
                " WHERE guild_id = $1 AND iso_week = $2 RETURNING *",
                guild_id, iso_week, message_id, now_or(now))
        if row is None:
            raise NotFound(f"summary {iso_week} of guild {guild_id} was not claimed")
        return _summary(row)

    async def release_summary(
        self, guild_id: int, iso_week: str, *, claimed_at: datetime | None = None
    ) -> bool:
        where, args = "", [guild_id, iso_week]
        if claimed_at is not None:
            where, args = " AND claimed_at = $3", [*args, utc(claimed_at)]
        async with self._tx() as conn:
            return await conn.execute(
                "DELETE FROM summary_posts WHERE guild_id = $1 AND iso_week = $2"
                f" AND message_id IS NULL{where}", *args) > 0

    async def get_summary_post(self, guild_id: int, iso_week: str) -> SummaryPost | None:
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "SELECT * FROM summary_posts WHERE guild_id = $1 AND iso_week = $2",
                guild_id, iso_week)
        return _summary(row) if row else None

    # --- summary queries --------------------------------------------------------------------

    async def pieces_published_between(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[PieceRecord]:
        async with self._read_tx() as conn:
            rows = await conn.fetch(
                "SELECT * FROM pieces WHERE guild_id = $1 AND state = 'published'"
                " AND published_at >= $2 AND published_at < $3 ORDER BY published_at, id",
                guild_id, utc(start), utc(end))
        return [_piece(r) for r in rows]

    async def argument_stats(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[ArgumentStats]:
        # One statement: the arguments in scope are materialised once, then votes and
        # contributions are aggregated per argument through covering indexes (votes_tally_idx,
        # contributions_live_idx). Votes are ±1, so a count and a sum give both tallies with
        # the least work per row: this scan reads every vote on the week's arguments.
        sql = """
            WITH scope AS MATERIALIZED (
                SELECT a.id FROM arguments a JOIN pieces p ON p.id = a.piece_id
                 WHERE p.guild_id = $1 AND p.state = 'published'
                   AND p.published_at >= $2 AND p.published_at < $3
            ),
            vt AS (
                SELECT target_id AS argument_id, COUNT(*) AS votes, SUM(value) AS net
                  FROM votes
                 WHERE target_kind = 'argument' AND target_id IN (SELECT id FROM scope)
                   AND created_at < $3
                 GROUP BY target_id
            ),
            ct AS (
                SELECT argument_id,
                       SUM(CASE WHEN kind = 'counter' THEN 1 ELSE 0 END) AS counters,
                       SUM(CASE WHEN kind = 'rebuttal' THEN 1 ELSE 0 END) AS rebuttals
                  FROM contributions
                 WHERE argument_id IN (SELECT id FROM scope)
                   AND withdrawn_at IS NULL AND created_at < $3
                 GROUP BY argument_id
            )
            SELECT a.id, a.piece_id, a.number, a.title, a.thread_id,
                   COALESCE(vt.votes, 0) AS votes, COALESCE(vt.net, 0) AS net,
                   COALESCE(ct.counters, 0) AS counters, COALESCE(ct.rebuttals, 0) AS rebuttals
              FROM arguments a
              JOIN scope s ON s.id = a.id
              LEFT JOIN vt ON vt.argument_id = a.id
              LEFT JOIN ct ON ct.argument_id = a.id
             ORDER BY a.piece_id, a.number
        """
        async with self._read_tx() as conn:
            rows = await conn.fetch(sql, guild_id, utc(start), utc(end))
        return [
            ArgumentStats(
                argument_id=r["id"], piece_id=r["piece_id"], number=r["number"],
                title=r["title"], thread_id=r["thread_id"], agree=_agree(r), disagree=_disagree(r),
                counters=int(r["counters"]), rebuttals=int(r["rebuttals"]))
            for r in rows
        ]

    async def contribution_stats(
        self, guild_id: int, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[ContributionStats]:
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        # ranked: the window's contributions are walked in id order, each joined to its votes
        # in votes_tally_idx, so the probes go forward through the index and the GROUP BY
        # needs no sort (sorting the week's votes by target was the cost before). The id range
        # is bounded by the window's own ids (w), so the walk covers this week, not the
        # guild's history. Only the ranked rows are then read in full (bodies, arguments).
        # A vote or award on a contribution cannot predate it: $4 keeps a day of slack before
        # the window for clocks that differ between processes.
        sql = f"""
            WITH w AS MATERIALIZED (
                SELECT id FROM contributions
                 WHERE guild_id = $1 AND created_at >= $2 AND created_at < $3
            ),
            ranked AS MATERIALIZED (
                SELECT c.id, c.created_at, COUNT(v.value) AS votes,
                       COALESCE(SUM(v.value), 0) AS net
                  FROM contributions c
                  LEFT JOIN votes v ON v.target_kind = 'contribution' AND v.target_id = c.id
                                   AND v.created_at >= $4 AND v.created_at < $3
                 WHERE c.guild_id = $1 AND c.withdrawn_at IS NULL
                   AND c.id BETWEEN (SELECT MIN(id) FROM w) AND (SELECT MAX(id) FROM w)
                   AND c.created_at >= $2 AND c.created_at < $3
                 GROUP BY c.id, c.created_at
                 ORDER BY net DESC, c.created_at, c.id
                 {tail}
            ),
            aw AS MATERIALIZED (
                SELECT contribution_id, COUNT(*) AS awards FROM awards
                 WHERE guild_id = $1 AND created_at >= $4 AND created_at < $3
                 GROUP BY contribution_id
            )
            SELECT c.id, c.argument_id, a.piece_id, a.thread_id, c.parent_id, c.kind,
                   c.author_id, c.body, c.message_id, c.created_at, r.votes, r.net,
                   COALESCE(aw.awards, 0) AS awards
              FROM ranked r
              JOIN contributions c ON c.id = r.id
              JOIN arguments a ON a.id = c.argument_id
              LEFT JOIN aw ON aw.contribution_id = r.id
             ORDER BY r.net DESC, r.created_at, r.id
        """
        async with self._read_tx() as conn:
            rows = await conn.fetch(sql, guild_id, utc(start), utc(end),
                                    utc(start) - timedelta(days=1))
        return [
            ContributionStats(
                contribution_id=r["id"], argument_id=r["argument_id"], piece_id=r["piece_id"],
                parent_id=r["parent_id"], kind=r["kind"], author_id=r["author_id"],
                body=r["body"], created_at=_ts(r["created_at"]), agree=_agree(r),
                disagree=_disagree(r), awards=int(r["awards"]),
                message_id=r["message_id"], thread_id=r["thread_id"])
            for r in rows
        ]

    async def participation(
        self, guild_id: int, start: datetime, end: datetime
    ) -> Participation:
        # Per member of the guild: an index probe or three, whatever the week's vote count.
        # On SQLite participants is keyed WITHOUT ROWID, so members come in id order and
        # consecutive probes of votes_member_idx touch neighbouring pages.
        sql = """
            SELECT p.member_id,
                   CASE WHEN p.first_active_at < $2 THEN 1 ELSE 0 END AS is_returning
              FROM participants p
             WHERE p.guild_id = $1 AND p.first_active_at < $3
               AND (EXISTS (SELECT 1 FROM votes v WHERE v.guild_id = $1
                               AND v.member_id = p.member_id
                               AND v.updated_at >= $2 AND v.updated_at < $3)
                    OR EXISTS (SELECT 1 FROM contributions c WHERE c.guild_id = $1
                                  AND c.author_id = p.member_id
                                  AND c.created_at >= $2 AND c.created_at < $3)
                    OR EXISTS (SELECT 1 FROM awards w WHERE w.guild_id = $1
                                  AND w.member_id = p.member_id
                                  AND w.created_at >= $2 AND w.created_at < $3))
        """
        async with self._read_tx() as conn:
            rows = await conn.fetch(sql, guild_id, utc(start), utc(end))
        return Participation(
            active=frozenset(r["member_id"] for r in rows),
            returning=frozenset(r["member_id"] for r in rows if r["is_returning"]),
        )


#: How far back a member's clicks on a target are kept, by click time, behind their latest:
#: an interaction can be answered for 15 minutes, so no click arrives later than that.
CLICK_HISTORY = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class _Click:
    id: int
    at: datetime
    value: int
    prior: int | None
    counted: bool


def _toggle(vote: int | None, click: int) -> int | None:
    """A click on a vote: the same value withdraws it, the other casts or switches."""
    return None if vote == click else click


def _vote_action(before: int | None, after: int | None, counted: bool) -> VoteAction:
    if before == after:
        return "unchanged" if counted else "repeated"
    if after is None:
        return "withdrawn"
    return "added" if before is None else "switched"
