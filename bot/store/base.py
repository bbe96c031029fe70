"""The one storage interface of Counterpoint.

Services call these methods; nothing outside ``bot.store`` writes SQL. Each method is one
atomic unit of work. Methods take and return the frozen dataclasses of
:mod:`bot.store.records`. Every ``now`` parameter defaults to the current UTC time and exists
so that tests and the offline commands can pin the clock; datetimes must be timezone-aware.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any

from bot.articles.model import Piece
from bot.store.records import (
    ArgumentRecord,
    ArgumentStats,
    Award,
    Contribution,
    ContributionEdit,
    ContributionKind,
    ContributionStats,
    EntryKeys,
    Feed,
    GuildSettings,
    ModerationEntry,
    Participation,
    PieceRecord,
    PublishState,
    Subscription,
    SummaryPost,
    Tally,
    VoteClick,
    VoteOutcome,
    VoteTarget,
)


class _Unset:
    """Marker for "leave this field as it is" in partial updates (``None`` is a real value)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


class Store(ABC):
    """Abstract store; :func:`bot.store.open_store` returns a SQLite or PostgreSQL one."""

    #: ``"sqlite"`` or ``"postgres"``; informational (benchmarks, logs), never for branching.
    dialect: str

    # --- lifecycle --------------------------------------------------------------------------

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply pending migrations in one transaction; return the versions applied (or [])."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The highest migration version applied (0 on an empty database)."""

    @abstractmethod
    async def close(self) -> None:
        """Close connections; the store is unusable afterwards. Safe to call twice."""

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- guild settings ---------------------------------------------------------------------

    @abstractmethod
    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        """The guild's settings; defaults (``updated_at None``) when it was never configured."""

    @abstractmethod
    async def update_guild_settings(
        self, guild_id: int, *, now: datetime | None = None, **changes: Any
    ) -> GuildSettings:
        """Change some settings (names from ``GUILD_SETTING_FIELDS``) and return them all.

        Unknown names raise ``ValueError`` before anything is written.
        """

    @abstractmethod
    async def list_guild_settings(self) -> list[GuildSettings]:
        """Settings of every guild that was ever configured (for the summary scheduler)."""

    # --- feeds ------------------------------------------------------------------------------

    @abstractmethod
    async def ensure_feed(
        self, url: str, *, title: str | None = None, now: datetime | None = None
    ) -> Feed:
        """The feed with this URL, created (due now) if it does not exist yet.

        ``title`` is stored when the feed has none yet (a feed's title is otherwise the
        poller's, from each fetch)."""

    @abstractmethod
    async def get_feed(self, feed_id: int) -> Feed | None:
        """The feed, or ``None``."""

    @abstractmethod
    async def get_feed_by_url(self, url: str) -> Feed | None:
        """The feed with exactly this URL, or ``None``."""

    @abstractmethod
    async def list_feeds(self) -> list[Feed]:
        """Every feed, by id."""

    @abstractmethod
    async def set_feed_paused(
        self, feed_id: int, paused: bool, *, notice: str | None = None
    ) -> Feed:
        """Pause or resume polling of a feed for everyone (``NotFound`` if missing). Pausing
        with ``notice`` (the error) owes every subscription of the feed a pause notice, in
        the same transaction."""

    @abstractmethod
    async def resume_feed(self, feed_id: int, *, next_poll_at: datetime) -> Feed:
        """Unpause a feed, reset ``consecutive_failures`` and make it due at ``next_poll_at``
        (a moderator's resume: the back-off starts over); pause notices still owed are
        dropped. ``NotFound`` if missing."""

    @abstractmethod
    async def delete_feed(self, feed_id: int) -> bool:
        """Delete a feed with its subscriptions and seen entries; pieces keep existing
        (their ``subscription_id`` becomes ``None``). ``False`` if there was no such feed."""

    @abstractmethod
    async def claim_due_feeds(
        self,
        now: datetime,
        owner: str,
        lease_seconds: float,
        limit: int,
        *,
        require_subscribers: bool = True,
    ) -> list[Feed]:
        """Lease up to ``limit`` due feeds to ``owner``, soonest due first.

        A feed is due when it is not paused, ``next_poll_at <= now``, its lease is free or
        expired and (with ``require_subscribers``) at least one unpaused subscription follows
        it. Two pollers, in one process or several, never get the same feed while a lease
        runs. The returned feeds show the new lease.
        """

    @abstractmethod
    async def release_feed_lease(self, feed_id: int, owner: str) -> bool:
        """Give a lease back without recording a fetch; ``False`` if ``owner`` did not hold it."""

    @abstractmethod
    async def record_fetch_success(
        self,
        feed_id: int,
        *,
        next_poll_at: datetime,
        etag: str | None,
        last_modified: str | None,
        title: str | None = UNSET,
        owner: str | None = None,
        now: datetime | None = None,
    ) -> Feed:
        """Record a successful fetch (a 304 counts) and release the lease.

        ``etag`` / ``last_modified`` are stored as given: pass the feed's current values on a
        304. Resets ``consecutive_failures`` and ``last_error``. With ``owner``, raises
        ``LeaseLost`` if another poller holds the lease now.
        """

    @abstractmethod
    async def record_fetch_failure(
        self,
        feed_id: int,
        *,
        error: str,
        next_poll_at: datetime,
        owner: str | None = None,
        now: datetime | None = None,
    ) -> Feed:
        """Record a failed fetch (``consecutive_failures += 1``) and release the lease.

        The back-off is the caller's: it passes ``next_poll_at``. ``owner`` as in success.
        """

    # --- subscriptions ----------------------------------------------------------------------

    @abstractmethod
    async def add_subscription(
        self,
        guild_id: int,
        channel_id: int,
        feed_url: str,
        *,
        created_by: int,
        mention_role_id: int | None = None,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        now: datetime | None = None,
    ) -> Subscription:
        """Subscribe a channel to a feed URL (creating the feed if new).

        ``Conflict`` if that channel already follows that feed.
        """

    @abstractmethod
    async def get_subscription(self, subscription_id: int) -> Subscription | None:
        """The subscription, or ``None``."""

    @abstractmethod
    async def list_subscriptions(
        self,
        *,
        guild_id: int | None = None,
        feed_id: int | None = None,
        channel_id: int | None = None,
        include_paused: bool = True,
        owed_pause_notice: bool = False,
    ) -> list[Subscription]:
        """Subscriptions matching every filter given, by id (``owed_pause_notice``: only
        those with an auto-pause notice not delivered yet)."""

    @abstractmethod
    async def take_pause_notice(self, subscription_id: int) -> str | None:
        """Take the subscription's owed pause notice (cleared; ``None`` if there is none or
        another process took it first). Give it back with ``return_pause_notice`` if it
        could not be delivered."""

    @abstractmethod
    async def return_pause_notice(self, subscription_id: int, notice: str) -> bool:
        """Owe the notice again, unless the feed was resumed meanwhile (``False`` then)."""

    @abstractmethod
    async def count_subscriptions(self, guild_id: int) -> int:
        """How many subscriptions a guild has (paused included), for the feed limit."""

    @abstractmethod
    async def update_subscription(
        self,
        subscription_id: int,
        *,
        mention_role_id: int | None = UNSET,
        include: Sequence[str] = UNSET,
        exclude: Sequence[str] = UNSET,
        paused: bool = UNSET,
    ) -> Subscription:
        """Change the fields given (omitted ones stay); ``NotFound`` if missing."""

    @abstractmethod
    async def remove_subscription(self, subscription_id: int) -> bool:
        """Delete a subscription (its pieces stay); ``False`` if there was none. The feed stays
        too; with no subscriber left it is simply no longer claimed."""

    # --- seen entries -----------------------------------------------------------------------

    @abstractmethod
    async def mark_seen(
        self, feed_id: int, keys: Iterable[str], *, now: datetime | None = None
    ) -> None:
        """Record entry keys as seen for a feed; keys already seen get ``seen_at = now`` so
        entries still listed in a feed are not pruned while they stay there."""

    @abstractmethod
    async def filter_unseen(
        self, feed_id: int, entries: Sequence[EntryKeys | tuple[str, Sequence[str]]]
    ) -> list[str]:
        """The main keys of the entries none of whose keys was seen, in input order.

        An entry sharing a key with an earlier entry of the same call is dropped too, so one
        fetch listing an item twice yields it once.
        """

    @abstractmethod
    async def count_seen(self, feed_id: int) -> int:
        """How many keys are recorded for a feed (0 means a first fetch: don't flood)."""

    @abstractmethod
    async def prune_seen(self, older_than: datetime) -> int:
        """Forget keys with ``seen_at < older_than``; returns how many were removed."""

    # --- pieces and arguments ---------------------------------------------------------------

    @abstractmethod
    async def create_piece(
        self,
        guild_id: int,
        channel_id: int,
        piece: Piece,
        *,
        url: str | None = None,
        subscription_id: int | None = None,
        now: datetime | None = None,
    ) -> PieceRecord | None:
        """Queue a piece (state ``pending``) with its arguments for one channel.

        ``url`` defaults to ``piece.url``; one of them is required (``ValueError``). Returns
        ``None`` when that URL is already queued or posted in that channel: the same article
        is never queued twice for a channel. A piece without arguments is stored as given;
        the publisher decides how to thread it.
        """

    @abstractmethod
    async def get_piece(self, piece_id: int) -> PieceRecord | None:
        """The piece, or ``None``."""

    @abstractmethod
    async def get_piece_by_url(
        self, guild_id: int, channel_id: int, url: str
    ) -> PieceRecord | None:
        """The piece queued for that channel from that URL, or ``None``."""

    @abstractmethod
    async def get_piece_by_message(self, message_id: int) -> PieceRecord | None:
        """The piece whose channel message is ``message_id``, or ``None``."""

    @abstractmethod
    async def list_pieces(
        self,
        *,
        states: Sequence[PublishState] | None = None,
        guild_id: int | None = None,
        limit: int | None = None,
    ) -> list[PieceRecord]:
        """Pieces matching the filters, oldest first (e.g. ``states=("pending",
        "publishing")`` at start-up, to resume what a crash interrupted)."""

    @abstractmethod
    async def list_arguments(self, piece_id: int) -> list[ArgumentRecord]:
        """A piece's arguments by number."""

    @abstractmethod
    async def get_argument(self, argument_id: int) -> ArgumentRecord | None:
        """The argument, or ``None``."""

    @abstractmethod
    async def get_argument_by_thread(self, thread_id: int) -> ArgumentRecord | None:
        """The argument whose thread is ``thread_id``, or ``None``."""

    @abstractmethod
    async def begin_publishing(
        self, piece_id: int, *, now: datetime | None = None
    ) -> PieceRecord:
        """Move a piece to ``publishing`` and count an attempt.

        Allowed from pending, failed (a retry) and publishing (resuming after a crash);
        ``InvalidTransition`` from published, ``NotFound`` if missing.
        """

    @abstractmethod
    async def claim_piece(
        self, piece_id: int, owner: str, lease_seconds: float, *, now: datetime | None = None,
        replacing: str | None = None,
    ) -> bool:
        """Lease a piece to ``owner`` (a bot process) for publishing it, for ``lease_seconds``.

        Takes a free or expired lease, or extends ``owner``'s own (call again to keep it while
        publishing runs); ``False`` while another owner's lease runs. ``replacing`` names a
        holder known to be dead: its lease is taken over even though it has not run out (and
        only that holder's: should another process have taken it over meanwhile, ``False``).
        Atomic: of processes claiming at once, exactly one gets it. ``NotFound`` if missing.
        """

    @abstractmethod
    async def release_piece(self, piece_id: int, owner: str) -> bool:
        """Give a piece's lease back; ``False`` if ``owner`` did not hold it.
        ``finish_publishing`` and ``fail_publishing`` release it too."""

    @abstractmethod
    async def record_piece_message(self, piece_id: int, message_id: int) -> PieceRecord:
        """Record the piece's message in the channel, right after Discord created it.

        Idempotent for the same id; ``Conflict`` if a different message is already recorded
        (the publisher must then reuse that one rather than post again).
        """

    @abstractmethod
    async def record_piece_ping(self, piece_id: int, message_id: int) -> PieceRecord:
        """Record the message that pinged the subscription's role about the piece (rules as
        above)."""

    @abstractmethod
    async def record_argument_anchor(self, argument_id: int, message_id: int) -> ArgumentRecord:
        """Record the channel message the argument's thread starts from (rules as above)."""

    @abstractmethod
    async def record_argument_thread(self, argument_id: int, thread_id: int) -> ArgumentRecord:
        """Record the argument's thread (rules as above)."""

    @abstractmethod
    async def record_argument_opening(
        self, argument_id: int, message_id: int, *, now: datetime | None = None
    ) -> ArgumentRecord:
        """Record the thread's opening message (text + controls); this marks the argument
        posted. Rules as above."""

    @abstractmethod
    async def finish_publishing(
        self, piece_id: int, *, now: datetime | None = None
    ) -> PieceRecord:
        """``publishing`` → ``published`` with ``published_at``; idempotent once published.
        Releases the piece's lease."""

    @abstractmethod
    async def fail_publishing(
        self, piece_id: int, error: str, *, now: datetime | None = None
    ) -> PieceRecord:
        """``publishing`` → ``failed`` with ``last_error``; recorded side effects are kept so a
        retry continues where it stopped. Releases the piece's lease."""

    # --- contributions ----------------------------------------------------------------------

    @abstractmethod
    async def add_contribution(
        self,
        argument_id: int,
        author_id: int,
        body: str,
        *,
        kind: ContributionKind = "counter",
        parent_id: int | None = None,
        now: datetime | None = None,
    ) -> Contribution:
        """Add a counter (no parent) or a rebuttal (parent: a contribution of the same
        argument). ``ValueError`` on a bad kind/parent pair, ``NotFound`` on missing rows."""

    @abstractmethod
    async def get_contribution(self, contribution_id: int) -> Contribution | None:
        """The contribution, or ``None``."""

    @abstractmethod
    async def get_contribution_by_message(self, message_id: int) -> Contribution | None:
        """The contribution posted as ``message_id``, or ``None``."""

    @abstractmethod
    async def list_contributions(
        self, argument_id: int, *, include_withdrawn: bool = True
    ) -> list[Contribution]:
        """An argument's whole tree, oldest first (rebuild it through ``parent_id``)."""

    @abstractmethod
    async def record_contribution_message(
        self, contribution_id: int, message_id: int
    ) -> Contribution:
        """Record the Discord message that shows the contribution (rules as for pieces)."""

    @abstractmethod
    async def edit_contribution(
        self, contribution_id: int, body: str, *, editor_id: int, now: datetime | None = None
    ) -> Contribution:
        """Replace the body, keeping the previous one in the edit history."""

    @abstractmethod
    async def list_contribution_edits(self, contribution_id: int) -> list[ContributionEdit]:
        """Superseded bodies, oldest first."""

    @abstractmethod
    async def withdraw_contribution(
        self, contribution_id: int, *, now: datetime | None = None
    ) -> Contribution:
        """Mark withdrawn (kept for the record and its rebuttals); idempotent."""

    # --- votes ------------------------------------------------------------------------------

    @abstractmethod
    async def cast_vote(
        self, target: VoteTarget, member_id: int, value: int, *, now: datetime | None = None,
        click: VoteClick | None = None, debounce: float = 0.0,
    ) -> VoteOutcome:
        """Apply one click atomically: a new vote is added, the same value again withdraws,
        the other value switches. ``value`` is +1 (agree) or -1 (disagree); the outcome
        carries the fresh tally. Serialised per member and target, even across processes.

        With ``click`` the member's clicks on the target take effect in click order, however
        they arrive: a click older than one already applied is put back in its place and the
        vote folded again from there; a click already recorded (the same id) changes nothing.
        A click of the same value less than ``debounce`` seconds after the member's previous
        counted one is a double click and is not counted (``repeated``).
        """

    @abstractmethod
    async def get_vote(self, target: VoteTarget, member_id: int) -> int | None:
        """The member's current vote on the target, or ``None``."""

    @abstractmethod
    async def tally(self, target: VoteTarget) -> Tally:
        """Agree / disagree counted from the vote rows."""

    # --- awards -----------------------------------------------------------------------------

    @abstractmethod
    async def award_changed_mind(
        self,
        member_id: int,
        contribution_id: int,
        reason: str | None = None,
        *,
        now: datetime | None = None,
    ) -> Award | None:
        """Credit a contribution with changing ``member_id``'s mind; ``None`` if that member
        already did (one award per member per contribution)."""

    @abstractmethod
    async def list_awards(
        self,
        *,
        contribution_id: int | None = None,
        guild_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Award]:
        """Awards matching the filters (given ``since`` <= created_at < ``until``), oldest
        first."""

    # --- moderation log ---------------------------------------------------------------------

    @abstractmethod
    async def log_moderation(
        self,
        guild_id: int,
        actor_id: int,
        action: str,
        *,
        target: str | None = None,
        details: str | None = None,
        now: datetime | None = None,
    ) -> ModerationEntry:
        """Append to a guild's moderation log."""

    @abstractmethod
    async def list_moderation(
        self, guild_id: int, *, limit: int = 50, before_id: int | None = None
    ) -> list[ModerationEntry]:
        """A guild's moderation log, newest first; page with ``before_id``."""

    # --- weekly summaries -------------------------------------------------------------------

    @abstractmethod
    async def claim_summary(
        self, guild_id: int, iso_week: str, *, now: datetime | None = None
    ) -> bool:
        """``True`` for exactly one caller per (guild, ISO week like ``2026-W47``), across
        processes; the winner posts the summary and records it."""

    @abstractmethod
    async def reclaim_summary(
        self, guild_id: int, iso_week: str, *, stale_before: datetime,
        now: datetime | None = None,
    ) -> bool:
        """Take over a claim whose holder is presumed dead: ``True`` for exactly one caller,
        and only while no message is recorded and the claim dates from before
        ``stale_before``. The claim then dates from ``now`` (which must be later)."""

    @abstractmethod
    async def record_summary_message(
        self, guild_id: int, iso_week: str, message_id: int, *, now: datetime | None = None
    ) -> SummaryPost:
        """Record the posted summary's message (``NotFound`` if the week was not claimed).
        The first message recorded for the week stays; a later call returns it."""

    @abstractmethod
    async def release_summary(
        self, guild_id: int, iso_week: str, *, claimed_at: datetime | None = None
    ) -> bool:
        """Drop a claim whose posting failed (only while no message is recorded). With
        ``claimed_at``, only the claim made then: one taken over meanwhile stays."""

    @abstractmethod
    async def get_summary_post(self, guild_id: int, iso_week: str) -> SummaryPost | None:
        """The claim / post for that week, or ``None``."""

    # --- summary queries --------------------------------------------------------------------

    @abstractmethod
    async def pieces_published_between(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[PieceRecord]:
        """Pieces with ``start <= published_at < end``, oldest first."""

    @abstractmethod
    async def argument_stats(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[ArgumentStats]:
        """Stats of every argument of the pieces published in ``[start, end)``.

        Tallies count current vote rows cast before ``end``; counters / rebuttals count
        contributions made before ``end`` and not withdrawn. Ordered by piece, then number.
        Activity in the window on older pieces shows in ``contribution_stats`` and
        ``participation``.
        """

    @abstractmethod
    async def contribution_stats(
        self, guild_id: int, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[ContributionStats]:
        """Contributions made in ``[start, end)`` (not withdrawn) with their votes and awards,
        best net first, then oldest."""

    @abstractmethod
    async def participation(
        self, guild_id: int, start: datetime, end: datetime
    ) -> Participation:
        """Members who voted, contributed or gave an award in ``[start, end)`` (by the rows
        as they stand: a vote withdrawn since is gone), and which of them first took part in
        this guild before ``start`` (counting anything they ever did, withdrawn or not)."""
