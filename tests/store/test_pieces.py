"""Pieces, arguments and the publish state machine with recorded side effects."""

from __future__ import annotations

import pytest

from bot.articles.model import Piece
from bot.store import Conflict, InvalidTransition, NotFound, Store
from tests.store.helpers import CHANNEL, GUILD, at, sample_piece


async def test_create_piece_once_per_channel(store: Store) -> None:
    sub = await store.add_subscription(GUILD, CHANNEL, "https://example.org/rss", created_by=1)
    record = await store.create_piece(GUILD, CHANNEL, sample_piece(), subscription_id=sub.id,
                                      now=at(0))
    assert record is not None
    assert record.state == "pending" and record.attempts == 0 and record.message_id is None
    assert record.subscription_id == sub.id and record.title == "Build, baby, build"
    assert record.announced_count == 3 and record.conclusion == "So build."
    assert record.outlet == "The Example" and record.created_at == at(0)
    # The same article for the same channel is never queued twice...
    assert await store.create_piece(GUILD, CHANNEL, sample_piece()) is None
    # ...but another channel gets its own copy.
    elsewhere = await store.create_piece(GUILD, CHANNEL + 1, sample_piece())
    assert elsewhere is not None and elsewhere.id != record.id
    assert await store.get_piece_by_url(GUILD, CHANNEL, "https://example.org/op-ed") == record
    arguments = await store.list_arguments(record.id)
    assert [(a.number, a.title, a.marker) for a in arguments] == [
        (1, "Reason 1", "First"), (2, "Reason 2", None), (3, "Reason 3", None)]
    assert not any(a.posted for a in arguments)
    assert await store.get_argument(arguments[0].id) == arguments[0]


async def test_create_piece_validation(store: Store) -> None:
    with pytest.raises(ValueError, match="URL"):
        await store.create_piece(GUILD, CHANNEL, Piece(thesis="x"))
    explicit = await store.create_piece(GUILD, CHANNEL, Piece(thesis="x"), url="file:///x.txt")
    assert explicit is not None and explicit.url == "file:///x.txt"
    assert await store.list_arguments(explicit.id) == []
    with pytest.raises(NotFound):
        await store.create_piece(GUILD, CHANNEL, sample_piece("https://x.example/1"),
                                 subscription_id=9999)
    # The failed insert left nothing behind.
    assert await store.get_piece_by_url(GUILD, CHANNEL, "https://x.example/1") is None


async def test_publishing_resumes_without_duplicates(store: Store) -> None:
    record = await store.create_piece(GUILD, CHANNEL, sample_piece(), now=at(0))
    assert record is not None
    started = await store.begin_publishing(record.id)
    assert started.state == "publishing" and started.attempts == 1
    posted = await store.record_piece_message(record.id, 9001)
    assert posted.message_id == 9001
    assert await store.get_piece_by_message(9001) == posted
    first, second, third = await store.list_arguments(record.id)
    await store.record_argument_anchor(first.id, 9101)
    await store.record_argument_thread(first.id, 9102)
    done = await store.record_argument_opening(first.id, 9103, now=at(1))
    assert done.posted and done.posted_at == at(1)
    assert await store.get_argument_by_thread(9102) == done
    await store.record_argument_anchor(second.id, 9201)

    # The process dies here. On restart: what is left to do?
    assert [p.id for p in await store.list_pieces(states=("pending", "publishing"))] == [
        record.id]
    resumed = await store.begin_publishing(record.id)
    assert resumed.attempts == 2 and resumed.message_id == 9001
    after = await store.list_arguments(record.id)
    assert [a.posted for a in after] == [True, False, False]
    assert after[1].anchor_message_id == 9201 and after[1].thread_id is None

    # Re-recording the same side effect is harmless; a different one is refused.
    assert (await store.record_piece_message(record.id, 9001)).message_id == 9001
    with pytest.raises(Conflict):
        await store.record_piece_message(record.id, 9999)
    with pytest.raises(Conflict):
        await store.record_argument_thread(first.id, 1234)
    with pytest.raises(NotFound):
        await store.record_argument_thread(10_000, 1)
    again = await store.record_argument_opening(first.id, 9103, now=at(5))
    assert again.posted_at == at(1)

    await store.record_argument_thread(second.id, 9202)
    await store.record_argument_opening(second.id, 9203)
    await store.record_argument_anchor(third.id, 9301)
    await store.record_argument_thread(third.id, 9302)
    await store.record_argument_opening(third.id, 9303)
    finished = await store.finish_publishing(record.id, now=at(2))
    assert finished.state == "published" and finished.published_at == at(2)
    assert (await store.finish_publishing(record.id, now=at(3))).published_at == at(2)
    with pytest.raises(InvalidTransition):
        await store.begin_publishing(record.id)
    assert await store.list_pieces(states=("pending", "publishing")) == []


async def test_failure_and_retry(store: Store) -> None:
    record = await store.create_piece(GUILD, CHANNEL, sample_piece())
    assert record is not None
    with pytest.raises(InvalidTransition):
        await store.fail_publishing(record.id, "not started")
    with pytest.raises(InvalidTransition):
        await store.finish_publishing(record.id)
    await store.begin_publishing(record.id)
    failed = await store.fail_publishing(record.id, "403 Missing Access")
    assert failed.state == "failed" and failed.last_error == "403 Missing Access"
    assert [p.id for p in await store.list_pieces(states=["failed"], guild_id=GUILD)] == [
        record.id]
    retry = await store.begin_publishing(record.id)
    assert retry.state == "publishing" and retry.attempts == 2
    done = await store.finish_publishing(record.id)
    assert done.last_error is None
    with pytest.raises(NotFound):
        await store.begin_publishing(10_000)
    with pytest.raises(ValueError):
        await store.list_pieces(states=["bogus"])  # type: ignore[list-item]
    assert await store.list_pieces(states=[]) == []


async def test_list_pieces_order_and_limit(store: Store) -> None:
    ids = []
    for i in range(4):
        made = await store.create_piece(GUILD, CHANNEL, sample_piece(f"https://e.example/{i}"),
                                        now=at(4 - i))
        assert made is not None
        ids.append(made.id)
    listed = await store.list_pieces(limit=2)
    assert [p.id for p in listed] == [ids[3], ids[2]]
    assert await store.list_pieces(guild_id=GUILD + 5) == []
