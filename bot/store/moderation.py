"""Moderation: removed and restored contributions, locked debates, and the moderation log
(every moderator action, for a guild's audit trail, mirrored to a log channel if one is set).

Removal keeps everything: the contribution's row, body, votes and replies stay; while
``removed_at`` is set its votes leave the tallies (:data:`bot.store.votes.COUNTED_VOTE`) and
the summaries leave it out. Each removal and restore bumps ``message_version`` in the same
transaction, so the message showing the contribution is owed a redraw until
``record_contribution_shown`` catches up: a restart finishes an edit it was cut short in.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from bot.store.base import Backend, Where
from bot.store.records import ArgumentRecord, Contribution, ModerationEntry
from bot.store.rows import now_or


class Mark(NamedTuple):
    """A moderator's mark on a row (a removal, a lock): when, by whom and why, and the version
    of the row's message, bumped by each change so the message is owed a redraw."""

    table: str
    at: str
    by: str
    reason: str
    version: str

    def set_once(self) -> str:
        """``$1`` the id, ``$2`` when, ``$3`` who, ``$4`` why; a row marked already keeps its
        first mark (and its version): marking it again changes nothing."""
        first = f"CASE WHEN {self.at} IS NULL THEN"
        return (f"UPDATE {self.table} SET {self.at} = COALESCE({self.at}, $2),"
                f" {self.by} = {first} $3 ELSE {self.by} END,"
                f" {self.reason} = {first} $4 ELSE {self.reason} END,"
                f" {self.version} = {first} {self.version} + 1 ELSE {self.version} END"
                " WHERE id = $1 RETURNING *")

    def clear(self) -> str:
        """``$1`` the id; a row not marked is left as it is."""
        return (f"UPDATE {self.table} SET {self.version} = CASE WHEN {self.at} IS NULL"
                f" THEN {self.version} ELSE {self.version} + 1 END,"
                f" {self.at} = NULL, {self.by} = NULL, {self.reason} = NULL"
                " WHERE id = $1 RETURNING *")


REMOVAL = Mark("contributions", "removed_at", "removed_by", "removal_reason", "message_version")
LOCK = Mark("arguments", "locked_at", "locked_by", "lock_reason", "lock_version")


class ModerationQueries(Backend):
    # --- removing and restoring contributions -------------------------------------------

    async def remove_contribution(
        self, contribution_id: int, *, moderator_id: int, reason: str,
        now: datetime | None = None,
    ) -> Contribution:
        """Remove a counter or rebuttal (kept in the record); removing it again changes
        nothing (the first removal's moderator and reason stay). ``NotFound`` if missing."""
        return await self._found(
            Contribution, f"no contribution {contribution_id}", REMOVAL.set_once(),
            contribution_id, now_or(now), moderator_id, reason)

    async def restore_contribution(self, contribution_id: int) -> Contribution:
        """Undo a removal (its votes count again); a contribution not removed is returned as
        it is. ``NotFound`` if missing."""
        return await self._found(
            Contribution, f"no contribution {contribution_id}", REMOVAL.clear(), contribution_id)

    async def contributions_to_redraw(self, guild_id: int | None = None, *, limit: int = 50
                                      ) -> list[Contribution]:
        """Contributions whose message still shows an earlier state (oldest first)."""
        where = Where()
        where.terms.append("shown_version < message_version")
        where.terms.append("message_id IS NOT NULL")
        where.add_optional("guild_id = {}", guild_id)
        return await self._all(
            Contribution,
            f"SELECT * FROM contributions {where.sql()} ORDER BY id LIMIT {int(limit)}",
            *where.args)

    async def record_contribution_shown(self, contribution_id: int, version: int) -> bool:
        """The message now shows ``version`` of the contribution; ``False`` if a later change
        is still owed (or the row is gone)."""
        await self._run(
            "UPDATE contributions SET shown_version = $2"
            " WHERE id = $1 AND shown_version < $2", contribution_id, version)
        return bool(await self._value(
            "SELECT 1 FROM contributions WHERE id = $1 AND shown_version >= message_version",
            contribution_id))

    # --- locking debates -------------------------------------------------------------------

    async def lock_argument(
        self, argument_id: int, *, moderator_id: int, reason: str | None = None,
        now: datetime | None = None,
    ) -> ArgumentRecord:
        """Lock an argument's debate (no new counters or rebuttals); idempotent."""
        return await self._found(
            ArgumentRecord, f"no argument {argument_id}", LOCK.set_once(),
            argument_id, now_or(now), moderator_id, reason)

    async def unlock_argument(self, argument_id: int) -> ArgumentRecord:
        """Open a locked debate again; idempotent."""
        return await self._found(
            ArgumentRecord, f"no argument {argument_id}", LOCK.clear(), argument_id)

    async def locks_to_announce(self, *, limit: int = 50) -> list[ArgumentRecord]:
        """Arguments whose latest lock or unlock is not announced in their thread yet."""
        return await self._all(
            ArgumentRecord,
            "SELECT * FROM arguments WHERE lock_shown < lock_version AND thread_id IS NOT NULL"
            f" ORDER BY id LIMIT {int(limit)}")

    async def record_lock_announced(self, argument_id: int, version: int) -> None:
        """The thread now shows lock or unlock number ``version`` (never moves back)."""
        await self._run(
            "UPDATE arguments SET lock_shown = $2 WHERE id = $1 AND lock_shown < $2",
            argument_id, version)

    # --- the log -------------------------------------------------------------------------

    async def log_moderation(
        self, guild_id: int, actor_id: int, action: str, *, target: str | None = None,
        details: str | None = None, now: datetime | None = None,
        member_id: int | None = None, piece_id: int | None = None,
    ) -> ModerationEntry:
        """Append to a guild's moderation log. ``member_id`` / ``piece_id``: the member and
        the piece the action concerns, for ``/modlog``'s filters. The entry is owed to the
        guild's log channel, if one is set now (``unposted_moderation``)."""
        entry = await self._one(
            ModerationEntry,
            "INSERT INTO moderation_log (guild_id, actor_id, action, target, details,"
            " created_at, member_id, piece_id, post_channel_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
            " (SELECT modlog_channel_id FROM guild_settings WHERE guild_id = $1))"
            " RETURNING *",
            guild_id, actor_id, action, target, details, now_or(now), member_id, piece_id)
        assert entry is not None
        return entry

    async def list_moderation(
        self, guild_id: int, *, limit: int = 50, before_id: int | None = None,
        after_id: int | None = None, member_id: int | None = None, action: str | None = None,
        piece_id: int | None = None,
    ) -> list[ModerationEntry]:
        """A guild's moderation log, newest first.

        Page back with ``before_id`` (entries older than it) or forward with ``after_id``
        (the ``limit`` entries just newer than it, still newest first). Filters: ``member_id``
        (who acted, or whom it concerned), ``action`` (``remove``, or a family such as
        ``config`` for every ``config.*``), ``piece_id``.
        """
        where = Where()
        where.add("guild_id = {}", guild_id)
        where.add_optional("id < {}", before_id)
        where.add_optional("id > {}", after_id)
        if member_id is not None:
            mark = where.placeholder(member_id)
            where.terms.append(f"(actor_id = {mark} OR member_id = {mark})")
        if action is not None:
            exact, family = where.placeholder(action), where.placeholder(f"{action}.%")
            where.terms.append(f"(action = {exact} OR action LIKE {family})")
        where.add_optional("piece_id = {}", piece_id)
        order = "ASC" if after_id is not None else "DESC"
        rows = await self._all(
            ModerationEntry,
            f"SELECT * FROM moderation_log {where.sql()} ORDER BY id {order} LIMIT {int(limit)}",
            *where.args)
        return rows[::-1] if after_id is not None else rows

    async def unposted_moderation(self, *, limit: int = 50) -> list[ModerationEntry]:
        """Entries owed to a log channel and not posted there yet, oldest first."""
        return await self._all(
            ModerationEntry,
            "SELECT * FROM moderation_log WHERE post_channel_id IS NOT NULL"
            f" AND posted_message_id IS NULL ORDER BY id LIMIT {int(limit)}")

    async def record_moderation_posted(self, entry_id: int, message_id: int | None
                                       ) -> ModerationEntry:
        """The entry is in the log channel as ``message_id``; ``None``: it will not be
        (the channel is gone), so it is owed no more."""
        if message_id is None:
            return await self._found(
                ModerationEntry, f"no moderation entry {entry_id}",
                "UPDATE moderation_log SET post_channel_id = NULL WHERE id = $1 RETURNING *",
                entry_id)
        return await self._set_once(
            ModerationEntry, "moderation_log", "posted_message_id", entry_id, message_id)

