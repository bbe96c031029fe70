"""The frozen dataclasses the store takes and returns; no raw rows ever leave ``bot.store``.

Every timestamp is a timezone-aware UTC ``datetime``. Discord snowflakes are plain ``int``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Literal

from bot.store.fields import allowed, fits, marked_by_moderator, setting

PublishState = Literal["pending", "publishing", "published", "failed"]
ContributionKind = Literal["counter", "rebuttal"]
TargetKind = Literal["argument", "contribution"]
#: What a click did to the member's vote: ``repeated`` (taken for a double click, or a click
#: already recorded), ``unchanged`` (a click put back in its place among later ones that
#: leave the vote as it was).
VoteAction = Literal["added", "switched", "withdrawn", "repeated", "unchanged"]

PUBLISH_STATES: tuple[PublishState, ...] = ("pending", "publishing", "published", "failed")
ReviewState = Literal["pending", "approved", "rejected"]
REVIEW_STATES: tuple[ReviewState, ...] = ("pending", "approved", "rejected")
#: A subscription's or a server's review mode (see ``bot.debate.review``).
ReviewMode = Literal["off", "on", "unsure"]
REVIEW_MODES: tuple[ReviewMode, ...] = ("off", "on", "unsure")
AGREE = 1
DISAGREE = -1


class StoreError(Exception):
    """Base class of the store's own errors (driver errors are translated into these)."""


class NotFound(StoreError):
    """The row a method needs (a piece, an argument, a feed ...) does not exist."""


class Conflict(StoreError):
    """The change would break a uniqueness rule or overwrite a recorded Discord side effect."""


class InvalidTransition(StoreError):
    """A piece's publish state cannot move that way (e.g. ``published`` → ``publishing``)."""


class LeaseLost(StoreError):
    """A feed's lease is held by another owner; the caller's fetch result is not recorded."""


@dataclass(frozen=True, slots=True)
class ModeratorAction:
    """A moderator's mark on a record (a debate locked, a contribution removed, an award
    revoked): when, by whom (``0`` once that moderator's data was erased), and why."""

    at: datetime
    by: int
    reason: str | None


# --- guild settings -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """Per-guild configuration; a guild never configured reads as these defaults.

    ``None`` in ``feed_limit`` / ``min_counter_length`` means "use the bot-wide setting"
    (``bot.config.Settings``), so operators can change the default for everyone at once.
    Each field made with :func:`setting` carries its range; the others take any value.
    """

    guild_id: int
    moderator_role_id: int | None = None
    #: An IANA name; the weekly summary's hour is read in it.
    timezone: str = setting("UTC", meaning="an IANA name such as 'Europe/Paris'")
    summary_channel_id: int | None = None
    #: Counted like ``datetime.weekday()``.
    summary_weekday: int = setting(6, least=0, most=6, meaning="0 (Monday) to 6 (Sunday)")
    summary_hour: int = setting(18, least=0, most=23)
    summary_enabled: bool = True
    min_counter_length: int | None = setting(least=1)
    feed_limit: int | None = setting(least=0)
    #: Review before posting: the default of feeds that have no mode of their own, and the
    #: channel where pieces wait for review.
    review_mode: ReviewMode = setting("off", choices=REVIEW_MODES)
    review_channel_id: int | None = None
    updated_at: datetime | None = None
    #: Where moderators hear from the bot (pause, permission and review notices).
    moderators_channel_id: int | None = None
    #: Where each moderation log entry is also posted.
    modlog_channel_id: int | None = None
    # Gates against brigading (all off by default) and the awards' explanation; read by
    # bot.debate.gates. Durations in seconds.
    gate_account_age_s: int | None = setting(least=1)
    gate_membership_s: int | None = setting(least=1)
    gate_role_id: int | None = None
    #: Counterarguments plus rebuttals per member and hour.
    gate_counter_rate: int | None = setting(least=1)
    established_s: int | None = setting(least=1)
    award_min_reason: int | None = setting(least=1)

    def validate(self) -> None:
        """``ValueError`` naming the first setting out of its range (checked before saving)."""
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.metadata and not (value is None and spec.default is None) \
                    and not fits(value, spec.metadata):
                raise ValueError(f"{spec.name} must be {allowed(spec.metadata)}, not {value!r}")


#: The settings a caller may change through ``Store.update_guild_settings``.
GUILD_SETTING_FIELDS: frozenset[str] = frozenset(
    f.name for f in fields(GuildSettings) if f.name not in {"guild_id", "updated_at"}
)


# --- feeds and subscriptions ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed URL, shared by every guild subscribed to it, with its polling state.

    ``etag`` / ``last_modified`` are the HTTP validators for the next conditional GET.
    ``lease_owner`` / ``lease_expires_at`` say which poller holds the feed right now.
    """

    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    last_error: str | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime
    paused: bool
    lease_owner: str | None
    lease_expires_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Subscription:
    """One guild channel following one feed.

    ``include`` / ``exclude`` are the filter terms as moderators typed them; their meaning
    (substring, word, case) belongs to the feeds service, the store only keeps them.
    """

    id: int
    guild_id: int
    channel_id: int
    feed_id: int
    mention_role_id: int | None
    include: tuple[str, ...] = field(metadata={"column": "include_filters"})
    exclude: tuple[str, ...] = field(metadata={"column": "exclude_filters"})
    paused: bool
    created_by: int
    created_at: datetime
    #: The error of an auto-pause this channel has not been told about yet.
    pause_notice: str | None = None
    #: Review before posting for this feed: ``off``, ``on``, ``unsure``, or ``None`` for the
    #: server's default.
    review_mode: ReviewMode | None = None


@dataclass(frozen=True, slots=True)
class UnchangedFetch:
    """A fetch that found a feed unchanged (a 304, or the same bytes again), to be recorded
    with others of its cycle in one transaction (``record_unchanged_fetches``)."""

    feed_id: int
    next_poll_at: datetime
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class EntryKeys:
    """A feed entry's identity for de-duplication: its main key and alternatives.

    An entry counts as seen when any of its keys was seen (feeds change GUIDs, links gain
    tracking parameters...).
    """

    key: str
    alt_keys: tuple[str, ...] = ()

    def all_keys(self) -> tuple[str, ...]:
        return (self.key, *self.alt_keys)


# --- pieces and arguments -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArgumentRecord:
    """A stored argument of a piece, with the Discord side effects recorded so far.

    Publishing one argument is: anchor message in the channel → thread on it → opening message
    (text + controls) in the thread. ``posted_at`` is set when the opening message is recorded.
    """

    id: int
    piece_id: int
    number: int
    title: str
    marker: str | None
    text: str
    anchor_message_id: int | None
    thread_id: int | None
    opening_message_id: int | None
    posted_at: datetime | None
    #: A moderator locked the debate: no new counterarguments or rebuttals (votes go on).
    lock: ModeratorAction | None = marked_by_moderator("locked_at", "locked_by", "lock_reason")
    #: Locks and unlocks so far, and the last one announced in the thread.
    lock_version: int = 0
    lock_shown: int = 0

    @property
    def locked(self) -> bool:
        return self.lock is not None

    @property
    def posted(self) -> bool:
        """The opening message is out: members can debate the argument in its thread.

        A retry of the piece skips posted arguments; it resumes the others where they stopped.
        """
        return self.posted_at is not None


@dataclass(frozen=True, slots=True)
class PieceRecord:
    """A piece queued for (or posted to) one guild channel.

    ``state`` moves pending → publishing → published, or publishing → failed → publishing on
    a retry; ``attempts`` counts the moves into publishing. ``lease_owner`` /
    ``lease_expires_at`` say which bot process is publishing it right now.
    """

    id: int
    guild_id: int
    channel_id: int
    subscription_id: int | None
    url: str
    title: str | None
    author: str | None
    outlet: str | None
    thesis: str
    conclusion: str | None
    announced_count: int | None
    state: PublishState
    message_id: int | None
    attempts: int
    last_error: str | None
    created_at: datetime
    published_at: datetime | None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    #: The message that pinged the feed subscription's role, once sent.
    ping_message_id: int | None = None


# --- contributions, votes, awards -----------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Contribution:
    """A counterargument (answers an argument) or a rebuttal (answers a contribution).

    A counter has ``parent_id None``; a rebuttal's ``parent_id`` is the counter or rebuttal it
    answers, always under the same argument. Built by keyword only, so the fields can stand
    in the order of the contribution's life rather than defaults last.
    """

    id: int
    guild_id: int
    argument_id: int
    parent_id: int | None
    kind: ContributionKind
    author_id: int
    body: str
    created_at: datetime
    edited_at: datetime | None
    withdrawn_at: datetime | None
    #: Its message in the thread, which must be redrawn while
    #: ``shown_version < message_version``.
    message_id: int | None
    message_version: int = 0
    shown_version: int = 0
    #: Removed by a moderator (kept in the record; its votes leave the tallies meanwhile).
    removal: ModeratorAction | None = marked_by_moderator("removed_at", "removed_by",
                                                          "removal_reason")
    #: When the author had their data erased (``/me delete``): the text and the author are
    #: gone, the contribution stays as a tombstone (withdrawn too, so it counts nowhere).
    erased_at: datetime | None = None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def removed(self) -> bool:
        return self.removal is not None

    @property
    def live(self) -> bool:
        """Neither withdrawn by its author nor removed by a moderator."""
        return self.withdrawn_at is None and self.removal is None

    @property
    def erased(self) -> bool:
        return self.erased_at is not None


@dataclass(frozen=True, slots=True)
class ContributionEdit:
    """One superseded version of a contribution's body (edits are kept, never overwritten)."""

    id: int
    contribution_id: int
    previous_body: str
    edited_by: int
    edited_at: datetime


@dataclass(frozen=True, slots=True)
class VoteTarget:
    """What a vote is on: an argument or a contribution, by id."""

    kind: TargetKind
    id: int

    @staticmethod
    def argument(argument_id: int) -> VoteTarget:
        return VoteTarget("argument", argument_id)

    @staticmethod
    def contribution(contribution_id: int) -> VoteTarget:
        return VoteTarget("contribution", contribution_id)


class NetVotes:
    """Agree / disagree counts, and ``net`` (agree minus disagree) that ranks by them."""

    __slots__ = ()
    agree: int
    disagree: int

    @property
    def net(self) -> int:
        return self.agree - self.disagree


@dataclass(frozen=True, slots=True)
class Tally(NetVotes):
    """Agree / disagree counts, always counted from the vote rows."""

    agree: int = 0
    disagree: int = 0

    @property
    def total(self) -> int:
        return self.agree + self.disagree


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    """What ``cast_vote`` did: ``value`` is the member's vote now (``None`` once withdrawn)."""

    target: VoteTarget
    member_id: int
    action: VoteAction
    value: int | None
    tally: Tally


@dataclass(frozen=True, slots=True)
class VoteClick:
    """A member's click as Discord dated it: ``id`` orders clicks (an interaction's snowflake
    id grows with its time), ``at`` is when the member clicked."""

    id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Award:
    """A "changed my mind" award: ``member_id`` credits contribution ``contribution_id``."""

    id: int
    guild_id: int
    member_id: int
    contribution_id: int
    reason: str | None
    created_at: datetime
    #: The giver took it back (within a day of giving it).
    withdrawn_at: datetime | None = None
    #: A moderator revoked it, with a reason (also in the moderation log).
    revocation: ModeratorAction | None = marked_by_moderator("revoked_at", "revoked_by",
                                                             "revoke_reason")

    @property
    def active(self) -> bool:
        """Counted: neither withdrawn by its giver nor revoked by a moderator."""
        return self.withdrawn_at is None and self.revocation is None


#: Discord's epoch (2015-01-01 UTC) in milliseconds: a snowflake's time is counted from it.
DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_time(snowflake: int) -> datetime:
    """When a Discord id was made (for a user id: when the account was created)."""
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What every interaction says about the member acting: their id (hence their account's
    age), when they joined the server (``None``: Discord did not say) and their roles.

    Recorded with each vote, so tallies can apply the gates in force now to the votes as cast.
    """

    member_id: int
    joined_at: datetime | None = None
    role_ids: frozenset[int] = frozenset()

    @property
    def account_created_at(self) -> datetime:
        return snowflake_time(self.member_id)


@dataclass(frozen=True, slots=True)
class BoardMember:
    """A member who opted in to being named on public boards, with the name to show."""

    guild_id: int
    member_id: int
    display_name: str
    opted_in_at: datetime


# --- moderation and summaries ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModerationEntry:
    """One moderation action, for the audit trail (``target`` is free text, e.g. ``feed:12``)."""

    id: int
    guild_id: int
    actor_id: int
    action: str
    target: str | None
    details: str | None
    created_at: datetime
    #: The member the action concerns (a removed contribution's author), for the filters.
    member_id: int | None = None
    #: The piece the action is about, for the filters.
    piece_id: int | None = None
    #: The log channel it is owed to (set when it was written) and, once there, its message.
    post_channel_id: int | None = None
    posted_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class SummaryPost:
    """The weekly summary claimed (and, once posted, its message) for one guild and ISO week."""

    guild_id: int
    iso_week: str
    message_id: int | None
    claimed_at: datetime
    posted_at: datetime | None


@dataclass(frozen=True, slots=True)
class ArgumentStats(NetVotes):
    """One argument's standing for a summary: current tallies and live contributions."""

    argument_id: int
    piece_id: int
    number: int
    title: str
    thread_id: int | None
    agree: int
    disagree: int
    counters: int
    rebuttals: int


@dataclass(frozen=True, slots=True)
class ContributionStats(NetVotes):
    """A contribution with its votes and "changed my mind" awards, for a summary."""

    contribution_id: int
    argument_id: int
    piece_id: int
    parent_id: int | None
    kind: ContributionKind
    author_id: int
    body: str
    created_at: datetime
    agree: int
    disagree: int
    awards: int
    message_id: int | None = None  # the contribution's Discord message, for a jump link
    thread_id: int | None = None  # its argument's thread


@dataclass(frozen=True, slots=True)
class Participation:
    """Members active (voted or contributed) in a window, and which of them were active before."""

    active: frozenset[int] = field(default_factory=frozenset)
    returning: frozenset[int] = field(default_factory=frozenset)

    @property
    def newcomers(self) -> frozenset[int]:
        return self.active - self.returning


# --- review before posting ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A feed's piece waiting for a moderator (``pending``), or the decision taken on it.

    ``piece`` and ``draft`` are JSON kept for :mod:`bot.debate.review` (the piece without its
    arguments, and its split as edited); ``version`` counts edits. ``review_channel_id`` /
    ``review_message_id``: the preview with its buttons, once posted. ``reminded_at``: the one
    reminder. ``decided_by`` / ``decided_at`` / ``note``: who approved or rejected it, when,
    and why (a rejection's reason). ``piece_id``: the piece approval queued.
    """

    id: int
    guild_id: int
    channel_id: int
    subscription_id: int | None
    url: str
    piece: str
    draft: str
    cause: str
    state: ReviewState
    version: int
    review_channel_id: int | None
    review_message_id: int | None
    created_at: datetime
    reminded_at: datetime | None
    decided_by: int | None
    decided_at: datetime | None
    note: str | None
    piece_id: int | None
    #: What the review message shows: ``pending``, ``approved``, ``posted`` (its piece is
    #: published) or ``rejected``, and the draft version its buttons carry.
    shown_state: str | None = None
    shown_version: int | None = None
