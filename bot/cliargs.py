"""Options the offline commands share (``summary``, ``export``, ``site``, ``migrate``), declared
once so they read and fail alike."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def snowflake(text: str) -> int:
    """An id as Discord writes it: digits only."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"an id is digits only, not {text!r}")
    return int(text)


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL",
                        help="database URL (default: COUNTERPOINT_DATABASE_URL)")


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """``--guild ID`` (required) and ``--database URL``: a server's record in a database."""
    parser.add_argument("--guild", required=True, type=snowflake, metavar="ID",
                        help="the server (guild) id")
    add_database_option(parser)


def command(subparsers: Any, name: str, handler: Callable[..., Any], *, summary: str,
            description: str) -> argparse.ArgumentParser:
    """A subcommand of ``python -m bot``: ``summary`` is its line in ``--help``, ``description``
    the paragraph of its own help, ``handler`` the coroutine ``main`` runs for it."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=summary,
                                                            description=description)
    parser.set_defaults(handler=handler)
    return parser


def server_command(subparsers: Any, name: str, handler: Callable[..., Any], *, summary: str,
                   description: str) -> argparse.ArgumentParser:
    """A :func:`command` that reads one server's record: with ``--guild`` and ``--database``
    (:func:`add_server_options`)."""
    parser = command(subparsers, name, handler, summary=summary, description=description)
    add_server_options(parser)
    return parser
