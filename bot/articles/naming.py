"""Naming what the splitter found: the thesis, each argument's text and its thread title.

Pure: no I/O, no ``discord``.
"""

from __future__ import annotations

from bot.articles import cues
from bot.articles.layout import Layout
from bot.articles.model import Argument, Article
from bot.articles.sentences import (
    TITLE_MAX,
    clip,
    first_sentence,
    sentence_end,
    shorten,
    word_count,
)
from bot.articles.series import Start

__all__ = ["argument", "finish_title", "thesis", "thread_title"]

_MIN_TITLE_WORDS = 3


def thesis(layout: Layout, first: Start, article: Article) -> str:
    lead = [p for i, p in enumerate(layout.paras[:first.para]) if i not in layout.section_set]
    head = layout.paras[first.para][:first.start].strip()
    announcement = layout.announcement_before(first.para, first.start)
    if (announcement is not None and 0 < announcement.para < first.para
            and (cues.ANNOUNCE_OPENING_RE.match(layout.paras[announcement.para])
                 or sentence_end(layout.paras[announcement.para])
                 >= len(layout.paras[announcement.para]))):
        # "There are four reasons ..." is not the claim.
        lead = [p for i, p in enumerate(layout.paras[:announcement.para])
                if i not in layout.section_set]
    elif head:
        lead.append(head)
    if lead:
        return shorten(lead)
    if article.title:
        return article.title.strip()
    return first_sentence(layout.paras[first.para]) if layout.paras else ""

def argument(layout: Layout, number: int, start: Start, following: Start | None,
              end: int) -> Argument:
    paras = layout.paras
    if following is not None and following.para == start.para:
        text = paras[start.para][start.start:following.start].strip()
    else:
        stop = following.para if following is not None else max(end, start.para + 1)
        parts = [paras[start.para][start.start:].strip()]
        parts.extend(paras[start.para + 1:stop])
        if following is not None and following.start > 0:
            tail = paras[following.para][:following.start].strip()
            if tail:
                parts.append(tail)
        text = "\n\n".join(part for part in parts if part)
    return Argument(number=number, title=thread_title(layout, start), marker=start.marker,
                    text=text, confidence=start.confidence)

def thread_title(layout: Layout, start: Start) -> str:
    """A thread name: a subheading or bold label as written, else the argument's first
    sentence without its marker."""
    block = layout.blocks[start.para]
    if start.kind == "heading" or (start.para in layout.section_set and start.start == 0):
        name = block.text[start.end:].lstrip(cues.LEAD_PUNCT)
        if word_count(name) >= 1:
            return finish_title(name)
    if block.lead is not None and start.start == 0 and word_count(block.lead) >= 3:
        lead = block.lead
        cut = lead.find(" ", 0)
        if start.end and start.end < len(lead) and block.text.startswith(lead):
            lead = lead[start.end:].lstrip(cues.LEAD_PUNCT) or lead
        if cut != -1 and word_count(lead) >= _MIN_TITLE_WORDS:
            return finish_title(lead.rstrip(" .:—–-"))
    return _sentence_title(layout.paras, start)




def finish_title(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return "Argument"
    return clip(text[0].upper() + text[1:], TITLE_MAX)


def _sentence_title(paras: list[str], start: Start) -> str:
    """The argument's first sentence without its marker, fit for a thread name."""
    text = paras[start.para][start.end:].lstrip(cues.LEAD_PUNCT)
    if start.marker is None:
        text = cues.CUE_PREFIX_RE.sub("", text, count=1)
    else:
        text = cues.ASIDE_RE.sub("", text, count=1) if text.startswith("and ") else text
        if start.noun:
            text = after_noun_marker(paras[start.para], start, text)
            if word_count(first_sentence(text)) < _MIN_TITLE_WORDS:
                text = paras[start.para][start.start:]  # "Safety." says less than the sentence
        there = cues.THERE_RE.match(text)
        if there:
            text = text[there.end():]
    sentence = first_sentence(text).strip()
    if not sentence and start.para + 1 < len(paras):
        sentence = first_sentence(paras[start.para + 1])
    return finish_title(sentence)


def after_noun_marker(para: str, start: Start, text: str) -> str:
    """What a noun marker introduces: "The second reason is recruitment." -> "recruitment."."""
    copula = cues.COPULA_RE.match(text)
    if copula:
        rest = text[copula.end():]
        if cues.PREPOSITION_RE.match(rest):  # "was in the dressing room": keep the sentence
            return para[start.start:]
        return rest
    verb = cues.MAIN_VERB_RE.search(first_sentence(text))
    return text[verb.end():] if verb else text


