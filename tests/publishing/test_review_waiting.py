"""Reviews still waiting, as ``/review list`` pages them and ``/review show`` picks one, on
each store backend: whatever became of their review messages, none waits unlisted."""

from __future__ import annotations

import pytest

from bot.articles.model import Piece
from bot.debate.review import Draft, piece_to_json
from bot.publishing.review import (
    WAITING_PAGE_SIZE,
    ReviewRefused,
    ReviewService,
    Waiting,
    open_review,
    waiting_line,
)
from bot.store import ReviewRecord, Store
from tests.store.helpers import CHANNEL, GUILD, at, sample_piece

OTHER_GUILD = GUILD + 1
REVIEWS = 333_333_333_333_333_333
FEED = "https://reader:s3cret@example.org/feed.xml"


async def hold(store: Store, n: int, *, guild: int = GUILD, title: str | None = None,
               subscription_id: int | None = None) -> ReviewRecord:
    piece = sample_piece(f"https://example.org/op-ed/{n}")
    piece = Piece(**{**{f: getattr(piece, f) for f in piece.__dataclass_fields__},
                     "title": title or f"Op-ed number {n}"})
    review = await store.create_review(guild, CHANNEL, piece.url, piece_to_json(piece),
                                       Draft.from_piece(piece).to_json(),
                                       "every new piece of this feed is reviewed",
                                       subscription_id=subscription_id, now=at(n))
    assert review is not None
    return review


async def test_the_waiting_reviews_are_paged_oldest_first_and_only_this_servers(
    store: Store,
) -> None:
    service = ReviewService(store)
    sub = await store.add_subscription(GUILD, CHANNEL, FEED, created_by=1)
    held = [await hold(store, n, subscription_id=sub.id) for n in range(WAITING_PAGE_SIZE + 3)]
    await hold(store, 99, guild=OTHER_GUILD)
    await store.reject_review(held[0].id, 7, "off topic")
    await store.approve_review(held[1].id, 7, sample_piece(held[1].url))

    first = await service.waiting_page(GUILD)
    assert (first.page, first.pages, first.total) == (1, 2, WAITING_PAGE_SIZE + 1)
    assert [e.review.id for e in first.entries] == [r.id for r in held[2:2 + WAITING_PAGE_SIZE]]
    # The feed is named as moderators know it, its credentials masked.
    assert {e.feed for e in first.entries} == {"https://***@example.org/feed.xml"}
    last = await service.waiting_page(GUILD, 2)
    assert [e.review.id for e in last.entries] == [held[-1].id]
    # A page past the end (reviews decided since the list was shown) is the last one.
    assert (await service.waiting_page(GUILD, 9)).entries == last.entries
    assert (await service.waiting_page(GUILD, 0)).page == 1
    # A removed feed leaves its reviews waiting, listed without a feed.
    await store.remove_subscription(sub.id)
    assert {e.feed for e in (await service.waiting_page(GUILD)).entries} == {None}
    empty = await service.waiting_page(OTHER_GUILD + 1)
    assert (empty.entries, empty.page, empty.pages, empty.total) == ((), 1, 1, 0)


async def test_show_offers_the_waiting_reviews_by_title_or_number(store: Store) -> None:
    service = ReviewService(store)
    housing = await hold(store, 1, title="Build more housing")
    bikes = await hold(store, 2, title="Bike lanes pay for themselves")
    decided = await hold(store, 3, title="Build a stadium")
    await store.reject_review(decided.id, 7, None)
    await hold(store, 4, guild=OTHER_GUILD, title="Build elsewhere")
    assert await service.waiting_choices(GUILD, "") == [
        (f"#{housing.id} Build more housing", housing.id),
        (f"#{bikes.id} Bike lanes pay for themselves", bikes.id)]
    assert await service.waiting_choices(GUILD, "BUILD") == [
        (f"#{housing.id} Build more housing", housing.id)]
    assert await service.waiting_choices(GUILD, f"#{bikes.id}") == [
        (f"#{bikes.id} Bike lanes pay for themselves", bikes.id)]
    long = await hold(store, 5, title="word " * 60)
    [(label, _)] = [c for c in await service.waiting_choices(GUILD, "") if c[1] == long.id]
    assert len(label) <= 100


async def test_show_refuses_a_review_decided_or_of_another_server(store: Store) -> None:
    service = ReviewService(store)
    review = await hold(store, 1)
    assert (await service.waiting(review.id, GUILD)).id == review.id
    with pytest.raises(ReviewRefused, match=f"This server has no review #{review.id}"):
        await service.waiting(review.id, OTHER_GUILD)
    with pytest.raises(ReviewRefused, match="This server has no review #9999"):
        await service.waiting(9999, GUILD)
    await store.reject_review(review.id, 7, None)
    with pytest.raises(ReviewRefused, match="already rejected by <@7>"):
        await service.waiting(review.id, GUILD)


async def test_a_waiting_line_says_where_its_review_message_is(store: Store) -> None:
    service = ReviewService(store)
    review = await hold(store, 1, title="Build *more* housing")
    [entry] = (await service.waiting_page(GUILD)).entries
    line = waiting_line(entry, REVIEWS)
    assert line.startswith(f"**#{review.id} · Build \\*more\\* housing**\n")
    assert f"For <#{CHANNEL}> · waiting since <t:{int(at(1).timestamp())}:R>" in line
    assert "Why: every new piece of this feed is reviewed" in line
    assert "not shown yet" in line
    shown = await store.record_review_message(review.id, REVIEWS, 42)
    line = waiting_line(Waiting(open_review(shown), "Op-eds"), REVIEWS)
    assert f"[review message](https://discord.com/channels/{GUILD}/{REVIEWS}/42)" in line
    assert "from **Op-eds**" in line and "not the review channel" not in line
    # The review channel changed since it was shown.
    assert f"in <#{REVIEWS}>, which is not the review channel now" in waiting_line(
        Waiting(open_review(shown), None), REVIEWS + 1)
