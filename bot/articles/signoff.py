"""Where a piece's body ends before what is not the writer's text: trailing notes (a "Notes"
heading, cited numbered lines) and a letter's or a newsletter's sign-off (a valediction, the
writer's name and town). Pure functions of the paragraphs, for ``layout``."""

from __future__ import annotations

import re

from bot.articles import cues

_SIGNATURE_WORDS = 14  # a signature line of names and titles after "Sincerely,"
_VALEDICTION_CHARS = 40  # "With best wishes,", "Talk soon,"
_INITIALS_RE = re.compile(r"\b[A-Z]\.(?:\s?[A-Z]\.)*\s")
_NAME_WORDS = frozenset({"de", "van", "von", "der", "la", "le", "and", "&", "of", "the"})


def notes_start(paras: list[str]) -> int:
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


_VALEDICTION_RE = re.compile(
    r"(?:(?:with\s+)?(?:best|kind|warm|warmest|all\s+good)\s+(?:wishes|regards)|(?:kind\s+)?regards"
    r"|yours(?:\s+(?:sincerely|faithfully|truly|ever))?|(?:very\s+)?sincerely(?:\s+yours)?"
    r"|best|cheers|thanks|many\s+thanks|in\s+solidarity|until\s+(?:next\s+(?:week|time)|then)"
    r"|take\s+care|love|onwards|more\s+soon|til\s+next\s+time"
    r"|talk\s+soon|speak\s+soon|see\s+you\s+next\s+\w+)\s*[,.!]?",
    re.IGNORECASE)


def signoff_start(paras: list[str], end: int) -> int:
    """Where a letter's sign-off begins (the writer's name and town, a dash and a name, a
    "write to us" line), else ``end``: it is neither argument nor conclusion."""
    # A newsletter signs off and then carries on with its links and sponsors ("Talk soon, /
    # Marisol / LINKS THIS WEEK ..."): a valediction over a short name ends the piece.
    for at in range(max(1, end // 2), end - 1):
        if len(paras[at]) > _VALEDICTION_CHARS or not _VALEDICTION_RE.fullmatch(paras[at].strip()):
            continue
        name = paras[at + 1].split()
        if (1 <= len(name) <= 3 and all(w[:1].isupper() for w in name)) or (
                # "The Board of the Larkfield Neighborhood Association, Jolene Marchetti,
                # President": a signature line of names and titles, no sentence.
                len(name) <= _SIGNATURE_WORDS and paras[at + 1][-1:] not in ".!?"
                and sum(w[:1].isupper() for w in name) * 3 > len(name) * 2):
            return at
    index = end
    floor = max(1, end - 4)
    while index > floor:
        text = paras[index - 1].strip()
        words = text.split()
        if "@" in text and len(words) <= 80:
            index -= 1
            continue
        if _VALEDICTION_RE.fullmatch(text):
            return index - 1  # "With best wishes,": the sign-off's first line
        if not words or len(words) > 6 or (text[-1] in ".!?\"”" and not _INITIALS_RE.search(text)):
            break
        if not all(w[:1].isupper() or w[:1] in "—–-(" or w.lower() in _NAME_WORDS
                   for w in words):
            break
        index -= 1
    return index
