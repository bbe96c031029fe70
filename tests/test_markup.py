"""Text from a feed shows on Discord as written, with nothing in it active; links are safe.

Each case is read back through the emulator's reading of Discord markup
(:mod:`bot.emulator.markup`), which finds what the client would render.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.emulator.markup import render
from bot.markup import plain, web_url
from bot.redact import redact_text

HOSTILE = [
    "[click me](http://evil.example/phish)",
    "[a](http://one.example) and [b](http://two.example) on one line",
    "||spoiler|| and **bold** and __underline__ and ~~strike~~ and *it* and _it_",
    "<@80351110224678912> <@!1> <@&2> <#3> </debate start:4> <id:browse> @everyone @here",
    "<t:1700000000:R> <:blob:5> <a:dance:6>",
    "# Heading\n## Two\n### Three\n-# subtext",
    "> quote\n>>> block quote\n- list\n* star\n12. numbered",
    "`code` and ```py\nblock```",
    "see https://example.org/a_b_(c) and http://x.example/*y*.",
    "http://news.example/art>)[phish](http://evil.example/x)",
    "a lone \\ backslash, and one at the end \\",
    "C# and snake_case and 5 * 3 and a|b and jane@example.org",
]


def assert_literal(shown: str, written: str, *, links: bool) -> None:
    rendered = render(shown)
    assert rendered.text == written
    for element in rendered.walk():
        # A bare address may stay a link when its reader sees where it goes.
        assert links and element.kind == "link" and element.text == element.target, element


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("links", [True, False])
def test_feed_text_shows_as_written_and_nothing_in_it_is_active(text: str, links: bool) -> None:
    assert_literal(plain(text, links=links), text, links=links)


def test_the_hostile_cases_are_markup_when_not_escaped() -> None:
    # Otherwise the test above would prove nothing.
    for text in HOSTILE[:8]:
        assert any(e.kind != "link" for e in render(text).walk()), text


def test_bare_addresses_stay_links_without_previews() -> None:
    shown = plain("Read https://example.org/report_2026 (page 3).")
    assert shown == "Read <https://example.org/report_2026> (page 3)."
    [link] = render(shown).links()
    assert link.target == "https://example.org/report_2026"
    assert render(plain("https://example.org/x", links=False)).links() == []


# Fragments that mean something to Discord's markup, mixed with plain characters: generated text
# is mostly near-misses of real markup, which is where an escaper goes wrong.
MARKUP_ATOMS = st.sampled_from([
    *"\\*_~|`[]()<>#@-:!. \n\t&0123456789ab", "http://", "https://a.example/", "steam://",
    "||", "**", "](", "<@", "<#", "<t:", "@everyone", "```", "> ", "# ", "-# ", "1. ", "- ",
    "é", "🥺", "[x](http://e.example/y)"])


@settings(max_examples=1500)
@given(text=st.lists(MARKUP_ATOMS | st.text(max_size=3), min_size=1, max_size=30).map("".join),
       links=st.booleans())
def test_arbitrary_text_is_shown_as_written(text: str, links: bool) -> None:
    # Credentials in an address are masked (see the last test).
    assert_literal(plain(text, links=links), redact_text(text), links=links)


@pytest.mark.parametrize(("url", "safe"), [
    pytest.param("https://news.example/2026/op-ed", "https://news.example/2026/op-ed",
                 id="already-safe"),
    pytest.param("HTTP://News.Example", "http://news.example/", id="scheme-and-host-lowercased"),
    # The crafted URL of issue 10: nothing in it can end a masked link any more.
    pytest.param("http://127.0.0.1:8080/art>)[phish](http://evil.example/x)",
                 "http://127.0.0.1:8080/art%3E%29%5Bphish%5D%28http://evil.example/x%29",
                 id="issue-10-masked-link-breakout"),
    pytest.param("https://ex.example/a b?q=1 2#f g", "https://ex.example/a%20b?q=1%202#f%20g",
                 id="spaces-encoded"),
    pytest.param("https://ex.example/100%25/%zz", "https://ex.example/100%25/%25zz",
                 id="stray-percent-encoded"),
    pytest.param("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe",
                 id="idna-host-utf8-path"),
    pytest.param("http://[::1]:8080/x", "http://[::1]:8080/x", id="ipv6-with-port"),
    # What a reader cannot see in a link is dropped: it goes to evil.example.
    pytest.param("https://trusted.example@evil.example/login", "https://evil.example/login",
                 id="userinfo-dropped"),
    pytest.param("  https://padded.example/x  ", "https://padded.example/x",
                 id="whitespace-stripped"),
])
def test_web_urls_are_encoded(url: str, safe: str) -> None:
    assert web_url(url) == safe


@pytest.mark.parametrize("url", [
    None, "", "javascript:alert(1)", "data:text/html,hi", "ftp://files.example/x",
    "file:///etc/passwd", "//no-scheme.example/x", "http:///no-host", "http://exa mple.com/",
    "http://host.example:99999/", "http://host.example:port/", "https://a\nb.example/",
    "http://bad_<host>.example/", "news.example/no-scheme", "http://-leading.example/",
])
def test_what_is_not_an_http_url_is_refused(url: str | None) -> None:
    assert web_url(url) is None


def test_a_safe_url_stays_one_link_inside_a_masked_link() -> None:
    url = web_url("http://news.example/art>)[phish](http://evil.example/x) (2)")
    assert url is not None
    assert [e.target for e in render(f"[the piece](<{url}>)").links()] == [url]


def test_credentials_are_masked_before_an_address_is_escaped() -> None:
    # Escaped, an address is no longer found by the redaction every reply goes through.
    for links in (True, False):
        shown = render(plain("feed https://reader:s3cret@feeds.example/x?token=abc",
                             links=links)).text
        assert "s3cret" not in shown and "abc" not in shown
        assert "https://***@feeds.example/x?token=***" in shown
