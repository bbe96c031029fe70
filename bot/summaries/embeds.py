"""The summary as Discord embeds, as plain data a cog turns into ``discord.Embed``.

``EmbedSpec.to_dict()`` is Discord's embed JSON, so a cog can call
``discord.Embed.from_dict(spec.to_dict())``. Every limit Discord enforces is respected here by
shortening lists with "…and N more" (the attachments carry everything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.embeds import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    EmbedField,
    EmbedSpec,
    size,
)
from bot.markup import web_url
from bot.summaries.model import NAMES_NOTE, WeeklySummary
from bot.summaries.render import (
    EMPTY_MESSAGE,
    argument_line,
    as_of,
    board_lines,
    comparison,
    contribution_line,
    headline,
    md,
    mind_change_reason,
    participation_line,
    period,
    plural,
    split_line,
)
from bot.text import shorten

CHART_FILENAME = "chart.png"
CHART_URL = f"attachment://{CHART_FILENAME}"  # the attached chart, shown inside the embed
COLOR = 0x4EA1FF  # the chart's "agree" blue, so embed and chart read as one
EMPTY_COLOR = 0x99AAB5

#: Short forms of the selection rules for the footer (the full text is in summary.md/json).
FOOTER_RULES = (
    "Most contested: closest agree/disagree split among arguments with ≥2 votes and at least "
    "half the top vote count. Strongest: highest net votes (≥ +1); ties → the earlier post. "
    + NAMES_NOTE
)

# Budgets for the lists in the overview embed; what is left of 6000 goes to the argument list.
PIECES_BUDGET = 700
MINDS_BUDGET = 700
BOARD_BUDGET = 400
UNANSWERED_BUDGET = 500
LINK_URL_MAX = 200  # longer article URLs are shown without a link rather than eat the budget


def summary_title(iso_week: str) -> str:
    """The first embed's title, also how the scheduler recognises a week's post it lost track
    of (see :func:`bot.summaries.schedule.find_posted`)."""
    return cut(f"Weekly summary · {iso_week}", EMBED_TITLE_LIMIT)


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` (UTF-16 units), ending in "…" when shortened."""
    if size(text) <= limit:
        return text
    while size(text) > limit - 1:
        text = text[: max(0, len(text) - max(1, size(text) - limit + 1))]
    return text.rstrip() + "…"


def fit_lines(lines: Sequence[str], limit: int, *, more: str = "…and {n} more") -> str:
    """As many whole lines as fit in ``limit``, then "…and N more" for the rest."""
    kept: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        line = cut(line, limit)
        rest = len(lines) - i - 1
        tail = size("\n" + more.format(n=rest)) if rest else 0
        need = size(line) + (1 if kept else 0)
        if used + need + tail > limit:
            break
        kept.append(line)
        used += need
    dropped = len(lines) - len(kept)
    if dropped:
        note = more.format(n=dropped)
        while kept and used + size(note) + 1 > limit:  # make room for the note itself
            used -= size(kept.pop()) + (1 if kept else 0)
            dropped += 1
            note = more.format(n=dropped)
        kept.append(note)
    return "\n".join(kept)


def _link(text: str, url: str | None) -> str:
    """A link whose label is the bot's own words (never outside text: Discord reads no
    escapes in a label, so a title there could show spoilers or refuse to link)."""
    return f"[{text}]({url})" if url else text


def _thread(text: str, url: str | None) -> str:
    """``text`` (outside text, escaped) followed by a link to its thread."""
    return f"{text} ({_link('thread', url)})" if url else text


def _pieces_lines(summary: WeeklySummary) -> list[str]:
    lines = []
    for p in summary.pieces:
        title = md(shorten(p.title, 90))
        url = web_url(p.url)
        head = f"{title} ({_link('read', f'<{url}>')})" if url and len(url) <= LINK_URL_MAX \
            else title
        thread = f" · {_link('discussion', p.link)}" if p.link else ""
        count = "1 argument" if p.argument_count == 1 else f"{p.argument_count} arguments"
        lines.append(f"{p.index}. {head} · {count}{thread}")
    return lines


def _overview(summary: WeeklySummary) -> EmbedSpec:
    description = [f"{period(summary)} · {summary.timezone}"]
    if note := as_of(summary):
        description.append(f"*{note}*")
    description += ["", f"**{headline(summary.figures)}**", comparison(summary),
                    participation_line(summary.figures)]

    fields: list[EmbedField] = []
    if summary.pieces:
        fields.append(EmbedField(f"Pieces ({len(summary.pieces)})",
                                 fit_lines(_pieces_lines(summary), PIECES_BUDGET)))
    a = summary.most_contested
    fields.append(EmbedField("Most contested", cut(
        f"{_thread(md(shorten(a.label, 100)), a.link)} — {split_line(a)}" if a else
        "No argument drew enough votes to call a split yet.", EMBED_FIELD_VALUE_LIMIT)))
    for name, item, kind in (("Strongest counterargument", summary.strongest_counter,
                              "counterargument"),
                             ("Strongest rebuttal", summary.strongest_rebuttal, "rebuttal")):
        if item is None:
            value = f"No {kind} posted this week has net support yet."
        else:
            where = _thread(md(shorten(item.argument_label, 80)), item.link)
            value = (f"> {md(shorten(item.excerpt, 180))}\non {where} · "
                     f"{contribution_line(item)}")
        fields.append(EmbedField(name, cut(value, EMBED_FIELD_VALUE_LIMIT)))
    if summary.mind_changes:
        lines = [f"{md(shorten(mind_change_reason(m), 160))} — "
                 f"on {_thread(md(shorten(m.argument_label, 60)), m.link)}"
                 for m in summary.mind_changes]
        fields.append(EmbedField(f"Changed minds ({len(summary.mind_changes)})",
                                 fit_lines(lines, MINDS_BUDGET)))
    if summary.awards_board.named:  # counts alone repeat "Changed minds"
        fields.append(EmbedField("Awards board", fit_lines(
            board_lines(summary.awards_board), BOARD_BUDGET)))
    if summary.arguments:
        lines = [f"{_thread(md(shorten(x.label, 70)), x.link)} · {plural(x.total, 'votes')}"
                 for x in summary.unanswered] or ["Every argument has a counterargument."]
        fields.append(EmbedField(f"Not yet countered ({len(summary.unanswered)})",
                                 fit_lines(lines, UNANSWERED_BUDGET)))
    return EmbedSpec(title=summary_title(summary.iso_week),
                     description=cut("\n".join(description), EMBED_DESCRIPTION_LIMIT),
                     fields=tuple(fields[:EMBED_FIELDS_LIMIT]), color=COLOR)


def _arguments_embed(summary: WeeklySummary, budget: int) -> EmbedSpec | None:
    title = "Arguments: agree · disagree · counters"
    budget = min(EMBED_DESCRIPTION_LIMIT, budget - size(title) - size(FOOTER_RULES))
    if not summary.arguments or budget < 100:
        return None
    several = len(summary.pieces) > 1
    lines = [f"{'P' + str(x.piece_index) + ' · ' if several else ''}"
             f"{_thread(md(shorten(x.label, 70)), x.link)}: {argument_line(x)}"
             for x in summary.arguments]
    return EmbedSpec(title=title,
                     description=fit_lines(lines, budget, more="…and {n} more in summary.csv"),
                     footer=FOOTER_RULES, color=COLOR)


def to_embeds(summary: WeeklySummary) -> list[EmbedSpec]:
    """One overview embed (plus the per-argument list when there is room), within limits."""
    if summary.empty:
        lines = [f"{period(summary)} · {summary.timezone}", "", EMPTY_MESSAGE]
        if not summary.previous.empty:
            lines += ["", f"Last week ({summary.previous.iso_week}): "
                          f"{headline(summary.previous)}."]
        return [EmbedSpec(title=summary_title(summary.iso_week),
                          description=cut("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
                          color=EMPTY_COLOR, image=CHART_URL)]
    overview = _overview(summary)
    second = _arguments_embed(summary, EMBED_TOTAL_LIMIT - overview.length())
    if second is None:
        return [EmbedSpec(title=overview.title, description=overview.description,
                          fields=overview.fields, footer=cut(FOOTER_RULES, EMBED_FOOTER_LIMIT),
                          color=COLOR, image=CHART_URL)]
    return [overview, replace(second, image=CHART_URL)]

