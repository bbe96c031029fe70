"""What a published piece looks like on Discord, as plain data (no ``discord`` import).

The publisher builds these payloads; the Discord adapter only copies them into discord.py
objects. Everything here respects Discord's documented limits, so a payload that leaves this
module is never rejected for its size.

Everything a piece says comes from outside (a feed, a page): its title, author, outlet, thesis
and arguments go through :func:`bot.markup.plain`, which shows them as written with no markup
active, and its URL through :func:`bot.markup.web_url`. Outside text never sits in a masked
link's label, where Discord reads no escapes: the bot's links have labels of its own ("read the
piece", "thread"). Thread and tag names are not read as markup and stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from bot.embeds import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    MESSAGE_LIMIT,
    NONCE_LIMIT,
    THREAD_NAME_LIMIT,
    EmbedField,
    EmbedSpec,
)
from bot.embeds import FORUM_TAG_NAME_LIMIT as FORUM_TAG_NAME_LIMIT  # re-exported to cogs
from bot.markup import plain, web_url
from bot.queueing import WHOLE_PIECE_MARKER
from bot.store.records import ArgumentRecord, PieceRecord
from bot.text import ELLIPSIS
from bot.text import shorten as shorten  # re-exported to cogs

# The thesis is the opening claim; in the card it must leave room for the argument list.
_THESIS_IN_CARD = 1500
# The longest piece URL an opening's first line links; the card links any.
_HEADER_URL_LIMIT = 600
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


def fit(text: str, limit: int, *, links: bool = True) -> str:
    """Outside text shown as written (:func:`bot.markup.plain`) in at most ``limit``
    characters: shortened before it is escaped, so that no escape is cut in two."""
    shown = plain(shorten(text, limit), links=links)
    room = limit
    while len(shown) > limit:
        room -= max(1, len(shown) - limit)
        shown = plain(shorten(text, room), links=links)
    return shown


def split_text(text: str, limit: int, *, first_limit: int | None = None,
               measure: Callable[[str], int] = len) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` (``first_limit`` for the first).

    Breaks fall between paragraphs where possible, else between sentences, else between
    words; a single word longer than a chunk is cut. Paragraph breaks inside a chunk are kept.
    ``measure`` is a chunk's size as it will be sent (by default its length): the openings
    split raw text measured as escaped, then escape each chunk, so that a cut never falls
    inside an escape. It must grow no faster when text is joined at white space than the sum
    of the parts, which holds for :func:`bot.markup.plain`.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    caps = [first_limit if first_limit is not None else limit]

    def cap() -> int:
        return caps[0] if not chunks else limit

    chunks: list[str] = []
    current = ""
    current_size = 0

    def flush() -> None:
        nonlocal current, current_size
        if current:
            chunks.append(current)
            current, current_size = "", 0

    def add(piece: str, joiner: str) -> bool:
        """Append ``piece`` to the current chunk if it fits; ``False`` when it does not."""
        nonlocal current, current_size
        # The parts' sizes added up bound the joined chunk's size, and cost no re-measuring.
        size = current_size + len(joiner) + measure(piece) if current else measure(piece)
        if size <= cap():
            current = f"{current}{joiner}{piece}" if current else piece
            current_size = size
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
                while len(word) > cap() or measure(word) > cap():
                    cut = _longest_prefix(word, cap(), measure)
                    chunks.append(word[:cut])
                    word = word[cut:]
                current, current_size = word, measure(word)
    flush()
    return chunks


def _longest_prefix(word: str, cap: int, measure: Callable[[str], int]) -> int:
    """How much of ``word`` fits in ``cap`` as measured (at least one character)."""
    low, high = 1, min(len(word), cap)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(word[:middle]) <= cap:
            low = middle
        else:
            high = middle - 1
    return low


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [p for p in pattern.split(text) if p and p.strip()]


# --- pieces without arguments ---------------------------------------------------------------


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


def role_ping_text(piece: PieceRecord, role_id: int) -> str:
    """The line that tells a feed subscription's role about a new piece (a reply to the card
    in a text channel, a message in the first thread in a forum)."""
    title = fit(display_title(piece), 300, links=False)
    return f"{role_mention(role_id)} New piece: **{title}**"


def role_mention(role_id: int) -> str:
    return f"<@&{role_id}>"


def display_title(piece: PieceRecord) -> str:
    """The piece's title, or for an untitled piece its opening sentence (cut short), as
    written: pass it through :func:`bot.markup.plain` (or :func:`fit`) to show it."""
    if piece.title:
        return piece.title
    first = _pieces(piece.thesis, _SENTENCE_END)
    return shorten(first[0], 120) if first else "Untitled piece"


def piece_link(piece: PieceRecord) -> str | None:
    """The piece's URL as the bot links it (encoded), ``None`` if it is no http(s) URL."""
    return web_url(piece.url)


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
    # Embed titles show no links: an address in a title is text.
    title = fit(display_title(piece), EMBED_TITLE_LIMIT, links=False)
    fields: list[EmbedField] = []
    if piece.outlet:
        fields.append(EmbedField("Outlet", fit(piece.outlet, EMBED_FIELD_VALUE_LIMIT,
                                               links=False), inline=True))
    if piece.author:
        fields.append(EmbedField("Author", fit(piece.author, EMBED_FIELD_VALUE_LIMIT,
                                               links=False), inline=True))
    lines = [_argument_line(piece, a) for a in arguments]
    heading = ("**Discussion**" if len(arguments) == 1 and is_whole_piece(arguments[0])
               else f"**{len(arguments)} argument{'s' if len(arguments) != 1 else ''}**")
    fixed = len(title) + len(CARD_FOOTER) + sum(len(f.name) + len(f.value) for f in fields)
    room = min(EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - fixed)
    description = _fit_description(piece.thesis or "", heading, lines, room)
    return EmbedSpec(title=title, url=piece_link(piece), description=description,
                     fields=tuple(fields), footer=CARD_FOOTER, color=CARD_COLOR)


def _argument_line(piece: PieceRecord, argument: ArgumentRecord) -> str:
    """"N. title · [thread](link)": the title is outside text, so it is no link's label."""
    title = fit(argument.title, THREAD_NAME_LIMIT, links=False)
    number = "" if is_whole_piece(argument) else f"{argument.number}. "
    if argument.thread_id is None:
        return f"{number}{title}"
    return f"{number}{title} · [thread]({channel_link(piece.guild_id, argument.thread_id)})"


def _fit_description(thesis: str, heading: str, lines: list[str], room: int) -> str:
    listing = "\n".join([heading, *lines])
    if len(listing) > room:
        # Links are what make the list useful; titles give way first.
        kept: list[str] = [heading]
        for line in lines:
            if len("\n".join(kept)) + 1 + len(line) + 2 > room:
                kept.append(ELLIPSIS)
                break
            kept.append(line)
        listing = "\n".join(kept)
    left = min(room - len(listing) - 2, _THESIS_IN_CARD)
    if not thesis.strip() or left < 40:
        return listing[:room]
    return f"{fit(thesis, left)}\n\n{listing}"


# --- an argument's opening ------------------------------------------------------------------


def opening_header(piece: PieceRecord, argument: ArgumentRecord, total: int) -> str:
    """The first line of a thread: what this is, from which piece, and links back to it.

    The title is outside text, so it is shown beside the links, not as their label.
    """
    title = fit(display_title(piece), 200, links=False)
    links = []
    url = piece_link(piece)
    # A URL too long to leave room for the text is left to the card (its title links it).
    if url is not None and len(url) <= _HEADER_URL_LIMIT:
        links.append(f"[read the piece](<{url}>)")
    if piece.message_id is not None:
        card = channel_link(piece.guild_id, piece.channel_id, piece.message_id)
        links.append(f"[piece card](<{card}>)")
    source = " · ".join([f"*{title}*", *links])
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
    text = argument.text.strip() or argument.title
    # Split as written, measured as shown: each chunk is escaped whole, after the split.
    parts = [plain(part) for part in split_text(
        text, MESSAGE_LIMIT, first_limit=MESSAGE_LIMIT - len(header) - 2,
        measure=lambda part: len(plain(part)))]
    contents = [f"{header}\n\n{parts[0]}", *parts[1:]] if parts else [header]
    last = len(contents) - 1
    return [
        OpeningChunk(content=c, nonce=opening_nonce(argument.id, i),
                     controls=argument.id if i == last else None)
        for i, c in enumerate(contents)
    ]
