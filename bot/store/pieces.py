"""Pieces and their arguments: queueing, the publish states, leases and Discord side effects.

Publishing one argument is: anchor message in the channel → thread on it → opening message in
the thread. Each side effect is recorded once, right after Discord made it, so a retry
continues where a crash stopped instead of posting again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.articles.model import Piece
from bot.store.base import Backend, Conn, Where, one_of
from bot.store.records import (
    PUBLISH_STATES,
    ArgumentRecord,
    InvalidTransition,
    NotFound,
    PieceRecord,
    PublishState,
)
from bot.store.rows import from_row, now_or, utc

#: SET clause giving a piece's publishing lease back.
_NO_LEASE = "lease_owner = NULL, lease_expires_at = NULL"


class PieceQueries(Backend):
    async def create_piece(
        self, guild_id: int, channel_id: int, piece: Piece, *, url: str | None = None,
        subscription_id: int | None = None, now: datetime | None = None,
    ) -> PieceRecord | None:
        """Queue a piece (state ``pending``) with its arguments for one channel.

        ``url`` defaults to ``piece.url``; one of them is required (``ValueError``). Returns
        ``None`` when that URL is already queued or posted in that channel: the same article
        is never queued twice for a channel. A piece without arguments is stored as given;
        the publisher decides how to thread it.
        """
        async with self._tx() as conn:
            return await self._insert_piece(conn, guild_id, channel_id, piece, url=url,
                                            subscription_id=subscription_id, now=now)

    async def _insert_piece(
        self, conn: Conn, guild_id: int, channel_id: int, piece: Piece, *, url: str | None,
        subscription_id: int | None, now: datetime | None,
    ) -> PieceRecord | None:
        """``create_piece`` within the caller's transaction (approving a review queues its
        piece in the transaction that records the decision)."""
        source = url or piece.url
        if not source:
            raise ValueError("a piece needs a source URL (pass url= or set piece.url)")
        numbers = [a.number for a in piece.arguments]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"argument numbers repeat: {numbers}")
        stamp = now_or(now)
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
        return from_row(PieceRecord, row)

    async def get_piece(self, piece_id: int) -> PieceRecord | None:
        """The piece, or ``None``."""
        return await self._by(PieceRecord, "pieces", "id", piece_id)

    async def get_piece_by_url(
        self, guild_id: int, channel_id: int, url: str
    ) -> PieceRecord | None:
        """The piece queued for that channel from that URL, or ``None``."""
        return await self._one(
            PieceRecord,
            "SELECT * FROM pieces WHERE guild_id = $1 AND channel_id = $2 AND url = $3",
            guild_id, channel_id, url)

    async def get_piece_by_message(self, message_id: int) -> PieceRecord | None:
        """The piece whose channel message is ``message_id``, or ``None``."""
        return await self._by(PieceRecord, "pieces", "message_id", message_id)

    async def list_pieces(
        self, *, states: Sequence[PublishState] | None = None, guild_id: int | None = None,
        limit: int | None = None,
    ) -> list[PieceRecord]:
        """Pieces matching the filters, oldest first (e.g. ``states=("pending",
        "publishing")`` at start-up, to resume what a crash interrupted)."""
        where = Where()
        if not where.add_one_of("state", states, PUBLISH_STATES, "publish states"):
            return []
        where.add_optional("guild_id = {}", guild_id)
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        return await self._all(
            PieceRecord, f"SELECT * FROM pieces {where.sql()} ORDER BY created_at, id{tail}",
            *where.args)

    async def pieces_published_between(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[PieceRecord]:
        """Pieces with ``start <= published_at < end``, oldest first."""
        return await self._all(
            PieceRecord,
            "SELECT * FROM pieces WHERE guild_id = $1 AND state = 'published'"
            " AND published_at >= $2 AND published_at < $3 ORDER BY published_at, id",
            guild_id, utc(start), utc(end), read=True)

    async def list_arguments(self, piece_id: int) -> list[ArgumentRecord]:
        """A piece's arguments by number."""
        return await self._all(
            ArgumentRecord, "SELECT * FROM arguments WHERE piece_id = $1 ORDER BY number",
            piece_id)

    async def get_argument(self, argument_id: int) -> ArgumentRecord | None:
        """The argument, or ``None``."""
        return await self._by(ArgumentRecord, "arguments", "id", argument_id)

    async def get_argument_by_thread(self, thread_id: int) -> ArgumentRecord | None:
        """The argument whose thread is ``thread_id``, or ``None``."""
        return await self._by(ArgumentRecord, "arguments", "thread_id", thread_id)

    # --- publish states ---------------------------------------------------------------------

    async def _transition(
        self, piece_id: int, sets: str, allowed_from: Sequence[PublishState], args: Sequence[Any],
        target: str,
    ) -> PieceRecord:
        return await self._guarded_update(
            PieceRecord, "pieces", piece_id, f"no piece {piece_id}",
            f"UPDATE pieces SET {sets} WHERE id = $1 AND {one_of('state', allowed_from)}"
            " RETURNING *",
            (piece_id, *args),
            lambda state: InvalidTransition(
                f"piece {piece_id} is {state}; cannot move to {target}"), "state")

    async def begin_publishing(
        self, piece_id: int, *, now: datetime | None = None
    ) -> PieceRecord:
        """Move a piece to ``publishing`` and count an attempt.

        Allowed from pending, failed (a retry) and publishing (resuming after a crash);
        ``InvalidTransition`` from published, ``NotFound`` if missing.
        """
        return await self._transition(
            piece_id, "state = 'publishing', attempts = attempts + 1",
            ("pending", "failed", "publishing"), (), "publishing")

    async def finish_publishing(
        self, piece_id: int, *, now: datetime | None = None
    ) -> PieceRecord:
        """``publishing`` → ``published`` with ``published_at``; idempotent once published.
        Releases the piece's lease."""
        return await self._transition(
            piece_id,
            "state = 'published', published_at = COALESCE(published_at, $2), last_error = NULL,"
            f" {_NO_LEASE}", ("publishing", "published"), (now_or(now),), "published")

    async def fail_publishing(
        self, piece_id: int, error: str, *, now: datetime | None = None
    ) -> PieceRecord:
        """``publishing`` → ``failed`` with ``last_error``; recorded side effects are kept so a
        retry continues where it stopped. Releases the piece's lease."""
        return await self._transition(
            piece_id, f"state = 'failed', last_error = $2, {_NO_LEASE}", ("publishing",),
            (error,), "failed")

    # --- publishing leases ------------------------------------------------------------------

    async def claim_piece(
        self, piece_id: int, owner: str, lease_seconds: float, *, now: datetime | None = None,
        replacing: str | None = None,
    ) -> bool:
        """Lease a piece to ``owner`` (a bot process) for publishing it, for ``lease_seconds``.

        Takes a free or expired lease, or extends ``owner``'s own (call again to keep it while
        publishing runs); ``False`` while another owner's lease runs. ``replacing`` names a
        holder known to be dead: its lease is taken over even though it has not run out (and
        only that holder's: should another process have taken it over meanwhile, ``False``).
        Atomic: of processes claiming at once, exactly one gets it. ``NotFound`` if missing.
        """
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
        """Give a piece's lease back; ``False`` if ``owner`` did not hold it.
        ``finish_publishing`` and ``fail_publishing`` release it too."""
        return await self._run(
            f"UPDATE pieces SET {_NO_LEASE} WHERE id = $1 AND lease_owner = $2",
            piece_id, owner) > 0

    # --- Discord side effects ---------------------------------------------------------------

    async def record_piece_message(self, piece_id: int, message_id: int) -> PieceRecord:
        """Record the piece's message in the channel, right after Discord created it.

        Idempotent for the same id; ``Conflict`` if a different message is already recorded
        (the publisher must then reuse that one rather than post again).
        """
        return await self._set_once(PieceRecord, "pieces", "message_id", piece_id, message_id)

    async def record_piece_ping(self, piece_id: int, message_id: int) -> PieceRecord:
        """Record the message that pinged the subscription's role about the piece (rules as
        above)."""
        return await self._set_once(
            PieceRecord, "pieces", "ping_message_id", piece_id, message_id)

    async def record_argument_anchor(self, argument_id: int, message_id: int) -> ArgumentRecord:
        """Record the channel message the argument's thread starts from (rules as above)."""
        return await self._set_once(
            ArgumentRecord, "arguments", "anchor_message_id", argument_id, message_id)

    async def record_argument_thread(self, argument_id: int, thread_id: int) -> ArgumentRecord:
        """Record the argument's thread (rules as above)."""
        return await self._set_once(
            ArgumentRecord, "arguments", "thread_id", argument_id, thread_id)

    async def record_argument_opening(
        self, argument_id: int, message_id: int, *, now: datetime | None = None
    ) -> ArgumentRecord:
        """Record the thread's opening message (text + controls); this marks the argument
        posted. Rules as above."""
        return await self._set_once(
            ArgumentRecord, "arguments", "opening_message_id", argument_id, message_id,
            ", posted_at = COALESCE(posted_at, $3)", (now_or(now),))
