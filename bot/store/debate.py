"""The debate under each argument: contributions (counters, rebuttals, their edits) and the
"changed my mind" awards. Votes are in :mod:`bot.store.votes`."""

from __future__ import annotations

from datetime import datetime

from bot.store.base import Backend, Conn, Where
from bot.store.records import (
    Award,
    Contribution,
    ContributionEdit,
    ContributionKind,
    NotFound,
)
from bot.store.rows import from_row, now_or, utc


async def note_participant(conn: Conn, guild_id: int, member_id: int, now: datetime) -> None:
    """Remember when a member first took part in a guild (for the summary's newcomers)."""
    await conn.execute(
        "INSERT INTO participants (guild_id, member_id, first_active_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (guild_id, member_id) DO UPDATE SET first_active_at = CASE"
        " WHEN excluded.first_active_at < participants.first_active_at"
        " THEN excluded.first_active_at ELSE participants.first_active_at END",
        guild_id, member_id, now)


class DebateQueries(Backend):
    async def add_contribution(
        self, argument_id: int, author_id: int, body: str, *, kind: ContributionKind = "counter",
        parent_id: int | None = None, now: datetime | None = None,
    ) -> Contribution:
        """Add a counter (no parent) or a rebuttal (parent: a contribution of the same
        argument). ``ValueError`` on a bad kind/parent pair, ``NotFound`` on missing rows."""
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
            await note_participant(conn, guild_id, author_id, stamp)
        assert row is not None
        return from_row(Contribution, row)

    async def get_contribution(self, contribution_id: int) -> Contribution | None:
        """The contribution, or ``None``."""
        return await self._by(Contribution, "contributions", "id", contribution_id)

    async def get_contribution_by_message(self, message_id: int) -> Contribution | None:
        """The contribution posted as ``message_id``, or ``None``."""
        return await self._by(Contribution, "contributions", "message_id", message_id)

    async def list_contributions(
        self, argument_id: int, *, include_withdrawn: bool = True
    ) -> list[Contribution]:
        """An argument's whole tree, oldest first (rebuild it through ``parent_id``)."""
        live = "" if include_withdrawn else " AND withdrawn_at IS NULL"
        return await self._all(
            Contribution,
            f"SELECT * FROM contributions WHERE argument_id = $1{live} ORDER BY created_at, id",
            argument_id)

    async def record_contribution_message(
        self, contribution_id: int, message_id: int
    ) -> Contribution:
        """Record the Discord message that shows the contribution (rules as for pieces)."""
        return await self._set_once(
            Contribution, "contributions", "message_id", contribution_id, message_id)

    async def edit_contribution(
        self, contribution_id: int, body: str, *, editor_id: int, now: datetime | None = None
    ) -> Contribution:
        """Replace the body, keeping the previous one in the edit history."""
        stamp = now_or(now)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"SELECT * FROM contributions WHERE id = $1{self._for_update}", contribution_id)
            if row is None:
                raise NotFound(f"no contribution {contribution_id}")
            if row["body"] == body:
                return from_row(Contribution, row)
            await conn.execute(
                "INSERT INTO contribution_edits (contribution_id, previous_body, edited_by,"
                " edited_at) VALUES ($1, $2, $3, $4)",
                contribution_id, row["body"], editor_id, stamp)
            row = await conn.fetchrow(
                "UPDATE contributions SET body = $2, edited_at = $3 WHERE id = $1 RETURNING *",
                contribution_id, body, stamp)
        assert row is not None
        return from_row(Contribution, row)

    async def list_contribution_edits(self, contribution_id: int) -> list[ContributionEdit]:
        """Superseded bodies, oldest first."""
        return await self._all(
            ContributionEdit,
            "SELECT * FROM contribution_edits WHERE contribution_id = $1 ORDER BY id",
            contribution_id)

    async def withdraw_contribution(
        self, contribution_id: int, *, now: datetime | None = None
    ) -> Contribution:
        """Mark withdrawn (kept for the record and its rebuttals); idempotent."""
        return await self._found(
            Contribution, f"no contribution {contribution_id}",
            "UPDATE contributions SET withdrawn_at = COALESCE(withdrawn_at, $2)"
            " WHERE id = $1 RETURNING *", contribution_id, now_or(now))

    # --- awards -----------------------------------------------------------------------------

    async def award_changed_mind(
        self, member_id: int, contribution_id: int, reason: str | None = None, *,
        now: datetime | None = None,
    ) -> Award | None:
        """Credit a contribution with changing ``member_id``'s mind; ``None`` if that member
        already did (one award per member per contribution)."""
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
                await note_participant(conn, guild_id, member_id, stamp)
        return from_row(Award, row) if row else None

    async def list_awards(
        self, *, contribution_id: int | None = None, guild_id: int | None = None,
        since: datetime | None = None, until: datetime | None = None,
        counted: bool = False,
    ) -> list[Award]:
        """Awards matching the filters (given ``since`` <= created_at < ``until``), oldest
        first; ``counted``: only those on contributions not removed by a moderator."""
        where = Where()
        if counted:
            where.terms.append("NOT EXISTS (SELECT 1 FROM contributions removed WHERE"
                               " removed.id = awards.contribution_id"
                               " AND removed.removed_at IS NOT NULL)")
        where.add_optional("contribution_id = {}", contribution_id)
        where.add_optional("guild_id = {}", guild_id)
        where.add_optional("created_at >= {}", None if since is None else utc(since))
        where.add_optional("created_at < {}", None if until is None else utc(until))
        return await self._all(
            Award, f"SELECT * FROM awards {where.sql()} ORDER BY created_at, id", *where.args)
