"""The shape a piece is queued in: with at least one argument to open a thread for.

Both the feeds (:func:`bot.feeds.pieces.queue_entry`) and ``/piece post``
(:meth:`bot.publishing.Publisher.queue`) store pieces made :func:`threadable`; it lives here,
below both, so that the feeds need nothing from publishing.
"""

from __future__ import annotations

from dataclasses import replace

from bot.articles.model import Argument, Piece
from bot.embeds import THREAD_NAME_LIMIT
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
    return whole_piece(piece)


def whole_piece(piece: Piece) -> Piece:
    """The piece with one argument standing for all of it (:data:`WHOLE_PIECE_MARKER`): what
    :func:`threadable` makes of a piece without a confident split, and what a moderator's
    "no enumeration" makes of any piece."""
    body = [piece.thesis.strip()]
    if piece.conclusion and piece.conclusion.strip() not in body[0]:
        body.append(piece.conclusion.strip())
    title = piece.title or shorten(piece.thesis, THREAD_NAME_LIMIT) or "The piece"
    whole = Argument(number=1, title=shorten(title, THREAD_NAME_LIMIT),
                     marker=WHOLE_PIECE_MARKER, text="\n\n".join(b for b in body if b))
    return replace(piece, arguments=(whole,))

