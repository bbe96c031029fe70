"""Credentials in URLs: masked wherever text leaves the bot, the address itself kept whole."""

from __future__ import annotations

import logging

import pytest

from bot.redact import RedactingFilter, redact_text, redact_url


@pytest.mark.parametrize(("url", "shown"), [
    ("https://reader:s3cret@example.com/feed.xml", "https://***@example.com/feed.xml"),
    ("https://token@example.com:8443/feed", "https://***@example.com:8443/feed"),
    ("https://example.com/feed?token=abc&format=rss", "https://example.com/feed?token=***&format=rss"),
    ("https://example.com/f?Key=1;api_key=2#top", "https://example.com/f?Key=***;api_key=***#top"),
    ("https://example.com/feed?format=rss#auth=x", "https://example.com/feed?format=rss#auth=x"),
    ("https://example.com/feed.xml", "https://example.com/feed.xml"),
    ("https://example.com/a@b", "https://example.com/a@b"),  # "@" in the path: no user info
])
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_text_finds_every_url() -> None:
    text = ("Could not fetch https://u:p@a.example/x: redirect to <ftp://v:q@b.example/y> "
            "(see `/feed test url:https://c.example/z?auth=k`)")
    assert redact_text(text) == (
        "Could not fetch https://***@a.example/x: redirect to <ftp://***@b.example/y> "
        "(see `/feed test url:https://c.example/z?auth=***`)")
    assert redact_text("no address here: user:pass@host") == "no address here: user:pass@host"
    assert redact_text("GET https://x.example/f?token=abc: 500, then https://u@y.example.") == (
        "GET https://x.example/f?token=***: 500, then https://***@y.example.")


def test_the_log_filter_masks_messages_arguments_and_tracebacks() -> None:
    url = "https://reader:s3cret@example.com/feed"
    try:
        raise ValueError(f"cannot read {url}")
    except ValueError as error:
        record = logging.LogRecord("cogs.feeds", logging.WARNING, __file__, 1,
                                   "poll of %s failed", (url,), (type(error), error,
                                                                 error.__traceback__))
    assert RedactingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "s3cret" not in formatted and "reader" not in formatted
    assert "poll of https://***@example.com/feed failed" in formatted
    assert "ValueError: cannot read https://***@example.com/feed" in formatted
