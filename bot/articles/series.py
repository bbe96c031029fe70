"""Series of markers: which candidates could be one list, and how much evidence says it is.

``segment`` finds the candidates (ordinal words, numerals, labels, bullets, subheadings, bold
labels, numbers run together in a paragraph) and lays each possible series out as argument
starts; this module groups candidates into series and weighs the evidence for one: its family,
the announced count, the words that lead into it, the shape of its items, and the signs that
it is something else (a timeline, a procedure, notes, somebody else's list). The weighing is a
small additive model read through a logistic curve, so every split carries a confidence from 0
to 1 and the reasons for it. Pure and linear in the number of candidates.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from bot.articles.markers import LAST, NEXT, Candidate

# A split is read as the piece's arguments from this confidence up; below it the piece gets
# none (DESIGN.md: the confidence decides).
ACCEPT: Final = 0.5
MAX_GAP: Final = 2  # "First ... Fourth" is a miscount, not two missing arguments
# Imperatives that open a first point ("Consider the ward map."), or an example inside one.
_OPENERS: Final = ("Consider", "Take", "Start with", "Begin with")

# How much a family of markers says on its own (logits). Ordinal words and numerals are
# written to enumerate; an ordered list, a bullet list, subheadings and bold labels organise
# all kinds of text, so they need the rest of the evidence.
_BASE: Final[dict[str, float]] = {
    "ord": 1.2, "num": 1.1, "label": 2.2, "roman": 0.6, "inline": -0.3, "item": -1.2,
    "bullet": -1.2, "heading": -1.4, "lead": -0.9, "alike": -1.2, "break": -0.6,
}
_WEAK: Final = frozenset({"item", "bullet", "heading", "lead", "inline", "roman", "alike",
                          "break"})


def family(kind: str) -> str:
    """The family of a candidate's kind: "num." and "(num)" are both numerals, and so on."""
    kind = kind.removesuffix("|h")
    if kind.startswith(("num", "(num)", "#num")):
        return "num"
    if kind.startswith("label:"):
        return "label"
    for prefix in ("inline", "item", "heading", "alike"):
        if kind.startswith(prefix):
            return prefix
    return kind


def label_noun(kind: str) -> str:
    """The noun a label counts: "mistake" for "Mistake #1" under a subheading
    ("label:mistake#|h")."""
    return kind[6:].split("#", 1)[0].split("|", 1)[0]


@dataclass(slots=True)
class Evidence:
    """What is known about one laid-out series, for ``weigh``."""

    family: str
    count: int  # arguments, unmarked ones included
    marked: int
    announced: int | None = None  # counted in the piece's lead, before the series
    title_count: int | None = None  # counted in the headline only
    intro_colon: bool = False
    intro_reasons: bool = False
    intro_question: bool = False
    item_words: float = 0.0  # mean words of the items' first blocks
    parallel: bool = False  # items of one shape (subheadings, bold labels)
    questions: int = 0  # items that are questions (an FAQ, an explainer)
    bare_headings: int = 0  # subheadings with no paragraph of their own
    alike: bool = False  # most items open with the same words
    terse: bool = False  # most items are one- or two-word headings
    buried: bool = False  # every marker sits inside a paragraph
    vague: bool = False  # announced without a number ("several reasons")
    procedural: bool = False  # counted in steps, stages or phases
    narrated: bool = False  # the items tell what someone did ("we started", "they went")
    personal: bool = False  # paragraphs opening alike with "I ..." or "We ..." (anaphora)
    title_noun: bool = False  # the headline names what is counted ("myths", "reasons")
    examples: bool = False  # led in as examples ("such as:", "for instance:")
    argument_noun: bool = True  # the announcement counts arguments, not "things"
    intro_concerns: bool = False  # the lead-in speaks of reasons, concerns or problems
    arguing: float = 1.0  # share of items with words that argue
    sequence: bool = False  # explicit positions counted from one, opening paragraphs
    fragments: bool = False  # items continue the lead-in's sentence ("savings of £2m;")
    figures: bool = False  # most items state figures ("at 31 percent of capacity, down from 44")
    prefatory: bool = False  # run together in one paragraph of a piece built on subheadings
    named: bool = False  # numbered subheadings that name things ("2. Coldharbour Edge")
    loose: bool = False  # points opened only by turns ("Add to that", "Worse,"), no marker
    claims: bool = False  # most subheadings state a claim ("Price is not what keeps riders away")
    previewed: bool = False  # a list before the series sums up as many points ("Key points")
    closed: bool = False  # a heading that steps back follows the last ("What we're asking for")
    argued_below: bool = False  # bulleted one-line claims, each over a paragraph that argues it
    told: bool = False  # every marker in one paragraph, each item news ("has been deferred")
    labelled: bool = False  # most items open with a label in plain text ("Donor confidence.")
    quoted: bool = False  # paragraphs opening with a quoted claim ('"Wards will be flooded."')
    decoy: str | None = None  # why it is no list of arguments at all
    notes: list[str] = field(default_factory=list)

    @property
    def led_in_by_reasons(self) -> bool:
        """The lead-in speaks of reasons, concerns or problems (with a colon or without)."""
        return self.intro_reasons or self.intro_concerns


def weigh(ev: Evidence) -> tuple[float, list[str]]:
    """The series' confidence (0-1) and the reasons, strongest first."""
    if ev.decoy is not None:
        return 0.02, [ev.decoy]
    logit = _BASE.get(ev.family, 0.0)
    reasons: list[str] = [f"{ev.family} markers ({_BASE.get(ev.family, 0.0):+.1f})"]

    def add(weight: float, why: str) -> None:
        nonlocal logit
        logit += weight
        reasons.append(f"{why} ({weight:+.1f})")

    if ev.announced is not None and not ev.procedural:  # "two steps" announce a process
        gap = abs(ev.announced - ev.count)
        strength = 1.0 if ev.argument_noun else 0.5  # "four reasons" against "four things"
        if gap == 0:
            add(2.5 * strength, f"announced {ev.announced}, found {ev.count}")
        elif ev.count == ev.announced + 1 and ev.marked == ev.count and ev.sequence:
            # "two problems ... The first ... The second ... And there is a third problem":
            # the writer found one more as they went and counted it: the markers win.
            add(3.0 * strength, f"announced {ev.announced}, counted on to {ev.count}")
        elif gap == 1:
            add(0.8 * strength, f"announced {ev.announced}, found {ev.count}")
        else:
            add(-0.3, f"announced {ev.announced}, found {ev.count}")
    elif ev.title_count is not None and ev.title_count == ev.count:
        add(1.5, f"the headline counts {ev.title_count}")
    elif ev.vague:
        add(0.8, "announced without a count ('a couple of reasons')")
    if ev.intro_reasons:
        add(1.2, "led in by reasons and a colon")
    elif ev.intro_concerns:
        add(0.8, "led in by reasons")
    elif ev.intro_colon and ev.family in _WEAK:  # a numbered list is announced anyway
        add(0.6, "led in by a colon")
    elif ev.intro_question:
        add(0.3, "led in by a question")
    weak = ev.family in _WEAK
    if weak and ev.count >= 3:
        add(0.4, f"{ev.count} items")
    if weak and ev.count == 2 and ev.announced is None and not ev.intro_colon:
        add(-0.5, "only two items, unannounced")
    if ev.family in ("item", "bullet", "num", "inline"):
        if ev.arguing < 0.5 and not (ev.led_in_by_reasons
                                     or (ev.announced is not None and ev.argument_noun)):
            add(-1.2, "nothing says the items argue (facts, aims or news)")
        if ev.figures:
            add(-1.0, "figures in most items (a box of data)")
        if ev.labelled:
            add(0.6, "items that open with a label of a few words, then argue")
        if ev.item_words and ev.item_words < 6:
            add(-1.0, "items too short to argue (a list of things)")
        elif ev.item_words >= 12 and ev.arguing >= 0.5:
            add(0.3, "items that argue at length")
    elif ev.family == "lead" and ev.item_words >= 12 and ev.arguing >= 0.5:
        add(0.3, "labelled paragraphs that argue at length")
    if ev.argued_below:
        add(1.0, "bulleted one-line claims, each argued in the paragraph below it")
    if ev.family == "inline" and ev.announced is None and not ev.led_in_by_reasons:
        add(-1.0, "numbers inside a sentence, unannounced (a detail, not the points)")
    if ev.family == "num" and ev.questions * 2 > ev.count:
        add(-0.6 * ev.questions, "numbered questions as headings (a Q&A or an explainer)")
    if ev.named and ev.announced is None and ev.title_count is not None:
        # "Ten things we saw at the festival": a headline's count of things named below.
        add(-3.0, "numbered subheadings that name things, counted by the headline (a listicle)")
    if ev.bare_headings:
        add(-1.5, "headings without text of their own (a table of contents)")
    if ev.family in ("heading", "lead"):
        if ev.parallel:
            add(0.5, "items of a similar length")
        if ev.questions * 2 >= ev.count:
            add(-0.8 * ev.questions, "questions as headings (an explainer)")
        elif ev.questions:  # "No students?" among statements: a rhetorical label
            add(-0.3 * ev.questions, "a question among the headings")
        if ev.alike:
            add(1.0, "items of one shape (opening alike, quoted, in capitals)")
        if ev.terse:
            add(-0.6, "mostly one- or two-word headings")
        if ev.title_noun:
            add(0.8, "the headline says what is counted")
        if ev.claims:
            add(0.6, "headings that state claims")
        if ev.previewed:
            add(0.8, "a list before them sums up as many points")
        if ev.closed and ev.claims:
            add(0.4, "claims closed by a heading that steps back ('What we ask')")
    if ev.buried and ev.announced is None and not ev.led_in_by_reasons:
        add(-0.8, "every marker inside a paragraph, unannounced (exposition)")
        if ev.count == 2 and not ev.vague and ev.prefatory:
            add(-0.5, "only two, in one paragraph of a piece built on subheadings (remarks)")
    if (ev.told and ev.count == 2 and ev.announced is None and not ev.vague
            and not ev.led_in_by_reasons):
        add(-1.8, "two pieces of news in one paragraph, unannounced (told, not argued)")
    if ev.family == "alike" and ev.count == 2 and ev.announced is None:
        add(-0.5, "two paragraphs opening alike are a coincidence as often as a list")
    if ev.narrated:
        add(-1.5, "the items tell what was done (narration)")
    if ev.procedural:
        add(-1.5, "counted in steps or stages (a process described)")
    if ev.loose:
        add(-0.5, "points opened only by turns that add one (no marker)")
    if ev.sequence:
        add(0.5, "positions counted up from a first that opens a paragraph")
    if ev.family == "alike":
        add(1.0, "paragraphs open alike")
        if ev.personal and ev.announced is None:
            add(-0.8, "alike openings in the first person, unannounced (rhetoric)")
        if ev.quoted and not (ev.led_in_by_reasons or ev.announced or ev.title_count):
            add(-1.0, "quotations opening paragraphs, not said to be objections (a report)")
    if ev.examples:
        add(-1.5, "led in as examples")
    if ev.fragments:
        add(-1.0, "items continue the lead-in's sentence (a list of things)")
    unmarked = ev.count - ev.marked
    if unmarked > 1:
        add(-0.3 * (unmarked - 1), f"{unmarked} unmarked arguments")
    for note in ev.notes:
        reasons.append(note)
    return 1.0 / (1.0 + math.exp(-logit)), reasons


# --- grouping candidates into series --------------------------------------------------------

def ordinal_chains(cands: Sequence[Candidate]) -> list[list[tuple[Candidate, int]]]:
    """Group ordinal markers, in reading order, into sequences with their positions."""
    chains: list[list[tuple[Candidate, int]]] = []
    current: list[tuple[Candidate, int]] = []
    expect = 1
    later = [c.value for c in cands]
    for at, cand in enumerate(cands):
        if (cand.value == 1 and len(current) >= 2 and cand.marker.startswith(_OPENERS)
                and expect in later[at + 1:]):
            continue  # "Consider ..." inside the second point, the third still to come
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
        elif value == expect or expect < value <= expect + MAX_GAP:
            current.append((cand, value))
            expect = value + 1
        elif value == 1:
            if len(current) >= 2 or _lone_second(current):
                chains.append(current)
            current, expect = [(cand, 1)], 2
        # A repeated or earlier position is narration ("Second, the committee ...").
    if current:
        chains.append(current)
    return chains


def _lone_second(chain: list[tuple[Candidate, int]]) -> bool:
    """A "Secondly" alone, which may still be a list whose first point is unmarked."""
    return len(chain) == 1 and chain[0][1] == 2 and chain[0][0].at_start


def numbered_runs(cands: Sequence[Candidate]) -> list[list[Candidate]]:
    """Runs of numbers counting up by one from 1 (a restart at 1 begins another run); a
    countdown to 1 ("7." ... "1.", the listicle's order, most important last); and three or
    more items all numbered "1." close together (a list whose numbering was lost on its way
    out of a word processor or a Markdown source)."""
    up = _runs(cands, lambda last, cand: cand.value == last.value + 1,
               lambda cand: cand.value == 1)
    down = [run for run in _runs(cands, lambda last, cand: cand.value == last.value - 1,
                                 lambda cand: cand.value >= 3)
            if run[-1].value == 1 and len(run) >= 3]
    ones = [run for run in _runs(cands, lambda last, cand: (cand.value == last.value == 1
                                                            and cand.para - last.para <= 8),
                                 lambda cand: cand.value == 1)
            if len(run) >= 3]
    return up + down + ones


def adjacent_runs(cands: Sequence[Candidate], *, max_gap: int = 1) -> list[list[Candidate]]:
    """Runs of candidates no more than ``max_gap`` blocks apart, with the same marker."""
    return _runs(cands, lambda last, cand: (cand.para - last.para <= max_gap
                                            and cand.marker == last.marker),
                 lambda cand: True)


def _runs(cands: Sequence[Candidate], continues: Callable[[Candidate, Candidate], bool],
          opens: Callable[[Candidate], bool]) -> list[list[Candidate]]:
    """Runs of two or more: a candidate ``continues`` the run before it, or ``opens`` a new
    one (or is passed over)."""
    runs: list[list[Candidate]] = []
    current: list[Candidate] = []
    for cand in cands:
        if current and continues(current[-1], cand):
            current.append(cand)
        elif opens(cand):
            if len(current) >= 2:
                runs.append(current)
            current = [cand]
    if len(current) >= 2:
        runs.append(current)
    return runs


# --- laid-out series -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Start:
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
class Split:
    family: str
    starts: tuple[Start, ...]
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


def suppresses(outer: Split, inner: Split) -> bool:
    """Whether ``inner`` is a detail of ``outer``'s: nested in it, and either run together
    in a paragraph, or below a numbered list, or no surer than it."""
    return nested(inner, outer) and (
        inner.family == "inline" or family(outer.family) in ("num", "label", "roman", "ord")
        or outer.confidence >= inner.confidence)


def nested(inner: Split, outer: Split) -> bool:
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


def split_at(group: list[Candidate], barriers: list[int]) -> list[list[Candidate]]:
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


def open_alike(heads: list[str]) -> bool:
    """Whether the items share a shape a writer gives a list of points: most open with the
    same word ("A failure of ...", "Wayland doesn't ...", "On ..."), or every one is quoted,
    in capitals, or ends with an exclamation; two items must share their first three words."""
    heads = [h.strip() for h in heads if h.strip()]
    if len(heads) == 2:
        # Two items are alike only when they share their first three words ("The
        # nonviolence myth helped ... / The nonviolence myth does not ...").
        one, two = (h.lower().split()[:3] for h in heads)
        return len(one) == 3 and one == two
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


