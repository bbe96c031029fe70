"""Review before posting in the store: held pieces, edits, decisions, the one reminder."""

from __future__ import annotations

import asyncio

import pytest

from bot.store import Conflict, InvalidTransition, NotFound, Store
from tests.store.helpers import CHANNEL, GUILD, at, sample_piece

URL = "https://example.org/op-ed"
REVIEWS = 333_333_333_333_333_333


async def held(store: Store, url: str = URL, hours: float = 0):
    review = await store.create_review(GUILD, CHANNEL, url, '{"piece": 1}', '{"draft": 0}',
                                       "every new piece is reviewed", now=at(hours))
    assert review is not None
    return review


async def test_a_held_piece_waits_and_is_no_piece(store: Store) -> None:
    review = await held(store)
    assert (review.state, review.version, review.piece_id) == ("pending", 0, None)
    assert review.created_at == at(0)
    assert await store.list_pieces() == []
    assert await store.get_review(review.id) == review
    assert [r.id for r in await store.list_reviews(states=["pending"], unposted=True)] == [
        review.id]


async def test_one_url_goes_to_a_channel_once_reviewed_or_not(store: Store) -> None:
    await held(store)
    assert await store.create_review(GUILD, CHANNEL, URL, "{}", "{}", "again") is None
    posted = await store.create_piece(GUILD, CHANNEL, sample_piece("https://example.org/b"))
    assert posted is not None
    assert await store.create_review(GUILD, CHANNEL, "https://example.org/b", "{}", "{}",
                                     "x") is None
    # Another channel is another audience.
    assert await store.create_review(GUILD, CHANNEL + 1, URL, "{}", "{}", "x") is not None


async def test_the_review_message_is_recorded_once(store: Store) -> None:
    review = await held(store)
    shown = await store.record_review_message(review.id, REVIEWS, 42)
    assert (shown.review_channel_id, shown.review_message_id) == (REVIEWS, 42)
    assert await store.record_review_message(review.id, REVIEWS, 42) == shown
    with pytest.raises(Conflict):
        await store.record_review_message(review.id, REVIEWS, 43)
    assert await store.list_reviews(unposted=True) == []


async def test_edits_are_saved_against_the_version_they_started_from(store: Store) -> None:
    review = await held(store)
    first = await store.save_review_draft(review.id, '{"draft": 1}', review.version)
    assert (first.draft, first.version) == ('{"draft": 1}', 1)
    # A second moderator's edit, made on the draft before the first one, is refused.
    with pytest.raises(Conflict):
        await store.save_review_draft(review.id, '{"draft": "stale"}', review.version)
    assert (await store.get_review(review.id)).draft == '{"draft": 1}'
    with pytest.raises(NotFound):
        await store.save_review_draft(9999, "{}", 0)


async def test_approval_queues_the_piece_in_the_same_step(store: Store) -> None:
    review = await held(store)
    approved, piece = await store.approve_review(review.id, 7, sample_piece(URL, 2), now=at(2))
    assert (approved.state, approved.decided_by, approved.decided_at) == ("approved", 7, at(2))
    assert approved.piece_id == piece.id
    assert (piece.state, piece.url, piece.channel_id) == ("pending", URL, CHANNEL)
    assert [a.title for a in await store.list_arguments(piece.id)] == ["Reason 1", "Reason 2"]
    with pytest.raises(InvalidTransition):
        await store.approve_review(review.id, 8, sample_piece(URL))
    with pytest.raises(InvalidTransition):
        await store.reject_review(review.id, 8, "too late")
    with pytest.raises(InvalidTransition):
        await store.save_review_draft(review.id, "{}", approved.version)


async def test_approval_of_a_url_posted_by_hand_meanwhile_keeps_that_piece(
        store: Store) -> None:
    review = await held(store)
    by_hand = await store.create_piece(GUILD, CHANNEL, sample_piece(URL, 1))
    assert by_hand is not None
    approved, piece = await store.approve_review(review.id, 7, sample_piece(URL, 3))
    assert piece.id == by_hand.id == approved.piece_id
    assert len(await store.list_arguments(piece.id)) == 1


async def test_two_approvals_at_once_queue_one_piece(store: Store) -> None:
    review = await held(store)
    results = await asyncio.gather(
        *(store.approve_review(review.id, actor, sample_piece(URL)) for actor in (1, 2)),
        return_exceptions=True)
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1
    assert len(await store.list_pieces()) == 1


async def test_rejection_is_kept_with_who_when_and_why(store: Store) -> None:
    review = await held(store)
    rejected = await store.reject_review(review.id, 9, "not an op-ed", now=at(3))
    assert (rejected.state, rejected.decided_by, rejected.decided_at, rejected.note) == (
        "rejected", 9, at(3), "not an op-ed")
    assert await store.list_pieces() == []
    assert [r.id for r in await store.list_reviews(states=["rejected"])] == [review.id]
    with pytest.raises(InvalidTransition):
        await store.approve_review(review.id, 9, sample_piece(URL))


async def test_a_review_is_reminded_once(store: Store) -> None:
    old = await held(store, hours=0)
    await store.record_review_message(old.id, REVIEWS, 42)
    unshown = await held(store, "https://example.org/unshown", hours=0)
    recent = await held(store, "https://example.org/recent", hours=20)
    await store.record_review_message(recent.id, REVIEWS, 43)
    due = await store.reviews_to_remind(at(1))
    assert [r.id for r in due] == [old.id]  # not the one never shown, nor the recent one
    claims = await asyncio.gather(*(store.claim_reminder(old.id, now=at(25)) for _ in range(3)))
    assert sorted(claims) == [False, False, True]
    assert (await store.get_review(old.id)).reminded_at == at(25)
    assert await store.reviews_to_remind(at(48)) == [await store.get_review(recent.id)]
    # A decided review is not reminded.
    await store.reject_review(recent.id, 9)
    assert await store.claim_reminder(recent.id) is False
    assert unshown.reminded_at is None


async def test_review_settings_and_a_feeds_own_mode(store: Store) -> None:
    settings = await store.get_guild_settings(GUILD)
    assert (settings.review_mode, settings.review_channel_id) == ("off", None)
    saved = await store.update_guild_settings(GUILD, review_mode="unsure",
                                              review_channel_id=REVIEWS)
    assert (saved.review_mode, saved.review_channel_id) == ("unsure", REVIEWS)
    with pytest.raises(ValueError):
        await store.update_guild_settings(GUILD, review_mode="sometimes")
    sub = await store.add_subscription(GUILD, CHANNEL, "https://example.org/feed.xml",
                                       created_by=1, now=at(0))
    assert sub.review_mode is None
    assert (await store.set_subscription_review_mode(sub.id, "on")).review_mode == "on"
    assert (await store.get_subscription(sub.id)).review_mode == "on"
    assert (await store.set_subscription_review_mode(sub.id, None)).review_mode is None
    with pytest.raises(ValueError):
        await store.set_subscription_review_mode(sub.id, "always")


async def test_messages_behind_their_review_are_found_to_redraw(store: Store) -> None:
    review = await held(store)
    assert await store.reviews_to_redraw() == []  # not shown anywhere yet
    shown = await store.record_review_message(review.id, REVIEWS, 42)
    assert (shown.shown_state, shown.shown_version) == ("pending", 0)
    assert await store.reviews_to_redraw() == []
    edited = await store.save_review_draft(review.id, "{}", 0)
    assert [r.id for r in await store.reviews_to_redraw()] == [review.id]
    await store.record_review_shown(review.id, "pending", edited.version)
    assert await store.reviews_to_redraw() == []
    _, piece = await store.approve_review(review.id, 7, sample_piece(URL))
    assert [r.id for r in await store.reviews_to_redraw()] == [review.id]
    await store.record_review_shown(review.id, "approved", edited.version)
    assert await store.reviews_to_redraw() == []
    # Posted since: the message should say so.
    await store.begin_publishing(piece.id)
    await store.finish_publishing(piece.id)
    assert [r.id for r in await store.reviews_to_redraw()] == [review.id]
    await store.record_review_shown(review.id, "posted", edited.version)
    assert await store.reviews_to_redraw() == []
    other = await held(store, "https://example.org/other")
    await store.record_review_message(other.id, REVIEWS, 43)
    await store.reject_review(other.id, 7)
    assert [r.id for r in await store.reviews_to_redraw()] == [other.id]
    with pytest.raises(ValueError):
        await store.record_review_shown(other.id, "lost", 0)


async def test_a_review_shown_again_records_its_new_message_once(store: Store) -> None:
    review = await held(store)
    await store.record_review_message(review.id, REVIEWS, 42)
    edited = await store.save_review_draft(review.id, '{"draft": 1}', review.version)
    # Posted again (its message was deleted), showing the draft as edited, in another channel.
    again = await store.replace_review_message(review.id, 42, REVIEWS + 1, 43, edited.version)
    assert (again.review_channel_id, again.review_message_id) == (REVIEWS + 1, 43)
    assert (again.shown_state, again.shown_version) == ("pending", edited.version)
    assert await store.reviews_to_redraw() == []
    # The same new message again is fine (a retry); a second re-post of the old one is not.
    assert await store.replace_review_message(review.id, 42, REVIEWS + 1, 43, 1) == again
    with pytest.raises(Conflict):
        await store.replace_review_message(review.id, 42, REVIEWS, 44, edited.version)
    assert (await store.get_review(review.id)).review_message_id == 43
    # A message showing an older draft is recorded as such: the loop redraws it.
    await store.replace_review_message(review.id, 43, REVIEWS, 45, review.version)
    assert [r.id for r in await store.reviews_to_redraw()] == [review.id]
    with pytest.raises(NotFound):
        await store.replace_review_message(9999, 42, REVIEWS, 46, 0)


async def test_a_decided_review_is_not_shown_again(store: Store) -> None:
    review = await held(store)
    await store.record_review_message(review.id, REVIEWS, 42)
    await store.reject_review(review.id, 7, "off topic")
    with pytest.raises(InvalidTransition):
        await store.replace_review_message(review.id, 42, REVIEWS, 43, review.version)
    assert (await store.get_review(review.id)).review_message_id == 42


async def test_two_processes_showing_a_review_again_at_once_record_one_message(
    store: Store,
) -> None:
    review = await held(store)
    await store.record_review_message(review.id, REVIEWS, 42)
    results = await asyncio.gather(
        *(store.replace_review_message(review.id, 42, REVIEWS, message_id, review.version)
          for message_id in (50, 51)), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "ReviewRecord"]
    [won] = [r for r in results if not isinstance(r, BaseException)]
    assert (await store.get_review(review.id)).review_message_id == won.review_message_id
