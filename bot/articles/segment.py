"""Argument segmentation: read an ``Article`` as thesis, enumerated arguments and conclusion.

The reading follows DESIGN.md, "Reading a piece well":

* candidates come from every family of markers: ordinal words and phrases (opening a
  paragraph, a sentence, or an item after a colon), numerals and labels in any punctuation,
  numbers run together in one paragraph, list items, subheadings and bold labels, keeping the
  structure the source gave them;
* each family's candidates are grouped into series and each series is weighed (``series``):
  the announced count is evidence, not law; a gap in a sequence is an unmarked argument,
  placed at the paragraph with a discourse cue or, failing that, where the topic turns;
* timelines, procedures, notes and quoted lists are not arguments, nor are ordinals in
  narration;
* the conclusion is where the writer steps back, and the last argument ends before it.

The most confident series is the piece's list (two series that do not overlap are both
kept); below ``series.ACCEPT`` the piece gets no arguments and ``confidence`` says how sure
the splitter is that there are none. Pure and deterministic, linear in the text: no I/O,
no ``discord``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import pairwise

from bot.articles import cues
from bot.articles.markers import (
    ANNOUNCE_RE,
    ANNOUNCE_SUBSET_RE,
    ARGUMENT_NOUNS,
    COUNT_NOUNS,
    LAST,
    MARKER_NOUNS,
    NEXT,
    NUMBER_WORDS,
    VAGUE_ANNOUNCE_RE,
    Candidate,
    QuoteSpans,
    inline_numbers,
    list_marker_at_start,
    ordinal_candidates,
    singular,
)
from bot.articles.model import Argument, Article, Block, BlockKind, Piece
from bot.articles.sentences import (
    TITLE_MAX,
    clip,
    first_sentence,
    sentence_end,
    shorten,
    word_count,
)
from bot.articles.series import (
    ACCEPT,
    Evidence,
    adjacent_runs,
    family,
    numbered_runs,
    ordinal_chains,
    weigh,
)

__all__ = ["TITLE_MAX", "segment"]

_MIN_TITLE_WORDS = 3
_INTRO_CHARS = 300
_TURN_CHARS = 600
_HEADING_WORDS = 14  # a subheading or bold label is short
_SECOND_SERIES = 0.8  # a second list is kept only when this sure of it
_UNMARKED_SHARE = 0.75  # an unmarked argument is less certain than its list
# "Two steps", "two requirements": a process or its preconditions, described, not argued.
_PROCEDURE_NOUNS = frozenset({"step", "stage", "phase", "requirement", "condition",
                              "precondition", "prerequisite"})
_ANNOUNCE_REACH = 5  # paragraphs from a count to the list it announces
_PICK_WINDOW = 16  # paragraphs searched for an unmarked argument next to a marker
_RUN_ON_WINDOW = 3  # paragraphs after a one-paragraph list where it may go on
_CHOICES = 40  # the best series compared with each other (a hostile piece has thousands)


# "Date Rape. This is the most ...": a run-in label in Title Case, closed by a full stop.
_RUN_IN_LABEL_RE = re.compile(
    r"((?:[A-Z][a-z’'-]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z’'-]+|of|and|the|for|in|on|to|a)){0,4})"
    r"\.\s+(?=[A-Z“\"])")


def _courtesy_label(label: str) -> bool:
    """A run-in "label" that is a courtesy or a short word, not a point ("Mr.", "Dr.")."""
    if label.split()[-1] in _COURTESIES:
        return True
    return " " not in label and len(label) <= 3


# Words that open a short sentence rather than a crosshead ("It worked.", "Yes.").
_SENTENCE_OPENERS = frozenset({"It", "This", "That", "He", "She", "They", "We", "I", "You",
                               "There", "But", "And", "So", "Yes", "No", "Not", "Nor", "Or",
                               "Then", "Now", "Here", "Well", "Okay", "OK", "Thanks", "Sadly"})
_COURTESIES = frozenset({"Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Gen", "Sen", "Rep", "Jr", "Sr",
                         "Co", "Inc", "Ltd", "No", "Vol"})


# "COST. The levy would ..." opens with a label in capitals.
_CAPS_LABEL_RE = re.compile(r"([A-Z][A-Z’'&/ -]{2,40}[A-Z])[.:—–]\s+[A-Z“\"]")
# "Small sample size: one person ..." opens with a label; "Consider this: ..." does not.
_COLON_LABEL_RE = re.compile(r"([A-Z][^.:!?;\n]{1,60}?)\s*:\s+\S")
_COLON_LABEL_STOP_RE = re.compile(
    r"(?:Consider|Note|Remember|Look|Think|Here|That|This|It|There|But|And|So|Or|Update|Editor"
    r"|Photo|Image|Source|Read|Related|Listen|Watch|Q|A|Question|Answer|Disclosure|Correction"
    r"|Yes|No|Example|E\.g|I\.e|Say|Said|He|She|They|We|I|You)\b")
_TITLE_NOUN_RE = re.compile(
    r"\b(?:reasons|ways|lessons|myths|misconceptions|mistakes|things|rules|arguments"
    r"|objections|problems|truths|fallacies|failures|flaws|questions|takeaways|steps|tips"
    r"|issues|priorities|causes|ideas|why|case (?:for|against))\b", re.IGNORECASE)
_TITLE_COUNT_RE = re.compile(
    r"(?<![\w.,-])(?P<num>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
    r"\s+(?:[A-Za-z’'-]+\s+){0,2}?[A-Za-z’'-]*[a-z]s\b(?!\s+(?:ago|old|later|on)\b)",
    re.IGNORECASE)
# A speaker's tag in a transcript: "Q", "A", "Mr Malone", "The Economist", "Jane Doe".
_SPEAKER_RE = re.compile(r"(?:Q|A|(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)?(?:The\s+)?[A-Z][\w’'.-]*"
                         r"(?:\s+[A-Z][\w’'.-]*){0,2})")
_INITIALS_RE = re.compile(r"\b[A-Z]\.(?:\s?[A-Z]\.)*\s")
_NAME_WORDS = frozenset({"de", "van", "von", "der", "la", "le", "and", "&", "of", "the"})


@dataclass(frozen=True, slots=True)
class _Start:
    """Where one argument begins: a marker, a subheading, a bold label, or (for an unmarked
    argument) a whole paragraph."""

    para: int
    start: int
    end: int
    marker: str | None
    noun: bool = False
    kind: str = "ord"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class _Split:
    family: str
    starts: tuple[_Start, ...]
    announced: int | None
    marked: int
    at_start: int
    confidence: float
    reasons: tuple[str, ...]
    end: int | None = None  # where the list ends by its structure (the end of a list)
    sectioned: bool = False  # every point opens a section (a subheading)

    def rank(self) -> tuple[float, bool, int, int, int, int]:
        unmarked = len(self.starts) - self.marked
        return (round(self.confidence, 2), self.announced == len(self.starts), self.marked,
                self.at_start, -unmarked, -self.starts[0].para)

    def describe(self, paras: list[str]) -> str:
        openings = ", ".join(repr(s.marker) if s.marker else
                             repr(paras[s.para][s.start:s.start + 24] + "…")
                             for s in self.starts)
        return f"{self.family} series of {len(self.starts)} [{openings}]"


@dataclass(frozen=True, slots=True)
class _Announcement:
    para: int
    offset: int
    count: int
    noun: str


class _Reader:
    """One pass over one piece; holds the blocks and the caches the heuristics share."""

    def __init__(self, blocks: list[Block], title: str | None) -> None:
        self.blocks = blocks
        self.paras = [block.text for block in blocks]
        self.body_end = _signoff_start(self.paras, _notes_start(self.paras))
        self._words: dict[int, frozenset[str]] = {}
        # A label opening several paragraphs names a speaker ("Mr Malone:"), not a point.
        self._label_uses = Counter(label for label in map(_label_of, blocks) if label)
        self.sections = [i for i in range(self.body_end) if self._heading_like(i)]
        self._section_set = set(self.sections)
        self._conclusions = [i for i in range(self.body_end)
                             if cues.CONCLUSION_RE.match(self.paras[i])
                             or (i in self._section_set
                                 and cues.CONCLUSION_HEADING_RE.match(self.paras[i]))]
        found = self._candidates()
        # A count is announced in the lead, so only the lead is searched for one (this also
        # keeps "for two reasons" inside the fourth argument from counting).
        first = next((c.para for c in found if c.explicit), None)
        limit = max(first + 1 if first is not None else len(self.paras) // 4,
                    min(3, len(self.paras)))
        self.announcements = self._find_announcements(min(limit, self.body_end))
        self.title_count = _title_count(title)
        # Questions set as subheadings or bold lines, answered below: an interview or a Q&A,
        # whose lists are the answerer's.
        questions = [i for i in self.sections if self.paras[i].rstrip().endswith("?")]
        speakers = [label for label, uses in self._label_uses.items()
                    if uses >= 2 and _SPEAKER_RE.fullmatch(label)]
        # A transcript: two speakers named again and again. Every list in it is someone's
        # answer, and the names are no points either.
        self.transcript = len(speakers) >= 2
        self.interview = self.transcript or (
            len(questions) >= 2 and len(questions) * 2 >= len(self.sections)
            and bool(cues.INTERVIEW_RE.search(" ".join([title or "", *self.paras[:2]]))))
        self.title_noun = bool(title and _TITLE_NOUN_RE.search(title))
        nouns = MARKER_NOUNS | {a.noun for a in self.announcements} | _repeated_nouns(found)
        self.cands = [c for c in found if c.counted is None or c.counted in nouns]

    # -- candidates -----------------------------------------------------------------------

    def _heading_like(self, index: int) -> bool:
        """A subheading: marked up as one, a short bold line, or a short unpunctuated line
        of plain text followed by a paragraph."""
        block = self.blocks[index]
        text = block.text
        if block.kind is BlockKind.HEADING:
            return True
        if block.kind is not BlockKind.PARAGRAPH or len(text) > 120:
            return False
        words = word_count(text)
        if block.lead is not None and block.lead == text and words <= _HEADING_WORDS:
            return True
        following = self.paras[index + 1] if index + 1 < len(self.paras) else ""
        if not (words <= 10 and text[:1].isupper() and word_count(following) > 2 * words
                and word_count(following) >= 15):
            return False
        # Unpunctuated, or a Title Case line closed by a full stop ("The Economic
        # Imperative for Ijebu State."), or an editor's crosshead ("Tarnished credibility.").
        if text[-1:] not in ".,;:!?…\"”’)":
            return True
        return text[-1] == "." and (_title_case(text) or (
            words <= 3 and text.split()[0] not in _SENTENCE_OPENERS))

    def _candidates(self) -> list[Candidate]:
        found: list[Candidate] = []
        for index in range(self.body_end):
            block = self.blocks[index]
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
            if listed is not None and index in self._section_set and family(listed.kind) in (
                    "num", "label", "roman"):
                # Numbered subheadings are one list, numbered paragraphs below them another.
                listed = replace(listed, kind=listed.kind + "|h")
            ordinals = ordinal_candidates(text, index, COUNT_NOUNS)
            opening = ordinals[0] if ordinals and ordinals[0].at_start else None
            if listed is not None:
                found.append(listed)
            elif block.bulleted and block.level == 0:
                found.append(Candidate(index, 0, 0, "", f"item#{block.list_id}", NEXT, False))
            elif index in self._section_set and opening is None:
                if not cues.STRUCTURAL_HEADING_RE.match(text):
                    found.append(Candidate(index, 0, 0, "", f"heading#{self._level(index)}",
                                           NEXT, False))
            elif opening is None and self.lead(index) is not None:
                found.append(Candidate(index, 0, 0, "", "lead", NEXT, False))
            found.extend(ordinals)
            if block.kind is BlockKind.PARAGRAPH and len(text) >= 40:
                found.extend(inline_numbers(text, index))
        found.extend(self._alike_openings())
        found.sort(key=lambda c: (c.para, c.start))
        return found

    def _alike_openings(self) -> list[Candidate]:
        """Paragraphs that open with the same three words, past any "Finally," or "also"
        ("Software should be robust ... Software should also be stable ... Finally, software
        should be simple"): parallel points, marked or not."""
        keyed: dict[str, list[int]] = {}
        for index in range(self.body_end):
            block = self.blocks[index]
            if block.kind is not BlockKind.PARAGRAPH or index in self._section_set:
                continue
            key = _opening_key(self.paras[index])
            if key and all(self.paras[i] != self.paras[index] for i in keyed.get(key, ())):
                keyed.setdefault(key, []).append(index)
        found: list[Candidate] = []
        for key, indexes in keyed.items():
            if indexes[0] == 0 and len(indexes) < 3:
                indexes = indexes[1:]  # the opening paragraph joins a list only a long one
            if len(indexes) >= 3 or (len(indexes) == 2 and key.split(" ", 1)[0] not in
                                     ("i", "we", "it", "the", "this", "that", "there")):
                found.extend(Candidate(i, 0, 0, "", f"alike#{key}", NEXT, False)
                             for i in indexes)
        return found

    def lead(self, index: int) -> str | None:
        """A label opening a paragraph: bold or italic words set off by punctuation
        ("**Cost.** The toll ...", "*Fairness*: the poorest ..."), or a few words and a colon
        ("Small sample size: one person ...")."""
        block = self.blocks[index]
        text = block.text
        lead = block.lead
        if lead is not None and len(lead) < len(text):
            after = text[text.find(lead) + len(lead):].lstrip()[:1] if lead in text else ""
            if word_count(lead) <= _HEADING_WORDS and (lead[-1] in ".:?!—–-" or after in
                                                       (":", ".", "—", "–", "-")):
                return lead
            return None
        caps = _CAPS_LABEL_RE.match(text) or _RUN_IN_LABEL_RE.match(text)
        if caps and word_count(caps.group(1)) <= 5 and not _courtesy_label(caps.group(1)):
            return caps.group(1)
        m = _COLON_LABEL_RE.match(text)
        if (m and word_count(m.group(1)) <= 7 and not _COLON_LABEL_STOP_RE.match(text)
                and self._label_uses[m.group(1)] == 1):  # a repeated one names a speaker
            return m.group(1)
        return None

    def _level(self, index: int) -> str:
        block = self.blocks[index]
        if block.kind is BlockKind.HEADING:
            return str(block.level)
        return "b" if block.lead is not None else "t"

    # -- evidence -------------------------------------------------------------------------

    def _find_announcements(self, limit: int) -> list[_Announcement]:
        found: list[_Announcement] = []
        for index in range(limit):
            text = self.paras[index]
            quotes = QuoteSpans(text)
            for m in _announcements_in(text):
                head = text[max(0, m.start() - 12):m.start()]
                if ANNOUNCE_SUBSET_RE.search(head) or quotes.inside(m.start()):
                    continue
                raw = m["num"].lower()
                count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
                if 2 <= count <= 30:
                    found.append(_Announcement(index, m.start(), count, singular(m["noun"])))
        return found

    def announcement_before(self, para: int, offset: int) -> _Announcement | None:
        """The count announced for a series starting here: the last one before it, if it is
        near (a count in the lead announces the piece's list, not a list in its tenth
        section)."""
        best = None
        for a in self.announcements:
            if (a.para, a.offset) < (para, offset):
                best = a
            else:
                break
        if best is not None and para - best.para > _ANNOUNCE_REACH and not (
                best.para < 3 and para <= 2 * _ANNOUNCE_REACH):
            return None
        return best

    def words(self, index: int) -> frozenset[str]:
        cached = self._words.get(index)
        if cached is None:
            # A turn of topic shows in a paragraph's opening, so its opening is enough.
            opening = self.paras[index][:_TURN_CHARS].lower()
            cached = frozenset(w for w in cues.WORD_RE.findall(opening)
                               if w not in cues.STOPWORDS)
            self._words[index] = cached
        return cached

    def start_score(self, index: int) -> float:
        """How much a paragraph looks like the start of a new, unmarked argument."""
        text = self.paras[index]
        cue = (2.0 if cues.STRONG_CUE_RE.match(text) else
               1.5 if cues.WEAK_CUE_RE.match(text) else 0.0)
        before, here = self.words(index - 1), self.words(index)
        union = len(before | here)
        turn = 1.0 - (len(before & here) / union if union else 0.0)
        return cue + turn

    def conclusion_after(self, para: int) -> int | None:
        at = bisect.bisect_right(self._conclusions, para)
        return self._conclusions[at] if at < len(self._conclusions) else None

    def _intro(self, first: Candidate | _Start) -> str:
        """The words leading into a list; its last few hundred characters are what matter."""
        if first.start > 0:
            intro = self.paras[first.para][:first.start]
        else:
            intro = self.paras[first.para - 1] if first.para > 0 else ""
        return intro[-_INTRO_CHARS:]

    # -- series ---------------------------------------------------------------------------

    def splits(self) -> list[_Split]:
        cands = self.cands
        found: list[_Split] = []
        ordinal = [c for c in cands if c.kind == "ord"]
        at_start = [c for c in ordinal if c.at_start]
        for pool in (at_start, ordinal) if len(at_start) < len(ordinal) else (ordinal,):
            for chain in ordinal_chains(pool):
                split = self._layout_chain(chain)
                if split is not None:
                    found.append(split)
        by_kind: dict[str, list[Candidate]] = {}
        for c in cands:
            if c.kind != "ord":
                by_kind.setdefault(c.kind, []).append(c)
        barriers = [i for i in self.sections if cues.STRUCTURAL_HEADING_RE.match(self.paras[i])]
        for kind, group in by_kind.items():
            fam = family(kind)
            if fam in ("item", "heading", "lead", "bullet", "alike"):
                runs = [run for part in _split_at(group, barriers)
                        for run in adjacent_runs(part, max_gap=self._run_gap(fam))]
            else:
                runs = numbered_runs(group)
            for run in runs:
                split = self._layout_list(run, fam)
                if split is not None:
                    found.append(split)
        unique: dict[tuple[str, tuple[tuple[int, int], ...]], _Split] = {}
        for split in found:
            key = (split.family, tuple((s.para, s.start) for s in split.starts))
            if key not in unique or split.confidence > unique[key].confidence:
                unique[key] = split
        return list(unique.values())

    def _run_gap(self, fam: str) -> int:
        if fam in ("heading", "lead", "alike"):
            return max(8, len(self.paras) // 3)  # sections run to several paragraphs
        return 3 if fam == "item" else 1  # an item may hold a few paragraphs of its own

    def _layout_list(self, run: list[Candidate], fam: str) -> _Split | None:
        if fam == "heading" and len(run) >= 4:
            # "On X", "On Y", "On Z", then "What now?": the last heading, out of the
            # shape of the others, closes the list rather than continuing it.
            heads = [self.paras[c.para] for c in run]
            if _open_alike(heads[:-1]) and not _open_alike([*heads[:2], heads[-1]]):
                run = run[:-1]
        first = run[0]
        announced = self.announcement_before(first.para, first.start)
        count = announced.count if announced else None
        starts = tuple(_Start(c.para, c.start, c.end, c.marker or None, kind=fam) for c in run)
        ev = self._evidence(fam, run, len(starts), len(run), count)
        end = None
        if fam == "item":
            list_id = self.blocks[first.para].list_id
            last = run[-1].para
            while (last + 1 < self.body_end and list_id is not None
                   and self.blocks[last + 1].list_id == list_id):
                last += 1
            end = last + 1
        return self._split(fam, starts, count, run, ev, end)

    def _layout_chain(self, chain: list[tuple[Candidate, int]]) -> _Split | None:
        """Turn a chain of ordinal markers into argument starts, filling the gaps."""
        cands = [c for c, _ in chain]
        first = cands[0]
        announced = self.announcement_before(first.para, first.start)
        count = announced.count if announced else None
        starts: list[_Start] = []
        lead_value = chain[0][1]
        lone_second = self._lone_second(chain)
        if lone_second is not None:
            starts.append(lone_second)
        elif lead_value > 1 and first.at_start:
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
                elif cand.value == LAST and missing <= 0 and previous.para < cand.para:
                    # "To begin with ... Also, the bank ... Last but not least": a point
                    # the writer opened with a turn rather than a number.
                    starts.extend(self._unmarked(i) for i in range(previous.para + 1, cand.para)
                                  if cues.NEW_POINT_CUE_RE.match(self.paras[i]))
            starts.append(_Start(cand.para, cand.start, cand.end, cand.marker, cand.noun))
            previous, previous_value = cand, value
        if count and count > len(starts) and chain[-1][0].value != LAST:
            # Announced "two ways", marked one, and the rest open with strong cues.
            stop = self.conclusion_after(cands[-1].para) or self.body_end
            cued = [i for i in range(cands[-1].para + 1, min(stop, cands[-1].para + _PICK_WINDOW))
                    if cues.NEW_POINT_CUE_RE.match(self.paras[i])]
            starts.extend(self._unmarked(i) for i in cued[:count - len(starts)])
        elif (len(cands) >= 2 and len({c.para for c in cands}) == 1
              and chain[-1][0].value != LAST):
            # "... first, X, and second, Y." then a paragraph "In addition, ...": the list
            # run together in one paragraph goes on in the next with a turn to a new point.
            here = cands[0].para
            stop = min(self.conclusion_after(here) or self.body_end, here + 1 + _RUN_ON_WINDOW)
            starts.extend(self._unmarked(i) for i in range(here + 1, stop)
                          if cues.NEW_POINT_CUE_RE.match(self.paras[i]))
        starts.sort(key=lambda s: (s.para, s.start))
        explicit = {c.value for c in cands if c.explicit}
        enough = len(cands) >= 2 and (
            len(explicit) >= 2
            or (explicit and (count is not None or max(explicit) >= 2 or len(cands) >= 3))
            or count == len(starts))
        single = (len(cands) == 1 and first.explicit and first.value == 1
                  and count == len(starts) >= 2)
        # "The first straw ... The next straw": one noun counted at paragraph starts.
        same_noun = (len(cands) >= 2 and first.explicit and first.value == 1
                     and all(c.noun and c.at_start and c.counted == first.counted
                             and first.counted is not None for c in cands))
        # "One argument is ... Another stated concern ... Finally, ...": three or more
        # markers opening paragraphs, counted with nouns.
        nouned = (len(cands) >= 3 and all(c.at_start for c in cands)
                  and sum(c.noun for c in cands) >= 2)
        # "One, ... There's also the question ... Finally, ...": a first, a turn, a last.
        closed = bool(explicit) and chain[-1][0].value == LAST and len(starts) >= 3
        if not (enough or single or same_noun or nouned or closed or lone_second):
            return None
        ev = self._evidence("ord", cands, len(starts), len(cands), count)
        ev.buried = not any(c.at_start for c in cands)
        counted = [c.value for c in cands if c.explicit]
        ev.sequence = (first.at_start and first.value == 1 and len(counted) >= 2
                       and counted == sorted(set(counted)))
        return self._split("ord", tuple(starts), count, cands, ev, None)

    def _split(self, fam: str, starts: tuple[_Start, ...], count: int | None,
               cands: list[Candidate], ev: Evidence, end: int | None) -> _Split | None:
        if len(starts) < 2:
            return None
        confidence, reasons = weigh(ev)
        sectioned = all(s.para in self._section_set and s.start == 0 for s in starts)
        return _Split(fam, starts, count, len(cands), sum(c.at_start for c in cands),
                      confidence, tuple(reasons), end, sectioned)

    def _lone_second(self, chain: list[tuple[Candidate, int]]) -> _Start | None:
        """"... for a range of reasons. Anger at ... / Secondly, ...": a second with no
        first, right after a sentence announcing reasons; the first is what follows that
        sentence (or the paragraph after it). None unless the piece reads that way."""
        first = chain[0][0]
        if len(chain) != 1 or first.value != 2 or not first.at_start or first.para < 2:
            return None
        before = self.paras[first.para - 1]
        m = VAGUE_ANNOUNCE_RE.search(before) or ANNOUNCE_RE.search(before)
        if m is None:
            return None
        after = sentence_end(before, m.end())
        if len(before) - after > 40:  # the first reason follows in the same paragraph
            offset = len(before) - len(before[after:].lstrip())
            return _Start(first.para - 1, offset, offset, None, kind="unmarked")
        return None

    def _unmarked(self, index: int) -> _Start:
        return _Start(index, 0, 0, None, kind="unmarked")

    def _pick(self, lo: int, hi: int, count: int, *, leading: bool = False,
              strong_only: bool = False) -> list[int]:
        """The ``count`` paragraphs in [lo, hi) most likely to open an unmarked argument.

        Only the paragraphs nearest the marker are looked at: an argument a dozen paragraphs
        long is rare, and the window keeps the reading linear in the piece."""
        lo = max(lo, 1, hi - _PICK_WINDOW) if leading else max(lo, 1)
        hi = min(hi, lo + _PICK_WINDOW) if not leading else hi
        options = list(range(lo, hi))
        if strong_only:
            options = [i for i in options if cues.STRONG_CUE_RE.match(self.paras[i])]
        if not options or count <= 0:
            return []
        chosen: list[int] = []
        if leading:  # the first argument follows the announcement directly
            # ... past a one-line lead-in ("The objections are not hard to find.")
            skip = 0
            while len(options) - skip > count and word_count(self.paras[options[skip]]) < 12:
                skip += 1
            chosen.append(options[skip])
            options = options[skip + 1:]
            count -= 1
        ranked = sorted(options, key=lambda i: (-self.start_score(i), i))
        chosen.extend(ranked[:count])
        return sorted(chosen)

    # -- weighing -------------------------------------------------------------------------

    def _evidence(self, fam: str, cands: list[Candidate], count: int, marked: int,
                  announced: int | None) -> Evidence:
        first = cands[0]
        intro = self._intro(first)
        stripped = intro.rstrip()
        noun = self.announcement_before(first.para, first.start)
        procedural = (noun is not None and noun.noun in _PROCEDURE_NOUNS) or any(
            c.counted in _PROCEDURE_NOUNS for c in cands)
        ev = Evidence(fam, count, marked, announced=announced, procedural=procedural,
                      argument_noun=noun is None or noun.noun in ARGUMENT_NOUNS,
                      intro_concerns=bool(cues.REASON_WORDS_RE.search(intro[-160:])),
                      vague=announced is None and bool(VAGUE_ANNOUNCE_RE.search(intro)),
                      title_count=self.title_count if announced is None else None,
                      intro_colon=stripped.endswith(":"),
                      intro_reasons=bool(stripped.endswith(":")
                                         and cues.REASON_INTRO_RE.search(intro)),
                      intro_question=stripped.endswith("?"))
        bodies = [self.paras[c.para][c.end:c.end + 120].lstrip(cues.LEAD_PUNCT) for c in cands]
        ev.narrated = sum(1 for b in bodies if cues.NARRATION_RE.match(b)) * 2 >= len(bodies)
        ev.decoy = self._decoy(cands, bodies, intro)
        ev.examples = bool(stripped.endswith(":") and cues.EXAMPLES_INTRO_RE.search(intro))
        if self.interview and (self.transcript or fam not in ("heading", "lead")):
            ev.decoy = "the piece is an interview (its lists are the answers')"
        ev.fragments = fam in ("item", "bullet") and sum(
            1 for b in bodies if b[:1].islower() or b[:1].isdigit() or b[:1] in "£$€¥%"
        ) > len(bodies) / 2
        if fam in ("item", "bullet", "num", "inline") and not all(
                c.para in self._section_set for c in cands):
            texts = [self._item_text(c) for c in cands]
            ev.item_words = sum(word_count(t) for t in texts) / len(cands)
            ev.arguing = sum(1 for t in texts if cues.ARGUING_RE.search(t[:400])) / len(cands)
        if fam in ("heading", "lead"):
            heads = [self._head_text(c) for c in cands]
            ev.questions = sum(1 for h in heads if h.rstrip().endswith("?"))
            sizes = [word_count(h) for h in heads]
            ev.parallel = max(sizes) <= _HEADING_WORDS and max(sizes) - min(sizes) <= 8
            ev.alike = _open_alike(heads)
            ev.title_noun = self.title_noun
        if fam == "heading" and sum(word_count(self.paras[c.para]) <= 2 for c in cands) * 2 > len(
                cands) and not ev.alike:
            ev.notes.append("mostly one- or two-word headings (sections, not claims)")
            ev.terse = True
        if all(c.para in self._section_set for c in cands):
            ev.bare_headings = sum(1 for c in cands if self._bare(c.para))
        return ev

    def _bare(self, index: int) -> bool:
        """Whether a subheading has no text of its own: the next block is the end or another
        subheading of its level or above (a subheading below it is its own text's start)."""
        after = index + 1
        if after >= self.body_end:
            return True
        if after not in self._section_set:
            return False
        here, there = self.blocks[index], self.blocks[after]
        if here.kind is BlockKind.HEADING and there.kind is BlockKind.HEADING:
            return there.level <= here.level
        return True

    def _item_text(self, cand: Candidate) -> str:
        if cand.kind.startswith("inline"):
            return self.paras[cand.para][cand.end:cand.end + 200]
        return self.paras[cand.para][cand.end:]

    def _head_text(self, cand: Candidate) -> str:
        if cand.kind == "lead":
            return self.lead(cand.para) or self.paras[cand.para]
        return self.paras[cand.para]

    def _decoy(self, cands: list[Candidate], bodies: list[str], intro: str) -> str | None:
        """Why a list is not the writer's arguments (quoted, dated, procedural, cited)."""
        first = cands[0]
        staged = sum(1 for c in cands if cues.STAGE_LABEL_RE.match(self.paras[c.para]))
        if first.kind.startswith("label:step") or staged * 2 >= len(cands):
            return "labelled as steps or phases (a procedure)"
        half = len(bodies) / 2
        if sum(1 for b in bodies if cues.DATE_OPENING_RE.match(b)) >= half:
            return "dates open most items (a timeline)"
        if first.kind == "lead" and sum(
                1 for c in cands if cues.YEAR_RE.search(self.lead(c.para) or "")) >= half:
            return "years in most labels (a timeline)"
        if sum(1 for b in bodies if cues.cited(b)) >= half:
            return "items read as citations (notes)"
        last_sentence = _last_sentence(intro)
        if intro.rstrip().endswith(":") and cues.QUOTED_INTRO_RE.search(intro):
            return "led in as a quotation (someone else's list)"
        verbs = sum(1 for b in bodies
                    if b.split(" ", 1)[0].lower().strip(",") in cues.IMPERATIVES)
        if verbs > half:
            return "items are instructions (a procedure)"
        if ((first.kind != "ord" or verbs >= half)
                and cues.PROCEDURE_INTRO_RE.search(last_sentence)
                and not cues.REASON_WORDS_RE.search(last_sentence)):
            return "led in as a procedure"
        return None

    # -- assembly ---------------------------------------------------------------------------

    def choose(self) -> tuple[list[_Split], list[_Split]]:
        """The chosen series (none, one, or two that do not overlap) and all those weighed."""
        splits = self.splits()
        accepted = sorted((s for s in splits if s.confidence >= ACCEPT),
                          key=_Split.rank, reverse=True)[:_CHOICES]
        # A list inside one argument of another list belongs to that argument (when the
        # outer list is numbered, or no less sure than the inner one).
        accepted = [s for s in accepted if not any(_suppresses(outer, s) for outer in accepted)]
        if not accepted:
            return [], splits
        best = accepted[0]
        chosen = [best]
        lo, hi = best.starts[0].para, best.starts[-1].para
        for other in accepted[1:]:
            if other.confidence < _SECOND_SERIES or family(other.family) != best.family:
                continue
            if other.starts[-1].para < lo or other.starts[0].para > hi:
                chosen.append(other)
                break
        chosen.sort(key=lambda s: s.starts[0].para)
        return chosen, splits

    def piece(self, article: Article, *, explain: bool) -> Piece:
        chosen, considered = self.choose()
        explanation = self._explain(chosen, considered) if explain else ()
        if not chosen:
            return self._flat(article, considered, explanation)
        starts = [replace(s, confidence=split.confidence * (
            _UNMARKED_SHARE if s.marker is None and s.kind == "unmarked" else 1.0))
            for split in chosen for s in split.starts]
        starts = self._under_crossheads(starts)
        end = self._end(chosen[-1])
        arguments = tuple(
            self._argument(number, start, starts[number] if number < len(starts) else None, end)
            for number, start in enumerate(starts, 1))
        conclusion = "\n\n".join(self.paras[end:self.body_end]) or None
        confidence = min(split.confidence for split in chosen)
        return Piece(
            thesis=self._thesis(starts[0], article),
            arguments=arguments,
            announced_count=chosen[0].announced,
            conclusion=conclusion,
            confidence=confidence,
            explanation=explanation,
            **_meta(article),
        )

    def _under_crossheads(self, starts: list[_Start]) -> list[_Start]:
        """An argument whose paragraph sits right under a subheading of its own (an editor's
        crosshead, "Tarnished credibility.", then "First, ...") starts at that subheading."""
        moved: list[_Start] = []
        floor = 0
        for start in starts:
            above = start.para - 1
            if (start.start == 0 and above > floor and above in self._section_set
                    and start.para not in self._section_set
                    and not cues.STRUCTURAL_HEADING_RE.match(self.paras[above])
                    and (not moved or moved[-1].para < above)):
                start = replace(start, para=above, end=0, kind="heading")
            moved.append(start)
            floor = start.para
        return moved

    def _end(self, split: _Split) -> int:
        """Where the last argument ends: a conclusion, the end of its list or section."""
        starts = split.starts
        last = starts[-1]
        conclusion_at = self.conclusion_after(last.para)
        if split.end is not None:
            return min(split.end, conclusion_at) if conclusion_at is not None else split.end
        if conclusion_at is not None:
            return conclusion_at
        if split.sectioned:
            # Subheadings as the points: the last one's section ends at the next subheading.
            at = bisect.bisect_right(self.sections, last.para)
            return self.sections[at] if at < len(self.sections) else self.body_end
        compact = all(b.para - a.para <= 1 for a, b in pairwise(starts))
        if (compact and (all(s.marker for s in starts) or split.family == "alike")
                and split.family != "inline"):
            return last.para + 1  # a tight list: what follows it steps back from it
        return self.body_end

    def _flat(self, article: Article, considered: list[_Split],
              explanation: tuple[str, ...]) -> Piece:
        """A piece without enumerated arguments: thesis, maybe a count, maybe a conclusion."""
        lead = max(3, len(self.paras) // 4)
        announced = next((a.count for a in self.announcements if a.para < lead), None)
        conclusion = None
        if self.body_end >= 3:
            for index in range(max(1, self.body_end // 2), self.body_end):
                if cues.CONCLUSION_RE.match(self.paras[index]):
                    conclusion = "\n\n".join(self.paras[index:self.body_end])
                    break
        thesis = shorten(self.paras[:1]) if self.paras else (article.title or "")
        doubt = max((s.confidence for s in considered), default=0.0)
        return Piece(thesis=thesis, arguments=(), announced_count=announced,
                     conclusion=conclusion, confidence=max(0.5, min(0.99, 1.0 - doubt)),
                     explanation=explanation, **_meta(article))

    def _explain(self, chosen: list[_Split], considered: list[_Split]) -> tuple[str, ...]:
        lines: list[str] = []
        for split in sorted(considered, key=_Split.rank, reverse=True):
            verdict = ("chosen" if split in chosen else
                       "rejected: below the acceptance threshold"
                       if split.confidence < ACCEPT else
                       "rejected: inside one argument of another series"
                       if any(_suppresses(outer, split) for outer in considered
                              if outer.confidence >= ACCEPT) else
                       "rejected: a better series overlaps")
            lines.append(f"{split.describe(self.paras)}: confidence {split.confidence:.2f}, "
                         f"{verdict}")
            lines.extend(f"    {reason}" for reason in split.reasons)
        if not considered:
            lines.append("no series of markers found")
        return tuple(lines)

    def _thesis(self, first: _Start, article: Article) -> str:
        lead = [p for i, p in enumerate(self.paras[:first.para]) if i not in self._section_set]
        head = self.paras[first.para][:first.start].strip()
        announcement = self.announcement_before(first.para, first.start)
        if (announcement is not None and 0 < announcement.para < first.para
                and (cues.ANNOUNCE_OPENING_RE.match(self.paras[announcement.para])
                     or sentence_end(self.paras[announcement.para])
                     >= len(self.paras[announcement.para]))):
            # "There are four reasons ..." is not the claim.
            lead = [p for i, p in enumerate(self.paras[:announcement.para])
                    if i not in self._section_set]
        elif head:
            lead.append(head)
        if lead:
            return shorten(lead)
        if article.title:
            return article.title.strip()
        return first_sentence(self.paras[first.para]) if self.paras else ""

    def _argument(self, number: int, start: _Start, following: _Start | None,
                  end: int) -> Argument:
        paras = self.paras
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
        return Argument(number=number, title=self._title(start), marker=start.marker,
                        text=text, confidence=start.confidence)

    def _title(self, start: _Start) -> str:
        """A thread name: a subheading or bold label as written, else the argument's first
        sentence without its marker."""
        block = self.blocks[start.para]
        if start.kind == "heading" or (start.para in self._section_set and start.start == 0):
            name = block.text[start.end:].lstrip(cues.LEAD_PUNCT)
            if word_count(name) >= 1:
                return _finish_title(name)
        if block.lead is not None and start.start == 0 and word_count(block.lead) >= 3:
            lead = block.lead
            cut = lead.find(" ", 0)
            if start.end and start.end < len(lead) and block.text.startswith(lead):
                lead = lead[start.end:].lstrip(cues.LEAD_PUNCT) or lead
            if cut != -1 and word_count(lead) >= _MIN_TITLE_WORDS:
                return _finish_title(lead.rstrip(" .:—–-"))
        return _title(self.paras, start)


def _finish_title(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return "Argument"
    return clip(text[0].upper() + text[1:], TITLE_MAX)


def _announcements_in(text: str) -> list[re.Match[str]]:
    """Matches of ANNOUNCE_RE, tried only where a number is: substring search is far cheaper
    than letting sre try the pattern at every position."""
    low = text.lower()
    starts: set[int] = set()
    for word in cues.NUMBER_NEEDLES:
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


def _suppresses(outer: _Split, inner: _Split) -> bool:
    """Whether ``inner`` is a detail of ``outer``'s: nested in it, and either run together
    in a paragraph, or below a numbered list, or no surer than it."""
    return _nested(inner, outer) and (
        inner.family == "inline" or family(outer.family) in ("num", "label", "roman", "ord")
        or outer.confidence >= inner.confidence)


def _nested(inner: _Split, outer: _Split) -> bool:
    """Whether ``inner`` lies inside ``outer``'s arguments: every start inside one argument
    of it (after its start and before the next), or, when ``outer``'s points are subheadings,
    anywhere below them (its sections hold their own words, ordinals and lists)."""
    if inner is outer or len(outer.starts) < 2:
        return False
    first, last = inner.starts[0], inner.starts[-1]
    starts = outer.starts
    if (outer.sectioned and not inner.sectioned
            and (first.para, first.start) > (starts[0].para, starts[0].start)):
        return True
    positions = [(s.para, s.start) for s in starts]
    at = bisect.bisect_left(positions, (first.para, first.start))  # outer starts before it
    if at == 0 or positions[at - 1] == (first.para, first.start):
        return False
    if at < len(positions):
        return (last.para, last.start) < positions[at]
    # Below the last point of a list of sections, a list is that section's; after the last
    # point of a list of paragraphs, it may be a second series.
    return (outer.family in ("heading", "lead", "item", "bullet")
            and first.para - positions[-1][0] <= 8)


def _title_case(text: str) -> bool:
    """Whether most words longer than three letters are capitalised, as in a headline."""
    long = [w for w in text.split() if len(w) > 3]
    return bool(long) and sum(w[0].isupper() for w in long) * 3 >= len(long) * 2


def _label_of(block: Block) -> str | None:
    """The label opening a block ("Mr Malone:", "**Cost:**"), as a name to count."""
    if block.lead is not None and block.lead.rstrip().endswith(":"):
        return block.lead.rstrip().rstrip(":").strip()
    m = _COLON_LABEL_RE.match(block.text)
    return m.group(1) if m else None


def _last_sentence(text: str) -> str:
    """The last sentence of ``text`` (a lead-in's, where what it announces is said)."""
    stripped = text.rstrip()
    cut = max(stripped.rfind(". ", 0, len(stripped) - 1), stripped.rfind("? "),
              stripped.rfind("! "))
    return stripped[cut + 1:] if cut != -1 else stripped


def _split_at(group: list[Candidate], barriers: list[int]) -> list[list[Candidate]]:
    """``group`` cut wherever a barrier (a structural heading) falls between two members."""
    parts: list[list[Candidate]] = []
    for cand in group:
        if parts and any(parts[-1][-1].para < b < cand.para for b in barriers):
            parts.append([cand])
        elif parts:
            parts[-1].append(cand)
        else:
            parts.append([cand])
    return parts


def _opening_key(text: str) -> str | None:
    """A paragraph's first three words, past connectives and fillers, to compare openings."""
    m = cues.OPENING_CONNECTIVE_RE.match(text)
    words = [w for w in cues.WORD_KEY_RE.findall(text[m.end() if m else 0:][:80].lower())
             if w not in cues.OPENING_FILLERS][:3]
    return " ".join(words) if len(words) == 3 else None


def _open_alike(heads: list[str]) -> bool:
    """Whether the items share a shape a writer gives a list of points: most open with the
    same word ("A failure of ...", "Wayland doesn't ...", "On ..."), or every one is quoted,
    in lower case, in capitals, or ends with an exclamation."""
    heads = [h.strip() for h in heads if h.strip()]
    if len(heads) < 3:
        return False
    # "The ..." opening three headings is English, not a pattern: after an article, the
    # next word decides ("A failure of ...").
    firsts = [" ".join(w for w in h.lower().strip("\"“‘'").split()[:2])
              if h.lower().split()[0] in ("the", "a", "an") else
              h.split(" ", 1)[0].lower().strip("\"“‘'") for h in heads]
    common = max(firsts.count(f) for f in set(firsts))
    if common >= max(3, round(0.6 * len(firsts))):
        return True
    return (all(h[0] in "\"“‘'" for h in heads) or all(h.isupper() for h in heads)
            or all(h.endswith("!") for h in heads))


def _repeated_nouns(cands: list[Candidate]) -> set[str]:
    """Nouns a piece counts with at two or more positions ("The first straw ... The next
    straw"): its own count noun, whatever the word."""
    seen: dict[str, set[int]] = {}
    for cand in cands:
        if cand.counted is not None and cand.counted not in COUNT_NOUNS and cand.at_start:
            seen.setdefault(cand.counted, set()).add(cand.value)
    return {noun for noun, values in seen.items() if len(values) >= 2}


def _signoff_start(paras: list[str], end: int) -> int:
    """Where a letter's sign-off begins (the writer's name and town, a dash and a name, a
    "write to us" line), else ``end``: it is neither argument nor conclusion."""
    index = end
    floor = max(1, end - 4)
    while index > floor:
        text = paras[index - 1].strip()
        words = text.split()
        if "@" in text and len(words) <= 80:
            index -= 1
            continue
        if not words or len(words) > 6 or (text[-1] in ".!?\"”" and not _INITIALS_RE.search(text)):
            break
        if not all(w[:1].isupper() or w[:1] in "—–-(" or w.lower() in _NAME_WORDS
                   for w in words):
            break
        index -= 1
    return index


def _title_count(title: str | None) -> int | None:
    """The count a headline gives ("Five reasons to ..."), if it gives one."""
    if not title:
        return None
    for m in _announcements_in(title):
        raw = m["num"].lower()
        count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        if 2 <= count <= 30:
            return count
    # A headline counts anything it likes: "The three Hs", "7 habits of ...".
    m = _TITLE_COUNT_RE.search(title)
    if m:
        raw = m["num"].lower()
        count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        return count if 2 <= count <= 30 else None
    return None


def _notes_start(paras: list[str]) -> int:
    """Where trailing notes begin (a "Notes" heading or cited numbered lines), else the end."""
    end = len(paras)
    half = len(paras) // 2
    for index in range(len(paras) - 1, half - 1, -1):
        if len(paras[index]) < 40 and cues.NOTES_HEADING_RE.match(paras[index]):
            return index
    index = end
    while index > half and cues.NOTE_OPENING_RE.match(paras[index - 1]) and (
            paras[index - 1].startswith("[") or cues.cited(paras[index - 1])):
        index -= 1
    return index


def _normalise(blocks: tuple[Block, ...]) -> list[Block]:
    """Strip blocks, drop empty ones, and split list items run together on one line each."""
    out: list[Block] = []
    for block in blocks:
        raw = block.text if isinstance(block.text, str) else ""
        parts = cues.BLANK_LINE_RE.split(raw) if "\n" in raw else [raw]
        for part in parts:
            part = part.strip()
            if not part:
                continue
            lines = [line.strip() for line in part.split("\n") if line.strip()]
            if len(lines) > 1 and sum(1 for ln in lines if cues.LIST_LINE_RE.match(ln)) >= 2:
                out.extend(replace(block, text=line, lead=None) for line in lines)
            else:
                text = " ".join(lines) if len(lines) > 1 else part
                out.append(block if text == block.text else replace(block, text=text))
    return out


def _meta(article: Article) -> dict[str, object]:
    return {"title": article.title, "author": article.author, "url": article.url,
            "outlet": article.outlet, "published": article.published,
            "removed_boilerplate": tuple(article.removed_boilerplate),
            "notes": tuple(article.notes)}


def _title(paras: list[str], start: _Start) -> str:
    """The argument's first sentence without its marker, fit for a thread name."""
    text = paras[start.para][start.end:].lstrip(cues.LEAD_PUNCT)
    if start.marker is None:
        text = cues.CUE_PREFIX_RE.sub("", text, count=1)
    else:
        text = cues.ASIDE_RE.sub("", text, count=1) if text.startswith("and ") else text
        if start.noun:
            text = _after_noun_marker(paras[start.para], start, text)
            if word_count(first_sentence(text)) < _MIN_TITLE_WORDS:
                text = paras[start.para][start.start:]  # "Safety." says less than the sentence
        there = cues.THERE_RE.match(text)
        if there:
            text = text[there.end():]
    sentence = first_sentence(text).strip()
    if not sentence and start.para + 1 < len(paras):
        sentence = first_sentence(paras[start.para + 1])
    return _finish_title(sentence)


def _after_noun_marker(para: str, start: _Start, text: str) -> str:
    """What a noun marker introduces: "The second reason is recruitment." -> "recruitment."."""
    copula = cues.COPULA_RE.match(text)
    if copula:
        rest = text[copula.end():]
        if cues.PREPOSITION_RE.match(rest):  # "was in the dressing room": keep the sentence
            return para[start.start:]
        return rest
    verb = cues.MAIN_VERB_RE.search(first_sentence(text))
    return text[verb.end():] if verb else text


def segment(article: Article, *, explain: bool = False) -> Piece:
    """Read ``article`` as a thesis, its enumerated arguments (possibly none) and a conclusion,
    with the splitter's confidence; ``explain`` fills ``Piece.explanation`` with the series
    weighed and why each was chosen or rejected.

    Never raises on odd input; an article without blocks yields an empty thesis.
    """
    blocks = _normalise(article.blocks)
    return _Reader(blocks, article.title).piece(article, explain=explain)

