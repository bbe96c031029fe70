"""The dataclasses that flow through the article pipeline: extract → segment → publish."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Article:
    """A piece of commentary as read from a page, a file or a feed entry, cleaned of boilerplate.

    ``paragraphs`` holds the body only: no title, no byline, no syndication notice, no bio.
    """

    paragraphs: tuple[str, ...]
    title: str | None = None
    author: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    removed_boilerplate: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Argument:
    """One enumerated argument of a piece; ``number`` counts from 1."""

    number: int
    title: str
    marker: str | None
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "marker": self.marker,
                "text": self.text}


@dataclass(frozen=True, slots=True)
class Piece:
    """An article read as an argument: thesis, numbered arguments, conclusion.

    ``arguments`` is empty when the piece does not enumerate (or the evidence is too weak to
    say it does); the bot then opens one thread for the whole piece.
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

    def to_json(self) -> dict[str, Any]:
        """The ``preview --json`` contract from DESIGN.md, key for key."""
        return {
            "title": self.title,
            "author": self.author,
            "url": self.url,
            "thesis": self.thesis,
            "announced_count": self.announced_count,
            "arguments": [argument.to_json() for argument in self.arguments],
            "conclusion": self.conclusion,
            "removed_boilerplate": list(self.removed_boilerplate),
        }
