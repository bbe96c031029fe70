"""The key scan (bot.feeds.scan) reads exactly the keys and title that parse_feed gives, or
declines.

A scan that disagreed with the full parse would make a feed's old entries look new (or new
ones look old) the day a feed moved from one path to the other, so every test here compares
with ``parse_feed`` itself: on feedparser's own test corpus, on feeds written like real
publishing platforms write them, and on generated feeds full of the characters feedparser
repairs.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.feeds.entries import entry_keys
from bot.feeds.parse import FeedParseError, parse_feed
from bot.feeds.scan import FeedKeys, scan_keys
from tests.feeds.test_corpus import CORPUS, corpus_files

URL = "https://opinion.example/feed/"
RSS_TYPE = "application/rss+xml; charset=utf-8"


def full_keys(body: bytes, content_type: str | None = RSS_TYPE) -> FeedKeys:
    feed = parse_feed(body, url=URL, content_type=content_type)
    return FeedKeys(title=feed.title, keys=tuple(entry_keys(feed.entries)))


def assert_agrees(body: bytes, content_type: str | None = RSS_TYPE) -> FeedKeys | None:
    scanned = scan_keys(body, url=URL, content_type=content_type)
    if scanned is not None:
        assert scanned == full_keys(body, content_type)
    return scanned


# --------------------------------------------------------------------- feeds as platforms write


WORDPRESS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
 xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
  <title>The Harbour Ledger &#8211; Opinion</title>
  <atom:link href="https://opinion.example/feed/" rel="self" type="application/rss+xml" />
  <link>https://opinion.example</link>
  <description>Columns and letters</description>
  <lastBuildDate>Mon, 02 Mar 2026 08:00:00 +0000</lastBuildDate>
  <language>en-GB</language>
  <sy:updatePeriod>hourly</sy:updatePeriod>
  <image><url>https://opinion.example/logo.png</url><title>The Harbour Ledger</title>
    <link>https://opinion.example</link></image>
  <item>
    <title>Why the ferry levy is the wrong tool &#8212; and what would work</title>
    <link>https://opinion.example/2026/03/ferry-levy/?utm_source=rss&amp;utm_medium=rss</link>
    <comments>https://opinion.example/2026/03/ferry-levy/#respond</comments>
    <dc:creator><![CDATA[Ines Okafor]]></dc:creator>
    <pubDate>Mon, 02 Mar 2026 07:30:00 +0000</pubDate>
    <category><![CDATA[Transport]]></category>
    <guid isPermaLink="false">https://opinion.example/?p=4812</guid>
    <description><![CDATA[<p>The council&#8217;s levy misses three things.</p>]]></description>
    <content:encoded><![CDATA[<p>First, the levy falls on commuters.</p>
      <p>Second, ...</p>]]></content:encoded>
    <wfw:commentRss>https://opinion.example/2026/03/ferry-levy/feed/</wfw:commentRss>
    <slash:comments>4</slash:comments>
  </item>
  <item>
    <title>Caf\u00e9 culture won\u2019t save the high street</title>
    <link>https://opinion.example/2026/02/cafe-culture/</link>
    <dc:creator>Tom\u00e1s Reyes</dc:creator>
    <pubDate>Fri, 27 Feb 2026 18:05:12 +0000</pubDate>
    <guid isPermaLink="false">https://opinion.example/?p=4790</guid>
    <description>Shops need footfall, not lattes.</description>
  </item>
</channel></rss>"""

SUBSTACK = """<?xml version="1.0" encoding="UTF-8"?><rss
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>
<title><![CDATA[Second Thoughts]]></title><link>https://second.example</link>
<item><title><![CDATA[Four reasons the stadium deal fails]]></title>
<description><![CDATA[A subsidy by another name.]]></description>
<link>https://second.example/p/four-reasons</link>
<guid isPermaLink="false">https://second.example/p/four-reasons</guid>
<dc:creator><![CDATA[R. Adeyemi]]></dc:creator><pubDate>Sun, 01 Mar 2026 12:00:00 GMT</pubDate>
<enclosure url="https://cdn.second.example/img/1.jpg" length="0" type="image/jpeg"/>
<content:encoded><![CDATA[<p>For starters, ...</p>]]></content:encoded></item>
<item><title>Notes on a budget</title><link>/p/notes-on-a-budget</link>
<guid>/p/notes-on-a-budget</guid><pubDate>Sat, 28 Feb 2026 09:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM_BLOG = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="html">Field &amp;amp; Forum</title>
  <id>tag:field.example,2026:feed</id>
  <link rel="self" href="https://field.example/atom.xml"/>
  <updated>2026-03-02T09:00:00Z</updated>
  <entry>
    <id>tag:field.example,2026:/rent-caps</id>
    <title>Rent caps, revisited</title>
    <link rel="alternate" type="text/html" href="/2026/rent-caps"/>
    <link rel="replies" type="application/atom+xml" href="/2026/rent-caps/comments.xml"/>
    <published>2026-03-01T10:00:00+01:00</published>
    <updated>2026-03-02T08:00:00Z</updated>
    <author><name>Mara Lindqvist</name><uri>https://field.example/mara</uri></author>
    <category term="housing"/>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Three objections.</p>
      <title>not a title</title></div></content>
  </entry>
  <entry>
    <title type="text">An entry whose id comes first</title>
    <id>https://field.example/2026/id-first</id>
    <updated>2026-02-20T10:00:00Z</updated>
    <summary>Short.</summary>
  </entry>
</feed>"""


@pytest.mark.parametrize("body", [WORDPRESS, SUBSTACK, ATOM_BLOG],
                         ids=["wordpress", "substack", "atom-blog"])
def test_platform_feeds_are_scanned_as_parse_feed_reads_them(body: str) -> None:
    scanned = assert_agrees(body.encode())
    assert scanned is not None, "a feed written as platforms write it must be scanned"
    assert len(scanned.keys) == 2 and scanned.title


ITEM = "<item><title>A</title><link>https://opinion.example/a</link></item>"


@pytest.mark.parametrize(("body", "content_type"), [
    (f'<rss version="2.0"><channel xml:base="https://elsewhere.example/">{ITEM}</channel></rss>',
     RSS_TYPE),
    ('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
     f'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>{ITEM}'
     "</channel></rss>", RSS_TYPE),
    ('<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
     "<title>A</title><media:title>B</media:title></item></channel></rss>", RSS_TYPE),
    ('<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><item><title>A</title>'
     '<atom:link href="https://opinion.example/b"/></item></channel></rss>', RSS_TYPE),
    ('<rss version="2.0" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel>'
     '<item rdf:about="urn:x"><title>A</title></item></channel></rss>', RSS_TYPE),
    ("<rss version=\"2.0\"><channel><item><title>A</title><guid>1</guid><guid>2</guid></item>"
     "</channel></rss>", RSS_TYPE),
    ("<rss version=\"2.0\"><channel><item><title>Tags &amp;lt;b&amp;gt; &amp;amp; all</title>"
     "</item></channel></rss>", RSS_TYPE),
    ('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
     f"{ITEM}</channel></rss>", RSS_TYPE),
    (f'<rss version="2.0"><channel>{ITEM}</channel></rss>', "application/rss+xml; charset=latin-1"),
    ("<rss version=\"2.0\"><channel><item><title>Caf\u00e9</title></item></channel></rss>",
     "text/xml"),
    (f'<rss version="2.0"><channel></channel>{ITEM}</rss>', RSS_TYPE),
    ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="application/octet-stream">'
     "QQ==</title></entry></feed>", None),
    ('<rss version="2.0"><channel><item><title>A</title><link xmlns="urn:madeup">x</link>'
     "</item></channel></rss>", RSS_TYPE),
    ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><link>https://x.example/</link>'
     "</entry></feed>", None),
    ("<rss version=\"2.0\"><channel><item><description>only a body</description></item>"
     "</channel></rss>", RSS_TYPE),
], ids=["xml-base", "doctype", "media-title", "atom-link-in-rss", "rdf-about", "two-guids",
        "html-looking-title", "latin-1-declared", "latin-1-charset", "text-xml-non-ascii",
        "item-outside-channel", "base64-title", "unknown-namespace-link", "atom-link-text",
        "body-only-entry"])
def test_what_feedparser_might_read_otherwise_is_left_to_it(body: str,
                                                            content_type: str | None) -> None:
    encoding = "latin-1" if "iso-8859-1" in body else "utf-8"
    assert scan_keys(body.encode(encoding), url=URL, content_type=content_type) is None


def test_json_html_and_garbage_are_declined_without_raising() -> None:
    for body in (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
                 b"<!doctype html><html><head></head></html>", b"\x00\xff<rss", b"<rss><channel>",
                 b"", b"   "):
        assert scan_keys(body, url=URL) is None


def test_unknown_elements_feedparser_files_away_do_not_stop_the_scan() -> None:
    body = (b'<rss version="2.0" xmlns:wp="com-wordpress:feed-additions:1"><channel>'
            b"<title>T</title><item><title>A</title><link>https://opinion.example/a</link>"
            b"<wp:post-id>77</wp:post-id><sortOrder>3</sortOrder></item></channel></rss>")
    assert assert_agrees(body) is not None


def test_the_corpus_of_feedparser_reads_the_same_keys(shared_dir: Path) -> None:
    """Every document of feedparser's corpus the scan accepts, under three content types,
    gives exactly the keys and title of the full parse."""
    root = shared_dir / CORPUS
    scanned, disagreements = 0, []
    for path in corpus_files(shared_dir):
        body, name = path.read_bytes(), path.relative_to(root).as_posix()
        for content_type in (None, RSS_TYPE, "text/xml"):
            keys = scan_keys(body, url=f"http://feeds.example/{name}", content_type=content_type)
            if keys is None:
                continue
            scanned += 1
            try:
                feed = parse_feed(body, url=f"http://feeds.example/{name}",
                                  content_type=content_type)
            except FeedParseError as error:
                disagreements.append(f"{name} ({content_type}): scanned, but refused: {error}")
                continue
            full = FeedKeys(title=feed.title, keys=tuple(entry_keys(feed.entries)))
            if full != keys:
                disagreements.append(f"{name} ({content_type}): {keys} != {full}")
    assert not disagreements, "\n".join(disagreements)
    assert scanned > 500  # the plain documents of the corpus, under each content type


# ---------------------------------------------------------------------------- generated feeds

# Text with what feedparser repairs or guesses about: entities, markup, Latin-1 and
# Windows-1252 characters, UTF-8 read as Latin-1 ("CafÃ©"), surrounding white space.
_TEXT = st.lists(st.sampled_from(
    [*"ab Z1-'?&<>;#/", "\u00e9", "\u00c3", "\u00a9", "\u0080", "\u0093", "\u2019",
     "\u20ac", "&amp;", "&#8217;", "</b>", "\n", "\t"]),
    max_size=30).map("".join)
_LINKS = st.sampled_from(["https://opinion.example/a", "/relative/path", "a b", "",
                          "https://opinion.example/q?x=1&amp;y=2", "javascript:alert(1)",
                          "https://opinion.example/a?utm_source=x", "mailto:x@example.org",
                          "HTTPS://Opinion.Example:443/A/", "//cdn.example/p"])
_DATES = st.sampled_from(["Mon, 02 Mar 2026 07:30:00 +0000", "2026-03-02T07:30:00Z",
                          "02 Mar 2026", "yesterday", "", "Tue, 31 Feb 2026 00:00:00 GMT",
                          "Mon, 02 Mar 26 07:30 EST"])


@st.composite
def rss_items(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f"<title>{html.escape(draw(_TEXT))}</title>")
    if draw(st.booleans()):
        parts.append(f"<link>{html.escape(draw(_LINKS))}</link>")
    if draw(st.booleans()):
        permalink = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"',
                                          ' isPermaLink="False"']))
        guid = draw(st.one_of(_LINKS, _TEXT))
        parts.append(f"<guid{permalink}>{html.escape(guid)}</guid>")
    if draw(st.booleans()):
        parts.append(f"<pubDate>{draw(_DATES)}</pubDate>")
    if draw(st.booleans()):
        parts.append(f"<dc:date>{draw(_DATES)}</dc:date>")
    parts.append("<description>body</description>")
    order = draw(st.permutations(parts))
    return "<item>" + "".join(order) + "</item>"


@st.composite
def atom_entries(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["", ' type="text"', ' type="html"']))
        parts.append(f"<title{kind}>{html.escape(draw(_TEXT))}</title>")
    for _ in range(draw(st.integers(0, 3))):
        rel = draw(st.sampled_from(["", ' rel="alternate"', ' rel="self"', ' rel="related"',
                                    ' rel=""']))
        kind = draw(st.sampled_from(["", ' type="text/html"', ' type="application/pdf"',
                                     ' type="HTML"']))
        parts.append(f'<link{rel}{kind} href="{html.escape(draw(_LINKS))}"/>')
    if draw(st.booleans()):
        parts.append(f"<id>{html.escape(draw(st.one_of(_LINKS, _TEXT)))}</id>")
    for name in ("published", "updated"):
        if draw(st.booleans()):
            parts.append(f"<{name}>{draw(_DATES)}</{name}>")
    order = draw(st.permutations(parts))
    return "<entry>" + "".join(order) + "<summary>body</summary></entry>"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(title=_TEXT, items=st.lists(rss_items(), max_size=4))
def test_generated_rss_scans_as_it_parses(title: str, items: list[str]) -> None:
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{html.escape(title)}</title>{''.join(items)}</channel></rss>")
    assert_agrees(body.encode())


@settings(max_examples=300, derandomize=True, deadline=None)
@given(title=_TEXT, entries=st.lists(atom_entries(), max_size=4))
def test_generated_atom_scans_as_it_parses(title: str, entries: list[str]) -> None:
    body = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{html.escape(title)}</title>'
            f"{''.join(entries)}</feed>")
    assert_agrees(body.encode(), "application/atom+xml")


def test_plain_generated_feeds_are_scanned_not_declined() -> None:
    """The property tests above would pass for a scan that declined everything: the plain
    case, what most feeds are, must be scanned."""
    start = datetime(2026, 3, 2, tzinfo=UTC)
    items = "".join(
        f"<item><title>Column {n} \u2014 caf\u00e9 &amp; more</title>"
        f"<link>https://opinion.example/{n}</link><guid isPermaLink=\"false\">id-{n}</guid>"
        f"<pubDate>{(start - timedelta(days=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
        "</pubDate></item>" for n in range(20))
    body = f'<rss version="2.0"><channel><title>Plain</title>{items}</channel></rss>'.encode()
    scanned = assert_agrees(body)
    assert scanned is not None and len(scanned.keys) == 20


@settings(max_examples=300, derandomize=True, deadline=None)
@given(cut=st.integers(0, len(WORDPRESS.encode())), noise=st.binary(max_size=12),
       skip=st.integers(0, 40))
def test_mangled_feeds_are_declined_or_read_as_parse_feed_reads_them(
        cut: int, noise: bytes, skip: int) -> None:
    """A feed damaged anywhere (bytes replaced, cut short) never makes the scan raise, and
    whatever it still reads agrees with the full parse."""
    body = WORDPRESS.encode()
    mangled = body[:cut] + noise + body[cut + skip:]
    scanned = scan_keys(mangled, url=URL, content_type=RSS_TYPE)
    if scanned is not None:
        assert scanned == full_keys(mangled)
