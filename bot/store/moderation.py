"""The moderation log: every moderator action, for a guild's audit trail."""

from __future__ import annotations

from datetime import datetime

from bot.store.base import Backend, Where
from bot.store.records import ModerationEntry
from bot.store.rows import now_or


class ModerationQueries(Backend):
    async def log_moderation(
        self, guild_id: int, actor_id: int, action: str, *, target: str | None = None,
        details: str | None = None, now: datetime | None = None,
    ) -> ModerationEntry:
        """Append to a guild's moderation log."""
        entry = await self._one(
            ModerationEntry,
            "INSERT INTO moderation_log (guild_id, actor_id, action, target, details,"
            " created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
            guild_id, actor_id, action, target, details, now_or(now))
        assert entry is not None
        return entry

    async def list_moderation(
        self, guild_id: int, *, limit: int = 50, before_id: int | None = None
    ) -> list[ModerationEntry]:
        """A guild's moderation log, newest first; page with ``before_id``."""
        where = Where()
        where.add("guild_id = {}", guild_id)
        where.add_optional("id < {}", before_id)
        return await self._all(
            ModerationEntry,
            f"SELECT * FROM moderation_log {where.sql()} ORDER BY id DESC LIMIT {int(limit)}",
            *where.args)
