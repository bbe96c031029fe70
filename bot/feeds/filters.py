"""Include / exclude filters of a feed subscription: keywords and regular expressions.

Syntax of one ``include`` or ``exclude`` option (what a moderator types)::

    climate, carbon tax, "Smith, Jane", title:budget, author:/^jane\\b/i, /nuclear\\s+power/

* Terms are separated by commas. Double quotes keep a comma (or a leading ``/``) inside a
  keyword: ``"Smith, Jane"``.
* A **keyword** matches a whole word or phrase, case-insensitively, with any run of spaces
  between its words: ``tax`` matches "Tax" and "tax." but not "taxi".
* ``/pattern/flags`` is a **regular expression** (Python ``regex`` syntax, searched anywhere
  in the field); flags are ``i`` (ignore case), ``m``, ``s`` and ``x``. Write ``\\/`` for a
  slash inside the pattern. A pattern that does not compile is refused with a
  :class:`FilterError` naming the term.
* A term may start with ``title:``, ``author:`` or ``text:`` to look only at that field;
  without one it looks at all three.

Meaning: an entry passes when it matches at least one include term (or there are none) and
no exclude term. Exclude wins.

Bounded in time: each field is cut to ``MAX_TEXT_CHARS`` before matching, patterns are
limited in length and number, and every regex search runs with the ``regex`` module's
``timeout`` out of one budget per entry (``MATCH_BUDGET_S``). A search that runs out of time
counts against posting: no match for an include, a match for an exclude. Keywords compile to
linear-time patterns and never time out in practice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import regex

Field = Literal["title", "author", "text"]
FIELDS: tuple[Field, ...] = ("title", "author", "text")

MAX_TERMS = 20
MAX_TERM_CHARS = 200
MAX_TEXT_CHARS = 20_000
MATCH_BUDGET_S = 0.25
_FLAGS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL, "x": regex.VERBOSE}


class FilterError(ValueError):
    """A filter option cannot be used; the message is fit to show the moderator as is."""


@dataclass(frozen=True, slots=True)
class Term:
    """One compiled term. ``source`` is its canonical text, as stored and shown."""

    source: str
    fields: tuple[Field, ...]
    is_regex: bool
    pattern: regex.Pattern[str]


@dataclass(frozen=True, slots=True)
class FilterFields:
    """What filters look at; ``text`` is the article body (or the feed's summary)."""

    title: str | None = None
    author: str | None = None
    text: str | None = None

    def get(self, name: Field) -> str:
        value = getattr(self, name) or ""
        return value[:MAX_TEXT_CHARS]


# ------------------------------------------------------------------------------- parsing


def _split(spec: str) -> list[str]:
    """Split an option into raw terms on top-level commas (not inside quotes or /regex/)."""
    terms: list[str] = []
    i, n = 0, len(spec)
    while i < n:
        while i < n and spec[i] in " \t\r\n,":
            i += 1
        if i >= n:
            break
        start = i
        prefix = regex.match(r"(?i)(title|author|text):", spec[i:])
        body = i + (prefix.end() if prefix else 0)
        if body < n and spec[body] == '"':
            close = spec.find('"', body + 1)
            if close < 0:
                raise FilterError(f"Unclosed quote in filter term `{spec[start:].strip()}`.")
            i = close + 1
        elif body < n and spec[body] == "/":
            j = body + 1
            while j < n and spec[j] != "/":
                j += 2 if spec[j] == "\\" else 1
            if j >= n:
                raise FilterError(
                    f"Regular expression `{spec[start:].strip()}` has no closing `/`. "
                    "Write it as /pattern/ or /pattern/i.")
            i = j + 1
            while i < n and spec[i].isalpha():
                i += 1
        else:
            while i < n and spec[i] != ",":
                i += 1
        terms.append(spec[start:i].strip())
        while i < n and spec[i] in " \t":
            i += 1
        if i < n and spec[i] != ",":
            raise FilterError(
                f"Expected a comma after `{spec[start:i].strip()}` in the filter, found "
                f"`{spec[i:i + 20]}`.")
    return terms


def _keyword_pattern(words: str) -> regex.Pattern[str]:
    parts = [regex.escape(w) for w in words.split()]
    # Word edges only where the keyword itself starts/ends with a word character, so that
    # "c++" or "#metoo" still match.
    left = r"(?<!\w)" if regex.match(r"\w", words) else ""
    right = r"(?!\w)" if regex.search(r"\w$", words) else ""
    return regex.compile(left + r"\s+".join(parts) + right, regex.IGNORECASE)


def compile_term(raw: str) -> Term:
    """Compile one term (``title:`` prefix, keyword, "quoted keyword" or /regex/flags)."""
    text = raw.strip()
    if not text:
        raise FilterError("Empty filter term.")
    if len(text) > MAX_TERM_CHARS:
        raise FilterError(f"Filter term `{text[:40]}…` is longer than {MAX_TERM_CHARS} "
                          "characters.")
    fields: tuple[Field, ...] = FIELDS
    prefix = regex.match(r"(?i)(title|author|text):", text)
    label = ""
    if prefix:
        name = prefix.group(1).lower()
        fields = tuple(field for field in FIELDS if field == name)
        label = f"{name}:"
        text = text[prefix.end():].strip()
    if text.startswith("/"):
        close = text.rfind("/")
        flags_text = text[close + 1:]
        body = text[1:close] if close > 0 else ""
        if close <= 0 or not body:
            raise FilterError(f"Regular expression `{raw.strip()}` is empty or has no "
                              "closing `/`.")
        bad = sorted(set(flags_text) - set(_FLAGS))
        if bad:
            raise FilterError(f"Unknown regex flag(s) `{''.join(bad)}` in `{raw.strip()}`: "
                              "use i, m, s or x.")
        flags = 0
        for flag in flags_text:
            flags |= _FLAGS[flag]
        try:
            pattern = regex.compile(body.replace("\\/", "/"), flags)
        except (regex.error, ValueError, OverflowError, RecursionError) as error:
            raise FilterError(f"Regular expression `{raw.strip()}` does not compile: "
                              f"{error}.") from None
        canonical = f"{label}/{body}/{''.join(sorted(set(flags_text)))}"
        return Term(canonical, fields, True, pattern)
    if text.startswith('"'):
        if len(text) < 2 or not text.endswith('"'):
            raise FilterError(f"Unclosed quote in filter term `{raw.strip()}`.")
        text = text[1:-1]
    words = " ".join(text.split())
    if not words:
        raise FilterError(f"Empty keyword in filter term `{raw.strip()}`.")
    needs_quotes = "," in words or words.startswith("/") or '"' in words or regex.match(
        r"(?i)(title|author|text):", words)
    canonical = label + (f'"{words}"' if needs_quotes else words)
    return Term(canonical, fields, False, _keyword_pattern(words))


def parse_filter(spec: str | Sequence[str] | None, *, what: str = "filter") -> tuple[str, ...]:
    """Validate a moderator's option and return its terms in canonical form, for storing.

    ``spec`` is the option text (comma-separated) or already split terms. Raises
    :class:`FilterError` with a message naming the bad term.
    """
    if spec is None:
        return ()
    raw_terms = _split(spec) if isinstance(spec, str) else [t for t in spec if t.strip()]
    if len(raw_terms) > MAX_TERMS:
        raise FilterError(f"Too many {what} terms ({len(raw_terms)}); at most {MAX_TERMS}.")
    canonical: list[str] = []
    for raw in raw_terms:
        try:
            source = compile_term(raw).source
        except FilterError as error:
            raise FilterError(f"{what.capitalize()}: {error}") from None
        if source not in canonical:
            canonical.append(source)
    return tuple(canonical)


# ------------------------------------------------------------------------------ matching


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """A subscription's compiled filters."""

    include: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.include and not self.exclude

    def allows(self, fields: FilterFields, *, budget_s: float = MATCH_BUDGET_S) -> bool:
        """True when the entry should be posted (see the module docstring)."""
        if self.empty:
            return True
        deadline = time.monotonic() + budget_s
        for term in self.exclude:
            if _matches(term, fields, deadline, on_timeout=True):
                return False
        if not self.include:
            return True
        return any(_matches(term, fields, deadline, on_timeout=False)
                   for term in self.include)


def _matches(term: Term, fields: FilterFields, deadline: float, *, on_timeout: bool) -> bool:
    for name in term.fields:
        value = fields.get(name)
        if not value:
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return on_timeout
        try:
            if term.pattern.search(value, timeout=remaining) is not None:
                return True
        except TimeoutError:
            return on_timeout
    return False


@lru_cache(maxsize=4096)
def _compiled(include: tuple[str, ...], exclude: tuple[str, ...]) -> EntryFilter:
    return EntryFilter(tuple(compile_term(t) for t in include),
                       tuple(compile_term(t) for t in exclude))


def build_filter(include: Sequence[str], exclude: Sequence[str]) -> EntryFilter:
    """Compile stored terms (cached: every poll cycle asks for the same few combinations).

    Terms were validated when stored; one that no longer compiles (say, after a library
    upgrade) raises :class:`FilterError`, which the poller reports instead of posting.
    """
    return _compiled(tuple(include), tuple(exclude))


def describe(terms: Sequence[str]) -> str:
    """Terms as one option string again (for /feed list)."""
    return ", ".join(terms)
