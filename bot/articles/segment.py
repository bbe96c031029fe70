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

The parts, in the order a piece goes through them: ``layout`` (the piece's shape: body,
subheadings, labels, counts, transcripts), ``candidates`` (where an argument could start, from
``markers``, ``numerals`` and the layout), this module (series laid out from the candidates,
weighed by ``series`` on the evidence ``evidence`` gathers, with the series no marker shows
from ``unmarked`` and where the last point ends from ``ending``, chosen), and ``naming``
(thesis, argument texts, thread titles). Vocabulary lives
in ``markers`` (how writers enumerate) and ``cues`` (how they turn, step back, or list other
things).
"""

from __future__ import annotations

from dataclasses import replace

from bot.articles import cues
from bot.articles.candidates import find_candidates, repeated_nouns
from bot.articles.ending import Ending
from bot.articles.layout import last_sentence, normalise
from bot.articles.markers import (
    AIM_NOUNS,
    ARGUMENT_NOUNS,
    COUNT_NOUNS,
    LAST,
    MARKER_NOUNS,
    NEXT,
    Candidate,
    vague_nouns,
)
from bot.articles.model import Article, Block, Piece
from bot.articles.naming import argument, thesis
from bot.articles.sentences import TITLE_MAX, sentence_end, sentences_before, shorten
from bot.articles.series import (
    ACCEPT,
    Split,
    Start,
    adjacent_runs,
    family,
    label_noun,
    numbered_runs,
    open_alike,
    ordinal_chains,
    split_at,
    suppresses,
)
from bot.articles.unmarked import ADDED_GAP as _ADDED_GAP
from bot.articles.unmarked import PICK_WINDOW as _PICK_WINDOW

__all__ = ["TITLE_MAX", "segment"]

_SECOND_SERIES = 0.65  # a further list is kept only when this sure of it
_OTHER_KIND = 0.7  # ... and one of another kind than the first only when this sure
_UNMARKED_SHARE = 0.75  # an unmarked argument is less certain than its list
_RUN_ON_WINDOW = 3  # paragraphs after a one-paragraph list where it may go on
_CHOICES = 40  # the best series compared with each other (a hostile piece has thousands)





class _Reader(Ending):
    """One pass over one piece: its candidates grouped into series, weighed, chosen, named."""

    def __init__(self, blocks: list[Block], title: str | None) -> None:
        super().__init__(blocks, title)
        found = find_candidates(self)
        # A count is announced in the lead, so only the lead is searched for one (this also
        # keeps "for two reasons" inside the fourth argument from counting).
        # The lead runs to the first marker that numbers a point, or says it is the first.
        opener = next((c for c in found if (c.explicit and c.value <= 2) or c.value == 1), None)
        first = opener.para if opener is not None else None
        limit = max(first + 1 if first is not None else (len(self.paras) + 1) // 2,
                    min(3, len(self.paras)))
        # In the first marker's own paragraph only what comes before the marker leads in:
        # "1. Our editorial argues ... for three reasons" counts the other piece's reasons.
        self.announcements = [a for a in self.find_announcements(min(limit, self.body_end))
                              if opener is None or a.para != first or a.offset < opener.start]
        nouns = MARKER_NOUNS | {a.noun for a in self.announcements} | repeated_nouns(found)
        # "... leaves several practical questions unanswered": counted as they come. Looked
        # for only when a marker counts with a noun nothing else has let in.
        if any(c.counted is not None and c.counted not in nouns for c in found):
            for index in range(min(limit, self.body_end)):
                nouns |= vague_nouns(self.paras[index])
        if any(c.value == 2 and c.noun and c.counted is None and c.at_start for c in found):
            # "The first bottleneck is fiscal ... The second is administrative": the second
            # stands for the first's noun, whatever the word.
            nouns |= {c.counted for c in found if c.value == 1 and c.counted is not None}
        labelled = {(label_noun(c.kind), c.value) for c in found if c.kind.startswith("label:")}
        # "Complaint one: ... Complaint two: ... The third complaint is": what the labels
        # count, an ordinal may count too.
        nouns |= {noun for noun, _ in labelled}
        if labelled and any((c.counted, c.value + 1) in labelled for c in found
                            if c.counted is not None and c.at_start):
            # "The first lesson ... Lesson two: ... The third thing I learned": once the noun
            # is counted in two styles, "the third thing" goes on counting it.
            nouns |= {"thing"}
        if any(a.noun in ("way", "thing") for a in self.announcements):
            nouns |= COUNT_NOUNS  # "bad in three ways ... The first cost is ...": named as it goes
        # "She set it three objectives. The first was ...": aims are counted to be reported
        # (the count leads in a summary); they never mark the writer's points.
        self.cands = [c for c in found if c.counted is None
                      or (c.counted in nouns and c.counted not in AIM_NOUNS)]


    def splits(self) -> list[Split]:
        cands = self.cands
        found: list[Split] = []
        ordinal = [c for c in cands if c.kind == "ord"]
        # "The first lesson ... Lesson two: ... The third thing I learned": a label counting
        # the noun the ordinals count is one of them, in another style.
        counted = {c.counted for c in ordinal if c.counted and c.at_start}
        labels = [replace(c, kind="ord", noun=True, counted=label_noun(c.kind)) for c in cands
                  if c.kind.startswith("label:") and label_noun(c.kind) in counted
                  and c.value > 0]
        if labels:
            ordinal = sorted([*ordinal, *labels], key=lambda c: (c.para, c.start))
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
        # "5. ... 4: ... 3. ...": numbers in mixed punctuation may still count one list.
        numbered = [c for c in cands if c.kind in ("num.", "num:", "num)")]
        if len({c.kind for c in numbered}) > 1:
            by_kind["num*"] = numbered
        barriers = [i for i in self.sections if cues.STRUCTURAL_HEADING_RE.match(self.paras[i])]
        # "We oppose the deadline for four reasons." under the first subheading: the
        # subheadings that follow are the reasons, those above it the piece's preamble.
        barriers = sorted({*barriers, *(a.para for a in self.announcements
                                        if a.para + 1 in self.section_set
                                        and (a.noun in ARGUMENT_NOUNS or a.noun == "part"))})
        for kind, group in by_kind.items():
            fam = family(kind)
            if fam in ("item", "heading", "lead", "bullet", "alike", "break"):
                here = barriers
                level = kind.removeprefix("heading#")
                if fam == "heading" and level.isdigit():
                    # A subheading of a higher level ("Getting involved" over "How do I
                    # object?") closes the section whose subheadings were the points.
                    here = sorted({*barriers, *(i for i in self.sections
                                                if self.level(i).isdigit()
                                                and self.level(i) < level)})
                runs = [run for part in split_at(group, here)
                        for run in adjacent_runs(part, max_gap=self._run_gap(fam))]
            else:
                runs = numbered_runs(group)
            for run in runs:
                split = self._layout_list(run, fam)
                if split is not None:
                    found.append(split)
        found.extend(self._turn_chains())
        found.extend(self._question_points())
        found.extend(self._run_in_points())
        found.extend(self._why_points())
        found.extend(self._counted_paragraphs())
        unique: dict[tuple[str, tuple[tuple[int, int], ...]], Split] = {}
        for split in found:
            key = (split.family, tuple((s.para, s.start) for s in split.starts))
            if key not in unique or ((split.confidence, split.marked)
                                     > (unique[key].confidence, unique[key].marked)):
                unique[key] = split
        return list(unique.values())

    def _run_gap(self, fam: str) -> int:
        if fam in ("heading", "lead", "alike", "break"):
            return max(8, len(self.paras) // 3)  # sections run to several paragraphs
        # An item may hold a few paragraphs of its own; a bulleted line may head one
        # ("→ Your calendar is not yours anymore." over the paragraph that argues it).
        return 3 if fam == "item" else 2 if fam == "bullet" else 1

    def _layout_list(self, run: list[Candidate], fam: str) -> Split | None:
        if fam == "heading" and len(run) >= 4:
            # "On X", "On Y", "On Z", then "What now?": the last heading, out of the
            # shape of the others, closes the list rather than continuing it.
            heads = [self.paras[c.para] for c in run]
            if open_alike(heads[:-1]) and not open_alike([*heads[:2], heads[-1]]):
                run = run[:-1]
        if fam == "lead" and len(run) >= 3 and cues.CONCLUSION_HEADING_RE.match(
                self._head_text(run[-1])):
            run = run[:-1]  # "The bottom line. None of this ...": the close, not a point
        closed = False
        if fam == "heading" and len(run) >= 3 and run[-1].para + 1 < self.body_end:
            # "A hazard hiding in plain sight" over "None of these changes is expensive":
            # the last subheading heads the writer's step back, not a point.
            after, heading = self.paras[run[-1].para + 1], self.paras[run[-1].para]
            if (cues.SUMMING_UP_RE.match(after) or cues.CONCLUSION_RE.match(after)
                    or cues.CLOSING_RE.match(heading) or cues.CONCEDING_RE.match(heading)
                    or cues.CONCLUSION_HEADING_RE.match(heading)):
                run, closed = run[:-1], True  # ... or it asks "So what should it do?"
        if fam == "break" and len(run) >= 3 and self._steps_back(self.paras[run[-1].para]):
            run = run[:-1]  # "* * * / So what should the board do?": the last section closes
        if fam == "lead":
            # "The headline is reasonable enough: ..." before two points in bold: a label of
            # another style is the writer's aside, not one of the points.
            bold = [c for c in run if self.blocks[c.para].lead]
            if len(bold) >= 2 and len(bold) < len(run):
                run = bold
        first = run[0]
        announced = self.announcement_before(first.para, first.start)
        count = announced.count if announced else None
        starts = tuple(Start(c.para, c.start, c.end, c.marker or None, kind=fam) for c in run)
        if count and count > len(starts) and fam in ("lead", "heading"):
            # "three problems": two in bold, and one the writer opened with a turn between
            # them ("There's a subtler issue too."), or "four flaws" under three subheadings,
            # the fourth opened in the third's section ("Add to that the paperwork.").
            stop = min(self.conclusion_after(run[-1].para) or self.body_end,
                       run[-1].para + _PICK_WINDOW)
            turned = [i for i in range(first.para + 1, stop)
                      if i not in {c.para for c in run} and i not in self.section_set
                      and cues.ADDED_POINT_RE.match(self.paras[i])]
            if len(turned) == count - len(starts):
                starts = tuple(sorted((*starts, *map(self._unmarked, turned)),
                                      key=lambda s: s.para))
        tail = run[-1]
        # "1. Schools ... 2. Water bills ... And there's a third reason I didn't expect": a
        # numbered list the writer goes on counting in words.
        # "Lesson three: ... The last one: print is not dead" after "four lessons": so is
        # a last one that completes the count.
        more = next((c for c in self.cands if c.kind == "ord" and c.at_start
                     and ((c.explicit and tail.explicit and c.value == tail.value + 1)
                          or (c.value == LAST and count == len(starts) + 1))
                     and 0 < c.para - tail.para <= _ADDED_GAP), None)
        if more is not None and fam in ("num", "item", "label"):
            starts = (*starts, Start(more.para, more.start, more.end, more.marker, more.noun))
        elif (fam in ("num", "label", "lead", "item", "heading")
              and (count is None or len(starts) >= count)):
            # "Myth six: ... / And a bonus myth, because we hear it at every drop-in": one
            # past the count, which the writer says is one more.
            beyond = self._one_more(tail.para)
            if beyond is not None:
                starts = (*starts, self._unmarked(beyond))
        ev = self._evidence(fam, run, len(starts), len(run), count)
        ev.closed = closed
        end = None
        if fam == "item":
            list_id = self.blocks[first.para].list_id
            last = run[-1].para
            while (last + 1 < self.body_end and list_id is not None
                   and self.blocks[last + 1].list_id == list_id):
                last += 1
            # The list ends its last item, unless a point past it follows ("One more, ...").
            end = last + 1 if starts[-1].para <= last else None
        return self._split(fam, starts, count, run, ev, end)

    def _layout_chain(self, chain: list[tuple[Candidate, int]]) -> Split | None:
        """Turn a chain of ordinal markers into argument starts, filling the gaps."""
        cands = [c for c, _ in chain]
        first = cands[0]
        announced = self.announcement_before(first.para, first.start)
        count = announced.count if announced else None
        starts: list[Start] = []
        lead_value = chain[0][1]
        lone_second = self._lone_second(chain) or self._inline_first(chain)
        if lone_second is not None:
            starts.append(lone_second)
        elif (lead_value == 2 and first.at_start and not first.noun and announced is None
              and first.para >= 2 and first.para - 1 not in self.section_set):
            # "... It should vote no. / The economics have not changed. ... / Second, ...":
            # with nothing counted, the first point is the paragraph just before the second.
            starts.append(self._unmarked(self.prose_before(first.para)))
        elif lead_value > 1 and first.at_start:
            lo = announced.para + 1 if announced and announced.para < first.para else 1
            for index in self._pick(lo, first.para, lead_value - 1, leading=True):
                starts.append(self._unmarked(index))
        previous: Candidate | None = None
        previous_value = 0
        # Markers that open their paragraphs, or each a sentence or two into a paragraph of
        # its own after a count announced before them ("for three reasons."): a point's topic
        # sentence before its marker belongs to it. Unannounced, a buried marker as often
        # follows the last of the previous point's evidence.
        opening = (sum(c.at_start for c in cands) * 2 > len(cands)
                   or (len({c.para for c in cands}) == len(cands) >= 2
                       and announced is not None and announced.para < first.para))
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
                elif cand.value in (LAST, NEXT) and missing <= 0 and previous.para < cand.para:
                    # "To begin with ... Also, the bank ... Last but not least", "A second
                    # cost ... Worse, ... Yet another cost": a point the writer opened with a
                    # turn rather than a number.
                    starts.extend(self._unmarked(i) for i in range(previous.para + 1, cand.para)
                                  if cues.ADDED_POINT_RE.match(self.paras[i])
                                  or cues.ALSO_JUDGED_RE.match(self.paras[i]))
            if (opening and not cand.at_start and (previous is None or previous.para < cand.para)
                    and sentences_before(self.paras[cand.para], cand.start, most=2) <= 2
                    and not cues.SPEAKER_TAG_RE.fullmatch(self.paras[cand.para][:cand.start])):
                # "Uptake has been uneven. ... First, that total hides ...": in a list whose
                # markers open paragraphs, a point whose marker comes a sentence or two in
                # begins with its topic sentence, at the paragraph's start.
                starts.append(Start(cand.para, 0, 0, cand.marker, cand.noun))
            else:
                starts.append(Start(cand.para, cand.start, cand.end, cand.marker, cand.noun))
            previous, previous_value = cand, value
        after = self._one_more(starts[-1].para if starts else first.para)
        past = after is not None and bool((count is not None and len(starts) >= count) or (
            count is None and cues.OUTRANKS_RE.match(self.paras[after])))
        if past and after is not None:
            # The writer counts past the count, or tops an uncounted list with the point
            # that matters most.
            starts.append(self._unmarked(after))
        elif count and count > len(starts) and chain[-1][0].value != LAST:
            # Announced "two ways", marked one, and the rest open with strong cues.
            stop = self.conclusion_after(cands[-1].para) or self.body_end
            cued = [i for i in range(cands[-1].para + 1, min(stop, cands[-1].para + _PICK_WINDOW))
                    if cues.ADDED_POINT_RE.match(self.paras[i])]
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
        # "The library is the only quiet place ... The other reason is safety": the second
        # of two reasons names itself; the first is the paragraph the pick placed before it.
        single = single or (len(cands) == 1 and first.value == 2 and first.at_start
                            and len(starts) == 2 and (
                                first.counted in ARGUMENT_NOUNS
                                # "The price falls short on two counts. ... Second, ...".
                                or (count == 2 and announced is not None
                                    and announced.noun in ARGUMENT_NOUNS)))
        # "The first straw ... The next straw": one noun counted at paragraph starts.
        same_noun = (len(cands) >= 2 and first.explicit and first.value == 1
                     and all(c.noun and c.at_start and c.counted == first.counted
                             and first.counted is not None for c in cands))
        # "One argument is ... Another stated concern ... Finally, ...": three or more
        # markers opening paragraphs, counted with nouns.
        nouned = (len(cands) >= 3 and all(c.at_start for c in cands)
                  and sum(c.noun for c in cands) >= 2)
        # "One reason the closure is wrong ... Another reason is ...": two points counted
        # with one noun, each opening a paragraph.
        # The first may stand a sentence into its paragraph ("But of all the cuts, the library
        # cuts buy the least. One reason is ..."): the paragraph opens with its topic sentence.
        led = first.at_start or sentences_before(self.paras[first.para], first.start,
                                                 most=1) <= 1
        paired = (len(cands) == 2 and cands[1].at_start and led
                  and first.value == 1 and cands[1].value == NEXT
                  and ((cands[1].noun and first.counted is not None
                        and cands[1].counted in (None, first.counted))
                       # "For one thing ... For another", "First ... Next": a first and a
                       # marker that says only "one more".
                       or (first.explicit and not first.noun and not cands[1].noun)))
        # "One, ... There's also the question ... Finally, ...": a first, a turn, a last.
        closed = bool(explicit) and chain[-1][0].value == LAST and len(starts) >= 3
        # "[an unmarked first] ... Secondly, ... Then there is the spin question": a second
        # and a turn after it, the first placed before them.
        after_second = self._turns_after(first.para) if (
            len(cands) == 1 and first.value == 2 and first.at_start and len(starts) == 2) else []
        if after_second:
            if announced is None:  # nothing counted: the first is the paragraph just before
                starts[0] = self._unmarked(self.prose_before(first.para))
            starts.extend(self._unmarked(i) for i in after_second)
        accepted = (enough or single or same_noun or nouned or closed or lone_second
                    or bool(after_second))
        turned = None if accepted else self._added_points(chain)
        if turned is not None and len(turned) > len(starts):
            starts, added = turned, True
        elif accepted or paired:
            added = False
            if paired and not first.at_start:
                starts[0] = replace(starts[0], start=0, end=0)
            if (paired and not accepted) or (same_noun and len(cands) == 2 and count is None):
                # "One reason ... Another is ... And then there is the matter of ...", "The
                # first problem ... A second problem ... Worse still, ...": a pair nothing
                # counts goes on while paragraphs open with a turn adding one more.
                starts.extend(self._unmarked(i) for i in self._turns_after(cands[1].para))
        else:
            return None
        # (A point counted past the count, "And a fourth, ...", is marked as one.)
        ev = self._evidence("ord", cands, len(starts),
                            len(starts) if added else len(cands) + past, count)
        if added:
            ev.notes.append("a first, then paragraphs that each open with a turn adding a point")
        ev.buried = not any(c.at_start for c in cands)
        one_paragraph = len({c.para for c in cands}) == 1
        ev.prefatory = len(self.sections) >= 3 and one_paragraph
        # "Firstly, the toll rise has been deferred ... Secondly, the school plan has been
        # shelved": news of what was decided, told in order.
        ev.told = one_paragraph and all(
            cues.DONE_TO_RE.search(self.paras[c.para], c.end,
                                   sentence_end(self.paras[c.para], c.end)) for c in cands)
        counted = [c.value for c in cands if c.explicit]
        ev.sequence = (first.at_start and first.value == 1 and len(counted) >= 2
                       and counted == sorted(set(counted)))
        return self._split("ord", tuple(starts), count, cands, ev, None)

    def choose(self) -> tuple[list[Split], list[Split]]:
        """The chosen series (none, one, or several of a kind that do not overlap) and all
        those weighed."""
        splits = self.splits()
        accepted = sorted((s for s in splits if s.confidence >= ACCEPT),
                          key=Split.rank, reverse=True)[:_CHOICES]
        # A list inside one argument of another list belongs to that argument (when the
        # outer list is numbered, or no less sure than the inner one).
        accepted = [s for s in accepted if not any(suppresses(outer, s) for outer in accepted)]
        # Points run together in one paragraph, then taken up one by one in the paragraphs
        # after it: the first was a preview (a summary, a lead), the second is the argument.
        accepted = [s for s in accepted if not (s.family == "inline" and any(
            o.family != "inline" and len(o.starts) == len(s.starts)
            and o.starts[0].para > s.starts[-1].para for o in accepted))]
        # "Defenders of the system have two good arguments. The first is ...": after the
        # writer's own list, a list led in as the other side's is answered, not argued.
        conceded = [s for s in accepted
                    if cues.OTHER_SIDE_RE.search(last_sentence(self.intro(s.starts[0])))]
        accepted = [s for s in accepted if s not in conceded or not any(
            o.starts[-1].para < s.starts[0].para for o in accepted if o not in conceded)]
        if not accepted:
            return [], splits
        best = accepted[0]
        chosen = [best]
        # More series of the same kind elsewhere in the piece (numbering restarting under
        # each subheading, "what went right: First ... what went wrong: First ...").
        for other in accepted[1:]:
            if other.confidence < _SECOND_SERIES:
                continue
            # A series of another kind is another list only when it is as sure as a first
            # one and a subheading stands between them ("What the plan gets right", bold
            # labels; "Where it falls short", First ... Second ...).
            if family(other.family) != best.family and not (
                    other.confidence >= _OTHER_KIND and self._sectioned_apart(best, other)):
                continue
            if all(other.starts[-1].para < c.starts[0].para
                   or other.starts[0].para > c.starts[-1].para for c in chosen):
                chosen.append(other)
        chosen.sort(key=lambda s: s.starts[0].para)
        return chosen, splits

    def _one_more(self, last: int) -> int | None:
        """A paragraph soon after ``last`` that adds one point past the count ("One more
        thing, and this is perhaps ..."), before any conclusion."""
        stop = min(self.conclusion_after(last) or self.body_end, last + _ADDED_GAP + 1)
        # (A subheading "One more thing" heads a newsletter's next section, not a point.)
        return next((i for i in range(last + 1, stop) if i not in self.section_set
                     and cues.ONE_MORE_RE.match(self.paras[i])), None)

    def _sectioned_apart(self, one: Split, other: Split) -> bool:
        """A subheading, or a turn to what should be done ("So what would actually help?"),
        stands between the two series."""
        first, second = sorted((one, other), key=lambda s: s.starts[0].para)
        between = range(first.starts[-1].para + 1, second.starts[0].para)
        return any(i in self.section_set or cues.CLOSING_RE.match(self.paras[i])
                   for i in between)

    def piece(self, article: Article, *, explain: bool) -> Piece:
        chosen, considered = self.choose()
        explanation = self._explain(chosen, considered) if explain else ()
        if not chosen:
            return self._flat(article, considered, explanation)
        # Each series on its own: the subheading above the first of a series' starts names
        # its section ("Our concerns", "What we recommend"), whatever the other series do.
        starts = [start for split in chosen for start in self._under_crossheads([
            replace(s, confidence=split.confidence * (
                _UNMARKED_SHARE if s.marker is None and s.kind == "unmarked" else 1.0))
            for s in split.starts])]
        end = self._end(chosen[-1])
        arguments = tuple(
            argument(self, number, start, starts[number] if number < len(starts) else None, end)
            for number, start in enumerate(starts, 1))
        conclusion = "\n\n".join(self.paras[end:self.body_end]) or None
        confidence = min(split.confidence for split in chosen)
        return _with_meta(Piece(
            thesis=thesis(self, starts[0], article),
            arguments=arguments,
            announced_count=chosen[0].announced,
            conclusion=conclusion,
            confidence=confidence,
            explanation=explanation,
        ), article)

    def _under_crossheads(self, starts: list[Start]) -> list[Start]:
        """An argument whose paragraph sits right under a subheading of its own (an editor's
        crosshead, "Tarnished credibility.", then "First, ...") starts at that subheading;
        one that opens with its own bold label is headed already (the subheading above the
        first of a run of labels names their section)."""
        headed = [s for s in starts if s.start == 0 and s.para - 1 in self.section_set]
        if headed == starts[:1] and (len(starts) >= 3 or cues.REASON_WORDS_RE.search(
                self.paras[starts[0].para - 1])):
            # "Why the trustees should vote no" above the first of three: the list's section.
            return starts
        moved: list[Start] = []
        floor = 0
        for start in starts:
            above = start.para - 1
            if (start.start == 0 and above > floor and above in self.section_set
                    and start.para not in self.section_set and self._unlabelled(start)
                    and not cues.STRUCTURAL_HEADING_RE.match(self.paras[above])
                    and not cues.LINKED_HEADLINE_RE.match(self.paras[above])):
                start = replace(start, para=above, end=0, kind="heading")
            moved.append(start)
            floor = start.para
        return moved

    def _unlabelled(self, start: Start) -> bool:
        """No label of its own opens the paragraph ("The first point is simple:" is the
        marker, not a name for the point)."""
        label = self.lead(start.para)
        return label is None or bool(start.marker and label.startswith(start.marker))

    def _flat(self, article: Article, considered: list[Split],
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
        return _with_meta(Piece(thesis=thesis, arguments=(), announced_count=announced,
                                conclusion=conclusion,
                                confidence=max(0.5, min(0.99, 1.0 - doubt)),
                                explanation=explanation), article)

    def _explain(self, chosen: list[Split], considered: list[Split]) -> tuple[str, ...]:
        lines: list[str] = []
        for split in sorted(considered, key=Split.rank, reverse=True):
            overlaps = any(not (split.starts[-1].para < c.starts[0].para
                                or split.starts[0].para > c.starts[-1].para) for c in chosen)
            verdict = ("chosen" if split in chosen else
                       "rejected: below the acceptance threshold"
                       if split.confidence < ACCEPT else
                       "rejected: inside one argument of another series"
                       if any(suppresses(outer, split) for outer in considered
                              if outer.confidence >= ACCEPT) else
                       "rejected: a better series overlaps" if overlaps else
                       "rejected: of another kind than the chosen series, or not sure enough "
                       "to stand beside it")
            lines.append(f"{split.describe(self.paras)}: confidence {split.confidence:.2f}, "
                         f"{verdict}")
            lines.extend(f"    {reason}" for reason in split.reasons)
        if not considered:
            lines.append("no series of markers found")
        return tuple(lines)


def _with_meta(piece: Piece, article: Article) -> Piece:
    """``piece`` carrying what the article says of itself: title, byline, source, notes."""
    return replace(piece, title=article.title, author=article.author, url=article.url,
                   outlet=article.outlet, published=article.published,
                   removed_boilerplate=tuple(article.removed_boilerplate),
                   notes=tuple(article.notes))


def segment(article: Article, *, explain: bool = False) -> Piece:
    """Read ``article`` as a thesis, its enumerated arguments (possibly none) and a conclusion,
    with the splitter's confidence; ``explain`` fills ``Piece.explanation`` with the series
    weighed and why each was chosen or rejected.

    Never raises on odd input; an article without blocks yields an empty thesis.
    """
    blocks = normalise(article.blocks)
    return _Reader(blocks, article.title).piece(article, explain=explain)

