"""Series whose points carry no marker of their own: paragraphs that each open with a turn
adding a point ("Add to that ...", "Worse, ...", "Then there is ..."), alone or after a first
marker ("For one thing ... For another ... And then there is"), labels in plain text right
after a count ("Put it in trust. ..."), and the questions a piece says it asks ("Three
questions the district hasn't answered"), each opening a paragraph; and where an unmarked
point between or before marked ones begins (``_pick``, ``_lone_second``). A layer of the
reader between the evidence and the reader itself (``segment``)."""

from __future__ import annotations

import re
from itertools import pairwise

from bot.articles import cues
from bot.articles.evidence import EvidenceReader
from bot.articles.layout import last_sentence
from bot.articles.markers import (
    ANNOUNCE_RE,
    ARGUMENT_NOUNS,
    LAST,
    NEXT,
    VAGUE_ANNOUNCE_RE,
    Candidate,
)
from bot.articles.model import BlockKind
from bot.articles.sentences import opens_with_label, sentence_end, word_count
from bot.articles.series import Evidence, Split, Start, family, weigh

ADDED_GAP = 5  # paragraphs a point opened by a turn may run to before the next one
PICK_WINDOW = 16  # paragraphs searched for an unmarked argument next to a marker
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_QUESTION_WORDS = 40  # a question that opens a point is one sentence, not a paragraph
# Words one of which cues.REBUTTAL_RE needs to match.
_REBUTTAL_WORDS = ("objection", "myth", "complaint", "criticism", "misconception", "worries",
                   "arguments against", "critics", "skeptics", "sceptics")
_QUESTION_CHARS = 300  # where a paragraph's opening question mark must stand
_QUESTIONS_LEAD = 8  # paragraphs in which a piece says it asks questions or answers objections
_ANSWER_WORDS = 12  # ... and the writer's answer follows it in the same paragraph
_FIRST_STEPS_BACK = 2  # paragraphs that carry a first point on before its turns begin
_OBJECTION_GAP = 2  # objections answered one after another, a paragraph or two each
_UNCUED_RUN = 4  # questions in a row that set out points with nothing announcing them
_INLINE_FIRST_CHARS = 40  # a first point told between a count and "The second ..."
_POINT_WORDS = 3  # the fewest words of a paragraph that opens an unmarked point
_COUNTED_MOST = 6  # points counted, then told a paragraph or two each with no marker
_COUNT_TAIL = 160  # characters from a count to its paragraph's end ("... on three counts.")
# What a writer counts against a plan before taking the points in turn without markers.
_FAULT_NOUNS = frozenset({"reason", "count", "ground", "problem", "flaw", "objection",
                          "mistake", "concern", "worry", "weakness", "danger", "risk", "failing",
                          "defect", "fault", "shortcoming"})
# "That matters because ...": a paragraph that points back carries the point before it on.
_POINTS_BACK_RE = re.compile(r"(?:That|This|These|Those|Such|Which)\b")
# "The audit found three problems.": someone else's count, reported.
_REPORTED_COUNT_RE = re.compile(
    r"\b(?:found|finds|identified|identifies|listed|lists|cited|cites|gave|gives|sets?\s+out"
    r"|said|says|according|outlined|highlighted|raised|named|flagged|noted)\b")
# Words of a plain-text label right after a count ("Name the late payers."). Nine ("She shows
# up when it isn't an election year.") was tried in session 8 and dropped: it gave arguments
# to a held-out piece that has none (holdout/README.md).
_COUNTED_LABEL_WORDS = 6

# "Start with the parking ... Then there is the cost ... The rule also ignores the states":
# once two turns have set a chain going, a subject that "also" does more (or that "was the
# worst part") is its next point.
_ALSO_POINT_RE = re.compile(
    r"(?:The|This|That|It|Its|Our|Their)\s+(?:[\w’'-]+\s+){0,2}?(?:also\s+"
    r"(?!said\b|says\b|told\b|noted\b|reported\b|announced\b)[a-z]+"
    # "The consultation was the worst part of it": the gravest point, judged so.
    r"|(?:is|was|were|are)\s+the\s+(?:worst|weakest|biggest|gravest|most\s+[a-z]+)\s+(?:part|flaw"
    r"|failing|problem|mistake|error|thing)\b)")
_STARTER_RE = re.compile(r"For one(?: thing)?|For starters|For a start|To (?:begin|start) with")
_OUTRANKS_RE = re.compile(r"(?:But\s+|And\s+)?(?:more|most)\s+(?:importantly|seriously|worrying"
                          r"(?:ly)?|troubling(?:ly)?)\b|Above all\b", re.IGNORECASE)
# "Here's why:", "Here's why.", "Here are my reasons:" closing a paragraph: the reasons follow.
_WHY_LEAD_RE = re.compile(r"\b(?:[Hh]ere(?:[’']s| is) why|[Hh]ere are my reasons|[Mm]y reasons"
                          r"(?: are)?)\s*[:.]\s*$")
_FIRST_PERSON_STAND_RE = re.compile(
    r"I(?:[’']m| am| think| know| want| believe| see| worry| fear| doubt| care| live| have"
    r"| can| will| don[’']t| do not| would| trust| understand)\b")
# A paragraph that ends by saying the case follows ("Here is the case.", "Let me explain.").
_HERE_IS_RE = re.compile(r"\b(?:[Hh]ere(?:[’']s|\s+is)\s+(?:the\s+case|why|my\s+case|how)"
                         r"|[Ll]et\s+me\s+explain|[Ll]et\s+me\s+make\s+the\s+case)\s*[.:]\s*$")
_LEAD_IN_CHARS = 40  # where that lead-in stands, at the paragraph's end
_LEAD_IN_WORDS = 12  # a paragraph this short before the points leads in to them
_STAND_LINE_RE = re.compile(r"(?:We|I)\s+(?:recommend|urge|endorse|support|oppose|back)\b")
_WHY_RUN = 3  # stands in a row after "Here's why:" that are the reasons
_TOPIC_WORDS = 8  # a short opening sentence that names the point ("We pay for miles, not time.")
_CLOSING_TURN_RE = re.compile(r"(?:And\s+)?(?:Finally|Lastly|Last\s+of\s+all)\b")


def _runs(indexes: list[int], gap: int) -> list[list[int]]:
    """``indexes`` cut where two are more than ``gap`` apart."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index - runs[-1][-1] <= gap:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


class UnmarkedSeries(EvidenceReader):
    """The series a piece lays out without markers, weighed like the others."""

    cands: list[Candidate]

    def _split(self, fam: str, starts: tuple[Start, ...], count: int | None,
               cands: list[Candidate], ev: Evidence, end: int | None) -> Split | None:
        if len(starts) < 2:
            return None
        confidence, reasons = weigh(ev)
        sectioned = all(s.para in self.section_set and s.start == 0 for s in starts)
        return Split(fam, starts, count, len(cands), sum(c.at_start for c in cands),
                      confidence, tuple(reasons), end, sectioned)

    def _unmarked(self, index: int) -> Start:
        return Start(index, 0, 0, None, kind="unmarked")

    def prose_before(self, para: int) -> int:
        """The paragraph just before ``para``, past a post's like count or a timestamp ("140",
        "(02:35):") that stands between two points."""
        index = para - 1
        while index > 1 and word_count(self.paras[index]) < _POINT_WORDS:
            index -= 1
        return index

    def _turn_chains(self) -> list[Split]:
        """"The staff report projects ... / Add to that ... / Worse, ... / The bigger
        problem, though, is ...": paragraphs close together that each open with a turn
        adding a point, with no marker before them. The first point is the stretch the
        turns follow on from, as long as the shortest gap between two turns."""
        # "Then there is the software. / A third problem is parts. / The biggest problem,
        # though, is ...": a point counted with its noun is one more turn among them.
        counted_on = {c.para for c in self.cands if c.kind == "ord" and c.at_start and c.noun
                      and c.explicit and c.value >= 2}
        turns = [i for i in range(2, self.body_end) if i not in self.section_set
                 and (cues.ADDED_POINT_RE.match(self.paras[i]) or i in counted_on)
                 and not self.paras[i].startswith("As for")]
        # A real first marker just before the turns makes them its chain's (_added_points).
        firsts = {c.para for c in self.cands if c.kind == "ord" and c.value == 1 and c.at_start}
        splits: list[Split] = []
        run: list[int] = []
        for index in [*turns, -1]:
            if run and index - run[-1] <= ADDED_GAP - 1 and index != -1:
                run.append(index)
                continue
            if run and self.paras[run[0]].startswith(("Finally", "Last")):
                run = run[1:]  # a last point opens no list
            # A real first just before the turns, or among them ("The fifth point I accept.
            # ... Start with the eleven per cent. His second point ..."), makes them its own.
            if len(run) >= 2 and not firsts & set(range(run[0] - ADDED_GAP, run[-1])):
                gap = min(b - a for a, b in pairwise(run))
                first = run[0] - gap
                for _ in range(_FIRST_STEPS_BACK):
                    if first > 1 and first - 1 not in self.section_set and self._goes_on(first):
                        first -= 1
                if (first >= 1 and first not in self.section_set
                        and self.blocks[first].kind is BlockKind.PARAGRAPH):
                    cands = [Candidate(first, 0, 0, "", "ord", 1, False)] + [
                        Candidate(i, 0, 0, "", "ord", NEXT, False) for i in run]
                    starts = tuple(self._unmarked(c.para) for c in cands)
                    announced = self.announcement_before(first, 0)
                    count = announced.count if announced else None
                    ev = self._evidence("ord", cands, len(starts), len(starts) - 1, count)
                    ev.loose = True
                    # Two turns make a list only where the piece says it counts reasons, or
                    # where the second says it is the last ("Additionally, ... Lastly, ...").
                    closed = (_CLOSING_TURN_RE.match(self.paras[run[-1]]) is not None
                              and not any(i in self.section_set for i in range(first, run[-1])))
                    # "Also, the branch is ... / Also, the savings are small.": the same turn
                    # twice, a letter-writer's way of counting on.
                    twice = len(run) == 2 and all(self.paras[i].startswith("Also,") for i in run)
                    if len(run) >= 3 or count or ev.vague or ev.intro_concerns or closed or twice:
                        split = self._split("ord", starts, count, cands, ev, None)
                        if split is not None:
                            splits.append(split)
            run = [index]
        return splits


    def _question_points(self) -> list[Split]:
        """"Three questions the district still hasn't answered ... Who pays for the pipeline
        ...? And who gets the water first ...? What happens to the wells ...?": where the
        headline or the lead counts the questions the piece asks, the paragraphs that open
        with one (and answer it) are its points. So are three or more in a row where the piece
        says it answers objections ("Are sixteen-year-olds mature enough to vote? This is
        always the first objection ..."). Never in an interview: its questions are the
        asker's."""
        if self.interview:
            return []
        # The patterns are slow on a long lead: only its lines with their words are searched.
        lines = [(text, text.lower()) for text in (self.title or "", *self.paras[:_QUESTIONS_LEAD])]
        asking = [text for text, low in lines if "questions" in low]
        counted = next(filter(None, map(cues.QUESTIONS_COUNTED_RE.search, asking)), None)
        count = None
        if counted is not None:
            raw = counted["num"].lower()
            count = int(raw) if raw.isdigit() else _NUMBERS[raw]
        else:
            # "Before we restructure: six obstacles nobody is talking about / Who draws the
            # new map? ...": the lead counts what it argues, and each is asked as a question.
            # (Two questions in a row are too common to be counted points on that alone.)
            count = next((a.count for a in self.announcements if a.count >= 3
                          and a.para < _QUESTIONS_LEAD and a.noun in ARGUMENT_NOUNS), None)
        # "Answer me a few questions": the writer's questions, uncounted.
        vague = count is None and any(map(cues.QUESTIONS_ASKED_RE.search, asking))
        objections = not (count or vague) and any(
            cues.REBUTTAL_RE.search(text) for text, low in lines
            if any(word in low for word in _REBUTTAL_WORDS))
        asking_at = [i for i in range(1, self.body_end) if i not in self.section_set
                     and "?" in self.paras[i][:_QUESTION_CHARS]]
        # With no cue at all, only a run of questions one after another is the writer's way
        # of setting out points ("Where will the schools go? ... What about the clubs? ...").
        uncued = not (count or vague or objections)
        if uncued and (len(asking_at) < _UNCUED_RUN or self.explainer):
            return []  # an explainer's questions are its subheadings
        # A question set in bold is a label, which the labels' own series weighs.
        # ("But isn't paying by card safer? / Safer for whom? ...": an answer that opens by
        # asking back answers the question line above it.)
        question_lines = set(self.asked_lines)
        asked = [i for i in asking_at if self._opens_with_question(self.paras[i])
                 and not (uncued and self.blocks[i].lead) and i - 1 not in question_lines]
        if count is not None:
            runs = [asked[at:at + count] for at in range(len(asked) - count + 1)]
            runs = [run for run in runs if all(b - a <= ADDED_GAP for a, b in pairwise(run))]
            note = (f"{count} questions counted, each opening a paragraph" if counted
                    else f"{count} counted, each asked as a question opening a paragraph")
        elif vague:
            runs = [run for run in _runs(asked, ADDED_GAP) if len(run) >= 2]
            note = "the questions the piece says it asks, each opening a paragraph"
        elif objections:
            runs = [run for run in _runs(asked, _OBJECTION_GAP) if len(run) >= 3]
            note = "objections asked as questions, each answered in its paragraph"
        else:
            runs = [run for run in _runs(asked, 2) if len(run) >= _UNCUED_RUN]
            note = "questions one after another, each answered in its paragraph"
        for run in runs[:1]:
            while len(run) > 2 and count is None and (
                    cues.CLOSING_RE.match(self.paras[run[-1]])
                    or cues.TURN_TO_REMEDY_RE.match(self.paras[run[-1]])):
                run = run[:-1]  # "So what would you actually do?": the close, asked
            cands = [Candidate(i, 0, 0, "", "ord", NEXT, False) for i in run]
            starts = tuple(self._unmarked(i) for i in run)
            announced = self.announcement_before(run[0], 0)
            ev = self._evidence("ord", cands, len(run), 0,
                                announced.count if announced is not None else None)
            ev.notes.append(note)
            split = self._split("ord", starts, ev.announced, cands, ev, None)
            return [split] if split is not None else []
        return []

    def _run_in_points(self) -> list[Split]:
        """"Three changes would do it. / Put it in trust. Retention money belongs ... / Cap it
        and shorten it. Five per cent ... / Name the late payers. ...": right after a count,
        as many paragraphs in a row that each open with a short sentence, the point's label
        in plain text, and argue it after."""
        splits: list[Split] = []
        # Numbered or counted paragraphs are their markers' series to read.
        marked = {c.para for c in self.cands
                  if c.start == 0 and family(c.kind) in ("num", "label", "roman", "ord")}
        for announced in self.announcements:
            count = announced.count
            for first in (announced.para + 1, announced.para + 2):
                run = list(range(first, first + count))
                if count < 2 or run[-1] >= self.body_end or not all(
                        i not in marked and self._run_in(i) for i in run):
                    continue
                cands = [Candidate(i, 0, 0, "", "lead", NEXT, False) for i in run]
                starts = tuple(self._unmarked(i) for i in run)
                ev = self._evidence("lead", cands, count, 0, count)
                ev.notes.append("paragraphs opening with a short sentence, as many as counted")
                split = self._split("lead", starts, count, cands, ev, run[-1] + 1)
                if split is not None:
                    splits.append(split)
                break
        return splits

    def _counted_paragraphs(self) -> list[Split]:
        """"The plan fails on three counts. / Desalinated water is the dearest water ... /
        The demand forecasts are stale. ... / And the decision came in the wrong order.": a
        count of reasons that closes its paragraph, then points that each open a paragraph
        with a topic sentence and no marker, up to where the writer steps back. Which of the
        paragraphs carry a point on, the topic's turns tell (``_pick``)."""
        splits: list[Split] = []
        marked = {c.para for c in self.cands}
        # "... / Finally, there is the paperwork.": the last point may say it is the last.
        last = {c.para for c in self.cands if c.value == LAST and c.at_start}
        for announced in self.announcements:
            count, text = announced.count, self.paras[announced.para].rstrip()
            # ("We're asking the committee to do four things:": demands, counted as things.)
            asked = announced.noun == "thing" and bool(cues.ASKING_RE.search(last_sentence(text)))
            if (not 2 <= count <= _COUNTED_MOST
                    or (announced.noun not in _FAULT_NOUNS and not asked)
                    or announced.para in marked
                    or sentence_end(text, announced.offset, _COUNT_TAIL) < len(text)
                    # "The audit found three problems.": someone else's count, then news.
                    or _REPORTED_COUNT_RE.search(last_sentence(text))):
                continue
            first = announced.para + 1
            stop = first
            while stop < self.body_end and not self._steps_out(stop) and stop not in marked:
                stop += 1
            closing = stop if stop in last else None
            if closing is not None:
                stop += 1
            elif (stop < self.body_end and stop in marked and not self._steps_out(stop)) or (
                    stop - first > 2 * count):
                continue  # points with markers of their own are those markers' series
            picks = [i for i in range(first, stop) if i != closing
                     and (i == first or not _POINTS_BACK_RE.match(self.paras[i]))]
            picks = [*picks[:count - 1], closing] if closing is not None else picks[:count]
            if len(picks) != count:
                continue
            cands = [Candidate(i, 0, 0, "", "lead", NEXT, False) for i in picks]
            ev = self._evidence("lead", cands, count, 0, count)
            ev.notes.append("as many points as counted, each opening a paragraph, no marker")
            split = self._split("lead", tuple(map(self._unmarked, picks)), count, cands, ev,
                                None)
            if split is not None:
                splits.append(split)
        return splits

    def _steps_out(self, index: int) -> bool:
        """A paragraph no unmarked point runs into: a subheading, a list, a conclusion, a
        concession or a summing-up."""
        text = self.paras[index]
        return (index in self.section_set or self.blocks[index].kind is not BlockKind.PARAGRAPH
                or bool(cues.CONCLUSION_RE.match(text) or cues.CLOSING_RE.match(text)
                        or cues.CONCEDING_RE.match(text) or cues.SUMMING_UP_RE.match(text)))

    def _why_points(self) -> list[Split]:
        """"OK. Here's why: / I think the board has stopped explaining itself. ... / I know
        where the money goes. ... / I want the plan done. ...": after a lead-in that promises
        the writer's reasons, three or more paragraphs in a row that each open with the
        writer's own present-tense stand ("I think", "I'm tired of") are the reasons. After
        a lead-in that announces them without a count ("There are some other explanations
        worth considering."), so are paragraphs that each open with a short label sentence
        ("We pay for miles, not for time. Most long-haul drivers ..."), up to where the writer
        steps back."""
        splits: list[Split] = []
        for index in range(1, self.body_end - _WHY_RUN):
            text = self.paras[index].rstrip()
            if not text.endswith((":", ".")):
                continue
            why = _WHY_LEAD_RE.search(text[-40:]) is not None
            if not why and (index in self.section_set
                            or not VAGUE_ANNOUNCE_RE.search(last_sentence(text))):
                continue
            run: list[int] = []
            for next_index in range(index + 1, self.body_end):
                para = self.paras[next_index]
                if (next_index in self.section_set
                        or self.blocks[next_index].kind is not BlockKind.PARAGRAPH
                        or not (_FIRST_PERSON_STAND_RE.match(para) if why else (
                            opens_with_label(para, _TOPIC_WORDS)
                            and not cues.CONCEDING_RE.match(para)
                            and not cues.CLOSING_RE.match(para)))):
                    break
                run.append(next_index)
            if len(run) < _WHY_RUN:
                continue
            cands = [Candidate(i, 0, 0, "", "lead", NEXT, False) for i in run]
            ev = self._evidence("lead", cands, len(run), 0, None)
            ev.notes.append("the writer's own stands, one a paragraph, after 'Here's why:'" if why
                            else "labels in plain text, one a paragraph, after points announced"
                            " without a count")
            split = self._split("lead", tuple(map(self._unmarked, run)), None, cands, ev,
                                run[-1] + 1)
            if split is not None:
                splits.append(split)
        return splits

    def _run_in(self, index: int) -> bool:
        """A paragraph that opens with a label in plain text: a sentence of a few words,
        then the argument ("Cap it and shorten it. Five per cent is a relic ...")."""
        if index in self.section_set or self.blocks[index].kind is not BlockKind.PARAGRAPH:
            return False
        return opens_with_label(self.paras[index], _COUNTED_LABEL_WORDS)

    def _added_points(self, chain: list[tuple[Candidate, int]]) -> list[Start] | None:
        """"For one thing ... For another ... And then there is ...", "Take the families
        first ... Then there are the employers ... Add to that ...": a first that opens a
        paragraph, then paragraphs that each open with a turn adding a point (or with the
        noun the markers count: "Another lesson ... A harder lesson"). Three points at least,
        each within a few paragraphs of the one before, none past the conclusion; ``None``
        when the piece does not read that way."""
        cands = [c for c, _ in chain]
        first = cands[0]
        if not (first.value == 1 and first.at_start and (first.explicit or first.counted)):
            return None
        if any(c.explicit or not c.at_start for c in cands[1:]):
            return None
        marked = {c.para: c for c in cands[1:]}
        nouns = sorted({c.counted for c in cands if c.counted})
        same_noun = re.compile(
            r"(?:A|An|The|One|Our|My)\s+(?:[\w’'-]+\s+){0,2}(?:"
            + "|".join(map(re.escape, nouns)) + r")s?\b") if nouns else None
        starts = [Start(first.para, first.start, first.end, first.marker, first.noun)]
        last = first.para
        for index in range(first.para + 1, self.conclusion_after(first.para) or self.body_end):
            if self.distance(last, index) > ADDED_GAP:
                break
            text = self.paras[index]
            if cues.TURN_TO_REMEDY_RE.match(text):
                break  # "So what should the board do instead?": the points are over
            if index in marked:
                cand = marked.pop(index)
                starts.append(Start(cand.para, cand.start, cand.end, cand.marker, cand.noun))
            elif (cues.ADDED_POINT_RE.match(text) or (same_noun and same_noun.match(text))
                  or (len(starts) >= 2 and _ALSO_POINT_RE.match(text))):
                starts.append(self._unmarked(index))
            else:
                continue
            last = index
        announced = self.announcement_before(first.para, first.start)
        # "For one, a wider path invites speed ... More importantly, ...": a starter that
        # promises more, then a turn that outranks it, are two points.
        pair = (_STARTER_RE.match(first.marker) is not None and len(starts) == 2
                and _OUTRANKS_RE.match(self.paras[starts[1].para]) is not None)
        enough = 2 if pair or (announced is not None and announced.count == 2) else 3
        return starts if len(starts) >= enough and not marked else None

    def _turns_after(self, para: int) -> list[int]:
        """Paragraphs soon after ``para`` that each open with a turn adding a point, each
        within a few paragraphs of the one before, none past the conclusion."""
        turns: list[int] = []
        last = para
        for index in range(para + 1, self.conclusion_after(para) or self.body_end):
            if self.distance(last, index) > ADDED_GAP:
                break
            if index not in self.section_set and cues.ADDED_POINT_RE.match(self.paras[index]):
                turns.append(index)
                last = index
        return turns

    def _lone_second(self, chain: list[tuple[Candidate, int]]) -> Start | None:
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
            return Start(first.para - 1, offset, offset, None, kind="unmarked")
        return None

    def _inline_first(self, chain: list[tuple[Candidate, int]]) -> Start | None:
        """"The Bill is flawed in three ways. It lowers the age ... The second flaw is ...":
        a count, then the first point told in the same paragraph with no marker, then the
        second marked; the first begins right after the count's sentence."""
        first, value = chain[0]
        if value != 2 or first.at_start:
            return None
        text = self.paras[first.para]
        count = self.announcement_before(first.para, first.start)
        if count is None or count.para != first.para:
            return None
        after = sentence_end(text, count.offset)
        if first.start - after < _INLINE_FIRST_CHARS:
            return None
        offset = after + len(text[after:]) - len(text[after:].lstrip())
        return Start(first.para, offset, offset, None, kind="unmarked")

    def _goes_on(self, index: int) -> bool:
        """A paragraph that carries the point before it on rather than opening one: a pull
        quote, "And the repairs rarely work", "I know how this sounds"."""
        text = self.paras[index]
        return (self.blocks[index].kind is BlockKind.QUOTE
                or (text.startswith(('"', "“")) and text.endswith(('"', "”")))
                or text.startswith(("And ", "But "))
                or bool(cues.STEP_BACK_RE.match(text)))

    @staticmethod
    def _opens_with_question(text: str) -> bool:
        """A paragraph that opens with a question the writer answers: in the same paragraph,
        or in the next ones when the question stands alone (but not in capitals, as a news
        explainer's "WHO IS THE FRONT-RUNNER?" does)."""
        end = sentence_end(text, 0, 600)
        first = text[:end].rstrip()
        if not first.endswith("?") or word_count(first) > _QUESTION_WORDS:
            return False
        # Asked on a line of its own, answered in the paragraphs after: a point, unless it is
        # set in capitals like a news explainer's crosshead.
        return word_count(text[end:]) >= _ANSWER_WORDS or (not text[end:].strip()
                                                            and not first.isupper())

    def _pick(self, lo: int, hi: int, count: int, *, leading: bool = False,
              strong_only: bool = False) -> list[int]:
        """The ``count`` paragraphs in [lo, hi) most likely to open an unmarked argument.

        Only the paragraphs nearest the marker are looked at: an argument a dozen paragraphs
        long is rare, and the window keeps the reading linear in the piece."""
        lo = max(lo, 1, hi - PICK_WINDOW) if leading else max(lo, 1)
        hi = min(hi, lo + PICK_WINDOW) if not leading else hi
        # "140", "(02:35):": a post's like count or a transcript's timestamp opens nothing.
        options = [i for i in range(lo, hi) if i in self.section_set
                   or word_count(self.paras[i]) >= _POINT_WORDS]
        if strong_only:
            options = [i for i in options if cues.STRONG_CUE_RE.match(self.paras[i])
                       or cues.ADDED_POINT_RE.match(self.paras[i])]
        if not options or count <= 0:
            return []
        chosen: list[int] = []
        if leading:
            # "Those are the facts. Here is the case.": the points begin after the lead-in.
            led = [i for i in options[:-1] if _HERE_IS_RE.search(self.paras[i][-_LEAD_IN_CHARS:])]
            # "We recommend a yes vote.": a stand a line long, after which the case is made.
            led += [i for i in range(lo, options[-1]) if i not in self.section_set
                    and word_count(self.paras[i]) < _LEAD_IN_WORDS
                    and _STAND_LINE_RE.match(self.paras[i])]
            led.sort()
            if led:
                options = [i for i in options if i > led[-1]]
        if leading and options:  # the first argument follows the announcement directly
            # ... past a one-line lead-in ("The objections are not hard to find.")
            skip = 0
            while (len(options) - skip > count
                   and word_count(self.paras[options[skip]]) < _LEAD_IN_WORDS):
                skip += 1
            chosen.append(options[skip])
            options = options[skip + 1:]
            count -= 1
        # A subheading between two marked points is where an unmarked one begins.
        ranked = sorted(options, key=lambda i: (i not in self.section_set, -self.start_score(i), i))
        chosen.extend(ranked[:count])
        return sorted(chosen)
