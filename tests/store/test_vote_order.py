"""A member's clicks take effect in the order the member made them, however they arrive.

Clicks are toggles (the same button again withdraws), so their order decides the vote. Two
clicks delivered together (after a reconnect) race through two tasks, or two processes; the
store puts each in its place by Discord's click id and folds the vote again from there.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from bot.store import AGREE, DISAGREE, Store, Tally, VoteClick, VoteTarget
from tests.store.helpers import at, published_piece

Click = tuple[int, float, int]  # (id, seconds after a fixed instant, value)


def expected(clicks: Sequence[Click], debounce: float = 0.0) -> int | None:
    """The member's vote after ``clicks`` in click order: each toggles it, except a click of
    the same value less than ``debounce`` seconds after the last counted one."""
    vote: int | None = None
    last: tuple[float, int] | None = None
    for _, seconds, value in sorted(clicks):
        if last is not None and last[1] == value and seconds - last[0] < debounce:
            continue
        vote = None if vote == value else value
        last = (seconds, value)
    return vote


async def cast(store: Store, target: VoteTarget, member: int, click: Click,
               debounce: float = 0.0):  # type: ignore[no-untyped-def]
    click_id, seconds, value = click
    return await store.cast_vote(target, member, value, now=at(9),
                                 click=VoteClick(click_id, at(1) + timedelta(seconds=seconds)),
                                 debounce=debounce)


async def test_clicks_applied_in_reverse_count_in_click_order(store: Store) -> None:
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    # Agree then disagree: the member disagrees, even when "agree" is applied last.
    await cast(store, target, 7, (20, 2.0, DISAGREE))
    late = await cast(store, target, 7, (10, 1.0, AGREE))
    assert late.value == DISAGREE and late.action == "unchanged"
    assert await store.get_vote(target, 7) == DISAGREE
    # Agree twice, two seconds apart: withdrawn, whichever arrives first.
    await cast(store, target, 8, (40, 4.0, AGREE))
    assert (await cast(store, target, 8, (30, 2.0, AGREE))).action == "withdrawn"
    assert await store.get_vote(target, 8) is None
    # A click among several is folded in its place.
    for click in [(50, 1.0, AGREE), (70, 3.0, DISAGREE)]:
        await cast(store, target, 9, click)
    assert await store.get_vote(target, 9) == DISAGREE
    await cast(store, target, 9, (60, 2.0, DISAGREE))  # agree, disagree, disagree
    assert await store.get_vote(target, 9) is None
    assert await store.tally(target) == Tally(0, 1)


async def test_a_click_delivered_twice_counts_once(store: Store) -> None:
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    assert (await cast(store, target, 7, (10, 1.0, AGREE))).action == "added"
    again = await cast(store, target, 7, (10, 1.0, AGREE))
    assert (again.action, again.value) == ("repeated", AGREE)
    assert await store.tally(target) == Tally(1, 0)


async def test_a_double_click_is_one_click_in_any_order(store: Store) -> None:
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    chain = [(1, 0.0, AGREE), (2, 0.6, AGREE), (3, 1.2, AGREE), (4, 3.0, AGREE)]
    for member, order in enumerate([[0, 1, 2, 3], [3, 2, 1, 0], [1, 0, 3, 2], [2, 0, 3, 1]]):
        outcomes = [await cast(store, target, member, chain[i], debounce=1.0) for i in order]
        # 0 counts, 1 repeats it, 2 is 1.2 s after 0 (counted: withdraws), 3 casts again.
        assert await store.get_vote(target, member) == expected(chain, 1.0) == AGREE
        if order == [0, 1, 2, 3]:
            assert [o.action for o in outcomes] == ["added", "repeated", "withdrawn", "added"]


async def test_a_click_older_than_the_history_kept_is_not_applied(store: Store) -> None:
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    await cast(store, target, 7, (10, 0.0, AGREE))
    await cast(store, target, 7, (30, 3600.0, AGREE))  # an hour later: withdraws
    stale = await cast(store, target, 7, (20, 60.0, DISAGREE))
    assert stale.action == "repeated" and await store.get_vote(target, 7) is None


async def test_clicks_without_a_date_apply_in_arrival_order(store: Store) -> None:
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    await cast(store, target, 7, (10, 1.0, AGREE))
    assert (await store.cast_vote(target, 7, DISAGREE)).action == "switched"
    # The dated history starts again from the undated click's result.
    await cast(store, target, 7, (5, 0.5, DISAGREE))
    assert await store.get_vote(target, 7) is None


async def test_racing_clicks_across_instances_follow_click_order(
    store: Store, make_store: Callable[..., Awaitable[Store]]
) -> None:
    """Two clicks of each of 200 members, delivered together, handled by two processes in
    either order: every vote is the one the member's clicks make in the order they clicked
    (a store-only run used to reverse 10-23 of 200 pairs on PostgreSQL)."""
    other = await make_store()
    _, (argument, *_rest) = await published_piece(store)
    target = VoteTarget.argument(argument.id)
    rng = random.Random(2026)
    clicks: dict[int, list[Click]] = {}
    for member in range(200):
        first = (member * 10 + 1, 1.0, rng.choice([AGREE, DISAGREE]))
        second = (member * 10 + 2, 2.0, rng.choice([AGREE, DISAGREE]))
        clicks[member] = [first, second]
    calls = []
    for member, (first, second) in clicks.items():
        # The later click is started first, on the other "process".
        calls += [cast(other, target, member, second), cast(store, target, member, first)]
    await asyncio.gather(*calls)
    wrong = [m for m, made in clicks.items()
             if await store.get_vote(target, m) != expected(made)]
    assert wrong == []
    votes = [expected(made) for made in clicks.values()]
    assert await store.tally(target) == Tally(votes.count(AGREE), votes.count(DISAGREE))
