"""Refusals of the debate rules, each carrying a message ready for an ephemeral reply.

A cog catches :class:`DebateError` once and replies with ``error.user_message``: one or two
friendly sentences that say what went wrong and what the member can do. The structured
attributes (lengths, limits, the refused draft) are there for cogs that want more, e.g. to
hand a refused modal text back to its author so it is not lost.
"""

from __future__ import annotations

from datetime import timedelta

from bot.errors import UserFacingError
from bot.store.records import ContributionKind, TargetKind

#: The refusals, as :mod:`bot.debate` exports them.
__all__ = [
    "AlreadyAwarded",
    "AwardRevoked",
    "AwardWindowClosed",
    "DebateError",
    "EditWindowClosed",
    "EmptyText",
    "Locked",
    "NoAward",
    "NotAnArgumentThread",
    "NotYours",
    "OwnContribution",
    "Removed",
    "TooDeep",
    "TooLong",
    "TooShort",
    "UnknownAward",
    "UnknownTarget",
    "Withdrawn",
]

#: How each kind of text is named to members.
NOUNS: dict[str, str] = {
    "counter": "counterargument",
    "rebuttal": "rebuttal",
    "reason": "reason",
    "argument": "argument",
    "contribution": "contribution",
}


def noun(kind: ContributionKind | TargetKind | str) -> str:
    return NOUNS.get(kind, kind)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def duration(span: timedelta) -> str:
    """A span in the coarsest unit that reads naturally ("15 minutes", "3 hours", "2 days")."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return plural(minutes, "minute")
    hours = minutes // 60
    if hours < 48:
        return plural(hours, "hour")
    return plural(hours // 24, "day")


class DebateError(UserFacingError):
    """A member's action was refused; ``user_message`` is what to tell them."""


class WrongLength(DebateError):
    """The text (stripped) is outside the allowed length; ``draft`` is the text as sent."""

    def __init__(self, message: str, kind: str, length: int, draft: str) -> None:
        super().__init__(message)
        self.kind, self.length, self.draft = kind, length, draft


class TooShort(WrongLength):
    """The text (stripped) is shorter than the minimum."""

    def __init__(self, kind: str, length: int, minimum: int, draft: str) -> None:
        super().__init__(
            f"Your {noun(kind)} is {plural(length, 'character')}; the minimum here is "
            f"{minimum}. Add a little more of your reasoning and send it again.",
            kind, length, draft)
        self.minimum = minimum


class EmptyText(TooShort):
    """The text is empty or whitespace only (a :class:`TooShort` of length 0)."""

    def __init__(self, kind: str, minimum: int) -> None:
        WrongLength.__init__(self, f"Your {noun(kind)} is empty. Write at least "
                             f"{plural(minimum, 'character')} and send it again.", kind, 0, "")
        self.minimum = minimum


class TooLong(WrongLength):
    """The text (stripped) is longer than the maximum."""

    def __init__(self, kind: str, length: int, maximum: int, draft: str) -> None:
        super().__init__(
            f"Your {noun(kind)} is {plural(length, 'character')}; the maximum here is "
            f"{maximum}. Shorten it and send it again.", kind, length, draft)
        self.maximum = maximum


class UnknownTarget(DebateError):
    """The argument or contribution is not (or no longer) in the store."""

    def __init__(self, kind: TargetKind, target_id: int, user_message: str | None = None) -> None:
        super().__init__(user_message or (
            f"This {noun(kind)} is no longer in Counterpoint's record, so it can't take votes "
            "or replies."))
        self.kind, self.target_id = kind, target_id


class Withdrawn(UnknownTarget):
    """The contribution was withdrawn by its author: it stays in the record, closed."""

    def __init__(self, contribution_kind: ContributionKind, contribution_id: int,
                 what: str) -> None:
        super().__init__(
            "contribution", contribution_id,
            f"This {noun(contribution_kind)} was withdrawn by its author, so it can't take "
            f"{what} any more.")


class Removed(UnknownTarget):
    """A moderator removed the contribution: it stays in the record, closed while removed."""

    def __init__(self, contribution_kind: ContributionKind, contribution_id: int,
                 what: str) -> None:
        super().__init__(
            "contribution", contribution_id,
            f"This {noun(contribution_kind)} was removed by a moderator, so it can't take "
            f"{what} while it is removed.")


class Locked(DebateError):
    """A moderator locked the argument's debate: no new counterarguments or rebuttals."""

    def __init__(self, reason: str | None = None) -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"A moderator locked this debate{why}: it takes no new counterarguments or "
            "rebuttals for now. You can still vote.")
        self.reason = reason


class NotYours(DebateError):
    """Only a contribution's author may edit or withdraw it."""

    def __init__(self, kind: ContributionKind, verb: str) -> None:
        super().__init__(
            f"Only its author can {verb} this {noun(kind)}. To answer it, post a rebuttal.")
        self.kind, self.verb = kind, verb


class EditWindowClosed(DebateError):
    """Editing and withdrawing are open for ``DebateRules.edit_window`` after posting."""

    def __init__(self, kind: ContributionKind, verb: str, window: timedelta,
                 age: timedelta) -> None:
        outcome = "stays as it is" if verb == "edit" else "stays in the record"
        super().__init__(
            f"You can {verb} a {noun(kind)} only within {duration(window)} of posting; this "
            f"one was posted {duration(age)} ago, so it {outcome}.")
        self.kind, self.verb, self.window, self.age = kind, verb, window, age


class AlreadyAwarded(DebateError):
    """A member credits a contribution with changing their mind once."""

    def __init__(self) -> None:
        super().__init__(
            "You've already credited this contribution with changing your mind. Each member "
            "can do that once per contribution.")


class AwardRevoked(DebateError):
    """A moderator revoked the member's award to this contribution: it cannot be given again."""

    def __init__(self, reason: str | None) -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"A moderator revoked your credit to this contribution{why}, so you can't give it "
            "again.")


class UnknownAward(DebateError):
    """No award of this server has that number."""

    def __init__(self, award_id: int) -> None:
        super().__init__(
            f"This server has no \"changed my mind\" award number {award_id}. /awards list "
            "shows a contribution's awards with their numbers.")
        self.award_id = award_id


class NoAward(DebateError):
    """The member has no award to withdraw on this contribution."""

    def __init__(self) -> None:
        super().__init__(
            "You haven't credited this contribution with changing your mind, so there is "
            "nothing to withdraw.")


class AwardWindowClosed(DebateError):
    """An award can be withdrawn by its giver for ``DebateRules.award_window``."""

    def __init__(self, window: timedelta, age: timedelta) -> None:
        super().__init__(
            f"You can withdraw a \"changed my mind\" only within {duration(window)} of giving "
            f"it; you gave this one {duration(age)} ago, so it stays in the record.")
        self.window, self.age = window, age


class OwnContribution(DebateError):
    """A member may not award, or rebut, their own contribution."""

    @classmethod
    def award(cls) -> OwnContribution:
        return cls(
            "You can't credit your own contribution with changing your mind. Save it for a "
            "point someone else made that moved you.")

    @classmethod
    def bot(cls) -> OwnContribution:
        return cls(
            "Counterpoint's own posts can't be credited with changing your mind: credit the "
            "member whose point moved you.")

    @classmethod
    def rebuttal(cls, window: timedelta) -> OwnContribution:
        return cls(
            f"You can't rebut your own point. You can edit it within {duration(window)} of "
            "posting, or answer someone else's.")


class TooDeep(DebateError):
    """A reply chain reached ``DebateRules.max_depth``."""

    def __init__(self, max_depth: int) -> None:
        super().__init__(
            f"This exchange is already {max_depth} replies deep, as far as Counterpoint goes. "
            "Rebut an earlier point, or post a new counterargument.")
        self.max_depth = max_depth


class NotAnArgumentThread(DebateError):
    """A thread-bound command was used outside an argument's thread."""

    def __init__(self, command: str = "/counter") -> None:
        super().__init__(
            f"Use {command} inside an argument's thread. Each argument of a posted piece has "
            "its own thread under the piece.")
        self.command = command
