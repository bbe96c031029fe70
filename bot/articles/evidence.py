"""The evidence a laid-out series is weighed on, and the signs that it is something else.

``segment`` lays candidates out as series; this layer of the reader gathers, for each, what
``series.weigh`` needs: the words leading into it, the shape of its items (their length,
whether they argue, state claims, name things or ask questions), the count announced for it,
and the signs that it is no list of the writer's points at all (a decoy: a procedure, a
timeline, notes, a page of letters, a programme, a quotation, a list reported from someone
else). Pure, as the rest of the splitter.
"""

from __future__ import annotations

import re
from functools import cached_property
from itertools import pairwise

from bot.articles import cues, decoys, pagekind
from bot.articles.layout import HEADING_WORDS, Announcement, Layout, last_sentence
from bot.articles.markers import (
    ARGUMENT_NOUNS,
    COUNT_NOUNS,
    LAST,
    VAGUE_ANNOUNCE_RE,
    Candidate,
    singular,
)
from bot.articles.model import BlockKind
from bot.articles.sentences import first_sentence, opens_with_label, word_count
from bot.articles.series import Evidence, family, label_noun, open_alike

# "Two steps", "two requirements": a process or its preconditions, described, not argued.
_PROCEDURE_NOUNS = frozenset({"step", "stage", "phase", "requirement", "condition",
                              "precondition", "prerequisite"})
# "... (The Northern Post, opinion).", "(Civic Futures, 48 pages)": where a digest's item ran.
_SOURCE_IN_ITEM_RE = re.compile(r"\((?:The\s+)?[A-Z][\w’'&.-]*(?:\s+[\w’'&.-]+){0,5}"
                                r"(?:,\s*[^()]{1,30})?\)")
_SOURCE_REACH = 160  # how far into a digest's item its source is named
_PROMPT_WORDS = 30  # a numbered question on a line of its own, answered below
_TOPIC_WORDS = 7  # "Take the pension language.": a topic taken up, named in a few words
_OWN_SUMMARY_RE = re.compile(r"\b(?:we|I)\s+(?:believe|think|recommend|propose|urge)\b"
                             r"|\b(?:our|my)\s+(?:own\s+)?(?:recommendations|proposals|case)\b")
# "Seven links worth your time": a heading's count, before what it counts.
_COUNT_WORD_RE = re.compile(r"^(?:\d{1,2}|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight"
                            r"|[Nn]ine|[Tt]en)\s+")
_PLAN_RE = re.compile(r"\b(?:plan|programme|program|agenda|strategy|manifesto)\b")
_FIX_REACH = 12  # paragraphs back in which "Problem one:" makes "Fix one:" a proposal
_PROBLEM_LABEL_RE = re.compile(
    r"(?:Problem|Flaw|Mistake|Failure|Objection|Weakness)\s+(?:one|1)\b")
_AMOUNT_TAIL = 40  # where a budget line's amount stands, at its end
_CLAIM_LINE_WORDS = 16  # a bulleted claim on a line of its own
_ARGUED_WORDS = 20  # ... over a paragraph at least this long that argues it
_READING_REACH = 300  # the end of a lead-in, where it says a reading list follows
_COUNTED_BEFORE_RE = re.compile(r"\b(?:[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive)\s+([a-z]+s)\b")
_SPEC_LINE_WORDS = 10  # a labelled line this short states a fact ("Weight: 68 pounds")
_SPEC_LINE_CHARS = 120  # ... and no longer than this (so long paragraphs are never counted)
_ASKING = frozenset({"What", "How", "Where", "When", "Who", "Which"})
_FIGURE_RE = re.compile(r"\d[\d,.]*\s*(?:%|percent|per cent)?")


# "Health and human services: $44.2 million": a budget line, a label and its amount.
_AMOUNT_LINE_RE = re.compile(r"[:—–]\s*[$£€¥]?\d[\d,.]*\s*(?:million|billion|bn|m|k|%|per\s?cent)?"
                             r"\.?\s*$")

_TOLD_CHARS = 40  # how far past the count its sentence is read
_OWN_WHY_RE = re.compile(r"Why\s+(?:we|I)\b(?![^.?!]*\?)", re.IGNORECASE)
_EXAMPLES_REACH = 60  # characters before a colon where "examples", "such as" lead in
_NUMBER_PREFIX = re.compile(r"^\s*\d{1,2}[.)]\s*")
_NOTICE_WORDS = 6  # a notice's heading: "a change of time", "our Lent course"
_HISTORY_CHARS = 250  # how far into an item a year makes it an entry of a history
_NUMBER_NAMES = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}

class EvidenceReader(Layout):
    """A piece's layout, read for the evidence on each series laid out in it."""

    @cached_property
    def match_report(self) -> bool:
        """Looked for only when a list could be a match report's (see ``pagekind``)."""
        return pagekind.match_report(self.paras)

    def _evidence(self, fam: str, cands: list[Candidate], count: int, marked: int,
                  announced: int | None) -> Evidence:
        first = cands[0]
        intro = self.intro(first)
        stripped = intro.rstrip()
        noun = self.announcement_before(first.para, first.start)
        # "... in four steps" in an "About us" section says how the writer works, not what the
        # list under a later subheading ("Our asks") is.
        # "Six steps the government must take": steps someone should take are proposals.
        # ("a plan built on four steps": a policy's steps, argued.)
        procedural = (noun is not None and noun.noun in _PROCEDURE_NOUNS and not any(
            noun.para < i < first.para for i in self.sections) and not self._urged(noun)
            and not _PLAN_RE.search(self.paras[noun.para], max(0, noun.offset - _TOLD_CHARS),
                                    noun.offset)) or any(
            c.counted in _PROCEDURE_NOUNS for c in cands)
        ev = Evidence(fam, count, marked, announced=announced, procedural=procedural,
                      argument_noun=noun is None or noun.noun in ARGUMENT_NOUNS,
                      intro_concerns=bool(cues.REASON_WORDS_RE.search(intro[-160:])
                                          or cues.CONSEQUENCE_INTRO_RE.search(
                                              last_sentence(intro))
                                          # "WHY WE ARE RECOMMENDING NO" over the items.
                                          or _OWN_WHY_RE.match(last_sentence(intro).strip())),
                      vague=announced is None and bool(VAGUE_ANNOUNCE_RE.search(intro)),
                      title_count=self.title_count if announced is None else None,
                      intro_colon=stripped.endswith(":"),
                      intro_reasons=bool(stripped.endswith(":")
                                         and cues.REASON_INTRO_RE.search(intro)),
                      intro_question=stripped.endswith("?"))
        bodies = [self.paras[c.para][c.end:c.end + 120].lstrip(cues.LEAD_PUNCT) for c in cands]
        ev.narrated = sum(1 for b in bodies if cues.NARRATION_RE.match(b)) * 2 >= len(bodies)
        ev.decoy = self._decoy(cands, bodies, intro)
        if ev.decoy is None and fam == "inline" and noun is not None and noun.noun == "fact":
            # "Three facts stand out: 1) sugar content has halved; 2) ...": evidence set out
            # inside a sentence, which the piece then argues from.
            ev.decoy = "facts numbered inside a sentence (the evidence, not the points)"
        # "... advise its members to accept the sessions until ... the following conditions:":
        # the noun just before the colon says what the items are, whatever came earlier.
        # Only the words just before the colon say so ("If council's aim is more homes, a
        # better package is available:" leads in proposals, not aims).
        ev.examples = bool(stripped.endswith(":")
                           and cues.EXAMPLES_INTRO_RE.search(stripped[-_EXAMPLES_REACH:])
                           and not cues.POINTS_BEFORE_COLON_RE.search(stripped))
        if self.interview and (self.transcript or fam not in ("heading", "lead")):
            ev.decoy = "the piece is an interview (its lists are the answers')"
        ev.fragments = fam in ("item", "bullet") and sum(
            1 for b in bodies if b[:1].islower() or b[:1].isdigit() or b[:1] in "£$€¥%"
        ) > len(bodies) / 2
        if fam in ("item", "bullet", "num", "inline", "lead", "break") and not all(
                c.para in self.section_set for c in cands):
            texts = [self._item_text(c) for c in cands]
            ev.item_words = sum(word_count(t) for t in texts) / len(cands)
            ev.arguing = sum(1 for t in texts if cues.ARGUING_RE.search(t[:400])) / len(cands)
            ev.labelled = fam in ("item", "bullet") and sum(
                1 for c in cands if opens_with_label(self.paras[c.para])) * 2 > len(cands)
            ev.figures = fam in ("item", "bullet") and sum(
                1 for t in texts if len(_FIGURE_RE.findall(first_sentence(t))) >= 2
            ) * 2 >= len(cands)
        if fam == "bullet" and len(cands) >= 3:
            # "→ Your calendar is not yours anymore." over a paragraph of what that meant.
            ev.argued_below = sum(
                1 for c in cands if c.para + 1 < self.body_end
                and word_count(self.paras[c.para]) <= _CLAIM_LINE_WORDS
                and cues.CLAIM_VERB_RE.search(self.paras[c.para])
                and self.blocks[c.para + 1].kind is BlockKind.PARAGRAPH
                and word_count(self.paras[c.para + 1]) >= _ARGUED_WORDS) * 4 >= len(cands) * 3
        if fam == "alike" and first.kind.split("#", 1)[1].split(" ", 1)[0] in ("i", "we", "you"):
            ev.personal = True  # "I entrust you with ...": a writer speaking, not counting
        ev.quoted = first.kind == "alike#quoted claim"
        if fam in ("heading", "lead"):
            heads = [self._head_text(c) for c in cands]
            # Objections the piece says it answers, asked as questions, are its points.
            rebutted = self.rebuttal or bool(cues.REBUTTAL_RE.search(intro[-200:]))
            # "The three questions that mattered" over three question headings: the points.
            counted = cues.QUESTIONS_COUNTED_RE.search(self.title or "")
            # ("The week in five questions" over what readers asked, answered with news, is
            # a digest.)
            rebutted = rebutted or (counted is not None and counted["num"].lower() in (
                str(len(cands)), _NUMBER_NAMES.get(len(cands))) and sum(
                    1 for h in heads if cues.FACT_QUESTION_RE.match(h)) * 2 < len(heads))
            # "Isn't this just a tax?", "Won't shoppers go to the mall?": objections put as
            # the other side would, each answered below.
            rebutted = rebutted or self._challenged(cands)
            # "What the study did", "How it has been used": an explainer's sections.
            ev.questions = 0 if rebutted else sum(
                1 for h in heads if h.rstrip().endswith("?") or h.split(" ", 1)[0] in _ASKING)
            sizes = [word_count(h) for h in heads]
            ev.parallel = max(sizes) <= HEADING_WORDS and max(sizes) - min(sizes) <= 8
            ev.alike = open_alike(heads)
            ev.title_noun = self.title_noun
            ev.claims = (not ev.questions and min(sizes) >= 3 and sum(
                1 for h in heads if cues.CLAIM_VERB_RE.search(h if not h.isupper() else h.lower())
                or h.split(" ", 1)[0].lower() in cues.PROPOSAL_VERBS) * 4 >= len(heads) * 3)
            ev.previewed = self._previewed(first.para, len(cands))
        if fam == "heading" and sum(word_count(self.paras[c.para]) <= 2 for c in cands) * 2 > len(
                cands) and not ev.alike:
            ev.notes.append("mostly one- or two-word headings (sections, not claims)")
            ev.terse = True
        if all(c.para in self.section_set for c in cands):
            ev.bare_headings = sum(1 for c in cands if self.bare(c.para))
            if fam == "num":
                heads = [self.paras[c.para][c.end:].strip() for c in cands]
                # A heading that names a thing, not an action ("Dropping batters after one
                # bad match") nor a claim or a proposal.
                firsts = [h.split(" ", 1)[0].lower() for h in heads]
                ev.questions = 0 if self.rebuttal or self._challenged(cands) else sum(
                    1 for h in heads if h.rstrip().endswith("?"))
                ev.named = not self.title_argues and sum(
                    1 for h, w in zip(heads, firsts, strict=True)
                    if not cues.CLAIM_VERB_RE.search(h) and w not in cues.PROPOSAL_VERBS
                    and not w.endswith("ing")) * 2 > len(heads)
        elif fam == "num" and not self.rebuttal:
            # "2. What is the biggest issue facing Ward 4?" on a line of its own, answered in
            # the paragraph below: a questionnaire's questions, not the points.
            ev.questions = sum(
                1 for c in cands if self.paras[c.para].rstrip().endswith("?")
                and word_count(self.paras[c.para]) <= _PROMPT_WORDS and c.para + 1 < self.body_end
                and word_count(self.paras[c.para + 1]) > word_count(self.paras[c.para]))
        return ev

    def _past_label(self, cand: Candidate) -> str:
        """The item's text from its marker on, past a bold label ("1. The land tax is back.
        The Ashbury Institute has published ..."): where an item names its source."""
        text = self.paras[cand.para]
        lead = self.blocks[cand.para].lead
        if lead and text.startswith(lead) and len(lead) > cand.end:
            return text[len(lead):].lstrip()
        return text[cand.start:]

    def _challenged(self, cands: list[Candidate]) -> bool:
        """Whether most of these subheadings put objections as the other side would ("Isn't
        this just a tax?", "Won't it bring jobs?"), each answered below."""
        heads = [self._head_text(c) for c in cands]
        return sum(1 for h in heads if h.rstrip().endswith("?")
                   and cues.CHALLENGE_RE.match(last_sentence(h).lstrip())) * 2 >= len(heads)

    def _item_text(self, cand: Candidate) -> str:
        if cand.kind.startswith("inline"):
            return self.paras[cand.para][cand.end:cand.end + 200]
        return self.paras[cand.para][cand.end:]

    def _head_text(self, cand: Candidate) -> str:
        if cand.kind == "lead":  # a bold or colon label, or a label in plain text
            return self.lead(cand.para) or first_sentence(self.paras[cand.para])
        return self.paras[cand.para]

    def _notices(self, cands: list[Candidate], bodies: list[str],
                 announced: Announcement | None) -> bool:
        """"First, a thank you. ... Secondly, Ash Wednesday. ... Thirdly, our Lent course.":
        every marker heads a phrase with no verb, and nothing counts the items (``announced``
        is the count before them) as points."""
        # "Let me put our position plainly, in three parts. One, the water. ...": topics
        # named, then argued.
        if announced is not None and (announced.noun in ARGUMENT_NOUNS or announced.noun == "part"):
            return False
        if any(c.para in self.section_set for c in cands):
            return False  # "First: the money" as a subheading heads the point below it
        if cues.OPENER_MARKER_RE.match(cands[0].marker):
            return False  # "Start with the selection panel.": a topic taken up to be argued
        heads = [first_sentence(body) for body in bodies]
        # ("First, index the threshold to inflation.": a proposal, the verb first.)
        return all(2 <= word_count(head) <= _NOTICE_WORDS and not cues.CLAIM_VERB_RE.search(head)
                   and head.split(" ", 1)[0].lower() not in cues.PROPOSAL_VERBS
                   for head in heads)

    def _summarised(self, first: Candidate, announced: Announcement | None) -> bool:
        """"Amoah-Breckenridge builds his case on what he calls the four pillars ... The first
        pillar is ...": the count before ``first`` is someone else's (he, she, the author, the
        report), told in the writer's paragraph about their work."""
        if announced is None:
            # 'which Morrow calls her "five rules for a fuller room." They are: first, ...': the
            # count is quoted (so announces nothing); the two sentences before the first
            # marker say whose it is.
            text = self.paras[first.para]
            start = text.rfind(". ", 0, text.rfind(". ", 0, first.start)) + 1
            told = text[start:first.start]
            if not decoys.QUOTED_COUNT_RE.search(told):
                return False
        elif announced.para in (first.para, first.para - 1):
            text = self.paras[announced.para]
            start = text.rfind(". ", 0, announced.offset) + 1
            told = text[start:announced.offset + _TOLD_CHARS]
        else:
            return False
        return bool(cues.OTHERS_COUNT_RE.search(told)) and not cues.OWN_COUNT_RE.search(told)

    def _urged(self, noun: Announcement) -> bool:
        """Steps someone is urged to take ("six steps the board must take") are proposals."""
        told = self.paras[noun.para][noun.offset:noun.offset + _TOLD_CHARS * 2]
        return bool(cues.SHOULD_RE.search(told))

    def _under_question(self, para: int) -> bool:
        """Whether the nearest subheading above ``para`` asks a question."""
        above = [i for i in (*self.sections, *self.asked_lines) if i < para]
        if not above:
            return False
        heading = self.paras[max(above)]
        # "What has been agreed" explains; "Why we're voting no" argues.
        return heading.rstrip().endswith("?") or (max(above) in self.wh_sections
                                                 and not heading.startswith("Why"))

    def _decoy(self, cands: list[Candidate], bodies: list[str], intro: str) -> str | None:
        """Why a list is not the writer's arguments (quoted, dated, procedural, cited)."""
        first = cands[0]
        fam = family(first.kind)
        if self.symposium:
            return "a symposium: each section is another contributor's answer"
        if fam == "alike" and sum(1 for c in cands if decoys.STUDY_FOUND_RE.match(
                self.paras[c.para])) * 2 > len(cands):
            return "studies reported one after another (the evidence, not the points)"
        if fam == "lead" and len(cands) >= 3 and sum(
                1 for c in cands
                if decoys.PERSON_LABEL_RE.fullmatch(self.lead(c.para) or "")) * 2 > len(cands):
            return "people named as labels (a listing: charges, results, appointments)"
        if sum(1 for b in bodies if decoys.HELD_RE.match(b)) * 2 > len(bodies):
            # "First, it held that the association had standing ... Second, the court found
            # ...": a judgment's reasons, reported.
            return "each item reports what a court or panel held (a judgment's reasons)"
        if fam in ("num", "item", "bullet") and any(
                decoys.READER_TASK_RE.match(self.paras[i])
                for i in range(max(0, first.para - 2), first.para)):
            # "What you need to do / Almost nothing, but just in case: 1. Look out for ...".
            return "instructions to the reader ('What you need to do')"
        if first.kind == "lead" and sum(1 for c in cands if cues.STRUCTURAL_HEADING_RE.match(
                self.lead(c.para) or "")) * 2 >= len(cands):
            # "From the mailbag: ... / Housekeeping: ...": a newsletter's furniture, in bold.
            return "labels of a newsletter's furniture ('Housekeeping:', 'From the mailbag:')"
        if self.fielded and fam in ("alike", "lead"):
            return "a form's recurring fields ('Claim: ... Rating: ...'), a fact check or a record"
        if self.excerpts:
            return "excerpts of other papers' editorials ('From the Dispatch:'), gathered"
        if (self.digest or self.linked_digest) and (fam in ("heading", "lead", "roman") or (
                fam == "ord" and self.linked_digest) or (
                fam in ("num", "item", "bullet") and sum(
                    1 for b in bodies if _SOURCE_IN_ITEM_RE.search(b[:_SOURCE_REACH])) * 2 > len(
                    bodies))):
            # Headlines, or pieces each named with where it ran ("(The Northern Post)").
            return "a digest's items, each someone else's story"
        if (first.kind == "lead" and len(cands) >= 3
                and sum(1 for c in cands if len(self.paras[c.para]) < _SPEC_LINE_CHARS
                        and word_count(self.paras[c.para]) <= _SPEC_LINE_WORDS) * 3 >= len(
                    cands) * 2
                and sum(b.para - a.para == 1 for a, b in pairwise(cands)) >= len(cands) - 2):
            # "Motor: 250W rear hub / Battery: 600Wh, removable / Weight: 68 pounds": labelled
            # lines one under another, each a fact, not a paragraph that argues.
            return "labelled lines of a few words, one after another (a box of facts)"
        above = max((i for i in self.sections if i < first.para), default=None)
        if (above is not None and fam in ("num", "item", "bullet")
                and decoys.STEP_HEADING_RE.match(self.paras[above])):
            # "Step 4: Gather your evidence" over "1. A recent appraisal 2. ...": what a
            # step of a procedure needs, not the writer's points.
            return "a list inside a step of a procedure"
        staged = sum(1 for c in cands if cues.STAGE_LABEL_RE.match(self.paras[c.para]))
        noun = self.announcement_before(first.para, first.start)
        if (first.kind.startswith("label:step") or staged * 2 >= len(cands)) and not (
                noun is not None and noun.noun == "step" and self._urged(noun)):
            return "labelled as steps or phases (a procedure)"
        half = len(bodies) / 2
        if sum(1 for b in bodies
               if cues.DATE_OPENING_RE.match(b) or cues.TIME_OPENING_RE.match(b)) >= half:
            return "dates open most items (a timeline)"
        if first.kind == "ord" and first.noun and sum(
                1 for b in bodies if cues.DATED_SOON_RE.match(b)) > half:
            return "dated right after each marker (a chronicle of events)"
        if (first.kind == "ord" and first.counted and first.counted not in ARGUMENT_NOUNS
                and all(cues.YEAR_RE.search(self.paras[c.para][c.start:c.start + _HISTORY_CHARS])
                        for c in cands)):
            # "The first church ... In 1899 ... The second church ... dedicated in 1913".
            return "a year in each item, counting things (a history)"
        if fam in ("num", "item", "bullet") and all(
                b[:1].islower() and cues.YEAR_RE.search(b[:_HISTORY_CHARS]) for b in bodies):
            # "1. a rural service allowance, introduced in 2004; 2. a 'model school' programme
            # in 2009": what was tried and when, continuing the lead-in's sentence.
            return "things tried and when, run on from the lead-in (a history)"
        if first.kind == "lead" and sum(
                1 for c in cands if cues.YEAR_RE.search(self.lead(c.para) or "")) >= half:
            return "years in most labels (a timeline)"
        # (Under a subheading, the paragraph below it introduces the work.)
        if sum(1 for c in cands if decoys.OTHERS_WORK_RE.search(first_sentence(
                self.paras[c.para + 1] if c.para in self.section_set and c.para + 1 < len(
                    self.paras) else self._past_label(c)))) > half:
            return "each item introduces someone else's work (an issue's contents)"
        counting = self.announcement_before(first.para, first.start)
        if any(decoys.FINDINGS_TITLE_RE.search(text) for text in self.headlines) and (
                counting is None or counting.noun not in ARGUMENT_NOUNS):
            # "Flood inquiry: the key findings at a glance": a report's findings, reported.
            return "a report's findings, as the headline says (reported, not argued)"
        if (counting is None or counting.noun not in ARGUMENT_NOUNS) and any(
                decoys.EXPLAINING_LEAD_RE.search(text)
                for text in (*self.headlines, self.standfirst, intro[-_READING_REACH:])):
            # "Here is what is changing", "everything you need to know", "what each way out
            # would require": an explainer's or a news analysis's items.
            return "led in as what changes or what to know (an explainer)"
        if first.kind == "lead" and sum(
                1 for c in cands if (self.lead(c.para) or "").startswith("Best ")) * 2 > len(cands):
            return "a review's picks ('Best overall:', 'Best for ...')"
        if first.kind == "ord" and not first.counted and sum(
                1 for c in cands if c.para == first.para) >= 2:
            # "Two details from the research surprised us. The first is ...": the bare
            # ordinals count what the sentence before them counts, here no point.
            counted = _COUNTED_BEFORE_RE.findall(
                self.paras[first.para], max(0, first.start - _TOLD_CHARS * 4), first.start)
            if counted and singular(counted[-1].lower()) not in COUNT_NOUNS:
                return f"the ordinals count {counted[-1].lower()}, not points"
        if first.kind == "ord" and decoys.SAY_ASIDE_RE.match(self.paras[first.para], first.end):
            # "First, they say, it will take trucks off Main Street.": their reasons, reported.
            return "someone else's reasons, reported ('First, they say, ...')"
        if (first.kind == "ord" or (fam in ("item", "bullet")
                                    and not cues.OWN_COUNT_RE.search(intro))) and sum(
                1 for b in bodies if b.startswith("that ")) > half:
            # "The court gave four reasons: first, that the test had proved unworkable ...":
            # reasons reported in indirect speech are someone else's.
            return "reasons reported as someone else's ('first, that ...')"
        announced = self.announcement_before(first.para, first.start)
        if announced is not None and cues.WORK_PARTS_RE.search(
                self.paras[announced.para], max(0, announced.offset - _TOLD_CHARS * 2),
                announced.offset + _TOLD_CHARS):
            # "The book is organised in three parts. ... The first part is the strongest":
            # the parts of the work under review.
            return "the parts of someone else's work (a review)"
        if fam in ("heading", "lead", "num") and sum(
                1 for c in cands if decoys.DOCUMENT_SECTION_RE.match(self._head_text(c))) * 2 > len(
                cands):
            # "Section 2: The license / Section 3: Inspections": a bill explained clause by
            # clause, whatever each side then says of it.
            return "a document's sections, one by one (a bill or a contract explained)"
        counted_at = (self.paras[announced.para][announced.offset:announced.offset + _TOLD_CHARS]
                      if announced is not None else "")
        if decoys.GUIDE_COUNT_RE.search(counted_at) or any(
                decoys.GUIDE_COUNT_RE.search(text) for text in self.headlines):
            # "10 things not to miss", "11 things you probably didn't know about the canal":
            # a guide's sights or a feature's trivia, not points argued.
            return "counted as things to see or facts to know (a guide or a trivia list)"
        if self.explained and fam in ("num", "heading", "item", "bullet") and (
                announced is None or announced.noun not in ARGUMENT_NOUNS) and not (
                fam == "heading" and self._challenged(cands)):
            # "EXPLAINED ... Here are the main changes. 1. You must be at least 16": what a
            # rule changes, reported, under a kicker that says the piece explains.
            return "an explainer's list (what changes, reported, not argued)"
        if fam in ("num", "heading", "item", "lead") and self.match_report and (
                announced is None or announced.noun not in ARGUMENT_NOUNS):
            return "a match report: its numbered things from the game describe it"
        if self.obituary and not (first.counted in ARGUMENT_NOUNS or (
                announced is not None and announced.noun in ARGUMENT_NOUNS)):
            return "an obituary: its ordinals tell a life ('The first was over the landfill')"
        # (A "Finally" far below does not make the summary the writer's list.)
        numbered = [c for c in cands if c.value != LAST]
        if (first.kind == "ord" and len(numbered) >= 2 and len({c.para for c in numbered}) == 1
                and self._summarised(first, announced)):
            return "someone else's list, summarised in a paragraph (a review or a report)"
        if first.kind == "ord" and len(cands) >= 3 and self._notices(cands, bodies, announced):
            return "each marker opens a notice, not a claim (a letter of notices)"
        heading = max((i for i in self.sections if i < first.para), default=None)
        if (fam in ("num", "item", "bullet", "lead") and heading is not None
                and first.para - heading <= 2
                and decoys.READING_HEADING_RE.match(self.paras[heading])):
            return "under a heading over other writers' pieces (a reading list)"
        under = self.paras[heading] if heading is not None and first.para - heading <= 2 else ""
        if decoys.POLICY_HEADING_RE.match(under):
            return "under a heading over the publication's rules ('Letters policy')"
        if decoys.HOUSEKEEPING_RE.match(under):
            return "under a heading over a newsletter's notices ('Housekeeping')"
        if fam == "heading" and any(decoys.READING_HEADING_RE.match(
                _COUNT_WORD_RE.sub("", self.paras[c.para], count=1)) for c in cands):
            # "Seven links worth your time / Reading / Next week": a newsletter's sections.
            return "a newsletter's sections, a reading list among them"
        if fam in ("num", "item", "bullet", "heading", "lead") and (
                decoys.READING_INTRO_RE.search(intro[-_READING_REACH:])):
            # "As usual, these are the pieces that made me think": a reading list follows.
            return "led in as other writers' pieces (a reading list)"
        if fam in ("num", "item", "bullet") and sum(
                1 for b in bodies if decoys.names_a_piece(b)) > half:
            # '1. "The four-day week is a pay rise we can't afford" — Northfield Gazette.'
            return "items that cite other writers' pieces (a reading list)"
        if fam in ("num", "heading") and sum(
                1 for c in cands if cues.STRUCTURAL_HEADING_RE.match(
                    _NUMBER_PREFIX.sub("", self._head_text(c)))) >= 2:
            return "a report's numbered sections (introduction, conclusion ...)"
        if self.minutes or (fam in ("num", "heading", "lead") and sum(
                1 for c in cands if cues.AGENDA_ITEM_RE.match(self._head_text(c))) >= 2):
            return "agenda items (the minutes of a meeting)"
        if self.title_guide and fam in ("num", "heading", "item", "lead"):
            return "a headline promising things to know (a guide, not an argument)"
        if fam in ("heading", "lead"):
            heads = [" ".join(self._head_text(c).split()).rstrip(":.—–- ").lower()
                     for c in cands]
            if len(set(heads)) < len(heads):
                return "the same label more than once (speakers or a recurring field)"
            if sum(1 for c in cands if decoys.CITED_RE.match(self._head_text(c))) > half:
                return "headings that cite other writers' pieces (a reading list)"
            if self.title_people == len(cands):
                return "a section for each of the people the headline counts (a symposium)"
            # A number counting the points ("Recommendation 2") is not a figure; two numbers
            # ("Wild 4, Sabres 1", "(1-0)") or a long one ("60,000") are.
            if sum(1 for h in heads if len(numbers := re.findall(r"\d+", h)) >= 2
                   or any(len(n) >= 3 for n in numbers)) > half:
                return "figures in most labels (scores, prices or records)"
        ends = [c.para for c in cands[1:]] + [self.body_end]
        if fam in ("heading", "lead") and sum(
                1 for c, end in zip(cands, ends, strict=True)
                if cues.SIGNATURE_RE.match(self._last_words(c.para, end))
                or self._head_text(c)[:1] in "–—") > half:
            # ... or headed by its writer's name after a dash ("– Ali***"): visitors' reviews.
            return "each section signed by its writer (a page of letters)"
        # Points under subheadings that are years ("2003: The bypass scheme"): a history.
        heads_above = [self.paras[c.para - 1] for c in cands
                       if c.para - 1 in self.section_set]
        if len(heads_above) * 2 > len(cands) and sum(
                1 for h in heads_above if cues.YEAR_RE.match(h)) * 2 > len(cands):
            return "years head most items (a timeline)"
        # (A time inside a long sentence, "The claim that the 9.40pm sailing carries few
        # passengers", labels nothing.)
        if fam in ("heading", "lead", "num") and sum(
                1 for c in cands if cues.WHEN_LABEL_RE.match(self._head_text(c))
                or (cues.WHEN_IN_LABEL_RE.search(self._head_text(c))
                    and word_count(self._head_text(c)) <= HEADING_WORDS)) > half:
            return "days, dates or times as labels (a diary, a timeline, a programme)"
        if fam in ("num", "item", "bullet") and sum(
                1 for c in cands if _AMOUNT_LINE_RE.search(self.paras[c.para][-_AMOUNT_TAIL:])
        ) > half:
            return "labels with amounts ('Roads and bridges: $29.6 million'): a budget's lines"
        if fam in ("num", "item", "bullet") and sum(
                1 for b in bodies if b[:1] in "£$€¥" or b[:1].isdigit()) > half:
            return "figures open most items (a list of numbers)"
        if sum(1 for b in bodies if cues.cited(b)) >= half:
            return "items read as citations (notes)"
        lead_in = last_sentence(intro)
        before = self.paras[first.para - 2] if first.start == 0 and first.para >= 2 else ""
        if (cues.REPORTED_INTRO_RE.search(intro) or cues.REPORTED_INTRO_RE.search(before[-300:])
                or (" as " in intro and cues.AS_SET_OUT_RE.search(intro))) and not (
                decoys.VERDICT_ON_LIST_RE.search(intro[-200:])
                # "here we summarise the five recommendations we believe ... should adopt":
                # the writers' own list, in short.
                or _OWN_SUMMARY_RE.search(lead_in)):
            return "led in as someone else's list, reported"
        if intro.rstrip().endswith(":") and decoys.COMMITS_INTRO_RE.search(intro[-120:]):
            # "Halbrook Power commits to the following:": what someone promises to do.
            return "led in as commitments (what someone will do, not points argued)"
        if intro.rstrip().endswith(":") and decoys.REPORT_FINDINGS_RE.search(intro[-120:]):
            return "led in as a report's findings (reported, not argued)"
        if intro.rstrip().endswith(":") and decoys.SURVEY_ANSWERS_RE.search(intro[-120:]):
            return "led in as what a survey heard (its answers, reported)"
        if (intro.rstrip().endswith(":") and cues.SAID_RE.search(intro)
                and not cues.OWN_COUNT_RE.search(intro)):
            # "The coalition said it had sent its demands ... Below are the eight demands:":
            # a news report sets out someone else's list.
            return "led in by what someone said (a list reported in the news)"
        if intro.lstrip().startswith(('"', "“")) and intro.rstrip().endswith(":"):
            return "led in by a quotation (someone else's list)"
        # "What does the Bill change? ... the Bill does four things. It: 1. removes ...": an
        # explainer reports; only a list it says is of reasons or objections argues.
        if self.explainer and self._under_question(first.para) and (
                first.kind == "ord" or announced is None or announced.noun not in ARGUMENT_NOUNS):
            return "under an explainer's question (reported, not argued)"
        if (lead_in.rstrip().endswith(":") and cues.OTHERS_COUNT_RE.search(lead_in)
                and cues.RAISED_RE.search(lead_in) and not cues.OWN_COUNT_RE.search(lead_in)):
            # "Objectors raised a range of concerns, including:": a report of others' points.
            return "led in as others' points, reported"
        if (sum(1 for b in bodies if b.startswith("That ")) * 2 > len(bodies)
                and cues.MOTIONS_RE.search(intro)):
            return "motions put to a vote (a record of a sitting)"
        if "nder " in lead_in and cues.IMPOSED_RE.search(lead_in):
            # "Under the permission granted on Tuesday, the operator must:": conditions set
            # on someone else, reported.
            return "conditions imposed on someone else (reported)"
        if decoys.HOUSEKEEPING_RE.search(lead_in):
            return "led in as housekeeping (a newsletter's notices, not points)"
        if cues.READER_ACTIONS_RE.search(lead_in):
            return "actions asked of the reader (a call to action, not points)"
        if cues.EVENTS_INTRO_RE.search(lead_in) or any(
                cues.EVENTS_INTRO_RE.search(text) for text in self.headlines):
            # "Council in brief: Five things that happened at Tuesday's meeting".
            return "led in as things that happened (news, not points)"
        if intro.rstrip().endswith(":") and cues.QUOTED_INTRO_RE.search(intro):
            return "led in as a quotation (someone else's list)"
        verbs = sum(1 for b in bodies
                    if b.split(" ", 1)[0].lower().strip(",") in cues.IMPERATIVES)
        proposed = ((announced is not None and announced.noun in ARGUMENT_NOUNS)
                    or bool(cues.SHOULD_RE.search(lead_in))
                    # "Problem one: ... / Fix one: put the money into hours": fixes for the
                    # problems the piece argued first are proposals.
                    or (first.kind.startswith("label:") and label_noun(first.kind) in ARGUMENT_NOUNS
                        and any(_PROBLEM_LABEL_RE.match(self.paras[i])
                                for i in range(max(0, first.para - _FIX_REACH), first.para))))
        # "Take wages first. ... Take scheduling.": the writer's figure for taking up points.
        # (Each names its topic in a few words; a recipe's "Take two eggs and beat them with
        # the sugar" goes on to do something.)
        proposed = proposed or (
            fam == "alike"
            and bool(cues.ANAPHORA_OPENING_RE.match(self.paras[first.para]))
            and sum(1 for c in cands if word_count(first_sentence(self.paras[c.para]))
                    <= _TOPIC_WORDS) * 2 > len(cands))
        if verbs > half and not proposed:  # "my three priorities: Keep ... Make ..."
            return "items are instructions (a procedure)"
        # Ordinals run together in the paragraph that says it sets out a process are its steps.
        one_paragraph = len({c.para for c in cands}) == 1
        if ((first.kind != "ord" or verbs >= half or one_paragraph)
                and cues.PROCEDURE_INTRO_RE.search(lead_in)
                and not cues.REASON_WORDS_RE.search(lead_in)
                and not cues.SHOULD_RE.search(lead_in)  # "the steps we'll need to see"
                # "we are setting out a plan built on four steps": a policy's steps, argued.
                and not _PLAN_RE.search(lead_in)):
            return "led in as a procedure"
        return None

    def _previewed(self, para: int, count: int) -> bool:
        """Whether a list before ``para`` has ``count`` items: "Key points" summing up the
        subheadings that follow, one item each."""
        sizes: dict[int, int] = {}
        for index in range(max(0, para - 12), para):
            block = self.blocks[index]
            if block.kind is BlockKind.ITEM and block.level == 0 and block.list_id is not None:
                sizes[block.list_id] = sizes.get(block.list_id, 0) + 1
        return count in sizes.values()

    def _last_words(self, lo: int, hi: int) -> str:
        """The last paragraph in [lo, hi) with words in it (a rule, "---", has none)."""
        for index in range(hi - 1, lo - 1, -1):
            if any(ch.isalpha() for ch in self.paras[index]):
                return self.paras[index]
        return ""
