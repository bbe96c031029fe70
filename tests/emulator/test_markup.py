"""The emulator's reading of Discord markup finds what the client renders, as the client does.

The cases are behaviours of Discord's client (its "Markdown Text 101" and what the client is
observed to do), so that a test asserting "nothing is active" through this reader means it.
"""

from __future__ import annotations

import pytest

from bot.emulator.markup import render


def kinds(markup: str) -> list[str]:
    return [e.kind for e in render(markup).walk()]


@pytest.mark.parametrize(("markup", "expected"), [
    ("**bold** *it* _it_ __under__ ~~strike~~", ["bold", "italic", "italic", "underline",
                                                 "strike"]),
    ("a ||hidden|| word", ["spoiler"]),
    ("`code` and ```py\nblock```", ["code", "code_block"]),
    ("<@80351110224678912> <@!1> <@&2> <#3> </debate start:4> <id:browse>",
     ["user_mention", "user_mention", "role_mention", "channel_mention", "command_mention",
      "guild_navigation"]),
    ("@everyone and @here", ["everyone", "everyone"]),
    ("<t:1700000000:R> <:blob:5> <a:dance:6>", ["timestamp", "emoji", "emoji"]),
    ("# One\n## Two\n### Three", ["heading", "heading", "heading"]),
    ("-# small print", ["subtext"]),
    ("> quoted\n> on", ["quote"]),
    (">>> the rest\nof it", ["quote"]),
    ("- one\n* two\n3. three", ["list", "list", "list"]),
    ("[click me](http://evil.example/phish)", ["masked_link"]),
    # A space ends the target: no masked link, and what is left is a bare link.
    ("[click](<http://evil.example/a b>)", ["link"]),
    ("see https://example.org/a_b_c.", ["link"]),
    ("<https://example.org/x>", ["link"]),
])
def test_constructs_are_found(markup: str, expected: list[str]) -> None:
    assert kinds(markup) == expected


@pytest.mark.parametrize("markup", [
    "a # not a heading", " # indented", "#### four", "a > not a quote", "x - not a list",
    "-#nospace", "plain text, 5 * 3 = 15",
])
def test_what_is_not_markup(markup: str) -> None:
    assert kinds(markup) == []
    assert render(markup).text == markup


def test_a_backslash_shows_the_character_as_is() -> None:
    rendered = render(r"\*\*not bold\*\* \|\|seen\|\| \<@1\> \@everyone \# no \[a\](http://x.y)")
    assert rendered.text == "**not bold** ||seen|| <@1> @everyone # no [a](http://x.y)"
    # What is left is the bare address, shown as it links.
    assert [(e.kind, e.text) for e in rendered.walk()] == [("link", "http://x.y")]
    # A backslash before a letter or a digit is shown.
    assert render(r"\a \1").text == r"\a \1"


def test_a_masked_link_shows_its_label_and_hides_its_target() -> None:
    [link] = render("read [the piece](<https://news.example/a>) now").links()
    assert (link.kind, link.text, link.target) == ("masked_link", "the piece",
                                                  "https://news.example/a")


def test_an_unbalanced_parenthesis_ends_a_masked_links_target() -> None:
    # The crafted URL of issue 10: its ")" closes the link around the title, and what follows
    # becomes a link of its own.
    markup = "[Title](<http://news.example/art>)[phish](http://evil.example/x)>)"
    targets = [e.target for e in render(markup).links()]
    assert targets == ["http://news.example/art", "http://evil.example/x"]


def test_escapes_are_not_read_in_a_masked_links_label() -> None:
    # The client shows the backslashes there and still reads emphasis: escaping cannot make a
    # label literal, so the bot puts no outside text in one.
    [escaped] = render(r"[\*a\*](https://x.example)").links()
    assert escaped.text == r"\*a\*"
    [emphasis] = render("[*b*](https://x.example)").links()
    assert [e.kind for e in emphasis.inner] == ["italic"]


def test_nested_constructs_are_found() -> None:
    rendered = render("**bold ||with a spoiler and <@1>||**")
    assert [e.kind for e in rendered.walk()] == ["bold", "spoiler", "user_mention"]
    assert rendered.text == "bold with a spoiler and @1"


def test_line_openers_need_a_line_start() -> None:
    assert kinds("text\n# heading") == ["heading"]
    assert kinds("*# heading in emphasis*") == ["italic", "heading"]
    assert kinds("text *# not at a line start*") == ["italic"]
    assert kinds("  > spaces may precede a quote") == ["quote"]
