"""Review before posting: which pieces wait for a moderator, and the edits a moderator makes.

Pure and ``discord``-free: dataclasses in, dataclasses out. A piece under review keeps its
split as a :class:`Draft` (the arguments as the splitter read them, and whether the piece is
posted as one thread for the whole piece); every edit returns a new draft or raises a
:class:`ReviewEditError` whose ``user_message`` tells the moderator what to type instead. On
approval :func:`final_piece` turns the piece and its draft into what the publisher queues.

Arguments are addressed by their position in the draft, 1 to n, as the preview numbers them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from bot.articles.model import Argument, Piece
from bot.embeds import THREAD_NAME_LIMIT
from bot.errors import UserFacingError
from bot.queueing import THREAD_CONFIDENCE, is_split_confidently, whole_piece
from bot.store.records import REVIEW_MODES, ReviewMode
from bot.text import shorten

#: In ``unsure`` mode a piece waits for review when the splitter's confidence is below this.
#: Publishing draws its own line at 0.6 (``THREAD_CONFIDENCE``): below it a piece gets one
#: thread for the whole piece, from it one thread per argument. The splits worth a moderator's
#: look sit on both sides of that line: the doubtful ones (0.5-0.6), whose arguments would
#: otherwise be folded into one thread, and those that only just passed it, where a missed or
#: an extra argument is likeliest. 0.75 takes that band and no more: on the labelled corpus
#: (bench/split_quality.py) it sends 16 of 116 pieces to review, about one in seven, a load a
#: moderator team keeps up with, while the splits from 0.75 up (100 pieces) are right 97 times
#: in 100. (The corpus cannot draw the line alone: the splitter reads all 16 of those pieces
#: right too; the band is where it is least sure, not where it was seen to fail.)
UNSURE_BELOW = 0.75
#: A review nobody acted on is reminded once, this long after it was opened.
REMIND_AFTER_SECONDS = 24 * 3600


class ReviewEditError(UserFacingError):
    """An edit of a split that cannot be made as asked; ``user_message`` says why."""


def effective_mode(feed_mode: str | None, server_mode: str) -> ReviewMode:
    """A subscription's review mode: its own, or the server's default when it has none."""
    mode = feed_mode if feed_mode is not None else server_mode
    if mode not in REVIEW_MODES:
        raise ValueError(f"unknown review mode {mode!r}; expected one of {REVIEW_MODES}")
    return mode


def review_cause(mode: ReviewMode, piece: Piece) -> str | None:
    """Why ``piece`` waits for review under ``mode`` (fit to show a moderator), or ``None``
    when it is posted straight away."""
    if mode == "on":
        return "every new piece of this feed is reviewed"
    if mode == "unsure" and piece.confidence < UNSURE_BELOW:
        return (f"the splitter is unsure of this split (confidence {piece.confidence:.2f}, "
                f"below {UNSURE_BELOW:.2f})")
    return None


@dataclass(frozen=True, slots=True)
class DraftArgument:
    """One argument as it will be posted: its thread's title and its text."""

    title: str
    text: str
    marker: str | None = None

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True, slots=True)
class Draft:
    """A piece's split under review. ``whole_piece``: posted with no enumeration, as one
    thread for the whole piece (the arguments are kept, should a moderator turn it back)."""

    arguments: tuple[DraftArgument, ...]
    whole_piece: bool = False

    # --- to and from the piece ---------------------------------------------------------------

    @classmethod
    def from_piece(cls, piece: Piece) -> Draft:
        """The split as the publisher would post it now: a doubtful split (or none) is one
        thread for the whole piece, its arguments kept for the moderator to restore."""
        return cls(
            arguments=tuple(DraftArgument(a.title, a.text, a.marker) for a in piece.arguments),
            whole_piece=not is_split_confidently(piece))

    def to_json(self) -> str:
        return json.dumps({"whole_piece": self.whole_piece, "arguments": [
            {"title": a.title, "text": a.text, "marker": a.marker} for a in self.arguments]})

    @classmethod
    def from_json(cls, text: str) -> Draft:
        data = json.loads(text)
        return cls(arguments=tuple(DraftArgument(a["title"], a["text"], a.get("marker"))
                                   for a in data["arguments"]),
                   whole_piece=bool(data["whole_piece"]))

    # --- edits ----------------------------------------------------------------------------

    def _index(self, number: int) -> int:
        count = len(self.arguments)
        if not 1 <= number <= count:
            raise ReviewEditError(
                f"There is no argument {number}: the split has {_arguments(count)}, "
                f"numbered 1 to {count}." if count else "The split has no arguments.")
        return number - 1

    def _open(self) -> None:
        """Edits of arguments need a split to edit."""
        if not self.arguments:
            raise ReviewEditError("The splitter found no arguments in this piece, so there "
                                  "is nothing to edit: it is posted as one thread.")

    def merge(self, first: int, second: int) -> Draft:
        """Arguments ``first`` and ``second`` become one, at the earlier one's place, with its
        title and both texts in the order they had."""
        self._open()
        a, b = sorted((self._index(first), self._index(second)))
        if a == b:
            raise ReviewEditError("Merging needs two different arguments.")
        keep, gone = self.arguments[a], self.arguments[b]
        merged = replace(keep, text=f"{keep.text.strip()}\n\n{gone.text.strip()}")
        items = list(self.arguments)
        items[a] = merged
        del items[b]
        return replace(self, arguments=tuple(items))

    def split(self, number: int, at_paragraph: int) -> Draft:
        """Argument ``number`` becomes two: its paragraphs before ``at_paragraph`` (counted
        from 1) keep its title; the rest is a new argument right after it, titled by its first
        sentence (retitle it if that reads badly)."""
        self._open()
        index = self._index(number)
        argument = self.arguments[index]
        paragraphs = argument.paragraphs()
        if len(paragraphs) < 2:
            raise ReviewEditError(f"Argument {number} is one paragraph: there is nowhere to "
                                  "split it.")
        if not 2 <= at_paragraph <= len(paragraphs):
            raise ReviewEditError(
                f"Argument {number} has {len(paragraphs)} paragraphs: split it before "
                f"paragraph 2 to {len(paragraphs)} (the new argument starts there).")
        head = "\n\n".join(paragraphs[:at_paragraph - 1])
        tail = "\n\n".join(paragraphs[at_paragraph - 1:])
        items = list(self.arguments)
        items[index] = replace(argument, text=head)
        items.insert(index + 1, DraftArgument(title_from(tail), tail))
        return replace(self, arguments=tuple(items))

    def retitle(self, number: int, title: str) -> Draft:
        """Argument ``number``'s thread is named ``title`` (one line, at most 100 characters,
        Discord's limit for a thread name with its number)."""
        self._open()
        index = self._index(number)
        flat = " ".join(title.split())
        if not flat:
            raise ReviewEditError("A title needs some words.")
        limit = TITLE_LIMIT
        if len(flat) > limit:
            raise ReviewEditError(f"That title is {len(flat)} characters; a thread's title "
                                  f"holds at most {limit}.")
        items = list(self.arguments)
        items[index] = replace(items[index], title=flat)
        return replace(self, arguments=tuple(items))

    def drop(self, number: int) -> Draft:
        """Argument ``number`` is not posted (its text leaves the split)."""
        self._open()
        index = self._index(number)
        if len(self.arguments) == 1:
            raise ReviewEditError("That is the only argument left. To post the piece as one "
                                  "thread, choose No enumeration instead.")
        items = list(self.arguments)
        del items[index]
        return replace(self, arguments=tuple(items))

    def reorder(self, order: list[int]) -> Draft:
        """The arguments in ``order``: every number once (``[3, 1, 2]`` puts the third
        first)."""
        self._open()
        count = len(self.arguments)
        if sorted(order) != list(range(1, count + 1)):
            example = " ".join(str(n) for n in range(count, 0, -1))
            raise ReviewEditError(
                f"Give each of the numbers 1 to {count} once, in the new order (for example "
                f"`{example}`).")
        return replace(self, arguments=tuple(self.arguments[n - 1] for n in order))

    def no_enumeration(self) -> Draft:
        """Posted as one thread for the whole piece."""
        if self.whole_piece:
            raise ReviewEditError("The piece is already posted as one thread for the whole "
                                  "piece.")
        return replace(self, whole_piece=True)

    def use_split(self) -> Draft:
        """Posted with one thread per argument (undoes :meth:`no_enumeration`)."""
        self._open()
        if not self.whole_piece:
            raise ReviewEditError("The piece already gets one thread per argument.")
        return replace(self, whole_piece=False)


#: A thread is named "N. title" within Discord's 100 characters: the title leaves room for
#: the number (see ``bot.publishing.payloads.thread_name``).
TITLE_LIMIT = THREAD_NAME_LIMIT - 4


def title_from(text: str) -> str:
    """A title for a new argument: its first sentence, shortened to fit a thread's name."""
    first = text.strip().split("\n", 1)[0]
    for end in (". ", "? ", "! "):
        cut = first.find(end)
        if cut > 0:
            first = first[:cut + 1]
            break
    return shorten(first, TITLE_LIMIT) or "Argument"


def parse_numbers(text: str) -> list[int]:
    """Numbers as a moderator types them: ``3 1 2``, ``3, 1, 2`` or ``3-1-2``."""
    parts = [p for p in text.replace(",", " ").replace("-", " ").split() if p]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise ReviewEditError(f"Type argument numbers only, such as `2 3` (not "
                              f"{shorten(text, 40)!r}).") from None


def parse_number(text: str, what: str = "an argument number") -> int:
    numbers = parse_numbers(text)
    if len(numbers) != 1:
        raise ReviewEditError(f"Type {what}, one number such as `2`.")
    return numbers[0]


def final_piece(piece: Piece, draft: Draft) -> Piece:
    """The piece as it is queued on approval: the draft's arguments numbered 1 to n, or, with
    no enumeration, one argument standing for the whole piece (as the publisher makes it)."""
    if draft.whole_piece or not draft.arguments:
        whole = whole_piece(piece)
        if not draft.arguments:
            return whole
        # The one thread holds the whole piece: its arguments' text too, in the draft's order.
        parts = [piece.thesis.strip(), *(a.text.strip() for a in draft.arguments),
                 (piece.conclusion or "").strip()]
        text = "\n\n".join(dict.fromkeys(p for p in parts if p))
        return replace(whole, arguments=(replace(whole.arguments[0], text=text),))
    arguments = tuple(Argument(number=i, title=a.title, marker=a.marker, text=a.text)
                      for i, a in enumerate(draft.arguments, start=1))
    # Reviewed by a moderator: as sure as a split gets.
    return replace(piece, arguments=arguments, confidence=max(piece.confidence,
                                                               THREAD_CONFIDENCE))


# --- the piece as stored while it waits ------------------------------------------------------


def piece_to_json(piece: Piece) -> str:
    """What a review keeps of the piece besides its arguments (those are the draft)."""
    return json.dumps({
        "thesis": piece.thesis, "announced_count": piece.announced_count,
        "conclusion": piece.conclusion, "title": piece.title, "author": piece.author,
        "url": piece.url, "outlet": piece.outlet,
        "published": piece.published.isoformat() if piece.published else None,
        "confidence": piece.confidence, "notes": list(piece.notes)})


def piece_from_json(text: str) -> Piece:
    data: dict[str, Any] = json.loads(text)
    published = data.get("published")
    return Piece(thesis=data["thesis"], announced_count=data.get("announced_count"),
                 conclusion=data.get("conclusion"), title=data.get("title"),
                 author=data.get("author"), url=data.get("url"), outlet=data.get("outlet"),
                 published=datetime.fromisoformat(published) if published else None,
                 confidence=float(data.get("confidence", 1.0)),
                 notes=tuple(data.get("notes", ())))


def _arguments(count: int) -> str:
    return f"{count} argument{'s' if count != 1 else ''}"


# --- the review message's controls -------------------------------------------------------------

ReviewAction = Literal["approve", "edit", "reject", "merge", "split", "retitle", "drop",
                       "reorder", "whole", "unwhole"]
_ACTION_CODE: dict[ReviewAction, str] = {
    "approve": "a", "edit": "e", "reject": "x", "merge": "m", "split": "s", "retitle": "t",
    "drop": "d", "reorder": "o", "whole": "n", "unwhole": "u"}
_CODE_ACTION = {code: action for action, code in _ACTION_CODE.items()}
#: Template of every review control's custom id (a discord.py ``DynamicItem`` template):
#: ``cp:rv:<action>:<review id>:<draft version>``. The version is the draft the moderator saw:
#: a click or a form made on an older one is refused rather than applied to a split that
#: another moderator changed meanwhile.
REVIEW_PATTERN = (r"cp:rv:(?P<action>[" + "".join(_CODE_ACTION) + r"]):"
                  r"(?P<id>[1-9][0-9]{0,18}):(?P<version>0|[1-9][0-9]{0,8})")
_REVIEW_RE = re.compile(REVIEW_PATTERN)


@dataclass(frozen=True, slots=True)
class ReviewControl:
    """One button (or form) of a review: what it does, to which review, at which version."""

    action: ReviewAction
    review_id: int
    version: int

    @property
    def custom_id(self) -> str:
        return f"cp:rv:{_ACTION_CODE[self.action]}:{self.review_id}:{self.version}"


def parse_review_control(custom_id: str) -> ReviewControl | None:
    match = _REVIEW_RE.fullmatch(custom_id)
    if match is None:
        return None
    return ReviewControl(_CODE_ACTION[match["action"]], int(match["id"]), int(match["version"]))
