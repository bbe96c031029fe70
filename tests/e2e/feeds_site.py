"""A newspaper site on 127.0.0.1 for the /feed end-to-end tests: feeds that tests rewrite
between polls, pages that link to them, and the ways a feed breaks (an error status, an HTML
page, malformed XML, a redirect loop)."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

from aiohttp import web

from tests.e2e.harness import SAMPLES

BIKE_LANES = (SAMPLES / "city_bike_lanes.txt").read_text(encoding="utf-8")


def long_body(seed: str) -> str:
    """An op-ed body that enumerates its reasons and is long enough that no page is read."""
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


def rss(items: list[Item], title: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link>"
            + "".join(i.xml() for i in items) + "</channel></rss>").encode("utf-8")


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    redirect: str | None = None


@dataclass
class FeedSite:
    """Routes by path; ``hits`` counts requests per path."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
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

    def feed(self, path: str, items: list[Item], title: str = "Loopback Opinion") -> str:
        self.routes[path] = Route(body=rss(items, title))
        return self.url(path)

    def page(self, path: str, feed_path: str) -> str:
        """An HTML page announcing the feed at ``feed_path``."""
        body = (f'<!doctype html><html><head><title>Opinion</title><link rel="alternate" '
                f'type="application/rss+xml" href="{feed_path}"></head>'
                "<body><p>Our columnists.</p></body></html>").encode()
        self.routes[path] = Route(body=body, content_type="text/html; charset=utf-8")
        return self.url(path)

    def break_(self, path: str, how: str) -> None:
        """Make the feed at ``path`` fail: "500", "html", "malformed" or "loop"."""
        if how == "500":
            self.routes[path] = Route(status=500, body=b"no")
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
        if route.redirect is not None:
            raise web.HTTPFound(route.redirect)
        if route.status != 200:
            return web.Response(status=route.status, body=route.body)
        return web.Response(body=route.body, headers={"Content-Type": route.content_type})
