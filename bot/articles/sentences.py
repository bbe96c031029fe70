"""Sentences and short texts: where a sentence ends, a thesis cut to size, a title clipped.

Small, pure helpers the splitter uses to name what it found; no knowledge of enumeration.
"""

from __future__ import annotations

import re
from typing import Final

from bot.articles.cues import wordset

TITLE_MAX: Final = 100
THESIS_MAX: Final = 600  # a thesis is the opening claim, not the whole lead

_ABBREVIATIONS: Final = wordset(
    "mr mrs ms dr st jr sr vs etc no gen sen rep gov prof inc co corp ltd mt ft lt col capt"
    " sgt jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n a.m p.m"
    " approx dept est fig")
SENTENCE_END_RE: Final = re.compile(r"[.!?…]+[\"”’)]*(?=\s|$)")


def is_sentence_end(text: str, m: re.Match[str]) -> bool:
    """Whether a full stop ends a sentence, rather than an abbreviation or an initial."""
    if m.group()[0] != ".":
        return True
    head = text[max(0, m.start() - 12):m.start()].split()
    word = head[-1].lstrip("(“\"‘'").lower() if head else ""
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    return not ("." in word and len(word) <= 5)  # "U.S." and the like


def sentence_end(text: str, start: int = 0, limit: int | None = None) -> int:
    """Offset just past the first sentence of ``text`` from ``start`` (looking no further
    than ``limit``, where the caller knows the sentence is short); the end if none ends."""
    stop = len(text) if limit is None else min(len(text), start + limit)
    for m in SENTENCE_END_RE.finditer(text, start, stop):
        if is_sentence_end(text, m):
            return m.end()
    return stop


def sentences_before(text: str, pos: int, most: int | None = None) -> int:
    """How many sentences of ``text`` end before ``pos``, counting no further than one past
    ``most`` (the callers ask "at most two?": a paragraph of thousands of sentences must not
    be counted once for each of its markers)."""
    count, at = 0, 0
    while at < pos and (most is None or count <= most):
        end = sentence_end(text, at)
        if end <= at or end > pos:
            break
        count, at = count + 1, end
    return count


def first_sentence(text: str) -> str:
    return text[:sentence_end(text, 0, 2000)].strip()


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:—–-") + "…"


def shorten(paras: list[str]) -> str:
    """Whole opening paragraphs while they fit in THESIS_MAX; else the first sentences."""
    kept: list[str] = []
    size = 0
    for para in paras:
        if size + len(para) > THESIS_MAX:
            break
        kept.append(para)
        size += len(para) + 2
    if kept:
        return "\n\n".join(kept)
    # The first paragraph alone is too long: its first sentences, as many as fit.
    text = paras[0][:THESIS_MAX + 2]
    cut = 0
    for m in SENTENCE_END_RE.finditer(text):
        if m.end() > THESIS_MAX:
            break
        if is_sentence_end(text, m):
            cut = m.end()
    return clip(paras[0][:cut].strip() if cut else paras[0], THESIS_MAX)


def word_count(text: str) -> int:
    return len(text.split())


RUN_IN_WORDS: Final = 6  # a label in plain text opening its paragraph ("Name the late payers.")
_ARGUED_WORDS: Final = 12  # ... and the argument after it


def opens_with_label(text: str, words: int = RUN_IN_WORDS) -> bool:
    """A paragraph that opens with a label in plain text, a sentence of a few words, then the
    argument ("Cap it and shorten it. Five per cent is a relic ...", "Donor confidence. Most
    donors ...")."""
    end = sentence_end(text, 0, 200)
    return (word_count(text[:end]) <= words and text[:end].rstrip().endswith(".")
            and word_count(text[end:]) >= _ARGUED_WORDS)
