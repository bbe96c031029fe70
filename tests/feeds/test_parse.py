"""Parsing RSS, Atom, RDF and JSON Feed; refusing what is not a feed; keys that survive churn."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.feeds.parse import (
    FeedEntry,
    FeedParseError,
    NotAFeed,
    discover_feed_links,
    normalize_link,
    parse_feed,
)

FEED_URL = "https://opinion.example/feeds/columns.xml"

RSS20 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>The Opinion Page</title>
  <link>https://opinion.example/</link>
  <item>
    <title>Four reasons to keep the &lt;em&gt;bridge&lt;/em&gt; tolls</title>
    <link>/2024/05/tolls?utm_source=rss&amp;utm_medium=feed</link>
    <guid isPermaLink="false">op-1001</guid>
    <pubDate>Tue, 14 May 2024 09:30:00 +0200</pubDate>
    <author>desk@opinion.example (Ana Ruiz)</author>
    <description>&lt;p&gt;Tolls pay for upkeep.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>For starters, tolls pay.</p><script>steal()</script>]]>
    </content:encoded>
  </item>
  <item>
    <title>A column with no guid</title>
    <link>https://opinion.example/2024/05/no-guid</link>
    <dc:creator>Ben Okafor</dc:creator>
    <dc:date>2024-05-13T08:00:00Z</dc:date>
    <description>Plain text summary.</description>
  </item>
  <item><title>Bad link</title><link>javascript:alert(1)</link><guid>op-9</guid></item>
</channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Weekly &lt;b&gt;Arguments&lt;/b&gt;</title>
  <link rel="alternate" href="https://args.example/"/>
  <id>urn:uuid:feed-1</id>
  <updated>2024-05-14T10:00:00Z</updated>
  <entry>
    <title>Why the council is wrong</title>
    <link rel="alternate" href="https://args.example/council"/>
    <id>tag:args.example,2024:council</id>
    <updated>2024-05-14T10:00:00Z</updated>
    <published>2024-05-14T06:00:00-04:00</published>
    <author><name>Chloe Martin</name></author>
    <summary>Short version.</summary>
    <content type="html">&lt;p&gt;First, the council ignored the data.&lt;/p&gt;</content>
  </entry>
</feed>"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/">
    <title>RDF Commentary</title>
    <link>https://rdf.example/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://rdf.example/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://rdf.example/a">
    <title>An old-style item</title>
    <link>https://rdf.example/a</link>
    <description>Some words.</description>
    <dc:creator>Dee Park</dc:creator>
    <dc:date>2024-01-02T03:04:05+01:00</dc:date>
  </item>
</rdf:RDF>"""

JSON_FEED_11 = json.dumps({
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON Opinions",
    "home_page_url": "https://json.example/",
    "feed_url": "https://json.example/feed.json",
    "authors": [{"name": "Desk"}],
    "items": [
        {"id": "j-1", "url": "/posts/1?fbclid=abc", "title": "Against the motion",
         "content_html": "<p>Second, it costs.</p><script>x()</script>",
         "summary": "Costs & more", "date_published": "2024-05-01T12:00:00+02:00",
         "authors": [{"name": "Eve Adams"}]},
        {"id": 42, "content_text": "Para one.\n\nPara two <b>not bold</b>.",
         "date_modified": "2024-05-02T00:00:00Z"},
        "not an item",
    ],
}).encode()

JSON_FEED_10 = json.dumps({
    "version": "https://jsonfeed.org/version/1",
    "title": "Old JSON",
    "author": {"name": "Fay"},
    "items": [{"id": "x", "url": "https://json.example/x", "content_text": "Hi"}],
}).encode()


def by_title(entries: tuple[FeedEntry, ...], title: str) -> FeedEntry:
    return next(e for e in entries if e.title == title)


# ----------------------------------------------------------------------------- dialects


def test_rss20() -> None:
    feed = parse_feed(RSS20, url=FEED_URL, content_type="application/rss+xml; charset=utf-8")
    assert feed.title == "The Opinion Page" and feed.link == "https://opinion.example/"
    assert len(feed.entries) == 3
    first = feed.entries[0]
    assert first.title == "Four reasons to keep the bridge tolls"
    assert first.guid == "op-1001" and first.key == "guid:op-1001"
    # Relative links resolve against the feed URL.
    assert first.link == "https://opinion.example/2024/05/tolls?utm_source=rss&utm_medium=feed"
    assert "link:https://opinion.example/2024/05/tolls" in first.alt_keys
    assert first.author == "Ana Ruiz"
    assert first.published == datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    assert first.published.tzinfo is not None
    assert first.summary_html == "<p>Tolls pay for upkeep.</p>"
    assert first.content_html is not None and "For starters" in first.content_html
    assert "script" not in first.content_html  # sanitized

    second = by_title(feed.entries, "A column with no guid")
    assert second.guid is None
    assert second.key == "link:https://opinion.example/2024/05/no-guid"
    assert second.author == "Ben Okafor"
    assert second.published == datetime(2024, 5, 13, 8, 0, tzinfo=UTC)
    assert second.summary_html == "Plain text summary."  # RSS descriptions are HTML
    assert second.content_html is None

    assert by_title(feed.entries, "Bad link").link is None  # javascript: is never a link


def test_atom() -> None:
    feed = parse_feed(ATOM, url="https://args.example/atom.xml")
    assert feed.title == "Weekly Arguments" and feed.link == "https://args.example/"
    (entry,) = feed.entries
    assert entry.key == "guid:tag:args.example,2024:council"
    assert entry.link == "https://args.example/council"
    assert entry.author == "Chloe Martin"
    assert entry.published == datetime(2024, 5, 14, 10, 0, tzinfo=UTC)
    assert entry.content_html == "<p>First, the council ignored the data.</p>"
    assert entry.summary_html == "<p>Short version.</p>"


def test_rss10_rdf() -> None:
    feed = parse_feed(RSS10)
    assert feed.title == "RDF Commentary"
    (entry,) = feed.entries
    assert entry.guid == "https://rdf.example/a"
    assert entry.author == "Dee Park"
    assert entry.published == datetime(2024, 1, 2, 2, 4, 5, tzinfo=UTC)


def test_json_feed_11() -> None:
    feed = parse_feed(JSON_FEED_11, url="https://json.example/feed.json",
                      content_type="application/feed+json")
    assert feed.title == "JSON Opinions" and feed.link == "https://json.example/"
    assert len(feed.entries) == 2  # the non-object item is skipped
    first, second = feed.entries
    assert first.key == "guid:j-1" and first.title == "Against the motion"
    assert first.link == "https://json.example/posts/1?fbclid=abc"
    assert "link:https://json.example/posts/1" in first.alt_keys
    assert first.author == "Eve Adams"
    assert first.published == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert first.content_html is not None and "Second, it costs." in first.content_html
    assert "script" not in first.content_html
    assert first.summary_html == "<p>Costs &amp; more</p>"
    assert second.key == "guid:42" and second.author == "Desk"  # feed author as fallback
    assert second.content_html == "<p>Para one.</p><p>Para two &lt;b&gt;not bold&lt;/b&gt;.</p>"
    assert second.published == datetime(2024, 5, 2, tzinfo=UTC)


def test_json_feed_10_sniffed_without_content_type() -> None:
    feed = parse_feed(b"\xef\xbb\xbf" + JSON_FEED_10)
    assert feed.title == "Old JSON"
    (entry,) = feed.entries
    assert entry.author == "Fay" and entry.link == "https://json.example/x"


def test_empty_but_valid_feed() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>New blog</title></channel></rss>')
    assert feed.title == "New blog" and feed.entries == ()


# ------------------------------------------------------------------------ not a feed


@pytest.mark.parametrize("body", [
    b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>",
    b"\n  <!-- a comment --><html lang='en'><body>x</body></html>",
    b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    b"<p>Just a fragment of a page</p>",
    b"\x00\x01\x02garbage\xff\xfe",
    b"Hello, this is plain text.",
    b"",
    b"   \n",
    b'{"status": "ok", "data": [1, 2, 3]}',
    b"[1, 2, 3]",
])
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(NotAFeed) as caught:
        parse_feed(body, url="https://x.example/page")
    message = str(caught.value)
    assert message.startswith("https://x.example/page: not a feed") and "\n" not in message


def test_html_served_as_html() -> None:
    with pytest.raises(NotAFeed, match="HTML page"):
        parse_feed(b"<html><body>nope</body></html>", content_type="text/html")


def test_malformed_json_is_a_parse_error() -> None:
    with pytest.raises(FeedParseError, match="malformed JSON"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": [', url="u")


def test_malformed_xml_keeps_what_is_readable() -> None:
    broken = (b'<rss version="2.0"><channel><title>Broken & co</title>'
              b"<item><title>Kept</title><guid>k1</guid></item>"
              b"<item><title>Unclosed")
    feed = parse_feed(broken)
    assert feed.entries[0].title == "Kept"


def test_malformed_xml_with_nothing_readable() -> None:
    with pytest.raises(FeedParseError):
        parse_feed(b'<rss version="2.0"><channel><<<&&& </rss>')


def test_wrong_declared_encoding_still_parses() -> None:
    # Declared UTF-8, actually Latin-1: the é is not valid UTF-8.
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Caf\xe9 society</title><item><title>Cr\xe8me</title><guid>c</guid>"
            "</item></channel></rss>").encode("latin-1")
    feed = parse_feed(body)
    assert feed.entries and feed.entries[0].guid == "c"
    assert feed.title is not None and feed.title.startswith("Caf")


def test_charset_from_content_type_header() -> None:
    body = ('<rss version="2.0"><channel><title>Caf\xe9</title><item><title>\xc9t\xe9</title>'
            "<guid>e</guid></item></channel></rss>").encode("iso-8859-1")
    feed = parse_feed(body, content_type="application/rss+xml; charset=iso-8859-1")
    assert feed.title == "Café" and feed.entries[0].title == "Été"


@st.composite
def mangled_feeds(draw: st.DrawFn) -> bytes:
    """A well-formed feed of each kind, cut short and with bytes overwritten at random."""
    sample = bytearray(draw(st.sampled_from([RSS20, ATOM, RSS10, JSON_FEED_11])))
    del sample[draw(st.integers(0, len(sample))):]
    for _ in range(draw(st.integers(0, 8)) if sample else 0):
        sample[draw(st.integers(0, len(sample) - 1))] = draw(st.integers(0, 255))
    return bytes(sample)


@settings(max_examples=400)
@given(body=mangled_feeds())
def test_only_parse_errors_escape_on_mangled_input(body: bytes) -> None:
    with contextlib.suppress(FeedParseError):
        parse_feed(body)


def test_rejects_non_bytes() -> None:
    with pytest.raises(FeedParseError):
        parse_feed("<rss/>")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- keys


def _rss_item(guid: str | None, link: str | None, title: str, date: str) -> bytes:
    parts = [f"<title>{title}</title>", f"<pubDate>{date}</pubDate>"]
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link:
        parts.append(f"<link>{link}</link>")
    return ('<rss version="2.0"><channel><title>F</title><item>' + "".join(parts)
            + "</item></channel></rss>").encode()


def _keys(entry: FeedEntry) -> set[str]:
    return {entry.key, *entry.alt_keys}


def test_guid_churn_is_recognised_through_the_link() -> None:
    before = parse_feed(_rss_item("cms-1", "https://o.example/a", "Piece",
                                  "Mon, 06 May 2024 10:00:00 GMT")).entries[0]
    after = parse_feed(_rss_item("new-cms-77", "https://o.example/a/?utm_source=x#top",
                                 "Piece", "Mon, 06 May 2024 10:00:00 GMT")).entries[0]
    assert before.key != after.key
    assert _keys(before) & _keys(after)


def test_guid_and_link_churn_is_recognised_through_the_title() -> None:
    before = parse_feed(_rss_item("1", "https://old.example/a", "The  Long Piece",
                                  "Mon, 06 May 2024 10:00:00 GMT")).entries[0]
    after = parse_feed(_rss_item("2", "https://new.example/a", "the long piece",
                                 "Tue, 07 May 2024 10:00:00 GMT")).entries[0]
    assert _keys(before) & _keys(after) == {
        k for k in before.alt_keys if k.startswith("title:")}


def test_redating_without_guid_keeps_the_key() -> None:
    before = parse_feed(_rss_item(None, "https://o.example/a?b=2&a=1", "Piece",
                                  "Mon, 06 May 2024 10:00:00 GMT")).entries[0]
    after = parse_feed(_rss_item(None, "HTTPS://O.example:443/a?a=1&b=2&fbclid=zz", "Piece",
                                 "Fri, 10 May 2024 10:00:00 GMT")).entries[0]
    assert before.key == after.key == "link:https://o.example/a?a=1&b=2"


def test_no_guid_no_link_hashes_title_and_date() -> None:
    one = parse_feed(_rss_item(None, None, "Untitled thoughts",
                               "Mon, 06 May 2024 10:00:00 GMT")).entries[0]
    redated = parse_feed(_rss_item(None, None, "Untitled thoughts",
                                   "Tue, 07 May 2024 10:00:00 GMT")).entries[0]
    assert one.key.startswith("hash:") and one.key != redated.key
    assert one.alt_keys == redated.alt_keys and one.alt_keys[0].startswith("title:")
    assert one.key == parse_feed(_rss_item(None, None, "Untitled thoughts",
                                           "Mon, 06 May 2024 10:00:00 GMT")).entries[0].key


@pytest.mark.parametrize(("raw", "normal"), [
    ("HTTPS://Example.COM:443/Path/?b=2&a=1#frag", "https://example.com/Path?a=1&b=2"),
    ("http://example.com:80/", "http://example.com"),
    ("http://example.com:8080/x/", "http://example.com:8080/x"),
    ("https://e.com/a?utm_source=tw&utm_campaign=c&id=7&fbclid=1&gclid=2&ref=home",
     "https://e.com/a?id=7"),
    ("https://e.com/a?UTM_Medium=x&mc_cid=1&_hsenc=2&msclkid=3", "https://e.com/a"),
    ("https://e.com/a?q=hello%20world&x=", "https://e.com/a?q=hello%20world&x"),
    ("  https://e.com/a  ", "https://e.com/a"),
    ("https://[::1]:443/a", "https://[::1]/a"),
    ("http://[bad", "http://[bad"),
])
def test_normalize_link(raw: str, normal: str) -> None:
    assert normalize_link(raw) == normal


# ------------------------------------------------------------------------- discovery

PAGE = b"""<!doctype html><html><head>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
<link rel="ALTERNATE" type="application/atom+xml" href="https://cdn.example/atom">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate home" type="application/json" href="//api.example/j.json">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
</head><body><a rel="alternate" type="application/rss+xml" href="/not-head"></a></body></html>"""


def test_discover_feed_links() -> None:
    assert discover_feed_links(PAGE, "https://site.example/blog/post") == [
        "https://site.example/feed.xml",
        "https://cdn.example/atom",
        "https://site.example/blog/feed.json",
        "https://api.example/j.json",
    ]


def test_discover_honours_base_href_and_str_input() -> None:
    page = ('<html><head><base href="https://other.example/sub/">'
            '<link rel=alternate type="application/atom+xml" href="a.xml"></head></html>')
    assert discover_feed_links(page, "https://site.example/") == [
        "https://other.example/sub/a.xml"]


def test_discover_on_no_links_or_junk() -> None:
    assert discover_feed_links(b"<html><body>none</body></html>", "https://s.example/") == []
    assert discover_feed_links(b"\xff\xfe<<<>>>&&&", "https://s.example/") == []


# --- bodies made safe when read (bot.feeds.parse.Markup) ----------------------------------

_LAZY_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://news.example/section/">
  <title>Lazy</title>
  <entry>
    <id>urn:lazy:1</id>
    <title type="html">Tolls &lt;script&gt;x()&lt;/script&gt;&lt;b&gt;now&lt;/b&gt;</title>
    <link href="pieces/1"/>
    <content type="html">&lt;p&gt;First, &lt;a href="notes/1"&gt;tolls&lt;/a&gt; pay.&lt;/p&gt;
      &lt;script&gt;steal()&lt;/script&gt;</content>
  </entry>
  <entry>
    <id>urn:lazy:2</id><title>Plain</title>
    <content type="text">History of the &lt;blink&gt; tag</content>
  </entry>
</feed>"""


def test_bodies_are_resolved_and_sanitized_when_read_even_after_pickling() -> None:
    import pickle

    feed = parse_feed(_LAZY_ATOM, url="http://news.example/feed.xml")
    first, second = feed.entries
    # Titles are made safe at once (they are part of the dedupe keys): script text dropped.
    assert first.title == "Tolls now"
    assert first.link == "http://news.example/section/pieces/1"
    # A feed parsed in a worker process comes back with its bodies raw; reading makes them
    # safe there, with the base the parser knew.
    for entry in (first, pickle.loads(pickle.dumps(first))):
        assert entry.content_html is not None
        assert "steal" not in entry.content_html and "<script" not in entry.content_html
        assert 'href="http://news.example/section/notes/1"' in entry.content_html
    # A plain-text content copied as the summary is text, escaped, not markup.
    assert second.content_html == "<p>History of the &lt;blink&gt; tag</p>"
    assert second.summary_html == second.content_html
