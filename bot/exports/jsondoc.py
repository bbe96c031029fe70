"""The whole debate as JSON: every field of the tree, for programs (schema in the README).

``format`` and ``version`` come first so a reader can tell what it holds before reading on; the
version grows only when a field changes meaning or goes away (new fields may appear within one).
Times are ISO 8601 in UTC; a tombstone has ``"body": null`` and says why in ``"removed"``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.exports.record import ArgumentNode, ContributionNode, DebateRecord
from bot.store import Tally

FORMAT = "counterpoint-debate"
VERSION = 1


def to_json(record: DebateRecord) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _time(record.exported_at),
        "guild_id": str(record.guild_id),
        "piece": {
            "id": record.piece_id,
            "title": record.title,
            "url": record.url,
            "author": record.author,
            "outlet": record.outlet,
            "published_at": _time(record.published_at),
            "discord_url": record.link,
            "thesis": record.thesis,
            "conclusion": record.conclusion,
        },
        "arguments": [_argument(argument) for argument in record.arguments],
    }


def _argument(argument: ArgumentNode) -> dict[str, Any]:
    return {
        "id": argument.id,
        "number": argument.number,
        "title": argument.title,
        "text": argument.text,
        "tally": _tally(argument.tally),
        "discord_url": argument.link,
        "counterarguments": [_contribution(node) for node in argument.counters],
    }


def _contribution(node: ContributionNode) -> dict[str, Any]:
    return {
        "id": node.id,
        "kind": node.kind,
        "author": node.author,
        "body": node.body,
        "removed": node.tombstone,
        "created_at": _time(node.created_at),
        "edited_at": _time(node.edited_at),
        "tally": _tally(node.tally),
        "minds_changed": node.minds_changed,
        "discord_url": node.link,
        "rebuttals": [_contribution(reply) for reply in node.replies],
    }


def _tally(tally: Tally) -> dict[str, int]:
    return {"agree": tally.agree, "disagree": tally.disagree}


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
