"""Markdown pieces: front matter as metadata, the body's structure kept as blocks."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.articles.extract import extract_markdown, extract_text
from bot.articles.markdown import looks_like_markdown, split_front_matter
from bot.articles.model import BlockKind

POST = """---
title: "Three Things the Harbour Plan Gets Wrong"
author: [Mira Castellanos, Joe Bright]
date: 2026-03-14
tags: [harbour, planning]
---

![The old quay at low tide](/img/quay.jpg)

The harbour board's plan reads well and fails on inspection. Here is where it goes wrong:

1\\. **It prices out the fishing fleet.** Berth fees triple in the first year, and the boats
that built the town cannot pay them.

2\\. *It ignores the tides.* The new marina sits where the channel silts up every winter.

## The third problem

The consultation ran for [nine days](https://example.org/consult) over a holiday.

- one bullet
- another bullet

> First, we will listen. Second, we will act.
"""


def test_front_matter_is_metadata_never_body() -> None:
    article = extract_markdown(POST)
    assert article.title == "Three Things the Harbour Plan Gets Wrong"
    assert article.author == "Mira Castellanos, Joe Bright"
    assert article.published == datetime(2026, 3, 14, tzinfo=UTC)
    body = "\n".join(article.paragraphs)
    assert "tags" not in body and "---" not in body and "harbour, planning" not in body


def test_markdown_structure_is_kept() -> None:
    blocks = extract_markdown(POST).blocks
    texts = [b.text for b in blocks]
    # Escaped list numbers are text, as a reader sees them; emphasis opens the block as a lead.
    second = next(b for b in blocks if b.text.startswith("1. It prices"))
    assert second.kind is BlockKind.PARAGRAPH and second.lead == "It prices out the fishing fleet."
    third = next(b for b in blocks if b.text.startswith("2. It ignores"))
    assert third.lead == "It ignores the tides."
    heading = next(b for b in blocks if b.kind is BlockKind.HEADING)
    assert heading.text == "The third problem" and heading.level == 2
    assert "The consultation ran for nine days over a holiday." in texts
    bullets = [b for b in blocks if b.bulleted]
    assert [b.text for b in bullets] == ["one bullet", "another bullet"]
    assert bullets[0].list_id == bullets[1].list_id is not None
    quote = blocks[-1]
    assert quote.kind is BlockKind.QUOTE and quote.text.startswith("First, we will listen.")
    assert not any("quay.jpg" in t or "The old quay" in t for t in texts)


def test_hard_wrapped_markdown_paragraph_is_one_block() -> None:
    blocks = extract_markdown(POST).blocks
    assert any(b.text.endswith("the boats that built the town cannot pay them.") for b in blocks)


def test_toml_front_matter_and_a_leading_heading_as_title() -> None:
    text = ('+++\nauthor = "Ines Ortiz"\ndate = 2026-01-02T09:30:00Z\n+++\n\n'
            "# A Tram for the Valley\n\nThe valley needs a tram, and it needs one soon. "
            "The buses are full by seven.\n\nThe council should act.\n")
    article = extract_markdown(text)
    assert article.title == "A Tram for the Valley"
    assert article.author == "Ines Ortiz"
    assert article.published == datetime(2026, 1, 2, 9, 30, tzinfo=UTC)
    assert article.paragraphs[0].startswith("The valley needs a tram")


def test_broken_front_matter_is_dropped_without_error() -> None:
    meta, body = split_front_matter("---\ntitle: [unclosed\n---\nBody text.\n")
    assert meta.title is None and body == "Body text.\n"


def test_text_that_is_markdown_is_read_as_markdown() -> None:
    assert looks_like_markdown(POST)
    article = extract_text(POST)
    assert article.title == "Three Things the Harbour Plan Gets Wrong"
    assert any(b.kind is BlockKind.HEADING for b in article.blocks)


def test_prose_with_one_asterisk_or_a_hash_is_not_markdown() -> None:
    prose = ("The vote was 5 * 3 in the old notation, said #1 fan of the club.\n\n"
             "Nothing else here looks like markup at all.")
    assert not looks_like_markdown(prose)


def test_kramdown_attributes_are_markup_not_text() -> None:
    text = ("---\ntitle: Links\n---\n\nRead [the audit](https://example.org/audit)"
            '{:target="_blank"} before you vote, and then read it again with a pencil.\n\n'
            "The council has not answered a single question from it since it appeared.\n")
    article = extract_markdown(text)
    assert article.paragraphs[0] == ("Read the audit before you vote, and then read it again "
                                     "with a pencil.")
