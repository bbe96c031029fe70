"""Markdown pieces: front matter read as metadata, the body through a CommonMark parser.

Static-site blogs and newsletters store pieces as Markdown: YAML (or TOML) front matter with
the title, author and date, then ``##`` subheadings, ``**bold**`` labels, numbered and bulleted
lists and escaped markers (``1\\.``). markdown-it-py renders the body to HTML, which the same
tree walker as pages and feed entries reads, so a list item or a subheading means the same
thing whatever the source was. Pure: no I/O.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import yaml
from markdown_it import MarkdownIt

__all__ = ["FrontMatter", "looks_like_markdown", "markdown_to_html", "split_front_matter"]

# YAML between "---" lines (closed by "---" or "..."), TOML between "+++" lines (Hugo).
_YAML_FRONT_RE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)",
                            re.DOTALL)
_TOML_FRONT_RE = re.compile(r"\A\ufeff?\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)",
                            re.DOTALL)
# What only Markdown writes: ATX headings, emphasis, links, images, escaped list numbers,
# fenced code. Two distinct signals make a text Markdown; one could be an accident of prose.
_SIGNALS = (
    re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE),
    re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"),
    re.compile(r"(?<![\w*])\*(?!\s)[^*\n]+(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)[^_\n]+(?<!\s)_(?!\w)"),
    re.compile(r"!?\[[^\]\n]+\]\([^)\s]+(?:\s+\"[^\"]*\")?\)"),
    re.compile(r"^\s*\d{1,3}\\[.)][ \t]", re.MULTILINE),
    re.compile(r"^(?:```|~~~)", re.MULTILINE),
    re.compile(r"^>[ \t]?\S", re.MULTILINE),
)
_TITLE_KEYS = ("title", "headline")
_AUTHOR_KEYS = ("author", "authors", "byline", "writer")
_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "publish_date", "created")

# Soft line breaks become <br>: the tree walker then joins a hard-wrapped paragraph's lines
# and splits lines of another shape, as it does for plain text, since CMS exports write one
# line per paragraph or a heading line straight under a paragraph without a blank line.
_PARSER = MarkdownIt("commonmark", {"breaks": True})
_KRAMDOWN_ATTRIBUTES_RE = re.compile(r"\{:[^{}\n]{0,200}\}")
_SPACE_IN_STRONG_RE = re.compile(r"(?<![\w*_])(\*\*|__)(\S(?:[^*_\n]*?\S)?)[ \t\u00a0]+(\1)(?=\w)")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    title: str | None = None
    author: str | None = None
    published: datetime | None = None


def looks_like_markdown(text: str) -> bool:
    """Whether a text is Markdown rather than plain prose (front matter, or two signals)."""
    if _YAML_FRONT_RE.match(text) or _TOML_FRONT_RE.match(text):
        return True
    sample = text[:200_000]
    return sum(1 for signal in _SIGNALS if signal.search(sample)) >= 2


def split_front_matter(text: str) -> tuple[FrontMatter, str]:
    """The front matter's title, author and date, and the body after it.

    Front matter that does not parse is dropped from the body all the same: it is never
    prose, and a reader would not see it.
    """
    for pattern, parse in ((_YAML_FRONT_RE, _yaml), (_TOML_FRONT_RE, _toml)):
        m = pattern.match(text)
        if m:
            return _front_matter(parse(m.group(1))), text[m.end():]
    return FrontMatter(), text


def markdown_to_html(body: str) -> str:
    """The body as CommonMark renders it (raw HTML inside it passes through).

    "**Label: **Text", with the space inside the closing asterisks, is a common slip that
    CommonMark leaves unbolded; the writer meant a bold label, so the space is moved out.
    """
    body = _KRAMDOWN_ATTRIBUTES_RE.sub("", body)  # "{:target="_blank"}" after a link
    return _PARSER.render(_SPACE_IN_STRONG_RE.sub(r"\1\2\3 ", body))


def _yaml(source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _toml(source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError:
        return {}


def _front_matter(data: dict[str, Any]) -> FrontMatter:
    lowered = {str(key).lower(): value for key, value in data.items()}
    return FrontMatter(
        title=_text(next((lowered[k] for k in _TITLE_KEYS if k in lowered), None)),
        author=_names(next((lowered[k] for k in _AUTHOR_KEYS if k in lowered), None)),
        published=_moment(next((lowered[k] for k in _DATE_KEYS if k in lowered), None)),
    )


def _text(value: Any) -> str | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


def _names(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_names(item) for item in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("display_name"))
    return _text(value)


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None
