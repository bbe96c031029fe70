"""``python -m bot export`` (one debate in any export format) and ``python -m bot site`` (a static
site of a server's debates), from the store, without Discord."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cliargs import server_command, snowflake
from bot.config import Settings
from bot.exports import FORMATS


def add_export_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``export`` on the ``add_subparsers()`` object of the main parser."""
    parser = server_command(
        subparsers, "export", run_export_command,
        summary="export one debate (html, md, kialo or json)",
        description="Write the whole debate on one piece, read from the database: the piece, "
                    "its arguments, every counterargument and rebuttal, tallies and minds "
                    "changed. Members are numbered, never named.")
    parser.add_argument("--piece", required=True, type=snowflake, metavar="ID",
                        help="the piece's id: in the name of its /debate export file "
                             "(debate-ID.html) and in the weekly summary's JSON and CSV")
    parser.add_argument("--format", choices=sorted(FORMATS), default="html",
                        help="; ".join(f"{f.name}: {f.description}" for f in FORMATS.values())
                        + " (default: html)")
    parser.add_argument("--out", metavar="FILE", type=Path,
                        help="write to FILE instead of standard output")
    return parser


def add_site_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``site`` on the ``add_subparsers()`` object of the main parser."""
    parser = server_command(
        subparsers, "site", run_site_command,
        summary="write a static site of a server's debates",
        description="Write an index of the server's debates by week and one page per debate "
                    "into DIR, ready for any static host. Run it again to bring the site up "
                    "to date: only pages whose content changed are rewritten.")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="the site's folder (created if needed)")
    parser.add_argument("--title", default="Our debates", help="the index page's title")
    return parser


async def run_site_command(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of ``site``: 0 once the site is up to date, 2 when DIR cannot be a folder."""
    from bot.exports.site import INDEX, site_pages, write_site
    from bot.store import open_store

    if args.out.exists() and not args.out.is_dir():
        print(f"counterpoint: {args.out} is a file; --out needs a folder", file=sys.stderr)
        return 2
    store = await open_store(args.database or settings.database_url)
    try:
        pages = await site_pages(store, args.guild, title=args.title)
    finally:
        await store.close()
    report = write_site(args.out, pages)
    print(f"{len(report.written)} page(s) written, {len(report.unchanged)} unchanged, "
          f"{len(report.removed)} removed; open {args.out / INDEX}", file=sys.stderr)
    return 0



async def run_export_command(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of ``export``: 0 on success, 2 with one line on stderr for a piece not found."""
    from bot.exports import read_debate
    from bot.store import NotFound, open_store

    store = await open_store(args.database or settings.database_url)
    try:
        record = await read_debate(store, args.guild, args.piece,
                                   names=await store.board_names(args.guild))
    except NotFound:
        print(f"counterpoint: server {args.guild} has no piece {args.piece} (a piece's id is "
              "in its /debate export file's name, debate-ID.html, and in the weekly "
              "summary's JSON)", file=sys.stderr)
        return 2
    finally:
        await store.close()
    text = FORMATS[args.format].render(record)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"Wrote the debate on {record.title!r} to {args.out}.", file=sys.stderr)
    return 0
