"""What the command line prints when a source is bad: one line a person can act on, no
library logging before it, no credentials, whatever the source."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.cli.runner import run_cli_async
from tests.feedsite import FeedSite

ALLOW_LOOPBACK = {"COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES": "true"}


@pytest_asyncio.fixture
async def site() -> AsyncIterator[FeedSite]:
    served = await FeedSite().start()
    yield served
    await served.stop()


async def test_a_page_with_no_article_gets_one_line_and_no_library_logging(
        tmp_path: Path, site: FeedSite) -> None:
    # trafilatura warns twice ("discarding data") before our own error says the same.
    url = site.raw("/bare.html", b"<html><head><title>t</title></head><body></body></html>",
                   content_type="text/html; charset=utf-8")
    code, out, err = await run_cli_async(tmp_path, "preview", url, emulator_token=None,
                                         env=ALLOW_LOOPBACK)
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"counterpoint: {url}: no article text found on the page"]
    code, _, debug = await run_cli_async(tmp_path, "--debug", "preview", url,
                                         emulator_token=None, env=ALLOW_LOOPBACK)
    assert code != 0 and "WARNING trafilatura" in debug  # still there when asked for


async def test_credentials_in_a_url_are_not_echoed(tmp_path: Path, site: FeedSite) -> None:
    # The address guard's refusal quotes the URL as given.
    url = site.url("/private/feed.xml").replace("http://", "http://reader:s3cret@")
    code, out, err = await run_cli_async(tmp_path, "preview", url, emulator_token=None)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"counterpoint: http://***@127.0.0.1:{site.port}/private/feed.xml: refusing to "
        "connect to loopback address 127.0.0.1"]
