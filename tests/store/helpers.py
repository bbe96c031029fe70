"""Shared data and helpers for the store suite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.articles.model import Argument, Piece
from bot.store import ArgumentRecord, PieceRecord, Store

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday: ISO week 2026-W47
GUILD = 111_111_111_111_111_111
CHANNEL = 222_222_222_222_222_222


def at(hours: float) -> datetime:
    """``T0`` plus some hours: readable fixed times for tests."""
    return T0 + timedelta(hours=hours)


def sample_piece(url: str = "https://example.org/op-ed", arguments: int = 3) -> Piece:
    return Piece(
        thesis="Cities should build more housing.",
        arguments=tuple(
            Argument(number=n, title=f"Reason {n}", marker="First" if n == 1 else None,
                     text=f"The text of reason {n}.")
            for n in range(1, arguments + 1)
        ),
        announced_count=arguments,
        conclusion="So build.",
        title="Build, baby, build",
        author="A. Writer",
        url=url,
        outlet="The Example",
    )


async def published_piece(
    store: Store,
    *,
    url: str = "https://example.org/op-ed",
    guild_id: int = GUILD,
    channel_id: int = CHANNEL,
    arguments: int = 3,
    published: datetime = T0,
) -> tuple[PieceRecord, list[ArgumentRecord]]:
    """A piece queued and published, with its arguments."""
    record = await store.create_piece(
        guild_id, channel_id, sample_piece(url, arguments), now=published)
    assert record is not None
    await store.begin_publishing(record.id, now=published)
    record = await store.finish_publishing(record.id, now=published)
    return record, await store.list_arguments(record.id)
