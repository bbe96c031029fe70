"""Queueing a piece for a channel: the one way a piece enters the store to be published.

Both the feeds (the poller, ``/feed send-latest`` and backfill) and ``/piece post`` (through
:meth:`bot.publishing.Publisher.queue`) queue pieces here, so that every piece is stored in
the shape the publisher needs: with at least one argument to open a thread for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.articles.model import Argument, Piece
from bot.embeds import THREAD_NAME_LIMIT
from bot.store.base import Store
from bot.store.records import PieceRecord
from bot.text import shorten

#: The ``marker`` of the single argument that stands for a piece without enumerated arguments:
#: its thread is named after the piece and holds the whole piece (see :func:`threadable`).
WHOLE_PIECE_MARKER = "(whole piece)"
#: Below this confidence a split is posted as one thread for the whole piece: a thread about
#: an argument the writer did not make derails a debate, while a whole-piece thread still
#: lets members argue about everything. Chosen from the splitter's record on its labelled
#: pieces (bench/split_quality.py): splits below it are right about three times in four.
THREAD_CONFIDENCE = 0.6


def is_split_confidently(piece: Piece) -> bool:
    """Whether the piece's arguments get a thread each (see :data:`THREAD_CONFIDENCE`)."""
    return bool(piece.arguments) and piece.confidence >= THREAD_CONFIDENCE


def threadable(piece: Piece) -> Piece:
    """The piece as the publisher stores it: with at least one argument to open a thread for.

    A piece that does not enumerate, or whose split the splitter doubts, gets one argument
    standing for the whole piece (marked :data:`WHOLE_PIECE_MARKER`), so votes and
    counterarguments work the same way on it.
    """
    if is_split_confidently(piece):
        return piece
    body = [piece.thesis.strip()]
    if piece.conclusion and piece.conclusion.strip() not in body[0]:
        body.append(piece.conclusion.strip())
    title = piece.title or shorten(piece.thesis, THREAD_NAME_LIMIT) or "The piece"
    whole = Argument(number=1, title=shorten(title, THREAD_NAME_LIMIT),
                     marker=WHOLE_PIECE_MARKER, text="\n\n".join(b for b in body if b))
    return replace(piece, arguments=(whole,))


async def queue_piece(
    store: Store,
    guild_id: int,
    channel_id: int,
    piece: Piece,
    *,
    url: str | None = None,
    subscription_id: int | None = None,
    now: datetime | None = None,
) -> PieceRecord | None:
    """Queue ``piece`` (made :func:`threadable`) for a channel; ``None`` if that URL is
    already queued there. Use this rather than ``store.create_piece``."""
    return await store.create_piece(guild_id, channel_id, threadable(piece), url=url,
                                    subscription_id=subscription_id, now=now)
