"""/feed end to end: moderators on the emulator, the real bot, feeds on a loopback site.

Poll cycles are driven by calling the cog's own step with a pinned clock (``poll_step(now=)``),
which runs exactly what the loop runs; the loop itself sleeps for an hour in this module except
in the one test that lets it run. Nothing sleeps and nothing is timed: tests await the
emulator's waiters and the interaction records.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from bot.client import CounterpointBot
from bot.emulator import Channel, Emulator, InteractionRecord, Member, Message, Role
from bot.emulator.interactions import find_command
from bot.feeds.service import FeedStatus
from bot.liveness import ProcessIdentity
from cogs.feeds import Feeds, list_embeds
from tests.e2e.harness import RunningBot, World, reply_text, settings_for, start_bot
from tests.feedsite import FeedSite, Item
from tests.storefixtures import POSTGRES_URL

pytestmark = pytest.mark.asyncio(loop_scope="module")

WITHIN = 30.0
IDLE = 3600.0
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANNELS = ("news", "failing", "paused", "churn", "filtered", "latest", "looped", "many")


class FeedWorld:
    """The shared World plus what these tests add: a feed site, channels, roles, members."""

    def __init__(self, world: World, site: FeedSite, channels: dict[str, Channel],
                 alerts: Role, mods: Role, dana: Member, mo: Member) -> None:
        self.world = world
        self.site = site
        self.channels = channels
        self.alerts = alerts
        self.mods = mods
        self.dana = dana  # no permissions at all
        self.mo = mo  # the moderator role, once configured; no Manage Server

    @property
    def emu(self) -> Emulator:
        return self.world.emu

    @property
    def cog(self) -> Feeds:
        # discord.py executes an extension's module afresh when it loads it, so the cog's class
        # is not the one imported here: no isinstance.
        cog = self.world.bot.get_cog("Feeds")
        assert cog is not None
        return cog  # type: ignore[return-value]

    @property
    def guild_id(self) -> int:
        return self.world.guild.id

    async def run(self, path: str, options: dict[str, Any] | None = None, *,
                  member: Member | None = None,
                  until: Callable[[str], bool] | None = None) -> InteractionRecord:
        """``/path`` in #general; returns once the reply shows something (and ``until``)."""
        record = await self.emu.run_slash_command(member or self.world.admin,
                                                  self.world.general, path, options or {})
        await record.wait_response(timeout=WITHIN)

        def finished(r: InteractionRecord) -> bool:
            text = reply_text(r)
            return bool(text or embeds_of(r)) and (until is None or until(text))

        await record.wait_for(finished, WITHIN)
        return record

    async def add(self, url: str, channel: str | Channel, **options: Any) -> int:
        """/feed add that must succeed; returns the new subscription's id."""
        target = self.channels[channel] if isinstance(channel, str) else channel
        before = {s.id for s in await self.world.bot.store.list_subscriptions(
            guild_id=self.guild_id)}
        record = await self.run("feed add", {"url": url, "channel": target, **options},
                                until=lambda t: "Backfill" in t or "backfill" not in options)
        assert reply_text(record).startswith("Following"), reply_text(record)
        [new] = [s.id for s in await self.world.bot.store.list_subscriptions(
            guild_id=self.guild_id) if s.id not in before]
        return new

    async def poll(self, now: datetime) -> Any:
        report = await self.cog.poll_step(now=now)
        # The cycle hands its pieces on without waiting for them: wait here.
        await self.world.bot.publisher.drain()
        return report

    async def line(self, subscription_id: int) -> FeedStatus:
        return await self.cog.service.status(self.guild_id, subscription_id)

    def cards(self, channel: str) -> list[Message]:
        return [m for m in self.emu.messages(self.channels[channel]) if m.embeds]


def embeds_of(record: InteractionRecord) -> list[dict[str, Any]]:
    found = list(record.original.embeds) if record.original is not None else []
    for message in record.followups:
        if message.id != record.original_message_id:
            found += message.embeds
    return found


def item(n: int, **changes: Any) -> Item:
    base = Item(guid=f"urn:piece:{n}", title=f"Piece number {n}",
                link=f"http://127.0.0.1/opinion/{n}", date=T0 - timedelta(days=30 - n))
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def soon() -> datetime:
    """A poll time at which everything added so far is due."""
    return datetime.now(UTC) + timedelta(minutes=1)


async def whole_poll_round(bot: CounterpointBot) -> None:
    """Wait for a whole round of the poll loop, from its start: the round the loop makes at
    start may be over or under way, so the loop is restarted once the wait has begun."""
    cog: Any = bot.get_cog("Feeds")
    round_done = bot.wait_for("feed_cycle", timeout=WITHIN)
    cog.poll_loop.restart()
    await round_done


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fw(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FeedWorld]:
    database = tmp_path_factory.mktemp("feeds") / "counterpoint.db"
    emu = await Emulator().start()
    server = await FeedSite().start()
    site = await FeedSite().start()
    guild = emu.add_guild("Debate Club")
    channels = {name: guild.add_text_channel(name) for name in CHANNELS}
    alerts = guild.add_role("Debate alerts", mentionable=True)
    mods = guild.add_role("Mods")
    world = World(
        emu=emu, server=server, database_url=f"sqlite:///{database}", guild=guild,
        general=guild.add_text_channel("general"), forum=guild.add_forum_channel("debates"),
        moderators=guild.add_text_channel("moderators"),
        admin=guild.add_member("moderator", permissions=["ADMINISTRATOR"]),
        alice=guild.add_member("alice"), bob=guild.add_member("bob"),
        carol=guild.add_member("carol"),
        bot_options={"retry_minutes": 600.0, "poll_seconds": IDLE})
    dana = guild.add_member("dana")
    mo = guild.add_member("mo", roles=[mods])
    try:
        await world.start()
        fw = FeedWorld(world, site, channels, alerts, mods, dana, mo)
        # The loop idles (its first round at start, then an hour: poll_seconds) so that
        # pinned-clock cycles alone decide what is polled when;
        # test_the_poll_loop_runs_and_survives_errors speeds it up. The pieces retry loop idles
        # too (retry_minutes), so that this cog publishes (and pings) its own pieces.
        await whole_poll_round(world.bot)
        yield fw
    finally:
        await world.close()
        await site.stop()


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def unsubscribe_after(fw: FeedWorld) -> AsyncIterator[None]:
    """Each test starts with no subscriptions, so one test's feeds never poll in another's."""
    yield
    store = fw.world.bot.store
    for sub in await store.list_subscriptions(guild_id=fw.guild_id):
        await store.remove_subscription(sub.id)


def no_mentions(message: Message) -> bool:
    return message.mention_roles == [] and message.mentions == [] \
        and not message.mention_everyone


# ------------------------------------------------------------------------------- the tests


async def test_commands_are_for_moderators(fw: FeedWorld) -> None:
    command = find_command(fw.emu.state, fw.guild_id, "feed")
    assert command is not None
    assert str(command["default_member_permissions"]) == "32"  # Manage Server
    assert command["dm_permission"] is False  # guild only

    refused = await fw.run("feed list", member=fw.dana)
    assert reply_text(refused) == ("Only moderators can manage feeds: you need Manage Server "
                                   "(or the server's moderator role, once one is configured).")
    assert refused.original is not None and refused.original.ephemeral
    choices = await fw.emu.run_autocomplete(fw.dana, fw.world.general, "feed remove",
                                            {"feed": ""}, focused="feed")
    await choices.wait_response()
    assert choices.choices == []

    await fw.world.bot.store.update_guild_settings(fw.guild_id, moderator_role_id=fw.mods.id)
    allowed = await fw.run("feed list", member=fw.mo)
    assert reply_text(allowed).startswith("This server follows no feeds yet")
    refused = await fw.run("feed pause", {"feed": "1"}, member=fw.dana)
    assert reply_text(refused) == (f"Only moderators can manage feeds: you need Manage Server "
                                   f"or the <@&{fw.mods.id}> role.")
    assert refused.original is not None and no_mentions(refused.original)


async def test_add_marks_what_is_there_seen_then_posts_only_new_entries(fw: FeedWorld) -> None:
    items = [item(3), item(2), item(1)]
    fw.site.feed("/news.xml", items)
    page = fw.site.page("/opinion", "/news.xml")
    record = await fw.run("feed add", {"url": page, "channel": fw.channels["news"],
                                       "mention_role": fw.alerts})
    text = reply_text(record)
    assert text.startswith(f"Following **Loopback Opinion** in <#{fw.channels['news'].id}>")
    assert f"I found its feed at {fw.site.url('/news.xml')}" in text
    assert "3 entries already in the feed were marked as seen" in text
    assert f"Each new piece pings <@&{fw.alerts.id}>" in text
    assert record.original is not None and no_mentions(record.original)

    first = soon()
    report = await fw.poll(first)
    assert report.fetches == 1 and report.piece_ids == []
    assert fw.emu.messages(fw.channels["news"]) == []  # no flood

    fw.site.feed("/news.xml", [item(4), *items])
    report = await fw.poll(first + timedelta(hours=1))
    assert len(report.piece_ids) == 1
    [card] = fw.cards("news")
    assert card.embeds[0]["title"] == "Piece number 4"
    assert no_mentions(card) and card.allowed_mentions == {"parse": []}
    threads = fw.emu.threads(fw.channels["news"])
    assert len(threads) >= 3  # the sample enumerates its reasons
    assert all(no_mentions(m) for t in threads for m in fw.emu.messages(t))
    # The one message that mentions: the role, under the card, and nobody else.
    [ping] = [m for m in fw.emu.messages(fw.channels["news"]) if not m.embeds]
    assert ping.mention_roles == [fw.alerts.id] and ping.mentions == []
    assert not ping.mention_everyone
    assert ping.message_reference is not None
    assert ping.message_reference["message_id"] == str(card.id)
    assert ping.content == f"<@&{fw.alerts.id}> New piece: **Piece number 4**"

    # The same feed again (same bytes, then a reordering) posts nothing more.
    report = await fw.poll(first + timedelta(hours=2))
    assert report.piece_ids == []
    fw.site.feed("/news.xml", [*items, item(4)])
    assert (await fw.poll(first + timedelta(hours=3))).piece_ids == []
    fw.site.feed("/news.xml", [item(5), item(4), *items])
    assert len((await fw.poll(first + timedelta(hours=4))).piece_ids) == 1
    assert [c.embeds[0]["title"] for c in fw.cards("news")] == ["Piece number 4",
                                                                 "Piece number 5"]


async def test_a_cycle_hands_its_pieces_on_without_waiting_for_them(fw: FeedWorld) -> None:
    fw.site.feed("/handoff.xml", [item(1)])
    record = await fw.run("feed add", {"url": fw.site.url("/handoff.xml"),
                                       "channel": fw.channels["news"]})
    assert reply_text(record).startswith("Following"), reply_text(record)
    fw.site.feed("/handoff.xml", [item(2), item(1)])
    # Discord takes the card but does not answer: a cycle that waited for its pieces would
    # never end (the bound below only guards against that hang).
    held = fw.emu.hold("/channels/{channel_id}/messages", method="POST", applied=True)
    try:
        report = await asyncio.wait_for(fw.cog.poll_step(now=soon() + timedelta(hours=1)), 60)
        assert len(report.piece_ids) == 1
        await fw.emu.wait_for(lambda: bool(held.waiting), 15)
        piece = await fw.world.bot.store.get_piece(report.piece_ids[0])
        assert piece is not None and piece.state != "published"
    finally:
        fw.emu.release("/channels/{channel_id}/messages")
    await asyncio.wait_for(fw.world.bot.publisher.drain(), 60)
    piece = await fw.world.bot.store.get_piece(report.piece_ids[0])
    assert piece is not None and piece.state == "published"
    assert [c.embeds[0]["title"] for c in fw.cards("news")][-1] == "Piece number 2"


async def test_a_piece_posted_on_a_retry_still_pings_its_role_once(fw: FeedWorld) -> None:
    channel = fw.world.guild.add_text_channel("retried")
    fw.emu.deny_bot(channel, "CREATE_PUBLIC_THREADS")
    fw.site.feed("/retried.xml", [item(1)])
    await fw.add(fw.site.url("/retried.xml"), channel, mention_role=fw.alerts)
    fw.site.feed("/retried.xml", [item(2), item(1)])
    report = await fw.poll(soon())
    [piece_id] = report.piece_ids
    assert fw.emu.messages(channel) == []  # refused before anything was posted
    store = fw.world.bot.store
    assert (await store.get_piece(piece_id)).state == "failed"  # type: ignore[union-attr]

    fw.emu.allow(channel, "CREATE_PUBLIC_THREADS", target=fw.emu.bot_user.id)
    await fw.run("feed list")  # the bot has seen the channel change once this is answered
    # What the pieces cog's retry loop does every few minutes and at every start.
    [result] = await fw.world.bot.publisher.resume()
    assert result.outcome == "published"
    [card] = [m for m in fw.emu.messages(channel) if m.embeds]
    [ping] = [m for m in fw.emu.messages(channel) if not m.embeds]
    assert ping.mention_roles == [fw.alerts.id] and ping.mentions == []
    assert ping.message_reference is not None
    assert ping.message_reference["message_id"] == str(card.id)
    assert (await store.get_piece(piece_id)).ping_message_id == ping.id  # type: ignore[union-attr]
    assert await fw.world.bot.publisher.resume() == []
    assert len(fw.emu.messages(channel)) == 2


async def test_failures_are_listed_and_the_poller_goes_on(fw: FeedWorld) -> None:
    kinds = {"500": "HTTP 500", "html": "this is an HTML page", "malformed": "malformed feed",
             "loop": "redirect loop"}
    ids = {}
    for kind in kinds:
        ids[kind] = await fw.add(fw.site.feed(f"/broken-{kind}.xml", [item(1)]), "failing")
    good = await fw.add(fw.site.feed("/steady.xml", [item(1)], title="Steady Column"),
                        "failing")
    for kind in kinds:
        fw.site.break_(f"/broken-{kind}.xml", kind)
    fw.site.feed("/steady.xml", [item(2), item(1)], title="Steady Column")

    report = await fw.poll(soon())
    assert report.failed == 4 and len(report.piece_ids) == 1  # the good feed went on
    assert len(fw.cards("failing")) == 1

    listing = await fw.run("feed list")
    [embed] = embeds_of(listing)
    fields = {f["value"].rsplit("ID ", 1)[1].split(" ")[0]: f for f in embed["fields"]}
    for kind, expected in kinds.items():
        value = fields[str(ids[kind])]["value"]
        assert "⚠️ failing (1 time in a row)" in value, value
        assert expected in value, value
        assert "Last success: never" in value and "Next poll: <t:" in value
    steady = fields[str(good)]
    assert steady["name"] == "Steady Column"
    assert "✅ OK" in steady["value"] and "Pieces posted: 1" in steady["value"]
    assert "Last success: <t:" in steady["value"]


async def test_auto_pause_posts_a_notice_then_resume_works(fw: FeedWorld) -> None:
    url = fw.site.feed("/flaky.xml", [item(1)])
    sub = await fw.add(url, "paused")
    in_forum = await fw.add(url, fw.world.forum, mention_role=fw.alerts)
    fw.site.break_("/flaky.xml", "500")
    store = fw.world.bot.store
    at = soon()
    for attempt in range(1, 11):
        report = await fw.poll(at)
        assert report.failed == 1, attempt
        feed = await store.get_feed((await store.get_subscription(sub)).feed_id)
        assert feed is not None and feed.consecutive_failures == attempt
        if attempt < 10:
            assert report.notices == []
            at = feed.next_poll_at
    assert report.paused == 1 and len(report.notices) == 2

    [notice] = fw.emu.messages(fw.channels["paused"])
    assert notice.content.startswith(f"⏸️ **Feed paused**: {url} failed")
    assert "HTTP 500" in notice.content and "/feed resume" in notice.content
    assert no_mentions(notice)
    # A forum has no room for a loose message: its notice goes to the moderators' channel.
    [elsewhere] = [m for m in fw.emu.messages(fw.world.moderators) if url in m.content]
    assert "HTTP 500" in elsewhere.content and "/feed resume" in elsewhere.content
    listing = str(embeds_of(await fw.run("feed list")))
    assert "⏸️ paused after 10 failures in a row" in listing
    assert (await fw.poll(at + timedelta(days=3))).claimed == 0

    fw.site.feed("/flaky.xml", [item(2), item(1)])
    resumed = await fw.run("feed resume", {"feed": str(sub)})
    assert reply_text(resumed).startswith(f"Resumed {url} in <#{fw.channels['paused'].id}>")
    assert (await fw.line(sub)).status == "ok"
    report = await fw.poll(at + timedelta(days=3))
    assert report.failed == 0 and len(report.piece_ids) == 2
    assert [c.embeds[0]["title"] for c in fw.cards("paused")] == ["Piece number 2"]
    # In a forum the ping goes into the piece's first post.
    pings = [(t.name, m.mention_roles) for t in fw.emu.threads(fw.world.forum)
             for m in fw.emu.messages(t) if m.mention_roles]
    assert len(pings) == 1 and pings[0][1] == [fw.alerts.id]
    assert pings[0][0].startswith("1. ")
    assert (await fw.line(in_forum)).pieces_posted == 1


async def test_guid_and_date_churn_post_nothing_twice(fw: FeedWorld) -> None:
    fw.site.feed("/churn.xml", [item(2), item(1)])
    await fw.add(fw.site.url("/churn.xml"), "churn")
    at = soon()
    fw.site.feed("/churn.xml", [item(3), item(2), item(1)])
    assert len((await fw.poll(at)).piece_ids) == 1
    # The publisher rewrites its feed: new GUIDs, new dates, tracking parameters on links.
    fw.site.feed("/churn.xml", [
        item(n, guid=f"https://cms.example/id/{n * 1000}",
             link=f"http://127.0.0.1/opinion/{n}?utm_source=rss#top",
             date=T0 + timedelta(hours=n)) for n in (3, 2, 1)])
    report = await fw.poll(at + timedelta(hours=1))
    assert report.piece_ids == [] and report.new_entries == 0
    assert [c.embeds[0]["title"] for c in fw.cards("churn")] == ["Piece number 3"]


async def test_include_and_exclude_filters(fw: FeedWorld) -> None:
    fw.site.feed("/mixed.xml", [item(1)])
    sub = await fw.add(fw.site.url("/mixed.xml"), "filtered",
                       include="trams, title:budget", exclude="author:Smith")
    line = await fw.line(sub)
    assert line.include == ("trams", "title:budget") and line.exclude == ("author:Smith",)
    fw.site.feed("/mixed.xml", [
        item(2, title="Why trams beat buses"),
        item(3, title="Budget day", author="Jo Smith"),
        item(4, title="Spring gardens", body="<p>Tulips and daffodils, again.</p>",
             link=None),
        item(5, title="The budget, read closely"),
        item(1)])
    await fw.poll(soon())
    titles = sorted(c.embeds[0]["title"] for c in fw.cards("filtered"))
    assert titles == ["The budget, read closely", "Why trams beat buses"]


async def test_a_bad_regex_is_refused_and_nothing_is_stored(fw: FeedWorld) -> None:
    url = fw.site.feed("/regex.xml", [item(1)])
    record = await fw.run("feed add", {"url": url, "channel": fw.channels["filtered"],
                                       "include": "ok, /(unclosed/"})
    text = reply_text(record)
    assert "Regular expression `/(unclosed/` does not compile" in text, text
    assert await fw.world.bot.store.count_subscriptions(fw.guild_id) == 0
    assert fw.site.hits["/regex.xml"] == 0  # refused before any fetch


async def test_the_guild_feed_limit(fw: FeedWorld) -> None:
    store = fw.world.bot.store
    await fw.add(fw.site.feed("/one.xml", [item(1)]), "news")
    await store.update_guild_settings(fw.guild_id, feed_limit=1)
    try:
        record = await fw.run("feed add", {"url": fw.site.feed("/two.xml", [item(1)]),
                                           "channel": fw.channels["news"]})
        assert reply_text(record) == ("This server already follows 1 feeds, its limit. "
                                      "Remove one with `/feed remove` first.")
        assert await store.count_subscriptions(fw.guild_id) == 1
    finally:
        await store.update_guild_settings(fw.guild_id, feed_limit=None)


async def test_autocomplete_pause_and_remove(fw: FeedWorld) -> None:
    trams = await fw.add(fw.site.feed("/trams.xml", [item(1)], title="Tram Talk"), "news")
    await fw.add(fw.site.feed("/budget.xml", [item(1)], title="Budget Watch"), "latest")
    await fw.poll(soon())  # a feed's title is known once it was polled
    record = await fw.emu.run_autocomplete(fw.world.admin, fw.world.general, "feed pause",
                                           {"feed": "tram"}, focused="feed")
    await record.wait_response()
    assert record.choices == [{"name": "Tram Talk → #news", "value": str(trams)}]
    record = await fw.emu.run_autocomplete(fw.world.admin, fw.world.general, "feed backfill",
                                           {"feed": ""}, focused="feed")
    await record.wait_response()
    assert record.choices is not None
    assert sorted(c["name"] for c in record.choices) == ["Budget Watch → #latest",
                                                         "Tram Talk → #news"]

    paused = await fw.run("feed pause", {"feed": str(trams)})
    assert reply_text(paused).startswith(f"Paused {fw.site.url('/trams.xml')}")
    assert (await fw.line(trams)).paused_by == "moderator"
    record = await fw.emu.run_autocomplete(fw.world.admin, fw.world.general, "feed resume",
                                           {"feed": "news"}, focused="feed")
    await record.wait_response()
    assert record.choices == [{"name": "Tram Talk → #news (paused)", "value": str(trams)}]

    removed = await fw.run("feed remove", {"feed": str(trams)})
    assert reply_text(removed).startswith(f"No longer following {fw.site.url('/trams.xml')}")
    again = await fw.run("feed remove", {"feed": str(trams)})
    assert reply_text(again) == "No such feed in this server (see `/feed list`)."
    typed = await fw.run("feed remove", {"feed": "Tram Talk"})
    assert reply_text(typed).startswith("Pick a feed from the list")


async def test_feed_test_posts_nothing(fw: FeedWorld) -> None:
    url = fw.site.feed("/preview.xml", [item(2, title="Four reasons for bike lanes"), item(1)])
    store = fw.world.bot.store
    before = {c.id: len(fw.emu.messages(c)) for c in fw.channels.values()}
    pieces = len(await store.list_pieces(guild_id=fw.guild_id))
    record = await fw.run("feed test", {"url": url})
    assert reply_text(record).startswith("The newest entry, as it would be posted")
    [embed] = embeds_of(record)
    assert embed["title"] == "Four reasons for bike lanes"
    arguments = next(f for f in embed["fields"] if f["name"].startswith("Arguments ("))
    assert arguments["value"].startswith("1. ")
    assert embed["footer"]["text"].startswith("Split confidence 0.")
    assert not any(f["name"] == "Posting" for f in embed["fields"])  # a confident split
    assert {c.id: len(fw.emu.messages(c)) for c in fw.channels.values()} == before
    assert await store.count_subscriptions(fw.guild_id) == 0
    assert len(await store.list_pieces(guild_id=fw.guild_id)) == pieces


async def test_send_latest_and_backfill_post(fw: FeedWorld) -> None:
    fw.site.feed("/latest.xml", [item(4), item(3), item(2), item(1)])
    sub = await fw.add(fw.site.url("/latest.xml"), "latest")
    assert fw.cards("latest") == []
    sent = await fw.run("feed send-latest", {"feed": str(sub)},
                        until=lambda t: t.startswith("•"))
    assert reply_text(sent).startswith("• Posted **Piece number 4**: https://discord.com/")
    again = await fw.run("feed send-latest", {"feed": str(sub)})
    assert "was already posted" in reply_text(again)

    backfilled = await fw.run("feed backfill", {"feed": str(sub), "count": 2},
                              until=lambda t: t.startswith("Backfilled"))
    assert reply_text(backfilled).startswith("Backfilled 2 pieces:")
    assert [c.embeds[0]["title"] for c in fw.cards("latest")] == [
        "Piece number 4", "Piece number 2", "Piece number 3"]
    assert (await fw.line(sub)).pieces_posted == 3
    # A short entry that does not enumerate still gets its one thread.
    fw.site.feed("/latest.xml", [item(5, title="A short note", body="<p>Just this.</p>",
                                      link=None), item(4), item(3), item(2), item(1)])
    await fw.run("feed send-latest", {"feed": str(sub)}, until=lambda t: t.startswith("•"))
    note = fw.cards("latest")[-1]
    assert note.embeds[0]["title"] == "A short note"
    assert [t.name for t in fw.emu.threads(fw.channels["latest"])][-1] == "A short note"


async def test_a_long_list_is_split_across_messages(fw: FeedWorld) -> None:
    store = fw.world.bot.store
    now = datetime.now(UTC)
    ids = []
    for n in range(50):
        sub = await store.add_subscription(
            fw.guild_id, fw.channels["many"].id, fw.site.url(f"/many/{n}.xml"),
            created_by=fw.world.admin.id, include=(f"keyword {n}", "/another\\s+one/i"),
            exclude=("author:Someone Else",), now=now)
        ids.append(sub.id)
    record = await fw.run("feed list", until=lambda _t: True)
    await record.wait_for(lambda r: len(embeds_of(r)) >= 2 and sum(
        len(e["fields"]) for e in embeds_of(r)) == 50, WITHIN)
    embeds = embeds_of(record)
    assert all(len(e["fields"]) <= 25 for e in embeds)
    shown = [int(f["value"].rsplit("ID ", 1)[1].split(" ")[0]) for e in embeds
             for f in e["fields"]]
    assert shown == ids
    assert all(m.ephemeral for m in [record.original, *record.followups] if m is not None)


async def test_list_embeds_fit_discord_limits_with_the_longest_fields() -> None:
    lines = [FeedStatus(
        subscription_id=n, feed_id=n, guild_id=1, channel_id=10 ** 18 + n,
        url="https://example.org/" + "x" * 2000, title="T" * 500, mention_role_id=10 ** 18,
        include=tuple("i" * 200 for _ in range(20)), exclude=tuple("e" * 200 for _ in range(20)),
        status="failing", paused_by=None, consecutive_failures=9,
        last_success_at=T0, last_error="E" * 300, next_poll_at=T0, pieces_posted=10 ** 6,
        pieces_pending=10 ** 6) for n in range(50)]
    embeds = list_embeds(lines, 50)
    assert sum(len(e.fields) for e in embeds) == 50
    for embed in embeds:
        assert len(embed) <= 6000 and len(embed.fields) <= 25
        assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024
                   for f in embed.fields)


async def test_the_poll_loop_runs_and_survives_errors(fw: FeedWorld,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fw.site.feed("/looped.xml", [item(1)])
    await fw.add(fw.site.url("/looped.xml"), "looped")
    fw.site.feed("/looped.xml", [item(2), item(1)])  # before any poll: new to the poller
    cog = fw.cog
    real = cog.service.poll_once
    calls: list[str] = []

    async def flaky(owner: str, now: datetime | None = None) -> Any:
        calls.append(owner)
        if len(calls) == 1:
            raise RuntimeError("the store went away for a moment")
        return await real(owner, now)

    monkeypatch.setattr(cog.service, "poll_once", flaky)
    cog.poll_loop.change_interval(seconds=0.05)
    try:
        card = await fw.emu.wait_for_message(fw.channels["looped"], lambda m: bool(m.embeds),
                                             timeout=WITHIN)
    finally:
        cog.poll_loop.change_interval(seconds=IDLE)
    assert card.embeds[0]["title"] == "Piece number 2"
    assert len(calls) >= 2 and cog.poll_loop.is_running()
    # This process, named as every lease it takes names it.
    owner = ProcessIdentity.parse(cog.owner)
    assert calls[0] == cog.owner and owner is not None and owner.pid == os.getpid()


@pytest.mark.postgres
async def test_two_bots_on_one_postgres_post_each_entry_once(fw: FeedWorld) -> None:
    """Two bot processes (two gateway sessions, two stores, two pollers) on one PostgreSQL
    schema and this module's emulator, polling the same due feeds at the same moment."""
    import asyncpg

    assert POSTGRES_URL is not None
    schema = f"counterpoint_e2e_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    settings = settings_for(f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}"
                            f"search_path={schema}")
    bots: list[RunningBot] = []
    try:
        # One after the other: the first applies the migrations.
        for _ in range(2):
            bots.append(await start_bot(fw.emu, settings, sync_commands=False,
                                        retry_minutes=600.0, poll_seconds=IDLE))
            await whole_poll_round(bots[-1].bot)
        cogs_: list[Any] = [b.bot.get_cog("Feeds") for b in bots]
        assert cogs_[0].owner != cogs_[1].owner
        channel = fw.channels["many"]
        paths = [f"/pg/{n}.xml" for n in range(6)]
        for n, path in enumerate(paths):
            fw.site.feed(path, [item(1)], title=f"Shared {n}")
            await cogs_[n % 2].service.add(fw.guild_id, channel.id, fw.site.url(path),
                                           created_by=fw.world.admin.id)
        for path in paths:
            # Distinct links: a channel holds one piece per URL.
            fw.site.feed(path, [item(2, title=f"News from {path}",
                                     link=f"http://127.0.0.1{path}/2"), item(1)])
        before = {path: fw.site.hits[path] for path in paths}
        at = soon()
        reports = await asyncio.gather(*(cog.poll_step(now=at) for cog in cogs_))
        await asyncio.gather(*(cog.bot.publisher.drain() for cog in cogs_))
        assert sum(r.fetches for r in reports) == len(paths)  # one fetch per feed in all
        assert all(fw.site.hits[path] == before[path] + 1 for path in paths)
        assert sum(len(r.piece_ids) for r in reports) == len(paths)
        titles = sorted(c.embeds[0]["title"] for c in fw.cards("many"))
        assert titles == sorted(f"News from {path}" for path in paths)
        # Again, later: nothing new, nothing posted twice.
        reports = await asyncio.gather(*(cog.poll_step(now=at + timedelta(hours=1))
                                         for cog in cogs_))
        await asyncio.gather(*(cog.bot.publisher.drain() for cog in cogs_))
        assert sum(len(r.piece_ids) for r in reports) == 0
        assert len(fw.cards("many")) == len(paths)
    finally:
        for running in reversed(bots):
            await running.stop()
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()
