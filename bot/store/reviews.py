"""Review before posting: pieces waiting for a moderator, their edits and the decisions.

A review is not a piece: the publisher never sees it. Approval queues the piece (``pending``,
as any other) in the transaction that records the decision, so a crash right after it leaves
a piece the next start publishes, never an approved review without its piece.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.articles.model import Piece
from bot.store.base import Where
from bot.store.pieces import PieceQueries
from bot.store.records import (
    REVIEW_MODES,
    REVIEW_STATES,
    Conflict,
    InvalidTransition,
    NotFound,
    PieceRecord,
    ReviewRecord,
    ReviewState,
    Subscription,
)
from bot.store.rows import from_row, now_or, utc


class ReviewQueries(PieceQueries):
    async def create_review(
        self, guild_id: int, channel_id: int, url: str, piece: str, draft: str, cause: str, *,
        subscription_id: int | None = None, now: datetime | None = None,
    ) -> ReviewRecord | None:
        """Hold a piece for review (``piece`` / ``draft``: JSON from ``bot.debate.review``).

        ``None`` when that URL is already waiting, or queued or posted, in that channel: an
        article goes to a channel once, reviewed or not.
        """
        async with self._tx() as conn:
            posted = await conn.fetchval(
                "SELECT 1 FROM pieces WHERE guild_id = $1 AND channel_id = $2 AND url = $3",
                guild_id, channel_id, url)
            if posted is not None:
                return None
            row = await conn.fetchrow(
                "INSERT INTO reviews (guild_id, channel_id, subscription_id, url, piece, draft,"
                " cause, state, version, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8)"
                " ON CONFLICT (guild_id, channel_id, url) DO NOTHING RETURNING *",
                guild_id, channel_id, subscription_id, url, piece, draft, cause, now_or(now))
        return None if row is None else from_row(ReviewRecord, row)

    async def get_review(self, review_id: int) -> ReviewRecord | None:
        return await self._by(ReviewRecord, "reviews", "id", review_id)

    async def list_reviews(
        self, *, guild_id: int | None = None, states: Sequence[ReviewState] | None = None,
        unposted: bool = False,
    ) -> list[ReviewRecord]:
        """Reviews matching the filters, oldest first; ``unposted``: only those whose review
        message is not recorded yet (still owed to the review channel)."""
        where = Where()
        if not where.add_one_of("state", states, REVIEW_STATES, "review states"):
            return []
        where.add_optional("guild_id = {}", guild_id)
        if unposted:
            where.terms.append("review_message_id IS NULL")
        return await self._all(
            ReviewRecord, f"SELECT * FROM reviews {where.sql()} ORDER BY created_at, id",
            *where.args)

    async def record_review_message(
        self, review_id: int, channel_id: int, message_id: int
    ) -> ReviewRecord:
        """Record the review message right after Discord created it (once: another id is a
        ``Conflict``, the same one is fine)."""
        return await self._set_once(
            ReviewRecord, "reviews", "review_message_id", review_id, message_id,
            ", review_channel_id = $3, shown_state = COALESCE(shown_state, 'pending'),"
            " shown_version = COALESCE(shown_version, version)", (channel_id,))

    async def replace_review_message(
        self, review_id: int, replaces: int, channel_id: int, message_id: int, version: int
    ) -> ReviewRecord:
        """Record a waiting review shown again (its message ``replaces`` was deleted, or is in
        a channel that is no longer the review channel): the new message, showing draft
        ``version``. Only while the review waits and still records ``replaces`` (one of
        two processes or moderators showing it again at once wins; the same new id again is
        fine): otherwise ``Conflict``, or ``InvalidTransition`` once decided; ``NotFound`` if
        missing."""
        changed, record = await self._change_pending(
            review_id, "review_message_id = $3, review_channel_id = $4,"
            " shown_state = 'pending', shown_version = $5", "review_message_id = $2",
            replaces, message_id, channel_id, version)
        if changed or (record.review_message_id == message_id
                       and record.review_channel_id == channel_id):
            return record
        raise Conflict(f"review {review_id} shows message {record.review_message_id}, "
                       f"not {replaces}")

    async def _change_pending(self, review_id: int, change: str, guard: str, *args: Any
                              ) -> tuple[bool, ReviewRecord]:
        """``UPDATE reviews SET change`` on a waiting review whose row passes ``guard``
        (``$2``... are ``args``), in one transaction: ``(True, the row now)``, or ``(False,
        the row as it is)`` when the guard refused. ``NotFound`` if missing,
        ``InvalidTransition`` once decided."""
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"UPDATE reviews SET {change} WHERE id = $1 AND state = 'pending' AND {guard}"
                " RETURNING *", review_id, *args)
            current = row or await conn.fetchrow("SELECT * FROM reviews WHERE id = $1",
                                                 review_id)
        if current is None:
            raise NotFound(f"no review {review_id}")
        record = from_row(ReviewRecord, current)
        if row is None and record.state != "pending":
            raise InvalidTransition(f"review {review_id} is {record.state}")
        return row is not None, record

    async def record_review_shown(self, review_id: int, state: str, version: int) -> None:
        """The review message was redrawn to show ``state`` at draft ``version``."""
        if state not in (*REVIEW_STATES, "posted"):
            raise ValueError(f"a review message shows one of {REVIEW_STATES} or 'posted'")
        await self._run("UPDATE reviews SET shown_state = $2, shown_version = $3 WHERE id = $1",
                        review_id, state, version)

    async def reviews_to_redraw(self) -> list[ReviewRecord]:
        """Reviews whose message shows less than what happened: a decision it does not show,
        an approved piece since posted, or an edit whose buttons it lacks. Oldest first."""
        return await self._all(
            ReviewRecord,
            "SELECT r.* FROM reviews r LEFT JOIN pieces p ON p.id = r.piece_id"
            " WHERE r.review_message_id IS NOT NULL AND ("
            " r.shown_state IS NULL OR r.shown_state <> CASE"
            "  WHEN r.state = 'approved' AND p.state = 'published' THEN 'posted'"
            "  ELSE r.state END"
            " OR (r.state = 'pending' AND r.shown_version <> r.version))"
            " ORDER BY r.created_at, r.id")

    async def save_review_draft(self, review_id: int, draft: str, version: int) -> ReviewRecord:
        """Store an edited split. ``version`` is the one the edit started from: if another
        edit was saved meanwhile, ``Conflict`` (nothing is overwritten); a review already
        decided, ``InvalidTransition``; ``NotFound`` if missing."""
        changed, record = await self._change_pending(
            review_id, "draft = $2, version = version + 1", "version = $3", draft, version)
        if changed:
            return record
        raise Conflict(f"review {review_id} is at version {record.version}, not {version}")

    async def approve_review(
        self, review_id: int, actor_id: int, piece: Piece, *, now: datetime | None = None,
    ) -> tuple[ReviewRecord, PieceRecord]:
        """Approve: the review is ``approved`` and ``piece`` (its final form, with at least one
        argument) queued ``pending`` for the review's channel, in one transaction. Returns
        both; when the same URL was queued in that channel meanwhile (posted by hand), that
        piece is the one recorded and returned. ``InvalidTransition`` if already decided."""
        stamp = now_or(now)
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "UPDATE reviews SET state = 'approved', decided_by = $2, decided_at = $3"
                " WHERE id = $1 AND state = 'pending' RETURNING *", review_id, actor_id, stamp)
            if row is None:
                state = await conn.fetchval("SELECT state FROM reviews WHERE id = $1", review_id)
                if state is None:
                    raise NotFound(f"no review {review_id}")
                raise InvalidTransition(f"review {review_id} is {state}")
            review = from_row(ReviewRecord, row)
            record = await self._insert_piece(
                conn, review.guild_id, review.channel_id, piece, url=review.url,
                subscription_id=review.subscription_id, now=stamp)
            if record is None:
                existing = await conn.fetchrow(
                    "SELECT * FROM pieces WHERE guild_id = $1 AND channel_id = $2 AND url = $3",
                    review.guild_id, review.channel_id, review.url)
                assert existing is not None
                record = from_row(PieceRecord, existing)
            row = await conn.fetchrow(
                "UPDATE reviews SET piece_id = $2 WHERE id = $1 RETURNING *", review_id, record.id)
        assert row is not None
        return from_row(ReviewRecord, row), record

    async def reject_review(
        self, review_id: int, actor_id: int, note: str | None = None, *,
        now: datetime | None = None,
    ) -> ReviewRecord:
        """Reject: the piece is never posted; who, when and why are kept.
        ``InvalidTransition`` if already decided."""
        return await self._guarded_update(
            ReviewRecord, "reviews", review_id, f"no review {review_id}",
            "UPDATE reviews SET state = 'rejected', decided_by = $2, decided_at = $3, note = $4"
            " WHERE id = $1 AND state = 'pending' RETURNING *",
            (review_id, actor_id, now_or(now), note),
            lambda state: InvalidTransition(f"review {review_id} is {state}"), "state")

    async def reviews_to_remind(self, opened_before: datetime) -> list[ReviewRecord]:
        """Pending reviews shown in their channel before ``opened_before`` and never
        reminded, oldest first."""
        return await self._all(
            ReviewRecord,
            "SELECT * FROM reviews WHERE state = 'pending' AND reminded_at IS NULL"
            " AND review_message_id IS NOT NULL AND created_at <= $1 ORDER BY created_at, id",
            utc(opened_before))

    async def claim_reminder(self, review_id: int, *, now: datetime | None = None) -> bool:
        """Take the review's one reminder: ``True`` once, for one caller (of processes
        claiming at once, one wins); ``False`` after, or once the review is decided. Claimed
        before it is sent, so a restart never reminds twice."""
        return await self._run(
            "UPDATE reviews SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL"
            " AND state = 'pending'", review_id, now_or(now)) > 0

    async def set_subscription_review_mode(
        self, subscription_id: int, mode: str | None
    ) -> Subscription:
        """A feed's own review mode (``None``: the server's default)."""
        if mode is not None and mode not in REVIEW_MODES:
            raise ValueError(f"review mode must be one of {REVIEW_MODES} or None")
        return await self._found(
            Subscription, f"no subscription {subscription_id}",
            "UPDATE subscriptions SET review_mode = $2 WHERE id = $1 RETURNING *",
            subscription_id, mode)
