"""Weekly discussion summaries: the data, its renderings and the posting schedule.

No ``discord`` import anywhere in this package: cogs turn :class:`EmbedSpec` into embeds and
attach the bytes of :func:`attachments`.
"""

from __future__ import annotations

from bot.embeds import EmbedField, EmbedSpec
from bot.summaries.build import build_summary, most_contested, strongest
from bot.summaries.embeds import CHART_FILENAME, to_embeds
from bot.summaries.model import (
    CONTESTED_RULE,
    NAMES_NOTE,
    STRONGEST_RULE,
    ArgumentItem,
    ContributionItem,
    MindChange,
    PieceItem,
    WeekFigures,
    WeeklySummary,
)
from bot.summaries.render import to_csv, to_dict, to_json, to_markdown
from bot.summaries.schedule import (
    GRACE,
    LEASE,
    DueSummary,
    NotPosted,
    PostResult,
    SeenMessage,
    due_summary,
    find_posted,
    next_slot,
    pending_summaries,
    post_due_summaries,
    slot_for_week,
    summary_nonce,
)
from bot.summaries.weeks import IsoWeek, WeekError, last_complete_week

__all__ = [
    "CHART_FILENAME",
    "CONTESTED_RULE",
    "GRACE",
    "LEASE",
    "NAMES_NOTE",
    "STRONGEST_RULE",
    "ArgumentItem",
    "ContributionItem",
    "DueSummary",
    "EmbedField",
    "EmbedSpec",
    "IsoWeek",
    "MindChange",
    "NotPosted",
    "PieceItem",
    "PostResult",
    "SeenMessage",
    "WeekError",
    "WeekFigures",
    "WeeklySummary",
    "attachments",
    "build_summary",
    "due_summary",
    "find_posted",
    "last_complete_week",
    "most_contested",
    "next_slot",
    "pending_summaries",
    "post_due_summaries",
    "slot_for_week",
    "strongest",
    "summary_nonce",
    "to_chart_png",
    "to_csv",
    "to_dict",
    "to_embeds",
    "to_json",
    "to_markdown",
]


def to_chart_png(summary: WeeklySummary) -> bytes:
    """The chart as PNG bytes (see :mod:`bot.summaries.chart`)."""
    # Imported on use: matplotlib takes a while to load and text-only callers never need it.
    from bot.summaries.chart import to_chart_png as draw

    return draw(summary)


def attachments(summary: WeeklySummary) -> list[tuple[str, bytes]]:
    """The four files of a summary message, as (filename, bytes): md, csv, json, png.

    The overview embed shows the PNG through ``attachment://`` + ``CHART_FILENAME``.
    """
    return [
        ("summary.md", to_markdown(summary).encode("utf-8")),
        ("summary.csv", to_csv(summary).encode("utf-8")),
        ("summary.json", to_json(summary).encode("utf-8")),
        (CHART_FILENAME, to_chart_png(summary)),
    ]
