"""The whole debate as JSON: every field of the tree, for programs (schema in the README).

``format`` and ``version`` come first so a reader can tell what it holds before reading on; the
version grows only when a field changes meaning or goes away (new fields may appear within one).
Times are ISO 8601 in UTC; a tombstone has ``"body": null`` and says why in ``"removed"``.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

from bot.exports.record import DebateRecord

FORMAT = "counterpoint-debate"
VERSION = 1


def to_json(record: DebateRecord) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _plain(record.exported_at),
        "guild_id": str(record.guild_id),
        "piece": {
            "id": record.piece_id,
            "title": record.title,
            "url": record.url,
            "author": record.author,
            "outlet": record.outlet,
            "published_at": _plain(record.published_at),
            "discord_url": record.link,
            "thesis": record.thesis,
            "conclusion": record.conclusion,
        },
        "arguments": _plain(record.arguments),
    }


#: The tree's field names as the document spells them (the rest are the same).
_NAMES = {"counters": "counterarguments", "replies": "rebuttals", "link": "discord_url",
          "tombstone": "removed"}


def _plain(value: Any) -> Any:
    """A node of the tree as JSON values: dataclasses as objects, tuples as lists, times as
    ISO 8601."""
    if is_dataclass(value) and not isinstance(value, type):
        return {_NAMES.get(f.name, f.name): _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
