"""Fixtures for the feed tests: a loopback-only connection guard, a stub resolver, a server.

Nothing here may reach outside 127.0.0.0/8. ``connections`` wraps the function aiohttp opens
every socket through and fails the test on any non-loopback address, so a guard that let a
private address through fails loudly instead of touching the network; it also records every
connection so a test can assert that none was attempted.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
import zlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

import aiohappyeyeballs
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback Opinion</title><link>http://127.0.0.1/</link>
<item><title>One</title><guid>one</guid><link>http://127.0.0.1/one</link></item>
</channel></rss>"""


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Addresses the code under test opened TCP connections to (loopback only, enforced)."""
    attempted: list[str] = []
    real = aiohappyeyeballs.start_connection

    async def loopback_only(addr_infos: Any, **kwargs: Any) -> socket.socket:
        for info in addr_infos:
            host = info[4][0]
            attempted.append(host)
            assert ipaddress.ip_address(host.split("%")[0]).is_loopback, (
                f"test tried to connect to {host}, outside loopback")
        return await real(addr_infos, **kwargs)

    monkeypatch.setattr(aiohappyeyeballs, "start_connection", loopback_only)
    return attempted


class StubResolver(AbstractResolver):
    """Maps names to fixed addresses; unknown names fail like a real NXDOMAIN.

    A value may be a list of addresses or a callable returning one per call, to play a DNS
    rebinding attacker that answers differently the second time.
    """

    def __init__(self, table: dict[str, Any]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        self.calls.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = self.table[host]
        addresses: Iterable[str] = answer() if callable(answer) else answer
        return [
            {"hostname": host, "host": address, "port": port,
             "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
             "proto": 0, "flags": socket.AI_NUMERICHOST}
            for address in addresses
        ]

    async def close(self) -> None:
        return None


def _gzip_bomb(inflated: int = 100 * 1024 * 1024) -> bytes:
    """A gzip stream of ``inflated`` zero bytes, built 1 MB at a time (about 100 KB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(inflated // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


@pytest.fixture(scope="session")
def gzip_bomb() -> bytes:
    return _gzip_bomb()


class FeedServer:
    """A local HTTP server with one route per behaviour the fetcher must handle."""

    def __init__(self, bomb: bytes) -> None:
        self.bomb = bomb
        self.release = asyncio.Event()  # set at teardown to free handlers that hang on purpose
        self.hits: dict[str, int] = {}
        self.user_agents: list[str] = []
        self.server: TestServer | None = None
        app = web.Application()
        app.router.add_route("GET", "/{name:.*}", self.dispatch)
        self.app = app

    @property
    def port(self) -> int:
        assert self.server is not None and self.server.port is not None
        return self.server.port

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.hits[name] = self.hits.get(name, 0) + 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        head, _, rest = name.partition("/")
        handler = getattr(self, f"route_{head.replace('-', '_')}", None)
        if handler is None:
            raise web.HTTPNotFound()
        return await handler(request, rest)

    async def route_feed(self, request: web.Request, rest: str) -> web.StreamResponse:
        etag, modified = '"v1"', "Mon, 01 Jan 2024 00:00:00 GMT"
        if (request.headers.get("If-None-Match") == etag
                or request.headers.get("If-Modified-Since") == modified):
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=RSS, headers={
            "Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag,
            "Last-Modified": modified, "Cache-Control": "public, max-age=300",
            "Retry-After": "120"})

    async def route_status(self, request: web.Request, rest: str) -> web.StreamResponse:
        headers = {"Retry-After": request.query["retry"]} if "retry" in request.query else {}
        return web.Response(status=int(rest), text="no", headers=headers)

    async def route_hang(self, request: web.Request, rest: str) -> web.StreamResponse:
        await self.release.wait()
        return web.Response(body=RSS)

    async def route_trickle(self, request: web.Request, rest: str) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        await response.write(RSS[:40])
        await self.release.wait()
        return response

    async def route_huge(self, request: web.Request, rest: str) -> web.StreamResponse:
        total = 50 * 1024 * 1024
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        if rest == "declared":
            response.content_length = total
        await response.prepare(request)
        chunk = b"x" * (64 * 1024)
        try:
            for _ in range(total // len(chunk)):
                await response.write(chunk)
        except (ConnectionResetError, ConnectionError):
            pass  # the fetcher hung up at its cap, as it should
        return response

    async def route_bomb(self, request: web.Request, rest: str) -> web.StreamResponse:
        return web.Response(body=self.bomb, headers={
            "Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})

    async def route_gzip(self, request: web.Request, rest: str) -> web.StreamResponse:
        if rest == "deflate-raw":
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            body, coding = compressor.compress(RSS) + compressor.flush(), "deflate"
        elif rest == "deflate":
            body, coding = zlib.compress(RSS), "deflate"
        else:
            body, coding = gzip.compress(RSS), "gzip"
        return web.Response(body=body, headers={
            "Content-Type": "application/rss+xml", "Content-Encoding": coding})

    async def route_redirect(self, request: web.Request, rest: str) -> web.StreamResponse:
        remaining = int(rest)
        # /redirect/n answers with n redirects in all before the feed.
        target = "/feed" if remaining <= 1 else f"/redirect/{remaining - 1}"
        raise web.HTTPFound(target)

    async def route_loop(self, request: web.Request, rest: str) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/loop/b" if rest == "a" else "/loop/a")

    async def route_to(self, request: web.Request, rest: str) -> web.StreamResponse:
        # /to/<host>/<path>: redirect to http://<host>:<this port>/<path>
        host, _, path = rest.partition("/")
        raise web.HTTPFound(f"http://{host}:{self.port}/{path}")

    async def route_private(self, request: web.Request, rest: str) -> web.StreamResponse:
        # Basic authentication as reader:s3cret, the way private feeds are protected.
        if request.headers.get("Authorization") != "Basic cmVhZGVyOnMzY3JldA==":
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Basic realm="feeds"'})
        return web.Response(body=RSS, content_type="application/rss+xml")

    async def route_echo_ua(self, request: web.Request, rest: str) -> web.StreamResponse:
        return web.Response(text=request.headers.get("User-Agent", ""))


@pytest.fixture
async def feed_server(gzip_bomb: bytes) -> AsyncIterator[FeedServer]:
    state = FeedServer(gzip_bomb)
    server = TestServer(state.app, host="127.0.0.1", port=0)
    await server.start_server()
    state.server = server
    try:
        yield state
    finally:
        state.release.set()
        await server.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
