"""From a page, a Markdown or plain text, or a feed entry to an ``Article``: blocks and metadata.

Pages go through trafilatura (main-text detection, metadata) with their formatting kept, so
lists, subheadings, quotes and bold labels reach the splitter as structure; Markdown goes
through a CommonMark parser (``markdown``), its front matter read as metadata; feed-entry
fragments are walked as they are, since they are already the piece and need no main-text
guessing; plain text stays plain. Every path ends in ``strip_boilerplate_blocks`` and the body
cap. Pure: no network (trafilatura is only ever handed the document, never a URL to fetch)
and no ``discord``.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from bot.articles.boilerplate import (
    author_from_boilerplate,
    byline_name,
    strip_boilerplate_blocks,
)
from bot.articles.markdown import looks_like_markdown, markdown_to_html, split_front_matter
from bot.articles.model import Article, Block, BlockKind
from bot.articles.tree import (
    HTML_TAGS,
    XML_TAGS,
    TreeBlock,
    restore_structure,
    split_lines,
    walk,
)

__all__ = ["BODY_CHAR_LIMIT", "MARKUP_CHAR_LIMIT", "EmptyDocument", "ExtractionError",
           "NotAnArticle", "extract_entry", "extract_html", "extract_markdown", "extract_text"]


class ExtractionError(ValueError):
    """A document no article can be read from; the message is one line, fit for a user."""


class EmptyDocument(ExtractionError):
    """The document has no text at all."""


class NotAnArticle(ExtractionError):
    """The document has text, but no article: a login or error page, a menu, binary data."""


# The longest pieces worth debating run to some 15,000 words (about 100,000 characters); a
# body longer than this is read up to the limit, with a note, so that a hostile or runaway
# entry cannot hold a worker for long. Markup is cut before parsing for the same reason.
BODY_CHAR_LIMIT = 200_000
MARKUP_CHAR_LIMIT = 1_000_000
_SHORTEST_CUT = 300
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
_SCRIPT_STYLE_RE = re.compile(r"<(script|style|noscript|svg|template)\b[^>]*>.*?</\1\s*>",
                              re.IGNORECASE | re.DOTALL)
_DOUBLE_BR_RE = re.compile(r"(?:<br\s*/?>\s*(?:&nbsp;|\u00a0)?\s*){2,}", re.IGNORECASE)
# A paragraph that is nothing but a link to another page, bold or not: a related article's
# headline set in the text ("SPICER ELIMINATED FROM 'DANCING WITH THE STARS'"), not the piece.
_LINK_PARAGRAPH_RE = re.compile(
    r"<p\b[^>]*>\s*(?:<(?:strong|b|em|i|span)\b[^>]*>\s*)*<a\b[^>]*\bhref=[^>]*>"
    r"(?P<text>[^<]{12,240})</a>\s*(?:</(?:strong|b|em|i|span)>\s*)*</p>", re.IGNORECASE)
# Said by the <title> or <h1> of an error page; only believed when the page is short.
_NOT_FOUND_RE = re.compile(r"\b(?:404|410)\b|page not found|^not found\b|no longer available|"
                           r"page (?:does(?:n[’']t| not) exist|is unavailable)|^error\b|"
                           r"something went wrong", re.IGNORECASE)
_NUMBERED_RE = re.compile(r"^\(?\d{1,3}[.)]\s")
# A line that is only a section break: "* * *", "***", "---", "⁂", "~~~".
_RULE_RE = re.compile(r"(?:[*·•⁂~#=_-]\s*){3,}|⁂")
_MARKDOWN_HEADING_RE = re.compile(r"^(#{1,6})\s+")
_BULLET_RE = re.compile(r"^[-*•–·▪◦]\s+")
_ROLE_RE = re.compile(r"\b(?:writers?|editors?|correspondents?|contributors?|columnists?|"
                      r"reporters?|staff|desk|team|special to|opinion)\b", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.:;,]['\"’”)\]]*$")



# --- pages --------------------------------------------------------------------------------

def extract_html(html: str | bytes, url: str | None = None) -> Article:
    """Read an article page: its body blocks (paragraphs, subheadings with their levels, list
    items with their numbers, quotes, bold labels), title, author, date and outlet, cleaned of
    boilerplate.

    Raises ``EmptyDocument`` for a page without text and ``NotAnArticle`` for binary data, a
    sign-in or error page, or a page with too little prose to be a piece.
    """
    where = _prefix(url)
    text = _decode(html, where)
    if not text.strip():
        raise EmptyDocument(f"{where}the document is empty")
    _reject_binary(text, where)
    if not _TAG_RE.search(text[:_SNIFF * 8]):
        # Plain text served as a page: split it as text rather than guess at a DOM.
        return extract_text(text, url=url)
    if not _FULL_DOCUMENT_RE.search(text[:2048]):
        # A fragment (a feed entry's body saved as a file) is the piece itself: walk it as
        # it is; main-text detection would throw away its subheadings as page furniture.
        return _fragment_article(text, url)
    notes: list[str] = []
    if len(text) > MARKUP_CHAR_LIMIT:
        # Scripts and styles first: a heavy page is mostly those, and its article is after.
        text = _SCRIPT_STYLE_RE.sub("", text)
    if len(text) > MARKUP_CHAR_LIMIT:
        notes.append(f"Only the first {MARKUP_CHAR_LIMIT:,} characters of the page's "
                     f"{len(text):,} were read.")
        text = text[:MARKUP_CHAR_LIMIT]

    # A CMS writing "para<br><br>para" means two paragraphs; trafilatura would fold the pair
    # into one line break.
    text = _DOUBLE_BR_RE.sub("</p><p>", text)
    promos = [" ".join(html_lib.unescape(m["text"]).split())
              for m in _LINK_PARAGRAPH_RE.finditer(text)]
    text = _LINK_PARAGRAPH_RE.sub("", text)
    signals = _page_signals(text)
    if not signals.visible_text:
        raise EmptyDocument(f"{where}the page has no text")

    document, blocks = _best_extraction(text, url)
    blocks = restore_structure(text, blocks)
    title = _clean_inline(getattr(document, "title", None)) or signals.title
    author = _clean_author(getattr(document, "author", None))
    blocks, title = _drop_title_heading(blocks, title)
    kept, removed, cut = _body([b.block for b in blocks], title=title,
                               author=author or _byline_author(blocks))
    _check_page(kept, signals, where)
    return Article(
        blocks=kept,
        title=title,
        author=author or author_from_boilerplate(removed),
        url=url or _clean_inline(getattr(document, "url", None)),
        outlet=_clean_inline(getattr(document, "sitename", None)),
        published=_parse_date(getattr(document, "date", None)),
        removed_boilerplate=(*removed, *promos),
        notes=(*notes, *cut),
    )


def _fragment_article(text: str, url: str | None) -> Article:
    text, notes = _capped_markup(text)
    blocks = _fragment_tree_blocks(text)
    blocks, title = _drop_title_heading(blocks, None)
    captions = [b.text for b in blocks if b.caption]
    kept, removed, cut = _body([b.block for b in blocks if not b.caption], title=title,
                               author=_byline_author(blocks))
    if not kept:
        raise NotAnArticle(f"{_prefix(url)}no article text found in the fragment")
    removed = (*captions, *removed)
    return Article(blocks=kept, title=title, author=author_from_boilerplate(removed), url=url,
                   removed_boilerplate=removed, notes=(*notes, *cut))


def _best_extraction(text: str, url: str | None) -> tuple[Any, list[TreeBlock]]:
    """trafilatura's balanced extraction, or its recall-favouring one when that finds clearly
    more prose: the balanced mode sometimes stops at the first container of a split body
    (paragraphs, then a quote, then the rest)."""
    # Imported on the first page read, not with the bot: polling feeds that carry their
    # text, and everything Discord asks of the bot, never need it (10 MB of the process).
    import trafilatura

    best: tuple[Any, list[TreeBlock]] = (None, [])
    best_words = 0
    for favor_recall in (False, True):
        document = trafilatura.bare_extraction(
            text, url=url, favor_recall=favor_recall, with_metadata=True,
            include_comments=False, include_tables=False, include_images=False,
            include_links=False, include_formatting=True,
            date_extraction_params={"extensive_search": False, "original_date": True,
                                    "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
        body = getattr(document, "body", None) if document is not None else None
        blocks = walk(body, XML_TAGS) if body is not None else []
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


def _check_page(blocks: Sequence[Block], signals: _PageSignals, where: str) -> None:
    prose = _prose_words(b.text for b in blocks)
    if signals.password_field and prose < _FORM_PAGE_WORDS:
        raise NotAnArticle(f"{where}a sign-in page, not an article")
    if signals.error_heading and prose < _FORM_PAGE_WORDS:
        raise NotAnArticle(f"{where}an error page (“{signals.error_heading}”), not an article")
    if not blocks:
        raise NotAnArticle(f"{where}no article text found on the page")
    if prose < MIN_PAGE_WORDS:
        raise NotAnArticle(f"{where}only {prose} words of article text, too little for a "
                           f"piece (a menu, stub or teaser page?)")


def _drop_title_heading(blocks: list[TreeBlock], title: str | None) -> tuple[list[TreeBlock],
                                                                         str | None]:
    """Drop the headline from the body; a body without a title lends its leading heading."""
    if title is None and blocks and blocks[0].heading:
        return blocks[1:], blocks[0].text
    key = _key(title) if title else None
    return [b for i, b in enumerate(blocks) if not (b.heading and i < 3 and _key(b.text) == key)
            ], title


def _byline_author(blocks: Iterable[TreeBlock]) -> str | None:
    for index, block in enumerate(blocks):
        if index >= 4:
            break
        name = byline_name(block.text)
        if name:
            return name
    return None


def _body(blocks: Sequence[Block], *, title: str | None, author: str | None
          ) -> tuple[tuple[Block, ...], tuple[str, ...], tuple[str, ...]]:
    """The piece's body: cut to ``BODY_CHAR_LIMIT`` first (so nothing after reads more), then
    cleaned of boilerplate; with what was removed and the note of the cut."""
    capped, cut = _capped(blocks)
    kept, removed = strip_boilerplate_blocks(capped, title=title, author=author)
    return kept, removed, cut


def _capped(blocks: Sequence[Block]) -> tuple[tuple[Block, ...], tuple[str, ...]]:
    """The body up to ``BODY_CHAR_LIMIT`` characters, and a note when it was cut."""
    total = sum(len(b.text) for b in blocks)
    if total <= BODY_CHAR_LIMIT:
        return tuple(blocks), ()
    kept: list[Block] = []
    size = 0
    for block in blocks:
        room = BODY_CHAR_LIMIT - size
        if room < _SHORTEST_CUT:
            break  # a few words cut out of a paragraph read as nonsense
        if len(block.text) > room:
            block = replace(block, text=_cut_text(block.text, room))
        kept.append(block)
        size += len(block.text)
    note = (f"Only the first {size:,} characters of the piece's {total:,} were read; "
            f"the rest was left out.")
    return tuple(kept), (note,)


def _cut_text(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a sentence end, else at a space."""
    head = text[:limit]
    floor = limit * 4 // 5
    for mark in (". ", "? ", "! ", " "):
        cut = head.rfind(mark, floor)
        if cut != -1:
            return head[:cut + 1].rstrip()
    return head


# --- Markdown -------------------------------------------------------------------------------

def extract_markdown(text: str, *, title: str | None = None, url: str | None = None
                     ) -> Article:
    """Read a Markdown piece: front matter as metadata (never as body), the body through
    CommonMark, a leading ``#`` heading as the title where the front matter names none."""
    where = _prefix(url)
    text = _INVISIBLE_RE.sub("", (text or "").replace("\r\n", "\n"))
    if not text.strip():
        raise EmptyDocument(f"{where}the document is empty")
    _reject_binary(text, where)
    text, notes = _capped_source(text)
    meta, body = split_front_matter(text)
    title = _clean_inline(title) or meta.title
    blocks = _fragment_tree_blocks(markdown_to_html(body))
    blocks, title = _drop_title_heading(blocks, title)
    author = meta.author or _byline_author(blocks)
    kept, removed, cut = _body([b.block for b in blocks if not b.caption], title=title,
                               author=author)
    if not any(any(ch.isalpha() for ch in b.text) for b in kept):
        raise NotAnArticle(f"{where}no words in the text")
    return Article(blocks=kept, title=title,
                   author=author or author_from_boilerplate(removed), url=url,
                   published=meta.published, removed_boilerplate=removed,
                   notes=(*notes, *cut))


def _capped_source(text: str) -> tuple[str, tuple[str, ...]]:
    """A text source cut before it is split: a body past the cap is never read anyway."""
    limit = BODY_CHAR_LIMIT + BODY_CHAR_LIMIT // 4  # room for markup and boilerplate
    if len(text) <= limit:
        return text, ()
    return _cut_text(text, limit), (f"Only the first {limit:,} characters of the "
                                    f"document's {len(text):,} were read.",)


# --- plain text ---------------------------------------------------------------------------

def extract_text(text: str, *, title: str | None = None, url: str | None = None) -> Article:
    """Read a plain-text piece: paragraphs split on blank lines (hard-wrapped lines are joined,
    one-paragraph-per-line text is split per line), bulleted lines as list items, cleaned of
    boilerplate. Text that is Markdown (front matter, or Markdown's own syntax) is read as
    Markdown.

    Without ``title``, a short unpunctuated first line followed by more text is taken as the
    headline. Raises ``EmptyDocument`` for blank text and ``NotAnArticle`` for binary data.
    """
    where = _prefix(url)
    text = _INVISIBLE_RE.sub("", text or "")
    if not text.strip():
        raise EmptyDocument(f"{where}the document is empty")
    _reject_binary(text, where)
    if looks_like_markdown(text[:BODY_CHAR_LIMIT]):
        return extract_markdown(text, title=title, url=url)
    text, notes = _capped_source(text)
    blocks = _text_blocks(text)
    if not any(any(ch.isalpha() for ch in b.text) for b in blocks):
        raise NotAnArticle(f"{where}no words in the text")
    title = _clean_inline(title)
    if title is None and _looks_like_headline([b.text for b in blocks]):
        title, blocks = blocks[0].text, blocks[1:]
    author = next((n for n in (byline_name(b.text) for b in blocks[:4]) if n), None)
    kept, removed, cut = _body(blocks, title=title, author=author)
    if not kept:
        raise NotAnArticle(f"{where}nothing but boilerplate in the text")
    return Article(blocks=kept, title=title,
                   author=author or author_from_boilerplate(removed), url=url,
                   removed_boilerplate=removed, notes=(*notes, *cut))


def _text_blocks(text: str) -> list[Block]:
    """Paragraphs of a plain text as blocks: a "## " line is a heading, a bulleted line a
    list item (consecutive ones one list), a line of asterisks or dashes a section break
    carried by the block after it; everything else a paragraph, as written."""
    blocks: list[Block] = []
    lists = 0
    ruled = False
    for paragraph in _text_paragraphs(text):
        if _RULE_RE.fullmatch(paragraph.strip()):
            ruled = bool(blocks)  # "* * *" before anything is decoration, not a break
            continue
        heading = _MARKDOWN_HEADING_RE.match(paragraph)
        bullet = _BULLET_RE.match(paragraph)
        if heading:
            block = Block(paragraph[heading.end():], BlockKind.HEADING,
                          level=len(heading.group(1)))
        elif bullet:
            if not (blocks and blocks[-1].bulleted):
                lists += 1
            block = Block(paragraph[bullet.end():], BlockKind.ITEM, list_id=lists)
        else:
            block = Block(paragraph)
        if block.text:
            blocks.append(replace(block, after_break=ruled) if ruled else block)
            ruled = False
    return blocks


def _text_paragraphs(text: str) -> list[str]:
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t\u00a0]*\n", text):
        paragraphs.extend(split_lines(block.split("\n")))
    return paragraphs


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
    structure; Markdown goes through CommonMark; text without markup is split as plain text.

    An entry without content or summary but with a link gives an ``Article`` with no
    blocks, so that the caller reads the linked page; without a link either it raises
    ``EmptyDocument``. No minimum length: a short teaser is returned as it is.
    """
    where = _prefix(link)
    title = _clean_inline(_strip_tags(title)) if title else None
    author = _clean_author(_strip_tags(author)) if author else None
    body = next((b for b in (content_html, summary_html) if b and b.strip()), None)
    removed: tuple[str, ...] = ()
    kept: tuple[Block, ...] = ()
    notes: tuple[str, ...] = ()
    if body is not None:
        _reject_binary(body, where)
        body, notes = _capped_markup(body)
        blocks = _fragment_blocks(body)
        blocks, _ = _drop_title_heading(blocks, title)
        captions = [b.text for b in blocks if b.caption]
        kept, removed, cut = _body([b.block for b in blocks if not b.caption], title=title,
                                   author=author or _byline_author(blocks))
        removed = tuple(captions) + removed
        notes = (*notes, *cut)
    if not kept and not link:
        raise EmptyDocument(f"{where}the feed entry has no content, summary or link")
    return Article(
        blocks=kept,
        title=title,
        author=author or author_from_boilerplate(removed),
        url=link,
        outlet=_clean_inline(outlet),
        published=_aware(published),
        removed_boilerplate=removed,
        notes=notes,
    )


def _capped_markup(body: str) -> tuple[str, tuple[str, ...]]:
    if len(body) <= MARKUP_CHAR_LIMIT:
        return body, ()
    return body[:MARKUP_CHAR_LIMIT], (f"Only the first {MARKUP_CHAR_LIMIT:,} characters of "
                                      f"the entry's {len(body):,} were read.",)


def _fragment_blocks(fragment: str) -> list[TreeBlock]:
    if not _TAG_RE.search(fragment[:_SNIFF * 8]):
        text = html_lib.unescape(fragment)
        if looks_like_markdown(text):
            _, body = split_front_matter(text)
            return _fragment_tree_blocks(markdown_to_html(body))
        return [TreeBlock(b) for b in _text_blocks(text)]
    return _fragment_tree_blocks(fragment)


def _fragment_tree_blocks(fragment: str) -> list[TreeBlock]:
    fragment = _DOUBLE_BR_RE.sub("</p><p>", fragment)
    try:
        if _FULL_DOCUMENT_RE.search(fragment[:1024]):
            root = lxml_html.document_fromstring(_strip_xml_declaration(fragment)).find("body")
        else:
            root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [TreeBlock(b) for b in _text_blocks(html_lib.unescape(_strip_tags(fragment)))]
    return walk(root, HTML_TAGS) if root is not None else []


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
    from trafilatura.utils import detect_encoding  # see _best_extraction

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
