"""The shape of a piece as a careful reader sees it before looking for any list.

Its blocks and paragraphs; where the body ends (before trailing notes and a letter's sign-off);
its subheadings (marked up, bold lines, short plain lines, crossheads); the labels opening
paragraphs (bold, capitals, colons) and the speakers a transcript names again and again; the
counts it announces and the count its headline gives; where the writer steps back; how much a
paragraph turns to a new topic. ``segment`` reads the lists; this reads everything around them.
Pure: no I/O, no ``discord``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, replace

from bot.articles import cues, pagekind
from bot.articles.markers import (
    ANNOUNCE_RE,
    ANNOUNCE_SUBSET_RE,
    NUMBER_WORDS,
    Candidate,
    QuoteSpans,
    singular,
)
from bot.articles.model import Block, BlockKind
from bot.articles.sentences import word_count
from bot.articles.series import Start
from bot.articles.signoff import notes_start, signoff_start

__all__ = ["ANNOUNCE_REACH", "HEADING_WORDS", "Announcement", "Layout", "normalise"]

HEADING_WORDS = 14  # a subheading or bold label is short
ANNOUNCE_REACH = 5  # paragraphs from a count to the list it announces
_INTRO_CHARS = 300
_TURN_CHARS = 600
_EXPLAINER_QUESTIONS = 4  # question subheadings that make a piece an explainer
# "3.2 In the first instance", and a thread's "3/11 First problem:" or "5/ Second thing:".
_DECIMAL_PARAGRAPH = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.?|\d{1,2}/(?:\d{1,2})?)\s+(?=[A-Z\"“])")
_ASKED_LINE_WORDS = 8  # a question on a line of its own that short is a subheading
_AGENDA_ITEMS = 2  # agenda subheadings ("Matters arising", "Any other business") in minutes
_ASIDE_PENALTY = 1.0
_ALSO_BONUS = 0.5
_ALSO_REACH = 200  # characters of the first sentence looked at for "also"

# "Date Rape. This is the most ...": a run-in label in Title Case, closed by a full stop.
_RUN_IN_LABEL_RE = re.compile(
    r"((?:[A-Z][a-z’'-]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z’'-]+|of|and|the|for|in|on|to|a)){0,4})"
    r"\.\s+(?=[A-Z“\"])")
# Words that open a short sentence rather than a crosshead ("It worked.", "Yes.").
_SENTENCE_OPENERS = frozenset({"It", "This", "That", "He", "She", "They", "We", "I", "You",
                               "There", "But", "And", "So", "Yes", "No", "Not", "Nor", "Or",
                               "Then", "Now", "Here", "Well", "Okay", "OK", "Thanks", "Sadly"})
_COURTESIES = frozenset({"Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Gen", "Sen", "Rep", "Jr", "Sr",
                         "Co", "Inc", "Ltd", "No", "Vol"})
# "COST. The levy would ..." opens with a label in capitals.
_CAPS_LABEL_RE = re.compile(r"([A-Z][A-Z’'&/ -]{2,40}[A-Z])[.:—–]\s+[A-Z“\"]")
# "Small sample size: one person ..." opens with a label; "Consider this: ..." does not.
COLON_LABEL_RE = re.compile(r"([A-Z][^.:!?;\n]{1,60}?)\s*:\s+\S")
_COLON_LABEL_STOP_RE = re.compile(
    r"(?:Consider|Note|Remember|Look|Think|Here|That|This|It|There|But|And|So|Or|Update|Editor"
    r"|Photo|Image|Source|Read|Related|Listen|Watch|Q|A|Question|Answer|Disclosure|Correction"
    r"|Yes|No|Example|E\.g|I\.e|Say|Said|He|She|They|We|I|You)\b")
_TITLE_NOUN_RE = re.compile(
    r"\b(?:reasons|ways|lessons|myths|misconceptions|mistakes|things|rules|arguments"
    r"|objections|problems|truths|fallacies|failures|flaws|questions|takeaways|steps|tips"
    r"|issues|priorities|causes|ideas|why|case (?:for|against))\b", re.IGNORECASE)
_TITLE_GUIDE_RE = re.compile(
    r"\b(?:things|facts|tips|details)\s+(?:(?:you\s+)?(?:need|should|must|ought)\s+)?to\s+know\b"
    r"|\bwhat\s+(?:you\s+)?(?:need|should|must)\s+to\s+know\b|\bwhat\s+to\s+know\b",
    re.IGNORECASE)
_TITLE_ARGUES_RE = re.compile(
    r"\b(?:reasons|lessons|myths|misconceptions|mistakes|arguments|objections|problems"
    r"|fallacies|failures|flaws|why|case (?:for|against))\b"
    # "Five places the city should stop spending money": what someone ought to do, argued.
    r"|\b(?<!you )(?:should|must(?!-)|ought\s+to)\b", re.IGNORECASE)
_TITLE_COUNT_RE = re.compile(
    r"(?<![\w.,-])(?P<num>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
    r"\s+(?:[A-Za-z’'-]+\s+){0,2}?[A-Za-z’'-]*[a-z]s\b(?!\s+(?:ago|old|later|on)\b)",
    re.IGNORECASE)
# Labels that say what a paragraph argues, not who speaks: "Myth: ... / Fact: ...".
_POINT_LABELS = frozenset({
    "myth", "fact", "facts", "the myth", "the fact", "the facts", "claim", "the claim",
    "reality", "the reality", "truth", "the truth", "objection", "response", "rebuttal",
    "reply", "verdict", "the verdict", "our view", "my view"})
# "MINUTES of the Ordinary Meeting of the Parish Council held ...": a record, not an argument.
_MINUTES_OPENING_RE = re.compile(r"(?:(?:draft|unconfirmed|approved)\s+)?minutes\s+of\s+(?:the\s+)?"
                                 r"(?:[\w’'-]+\s+){0,4}(?:meeting|session|AGM|assembly)\b",
                                 re.IGNORECASE)
_NUMBERED_QUESTION_RE = re.compile(r"Q\s?\d{1,2}\b")
# Labels a page repeats that name no speaker: a forum's post headers, an email's, an update's.
_SENTENCE_LEAD_EXTRA = 8  # words a bold or italic sentence may run past a heading's length
_METADATA_LABELS = frozenset({
    "posts", "posted by", "posted", "joined", "location", "member since", "quote", "quote from",
    "reply", "re", "date", "subject", "from", "to", "sent", "cc", "tags", "updated", "published",
    "source", "photo", "credit", "note", "update", "edit", "edited", "reputation", "karma"})
# A speaker's tag in a transcript: "Q", "A", "Mr Malone", "The Economist", "Jane Doe".
_SPEAKER_RE = re.compile(r"(?:Q|A|(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)?(?:The\s+)?[A-Z][\w’'.-]*"
                         r"(?:\s+[A-Z][\w’'.-]*){0,2})")


@dataclass(frozen=True, slots=True)
class Announcement:
    """A count the piece announces ("four reasons"): where, how many, and of what."""

    para: int
    offset: int
    count: int
    noun: str


class Layout:
    """One piece's blocks, seen as a reader sees them before looking for lists."""

    def __init__(self, blocks: list[Block], title: str | None) -> None:
        self.blocks = blocks
        self.title = title
        self.paras = [block.text for block in blocks]
        self.body_end = signoff_start(self.paras, notes_start(self.paras))
        self._words: dict[int, frozenset[str]] = {}
        # A label opening several paragraphs names a speaker ("Mr Malone:"), not a point.
        self.labels = [label_of(block) for block in blocks]
        self.label_uses = Counter(label for label in self.labels if label)
        self.sections = [i for i in range(self.body_end) if self.heading_like(i)]
        self.section_set = set(self.sections)
        self._conclusions = [i for i in range(self.body_end)
                             if cues.CONCLUSION_RE.match(self.paras[i])
                             or (i in self.section_set
                                 and cues.CONCLUSION_HEADING_RE.match(self.paras[i]))]
        self.announcements: list[Announcement] = []
        self.title_count = _title_count(title)
        self.title_people = title_people(title)
        # "Six economists answer", then a section under each one's name and role: every list
        # in it is a contributor's.
        # "Your Friday digest of what happened at the Statehouse": its subheadings are news.
        self.digest = any(_DIGEST_RE.search(text, 0, _KICKER_CHARS)
                          for text in (title or "", *self.paras[:3]))
        # The headline may stand as the first paragraph under a kicker ("THE FORUM |
        # SYMPOSIUM"), which may say so itself; a short second paragraph is its standfirst.
        first = self.paras[0] if self.paras and len(
            self.paras[0].split()) <= _HEADLINE_WORDS else ""
        self.headlines = tuple(text for text in (title or "", first) if text)
        self.standfirst = (self.paras[1] if len(self.paras) > 1
                           and len(self.paras[1].split()) <= _HEADLINE_WORDS * 2 else "")
        people = self.title_people or (title_people(first) if first else None)
        if title and "symposium" in title.lower():
            people = min(people or 3, 3)
        self.symposium = people is not None and sum(
            1 for i in self.sections if _CONTRIBUTOR_RE.match(self.paras[i])) >= people
        # Questions set as subheadings or bold lines, answered below: an interview or a Q&A,
        # whose lists are the answerer's.
        questions = [i for i in self.sections if self.paras[i].rstrip().endswith("?")]
        # "What is changing? / Why now? / What do I need to do? / What are people worried
        # about?": an explainer's sections; a list under one of them is reported.
        self.asked_lines = [i for i in range(self.body_end)
                            if self.paras[i].rstrip().endswith("?")
                            and len(self.paras[i].split()) <= _ASKED_LINE_WORDS]
        # "What has been agreed / What the Fund wants in return / How markets reacted / What
        # comes next": an explainer's sections, asked without question marks.
        self.wh_sections = [i for i in self.sections
                            if self.paras[i].split(" ", 1)[0] in _WH_WORDS]
        # A kicker that says the piece explains ("EXPLAINED", "Explainer:").
        self.explained = any(_EXPLAINER_KICKER_RE.match(text)
                             for text in (title or "", *self.paras[:3]))
        self.explainer = (len(self.wh_sections) >= _EXPLAINER_QUESTIONS
                          and len(self.wh_sections) * 3 >= len(self.sections) * 2) or (
            len(self.asked_lines) >= _EXPLAINER_QUESTIONS and len(
            self.asked_lines) * 3 >= len(set(self.sections) | set(self.asked_lines)) * 2) or (
            # A kicker that says so ("EXPLAINER", "Explained:") over question subheadings.
            bool(self.asked_lines) and self.explained)
        speakers = [label for label, uses in self.label_uses.items()
                    if uses >= 2 and _SPEAKER_RE.fullmatch(label)
                    and label.lower() not in _POINT_LABELS
                    and label.lower() not in _METADATA_LABELS]
        # A transcript: two speakers named again and again. Every list in it is someone's
        # answer, and the names are no points either.
        # "Q: How hot are classrooms? / A: Hotter than most parents realise.": a Q&A
        # printed as one, whatever its speakers are called.
        asked = sum(1 for p in self.paras if p.startswith(("Q:", "Q.", "Question:")))
        answered = sum(1 for p in self.paras if p.startswith(("A:", "A.", "Answer:")))
        # "Q1. ... Q2. ..." asked, then each candidate's "Q1. Yes. ... Q2. ...": answers keyed
        # by their questions' numbers.
        keyed = Counter(m[0] for m in map(_NUMBERED_QUESTION_RE.match, self.paras) if m)
        # A parliament's record of one member's speech, interjections and all ("Debate
        # resumed.", "I rise to speak on the bill"): the speech's points are the member's.
        speech = pagekind.parliament_record(title, self.paras)
        self.transcript = ((len(speakers) >= 2 and not speech)
                           or (asked >= 2 and answered >= 2)
                           or sum(1 for uses in keyed.values() if uses >= 2) >= 2)
        # A Q&A says so in its headline or standfirst, and asks its questions as subheadings
        # or as short paragraphs of their own.
        # Or as paragraphs a sentence long, each answered at length below it.
        self.interview = self.transcript or (
            ((len(questions) >= 2 and len(questions) * 2 >= len(self.sections))
             or len(self.asked_lines) >= _INTERVIEW_QUESTIONS
             or self._prompts() * 4 >= max(self.body_end, _INTERVIEW_QUESTIONS * 4))
            and bool(cues.INTERVIEW_RE.search(" ".join([title or "", *self.paras[:2]]))
                     # ("This interview has been edited for length" may close it instead.)
                     or pagekind.interview_note(self.paras)))
        body = self.paras[:self.body_end]
        self.fielded = pagekind.fielded(body)
        # "Read Rachel's analysis →" under each item: a digest of the week's work.
        self.linked_digest = pagekind.linked_digest(body)
        self.excerpts = pagekind.excerpts(body)
        self.obituary = pagekind.obituary(self.paras)
        self.title_noun = bool(title and _TITLE_NOUN_RE.search(title))
        self.rebuttal = bool(title and cues.REBUTTAL_RE.search(title))
        # "Five reasons ...", "Three myths ...": a headline that counts arguments, not things.
        self.title_argues = bool(title and _TITLE_ARGUES_RE.search(title))
        # "2. Minutes of the 2024 AGM ... 9. Any other business": the minutes of a meeting,
        # whose lists are its business, not one writer's points.
        self.minutes = (sum(1 for i in self.sections
                            if cues.AGENDA_ITEM_RE.match(self.paras[i])) >= _AGENDA_ITEMS
                        or any(_MINUTES_OPENING_RE.match(text) for text in self.paras[:2]))
        # "11 things to know before the night market returns": a guide, whatever it counts.
        self.title_guide = bool(title and _TITLE_GUIDE_RE.search(title))

    def heading_like(self, index: int) -> bool:
        """A subheading: marked up as one, a short bold line, or a short unpunctuated line
        of plain text followed by a paragraph."""
        block = self.blocks[index]
        text = block.text
        if block.kind is BlockKind.HEADING:
            return True
        if block.kind is not BlockKind.PARAGRAPH or len(text) > 120:
            return False
        words = word_count(text)
        if block.lead is not None and block.lead == text and words <= HEADING_WORDS:
            return True
        following = self.paras[index + 1] if index + 1 < len(self.paras) else ""
        unpunctuated = text[-1:] not in ".,;:!?…\"”’)"
        if not (words <= (HEADING_WORDS if unpunctuated else 10) and text[:1].isupper()
                and word_count(following) > 2 * words and word_count(following) >= 15):
            return False
        # Unpunctuated (a sentence always ends with a stop; "The plan has to be written by
        # the regions, not for them" is a crosshead), or a Title Case line closed by a full
        # stop ("The Economic Imperative for Ijebu State."), or an editor's crosshead
        # ("Tarnished credibility.").
        if unpunctuated:
            return True
        return text[-1] == "." and (title_case(text) or (
            words <= 3 and text.split()[0] not in _SENTENCE_OPENERS))

    def lead(self, index: int) -> str | None:
        """A label opening a paragraph: bold or italic words set off by punctuation
        ("**Cost.** The toll ...", "*Fairness*: the poorest ..."), or a few words and a colon
        ("Small sample size: one person ..."); not a note about the piece ("Disclosure:")."""
        label = self._lead(index)
        if label is not None and cues.NOTE_LABEL_RE.match(label):
            return None
        return label

    def _lead(self, index: int) -> str | None:
        block = self.blocks[index]
        text = block.text
        lead = block.lead
        if lead is not None and len(lead) < len(text):
            after = text[text.find(lead) + len(lead):].lstrip()[:1] if lead in text else ""
            # A whole sentence set in bold or italics may run longer than a heading.
            most = HEADING_WORDS + (_SENTENCE_LEAD_EXTRA if lead[-1] in ".?!" else 0)
            if word_count(lead) <= most and (lead[-1] in ".:?!—–-" or after in
                                             (":", ".", "—", "–", "-")):
                return lead
            return None
        caps = _CAPS_LABEL_RE.match(text) or _RUN_IN_LABEL_RE.match(text)
        if caps and word_count(caps.group(1)) <= 5 and not _courtesy_label(caps.group(1)):
            return caps.group(1)
        m = COLON_LABEL_RE.match(text)
        if (m and word_count(m.group(1)) <= 7 and not _COLON_LABEL_STOP_RE.match(text)
                and self.label_uses[m.group(1)] == 1):  # a repeated one names a speaker
            return m.group(1)
        return None

    def recurring_field(self, index: int) -> bool:
        """Whether block ``index`` opens with a label used again and again that names no
        point ("Why we love it:" under each product; not "Myth:", which sets out each one)."""
        label = self.labels[index]
        return (label is not None and self.label_uses[label] > 1
                and label.lower() not in _POINT_LABELS)

    def level(self, index: int) -> str:
        block = self.blocks[index]
        if block.kind is BlockKind.HEADING:
            return str(block.level)
        return "b" if block.lead is not None else "t"

    def _prompts(self) -> int:
        """Paragraphs of a sentence or two that ask, each followed by a longer one."""
        if sum(1 for text in self.paras[:self.body_end] if "?" in text) < _INTERVIEW_QUESTIONS:
            return 0
        return sum(1 for i in range(self.body_end - 1)
                   if "?" in self.paras[i] and len(self.paras[i].split()) <= _PROMPT_WORDS
                   and len(self.paras[i + 1].split()) > len(self.paras[i].split()))

    def find_announcements(self, limit: int) -> list[Announcement]:
        found: list[Announcement] = []
        for index in range(limit):
            text = self.paras[index]
            quotes = QuoteSpans(text)
            for m in announcements_in(text):
                head = text[max(0, m.start() - 12):m.start()]
                if ANNOUNCE_SUBSET_RE.search(head) or quotes.inside(m.start()):
                    continue
                raw = m["num"].lower()
                count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
                # "Posted November 4 | 7 comments": the page's counter, not a count of points.
                if raw.isdigit() and m["noun"].lower().startswith("comment") and (
                        text[m.end():m.end() + 2].strip()[:1] in ("", "|", "·", "•")):
                    continue
                if 2 <= count <= 30:
                    found.append(Announcement(index, m.start(), count, singular(m["noun"])))
            if "self to " in text or "selves to " in text:
                # "There are plenty of reasons to wait, but I will confine myself to three:":
                # the reasons counted, the noun left out.
                for m in _CONFINED_RE.finditer(text):
                    found.append(Announcement(index, m.start("num"), NUMBER_WORDS[m["num"]],
                                              "reason"))
        return found

    def announcement_before(self, para: int, offset: int) -> Announcement | None:
        """The count announced for a series starting here: the last one before it, if it is
        near (a count in the lead announces the piece's list, not a list in its tenth
        section)."""
        best = None
        for a in self.announcements:
            if (a.para, a.offset) < (para, offset):
                best = a
            else:
                break
        if best is not None and para - best.para > ANNOUNCE_REACH and not (
                best.para < 3 and para <= 2 * ANNOUNCE_REACH):
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
        if text.startswith("("):
            return turn - _ASIDE_PENALTY  # "(I should say, in fairness, ...)": an aside
        # "The bill also exempts every unit ...": a sentence that adds, opening its paragraph.
        end = text.find(".", 0, _ALSO_REACH)
        also = _ALSO_BONUS if " also " in text[:end if end >= 0 else _ALSO_REACH] else 0.0
        return cue + turn + also

    def conclusion_after(self, para: int) -> int | None:
        at = bisect.bisect_right(self._conclusions, para)
        return self._conclusions[at] if at < len(self._conclusions) else None

    def distance(self, one: int, other: int) -> int:
        """Paragraphs from ``one`` on to ``other``, a list's items counting as one paragraph:
        a timeline set out inside a point does not make the point longer to a reader."""
        return sum(1 for i in range(one + 1, other + 1)
                   if not (self.blocks[i].kind is self.blocks[i - 1].kind is BlockKind.ITEM
                           and self.blocks[i].list_id == self.blocks[i - 1].list_id))

    def intro(self, first: Candidate | Start) -> str:
        """The words leading into a list; its last few hundred characters are what matter."""
        if first.start > 0:
            intro = self.paras[first.para][:first.start]
        else:
            intro = self.paras[first.para - 1] if first.para > 0 else ""
        return intro[-_INTRO_CHARS:]

    def bare(self, index: int) -> bool:
        """Whether a subheading has no text of its own: the next block is the end or another
        subheading of its level or above (a subheading below it is its own text's start)."""
        after = index + 1
        if after >= self.body_end:
            return True
        if after not in self.section_set:
            return False
        here, there = self.blocks[index], self.blocks[after]
        if here.kind is BlockKind.HEADING and there.kind is BlockKind.HEADING:
            return there.level <= here.level
        return True


def _courtesy_label(label: str) -> bool:
    """A run-in "label" that is a courtesy or a short word, not a point ("Mr.", "Dr.")."""
    if label.split()[-1] in _COURTESIES:
        return True
    return " " not in label and len(label) <= 3


def announcements_in(text: str) -> list[re.Match[str]]:
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


# Headlines that count people count contributors, not points: "Six critics confess".
_CONFINED_RE = re.compile(r"\b(?:confine|limit|restrict)\s+(?:myself|ourselves)\s+to\s+"
                          r"(?P<num>two|three|four|five|six)\s*[:.,]")
_HEADLINE_WORDS = 16  # a first paragraph short enough to be the headline
_INTERVIEW_QUESTIONS = 3  # short question paragraphs that make a Q&A of a piece that says so
_PROMPT_WORDS = 30  # an interviewer's question, a paragraph of its own
_WH_WORDS = frozenset({"What", "How", "Why", "Who", "When", "Where", "Which"})
_KICKER_CHARS = 160  # where a piece says what it is ("Your Friday digest of ...")
_EXPLAINER_KICKER_RE = re.compile(r"(?:explainer|explained|q\s*&\s*a|faq)\b\W*(?:$|[:|—–-])",
                                  re.IGNORECASE)
_DIGEST_RE = re.compile(r"\b(?:digest|round-?up|week\s+in\s+review|what\s+happened|your\s+week\s+in"
                        r"|news\s+in\s+brief|the\s+week\s+that\s+was)\b", re.IGNORECASE)
_CONTRIBUTOR_RE = re.compile(r"[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3},\s+\S")
_TITLE_PEOPLE_RE = re.compile(
    r"(?<![\w.,-])(?P<num>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
    r"\s+(?:[A-Za-z’'-]+\s+)?(?:critics|writers|experts|readers|voices|people|economists"
    r"|leaders|women|men|thinkers|authors|columnists|contributors|students|teachers|doctors"
    r"|scientists|players|artists|musicians|parents|residents|historians|editors|reporters"
    r"|journalists|commentators|analysts|scholars|academics|judges|lawyers|founders)\b",
    re.IGNORECASE)


def title_people(title: str | None) -> int | None:
    """How many people a headline says speak in the piece ("Six critics confess")."""
    m = _TITLE_PEOPLE_RE.search(title or "")
    if m is None:
        return None
    raw = m["num"].lower()
    return int(raw) if raw.isdigit() else NUMBER_WORDS[raw]


def _title_count(title: str | None) -> int | None:
    """The count a headline gives ("Five reasons to ..."), if it gives one."""
    if not title or title_people(title) is not None:
        return None
    for m in announcements_in(title):
        raw = m["num"].lower()
        count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        if 2 <= count <= 30:
            return count
    # A headline counts anything it likes: "The three Hs", "7 habits of ...".
    counted = _TITLE_COUNT_RE.search(title)
    if counted:
        raw = counted["num"].lower()
        count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        return count if 2 <= count <= 30 else None
    return None


def title_case(text: str) -> bool:
    """Whether most words longer than three letters are capitalised, as in a headline."""
    long = [w for w in text.split() if len(w) > 3]
    return bool(long) and sum(w[0].isupper() for w in long) * 3 >= len(long) * 2


def label_of(block: Block) -> str | None:
    """The label opening a block ("Mr Malone:", "**Cost:**"), as a name to count."""
    if block.lead is not None and block.lead.rstrip().endswith(":"):
        return block.lead.rstrip().rstrip(":").strip()
    m = COLON_LABEL_RE.match(block.text)
    return m.group(1) if m else None


def last_sentence(text: str) -> str:
    """The last sentence of ``text`` (a lead-in's, where what it announces is said)."""
    stripped = text.rstrip()
    cut = max(stripped.rfind(". ", 0, len(stripped) - 1), stripped.rfind("? "),
              stripped.rfind("! "))
    return stripped[cut + 1:] if cut != -1 else stripped




def normalise(blocks: tuple[Block, ...]) -> list[Block]:
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
                # "3.2 In the first instance, ...", "3/11 First problem: ...": a submission's
                # or a thread's numbering is layout, as a list item's is; the words after it
                # are what a reader reads.
                text = _DECIMAL_PARAGRAPH.sub("", text, count=1)
                out.append(block if text == block.text else replace(block, text=text))
    return _unquote_statement(out)


# A release whose body is the issuer's own statement, quoted paragraph by paragraph as the
# convention has it (each opens with a quotation mark, only the last closes): the statement
# is the piece, its writer the organisation, so its quotation marks are layout.
_STATEMENT_INTRO = re.compile(
    r"\b(?:issued|released|made|following|this|a|its|the)\s+(?:joint\s+)?statement\b",
    re.IGNORECASE)
_STATEMENT_RUN = 3  # quoted paragraphs in a row before they read as a statement
# What only a press release carries: in an op-ed, "the minister issued a statement" followed by
# quoted paragraphs is someone else's list.
_RELEASE_LINE = re.compile(
    r"(?:for\s+immediate\s+release|(?:press|news|media)\s+release|media\s+(?:contact|enquiries"
    r"|inquiries)|notes?\s+to\s+editors|-\s*30\s*-|#{3}|ends)\s*[.:]?\s*$", re.IGNORECASE)


def _unquote_statement(blocks: list[Block]) -> list[Block]:
    if not any(_RELEASE_LINE.match(b.text) for b in blocks):
        return blocks
    opens = [b.kind is BlockKind.PARAGRAPH and b.text[:1] in "\"“" for b in blocks]
    index = 0
    while index < len(blocks):
        if not opens[index]:
            index += 1
            continue
        end = index
        while end < len(blocks) and opens[end]:
            end += 1
        if end - index >= _STATEMENT_RUN and any(
                _STATEMENT_INTRO.search(blocks[i].text) for i in range(max(0, index - 3), index)):
            for i in range(index, end):
                text = blocks[i].text[1:].rstrip()
                inner = text[:-1]
                # The closing mark goes only where it closes the opening one.
                if text[-1:] in "\"”" and inner.count("“") == inner.count("”") and \
                        inner.count('"') % 2 == 0:
                    text = inner
                blocks[i] = replace(blocks[i], text=text)
        index = end
    return blocks


