"""The fetcher against a local server on 127.0.0.1 and a stub resolver; nothing leaves loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.feeds.fetch import (
    USER_AGENT,
    BadURL,
    BlockedAddress,
    Fetcher,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
    Unreachable,
    _parse_max_age,
    _parse_retry_after,
)
from tests.feeds.conftest import RSS, FeedServer, StubResolver


@pytest.fixture
async def open_fetcher(connections: list[str]) -> AsyncIterator[Fetcher]:
    """A fetcher with the guard off, for the loopback server."""
    async with Fetcher(allow_private_addresses=True) as fetcher:
        yield fetcher


# ------------------------------------------------------------------------ plain fetching


async def test_200_then_304_on_conditional_get(open_fetcher: Fetcher,
                                               feed_server: FeedServer) -> None:
    first = await open_fetcher.fetch(feed_server.url("/feed"))
    assert first.status == 200 and not first.not_modified
    assert first.body == RSS
    assert first.url == feed_server.url("/feed")
    assert first.content_type == "application/rss+xml"
    assert first.charset == "utf-8"
    assert first.etag == '"v1"'
    assert first.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert first.max_age == 300
    assert first.retry_after == 120

    again = await open_fetcher.fetch(feed_server.url("/feed"), etag=first.etag)
    assert again.status == 304 and again.not_modified and again.body == b""
    assert again.etag == '"v1"'

    by_date = await open_fetcher.fetch(feed_server.url("/feed"),
                                       last_modified=first.last_modified)
    assert by_date.not_modified
    # The server sent no Last-Modified on the 304; the one we sent is kept for storing.
    assert by_date.last_modified == first.last_modified


async def test_sends_descriptive_user_agent(open_fetcher: Fetcher,
                                            feed_server: FeedServer) -> None:
    result = await open_fetcher.fetch(feed_server.url("/echo-ua"))
    assert result.body.decode() == USER_AGENT
    assert "Counterpoint/0.1" in USER_AGENT and "+https://" in USER_AGENT


@pytest.mark.parametrize("path", ["/gzip/gzip", "/gzip/deflate", "/gzip/deflate-raw"])
async def test_compressed_bodies_are_decoded(open_fetcher: Fetcher, feed_server: FeedServer,
                                             path: str) -> None:
    result = await open_fetcher.fetch(feed_server.url(path))
    assert result.body == RSS


async def test_credentials_in_the_url_are_sent_and_kept(open_fetcher: Fetcher,
                                                        feed_server: FeedServer) -> None:
    private = feed_server.url("/private/feed").replace("http://", "http://reader:s3cret@")
    result = await open_fetcher.fetch(private)
    assert result.body == RSS
    assert result.url == private  # what the feed is stored (and polled) as
    with pytest.raises(HTTPStatusError) as refused:
        await open_fetcher.fetch(feed_server.url("/private/feed"))
    assert refused.value.status == 401


def test_cache_header_parsing() -> None:
    assert _parse_max_age(["no-cache, max-age=60"]) == 60
    assert _parse_max_age(['max-age="30"']) == 30
    assert _parse_max_age(["no-store"]) is None
    assert _parse_max_age(["max-age=soon"]) is None
    assert _parse_retry_after("45") == 45
    assert _parse_retry_after("tomorrow-ish") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 0 < (_parse_retry_after(later) or 0) <= 90
    earlier = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    assert _parse_retry_after(earlier) == 0


async def test_500_is_http_status_error(open_fetcher: Fetcher, feed_server: FeedServer) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        await open_fetcher.fetch(feed_server.url("/status/500"))
    assert caught.value.status == 500
    assert str(caught.value).startswith(feed_server.url("/status/500") + ": HTTP 500")


async def test_503_carries_retry_after(open_fetcher: Fetcher, feed_server: FeedServer) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        await open_fetcher.fetch(feed_server.url("/status/503?retry=600"))
    assert caught.value.status == 503 and caught.value.retry_after == 600


# ---------------------------------------------------------------------------- time caps


async def test_slow_server_times_out(connections: list[str], feed_server: FeedServer) -> None:
    async with Fetcher(allow_private_addresses=True, total_timeout=0.3,
                       connect_timeout=0.3) as fetcher:
        with pytest.raises(FetchTimeout) as caught:
            await fetcher.fetch(feed_server.url("/hang"))
    assert feed_server.url("/hang") in str(caught.value)


async def test_trickling_body_times_out(connections: list[str],
                                        feed_server: FeedServer) -> None:
    async with Fetcher(allow_private_addresses=True, total_timeout=0.3) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.fetch(feed_server.url("/trickle"))


# ---------------------------------------------------------------------------- size caps


async def test_streamed_50_mb_body_is_too_large(open_fetcher: Fetcher,
                                                feed_server: FeedServer) -> None:
    with pytest.raises(TooLarge) as caught:
        await open_fetcher.fetch(feed_server.url("/huge"))
    assert str(caught.value) == f"{feed_server.url('/huge')}: response larger than 5 MB"


async def test_declared_50_mb_body_is_refused_before_reading(
        open_fetcher: Fetcher, feed_server: FeedServer) -> None:
    with pytest.raises(TooLarge, match="Content-Length"):
        await open_fetcher.fetch(feed_server.url("/huge/declared"))


async def test_gzip_bomb_is_stopped(open_fetcher: Fetcher, feed_server: FeedServer) -> None:
    assert len(feed_server.bomb) < 1024 * 1024  # small on the wire...
    with pytest.raises(TooLarge, match="after decompression"):  # ...too big inflated
        await open_fetcher.fetch(feed_server.url("/bomb"))


# ---------------------------------------------------------------------------- redirects


async def test_five_redirects_are_followed(open_fetcher: Fetcher,
                                           feed_server: FeedServer) -> None:
    result = await open_fetcher.fetch(feed_server.url("/redirect/5"))
    assert result.url == feed_server.url("/feed") and result.body == RSS


async def test_six_redirects_are_too_many(open_fetcher: Fetcher,
                                          feed_server: FeedServer) -> None:
    with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
        await open_fetcher.fetch(feed_server.url("/redirect/6"))
    assert feed_server.hits.get("feed") is None


async def test_redirect_loop(open_fetcher: Fetcher, feed_server: FeedServer) -> None:
    with pytest.raises(TooManyRedirects, match="loop"):
        await open_fetcher.fetch(feed_server.url("/loop/a"))


# ------------------------------------------------------------------------ the SSRF guard


async def test_guard_blocks_loopback_literal(connections: list[str],
                                             feed_server: FeedServer) -> None:
    async with Fetcher() as fetcher:
        with pytest.raises(BlockedAddress, match="loopback"):
            await fetcher.fetch(feed_server.url("/feed"))
    assert connections == [] and feed_server.hits == {}


@pytest.mark.parametrize("url", [
    "http://[::1]/feed",
    "http://[::ffff:127.0.0.1]/feed",
    "http://10.1.2.3/feed",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/feed",
    "http://[fe80::1]/feed",
    "http://100.64.0.1/feed",
])
async def test_guard_blocks_private_literals(connections: list[str], url: str) -> None:
    async with Fetcher() as fetcher:
        with pytest.raises(BlockedAddress):
            await fetcher.fetch(url)
    assert connections == []


async def test_guard_blocks_localhost_name(connections: list[str],
                                           feed_server: FeedServer) -> None:
    # The real system resolver answers "localhost" from the hosts file, never the network.
    async with Fetcher() as fetcher:
        with pytest.raises(BlockedAddress, match="localhost resolves to"):
            await fetcher.fetch(feed_server.url("/feed", host="localhost"))
    assert connections == []


@pytest.mark.parametrize("addresses", [
    ["10.0.0.5"], ["169.254.169.254"], ["::1"], ["224.0.0.1"], ["::ffff:192.168.1.1"],
    ["93.184.216.34", "192.168.0.10"],  # one bad address among good ones refuses the name
])
async def test_stub_resolved_private_addresses_are_blocked_without_connecting(
        connections: list[str], addresses: list[str]) -> None:
    resolver = StubResolver({"internal.example": addresses})
    async with Fetcher(resolver=resolver) as fetcher:
        with pytest.raises(BlockedAddress) as caught:
            await fetcher.fetch("http://internal.example/feed")
    assert connections == []
    assert resolver.calls == ["internal.example"]
    assert str(caught.value).startswith("http://internal.example/feed: refusing to connect")


async def test_redirect_to_private_host_is_refused_at_the_hop(
        connections: list[str], feed_server: FeedServer) -> None:
    # "public.example" plays a public host; only its one address is opened, so the first hop
    # reaches the loopback server and the redirect to internal.example is checked on its own.
    resolver = StubResolver({"public.example": ["127.0.0.1"],
                             "internal.example": ["10.0.0.5"]})
    async with Fetcher(resolver=resolver, allow_networks=("127.0.0.1/32",)) as fetcher:
        start = feed_server.url("/to/internal.example/feed", host="public.example")
        with pytest.raises(BlockedAddress) as caught:
            await fetcher.fetch(start)
    message = str(caught.value)
    assert message.startswith(f"{start}: refusing to connect")
    assert "10.0.0.5" in message and "after redirect to http://internal.example" in message
    assert set(connections) == {"127.0.0.1"}
    assert feed_server.hits == {"to/internal.example/feed": 1}


async def test_redirect_to_private_literal_is_refused_at_the_hop(
        connections: list[str], feed_server: FeedServer) -> None:
    resolver = StubResolver({"public.example": ["127.0.0.1"]})
    async with Fetcher(resolver=resolver, allow_networks=("127.0.0.1/32",)) as fetcher:
        with pytest.raises(BlockedAddress, match="link-local"):
            await fetcher.fetch(feed_server.url("/to/169.254.169.254/latest",
                                                host="public.example"))
    assert set(connections) == {"127.0.0.1"}


async def test_dns_rebinding_is_refused_at_connect_time(connections: list[str],
                                                        feed_server: FeedServer) -> None:
    answers = iter([["127.0.0.1"]])

    def rebinding() -> list[str]:
        # Vetted answer first, a private one when the connection resolves the name again.
        return next(answers, ["10.0.0.5"])

    resolver = StubResolver({"rebind.example": rebinding})
    url = feed_server.url("/feed", host="rebind.example")
    async with Fetcher(resolver=resolver, allow_networks=("127.0.0.1/32",)) as fetcher:
        with pytest.raises(BlockedAddress) as caught:
            await fetcher.fetch(url)
    assert str(caught.value) == (
        f"{url}: refusing to connect: rebind.example resolves to private address 10.0.0.5")
    assert resolver.calls == ["rebind.example", "rebind.example"]
    assert connections == []


# ------------------------------------------------------------------- unreachable and bad


async def test_connection_refused_is_unreachable(open_fetcher: Fetcher,
                                                 closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/feed"
    with pytest.raises(Unreachable) as caught:
        await open_fetcher.fetch(url)
    assert str(caught.value).startswith(f"{url}: cannot connect")


@pytest.mark.parametrize("allow_private", [False, True])
async def test_unknown_host_is_unreachable(connections: list[str],
                                           allow_private: bool) -> None:
    resolver = StubResolver({})
    async with Fetcher(resolver=resolver, allow_private_addresses=allow_private) as fetcher:
        with pytest.raises(Unreachable, match=r"cannot resolve host nowhere\.example"):
            await fetcher.fetch("http://nowhere.example/feed")
    assert connections == []


@pytest.mark.parametrize("url", [
    "ftp://example.org/feed", "file:///etc/passwd", "javascript:alert(1)", "example.org/feed",
    "http:///feed", "http://example.org:99999/feed",
])
async def test_bad_urls(connections: list[str], url: str) -> None:
    async with Fetcher(resolver=StubResolver({})) as fetcher:
        with pytest.raises(BadURL) as caught:
            await fetcher.fetch(url)
    assert str(caught.value).startswith(f"{url}: ")
    assert "\n" not in str(caught.value)
    assert connections == []


def test_error_hierarchy() -> None:
    for kind in (BlockedAddress, TooLarge, TooManyRedirects, FetchTimeout, Unreachable, BadURL,
                 HTTPStatusError):
        assert issubclass(kind, FetchError)


async def test_session_is_lazy_and_close_is_idempotent(connections: list[str],
                                                       feed_server: FeedServer) -> None:
    fetcher = Fetcher(allow_private_addresses=True)
    result = await fetcher.fetch(feed_server.url("/feed"))
    assert result.body == RSS
    await fetcher.close()
    await fetcher.close()
