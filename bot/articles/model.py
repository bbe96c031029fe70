"""The dataclasses that flow through the article pipeline: extract → segment → publish."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class BlockKind(StrEnum):
    """What a block of a piece is, as its source marked it up."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    ITEM = "item"  # a list item, numbered or bulleted
    QUOTE = "quote"  # a block quotation: the words are someone else's


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a piece's body, with the structure a reader sees kept beside its text.

    ``text`` is what a reader reads, markup removed; an ordered list item's text starts with
    its number as the reader sees it ("2. "), a bulleted item's text has no bullet. Structure
    is evidence for the splitter: a subheading, a list item's number, a bold label.
    """

    text: str
    kind: BlockKind = BlockKind.PARAGRAPH
    level: int = 0  # a heading's level (1-6); a list item's nesting depth (0 at the top)
    number: int | None = None  # an ordered list item's number
    list_id: int | None = None  # the items of one list share it
    lead: str | None = None  # emphasised words opening the block ("Cost." in **Cost.** ...)
    #: A thematic break (a rule, "* * *") stood before it: the writer's own section break.
    after_break: bool = False

    @property
    def bulleted(self) -> bool:
        return self.kind is BlockKind.ITEM and self.number is None


def paragraph_blocks(paragraphs: Iterable[str]) -> tuple[Block, ...]:
    """Plain paragraphs as blocks: no structure beyond the paragraph breaks."""
    return tuple(Block(text) for text in paragraphs if isinstance(text, str) and text.strip())


@dataclass(frozen=True, slots=True)
class Article:
    """A piece of commentary as read from a page, a file or a feed entry, cleaned of boilerplate.

    ``blocks`` holds the body only: no title, no byline, no syndication notice, no bio.
    ``notes`` says what the reader should know about how it was read (a body cut short).
    """

    blocks: tuple[Block, ...]
    title: str | None = None
    author: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    removed_boilerplate: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @classmethod
    def from_paragraphs(cls, paragraphs: Iterable[str], **meta: Any) -> Article:
        return cls(blocks=paragraph_blocks(paragraphs), **meta)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(block.text for block in self.blocks)

    def word_count(self) -> int:
        return sum(len(block.text.split()) for block in self.blocks)


@dataclass(frozen=True, slots=True)
class Argument:
    """One enumerated argument of a piece; ``number`` counts from 1.

    ``confidence`` (0-1) is how sure the splitter is that an argument starts here.
    """

    number: int
    title: str
    marker: str | None
    text: str
    confidence: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "marker": self.marker,
                "text": self.text, "confidence": round(self.confidence, 2)}


@dataclass(frozen=True, slots=True)
class Piece:
    """An article read as an argument: thesis, numbered arguments, conclusion.

    ``arguments`` is empty when the piece does not enumerate (as far as the splitter can
    tell); the bot then opens one thread for the whole piece. ``confidence`` (0-1) is how
    sure the splitter is of its reading: of the arguments it found, or that there are none.
    ``explanation`` says how it decided (``preview --explain``).
    """

    thesis: str
    arguments: tuple[Argument, ...] = ()
    announced_count: int | None = None
    conclusion: str | None = None
    title: str | None = None
    author: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    removed_boilerplate: tuple[str, ...] = field(default=())
    confidence: float = 1.0
    notes: tuple[str, ...] = ()
    explanation: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        """The ``preview --json`` contract from DESIGN.md, key for key (plus ``notes``)."""
        return {
            "title": self.title,
            "author": self.author,
            "url": self.url,
            "thesis": self.thesis,
            "announced_count": self.announced_count,
            "confidence": round(self.confidence, 2),
            "arguments": [argument.to_json() for argument in self.arguments],
            "conclusion": self.conclusion,
            "removed_boilerplate": list(self.removed_boilerplate),
            "notes": list(self.notes),
        }
