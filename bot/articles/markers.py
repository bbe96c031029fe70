"""The vocabulary of enumeration: how writers announce a count and mark their arguments.

Everything here is a precompiled pattern or a small table, used by ``segment``. Matching is
deliberately case-sensitive on the first letter of a marker: an enumerating "Second," opens a
sentence, while narration ("a second term", "for the second time") sits inside one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# Marker values: an explicit position (1, 2, ...), or one of these relative positions.
NEXT: Final = -1  # "Next", "Another reason": one after the previous marker
LAST: Final = -2  # "Finally", "Lastly": closes the list

ORDINALS: Final[dict[str, int]] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}
NUMBER_WORDS: Final[dict[str, int]] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
# Nouns a writer counts arguments with. "thing" and "way" are left out of the marker nouns
# ("the first thing people notice") unless the piece announced them ("five things").
COUNT_NOUNS: Final = frozenset({
    "reason", "way", "thing", "lesson", "mistake", "problem", "point", "argument", "factor",
    "question", "myth", "ground", "cause", "flaw", "failure", "truth", "takeaway", "principle",
    "fact", "risk", "danger", "objection", "idea", "misconception", "consideration", "issue",
    "step", "sign", "rule", "worry", "concern", "benefit", "advantage", "error", "sin", "trap",
    "priority", "obstacle", "explanation", "difference", "lie", "fallacy", "weakness",
    "strength", "count", "caveat", "change", "demand", "test", "cost", "requirement",
    "condition", "precondition", "prerequisite", "stage", "phase", "policy", "measure",
    "solution", "proposal", "recommendation", "pillar", "option", "remedy", "fix", "harm",
    "downside", "drawback", "disadvantage", "consequence", "shortcoming", "failing",
    "element", "direction", "plank", "dimension", "aspect", "claim", "assumption", "excuse",
    "front", "task", "challenge", "imperative", "suggestion", "reform", "request", "observation",
    "thought", "area", "reply", "response", "part", "comment", "objective", "aim", "goal",
    "respect", "difficulty", "defect", "fault", "lever", "tool", "pledge", "assertion", "gap",
})
# Nouns that count arguments and nothing else; "things", "ways" or "steps" count anything.
ARGUMENT_NOUNS: Final = frozenset({
    "reason", "argument", "objection", "problem", "lesson", "mistake", "myth", "flaw",
    "failure", "fallacy", "concern", "worry", "error", "sin", "danger", "risk", "weakness",
    "misconception", "lie", "truth", "ground", "cause", "point", "priority", "demand",
    "takeaway", "caveat", "obstacle", "explanation", "issue", "question", "principle",
    "policy", "measure", "solution", "proposal", "recommendation", "remedy", "fix",
    "harm", "downside", "drawback", "disadvantage", "consequence", "shortcoming", "failing",
    "suggestion", "reform", "request", "observation", "thought", "reply", "response", "comment",
    "count", "respect", "difficulty", "defect", "fault", "gap",
})
# What someone sets out to do, counted when a piece reports it ("three objectives").
AIM_NOUNS: Final = frozenset({"objective", "aim", "goal"})
MARKER_NOUNS: Final = COUNT_NOUNS - {"thing", "way", "fact", "change", "test", "cost", "count",
                                      "requirement", "condition", "precondition",
                                      "prerequisite", "stage", "phase",
                                      "sign", "idea", "question", "truth", "step", "rule",
                                      "part", "objective", "aim", "goal"}


# Nouns that follow an ordinal in narration, never in a count of one's points ("the first
# time", "a second term", "the next day").
_NARRATION_NOUNS = (
    "time times day days year years week weeks month months night nights morning evening"
    " round half quarter term place person people man woman men women world hand floor one"
    " ones of in to and is was are be that this it thing way ever family child son daughter"
    " wife husband game match season episode chapter page book film act scene lady minister"
    " amendment century decade generation wave stage phase step steps part parts half-hour"
    " hour hours minute minutes line row seat glance sight speaker speakers caller witness"
    " visitor customer patient guest")
FREE_NOUN_STOPWORDS: Final = frozenset(_NARRATION_NOUNS.split())
_BARE_ORDINAL_VERBS: Final = frozenset({"is", "concerns", "involves", "was"})


def singular(noun: str) -> str:
    noun = noun.lower()
    if noun.endswith("ies") and len(noun) > 4:  # "priorities", not "lies"
        return noun[:-3] + "y"
    if noun.endswith(("sses", "xes")):
        return noun[:-2]
    if noun.endswith("es") and noun[:-2].endswith(("ch", "sh", "x")):
        return noun[:-2]  # "fixes", "approaches"
    return noun[:-1] if noun.endswith("s") else noun


_ORD_ALT = "|".join(ORDINALS)
_ORD_CAP = "|".join(word.capitalize() for word in ORDINALS)
_NUM_ALT = "|".join(NUMBER_WORDS)


def _plural(noun: str) -> str:
    """The plural of a counting noun ("weakness" -> "weaknesses", "priority" -> "priorities");
    :func:`singular` reads them back."""
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


_PLURALS = "|".join(sorted({_plural(n) for n in COUNT_NOUNS} | {"mistakes", "lies"}))

# "There are four reasons", "for three reasons", "5 things", "two hard lessons".
ANNOUNCE_RE: Final = re.compile(
    rf"(?<![\w.,-])(?P<num>{_NUM_ALT}|\d{{1,2}})\s+"
    # "Three of its pledges in particular cannot all be kept": the ones the piece takes up.
    r"(?:of\s+(?:its|their|his|her|our|the\s+(?:party|government|council|plan|bill)[’']s)\s+)?"
    rf"(?:(?!of\b|and\b|the\b|in\b|or\b|years?\b)[A-Za-z’'-]+\s+){{0,2}}?"
    rf"(?P<noun>{_PLURALS})\b"
    # "eight points ahead": a poll's lead, not a count of the writer's points.
    r"(?!\s+(?:ahead|behind|clear|higher|lower|down|up|lead|swing)\b)",
    re.IGNORECASE,
)
# "for a couple of reasons", "several problems": a list announced without its count.
_VAGUE_NOUNS: Final = (
    "reasons|problems|objections|arguments|concerns|flaws|lessons|mistakes|myths|issues|points"
    "|questions|grounds|worries|failures|fallacies|misconceptions|ideas|priorities|truths"
    "|takeaways|negatives|harms|downsides|drawbacks|disadvantages|benefits|advantages"
    "|consequences|shortcomings|failings|dangers|risks|costs|explanations|obstacles")
VAGUE_ANNOUNCE_RE: Final = re.compile(
    r"\b(?:a\s+couple(?:\s+of)?|a\s+few|several|a\s+number\s+of|multiple|various|many"
    r"|a\s+(?:range|host|variety|handful|series)\s+of|numerous|countless|plenty\s+of"
    r"|(?:here\s+are|there\s+are|consider|with)\s+(?:some|these)|a\s+lot\s+of|lots\s+of)\s+"
    rf"(?:[a-z’'-]+\s+)?(?P<noun>{_VAGUE_NOUNS})\b",
    re.IGNORECASE)
_VAGUE_NOUN_LIST: Final = tuple(_VAGUE_NOUNS.split("|"))
_VAGUE_REACH: Final = 60  # characters before the noun where "a couple of", "several" stand


def vague_nouns(text: str) -> set[str]:
    """The nouns ``text`` announces without a count ("several practical questions" ->
    "question"). Each noun is found first with ``str.find``, and only the words just before
    it are matched: the full pattern is slow on a long paragraph."""
    found: set[str] = set()
    low = text.lower()
    for noun in _VAGUE_NOUN_LIST:
        at = low.find(noun)
        while at >= 0:
            end = at + len(noun)
            announced = VAGUE_ANNOUNCE_RE.search(text, max(0, at - _VAGUE_REACH), end)
            if announced is not None and announced.end() == end and not text[end:end + 1].isalpha():
                found.add(singular(noun))
            at = low.find(noun, end)
    return found
# "the first two reasons" counts a subset, not the piece's arguments.
ANNOUNCE_SUBSET_RE: Final = re.compile(r"\b(?:first|last|next|previous|other|these|those)\s*$",
                                       re.IGNORECASE)

# Ordinal markers, tried at the start of a paragraph or of a sentence.
_ORD_MARKER = re.compile(
    r"(?:And\s+)?(?:"
    rf"(?P<adv>(?:{_ORD_CAP})ly)(?:\s+and\s+(?:finally|lastly))?\b"
    r"|(?P<first>First of all|First and foremost|First off|First things first|For starters"
    r"|For a start|To begin with|To start with|To (?:start|begin)(?=,)|For one thing"
    r"|In the first (?:place|instance)"
    r"|For one(?=,))\b"
    # "Start with trade.", "Take the families first.": a first point opened by an
    # imperative; only at a paragraph's start (inside one it is an instruction).
    r"|(?P<opener>(?:Let(?:[’']s|\s+us|\s+me)\s+)?(?:[Ss]tart|[Bb]egin)\s+with|Consider(?!,?\s+(?:too|also)\b)"
    r"|The\s+list\s+(?:begins|starts|opens)\s+with|First\s+up"
    # "The trouble starts with travel times.": the first of the faults, where they begin.
    r"|The\s+(?:trouble|problems?|case|rot|damage)\s+(?:starts|begins)\s+with"
    # "The obvious objection is that ... A subtler one is ...": the first of graded points.
    r"|The\s+(?:most\s+)?obvious\s+(?:objection|problem|flaw|difficulty|weakness|risk)"
    r"(?=\s+(?:is|here|to))"
    r"|Take\s+(?:[\w’'-]+\s+){1,4}?first"
    # "Take the loading bays. The drawings remove ...": the first case, named and argued.
    r"|Take\s+(?:the|our|my|this)\s+(?:[\w’'-]+\s+){0,9}[\w’'-]+(?=\s*[.:]))\b"
    rf"|In the (?P<place>{_ORD_ALT}) place\b"
    rf"|(?P<bare>{_ORD_CAP})(?=\s*[,:;—–])"
    # "First has to be the promise of speed ... Second is the fate of the local plans".
    rf"|(?P<inverted>{_ORD_CAP})(?=\s+(?:is|has\s+to\s+be|must\s+be|comes)\s+(?:the|a|an|our|its|their)\b)"
    # "3rd, and this is the one that matters": a forum writer's ordinal in figures.
    r"|(?P<figure>1st|2nd|3rd|[4-9]th|10th)(?=\s*[,:;—–])"
    # "Reason number one is the money": a speaker counting aloud.
    r"|(?:Reason|Point|Problem|Lesson|Objection)\s+number\s+(?P<spoken>one|two|three|four|five"
    r"|six|seven)\b"
    # "First problem: it takes the decision away ...", "Second thing: the court ...".
    rf"|(?P<ordnoun>{_ORD_CAP})\s+(?P<on>[a-z]+)(?=\s*[:—–]|\s+-\s)"
    rf"|And\s+(?P<andbare>{_ORD_ALT})(?=\s*[,:;—–])"
    r"|(?:And\s+)?(?:[Nn]umber\s+)?(?P<numword>One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten"
    r"|one|two|three|four|five|six|seven|eight|nine|ten)(?=\s*[,:;—–]\s*(?:and\s+)?[A-Za-z“\"‘'])"
    r"|(?P<final>Finally|Last|And,?\s+finally|And\s+last)(?=\s*[,:;—–])"
    r"|(?P<final2>Lastly|(?:The\s+)?[Ll]ast but (?:not|by no means) (?:the )?least|Last of all"
    r"|And\s+lastly|And\s+last\s+of\s+all"
    r"|And\s+last\s+but\s+not\s+least)\b"
    r"|(?P<next>Next|For another)(?=\s*[,:;—–])"
    r"|(?P<det>(?<=And\s)(?:the|a|my|our)|The|A|An|My|Our|One|His|Her|Their|Its)\s+(?:[\w-]+[’']s\s+)?(?:very\s+)?"
    rf"(?P<ord>{_ORD_ALT}|final|last|next|other|further|more|additional)"
    r"(?P<also>\s+and\s+(?:final|last|(?:perhaps\s+)?most\s+[a-z]+|biggest|best|greatest"
    r"|gravest|worst|[a-z]{3,}iest|[a-z]{3,}est))?"
    r"\s+(?P<w1>[a-z]+)(?:,?\s+(?P<w2>[a-z]+))?"
    rf"|(?P<theord>(?:And\s+t|T)he\s+(?:{_ORD_ALT}|final|last|other))"
    r"(?=\s+(?:is|concerns|involves|has\s+to\s+do\s+with)\b"
    r"|\s*,\s+(?:and|which|though|perhaps)\s+[^,.]{1,50},\s+(?:is|concerns|involves"
    r"|has\s+to\s+do\s+with|[a-z]+\s+is)\b)"
    r"|(?P<anotheris>(?:(?:And|Yet|Still)\s+)?[Aa]nother"
    # "A subtler one is what the rule does to property": one more, graded against the first.
    r"|A\s+(?:subtler|bigger|deeper|graver|more\s+serious|more\s+important)\s+one)"
    r"(?=\s+(?:is|was|concerns|has\s+to\s+do)\b)"
    # "One is the price. ... The other is the lease.": the first of points counted before.
    r"|(?P<oneis>One)(?=\s+(?:is|concerns|involves)\s+(?:the|that|a|an|its|our|their|how|what)\b)"
    r"|(?P<another>(?:(?:Yet|Still)\s+[Aa]nother|Another)"
    r"|(?:(?:But|And|Yet)\s+)?[Tt]here(?:[’']s|\s+is)\s+(?:also\s+)?(?:one\s+more|another))"
    r"\s+(?P<a1>[a-z]+)(?:,?\s+(?P<a2>[a-z]+))?"
    r"|(?:(?:And|But|Yet)\s+)?(?:[Tt]hen\s+)?[Tt]here(?:[’']s|\s+is|\s+was)\s+(?:also\s+)?(?:a|the)\s+"
    rf"(?P<tord>{_ORD_ALT}|final|last)\s+(?P<t1>[a-z]+)(?:,?\s+(?P<t2>[a-z]+))?"
    r"|(?P<one>One)\s+(?P<o1>[a-z]+)(?:,?\s+(?P<o2>[a-z]+))?"
    r")"
)

# The first two letters of every ordinal marker: a cheap test before the full pattern.
_OPENINGS: Final = frozenset({"An", "A ", "Fi", "Se", "Th", "Fo", "Si", "Ei", "Ni", "Te", "To",
                              "Bu", "Ye", "Tw", "Nu", "Le", "Be", "Ta", "Co",
                              "In", "La", "Ne", "My", "Ou", "On", "Hi", "He", "It", "St",
                              "Re", "Po", "Pr", "Ob",
                              "1s", "2n", "3r", "4t", "5t", "6t", "7t", "8t", "9t", "10"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible argument marker: where it is, what it says, which list it could belong to."""

    para: int
    start: int  # offset of the marker in its paragraph
    end: int  # offset where the marker (with its punctuation) ends
    marker: str
    # "ord" for words; "num." / "num)" / "(num)" / "#num" / "label:..." / "roman" / "bullet"
    kind: str
    value: int  # explicit position, or NEXT / LAST
    explicit: bool  # an ordinal word or numeral, as opposed to "One reason" / "Another reason"
    noun: bool = False  # a noun phrase marker ("The third reason"), for titles
    counted: str | None = None  # that phrase's noun, singular ("reason")

    @property
    def at_start(self) -> bool:
        return self.start == 0


_PREDICATE_REACH = 90  # characters in which "... is the third" must begin
_COUNTED_AFTER_REACH = 400  # ... and "That's the second reason" after the point is told


def _noun_of(w1: str | None, w2: str | None, nouns: frozenset[str]) -> str | None:
    """Which of the next one or two words is a counting noun ("a second, bigger problem")."""
    if w1 and singular(w1) in nouns:
        return "w1"
    if w2 and singular(w2) in nouns:
        return "w2"
    return None


def _position(word: str) -> tuple[int, bool]:
    """The position an ordinal word gives ("third" is 3), or LAST for "final" / "last" and NEXT
    for "next" / "another", which say where the point stands only relative to the others;
    with whether the position is explicit."""
    if word in ORDINALS:
        return ORDINALS[word], True
    return (LAST if word in ("final", "last") else NEXT), False


# "First, some context.", "First, a word about where I stand": a preamble, not a point.
_PREAMBLE_RE: Final = re.compile(
    r"[,:]?\s*(?:some\s+|a\s+(?:bit|little|note|word)\s+(?:of\s+)?)?(?:context|background"
    r"|history|housekeeping|disclosure)\b[.:]|[,:]?\s*a\s+word\s+(?:about|on)\b")


def ordinal_at(text: str, pos: int, para: int, nouns: frozenset[str]) -> Candidate | None:
    """An ordinal marker beginning exactly at ``pos``, or None."""
    m = _ORD_MARKER.match(text, pos)
    if m is None:
        return None
    groups = m.groupdict()
    end = m.end()
    noun = False
    explicit = True
    counted: str | None = None
    if groups["adv"]:
        value = ORDINALS[groups["adv"][:-2].lower()]
    elif groups["first"]:
        value = 1
    elif groups["opener"]:
        if pos != 0:
            return None
        value = 1
    elif groups["place"]:
        value = ORDINALS[groups["place"]]
    elif groups["numword"]:
        # "One, the bill ignores ... Two, it chills ...": numbers as words, counting points.
        word = groups["numword"].lower()
        value = 1 if word == "one" else NUMBER_WORDS[word]
        if m.start("numword") == pos and groups["numword"][0].islower():
            return None  # a lower-case "two, ..." opening a sentence is a typo, not a marker
    elif groups["figure"]:
        value = int(groups["figure"][:-2])
    elif groups["spoken"]:
        value = 1 if groups["spoken"] == "one" else NUMBER_WORDS[groups["spoken"]]
    elif groups["bare"] or groups["andbare"] or groups["inverted"]:
        value = ORDINALS[(groups["bare"] or groups["andbare"] or groups["inverted"]).lower()]
        if value == 1 and _PREAMBLE_RE.match(text, end):
            return None  # "First, some context.": what comes before the points
    elif groups["ordnoun"]:
        value, noun = ORDINALS[groups["ordnoun"].lower()], True
        # "Second thing - ...": a label; "thing" counts nothing the piece must announce.
        counted = (singular(groups["on"]) if singular(groups["on"]) in nouns
                   and singular(groups["on"]) not in ("thing", "way") else None)
    elif groups["final"] or groups["final2"]:
        value, explicit = LAST, False
    elif groups["next"]:
        value, explicit = NEXT, False
    elif groups["oneis"]:
        value, explicit, noun = 1, False, True
    elif groups["anotheris"]:
        # "Another is that the savings are small": the noun is the one counted before it.
        value, explicit, noun = NEXT, False, True
    elif groups["det"]:
        if groups["w1"] in NUMBER_WORDS:
            return None  # "The first two installments were spent ...": a count, no marker
        which = _noun_of(groups["w1"], groups["w2"], nouns)
        the = groups["det"].lower() == "the"
        # ("A third is that the trial told us little": the point itself, counted on; not "a
        # second is all it takes".)
        counted_on = (groups["det"] == "A" and groups["ord"] in ORDINALS
                      and ORDINALS[groups["ord"]] >= 3 and groups["w1"] == "is")
        if which is None and ((the and groups["w1"] in _BARE_ORDINAL_VERBS) or counted_on or (
                groups["w1"] == "one" and text.startswith((":", ","), m.end("w1")))):
            # "The second is to reverse ...", "The last one: print is not dead": the
            # ordinal stands for the point itself.
            which, counted = "ord", None
        advice = (_PIECE_OF_RE.match(text, m.end("w1"))
                  if which is None and groups["w1"] == "piece" else None)
        if advice is not None:
            # "My first piece of advice is to ...": a counsel counted, the speech's points.
            value, explicit = _position(groups["ord"])
            return Candidate(para, pos, advice.end(), text[pos:advice.end()], "ord", value,
                             explicit, True, None)
        partitive = (_PARTITIVE_RE.match(text, m.end("w1"))
                     if which is None and groups["w1"] == "of" else None)
        if partitive is not None and partitive["count"] and singular(
                partitive["noun"]) not in nouns:
            return None  # "The first of the three ferries left": things counted, not points
        if partitive is not None:
            # "The first of these systems to make landfall ...": the noun after "of these".
            which = "partitive"
        elif which is None:
            # "The first straw ... The next straw": any noun, which the reader keeps only
            # when the piece counts with it more than once.
            if groups["w1"] in FREE_NOUN_STOPWORDS or not groups["w1"].isalpha():
                return None
            which = "w1"
        noun = True
        if partitive is not None:
            end, counted = partitive.end(), singular(partitive["noun"])
        else:
            end = m.end(which)
            counted = None if which == "ord" else singular(groups[which])
        value, explicit = _position(groups["ord"])
        if groups["ord"] == "other" and the and counted in ARGUMENT_NOUNS:
            value, explicit = 2, True  # "The other reason is safety": the second of two
        if (groups["ord"] == "next" and pos > 0 and counted is not None
                and not _NEXT_NAMES_RE.match(text, end)):
            # "... The next proposal, whether it is a highway or a rule, may be noticed by
            # fewer people": the one still to come, not the writer's next point.
            return None
    elif groups["theord"]:
        value, explicit = _position(groups["theord"].split()[-1])
        noun = True
    elif groups["tord"] or groups["another"]:
        # "the third big reason", "another reason": the counting noun is one of the next two
        # words.
        first, second = ("t1", "t2") if groups["tord"] else ("a1", "a2")
        which = _noun_of(groups[first], groups[second], nouns)
        if which is None:
            return None
        group = first if which == "w1" else second
        end = m.end(group)
        word = groups["tord"]
        if not word:
            value, explicit = NEXT, False
        else:
            value, explicit = (ORDINALS[word], True) if word in ORDINALS else (LAST, False)
        noun, counted = True, singular(groups[group])
    else:  # "One reason"
        which = _noun_of(groups["o1"], groups["o2"], nouns)
        if which is None:
            return None
        group = "o1" if which == "w1" else "o2"
        end = m.end(group)
        value, explicit, noun, counted = 1, False, True, singular(groups[group])
    return Candidate(para, pos, end, text[pos:end], "ord", value, explicit, noun, counted)


_PIECE_OF_RE: Final = re.compile(r"\s+of\s+(?:advice|counsel|wisdom)\b")
# "of these systems", "of the four reasons": the noun a partitive ordinal counts.
_PARTITIVE_RE: Final = re.compile(r"\s+(?:these|those|the|our|my)\s+(?P<count>(?:two|three|four"
                                  r"|five|six|seven|eight|nine|ten)\s+)?(?P<noun>[a-z]+s)\b")
# What follows "the next problem" inside a paragraph when it names the writer's next point.
_NEXT_NAMES_RE: Final = re.compile(r"\s+(?:is|was|has\s+to\s+do|lies|concerns)\b|\s*[:—–]")
# "The cost of renting is the third.", "Training is the other gap.": a point that names its
# subject first and counts it in the predicate.
_PREDICATE_ORDINAL = re.compile(
    r"[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,6}?\s+(?:is|was)\s+the\s+"
    r"(?:(?P<ord>second|third|fourth|fifth|sixth|other|last|final)(?:\s+(?P<noun>[a-z]+))?"
    # "Inflexibility is the failing that ...": the counted noun alone, kept only where the
    # piece counts with it ("three failings").
    r"|(?P<bare>[a-z]+)(?=\s+(?:that|nobody|no\s+one|I|we)\b))"
    r"(?=\s*[.,;:—–]|\s+(?:that|which|one|nobody|no\s+one|I|we|reason|problem)\b)")


# "This is the question I wish ...", "So here is the question I want to leave with you".
_POINTING_BACK: Final = frozenset({"this", "that", "it", "here", "there", "which", "what"})
# "Marion has been our director for nine years ... That's the second reason, and ...": the
# point told first, then counted in a sentence of its own.
_COUNTED_AFTER = re.compile(
    rf"(?<=[.!?]\s)(?:That|This)(?:[’']s|\s+is)\s+the\s+(?P<ord>{_ORD_ALT})\s+(?P<noun>reason"
    r"|point|problem|thing|issue|concern|objection|lesson)\b")


def predicate_ordinal(text: str, para: int, nouns: frozenset[str]) -> Candidate | None:
    """A paragraph whose first sentence counts its subject in the predicate, or None."""
    m = _PREDICATE_ORDINAL.match(text) if " the " in text[:_PREDICATE_REACH] else None
    if m is None:
        head = text[:_COUNTED_AFTER_REACH]
        after = (_COUNTED_AFTER.search(head) if "s the " in head and (
            "That" in head or "This" in head) else None)
        if after is None:
            return None
        return Candidate(para, 0, 0, "", "ord", ORDINALS[after["ord"]], True, True,
                         singular(after["noun"]) if after["noun"] in ("reason", "point") else None)
    if m["bare"] is not None:
        bare = singular(m["bare"])
        # "This is the question I wish we were asking": a pronoun points back, it names no
        # subject to count.
        subject = text[:m.start("bare")].split()[:-2]  # the words before "is the"
        if bare not in nouns or (subject and subject[-1].lower() in _POINTING_BACK):
            return None
        return Candidate(para, 0, 0, "", "ord", NEXT, False, True, bare)
    # ("Training is the other gap." after "One reason is ...": the other of two, whatever
    # it is called.)
    noun = m["noun"] if m["noun"] and singular(m["noun"]) in nouns and m["ord"] != "other" else None
    value, explicit = _position(m["ord"]) if m["ord"] in ORDINALS or m["ord"] in (
        "last", "final") else (NEXT, False)
    return Candidate(para, 0, 0, "", "ord", value, explicit, True,
                     singular(noun) if noun else None)


class QuoteSpans:
    """Which offsets of a text sit inside a quotation, answered in order in linear time.

    Curly quotes nest by count; straight double quotes toggle. Asked about increasing
    offsets, it scans the text once, however many offsets are asked about.
    """

    __slots__ = ("_depth", "_pos", "_straight", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._depth = 0
        self._straight = False

    def inside(self, pos: int) -> bool:
        if pos < self._pos:  # asked out of order: start again (never in the splitter)
            self._pos, self._depth, self._straight = 0, 0, False
        text = self._text
        for index in range(self._pos, pos):
            char = text[index]
            if char == "“":
                self._depth += 1
            elif char == "”":
                self._depth = max(0, self._depth - 1)
            elif char == '"':
                self._straight = not self._straight
        self._pos = max(self._pos, pos)
        return self._depth > 0 or self._straight


def in_quote(text: str, pos: int) -> bool:
    """Whether ``pos`` sits inside a quotation opened earlier in the text."""
    return QuoteSpans(text).inside(pos)


def ordinal_candidates(text: str, para: int, nouns: frozenset[str]) -> list[Candidate]:
    """Ordinal markers opening the paragraph or one of its sentences, or following a colon
    ("two objections: First, ..."; "for two reasons: first, because ... and second, ..."),
    outside quotations."""
    found: list[Candidate] = []
    if text[:2] in _OPENINGS:
        cand = ordinal_at(text, 0, para, nouns)
        if cand is not None:
            found.append(cand)
    # Each kind of gap is looked for only where its first character is: sre tries a pattern
    # at every position, and most paragraphs hold no dash and no lower-case ordinal.
    gaps: list[tuple[int, bool]] = [(m.end(), False) for m in _SENTENCE_GAP_RE.finditer(text)]
    if "—" in text or "–" in text:
        gaps += [(m.end(), False) for m in _DASH_GAP_RE.finditer(text)]
    if any(word in text for word in _LOWER_HINTS):
        gaps += [(pos, True) for pos in _lower_ordinal_positions(text)]
    if not gaps:
        return found
    gaps.sort()
    quotes = QuoteSpans(text)
    for pos, lower in gaps:
        # Inside the marker before it ("Thirdly and finally,"), or just after it ("Third,
        # and finally,"): one marker, not two.
        if found and (pos < found[-1].end or text[found[-1].end:pos].strip(" ,") == "and"):
            continue
        if lower:
            cand = _lower_ordinal_at(text, pos, para)
        elif text[pos:pos + 2] in _OPENINGS:
            cand = ordinal_at(text, pos, para, nouns)
        else:
            continue
        if cand is not None and not quotes.inside(pos):
            found.append(cand)
    return found


def _lower_ordinal_positions(text: str) -> list[int]:
    """Where a lower-case ordinal with its comma follows a colon, a semicolon or "and"
    ("reasons: first, ...", "... and second, ..."), or where ", first of all," sits.

    Found from each occurrence of the words, which are rare, rather than by a pattern tried
    at every position."""
    found: list[int] = []
    for word in _LOWER_HINTS:
        pos = text.find(word)
        while pos != -1:
            end = pos + len(word)
            if text.startswith("ly", end):
                end += 2
            if text.startswith(" of all", end) and word == "first":
                end += 7
                if text[end:end + 1] == "," and text[max(0, pos - 2):pos] == ", ":
                    found.append(pos)
            elif text[end:end + 1] == "," and _LOWER_LEAD_RE.search(text, max(0, pos - 6), pos):
                found.append(pos)
            pos = text.find(word, pos + 1)
    return found


def _lower_ordinal_at(text: str, pos: int, para: int) -> Candidate | None:
    m = _LOWER_ORDINAL_RE.match(text, pos)
    if m is None:
        return None
    word = m.group("word").lower()
    if word == "first of all":
        word = "first"
        head = text[:pos]
        if len(head) < 100 and not any(mark in head for mark in ".!?:;"):
            # "To run a business, first of all, you must ...": the point is the sentence.
            return Candidate(para, 0, 0, "", "ord", 1, True)
    value = ORDINALS.get(word.removesuffix("ly"), LAST if word in ("finally", "lastly") else 0)
    if not value:
        return None
    return Candidate(para, pos, m.end("word"), text[pos:m.end("word")], "ord", value,
                     value != LAST)


# A sentence may begin after a full stop, a colon or a semicolon; after a colon, a semicolon
# or ", and" a lower-case bare ordinal with its comma opens an item too.
# A sentence start where a marker could open: the look-ahead names every word a marker can
# begin with, so the pattern (run in C) skips the thousands of sentences that start otherwise.
_ORDINAL_WORDS = (r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|final|last"
                  r"|next|other|further|more|additional)")
_MARKER_START = (
    r"(?=(?:(?:And|But|Yet|Still|Then),?\s+(?:then\s+|also\s+)?)?(?:First|Second|Third|Fourth"
    r"|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Finally|Last|Next|For\s+(?:starters|a\s+start"
    r"|one|another)|To\s+(?:begin|start)|In\s+the\s+\w+\s+place"
    rf"|(?:The|A|An|My|Our|His|Her|Their|Its)\s+(?:very\s+)?{_ORDINAL_WORDS}"
    r"|Another|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Number|[Tt]here|first|second"
    r"|third|fourth|fifth|finally|lastly|last|next|one|another))")
_SENTENCE_GAP_RE: Final = re.compile(r"[.!?:;][\"”’)]*\s+" + _MARKER_START)
_DASH_GAP_RE: Final = re.compile(r"\s[—–]\s+" + _MARKER_START)
_LOWER_LEAD_RE: Final = re.compile(r"(?:[:;]\s+|\sand\s+)$")
# Substring tests are several times cheaper than a search for the same words.
_LOWER_HINTS: Final = ("first", "second", "third", "fourth", "fifth", "sixth", "finally",
                       "lastly")
_LOWER_ORDINAL_RE: Final = re.compile(
    rf"(?P<word>first of all|(?:{_ORD_ALT})(?:ly)?|finally|lastly)(?=\s*,)")
