"""``python -m bot summary``: a guild's weekly summary from the store, without Discord."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.cliargs import server_command
from bot.config import Settings
from bot.summaries.weeks import IsoWeek, WeekError, last_complete_week, zone

FORMATS = ("md", "csv", "json", "png")


def add_summary_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``summary`` on the ``add_subparsers()`` object of the main parser."""
    parser = server_command(
        subparsers, "summary", run_summary_command,
        summary="print or save a guild's weekly summary",
        description="Build a guild's weekly summary from the database, exactly as the bot "
                    "posts it, and print it (Markdown by default) or write it to a file.")
    parser.add_argument("--week", metavar="YYYY-Www",
                        help="ISO week such as 2026-W47 (default: the last complete week)")
    parser.add_argument("--format", choices=FORMATS, default="md",
                        help="md (default), csv, json, or png (the chart; needs --out)")
    parser.add_argument("--out", metavar="FILE", type=Path,
                        help="write to FILE instead of standard output")
    parser.add_argument("--timezone", metavar="ZONE",
                        help="IANA time zone for the week (default: the guild's setting)")
    return parser


def _fail(message: str) -> int:
    print(f"counterpoint: {message}", file=sys.stderr)
    return 2


async def run_summary_command(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of ``summary``: 0 on success, 2 with one line on stderr for bad input."""
    from bot.store import open_store
    from bot.summaries.build import build_summary
    from bot.summaries.render import to_csv, to_json, to_markdown

    if args.format == "png" and args.out is None:
        return _fail("--format png writes an image: add --out FILE (e.g. --out summary.png)")
    # Checked here rather than by argparse so a bad value is one line, not usage + error.
    try:
        week = IsoWeek.parse(args.week) if args.week else None
        if args.timezone is not None:
            zone(args.timezone)
    except WeekError as error:
        return _fail(str(error))
    store = await open_store(args.database or settings.database_url)
    try:
        tz = args.timezone or (await store.get_guild_settings(args.guild)).timezone
        try:
            week = week or last_complete_week(datetime.now(UTC), tz)
        except WeekError as error:
            return _fail(f"guild {args.guild}: {error} (pass --timezone)")
        summary = await build_summary(store, args.guild, week, tz)
    finally:
        await store.close()

    if args.format == "png":
        from bot.summaries.chart import to_chart_png

        args.out.write_bytes(to_chart_png(summary))
        print(f"Wrote the {summary.iso_week} chart to {args.out}.", file=sys.stderr)
        return 0
    text = {"md": to_markdown, "csv": to_csv, "json": to_json}[args.format](summary)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    # newline="" keeps the CSV's CRLF rows as they are on every platform.
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    print(f"Wrote the {summary.iso_week} summary to {args.out}.", file=sys.stderr)
    return 0
