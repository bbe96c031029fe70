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

EXCERPT_CHARS = 200


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


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
    return min(candidates, key=lambda s: (-s.net, -s.agree, -s.awards, s.created_at,
                                          s.contribution_id))


def _in(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


def _figures(iso_week: str, pieces: Sequence[PieceRecord], args: Sequence[ArgumentStats],
             contributions: Sequence[ContributionStats], people: Participation,
             awards: int) -> WeekFigures:
    piece_ids = {p.id for p in pieces}
    args = [a for a in args if a.piece_id in piece_ids]
    agree = sum(a.agree for a in args)
    disagree = sum(a.disagree for a in args)
    return WeekFigures(
        iso_week=iso_week, pieces=len(pieces), arguments=len(args), votes=agree + disagree,
        agree=agree, disagree=disagree,
        counters=sum(1 for c in contributions if c.kind == "counter"),
        rebuttals=sum(1 for c in contributions if c.kind == "rebuttal"),
        members=len(people.active), newcomers=len(people.newcomers), mind_changes=awards)


async def _week_data(store: Store, guild_id: int, start: datetime, end: datetime) -> tuple[
        list[PieceRecord], list[ArgumentStats], list[ContributionStats], Participation]:
    # Independent reads: PostgreSQL runs them on separate pooled connections.
    pieces, args, contributions, people = await asyncio.gather(
        store.pieces_published_between(guild_id, start, end),
        store.argument_stats(guild_id, start, end),
        store.contribution_stats(guild_id, start, end),
        store.participation(guild_id, start, end))
    return pieces, args, contributions, people


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

    (pieces, arg_stats, contrib_stats, people), previous_data, awards = await asyncio.gather(
        _week_data(store, guild_id, start, end),
        _week_data(store, guild_id, prev_start, prev_end),
        store.list_awards(guild_id=guild_id))
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

    lookup = _Lookup(store, guild_id, arguments)
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
        mind_changes=tuple([await lookup.mind_change(a) for a in week_awards]),
        figures=_figures(str(week), pieces, arg_stats, contrib_stats, people, len(week_awards)),
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
    """Resolves the few contributions a summary quotes to their thread, message and argument.

    Only highlighted items are looked up (a handful of point reads), so the cost does not grow
    with the week's activity.
    """

    def __init__(self, store: Store, guild_id: int, arguments: Sequence[ArgumentItem]) -> None:
        self._store = store
        self._guild_id = guild_id
        self._arguments = {a.argument_id: a for a in arguments}
        self._pieces: dict[int, str] = {a.piece_id: a.piece_title for a in arguments}

    async def _argument(self, argument_id: int) -> tuple[str, str, int | None]:
        """Label, piece title and thread id of an argument (of any week)."""
        known = self._arguments.get(argument_id)
        record = await self._store.get_argument(argument_id)
        thread_id = record.thread_id if record else None
        if known is not None:
            return known.label, known.piece_title, thread_id
        if record is None:
            return "An argument", "an earlier piece", None
        label = record.title if record.number == 0 else f"{record.number}. {record.title}"
        if record.piece_id not in self._pieces:
            piece = await self._store.get_piece(record.piece_id)
            self._pieces[record.piece_id] = piece_title(piece) if piece else "an earlier piece"
        return " ".join(label.split()), self._pieces[record.piece_id], thread_id

    def _link(self, thread_id: int | None, message_id: int | None) -> str | None:
        if thread_id is None:
            return None
        return channel_link(self._guild_id, thread_id, message_id)

    async def highlight(self, stats: ContributionStats) -> ContributionItem:
        label, title, thread_id = await self._argument(stats.argument_id)
        record = await self._store.get_contribution(stats.contribution_id)
        return ContributionItem(
            contribution_id=stats.contribution_id, kind=stats.kind,
            argument_id=stats.argument_id, argument_label=label, piece_title=title,
            excerpt=clip(stats.body, EXCERPT_CHARS), agree=stats.agree,
            disagree=stats.disagree, awards=stats.awards, created_at=stats.created_at,
            link=self._link(thread_id, record.message_id if record else None))

    async def mind_change(self, award: Award) -> MindChange:
        record = await self._store.get_contribution(award.contribution_id)
        if record is None:  # deleted with its argument since; keep the member's reason
            return MindChange(
                award_id=award.id, contribution_id=award.contribution_id, kind="counter",
                argument_label="An argument", piece_title="an earlier piece",
                reason=award.reason, excerpt="", created_at=award.created_at, link=None)
        label, title, thread_id = await self._argument(record.argument_id)
        return MindChange(
            award_id=award.id, contribution_id=record.id, kind=record.kind,
            argument_label=label, piece_title=title,
            reason=" ".join(award.reason.split()) if award.reason else None,
            excerpt=clip(record.body, EXCERPT_CHARS), created_at=award.created_at,
            link=self._link(thread_id, record.message_id))
