"""A debate week built through the store's own API, with every figure known in advance.

Guild in Europe/London; ISO week 2026-W47 is Mon 16 Nov 00:00 – Mon 23 Nov 00:00 (GMT, so
local time equals UTC). Week 2026-W46 has one older piece for the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.articles.model import Argument, Piece
from bot.store import AGREE, DISAGREE, ArgumentRecord, PieceRecord, Store, VoteTarget

GUILD = 111_111_111_111_111_111
CHANNEL = 222_222_222_222_222_222
TZ = "Europe/London"
WEEK = "2026-W47"
MONDAY = datetime(2026, 11, 16, tzinfo=UTC)  # 2026-W47 starts here (GMT = UTC)


def at(day: int, hour: float = 0) -> datetime:
    """Day 0 = Monday 16 Nov 2026, 00:00 London."""
    return MONDAY + timedelta(days=day, hours=hour)


def make_piece(url: str, title: str, titles: list[str]) -> Piece:
    return Piece(
        thesis=f"The thesis of {title}.",
        arguments=tuple(Argument(number=n, title=t, marker=None, text=f"{t}, argued.")
                        for n, t in enumerate(titles, start=1)),
        announced_count=len(titles), conclusion="In short.", title=title,
        author="A. Writer", url=url, outlet="The Example")


async def publish(store: Store, piece: Piece, when: datetime, *, guild_id: int = GUILD,
                  message_base: int = 0) -> tuple[PieceRecord, list[ArgumentRecord]]:
    """Queue and publish a piece the way the publisher does, recording ids as it goes.

    With ``message_base`` the piece message is ``message_base`` and argument n's thread is
    ``message_base + 10 * n`` (its anchor and opening messages follow).
    """
    record = await store.create_piece(guild_id, CHANNEL, piece, now=when)
    assert record is not None
    await store.begin_publishing(record.id, now=when)
    if message_base:
        await store.record_piece_message(record.id, message_base)
        for argument in await store.list_arguments(record.id):
            thread = message_base + 10 * argument.number
            await store.record_argument_anchor(argument.id, thread)
            await store.record_argument_thread(argument.id, thread)
            await store.record_argument_opening(argument.id, thread + 1, now=when)
    record = await store.finish_publishing(record.id, now=when)
    return record, await store.list_arguments(record.id)


async def votes(store: Store, target: VoteTarget, when: datetime, agree: list[int],
                disagree: list[int]) -> None:
    for member in agree:
        await store.cast_vote(target, member, AGREE, now=when)
    for member in disagree:
        await store.cast_vote(target, member, DISAGREE, now=when)


@dataclass
class Week:
    """Ids of what :func:`debate_week` created."""

    old: PieceRecord
    a: PieceRecord
    b: PieceRecord
    args: dict[str, ArgumentRecord]  # "old1", "A1".."A3", "B1", "B2"
    contributions: dict[str, int]  # "c1".."c5", "r1", "r2"


async def debate_week(store: Store) -> Week:
    """The week of the module docstring; the figures the tests expect are noted inline."""
    await store.update_guild_settings(GUILD, timezone=TZ, summary_channel_id=CHANNEL,
                                      now=at(-30))
    # 2026-W46: one piece, two votes, one counter by three first-time members (1, 2, 3).
    old, (old1, _old2) = await publish(
        store, make_piece("https://example.org/old", "Old news", ["Old one", "Old two"]),
        at(-6, 10), message_base=5000)
    await votes(store, VoteTarget.argument(old1.id), at(-6, 11), [1], [2])
    await store.add_contribution(old1.id, 3, "An old counter.", now=at(-6, 12))

    # 2026-W47: two pieces; A is threaded (links), B was published without ids recorded.
    a, (a1, a2, a3) = await publish(
        store, make_piece("https://example.org/housing", "Build more housing",
                          ["Supply lowers rents", "Zoning blocks homes", "Density is green"]),
        at(0, 10), message_base=7000)
    b, (b1, b2) = await publish(
        store, make_piece("https://example.org/exams", "Remote exams work",
                          ["Cheating is rare", "Access improves"]), at(2, 12))

    await votes(store, VoteTarget.argument(a1.id), at(0, 12), [1, 4, 5, 6], [7, 8])  # 4/2
    await votes(store, VoteTarget.argument(a2.id), at(1, 9), [1, 4, 5], [6, 7, 8])  # 3/3
    await votes(store, VoteTarget.argument(a3.id), at(1, 10), [4], [])  # 1/0
    await votes(store, VoteTarget.argument(b1.id), at(3, 8), [2, 5, 6], [9, 4])  # 3/2
    # A click and its undo leave no vote on B2; a vote after the week is not counted.
    await store.cast_vote(VoteTarget.argument(b2.id), 5, AGREE, now=at(3, 9))
    await store.cast_vote(VoteTarget.argument(b2.id), 5, AGREE, now=at(3, 9, ))
    await store.cast_vote(VoteTarget.argument(a1.id), 10, AGREE, now=at(7, 0.5))

    c1 = await store.add_contribution(a1.id, 7, "Supply alone will not fix prices when "
                                      "land is the scarce thing.", now=at(0, 14))
    await store.record_contribution_message(c1.id, 7012)
    c2 = await store.add_contribution(a2.id, 8, "Zoning is not the binding constraint in "
                                      "most towns; financing is.", now=at(1, 11))
    await store.record_contribution_message(c2.id, 7022)
    c3 = await store.add_contribution(b1.id, 3, "Cheating is rarely detected, which is "
                                      "not the same as rare.", now=at(3, 10))
    c4 = await store.add_contribution(old1.id, 9, "A late counter on last week's piece.",
                                      now=at(4, 10))
    c5 = await store.add_contribution(a3.id, 6, "Withdrawn before anyone read it.",
                                      now=at(4, 11))
    await store.withdraw_contribution(c5.id, now=at(4, 12))
    r1 = await store.add_contribution(a1.id, 1, "Rents fell where supply rose.",
                                      kind="rebuttal", parent_id=c1.id, now=at(5, 9))
    r2 = await store.add_contribution(a2.id, 4, "Financing follows zoning.", kind="rebuttal",
                                      parent_id=c2.id, now=at(5, 10))

    # c1 and c2 tie on net (+2); c1, posted first, is the strongest.
    await votes(store, VoteTarget.contribution(c1.id), at(5, 12), [1, 4, 5], [6])
    await votes(store, VoteTarget.contribution(c2.id), at(5, 12), [4, 5, 9], [1])
    await votes(store, VoteTarget.contribution(c4.id), at(5, 13), [2], [])
    await votes(store, VoteTarget.contribution(r1.id), at(5, 14), [4, 6], [])  # net +2
    await votes(store, VoteTarget.contribution(r2.id), at(5, 14), [8], [1])  # net 0
    await store.award_changed_mind(5, c2.id, "The zoning data convinced me.", now=at(6, 9))
    await store.award_changed_mind(2, c4.id, now=at(6, 10))
    return Week(old=old, a=a, b=b,
                args={"old1": old1, "A1": a1, "A2": a2, "A3": a3, "B1": b1, "B2": b2},
                contributions={"c1": c1.id, "c2": c2.id, "c3": c3.id, "c4": c4.id,
                               "c5": c5.id, "r1": r1.id, "r2": r2.id})
