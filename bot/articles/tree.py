"""Walking a parsed document into blocks: trafilatura's XML of a page, or an HTML fragment.

One walker for both (and for Markdown, which is rendered to HTML first), so that a list item, a
subheading, a block quote or a bold label means the same thing whatever the source was. Lines
inside a block go through ``split_lines``, the same rule plain text follows: hard-wrapped lines
are joined, lines of another shape are paragraphs of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from lxml import etree, html

from bot.articles.boilerplate import byline_name
from bot.articles.model import Block, BlockKind

__all__ = ["HTML_TAGS", "XML_TAGS", "TreeBlock", "restore_structure", "split_lines", "walk"]

_LIST_MARKER_RE = re.compile(r"^(?:[-*•–·▪◦]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)")
_NUMBERED_RE = re.compile(r"^\(?\d{1,3}[.)]\s")
_HEADING_ANCHOR_RE = re.compile(r"\s*\{#[\w:.-]+\}\s*$")
# What may stand before a bold label and leave it the block's lead: nothing, or a number.
_LEAD_PREFIX_RE = re.compile(r"\s*(?:(?:\(?\d{1,2}[.):]?|#\d{1,2}[.:]?|No\.\s*\d{1,2}[.:]?)\s*)?$")
# Hard-wrapped text has lines of a steady width (typically 60 to 80 characters); a line well
# short of that width ends its paragraph.
_WRAP_MIN_WIDTH = 50
_WRAP_MAX_WIDTH = 100
_WRAP_SHORT_LINE = 0.6


@dataclass(frozen=True, slots=True)
class TreeBlock:
    """A block as the walker found it, with what only extraction needs to know."""

    block: Block
    caption: bool = False

    @property
    def text(self) -> str:
        return self.block.text

    @property
    def heading(self) -> bool:
        return self.block.kind is BlockKind.HEADING


@dataclass(frozen=True, slots=True)
class _Tags:
    """Which tags do what, for trafilatura's XML or for HTML."""

    lists: frozenset[str]
    ordered: Callable[[etree._Element], bool]
    items: frozenset[str]
    breaks: frozenset[str]
    heading_level: Callable[[etree._Element], int]  # 0: not a heading
    quotes: frozenset[str]
    emphasis: frozenset[str]
    blocks: frozenset[str]
    skip: frozenset[str]
    captions: frozenset[str] = field(default=frozenset())


def _xml_heading_level(element: etree._Element) -> int:
    if element.tag != "head":
        return 0
    rend = element.get("rend") or ""
    return int(rend[1]) if len(rend) == 2 and rend[0] == "h" and rend[1] in "123456" else 2


def _html_heading_level(element: etree._Element) -> int:
    tag = element.tag
    return int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456" else 0


XML_TAGS = _Tags(
    lists=frozenset({"list"}),
    ordered=lambda el: el.get("rend") == "ol",
    items=frozenset({"item"}),
    breaks=frozenset({"lb"}),
    heading_level=_xml_heading_level,
    quotes=frozenset({"quote"}),
    emphasis=frozenset({"hi"}),
    blocks=frozenset({"p", "div", "table", "row", "cell", "doc", "body", "main",
                      "comments"}),
    # Code is no prose, and a Markdown footnote indented four spaces becomes code.
    skip=frozenset({"graphic", "note", "code"}),
)
HTML_TAGS = _Tags(
    lists=frozenset({"ul", "ol", "dl", "menu"}),
    ordered=lambda el: el.tag == "ol",
    items=frozenset({"li", "dt", "dd"}),
    breaks=frozenset({"br"}),
    heading_level=_html_heading_level,
    quotes=frozenset({"blockquote"}),
    emphasis=frozenset({"strong", "b", "em", "i"}),
    blocks=frozenset({"p", "div", "section", "article", "main", "header", "footer", "aside",
                      "figure", "table", "thead", "tbody", "tr", "td", "th", "hr",
                      "address", "details", "summary", "center", "body", "html"}),
    skip=frozenset({"script", "style", "noscript", "iframe", "svg", "form", "button", "img",
                    "pre",
                    "video", "audio", "object", "embed", "template", "nav", "input", "select",
                    "textarea", "head", "picture", "source", "canvas", "map"}),
    captions=frozenset({"figcaption"}),
)


@dataclass(frozen=True, slots=True)
class _Context:
    """What the blocks found inside an element inherit from it."""

    kind: BlockKind = BlockKind.PARAGRAPH
    level: int = 0
    list_id: int | None = None
    caption: bool = False


@dataclass(slots=True)
class _Item:
    """A list item whose first block is still to come: it takes the number and the kind."""

    number: int | None
    list_id: int
    depth: int


class _TreeReader:
    """Blocks of a tree: one per block element, list item and heading, in reading order, with
    headings' levels, list items' numbers and lists, quotes and bold labels kept."""

    def __init__(self, tags: _Tags) -> None:
        self.tags = tags
        self.out: list[TreeBlock] = []
        self._lists = 0
        self._depth = 0
        self._rule = False  # a thematic break (<hr>) since the last block

    def read(self, root: etree._Element) -> list[TreeBlock]:
        self._element(root, _Context(), None)
        return self.out

    def _element(self, element: etree._Element, ctx: _Context, item: _Item | None) -> None:
        tags = self.tags
        parts: list[str] = []
        lead = self._lead(element)
        pending = [item]

        def flush() -> None:
            nonlocal lead
            raw = "".join(parts)
            parts.clear()
            for chunk in re.split(r"\n\s*\n", raw):
                for text in split_lines(chunk.split("\n")):
                    self._emit(text, ctx, pending[0], lead)
                    pending[0] = None
                    lead = None

        def descend(child: etree._Element, child_ctx: _Context) -> None:
            flush()
            self._element(child, child_ctx, pending[0])
            # The item's first block is written by now, unless the child held no text.
            if pending[0] is not None and self.out and self.out[-1].block.kind is BlockKind.ITEM:
                pending[0] = None

        _append_text(parts, element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else None
            level = tags.heading_level(child) if tag is not None else 0
            if tag is None or tag in tags.skip:
                pass  # comments and processing instructions: only their tail is text
            elif tag in tags.breaks:
                parts.append("\n")
            elif tag == "hr":
                flush()
                self._rule = True
            elif tag in tags.lists:
                flush()
                self._list(child, ctx)
            elif level:
                descend(child, replace(ctx, kind=BlockKind.HEADING, level=level))
            elif tag in tags.captions:
                descend(child, replace(ctx, caption=True))
            elif tag in tags.quotes:
                descend(child, replace(ctx, kind=BlockKind.QUOTE))
            elif tag in tags.blocks or tag in tags.items:
                descend(child, ctx)
            else:
                _inline_text(child, tags, parts)
            _append_text(parts, child.tail)
        flush()

    def _emit(self, text: str, ctx: _Context, item: _Item | None, lead: str | None) -> None:
        text = _HEADING_ANCHOR_RE.sub("", text).rstrip() or text  # Hugo's "{#anchor}"
        after_break, self._rule = self._rule, False
        if lead is not None and lead not in text[:len(lead) + 12]:
            lead = None
        if item is not None:
            prefix = f"{item.number}. " if item.number is not None and not _NUMBERED_RE.match(
                text) else ""
            block = Block(prefix + text, BlockKind.ITEM, level=item.depth, number=item.number,
                          list_id=item.list_id, lead=lead, after_break=after_break)
        else:
            kind = ctx.kind
            block = Block(text, kind, level=ctx.level if kind is BlockKind.HEADING else 0,
                          list_id=ctx.list_id, lead=lead, after_break=after_break)
        self.out.append(TreeBlock(block, caption=ctx.caption))

    def _list(self, element: etree._Element, ctx: _Context) -> None:
        tags = self.tags
        self._lists += 1
        list_id = self._lists
        ordered = tags.ordered(element)
        number = _list_start(element)
        depth = self._depth
        self._depth += 1
        # A list inside a quotation is the quoted writer's list.
        item_ctx = replace(ctx, list_id=list_id,
                           kind=BlockKind.QUOTE if ctx.kind is BlockKind.QUOTE
                           else BlockKind.PARAGRAPH)
        try:
            for child in element:
                if not isinstance(child.tag, str) or child.tag in tags.skip:
                    continue
                if child.tag in tags.items:
                    item = (_Item(number if ordered else None, list_id, depth)
                            if ctx.kind is not BlockKind.QUOTE else None)
                    self._element(child, item_ctx, item)
                    number += 1
                elif child.tag in tags.lists:
                    self._list(child, ctx)
                else:
                    self._element(child, item_ctx, None)
        finally:
            self._depth -= 1

    def _lead(self, element: etree._Element) -> str | None:
        """The emphasised words opening ``element``'s text, if it opens with emphasis."""
        if not len(element) or not _LEAD_PREFIX_RE.match(element.text or ""):
            return None
        first = element[0]
        if not isinstance(first.tag, str) or first.tag not in self.tags.emphasis:
            return None
        text = " ".join("".join(first.itertext()).split())
        return text or None


def walk(root: etree._Element, tags: _Tags) -> list[TreeBlock]:
    """Blocks of a tree in reading order (see :class:`_TreeReader`)."""
    return _TreeReader(tags).read(root)


def _list_start(element: etree._Element) -> int:
    try:
        return int(element.get("start", "1"))
    except ValueError:
        return 1


def _inline_text(element: etree._Element, tags: _Tags, parts: list[str]) -> None:
    _append_text(parts, element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag in tags.breaks:
            parts.append("\n")
        elif tag is not None and tag not in tags.skip:
            _inline_text(child, tags, parts)
        _append_text(parts, child.tail)


def _append_text(parts: list[str], text: str | None) -> None:
    # Source newlines are layout, not breaks: only <br>/<lb> put a "\n" in ``parts``.
    if text:
        parts.append(re.sub(r"\s+", " ", text))


def split_lines(lines: Iterable[str]) -> list[str]:
    """Paragraphs from the lines of one block (no blank lines inside).

    Lines of a steady width are a hard-wrapped paragraph and are joined, except where a line
    falls well short of the width (the paragraph ended) or a list item or numbered heading
    starts. Lines of any other shape (very long, or all short) are each a paragraph.
    """
    cleaned = [" ".join(line.split()) for line in lines]
    cleaned = [line for line in cleaned if line]
    if not cleaned:
        return []
    width = max(len(line) for line in cleaned)
    wrapped = len(cleaned) > 1 and _WRAP_MIN_WIDTH <= width <= _WRAP_MAX_WIDTH
    paragraphs: list[list[str]] = []
    for line in cleaned:
        starts_new = (
            not paragraphs or not wrapped
            or _LIST_MARKER_RE.match(line) is not None
            or byline_name(line) is not None
            or len(paragraphs[-1][-1]) < _WRAP_SHORT_LINE * width
        )
        if starts_new:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return [text for text in (" ".join(group).strip() for group in paragraphs) if text]


# A subheading is a line, not a paragraph: longer "headings" are page furniture or titles.
_RESTORED_HEADING_WORDS = 20
_HEADING_TAGS = ("h2", "h3", "h4")
_BOLD_TAGS = frozenset({"b", "strong"})


def restore_structure(page: str, blocks: list[TreeBlock]) -> list[TreeBlock]:
    """The subheadings, bold labels and section breaks trafilatura dropped, put back on the
    paragraphs they belong to.

    When no container of the page looks like an article body (a newsletter's ``div``, an
    old page laid out in tables), trafilatura recovers the paragraphs one by one, without
    the headings between them and without their formatting, though both carry a piece's
    points ("1. The supply story was too tidy", "**The deadlines are too late.** Heat
    cannot wait"). A heading of the page is put back only where the paragraph right after
    it was extracted, and not before the first one (a headline or standfirst); where
    trafilatura kept any heading, or any bold label, its reading of those stands.
    """
    if not blocks:
        return blocks
    try:
        root = html.fromstring(page)
    except (etree.ParserError, ValueError):
        return blocks
    opening = {_opening(b.text): i for i, b in enumerate(blocks) if not b.heading}
    before: dict[int, TreeBlock] = {}
    if not any(b.heading for b in blocks):
        for heading in root.iter(*_HEADING_TAGS):
            text = " ".join(heading.text_content().split())
            if not text or len(text.split()) > _RESTORED_HEADING_WORDS:
                continue
            following = next((e for e in heading.itersiblings() if isinstance(e.tag, str)
                              and e.text_content().strip()), None)
            index = opening.get(_opening(following.text_content())) if following is not None \
                else None
            if index is not None and index > 0 and index not in before:
                before[index] = TreeBlock(Block(text, BlockKind.HEADING,
                                                level=int(heading.tag[1])))
    leads: dict[int, str] = {}
    if not any(b.block.lead for b in blocks):
        for paragraph in root.iter("p"):
            first = paragraph[0] if len(paragraph) else None
            if (first is None or not isinstance(first.tag, str) or first.tag not in _BOLD_TAGS
                    or (paragraph.text or "").strip()):
                continue
            lead = " ".join(first.text_content().split())
            index = opening.get(_opening(paragraph.text_content()))
            if lead and index is not None and blocks[index].text.startswith(lead) \
                    and len(lead) < len(blocks[index].text):
                leads[index] = lead
    ruled: set[int] = set()
    if not any(b.block.after_break for b in blocks):
        for rule in root.iter("hr"):
            following = next((e for e in rule.itersiblings() if isinstance(e.tag, str)
                              and e.text_content().strip()), None)
            index = opening.get(_opening(following.text_content())) if following is not None \
                else None
            if index is not None and index > 0:
                ruled.add(index)
    if not before and not leads and not ruled:
        return blocks
    restored: list[TreeBlock] = []
    for index, block in enumerate(blocks):
        if index in before:
            restored.append(before[index])
        if index in leads:
            block = replace(block, block=replace(block.block, lead=leads[index]))
        if index in ruled:
            block = replace(block, block=replace(block.block, after_break=True))
        restored.append(block)
    return restored


def _opening(text: str) -> str:
    """A paragraph's first words, to find the extracted block of a page's element."""
    return " ".join(text.split()[:12])
