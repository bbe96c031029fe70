"""Review before posting, the pure part: who waits for review and each edit of a split."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest

from bot.articles.model import Argument, Piece
from bot.debate.review import (
    TITLE_LIMIT,
    UNSURE_BELOW,
    Draft,
    DraftArgument,
    ReviewEditError,
    effective_mode,
    final_piece,
    parse_number,
    parse_numbers,
    piece_from_json,
    piece_to_json,
    review_cause,
    title_from,
)
from bot.queueing import THREAD_CONFIDENCE, WHOLE_PIECE_MARKER


def piece(confidence: float = 0.9, count: int = 3) -> Piece:
    return Piece(
        thesis="The city should build more housing.", title="Build, baby, build",
        url="https://example.org/housing", author="A. Writer", outlet="The Example",
        conclusion="So build.", confidence=confidence,
        published=datetime(2026, 11, 30, 8, tzinfo=UTC),
        arguments=tuple(
            Argument(number=n, title=f"Reason {n}", marker=f"M{n}",
                     text=f"Reason {n} first paragraph.\n\nReason {n} second paragraph.")
            for n in range(1, count + 1)))


def draft(count: int = 3) -> Draft:
    return Draft.from_piece(piece(count=count))


def titles(d: Draft) -> list[str]:
    return [a.title for a in d.arguments]


# --- who waits --------------------------------------------------------------------------------


def test_a_feed_without_its_own_mode_takes_the_servers() -> None:
    assert effective_mode(None, "unsure") == "unsure"
    assert effective_mode("off", "on") == "off"
    with pytest.raises(ValueError):
        effective_mode("sometimes", "off")


def test_on_reviews_every_piece_and_off_none() -> None:
    assert review_cause("on", piece(0.99)) is not None
    assert review_cause("off", piece(0.1)) is None


def test_unsure_reviews_only_below_the_threshold() -> None:
    assert review_cause("unsure", piece(UNSURE_BELOW)) is None
    cause = review_cause("unsure", piece(UNSURE_BELOW - 0.01))
    assert cause is not None and "0.74" in cause
    # Doubtful splits, which would otherwise be folded into one thread, are among them.
    assert review_cause("unsure", piece(THREAD_CONFIDENCE - 0.05)) is not None


# --- the draft as the publisher would post it -------------------------------------------------


def test_a_confident_split_is_drafted_one_thread_per_argument() -> None:
    d = Draft.from_piece(piece(0.9))
    assert not d.whole_piece
    assert titles(d) == ["Reason 1", "Reason 2", "Reason 3"]


def test_a_doubtful_split_is_drafted_as_one_thread_with_its_arguments_kept() -> None:
    d = Draft.from_piece(piece(THREAD_CONFIDENCE - 0.05))
    assert d.whole_piece and len(d.arguments) == 3


def test_draft_and_piece_survive_their_stored_form() -> None:
    d = draft().merge(1, 2).no_enumeration()
    assert Draft.from_json(d.to_json()) == d
    original = piece()
    back = piece_from_json(piece_to_json(original))
    assert (back.title, back.url, back.thesis, back.conclusion, back.published,
            back.confidence) == (original.title, original.url, original.thesis,
                                 original.conclusion, original.published, original.confidence)
    assert back.arguments == ()


# --- edits ------------------------------------------------------------------------------------


def test_merge_keeps_the_earlier_place_and_title_and_both_texts_in_order() -> None:
    d = draft().merge(3, 1)
    assert titles(d) == ["Reason 1", "Reason 2"]
    assert d.arguments[0].text.index("Reason 1 first") < d.arguments[0].text.index(
        "Reason 3 first")
    assert len(d.arguments[0].paragraphs()) == 4


def test_merge_refuses_the_same_argument_twice_and_a_missing_one() -> None:
    with pytest.raises(ReviewEditError, match="two different"):
        draft().merge(2, 2)
    with pytest.raises(ReviewEditError, match=r"no argument 7.*3 arguments"):
        draft().merge(1, 7)


def test_split_at_a_paragraph_makes_a_new_argument_after_it() -> None:
    d = draft().split(2, 2)
    assert len(d.arguments) == 4
    assert d.arguments[1] == DraftArgument("Reason 2", "Reason 2 first paragraph.", "M2")
    assert d.arguments[2].text == "Reason 2 second paragraph."
    assert d.arguments[2].title == "Reason 2 second paragraph."
    assert d.arguments[3].title == "Reason 3"


def test_split_refuses_a_paragraph_out_of_range_and_a_one_paragraph_argument() -> None:
    with pytest.raises(ReviewEditError, match="paragraph 2 to 2"):
        draft().split(1, 1)
    with pytest.raises(ReviewEditError, match="paragraph 2 to 2"):
        draft().split(1, 3)
    one = Draft((DraftArgument("Only", "One paragraph."),))
    with pytest.raises(ReviewEditError, match="one paragraph"):
        one.split(1, 2)


def test_retitle_names_the_thread_and_refuses_empty_or_long_titles() -> None:
    d = draft().retitle(2, "  Supply   and demand ")
    assert titles(d) == ["Reason 1", "Supply and demand", "Reason 3"]
    with pytest.raises(ReviewEditError, match="needs some words"):
        draft().retitle(1, "   ")
    with pytest.raises(ReviewEditError, match=f"at most {TITLE_LIMIT}"):
        draft().retitle(1, "x" * (TITLE_LIMIT + 1))


def test_drop_removes_one_but_never_the_last() -> None:
    d = draft().drop(2)
    assert titles(d) == ["Reason 1", "Reason 3"]
    with pytest.raises(ReviewEditError, match="No enumeration"):
        d.drop(1).drop(1)


def test_reorder_takes_every_number_once() -> None:
    d = draft().reorder([3, 1, 2])
    assert titles(d) == ["Reason 3", "Reason 1", "Reason 2"]
    for bad in ([1, 2], [1, 1, 2], [1, 2, 4]):
        with pytest.raises(ReviewEditError, match="1 to 3 once"):
            draft().reorder(bad)


def test_no_enumeration_and_back() -> None:
    d = draft().no_enumeration()
    assert d.whole_piece
    with pytest.raises(ReviewEditError, match="already"):
        d.no_enumeration()
    assert not d.use_split().whole_piece
    with pytest.raises(ReviewEditError, match="already"):
        draft().use_split()


def test_a_piece_without_arguments_has_nothing_to_edit() -> None:
    empty = Draft.from_piece(piece(count=0, confidence=0.3))
    assert empty.whole_piece
    with pytest.raises(ReviewEditError, match="nothing to edit"):
        empty.merge(1, 2)
    with pytest.raises(ReviewEditError, match="nothing to edit"):
        empty.use_split()


def test_numbers_as_moderators_type_them() -> None:
    assert parse_numbers("3, 1 2") == [3, 1, 2]
    assert parse_numbers("3-1-2") == [3, 1, 2]
    assert parse_number(" 4 ") == 4
    with pytest.raises(ReviewEditError):
        parse_numbers("two")
    with pytest.raises(ReviewEditError):
        parse_number("1 2")


def test_title_from_takes_the_first_sentence_and_fits_a_thread() -> None:
    assert title_from("Costs rise. Then more.") == "Costs rise."
    assert len(title_from("word " * 100)) <= TITLE_LIMIT


# --- what approval queues ---------------------------------------------------------------------


def test_final_piece_numbers_the_edited_arguments() -> None:
    final = final_piece(piece(0.55), draft().drop(1).reorder([2, 1]))
    assert [a.number for a in final.arguments] == [1, 2]
    assert [a.title for a in final.arguments] == ["Reason 3", "Reason 2"]
    assert final.confidence >= THREAD_CONFIDENCE


def test_final_piece_with_no_enumeration_is_one_thread_holding_everything() -> None:
    final = final_piece(piece(), draft().no_enumeration())
    assert len(final.arguments) == 1
    whole = final.arguments[0]
    assert whole.marker == WHOLE_PIECE_MARKER
    for part in ("The city should", "Reason 1 first", "Reason 3 second", "So build."):
        assert part in whole.text


def test_final_piece_of_a_piece_without_arguments_is_the_publishers_whole_piece() -> None:
    bare = piece(count=0, confidence=0.2)
    final = final_piece(bare, Draft.from_piece(bare))
    assert [a.marker for a in final.arguments] == [WHOLE_PIECE_MARKER]


def test_review_controls_round_trip_through_their_custom_ids() -> None:
    from bot.debate import parse_custom_id
    from bot.debate.review import ReviewAction, ReviewControl, parse_review_control

    for action in get_args(ReviewAction):
        control = ReviewControl(action, 2**63 - 1, 123)
        assert len(control.custom_id) <= 100
        assert parse_review_control(control.custom_id) == control
        # Not taken for a debate button.
        assert parse_custom_id(control.custom_id) is None
    assert parse_review_control("cp:rv:a:0:1") is None
    assert parse_review_control("cp:v:a:1:+") is None


def test_pieces_wait_in_the_review_channel_else_the_moderators_channel() -> None:
    from dataclasses import dataclass

    from bot.publishing.review import review_channel
    from bot.store import GuildSettings

    @dataclass(frozen=True, slots=True)
    class WithModeratorsChannel(GuildSettings):
        moderators_channel_id: int | None = None

    assert review_channel(GuildSettings(guild_id=1)) is None
    assert review_channel(GuildSettings(guild_id=1, review_channel_id=7)) == 7
    assert review_channel(WithModeratorsChannel(guild_id=1, moderators_channel_id=5)) == 5
    assert review_channel(WithModeratorsChannel(guild_id=1, review_channel_id=7,
                                                moderators_channel_id=5)) == 7
