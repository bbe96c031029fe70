"""What kind of page a piece is, where that decides whether its lists can be points: a form
with recurring fields (a fact check), other papers' editorials gathered, an obituary, a match
report. Pure functions of the paragraphs; ``layout`` and ``evidence`` keep the answers."""

from __future__ import annotations

import re
from collections.abc import Sequence

_FIELD_RE = re.compile(r"([A-Z][\w’']*(?: [\w’']+){0,3}):\s")
_FIELD_CHARS = 40  # where a field's label ends with its colon
_FIELD_USES = 3  # a label that recurs this often is a field of a form
# "Myth: ... / Fact: ..." is the writer answering, not a form.
_REBUTTAL_FIELDS = frozenset({"myth", "fact", "the fact", "the facts", "reality", "the reality",
                              "truth", "the truth"})
_FROM_PAPER_RE = re.compile(r"From (?:the )?[A-Z][\w.’'&-]*(?:\s+[A-Z][\w.’'&-]*){0,5}\s*:$")
_OBITUARY_RE = re.compile(r"\b(?:is|was) survived by\b|\b(?:funeral|memorial) service\b"
                          r"|\bvisitation will be\b|\bin lieu of flowers\b")
# "[Laughs.]", "(pause)": a spoken answer's stage directions, printed.
_STAGE_DIRECTION_RE = re.compile(
    r"[\[(](?:[Ll]aughs|[Ll]aughter|[Pp]ause|[Ss]ighs|[Cc]huckles)\.?[\])]")
_LINK_LINE_CHARS = 80  # "Read the testimony →": a digest item's link, a line of its own
_LINK_LINES = 3
_RECORD_HEAD = 8  # paragraphs in which a parliament's record names the debate
_OBITUARY_TAIL = 5  # the last paragraphs, where an obituary gives its survivors and services
_INTERVIEW_NOTE_RE = re.compile(r"\b(?:interview|conversation|Q\s*&\s*A)\s+(?:has|have|was)\s+"
                                r"(?:been\s+)?(?:lightly\s+)?(?:edited|condensed)\b"
                                r"|\bedited\s+for\s+(?:length|brevity|space)\s+and\s+clarity\b",
                                re.IGNORECASE)
_MATCH_FACT_RE = re.compile(r"(?:[\w ]{0,40}[.:]\s+)?(?:Attendance|Referee|Line-?ups|Scorers"
                            r"|(?:Man|Player) of the match)\b\s*[:.]?", re.IGNORECASE)


def fielded(body: Sequence[str]) -> bool:
    """"Claim: ... / What we found: ... / Rating: ...", over and over: a form's fields (a fact
    check, a scorecard), two or more labels each recurring three times or more."""
    fields: dict[str, int] = {}
    for text in body:
        label = _FIELD_RE.match(text) if ":" in text[:_FIELD_CHARS] else None
        if label is not None:
            fields[label[1].lower()] = fields.get(label[1].lower(), 0) + 1
    return sum(1 for label, uses in fields.items()
               if uses >= _FIELD_USES and label not in _REBUTTAL_FIELDS) >= 2


def excerpts(body: Sequence[str]) -> bool:
    """"From the Wexbury Dispatch:" over each excerpt: other papers' editorials, gathered."""
    return sum(1 for text in body if text.endswith(":") and _FROM_PAPER_RE.match(text)) >= 2


def obituary(paras: Sequence[str]) -> bool:
    """"... is survived by two sons ... A funeral service will be held ...": an obituary, whose
    ordinals tell a life ("three long fights. The first was ...")."""
    # Substring tests first: sre tries the pattern at every position of a long paragraph.
    return any(("survived by" in text or " service" in text or "isitation" in text
                or "lieu of flowers" in text) and _OBITUARY_RE.search(text) is not None
               for text in paras[-_OBITUARY_TAIL:])


def match_report(paras: Sequence[str]) -> bool:
    """"Attendance: 48,112. Referee: ...", "Line-ups": a match report, whose numbered things
    from the game describe it."""
    return any(_MATCH_FACT_RE.match(text) for text in paras)


def parliament_record(title: str | None, paras: Sequence[str]) -> bool:
    """A parliament's record of a member's speech, interjections and all ("Debate resumed.",
    "I rise to speak on the bill"): the points are the member's, no interview's."""
    # Plain substring tests: this runs on every piece, most of them long.
    return any(text.startswith(("Debate resumed", "Second Reading")) or "Hansard" in text
               or "I rise to " in text or "I rise today to " in text
               for text in (title or "", *paras[:_RECORD_HEAD]))


def interview_note(paras: Sequence[str]) -> bool:
    """An interview's closing note ("This interview has been edited for length and clarity"),
    or the stage directions of a spoken answer ("[Laughs.]", "(pause)")."""
    return any(_INTERVIEW_NOTE_RE.search(text) for text in paras[-2:]) or any(
        _STAGE_DIRECTION_RE.search(text) for text in paras if "[" in text or "(" in text)


def linked_digest(body: Sequence[str]) -> bool:
    """A digest whose items each end with a link ("Read Rachel's analysis →", "Explore the
    map →"), three or more: the week's work of others, not one writer's points."""
    return sum(1 for text in body if len(text) <= _LINK_LINE_CHARS
               and (text.rstrip().endswith(("→", "»", "›"))
                    or text.startswith((">>", "→", "»")))) >= _LINK_LINES
