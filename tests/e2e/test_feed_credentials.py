"""A private feed's credentials (``https://user:pass@host/feed``, ``?token=``) are used to fetch
it and never shown: not in /feed add's answer, /feed list, an error, a pause notice,
autocomplete or /feed remove, wherever the URL is quoted."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from bot.emulator import InteractionRecord, Member
from bot.emulator.markup import render
from tests.e2e.harness import World, reply_text
from tests.feedsite import FeedSite, Item

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRETS = ("s3cret", "reader", "t0ken")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site() -> AsyncIterator[FeedSite]:
    served = await FeedSite().start()
    yield served
    await served.stop()


def items() -> list[Item]:
    day = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    return [Item(guid=f"urn:private:{n}", title=f"Private piece {n}",
                 link=f"http://127.0.0.1/private/{n}", date=day - timedelta(days=n))
            for n in (1, 2)]


async def run(world: World, name: str, options: dict[str, Any],
              member: Member | None = None) -> InteractionRecord:
    record = await world.emu.run_slash_command(member or world.admin, world.general, name,
                                               options)
    await record.wait_response()
    await record.wait_for(
        lambda r: bool(reply_text(r) or (r.original is not None and r.original.embeds)), 30)
    return record


def everything_shown(world: World) -> str:
    """Every text the bot put in front of anyone: messages (each version), replies, their
    edits and follow-ups, autocomplete choices."""
    texts: list[Any] = []
    for channel in list(world.emu.state.channels.values()):
        for message in world.emu.messages(channel, system=True):
            texts += world.emu.message_history(message)
    for record in world.emu.interactions:
        texts += [record.callback_data, record.original_edits, record.choices]
        texts += [m.to_dict(world.emu.state) for m in record.followups]
    return json.dumps(texts, ensure_ascii=False, default=str)


async def test_credentials_never_leave_the_bot(world: World, site: FeedSite) -> None:
    url = site.feed("/private/feed.xml", items(), title="")  # untitled: the URL names it
    secret_url = url.replace("http://", "http://reader:s3cret@") + "?token=t0ken"
    channel = world.guild.add_text_channel("private-feeds")

    added = await run(world, "feed add", {"url": secret_url, "channel": channel})
    # As a member reads it (the masks are text, not emphasis).
    assert render(reply_text(added)).text.startswith(
        f"Following http://***@127.0.0.1:{site.port}/private/feed.xml?token=*** in"), (
        reply_text(added))
    cog: Any = world.bot.get_cog("Feeds")
    store = world.bot.store
    [sub] = await store.list_subscriptions(channel_id=channel.id)
    feed = await store.get_feed(sub.feed_id)
    assert feed is not None and "reader:s3cret@" in feed.url  # kept whole, to fetch with

    # A new entry with no link of its own: its card links to the feed, credentials masked.
    linkless = Item(guid="urn:private:0", title="Private piece without a link", link=None,
                    date=datetime.now(UTC))
    site.feed("/private/feed.xml", [linkless, *items()], title="")
    await cog.poll_step(now=datetime.now(UTC) + timedelta(hours=1))
    await cog.bot.publisher.drain()
    [card] = [m for m in world.emu.messages(channel) if m.embeds]
    # (A link carries no user information at all: a reader cannot see it.)
    assert card.embeds[0]["url"].startswith(
        f"http://127.0.0.1:{site.port}/private/feed.xml?token=***#entry-")

    # Failing until paused: the error, /feed list and the pause notice all quote the URL.
    site.break_("/private/feed.xml", "500")
    at = datetime.now(UTC) + timedelta(hours=2)
    for _ in range(10):
        await cog.poll_step(now=at)
        feed = await store.get_feed(sub.feed_id)
        assert feed is not None
        at = feed.next_poll_at or at
    assert feed.paused and "HTTP 500" in (feed.last_error or "")
    [notice] = [m for m in world.emu.messages(channel) if m.content.startswith("⏸️")]
    assert notice.content.startswith("⏸️ **Feed paused**: http://***@127.0.0.1:")

    listing = await run(world, "feed list", {})
    assert listing.original is not None and "HTTP 500" in json.dumps(listing.original.embeds)
    choices = await world.emu.run_autocomplete(world.admin, world.general, "feed remove",
                                               {"feed": ""}, focused="feed")
    await choices.wait_response()
    assert choices.choices
    removed = await run(world, "feed remove", {"feed": str(sub.id)})
    assert reply_text(removed).startswith("No longer following http://***@127.0.0.1:")

    shown = everything_shown(world)
    assert "***@127.0.0.1" in shown  # the search below looks where the URLs are
    assert [secret for secret in SECRETS if secret in shown] == []
