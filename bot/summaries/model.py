"""The weekly summary as data: frozen dataclasses every rendering reads from.

Nothing here names a member: the store records no opt-in to public boards, so participation
is reported as counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.records import NetVotes

#: How the most contested argument is chosen; repeated in every rendering.
CONTESTED_RULE = (
    "Most contested: among arguments with at least 2 votes and at least half as many votes "
    "as the most-voted argument, the closest split (smallest |agree − disagree| ÷ votes); "
    "ties go to more votes, then to the earlier piece and argument number."
)

#: How the strongest counterargument and rebuttal are chosen; repeated in every rendering.
STRONGEST_RULE = (
    "Strongest counterargument / rebuttal: posted this week, not withdrawn, net votes "
    "(agree − disagree) of at least +1; highest net wins, ties go to the earlier post."
)

#: Why no member is named anywhere in a summary.
NAMES_NOTE = "Members are counted, never named: nobody has opted in to public boards."

DISCORD_CHANNELS = "https://discord.com/channels"


def channel_link(guild_id: int, channel_id: int, message_id: int | None = None) -> str:
    """A jump link to a channel or thread (and a message in it) that works in any client."""
    base = f"{DISCORD_CHANNELS}/{guild_id}/{channel_id}"
    return base if message_id is None else f"{base}/{message_id}"


@dataclass(frozen=True, slots=True)
class PieceItem:
    """A piece published this week. ``index`` numbers the week's pieces from 1."""

    piece_id: int
    index: int
    title: str
    url: str
    author: str | None
    outlet: str | None
    published_at: datetime
    argument_count: int
    link: str | None  # the piece's message in its channel, once posted


@dataclass(frozen=True, slots=True)
class ArgumentItem(NetVotes):
    """One argument of a piece published this week, with its standing at the week's end."""

    argument_id: int
    piece_id: int
    piece_index: int
    piece_title: str
    number: int
    title: str
    agree: int
    disagree: int
    counters: int
    rebuttals: int
    link: str | None  # the argument's thread

    @property
    def total(self) -> int:
        return self.agree + self.disagree

    @property
    def label(self) -> str:
        """``3. Title`` (``Whole piece`` for the single thread of an unnumbered piece)."""
        return self.title if self.number == 0 else f"{self.number}. {self.title}"


@dataclass(frozen=True, slots=True)
class ContributionItem(NetVotes):
    """A counterargument or rebuttal singled out by the summary."""

    contribution_id: int
    kind: str  # "counter" or "rebuttal"
    argument_id: int
    argument_label: str
    piece_title: str
    excerpt: str
    agree: int
    disagree: int
    awards: int
    created_at: datetime
    link: str | None  # the contribution's message, else its argument's thread


@dataclass(frozen=True, slots=True)
class MindChange:
    """A "changed my mind" award given this week, with the member's quoted reason."""

    award_id: int
    contribution_id: int
    kind: str
    argument_label: str
    piece_title: str
    reason: str | None
    excerpt: str
    created_at: datetime
    link: str | None


@dataclass(frozen=True, slots=True)
class WeekFigures:
    """The headline numbers of one week, for the comparison with the week before.

    ``votes`` / ``agree`` / ``disagree`` / ``counters`` / ``rebuttals`` are the standing of
    the week's pieces at its end (votes and live contributions on their arguments);
    ``members`` voted, contributed or gave an award during the week, ``newcomers`` of them
    for the first time in this guild.
    """

    iso_week: str
    pieces: int = 0
    arguments: int = 0
    votes: int = 0
    agree: int = 0
    disagree: int = 0
    counters: int = 0
    rebuttals: int = 0
    members: int = 0
    newcomers: int = 0
    mind_changes: int = 0

    #: The fields compared week on week, in display order.
    COMPARED = ("pieces", "votes", "counters", "rebuttals", "members", "newcomers",
                "mind_changes")

    @property
    def regulars(self) -> int:
        return self.members - self.newcomers

    @property
    def empty(self) -> bool:
        return not (self.pieces or self.counters or self.rebuttals or self.members
                    or self.mind_changes)


@dataclass(frozen=True, slots=True)
class WeeklySummary:
    """Everything a weekly summary says, for one guild and one ISO week in its time zone."""

    guild_id: int
    iso_week: str
    timezone: str
    start: datetime  # UTC, local Monday 00:00
    end: datetime  # UTC, the next local Monday 00:00
    generated_at: datetime
    pieces: tuple[PieceItem, ...]
    arguments: tuple[ArgumentItem, ...]
    most_contested: ArgumentItem | None
    strongest_counter: ContributionItem | None
    strongest_rebuttal: ContributionItem | None
    unanswered: tuple[ArgumentItem, ...]
    mind_changes: tuple[MindChange, ...]  # the first 50 quoted; figures count them all
    figures: WeekFigures
    previous: WeekFigures

    @property
    def empty(self) -> bool:
        """Nothing happened: no piece, no contribution, no vote, no award."""
        return self.figures.empty

    @property
    def complete(self) -> bool:
        """``False`` when built before the week was over (a Sunday-evening post)."""
        return self.generated_at >= self.end

    def change(self, name: str) -> int:
        """This week's figure minus last week's (``name`` from ``WeekFigures.COMPARED``)."""
        return int(getattr(self.figures, name)) - int(getattr(self.previous, name))
