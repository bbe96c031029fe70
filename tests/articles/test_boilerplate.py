"""Boilerplate removal: what goes, what stays (precision first), and what is reported."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.articles.boilerplate import (
    REMOVED_MAX_CHARS,
    author_from_boilerplate,
    byline_name,
    shorten,
    strip_boilerplate,
)

# Each kind of boilerplate, and the paragraphs that only look like it, as data.
LINES = tomllib.loads((Path(__file__).parent / "boilerplate.toml").read_text(encoding="utf-8"))
# Filler argument paragraphs, long enough to look like prose.
ARGUMENT = [
    "The council's plan rests on a forecast nobody outside the planning office has been "
    "allowed to check, and the little that has leaked suggests it is far too rosy.",
    "Every previous scheme of this size ran over budget by a third or more, and there is no "
    "reason to think this one will be different when the same contractors are involved.",
    "A cheaper and faster option exists: repair the old bridge, add a bus lane, and spend the "
    "difference on the schools the town has been promised for a decade.",
    "The vote next week is the last chance to choose it before the contracts are signed.",
]
# More distinct prose, for pieces that need to be longer than ARGUMENT.
FILLER = [f"Point {n} of the case adds another reason, with figures and a named source."
          for n in range(1, 7)]


def kept_and_removed(paragraphs: list[str], **kwargs: str) -> tuple[list[str], list[str]]:
    kept, removed = strip_boilerplate(paragraphs, **kwargs)
    return list(kept), list(removed)


# --- the seed -----------------------------------------------------------------------------

def test_seed_removes_exactly_notice_credit_and_bio(shared_dir: Path) -> None:
    text = (shared_dir / "corpus" / "seed_op_ed.txt").read_text(encoding="utf-8")
    paragraphs = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    kept, removed = kept_and_removed(paragraphs)
    assert len(removed) == 4
    assert removed[0].startswith("We support our Publishers and Content Creators.")
    assert removed[1] == ("Russian President Putin testing a new sniper rifle. Image Credit: "
                          "Russian State Media.")
    assert removed[2] == "About the Author: Dr. Alexander Motyl"
    assert removed[3].startswith("Dr. Alexander Motyl is a professor of political science")
    assert len(kept) == len(paragraphs) - 4
    assert kept[-1].startswith("Meanwhile, Ukraine and the West should continue")
    assert author_from_boilerplate(removed) == "Alexander Motyl"


def test_seed_bio_without_heading_is_removed_at_the_end_only(shared_dir: Path) -> None:
    text = (shared_dir / "corpus" / "seed_op_ed.txt").read_text(encoding="utf-8")
    paragraphs = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    without_heading = [p for p in paragraphs if not p.startswith("About the Author")]
    kept, removed = kept_and_removed(without_heading)
    assert removed[-1].startswith("Dr. Alexander Motyl is a professor")
    assert kept[-1].startswith("Meanwhile, Ukraine and the West")

    # The same bio in the middle of a piece is not at the end, so it stays.
    bio = without_heading[-1]
    middle = [*ARGUMENT[:2], bio, *ARGUMENT[2:]]
    kept, removed = kept_and_removed(middle)
    assert kept == [" ".join(p.split()) for p in middle]
    assert removed == []


# --- each kind of boilerplate -------------------------------------------------------------

@pytest.mark.parametrize("notice", LINES["notices"])
def test_syndication_notices(notice: str) -> None:
    for paragraphs in ([notice, *ARGUMENT], [*ARGUMENT, notice]):
        kept, removed = kept_and_removed(paragraphs)
        assert kept == ARGUMENT
        assert removed == [notice]


@pytest.mark.parametrize("caption", LINES["captions"])
def test_image_credits_and_captions(caption: str) -> None:
    kept, removed = kept_and_removed([ARGUMENT[0], caption, *ARGUMENT[1:]])
    assert kept == ARGUMENT
    assert removed == [caption]


@pytest.mark.parametrize("prompt", LINES["prompts"])
def test_prompts_links_ads_and_copyright(prompt: str) -> None:
    kept, removed = kept_and_removed([*ARGUMENT[:2], prompt, *ARGUMENT[2:]])
    assert kept == ARGUMENT
    assert removed == [prompt]


@pytest.mark.parametrize("byline", LINES["bylines"])
def test_bylines_and_datelines_at_the_top(byline: str) -> None:
    kept, removed = kept_and_removed([byline, *ARGUMENT])
    assert kept == ARGUMENT
    assert removed == [byline]


def test_headline_and_known_author_repeated_in_the_body() -> None:
    kept, removed = kept_and_removed(
        ["Repair the Old Bridge", "Jane Doe", "Jane Doe, Contributing Writer", *ARGUMENT,
         "— Jane Doe"],
        title="Repair the old bridge!", author="Jane Doe")
    assert kept == ARGUMENT
    assert removed == ["Repair the Old Bridge", "Jane Doe", "Jane Doe, Contributing Writer",
                       "— Jane Doe"]


def test_about_the_author_and_everything_after() -> None:
    tail = ["About the author", "Jane Doe is a civil engineer who has built bridges on three "
            "continents.", "Her book, Spans, is out in May.", "More from Jane Doe",
            "Why bridges fall down"]
    kept, removed = kept_and_removed([*ARGUMENT, *tail])
    assert kept == ARGUMENT
    assert removed == tail


def test_about_the_author_with_the_bio_inline() -> None:
    inline = ("About the author: Jane Doe is a civil engineer who has built bridges on three "
              "continents.")
    kept, removed = kept_and_removed([*ARGUMENT, inline, "Why bridges fall down"])
    assert kept == ARGUMENT
    assert removed == [inline, "Why bridges fall down"]


def test_about_the_author_early_removes_only_the_heading() -> None:
    kept, removed = kept_and_removed([ARGUMENT[0], "About the Author", *ARGUMENT[1:]])
    assert removed == ["About the Author"]
    assert kept == ARGUMENT


@pytest.mark.parametrize(("bio", "author"),
                         [(e["bio"], e.get("author")) for e in LINES["bios"]])
def test_author_bio_at_the_end(bio: str, author: str | None) -> None:
    kwargs = {"author": author} if author else {}
    kept, removed = kept_and_removed([*ARGUMENT, bio], **kwargs)
    assert kept == ARGUMENT
    assert removed == [bio]


def test_bio_then_prompt_both_go_in_document_order() -> None:
    bio = "Jane Doe is a journalist based in Northfield."
    prompt = "Subscribe to her newsletter for weekly columns."
    kept, removed = kept_and_removed([*ARGUMENT, bio, prompt])
    assert kept == ARGUMENT
    assert removed == [bio, prompt]


# --- precision: real paragraphs that only look like boilerplate --------------------------

@pytest.mark.parametrize("paragraph", LINES["kept"])
def test_argument_paragraphs_that_mention_boilerplate_words_stay(paragraph: str) -> None:
    for paragraphs in ([paragraph, *ARGUMENT], [*ARGUMENT[:2], paragraph, *ARGUMENT[2:]],
                       [*ARGUMENT, paragraph]):
        kept, removed = kept_and_removed(paragraphs)
        assert removed == []
        assert kept == paragraphs


@pytest.mark.parametrize("ending", LINES["endings"])
def test_last_paragraphs_about_people_are_not_bios(ending: str) -> None:
    kept, removed = kept_and_removed([*ARGUMENT, ending])
    assert removed == []
    assert kept[-1] == ending


def test_bio_of_someone_other_than_the_known_author_stays() -> None:
    ending = "John Roe is a professor of engineering who reviewed the plan."
    kept, removed = kept_and_removed([*ARGUMENT, ending], author="Jane Doe")
    assert removed == []
    assert kept[-1] == ending


def test_first_published_in_the_middle_is_an_argument() -> None:
    middle = "First published in 1859, On Liberty argued that harm is the only ground."
    paragraphs = [*ARGUMENT, middle, *FILLER]
    kept, removed = kept_and_removed(paragraphs, title="Liberty")
    assert kept == paragraphs
    assert removed == []


def test_bylines_only_at_the_top() -> None:
    paragraphs = [*ARGUMENT, "June 3, 2026", "By Jane Doe", *FILLER]
    kept, removed = kept_and_removed(paragraphs)
    assert removed == []
    assert kept == paragraphs


# --- reporting ----------------------------------------------------------------------------

def test_whitespace_is_normalised_and_empty_paragraphs_dropped() -> None:
    kept, removed = kept_and_removed(["  Advertisement \n", "", "   ", f"  {ARGUMENT[0]}\n"])
    assert kept == [ARGUMENT[0]]
    assert removed == ["Advertisement"]


def test_removed_items_are_shortened() -> None:
    bio = ("Jane Doe is a professor of engineering at Northfield University. " * 8).strip()
    kept, removed = kept_and_removed([*ARGUMENT, "About the author", bio])
    assert kept == ARGUMENT
    assert removed[0] == "About the author"
    assert len(removed[1]) <= REMOVED_MAX_CHARS
    assert removed[1].endswith("…")
    assert removed[1].startswith("Jane Doe is a professor of engineering at Northfield")


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short") == "short"
    cut = shorten("word " * 100, limit=50)
    assert len(cut) <= 50 and cut.endswith("word…")


def test_pull_quote_echo_is_removed() -> None:
    kept, removed = kept_and_removed([*ARGUMENT[:2], ARGUMENT[0], *ARGUMENT[2:]])
    assert kept == ARGUMENT
    assert removed == [ARGUMENT[0]]


@pytest.mark.parametrize(("line", "name"),
                         [(e["line"], e.get("name")) for e in LINES["byline_names"]])
def test_byline_name(line: str, name: str | None) -> None:
    assert byline_name(line) == name


def test_read_more_titles_and_platform_buttons_are_boilerplate() -> None:
    kept, removed = strip_boilerplate([
        "The museums trust would start life with less money than it needs, and the council "
        "knows it: the savings it promises are all in the first year.",
        "Read more: Why the library hubs are emptying · The arts budget, line by line · "
        "A gallery's last summer",
        "The collections are not a cost to be cut; they are what the town is for.",
        "Read more from the archive: The benefits algorithm nobody could explain · Why "
        "councils keep buying the same system",
        "[Like] [Comment] [Restack]",
    ])
    assert removed == ("Read more: Why the library hubs are emptying · The arts budget, line "
                       "by line · A gallery's last summer",
                       "Read more from the archive: The benefits algorithm nobody could explain"
                       " · Why councils keep buying the same system", "[Like] [Comment] [Restack]")
    assert len(kept) == 2
