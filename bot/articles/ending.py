"""Where the last argument of a list ends: at a conclusion the piece marks, at the end of its
list or section, or where the writer steps back from the points ("I do not want to be unfair
...", "None of these fixes is radical", "So the board should ..."). A layer of the reader
between the series without markers and the reader itself (``segment``)."""

from __future__ import annotations

import bisect
import re
from itertools import pairwise

from bot.articles import cues
from bot.articles.series import Split, Start
from bot.articles.unmarked import UnmarkedSeries

_CLOSE_WINDOW = 3  # the last paragraphs, where a step back closes the piece
# A writer acknowledging the other side before closing: "I understand that ...", "I want to be
# fair to ...", "I recognise that ...", "I do not doubt ...", "I am aware that ...".
_ACKNOWLEDGING_RE = re.compile(
    r"I\s+(?:understand|recogni[sz]e|accept|do\s+not\s+doubt|am\s+aware|want\s+to\s+be"
    r"\s+(?:fair|clear))\b"
    # "The finance secretary is right that ...", "Its defenders are right to worry ..."
    r"|(?!(?:They|He|She|It|We|You)\b)[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,4}\s+(?:is|are)\s+"
    r"(?:quite\s+|partly\s+|surely\s+)?right\s+(?:that|to)\b")
# Openings with which a writer closes, in the last paragraphs (narrower than the step-backs
# that may open a point's own second paragraph: "We have a housing list to clear").
_CLOSE_RE = re.compile(
    r"So,?\s+(?:the|this|that|I|we|here|my|our)\b"
    r"|I\s+(?:do\s+not|don[’']t)\s+(?:want|pretend|think|say)\b|I\s+am\s+not\s+(?:naive|against"
    r"|opposed|saying)\b|I\s+may\s+be\s+wrong|I\s+should\s+(?:be\s+honest|say)|My\s+view\b"
    r"|There\s+is\s+still\s+time\b|It\s+is\s+not\s+too\s+late\b"
    r"|If\s+I\s+were\s+(?:writing|in\s+charge|running|the\s+[a-z]+)\b"
    r"|(?:Specifically|Instead|In\s+the\s+meantime),\s+I\s+would\s+(?:suggest|propose|urge|ask"
    r"|recommend)\b"
    r"|If\s+there\s+is\s+(?:a|one)\s+(?:single\s+)?thread|I\s+(?:know|understand)\s+(?:that\s+)?"
    r"(?:some|many|not\s+everyone)")


class Ending(UnmarkedSeries):
    """The end of a chosen series' last argument, and the step-backs that mark it."""

    @staticmethod
    def _steps_back(text: str) -> bool:
        return bool(cues.STEP_BACK_RE.match(text) or cues.CLOSING_RE.match(text)
                    or cues.SUMMING_UP_RE.match(text) or cues.CONCEDING_RE.match(text))

    def _end(self, split: Split) -> int:
        """Where the last argument ends: a conclusion, the end of its list or section."""
        starts = split.starts
        last = starts[-1]
        conclusion_at = self.conclusion_after(last.para)
        if split.end is not None:
            return min(split.end, conclusion_at) if conclusion_at is not None else split.end
        after = last.para + 1
        if (after < (conclusion_at or self.body_end) and after not in self.section_set
                and (cues.SUMMING_UP_RE.match(self.paras[after])
                     or _ACKNOWLEDGING_RE.match(self.paras[after]))):
            # "None of these fixes is radical", "I understand that the county ...": right
            # after the last point's paragraph, the writer sums up or grants the other side.
            return after
        if conclusion_at is not None:
            # Points of one paragraph each: the step back may come right after the last.
            longest = max((b.para - a.para for a, b in pairwise(starts)), default=2)
            return self._earlier_close(last.para + (1 if longest == 1 else 2), conclusion_at)
        if split.sectioned:
            # Subheadings as the points: the last one's section ends at the next subheading,
            # or where the writer concedes or turns to what should be done inside it.
            at = bisect.bisect_right(self.sections, last.para)
            end = self.sections[at] if at < len(self.sections) else self.body_end
            found = next((index for index in range(last.para + 2, end)
                          if cues.CONCEDING_RE.match(self.paras[index])
                          or cues.SUMMING_UP_RE.match(self.paras[index])), None)
            if found is None and end == self.body_end:
                found = self._step_back(starts, end)
            return found if found is not None else end
        compact = all(b.para - a.para <= 1 for a, b in pairwise(starts))
        if (compact and (all(s.marker for s in starts) or split.family == "alike")
                and split.family != "inline"):
            return last.para + 1  # a tight list: what follows it steps back from it
        for index in range(max(last.para + 1, self.body_end - 2), self.body_end):
            if cues.CLOSING_RE.match(self.paras[index]):
                return index  # "So yes, ...": the writer steps back at the end
        for index in range(max(last.para + 1, self.body_end - _CLOSE_WINDOW), self.body_end):
            text = self.paras[index]
            if (cues.SUMMING_UP_RE.match(text) or _CLOSE_RE.match(text)
                    or _ACKNOWLEDGING_RE.match(text)):
                # "I do not want to be unfair ...", "None of these ideas ...", "So the cap
                # should stay.": the writer steps back near the end.
                return index
        stepped = self._step_back(starts, self.body_end)
        return stepped if stepped is not None else self.body_end

    def _earlier_close(self, earliest: int, at: int) -> int:
        """"I understand that the county faces hard choices. ... I urge the board to ...": a
        step back just before the writer's closing words (from ``earliest`` on) begins the
        conclusion."""
        for index in range(max(earliest, at - _CLOSE_WINDOW), at):
            text = self.paras[index]
            if (_CLOSE_RE.match(text) or _ACKNOWLEDGING_RE.match(text)
                    or cues.CONCEDING_RE.match(text) or cues.SUMMING_UP_RE.match(text)):
                return index
        return at

    def _step_back(self, starts: tuple[Start, ...], stop: int) -> int | None:
        """Where the writer steps back from the points ("I want to be fair ...", "None of
        these fixes is radical"), when the last point would otherwise run on longer than any
        point before it; ``None`` if it does not, or nothing there steps back."""
        last = starts[-1]
        conceding = next((index for index in range(last.para + 1, stop)
                          if cues.CONCEDING_RE.match(self.paras[index])), None)
        if conceding is not None:
            return conceding  # "Defenders of the decision will say ...", "What should ...?"
        longest = max((b.para - a.para for a, b in pairwise(starts)), default=0)
        if len(starts) < 2 or stop - last.para < longest + 1:
            return None
        found = next((index for index in range(last.para + max(longest, 1), stop)
                     if cues.STEP_BACK_RE.match(self.paras[index])), None)
        if found is None and stop - last.para > longest:
            # Nothing marks the step back, but the last point would run on longer than any
            # before it: what lies past the longest point's length is the writer's close.
            return last.para + max(longest, 1)
        return found
