"""Fetching a feed over HTTP: conditional GET, size and time caps, redirects and an SSRF guard.

One :class:`Fetcher` owns one ``aiohttp.ClientSession`` for the life of the bot. Every fetch is
bounded: 30 s in all (10 s to connect), 5 MB of body counted both on the wire and after
decompression, 5 redirects. Feed URLs are chosen by community moderators, so every hop is
checked against :class:`bot.feeds.guard.AddressPolicy` before connecting, and the connection
itself resolves names through :class:`GuardedResolver`, which refuses the same addresses; a
name that re-resolves to a private address between the check and the connect (DNS rebinding)
is refused there too.
"""

from __future__ import annotations

import asyncio
import math
import socket
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.feeds.guard import AddressPolicy, IPNetwork, parse_ip

USER_AGENT = (
    "Counterpoint/0.1 (+https://github.com/counterpoint-bot/counterpoint; debate feed reader)"
)
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0

_CHUNK = 64 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)


# ---------------------------------------------------------------------------------- errors


class FetchError(Exception):
    """A feed could not be fetched; ``str(error)`` is one line naming the URL and the problem."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem


class BadURL(FetchError):
    """The URL is not an absolute http(s) URL with a host."""


class BlockedAddress(FetchError):
    """The host is, or resolves to, an address the SSRF policy refuses."""


class TooLarge(FetchError):
    """The body (on the wire or decompressed) exceeds the size cap."""


class TooManyRedirects(FetchError):
    """More redirects than allowed, or a redirect loop."""


class FetchTimeout(FetchError):
    """Connecting or the whole fetch took longer than allowed."""


class Unreachable(FetchError):
    """The host name does not resolve, or the server refuses or drops the connection."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (or a status a feed reader cannot use)."""

    def __init__(self, url: str, status: int, reason: str | None = None,
                 retry_after: int | None = None) -> None:
        text = f"HTTP {status}" + (f" {reason}" if reason else "")
        if retry_after is not None:
            text += f" (retry after {retry_after} s)"
        super().__init__(url, text)
        self.status = status
        self.retry_after = retry_after


# ---------------------------------------------------------------------------------- result


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch returned. ``url`` is the final URL after redirects.

    On ``not_modified`` (HTTP 304) ``body`` is empty and ``etag``/``last_modified`` carry the
    server's new validators, or the ones sent when it gave none, so they can be stored as is.
    """

    url: str
    status: int
    body: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    max_age: int | None
    retry_after: int | None
    not_modified: bool


# -------------------------------------------------------------------------------- resolver


class GuardedResolver(AbstractResolver):
    """Wraps a real resolver and refuses a name when any of its addresses is refused.

    Refusing the whole name (rather than dropping the bad addresses) keeps the pre-connect
    check and the connect-time check in agreement, and a name that mixes public and private
    addresses is suspicious in itself.
    """

    def __init__(self, inner: AbstractResolver, policy: AddressPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not results:
            raise OSError(f"no addresses for {host}")
        for result in results:
            address = parse_ip(result["host"])
            if address is None:
                raise BlockedAddress(host, f"resolver returned a non-address {result['host']!r}")
            reason = self._policy.refusal(address)
            if reason is not None:
                raise BlockedAddress(host, f"{host} resolves to {reason}")
        return results

    async def close(self) -> None:
        await self._inner.close()


# ---------------------------------------------------------------------------- decompression


class _Overflow(Exception):
    pass


class _Decoder:
    """Incremental Content-Encoding decoder that never produces more than ``limit`` + 1 bytes.

    aiohttp's own decompression is off so that a gzip bomb is cut off at the cap instead of
    being inflated chunk by chunk (older aiohttp inflates each network chunk without bound).
    """

    def __init__(self, coding: str, limit: int) -> None:
        self.coding = coding
        self._limit = limit
        self._produced = 0
        self._first = True
        self._obj: Any = self._new_obj()
        self._done = False

    def _new_obj(self, raw: bool = False) -> Any:
        if raw:
            return zlib.decompressobj(-zlib.MAX_WBITS)
        # 32 + MAX_WBITS accepts both gzip and zlib headers.
        return zlib.decompressobj(32 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        if self._first and self.coding == "deflate":
            self._first = False
            try:
                return self._feed(data)
            except zlib.error:
                # "deflate" is often sent as a raw deflate stream without the zlib header.
                self._obj = self._new_obj(raw=True)
                self._produced = 0
                return self._feed(data)
        self._first = False
        return self._feed(data)

    def _feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data and not self._done:
            budget = self._limit - self._produced + 1
            piece = self._obj.decompress(data, budget)
            self._produced += len(piece)
            out += piece
            if self._produced > self._limit:
                raise _Overflow
            if self._obj.eof:
                data = self._obj.unused_data
                if data:
                    # A further gzip member; anything that is not one is trailing junk,
                    # which browsers ignore too.
                    if data[:2] != b"\x1f\x8b":
                        self._done = True
                        break
                    self._obj = self._new_obj()
            else:
                data = self._obj.unconsumed_tail
        return bytes(out)

    def finish(self) -> bytes:
        if not self._first and not self._done and not self._obj.eof:
            raise zlib.error("compressed body ends before the end of its stream")
        return b""


# --------------------------------------------------------------------------------- helpers


def _parse_max_age(values: list[str]) -> int | None:
    for value in values:
        for directive in value.split(","):
            name, _, arg = directive.strip().partition("=")
            if name.strip().lower() == "max-age":
                try:
                    return max(0, int(arg.strip().strip('"')))
                except ValueError:
                    return None
    return None


def _parse_retry_after(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - datetime.now(UTC)).total_seconds()))


def _describe_os_error(error: BaseException | None) -> str:
    if error is None:
        return "connection failed"
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return text.splitlines()[0] if text else type(error).__name__


def _size_text(limit: int) -> str:
    if limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    return f"{limit} bytes"


# --------------------------------------------------------------------------------- fetcher


class Fetcher:
    """Fetches feeds through one shared ``aiohttp.ClientSession``.

    Use ``async with Fetcher() as fetcher:`` or call :meth:`close` when done; the session is
    created on first use. ``resolver`` replaces the DNS resolver (tests pass a stub); it is
    always wrapped in :class:`GuardedResolver`. ``allow_private_addresses`` turns the SSRF
    guard off (tests against 127.0.0.1, private deployments); ``allow_networks`` opens only
    the given networks.
    """

    def __init__(
        self,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        total_timeout: float = TOTAL_TIMEOUT,
        max_bytes: int = MAX_BODY_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        user_agent: str = USER_AGENT,
        resolver: AbstractResolver | None = None,
        allow_private_addresses: bool = False,
        allow_networks: tuple[str | IPNetwork, ...] = (),
    ) -> None:
        self._connect_timeout = connect_timeout
        self._total_timeout = total_timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._user_agent = user_agent
        self._inner_resolver = resolver
        self._policy = AddressPolicy.build(allow_private=allow_private_addresses,
                                           allow_networks=allow_networks)
        self._resolver: GuardedResolver | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        self._ensure_session()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            inner = self._inner_resolver or aiohttp.ThreadedResolver()
            self._resolver = GuardedResolver(inner, self._policy)
            # No keep-alive: a feed's host is asked once a poll interval (minutes) and a kept
            # connection lives seconds, so each idle one only held memory and a descriptor
            # (2,000 feeds left 15 MB of them after a cycle, and closing them cost time).
            # The total limit sits above the poller's feeds at once (50 by default), so that
            # setting is what bounds a cycle, with room for the article pages read meanwhile.
            connector = aiohttp.TCPConnector(resolver=self._resolver, ttl_dns_cache=60,
                                             limit=64, limit_per_host=4, force_close=True)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self._total_timeout,
                                              connect=self._connect_timeout),
                headers={"User-Agent": self._user_agent, "Accept": _ACCEPT,
                         "Accept-Encoding": "gzip, deflate"},
                auto_decompress=False,
                # Cookies from one feed must not travel to another; feeds do not need them.
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    async def close(self) -> None:
        """Close the session (and with it the connector and resolver); safe to call twice."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def fetch(self, url: str, etag: str | None = None,
                    last_modified: str | None = None) -> FetchResult:
        """GET ``url`` (conditionally when validators are given); raise a FetchError or return.

        ``not_modified`` is True on HTTP 304. Any status other than 2xx/304 after following
        redirects raises :class:`HTTPStatusError`.
        """
        session = self._ensure_session()
        current = url
        try:
            async with asyncio.timeout(self._total_timeout):
                headers: dict[str, str] = {}
                if etag:
                    headers["If-None-Match"] = etag
                if last_modified:
                    headers["If-Modified-Since"] = last_modified
                visited: set[str] = set()
                for hop in range(self._max_redirects + 1):
                    try:
                        target = self._check_url(current)
                        visited.add(str(target))
                        await self._vet_host(current, target)
                        next_url = await self._request(session, current, target, headers,
                                                       etag, last_modified)
                    except FetchError as error:
                        if current != url:
                            # Name the feed URL the moderator gave, and the hop that failed.
                            error.args = (f"{url}: {error.problem} (after redirect to "
                                          f"{current})",)
                            error.url = url
                        raise
                    if isinstance(next_url, FetchResult):
                        return next_url
                    if hop == self._max_redirects:
                        raise TooManyRedirects(
                            url, f"more than {self._max_redirects} redirects (last to {next_url})")
                    if str(self._check_url(next_url)) in visited:
                        raise TooManyRedirects(url, f"redirect loop back to {next_url}")
                    current = next_url
        except TimeoutError:
            raise FetchTimeout(url, f"no complete response within {self._total_timeout:g} s"
                               ) from None
        raise AssertionError("unreachable: the redirect loop always returns or raises")

    def _check_url(self, url: str) -> URL:
        try:
            target = URL(url)
        except (ValueError, TypeError) as error:
            raise BadURL(url, f"not a valid URL ({error})") from None
        if target.scheme not in ("http", "https"):
            scheme = target.scheme or "no scheme"
            raise BadURL(url, f"unsupported scheme {scheme!r}; only http and https")
        if not target.raw_host:
            raise BadURL(url, "no host in URL")
        try:
            target.port  # noqa: B018 - yarl validates the port lazily
        except ValueError as error:
            raise BadURL(url, f"bad port ({error})") from None
        return target

    async def _vet_host(self, url: str, target: URL) -> None:
        """Refuse a refused address before any connection is attempted."""
        host = target.raw_host or ""
        literal = parse_ip(host)
        if literal is not None:
            reason = self._policy.refusal(literal)
            if reason is not None:
                raise BlockedAddress(url, f"refusing to connect to {reason}")
            return
        if self._policy.allow_private:
            return
        assert self._resolver is not None
        try:
            await self._resolver.resolve(host, target.port or 0, socket.AF_UNSPEC)
        except BlockedAddress as error:
            raise BlockedAddress(url, f"refusing to connect: {error.problem}") from None
        except OSError as error:
            raise Unreachable(url, f"cannot resolve host {host} "
                                   f"({_describe_os_error(error)})") from None

    async def _request(self, session: aiohttp.ClientSession, url: str, target: URL,
                       headers: dict[str, str], etag: str | None,
                       last_modified: str | None) -> FetchResult | str:
        """One hop: the result, or the next URL when the answer is a redirect."""
        host = target.raw_host
        try:
            async with session.get(target, headers=headers, allow_redirects=False) as resp:
                if resp.status in _REDIRECT_STATUSES:
                    location = resp.headers.get("Location")
                    if not location:
                        raise HTTPStatusError(url, resp.status,
                                              "redirect without a Location header")
                    try:
                        return str(resp.url.join(URL(location)))
                    except ValueError:
                        raise BadURL(url, f"redirect to an invalid URL {location!r}") from None
                return await self._read(url, resp, etag, last_modified)
        except BlockedAddress as error:
            # Raised by GuardedResolver at connect time, which only knows the host name.
            if error.url == url:
                raise
            raise BlockedAddress(url, f"refusing to connect: {error.problem}") from None
        except FetchError:
            raise
        except TimeoutError:
            raise FetchTimeout(url, "timed out connecting or reading") from None
        except aiohttp.InvalidURL as error:
            raise BadURL(url, f"not a valid URL ({error})") from None
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, socket.gaierror):
                raise Unreachable(url, f"cannot resolve host {host} "
                                       f"({_describe_os_error(error.os_error)})") from None
            if isinstance(error.os_error, BlockedAddress):
                raise BlockedAddress(url, error.os_error.problem) from None
            raise Unreachable(url, f"cannot connect to {host}:{target.port} "
                                   f"({_describe_os_error(error.os_error)})") from None
        except aiohttp.ServerDisconnectedError:
            raise Unreachable(url, "server closed the connection without answering") from None
        except aiohttp.ClientOSError as error:
            raise Unreachable(url, f"connection failed ({_describe_os_error(error)})") from None
        except aiohttp.ClientPayloadError as error:
            raise FetchError(url, f"broken response body ({error})") from None
        except aiohttp.ClientResponseError as error:
            raise FetchError(url, f"malformed response ({error.message})") from None
        except aiohttp.ClientError as error:
            raise FetchError(url, f"request failed ({type(error).__name__}: {error})") from None

    async def _read(self, url: str, resp: aiohttp.ClientResponse, etag: str | None,
                    last_modified: str | None) -> FetchResult:
        retry_after = _parse_retry_after(resp.headers.get("Retry-After"))
        final = resp.url
        requested = URL(url)
        if requested.raw_user is not None and final.raw_user is None:
            # aiohttp turns a URL's user info into an Authorization header and leaves it out
            # of resp.url; without it a private feed would be stored, and polled, without
            # its credentials. (They are masked wherever a URL is shown: bot/redact.py.)
            final = final.with_user(requested.user).with_password(requested.password)
        final_url = str(final)
        if resp.status >= 400 or not (200 <= resp.status < 300 or resp.status == 304):
            raise HTTPStatusError(final_url, resp.status, resp.reason, retry_after)
        common: dict[str, Any] = {
            "url": final_url,
            "status": resp.status,
            "content_type": resp.content_type if "Content-Type" in resp.headers else None,
            "charset": resp.charset,
            "max_age": _parse_max_age(resp.headers.getall("Cache-Control", [])),
            "retry_after": retry_after,
        }
        if resp.status == 304:
            return FetchResult(body=b"", not_modified=True,
                               etag=resp.headers.get("ETag") or etag,
                               last_modified=resp.headers.get("Last-Modified") or last_modified,
                               **common)
        body = await self._read_body(final_url, resp)
        return FetchResult(body=body, not_modified=False, etag=resp.headers.get("ETag"),
                           last_modified=resp.headers.get("Last-Modified"), **common)

    async def _read_body(self, url: str, resp: aiohttp.ClientResponse) -> bytes:
        limit = self._max_bytes
        too_large = f"response larger than {_size_text(limit)}"
        if resp.content_length is not None and resp.content_length > limit:
            resp.close()
            raise TooLarge(url, f"{too_large} (Content-Length {resp.content_length})")
        coding = resp.headers.get("Content-Encoding", "").strip().lower()
        decoder: _Decoder | None = None
        if coding in ("gzip", "x-gzip", "deflate"):
            decoder = _Decoder("deflate" if coding == "deflate" else "gzip", limit)
        elif coding not in ("", "identity"):
            resp.close()
            raise FetchError(url, f"unsupported Content-Encoding {coding!r}")
        body = bytearray()
        wire = 0
        try:
            async for chunk in resp.content.iter_chunked(_CHUNK):
                wire += len(chunk)
                if wire > limit:
                    raise _Overflow
                body += decoder.feed(chunk) if decoder else chunk
                if len(body) > limit:
                    raise _Overflow
            if decoder is not None:
                body += decoder.finish()
        except _Overflow:
            # Closing (not releasing) drops the connection instead of draining the rest.
            resp.close()
            label = f"{too_large} after decompression" if decoder and wire <= limit else too_large
            raise TooLarge(url, label) from None
        except zlib.error as error:
            resp.close()
            raise FetchError(url, f"cannot decode {coding} body ({error})") from None
        return bytes(body)
