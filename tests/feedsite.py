"""A newspaper site on 127.0.0.1 for the tests: RSS feeds that tests rewrite between polls,
pages that announce them, plain-text pieces, and the ways a feed breaks (an error status, an
HTML page, malformed XML, a redirect loop)."""

from __future__ import annotations

import hashlib
import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aiohttp import web

SAMPLES = Path(__file__).resolve().parents[1] / "bot" / "samples"
BIKE_LANES = (SAMPLES / "city_bike_lanes.txt").read_text(encoding="utf-8")
RSS_TYPE = "application/rss+xml; charset=utf-8"


def long_body(seed: str) -> str:
    """An op-ed body that enumerates its reasons and is long enough (>150 words) that no page
    read is needed."""
    paragraphs = [p.strip() for p in BIKE_LANES.split("\n\n")[2:] if p.strip()]
    return f"<p>{html.escape(seed)} opens this piece.</p>" + "".join(
        f"<p>{html.escape(p)}</p>" for p in paragraphs)


@dataclass
class Item:
    guid: str | None
    title: str
    link: str | None
    date: datetime | None
    body: str | None = None
    author: str = "Marisol Ekwueme"

    def xml(self) -> str:
        parts = [f"<title>{html.escape(self.title)}</title>",
                 f"<author>{html.escape(self.author)}</author>"]
        if self.guid is not None:
            parts.append(f'<guid isPermaLink="false">{html.escape(self.guid)}</guid>')
        if self.link is not None:
            parts.append(f"<link>{html.escape(self.link)}</link>")
        if self.date is not None:
            parts.append(f"<pubDate>{format_datetime(self.date)}</pubDate>")
        body = self.body if self.body is not None else long_body(self.title)
        parts.append(f"<description>{html.escape(body)}</description>")
        return "<item>" + "".join(parts) + "</item>"


def rss(items: list[Item], title: str = "Loopback Opinion") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link>"
            + "".join(i.xml() for i in items) + "</channel></rss>").encode("utf-8")


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = RSS_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = False  # a content ETag, and 304 to a request that sends it back
    redirect: str | None = None


@dataclass
class FeedSite:
    """Routes by path. ``hits`` counts requests per path, ``conditional`` those that sent
    If-None-Match; ``etags`` is the default of :attr:`Route.etag` for :meth:`feed` and
    :meth:`raw`."""

    etags: bool = False
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    conditional: Counter[str] = field(default_factory=Counter)
    runner: web.AppRunner | None = None
    port: int = 0

    async def start(self) -> FeedSite:
        app = web.Application()
        app.router.add_route("GET", "/{path:.*}", self._serve)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self.runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def raw(self, path: str, body: bytes, **route: Any) -> str:
        self.routes[path] = Route(body=body, **{"etag": self.etags, **route})
        return self.url(path)

    def feed(self, path: str, items: list[Item], title: str = "Loopback Opinion",
             **route: Any) -> str:
        return self.raw(path, rss(items, title), **route)

    def add(self, name: str, text: str) -> str:
        """A piece at ``/name`` as plain text, as a newspaper site would serve it."""
        return self.raw(f"/{name}", text.encode("utf-8"), etag=False,
                        content_type="text/plain; charset=utf-8")

    def page(self, path: str, feed_path: str) -> str:
        """An HTML page announcing the feed at ``feed_path``."""
        body = (f'<!doctype html><html><head><title>Opinion</title><link rel="alternate" '
                f'type="application/rss+xml" href="{feed_path}"></head>'
                "<body><p>Our columnists.</p></body></html>").encode()
        return self.raw(path, body, etag=False, content_type="text/html; charset=utf-8")

    def break_(self, path: str, how: str) -> None:
        """Make the feed at ``path`` fail: "500", "html", "malformed" or "loop"."""
        if how == "500":
            self.routes[path] = Route(status=500)
        elif how == "html":
            self.routes[path] = Route(
                body=b"<!doctype html><html><body><p>We moved things around.</p></body></html>",
                content_type="text/html; charset=utf-8")
        elif how == "malformed":
            self.routes[path] = Route(body=b'<?xml version="1.0"?><rss version="2.0">'
                                           b"<channel><<<>>></channel></rss>")
        elif how == "loop":
            self.routes[path] = Route(redirect=path + "-b")
            self.routes[path + "-b"] = Route(redirect=path)
        else:
            raise ValueError(how)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        self.hits[path] += 1
        route = self.routes.get(path)
        if route is None:
            raise web.HTTPNotFound()
        if request.headers.get("If-None-Match"):
            self.conditional[path] += 1
        if route.redirect is not None:
            raise web.HTTPFound(route.redirect)
        if route.status != 200:
            return web.Response(status=route.status, text="no", headers=route.headers)
        headers = {"Content-Type": route.content_type, **route.headers}
        if route.etag:
            etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            headers["ETag"] = etag
        return web.Response(body=route.body, headers=headers)
