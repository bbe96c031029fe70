"""Two bot processes on one PostgreSQL, two shards each of the emulator's four.

Four servers, one on each shard, follow one feed and have their weekly summary due. Each
process connects only its shards (``COUNTERPOINT_SHARD_COUNT=4``, ``COUNTERPOINT_SHARD_IDS``):
every piece is posted once in every server, by the process that sees it; every click reaches
one process and is answered once, its vote recorded; each server's summary is posted once.
Then one process is killed (SIGKILL) and started again: a new entry is posted once everywhere,
new clicks are handled once, and nothing before is lost or posted again. A third process
configured with shards another holds refuses to start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.emulator import Channel, Emulator, Guild, InteractionRecord, Member, Message
from bot.feeds.entries import PRIMER_KEY
from bot.shards import shard_of
from bot.store import AGREE, DISAGREE, Store, VoteTarget, open_store
from tests.e2e.processes import PATIENCE, BotProcess
from tests.feedsite import FeedSite, Item
from tests.storefixtures import postgres_schema

pytestmark = [pytest.mark.postgres]

SHARDS = 4
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
FEED = "/opinion.xml"
#: A Discord-epoch millisecond count (late 2025) divisible by the shard count, so the guild
#: ``(BASE + n) << 22`` lands on shard ``n``.
BASE = 1_400_000_000_000


def item(n: int) -> Item:
    return Item(guid=f"urn:shards:{n}", title=f"Sharded piece {n}",
                link=f"http://127.0.0.1/shards/{n}",
                date=datetime.now(UTC) - timedelta(hours=10 - n))


class Server:
    def __init__(self, emu: Emulator, shard: int) -> None:
        self.guild: Guild = emu.add_guild(f"Shard {shard} club",
                                          guild_id=((BASE + shard) << 22) | 77)
        assert shard_of(self.guild.id, SHARDS) == shard
        self.news: Channel = self.guild.add_text_channel("news")
        self.summaries: Channel = self.guild.add_text_channel("summaries")
        self.members: list[Member] = [self.guild.add_member(f"member-{shard}-{n}")
                                      for n in range(3)]


@dataclass
class Cluster:
    emu: Emulator
    site: FeedSite
    url: str
    folder: Path
    servers: list[Server] = field(init=False)
    processes: dict[str, BotProcess] = field(default_factory=dict)
    clicks: list[tuple[InteractionRecord, Server, Member, Message, int]] = field(
        default_factory=list)

    def __post_init__(self) -> None:
        self.servers = [Server(self.emu, shard) for shard in range(SHARDS)]

    async def start(self, name: str, ids: str, *, ready: bool = True) -> BotProcess:
        process = await BotProcess.start(self.emu, self.url, self.folder, env={
            "COUNTERPOINT_SHARD_COUNT": str(SHARDS), "COUNTERPOINT_SHARD_IDS": ids,
            "COUNTERPOINT_TEST_POLL_SECONDS": "0.5",
            "COUNTERPOINT_TEST_SHARD_LEASE_SECONDS": "3"})
        if ready:
            self.processes[name] = process
            await process.wait_for_line("started:")
        return process

    def cards(self, server: Server) -> list[Message]:
        return [m for m in self.emu.messages(server.news) if m.embeds]

    async def wait_for_pieces(self, count: int) -> None:
        await self.emu.wait_for(
            lambda: all(len(self.cards(s)) >= count
                        and len(self.emu.threads(s.news)) >= 3 * count
                        and all(self.openings(s)) for s in self.servers), PATIENCE)

    def openings(self, server: Server) -> list[Message | None]:
        bot_id = self.emu.bot_user.id
        return [next((m for m in self.emu.messages(t) if m.author.id == bot_id
                      and m.components), None) for t in self.emu.threads(server.news)]

    async def click_everywhere(self, round_: int) -> None:
        """Every member of every server votes on the first argument of the newest piece."""
        for server in self.servers:
            opening = [o for o in self.openings(server) if o is not None][-3]
            for n, member in enumerate(server.members):
                value = AGREE if (n + round_) % 2 else DISAGREE
                suffix = ":+" if value == AGREE else ":-"
                custom_id = next(c for c in opening.custom_ids()
                                 if c.startswith("cp:v:") and c.endswith(suffix))
                record = await self.emu.click_button(member, opening, custom_id)
                self.clicks.append((record, server, member, opening, value))
        ids = {record.id for record, *_ in self.clicks}
        await self.emu.wait_for(lambda: ids <= self.answered(), PATIENCE)

    def answered(self) -> set[int]:
        return {int(r.path.split("/")[2]) for r in self.emu.requests_to(CALLBACK)}

    async def check_once(self, store: Store, pieces: int) -> None:
        """Everything so far happened exactly once."""
        callbacks = [int(r.path.split("/")[2]) for r in self.emu.requests_to(CALLBACK)]
        for record, server, member, opening, value in self.clicks:
            # Delivered to one session, of the shard holding the server; answered once.
            assert self.emu.gateway.interaction_shards[record.id] == [
                (shard_of(server.guild.id, SHARDS), SHARDS)]
            assert callbacks.count(record.id) == 1
            argument = await store.get_argument_by_thread(opening.channel_id)
            assert argument is not None
            assert await store.get_vote(VoteTarget.argument(argument.id), member.id) == value
        for server in self.servers:
            cards = self.cards(server)
            assert len(cards) == pieces, [c.embeds[0]["title"] for c in cards]
            assert len({c.embeds[0]["title"] for c in cards}) == pieces
            threads = self.emu.threads(server.news)
            assert len(threads) == 3 * pieces
            for thread in threads:
                bot_id = self.emu.bot_user.id
                assert len([m for m in self.emu.messages(thread)
                            if m.author.id == bot_id and m.components]) == 1, thread.name
            records = await store.list_pieces(guild_id=server.guild.id)
            assert len(records) == pieces and all(p.state == "published" for p in records)
            assert len(self.emu.messages(server.summaries)) == 1
            [summary] = self.emu.messages(server.summaries)
            assert summary.embeds[0]["title"].startswith("Weekly summary")


@pytest.fixture
async def database() -> AsyncIterator[str]:
    async with postgres_schema("shards") as url:
        yield url


@pytest.fixture
async def cluster(database: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    emu = await Emulator(shard_count=SHARDS).start()
    site = await FeedSite().start()
    made = Cluster(emu, site, database, tmp_path)
    try:
        yield made
    finally:
        for process in made.processes.values():
            if process.process.returncode is None:
                await process.kill()
        await site.stop()
        await emu.stop()


async def make_due(store: Store) -> None:
    """Every feed due now (a test cannot wait the poll interval)."""
    async with store._tx() as conn:
        await conn.execute("UPDATE feeds SET next_poll_at = $1", datetime.now(UTC))


async def test_two_processes_split_the_shards_and_do_everything_once(cluster: Cluster) -> None:
    emu, site = cluster.emu, cluster.site
    site.feed(FEED, [item(1), item(2)])
    store = await open_store(cluster.url)
    try:
        # Every server follows the feed (whose entries so far are news, not history) and has
        # its weekly summary due since two hours ago.
        slot = datetime.now(UTC) - timedelta(hours=2)
        for server in cluster.servers:
            sub = await store.add_subscription(server.guild.id, server.news.id,
                                               site.url(FEED), created_by=1)
            await store.update_guild_settings(
                server.guild.id, summary_channel_id=server.summaries.id,
                summary_weekday=slot.weekday(), summary_hour=slot.hour)
        await store.mark_seen(sub.feed_id, [PRIMER_KEY])

        await cluster.start("a", "0-1")
        await cluster.start("b", "2-3")
        claims = await store.list_shard_claims()
        assert [(c.shard_id, c.shard_count) for c in claims] == [(n, SHARDS) for n in range(4)]
        assert len({c.owner for c in claims[:2]}) == len({c.owner for c in claims[2:]}) == 1
        await cluster.wait_for_pieces(2)
        await emu.wait_for(lambda: all(emu.messages(s.summaries) for s in cluster.servers),
                           PATIENCE)
        await cluster.click_everywhere(0)
        assert site.hits[FEED] == 1  # one fetch for the four servers
        await cluster.check_once(store, pieces=2)

        # A process configured with a shard another holds does not start.
        third = await cluster.start("c", "1-2", ready=False)
        assert await third.wait() == 1
        assert "Cannot start" in third.output() and "shard 1 of 4" in third.output()

        # Process a dies without a word; a new one on its shards takes over at once.
        await cluster.processes["a"].kill()
        site.feed(FEED, [item(1), item(2), item(3)])
        await make_due(store)
        await cluster.start("a", "0-1")
        await cluster.wait_for_pieces(3)
        await cluster.click_everywhere(1)
        await cluster.check_once(store, pieces=3)
        assert site.hits[FEED] == 2
        # Votes cast before the kill are all still there.
        total = 0
        for server in cluster.servers:
            for piece in await store.list_pieces(guild_id=server.guild.id):
                for argument in await store.list_arguments(piece.id):
                    tally = await store.tally(VoteTarget.argument(argument.id))
                    total += tally.agree + tally.disagree
        assert total == len(cluster.clicks) == 2 * SHARDS * 3
    finally:
        await store.close()
    for name in ("a", "b"):
        assert await cluster.processes[name].stop() == 0
    # A clean stop gives the shards back.
    store = await open_store(cluster.url)
    try:
        assert await store.list_shard_claims() == []
    finally:
        await store.close()
