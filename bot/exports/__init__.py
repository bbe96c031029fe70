"""A debate's record outside Discord: read once from the store, rendered in four formats.

:func:`read_debate` builds the tree (:mod:`bot.exports.record`); each format is a pure function
of it. ``FORMATS`` is the one list of formats: the slash command and the command line both offer
exactly these.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from bot.exports.jsondoc import to_json
from bot.exports.kialo import KialoFormatError, parse_kialo, to_kialo
from bot.exports.markdown import to_markdown
from bot.exports.page import to_html
from bot.exports.record import (
    ArgumentNode,
    ContributionNode,
    DebateRecord,
    pieces_to_export,
    read_debate,
)


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    description: str
    suffix: str
    media_type: str
    render: Callable[[DebateRecord], str]


def _json_text(record: DebateRecord) -> str:
    return json.dumps(to_json(record), ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, ExportFormat] = {fmt.name: fmt for fmt in (
    ExportFormat("html", "one web page, readable anywhere", ".html", "text/html", to_html),
    ExportFormat("md", "a Markdown document", ".md", "text/markdown", to_markdown),
    ExportFormat("kialo", "Kialo's import format", ".txt", "text/plain", to_kialo),
    ExportFormat("json", "the whole tree, for programs", ".json", "application/json",
                 _json_text),
)}

__all__ = ["FORMATS", "ArgumentNode", "ContributionNode", "DebateRecord", "ExportFormat",
           "KialoFormatError", "parse_kialo", "pieces_to_export", "read_debate", "to_html",
           "to_json", "to_kialo", "to_markdown"]
