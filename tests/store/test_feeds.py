"""Feeds, subscriptions, leases and seen entries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.store import Conflict, EntryKeys, LeaseLost, NotFound, Store
from bot.store.records import UnchangedFetch
from tests.store.helpers import CHANNEL, GUILD, T0, at, sample_piece

MakeStore = Callable[..., Awaitable[Store]]


async def test_subscriptions_create_share_and_update(store: Store) -> None:
    url = "https://example.org/feed.xml"
    first = await store.add_subscription(GUILD, CHANNEL, url, created_by=5, include=["housing"],
                                         exclude=("sports",), mention_role_id=9, now=at(0))
    assert first.include == ("housing",) and first.exclude == ("sports",)
    assert first.mention_role_id == 9 and not first.paused and first.created_at == at(0)
    with pytest.raises(Conflict):
        await store.add_subscription(GUILD, CHANNEL, url, created_by=5)
    other = await store.add_subscription(GUILD + 1, 333, url, created_by=6)
    assert other.feed_id == first.feed_id  # the feed is shared across guilds
    assert len(await store.list_feeds()) == 1
    assert await store.count_subscriptions(GUILD) == 1
    assert [s.id for s in await store.list_subscriptions(feed_id=first.feed_id)] == [
        first.id, other.id]
    assert await store.list_subscriptions(guild_id=GUILD, channel_id=CHANNEL) == [first]

    paused = await store.update_subscription(first.id, paused=True, include=[])
    assert paused.paused and paused.include == () and paused.exclude == ("sports",)
    assert paused.mention_role_id == 9
    cleared = await store.update_subscription(first.id, mention_role_id=None)
    assert cleared.mention_role_id is None and cleared.paused
    assert await store.update_subscription(first.id) == cleared
    assert await store.list_subscriptions(guild_id=GUILD, include_paused=False) == []
    with pytest.raises(NotFound):
        await store.update_subscription(10_000, paused=False)

    assert await store.remove_subscription(first.id)
    assert not await store.remove_subscription(first.id)
    assert await store.get_subscription(first.id) is None
    assert await store.get_feed(first.feed_id) is not None


async def test_feed_lookup_pause_delete(store: Store) -> None:
    feed = await store.ensure_feed("https://a.example/rss", now=at(0))
    assert feed.next_poll_at == at(0) and feed.consecutive_failures == 0
    assert await store.ensure_feed("https://a.example/rss") == feed
    assert await store.get_feed_by_url("https://a.example/rss") == feed
    assert await store.get_feed_by_url("https://b.example/rss") is None
    assert (await store.set_feed_paused(feed.id, True)).paused
    with pytest.raises(NotFound):
        await store.set_feed_paused(feed.id + 99, True)
    sub = await store.add_subscription(GUILD, CHANNEL, feed.url, created_by=1)
    record = await store.create_piece(GUILD, CHANNEL, sample_piece(), subscription_id=sub.id)
    assert record is not None
    await store.mark_seen(feed.id, ["k"])
    assert await store.delete_feed(feed.id)
    assert not await store.delete_feed(feed.id)
    assert await store.get_subscription(sub.id) is None
    assert await store.count_seen(feed.id) == 0
    kept = await store.get_piece(record.id)
    assert kept is not None and kept.subscription_id is None


async def _due_feed(store: Store, url: str, due) -> int:  # type: ignore[no-untyped-def]
    sub = await store.add_subscription(GUILD, CHANNEL, url, created_by=1, now=due)
    return sub.feed_id


async def test_claim_due_feeds_leases(store: Store) -> None:
    a = await _due_feed(store, "https://a.example/rss", at(0))
    b = await _due_feed(store, "https://b.example/rss", at(1))
    later = await _due_feed(store, "https://c.example/rss", at(5))
    lonely = await store.ensure_feed("https://nobody.example/rss", now=at(0))

    claimed = await store.claim_due_feeds(at(2), "poller-1", 60, 10)
    assert [f.id for f in claimed] == [a, b]
    assert all(f.lease_owner == "poller-1" for f in claimed)
    assert claimed[0].lease_expires_at == at(2) + timedelta(seconds=60)
    # Leased feeds are not handed out again while the lease runs...
    assert await store.claim_due_feeds(at(2), "poller-2", 60, 10) == []
    # ...but an expired lease is fair game.
    again = await store.claim_due_feeds(at(2) + timedelta(seconds=61), "poller-2", 60, 1)
    assert [f.id for f in again] == [a]
    assert await store.claim_due_feeds(at(2), "p", 60, 0) == []
    # A feed nobody follows is only polled when asked for explicitly.
    everything = await store.claim_due_feeds(at(10), "p3", 60, 10, require_subscribers=False)
    assert {f.id for f in everything} == {a, b, later, lonely.id}

    await store.set_feed_paused(later, True)
    assert later not in {f.id for f in await store.claim_due_feeds(at(99), "p4", 60, 10)}


async def test_fetch_success_and_failure(store: Store) -> None:
    feed_id = await _due_feed(store, "https://a.example/rss", at(0))
    [feed] = await store.claim_due_feeds(at(0), "me", 60, 5)
    failed = await store.record_fetch_failure(
        feed_id, error="HTTP 503", next_poll_at=at(1), owner="me", now=at(0))
    assert failed.consecutive_failures == 1 and failed.last_error == "HTTP 503"
    assert failed.lease_owner is None and failed.last_attempt_at == at(0)
    assert failed.next_poll_at == at(1) and failed.last_success_at is None
    failed = await store.record_fetch_failure(feed_id, error="timeout", next_poll_at=at(3),
                                              now=at(1))
    assert failed.consecutive_failures == 2

    await store.claim_due_feeds(at(3), "me", 60, 5)
    ok = await store.record_fetch_success(
        feed_id, next_poll_at=at(4), etag='"abc"', last_modified="Mon, 16 Nov 2026 09:00:00 GMT",
        title="A feed", owner="me", now=at(3))
    assert ok.consecutive_failures == 0 and ok.last_error is None
    assert ok.etag == '"abc"' and ok.title == "A feed" and ok.last_success_at == at(3)
    assert ok.lease_owner is None and ok.lease_expires_at is None
    # A 304: same validators, title untouched.
    ok = await store.record_fetch_success(feed_id, next_poll_at=at(5), etag='"abc"',
                                          last_modified=None, now=at(4))
    assert ok.title == "A feed" and ok.last_modified is None

    # Someone else holds a live lease: our result is refused.
    await store.claim_due_feeds(at(5), "other", 600, 5)
    with pytest.raises(LeaseLost):
        await store.record_fetch_success(feed_id, next_poll_at=at(6), etag=None,
                                         last_modified=None, owner="me", now=at(5))
    assert not await store.release_feed_lease(feed_id, "me")
    assert await store.release_feed_lease(feed_id, "other")
    with pytest.raises(NotFound):
        await store.record_fetch_failure(10_000, error="x", next_poll_at=at(1))
    assert feed.id == feed_id


async def test_a_batch_of_unchanged_fetches_is_recorded_at_once(store: Store) -> None:
    ids = [await _due_feed(store, f"https://u{n}.example/rss", at(0)) for n in range(4)]
    failing, ours, theirs, _ = ids
    await store.record_fetch_failure(failing, error="HTTP 503", next_poll_at=at(0), now=at(0))
    await store.claim_due_feeds(at(1), "me", 60, 3)  # failing, ours, theirs
    await store.release_feed_lease(theirs, "me")
    await store.claim_due_feeds(at(1), "other", 30 * 86400, 1)  # theirs, now another poller's

    lost = await store.record_unchanged_fetches([
        UnchangedFetch(failing, at(5), '"v1"', None),
        UnchangedFetch(ours, at(6), None, "Mon, 16 Nov 2026 09:00:00 GMT"),
        UnchangedFetch(theirs, at(7), '"x"', None),
    ], owner="me", now=at(2))
    assert lost == [theirs]
    first, second, third = [await store.get_feed(i) for i in (failing, ours, theirs)]
    assert first is not None and second is not None and third is not None
    assert first.consecutive_failures == 0 and first.last_error is None
    assert first.etag == '"v1"' and first.next_poll_at == at(5)
    assert first.last_success_at == first.last_attempt_at == at(2)
    assert second.last_modified == "Mon, 16 Nov 2026 09:00:00 GMT" and second.etag is None
    assert second.next_poll_at == at(6)
    assert first.lease_owner is None and second.lease_owner is None
    assert third.lease_owner == "other" and third.etag is None  # not ours: untouched
    assert await store.record_unchanged_fetches([], owner="me", now=at(3)) == []
    assert await store.record_unchanged_fetches(
        [UnchangedFetch(10_000, at(5), None, None)], owner="me", now=at(3)) == [10_000]


async def test_claims_across_instances_never_overlap(make_store) -> None:
    first: Store = await make_store()
    second: Store = await make_store()
    for i in range(30):
        await first.add_subscription(GUILD, CHANNEL, f"https://f{i}.example/rss",
                                     created_by=1, now=T0)

    async def poll(s: Store, owner: str) -> list[int]:
        got: list[int] = []
        for _ in range(10):
            got += [f.id for f in await s.claim_due_feeds(at(1), owner, 300, 3)]
        return got

    results = await asyncio.gather(
        poll(first, "a"), poll(second, "b"), poll(first, "c"), poll(second, "d"))
    flat = [fid for r in results for fid in r]
    assert len(flat) == len(set(flat)) == 30


async def test_ensure_feed_stores_a_title_only_where_there_is_none(store: Store) -> None:
    named = await store.ensure_feed("https://a.example/rss", title="A Review", now=at(0))
    assert named.title == "A Review"
    # Another title does not overwrite it (the poller keeps it current), nor does None.
    assert (await store.ensure_feed("https://a.example/rss", title="Other")).title == "A Review"
    assert (await store.ensure_feed("https://a.example/rss")) == named
    # A feed created without one (a subscription made directly) gets it later.
    sub = await store.add_subscription(GUILD, CHANNEL, "https://b.example/rss", created_by=1)
    assert (await store.get_feed(sub.feed_id)).title is None  # type: ignore[union-attr]
    assert (await store.ensure_feed("https://b.example/rss", title="")).title is None
    late = await store.ensure_feed("https://b.example/rss", title="B Weekly")
    assert late.id == sub.feed_id and late.title == "B Weekly"
    await store.record_fetch_success(late.id, next_poll_at=at(1), etag=None,
                                     last_modified=None, title="B Weekly (renamed)")
    assert (await store.ensure_feed("https://b.example/rss", title="B Weekly")).title == (
        "B Weekly (renamed)")


async def test_seen_entries_match_through_alt_keys(store: Store) -> None:
    feed = await store.ensure_feed("https://a.example/rss")
    other = await store.ensure_feed("https://b.example/rss")
    assert await store.count_seen(feed.id) == 0
    await store.mark_seen(feed.id, ["guid-1", "https://a.example/1", "guid-1"], now=at(0))
    assert await store.count_seen(feed.id) == 2
    unseen = await store.filter_unseen(feed.id, [
        ("guid-1", []),                                   # seen by its main key
        ("guid-1-renamed", ["https://a.example/1"]),      # seen through an alternative
        EntryKeys("guid-2", ("https://a.example/2",)),    # new
        ("guid-3", ["https://a.example/2"]),              # same item twice in one fetch
        ("guid-4", ()),
    ])
    assert unseen == ["guid-2", "guid-4"]
    # Seen entries are per feed.
    assert await store.filter_unseen(other.id, [("guid-1", [])]) == ["guid-1"]
    assert await store.filter_unseen(feed.id, []) == []
    await store.mark_seen(feed.id, [])


async def test_prune_seen_keeps_refreshed_keys(store: Store) -> None:
    feed = await store.ensure_feed("https://a.example/rss")
    await store.mark_seen(feed.id, ["old", "still-listed"], now=at(0))
    await store.mark_seen(feed.id, ["still-listed"], now=at(48))
    await store.mark_seen(feed.id, ["still-listed"], now=at(24))  # never moves back
    assert await store.prune_seen(at(30)) == 1
    assert await store.filter_unseen(feed.id, [("old", []), ("still-listed", [])]) == ["old"]


async def test_pause_notices_are_owed_taken_once_returned_and_dropped_on_resume(
    store: Store,
) -> None:
    feed = await store.ensure_feed("https://notices.example/rss", now=at(0))
    first = await store.add_subscription(GUILD, CHANNEL, feed.url, created_by=1)
    second = await store.add_subscription(GUILD, CHANNEL + 1, feed.url, created_by=1)
    assert await store.list_subscriptions(owed_pause_notice=True) == []

    # A moderator's pause owes nothing; an auto-pause owes every channel of the feed.
    await store.set_feed_paused(feed.id, True)
    assert await store.list_subscriptions(owed_pause_notice=True) == []
    await store.set_feed_paused(feed.id, True, notice="HTTP 500")
    owed = await store.list_subscriptions(owed_pause_notice=True)
    assert [(s.id, s.pause_notice) for s in owed] == [(first.id, "HTTP 500"),
                                                      (second.id, "HTTP 500")]

    assert await store.take_pause_notice(first.id) == "HTTP 500"
    assert await store.take_pause_notice(first.id) is None  # taken once only
    assert [s.id for s in await store.list_subscriptions(owed_pause_notice=True)] == [second.id]
    assert await store.return_pause_notice(first.id, "HTTP 500")  # could not be delivered
    assert await store.take_pause_notice(first.id) == "HTTP 500"

    # Resuming drops what is still owed, and a notice cannot be given back afterwards.
    await store.resume_feed(feed.id, next_poll_at=at(1))
    assert await store.list_subscriptions(owed_pause_notice=True) == []
    assert not await store.return_pause_notice(first.id, "HTTP 500")
    assert await store.take_pause_notice(second.id) is None


async def test_concurrent_takers_get_a_pause_notice_once(store: Store,
                                                         make_store: MakeStore) -> None:
    feed = await store.ensure_feed("https://race.example/rss", now=at(0))
    sub = await store.add_subscription(GUILD, CHANNEL, feed.url, created_by=1)
    await store.set_feed_paused(feed.id, True, notice="timed out")
    other = await make_store()  # another process on the same database
    taken = await asyncio.gather(*(s.take_pause_notice(sub.id)
                                   for s in (store, other) * 5))
    assert taken.count("timed out") == 1 and taken.count(None) == 9
