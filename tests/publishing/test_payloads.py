"""The payloads fit Discord's limits and read well."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.emulator.markup import render
from bot.markup import web_url
from bot.publishing import (
    THREAD_CONFIDENCE,
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
    fit,
    forum_tag_name,
    role_ping_text,
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
    assert "1. First one · [thread](https://discord.com/channels/1/555)" in card.description
    assert "2. \\[Odd\\] one" in card.description
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
    assert chunks[0].content.startswith(
        "**Argument 2 of 3** · from *A title* · [read the piece](<https://example.org/p>)")
    assert "https://discord.com/channels/1/2/999" in chunks[0].content
    assert [c.controls for c in chunks] == [None] * (len(chunks) - 1) + [102]
    assert len({c.nonce for c in chunks}) == len(chunks)
    assert all(len(c.nonce) <= 25 for c in chunks)


def test_forum_tag_names_fit() -> None:
    assert len(forum_tag_name(piece_record(title="A very long title indeed, yes"))) <= 20
    assert shorten("short", 20) == "short"


# --- outside text ---------------------------------------------------------------------------

HOSTILE = ("[click me](http://evil.example/phish) ||spoiler|| <@80351110224678912> "
           "@everyone <#3> **loud**")
CRAFTED_URL = "https://news.example/art>)[phish](http://evil.example/x)"
BOLD_LABELS = {"2 arguments", "Discussion", "The whole piece, open for debate"}


def hostile_piece(**changes: object) -> PieceRecord:
    return piece_record(title=f"# {HOSTILE}", author=f"> {HOSTILE}", outlet=f"-# {HOSTILE}",
                        thesis=f"# Heading\n{HOSTILE}", url=CRAFTED_URL, message_id=999,
                        **changes)


def assert_only_the_bots_own_markup(markup: str) -> None:
    """Nothing from outside is active: every link goes where the bot sends members (a thread,
    the card, the piece at its encoded URL) or shows where it goes; emphasis and lists are
    the bot's own (its labels, the title set in italics, the numbered arguments)."""
    rendered = render(markup)
    assert rendered.kinds() <= {"masked_link", "link", "bold", "italic", "list"}, \
        rendered.kinds()
    for link in rendered.links():
        assert link.target is not None
        assert (link.target.startswith("https://discord.com/channels/")
                or link.target == web_url(CRAFTED_URL)
                or (link.kind == "link" and link.text == link.target)), link
    for element in rendered.walk():
        if element.kind == "bold":
            assert element.text in BOLD_LABELS or element.text.startswith("Argument "), element


def test_hostile_text_is_inert_in_the_card() -> None:
    card = build_card(hostile_piece(), [argument(1, HOSTILE, thread_id=555),
                                        argument(2, f"# {HOSTILE}")])
    for part in (card.title, card.description, *(f.value for f in card.fields)):
        assert_only_the_bots_own_markup(part)
    assert HOSTILE in render(card.description).text
    assert card.url == "https://news.example/art%3E%29%5Bphish%5D%28http://evil.example/x%29"
    assert render(card.title).text == f"# {HOSTILE}"


def test_hostile_text_is_inert_in_the_openings() -> None:
    piece = hostile_piece()
    text = "\n\n".join([f"# {HOSTILE}", LONG_PARAGRAPH, f"> {HOSTILE}", "x" * 2500, HOSTILE])
    chunks = opening_chunks(piece, argument(1, HOSTILE, text), total=2)
    assert len(chunks) >= 3 and all(len(c.content) <= MESSAGE_LIMIT for c in chunks)
    for chunk in chunks:
        assert_only_the_bots_own_markup(chunk.content)
    [title, piece_link, card] = [e for e in render(chunks[0].content).walk()
                                 if e.kind in ("italic", "masked_link")]
    assert title.text == f"# {HOSTILE}"
    assert (piece_link.text, piece_link.target) == ("read the piece", web_url(CRAFTED_URL))
    assert card.target == "https://discord.com/channels/1/2/999"
    shown = "".join(render(c.content).text for c in chunks)
    assert shown.count(HOSTILE) == 4  # the title, and three times in the text


def test_hostile_text_is_inert_in_the_role_ping() -> None:
    text = role_ping_text(hostile_piece(), 42)
    rendered = render(text)
    assert [e.target for e in rendered.walk() if e.kind == "role_mention"] == ["42"]
    assert rendered.kinds() == {"role_mention", "bold"}


def test_a_piece_without_a_valid_url_links_nowhere() -> None:
    piece = piece_record(url="javascript:alert(1)", message_id=999)
    assert build_card(piece, [argument()]).url is None
    header = opening_chunks(piece, argument(), total=1)[0].content
    assert "read the piece" not in header and "javascript" not in header


def test_fit_never_cuts_an_escape() -> None:
    for limit in range(5, 60):
        shown = fit("*" * 100, limit)
        assert len(shown) <= limit and not shown.rstrip("…").endswith("\\")
        assert set(render(shown).text) <= {"*", "…"}
