"""From a page, a plain text or a feed entry to an ``Article``: paragraphs and metadata.

Pages go through trafilatura (main-text detection, metadata); feed-entry fragments and plain
text are split here, since they are already the piece and need no main-text guessing. Every
path ends in ``strip_boilerplate``. Pure: no network (trafilatura is only ever handed the
document, never a URL to fetch) and no ``discord``.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import detect_encoding

from bot.articles.boilerplate import author_from_boilerplate, byline_name, strip_boilerplate
from bot.articles.model import Article

__all__ = ["EmptyDocument", "ExtractionError", "NotAnArticle", "extract_entry", "extract_html",
           "extract_text"]


class ExtractionError(ValueError):
    """A document no article can be read from; the message is one line, fit for a user."""


class EmptyDocument(ExtractionError):
    """The document has no text at all."""


class NotAnArticle(ExtractionError):
    """The document has text, but no article: a login or error page, a menu, binary data."""


# A page under this many words of prose (paragraphs of 8+ words) is a stub, menu or error
# page; real op-eds run to hundreds. Feed entries are exempt: a teaser is short by nature and
# the pipeline reads its linked page instead.
MIN_PAGE_WORDS = 60
_PROSE_PARAGRAPH_WORDS = 8
# Sign-in and error pages may carry a paragraph or two of marketing; below this many words of
# prose they are still not articles. Above it, a password field is the site's login box.
_FORM_PAGE_WORDS = 120
# Share of control characters (or U+FFFD from a failed decode) above which text is binary.
_BINARY_SHARE = 0.05
_SNIFF = 8192
# The recall-favouring extraction replaces the balanced one only when it finds this much more.
_RECALL_GAIN = 1.2
_RECALL_MIN_EXTRA = 20
_RECALL_SKIP_WORDS = 3000

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--")
_FULL_DOCUMENT_RE = re.compile(r"<\s*(?:!doctype|html|body|head)\b", re.IGNORECASE)
_DOUBLE_BR_RE = re.compile(r"(?:<br\s*/?>\s*(?:&nbsp;|\u00a0)?\s*){2,}", re.IGNORECASE)
# Said by the <title> or <h1> of an error page; only believed when the page is short.
_NOT_FOUND_RE = re.compile(r"\b(?:404|410)\b|page not found|^not found\b|no longer available|"
                           r"page (?:does(?:n[’']t| not) exist|is unavailable)|^error\b|"
                           r"something went wrong", re.IGNORECASE)
_LIST_MARKER_RE = re.compile(r"^(?:[-*•–·▪◦]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)")
_NUMBERED_RE = re.compile(r"^\(?\d{1,3}[.)]\s")
_MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}\s+")
_BULLET_RE = re.compile(r"^[-*•–·▪◦]\s+")
_ROLE_RE = re.compile(r"\b(?:writers?|editors?|correspondents?|contributors?|columnists?|"
                      r"reporters?|staff|desk|team|special to|opinion)\b", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.:;,]['\"’”)\]]*$")

# Hard-wrapped text has lines of a steady width (typically 60 to 80 characters); a line well
# short of that width ends its paragraph.
_WRAP_MIN_WIDTH = 50
_WRAP_MAX_WIDTH = 100
_WRAP_SHORT_LINE = 0.6


# --- pages --------------------------------------------------------------------------------

def extract_html(html: str | bytes, url: str | None = None) -> Article:
    """Read an article page: its body paragraphs (subheadings and list items as their own
    paragraphs), title, author, date and outlet, cleaned of boilerplate.

    Raises ``EmptyDocument`` for a page without text and ``NotAnArticle`` for binary data, a
    sign-in or error page, or a page with too little prose to be a piece.
    """
    where = _prefix(url)
    text = _decode(html, where)
    if not text.strip():
        raise EmptyDocument(f"{where}the document is empty")
    _reject_binary(text, where)
    if not _TAG_RE.search(text):
        # Plain text served as a page: split it as text rather than guess at a DOM.
        return extract_text(text, url=url)

    # A CMS writing "para<br><br>para" means two paragraphs; trafilatura would fold the pair
    # into one line break.
    text = _DOUBLE_BR_RE.sub("</p><p>", text)
    signals = _page_signals(text)
    if not signals.visible_text:
        raise EmptyDocument(f"{where}the page has no text")

    document, blocks = _best_extraction(text, url)
    title = _clean_inline(getattr(document, "title", None)) or signals.title
    author = _clean_author(getattr(document, "author", None))
    blocks, title = _drop_title_heading(blocks, title)
    kept, removed = strip_boilerplate([b.text for b in blocks], title=title,
                                      author=author or _byline_author(blocks))
    _check_page(kept, signals, where)
    return Article(
        paragraphs=kept,
        title=title,
        author=author or author_from_boilerplate(removed),
        url=url or _clean_inline(getattr(document, "url", None)),
        outlet=_clean_inline(getattr(document, "sitename", None)),
        published=_parse_date(getattr(document, "date", None)),
        removed_boilerplate=removed,
    )


def _best_extraction(text: str, url: str | None) -> tuple[Any, list[_Block]]:
    """trafilatura's balanced extraction, or its recall-favouring one when that finds clearly
    more prose: the balanced mode sometimes stops at the first container of a split body
    (paragraphs, then a quote, then the rest)."""
    best: tuple[Any, list[_Block]] = (None, [])
    best_words = 0
    for favor_recall in (False, True):
        document = trafilatura.bare_extraction(
            text, url=url, favor_recall=favor_recall, with_metadata=True,
            include_comments=False, include_tables=False, include_images=False,
            include_links=False, include_formatting=False,
            date_extraction_params={"extensive_search": False, "original_date": True,
                                    "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
        body = getattr(document, "body", None) if document is not None else None
        blocks = _walk(body, _XML_TAGS) if body is not None else []
        words = _prose_words(b.text for b in blocks)
        if best[0] is None or words > _RECALL_GAIN * best_words + _RECALL_MIN_EXTRA:
            best, best_words = (document, blocks), words
        if best_words >= _RECALL_SKIP_WORDS:
            break  # plenty of piece already; a second pass on a huge page costs seconds
    return best


@dataclass(frozen=True, slots=True)
class _PageSignals:
    title: str | None
    visible_text: bool
    password_field: bool
    error_heading: str | None


def _page_signals(text: str) -> _PageSignals:
    """What the raw page says about itself, read before trafilatura reshapes it."""
    try:
        tree = lxml_html.document_fromstring(_strip_xml_declaration(text))
    except (etree.ParserError, ValueError):
        return _PageSignals(None, bool(text.strip()), False, None)
    for node in tree.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    title = _clean_inline(tree.findtext(".//title"))
    visible = bool("".join(tree.itertext()).strip())
    password = bool(tree.xpath("//input[translate(@type, 'PASSWORD', 'password')='password']"))
    headings = [_clean_inline(h.text_content()) or "" for h in tree.xpath("//h1")[:2]]
    headings.append(title or "")
    error = next((h for h in headings if h and len(h) <= 80 and _NOT_FOUND_RE.search(h)), None)
    return _PageSignals(title, visible, password, error)


def _check_page(paragraphs: tuple[str, ...], signals: _PageSignals, where: str) -> None:
    prose = _prose_words(paragraphs)
    if signals.password_field and prose < _FORM_PAGE_WORDS:
        raise NotAnArticle(f"{where}a sign-in page, not an article")
    if signals.error_heading and prose < _FORM_PAGE_WORDS:
        raise NotAnArticle(f"{where}an error page (“{signals.error_heading}”), not an article")
    if not paragraphs:
        raise NotAnArticle(f"{where}no article text found on the page")
    if prose < MIN_PAGE_WORDS:
        raise NotAnArticle(f"{where}only {prose} words of article text, too little for a "
                           f"piece (a menu, stub or teaser page?)")


def _drop_title_heading(blocks: list[_Block], title: str | None) -> tuple[list[_Block],
                                                                         str | None]:
    """Drop the headline from the body; a page without a <title> lends its leading heading."""
    if title is None and blocks and blocks[0].heading:
        return blocks[1:], blocks[0].text
    key = _key(title) if title else None
    return [b for i, b in enumerate(blocks) if not (b.heading and i < 3 and _key(b.text) == key)
            ], title


def _byline_author(blocks: Iterable[_Block]) -> str | None:
    for index, block in enumerate(blocks):
        if index >= 4:
            break
        name = byline_name(block.text)
        if name:
            return name
    return None


# --- plain text ---------------------------------------------------------------------------

def extract_text(text: str, *, title: str | None = None, url: str | None = None) -> Article:
    """Read a plain-text piece: paragraphs split on blank lines (hard-wrapped lines are joined,
    one-paragraph-per-line text is split per line), cleaned of boilerplate.

    Without ``title``, a short unpunctuated first line followed by more text is taken as the
    headline. Raises ``EmptyDocument`` for blank text and ``NotAnArticle`` for binary data.
    """
    where = _prefix(url)
    text = _INVISIBLE_RE.sub("", text or "")
    if not text.strip():
        raise EmptyDocument(f"{where}the document is empty")
    _reject_binary(text, where)
    paragraphs = _text_paragraphs(text)
    if not any(any(ch.isalpha() for ch in p) for p in paragraphs):
        raise NotAnArticle(f"{where}no words in the text")
    title = _clean_inline(title)
    if title is None and _looks_like_headline(paragraphs):
        title, paragraphs = paragraphs[0], paragraphs[1:]
    author = next((n for n in (byline_name(p) for p in paragraphs[:4]) if n), None)
    kept, removed = strip_boilerplate(paragraphs, title=title, author=author)
    if not kept:
        raise NotAnArticle(f"{where}nothing but boilerplate in the text")
    return Article(paragraphs=kept, title=title,
                   author=author or author_from_boilerplate(removed), url=url,
                   removed_boilerplate=removed)


def _text_paragraphs(text: str) -> list[str]:
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t\u00a0]*\n", text):
        paragraphs.extend(_split_lines(block.split("\n")))
    return paragraphs


def _split_lines(lines: Iterable[str]) -> list[str]:
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
    return [p for p in (_clean_paragraph(" ".join(group)) for group in paragraphs) if p]


def _clean_paragraph(text: str) -> str:
    text = _MARKDOWN_HEADING_RE.sub("", text.strip())
    text = _BULLET_RE.sub("", text)
    return " ".join(text.split())


def _looks_like_headline(paragraphs: list[str]) -> bool:
    if len(paragraphs) < 3:
        return False
    first = paragraphs[0]
    return (len(first) <= 150 and _word_count(first) <= 20
            and not _SENTENCE_END_RE.search(first)
            and not _NUMBERED_RE.match(first)
            and byline_name(first) is None
            and sum(_word_count(p) for p in paragraphs[1:]) > 2 * _word_count(first))


# --- feed entries -------------------------------------------------------------------------

def extract_entry(
    *,
    content_html: str | None,
    summary_html: str | None,
    title: str | None,
    link: str | None,
    author: str | None,
    published: datetime | None,
    outlet: str | None = None,
) -> Article:
    """Read a feed entry from its own content (preferred) or summary: HTML fragments keep their
    paragraphs, list items and subheadings; text without markup is split as plain text.

    An entry without content or summary but with a link gives an ``Article`` with no
    paragraphs, so that the caller reads the linked page; without a link either it raises
    ``EmptyDocument``. No minimum length: a short teaser is returned as it is.
    """
    where = _prefix(link)
    title = _clean_inline(_strip_tags(title)) if title else None
    author = _clean_author(_strip_tags(author)) if author else None
    body = next((b for b in (content_html, summary_html) if b and b.strip()), None)
    removed: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    if body is not None:
        _reject_binary(body, where)
        blocks = _fragment_blocks(body)
        blocks, _ = _drop_title_heading(blocks, title)
        captions = [b.text for b in blocks if b.caption]
        texts = [b.text for b in blocks if not b.caption]
        paragraphs, removed = strip_boilerplate(
            texts, title=title, author=author or _byline_author(blocks))
        removed = tuple(captions) + removed
    if not paragraphs and not link:
        raise EmptyDocument(f"{where}the feed entry has no content, summary or link")
    return Article(
        paragraphs=paragraphs,
        title=title,
        author=author or author_from_boilerplate(removed),
        url=link,
        outlet=_clean_inline(outlet),
        published=_aware(published),
        removed_boilerplate=removed,
    )


def _fragment_blocks(fragment: str) -> list[_Block]:
    if not _TAG_RE.search(fragment):
        return [_Block(p) for p in _text_paragraphs(html_lib.unescape(fragment))]
    fragment = _DOUBLE_BR_RE.sub("</p><p>", fragment)
    try:
        if _FULL_DOCUMENT_RE.search(fragment[:1024]):
            root = lxml_html.document_fromstring(_strip_xml_declaration(fragment)).find("body")
        else:
            root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [_Block(p) for p in _text_paragraphs(html_lib.unescape(_strip_tags(fragment)))]
    return _walk(root, _HTML_TAGS) if root is not None else []


# --- walking a tree into paragraphs -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    heading: bool = False
    caption: bool = False


@dataclass(frozen=True, slots=True)
class _Tags:
    """Which tags do what, for trafilatura's XML or for HTML."""

    lists: frozenset[str]
    ordered: Callable[[etree._Element], bool]
    items: frozenset[str]
    breaks: frozenset[str]
    headings: frozenset[str]
    blocks: frozenset[str]
    skip: frozenset[str]
    captions: frozenset[str] = field(default=frozenset())


_XML_TAGS = _Tags(
    lists=frozenset({"list"}),
    ordered=lambda el: el.get("rend") == "ol",
    items=frozenset({"item"}),
    breaks=frozenset({"lb"}),
    headings=frozenset({"head"}),
    blocks=frozenset({"p", "quote", "code", "div", "table", "row", "cell", "doc", "body",
                      "main", "comments"}),
    skip=frozenset({"graphic", "note"}),
)
_HTML_TAGS = _Tags(
    lists=frozenset({"ul", "ol", "dl", "menu"}),
    ordered=lambda el: el.tag == "ol",
    items=frozenset({"li", "dt", "dd"}),
    breaks=frozenset({"br"}),
    headings=frozenset({"h1", "h2", "h3", "h4", "h5", "h6"}),
    blocks=frozenset({"p", "div", "section", "article", "main", "header", "footer", "aside",
                      "blockquote", "pre", "figure", "table", "thead", "tbody", "tr", "td",
                      "th", "hr", "address", "details", "summary", "center", "body", "html"}),
    skip=frozenset({"script", "style", "noscript", "iframe", "svg", "form", "button", "img",
                    "video", "audio", "object", "embed", "template", "nav", "input", "select",
                    "textarea", "head", "picture", "source", "canvas", "map"}),
    captions=frozenset({"figcaption"}),
)


def _walk(root: etree._Element, tags: _Tags) -> list[_Block]:
    """Paragraphs of a tree: one per block element, list item and heading, in order."""
    out: list[_Block] = []
    _walk_block(root, tags, out, prefix="")
    return out


def _walk_block(element: etree._Element, tags: _Tags, out: list[_Block], *, prefix: str,
                heading: bool = False, caption: bool = False) -> None:
    parts: list[str] = []
    # A list item's number goes on its first text, even when that text sits in a nested <p>.
    pending = [prefix]

    def flush() -> None:
        raw = "".join(parts)
        parts.clear()
        for chunk in re.split(r"\n\s*\n", raw):
            for text in _split_lines(chunk.split("\n")):
                out.append(_Block(pending[0] + text, heading=heading, caption=caption))
                pending[0] = ""

    def descend(child: etree._Element, *, as_heading: bool, as_caption: bool) -> None:
        flush()
        _walk_block(child, tags, out, prefix=pending[0], heading=as_heading,
                    caption=as_caption)
        pending[0] = ""

    _append_text(parts, element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None or tag in tags.skip:
            pass  # comments and processing instructions: only their tail is text
        elif tag in tags.breaks:
            parts.append("\n")
        elif tag in tags.lists:
            flush()
            _walk_list(child, tags, out)
        elif tag in tags.headings:
            descend(child, as_heading=True, as_caption=caption)
        elif tag in tags.captions:
            descend(child, as_heading=heading, as_caption=True)
        elif tag in tags.blocks or tag in tags.items:
            descend(child, as_heading=heading, as_caption=caption)
        else:
            _inline_text(child, tags, parts)
        _append_text(parts, child.tail)
    flush()


def _walk_list(element: etree._Element, tags: _Tags, out: list[_Block]) -> None:
    ordered = tags.ordered(element)
    number = _list_start(element)
    for child in element:
        if not isinstance(child.tag, str) or child.tag in tags.skip:
            continue
        if child.tag in tags.items:
            # Keep the numbers a reader sees on an <ol>; the segmenter reads them.
            text = "".join(child.itertext()).strip()
            prefix = f"{number}. " if ordered and not _NUMBERED_RE.match(text) else ""
            _walk_block(child, tags, out, prefix=prefix)
            number += 1
        elif child.tag in tags.lists:
            _walk_list(child, tags, out)
        else:
            _walk_block(child, tags, out, prefix="")


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


# --- small helpers ------------------------------------------------------------------------

def _prefix(url: str | None) -> str:
    """Error messages name the document when there is a name to give."""
    return f"{url}: " if url else ""


def _decode(document: str | bytes, where: str) -> str:
    if isinstance(document, str):
        return _INVISIBLE_RE.sub("", document.lstrip("\ufeff"))
    if not document.strip():
        raise EmptyDocument(f"{where}the document is empty")
    head = document[:_SNIFF]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAnArticle(f"{where}binary data, not text or HTML")
    try:
        return document.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for encoding in detect_encoding(document):
        try:
            return document.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return document.decode("utf-8", errors="replace")


def _reject_binary(text: str, where: str) -> None:
    sample = text[:_SNIFF]
    if sample and len(_CONTROL_RE.findall(sample)) > _BINARY_SHARE * len(sample):
        raise NotAnArticle(f"{where}binary data, not text or HTML")


def _strip_xml_declaration(text: str) -> str:
    # lxml refuses str input that declares an encoding.
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)


def _strip_tags(text: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", text))


def _clean_inline(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(_INVISIBLE_RE.sub("", text).split())
    return text or None


def _clean_author(author: str | None) -> str | None:
    author = _clean_inline(author)
    if author is None:
        return None
    # trafilatura joins several authors with "; " and keeps roles ("Staff Writer") among them.
    names = [n.strip() for n in re.split(r"\s*;\s*", author) if n.strip()]
    names = [n for n in names if not _ROLE_RE.search(n)] or names
    return ", ".join(names) or None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return _aware(datetime.strptime(value, pattern))
        except ValueError:
            continue
    try:
        return _aware(datetime.fromisoformat(value))
    except ValueError:
        return None


def _aware(moment: datetime | None) -> datetime | None:
    # Feed dates are aware; a naive page date compared with them would raise.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _prose_words(paragraphs: Iterable[str]) -> int:
    counts = (_word_count(p) for p in paragraphs)
    return sum(n for n in counts if n >= _PROSE_PARAGRAPH_WORDS)


def _word_count(text: str) -> int:
    return len(text.split())


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()
