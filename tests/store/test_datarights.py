"""Servers' and members' data rights on both backends: the ownership map covers the schema
(read from the database's catalog), a server's deletion leaves none of its rows in any table,
a member's erasure leaves their id in no column, and the exports hold every table."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from typing import Any

import pytest

from bot import datarights
from bot.store import Store, VoteClick, VoteTarget
from bot.store.datarights import (
    BY_NAME,
    ERASED_MEMBER,
    REMOVAL_GRACE,
    SERVER_TABLES,
    TABLES,
    ServerTable,
    SharedTable,
    server_filter,
)
from bot.store.records import LeaseLost
from tests.store.datarights_helpers import bulk_votes, holding, table_rows
from tests.store.helpers import at, published_piece

GUILD_A = 411_111_111_111_111_111
GUILD_B = 422_222_222_222_222_222
MEMBER = 733_333_333_333_333_333  # takes part in both servers
OTHER = 744_444_444_444_444_444
MOD = 755_555_555_555_555_555
OWNER = "test-process"


async def seed(store: Store, guild: int, *, tag: str) -> dict[str, Any]:
    """A server with a row in every server table, MEMBER active in all of it."""
    await store.update_guild_settings(guild, timezone="Europe/Paris")
    subscription = await store.add_subscription(
        guild, guild + 1, f"https://feeds.example/{tag}.xml", created_by=MEMBER, now=at(0))
    await store.add_subscription(guild, guild + 2, "https://feeds.example/shared.xml",
                                 created_by=MOD, now=at(0))
    await store.mark_seen(subscription.feed_id, [f"entry-{tag}"], now=at(0))
    piece, arguments = await published_piece(store, guild_id=guild, url=f"https://ex.org/{tag}")
    first = arguments[0]
    counter = await store.add_contribution(first.id, MEMBER, f"{tag}: a counter by the member "
                                           "that is long enough", now=at(1))
    await store.edit_contribution(counter.id, f"{tag}: the member's counter, edited",
                                  editor_id=MEMBER, now=at(1.1))
    rebuttal = await store.add_contribution(first.id, OTHER, f"{tag}: a rebuttal by another",
                                            kind="rebuttal", parent_id=counter.id, now=at(2))
    other_counter = await store.add_contribution(first.id, OTHER, f"{tag}: another's counter",
                                                 now=at(2.5))
    clicks = iter(range(guild % 1000 * 100, guild % 1000 * 100 + 100))
    for member, target in ((MEMBER, VoteTarget.argument(first.id)),
                           (MEMBER, VoteTarget.contribution(other_counter.id)),
                           (OTHER, VoteTarget.contribution(counter.id)),
                           (OTHER, VoteTarget.argument(first.id))):
        await store.cast_vote(target, member, 1, now=at(3),
                              click=VoteClick(next(clicks), at(3)))
    await store.award_changed_mind(MEMBER, other_counter.id, "convincing", now=at(4))
    await store.award_changed_mind(OTHER, counter.id, "fair point", now=at(4))
    await store.log_moderation(guild, MEMBER, "config.summary", target=f"member:{MEMBER}",
                               details=f"by {MEMBER}", member_id=MEMBER, now=at(5))
    # A moderator's acts: the member reviewed a piece, locked an argument, removed a point.
    review = await store.create_review(guild, guild + 1, f"https://ex.org/{tag}-held", "{}",
                                       "{}", "review mode", now=at(5))
    assert review is not None
    await store.reject_review(review.id, MEMBER, "off topic", now=at(5))
    await store.lock_argument(arguments[1].id, moderator_id=MEMBER, now=at(5))
    await store.remove_contribution(other_counter.id, moderator_id=MEMBER, reason="rude",
                                    now=at(5))
    await store.log_moderation(guild, MOD, "config.summary-off", now=at(5))
    await store.opt_in_boards(guild, MEMBER, f"{tag} member", now=at(5.5))
    await store.claim_summary(guild, "2026-W47", now=at(6))
    job, _ = await store.start_server_export(guild, MEMBER, OWNER, now=at(7))
    await store.finish_server_export(job.id, "done", now=at(7))
    return {"piece": piece, "arguments": arguments, "counter": counter, "rebuttal": rebuttal,
            "other_counter": other_counter}


async def server_counts(store: Store, guild: int) -> dict[str, int]:
    return await store.count_server_rows(guild)


# --- the map against the catalog --------------------------------------------------------------


async def test_the_map_names_every_table_of_the_schema(store: Store) -> None:
    catalog = await store.catalog()
    missing, unknown = set(catalog) - set(BY_NAME), set(BY_NAME) - set(catalog)
    assert not missing and not unknown, (
        "every table needs an entry in bot.store.datarights.TABLES: "
        f"missing {sorted(missing)}, unknown {sorted(unknown)}")
    await store.check_rights_map()
    for table in TABLES:
        columns = set(catalog[table.name])
        assert set(table.members) <= columns, table.name
        if isinstance(table, ServerTable):
            assert {table.guild_column, *table.key, *table.texts} <= columns, table.name
            if table.parent is not None:
                # Parents come first: deletion runs in reverse, children before parents.
                order = [t.name for t in TABLES]
                assert order.index(table.parent) < order.index(table.name)
        else:
            assert isinstance(table, SharedTable) and table.reason
            assert "guild_id" not in columns, f"{table.name} has a guild_id: a server table"
    # Every column that can hold a member's id is declared: by name, the snowflakes of
    # people (member, author, actor, created_by ...).
    people = ("member_id", "author_id", "actor_id", "user_id", "_by")
    for name, columns in catalog.items():
        for column in columns:
            if column.endswith(people):
                assert column in BY_NAME[name].members, f"{name}.{column} holds member ids"
        if "guild_id" in columns and name in BY_NAME:
            assert isinstance(BY_NAME[name], ServerTable), name


async def test_timestamp_columns_follow_the_naming_the_archive_relies_on(store: Store) -> None:
    if store.dialect != "postgres":
        pytest.skip("SQLite keeps no column types to check against")
    async with store._tx() as conn:
        rows = await conn.fetch(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema()")
    for row in rows:
        stamp = row["data_type"].startswith("timestamp")
        assert stamp == row["column_name"].endswith("_at"), dict(row)


async def test_a_table_missing_from_the_map_stops_exports_and_deletions(store: Store) -> None:
    async with store._tx() as conn:
        await conn.execute("CREATE TABLE new_feature (guild_id BIGINT, note TEXT)")
    with pytest.raises(datarights_error()):
        await store.check_rights_map()
    with pytest.raises(datarights_error(), match="new_feature"):
        await datarights.export_server(store, GUILD_A, MOD, owner=OWNER)


def datarights_error() -> type[Exception]:
    from bot.store.datarights import RightsMapError
    return RightsMapError


# --- a server's data ----------------------------------------------------------------------------


async def test_delete_data_leaves_no_row_of_the_server_in_any_table(store: Store) -> None:
    seeded = await seed(store, GUILD_A, tag="a")
    await seed(store, GUILD_B, tag="b")
    before_a = await server_counts(store, GUILD_A)
    before_b = await server_counts(store, GUILD_B)
    # The seed reaches every server table, so the walk below proves something for each.
    empty = [name for name, count in before_a.items() if count == 0 and name != "data_deletions"]
    assert not empty, f"seed() writes no row in {empty}: add one"

    await store.schedule_server_deletion(GUILD_A, reason="requested", requested_by=MOD,
                                         now=at(8))
    reports: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        reports.append((done, total))

    assert await datarights.delete_server(store, GUILD_A, owner=OWNER, progress=progress,
                                          batch=3, now=at(8))
    total = sum(before_a.values()) + 1  # and the deletion's own record
    assert reports[0] == (0, total) and reports[-1] == (total, total)
    assert len(reports) > 3  # batches of 3: progress along the way
    assert [d for d, _ in reports] == sorted(d for d, _ in reports)

    after_a = await server_counts(store, GUILD_A)
    assert after_a == dict.fromkeys(after_a, 0)
    assert await server_counts(store, GUILD_B) == before_b
    # Walk every table of the catalog: no cell holds the server's id or a row id of its own.
    rows = await table_rows(store)
    assert holding(rows, GUILD_A) == []
    assert not [r for r in rows["pieces"] if r["id"] == seeded["piece"].id]
    assert not [r for r in rows["contributions"] if r["id"] == seeded["counter"].id]
    # The feed only server A followed went with it (credentials and all); the shared one stays.
    urls = {r["url"] for r in rows["feeds"]}
    assert "https://feeds.example/a.xml" not in urls
    assert {"https://feeds.example/b.xml", "https://feeds.example/shared.xml"} <= urls
    assert await store.get_server_deletion(GUILD_A) is None


async def test_a_deletion_resumes_after_a_crash_and_a_live_holder_keeps_it(
        store: Store) -> None:
    await seed(store, GUILD_A, tag="a")
    await store.schedule_server_deletion(GUILD_A, reason="requested", now=at(8))
    claimed = await store.claim_server_deletion(GUILD_A, "first", now=at(8))
    assert claimed is not None and claimed.rows_total
    state = await store.delete_server_batch(GUILD_A, "first", limit=4, now=at(8))
    assert state is not None and state.rows_done == 4
    # "first" dies. Another process cannot take it while the lease runs ...
    assert await store.claim_server_deletion(GUILD_A, "second", now=at(8)) is None
    with pytest.raises(LeaseLost):
        await store.delete_server_batch(GUILD_A, "second", now=at(8))
    # ... and takes over once it lapses, carrying on where the last batch ended.
    later = at(8) + timedelta(minutes=5)
    assert [d.guild_id for d in await store.due_server_deletions(now=later)] == [GUILD_A]
    assert await datarights.delete_server(store, GUILD_A, owner="second", now=later)
    assert (await server_counts(store, GUILD_A)) == dict.fromkeys(SERVER_TABLES_NAMES, 0)


SERVER_TABLES_NAMES = [t.name for t in SERVER_TABLES]


async def test_removal_waits_thirty_days_and_a_return_cancels_it(store: Store) -> None:
    await seed(store, GUILD_A, tag="a")
    deletion = await store.schedule_server_deletion(GUILD_A, reason="removed", now=at(0))
    assert deletion.due_at == at(0) + REMOVAL_GRACE
    assert await store.due_server_deletions(now=at(0) + REMOVAL_GRACE - timedelta(hours=1)) == []
    assert await store.claim_server_deletion(GUILD_A, OWNER, now=at(1)) is None  # not due
    # Removed again later: the first date holds.
    again = await store.schedule_server_deletion(GUILD_A, reason="removed", now=at(30))
    assert again.due_at == deletion.due_at
    assert await store.cancel_server_deletion(GUILD_A)
    assert await store.get_server_deletion(GUILD_A) is None
    assert await store.due_server_deletions(now=at(0) + REMOVAL_GRACE * 2) == []

    await store.schedule_server_deletion(GUILD_A, reason="removed", now=at(0))
    due = at(0) + REMOVAL_GRACE
    assert [d.guild_id for d in await store.due_server_deletions(now=due)] == [GUILD_A]
    assert await datarights.delete_server(store, GUILD_A, owner=OWNER, now=due)
    assert sum((await server_counts(store, GUILD_A)).values()) == 0


async def test_a_request_brings_a_removal_forward_and_a_return_does_not_cancel_it(
        store: Store) -> None:
    await store.schedule_server_deletion(GUILD_A, reason="removed", now=at(0))
    deletion = await store.schedule_server_deletion(GUILD_A, reason="requested",
                                                    requested_by=MOD, now=at(1))
    assert deletion.reason == "requested" and deletion.due_at == at(1)
    assert not await store.cancel_server_deletion(GUILD_A)


async def test_export_data_holds_every_table_and_reports_an_interrupted_one(
        store: Store) -> None:
    await seed(store, GUILD_A, tag="a")
    await seed(store, GUILD_B, tag="b")
    # An export a restart cut short: still "running", its lease lapsed.
    stale, _ = await store.start_server_export(GUILD_A, MOD, "dead-process", now=at(9))
    await store.export_progress(stale.id, 5, 40, now=at(9))
    reports: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        reports.append((done, total))

    archive = await datarights.export_server(store, GUILD_A, MOD, owner=OWNER,
                                             progress=progress, page_size=2, now=at(10))
    assert [e.id for e in archive.interrupted] == [stale.id]
    assert archive.interrupted[0].rows_done == 5
    document = json.loads(gzip.decompress(archive.data))
    assert document["format"] == "counterpoint-server-data"
    assert document["guild_id"] == str(GUILD_A)
    assert set(document["tables"]) == {t.name for t in SERVER_TABLES}
    counts = await server_counts(store, GUILD_A)
    for name, table in document["tables"].items():
        assert len(table["rows"]) == table["count"], name
        assert set(table["columns"]) == set((await store.catalog())[name])
    assert archive.rows == sum(len(t["rows"]) for t in document["tables"].values())
    assert reports[-1] == (archive.rows, archive.rows)
    # Only server A's rows; its feeds under "shared", the rest explained.
    assert str(GUILD_B) not in json.dumps(document)
    feeds = document["shared"]["feeds"]
    assert {row[feeds["columns"].index("url")] for row in feeds["rows"]} == {
        "https://feeds.example/a.xml", "https://feeds.example/shared.xml"}
    # Every shared table but the feeds is named as not exported, with its reason.
    shared = {t.name for t in TABLES if isinstance(t, SharedTable)}
    assert set(document["not_exported"]) == shared - {"feeds"}
    assert {"schema_migrations", "seen_entries"} <= shared
    contributions = document["tables"]["contributions"]
    created = contributions["columns"].index("created_at")
    assert contributions["rows"][0][created].endswith("+00:00")
    assert counts["votes"] == len(document["tables"]["votes"]["rows"])
    exports = await store.list_server_exports(GUILD_A)
    assert [e.state for e in exports][-2:] == ["interrupted", "done"]


async def test_one_export_at_a_time_per_server(store: Store) -> None:
    await store.start_server_export(GUILD_A, MOD, OWNER, now=at(0))
    from bot.store.datarights import ExportRunning
    with pytest.raises(ExportRunning):
        await store.start_server_export(GUILD_A, MOD, OWNER, now=at(0))
    await store.start_server_export(GUILD_B, MOD, OWNER, now=at(0))  # another server may
    reaped = await store.reap_exports(now=at(1))
    assert {e.guild_id for e in reaped} == {GUILD_A, GUILD_B}
    # Marked by the loop, not by the next export: that one still reports it, and only once.
    later, previous = await store.start_server_export(GUILD_A, MOD, OWNER, now=at(2))
    assert [e.guild_id for e in previous] == [GUILD_A] and previous[0].state == "interrupted"
    await store.finish_server_export(later.id, "done", now=at(2))
    assert (await store.start_server_export(GUILD_A, MOD, OWNER, now=at(3)))[1] == []


# --- a member's data ----------------------------------------------------------------------------


async def test_me_delete_leaves_the_members_id_in_no_column(store: Store) -> None:
    a = await seed(store, GUILD_A, tag="a")
    await seed(store, GUILD_B, tag="b")
    tally_before = await store.tally(VoteTarget.argument(a["arguments"][0].id))
    assert holding(await table_rows(store), MEMBER)  # the seed put them everywhere

    erased = await datarights.erase_member(store, MEMBER, now=at(20))
    assert erased.tombstoned == 2  # one counter per server
    assert ("argument", a["arguments"][0].id) in erased.targets

    rows = await table_rows(store)
    assert holding(rows, MEMBER) == []
    # Their contributions are tombstones: no text, no author, still in the tree with the
    # replies under them.
    counter = await store.get_contribution(a["counter"].id)
    assert counter is not None and counter.erased and counter.withdrawn
    assert counter.author_id == ERASED_MEMBER and counter.body == ""
    assert await store.list_contribution_edits(counter.id) == []
    rebuttal = await store.get_contribution(a["rebuttal"].id)
    assert rebuttal is not None and rebuttal.parent_id == counter.id
    # Both messages are owed a redraw: the tombstone, and the reply that named the author.
    assert counter.shown_version < counter.message_version
    assert rebuttal.shown_version < rebuttal.message_version
    assert "the member's counter" not in json.dumps(rows, default=str)
    # Their votes and awards left the tallies; the others' stayed.
    tally = await store.tally(VoteTarget.argument(a["arguments"][0].id))
    assert (tally.agree, tally.disagree) == (tally_before.agree - 1, tally_before.disagree)
    assert await store.get_vote(VoteTarget.contribution(a["counter"].id), OTHER) == 1
    awards = await store.list_awards(guild_id=GUILD_A)
    assert [w.member_id for w in awards] == [OTHER]
    # The other member is untouched.
    assert holding(rows, OTHER)
    # The next summary no longer counts them.
    participation = await store.participation(GUILD_A, at(0), at(48))
    assert MEMBER not in participation.active and OTHER in participation.active


async def test_me_export_holds_every_row_with_the_members_id(store: Store) -> None:
    await seed(store, GUILD_A, tag="a")
    await seed(store, GUILD_B, tag="b")
    data = await datarights.export_member(store, MEMBER, now=at(20))
    document = json.loads(data)
    assert document["format"] == "counterpoint-member-data"
    tables = document["tables"]
    assert {"contributions", "votes", "vote_clicks", "awards", "participants",
            "contribution_edits", "subscriptions", "moderation_log",
            "data_exports"} <= set(tables)
    bodies = [row[tables["contributions"]["columns"].index("body")]
              for row in tables["contributions"]["rows"]]
    # Their own counters whole; the points they removed as a moderator without the text.
    assert sorted(filter(None, bodies)) == ["a: the member's counter, edited",
                                            "b: the member's counter, edited"]
    assert len(bodies) == 4
    assert len(tables["votes"]["rows"]) == 4
    # Nobody else's rows: every row names the member in one of its member columns.
    for name, table in tables.items():
        member_columns = [table["columns"].index(c) for c in BY_NAME[name].members]
        for row in table["rows"]:
            assert str(MEMBER) in [row[i] for i in member_columns], name
    assert str(OTHER) not in json.dumps(tables["votes"])


def test_server_filters_reach_every_table_through_its_parents() -> None:
    clicks = BY_NAME["vote_clicks"]
    assert isinstance(clicks, ServerTable)
    assert server_filter(clicks) == (
        "argument_id IN (SELECT id FROM arguments WHERE piece_id IN"
        " (SELECT id FROM pieces WHERE guild_id = $1))")


# --- at scale -------------------------------------------------------------------------------------

BIG_VOTES = 100_000


async def test_export_data_of_a_server_with_100k_votes_shows_progress_and_loads_back(
        store: Store) -> None:
    await seed(store, GUILD_B, tag="b")
    _, arguments = await published_piece(store, guild_id=GUILD_A, url="https://ex.org/big",
                                         arguments=5)
    await bulk_votes(store, GUILD_A, [a.id for a in arguments], BIG_VOTES, at(1))
    reports: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        reports.append((done, total))

    archive = await datarights.export_server(store, GUILD_A, MOD, owner=OWNER,
                                             progress=progress, now=at(10))
    total = reports[-1][1]
    assert total >= BIG_VOTES and reports[-1] == (total, total)
    assert len(reports) >= BIG_VOTES // datarights.PAGE  # a report per page, at least
    assert [d for d, _ in reports] == sorted(d for d, _ in reports)
    assert len(archive.data) < 10 * 1024 * 1024  # fits in one Discord upload
    document = datarights.read_archive(archive.data)
    assert set(document["tables"]) == {t.name for t in SERVER_TABLES}
    votes = document["tables"]["votes"]
    assert votes["count"] == BIG_VOTES == len(votes["rows"])
    assert len({tuple(row[:3]) for row in votes["rows"]}) == BIG_VOTES
    exports = await store.list_server_exports(GUILD_A)
    assert exports[-1].state == "done" and exports[-1].rows_done == total
