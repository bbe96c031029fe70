"""The debate rules as data, and the text checks that apply them.

Decisions, and why:

- **Lengths count the stripped text** in Python characters (code points). Edge whitespace and
  zero-width characters don't count, so padding can't get a one-word reply past the minimum.
  ``max_length`` 1800 leaves room in Discord's 2000-character message for the author line and
  the quote of what is being answered.
- **Control characters are dropped** (tab and newline kept): PostgreSQL text cannot hold NUL,
  and the same text must be accepted or refused alike on both backends.
- **Edit window** (15 minutes): authors fix typos and withdraw rash replies right after
  posting; after that others have read and answered it, so it stays as written (edits keep
  the previous body in the store's history either way).
- **Depth** (``max_depth`` 10): a counter is depth 1, a rebuttal to it depth 2, and so on.
  Real exchanges rarely go past a handful of turns; the bound keeps summaries' tree
  renderings readable and ends two-person loops politely.
- **No rebutting yourself**: a member answers others, not their own point; their own
  correction goes in an edit within the window (or a new counterargument). Otherwise a member
  could pad the record, and the summaries' reply counts, with a monologue.
- **"Changed my mind" needs an explanation**, as r/changemyview's DeltaBot requires: at least
  ``min_reason_length`` characters (50 unless the server sets its own, at most
  ``max_reason_length``), one line (whitespace collapsed, since summaries quote them inline).
  A click alone is cheap to give and to brigade; a sentence says what moved the member. The
  giver may withdraw it for ``award_window`` (a day): long enough to think again, short
  enough that the weekly record settles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.debate.errors import EmptyText, TooLong, TooShort
from bot.store.records import GuildSettings

if TYPE_CHECKING:  # bot.config reads its limits from here
    from bot.config import Settings

DEFAULT_MIN_LENGTH = 40
#: The one limit on a counterargument's or rebuttal's length: the settings, /counter and
#: /config min-counter-length all take it from here.
DEFAULT_MAX_LENGTH = 1800
DEFAULT_EDIT_WINDOW = timedelta(minutes=15)
DEFAULT_MAX_DEPTH = 10
DEFAULT_MAX_REASON_LENGTH = 300
#: The shortest explanation a "changed my mind" award takes unless a server sets its own.
DEFAULT_MIN_REASON_LENGTH = 50
#: How long the giver of an award may withdraw it.
DEFAULT_AWARD_WINDOW = timedelta(hours=24)

# Zero-width and BOM characters render as nothing, yet str.strip() keeps them.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_EDGES = re.compile(rf"^[\s{_INVISIBLE}]+|[\s{_INVISIBLE}]+$")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RUNS = re.compile(rf"[\s{_INVISIBLE}]+")


def clean_body(text: str) -> str:
    """The text as stored: newlines normalised, control characters dropped, edges stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _EDGES.sub("", _CONTROLS.sub("", text))


def clean_reason(text: str | None) -> str | None:
    """A reason as one line; ``None`` when nothing visible is left."""
    if text is None:
        return None
    line = _RUNS.sub(" ", _CONTROLS.sub("", text)).strip()
    return line or None


@dataclass(frozen=True, slots=True)
class DebateRules:
    """Limits the debate service enforces; the defaults are the documented product rules."""

    min_length: int = DEFAULT_MIN_LENGTH
    max_length: int = DEFAULT_MAX_LENGTH
    edit_window: timedelta = DEFAULT_EDIT_WINDOW
    max_depth: int = DEFAULT_MAX_DEPTH
    max_reason_length: int = DEFAULT_MAX_REASON_LENGTH
    min_reason_length: int = DEFAULT_MIN_REASON_LENGTH
    award_window: timedelta = DEFAULT_AWARD_WINDOW

    def __post_init__(self) -> None:
        if not 1 <= self.min_length <= self.max_length:
            raise ValueError(f"need 1 <= min_length ({self.min_length}) <= max_length "
                             f"({self.max_length})")
        if self.edit_window < timedelta(0):
            raise ValueError(f"edit_window must not be negative, not {self.edit_window}")
        if self.max_depth < 1:
            raise ValueError(f"max_depth must be 1 or more, not {self.max_depth}")
        if self.max_reason_length < 1:
            raise ValueError(f"max_reason_length must be 1 or more, not "
                             f"{self.max_reason_length}")
        if not 0 <= self.min_reason_length <= self.max_reason_length:
            raise ValueError(f"need 0 <= min_reason_length ({self.min_reason_length}) <= "
                             f"max_reason_length ({self.max_reason_length})")

    @classmethod
    def from_settings(cls, settings: Settings) -> DebateRules:
        """The bot-wide rules (``COUNTERPOINT_MIN_COUNTER_LENGTH``)."""
        return cls(min_length=min(settings.min_counter_length, DEFAULT_MAX_LENGTH))

    def for_guild(self, guild: GuildSettings) -> DebateRules:
        """These rules with a guild's own minimum lengths, if its moderators set them."""
        rules = self
        if guild.min_counter_length is not None:
            rules = replace(rules, min_length=max(1, min(guild.min_counter_length,
                                                         self.max_length)))
        if guild.award_min_reason is not None:
            rules = replace(rules, min_reason_length=min(guild.award_min_reason,
                                                         self.max_reason_length))
        return rules

    def check_body(self, text: str, kind: str) -> str:
        """The cleaned text, or ``TooShort`` / ``EmptyText`` / ``TooLong`` naming ``kind``."""
        body = clean_body(text)
        if not body:
            raise EmptyText(kind, self.min_length)
        if len(body) < self.min_length:
            raise TooShort(kind, len(body), self.min_length, body)
        if len(body) > self.max_length:
            raise TooLong(kind, len(body), self.max_length, body)
        return body

    def check_reason(self, text: str | None) -> str | None:
        """The cleaned reason (``None`` if blank and none is required), or ``EmptyText`` /
        ``TooShort`` below ``min_reason_length``, ``TooLong`` above the maximum."""
        reason = clean_reason(text)
        length = 0 if reason is None else len(reason)
        if length < self.min_reason_length:
            if reason is None:
                raise EmptyText("reason", self.min_reason_length)
            raise TooShort("reason", length, self.min_reason_length, reason)
        if reason is not None and length > self.max_reason_length:
            raise TooLong("reason", length, self.max_reason_length, reason)
        return reason
