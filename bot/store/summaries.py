"""Weekly summaries: the claim on each (guild, ISO week) and the week's standings.

The standings are read on read-only transactions (``read=True``): a backend with spare
readers runs a summary's scans beside the writes instead of queueing them.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.store.base import Backend
from bot.store.records import ArgumentStats, ContributionStats, Participation, SummaryPost
from bot.store.rows import now_or, utc

_ISO_WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")


def _check_week(iso_week: str) -> None:
    if not _ISO_WEEK.match(iso_week):
        raise ValueError(f"ISO week must look like '2026-W47', not {iso_week!r}")


class SummaryQueries(Backend):
    async def claim_summary(
        self, guild_id: int, iso_week: str, *, now: datetime | None = None
    ) -> bool:
        """``True`` for exactly one caller per (guild, ISO week like ``2026-W47``), across
        processes; the winner posts the summary and records it."""
        _check_week(iso_week)
        return await self._value(
            "INSERT INTO summary_posts (guild_id, iso_week, claimed_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (guild_id, iso_week) DO NOTHING RETURNING guild_id",
            guild_id, iso_week, now_or(now)) is not None

    async def reclaim_summary(
        self, guild_id: int, iso_week: str, *, stale_before: datetime, now: datetime | None = None,
    ) -> bool:
        """Take over a claim whose holder is presumed dead: ``True`` for exactly one caller,
        and only while no message is recorded and the claim dates from before
        ``stale_before``. The claim then dates from ``now`` (which must be later)."""
        _check_week(iso_week)
        stamp, stale = now_or(now), utc(stale_before)
        if stamp < stale:
            # The new claim must itself be fresh, or a second caller could take it over too.
            raise ValueError("a reclaimed summary must date from after stale_before")
        # One conditional UPDATE, as in claim_piece: PostgreSQL re-checks the WHERE against
        # a row another reclaim just committed, SQLite's BEGIN IMMEDIATE runs them in turn.
        return await self._value(
            "UPDATE summary_posts SET claimed_at = $4 WHERE guild_id = $1 AND iso_week = $2"
            " AND message_id IS NULL AND claimed_at < $3 RETURNING guild_id",
            guild_id, iso_week, stale, stamp) is not None

    async def record_summary_message(
        self, guild_id: int, iso_week: str, message_id: int, *, now: datetime | None = None
    ) -> SummaryPost:
        """Record the posted summary's message (``NotFound`` if the week was not claimed).
        The first message recorded for the week stays; a later call returns it."""
        _check_week(iso_week)
        return await self._found(
            SummaryPost, f"summary {iso_week} of guild {guild_id} was not claimed",
            # The first message recorded stays: a stalled holder that finishes after a
            # takeover must not replace the record of the post members already see.
            "UPDATE summary_posts SET message_id = COALESCE(message_id, $3),"
            " posted_at = COALESCE(posted_at, $4)"
            " WHERE guild_id = $1 AND iso_week = $2 RETURNING *",
            guild_id, iso_week, message_id, now_or(now))

    async def release_summary(
        self, guild_id: int, iso_week: str, *, claimed_at: datetime | None = None
    ) -> bool:
        """Drop a claim whose posting failed (only while no message is recorded). With
        ``claimed_at``, only the claim made then: one taken over meanwhile stays."""
        where, args = "", [guild_id, iso_week]
        if claimed_at is not None:
            where, args = " AND claimed_at = $3", [*args, utc(claimed_at)]
        return await self._run(
            "DELETE FROM summary_posts WHERE guild_id = $1 AND iso_week = $2"
            f" AND message_id IS NULL{where}", *args) > 0

    async def get_summary_post(self, guild_id: int, iso_week: str) -> SummaryPost | None:
        """The claim / post for that week, or ``None``."""
        return await self._one(
            SummaryPost, "SELECT * FROM summary_posts WHERE guild_id = $1 AND iso_week = $2",
            guild_id, iso_week)

    # --- the week's standings ---------------------------------------------------------------

    async def argument_stats(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[ArgumentStats]:
        """Stats of every argument of the pieces published in ``[start, end)``.

        Tallies count current vote rows cast before ``end``; counters / rebuttals count
        contributions made before ``end`` and not withdrawn. Ordered by piece, then number.
        Activity in the window on older pieces shows in ``contribution_stats`` and
        ``participation``.
        """
        # One statement: the arguments in scope are materialised once, then votes and
        # contributions are aggregated per argument through covering indexes (votes_tally_idx,
        # contributions_live_removed_idx). Votes are ±1, so a count and a sum give both tallies
        # with the least work per row: this scan reads every vote on the week's arguments.
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
                   AND removed_at IS NULL
                 GROUP BY argument_id
            )
            SELECT a.id AS argument_id, a.piece_id, a.number, a.title, a.thread_id,
                   (COALESCE(vt.votes, 0) + COALESCE(vt.net, 0)) / 2 AS agree,
                   (COALESCE(vt.votes, 0) - COALESCE(vt.net, 0)) / 2 AS disagree,
                   COALESCE(ct.counters, 0) AS counters, COALESCE(ct.rebuttals, 0) AS rebuttals
              FROM arguments a
              JOIN scope s ON s.id = a.id
              LEFT JOIN vt ON vt.argument_id = a.id
              LEFT JOIN ct ON ct.argument_id = a.id
             ORDER BY a.piece_id, a.number
        """
        return await self._all(ArgumentStats, sql, guild_id, utc(start), utc(end), read=True)

    async def contribution_stats(
        self, guild_id: int, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[ContributionStats]:
        """Contributions made in ``[start, end)`` (not withdrawn, not removed by a moderator)
        with their votes and awards, best net first, then oldest."""
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
                   AND c.removed_at IS NULL
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
            SELECT c.id AS contribution_id, c.argument_id, a.piece_id, a.thread_id,
                   c.parent_id, c.kind, c.author_id, c.body, c.message_id, c.created_at,
                   (r.votes + r.net) / 2 AS agree, (r.votes - r.net) / 2 AS disagree,
                   COALESCE(aw.awards, 0) AS awards
              FROM ranked r
              JOIN contributions c ON c.id = r.id
              JOIN arguments a ON a.id = c.argument_id
              LEFT JOIN aw ON aw.contribution_id = r.id
             ORDER BY r.net DESC, r.created_at, r.id
        """
        return await self._all(
            ContributionStats, sql, guild_id, utc(start), utc(end),
            utc(start) - timedelta(days=1), read=True)

    async def participation(
        self, guild_id: int, start: datetime, end: datetime
    ) -> Participation:
        """Members who voted, contributed or gave an award in ``[start, end)`` (by the rows
        as they stand: a vote withdrawn since is gone), and which of them first took part in
        this guild before ``start`` (counting anything they ever did, withdrawn or not)."""
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
