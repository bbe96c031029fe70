"""Discord messages and embeds as plain data (no ``discord`` import).

The publisher's piece card and the weekly summary are both :class:`EmbedSpec`; a cog turns
one into a discord.py embed with ``discord.Embed.from_dict(spec.to_dict())``. The limits are
Discord's documented ones
(https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MESSAGE_LIMIT = 2000
THREAD_NAME_LIMIT = 100
FORUM_TAG_NAME_LIMIT = 20
NONCE_LIMIT = 25
EMBEDS_LIMIT = 10  # embeds in one message
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELDS_LIMIT = 25
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000  # all text of all the embeds of one message


def size(text: str | None) -> int:
    """Length as Discord may count it: UTF-16 code units (never less than code points)."""
    return 0 if not text else len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class EmbedField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class EmbedSpec:
    """One embed, independent of discord.py."""

    title: str
    description: str = ""
    url: str | None = None
    fields: tuple[EmbedField, ...] = field(default=())
    footer: str | None = None
    color: int | None = None
    image: str | None = None  # e.g. attachment://chart.png; not counted in the text limits

    def length(self) -> int:
        """What counts toward Discord's 6000-character message total."""
        return (size(self.title) + size(self.description) + size(self.footer)
                + sum(size(f.name) + size(f.value) for f in self.fields))

    def to_dict(self) -> dict[str, Any]:
        """Discord's embed JSON."""
        data: dict[str, Any] = {"type": "rich", "title": self.title}
        if self.color is not None:
            data["color"] = self.color
        if self.description:
            data["description"] = self.description
        if self.url:
            data["url"] = self.url
        if self.fields:
            data["fields"] = [{"name": f.name, "value": f.value, "inline": f.inline}
                              for f in self.fields]
        if self.footer:
            data["footer"] = {"text": self.footer}
        if self.image:
            data["image"] = {"url": self.image}
        return data


def total_length(embeds: Sequence[EmbedSpec]) -> int:
    return sum(e.length() for e in embeds)
