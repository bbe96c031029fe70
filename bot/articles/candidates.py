"""Candidates: every place where an argument could start, from every family of markers.

Ordinal words and phrases, numerals and labels, numbers run together in a paragraph (from
``markers``), and what the piece's structure offers (from ``layout``): list items, subheadings,
bold or colon labels, paragraphs that open alike. ``segment`` groups them into series.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.articles import cues
from bot.articles.layout import Layout
from bot.articles.markers import (
    COUNT_NOUNS,
    NEXT,
    Candidate,
    ordinal_candidates,
    predicate_ordinal,
)
from bot.articles.model import BlockKind
from bot.articles.numerals import inline_numbers, list_marker_at_start, paren_numbers_inside
from bot.articles.sentences import sentence_end
from bot.articles.series import family

_SHORT_CLAIM_WORDS = 4  # "It is regressive.": a claim short enough to be a refrain's label
_SHORT_CLAIM_CHARS = 40
# (In the present or a modal: "It was raining. ... It was cold." tells a story.)
_CLAIM_VERBS = cues.wordset("is are will would has have does do can cannot must should isn't "
                            "aren't doesn't don't won't can't")

__all__ = ["find_candidates", "repeated_nouns"]


def find_candidates(layout: Layout) -> list[Candidate]:
    """Every possible argument marker in the body, from every family, in reading order."""
    found: list[Candidate] = []
    for index in range(layout.body_end):
        block = layout.blocks[index]
        if block.kind is BlockKind.QUOTE:
            continue  # a quoted list is the quoted writer's
        text = block.text
        listed = list_marker_at_start(text, index)
        if block.number is not None and block.level == 0:
            # The source numbered the item: its number is the marker, whatever follows.
            marker = f"{block.number}."
            listed = Candidate(index, 0, len(marker) if text.startswith(marker) else 0,
                               marker if text.startswith(marker) else "", "num.",
                               block.number, True)
        if listed is not None and index in layout.section_set and family(listed.kind) in (
                "num", "label", "roman"):
            # Numbered subheadings are one list, numbered paragraphs below them another.
            listed = replace(listed, kind=listed.kind + "|h")
        ordinals = ordinal_candidates(text, index, COUNT_NOUNS)
        if not (ordinals and ordinals[0].at_start) and block.kind is BlockKind.PARAGRAPH:
            counted = predicate_ordinal(text, index, COUNT_NOUNS)
            if counted is not None:
                ordinals.insert(0, counted)
        opening = ordinals[0] if ordinals and ordinals[0].at_start else None
        if listed is not None:
            found.append(listed)
        elif block.bulleted and block.level == 0:
            found.append(Candidate(index, 0, 0, "", f"item#{block.list_id}", NEXT, False))
        elif index in layout.section_set and opening is None:
            # (A last subheading whose text lies past the body, "Still have questions?" over
            # the page's contact details, heads no point.)
            if not (cues.STRUCTURAL_HEADING_RE.match(text) or cues.MASTHEAD_RE.match(text)
                    or index + 1 >= layout.body_end):
                found.append(Candidate(index, 0, 0, "", f"heading#{layout.level(index)}",
                                       NEXT, False))
        elif opening is None and layout.lead(index) is not None:
            found.append(Candidate(index, 0, 0, "", "lead", NEXT, False))
        elif opening is None and block.after_break and block.kind is BlockKind.PARAGRAPH:
            # The writer's own section breaks ("* * *", a rule): each may open a point.
            found.append(Candidate(index, 0, 0, "", "break", NEXT, False))
        found.extend(ordinals)
        if block.kind is BlockKind.PARAGRAPH and len(text) >= 40:
            found.extend(inline_numbers(text, index))
            found.extend(paren_numbers_inside(text, index))
    found.extend(alike_openings(layout))
    found.sort(key=lambda c: (c.para, c.start))
    return found

_LABEL_LINE_RE = re.compile(r"[A-Z][a-z]+:\s+[A-Z]")  # "Myth: Teachers only work ..."


def alike_openings(layout: Layout) -> list[Candidate]:
    """Paragraphs that open with the same three words, past any "Finally," or "also"
    ("Software should be robust ... Software should also be stable ... Finally, software
    should be simple"): parallel points, marked or not."""
    keyed: dict[str, list[int]] = {}
    for index in range(layout.body_end):
        block = layout.blocks[index]
        # ("Myth: Teachers are the best paid." set in bold alone on its line reads as a
        # subheading, yet opens like the other myths.)
        if block.kind is not BlockKind.PARAGRAPH or (
                index in layout.section_set and not _LABEL_LINE_RE.match(layout.paras[index])):
            continue
        if layout.recurring_field(index) or cues.SPEAKER_TAG_RE.match(layout.paras[index]):
            # "Why we love it: ..." again and again: a form's field, no refrain; "The Hon.
            # M. R. OKAFOR-LYLE: ...": a speaker's turn in a parliament's record.
            continue
        # Paragraphs that open by quoting a claim and go on to answer it ('"Radiology will be
        # flooded." The fear is ...'): objections taken one by one, whatever their words.
        key = ("quoted claim" if cues.QUOTED_CLAIM_RE.match(layout.paras[index])
               else opening_key(layout.paras[index]))
        if key and all(layout.paras[i] != layout.paras[index] for i in keyed.get(key, ())):
            keyed.setdefault(key, []).append(index)
        short = _short_claim_key(layout.paras[index])
        if short is not None:
            keyed.setdefault(short, []).append(index)
    found: list[Candidate] = []
    for key, indexes in keyed.items():
        if indexes[0] == 0 and len(indexes) < 3:
            indexes = indexes[1:]  # the opening paragraph joins a list only a long one
        if key.startswith("short claim ") and len(indexes) >= 3:
            # "... It is unaccountable. / And it is, in the end, unnecessary ...": the refrain
            # closes on a longer line of the same words.
            after = indexes[-1] + 1
            words = key.removeprefix("short claim ").split(" ")
            if after < layout.body_end and cues.WORD_KEY_RE.findall(
                    layout.paras[after][:40].lower())[:3] in (["and", *words], ["but", *words]):
                indexes = [*indexes, after]
        if len(indexes) >= 3 and indexes[0] >= 2:
            # "A serious pharmacare plan would start ... A serious plan would also ...": the
            # first of a refrain often names its subject in full.
            before = indexes[0] - 1
            if (before not in layout.section_set
                    and layout.blocks[before].kind is BlockKind.PARAGRAPH
                    and _fuller(layout.paras[before], key.split(" "))):
                indexes = [before, *indexes]
        if len(indexes) >= 3 or (len(indexes) == 2 and key.split(" ", 1)[0] not in
                                 ("i", "we", "it", "the", "this", "that", "there")):
            found.extend(Candidate(i, 0, 0, "", f"alike#{key}", NEXT, False)
                         for i in indexes)
    return found



def _short_claim_key(text: str) -> str | None:
    """"It is regressive. A sales tax ...", "It is premature. ...": a paragraph opening with a
    claim of a few words; its first two words key a refrain of such claims."""
    m = cues.OPENING_CONNECTIVE_RE.match(text)
    head = text[m.end() if m else 0:]
    second = head[:_SHORT_CLAIM_CHARS].split(" ", 2)[1:2]
    if not second or second[0].lower() not in _CLAIM_VERBS:
        return None  # a cheap test first: most paragraphs open with no claim verb second
    end = sentence_end(head, 0, _SHORT_CLAIM_CHARS)
    words = cues.WORD_KEY_RE.findall(head[:end].lower())
    if (end >= _SHORT_CLAIM_CHARS or not 2 < len(words) <= _SHORT_CLAIM_WORDS
            or words[1] not in _CLAIM_VERBS):
        return None
    return "short claim " + " ".join(words[:2])


def _fuller(text: str, key: list[str]) -> bool:
    """Whether ``text`` opens with the words of ``key`` and one more among them."""
    m = cues.OPENING_CONNECTIVE_RE.match(text)
    words = [w for w in cues.WORD_KEY_RE.findall(text[m.end() if m else 0:][:80].lower())
             if w not in cues.OPENING_FILLERS][:len(key) + 1]
    return any(words[:i] + words[i + 1:] == key for i in range(1, len(words)))


def opening_key(text: str) -> str | None:
    """A paragraph's first three words, past connectives and fillers, to compare openings."""
    anaphora = (cues.ANAPHORA_OPENING_RE.match(text)
                if text[:1] in cues.ANAPHORA_FIRST_LETTERS else None)
    if anaphora is not None:
        # "Take wages first. / Take scheduling. / And take the pension language.", "Yes, but
        # ...", "Myth: ...": the opening word is the figure, whatever follows it.
        return " ".join(cues.WORD_KEY_RE.findall(anaphora["key"].lower()))
    m = cues.OPENING_CONNECTIVE_RE.match(text)
    head = text[m.end() if m else 0:][:80]
    if "," in head[:24]:
        # "Ask, above all, about the bypass": the aside does not change the opening.
        head = cues.OPENING_ASIDE_RE.sub("", head, count=1)
    words = [w for w in cues.WORD_KEY_RE.findall(head.lower())
             if w not in cues.OPENING_FILLERS][:3]
    return " ".join(words) if len(words) == 3 else None


def repeated_nouns(cands: list[Candidate]) -> set[str]:
    """Nouns a piece counts with at two or more positions ("The first straw ... The next
    straw"): its own count noun, whatever the word."""
    seen: dict[str, set[int]] = {}
    for cand in cands:
        if cand.counted is not None and cand.at_start:
            seen.setdefault(cand.counted, set()).add(cand.value)
    return {noun for noun, values in seen.items() if len(values) >= 2}


