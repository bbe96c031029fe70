"""Votes, counterarguments and rebuttals, end to end on the emulator, through real clicks."""

from __future__ import annotations

import asyncio
import html
import threading
from typing import Any

import discord
import pytest
import pytest_asyncio

from bot import pipeline
from bot.emulator import InteractionRecord, Member, Message, Thread
from bot.store import Store, VoteTarget
from cogs.utils.controls import argument_view, contribution_view
from tests.e2e.harness import (
    Posted,
    World,
    ephemeral,
    labels,
    post_arguments,
    reply_text,
    shows,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

COUNTER = ("Protected lanes shift trade between streets rather than create it: the takings "
           "on Harbour Street rose while the next street's fell by as much.")
REBUTTAL = ("The council's own survey counted both streets, and the combined takings still "
            "rose by six per cent in the year the lane opened.")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def posted(world: World, store: Store) -> list[Posted]:
    return await post_arguments(world, store, "bikes.txt")


CREDIT = "The cross-street figures did it: fewer crashes wherever the lanes went in."


async def click(world: World, member: Member, message: Message, custom_id: str) -> str:
    record = await world.emu.click_button(member, message, custom_id)
    await record.wait_response()
    await record.wait_for(lambda r: bool(reply_text(r)) or r.callback_type == 9, 10)
    assert record.callback_type == 9 or ephemeral(record)
    return reply_text(record)


async def test_agree_switch_withdraw_with_tallies_following(
    world: World, posted: list[Posted], store: Store
) -> None:
    first = posted[0]
    agree, disagree = (f"cp:v:a:{first.argument.id}:+", f"cp:v:a:{first.argument.id}:-")
    target = VoteTarget.argument(first.argument.id)

    assert await click(world, world.alice, first.opening, agree) == \
        "You agree. Now 1 agree, 0 disagree."
    await shows(world, first.opening, ["Agree · 1", "Disagree · 0", "Counter"])
    assert await click(world, world.alice, first.opening, disagree) == \
        "You now disagree. Now 0 agree, 1 disagree."
    await shows(world, first.opening, ["Agree · 0", "Disagree · 1", "Counter"])
    assert await click(world, world.alice, first.opening, disagree) == \
        "Your vote is withdrawn. Now 0 agree, 0 disagree."
    await shows(world, first.opening, ["Agree · 0", "Disagree · 0", "Counter"])
    assert await store.get_vote(target, world.alice.id) is None

    await click(world, world.bob, first.opening, agree)
    await shows(world, first.opening, ["Agree · 1", "Disagree · 0", "Counter"])
    # Private: the message shows totals only, never who voted.
    for version in world.emu.message_history(first.opening):
        text = str(version)
        assert "alice" not in text and "bob" not in text
        assert str(world.alice.id) not in text and str(world.bob.id) not in text


async def test_fifty_concurrent_clicks_from_one_member_are_one_vote(
    world: World, posted: list[Posted], store: Store
) -> None:
    second = posted[1]
    agree = f"cp:v:a:{second.argument.id}:+"
    edits_before = len(world.emu.message_history(second.opening))
    records = await asyncio.gather(*[
        world.emu.click_button(world.carol, second.opening, agree) for _ in range(50)])
    await asyncio.gather(*[r.wait_response(10) for r in records])
    await world.emu.wait_for(lambda: all(reply_text(r) for r in records), 10)
    answers = [reply_text(r) for r in records]
    assert answers.count("You agree. Now 1 agree, 0 disagree.") == 1
    assert all(a.startswith("Got it: that click is already counted") for a in answers
               if not a.startswith("You agree"))
    assert all(ephemeral(r) for r in records)
    assert (await store.tally(VoteTarget.argument(second.argument.id))).agree == 1
    await shows(world, second.opening, ["Agree · 1", "Disagree · 0", "Counter"])
    # Coalesced: one tally edit for the burst, not fifty.
    assert len(world.emu.message_history(second.opening)) - edits_before == 1
    assert world.emu.early_requests == []


async def open_form(world: World, member: Member, message: Message, custom_id: str
                    ) -> InteractionRecord:
    record = await world.emu.click_button(member, message, custom_id)
    await record.wait_response()
    assert record.callback_type == 9, reply_text(record)
    return record


async def submit(world: World, member: Member, thread: Thread, custom_id: str, text: str
                 ) -> str:
    record = await world.emu.submit_modal(member, thread, custom_id, {"body": text})
    await record.wait_response()
    await record.wait_for(lambda r: bool(reply_text(r)), 10)
    assert ephemeral(record)
    return reply_text(record)


def bot_messages(world: World, thread: Thread) -> list[Message]:
    return [m for m in world.emu.messages(thread) if m.author.id == world.emu.bot_user.id]


async def test_counter_rebuttal_tree_edit_and_withdraw(
    world: World, posted: list[Posted], store: Store
) -> None:
    first = posted[0]
    thread = first.thread
    counter_id = f"cp:c:a:{first.argument.id}"

    form = await open_form(world, world.carol, first.opening, counter_id)
    [row] = form.modal["components"]  # type: ignore[index]
    field = row["components"][0] if "components" in row else row["component"]
    assert (field["min_length"], field["max_length"]) == (40, 1800)

    refused = await submit(world, world.carol, thread, counter_id, "Too short to count.")
    assert "minimum here is 40" in refused
    before = len(bot_messages(world, thread))
    answer = await submit(world, world.carol, thread, counter_id, COUNTER)
    assert answer.startswith("Your counterargument is posted")
    await world.emu.wait_for(lambda: len(bot_messages(world, thread)) == before + 1)
    counter_msg = bot_messages(world, thread)[-1]
    assert counter_msg.content.startswith(f"**Counterargument** by <@{world.carol.id}>")
    assert COUNTER in counter_msg.content
    assert counter_msg.allowed_mentions == {"parse": []}
    counter = await store.get_contribution_by_message(counter_msg.id)
    assert counter is not None and counter.kind == "counter" and counter.parent_id is None
    assert labels(counter_msg) == ["Agree · 0", "Disagree · 0", "Rebut", "Changed my mind",
                                   "Edit", "Withdraw"]

    # Votes on a counter work like votes on an argument.
    assert (await click(world, world.bob, counter_msg, f"cp:v:c:{counter.id}:+")).startswith(
        "You agree.")
    await shows(world, counter_msg, ["Agree · 1", "Disagree · 0", "Rebut", "Changed my mind",
                                     "Edit", "Withdraw"])

    # "Changed my mind": once per member, never for one's own point, the reason kept.
    award = f"cp:m:c:{counter.id}"
    assert "can't credit your own contribution" in await click(
        world, world.carol, counter_msg, award)
    await open_form(world, world.bob, counter_msg, award)
    assert (await submit(world, world.bob, thread, award, CREDIT)
            ).startswith("Noted: this counterargument changed your mind.")
    await shows(world, counter_msg, ["Agree · 1", "Disagree · 0", "Rebut",
                                     "Changed my mind · 1", "Edit", "Withdraw"])
    assert "You credited this with changing your mind" in await click(
        world, world.bob, counter_msg, award)
    assert "already credited this contribution" in await submit(
        world, world.bob, thread, award, CREDIT)
    [credit] = await store.list_awards(contribution_id=counter.id)
    assert (credit.member_id, credit.reason) == (world.bob.id, CREDIT)

    # A rebuttal, and a rebuttal of that rebuttal: a tree.
    rebut = f"cp:r:c:{counter.id}"
    await open_form(world, world.alice, counter_msg, rebut)
    assert (await submit(world, world.alice, thread, rebut, REBUTTAL)).startswith(
        "Your rebuttal is posted")
    await world.emu.wait_for(lambda: len(bot_messages(world, thread)) == before + 2)
    rebuttal_msg = bot_messages(world, thread)[-1]
    assert rebuttal_msg.content.startswith(
        f"**Rebuttal** by <@{world.alice.id}> to <@{world.carol.id}>'s counterargument")
    assert (rebuttal_msg.message_reference or {}).get("message_id") == str(counter_msg.id)
    rebuttal = await store.get_contribution_by_message(rebuttal_msg.id)
    assert rebuttal is not None and rebuttal.parent_id == counter.id

    again = f"cp:r:c:{rebuttal.id}"
    await open_form(world, world.alice, rebuttal_msg, again)
    assert "can't rebut your own point" in await submit(
        world, world.alice, thread, again, REBUTTAL + " Again.")
    await open_form(world, world.carol, rebuttal_msg, again)
    assert (await submit(world, world.carol, thread, again, COUNTER + " Still.")).startswith(
        "Your rebuttal is posted")
    tree = await store.list_contributions(first.argument.id)
    assert [(c.kind, c.parent_id) for c in tree] == [
        ("counter", None), ("rebuttal", counter.id), ("rebuttal", rebuttal.id)]

    # Only the author edits, within the window; the earlier text is kept.
    assert "Only its author can edit" in await click(
        world, world.bob, counter_msg, f"cp:e:c:{counter.id}")
    form = await open_form(world, world.carol, counter_msg, f"cp:e:c:{counter.id}")
    edited = COUNTER.replace("by as much", "by nearly as much")
    assert "updated" in await submit(world, world.carol, thread, f"cp:e:c:{counter.id}", edited)
    await world.emu.wait_for(lambda: edited in counter_msg.content)
    assert counter_msg.content.endswith("-# edited")
    [previous] = await store.list_contribution_edits(counter.id)
    assert previous.previous_body == COUNTER

    # Withdrawing keeps the record and closes the message.
    assert "withdrawn" in await click(world, world.carol, counter_msg, f"cp:w:c:{counter.id}")
    await world.emu.wait_for(lambda: counter_msg.components == [])
    assert "withdrawn by its author" in counter_msg.content
    assert (await store.get_contribution(counter.id)).withdrawn  # type: ignore[union-attr]


async def test_slash_counter_in_a_thread_and_outside(
    world: World, posted: list[Posted], store: Store
) -> None:
    third = posted[2]
    record = await world.emu.run_slash_command(world.bob, third.thread, "counter",
                                               {"text": COUNTER})
    await record.wait_for(lambda r: reply_text(r).startswith("Your counterargument"), 10)
    assert ephemeral(record)
    [counter] = await store.list_contributions(third.argument.id)
    assert counter.author_id == world.bob.id and counter.message_id is not None

    outside = await world.emu.run_slash_command(world.bob, world.general, "counter",
                                                {"text": COUNTER})
    await outside.wait_for(lambda r: bool(reply_text(r)), 10)
    assert "inside an argument's thread" in reply_text(outside)


async def test_stale_and_unknown_buttons_get_a_clear_answer(
    world: World, posted: list[Posted]
) -> None:
    thread = posted[0].thread
    # Messages left over from another database, and a button of an older layout.
    channel = world.bot.get_partial_messageable(thread.id)
    old_argument = await channel.send("an old argument", view=argument_view(987654))
    old_counter = await channel.send("an old counter", view=contribution_view(876543))
    argument_msg = world.emu.message(old_argument.id)
    counter_msg = world.emu.message(old_counter.id)

    answer = await click(world, world.alice, argument_msg, "cp:v:a:987654:+")
    assert "no longer in Counterpoint's record" in answer
    answer = await click(world, world.alice, counter_msg, "cp:r:c:876543")
    assert "no longer in Counterpoint's record" in answer

    legacy = discord.ui.View(timeout=None)
    legacy.add_item(discord.ui.Button(label="Vote", custom_id="legacy-vote-1"))
    old = world.emu.message((await channel.send("a legacy message", view=legacy)).id)
    answer = await click(world, world.alice, old, "legacy-vote-1")
    assert "no longer tracks" in answer


async def test_a_vote_is_answered_while_a_five_megabyte_entry_is_read(
    world: World, posted: list[Posted], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One paragraph of five megabytes, full of markers: the hostile entry of issue 9.
    sentence = "First, the levy is unfair. Second, it is late. Finally, it is dear. "
    body = "<p>" + sentence * (5_000_000 // len(sentence)) + "</p>"
    url = world.server.raw("/huge.xml", (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Huge</title>'
        "<item><title>A very long piece</title><link>http://127.0.0.1/huge</link>"
        f"<description>{html.escape(body)}</description></item></channel></rss>").encode())
    # Hold the reading inside whatever runs it until the vote has been answered: on the
    # event loop, the vote could never be answered and Discord's deadline would pass.
    reading, voted = threading.Event(), threading.Event()
    released_by_the_vote: list[bool] = []
    real_extract = pipeline.extract_entry

    def held_extract(**fields: Any) -> Any:
        article = real_extract(**fields)
        reading.set()
        released_by_the_vote.append(voted.wait(timeout=10))
        return article

    monkeypatch.setattr(pipeline, "extract_entry", held_extract)
    preview = await world.emu.run_slash_command(world.admin, world.general, "feed test",
                                                {"url": url})
    assert await asyncio.to_thread(reading.wait, 30), "the entry was never read"
    third = posted[2]
    try:
        answer = await click(world, world.carol, third.opening, f"cp:v:a:{third.argument.id}:+")
    finally:
        voted.set()
    assert answer.startswith("You agree.")
    assert await store.get_vote(VoteTarget.argument(third.argument.id), world.carol.id)
    await preview.wait_for(lambda r: bool(reply_text(r)), 30)
    assert reply_text(preview).startswith("The newest entry, as it would be posted")
    assert released_by_the_vote == [True]  # the vote came while the entry was being read
    await click(world, world.carol, third.opening, f"cp:v:a:{third.argument.id}:+")  # withdraw
