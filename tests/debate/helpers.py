"""A piece with arguments in the store, and a clock the tests move by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.articles.model import Argument, Piece
from bot.debate import DebateRules, DebateService
from bot.store import ArgumentRecord, PieceRecord, Store

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
GUILD = 111_111_111_111_111_111
CHANNEL = 222_222_222_222_222_222
ALICE, BOB, CAROL, DAVE = 1001, 1002, 1003, 1004

#: Exactly 40 characters: the default minimum.
FORTY = "Supply alone will not fix rents, sadly!!"
assert len(FORTY) == 40


def text(length: int) -> str:
    """A reply of exactly ``length`` characters (no edge spaces, so stripping keeps them)."""
    words = "Rents follow wages more than supply " * (length // 30 + 2)
    return (words[: length - 1] + ".") if length else ""


class Clock:
    """A settable clock for ``DebateService(clock=...)``."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class World:
    store: Store
    service: DebateService
    clock: Clock
    piece: PieceRecord
    arguments: list[ArgumentRecord]


async def make_world(store: Store, rules: DebateRules | None = None,
                     url: str = "https://example.org/op-ed") -> World:
    """A published piece with three arguments, and a service on a clock at ``T0``."""
    piece = Piece(
        thesis="Cities should build more housing.",
        arguments=tuple(
            Argument(number=n, title=f"Reason {n}", marker=None, text=f"The text of reason {n}.")
            for n in (1, 2, 3)),
        announced_count=3,
        title="Build, baby, build",
        url=url,
    )
    record = await store.create_piece(GUILD, CHANNEL, piece, now=T0)
    assert record is not None
    await store.begin_publishing(record.id, now=T0)
    record = await store.finish_publishing(record.id, now=T0)
    clock = Clock()
    return World(store, DebateService(store, rules, clock=clock), clock, record,
                 await store.list_arguments(record.id))
