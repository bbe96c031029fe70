"""Publishing a piece as a recorded state machine over the store.

Steps, each recorded in the store right after Discord confirms it::

    begin_publishing
    → piece card in the channel            (text channels; forums have no card)
    → per argument, in order: its thread; its opening message(s) with controls follow
      concurrently with the next threads
    → once every thread exists: edit the card so every argument links to its thread
    → once everything is posted: ping the feed subscription's role, if it names one
    → finish_publishing

Each step is taken by :class:`bot.publishing.steps.PieceSteps`; this module orders them, holds
the piece's lease, and records what a failure means.

A process that dies at any point leaves the piece ``publishing`` with the steps done so far
recorded; ``publish`` again (at the next start) continues from there. The one unrecorded
window, after Discord acted and before the store heard of it, is closed by reconciliation on
every attempt after the first: messages carry deterministic nonces (Discord returns the
existing message for a repeated nonce for a few minutes) and, beyond that window, the bot's
own recent messages and active threads are searched for what it already posted.

The dead process's lease does not hold the piece up for long: a process on the same host sees
that the holder has exited and takes the lease over at once (see
:mod:`bot.liveness`); elsewhere ``resume`` tries again the moment the lease runs
out. A process that is asked to stop (:meth:`Publisher.stop`) does better than dying: it lets
the step in flight finish, records it, starts no other and gives the lease back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot.articles.model import Piece
from bot.liveness import ProcessIdentity, holder_is_gone
from bot.publishing.lanes import Lanes
from bot.publishing.payloads import (
    build_card,
    fit,
    forum_tag_name,
    piece_link,
    thread_name,
)
from bot.publishing.port import (
    PERMISSION_LABELS,
    ChannelGone,
    ChannelKind,
    DiscordPort,
    MissingPermissions,
    PortError,
    required_permissions,
)
from bot.publishing.steps import PieceSteps
from bot.queueing import threadable
from bot.store import (
    ArgumentRecord,
    InvalidTransition,
    NotFound,
    PieceRecord,
    Store,
    StoreError,
)
from bot.store.records import PublishState

log = logging.getLogger(__name__)

Outcome = Literal["published", "failed", "skipped", "busy", "stopped", "elsewhere"]
Progress = Callable[[str], Awaitable[None]]
# The last progress report of a publish that went through.
PUBLISHED = "Published."
#: Seconds a process's claim on a piece lasts in the store; renewed every third of it while
#: publishing runs, so a process that died holds a piece up for at most this long (and not at
#: all when the process that finds it runs on the same host: it sees the holder is gone). Short,
#: because a restart waits that long; renewing every 10 s costs one small UPDATE.
LEASE_SECONDS = 30.0
#: Seconds after another process's lease runs out before trying its piece again: the store
#: compares the expiry with this process's clock, so a moment's margin avoids a wasted try.
EXPIRY_MARGIN = 0.25
#: Channels whose handed-on pieces are published side by side (:meth:`Publisher.hand_on`;
#: see :mod:`bot.publishing.lanes`).
LANES_AT_ONCE = 50
#: Why a piece was left half-posted by a shutdown; fit to show a moderator.
STOPPED = ("the bot was shutting down; it finishes the piece when it starts again, without "
           "posting anything twice")
#: Why a piece is left alone here: its guild is on a shard another process runs.
ELSEWHERE = "its server is on a shard another bot process runs; that process posts it"
# Pieces a restart (or the retry loop) picks up again.
RESUMABLE: tuple[Literal["pending", "publishing", "failed"], ...] = (
    "pending", "publishing", "failed")


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What one ``publish`` call did. ``detail`` is fit to show a moderator."""

    piece_id: int
    outcome: Outcome
    detail: str
    piece: PieceRecord | None = None
    #: A failure that may clear by itself (Discord failing or rate limiting), as opposed to
    #: one a moderator must fix; callers may retry these soon rather than at the next round.
    retryable: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome in ("published", "skipped")


class Publisher:
    """Posts queued pieces to Discord through a :class:`DiscordPort`, resumably."""

    def __init__(self, store: Store, port: DiscordPort, *, owner: str | None = None,
                 lease_seconds: float = LEASE_SECONDS,
                 lanes_at_once: int = LANES_AT_ONCE,
                 owns: Callable[[int], bool] | None = None) -> None:
        self.store = store
        #: Whether a guild's pieces are this process's to post (``None``: every guild's). A
        #: process running some of the bot's shards sees only those shards' guilds.
        self.owns = owns
        self._steps = PieceSteps(store, port, self._go_on)
        # The lock keeps this process's tasks apart; the store's lease, other processes.
        self._locks: dict[int, asyncio.Lock] = {}
        #: This process, as lease owners name it; used to tell whether a holder is gone.
        self.identity = ProcessIdentity.current()
        self.owner = owner or str(self.identity)
        self.lease_seconds = lease_seconds
        # Pieces another process holds, each waiting for that lease to run out.
        self._following: dict[int, asyncio.Task[None]] = {}
        # Publishes under way, and whether a shutdown has begun (see stop()).
        self._active: set[asyncio.Future[PublishResult]] = set()
        self._stopping = False
        # Pieces handed on (hand_on): one lane per channel, published in the order handed
        # on; lanes run side by side, at most ``lanes_at_once`` of them publishing at a time.
        self._lanes = Lanes(self.publish, self._report, at_once=lanes_at_once)
        #: Called with each handed-on piece's result (metrics, logs).
        self.on_result: Callable[[PublishResult], None] | None = None

    @property
    def port(self) -> DiscordPort:
        """Discord, as this publisher reaches it (the steps post through the same one)."""
        return self._steps.port

    @port.setter
    def port(self, port: DiscordPort) -> None:
        # Swapped by tests that stand between the bot and Discord.
        self._steps.port = port

    # --- queueing ---------------------------------------------------------------------------

    async def queue(self, guild_id: int, channel_id: int, piece: Piece, *,
                    url: str | None = None, subscription_id: int | None = None
                    ) -> PieceRecord | None:
        """Queue a piece for a channel (``None`` if that URL is already queued there).

        Use this rather than ``store.create_piece``: a piece without enumerated arguments is
        stored with one argument standing for the whole piece, which gets the one thread.
        """
        return await self.store.create_piece(
            guild_id, channel_id, threadable(piece), url=url, subscription_id=subscription_id)

    # --- publishing -------------------------------------------------------------------------

    def is_busy(self, piece_id: int) -> bool:
        """Being published by this process, handed on and waiting in its channel's lane, or
        waiting here for another process's lease."""
        lock = self._locks.get(piece_id)
        return ((lock is not None and lock.locked()) or piece_id in self._following
                or piece_id in self._lanes)

    # --- handing on -------------------------------------------------------------------------

    def hand_on(self, pieces: Iterable[tuple[int, int]]) -> None:
        """Publish ``(piece_id, channel_id)`` pieces in the background, without waiting.

        Each channel's pieces go out one after another in the order handed on (a channel
        reads its pieces in order); different channels' pieces go out side by side, at most
        ``lanes_at_once`` channels at a time, so a cycle's pieces take about as long as
        Discord's limits allow rather than one round trip after another. Each publish is
        the same resumable, leased :meth:`publish`; a piece already handed on, or being
        published, is not handed on twice. Nothing starts once the publisher is stopping
        (the pieces stay pending for the next start).
        """
        self._lanes.hand_on(pieces)

    def _report(self, result: PublishResult) -> None:
        if self.on_result is not None:
            self.on_result(result)

    async def drain(self) -> None:
        """Wait until every piece handed on so far is done (tests, benchmarks)."""
        await self._lanes.drain()

    async def publish(self, piece_id: int, *, progress: Progress | None = None) -> PublishResult:
        """Publish (or finish publishing) one piece. Never raises for Discord's refusals: they
        are recorded on the piece (state ``failed``, retried later) and returned. ``busy``
        when another bot process on the same database holds the piece's lease; ``stopped``
        when the bot is shutting down (see :meth:`stop`)."""
        lock = self._locks.setdefault(piece_id, asyncio.Lock())
        try:
            async with lock:
                if self._stopping:
                    return await self._stopped(piece_id)
                work = asyncio.ensure_future(self._leased(piece_id, progress or _silent))
                self._active.add(work)
                try:
                    return await work
                except asyncio.CancelledError:
                    current = asyncio.current_task()
                    # Cut short by stop() (its grace ran out), not by our caller's cancel.
                    if self._stopping and work.cancelled() and not (
                            current is not None and current.cancelling()):
                        return await self._stopped(piece_id)
                    raise
                finally:
                    self._active.discard(work)
        finally:
            if not lock.locked():
                self._locks.pop(piece_id, None)

    async def stop(self, grace: float) -> None:
        """Shut publishing down (the bot is stopping): within about ``grace`` seconds, every
        lease is given back and what Discord did is recorded.

        No publish starts any more (``stopped``), and one under way stops at its next step:
        the Discord call in flight is let finish and is recorded, none follows, and the piece
        stays ``publishing`` with its steps recorded, for the next start to finish. A publish
        still going after ``grace`` (a call Discord does not answer) is cancelled: what it
        recorded stands, and the call it was waiting on is found again by reconciliation.
        """
        self._stopping = True
        # Lanes start no further piece; the one each is publishing stops like any other.
        self._lanes.stop()
        following = list(self._following.values())
        for task in following:
            task.cancel()
        if following:
            await asyncio.wait(following)
        active = set(self._active)
        if not active:
            return
        log.info("stopping: letting %d publish(es) under way finish their current step",
                 len(active))
        _, late = await asyncio.wait(active, timeout=grace)
        for work in late:
            log.warning("stopping: a publish still waited on Discord after %g s; cut short",
                        grace)
            work.cancel()
        if late:
            # Each gives its lease back on the way out.
            await asyncio.wait(late)

    async def _stopped(self, piece_id: int) -> PublishResult:
        return PublishResult(piece_id, "stopped", STOPPED, await self.store.get_piece(piece_id))

    def _go_on(self) -> None:
        """Called before each step that asks Discord to act: none starts once stopping."""
        if self._stopping:
            raise _Stopping

    async def _leased(self, piece_id: int, progress: Progress) -> PublishResult:
        """``_publish`` while holding the piece's lease in the store (``busy`` if another
        process holds it); should the lease be lost, publishing stops there."""
        if self.owns is not None:
            piece = await self.store.get_piece(piece_id)
            if piece is not None and not self.owns(piece.guild_id):
                return PublishResult(piece_id, "elsewhere", ELSEWHERE, piece)
        if not await self._claim(piece_id):
            return PublishResult(piece_id, "busy", "being published by another process",
                                 await self.store.get_piece(piece_id))
        work = asyncio.ensure_future(self._publish(piece_id, progress))
        lost = asyncio.Event()
        keeper = asyncio.create_task(self._keep_lease(piece_id, work, lost))
        try:
            return await work
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not lost.is_set() or (current is not None and current.cancelling()):
                raise
            return PublishResult(piece_id, "busy", "another process took over publishing it",
                                 await self.store.get_piece(piece_id))
        finally:
            keeper.cancel()
            try:
                await asyncio.shield(self.store.release_piece(piece_id, self.owner))
            except StoreError as exc:  # the lease then runs out by itself
                log.warning("could not release the lease on piece %s: %s", piece_id, exc)

    async def _claim(self, piece_id: int) -> bool:
        """Take the piece's lease: free, expired, ours, or held by a process that is gone."""
        if await self.store.claim_piece(piece_id, self.owner, self.lease_seconds):
            return True
        piece = await self.store.get_piece(piece_id)
        if piece is None:
            raise NotFound(f"no piece {piece_id}")
        holder = piece.lease_owner
        if holder is not None and not holder_is_gone(holder, self.identity):
            return False
        # Released meanwhile (None), or its holder has exited (killed, crashed) without
        # giving it back: waiting for the lease to run out would only delay the piece.
        taken = await self.store.claim_piece(
            piece_id, self.owner, self.lease_seconds, replacing=holder)
        if taken and holder is not None:
            log.info("piece %s: took the lease over from %s, which is no longer running",
                     piece_id, holder)
        return taken

    async def _keep_lease(
        self, piece_id: int, work: asyncio.Future[PublishResult], lost: asyncio.Event
    ) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                kept = await self.store.claim_piece(piece_id, self.owner, self.lease_seconds)
            except Exception:
                # The lease has time left: try again at the next renewal.
                log.exception("could not renew the lease on piece %s", piece_id)
                continue
            if not kept:
                # Expired and taken over (this process stalled, or lost the database for a
                # lease's length): going on would post what the other process posts.
                log.error("another process took over publishing piece %s; stopping", piece_id)
                lost.set()
                work.cancel()
                return

    async def resume(
        self, *, guild_id: int | None = None, states: Sequence[PublishState] = RESUMABLE
    ) -> list[PublishResult]:
        """Publish every piece left pending, half-published or failed, oldest first.

        Pieces another task or bot process is publishing right now are skipped (``busy``).
        One that another process holds is tried again here the moment its lease runs out, in
        the background: if that process died (killed, its host lost), the piece is finished
        within the lease's length rather than at the next round of retries.
        """
        pieces = await self.store.list_pieces(states=list(states), guild_id=guild_id)
        if self.owns is not None:
            pieces = [piece for piece in pieces if self.owns(piece.guild_id)]
        results: list[PublishResult] = []
        for piece in pieces:
            if self.is_busy(piece.id):
                results.append(PublishResult(piece.id, "busy", "being published", piece))
                continue
            result = await self.publish(piece.id)
            results.append(result)
            if result.outcome == "busy":
                self._follow(result)
        return results

    def _follow(self, busy: PublishResult) -> None:
        """Try ``busy``'s piece again when the lease another process holds on it runs out."""
        piece = busy.piece
        if piece is None or piece.lease_expires_at is None or busy.piece_id in self._following:
            return
        log.info("piece %s is being published by %s; trying it here if that lease runs out "
                 "(%s)", piece.id, piece.lease_owner, piece.lease_expires_at.isoformat())
        task = asyncio.create_task(self._follow_lease(piece.id, piece.lease_expires_at),
                                   name=f"follow-lease-{piece.id}")
        self._following[piece.id] = task
        task.add_done_callback(lambda _: self._following.pop(piece.id, None))

    async def _follow_lease(self, piece_id: int, expires_at: datetime) -> None:
        while True:
            # The holder renews while it is alive: each expiry seen is checked, and the
            # following ends once the piece is ours to publish (or was published).
            wait = (expires_at - datetime.now(UTC)).total_seconds() + EXPIRY_MARGIN
            await asyncio.sleep(max(wait, 0.0))
            try:
                result = await self.publish(piece_id)
            except Exception:
                # The store may be briefly unreachable: the retry loop takes the piece later.
                log.exception("trying piece %s after its lease ran out failed", piece_id)
                return
            if result.outcome != "busy" or result.piece is None \
                    or result.piece.lease_expires_at is None:
                if result.outcome == "published":
                    log.info("piece %s published after its lease ran out", piece_id)
                return
            expires_at = result.piece.lease_expires_at

    async def settled(self) -> None:
        """Wait until no piece waits here for another process's lease any more."""
        while self._following:
            await asyncio.wait(list(self._following.values()))

    async def _publish(self, piece_id: int, progress: Progress) -> PublishResult:
        piece = await self.store.get_piece(piece_id)
        if piece is None:
            raise NotFound(f"no piece {piece_id}")
        if piece.state == "published":
            return PublishResult(piece_id, "skipped", "already published", piece)
        previous_error = piece.last_error
        try:
            piece = await self.store.begin_publishing(piece_id)
        except InvalidTransition:
            # Published by another process in the meantime.
            return PublishResult(piece_id, "skipped", "already published",
                                 await self.store.get_piece(piece_id))
        try:
            arguments = await self.store.list_arguments(piece_id)
            if not arguments:
                raise _Unpublishable(
                    "the piece was queued without arguments; queue pieces through "
                    "Publisher.queue so a piece without a list gets one thread")
            kind = await self.port.channel_kind(piece.channel_id)
            if kind not in ("text", "forum"):
                raise ChannelGone(
                    "the channel is gone" if kind == "missing"
                    else "the channel is neither a text channel nor a forum")
            missing = await self.port.missing_permissions(
                piece.channel_id, required_permissions(kind))
            if missing:
                raise MissingPermissions(missing)
            piece = await self._run(piece, arguments, kind, progress)
        except _Stopping:
            # Left "publishing", every step taken recorded; the lease is given back next.
            log.info("piece %s: publishing stopped for the shutdown; the next start finishes "
                     "it", piece_id)
            return PublishResult(piece_id, "stopped", STOPPED,
                                 await self.store.get_piece(piece_id))
        except (PortError, _Unpublishable) as exc:
            return await self._failed(piece, exc, previous_error)
        except Exception as exc:
            # A bug must not leave the piece "publishing" for the next start to trip on
            # silently: record it, log the traceback, and let the retry loop carry on.
            log.exception("publishing piece %s failed unexpectedly", piece_id)
            return await self._failed(piece, _Unpublishable(f"internal error: {exc!r}"),
                                      previous_error, notify=False)
        await progress(PUBLISHED)
        count = len(arguments)
        return PublishResult(piece_id, "published",
                             f"posted with {count} thread{'s' if count != 1 else ''}", piece)

    async def _run(
        self,
        piece: PieceRecord,
        arguments: list[ArgumentRecord],
        kind: ChannelKind,
        progress: Progress,
    ) -> PieceRecord:
        # Only an earlier attempt can have left unrecorded side effects to find.
        resuming = piece.attempts > 1
        if kind == "text":
            piece = await self._steps.card(piece, arguments, resuming)
            await progress("Posted the piece card.")
        tag_id: int | None = None
        if kind == "forum" and any(a.thread_id is None for a in arguments):
            self._go_on()
            tag_id = await self.port.ensure_forum_tag(piece.channel_id, forum_tag_name(piece))
        # Threads are opened one at a time, in argument order: in a text channel each one
        # announces itself under the card ("started a thread"), and the channel should read
        # card, 1, 2, 3. Each thread's opening goes out concurrently with the next threads, and
        # the card edit as soon as every thread exists: a publish then takes as many round
        # trips as that order needs, not one per call. Every side effect is still recorded the
        # moment Discord confirms it, so a crash leaves at most one unrecorded step per task,
        # each found again by nonce or by reconciliation.
        total = len(arguments)
        work: list[asyncio.Task[None]] = []

        try:
            for index, argument in enumerate(arguments):
                if argument.posted:
                    continue
                # An opening refused (a permission taken away mid-way, say) stops the
                # threads here rather than leave more of them empty.
                _raise_first_failure([t for t in work if t.done()])
                self._go_on()
                argument, sent = await self._steps.thread(
                    piece, argument, total, kind, tag_id, resuming)
                arguments[index] = argument
                work.append(asyncio.create_task(
                    self._steps.opening(arguments, index, piece, total, sent),
                    name=f"opening-{piece.id}-{argument.number}"))
                # The thread's name is the argument's title, outside text: shown as written.
                await progress(f"Opened thread {index + 1} of {total}: "
                               f"{fit(thread_name(argument), 200, links=False)}")
            if kind == "text":
                assert piece.message_id is not None
                self._go_on()
                work.append(asyncio.create_task(self.port.edit_piece_card(
                    piece.channel_id, piece.message_id, build_card(piece, arguments)),
                    name=f"card-edit-{piece.id}"))
        except BaseException as exc:
            # A refusal lets the openings already under way finish and be recorded; a crash
            # or a cancellation (the lease lost) stops them.
            await _wind_down(work, cancel=not isinstance(exc, Exception))
            raise
        await _wind_down(work, cancel=False)
        _raise_first_failure(work)
        await self._steps.ping(piece, arguments, resuming)
        return await self.store.finish_publishing(piece.id)

    async def _failed(
        self,
        piece: PieceRecord,
        exc: Exception,
        previous_error: str | None,
        *,
        notify: bool = True,
    ) -> PublishResult:
        detail = _describe(exc)
        failed = await self.store.fail_publishing(piece.id, detail)
        log.warning("piece %s (%s) not published: %s", piece.id, piece.url, detail)
        # Tell moderators once per distinct problem, not on every retry.
        if notify and isinstance(exc, (MissingPermissions, ChannelGone, _Unpublishable)) \
                and detail != previous_error:
            await self._notify(failed, detail)
        retryable = isinstance(exc, PortError) and not isinstance(
            exc, (MissingPermissions, ChannelGone))
        return PublishResult(piece.id, "failed", detail, failed, retryable)

    async def _notify(self, piece: PieceRecord, detail: str) -> None:
        # The title and the URL come from outside: shown as written, the URL encoded (in a
        # code span, where only a backtick could end it, and an encoded URL has none).
        url = piece_link(piece)
        title = fit(piece.title or url or "a piece", 300, links=False)
        retry = (f"A moderator can also retry now with `/piece post url:{url}`." if url
                 else "A moderator can also retry now with `/piece post`.")
        text = (
            f"I could not finish posting **{title}** in <#{piece.channel_id}>: {detail}. "
            "The piece is kept and I retry it every few minutes and at every restart; "
            f"nothing already posted will be posted twice. {retry}"
        )
        try:
            delivered = await self.port.notify_moderators(piece.guild_id, piece.channel_id, text)
        except PortError as exc:
            delivered = False
            log.warning("could not notify moderators of guild %s: %s", piece.guild_id, exc)
        if not delivered:
            log.warning("guild %s has nowhere to tell moderators: %s", piece.guild_id, text)


class _Unpublishable(Exception):
    """The piece itself cannot be posted as stored (not a Discord refusal)."""


class _Stopping(Exception):
    """The bot is shutting down: no further step starts."""


async def _silent(_: str) -> None:
    return None


async def _wind_down(tasks: Sequence[asyncio.Task[None]], *, cancel: bool) -> None:
    """Wait until every task has ended, cancelling them first if ``cancel``: none may outlive
    the publish that started it (and post after its lease is gone)."""
    if not tasks:
        return
    if cancel:
        for task in tasks:
            task.cancel()
    try:
        await asyncio.wait(tasks)
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
        raise
    for task in tasks:
        # Retrieved here, so asyncio never reports one as lost when another error wins.
        if not task.cancelled() and task.exception() is not None:
            log.debug("publishing step %s failed: %r", task.get_name(), task.exception())


def _raise_first_failure(tasks: Sequence[asyncio.Task[None]]) -> None:
    """Raise the first error among finished ``tasks`` (in the order they were started)."""
    failures = [t.exception() for t in tasks if not t.cancelled()]
    first = next((f for f in failures if f is not None), None)
    if first is not None:
        raise first


def _describe(exc: Exception) -> str:
    if isinstance(exc, MissingPermissions) and exc.missing:
        names = ", ".join(PERMISSION_LABELS.get(m, m) for m in exc.missing)
        return f"I am missing these permissions in that channel: {names}"
    if isinstance(exc, MissingPermissions):
        return f"Discord refused for lack of permissions ({exc})"
    return str(exc) or type(exc).__name__

