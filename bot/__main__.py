"""``python -m bot`` (and the ``counterpoint`` console script): the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot.cliargs import add_database_option, command
from bot.config import ConfigError, Settings
from bot.datarights import add_export_data_command
from bot.exports.cli import add_export_command, add_site_command
from bot.logs import configure_logging
from bot.redact import redact_text
from bot.store.cli import add_backup_commands, add_copy_command
from bot.summaries.cli import add_summary_command

log = logging.getLogger("counterpoint")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="counterpoint",
        description="Counterpoint: commentary feeds turned into argument-by-argument debates.")
    parser.add_argument("--debug", action="store_true",
                        help="show full tracebacks for unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    preview = command(
        commands, "preview", _preview, summary="split a piece into its arguments without Discord",
        description="Read SOURCE (an http(s) URL of an article or feed, an .html file or a "
                    "text file) and show how Counterpoint would split it.")
    preview.add_argument("source", metavar="SOURCE")
    preview.add_argument("--json", action="store_true", help="print the JSON contract instead")
    preview.add_argument("--explain", action="store_true",
                         help="also show which series of markers was chosen, which were "
                              "rejected, and why")

    migrate = command(
        commands, "migrate", _migrate, summary="apply pending database migrations",
        description="Apply pending migrations to COUNTERPOINT_DATABASE_URL (the bot also "
                    "does this at start).")
    add_database_option(migrate)

    command(
        commands, "run", _run, summary="run the bot (needs DISCORD_TOKEN)",
        description="Connect to Discord and run Counterpoint until stopped.")

    sandbox = command(
        commands, "sandbox", _sandbox,
        summary="the real bot on a local Discord emulator, no token or network",
        description="Run the real bot against the Discord emulator on 127.0.0.1 with a local "
                    "feed of sample pieces; post a piece, let simulated members vote, counter "
                    "and rebut, and print what a member would see.")
    sandbox.add_argument("--piece", metavar="FILE", type=Path,
                         help="serve this piece (text or HTML) instead of the samples")
    sandbox.add_argument("--keep", action="store_true",
                         help="stay running afterwards and print the emulator's addresses")

    command(
        commands, "doctor", _doctor,
        summary="check the token, commands, channel permissions, database and feeds",
        description="Connect with DISCORD_TOKEN and check, as a checklist with the fix for "
                    "each failure: the database and its migrations, the token, the slash "
                    "commands, every channel's permissions for what the bot does there, the "
                    "feeds' last results and the summary schedule. Changes nothing.")

    add_summary_command(commands)
    add_export_command(commands)
    add_site_command(commands)
    add_backup_commands(commands)
    add_export_data_command(commands)
    add_copy_command(commands)
    return parser


async def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot.doctor import run_doctor

    return await run_doctor(settings)


async def _preview(args: argparse.Namespace, settings: Settings) -> int:
    from bot.feeds.fetch import Fetcher
    from bot.pipeline import read_source
    from bot.render import render_piece_terminal

    fetcher = Fetcher(allow_private_addresses=settings.allow_private_addresses)
    try:
        piece = await read_source(args.source, fetcher, explain=args.explain)
    finally:
        await fetcher.close()
    if args.json:
        data = piece.to_json()
        if args.explain:
            data["explanation"] = list(piece.explanation)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_piece_terminal(piece, color=sys.stdout.isatty(), explain=args.explain))
    return 0


async def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import migrate

    url = args.database or settings.database_url
    applied = await migrate(url)
    if applied:
        print(f"Applied migrations {', '.join(map(str, applied))} to {url}.")
    else:
        print(f"{url} is up to date.")
    return 0


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.signals import until_signalled

    settings.require_token()

    async def running() -> int:
        # Imported under the signal handling: a stop while discord.py loads is clean too.
        from bot.client import run_bot

        await run_bot(settings)
        return 0

    return await until_signalled(running())


async def _sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from bot.signals import until_signalled

    # The transcript is the output; discord.py's connection chatter and the bot's own
    # progress logging are not.
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("discord").setLevel(logging.ERROR)
    logging.getLogger("counterpoint").setLevel(logging.WARNING)

    async def sandboxed() -> int:
        # Imported under the signal handling: a stop while discord.py loads is clean too.
        from bot.pipeline import read_file
        from bot.sandbox import run_sandbox

        if args.piece is not None:
            read_file(args.piece)  # a bad file is reported before anything starts
        return await run_sandbox(args.piece, keep=args.keep)

    return await until_signalled(sandboxed())


def _known_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean bad input or environment: one line, no traceback."""
    from bot.articles.extract import ExtractionError
    from bot.client import StartupError
    from bot.feeds.fetch import FetchError
    from bot.feeds.parse import FeedParseError, NotAFeed
    from bot.pipeline import SourceError
    from bot.sandbox import SandboxError
    from bot.store import StoreError
    from bot.summaries import WeekError

    return (ConfigError, SourceError, ExtractionError, FetchError, NotAFeed, FeedParseError,
            StoreError, SandboxError, StartupError, WeekError, OSError)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"counterpoint: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, debug=args.debug, log_format=settings.log_format)
    handler: Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]] = args.handler
    try:
        return asyncio.run(handler(args, settings))
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if args.debug:
            raise
        # Whatever the error quotes, a feed's credentials are not shown (bot/redact.py).
        if isinstance(error, _known_errors()):
            print(f"counterpoint: {redact_text(str(error))}", file=sys.stderr)
            return 1
        print(f"counterpoint: unexpected error: {type(error).__name__}: "
              f"{redact_text(str(error))} (run with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
