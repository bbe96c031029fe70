"""The payloads fit Discord's limits and read well."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.publishing import (
    WHOLE_PIECE_MARKER,
    build_card,
    opening_chunks,
    split_text,
    thread_name,
    threadable,
)
from bot.publishing.payloads import (
    EMBED_DESCRIPTION_LIMIT,
    MESSAGE_LIMIT,
    THREAD_CONFIDENCE,
    forum_tag_name,
    shorten,
)
from bot.store import ArgumentRecord, PieceRecord
from tests.publishing.samples import LONG_PARAGRAPH, no_arguments, three_arguments

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def piece_record(**changes: object) -> PieceRecord:
    values: dict[str, object] = dict(
        id=7, guild_id=1, channel_id=2, subscription_id=None, url="https://example.org/p",
        title="A title", author="An Author", outlet="An Outlet", thesis="The thesis.",
        conclusion=None, announced_count=None, state="publishing", message_id=None,
        attempts=1, last_error=None, created_at=NOW, published_at=None)
    values.update(changes)
    return PieceRecord(**values)  # type: ignore[arg-type]


def argument(number: int = 1, title: str = "An argument", text: str = "Text.",
             thread_id: int | None = None, marker: str | None = None) -> ArgumentRecord:
    return ArgumentRecord(id=100 + number, piece_id=7, number=number, title=title,
                          marker=marker, text=text, anchor_message_id=None,
                          thread_id=thread_id, opening_message_id=None, posted_at=None)


def test_split_prefers_paragraphs_then_sentences() -> None:
    text = "\n\n".join([LONG_PARAGRAPH, "Short one.", LONG_PARAGRAPH])
    chunks = split_text(text, 2000)
    assert all(len(c) <= 2000 for c in chunks)
    # No sentence is cut in two: every chunk ends at a sentence end.
    assert all(c.rstrip().endswith(".") for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())


def test_split_keeps_short_text_whole_and_cuts_giant_words() -> None:
    assert split_text("One.\n\nTwo.", 2000) == ["One.\n\nTwo."]
    chunks = split_text("x" * 4500, 2000)
    assert [len(c) for c in chunks] == [2000, 2000, 500]
    chunks = split_text("word " * 1000, 100, first_limit=50)
    assert len(chunks[0]) <= 50 and all(len(c) <= 100 for c in chunks)


@pytest.mark.parametrize("title", ["Short", "A" * 300, "word " * 40])
def test_thread_names_fit(title: str) -> None:
    name = thread_name(argument(12, title))
    assert name.startswith("12. ") and 1 <= len(name) <= 100


def test_whole_piece_thread_is_named_after_the_piece() -> None:
    piece = threadable(no_arguments())
    assert len(piece.arguments) == 1 and piece.arguments[0].marker == WHOLE_PIECE_MARKER
    assert "Keep them open" in piece.arguments[0].text
    whole = argument(1, piece.arguments[0].title, marker=WHOLE_PIECE_MARKER)
    assert thread_name(whole) == "Some Musings on Libraries"
    assert threadable(three_arguments()) == three_arguments()


def test_a_doubtful_split_gets_one_thread_for_the_whole_piece() -> None:
    doubtful = replace(three_arguments(), confidence=THREAD_CONFIDENCE - 0.01)
    piece = threadable(doubtful)
    assert [a.marker for a in piece.arguments] == [WHOLE_PIECE_MARKER]
    assert piece.arguments[0].text.startswith(doubtful.thesis)
    sure = replace(three_arguments(), confidence=THREAD_CONFIDENCE)
    assert threadable(sure) == sure


def test_card_lists_arguments_and_links_opened_threads() -> None:
    piece = piece_record()
    card = build_card(piece, [argument(1, "First one", thread_id=555), argument(2, "[Odd] one")])
    assert card.title == "A title" and card.url == piece.url
    assert "The thesis." in card.description
    assert "1. [First one](https://discord.com/channels/1/555)" in card.description
    assert "2. (Odd) one" in card.description
    assert {f.name: f.value for f in card.fields} == {"Outlet": "An Outlet", "Author": "An Author"}


def test_card_stays_within_embed_limits() -> None:
    piece = piece_record(thesis="T " * 5000, title="X" * 400)
    arguments = [argument(i, "Y" * 120, thread_id=10**18 + i) for i in range(1, 60)]
    card = build_card(piece, arguments)
    assert len(card.title) <= 256 and len(card.description) <= EMBED_DESCRIPTION_LIMIT
    assert card.length() <= 6000


def test_opening_chunks_fit_and_carry_controls_last() -> None:
    piece = piece_record(message_id=999)
    text = "\n\n".join([LONG_PARAGRAPH] * 4)
    chunks = opening_chunks(piece, argument(2, "Long", text), total=3)
    assert len(chunks) >= 3 and all(len(c.content) <= MESSAGE_LIMIT for c in chunks)
    assert chunks[0].content.startswith("**Argument 2 of 3** · from [A title](<https://")
    assert "https://discord.com/channels/1/2/999" in chunks[0].content
    assert [c.controls for c in chunks] == [None] * (len(chunks) - 1) + [102]
    assert len({c.nonce for c in chunks}) == len(chunks)
    assert all(len(c.nonce) <= 25 for c in chunks)


def test_forum_tag_names_fit() -> None:
    assert len(forum_tag_name(piece_record(title="A very long title indeed, yes"))) <= 20
    assert shorten("short", 20) == "short"
