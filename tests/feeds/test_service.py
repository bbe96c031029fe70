"""The feeds service against local feed servers on 127.0.0.1 and a real store (both backends).

Every fetch is real HTTP on loopback (the ``connections`` fixture fails any other address).
Clocks are pinned: each poll passes ``now``; nothing sleeps and nothing is timed.
"""
# The store fixtures are imported below and then named as test parameters, as pytest wants.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import html
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.feeds import pieces
from bot.feeds.entries import PRIMER_KEY, entry_keys
from bot.feeds.fetch import Fetcher
from bot.feeds.parse import ParsedFeed, parse_feed
from bot.feeds.poller import PauseNotice, PollSettings
from bot.feeds.service import FeedService, FeedServiceError
from bot.pipeline import read_source
from bot.store import Store
from tests.feeds.conftest import FeedServer
from tests.feedsite import BIKE_LANES, FeedSite, Item, long_body, rss
from tests.storefixtures import make_store, store, store_url  # noqa: F401

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 1001, 2002
MakeStore = Callable[..., Awaitable[Store]]
MOD = 42


# ------------------------------------------------------------------------------ the server


@pytest.fixture
async def publisher(connections: list[str]) -> AsyncIterator[FeedSite]:
    """Feeds that tests rewrite between polls; honours If-None-Match with a content ETag."""
    site = await FeedSite(etags=True).start()
    try:
        yield site
    finally:
        await site.stop()


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    # A short total timeout so the hanging route fails fast; no test measures time.
    async with Fetcher(allow_private_addresses=True, total_timeout=2.0,
                       connect_timeout=2.0) as instance:
        yield instance


@pytest.fixture
def service(store: Store, fetcher: Fetcher, clock: Clock) -> FeedService:
    return FeedService(store, fetcher, PollSettings(), clock=clock, rng=random.Random(7))


def item(n: int, *, day: int | None = None, **changes: object) -> Item:
    base = Item(guid=f"urn:piece:{n}", title=f"Piece number {n}",
                link=f"http://127.0.0.1/opinion/{n}",
                date=T0 - timedelta(days=30 - (day if day is not None else n)))
    for name, value in changes.items():
        setattr(base, name, value)
    return base


async def poll(service: FeedService, at: datetime, owner: str = "test") -> object:
    return await service.poll_once(owner, now=at)


async def pending_titles(store: Store, guild_id: int = GUILD) -> list[str | None]:
    return [p.title for p in await store.list_pieces(guild_id=guild_id)]


async def subscribe_raw(store: Store, url: str, channel: int = 1,
                        guild: int = GUILD) -> int:
    """A subscription made straight in the store (a feed that broke after /feed add), primed
    so that the first good read is not taken for history."""
    sub = await store.add_subscription(guild, channel, url, created_by=MOD, now=T0)
    await store.mark_seen(sub.feed_id, [PRIMER_KEY], now=T0)
    return sub.id


# ------------------------------------------------------------------------- add and polling


async def test_add_marks_existing_entries_seen_then_posts_only_new_ones(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    items = [item(1), item(2), item(3)]
    url = publisher.feed("/opinion.xml", items)
    added = await service.add(GUILD, 10, url, created_by=MOD, mention_role_id=77)
    assert added.existing_entries == 3 and added.backfilled == ()
    assert added.feed_url == url and added.feed_title == "Loopback Opinion"
    assert added.subscription.mention_role_id == 77

    report = await poll(service, T0)
    assert report.fetches == 1 and report.piece_ids == []
    assert await store.list_pieces() == []

    publisher.feed("/opinion.xml", [item(4), *items])
    report = await poll(service, T0 + timedelta(hours=1))
    assert len(report.piece_ids) == 1
    piece = await store.get_piece(report.piece_ids[0])
    assert piece is not None and piece.state == "pending"
    assert piece.title == "Piece number 4" and piece.url == "http://127.0.0.1/opinion/4"
    assert piece.subscription_id == added.subscription.id and piece.channel_id == 10
    assert piece.author == "Marisol Ekwueme"
    arguments = await store.list_arguments(piece.id)
    assert len(arguments) >= 3  # the sample enumerates its reasons


async def test_list_names_a_feed_by_its_title_right_after_add(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/named.xml", [item(1)], title="The Named Review")
    added = await service.add(GUILD, 10, url, created_by=MOD)
    # Before any poll: the title read at add time, not just the URL.
    [status] = await service.statuses(GUILD)
    assert status.title == "The Named Review" == added.feed_title
    assert (await store.get_feed(added.subscription.feed_id)).title == (  # type: ignore[union-attr]
        "The Named Review")


async def test_only_reads_with_news_are_parsed_in_full(
        service: FeedService, store: Store, publisher: FeedSite,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A first read and a read that finds nothing new are answered from the key scan
    (bot.feeds.scan); feedparser builds entries only when something is new, or when the
    scan cannot vouch for a feed."""
    full_parses: list[str | None] = []
    real_parse = pieces.parse_feed

    def counting_parse(body: bytes, **kwargs: Any) -> ParsedFeed:
        full_parses.append(kwargs.get("url"))
        return real_parse(body, **kwargs)

    monkeypatch.setattr(pieces, "parse_feed", counting_parse)
    url = publisher.feed("/scan.xml", [item(1), item(2)])
    sub = await store.add_subscription(GUILD, 10, url, created_by=MOD, now=T0)

    report = await poll(service, T0)  # first read: history, recorded as seen
    assert full_parses == [] and report.piece_ids == []
    assert await store.filter_unseen(sub.feed_id, entry_keys(
        parse_feed(rss([item(1), item(2)]), url=url).entries)) == []

    publisher.feed("/scan.xml", [item(1), item(2)], title="Loopback Opinion Weekly")
    report = await poll(service, T0 + timedelta(hours=1))  # new bytes, nothing new
    assert full_parses == [] and report.piece_ids == [] and report.not_modified == 0
    feed = await store.get_feed(sub.feed_id)
    assert feed is not None and feed.title == "Loopback Opinion Weekly"

    publisher.feed("/scan.xml", [item(3), item(1), item(2)])
    report = await poll(service, T0 + timedelta(hours=2))  # news: parsed in full, posted
    assert full_parses == [url] and len(report.piece_ids) == 1
    assert await pending_titles(store) == ["Piece number 3"]

    odd = publisher.raw("/based.xml", rss([item(5)]).replace(
        b"<channel>", b'<channel xml:base="http://127.0.0.1/elsewhere/">'))
    await store.add_subscription(GUILD, 11, odd, created_by=MOD, now=T0)
    report = await poll(service, T0 + timedelta(hours=3))
    assert full_parses == [url, odd]  # the scan declined xml:base; the full parse read it
    assert report.failed == 0 and report.piece_ids == []


async def test_304_path_and_list(service: FeedService, store: Store,
                                 publisher: FeedSite) -> None:
    url = publisher.feed("/steady.xml", [item(1)])
    added = await service.add(GUILD, 10, url, created_by=MOD)
    await poll(service, T0)
    assert publisher.conditional["/steady.xml"] == 0
    later = T0 + timedelta(hours=1)
    report = await poll(service, later)
    assert report.fetches == 1 and report.not_modified == 1
    assert publisher.conditional["/steady.xml"] == 1
    [line] = await service.statuses(GUILD)
    assert line.subscription_id == added.subscription.id
    assert line.status == "ok" and line.last_error is None
    assert line.last_success_at == later
    assert line.next_poll_at is not None and line.next_poll_at > later + timedelta(minutes=13)
    assert line.title == "Loopback Opinion" and line.channel_id == 10
    assert line.pieces_posted == 0 and line.pieces_pending == 0


async def test_same_bytes_without_validators_are_not_parsed_again(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/plain.xml", [item(1)], etag=False)
    await service.add(GUILD, 10, url, created_by=MOD)
    assert (await poll(service, T0)).not_modified == 0
    report = await poll(service, T0 + timedelta(hours=1))
    assert report.fetches == 1 and report.not_modified == 1
    assert publisher.conditional["/plain.xml"] == 0
    publisher.feed("/plain.xml", [item(2), item(1)], etag=False)
    report = await poll(service, T0 + timedelta(hours=2))
    assert report.not_modified == 0 and len(report.piece_ids) == 1


async def test_cache_control_and_retry_after_push_the_next_poll(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/cached.xml", [item(1)], headers={"Cache-Control": "max-age=3600"})
    await service.add(GUILD, 10, url, created_by=MOD)
    await poll(service, T0)
    [line] = await service.statuses(GUILD)
    assert line.next_poll_at is not None and line.next_poll_at >= T0 + timedelta(hours=1)
    publisher.routes["/cached.xml"] = publisher.routes["/cached.xml"].__class__(
        status=503, headers={"Retry-After": "7200"})
    report = await poll(service, line.next_poll_at)
    assert report.failed == 1
    [line2] = await service.statuses(GUILD)
    assert line2.status == "failing" and "HTTP 503" in (line2.last_error or "")
    assert line2.next_poll_at is not None
    assert line2.next_poll_at >= line.next_poll_at + timedelta(hours=2)


async def test_each_failure_is_listed_and_the_poller_goes_on(
        service: FeedService, store: Store, publisher: FeedSite,
        feed_server: FeedServer) -> None:
    good = publisher.feed("/good.xml", [item(1)])
    await service.add(GUILD, 1, good, created_by=MOD)
    rss_body = rss([item(1)])
    broken = {
        "500": feed_server.url("/status/500"),
        "timeout": feed_server.url("/hang"),
        "50 MB": feed_server.url("/huge"),
        "gzip bomb": feed_server.url("/bomb"),
        "redirect loop": feed_server.url("/loop/a"),
        "html": publisher.raw("/page.html", b"<!doctype html><html><body><p>Hello</p>"
                              b"</body></html>", content_type="text/html"),
        # Declares EBCDIC, is UTF-8: nothing readable comes out.
        "wrong encoding": publisher.raw(
            "/ebcdic.xml", rss_body.replace(b'encoding="utf-8"', b'encoding="cp037"')),
        "malformed": publisher.raw("/broken.xml", b'<?xml version="1.0"?><rss version="2.0">'
                                   b"<channel><<<>>></channel></rss>"),
    }
    for channel, url in enumerate(broken.values(), start=2):
        await subscribe_raw(store, url, channel)
    publisher.feed("/good.xml", [item(2), item(1)])

    report = await poll(service, T0)
    assert report.claimed == 9 and report.fetches == 9
    assert report.failed == 8
    assert len(report.piece_ids) == 1  # the good feed went on regardless

    by_url = {line.url: line for line in await service.statuses(GUILD)}
    expected: dict[str, str | tuple[str, ...]] = {
        "500": "HTTP 500",
        # The fetcher's own deadline and aiohttp's run out together (both total_timeout):
        # which one a loaded machine fires first varies, and each says it timed out.
        "timeout": ("timed out", "no complete response within 2 s"),
        "50 MB": "larger than 5 MB",
        "gzip bomb": "larger than 5 MB after decompression",
        "redirect loop": "redirect loop",
        "html": "this is an HTML page",
        "wrong encoding": "not a feed",
        "malformed": "malformed feed",
    }
    for name, url in broken.items():
        line = by_url[url]
        assert line.status == "failing", name
        assert line.consecutive_failures == 1, name
        wanted = expected[name]
        assert any(text in (line.last_error or "")
                   for text in (wanted if isinstance(wanted, tuple) else (wanted,))), \
            (name, line.last_error)
        assert line.last_success_at is None
        # First back-off step: five minutes (plus jitter).
        assert line.next_poll_at is not None
        assert T0 + timedelta(minutes=5) <= line.next_poll_at <= T0 + timedelta(minutes=6)
        assert not (line.last_error or "").startswith(url)  # the line shows the URL
    assert by_url[good].status == "ok"
    assert set(report.errors) == set(broken.values())


async def test_recoverable_wrong_encoding_is_read(service: FeedService, store: Store,
                                                  publisher: FeedSite) -> None:
    # Latin-1 bytes in a document that declares UTF-8, and a UTF-8 document served as
    # UTF-16: feedparser recovers both, so they are read, not failed.
    body = rss([item(1, title="Déjà vu in the council")]).decode("utf-8").encode("latin-1")
    latin = publisher.raw("/latin1.xml", body)
    mislabelled = publisher.raw("/utf16.xml", rss([item(2)]),
                                content_type="application/rss+xml; charset=utf-16")
    await subscribe_raw(store, latin, 1)
    await subscribe_raw(store, mislabelled, 2)
    report = await poll(service, T0)
    assert report.failed == 0 and len(report.piece_ids) == 2
    assert sorted(await pending_titles(store)) == ["Déjà vu in the council", "Piece number 2"]


# ------------------------------------------------------------------------------ dedupe


async def test_guid_date_and_tracking_churn_posts_nothing_twice(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/churn.xml", [item(1)])
    await service.add(GUILD, 10, url, created_by=MOD)
    publisher.feed("/churn.xml", [item(2), item(1)])
    assert len((await poll(service, T0)).piece_ids) == 1

    at = T0
    churned = [
        # New GUID and a new date, same link: the link says it is the same piece.
        [item(2, guid="urn:new:2", date=T0 + timedelta(days=3)), item(1)],
        # Tracking parameters and a fragment on the link, new GUID, same title and day.
        [item(2, guid="urn:newer:2",
              link="http://127.0.0.1/opinion/2?utm_source=rss&utm_medium=feed#top"),
         item(1, guid=None)],
        # Upper-case host and a trailing slash.
        [item(2, guid=None, link="HTTP://127.0.0.1/opinion/2/"), item(1)],
    ]
    for items in churned:
        at += timedelta(hours=1)
        publisher.feed("/churn.xml", items)
        report = await poll(service, at)
        assert report.fetches == 1 and report.piece_ids == [], items
    assert await pending_titles(store) == ["Piece number 2"]


async def test_a_title_alone_does_not_make_an_entry_seen(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    column = item(1, title="Letters to the editor")
    url = publisher.feed("/letters.xml", [column])
    await service.add(GUILD, 10, url, created_by=MOD)
    # Same title, new GUID, new link, another day: next week's letters.
    next_week = item(2, title="Letters to the editor", day=8)
    publisher.feed("/letters.xml", [next_week, column])
    report = await poll(service, T0)
    assert len(report.piece_ids) == 1
    # Same title and day, new GUID and a new link: the publisher moved it. Not new.
    moved = item(3, title="Letters to the editor", day=8)
    publisher.feed("/letters.xml", [moved, column])
    assert (await poll(service, T0 + timedelta(hours=1))).piece_ids == []


async def test_undated_and_future_dated_entries_are_posted(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/dates.xml", [item(1)])
    await service.add(GUILD, 10, url, created_by=MOD)
    publisher.feed("/dates.xml", [item(2, date=None), item(3, date=T0 + timedelta(days=400)),
                                  item(1)])
    report = await poll(service, T0)
    assert len(report.piece_ids) == 2
    assert sorted(await pending_titles(store)) == ["Piece number 2", "Piece number 3"]


def test_shared_links_and_titles_identify_nothing() -> None:
    feed = parse_feed(rss([item(1, link="http://127.0.0.1/"), item(2, link="http://127.0.0.1/"),
                           item(3)]))
    keys = entry_keys(feed.entries)
    assert all(not k.startswith("link:http://127.0.0.1") or "opinion" in k
               for e in keys for k in e.alt_keys)
    assert any(k.startswith("title-day:") for k in keys[2].alt_keys)
    undated = parse_feed(rss([item(1, date=None)])).entries
    assert not any(k.startswith("title") for k in entry_keys(undated)[0].alt_keys)


async def test_a_rewritten_feed_does_not_flood(store: Store, fetcher: Fetcher,
                                               publisher: FeedSite) -> None:
    service = FeedService(store, fetcher, PollSettings(max_new_per_cycle=3),
                          rng=random.Random(1), clock=Clock())
    url = publisher.feed("/rewrite.xml", [item(1)])
    await subscribe_raw(store, url)
    await store.mark_seen((await store.get_feed_by_url(url)).id,  # type: ignore[union-attr]
                          entry_keys(parse_feed(rss([item(1)])).entries)[0].all_keys())
    publisher.feed("/rewrite.xml", [item(n) for n in range(20, 1, -1)])
    report = await poll(service, T0)
    assert len(report.piece_ids) == 3 and report.over_cap == 16
    # The newest three, oldest of them first.
    assert await pending_titles(store) == ["Piece number 18", "Piece number 19",
                                           "Piece number 20"]
    assert (await poll(service, T0 + timedelta(hours=1))).piece_ids == []


async def test_first_read_of_an_unprimed_feed_posts_nothing(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/fresh.xml", [item(1), item(2)])
    await store.add_subscription(GUILD, 10, url, created_by=MOD, now=T0)
    assert (await poll(service, T0)).piece_ids == []
    publisher.feed("/fresh.xml", [item(3), item(1), item(2)])
    assert len((await poll(service, T0 + timedelta(hours=1))).piece_ids) == 1


async def test_seen_keys_are_pruned_after_twelve_months(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/old.xml", [item(1)])
    added = await service.add(GUILD, 10, url, created_by=MOD)
    feed_id = added.subscription.feed_id
    await store.mark_seen(feed_id, ["guid:ancient"], now=T0 - timedelta(days=400))
    before = await store.count_seen(feed_id)
    report = await poll(service, T0)
    assert report.pruned == 1 and await store.count_seen(feed_id) == before - 1


# ------------------------------------------------------------------------------ filters


async def test_filters_per_subscription(service: FeedService, store: Store,
                                        publisher: FeedSite) -> None:
    url = publisher.feed("/mixed.xml", [item(1)])
    everything = await service.add(GUILD, 10, url, created_by=MOD)
    transport = await service.add(GUILD, 11, url, created_by=MOD,
                                  include="harbour street, title:/\\btrams?\\b/i")
    no_smith = await service.add(GUILD, 12, url, created_by=MOD, exclude="author:Smith")
    assert transport.subscription.include == ("harbour street", "title:/\\btrams?\\b/i")
    publisher.feed("/mixed.xml", [
        item(2, title="Why trams beat buses", body="<p>Short.</p>", link=None),
        item(3, title="Budget day", author="Jo Smith", body="<p>Taxes.</p>", link=None),
        item(4, title="Spring", body=long_body("x")),  # the body mentions Harbour Street
        item(1)])
    await poll(service, T0)
    by_channel: dict[int, list[str | None]] = {}
    for piece in await store.list_pieces(guild_id=GUILD):
        by_channel.setdefault(piece.channel_id, []).append(piece.title)
    assert sorted(by_channel[10]) == ["Budget day", "Spring", "Why trams beat buses"]
    assert sorted(by_channel[11]) == ["Spring", "Why trams beat buses"]
    assert sorted(by_channel[12]) == ["Spring", "Why trams beat buses"]
    assert everything.subscription.include == ()
    assert no_smith.subscription.exclude == ("author:Smith",)


async def test_bad_regex_is_refused_at_add(service: FeedService, store: Store,
                                           publisher: FeedSite) -> None:
    url = publisher.feed("/f.xml", [item(1)])
    with pytest.raises(FeedServiceError, match=r"Include: Regular expression `/\(unclosed/` "
                                               r"does not compile"):
        await service.add(GUILD, 10, url, created_by=MOD, include="ok, /(unclosed/")
    assert await store.count_subscriptions(GUILD) == 0
    assert publisher.hits["/f.xml"] == 0  # refused before any fetch


# ------------------------------------------------------------------- back-off and pause


async def test_backoff_then_auto_pause_with_notices_then_resume(
        service: FeedService, store: Store, publisher: FeedSite, clock: Clock) -> None:
    url = publisher.feed("/flaky.xml", [item(1)])
    first = await service.add(GUILD, 10, url, created_by=MOD)
    second = await service.add(GUILD, 11, url, created_by=MOD)
    other = await service.add(OTHER_GUILD, 20, url, created_by=MOD)
    await poll(service, T0)
    publisher.routes["/flaky.xml"].status = 500

    at = T0 + timedelta(hours=1)
    gaps: list[timedelta] = []
    for attempt in range(1, 11):
        report = await poll(service, at)
        assert report.fetches == 1 and report.failed == 1
        feed = await store.get_feed(first.subscription.feed_id)
        assert feed is not None and feed.consecutive_failures == attempt
        if attempt < 10:
            assert report.notices == [] and not feed.paused
            gaps.append(feed.next_poll_at - at)
            at = feed.next_poll_at
    expected = [timedelta(minutes=5 * 2 ** n) for n in range(9)]
    for gap, base in zip(gaps, expected, strict=True):
        assert base <= gap <= base * 1.1
    assert feed.paused
    notices = sorted(report.notices, key=lambda n: n.channel_id)
    assert [(n.guild_id, n.channel_id) for n in notices] == [
        (GUILD, 10), (GUILD, 11), (OTHER_GUILD, 20)]
    assert all("HTTP 500" in n.error and n.feed_url == url for n in notices)
    assert all("/feed resume" in n.how_to_resume for n in notices)
    assert {n.subscription_id for n in notices} == {
        first.subscription.id, second.subscription.id, other.subscription.id}

    [line, _] = await service.statuses(GUILD)
    assert line.status == "paused" and line.paused_by == "failures"
    assert line.next_poll_at is None and "HTTP 500" in (line.last_error or "")
    assert (await poll(service, at + timedelta(days=3))).claimed == 0

    publisher.routes["/flaky.xml"].status = 200
    publisher.feed("/flaky.xml", [item(2), item(1)])
    clock.now = at + timedelta(days=3)
    resumed = await service.resume(GUILD, first.subscription.id)
    # Failures reset; the last error stays on record until the next success.
    assert resumed.status == "ok" and resumed.consecutive_failures == 0
    assert resumed.next_poll_at == clock.now and resumed.paused_by is None
    report = await poll(service, clock.now)
    assert report.failed == 0 and len(report.piece_ids) == 3
    [line, _] = await service.statuses(GUILD)
    assert line.status == "ok" and line.last_success_at == clock.now


async def test_pause_notices_are_retried_until_delivered_and_sent_once(
        service: FeedService, store: Store, publisher: FeedSite, make_store: MakeStore,
        fetcher: Fetcher, clock: Clock) -> None:
    url = publisher.feed("/down.xml", [item(1)])
    sub = (await service.add(GUILD, 10, url, created_by=MOD)).subscription
    await poll(service, T0)
    publisher.routes["/down.xml"].status = 503
    at = T0 + timedelta(hours=1)
    for _ in range(10):
        report = await poll(service, at)
        feed = await store.get_feed(sub.feed_id)
        assert feed is not None
        at = feed.next_poll_at
    assert feed.paused and report.paused == 1
    [owed] = await service.owed_pause_notices()
    assert (owed.subscription_id, owed.feed_url) == (sub.id, url)
    assert "HTTP 503" in owed.error and "/feed resume" in owed.how_to_resume

    sent: list[PauseNotice] = []

    async def refused(notice: PauseNotice) -> bool:
        sent.append(notice)
        return False  # Discord refused: the next cycle tries again

    async def broken(notice: PauseNotice) -> bool:
        raise RuntimeError("a bug while posting")

    assert not await service.deliver_pause_notice(owed, refused)
    with pytest.raises(RuntimeError):
        await service.deliver_pause_notice(owed, broken)
    assert await service.owed_pause_notices() == [owed]  # still owed after both

    async def posted(notice: PauseNotice) -> bool:
        await asyncio.sleep(0)  # let the other process's attempt interleave
        sent.append(notice)
        return True

    # Two processes deliver at once: one posts, the other finds the notice gone.
    other = FeedService(await make_store(), fetcher, PollSettings(), clock=clock)
    results = await asyncio.gather(service.deliver_pause_notice(owed, posted),
                                   other.deliver_pause_notice(owed, posted))
    assert sorted(results) == [False, True] and len(sent) == 2  # the refusal, then one post
    assert await service.owed_pause_notices() == []


async def test_pause_and_resume_one_channel(service: FeedService, store: Store,
                                            publisher: FeedSite, clock: Clock) -> None:
    url = publisher.feed("/p.xml", [item(1)])
    quiet = await service.add(GUILD, 10, url, created_by=MOD)
    await service.add(GUILD, 11, url, created_by=MOD)
    status = await service.pause(GUILD, quiet.subscription.id)
    assert status.status == "paused" and status.paused_by == "moderator"
    publisher.feed("/p.xml", [item(2), item(1)])
    report = await poll(service, T0)
    assert [p.channel_id for p in await store.list_pieces()] == [11]
    assert report.fetches == 1
    resumed = await service.resume(GUILD, quiet.subscription.id)
    assert resumed.status == "ok"
    # What was published while paused is not replayed.
    assert (await poll(service, T0 + timedelta(hours=1))).piece_ids == []


# ---------------------------------------------------------------------- one fetch per URL


async def test_one_fetch_per_url_for_many_subscriptions(service: FeedService, store: Store,
                                                        publisher: FeedSite) -> None:
    urls = [publisher.feed(f"/shared{n}.xml", [item(1)]) for n in range(3)]
    guilds = [GUILD + n for n in range(5)]
    for guild in guilds:
        for n, url in enumerate(urls):
            await service.add(guild, guild * 10 + n, url, created_by=MOD)
            await service.add(guild, guild * 10 + n + 5, url, created_by=MOD)
    publisher.hits.clear()
    for n in range(3):
        publisher.feed(f"/shared{n}.xml", [item(2), item(1)])
    report = await poll(service, T0)
    assert report.claimed == 3 and report.fetches == 3
    assert all(publisher.hits[f"/shared{n}.xml"] == 1 for n in range(3))
    assert len(report.piece_ids) == 3 * 5 * 2


async def test_two_processes_on_postgres_post_each_article_once(
        make_store: Callable[..., Awaitable[Store]], store: Store,
        publisher: FeedSite) -> None:
    if store.dialect != "postgres":
        pytest.skip("several processes share one PostgreSQL; SQLite runs one poller")
    other_store = await make_store()
    feeds = 24

    def entries(feed: int, *numbers: int) -> list[Item]:
        return [item(n, guid=f"urn:{feed}:{n}", link=f"http://127.0.0.1/{feed}/{n}")
                for n in numbers]

    urls = [publisher.feed(f"/multi{n}.xml", entries(n, 1)) for n in range(feeds)]
    async with Fetcher(allow_private_addresses=True) as fa, \
            Fetcher(allow_private_addresses=True) as fb:
        a = FeedService(store, fa, PollSettings(batch_size=4, concurrency=4),
                        rng=random.Random(1), clock=Clock())
        b = FeedService(other_store, fb, PollSettings(batch_size=4, concurrency=4),
                        rng=random.Random(2), clock=Clock())
        for n, url in enumerate(urls):
            await a.add(GUILD, 10, url, created_by=MOD)
            await b.add(OTHER_GUILD, 20 + n % 3, url, created_by=MOD)
        for n in range(feeds):
            publisher.feed(f"/multi{n}.xml", entries(n, 3, 2, 1))
        publisher.hits.clear()
        ra, rb = await asyncio.gather(a.poll_once("process-a", T0),
                                      b.poll_once("process-b", T0))
        assert ra.claimed + rb.claimed == feeds
        assert all(publisher.hits[f"/multi{n}.xml"] == 1 for n in range(feeds))
        pieces = await store.list_pieces()
        assert len(pieces) == feeds * 2 * 2
        assert len({(p.guild_id, p.channel_id, p.url) for p in pieces}) == len(pieces)
        assert sorted(ra.piece_ids + rb.piece_ids) == sorted(p.id for p in pieces)
        # A second round finds nothing new, in either process.
        ra, rb = await asyncio.gather(a.poll_once("process-a", T0 + timedelta(hours=1)),
                                      b.poll_once("process-b", T0 + timedelta(hours=1)))
        assert ra.piece_ids == [] and rb.piece_ids == []


# ------------------------------------------------------------------ the other commands


async def test_a_backfill_held_for_review_says_so(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    await store.update_guild_settings(GUILD, review_mode="on")
    url = publisher.feed("/held.xml", [item(n) for n in range(5, 0, -1)])
    added = await service.add(GUILD, 10, url, created_by=MOD, backfill=2)
    assert added.backfilled == () and added.held_for_review == 2
    more = await service.backfill(GUILD, added.subscription.id, 1)
    assert more.pieces == () and more.held_for_review == 1
    assert await store.list_pieces() == []
    assert len(await store.list_reviews(guild_id=GUILD)) == 3


async def test_backfill_creates_exactly_n_pending_pieces(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/back.xml", [item(n) for n in range(8, 0, -1)])
    added = await service.add(GUILD, 10, url, created_by=MOD, backfill=3)
    assert [p.title for p in added.backfilled] == [
        "Piece number 6", "Piece number 7", "Piece number 8"]
    assert all(p.state == "pending" for p in await store.list_pieces())
    assert len(await store.list_pieces()) == 3
    more = await service.backfill(GUILD, added.subscription.id, 2)
    assert [p.title for p in more.pieces] == ["Piece number 4", "Piece number 5"]
    assert more.held_for_review == 0 and added.held_for_review == 0
    assert len(await store.list_pieces()) == 5
    assert (await poll(service, T0)).piece_ids == []
    with pytest.raises(FeedServiceError, match="1 to 10"):
        await service.backfill(GUILD, added.subscription.id, 11)
    with pytest.raises(FeedServiceError, match="0 to 10"):
        await service.add(GUILD, 11, url, created_by=MOD, backfill=11)


async def test_send_latest_and_test_write_nothing_but_the_piece(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    url = publisher.feed("/latest.xml", [item(1), item(5), item(3)])
    piece = await service.test(url)
    assert piece.title == "Piece number 5" and len(piece.arguments) >= 3
    assert await store.list_feeds() == []  # test wrote nothing
    added = await service.add(GUILD, 10, url, created_by=MOD)
    record = await service.send_latest(GUILD, added.subscription.id)
    assert record.title == "Piece number 5" and record.state == "pending"
    with pytest.raises(FeedServiceError, match="already posted"):
        await service.send_latest(GUILD, added.subscription.id)
    [line] = await service.statuses(GUILD)
    assert line.pieces_pending == 1 and line.pieces_posted == 0


async def test_teaser_entries_are_read_from_their_page(
        service: FeedService, store: Store, publisher: FeedSite) -> None:
    page = "".join(f"<p>{html.escape(p)}</p>" for p in BIKE_LANES.split("\n\n")[2:])
    article_url = publisher.raw(
        "/articles/bikes.html",
        f"<!doctype html><html><head><title>Bike lanes</title></head><body><article>"
        f"<h1>Our City Should Stop Apologising for Bike Lanes</h1>{page}</article>"
        "</body></html>".encode(), content_type="text/html; charset=utf-8")
    url = publisher.feed("/teasers.xml", [item(1)])
    await service.add(GUILD, 10, url, created_by=MOD)
    publisher.feed("/teasers.xml", [item(2, link=article_url, body="<p>Read on.</p>"),
                                    item(1)])
    report = await poll(service, T0)
    assert publisher.hits["/articles/bikes.html"] == 1
    [record] = [await store.get_piece(i) for i in report.piece_ids]
    assert record is not None and len(await store.list_arguments(record.id)) >= 3


async def test_preview_and_poller_read_a_teaser_with_a_dead_page_alike(
        service: FeedService, store: Store, publisher: FeedSite, fetcher: Fetcher) -> None:
    """One reading path: a teaser whose page is gone is read from the feed's own text, with a
    note, by ``preview`` (read_url) and ``/feed test`` as by the poller."""
    teaser = ("<p>The harbour board wants a toll. First, the bridge is paid for. Second, "
              "the toll would cost more to collect than it raises.</p>")
    dead = publisher.url("/articles/gone.html")  # no route: 404
    url = publisher.feed("/dead.xml", [item(1)])
    await service.add(GUILD, 10, url, created_by=MOD)
    publisher.feed("/dead.xml", [item(2, link=dead, body=teaser), item(1)])

    previewed = await read_source(url, fetcher)
    tested = await service.test(url)
    report = await poll(service, T0)
    [record] = [await store.get_piece(i) for i in report.piece_ids]
    assert record is not None
    assert previewed.thesis == tested.thesis == record.thesis
    assert [a.marker for a in previewed.arguments] == ["First", "Second"]
    assert [a.marker for a in tested.arguments] == ["First", "Second"]
    assert any("could not be read" in note for note in previewed.notes)
    assert publisher.hits["/articles/gone.html"] == 3  # tried by each reader


async def test_discovery_and_refusals(service: FeedService, store: Store,
                                      publisher: FeedSite) -> None:
    feed_url = publisher.feed("/real.xml", [item(1)])
    page = publisher.raw("/home.html", (
        b'<!doctype html><html><head><link rel="alternate" type="application/rss+xml" '
        b'href="/real.xml"></head><body><p>Home</p></body></html>'),
        content_type="text/html")
    added = await service.add(GUILD, 10, page, created_by=MOD)
    assert added.discovered and added.feed_url == feed_url
    with pytest.raises(FeedServiceError, match="already follows"):
        await service.add(GUILD, 10, feed_url, created_by=MOD)
    plain = publisher.raw("/plain.html", b"<!doctype html><html><body>Hi</body></html>",
                          content_type="text/html")
    with pytest.raises(FeedServiceError, match=r"No feed at .*HTML page"):
        await service.add(GUILD, 11, plain, created_by=MOD)
    with pytest.raises(FeedServiceError, match="HTTP 404"):
        await service.add(GUILD, 11, publisher.url("/missing.xml"), created_by=MOD)
    with pytest.raises(FeedServiceError, match="not a web address"):
        await service.add(GUILD, 11, "ftp://example.org/feed", created_by=MOD)
    assert await store.count_subscriptions(GUILD) == 1


async def test_feed_limit_per_guild(service: FeedService, store: Store,
                                    publisher: FeedSite) -> None:
    await store.update_guild_settings(GUILD, feed_limit=2)
    for n in range(2):
        await service.add(GUILD, 10 + n, publisher.feed(f"/l{n}.xml", [item(1)]),
                          created_by=MOD)
    with pytest.raises(FeedServiceError, match="limit"):
        await service.add(GUILD, 12, publisher.feed("/l2.xml", [item(1)]), created_by=MOD)
    # The default (50) applies elsewhere.
    await service.add(OTHER_GUILD, 12, publisher.url("/l2.xml"), created_by=MOD)


async def test_autocomplete_remove_and_guild_scoping(service: FeedService, store: Store,
                                                     publisher: FeedSite) -> None:
    a = await service.add(GUILD, 10, publisher.feed("/a.xml", [item(1)]), created_by=MOD)
    b = await service.add(GUILD, 11, publisher.feed("/b.xml", [item(1)]), created_by=MOD)
    theirs = await service.add(OTHER_GUILD, 20, publisher.url("/b.xml"), created_by=MOD)
    await poll(service, T0)  # learns the titles
    choices = await service.autocomplete(GUILD, "", {10: "op-eds", 11: "transport"})
    assert [c[1] for c in choices] == [a.subscription.id, b.subscription.id]
    assert choices[0][0] == "Loopback Opinion → #op-eds"
    assert [c[1] for c in await service.autocomplete(GUILD, "TRANS", {11: "transport"})] == [
        b.subscription.id]
    assert [c[1] for c in await service.autocomplete(GUILD, "b.xml")] == [b.subscription.id]
    for call in (service.remove, service.pause, service.resume, service.send_latest):
        with pytest.raises(FeedServiceError, match="No such feed"):
            await call(GUILD, theirs.subscription.id)
    assert await service.remove(GUILD, b.subscription.id) == publisher.url("/b.xml")
    assert [line.subscription_id for line in await service.statuses(GUILD)] == [a.subscription.id]
    assert [line.subscription_id for line in await service.statuses(OTHER_GUILD)] == [
        theirs.subscription.id]


async def test_resume_feed_in_the_store(store: Store) -> None:
    feed = await store.ensure_feed("http://127.0.0.1/x.xml", now=T0)
    await store.record_fetch_failure(feed.id, error="HTTP 500", next_poll_at=T0 + timedelta(1))
    await store.set_feed_paused(feed.id, True)
    resumed = await store.resume_feed(feed.id, next_poll_at=T0)
    assert not resumed.paused and resumed.consecutive_failures == 0
    assert resumed.next_poll_at == T0 and resumed.last_error == "HTTP 500"


class StalledFetcher:
    """A feed server that never answers: the fetch lasts until it is cancelled."""

    def __init__(self) -> None:
        self.fetching = asyncio.Event()

    async def fetch(self, url: str, etag: str | None = None,
                    last_modified: str | None = None) -> None:
        self.fetching.set()
        await asyncio.Event().wait()


async def test_a_poll_cut_short_by_a_shutdown_gives_its_feed_back(
        service: FeedService, store: Store, publisher: FeedSite, clock: Clock) -> None:
    await service.add(GUILD, 10, publisher.feed("/stopped.xml", [item(1)]), created_by=MOD)
    stalled = StalledFetcher()
    stopping = FeedService(store, stalled, PollSettings(), clock=clock,  # type: ignore[arg-type]
                           rng=random.Random(7))
    later = T0 + timedelta(hours=1)
    cycle = asyncio.create_task(stopping.poll_once("stopping", now=later))
    await stalled.fetching.wait()
    [feed] = await store.list_feeds()
    assert feed.lease_owner == "stopping"
    cycle.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cycle
    [feed] = await store.list_feeds()
    assert feed.lease_owner is None
    # The next start polls it at once, not when a 15-minute lease runs out.
    report = await poll(service, later, owner="restarted")
    assert report.fetches == 1
