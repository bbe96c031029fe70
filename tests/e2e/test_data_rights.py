"""Data rights through Discord: /admin export-data and delete-data (Manage Server only, the
deletion confirmed by typing the server's name), /me export and delete (confirmed with a
button), and the bot's removal from a server (deletion 30 days later, cancelled by a return).
"""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from bot.emulator import InteractionRecord, Member, Message
from bot.store import Store, VoteTarget
from bot.store.datarights import ERASED_MEMBER, REMOVAL_GRACE, SERVER_TABLES
from tests.e2e.harness import World, reply_text
from tests.feedsite import SAMPLES
from tests.store.datarights_helpers import bulk_votes, holding, table_rows
from tests.store.helpers import published_piece

pytestmark = pytest.mark.asyncio(loop_scope="module")

VOTES = 5_000
REBUTTAL = "Yet the next street gained new customers, so the trade grew after all."
COUNTER = "The lanes moved the trade to the next street rather than creating any new trade."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded(world: World, store: Store) -> dict[str, int]:
    guild = world.guild.id
    now = datetime.now(UTC)
    piece, arguments = await published_piece(store, guild_id=guild, channel_id=world.general.id,
                                         url="https://example.org/lanes", published=now)
    await bulk_votes(store, guild, [a.id for a in arguments], VOTES, now)
    counter = await store.add_contribution(arguments[0].id, world.bob.id, COUNTER)
    rebuttal = await store.add_contribution(arguments[0].id, world.carol.id, REBUTTAL,
                                            kind="rebuttal", parent_id=counter.id)
    await store.cast_vote(VoteTarget.argument(arguments[0].id), world.bob.id, 1)
    await store.cast_vote(VoteTarget.contribution(counter.id), world.carol.id, 1)
    await store.award_changed_mind(world.carol.id, counter.id, "fair")
    await store.update_guild_settings(guild, timezone="Europe/Paris")
    return {"piece": piece.id, "argument": arguments[0].id, "counter": counter.id,
            "rebuttal": rebuttal.id}


async def command(world: World, member: Member, name: str, *, done: str | None = None,
                  within: float = 60) -> InteractionRecord:
    record = await world.emu.run_slash_command(member, world.general, name, {})
    await record.wait_response(timeout=30)
    if done is not None:
        await record.wait_for(lambda r: done in reply_text(r), within)
    return record


def ephemeral(record: InteractionRecord) -> bool:
    flags = int((record.callback_data or {}).get("flags") or 0)
    return bool(flags & 64)


async def test_export_data_sends_the_whole_server_with_its_progress(
        world: World, store: Store, seeded: dict[str, int]) -> None:
    # An export a restart cut short is reported by the next one.
    stale, _ = await store.start_server_export(world.guild.id, world.admin.id, "gone",
                                               now=datetime.now(UTC) - timedelta(hours=1))
    await store.export_progress(stale.id, 2_000, 5_020,
                                now=datetime.now(UTC) - timedelta(hours=1))
    record = await command(world, world.admin, "admin export-data", done="Exported")
    await record.wait_for(lambda r: bool(r.original and r.original.attachments), 30)
    assert ephemeral(record)
    edits = [e.get("content") or "" for e in record.original_edits]
    progress = [e for e in edits if e.startswith("Exporting this server's data:")]
    assert progress and "/ " in progress[0]
    final = reply_text(record)
    assert "interrupted at 2,000 / 5,020 rows" in final
    assert all(e.get("allowed_mentions") == {"parse": []} for e in record.original_edits)
    message = record.original
    assert message is not None
    [attachment] = message.attachments
    assert attachment.filename.endswith(".json.gz")
    document = json.loads(gzip.decompress(attachment.data))
    assert set(document["tables"]) == {t.name for t in SERVER_TABLES}
    assert len(document["tables"]["votes"]["rows"]) == VOTES + 2
    assert document["tables"]["guild_settings"]["rows"]
    bodies = document["tables"]["contributions"]
    assert COUNTER in [row[bodies["columns"].index("body")] for row in bodies["rows"]]


async def test_only_manage_server_may_take_or_delete_the_servers_data(
        world: World, seeded: dict[str, int]) -> None:
    for name in ("admin export-data", "admin delete-data"):
        record = await command(world, world.alice, name)
        assert ephemeral(record)
        assert "you need Manage Server (the moderator role is not enough" in reply_text(record)
        assert record.modal is None


async def test_me_export_is_a_private_file_of_the_members_own_rows(
        world: World, seeded: dict[str, int]) -> None:
    record = await command(world, world.bob, "me export", done="Everything Counterpoint keeps")
    await record.wait_for(lambda r: bool(r.original and r.original.attachments), 30)
    assert ephemeral(record)
    assert record.original is not None
    [attachment] = record.original.attachments
    document = json.loads(attachment.data)
    tables = document["tables"]
    assert [row[tables["contributions"]["columns"].index("body")]
            for row in tables["contributions"]["rows"]] == [COUNTER]
    assert len(tables["votes"]["rows"]) == 1
    assert str(world.carol.id) not in attachment.data.decode()
    assert "1 counterargument and rebuttal, 1 vote, 0 \"changed my mind\" awards" in \
        reply_text(record)


async def test_me_delete_after_the_button_tombstones_and_erases_the_member(
        world: World, store: Store, seeded: dict[str, int]) -> None:
    argument = VoteTarget.argument(seeded["argument"])
    before = await store.tally(argument)
    record = await command(world, world.bob, "me delete")
    assert ephemeral(record)
    assert "This erases you" in reply_text(record)
    assert holding(await table_rows(store), world.bob.id)  # nothing happened yet
    message = record.message
    assert message is not None
    [button] = [c for row in message.components for c in row["components"]]
    assert button["label"] == "Erase my data"
    click = await world.emu.click_button(world.bob, message, button["custom_id"])
    await click.wait_response(timeout=30)
    await click.wait_for(lambda r: "Done." in (r.message.content if r.message else ""), 10)
    assert holding(await table_rows(store), world.bob.id) == []
    counter = await store.get_contribution(seeded["counter"])
    assert counter is not None and counter.erased and counter.author_id == ERASED_MEMBER
    rebuttal = await store.get_contribution(seeded["rebuttal"])
    assert rebuttal is not None and rebuttal.parent_id == counter.id  # replies stay
    after = await store.tally(argument)
    assert after.agree == before.agree - 1
    # The debate's export shows the tombstone.
    export = await world.emu.run_slash_command(world.alice, world.general, "debate export", {
        "piece": str(seeded["piece"]), "format": "md"})
    await export.wait_for(lambda r: bool(r.original and r.original.attachments), 30)
    assert export.original is not None
    page = export.original.attachments[0].data.decode()
    assert "removed at the author's request" in page and COUNTER not in page


async def test_me_delete_turns_the_members_posts_in_the_threads_into_tombstones(
        world: World, store: Store, seeded: dict[str, int]) -> None:
    url = world.server.add("bikes.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    assert reply_text(await world.post(url, world.general)).startswith("Posted in")
    piece = await store.get_piece_by_url(world.guild.id, world.general.id, url)
    assert piece is not None
    argument = (await store.list_arguments(piece.id))[0]
    assert argument.thread_id is not None
    thread = world.emu.state.channel(argument.thread_id)
    opening = world.openings(thread)[-1]

    def bot_messages() -> list[Message]:
        return [m for m in world.emu.messages(thread) if m.author.id == world.emu.bot_user.id]

    async def contribute(member: Member, message: Message, custom_id: str, text: str
                         ) -> Message:
        before = len(bot_messages())
        form = await world.emu.click_button(member, message, custom_id)
        await form.wait_response()
        sent = await world.emu.submit_modal(member, thread, custom_id, {"body": text})
        await sent.wait_response()
        # The bot records which message shows the contribution before it says it is posted:
        # the message alone can be seen a moment before the record has it.
        await sent.wait_for(lambda r: "is posted" in reply_text(r), 30)
        await world.emu.wait_for(lambda: len(bot_messages()) == before + 1, 10)
        return bot_messages()[-1]

    counter_msg = await contribute(world.alice, opening, f"cp:c:a:{argument.id}", COUNTER)
    counter = await store.get_contribution_by_message(counter_msg.id)
    assert counter is not None
    rebuttal_msg = await contribute(world.carol, counter_msg, f"cp:r:c:{counter.id}", REBUTTAL)
    assert f"<@{world.alice.id}>" in rebuttal_msg.content

    # Alice agrees with the argument: its buttons count her, until she is erased.
    vote = await world.emu.click_button(world.alice, opening, f"cp:v:a:{argument.id}:+")
    await vote.wait_response(timeout=30)
    await world.emu.wait_for(lambda: "Agree · 1" in labels(opening), 20)

    record = await command(world, world.alice, "me delete")
    assert record.message is not None
    [button] = [c for row in record.message.components for c in row["components"]]
    click = await world.emu.click_button(world.alice, record.message, button["custom_id"])
    await click.wait_response(timeout=30)
    tombstone = "**Counterargument** · *removed at the author's request*"
    await world.emu.wait_for(lambda: counter_msg.content == tombstone
                             and "a removed counterargument" in rebuttal_msg.content, 20)
    assert counter_msg.components == []
    assert COUNTER not in counter_msg.content and str(world.alice.id) not in counter_msg.content
    assert rebuttal_msg.content.startswith(
        f"**Rebuttal** by <@{world.carol.id}> to a removed counterargument")
    assert REBUTTAL in rebuttal_msg.content
    assert holding(await table_rows(store), world.alice.id) == []
    # The messages show the tombstones a moment before the round that drew them records it:
    # one more catch-up round waits for the one under way (they take turns).
    moderation: Any = world.bot.get_cog("Moderation")
    await moderation.catch_up()
    assert await store.contributions_to_redraw() == []
    await world.emu.wait_for(lambda: "Agree · 0" in labels(opening), 20)


def labels(message: Message) -> list[str]:
    return [c.get("label", "") for row in message.components for c in row["components"]]


async def test_delete_data_needs_the_servers_name_and_leaves_no_row(
        world: World, store: Store, seeded: dict[str, int]) -> None:
    record = await command(world, world.admin, "admin delete-data")
    assert record.modal is not None
    [row] = record.modal["components"]
    field = row["components"][0]
    wrong = await world.emu.submit_modal(world.admin, world.general, record.modal["custom_id"],
                                         {field["custom_id"]: "Debate Klub"})
    await wrong.wait_response(timeout=30)
    assert "nothing was deleted" in reply_text(wrong)
    assert sum((await store.count_server_rows(world.guild.id)).values()) > VOTES

    record = await command(world, world.admin, "admin delete-data")
    assert record.modal is not None
    confirm = await world.emu.submit_modal(world.admin, world.general,
                                           record.modal["custom_id"],
                                           {field["custom_id"]: world.guild.name})
    await confirm.wait_response(timeout=30)
    await confirm.wait_for(lambda r: "Deleted everything" in reply_text(r), 60)
    assert ephemeral(confirm)
    edits = [e.get("content") or "" for e in confirm.original_edits]
    assert any(e.startswith("Deleting this server's data: 0 / ") for e in edits)
    assert sum((await store.count_server_rows(world.guild.id)).values()) == 0
    assert holding(await table_rows(store), world.guild.id) == []


async def test_removal_schedules_deletion_in_30_days_and_a_return_cancels_it(
        world: World, store: Store) -> None:
    guild = world.guild.id
    await store.update_guild_settings(guild, timezone="Europe/Rome")
    bot = world.bot
    scheduled = asyncio.ensure_future(bot.wait_for(
        "server_deletion_scheduled", check=lambda g: g == guild, timeout=20))
    world.emu.remove_bot(world.guild)
    await scheduled
    deletion = await store.get_server_deletion(guild)
    assert deletion is not None and deletion.reason == "removed"
    assert deletion.due_at - deletion.created_at == REMOVAL_GRACE
    assert bot.get_guild(guild) is None

    cancelled = asyncio.ensure_future(bot.wait_for(
        "server_deletion_cancelled", check=lambda g: g == guild, timeout=20))
    world.emu.invite_bot(world.guild)
    await cancelled
    assert await store.get_server_deletion(guild) is None
    assert (await store.get_guild_settings(guild)).timezone == "Europe/Rome"

    # Removed again, and the 30 days have passed: the data-rights loop deletes it all.
    scheduled = asyncio.ensure_future(bot.wait_for(
        "server_deletion_scheduled", check=lambda g: g == guild, timeout=20))
    world.emu.remove_bot(world.guild)
    await scheduled
    await store.schedule_server_deletion(guild, reason="removed",
                                         now=datetime.now(UTC) - REMOVAL_GRACE)
    deleted = asyncio.ensure_future(bot.wait_for(
        "server_data_deleted", check=lambda g: g == guild, timeout=30))
    # (the extension's module is loaded apart from this test's imports: no isinstance here)
    cog: Any = bot.get_cog("Data")
    cog.deletions.restart()
    await deleted
    assert sum((await store.count_server_rows(guild)).values()) == 0
    world.emu.invite_bot(world.guild)  # leave the world as it was


async def test_a_deletion_cut_short_by_a_restart_is_finished_by_the_next_start(
        world: World, store: Store) -> None:
    guild = world.guild.id
    now = datetime.now(UTC)
    _, arguments = await published_piece(store, guild_id=guild, channel_id=world.general.id,
                                         url="https://example.org/restart", published=now)
    await bulk_votes(store, guild, [a.id for a in arguments], 300, now)
    # A process began deleting, did one batch and died (its lease has run out since).
    earlier = now - timedelta(minutes=10)
    await store.schedule_server_deletion(guild, reason="requested", requested_by=1, now=earlier)
    assert await store.claim_server_deletion(guild, "dead-process", now=earlier)
    progress = await store.delete_server_batch(guild, "dead-process", limit=100, now=earlier)
    assert progress is not None and progress.rows_done == 100

    await world.stop()
    await world.start()
    deleted = asyncio.ensure_future(world.bot.wait_for(
        "server_data_deleted", check=lambda g: g == guild, timeout=30))
    if await store.get_server_deletion(guild) is not None:  # not finished before we listened
        await deleted
    else:
        deleted.cancel()
    assert sum((await store.count_server_rows(guild)).values()) == 0


async def test_a_removal_while_the_bot_was_offline_is_noticed_at_start(
        world: World, store: Store) -> None:
    guild = world.guild.id
    await store.update_guild_settings(guild, timezone="Asia/Tokyo")
    await world.stop()
    world.emu.remove_bot(world.guild)  # no session is connected: nothing tells the bot
    await world.start()
    scheduled = asyncio.ensure_future(world.bot.wait_for(
        "server_deletion_scheduled", check=lambda g: g == guild, timeout=30))
    if await store.get_server_deletion(guild) is None:  # not noticed before we listened
        await scheduled
    else:
        scheduled.cancel()
    deletion = await store.get_server_deletion(guild)
    assert deletion is not None and deletion.reason == "removed"
    assert deletion.due_at - deletion.created_at == REMOVAL_GRACE

    cancelled = asyncio.ensure_future(world.bot.wait_for(
        "server_deletion_cancelled", check=lambda g: g == guild, timeout=20))
    world.emu.invite_bot(world.guild)
    await cancelled
    assert await store.get_server_deletion(guild) is None
    assert (await store.get_guild_settings(guild)).timezone == "Asia/Tokyo"
