"""Text renderings of a weekly summary: Markdown, CSV (one row per argument) and JSON.

JSON (``to_json``) keys, stable across versions of schema ``counterpoint.summary/1``;
snowflakes are strings (JavaScript numbers cannot hold them), times ISO 8601 UTC::

    schema, guild_id, iso_week, timezone, start, end, generated_at, complete, empty,
    message (the friendly text of an empty week, else null),
    figures {iso_week, pieces, arguments, votes, agree, disagree, counters, rebuttals,
             members, newcomers, regulars, mind_changes},
    previous_week (same keys as figures), change {pieces, votes, counters, rebuttals,
    members, newcomers, mind_changes},
    pieces [{piece_id, index, title, url, author, outlet, published_at, arguments, link}],
    arguments [{argument_id, piece_id, piece_index, piece_title, number, label, title,
                agree, disagree, votes, net, counters, rebuttals, link}],
    most_contested (argument_id or null), unanswered [argument_id],
    strongest_counter, strongest_rebuttal ({contribution_id, kind, argument_id,
        argument_label, piece_title, excerpt, agree, disagree, net, awards, created_at,
        link} or null),
    mind_changes [{award_id, contribution_id, kind, argument_label, piece_title, reason,
                   excerpt, created_at, link}],
    awards_board {named [{name, awards}], others {members, awards}},
    participation {members, newcomers, regulars, names_shown},
    rules {most_contested, strongest, names}
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.markup import plain, web_url
from bot.summaries.model import (
    CONTESTED_RULE,
    NAMES_NOTE,
    STRONGEST_RULE,
    ArgumentItem,
    AwardsBoard,
    ContributionItem,
    MindChange,
    WeekFigures,
    WeeklySummary,
)
from bot.summaries.weeks import zone

SCHEMA = "counterpoint.summary/1"

CSV_COLUMNS = (
    "iso_week", "piece_index", "piece_id", "piece_title", "argument_id", "number",
    "argument_title", "agree", "disagree", "votes", "net", "counters", "rebuttals",
    "most_contested", "unanswered", "link",
)

#: Figure names as readers see them, singular and plural.
FIGURE_WORDS = {
    "pieces": ("piece", "pieces"),
    "votes": ("vote", "votes"),
    "counters": ("counterargument", "counterarguments"),
    "rebuttals": ("rebuttal", "rebuttals"),
    "members": ("member", "members"),
    "newcomers": ("new voice", "new voices"),
    "mind_changes": ("changed mind", "changed minds"),
}

EMPTY_MESSAGE = (
    "A quiet week: no new pieces, no votes and no counterarguments. "
    "The threads of earlier pieces are still open — a good moment to answer one."
)

def md(text: str) -> str:
    """Titles and quotes shown as typed, nothing in them active (Discord and CommonMark): see
    :func:`bot.markup.plain`. Addresses in them are text, so they may sit in a link's label
    in summary.md (Discord's embeds put none there: it reads no escapes in a label)."""
    return plain(text, links=False)


def plural(count: int, name: str) -> str:
    one, many = FIGURE_WORDS.get(name, (name, name))
    return f"{count} {one if count == 1 else many}"


def signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else ("±0" if delta == 0 else f"−{-delta}")


def period(summary: WeeklySummary) -> str:
    """``Mon 16 Nov – Sun 22 Nov 2026`` in the guild's zone."""
    tz = zone(summary.timezone)
    first = summary.start.astimezone(tz)
    last = summary.end.astimezone(tz).date() - timedelta(days=1)
    left = f"{first:%a} {first.day} {first:%b}" + ("" if first.year == last.year
                                                    else f" {first.year}")
    return f"{left} – {last:%a} {last.day} {last:%b %Y}"


def as_of(summary: WeeklySummary) -> str | None:
    """``So far: as of Sun 22 Nov 18:00 (Europe/London)`` for a summary built mid-week."""
    if summary.complete:
        return None
    local = summary.generated_at.astimezone(zone(summary.timezone))
    return f"So far: as of {local:%a} {local.day} {local:%b %H:%M} ({summary.timezone})"


def headline(figures: WeekFigures) -> str:
    """``3 pieces · 120 votes · 14 counterarguments · ...``."""
    return " · ".join(plural(int(getattr(figures, n)), n) for n in WeekFigures.COMPARED)


def comparison(summary: WeeklySummary) -> str:
    """``vs 2026-W46: pieces +1, votes −20, ...`` (``2026-W46 was quiet`` if it was)."""
    if summary.previous.empty:
        return f"{summary.previous.iso_week} was quiet, so every figure is new this week."
    parts = [f"{FIGURE_WORDS[n][1]} {signed(summary.change(n))}" for n in WeekFigures.COMPARED]
    return f"vs {summary.previous.iso_week}: " + ", ".join(parts)


def participation_line(figures: WeekFigures) -> str:
    if not figures.members:
        return "Nobody voted or posted this week."
    return (f"{plural(figures.members, 'members')} took part: "
            f"{plural(figures.newcomers, 'newcomers')}, {figures.regulars} "
            f"{'regular' if figures.regulars == 1 else 'regulars'}.")


def argument_line(a: ArgumentItem) -> str:
    """Plain facts of one argument: ``5 agree · 3 disagree · 2 counters``."""
    counters = f"{a.counters} {'counter' if a.counters == 1 else 'counters'}"
    return f"{a.agree} agree · {a.disagree} disagree · {counters}"


def split_line(a: ArgumentItem) -> str:
    """``5 agree / 5 disagree of 10 votes``."""
    return f"{a.agree} agree / {a.disagree} disagree of {plural(a.total, 'votes')}"


def contribution_line(c: ContributionItem) -> str:
    awards = f" · {plural(c.awards, 'mind_changes')}" if c.awards else ""
    return f"net {signed(c.net)} ({c.agree} agree, {c.disagree} disagree){awards}"


def mind_change_reason(m: MindChange) -> str:
    return f"“{m.reason}”" if m.reason else "(no reason given)"


def board_lines(board: AwardsBoard) -> list[str]:
    """The awards board: named members (they opted in), then everyone else as a count."""
    if board.empty:
        return ["Nobody's point was credited with changing a mind this week."]
    lines = [f"- **{md(e.name)}**: {plural(e.awards, 'mind_changes')}" for e in board.named]
    if board.other_members:
        who = "member" if board.other_members == 1 else "members"
        lead = "Also" if board.named else "By"
        lines.append(f"- {lead} {board.other_members} {who} not on public boards: "
                     f"{plural(board.other_awards, 'mind_changes')}")
    return lines


def _link(text: str, url: str | None) -> str:
    return f"[{text}]({url})" if url else text


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


# --- Markdown -------------------------------------------------------------------------------


def to_markdown(summary: WeeklySummary) -> str:
    """The whole summary as Markdown (summary.md): every item links to its thread."""
    out = [f"# Weekly summary · {summary.iso_week}", "",
           f"{period(summary)} · {summary.timezone}"]
    if note := as_of(summary):
        out.append(f"*{note}*")
    out.append("")
    if summary.empty:
        out += [EMPTY_MESSAGE, ""]
        if not summary.previous.empty:
            out += [f"Last week ({summary.previous.iso_week}): {headline(summary.previous)}.",
                    ""]
        return "\n".join(out)

    out += [f"**{headline(summary.figures)}**", "", comparison(summary), ""]

    out += ["## Pieces", ""]
    if not summary.pieces:
        out.append("No new pieces this week; the discussion went on in earlier threads.")
    for p in summary.pieces:
        byline = ", ".join(x for x in (p.author, p.outlet) if x)
        extra = f" — {md(byline)}" if byline else ""
        thread = f" · {_link('discussion', p.link)}" if p.link else ""
        url = web_url(p.url)
        head = f"[{md(p.title)}](<{url}>)" if url else md(p.title)
        out.append(f"{p.index}. {head}{extra} · "
                   f"{p.argument_count} {'argument' if p.argument_count == 1 else 'arguments'}"
                   f"{thread}")
    out.append("")

    out += ["## Most contested", ""]
    if (a := summary.most_contested) is not None:
        out.append(f"{_link(md(a.label), a.link)} in *{md(a.piece_title)}*: {split_line(a)}, "
                   f"{a.counters} {'counter' if a.counters == 1 else 'counters'}.")
    else:
        out.append("No argument drew enough votes to call a split yet.")
    out.append("")

    for heading, item, kind in (("Strongest counterargument", summary.strongest_counter,
                                 "counterargument"),
                                ("Strongest rebuttal", summary.strongest_rebuttal, "rebuttal")):
        out += [f"## {heading}", ""]
        if item is None:
            out.append(f"No {kind} posted this week has net support yet.")
        else:
            out += [f"> {md(item.excerpt)}", "",
                    f"On {_link(md(item.argument_label), item.link)} in "
                    f"*{md(item.piece_title)}* · {contribution_line(item)}"]
        out.append("")

    out += ["## Changed minds", ""]
    if not summary.mind_changes:
        out.append("No “changed my mind” this week.")
    for m in summary.mind_changes:
        what = "a counterargument" if m.kind == "counter" else "a rebuttal"
        out.append(f"- {md(mind_change_reason(m))} — credited {_link(what, m.link)} on "
                   f"{md(m.argument_label)} (*{md(m.piece_title)}*)"
                   + (f": “{md(m.excerpt)}”" if m.excerpt else ""))
    out.append("")

    out += ["## Awards board", "", *board_lines(summary.awards_board), ""]

    out += ["## Not yet countered", ""]
    if not summary.unanswered:
        out.append("Every argument of the week has at least one counterargument.")
    for a in summary.unanswered:
        out.append(f"- {_link(md(a.label), a.link)} (*{md(a.piece_title)}*) · "
                   f"{plural(a.total, 'votes')}")
    out.append("")

    if summary.arguments:
        out += ["## Arguments", "",
                "| Piece | Argument | Agree | Disagree | Counters | Rebuttals |",
                "|---:|---|---:|---:|---:|---:|"]
        for a in summary.arguments:
            out.append(f"| {a.piece_index} | {_link(md(a.label), a.link)} | {a.agree} | "
                       f"{a.disagree} | {a.counters} | {a.rebuttals} |")
        out.append("")

    out += ["## Participation", "", participation_line(summary.figures), NAMES_NOTE, "",
            "---", "", f"*{CONTESTED_RULE}*", "", f"*{STRONGEST_RULE}*", ""]
    return "\n".join(out)


# --- CSV ------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    # A leading = + - @ makes spreadsheets run the cell as a formula (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(summary: WeeklySummary) -> str:
    """One row per argument with a header row (just the header in an empty week)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    contested = summary.most_contested.argument_id if summary.most_contested else None
    unanswered = {a.argument_id for a in summary.unanswered}
    for a in summary.arguments:
        writer.writerow([_cell(v) for v in (
            summary.iso_week, a.piece_index, a.piece_id, a.piece_title, a.argument_id,
            a.number, a.title, a.agree, a.disagree, a.total, a.net, a.counters, a.rebuttals,
            int(a.argument_id == contested), int(a.argument_id in unanswered), a.link or "")])
    return buffer.getvalue()


# --- JSON -----------------------------------------------------------------------------------


def _figures_dict(f: WeekFigures) -> dict[str, Any]:
    return {"iso_week": f.iso_week, "pieces": f.pieces, "arguments": f.arguments,
            "votes": f.votes, "agree": f.agree, "disagree": f.disagree,
            "counters": f.counters, "rebuttals": f.rebuttals, "members": f.members,
            "newcomers": f.newcomers, "regulars": f.regulars, "mind_changes": f.mind_changes}


def _contribution_dict(c: ContributionItem | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"contribution_id": str(c.contribution_id), "kind": c.kind,
            "argument_id": str(c.argument_id), "argument_label": c.argument_label,
            "piece_title": c.piece_title, "excerpt": c.excerpt, "agree": c.agree,
            "disagree": c.disagree, "net": c.net, "awards": c.awards,
            "created_at": _iso(c.created_at), "link": c.link}


def to_dict(summary: WeeklySummary) -> dict[str, Any]:
    """The JSON document as Python data (keys in the module docstring)."""
    return {
        "schema": SCHEMA,
        "guild_id": str(summary.guild_id),
        "iso_week": summary.iso_week,
        "timezone": summary.timezone,
        "start": _iso(summary.start),
        "end": _iso(summary.end),
        "generated_at": _iso(summary.generated_at),
        "complete": summary.complete,
        "empty": summary.empty,
        "message": EMPTY_MESSAGE if summary.empty else None,
        "figures": _figures_dict(summary.figures),
        "previous_week": _figures_dict(summary.previous),
        "change": {n: summary.change(n) for n in WeekFigures.COMPARED},
        "pieces": [
            {"piece_id": str(p.piece_id), "index": p.index, "title": p.title, "url": p.url,
             "author": p.author, "outlet": p.outlet, "published_at": _iso(p.published_at),
             "arguments": p.argument_count, "link": p.link}
            for p in summary.pieces],
        "arguments": [
            {"argument_id": str(a.argument_id), "piece_id": str(a.piece_id),
             "piece_index": a.piece_index, "piece_title": a.piece_title, "number": a.number,
             "label": a.label, "title": a.title, "agree": a.agree, "disagree": a.disagree,
             "votes": a.total, "net": a.net, "counters": a.counters,
             "rebuttals": a.rebuttals, "link": a.link}
            for a in summary.arguments],
        "most_contested": _id(summary.most_contested.argument_id
                              if summary.most_contested else None),
        "unanswered": [str(a.argument_id) for a in summary.unanswered],
        "strongest_counter": _contribution_dict(summary.strongest_counter),
        "strongest_rebuttal": _contribution_dict(summary.strongest_rebuttal),
        "mind_changes": [
            {"award_id": str(m.award_id), "contribution_id": str(m.contribution_id),
             "kind": m.kind, "argument_label": m.argument_label, "piece_title": m.piece_title,
             "reason": m.reason, "excerpt": m.excerpt, "created_at": _iso(m.created_at),
             "link": m.link}
            for m in summary.mind_changes],
        "awards_board": {
            "named": [{"name": e.name, "awards": e.awards} for e in summary.awards_board.named],
            "others": {"members": summary.awards_board.other_members,
                       "awards": summary.awards_board.other_awards}},
        "participation": {"members": summary.figures.members,
                          "newcomers": summary.figures.newcomers,
                          "regulars": summary.figures.regulars,
                          "names_shown": bool(summary.awards_board.named)},
        "rules": {"most_contested": CONTESTED_RULE, "strongest": STRONGEST_RULE,
                  "names": NAMES_NOTE},
    }


def to_json(summary: WeeklySummary) -> str:
    return json.dumps(to_dict(summary), ensure_ascii=False, indent=2) + "\n"
