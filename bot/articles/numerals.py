"""Numerals, letters and bullets as markers: a list's numbers opening paragraphs ("1.",
"(2)", "(iii)", "Reason #3:", "IV."), numbers run together inside one paragraph ("(1) ... (2)
..."), and numbered grounds that open sentences inside a paragraph. Ordinal words and
phrases are in ``markers``."""

from __future__ import annotations

import re
from typing import Final

from bot.articles.markers import NEXT, NUMBER_WORDS, Candidate, QuoteSpans

__all__ = ["inline_numbers", "list_marker_at_start", "paren_numbers_inside"]

_ONE_TO_TEN: Final[dict[str, int]] = {"one": 1, **{k: v for k, v in NUMBER_WORDS.items()
                                                   if v <= 10}}
_ROMAN: Final[dict[str, int]] = {
    "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
}

# Numbered or bulleted paragraph openings.
_NUM_MARKER = re.compile(
    r"(?P<m>(?P<n>\d{1,2})(?:(?P<p>[.):])|\s*(?P<dash>[—–-])))(?=\s+[^\d\s])")
# "1️⃣ They treat a system as a villain.": a social post's keycap numbers.
_KEYCAP_MARKER = re.compile(r"(?P<m>(?P<n>[1-9])\ufe0f?\u20e3)(?=\s*\S)")
_PAREN_MARKER = re.compile(r"(?P<m>\((?P<n>\d{1,2})\))(?=\s+\S)")
_LETTER_MARKER = re.compile(r"(?P<m>\((?P<n>[a-h])\))(?=\s+\S)")
_HASH_MARKER = re.compile(r"(?P<m>#(?P<n>\d{1,2})[.:)]?)(?=\s+\S)")
_LABEL_MARKER = re.compile(
    r"(?P<m>(?P<label>Reason|Point|Lesson|Mistake|Argument|Problem|Myth|Objection|Step|Rule"
    r"|Message|Demand|Proposal|Recommendation|Priority|Concern|Complaint|Criticism|Claim"
    r"|Flaw|Failure|Fallacy|Fix|Worry|Risk|Grievance|Error"
    r"|Number|No\.)\s*(?:No\.\s*)?(?P<hash>#)?\s*"
    r"(?P<n>\d{1,2}|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten"
    r"|one|two|three|four|five|six|seven|eight|nine|ten)\b\s*[:.)—–,-]?)(?=\s|$)"
)
_ROMAN_MARKER = re.compile(r"(?P<m>(?P<n>X|IX|IV|V?I{1,3}|V)\.)(?=\s+\S)")
_PAREN_ROMAN_MARKER = re.compile(r"(?P<m>\((?P<n>x|ix|iv|v?i{1,3}|v)\))(?=\s+\S)")
# Social posts bullet with arrows, pointers and ticks ("→ Your calendar is not yours anymore.").
_BULLET_MARKER = re.compile(r"(?P<m>[•●▪◦‣∙*-]|::|→|➡️?|►|▶️?|➤|👉|✅|✔️?|✓)(?=\s+\S)")


# "... in the 1970s. (2) The developer's own statement ...": a numbered ground that begins a
# sentence inside a paragraph, in a letter whose grounds run on.
_PAREN_MID = re.compile(r"(?<=[.!?]\s)(?P<m>\((?P<n>\d{1,2})\))(?=\s+[A-Z])")


def paren_numbers_inside(text: str, para: int) -> list[Candidate]:
    """"(2)", "(4)" opening sentences inside a paragraph (not its first sentence)."""
    if "(" not in text:
        return []
    return [Candidate(para, m.start(), m.end(), m["m"], "(num)", int(m["n"]), True)
            for m in _PAREN_MID.finditer(text)]


def list_marker_at_start(text: str, para: int) -> Candidate | None:
    """A numeral, label ("Reason #2:") or bullet opening a paragraph, or None."""
    first = text[:1]
    if first.isdigit():
        keycap = _KEYCAP_MARKER.match(text)
        if keycap:
            return Candidate(para, 0, keycap.end(), keycap["m"], "num.", int(keycap["n"]), True)
        m = _NUM_MARKER.match(text)
        if m:
            kind = "num" + (m["p"] or "—")
            return Candidate(para, 0, m.end(), m["m"], kind, int(m["n"]), True)
        return None
    if first == "(":
        m = _PAREN_MARKER.match(text)
        if m:
            return Candidate(para, 0, m.end(), m["m"], "(num)", int(m["n"]), True)
        # "(i) That the new fee is unjustifiable ...": a communiqué's resolutions, numbered
        # in small roman numerals, count like numbers.
        m = _PAREN_ROMAN_MARKER.match(text)
        if m and m["n"].upper() in _ROMAN:
            return Candidate(para, 0, m.end(), m["m"], "(num)", _ROMAN[m["n"].upper()], True)
        # "(a) suspend the circular ...; (b) pay the arrears ...": a statement's lettered
        # demands count like numbers ("(i)" is the roman numeral it usually is).
        m = _LETTER_MARKER.match(text)
        return Candidate(para, 0, m.end(), m["m"], "(num)", ord(m["n"]) - ord("a") + 1,
                         True) if m else None
    if first == "#":
        m = _HASH_MARKER.match(text)
        return Candidate(para, 0, m.end(), m["m"], "#num", int(m["n"]), True) if m else None
    if first in "RPLMASNODCFWGE":
        m = _LABEL_MARKER.match(text)
        if m:
            raw = m["n"].lower()
            value = int(raw) if raw.isdigit() else _ONE_TO_TEN[raw]
            kind = "label:" + m["label"].lower() + ("#" if m["hash"] else "")
            return Candidate(para, 0, m.end(), m["m"].rstrip(), kind, value, True)
        return None
    if first in "IVX":
        m = _ROMAN_MARKER.match(text)
        if m and m["n"] in _ROMAN:
            return Candidate(para, 0, m.end(), m["m"], "roman", _ROMAN[m["n"]], True)
        return None
    m = _BULLET_MARKER.match(text)
    if m:
        return Candidate(para, 0, m.end(), m["m"], "bullet", NEXT, False)
    return None


def inline_numbers(text: str, para: int) -> list[Candidate]:
    """Numbered items run together inside one paragraph: "(1) ... (2) ...", "1) ... 2) ...",
    or "1. ... 2. ..." after a colon. Only a run counting up from 1 is returned."""
    found: list[Candidate] = []
    if ")" not in text and (":" not in text or not _INLINE_DOT_RE.search(text)):
        return found  # the common case, decided without trying the pattern everywhere
    expect = 1
    quotes = QuoteSpans(text)
    for m in _INLINE_NUMBER_RE.finditer(text):
        if m.start() == 0:
            continue  # the paragraph's own opening number is a list marker, read elsewhere
        raw = m.group("n")
        if not raw.isdigit() and not (m.group("open") or found):
            continue  # "a) ..." alone is too often a stray letter; "(a)" or a run is not
        value = int(raw) if raw.isdigit() else _LETTER_VALUES[raw]
        if value != expect or quotes.inside(m.start()):
            if value == 1 and not quotes.inside(m.start()):
                found, expect = [], 1
            else:
                continue
        style = "(n)" if m.group("open") else m.group("close")
        if found and found[0].kind != "inline" + style:
            continue
        found.append(Candidate(para, m.start("m"), m.end("m"), m.group("m"), "inline" + style,
                               value, True))
        expect += 1
    if len(found) == 1 and found[0].value == 1 and text[:found[0].start].rstrip().endswith(":"):
        # "Two questions: 1. Why ...?" with "2." opening the next paragraph: one list.
        lone = found[0]
        kind = "num." if lone.marker.endswith(".") else "num)" if lone.marker[0] != "(" else "(num)"
        return [Candidate(para, lone.start, lone.end, lone.marker, kind, 1, True)]
    return found if len(found) >= 2 else []


_INLINE_DOT_RE: Final = re.compile(r"\d\.\s+[A-Z]")
_INLINE_NUMBER_RE: Final = re.compile(
    r"(?:(?<=[\s:;,—–])|^)(?P<m>(?P<open>\()?(?P<n>\d{1,2}|[a-h]|i{1,3}|iv|vi?)"
    r"(?P<close>\)|(?<=\d)\.(?=\s+[A-Z])))(?=\s+\S)")
_LETTER_VALUES: Final = {**{chr(ord("a") + i): i + 1 for i in range(8)},
                         "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}
