"""What a published piece looks like on Discord, as plain data (no ``discord`` import).

The publisher builds these payloads; the Discord adapter only copies them into discord.py
objects. Everything here respects Discord's documented limits, so a payload that leaves this
module is never rejected for its size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeAlias

from bot.articles.model import Argument, Piece
from bot.embeds import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    FORUM_TAG_NAME_LIMIT,
    MESSAGE_LIMIT,
    NONCE_LIMIT,
    THREAD_NAME_LIMIT,
    EmbedField,
    EmbedSpec,
)
from bot.store.records import ArgumentRecord, PieceRecord

#: The ``marker`` of the single argument that stands for a piece without enumerated arguments:
#: its thread is named after the piece and holds the whole piece (see :func:`threadable`).
WHOLE_PIECE_MARKER = "(whole piece)"
#: Below this confidence a split is posted as one thread for the whole piece: a thread about
#: an argument the writer did not make derails a debate, while a whole-piece thread still
#: lets members argue about everything. Chosen from the splitter's record on its labelled
#: pieces (bench/split_quality.py): splits below it are right about three times in four.
THREAD_CONFIDENCE = 0.6

# The thesis is the opening claim; in the card it must leave room for the argument list.
_THESIS_IN_CARD = 1500
_ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+")


#: The embed of a piece's message in a text channel.
PieceCard: TypeAlias = EmbedSpec


@dataclass(frozen=True, slots=True)
class OpeningChunk:
    """One message of an argument's opening in its thread.

    ``controls`` is the argument id whose Agree / Disagree / Counter buttons the message
    carries (only the last chunk has them), ``nonce`` the deterministic nonce Discord uses to
    return an already created message instead of a duplicate.
    """

    content: str
    nonce: str
    controls: int | None = None


# --- text helpers ---------------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - len(_ELLIPSIS)]
    space = cut.rfind(" ")
    # A very long first word is cut hard rather than leaving next to nothing.
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + _ELLIPSIS


def _link_text(text: str) -> str:
    """Text safe inside a masked link ``[text](url)``: brackets would end it early."""
    return text.replace("[", "(").replace("]", ")")


def split_text(text: str, limit: int, *, first_limit: int | None = None) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` characters (``first_limit`` for the first).

    Breaks fall between paragraphs where possible, else between sentences, else between
    words; a single word longer than a chunk is cut. Paragraph breaks inside a chunk are kept.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    caps = [first_limit if first_limit is not None else limit]

    def cap() -> int:
        return caps[0] if not chunks else limit

    chunks: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current:
            chunks.append(current)
            current = ""

    def add(piece: str, joiner: str) -> bool:
        """Append ``piece`` to the current chunk if it fits; ``False`` when it does not."""
        nonlocal current
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= cap():
            current = candidate
            return True
        return False

    for paragraph in (p.strip() for p in re.split(r"\n\s*\n", text)):
        if not paragraph:
            continue
        if add(paragraph, "\n\n"):
            continue
        flush()
        if add(paragraph, ""):
            continue
        for sentence in _pieces(paragraph, _SENTENCE_END):
            if add(sentence, " "):
                continue
            flush()
            if add(sentence, ""):
                continue
            for word in sentence.split():
                if add(word, " "):
                    continue
                flush()
                while len(word) > cap():
                    chunks.append(word[: cap()])
                    word = word[cap():]
                current = word
    flush()
    return chunks


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [p for p in pattern.split(text) if p and p.strip()]


# --- pieces without arguments ---------------------------------------------------------------


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


def is_whole_piece(argument: ArgumentRecord) -> bool:
    return argument.marker == WHOLE_PIECE_MARKER


# --- names, links, nonces -------------------------------------------------------------------


def thread_name(argument: ArgumentRecord) -> str:
    """"N. title" within Discord's 100 characters (the piece's title for a whole-piece thread)."""
    if is_whole_piece(argument):
        return shorten(argument.title, THREAD_NAME_LIMIT) or "Discussion"
    prefix = f"{argument.number}. "
    return prefix + shorten(argument.title, THREAD_NAME_LIMIT - len(prefix))


def channel_link(guild_id: int, channel_id: int, message_id: int | None = None) -> str:
    tail = f"/{message_id}" if message_id is not None else ""
    return f"https://discord.com/channels/{guild_id}/{channel_id}{tail}"


def card_nonce(piece_id: int) -> str:
    return f"cp-p{piece_id}"[:NONCE_LIMIT]


def opening_nonce(argument_id: int, index: int) -> str:
    return f"cp-a{argument_id}-{index}"[:NONCE_LIMIT]


def ping_nonce(piece_id: int) -> str:
    return f"cp-r{piece_id}"[:NONCE_LIMIT]


# Characters Discord's Markdown gives a meaning to; a title is shown as written.
_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")


def role_ping_text(piece: PieceRecord, role_id: int) -> str:
    """The line that tells a feed subscription's role about a new piece (a reply to the card
    in a text channel, a message in the first thread in a forum)."""
    title = _MARKDOWN.sub(r"\\\1", shorten(display_title(piece), 300))
    return f"{role_mention(role_id)} New piece: **{title}**"


def role_mention(role_id: int) -> str:
    return f"<@&{role_id}>"


def display_title(piece: PieceRecord) -> str:
    """The piece's title, or for an untitled piece its opening sentence (cut short)."""
    if piece.title:
        return piece.title
    first = _pieces(piece.thesis, _SENTENCE_END)
    return shorten(first[0], 120) if first else "Untitled piece"


def forum_tag_name(piece: PieceRecord) -> str:
    """A forum tag for a piece: its title (else its author) cut to Discord's 20 characters."""
    title = piece.title or piece.author or piece.outlet or f"Piece {piece.id}"
    return shorten(title, FORUM_TAG_NAME_LIMIT)


# --- the piece card -------------------------------------------------------------------------

CARD_FOOTER = "Each argument has its own thread: agree, disagree or counter it there."
CARD_COLOR = 0x3B82F6


def build_card(piece: PieceRecord, arguments: Sequence[ArgumentRecord]) -> PieceCard:
    """The embed for a piece: title, link, outlet, author, thesis, numbered argument list.

    Arguments with a thread link to it; those not opened yet are listed by title only.
    """
    title = shorten(display_title(piece), EMBED_TITLE_LIMIT)
    fields: list[EmbedField] = []
    if piece.outlet:
        fields.append(EmbedField("Outlet", shorten(piece.outlet, EMBED_FIELD_VALUE_LIMIT),
                                 inline=True))
    if piece.author:
        fields.append(EmbedField("Author", shorten(piece.author, EMBED_FIELD_VALUE_LIMIT),
                                 inline=True))
    thesis = shorten(piece.thesis, _THESIS_IN_CARD) if piece.thesis else ""
    lines = [_argument_line(piece, a) for a in arguments]
    heading = ("**Discussion**" if len(arguments) == 1 and is_whole_piece(arguments[0])
               else f"**{len(arguments)} argument{'s' if len(arguments) != 1 else ''}**")
    fixed = len(title) + len(CARD_FOOTER) + sum(len(f.name) + len(f.value) for f in fields)
    room = min(EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - fixed)
    description = _fit_description(thesis, heading, lines, room)
    return EmbedSpec(title=title, url=piece.url, description=description,
                     fields=tuple(fields), footer=CARD_FOOTER, color=CARD_COLOR)


def _argument_line(piece: PieceRecord, argument: ArgumentRecord) -> str:
    label = _link_text(shorten(argument.title, THREAD_NAME_LIMIT))
    number = "" if is_whole_piece(argument) else f"{argument.number}. "
    if argument.thread_id is None:
        return f"{number}{label}"
    return f"{number}[{label}]({channel_link(piece.guild_id, argument.thread_id)})"


def _fit_description(thesis: str, heading: str, lines: list[str], room: int) -> str:
    listing = "\n".join([heading, *lines])
    if len(listing) > room:
        # Links are what make the list useful; titles give way first.
        kept: list[str] = [heading]
        for line in lines:
            if len("\n".join(kept)) + 1 + len(line) + 2 > room:
                kept.append(_ELLIPSIS)
                break
            kept.append(line)
        listing = "\n".join(kept)
    left = room - len(listing) - 2
    if not thesis or left < 40:
        return listing[:room]
    return f"{shorten(thesis, left)}\n\n{listing}"


# --- an argument's opening ------------------------------------------------------------------


def opening_header(piece: PieceRecord, argument: ArgumentRecord, total: int) -> str:
    """The first line of a thread: what this is and a link back to the piece."""
    title = _link_text(shorten(display_title(piece), 200))
    source = f"[{title}](<{piece.url}>)"
    if piece.message_id is not None:
        card = channel_link(piece.guild_id, piece.channel_id, piece.message_id)
        source += f" · [piece card](<{card}>)"
    if is_whole_piece(argument):
        return f"**The whole piece, open for debate** · {source}"
    return f"**Argument {argument.number} of {total}** · from {source}"


def opening_chunks(
    piece: PieceRecord, argument: ArgumentRecord, total: int
) -> list[OpeningChunk]:
    """The argument's full text as thread messages of at most 2,000 characters each.

    The header goes on the first; the Agree / Disagree / Counter controls on the last, so the
    tallies sit under the end of the text.
    """
    header = opening_header(piece, argument, total)
    if len(header) > MESSAGE_LIMIT // 2:
        header = shorten(header, MESSAGE_LIMIT // 2)
    text = argument.text.strip() or argument.title
    parts = split_text(text, MESSAGE_LIMIT, first_limit=MESSAGE_LIMIT - len(header) - 2)
    contents = [f"{header}\n\n{parts[0]}", *parts[1:]] if parts else [header]
    last = len(contents) - 1
    return [
        OpeningChunk(content=c, nonce=opening_nonce(argument.id, i),
                     controls=argument.id if i == last else None)
        for i, c in enumerate(contents)
    ]
