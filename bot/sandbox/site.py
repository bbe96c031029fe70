"""The sandbox's newspaper: a local site serving a feed of sample pieces and their pages."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

from bot.pipeline import read_file
from bot.webserve import serve

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
#: The newest piece first: it is the one the sandbox posts.
SAMPLE_PIECES = ("city_bike_lanes.txt",)
#: Published by the feed after the first is posted; it goes through review.
REVIEWED_PIECES = ("remote_exams.txt",)

# --- the newspaper site ----------------------------------------------------------------------

@dataclass
class SamplePiece:
    slug: str
    title: str
    body: str
    content_type: str


def sample_piece(path: Path) -> SamplePiece:
    """A piece to serve: its title comes from the same extraction the bot uses."""
    article = read_file(path)
    return SamplePiece(
        slug=path.stem.replace(" ", "-"),
        title=article.title or path.stem.replace("_", " ").capitalize(),
        body=path.read_text(encoding="utf-8-sig"),
        content_type="text/html" if path.suffix.lower() in {".html", ".htm"} else "text/plain",
    )


@dataclass
class FeedSite:
    """A local site: ``/feed.xml`` (RSS 2.0, newest first) and one page per piece.

    The feed carries only a teaser, as most outlets' feeds do, so the bot reads each piece
    from its page exactly as it would from a real site.
    """

    pieces: Sequence[SamplePiece]
    runner: web.AppRunner | None = None
    base: str = ""
    #: Pieces the site publishes later (``publish``), newest first: held back until then.
    later: list[SamplePiece] = field(default_factory=list)

    async def start(self) -> FeedSite:
        self.runner, port = await serve({"/feed.xml": self._feed, "/pieces/{slug}": self._page})
        self.base = f"http://127.0.0.1:{port}"
        return self

    @property
    def feed_url(self) -> str:
        return f"{self.base}/feed.xml"

    def page_url(self, piece: SamplePiece) -> str:
        return f"{self.base}/pieces/{piece.slug}"

    def publish(self, piece: SamplePiece) -> None:
        """``piece`` becomes the feed's newest entry (and its page is served)."""
        self.pieces = [piece, *(p for p in self.pieces if p.slug != piece.slug)]

    async def _feed(self, request: web.Request) -> web.Response:
        now = datetime.now(UTC)
        items = []
        for age, piece in enumerate(self.pieces):
            teaser = piece.body.strip().split("\n\n", 1)[0][:200]
            items.append(
                "<item>"
                f"<title>{html.escape(piece.title)}</title>"
                f"<link>{html.escape(self.page_url(piece))}</link>"
                f"<guid isPermaLink=\"false\">sandbox-{html.escape(piece.slug)}</guid>"
                f"<pubDate>{format_datetime(now - timedelta(hours=age))}</pubDate>"
                f"<description>{html.escape(teaser)}</description>"
                "</item>")
        body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                "<title>The Sandbox Review</title>"
                f"<link>{self.base}/</link><description>Sample commentary</description>"
                + "".join(items) + "</channel></rss>")
        return web.Response(text=body, content_type="application/rss+xml", charset="utf-8")

    async def _page(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        for piece in self.pieces:
            if piece.slug == slug:
                return web.Response(text=piece.body, content_type=piece.content_type,
                                    charset="utf-8")
        return web.Response(status=404, text="not found")

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


