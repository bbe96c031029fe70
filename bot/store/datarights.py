"""Servers' and members' data rights: what belongs to whom, and the queries that export or
erase it.

:data:`TABLES` is the ownership map. It names EVERY table of the schema, each either a
:class:`ServerTable` (its rows belong to one server: through a ``guild_id`` column or through
a parent's key, and it says which of its columns hold member ids and how ``/me delete``
erases them) or a :class:`SharedTable` (no server's data, with the reason). A table the map
does not name makes :meth:`DataRightsQueries.check_rights_map` fail, and with it every export
and deletion, and the tests (which read the tables from the database's catalog on both
backends). A migration that adds a table adds its entry here.

Conventions the exports rely on (the tests check them against the catalog): a column whose
name ends in ``_at`` is a timestamp; ``id`` and columns ending in ``_id`` or ``_by`` hold
ids (row ids or Discord snowflakes), exported as strings.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.store.base import Backend, Conn
from bot.store.records import LeaseLost, StoreError
from bot.store.rows import from_row, now_or, parse_ts

#: What stands in a member-id column once that member's data is erased: no Discord id is 0.
ERASED_MEMBER = 0
#: How long after the bot is removed from a server its data is deleted (unless invited back).
REMOVAL_GRACE = timedelta(days=30)
#: How long a data job's lease lasts without renewal (each batch renews it).
JOB_LEASE = timedelta(seconds=60)

#: How ``/me delete`` erases a member-id column: ``delete`` the row (the member's own act: a
#: vote, an award, an edit), ``zero`` the id (the row is the server's: a feed a moderator
#: added, a moderation log entry), or ``tombstone`` the row (a contribution: text and author
#: go, the row stays so the replies under it keep their place).
Erase = Literal["delete", "zero", "tombstone"]


@dataclass(frozen=True, slots=True)
class ServerTable:
    """A table whose rows belong to one server.

    ``guild_column`` holds the server's id, or, with ``parent``, the key of a row of the
    ``parent`` table (itself a server table) whose server the row shares. ``key``: columns
    that identify a row, for paging and batched deletes. ``members``: columns holding member
    ids and how each is erased; ``texts``: text columns that may quote a member id (it is
    replaced by ``ERASED_MEMBER`` there).
    """

    name: str
    guild_column: str
    key: tuple[str, ...]
    parent: str | None = None
    members: Mapping[str, Erase] = field(default_factory=dict)
    texts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SharedTable:
    """A table that holds no one server's data, and why."""

    name: str
    reason: str
    members: Mapping[str, Erase] = field(default_factory=dict)


Table = ServerTable | SharedTable

#: Every table of the schema, parents before the tables that belong through them (exports
#: read in this order; deletions run in the reverse).
TABLES: tuple[Table, ...] = (
    SharedTable("schema_migrations", "the schema's version history, the same for every server"),
    SharedTable("feeds", "a feed is fetched once for every server that follows its URL; the "
                "server's subscriptions are its data, and a feed no subscription uses any "
                "more is deleted with the last server's data"),
    SharedTable("shard_claims", "which bot process holds which Discord shard: the processes' "
                "bookkeeping, no server's data"),
    SharedTable("store_copies", "the progress of `copy-store` between two databases, per "
                "table: bookkeeping of the whole database"),
    SharedTable("seen_entries", "the entries of a shared feed already seen, so no server gets "
                "a repost; deleted with their feed"),
    ServerTable("guild_settings", "guild_id", ("guild_id",)),
    ServerTable("subscriptions", "guild_id", ("id",), members={"created_by": "zero"}),
    ServerTable("pieces", "guild_id", ("id",)),
    ServerTable("arguments", "piece_id", ("id",), parent="pieces",
                members={"locked_by": "zero"}),
    ServerTable("contributions", "guild_id", ("id",),
                members={"author_id": "tombstone", "removed_by": "zero"}),
    ServerTable("contribution_edits", "contribution_id", ("id",), parent="contributions",
                members={"edited_by": "delete"}),
    # Paged in member order: votes_member_idx (guild_id, member_id, ...) walks one server's
    # votes from where the last page ended, where the primary key's order would sort all of
    # them again for every page.
    ServerTable("votes", "guild_id", ("member_id", "target_kind", "target_id"),
                members={"member_id": "delete"}),
    ServerTable("vote_clicks", "argument_id",
                ("target_kind", "target_id", "member_id", "click_id"), parent="arguments",
                members={"member_id": "delete"}),
    ServerTable("awards", "guild_id", ("id",),
                members={"member_id": "delete", "revoked_by": "zero"}),
    ServerTable("moderation_log", "guild_id", ("id",),
                members={"actor_id": "zero", "member_id": "zero"},
                texts=("target", "details")),
    ServerTable("summary_posts", "guild_id", ("guild_id", "iso_week")),
    # Pieces held for review; who decided is a moderator, kept as the server's record.
    ServerTable("reviews", "guild_id", ("id",), members={"decided_by": "zero"},
                texts=("note",)),
    ServerTable("board_members", "guild_id", ("guild_id", "member_id"),
                members={"member_id": "delete"}),
    ServerTable("participants", "guild_id", ("guild_id", "member_id"),
                members={"member_id": "delete"}),
    ServerTable("data_exports", "guild_id", ("id",), members={"requested_by": "zero"}),
    ServerTable("data_deletions", "guild_id", ("guild_id",), members={"requested_by": "zero"}),
)

BY_NAME: dict[str, Table] = {table.name: table for table in TABLES}
SERVER_TABLES: tuple[ServerTable, ...] = tuple(t for t in TABLES if isinstance(t, ServerTable))


def server_filter(table: ServerTable, placeholder: str = "$1") -> str:
    """A WHERE condition selecting ``table``'s rows of the server in ``placeholder``."""
    if table.parent is None:
        return f"{table.guild_column} = {placeholder}"
    parent = BY_NAME[table.parent]
    assert isinstance(parent, ServerTable), f"{table.name}'s parent must be a server table"
    return (f"{table.guild_column} IN (SELECT id FROM {parent.name}"
            f" WHERE {server_filter(parent, placeholder)})")


def is_timestamp(column: str) -> bool:
    return column.endswith("_at")


def is_id(column: str) -> bool:
    return column == "id" or column.endswith(("_id", "_by"))


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataDeletion:
    """A server's data to be deleted from ``due_at``; ``rows_done`` of ``rows_total`` so far."""

    guild_id: int
    reason: Literal["removed", "requested"]
    requested_by: int | None
    due_at: datetime
    started_at: datetime | None
    rows_done: int
    rows_total: int | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DataExport:
    """One ``/admin export-data`` run and how far it got."""

    id: int
    guild_id: int
    requested_by: int
    state: Literal["running", "done", "interrupted", "failed"]
    rows_done: int
    rows_total: int | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class Page:
    """Rows of one table, in key order; ``after`` continues past the last one."""

    table: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    after: tuple[Any, ...] | None


@dataclass(frozen=True, slots=True)
class MemberErasure:
    """What ``erase_member`` changed: rows deleted, tombstoned and ids zeroed, per table."""

    deleted: Mapping[str, int]
    tombstoned: int
    zeroed: Mapping[str, int]
    #: Vote targets whose tallies changed, as (kind, id): their buttons need a refresh.
    targets: tuple[tuple[str, int], ...]


class RightsMapError(StoreError):
    """The ownership map does not match the schema (a table or a column it does not know)."""


class ExportRunning(StoreError):
    """The server already has an export under way."""


def _timestamp_out(value: Any) -> Any:
    stamp = parse_ts(value)
    return None if stamp is None else stamp.isoformat()


def _id_out(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def converter(column: str) -> Callable[[Any], Any] | None:
    """How ``column``'s values go into an archive (``None``: as they are); see
    :func:`value_out`."""
    if is_timestamp(column):
        return _timestamp_out
    if is_id(column):
        return _id_out
    return None


def value_out(column: str, value: Any) -> Any:
    """A stored value as an archive holds it: ISO times, ids as strings, the rest as is."""
    if value is None:
        return None
    if is_timestamp(column):
        stamp = parse_ts(value)
        return None if stamp is None else stamp.isoformat()
    if is_id(column) and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class DataRightsQueries(Backend):
    # --- the catalog ---------------------------------------------------------------------

    async def catalog(self) -> dict[str, tuple[str, ...]]:
        """Every table of the database and its columns, read from the database's catalog."""
        async with self._tx() as conn:
            return await self._catalog(conn)

    @abstractmethod
    async def _catalog(self, conn: Conn) -> dict[str, tuple[str, ...]]:
        """Tables and their columns in order (each backend reads its own catalog)."""

    async def check_rights_map(self) -> None:
        """``RightsMapError`` unless the ownership map names every table and column it uses."""
        tables = await self.catalog()
        problems = [f"table {name} is not in bot.store.datarights.TABLES"
                    for name in sorted(set(tables) - set(BY_NAME))]
        problems += [f"TABLES names {name}, which the database does not have"
                     for name in sorted(set(BY_NAME) - set(tables))]
        for table in TABLES:
            if table.name not in tables:
                continue
            wanted = set(table.members)
            if isinstance(table, ServerTable):
                wanted |= {table.guild_column, *table.key, *table.texts}
            problems += [f"{table.name}.{column} does not exist"
                         for column in sorted(wanted - set(tables[table.name]))]
        if problems:
            raise RightsMapError("; ".join(problems))

    # --- a server's rows -----------------------------------------------------------------

    async def count_server_rows(self, guild_id: int) -> dict[str, int]:
        """How many rows each server table holds for ``guild_id``."""
        async with self._read_tx() as conn:
            return {table.name: int(await conn.fetchval(
                f"SELECT COUNT(*) FROM {table.name} WHERE {server_filter(table)}", guild_id))
                for table in SERVER_TABLES}

    async def server_page(self, table_name: str, guild_id: int, *,
                          after: Sequence[Any] | None = None, limit: int = 2000) -> Page:
        """Up to ``limit`` rows of ``table_name`` belonging to ``guild_id``, in key order,
        after the key ``after`` (from the previous page)."""
        table = BY_NAME[table_name]
        if not isinstance(table, ServerTable):
            raise ValueError(f"{table_name} holds no server's rows")
        return await self._page(table, server_filter(table), [guild_id], after, limit)

    async def shared_feeds_page(self, guild_id: int, *, after: Sequence[Any] | None = None,
                                limit: int = 2000) -> Page:
        """The feeds the server's subscriptions follow (shared rows, exported with it)."""
        table = ServerTable("feeds", "id", ("id",))
        return await self._page(
            table, "id IN (SELECT feed_id FROM subscriptions WHERE guild_id = $1)",
            [guild_id], after, limit)

    async def _page(self, table: ServerTable, condition: str, args: list[Any],
                    after: Sequence[Any] | None, limit: int) -> Page:
        key = ", ".join(table.key)
        where = condition
        if after is not None:
            marks = ", ".join(f"${len(args) + i + 1}" for i in range(len(after)))
            where += f" AND ({key}) > ({marks})" if len(after) > 1 else \
                f" AND {key} > {marks}"
            args = [*args, *after]
        async with self._read_tx() as conn:
            rows = await conn.fetch(
                f"SELECT * FROM {table.name} WHERE {where} ORDER BY {key} LIMIT {int(limit)}",
                *args)
            # Both drivers' rows name their columns; the catalog only for an empty page.
            columns = (tuple(rows[0].keys()) if rows
                       else (await self._catalog(conn))[table.name])
        values = tuple(tuple(row[c] for c in columns) for row in rows)
        last = None if len(rows) < limit else tuple(rows[-1][c] for c in table.key)
        return Page(table.name, columns, values, last)

    # --- exports -------------------------------------------------------------------------

    async def start_server_export(self, guild_id: int, requested_by: int, owner: str, *,
                                  now: datetime | None = None
                                  ) -> tuple[DataExport, list[DataExport]]:
        """Record a new export; returns it, and the server's previous export if that one was
        interrupted (stopped half-way by a restart: found here by its lapsed lease, or by
        the data-rights loop before), for the reply to mention. ``ExportRunning`` if another
        export of the server is still running."""
        stamp = now_or(now)
        async with self._tx() as conn:
            await conn.execute(
                "UPDATE data_exports SET state = 'interrupted', finished_at = $2"
                " WHERE guild_id = $1 AND state = 'running' AND lease_expires_at < $2",
                guild_id, stamp)
            rows = await conn.fetch(
                "SELECT * FROM data_exports WHERE guild_id = $1 ORDER BY id DESC LIMIT 1",
                guild_id)
            rows = [r for r in rows if r["state"] == "interrupted"]
            running = await conn.fetchval(
                "SELECT COUNT(*) FROM data_exports WHERE guild_id = $1 AND state = 'running'",
                guild_id)
            if running:
                raise ExportRunning(f"server {guild_id} has an export under way")
            row = await conn.fetchrow(
                "INSERT INTO data_exports (guild_id, requested_by, lease_owner,"
                " lease_expires_at, started_at) VALUES ($1, $2, $3, $4, $5) RETURNING *",
                guild_id, requested_by, owner, stamp + JOB_LEASE, stamp)
        assert row is not None
        return from_row(DataExport, row), [from_row(DataExport, r) for r in rows]

    async def export_progress(self, export_id: int, rows_done: int, rows_total: int, *,
                              now: datetime | None = None) -> None:
        """Record how far an export got, renewing its lease."""
        stamp = now_or(now)
        await self._run(
            "UPDATE data_exports SET rows_done = $2, rows_total = $3, lease_expires_at = $4"
            " WHERE id = $1 AND state = 'running'",
            export_id, rows_done, rows_total, stamp + JOB_LEASE)

    async def finish_server_export(self, export_id: int, state: str, *,
                                   now: datetime | None = None) -> None:
        await self._run(
            "UPDATE data_exports SET state = $2, finished_at = $3, lease_owner = NULL,"
            " lease_expires_at = NULL WHERE id = $1", export_id, state, now_or(now))

    async def reap_exports(self, *, now: datetime | None = None,
                           owners_gone: Sequence[str] = ()) -> list[DataExport]:
        """Mark running exports whose lease lapsed (or whose holder is among
        ``owners_gone``) as interrupted; returns them."""
        stamp = now_or(now)
        async with self._tx() as conn:
            rows = await conn.fetch(
                "UPDATE data_exports SET state = 'interrupted', finished_at = $1"
                f" WHERE state = 'running' AND (lease_expires_at < $1 OR lease_owner IN"
                f" (SELECT value FROM {self._array(2, 'text')}))"
                " RETURNING *", stamp, list(owners_gone))
        return [from_row(DataExport, r) for r in rows]

    async def list_server_exports(self, guild_id: int) -> list[DataExport]:
        return await self._all(
            DataExport, "SELECT * FROM data_exports WHERE guild_id = $1 ORDER BY id", guild_id)

    # --- deletions -----------------------------------------------------------------------

    async def schedule_server_deletion(
        self, guild_id: int, *, reason: Literal["removed", "requested"],
        requested_by: int | None = None, now: datetime | None = None,
    ) -> DataDeletion:
        """Record that ``guild_id``'s data is to be deleted: 30 days from now when the bot
        was removed, at once when a moderator asked. A deletion already recorded keeps its
        progress; a request brings a pending removal's deletion forward."""
        stamp = now_or(now)
        due = stamp + REMOVAL_GRACE if reason == "removed" else stamp
        deletion = await self._one(
            DataDeletion,
            "INSERT INTO data_deletions (guild_id, reason, requested_by, due_at, created_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guild_id) DO UPDATE SET"
            " reason = CASE WHEN excluded.due_at < data_deletions.due_at"
            " THEN excluded.reason ELSE data_deletions.reason END,"
            " requested_by = COALESCE(excluded.requested_by, data_deletions.requested_by),"
            " due_at = CASE WHEN excluded.due_at < data_deletions.due_at"
            " THEN excluded.due_at ELSE data_deletions.due_at END"
            " RETURNING *", guild_id, reason, requested_by, due, stamp)
        assert deletion is not None
        return deletion

    async def guilds_with_data(self) -> set[int]:
        """The servers the store keeps a record for (settings, feeds followed or pieces)."""
        async with self._tx() as conn:
            rows = await conn.fetch(
                "SELECT guild_id FROM guild_settings UNION SELECT guild_id FROM subscriptions"
                " UNION SELECT guild_id FROM pieces")
        return {int(row["guild_id"]) for row in rows}

    async def cancel_server_deletion(self, guild_id: int) -> bool:
        """The bot is back in the server: a deletion waiting for the 30 days is cancelled
        (one a moderator asked for, or one already under way, is not)."""
        return await self._run(
            "DELETE FROM data_deletions WHERE guild_id = $1 AND reason = 'removed'"
            " AND started_at IS NULL", guild_id) > 0

    async def get_server_deletion(self, guild_id: int) -> DataDeletion | None:
        return await self._by(DataDeletion, "data_deletions", "guild_id", guild_id)

    async def due_server_deletions(self, *, now: datetime | None = None) -> list[DataDeletion]:
        """Deletions whose time has come and that no live process is running, oldest first."""
        stamp = now_or(now)
        return await self._all(
            DataDeletion,
            "SELECT * FROM data_deletions WHERE due_at <= $1 AND (lease_expires_at IS NULL"
            " OR lease_expires_at < $1) ORDER BY due_at, guild_id", stamp)

    async def claim_server_deletion(self, guild_id: int, owner: str, *,
                                    now: datetime | None = None,
                                    take_over: bool = False) -> DataDeletion | None:
        """Take (or renew) the lease on a due deletion, counting the rows to delete when it
        starts; ``None`` if another process holds it (``take_over``: its holder is gone) or
        it is not due."""
        stamp = now_or(now)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "UPDATE data_deletions SET lease_owner = $2, lease_expires_at = $3,"
                " started_at = COALESCE(started_at, $4)"
                " WHERE guild_id = $1 AND due_at <= $4 AND (lease_owner IS NULL"
                " OR lease_owner = $2 OR lease_expires_at < $4 OR $5) RETURNING *",
                guild_id, owner, stamp + JOB_LEASE, stamp, take_over)
            if row is None:
                return None
            if row["rows_total"] is None:
                total = 0
                for table in SERVER_TABLES:
                    total += int(await conn.fetchval(
                        f"SELECT COUNT(*) FROM {table.name} WHERE {server_filter(table)}",
                        guild_id))
                row = await conn.fetchrow(
                    "UPDATE data_deletions SET rows_total = $2 WHERE guild_id = $1"
                    " RETURNING *", guild_id, total)
        assert row is not None
        return from_row(DataDeletion, row)

    async def delete_server_batch(self, guild_id: int, owner: str, *, limit: int = 5000,
                                  now: datetime | None = None) -> DataDeletion | None:
        """Delete up to ``limit`` rows of the server (children before parents) under the
        lease ``owner`` holds; returns the deletion's progress, or ``None`` once everything,
        the deletion's own row last, is gone. ``LeaseLost`` if another process took it."""
        stamp = now_or(now)
        async with self._tx() as conn:
            held = await conn.fetchrow(
                f"SELECT * FROM data_deletions WHERE guild_id = $1{self._for_update}",
                guild_id)
            if held is None:
                return None
            if held["lease_owner"] != owner:
                raise LeaseLost(f"the deletion of server {guild_id} is held by another process")
            left = limit
            done = 0
            for table in reversed(SERVER_TABLES):
                if table.name == "data_deletions" or left <= 0:
                    continue
                key = ", ".join(table.key)
                target = f"({key})" if len(table.key) > 1 else key
                deleted = await conn.execute(
                    f"DELETE FROM {table.name} WHERE {target} IN (SELECT {key} FROM"
                    f" {table.name} WHERE {server_filter(table)} LIMIT {int(left)})", guild_id)
                done += deleted
                left -= deleted
            if left > 0:
                # Everything else is gone: feeds no server follows any more, then the
                # deletion's own record, in the same transaction.
                await conn.execute(
                    "DELETE FROM feeds WHERE NOT EXISTS"
                    " (SELECT 1 FROM subscriptions s WHERE s.feed_id = feeds.id)")
                await conn.execute("DELETE FROM data_deletions WHERE guild_id = $1", guild_id)
                return None
            row = await conn.fetchrow(
                "UPDATE data_deletions SET rows_done = rows_done + $2, lease_expires_at = $3"
                " WHERE guild_id = $1 RETURNING *", guild_id, done, stamp + JOB_LEASE)
        assert row is not None
        return from_row(DataDeletion, row)

    # --- a member's rows -----------------------------------------------------------------

    async def member_rows(self, member_id: int) -> dict[str, tuple[tuple[str, ...],
                                                                   list[tuple[Any, ...]]]]:
        """Every row, in every table, with ``member_id`` in one of its member columns:
        {table: (columns, rows)}.

        A row that is the member's own (their vote, their contribution: a ``delete`` or
        ``tombstone`` column) comes whole. A row they only acted on for the server (a point
        they removed as a moderator: a ``zero`` column) is someone else's: it comes with its
        key, the columns naming the member and its times only, the rest ``None``."""
        found: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {}
        async with self._read_tx() as conn:
            catalog = await self._catalog(conn)
            for table in TABLES:
                if not table.members:
                    continue
                own = [c for c, how in table.members.items() if how != "zero"]
                condition = " OR ".join(f"{column} = $1" for column in table.members)
                order = ", ".join(table.key) if isinstance(table, ServerTable) else "1"
                rows = await conn.fetch(
                    f"SELECT * FROM {table.name} WHERE {condition} ORDER BY {order}",
                    member_id)
                columns = catalog[table.name]
                keep = {*table.members, *(table.key if isinstance(table, ServerTable) else ()),
                        "guild_id", *(c for c in columns if is_timestamp(c))}
                found[table.name] = (columns, [
                    tuple(r[c] if any(r[o] == member_id for o in own) or
                          (c in keep and (c not in table.members or r[c] == member_id))
                          else None for c in columns)
                    for r in rows])
        return found

    async def erase_member(self, member_id: int, *,
                           now: datetime | None = None) -> MemberErasure:
        """Erase ``member_id`` from every row, in one transaction: their contributions become
        tombstones (text and author gone), their votes, awards and other acts are deleted,
        and their id is zeroed where a row is the server's."""
        if member_id == ERASED_MEMBER:
            raise ValueError("not a member id")
        stamp = now_or(now)
        deleted: dict[str, int] = {}
        zeroed: dict[str, int] = {}
        async with self._tx() as conn:
            targets = [(str(r["target_kind"]), int(r["target_id"])) for r in await conn.fetch(
                "SELECT target_kind, target_id FROM votes WHERE member_id = $1", member_id)]
            # The only tombstoned rows: their contributions. Earlier texts of them go first.
            deleted["contribution_edits"] = await conn.execute(
                "DELETE FROM contribution_edits WHERE contribution_id IN"
                " (SELECT id FROM contributions WHERE author_id = $1)", member_id)
            # Their messages, and the replies whose heading names them, are to be redrawn
            # (the moderation cog's redraw loop shows each record's state, restart-safe).
            await conn.execute(
                "UPDATE contributions SET message_version = message_version + 1"
                " WHERE parent_id IN (SELECT id FROM contributions WHERE author_id = $1)",
                member_id)
            tombstoned = await conn.execute(
                "UPDATE contributions SET author_id = $2, body = '',"
                " erased_at = COALESCE(erased_at, $3), withdrawn_at = COALESCE(withdrawn_at, $3),"
                " message_version = message_version + 1"
                " WHERE author_id = $1", member_id, ERASED_MEMBER, stamp)
            for table in TABLES:
                for column, how in table.members.items():
                    if how == "delete":
                        deleted[table.name] = deleted.get(table.name, 0) + await conn.execute(
                            f"DELETE FROM {table.name} WHERE {column} = $1", member_id)
                    elif how == "zero":
                        zeroed[table.name] = zeroed.get(table.name, 0) + await conn.execute(
                            f"UPDATE {table.name} SET {column} = $2 WHERE {column} = $1",
                            member_id, ERASED_MEMBER)
                if isinstance(table, ServerTable):
                    for column in table.texts:
                        await conn.execute(
                            f"UPDATE {table.name} SET {column} = REPLACE({column}, $1, $2)"
                            f" WHERE {column} LIKE $3", str(member_id), str(ERASED_MEMBER),
                            f"%{member_id}%")
        return MemberErasure(deleted, tombstoned, zeroed, tuple(sorted(set(targets))))
