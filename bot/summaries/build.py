"""Build a :class:`WeeklySummary` from the store's summary queries (no Discord, no I/O else)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from fractions import Fraction
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.store import (
    ArgumentStats,
    Award,
    ContributionStats,
    Participation,
    PieceRecord,
    Store,
)
from bot.summaries.model import (
    ArgumentItem,
    ContributionItem,
    MindChange,
    PieceItem,
    WeekFigures,
    WeeklySummary,
    channel_link,
)
from bot.summaries.weeks import IsoWeek, zone
from bot.text import shorten

EXCERPT_CHARS = 200
#: Contributions fetched best-first to find the strongest counter and rebuttal: the store
#: sorts by the same rule, so only a week where the top ones are all of one kind needs more.
TOP_CONTRIBUTIONS = 200
#: "Changed my mind" moments quoted in full (each may need a lookup); all are counted.
MAX_MIND_CHANGES = 50


def piece_title(record: PieceRecord) -> str:
    if record.title and record.title.strip():
        return " ".join(record.title.split())
    host = urlsplit(record.url).hostname
    return f"Untitled piece ({host})" if host else "Untitled piece"


def most_contested(arguments: Sequence[ArgumentItem]) -> ArgumentItem | None:
    """The closest split among the most-voted arguments (rule: ``model.CONTESTED_RULE``)."""
    top = max((a.total for a in arguments), default=0)
    eligible = [a for a in arguments if a.total >= 2 and 2 * a.total >= top]
    if not eligible:
        return None
    # Fractions compare exactly; arguments arrive in piece order, then number.
    return min(eligible, key=lambda a: (Fraction(abs(a.net), a.total), -a.total,
                                        a.piece_index, a.number))


def strongest(stats: Iterable[ContributionStats], kind: str) -> ContributionStats | None:
    """The best-supported contribution of ``kind`` (rule: ``model.STRONGEST_RULE``)."""
    candidates = [s for s in stats if s.kind == kind and s.net >= 1]
    if not candidates:
        return None
    return min(candidates, key=lambda s: (-s.net, s.created_at, s.contribution_id))


def _in(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


def _figures(iso_week: str, pieces: Sequence[PieceRecord], args: Sequence[ArgumentStats],
             people: Participation, awards: int) -> WeekFigures:
    piece_ids = {p.id for p in pieces}
    args = [a for a in args if a.piece_id in piece_ids]
    agree = sum(a.agree for a in args)
    disagree = sum(a.disagree for a in args)
    return WeekFigures(
        iso_week=iso_week, pieces=len(pieces), arguments=len(args), votes=agree + disagree,
        agree=agree, disagree=disagree,
        counters=sum(a.counters for a in args), rebuttals=sum(a.rebuttals for a in args),
        members=len(people.active), newcomers=len(people.newcomers), mind_changes=awards)


async def _week_data(store: Store, guild_id: int, start: datetime, end: datetime) -> tuple[
        list[PieceRecord], list[ArgumentStats], Participation]:
    # Independent reads: PostgreSQL runs them on separate pooled connections.
    pieces, args, people = await asyncio.gather(
        store.pieces_published_between(guild_id, start, end),
        store.argument_stats(guild_id, start, end),
        store.participation(guild_id, start, end))
    return pieces, args, people


async def _top_contributions(store: Store, guild_id: int, start: datetime,
                             end: datetime) -> list[ContributionStats]:
    """Enough of the week's contributions, best first, to hold the best of each kind."""
    top = await store.contribution_stats(guild_id, start, end, limit=TOP_CONTRIBUTIONS)
    if len(top) == TOP_CONTRIBUTIONS and len({c.kind for c in top}) < 2:
        return await store.contribution_stats(guild_id, start, end)
    return top


async def build_summary(
    store: Store,
    guild_id: int,
    iso_week: str | IsoWeek,
    tz: str | ZoneInfo | None = None,
    *,
    now: datetime | None = None,
) -> WeeklySummary:
    """The summary of ``iso_week`` (``2026-W47``) for a guild, in the zone ``tz``.

    ``tz`` defaults to the guild's configured time zone. ``now`` (default: the current time)
    only stamps the summary, so a summary built before the week ends says it is partial.
    """
    week = iso_week if isinstance(iso_week, IsoWeek) else IsoWeek.parse(iso_week)
    if tz is None:
        tz = (await store.get_guild_settings(guild_id)).timezone
    zoneinfo = zone(tz)
    start, end = week.window(zoneinfo)
    prev_week = week.previous()
    prev_start, prev_end = prev_week.window(zoneinfo)

    (pieces, arg_stats, people), previous_data, contrib_stats, awards = await asyncio.gather(
        _week_data(store, guild_id, start, end),
        _week_data(store, guild_id, prev_start, prev_end),
        _top_contributions(store, guild_id, start, end),
        # The two weeks only: a guild's whole history of awards would grow without bound.
        store.list_awards(guild_id=guild_id, since=min(prev_start, start), until=end,
                         counted=True))
    week_awards = [a for a in awards if _in(a.created_at, start, end)]
    prev_awards = sum(1 for a in awards if _in(a.created_at, prev_start, prev_end))

    piece_items = _piece_items(guild_id, pieces, arg_stats)
    by_piece = {p.piece_id: p for p in piece_items}
    arguments = tuple(
        ArgumentItem(
            argument_id=s.argument_id, piece_id=s.piece_id, piece_index=by_piece[s.piece_id].index,
            piece_title=by_piece[s.piece_id].title, number=s.number,
            title=" ".join(s.title.split()), agree=s.agree, disagree=s.disagree,
            counters=s.counters, rebuttals=s.rebuttals,
            link=channel_link(guild_id, s.thread_id) if s.thread_id else by_piece[s.piece_id].link)
        for s in sorted((s for s in arg_stats if s.piece_id in by_piece),
                        key=lambda s: (by_piece[s.piece_id].index, s.number)))

    lookup = _Lookup(store, guild_id, arguments, arg_stats, contrib_stats)
    counter = strongest(contrib_stats, "counter")
    rebuttal = strongest(contrib_stats, "rebuttal")
    return WeeklySummary(
        guild_id=guild_id, iso_week=str(week), timezone=zoneinfo.key, start=start, end=end,
        generated_at=(now or datetime.now(UTC)).astimezone(UTC),
        pieces=piece_items, arguments=arguments,
        most_contested=most_contested(arguments),
        strongest_counter=await lookup.highlight(counter) if counter else None,
        strongest_rebuttal=await lookup.highlight(rebuttal) if rebuttal else None,
        unanswered=tuple(a for a in arguments if a.counters == 0),
        mind_changes=tuple([await lookup.mind_change(a)
                            for a in week_awards[:MAX_MIND_CHANGES]]),
        figures=_figures(str(week), pieces, arg_stats, people, len(week_awards)),
        previous=_figures(str(prev_week), *previous_data, prev_awards))


def _piece_items(guild_id: int, pieces: Sequence[PieceRecord],
                 arg_stats: Sequence[ArgumentStats]) -> tuple[PieceItem, ...]:
    counts: dict[int, int] = {}
    for s in arg_stats:
        counts[s.piece_id] = counts.get(s.piece_id, 0) + 1
    return tuple(
        PieceItem(
            piece_id=p.id, index=i, title=piece_title(p), url=p.url, author=p.author,
            outlet=p.outlet, published_at=p.published_at or p.created_at,
            argument_count=counts.get(p.id, 0),
            link=channel_link(guild_id, p.channel_id, p.message_id) if p.message_id else None)
        for i, p in enumerate(pieces, start=1))


class _Lookup:
    """Resolves the contributions a summary quotes to their thread, message and argument.

    The week's own arguments and contributions come with the stats already fetched; only
    awards given this week to older contributions cost point reads (cached per argument).
    """

    def __init__(self, store: Store, guild_id: int, arguments: Sequence[ArgumentItem],
                 arg_stats: Sequence[ArgumentStats],
                 contributions: Sequence[ContributionStats]) -> None:
        self._store = store
        self._guild_id = guild_id
        self._contributions = {c.contribution_id: c for c in contributions}
        self._pieces: dict[int, str] = {a.piece_id: a.piece_title for a in arguments}
        threads = {s.argument_id: s.thread_id for s in arg_stats}
        self._arguments: dict[int, tuple[str, str, int | None]] = {
            a.argument_id: (a.label, a.piece_title, threads.get(a.argument_id))
            for a in arguments}

    async def _argument(self, argument_id: int) -> tuple[str, str, int | None]:
        """Label, piece title and thread id of an argument (of any week)."""
        if argument_id in self._arguments:
            return self._arguments[argument_id]
        record = await self._store.get_argument(argument_id)
        if record is None:
            found: tuple[str, str, int | None] = ("An argument", "an earlier piece", None)
        else:
            label = record.title if record.number == 0 else f"{record.number}. {record.title}"
            if record.piece_id not in self._pieces:
                piece = await self._store.get_piece(record.piece_id)
                self._pieces[record.piece_id] = (piece_title(piece) if piece
                                                 else "an earlier piece")
            found = (" ".join(label.split()), self._pieces[record.piece_id], record.thread_id)
        self._arguments[argument_id] = found
        return found

    def _link(self, thread_id: int | None, message_id: int | None) -> str | None:
        if thread_id is None:
            return None
        return channel_link(self._guild_id, thread_id, message_id)

    async def highlight(self, stats: ContributionStats) -> ContributionItem:
        label, title, thread_id = await self._argument(stats.argument_id)
        return ContributionItem(
            contribution_id=stats.contribution_id, kind=stats.kind,
            argument_id=stats.argument_id, argument_label=label, piece_title=title,
            excerpt=shorten(stats.body, EXCERPT_CHARS), agree=stats.agree,
            disagree=stats.disagree, awards=stats.awards, created_at=stats.created_at,
            link=self._link(stats.thread_id or thread_id, stats.message_id))

    async def mind_change(self, award: Award) -> MindChange:
        reason = " ".join(award.reason.split()) if award.reason else None
        known = self._contributions.get(award.contribution_id)
        if known is not None:
            argument_id, kind, body, message_id = (known.argument_id, known.kind, known.body,
                                                   known.message_id)
        else:
            record = await self._store.get_contribution(award.contribution_id)
            if record is None:  # deleted with its argument since; keep the member's reason
                return MindChange(
                    award_id=award.id, contribution_id=award.contribution_id, kind="counter",
                    argument_label="An argument", piece_title="an earlier piece",
                    reason=reason, excerpt="", created_at=award.created_at, link=None)
            argument_id, kind, body, message_id = (record.argument_id, record.kind,
                                                   record.body, record.message_id)
        label, title, thread_id = await self._argument(argument_id)
        return MindChange(
            award_id=award.id, contribution_id=award.contribution_id, kind=kind,
            argument_label=label, piece_title=title, reason=reason,
            excerpt=shorten(body, EXCERPT_CHARS), created_at=award.created_at,
            link=self._link(thread_id, message_id))
