"""The summary's figures, on a week built through the store API, on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.store import AGREE, DISAGREE, ContributionStats, Store, VoteTarget
from bot.summaries import (
    ArgumentItem,
    IsoWeek,
    WeekError,
    build_summary,
    most_contested,
    strongest,
)
from tests.summaries.helpers import (
    CHANNEL,
    GUILD,
    WEEK,
    at,
    debate_week,
    make_piece,
    publish,
)

LINK = f"https://discord.com/channels/{GUILD}"


async def test_debate_week_exact_figures(store: Store) -> None:
    week = await debate_week(store)
    summary = await build_summary(store, GUILD, WEEK, now=at(8))

    assert summary.timezone == "Europe/London"  # the guild's setting
    assert (summary.start, summary.end) == (at(0), at(7))
    assert summary.complete and not summary.empty

    assert [(p.title, p.url, p.argument_count, p.link) for p in summary.pieces] == [
        ("Build more housing", "https://example.org/housing", 3, f"{LINK}/{CHANNEL}/7000"),
        ("Remote exams work", "https://example.org/exams", 2, None),
    ]
    assert [(a.label, a.agree, a.disagree, a.counters, a.rebuttals, a.link)
            for a in summary.arguments] == [
        ("1. Supply lowers rents", 4, 2, 1, 1, f"{LINK}/7010"),
        ("2. Zoning blocks homes", 3, 3, 1, 1, f"{LINK}/7020"),
        ("3. Density is green", 1, 0, 0, 0, f"{LINK}/7030"),  # c5 was withdrawn
        ("1. Cheating is rare", 3, 2, 1, 0, None),
        ("2. Access improves", 0, 0, 0, 0, None),  # a vote and its undo
    ]
    assert summary.most_contested is not None
    assert summary.most_contested.argument_id == week.args["A2"].id  # 3/3 of 6

    counter = summary.strongest_counter
    assert counter is not None  # c1 and c2 tie at net +2: c1 was posted first
    assert (counter.contribution_id, counter.net, counter.agree, counter.awards) == (
        week.contributions["c1"], 2, 3, 0)
    assert counter.link == f"{LINK}/7010/7012"
    assert counter.argument_label == "1. Supply lowers rents"
    rebuttal = summary.strongest_rebuttal
    assert rebuttal is not None
    assert (rebuttal.contribution_id, rebuttal.net) == (week.contributions["r1"], 2)
    assert rebuttal.link == f"{LINK}/7010"  # no message recorded: the thread

    assert [a.argument_id for a in summary.unanswered] == [
        week.args["A3"].id, week.args["B2"].id]
    assert [(m.contribution_id, m.reason, m.argument_label, m.piece_title, m.link)
            for m in summary.mind_changes] == [
        (week.contributions["c2"], "The zoning data convinced me.", "2. Zoning blocks homes",
         "Build more housing", f"{LINK}/7020/7022"),
        (week.contributions["c4"], None, "1. Old one", "Old news", f"{LINK}/5010"),
    ]

    f = summary.figures
    assert (f.pieces, f.arguments, f.votes, f.agree, f.disagree, f.counters, f.rebuttals,
            f.members, f.newcomers, f.regulars, f.mind_changes) == (
        2, 5, 18, 11, 7, 3, 2, 9, 6, 3, 2)  # c4 (on last week's piece) is not counted
    p = summary.previous
    assert (p.iso_week, p.pieces, p.votes, p.counters, p.members, p.newcomers) == (
        "2026-W46", 1, 2, 1, 3, 3)
    assert {n: summary.change(n) for n in f.COMPARED} == {
        "pieces": 1, "votes": 16, "counters": 2, "rebuttals": 2, "members": 6,
        "newcomers": 3, "mind_changes": 2}


async def test_partial_week_and_other_zone(store: Store) -> None:
    await debate_week(store)
    # Built on Sunday evening, before the week is over: marked so.
    summary = await build_summary(store, GUILD, WEEK, now=at(6, 18))
    assert not summary.complete
    # The same week read in New York runs five hours later: member 10's vote of Monday
    # 00:30 UTC is Sunday 19:30 there, so it counts, and member 10 is one more newcomer.
    ny = await build_summary(store, GUILD, IsoWeek(2026, 47), "America/New_York", now=at(9))
    assert ny.start == datetime(2026, 11, 16, 5, tzinfo=UTC)
    assert ny.timezone == "America/New_York"
    assert (ny.figures.votes, ny.figures.members, ny.figures.newcomers) == (19, 10, 7)
    assert (summary.figures.votes, summary.figures.members) == (18, 9)


async def test_sunday_late_evening_belongs_to_the_ending_week(store: Store) -> None:
    """Sunday 23:30 in Los Angeles is Monday 07:30 UTC: still the local week."""
    tz = "America/Los_Angeles"
    await store.update_guild_settings(GUILD, timezone=tz)
    sunday_late = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)  # Sun 22 Nov 23:30 PST
    monday_early = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # Mon 23 Nov 00:30 PST
    assert str(IsoWeek.of(sunday_late, tz)) == "2026-W47"
    assert str(IsoWeek.of(sunday_late, "UTC")) == "2026-W48"
    _, (late_arg,) = await publish(store, make_piece("https://e.example/late", "Late",
                                                     ["Only"]), sunday_late)
    _, (next_arg,) = await publish(store, make_piece("https://e.example/next", "Next",
                                                     ["Only"]), monday_early)
    await store.cast_vote(VoteTarget.argument(late_arg.id), 1, AGREE, now=sunday_late)
    await store.cast_vote(VoteTarget.argument(next_arg.id), 2, DISAGREE, now=monday_early)

    w47 = await build_summary(store, GUILD, "2026-W47", now=monday_early)
    w48 = await build_summary(store, GUILD, "2026-W48", now=monday_early)
    assert [p.title for p in w47.pieces] == ["Late"]
    assert (w47.figures.votes, w47.figures.members) == (1, 1)
    assert [p.title for p in w48.pieces] == ["Next"]
    assert (w48.figures.votes, w48.figures.members, w48.figures.newcomers) == (1, 1, 1)
    assert w48.previous.votes == 1 and w48.change("votes") == 0


async def test_empty_week_is_a_summary_not_an_error(store: Store) -> None:
    summary = await build_summary(store, GUILD, "2026-W01", "UTC", now=at(60))
    assert summary.empty
    assert summary.pieces == () and summary.arguments == ()
    assert summary.most_contested is None and summary.strongest_counter is None
    assert summary.figures.members == 0 and summary.previous.empty


def test_week_strings() -> None:
    assert str(IsoWeek.parse("2026-W47")) == "2026-W47"
    assert IsoWeek.parse("2026w7") == IsoWeek(2026, 7)
    assert str(IsoWeek(2027, 1).previous()) == "2026-W53"  # 2026 has 53 ISO weeks
    assert str(IsoWeek(2026, 53).next()) == "2027-W01"
    with pytest.raises(WeekError, match="2025 has no ISO week 53"):
        IsoWeek.parse("2025-W53")
    with pytest.raises(WeekError, match="looks like 2026-W47"):
        IsoWeek.parse("2026-47")


def test_week_windows_across_dst() -> None:
    # Europe/London springs forward on Sunday 29 March 2026: that week has 167 hours.
    start, end = IsoWeek(2026, 13).window("Europe/London")
    assert start == datetime(2026, 3, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 23, tzinfo=UTC)  # Monday 00:00 BST
    assert (end - start).total_seconds() == 167 * 3600
    # ... and falls back on Sunday 25 October 2026: 169 hours.
    start, end = IsoWeek(2026, 43).window("Europe/London")
    assert (end - start).total_seconds() == 169 * 3600
    # Consecutive weeks tile exactly.
    assert IsoWeek(2026, 44).window("Europe/London")[0] == end


def _arg(number: int, agree: int, disagree: int, piece: int = 1) -> ArgumentItem:
    return ArgumentItem(argument_id=piece * 100 + number, piece_id=piece, piece_index=piece,
                        piece_title="P", number=number, title=f"A{number}", agree=agree,
                        disagree=disagree, counters=0, rebuttals=0, link=None)


def test_most_contested_rule() -> None:
    # 1/1 is a perfect split but has under half the top count (10): not eligible.
    assert most_contested([_arg(1, 1, 1), _arg(2, 6, 4), _arg(3, 7, 3)]).number == 2
    # Equal splits: more votes wins, then the earlier piece, then the lower number.
    assert most_contested([_arg(1, 3, 3), _arg(2, 4, 4)]).number == 2
    assert most_contested([_arg(2, 4, 4, piece=2), _arg(3, 4, 4, piece=1)]).piece_id == 1
    assert most_contested([_arg(3, 2, 2), _arg(2, 2, 2)]).number == 2
    # Ratios compare exactly: 5/4 (|1|/9) beats 6/4 (|2|/10) despite fewer votes.
    assert most_contested([_arg(1, 6, 4), _arg(2, 5, 4)]).number == 2
    # A single vote is no contest.
    assert most_contested([_arg(1, 1, 0), _arg(2, 0, 0)]) is None
    assert most_contested([]) is None


def _contribution(cid: int, agree: int, disagree: int, awards: int = 0, hour: int = 0,
                  kind: str = "counter") -> ContributionStats:
    return ContributionStats(
        contribution_id=cid, argument_id=1, piece_id=1, parent_id=None if kind == "counter"
        else 1, kind=kind, author_id=1, body="b", created_at=at(0, hour), agree=agree,
        disagree=disagree, awards=awards)  # type: ignore[arg-type]


def test_strongest_rule() -> None:
    stats = [_contribution(1, 3, 2, hour=1), _contribution(2, 5, 3), _contribution(3, 2, 0)]
    assert strongest(stats, "counter").contribution_id == 2  # highest net
    stats = [_contribution(7, 2, 0, hour=2), _contribution(8, 5, 3, awards=1, hour=1)]
    assert strongest(stats, "counter").contribution_id == 8  # a tie: the earlier post
    stats = [_contribution(9, 2, 0, hour=1), _contribution(8, 2, 0, hour=1)]
    assert strongest(stats, "counter").contribution_id == 8  # same moment: lower id
    assert strongest([_contribution(1, 1, 1), _contribution(2, 0, 0)], "counter") is None
    assert strongest([_contribution(1, 3, 0)], "rebuttal") is None


def test_replace_keeps_summary_frozen() -> None:
    item = _arg(1, 2, 1)
    with pytest.raises(AttributeError):
        item.agree = 5  # type: ignore[misc]
    assert replace(item, agree=5).total == 6


async def test_top_contributions_fall_back_and_mind_changes_are_capped(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.summaries import build

    week = await debate_week(store)
    # The best two by net are both counters (c1, c2): the rebuttal r1 needs the full list.
    monkeypatch.setattr(build, "TOP_CONTRIBUTIONS", 2)
    monkeypatch.setattr(build, "MAX_MIND_CHANGES", 1)
    summary = await build_summary(store, GUILD, WEEK, now=at(8))
    assert summary.strongest_rebuttal is not None
    assert summary.strongest_rebuttal.contribution_id == week.contributions["r1"]
    assert len(summary.mind_changes) == 1 and summary.figures.mind_changes == 2
