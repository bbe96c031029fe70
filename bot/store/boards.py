"""Public boards: the members who opted in to being named, with the name each chose.

Everyone else is counted, never named (summaries, exports). Opting out deletes the row.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.base import Backend
from bot.store.records import BoardMember
from bot.store.rows import now_or


class BoardQueries(Backend):
    async def opt_in_boards(self, guild_id: int, member_id: int, display_name: str, *,
                            now: datetime | None = None) -> BoardMember:
        """Name the member on the guild's public boards as ``display_name`` (again: the new
        name replaces the old, the opt-in time stays)."""
        member = await self._one(
            BoardMember,
            "INSERT INTO board_members (guild_id, member_id, display_name, opted_in_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id, member_id) DO UPDATE"
            " SET display_name = excluded.display_name RETURNING *",
            guild_id, member_id, display_name, now_or(now))
        assert member is not None
        return member

    async def opt_out_boards(self, guild_id: int, member_id: int) -> bool:
        """Stop naming the member; ``False`` if they were not opted in."""
        return await self._run(
            "DELETE FROM board_members WHERE guild_id = $1 AND member_id = $2",
            guild_id, member_id) > 0

    async def board_names(self, guild_id: int) -> dict[int, str]:
        """Member id → name to show, for every member of the guild who opted in."""
        members = await self._all(
            BoardMember, "SELECT * FROM board_members WHERE guild_id = $1 ORDER BY member_id",
            guild_id)
        return {m.member_id: m.display_name for m in members}
