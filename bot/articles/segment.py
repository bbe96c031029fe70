"""Argument segmentation: read an ``Article`` as thesis, enumerated arguments and conclusion.

The reading follows DESIGN.md, "Reading a piece well":

* an announced count ("four reasons") says what to look for, but the markers found win;
* markers are ordinal words and phrases, numerals, labels or bullets, usually opening a
  paragraph, sometimes opening a sentence ("First, X. Second, Y." is one list);
* a gap in the sequence is an unmarked argument, placed at the paragraph with a discourse cue
  ("But", "More importantly") or, failing that, where the topic turns;
* narration, timelines, procedures, footnotes and quoted lists are not arguments;
* the conclusion is where the writer steps back, and the last argument ends before it.

Precision beats recall: when the evidence is weak the piece gets no arguments, and the bot opens
one thread for the whole piece. Pure and deterministic: no I/O, standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from bot.articles.markers import (
    ANNOUNCE_RE,
    ANNOUNCE_SUBSET_RE,
    COUNT_NOUNS,
    LAST,
    MARKER_NOUNS,
    NEXT,
    NUMBER_WORDS,
    Candidate,
    in_quote,
    list_marker_at_start,
    ordinal_candidates,
    singular,
)
from bot.articles.model import Argument, Article, Piece

__all__ = ["TITLE_MAX", "segment"]

TITLE_MAX: Final = 100
THESIS_MAX: Final = 600  # a thesis is the opening claim, not the whole lead
_MIN_TITLE_WORDS: Final = 3
_INTRO_CHARS: Final = 300
_TURN_CHARS: Final = 600
_MAX_GAP: Final = 2  # "First ... Fourth" is a miscount, not two missing arguments

# Where the writer steps back; matched at the start of a paragraph.
_CONCLUSION_RE: Final = re.compile(
    r"(?:In short|In sum|In summary|To sum up|Summing up|In conclusion|To conclude"
    r"|(?:The )?[Bb]ottom line|That is why|That[’']s why|This is why|Which is why|In the end"
    r"|Ultimately|All of this|All this|Taken together|Put together|In other words|Until then"
    r"|For (?:all )?(?:of )?(?:these|those|all the above) reasons|None of this"
    r"|Where does (?:this|that) leave|It is time|It[’']s time|The lesson here"
    r"|For [\w’'-]+(?: [\w’'-]+){0,3} to (?:be|become|have|happen|work|succeed|last|hold"
    r"|matter|begin|come|return|end|stand|take|stick|mean)\b[^.,]*,)"
)
# Openings of an unmarked argument. Strong cues turn to a new point; weak ones may not.
_STRONG_CUE_RE: Final = re.compile(
    r"(?:More importantly|Most importantly|Even more importantly|Perhaps more importantly"
    r"|Perhaps most importantly|Just as important(?:ly)?|Equally important(?:ly)?"
    r"|Beyond (?:that|this)|Worse(?: still)?|Even worse|Moreover|Furthermore|Another"
    r"|What[’']s more|In addition|On top of (?:that|this)|Add to (?:that|this)"
    r"|Then there(?: is|[’']s)|There(?: is|[’']s) also|Besides|Also)\b"
)
_WEAK_CUE_RE: Final = re.compile(r"(?:But|Yet|Still|And|Meanwhile|At the same time|Further)\b")
_CUE_PREFIX_RE: Final = re.compile(
    r"(?:More importantly|Most importantly|Even more importantly|Perhaps more importantly"
    r"|Perhaps most importantly|Just as importantly|Equally importantly|Beyond that|Beyond this"
    r"|Worse still|Worse|Even worse|Moreover|Furthermore|What[’']s more|In addition"
    r"|On top of that|On top of this|Besides|Also)\s*,\s*"
)

# Trailing notes: a heading, or numbered/bracketed paragraphs that read like citations.
_NOTES_HEADING_RE: Final = re.compile(
    r"(?:Notes|References|Sources|Footnotes|Endnotes|Bibliography|Further reading|Works cited"
    r"|Citations)\s*:?\s*$", re.IGNORECASE)
_NOTE_OPENING_RE: Final = re.compile(r"(?:\[\d{1,3}\]|\d{1,3}[.)]?\s|\*{1,3}\s?\S|†)")
# Citation traits. Literal-led checks: sre scans a pattern that opens with "\b" or an
# alternation position by position, which costs far more than a substring search.
_CITATION_WORDS: Final = ("bid.", "op. cit", "et al.", "etrieved", "ccessed",
                          "doi:", "http://", "https://", "www.", "Journal", "Press", "Quarterly",
                          "Proceedings", "Vol.")
_CITATION_YEAR_RE: Final = re.compile(r"\(\d{4}[a-z]?\)|,\s\d{4}[.,;)]|pp?\.\s?\d")


def _cited(text: str) -> bool:
    """Whether a note or list item reads like a citation rather than prose."""
    return (text.startswith("See ") or any(word in text for word in _CITATION_WORDS)
            or _CITATION_YEAR_RE.search(text) is not None)


# Numbered or bulleted items that are not arguments.
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October"
           r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_DATE_OPENING_RE: Final = re.compile(
    r"[\W_]{0,3}(?:(?:In|By|On|Since|From|Around|Until|After|Before|During|Circa|Early|Late"
    r"|Mid)\b[\s-]+)?(?:(?:early|late|mid)[\s-]+)?"
    rf"(?:(?:1[5-9]\d\d|20\d\d)s?\b|{_MONTHS}\s+\d{{1,2}}\b|\d{{1,2}}\s+{_MONTHS}\s)")
_PROCEDURE_INTRO_RE: Final = re.compile(
    r"\b(?:recipe|ingredients|instructions|directions|steps|step-by-step|procedure|how to"
    r"|follow these|you will need|you[’']ll need|method)\b", re.IGNORECASE)
def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_IMPERATIVES: Final = _wordset(
    "preheat heat stir whisk mix combine pour bake boil simmer chop slice dice drain rinse wash"
    " season sprinkle serve cover fold knead grease line place add remove transfer let cool melt"
    " beat click tap select open install download unplug plug press type enter log navigate"
    " restart reboot save attach tighten loosen unscrew screw measure fill turn set repeat wait"
    " insert connect disconnect copy paste run scroll fry roast grill toss stir-fry bring put"
    " take keep store dry peel grate blend spread top lay cut")
_QUOTED_INTRO_RE: Final = re.compile(
    r"\b(?:reads?|said|says|wrote|writes|declared|declares|states|stated|promised|promises"
    r"|proclaimed|announced|listed|lists|told|tells|pledged|vowed|argued|argues|insisted"
    r"|according to|went like this|put it)\b[^.!?]*:\s*$", re.IGNORECASE)
_REASON_INTRO_RE: Final = re.compile(
    r"\b(?:reasons?|why|because|arguments?|problems?|grounds|objections?|lessons?|mistakes?)"
    r"\b[^.!?]*:\s*$", re.IGNORECASE)
# Where a count can begin: a number word, or a digit ("5 things", "12 reasons").
_NUMBER_NEEDLES: Final = (*NUMBER_WORDS, *"123456789")
# An announcement paragraph that only announces ("There are four reasons ...").
_ANNOUNCE_OPENING_RE: Final = re.compile(
    r"(?:There are|There're|Here are|Here's why|Here is why|I see|I count|I have|Consider"
    r"|Let me|Let's|Let us|The reasons are|My reasons are)\b")
# An announcement paragraph is dropped from the thesis when it is one sentence long.

# Titles.
_ABBREVIATIONS: Final = _wordset(
    "mr mrs ms dr st jr sr vs etc no gen sen rep gov prof inc co corp ltd mt ft lt col capt"
    " sgt jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n a.m p.m"
    " approx dept est fig")
_SENTENCE_END_RE: Final = re.compile(r"[.!?…]+[\"”’)]*(?=\s|$)")
_COPULA_RE: Final = re.compile(r"(?:(?:is|was|are)\s+(?:simply\s+|just\s+)?(?:that\s+)?|that\s+)")
_PREPOSITION_RE: Final = re.compile(r"(?:in|on|at|about|with|over|under|from|into)\s")
_MAIN_VERB_RE: Final = re.compile(
    r"\s(?:is\s+(?:simply\s+)?(?:that\s+)?|was\s+(?:that\s+)?|concerns|involves|has\s+to\s+do"
    r"\s+with|lies\s+in|comes\s+down\s+to)\s+")
# "Finally, there's X" -> "X", but not "there is no X", whose negation is the point.
_THERE_RE: Final = re.compile(
    r"(?:there\s+is|there[’']s|there\s+are|we\s+have)\s+(?!no\b|not\b|nothing\b|little\b"
    r"|few\b|never\b)", re.IGNORECASE)
_ASIDE_RE: Final = re.compile(
    r"and\s+(?:perhaps\s+|probably\s+)?(?:most|more|least|equally)\s+\w+\s*[,—–]\s*")
_LEAD_PUNCT: Final = " \t\n,:;.—–-"
_WORD_RE: Final = re.compile(r"[a-z’']{4,}")
_STOPWORDS: Final = _wordset(
    "that this with from have they their there which what when were will would about into"
    " than then them these those been being more most also only such some over just very"
    " even much many does could should because while where after before other another")
_BLANK_LINE_RE: Final = re.compile(r"\n\s*\n")
_LIST_LINE_RE: Final = re.compile(r"\s*(?:[•●▪◦‣∙*-]|\d{1,2}[.)]|\(\d{1,2}\))\s+\S")


@dataclass(frozen=True, slots=True)
class _Start:
    """Where one argument begins: a marker, or (for an unmarked argument) a whole paragraph."""

    para: int
    start: int
    end: int
    marker: str | None
    noun: bool = False


@dataclass(frozen=True, slots=True)
class _Split:
    starts: tuple[_Start, ...]
    announced: int | None
    marked: int
    at_start: int

    def score(self) -> tuple[bool, int, int, int, int]:
        unmarked = len(self.starts) - self.marked
        return (self.announced == len(self.starts), self.marked, self.at_start, -unmarked,
                -self.starts[0].para)


@dataclass(frozen=True, slots=True)
class _Announcement:
    para: int
    offset: int
    count: int
    noun: str


class _Reader:
    """One pass over one piece; holds the paragraphs and the caches the heuristics share."""

    def __init__(self, paras: list[str]) -> None:
        self.paras = paras
        self.body_end = _notes_start(paras)
        self._words: dict[int, frozenset[str]] = {}
        # Candidates are read with every counting noun, then those whose noun needs an
        # announcement ("The first thing", after "five things") are kept only if it was made.
        found: list[Candidate] = []
        for index in range(self.body_end):
            text = self.paras[index]
            listed = list_marker_at_start(text, index)
            if listed is not None:
                found.append(listed)
            found.extend(ordinal_candidates(text, index, COUNT_NOUNS))
        # A count is announced in the lead, so only the lead is searched for one (this also
        # keeps "for two reasons" inside the fourth argument from counting).
        first = next((c.para for c in found if c.explicit), None)
        limit = max(first + 1 if first is not None else len(paras) // 4, min(3, len(paras)))
        self.announcements = self._find_announcements(min(limit, self.body_end))
        nouns = MARKER_NOUNS | {a.noun for a in self.announcements}
        self.cands = [c for c in found if c.counted is None or c.counted in nouns]

    # -- evidence -------------------------------------------------------------------------

    def _find_announcements(self, limit: int) -> list[_Announcement]:
        found: list[_Announcement] = []
        for index in range(limit):
            text = self.paras[index]
            for m in _announcements_in(text):
                head = text[max(0, m.start() - 12):m.start()]
                if ANNOUNCE_SUBSET_RE.search(head) or in_quote(text, m.start()):
                    continue
                raw = m["num"].lower()
                count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
                if 2 <= count <= 30:
                    found.append(_Announcement(index, m.start(), count, singular(m["noun"])))
        return found

    def announcement_before(self, para: int, offset: int) -> _Announcement | None:
        best = None
        for a in self.announcements:
            if (a.para, a.offset) < (para, offset):
                best = a
            else:
                break
        return best

    def words(self, index: int) -> frozenset[str]:
        cached = self._words.get(index)
        if cached is None:
            # A turn of topic shows in a paragraph's opening, so its opening is enough.
            opening = self.paras[index][:_TURN_CHARS].lower()
            cached = frozenset(w for w in _WORD_RE.findall(opening) if w not in _STOPWORDS)
            self._words[index] = cached
        return cached

    def start_score(self, index: int) -> float:
        """How much a paragraph looks like the start of a new, unmarked argument."""
        text = self.paras[index]
        cue = 2.0 if _STRONG_CUE_RE.match(text) else 1.5 if _WEAK_CUE_RE.match(text) else 0.0
        before, here = self.words(index - 1), self.words(index)
        union = len(before | here)
        turn = 1.0 - (len(before & here) / union if union else 0.0)
        return cue + turn

    def conclusion_after(self, para: int) -> int | None:
        for index in range(para + 1, self.body_end):
            if _CONCLUSION_RE.match(self.paras[index]):
                return index
        return None

    # -- lists ----------------------------------------------------------------------------

    def splits(self) -> list[_Split]:
        cands = self.cands
        found: list[_Split] = []
        ordinal = [c for c in cands if c.kind == "ord"]
        at_start = [c for c in ordinal if c.at_start]
        for pool in (at_start, ordinal) if len(at_start) < len(ordinal) else (ordinal,):
            for chain in _ordinal_chains(pool):
                split = self._layout_chain(chain)
                if split is not None and self._plausible(split, chain):
                    found.append(split)
        by_kind: dict[str, list[Candidate]] = {}
        for c in cands:
            if c.kind != "ord":
                by_kind.setdefault(c.kind, []).append(c)
        for kind, group in by_kind.items():
            runs = _bullet_runs(group) if kind == "bullet" else _numbered_runs(group)
            for run in runs:
                split = self._layout_list(run)
                if split is not None and self._plausible(split, run):
                    found.append(split)
        return found

    def _layout_list(self, run: list[Candidate]) -> _Split | None:
        first = run[0]
        announced = self.announcement_before(first.para, first.start)
        count = announced.count if announced else None
        if first.kind == "bullet":
            intro = self._intro(first)
            if count != len(run) and not (intro.rstrip().endswith(":")
                                          and _REASON_INTRO_RE.search(intro)):
                return None  # bullets list facts as often as reasons
        starts = tuple(_Start(c.para, c.start, c.end, c.marker) for c in run)
        return _Split(starts, count, len(run), len(run))

    def _layout_chain(self, chain: list[tuple[Candidate, int]]) -> _Split | None:
        """Turn a chain of ordinal markers into argument starts, filling the gaps."""
        cands = [c for c, _ in chain]
        first = cands[0]
        announced = self.announcement_before(first.para, first.start)
        count = announced.count if announced else None
        starts: list[_Start] = []
        lead_value = chain[0][1]
        if lead_value > 1 and first.at_start:
            lo = announced.para + 1 if announced and announced.para < first.para else 1
            for index in self._pick(lo, first.para, lead_value - 1, leading=True):
                starts.append(self._unmarked(index))
        previous: Candidate | None = None
        previous_value = 0
        for cand, value in chain:
            if previous is not None:
                missing = value - previous_value - 1
                strong_only = False
                if cand.value == LAST and count and count > value:
                    missing, strong_only = count - value, True
                if missing > 0 and previous.para < cand.para:
                    for index in self._pick(previous.para + 1, cand.para, missing,
                                            strong_only=strong_only):
                        starts.append(self._unmarked(index))
            starts.append(_Start(cand.para, cand.start, cand.end, cand.marker, cand.noun))
            previous, previous_value = cand, value
        if count and count > len(starts) and chain[-1][0].value != LAST:
            # Announced "two ways", marked one, and the rest open with strong cues.
            stop = self.conclusion_after(cands[-1].para) or self.body_end
            cued = [i for i in range(cands[-1].para + 1, stop)
                    if _STRONG_CUE_RE.match(self.paras[i])]
            if len(cued) == count - len(starts):
                starts.extend(self._unmarked(i) for i in cued)
        starts.sort(key=lambda s: (s.para, s.start))
        explicit = {c.value for c in cands if c.explicit}
        enough = len(cands) >= 2 and (
            len(explicit) >= 2
            or (explicit and (count is not None or max(explicit) >= 2 or len(cands) >= 3))
            or count == len(starts))
        single = (len(cands) == 1 and first.explicit and first.value == 1
                  and count == len(starts) >= 2)
        if not (enough or single):
            return None
        return _Split(tuple(starts), count, len(cands), sum(c.at_start for c in cands))

    def _unmarked(self, index: int) -> _Start:
        return _Start(index, 0, 0, None)

    def _pick(self, lo: int, hi: int, count: int, *, leading: bool = False,
              strong_only: bool = False) -> list[int]:
        """The ``count`` paragraphs in [lo, hi) most likely to open an unmarked argument."""
        options = list(range(max(lo, 1), hi))
        if strong_only:
            options = [i for i in options if _STRONG_CUE_RE.match(self.paras[i])]
        if not options or count <= 0:
            return []
        chosen: list[int] = []
        if leading:  # the first argument follows the announcement directly
            chosen.append(options.pop(0))
            count -= 1
        ranked = sorted(options, key=lambda i: (-self.start_score(i), i))
        chosen.extend(ranked[:count])
        return sorted(chosen)

    # -- plausibility -----------------------------------------------------------------------

    def _intro(self, first: Candidate) -> str:
        """The words leading into a list; its last few hundred characters are what matter."""
        if first.start > 0:
            intro = self.paras[first.para][:first.start]
        else:
            intro = self.paras[first.para - 1] if first.para > 0 else ""
        return intro[-_INTRO_CHARS:]

    def _plausible(self, split: _Split, items: list[Candidate] | list[tuple[Candidate, int]]
                   ) -> bool:
        """Reject lists that are not the writer's arguments: quoted, dated, procedural, cited."""
        cands = [i[0] if isinstance(i, tuple) else i for i in items]
        if len(split.starts) < 2:
            return False
        first = cands[0]
        if first.kind.startswith("label:step"):
            return False
        bodies = [self.paras[c.para][c.end:c.end + 120].lstrip(_LEAD_PUNCT) for c in cands]
        half = len(bodies) / 2
        if sum(1 for b in bodies if _DATE_OPENING_RE.match(b)) >= half:
            return False
        if sum(1 for b in bodies if _cited(b)) >= half:
            return False
        intro = self._intro(first)
        if intro.rstrip().endswith(":") and _QUOTED_INTRO_RE.search(intro):
            return False
        verbs = sum(1 for b in bodies if b.split(" ", 1)[0].lower().strip(",") in _IMPERATIVES)
        if verbs > half:
            return False
        # A list led in by "the recipe" or "these steps" is a procedure, whatever its verbs.
        return not ((first.kind != "ord" or verbs >= half)
                    and _PROCEDURE_INTRO_RE.search(intro))

    # -- assembly ---------------------------------------------------------------------------

    def piece(self, article: Article) -> Piece:
        splits = self.splits()
        if not splits:
            return self._flat(article)
        best = max(splits, key=_Split.score)
        starts = best.starts
        last = starts[-1]
        conclusion_at = self.conclusion_after(last.para)
        compact = all(b.para - a.para <= 1 for a, b in pairwise(starts))
        if conclusion_at is not None:
            end = conclusion_at
        elif compact and all(s.marker for s in starts):
            end = last.para + 1  # a tight list: what follows it steps back from it
        else:
            end = self.body_end
        arguments = tuple(
            self._argument(number, start, starts[number] if number < len(starts) else None, end)
            for number, start in enumerate(starts, 1))
        conclusion = "\n\n".join(self.paras[end:self.body_end]) or None
        return Piece(
            thesis=self._thesis(starts[0], article),
            arguments=arguments,
            announced_count=best.announced,
            conclusion=conclusion,
            **_meta(article),
        )

    def _flat(self, article: Article) -> Piece:
        """A piece without enumerated arguments: thesis, maybe a count, maybe a conclusion."""
        lead = max(3, len(self.paras) // 4)
        announced = next((a.count for a in self.announcements if a.para < lead), None)
        conclusion = None
        if self.body_end >= 3:
            for index in range(max(1, self.body_end // 2), self.body_end):
                if _CONCLUSION_RE.match(self.paras[index]):
                    conclusion = "\n\n".join(self.paras[index:self.body_end])
                    break
        thesis = _shorten(self.paras[:1]) if self.paras else (article.title or "")
        return Piece(thesis=thesis, arguments=(), announced_count=announced,
                     conclusion=conclusion, **_meta(article))

    def _thesis(self, first: _Start, article: Article) -> str:
        lead = list(self.paras[:first.para])
        head = self.paras[first.para][:first.start].strip()
        announcement = self.announcement_before(first.para, first.start)
        if (announcement is not None and 0 < announcement.para < first.para
                and (_ANNOUNCE_OPENING_RE.match(self.paras[announcement.para])
                     or _sentence_end(self.paras[announcement.para])
                     >= len(self.paras[announcement.para]))):
            lead = lead[:announcement.para]  # "There are four reasons ..." is not the claim
        elif head:
            lead.append(head)
        if lead:
            return _shorten(lead)
        if article.title:
            return article.title.strip()
        return _first_sentence(self.paras[first.para]) if self.paras else ""

    def _argument(self, number: int, start: _Start, following: _Start | None,
                  end: int) -> Argument:
        paras = self.paras
        if following is not None and following.para == start.para:
            text = paras[start.para][start.start:following.start].strip()
        else:
            stop = following.para if following is not None else end
            parts = [paras[start.para][start.start:].strip()]
            parts.extend(paras[start.para + 1:stop])
            if following is not None and following.start > 0:
                tail = paras[following.para][:following.start].strip()
                if tail:
                    parts.append(tail)
            text = "\n\n".join(part for part in parts if part)
        title = _title(paras, start)
        return Argument(number=number, title=title, marker=start.marker, text=text)


def _announcements_in(text: str) -> list[re.Match[str]]:
    """Matches of ANNOUNCE_RE, tried only where a number is: substring search is far cheaper
    than letting sre try the pattern at every position."""
    low = text.lower()
    starts: set[int] = set()
    for word in _NUMBER_NEEDLES:
        pos = low.find(word)
        while pos != -1:
            if pos == 0 or not low[pos - 1].isalnum():  # "ten" in "often" is no count
                starts.add(pos)
            pos = low.find(word, pos + 1)
    found = []
    for pos in sorted(starts):
        m = ANNOUNCE_RE.match(text, pos)
        if m is not None:
            found.append(m)
    return found


def _ordinal_chains(cands: list[Candidate]) -> list[list[tuple[Candidate, int]]]:
    """Group ordinal markers, in reading order, into sequences with their positions."""
    chains: list[list[tuple[Candidate, int]]] = []
    current: list[tuple[Candidate, int]] = []
    expect = 1
    for cand in cands:
        if cand.value == LAST:
            if current:
                current.append((cand, expect))
                chains.append(current)
                current, expect = [], 1
            continue
        if cand.value == NEXT:
            if current:
                current.append((cand, expect))
                expect += 1
            elif cand.noun and cand.at_start:  # "Another reason" implies one before it
                current, expect = [(cand, 2)], 3
            continue
        value = cand.value
        if not current:
            current, expect = [(cand, value)], value + 1
        elif value == expect or expect < value <= expect + _MAX_GAP:
            current.append((cand, value))
            expect = value + 1
        elif value == 1:
            if len(current) >= 2:
                chains.append(current)
            current, expect = [(cand, 1)], 2
        # A repeated or earlier position is narration ("Second, the committee ...").
    if current:
        chains.append(current)
    return chains


def _numbered_runs(cands: list[Candidate]) -> list[list[Candidate]]:
    runs: list[list[Candidate]] = []
    current: list[Candidate] = []
    for cand in cands:
        if current and cand.value == current[-1].value + 1:
            current.append(cand)
        elif cand.value == 1:
            if len(current) >= 2:
                runs.append(current)
            current = [cand]
    if len(current) >= 2:
        runs.append(current)
    return runs


def _bullet_runs(cands: list[Candidate]) -> list[list[Candidate]]:
    runs: list[list[Candidate]] = []
    current: list[Candidate] = []
    for cand in cands:
        if current and cand.para == current[-1].para + 1 and cand.marker == current[-1].marker:
            current.append(cand)
        else:
            if len(current) >= 2:
                runs.append(current)
            current = [cand]
    if len(current) >= 2:
        runs.append(current)
    return runs


def _notes_start(paras: list[str]) -> int:
    """Where trailing notes begin (a "Notes" heading or cited numbered lines), else the end."""
    end = len(paras)
    half = len(paras) // 2
    for index in range(len(paras) - 1, half - 1, -1):
        if len(paras[index]) < 40 and _NOTES_HEADING_RE.match(paras[index]):
            return index
    index = end
    while index > half and _NOTE_OPENING_RE.match(paras[index - 1]) and (
            paras[index - 1].startswith("[") or _cited(paras[index - 1])):
        index -= 1
    return index


def _normalise(paragraphs: tuple[str, ...]) -> list[str]:
    """Strip paragraphs, drop empty ones, and split list items run together on one line each."""
    out: list[str] = []
    for raw in paragraphs:
        if not isinstance(raw, str):
            continue
        for block in _BLANK_LINE_RE.split(raw) if "\n" in raw else (raw,):
            block = block.strip()
            if not block:
                continue
            lines = [line.strip() for line in block.split("\n") if line.strip()]
            if len(lines) > 1 and sum(1 for line in lines if _LIST_LINE_RE.match(line)) >= 2:
                out.extend(lines)
            else:
                out.append(" ".join(lines) if len(lines) > 1 else block)
    return out


def _meta(article: Article) -> dict[str, object]:
    return {"title": article.title, "author": article.author, "url": article.url,
            "outlet": article.outlet, "published": article.published,
            "removed_boilerplate": tuple(article.removed_boilerplate)}


def _is_sentence_end(text: str, m: re.Match[str]) -> bool:
    """Whether a full stop ends a sentence, rather than an abbreviation or an initial."""
    if m.group()[0] != ".":
        return True
    head = text[max(0, m.start() - 12):m.start()].split()
    word = head[-1].lstrip("(“\"‘'").lower() if head else ""
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    return not ("." in word and len(word) <= 5)  # "U.S." and the like


def _sentence_end(text: str) -> int:
    """Offset just past the first sentence of ``text``."""
    for m in _SENTENCE_END_RE.finditer(text):
        if _is_sentence_end(text, m):
            return m.end()
    return len(text)


def _first_sentence(text: str) -> str:
    return text[:_sentence_end(text)].strip()


def _shorten(paras: list[str]) -> str:
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
    for m in _SENTENCE_END_RE.finditer(text):
        if m.end() > THESIS_MAX:
            break
        if _is_sentence_end(text, m):
            cut = m.end()
    return _clip(paras[0][:cut].strip() if cut else paras[0], THESIS_MAX)


def _clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:—–-") + "…"


def _title(paras: list[str], start: _Start) -> str:
    """The argument's first sentence without its marker, fit for a thread name."""
    text = paras[start.para][start.end:].lstrip(_LEAD_PUNCT)
    if start.marker is None:
        text = _CUE_PREFIX_RE.sub("", text, count=1)
    else:
        text = _ASIDE_RE.sub("", text, count=1) if text.startswith("and ") else text
        if start.noun:
            text = _after_noun_marker(paras[start.para], start, text)
            if len(_first_sentence(text).split()) < _MIN_TITLE_WORDS:
                text = paras[start.para][start.start:]  # "Safety." says less than the sentence
        there = _THERE_RE.match(text)
        if there:
            text = text[there.end():]
    sentence = _first_sentence(text).strip()
    if not sentence and start.para + 1 < len(paras):
        sentence = _first_sentence(paras[start.para + 1])
    sentence = " ".join(sentence.split())
    if not sentence:
        return "Argument"
    sentence = sentence[0].upper() + sentence[1:]
    return _clip(sentence, TITLE_MAX)


def _after_noun_marker(para: str, start: _Start, text: str) -> str:
    """What a noun marker introduces: "The second reason is recruitment." -> "recruitment."."""
    copula = _COPULA_RE.match(text)
    if copula:
        rest = text[copula.end():]
        if _PREPOSITION_RE.match(rest):  # "was in the dressing room": keep the whole sentence
            return para[start.start:]
        return rest
    verb = _MAIN_VERB_RE.search(_first_sentence(text))
    return text[verb.end():] if verb else text


def segment(article: Article) -> Piece:
    """Read ``article`` as a thesis, its enumerated arguments (possibly none) and a conclusion.

    Never raises on odd input; an article without paragraphs yields an empty thesis.
    """
    paras = _normalise(article.paragraphs)
    return _Reader(paras).piece(article)
