"""Removing what an extractor keeps but a reader would not call the piece.

Syndication notices, image credits, bylines repeated in the body, "About the author" bios,
subscribe and share prompts, "Read more" lines, advertisement markers, copyright lines.

Precision over recall: a real argument paragraph lost is worse than a stray credit line kept,
so every rule is anchored (to the start or end of a paragraph, or to its position in the
piece) and most only apply to short paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.articles.model import Block

# Removed items are reported for humans (preview, logs); a long bio need not be quoted whole.
REMOVED_MAX_CHARS = 200

# Bylines, dates and a repeated headline sit at the top of a body, never further down.
_HEAD_ZONE = 4

_FLAGS = re.IGNORECASE

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (rf"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
         rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?"
         rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})")
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4}\b)?|\d{1,2}\s*[ap]\.?m\.?"
_DATE_RE = re.compile(_DATE, _FLAGS)
_TIME_RE = re.compile(_TIME, _FLAGS)
_DATE_LABEL_RE = re.compile(
    r"\b(?:first |last )?(?:published|updated|posted|modified)\b(?:\s+on\b)?|\bat\b|\bon\b",
    _FLAGS)
# "Published: February 12", "Updated March 3rd": a dateline without its year.
_LABELLED_DAY_RE = re.compile(
    rf"(?:first\s+|last\s+)?(?:published|updated|posted|modified)\s*:?\s*(?:on\s+)?{_MONTH}\s+"
    r"\d{1,2}(?:st|nd|rd|th)?\.?\s*$", _FLAGS)
_READING_TIME_RE = re.compile(r"\b\d+\s*(?:-\s*)?min(?:ute)?s?\.?(?:\s+read)?\b|"
                              r"\breading time\s*:?", _FLAGS)

# Separators between a name, a role and a date in a byline: "Jane Doe | June 3, 2026".
_BYLINE_SEPARATORS = re.compile(r"\s*(?:[|·•,;/]|\s[—–-]\s|\band\b|&)\s*", _FLAGS)
_BY_RE = re.compile(r"^(?:written\s+|posted\s+|words\s+|story\s+)?by\s*:?\s+(?P<rest>.+)$",
                    _FLAGS)
# Lower-case words allowed inside names ("Ludwig van Beethoven") and roles ("Special to the
# Ledger").
_NAME_PARTICLES = {"de", "del", "della", "der", "den", "van", "von", "da", "di", "du", "la",
                   "le", "bin", "ibn", "al", "el", "y", "dos", "das", "st.", "to", "the",
                   "of", "for", "at", "in", "and"}
_HONORIFIC_RE = re.compile(r"^(?:dr|prof|professor|mr|mrs|ms|mx|sir|dame|rev)\.?\s+", _FLAGS)

# Notices specific enough to remove wherever they stand: (pattern, longest paragraph in words).
_SYNDICATION_ANYWHERE = [
    (re.compile(p, _FLAGS), limit) for p, limit in (
        (r"^we support our publishers\b", 80),
        (r"\byou can view (?:this|the) (?:story|article) on (?:their|its|the original) "
         r"website\b", 80),
        # Short, or "the report, reproduced with permission in the appendix" is an argument.
        (r"\b(?:republished|reprinted|reproduced) (?:here )?with (?:the )?(?:kind )?"
         r"permission\b", 25),
        # WordPress feeds close every entry with this.
        (r"^the post .{1,300} appeared first on\b", 80),
    )
]
# Notices that only count at the top or the bottom of a piece: "First published in 1859, On
# Liberty argued ..." in the middle of a piece is an argument.
_SYNDICATION_EDGES = [
    re.compile(p, _FLAGS) for p in (
        r"^(?:this|the) (?:article|story|piece|column|op-?ed|essay|commentary|post|interview|"
        r"excerpt)\s+(?:was\s+|is\s+|has been\s+)?(?:originally\s+|first\s+)?"
        r"(?:appeared|published|republished|reprinted|posted|ran|syndicated|adapted|excerpted|"
        r"reproduced)\s+(?:first\s+|originally\s+|here\s+)?"
        r"(?:in|on|at|by|from|with|as|courtesy)\b",
        r"^(?:originally|first) (?:published|appeared|posted|ran) (?:in|on|at|by)\b[^!?]{0,120}$",
        r"^(?:republished|reprinted|syndicated|reposted) (?:from|with|by|courtesy|under)\b",
        # "Published in the Wexmoor Post, 2 October": a syndication line naming the outlet.
        r"^published (?:in|by) (?:the )?(?-i:[A-Z])[^.!?]{0,100}$",
        r"^(?:editor'?s|editors'?)\s+note\s*:",
        r"^(?:the )?(?:views|opinions) expressed (?:in this \w+ |here )?(?:are|do not)\b",
    )
]
_EDGE_ZONE = 3
_CAPTION_START = re.compile(
    r"^(?:top |featured |header |lead |main |file |hero )?"
    r"(?:photo(?:graph)?s?|images?|pictures?|illustrations?|graphics?|videos?|captions?|"
    r"credits?|pictured|photo illustration)"
    r"(?:\s+(?:credits?|courtesy(?:\s+of)?|via|by|source))?\s*[:|]"
    r"|^(?:photo(?:graph)?|image|picture|illustration)s?\s+(?:by|via|courtesy of)\s",
    _FLAGS)
_CREDIT_ANYWHERE = re.compile(
    r"\b(?:image|photo|picture|illustration|video|cover|header|feature[d]?)\s+credits?\s*:",
    _FLAGS)
_CREDIT_END = re.compile(
    r"(?:\((?:[^()]{0,60}\b)?(?:getty(?: images)?|reuters|ap photo|associated press|afp|"
    r"shutterstock|epa|alamy|istock(?:photo)?|unsplash|wikimedia(?: commons)?|bloomberg|"
    r"file photo|photo|photograph|images?)\b[^()]{0,60}\)"
    r"|(?:^|[.!?]\s+)(?:photo|image|credit|picture|illustration)s?\s*:\s*[^.:]{1,80})"
    r"\.?\s*$",
    _FLAGS)
_ABOUT_AUTHOR = re.compile(
    r"^(?:about the (?:authors?|writers?|columnists?|contributors?)\s*(?:[:—–-]|$)"
    r"|(?:the )?authors?(?:'s|’s)? (?:bio(?:graphy)?|note)\b\s*:?"
    r"|(?:the )?authors?\s*:?\s*$)",
    _FLAGS)
# (pattern, longest paragraph in words it may remove)
_PROMPTS = [
    (re.compile(p, _FLAGS), limit) for p, limit in (
        (r"^(?:subscribe|sign up|signup)\b.{0,160}\b(?:newsletter|inbox|e-?mail|updates|"
         r"subscription|digest|daily|weekly|free)\b", 50),
        (r"^(?:join|register|get|receive)\b.{0,160}\b(?:newsletter|inbox|e-?mail updates|"
         r"subscription|digest)\b", 40),
        (r"^subscribe\b", 30),
        (r"^(?:share|tweet|email|print) this(?: article| story| post| page| piece| column|"
         r" essay)?\s*[:!.]?$", 6),
        (r"^share (?:on|via)\s", 12),
        # "Share this: Twitter | LinkedIn | Email": the buttons, as text.
        (r"^share(?: this(?: \w+)?)?\s*[:—–-]\s*(?:twitter|x|facebook|linkedin|e-?mail|whatsapp"
         r"|reddit|bluesky|threads|mastodon|copy link)\b", 14),
        (r"^(?:follow|like) (?:us|me|him|her|them)\b(?:\s+on\b|\s*@|\s*$)", 20),
        # "Like Opinion & Editorial on Facebook, follow @OpEd on X to receive all updates".
        (r"^(?:like|follow)\b.{0,60}\bon (?:facebook|x|twitter|instagram)\b(?:,?\s*(?:and\s+)?"
         r"(?:follow|like)\b|.{0,40}\bto (?:receive|get) (?:all|our|the latest)\b)", 30),
        # A newsletter email's footer.
        (r"^(?:forward this (?:e-?mail|newsletter|message)|were you forwarded)\b", 40),
        (r"^you(?:['’]re| are) receiving this (?:e-?mail|newsletter|message|because)\b", 50),
        (r"^you(?:['’]re| are) a (?:free|paid) subscriber to\b", 30),
        (r"^not (?:yet )?a (?:subscriber|member|supporter)(?: yet)?\s*\?", 40),
        (r"\bunsubscribe\.?$", 10),
        # A comment section's heading and rules below the piece.
        (r"^comments?(?:\s*\(\d+\))?\s*:?$", 2),
        (r"^comments (?:are|will be) (?:moderated|reviewed|closed|welcome)\b", 40),
        (r"^(?:click|tap) (?:here|to)\b", 30),
        (r"^(?:support|fund) (?:our|independent|quality|this) (?:journalism|reporting|work)\b",
         50),
        (r"^(?:become|be) a (?:member|subscriber|patron|supporter)\b", 40),
        (r"^(?:enjoy(?:ed)?|liked?|loved?) (?:this|what you(?:'|’)re reading)(?: article| piece|"
         r" story| post| column| essay| newsletter)?\s*[?!]", 20),
        (r"^(?:leave|post|add|view|show|read) (?:a |the |all )?(?:\d+ )?comments?\b", 10),
        (r"^(?:we use cookies|this (?:site|website) uses cookies)\b", 60),
        (r"^(?:tags?|topics?|filed under|categories|category|keywords)\s*:", 50),
        # "The Record-Courier Editorial Board is Publisher Dale Ruskin, Editor ...": who signs
        # the editorials, under each one.
        (r"^(?:the\s+)?[\w.’'& -]{2,60}?\beditorial\s+board\s+(?:is|are|consists\s+of|comprises"
         r"|members\s+are)\s+(?-i:[A-Z])", 60),
        (r"^editorials\s+(?:represent|reflect|are\s+the)\b", 40),
        # A campaign's imprint: "Paid for by Friends of ...", "Authorised by R. Tan, ...".
        (r"^(?:paid for|authori[sz]ed|promoted|printed and promoted)\s+by\s+(?-i:[A-Z])", 40),
        # An email's headers, forwarded or not: "From: ...", "Sent: 17 June", "Subject: FW: ...".
        (r"^(?:from|sent|to|cc|bcc|subject|date|reply-to)\s*:\s*\S", 16),
        (r"^-{2,}\s*(?:forwarded message|original message)\s*-{2,}$", 6),
        # A newsletter platform's buttons as text: "[Like] [Comment] [Restack]".
        (r"^(?:\[?\s*(?:like|comment|restack|share|reply|save|repost|retweet|subscribe)\s*\]?"
         r"\s*[·|/•]?\s*){2,}$", 10),
    )
]
# "See also ..." lines: these openers are prompts whatever follows.
_SEE_ALSO_OPEN = re.compile(
    r"^(?:read more|read also|also read|more reading|read next|keep reading|continue reading|"
    r"see also|check also|also check|more from|further reading|"
    r"recommended for you|you (?:may|might) also "
    r"(?:like|enjoy))\b",
    _FLAGS)
_LABEL_COLON = re.compile(r"(?:\s+[\w’'-]+){0,4}\s*\*{0,2}\s*:")
# These are common words too, so only with a separator after them or standing alone.
_SEE_ALSO_LABEL = re.compile(
    r"^(?:related(?: stories| articles| reading| coverage| content| posts| links)?|more|"
    r"recommended(?: reading)?|more on (?:this|that)(?: story)?"
    # "Also in Opinion:", "More in Comment ›".
    r"|(?:also|more) in (?:opinion|comment|editorials?|analysis|this section|\w+ opinion))"
    r"\s*(?:[:»›>|—–]|\.{3}|…|$)",
    _FLAGS)
_ADVERTISEMENT = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored(?: content)?|paid content|promoted|"
    r"(?:story|article) continues (?:below|after (?:the )?(?:advertisement|ad))"
    r"(?: advertisement)?|(?:advertisement|ad)\s*[-–—:|]\s*(?:scroll|continue|story|article)"
    r"[\w ]{0,30}|(?:scroll|continue) (?:down )?(?:to|for) (?:continue|keep) reading)\s*[.:]?$",
    _FLAGS)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4}))"
                        r"|\ball rights reserved\.?$", _FLAGS)
_SENTENCE_START_PROMPT = re.compile(
    r"(?:^|[.!?]\s+)(?:subscribe|sign up|follow (?:him|her|them|me|us))\b", _FLAGS)

# Jobs a contributor's bio names. Heads of state, founders, directors and the like are left out
# on purpose: a piece may well end on "Vladimir Putin is the president of ...".
_BIO_ROLES = (r"professor|fellow|lecturer|columnist|journalist|writer|researcher|"
              r"correspondent|economist|historian|analyst|contributor|scholar|reporter|"
              r"commentator|novelist|essayist|poet|ph\.?d\.? (?:candidate|student)|"
              r"doctoral (?:candidate|student)|graduate student|research associate|blogger|"
              r"podcaster|instructor|(?:contributing|senior|managing|deputy|executive|opinion|"
              r"associate|former|founding) editor")
_ROLE_CHUNK_RE = re.compile(rf"(?:(?:associate|assistant|senior|visiting|emeritus)\s+)?"
                            rf"(?:{_BIO_ROLES})\b", _FLAGS)
_BIO_CUE = re.compile(
    rf"^\s*(?:is|was|serves as|has been|works as)\s+(?:(?:a|an|the)\s+)?"
    rf"(?:[\w.,'’-]+\s+){{0,4}}?(?:{_BIO_ROLES})s?\b"
    r"|^\s*(?:writes|blogs|reports)\s+(?:about|on|for|from|regularly|a\s+(?:weekly|monthly|"
    r"regular)|the\s+\w+\s+(?:column|newsletter|blog))\b"
    r"|^\s*covers\s+(?:[\w,]+\s+){1,4}for\b"
    r"|^\s*teaches\s+(?:[\w,]+\s+){0,4}at\b"
    # "the author of" a named book, not "the author of this war".
    r"|^\s*(?:is|was)\s+(?:also\s+)?(?:the\s+)?(?:co-?)?(?:author|editor)\s+of\s+"
    r"(?:(?:a|the|several|many|numerous|two|three|four|five|six|\d+|over|more than)\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:books?|novels?|memoirs?|studies|essays|collections?|volumes?|"
    r"[“\"]|(?-i:[A-Z]))",
    _FLAGS)
_BIO_VERB = re.compile(r"^\s*(?:is|was|writes|wrote|teaches|has|serves|covers|directs|leads|"
                       r"lives|works|edits|reports|blogs|holds|runs)\b", _FLAGS)
_BIO_MAX_WORDS = 250


def strip_boilerplate(
    paragraphs: Iterable[str], *, title: str | None = None, author: str | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split ``paragraphs`` into the piece and its boilerplate.

    Returns ``(kept, removed)``, both in document order; each removed item is trimmed to at
    most ``REMOVED_MAX_CHARS`` characters, ready for ``Article.removed_boilerplate``.
    """
    items = [p for p in (_normalize(p) for p in paragraphs) if p]
    dropped = boilerplate_indexes(items, title=title, author=author)
    kept = tuple(items[i] for i in range(len(items)) if i not in dropped)
    removed = tuple(shorten(items[i]) for i in sorted(dropped))
    return kept, removed


def strip_boilerplate_blocks(
    blocks: Sequence[Block], *, title: str | None = None, author: str | None = None,
) -> tuple[tuple[Block, ...], tuple[str, ...]]:
    """``strip_boilerplate`` for blocks: the kept blocks keep their structure."""
    items = [replace(b, text=_normalize(b.text)) for b in blocks]
    items = [b for b in items if b.text]
    dropped = boilerplate_indexes([b.text for b in items], title=title, author=author)
    kept = tuple(b for i, b in enumerate(items) if i not in dropped)
    removed = tuple(shorten(items[i].text) for i in sorted(dropped))
    return kept, removed


def boilerplate_indexes(items: Sequence[str], *, title: str | None = None,
                        author: str | None = None) -> set[int]:
    """Which of ``items`` (normalized, non-empty paragraphs) are boilerplate."""
    cut = _about_author_cut(items)
    end = len(items) if cut is None else cut
    dropped: set[int] = set(range(end, len(items)))

    seen: set[str] = set()
    for index in range(end):
        paragraph = items[index]
        if _is_boilerplate(paragraph, index, end, title=title, author=author):
            dropped.add(index)
            continue
        key = paragraph.casefold()
        # A pull quote repeated word for word is a layout echo, not a second paragraph.
        if key in seen and _words(paragraph) >= 8:
            dropped.add(index)
        seen.add(key)

    # A bio closes the piece, after any prompts already dropped; a bio-like paragraph with
    # more of the piece after it is part of the argument.
    kept_indexes = [i for i in range(end) if i not in dropped]
    while kept_indexes and _is_trailing_bio(items[kept_indexes[-1]], author=author):
        dropped.add(kept_indexes.pop())
    return dropped


def author_from_boilerplate(removed: Sequence[str]) -> str | None:
    """The author named by a removed byline or "About the author" heading, if any."""
    for item in removed:
        name = byline_name(item)
        if name:
            return name
        match = re.match(r"^about the (?:author|writer|columnist)\s*[:—–-]\s*(.+)$", item, _FLAGS)
        if match:
            name = match.group(1).strip().rstrip(".")
            if _looks_like_name(name):
                return _HONORIFIC_RE.sub("", name)
    return None


def byline_name(paragraph: str) -> str | None:
    """The first name in a byline ("By Jane Doe | June 3, 2026" → "Jane Doe"), else None."""
    paragraph = _normalize(paragraph)
    if _words(paragraph) > 16:
        return None
    match = _BY_RE.match(paragraph)
    rest = match.group("rest") if match else paragraph
    had_date = bool(_DATE_RE.search(rest))
    rest = _strip_dates(rest)
    chunks = [c.strip(" .:") for c in _BYLINE_SEPARATORS.split(rest)]
    chunks = [c for c in chunks if c]
    if not chunks or not all(_looks_like_name(c) for c in chunks):
        return None
    # Without "By" a bare name-and-role line is only a byline if it carries a date, or if
    # the role is a contributor's ("Jane Doe, Professor of Sociology, University of Marrowick").
    if match is None and not had_date and not any(_ROLE_CHUNK_RE.match(c) for c in chunks[1:]):
        return None
    return _HONORIFIC_RE.sub("", chunks[0])


def shorten(text: str, limit: int = REMOVED_MAX_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, marked with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head[limit // 2:]:
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:") + "…"


def _normalize(paragraph: str) -> str:
    return " ".join(paragraph.split())


def _words(paragraph: str) -> int:
    return len(paragraph.split())


def _strip_dates(text: str) -> str:
    text = _TIME_RE.sub(" ", _DATE_RE.sub(" ", text))
    return _READING_TIME_RE.sub(" ", _DATE_LABEL_RE.sub(" ", text))


def _about_author_cut(items: Sequence[str]) -> int | None:
    """Index of an "About the author" heading past the first third of the piece, if any.

    Earlier than that, a bio box sits above the piece rather than after it, and cutting there
    would lose the piece.
    """
    for index, paragraph in enumerate(items):
        # The heading may carry the bio inline: "About the author: Jane Doe is ...".
        if index >= max(1, len(items) / 3) and _words(paragraph) <= _BIO_MAX_WORDS and \
                _ABOUT_AUTHOR.match(paragraph):
            return index
    return None


def _is_boilerplate(paragraph: str, index: int, count: int, *, title: str | None,
                    author: str | None) -> bool:
    words = _words(paragraph)
    at_edge = index < _EDGE_ZONE or index >= count - _EDGE_ZONE
    if any(words <= limit and p.search(paragraph) for p, limit in _SYNDICATION_ANYWHERE):
        return True
    if words <= 80 and at_edge and any(p.search(paragraph) for p in _SYNDICATION_EDGES):
        return True
    if words <= 60 and _CAPTION_START.match(paragraph):
        return True
    if words <= 40 and (_CREDIT_ANYWHERE.search(paragraph) or _CREDIT_END.search(paragraph)):
        return True
    if any(words <= limit and p.search(paragraph) for p, limit in _PROMPTS):
        return True
    see_also = _SEE_ALSO_OPEN.match(paragraph)
    # "Read more: <a headline> · <another>", "Read more from the archive: ...": a label and
    # a colon carry a few titles.
    if see_also and (words <= 12 or (
            words <= 30 and _LABEL_COLON.match(paragraph, see_also.end()))):
        return True
    if words <= 15 and _SEE_ALSO_LABEL.match(paragraph):
        return True
    if words <= 8 and _ADVERTISEMENT.match(paragraph):
        return True
    if words <= 50 and _COPYRIGHT.search(paragraph):
        return True
    # An "About the author" heading early on: the heading goes, what follows may be the piece.
    if words <= 40 and _ABOUT_AUTHOR.match(paragraph):
        return True
    if index < _HEAD_ZONE and _is_head_matter(paragraph, title=title, author=author):
        return True
    return index == count - 1 and author is not None and _is_signoff(paragraph, author)


def _is_head_matter(paragraph: str, *, title: str | None, author: str | None) -> bool:
    """A headline, byline, dateline or reading time repeated at the top of the body."""
    key = _key(paragraph)
    words = _words(paragraph)
    if title and key == _key(title):
        return True
    if author and key in {_key(author), _key("by " + author)}:
        return True
    if byline_name(paragraph):
        return True
    if author and words <= 16 and key.startswith(_key(author) + " "):
        rest = paragraph[len(author):].strip()
        if rest[:1] in {"|", "·", "•", ",", "—", "–", "-", "/"} and not rest.endswith("."):
            return True
    if _LABELLED_DAY_RE.match(paragraph):
        return True
    if words <= 12 and (_DATE_RE.search(paragraph) or _TIME_RE.search(paragraph)
                        or _READING_TIME_RE.search(paragraph)):
        return not re.sub(r"[\W_]+", "", _strip_dates(paragraph))
    return False


def _is_signoff(paragraph: str, author: str) -> bool:
    """The author's name alone at the very end ("— Jane Doe")."""
    return _key(paragraph.lstrip("—–-~ ")) == _key(author)


def _is_trailing_bio(paragraph: str, *, author: str | None) -> bool:
    """ "Jane Doe is a professor of ..." as the piece's last paragraph.

    With a known author the paragraph must open with that author's name and a bio verb.
    Without one it must open with a full name and a contributor's job ("is a senior fellow
    at ...", "writes about ..."), or a bio verb when it also asks readers to subscribe or follow.
    """
    if _words(paragraph) > _BIO_MAX_WORDS:
        return False
    subject, rest = _split_subject(paragraph.lstrip("—–-*_~ ").strip())
    if subject is None:
        return False
    if author:
        subject_key = _key(_HONORIFIC_RE.sub("", subject))
        names = _author_names(author)
        if not any(subject_key == name or subject_key.endswith(" " + name) for name in names):
            return False
        return bool(_BIO_VERB.match(rest))
    if len(_HONORIFIC_RE.sub("", subject).split()) < 2:
        return False
    if _words(paragraph) <= 60 and _SENTENCE_START_PROMPT.search(paragraph):
        return bool(_BIO_VERB.match(rest))
    return bool(_BIO_CUE.match(rest))


def _split_subject(text: str) -> tuple[str | None, str]:
    """("Dr. Jane Doe", "is a professor ...") from "Dr. Jane Doe (@jdoe) is a professor ..." """
    text = re.sub(r"^((?:\S+\s+){1,6}?)\([^()]{1,60}\)\s+", r"\1", text)
    match = re.match(
        r"^((?:(?:dr|prof|mr|mrs|ms)\.?\s+)?(?:\S+\s+){0,5}?\S+?),?\s+"
        r"(?=(?:is|was|writes|wrote|teaches|has|serves|covers|directs|leads|lives|works|edits|"
        r"reports|blogs|holds|runs)\b)(.*)$",
        text, _FLAGS)
    if not match:
        return None, text
    subject = match.group(1)
    if not _looks_like_name(subject):
        return None, text
    return subject, match.group(2)


def _author_names(author: str) -> set[str]:
    """Ways a bio may name the author: full name, name without honorific, surname."""
    names: set[str] = set()
    for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", author):
        part = _HONORIFIC_RE.sub("", part.strip())
        if not part:
            continue
        names.add(_key(part))
        tokens = part.split()
        if len(tokens) >= 2:
            names.add(_key(tokens[-1]))
    return names


_SENTENCE_WORDS = {"the", "a", "an", "this", "that", "these", "those", "it", "he", "she",
                   "we", "they", "i", "you", "there", "here", "but", "and", "or", "if",
                   "when", "why", "how", "what", "who", "our", "my", "his", "her", "their",
                   "its", "in", "on", "at", "for", "from", "with", "as", "no", "not", "all"}


def _looks_like_name(text: str) -> bool:
    """A person's name or a short title-case role: "Jane Doe", "Staff Writer", "J. R. Smith"."""
    text = _HONORIFIC_RE.sub("", text.strip())
    tokens = text.split()
    if not 1 <= len(tokens) <= 6 or len(text) > 60:
        return False
    if tokens[0].casefold() in _SENTENCE_WORDS:
        return False
    capitalized = 0
    for token in tokens:
        bare = token.strip("\"'“”‘’()")
        if not bare:
            return False
        if bare.casefold() in _NAME_PARTICLES:
            continue
        if not bare[0].isupper() or any(ch.isdigit() for ch in bare):
            return False
        capitalized += 1
    return capitalized >= 1


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()
