"""The publishing state machine: complete, resumable after a crash at any step, never double.

Each crash test publishes with a port that "dies" at side effect K (before or after Discord
acted), then opens a new store instance on the same database and a new publisher, as a
restarted process would, and checks what "Discord" ends up holding.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.articles.model import Piece
from bot.publishing import (
    ChannelGone,
    MissingPermissions,
    OpeningChunk,
    Publisher,
    TransientError,
)
from bot.publishing.payloads import PieceCard, opening_chunks
from bot.store import PieceRecord, Store
from tests.publishing.fakeport import Crash, FakeDiscord, FakeMessage, FakePort, Mode
from tests.publishing.samples import no_arguments, three_arguments

MakeStore = Callable[..., Awaitable[Store]]
GUILD = 1
_channels = itertools.count(10)


def new_channel(d: FakeDiscord, kind: str = "text") -> int:
    channel_id = next(_channels)
    d.kinds[channel_id] = kind  # type: ignore[assignment]
    return channel_id


async def assert_complete(store: Store, d: FakeDiscord, piece_id: int) -> None:
    """Exactly one card (text), one thread per argument, each with its opening once."""
    piece = await store.get_piece(piece_id)
    assert piece is not None and piece.state == "published", piece
    arguments = await store.list_arguments(piece_id)
    kind = d.kinds[piece.channel_id]
    # The role ping (feed pieces) is checked by its own tests.
    in_channel = [m for m in d.in_channel(piece.channel_id) if m.pinged_role is None]
    if kind == "text":
        assert [m.id for m in in_channel] == [piece.message_id]
        card = in_channel[0].card
        assert card is not None
        for a in arguments:
            assert f"/channels/{GUILD}/{a.thread_id})" in card.description
    else:
        assert in_channel == [] and piece.message_id is None
    threads = d.threads_of(piece.channel_id)
    assert sorted(t.id for t in threads) == sorted(a.thread_id for a in arguments)
    names = {t.id: t.name for t in threads}
    for a in arguments:
        assert names[a.thread_id].startswith(f"{a.number}. ")
        messages = [m for m in d.in_channel(a.thread_id)  # type: ignore[arg-type]
                    if m.pinged_role is None]
        expected = opening_chunks(piece, a, len(arguments))
        assert [m.content for m in messages] == [c.content for c in expected]
        assert messages[-1].id == a.opening_message_id and messages[-1].controls == a.id
        assert a.posted


async def queue(publisher: Publisher, channel_id: int, piece: str | Piece) -> PieceRecord:
    """``piece`` (a URL: the sample of three arguments at that URL) queued for ``channel_id``."""
    record = await publisher.queue(
        GUILD, channel_id, three_arguments(piece) if isinstance(piece, str) else piece)
    assert record is not None
    return record


async def queued(store: Store, port: FakePort, channel_id: int, piece: str | Piece,
                 **options: Any) -> tuple[Publisher, PieceRecord]:
    """A publisher on ``store`` and ``port`` (``options`` for its constructor), and ``piece``
    (as :func:`queue` takes it) it queued for ``channel_id``."""
    publisher = Publisher(store, port, **options)
    return publisher, await queue(publisher, channel_id, piece)


async def test_text_channel_gets_one_card_and_a_thread_per_argument(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    port = FakePort(d)
    publisher, piece = await queued(store, port, channel, "https://example.org/a")
    steps: list[str] = []

    async def progress(text: str) -> None:
        steps.append(text)

    result = await publisher.publish(piece.id, progress=progress)
    assert result.outcome == "published" and result.ok
    await assert_complete(store, d, piece.id)
    names = [t.name for t in d.threads_of(channel)]
    assert names == ["1. The lanes are already paying for themselves",
                     "2. Half a network is the most dangerous network",
                     "3. The money is already committed"]
    # The card comes first and the threads follow it in order (the channel reads card, 1, 2,
    # 3); the long argument is three messages, the others one each; one card edit, once
    # every thread exists.
    assert sorted(port.calls) == sorted(["card", "thread", "thread", "thread", "edit"]
                                        + ["opening"] * 5)
    assert port.calls[0] == "card"
    assert port.calls.index("edit") > max(i for i, c in enumerate(port.calls) if c == "thread")
    assert steps[0] == "Posted the piece card." and steps[-1] == "Published."
    again = await publisher.publish(piece.id)
    assert again.outcome == "skipped" and len(port.calls) == 10


async def test_forum_gets_one_tagged_post_per_argument(store: Store, d: FakeDiscord) -> None:
    forum = new_channel(d, "forum")
    port = FakePort(d)
    publisher, piece = await queued(store, port, forum, "https://example.org/f")
    assert (await publisher.publish(piece.id)).outcome == "published"
    await assert_complete(store, d, piece.id)
    tag = d.tags[forum]["Our City Should…"]
    assert {t.tag_id for t in d.threads_of(forum)} == {tag}
    first = d.messages[d.threads_of(forum)[0].id]
    assert ("from *Our City Should Stop Apologising for Bike Lanes* · "
            "[read the piece](<https://example.org/f>)") in first.content


async def test_forum_without_tag_room_posts_untagged(store: Store, d: FakeDiscord) -> None:
    forum = new_channel(d, "forum")
    publisher, piece = await queued(store, FakePort(d, can_tag=False),
                                    forum, "https://example.org/untagged")
    assert (await publisher.publish(piece.id)).outcome == "published"
    assert {t.tag_id for t in d.threads_of(forum)} == {None}


async def test_piece_without_arguments_gets_one_thread(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    publisher, piece = await queued(store, FakePort(d), channel, no_arguments())
    assert (await publisher.publish(piece.id)).outcome == "published"
    [thread] = d.threads_of(channel)
    assert thread.name == "Some Musings on Libraries"
    [opening] = d.in_channel(thread.id)
    assert opening.content.startswith("**The whole piece, open for debate**")
    assert "Keep them open on Sundays." in opening.content
    card = d.in_channel(channel)[0].card
    assert card is not None and "**Discussion**" in card.description


async def test_piece_stored_without_arguments_fails_clearly(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    publisher = Publisher(store, FakePort(d))
    raw = await store.create_piece(GUILD, channel, no_arguments())
    assert raw is not None
    result = await publisher.publish(raw.id)
    assert result.outcome == "failed" and "Publisher.queue" in result.detail
    assert d.in_channel(channel) == []


def steps_of_a_clean_run(kind: str) -> int:
    # text: card, 3 threads, 5 opening messages, card edit; forum: 3 posts, 2 more messages.
    return 10 if kind == "text" else 5


@pytest.mark.parametrize("kind", ["text", "forum"])
@pytest.mark.parametrize("mode", ["after", "before"])
@pytest.mark.parametrize("nonce_dedupe", [True, False], ids=["nonce", "no-nonce"])
async def test_a_crash_at_any_step_is_completed_by_a_restart_without_duplicates(
    store: Store, make_store: MakeStore, kind: str, mode: Mode, nonce_dedupe: bool, d: FakeDiscord
) -> None:
    total = steps_of_a_clean_run(kind)
    for k in range(1, total + 1):
        channel = new_channel(d, kind)
        port = FakePort(d, crash_at=k, mode=mode, nonce_dedupe=nonce_dedupe)
        dying, piece = await queued(store, port, channel, f"https://example.org/crash-{kind}-{k}")
        with pytest.raises(Crash):
            await dying.publish(piece.id)
        assert (await store.get_piece(piece.id)).state == "publishing"  # type: ignore[union-attr]

        restarted_store = await make_store()
        restarted = Publisher(restarted_store, FakePort(d, nonce_dedupe=nonce_dedupe))
        [result] = await restarted.resume()
        assert result.outcome == "published", (k, result)
        await assert_complete(restarted_store, d, piece.id)


@pytest.mark.parametrize("kind", ["text", "forum"])
async def test_crashing_after_every_single_step_still_converges(
    store: Store, make_store: MakeStore, kind: str, d: FakeDiscord
) -> None:
    channel = new_channel(d, kind)
    piece = await queue(Publisher(store, FakePort(d)), channel, f"https://example.org/r-{kind}")
    for _ in range(30):
        # Every process dies right after its second side effect, before recording it (the
        # card edit is not recorded, so a process must live past it to finish).
        publisher = Publisher(await make_store(), FakePort(d, crash_at=2, nonce_dedupe=False))
        try:
            result = await publisher.publish(piece.id)
        except Crash:
            continue
        assert result.outcome == "published"
        break
    else:
        pytest.fail("publishing never finished")
    await assert_complete(store, d, piece.id)


async def test_missing_permissions_leave_the_piece_to_retry_and_notify_once(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    port = FakePort(d, missing=["create_public_threads", "embed_links"])
    publisher, piece = await queued(store, port, channel, "https://example.org/perm")
    result = await publisher.publish(piece.id)
    assert result.outcome == "failed"
    assert result.detail == ("I am missing these permissions in that channel: "
                             "Embed Links, Create Public Threads")
    assert port.calls == [] and d.in_channel(channel) == []
    assert result.piece is not None and result.piece.state == "failed"
    [(guild, where, notice)] = d.notices
    assert (guild, where) == (GUILD, channel)
    assert "Embed Links, Create Public Threads" in notice and "/piece post" in notice

    # The retry loop tries again: same problem, no second notice.
    assert (await publisher.resume())[0].outcome == "failed"
    assert len(d.notices) == 1
    port.missing = []
    assert (await publisher.resume())[0].outcome == "published"
    await assert_complete(store, d, piece.id)


@pytest.mark.parametrize(
    "refusal", [MissingPermissions(["send_messages_in_threads"]), TransientError("502"),
                ChannelGone("Unknown Channel")], ids=["forbidden", "5xx", "gone"])
async def test_a_refusal_mid_way_keeps_what_was_posted_and_a_retry_finishes(
    store: Store, refusal: Exception, d: FakeDiscord, channel: int
) -> None:
    port = FakePort(d, refuse_at=3, refusal=refusal)  # type: ignore[arg-type]
    publisher, piece = await queued(store, port,
                                    channel, f"https://example.org/mid-{type(refusal).__name__}")
    result = await publisher.publish(piece.id)
    assert result.outcome == "failed" and result.piece is not None
    assert result.piece.message_id is not None  # the card stays recorded
    # Only refusals a moderator can fix are worth a notice; a 5xx is retried quietly.
    assert len(d.notices) == (0 if isinstance(refusal, TransientError) else 1)
    port.refuse_at = None
    assert (await publisher.publish(piece.id)).outcome == "published"
    await assert_complete(store, d, piece.id)


async def test_a_deleted_channel_is_reported(store: Store, d: FakeDiscord) -> None:
    publisher, piece = await queued(store, FakePort(d), 999_999, "https://example.org/gone")
    result = await publisher.publish(piece.id)
    assert result.outcome == "failed" and result.detail == "the channel is gone"
    assert len(d.notices) == 1


async def test_resume_takes_every_unfinished_piece_oldest_first(
    store: Store, d: FakeDiscord,
) -> None:
    port = FakePort(d)
    publisher = Publisher(store, port)
    first = await queue(publisher, new_channel(d), "https://example.org/1")
    second = await queue(publisher, new_channel(d, "forum"), "https://example.org/2")
    results = await publisher.resume()
    assert [(r.piece_id, r.outcome) for r in results] == [
        (first.id, "published"), (second.id, "published")]
    assert await publisher.resume() == []


class GatedPort(FakePort):
    """Holds the first opening until the second thread has been asked for, so a publisher
    that waited for each opening before the next thread would never finish."""

    def __init__(self, d: FakeDiscord, **kwargs: object) -> None:
        super().__init__(d, **kwargs)  # type: ignore[arg-type]
        self.second_thread = asyncio.Event()
        self.threads_asked = 0

    async def create_thread(self, channel_id: int, name: str) -> int:
        self.threads_asked += 1
        if self.threads_asked == 2:
            self.second_thread.set()
        return await super().create_thread(channel_id, name)

    async def send_opening(self, thread_id: int, chunk: OpeningChunk) -> int:
        await self.second_thread.wait()
        return await super().send_opening(thread_id, chunk)


async def test_openings_go_out_while_the_next_threads_are_opened(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    port = GatedPort(d)
    publisher, piece = await queued(store, port, channel, "https://example.org/pipelined")
    # The bound only turns a deadlock (a sequential publisher) into a failure.
    result = await asyncio.wait_for(publisher.publish(piece.id), 30)
    assert result.outcome == "published"
    await assert_complete(store, d, piece.id)
    assert port.calls[:3] == ["card", "thread", "thread"]


async def test_a_refused_thread_lets_the_opening_under_way_finish_and_be_recorded(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    # Side effects: card, thread 1, then thread 2 refused while opening 1 waits for it.
    port = GatedPort(d, refuse_at=3, refusal=TransientError("502 Bad Gateway"))
    publisher, piece = await queued(store, port, channel, "https://example.org/refused-mid-way")
    result = await publisher.publish(piece.id)
    assert result.outcome == "failed" and result.retryable
    first, second, _ = await store.list_arguments(piece.id)
    assert first.posted and first.opening_message_id is not None
    assert second.thread_id is None
    port.refuse_at = None
    assert (await publisher.publish(piece.id)).outcome == "published"
    await assert_complete(store, d, piece.id)


async def test_a_cancelled_publish_leaves_no_step_running(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    port = GatedPort(d)
    publisher, piece = await queued(store, port, channel, "https://example.org/cancelled")
    original = port.create_thread
    stuck = asyncio.Event()

    async def second_thread_hangs(channel_id: int, name: str) -> int:
        if port.threads_asked == 1:
            port.threads_asked += 1
            port.second_thread.set()  # opening 1 may go now...
            stuck.set()
            await asyncio.Event().wait()  # ...while thread 2 never answers
        return await original(channel_id, name)

    port.create_thread = second_thread_hangs  # type: ignore[method-assign]
    publishing = asyncio.create_task(publisher.publish(piece.id))
    await stuck.wait()
    publishing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await publishing
    # Nothing of this publish runs on: no task is left that could post later.
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith(f"opening-{piece.id}")]
    steps = len(port.calls)
    await asyncio.sleep(0)
    assert len(port.calls) == steps


ROLE = 4242


async def queue_from_feed(store: Store, publisher: Publisher, channel_id: int, url: str,
                          *, role: int | None = ROLE) -> PieceRecord:
    subscription = await store.add_subscription(
        GUILD, channel_id, f"https://example.org/feed-{channel_id}.xml", created_by=1,
        mention_role_id=role)
    record = await publisher.queue(GUILD, channel_id, three_arguments(url),
                                   subscription_id=subscription.id)
    assert record is not None
    return record


def pings(d: FakeDiscord) -> list[FakeMessage]:
    return [m for m in d.messages.values() if m.pinged_role is not None]


@pytest.mark.parametrize("kind", ["text", "forum"])
async def test_a_feed_piece_pings_its_role_once_everything_is_posted(
    store: Store, kind: str, d: FakeDiscord
) -> None:
    channel = new_channel(d, kind)
    port = FakePort(d)
    publisher = Publisher(store, port)
    piece = await queue_from_feed(store, publisher, channel, f"https://example.org/ping-{kind}")
    assert (await publisher.publish(piece.id)).outcome == "published"
    [ping] = pings(d)
    assert port.calls[-1] == "ping" and ping.pinged_role == ROLE
    assert ping.content == (f"<@&{ROLE}> New piece: **Our City Should Stop Apologising for "
                            "Bike Lanes**")
    published = await store.get_piece(piece.id)
    assert published is not None and published.ping_message_id == ping.id
    if kind == "text":
        # A reply to the card, in the channel.
        assert ping.channel_id == channel and ping.reply_to == published.message_id
    else:
        # A forum has no card: the first post.
        first = (await store.list_arguments(piece.id))[0]
        assert ping.channel_id == first.thread_id and ping.reply_to is None
    assert (await publisher.publish(piece.id)).outcome == "skipped"
    assert len(pings(d)) == 1


async def test_no_role_no_ping_and_hand_posted_pieces_never_ping(
    store: Store, d: FakeDiscord,
) -> None:
    publisher = Publisher(store, FakePort(d))
    quiet = await queue_from_feed(store, publisher, new_channel(d), "https://example.org/quiet",
                                  role=None)
    by_hand = await queue(publisher, new_channel(d), "https://example.org/by-hand")
    for piece in (quiet, by_hand):
        assert (await publisher.publish(piece.id)).outcome == "published"
    assert pings(d) == []


@pytest.mark.parametrize("nonce_dedupe", [True, False], ids=["nonce", "no-nonce"])
async def test_a_crash_around_the_ping_is_finished_by_a_restart_with_one_ping(
    store: Store, make_store: MakeStore, nonce_dedupe: bool, d: FakeDiscord
) -> None:
    for mode in ("before", "after"):
        channel = new_channel(d)
        # Side effects: card, 3 threads, 5 openings, card edit, then the ping (11th).
        dying = Publisher(store, FakePort(d, crash_at=11, mode=mode,  # type: ignore[arg-type]
                                          nonce_dedupe=nonce_dedupe))
        piece = await queue_from_feed(store, dying, channel, f"https://example.org/pc-{mode}")
        with pytest.raises(Crash):
            await dying.publish(piece.id)
        restarted = Publisher(await make_store(), FakePort(d, nonce_dedupe=nonce_dedupe))
        [result] = await restarted.resume()
        assert result.outcome == "published"
        await assert_complete(store, d, piece.id)
        in_channel = [m for m in pings(d) if m.channel_id == channel]
        assert len(in_channel) == 1
        assert (await store.get_piece(piece.id)).ping_message_id == in_channel[0].id  # type: ignore[union-attr]


async def test_a_ping_that_fails_leaves_the_piece_to_retry_the_ping_alone(
    store: Store, d: FakeDiscord, channel: int,
) -> None:
    port = FakePort(d, refuse_at=11, refusal=TransientError("503"))
    publisher = Publisher(store, port)
    piece = await queue_from_feed(store, publisher, channel, "https://example.org/ping-retry")
    failed = await publisher.publish(piece.id)
    assert failed.outcome == "failed" and failed.retryable and pings(d) == []
    steps = len(port.calls)
    port.refuse_at = None
    assert (await publisher.publish(piece.id)).outcome == "published"
    assert port.calls[steps:] == ["edit", "ping"]  # the card edit is redone; nothing posted twice
    assert len(pings(d)) == 1


# --- handing pieces on (Publisher.hand_on) --------------------------------------------------


class _SideBySidePort(FakePort):
    """Holds each card until cards of ``together`` different channels are being sent at once:
    a publisher that took one piece at a time would never get past the first."""

    def __init__(self, d: FakeDiscord, together: int) -> None:
        super().__init__(d)
        self.together = together
        self.in_flight: set[int] = set()
        self.met = asyncio.Event()
        self.cards: list[tuple[int, str | None]] = []

    async def send_piece_card(self, channel_id: int, card: PieceCard, nonce: str) -> int:
        self.in_flight.add(channel_id)
        if len(self.in_flight) >= self.together:
            self.met.set()
        await self.met.wait()
        self.in_flight.discard(channel_id)
        self.cards.append((channel_id, card.url))
        return await super().send_piece_card(channel_id, card, nonce)


async def test_handed_on_pieces_go_out_side_by_side_in_order_per_channel(store: Store) -> None:
    d = FakeDiscord()
    channels = [new_channel(d) for _ in range(3)]
    port = _SideBySidePort(d, together=3)
    publisher = Publisher(store, port, lanes_at_once=3)
    handed: list[tuple[int, int]] = []
    urls: dict[int, list[str]] = {c: [] for c in channels}
    for n in range(4):
        for channel in channels:
            url = f"https://example.org/{channel}/{n}"
            handed.append(((await queue(publisher, channel, url)).id, channel))
            urls[channel].append(url)
    results: list[str] = []
    publisher.on_result = lambda result: results.append(result.outcome)
    publisher.hand_on(handed)
    # Handing on again while they are queued does not publish anything twice.
    publisher.hand_on(handed[:3])
    assert all(publisher.is_busy(piece_id) for piece_id, _ in handed)
    await asyncio.wait_for(publisher.drain(), 30)  # bound against a hang only
    assert results == ["published"] * len(handed)
    for piece_id, _ in handed:
        record = await store.get_piece(piece_id)
        assert record is not None and record.state == "published"
        assert len(await store.list_arguments(piece_id)) == 3
    for channel in channels:
        # Each channel's cards in the order its pieces were handed on.
        assert [u for c, u in port.cards if c == channel] == urls[channel]
        assert [m.embed_url for m in d.in_channel(channel)] == urls[channel]


async def test_a_stopping_publisher_takes_nothing_more_from_its_lanes(store: Store) -> None:
    d = FakeDiscord()
    channel = new_channel(d)
    publisher = Publisher(store, FakePort(d))
    pieces = [await queue(publisher, channel, f"https://example.org/s{n}") for n in range(3)]
    await publisher.stop(grace=5)
    publisher.hand_on((p.id, channel) for p in pieces)
    await asyncio.wait_for(publisher.drain(), 30)
    # Left pending for the next start.
    for p in pieces:
        record = await store.get_piece(p.id)
        assert record is not None and record.state == "pending"


async def test_paced_port_starts_no_more_calls_a_window_than_allowed(store: Store) -> None:
    from bot.publishing.pacing import PacedPort, SlidingWindow

    class Counted(SlidingWindow):
        def __init__(self) -> None:
            super().__init__(3)
            self.held: list[int] = []

        async def slot(self) -> None:
            await super().slot()
            self.held.append(len(self._starts))

    d = FakeDiscord()
    channel = new_channel(d)
    port = PacedPort(FakePort(d))
    port.pace = window = Counted()
    publisher, piece = await queued(store, port, channel, "https://example.org/paced")
    assert (await publisher.publish(piece.id)).outcome == "published"
    await assert_complete(store, d, piece.id)
    # Every call to Discord went through the window, which never held more than 3 starts.
    assert len(window.held) == 10 and max(window.held) <= 3
