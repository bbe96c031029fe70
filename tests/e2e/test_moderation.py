"""Moderation end to end on the emulator: remove and restore (the tombstone, the tallies and
the summary before and after, a restart finishing a tombstone), locked debates, /modlog with
its filters and pages, the log channel, the moderators' channel, /feed edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from bot.emulator import InteractionRecord, Member, Message, Thread
from bot.store import ArgumentRecord, Contribution, Store, Tally, VoteTarget
from tests.e2e.harness import World, buttons, labels, post_arguments, reply_text
from tests.feedsite import SAMPLES, Item

pytestmark = pytest.mark.asyncio(loop_scope="module")

COUNTER = ("Protected lanes move trade from one street to the next rather than creating it, "
           "so the takings figures prove nothing.")
REBUTTAL = ("The council counted both streets and the combined takings still rose by six per "
            "cent in the year the lane opened.")
MESSAGE_ROUTE = "/channels/{channel_id}/messages/{message_id}"


@dataclass
class Debate:
    piece_id: int
    argument: ArgumentRecord
    thread: Thread
    opening: Message
    counter: Contribution
    rebuttal: Contribution

    def message(self, world: World, contribution: Contribution) -> Message:
        assert contribution.message_id is not None
        return world.emu.message(contribution.message_id)


async def answered(record: InteractionRecord, text: str = "") -> str:
    await record.wait_response()
    await record.wait_for(lambda r: bool(reply_text(r)) and text in reply_text(r), 15)
    return reply_text(record)


async def slash(world: World, member: Member, channel: Any, name: str,
                options: dict[str, Any] | None = None, *, expect: str = "") -> str:
    record = await world.emu.run_slash_command(member, channel, name, options or {})
    return await answered(record, expect)


async def click(world: World, member: Member, message: Message, custom_id: str) -> str:
    record = await world.emu.click_button(member, message, custom_id)
    return await answered(record)


async def caught_up(world: World) -> None:
    """One more catch-up round: it waits for the one under way (they take turns)."""
    cog: Any = world.bot.get_cog("Moderation")
    await cog.catch_up()


def link(world: World, thread: Thread, message_id: int) -> str:
    return f"https://discord.com/channels/{world.guild.id}/{thread.id}/{message_id}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def debate(world: World, store: Store) -> Debate:
    first = (await post_arguments(world, store, "moderation.txt"))[0]
    argument, thread, opening = first.argument, first.thread, first.opening
    await slash(world, world.bob, thread, "counter", {"text": COUNTER}, expect="posted")
    (counter,) = await store.list_contributions(argument.id)
    assert counter.message_id is not None
    counter_message = world.emu.message(counter.message_id)
    opened = await world.emu.click_button(world.carol, counter_message, f"cp:r:c:{counter.id}")
    await opened.wait_response()
    assert opened.callback_type == 9
    await answered(await world.emu.submit_modal(world.carol, thread, f"cp:r:c:{counter.id}",
                                                {"body": REBUTTAL}), "posted")
    rebuttal = (await store.list_contributions(argument.id))[1]
    for member, sign in ((world.alice, "+"), (world.carol, "+"), (world.admin, "-")):
        await click(world, member, counter_message, f"cp:v:c:{counter.id}:{sign}")
    await world.emu.wait_for(lambda: labels(counter_message)[:2] == ["Agree · 2",
                                                                     "Disagree · 1"], 15)
    return Debate(argument.piece_id, argument, thread, opening, counter, rebuttal)


async def standing(store: Store, world: World, debate: Debate) -> tuple[object, ...]:
    """The counter's tally, the week's contribution stats and the argument's counts, as the
    weekly summary reads them from the rows."""
    start = datetime.now(UTC) - timedelta(days=1)
    end = datetime.now(UTC) + timedelta(days=1)
    stats = {s.contribution_id: (s.agree, s.disagree)
             for s in await store.contribution_stats(world.guild.id, start, end)}
    (argument,) = [s for s in await store.argument_stats(world.guild.id, start, end)
                   if s.argument_id == debate.argument.id]
    return (await store.tally(VoteTarget.contribution(debate.counter.id)),
            stats.get(debate.counter.id), (argument.counters, argument.rebuttals))


async def test_remove_by_context_menu_then_restore_by_slash_command(
    world: World, store: Store, debate: Debate,
) -> None:
    shown = debate.message(world, debate.counter)
    before = await standing(store, world, debate)
    assert before == (Tally(2, 1), (2, 1), (1, 1))

    menu = await world.emu.run_message_command(world.admin, shown, "Remove contribution")
    await menu.wait_response()
    assert menu.callback_type == 9 and menu.modal is not None
    form = menu.modal["custom_id"]
    removed = await world.emu.submit_modal(world.admin, debate.thread, form,
                                           {"reason": "Personal attack on another member"})
    assert (await answered(removed)).startswith("Removed.")
    # The tombstone: who wrote it, that a moderator removed it and why; no text, no buttons.
    assert "removed by a moderator" in shown.content
    assert "Reason: Personal attack on another member" in shown.content
    assert COUNTER not in shown.content and shown.components == []
    assert shown.allowed_mentions == {"parse": []}
    # Its votes leave the tallies and the summary; its reply stays, buttons and all.
    assert await standing(store, world, debate) == (Tally(0, 0), None, (0, 1))
    reply = debate.message(world, debate.rebuttal)
    assert REBUTTAL in reply.content and "Rebut" in labels(reply)
    # Nothing deleted: the record keeps the body and the votes.
    kept = await store.get_contribution(debate.counter.id)
    assert kept is not None and kept.body == COUNTER and kept.removed
    assert await store.get_vote(VoteTarget.contribution(kept.id), world.alice.id) == 1
    [entry] = await store.list_moderation(world.guild.id, action="remove")
    assert (entry.actor_id, entry.member_id, entry.piece_id, entry.details) == (
        world.admin.id, world.bob.id, debate.piece_id, "Personal attack on another member")
    # Removing it again is refused, as is removing what is not a contribution.
    again = await slash(world, world.admin, debate.thread, "mod remove", {
        "message": link(world, debate.thread, shown.id), "reason": "again"})
    assert "already removed" in again
    assert "isn't a counterargument or rebuttal" in await slash(
        world, world.admin, debate.thread, "mod remove",
        {"message": str(debate.opening.id), "reason": "not one"})

    restored = await slash(world, world.admin, world.general, "mod restore", {
        "message": link(world, debate.thread, shown.id), "reason": "Misread the thread"})
    assert restored.startswith("Restored")
    assert COUNTER in shown.content and "removed" not in shown.content
    assert labels(shown)[:4] == ["Agree · 2", "Disagree · 1", "Rebut", "Changed my mind"]
    assert await standing(store, world, debate) == before
    actions = [e.action for e in await store.list_moderation(world.guild.id,
                                                              member_id=world.bob.id)]
    assert actions[:2] == ["restore", "remove"]
    assert await store.contributions_to_redraw() == []


async def test_a_tombstone_cut_short_by_a_crash_is_finished_at_the_restart(
    world: World, store: Store, debate: Debate,
) -> None:
    shown = debate.message(world, debate.rebuttal)
    held = world.emu.hold(MESSAGE_ROUTE, method="PATCH")
    try:
        record = await world.emu.run_slash_command(world.admin, debate.thread, "mod remove", {
            "message": str(shown.id), "reason": "Off topic"})
        await world.emu.wait_for(lambda: bool(held.waiting), 15)
        # Recorded before the edit went out: the store owes the message a tombstone.
        assert [c.id for c in await store.contributions_to_redraw()] == [debate.rebuttal.id]
        await world.kill()
    finally:
        world.emu.release(MESSAGE_ROUTE)
    assert REBUTTAL in shown.content  # Discord never saw the edit
    assert record.callback_type == 5  # the moderator saw "thinking…", never an answer
    await world.start()
    await world.emu.wait_for(lambda: "removed by a moderator" in shown.content, 30)
    assert "Reason: Off topic" in shown.content and shown.components == []
    await caught_up(world)  # the round that drew it has recorded it
    assert await store.contributions_to_redraw() == []
    assert "Restored" in await slash(world, world.admin, debate.thread, "mod restore",
                                     {"message": str(shown.id)})
    assert REBUTTAL in shown.content and "Rebut" in labels(shown)


async def test_a_locked_debate_refuses_counters_and_rebuttals_but_takes_votes(
    world: World, store: Store, debate: Debate,
) -> None:
    assert "Use this in an argument's thread" in await slash(
        world, world.admin, world.general, "mod lock", {})
    locked = await slash(world, world.admin, debate.thread, "mod lock",
                         {"reason": "Cooling off"})
    assert locked.startswith("Locked")
    argument = await store.get_argument(debate.argument.id)
    assert argument is not None and argument.lock is not None
    assert argument.lock.reason == "Cooling off"
    # The thread says so, once.
    notice = "🔒 **A moderator locked this debate**: Cooling off."
    await world.emu.wait_for(lambda: any(m.content.startswith(notice)
                                         for m in world.emu.messages(debate.thread)), 15)
    refusal = "A moderator locked this debate (Cooling off)"
    assert refusal in await slash(world, world.alice, debate.thread, "counter",
                                  {"text": COUNTER + " Again."})
    counter_button = await world.emu.click_button(world.alice, debate.opening,
                                                  f"cp:c:a:{debate.argument.id}")
    assert refusal in await answered(counter_button)
    assert counter_button.callback_type == 4  # no form to type into
    rebut = await world.emu.click_button(world.alice, debate.message(world, debate.counter),
                                         f"cp:r:c:{debate.counter.id}")
    assert refusal in await answered(rebut)
    assert len(await store.list_contributions(debate.argument.id)) == 2
    # Votes go on.
    assert (await click(world, world.bob, debate.opening,
                        f"cp:v:a:{debate.argument.id}:+")).startswith("You agree.")
    assert "already locked" in await slash(world, world.admin, debate.thread, "mod lock", {})

    assert (await slash(world, world.admin, debate.thread, "mod unlock", {})).startswith(
        "Unlocked")
    await world.emu.wait_for(lambda: any(m.content.startswith("🔓 **This debate is open again")
                                         for m in world.emu.messages(debate.thread)), 15)
    assert sum(m.content.startswith(notice) for m in world.emu.messages(debate.thread)) == 1
    assert "posted" in await slash(world, world.alice, debate.thread, "counter",
                                   {"text": COUNTER + " Now open."})
    assert [e.action for e in await store.list_moderation(
        world.guild.id, piece_id=debate.piece_id)][:2] == ["unlock", "lock"]


async def test_modlog_filters_and_pages_with_buttons_that_survive_a_restart(
    world: World, store: Store, debate: Debate,
) -> None:
    for n in range(12):
        await store.log_moderation(world.guild.id, world.admin.id, "config.summary",
                                   details=f"change {n}")
    record = await world.emu.run_slash_command(world.admin, world.general, "modlog", {})
    await record.wait_response()
    assert record.callback_type == 4 and int((record.callback_data or {})["flags"]) & 64
    page = record.message
    assert page is not None
    first = page.embeds[0]["description"]
    assert first.count("`#") == 10 and "change 11" in first and "change 2" in first
    assert "change 1\n" not in first + "\n"
    faces = buttons(page)
    assert set(faces) == {"◀ Newer", "Older ▶"}
    older = faces["Older ▶"]

    # Its buttons are matched by template: a new process answers them.
    await world.stop()
    await world.start()
    turned = await world.emu.click_button(world.admin, page, older)
    await turned.wait_response()
    assert turned.callback_type == 7
    second = page.embeds[0]["description"]
    assert "change 1" in second and "change 0" in second and "change 11" not in second
    assert "**remove**" in second  # the older entries: removals and locks of this module
    newer = buttons(page)["◀ Newer"]
    back = await world.emu.click_button(world.admin, page, newer)
    await back.wait_response()
    assert page.embeds[0]["description"] == first

    # A member who is not a moderator cannot turn the pages.
    refused = await world.emu.click_button(world.alice, page, older)
    assert (await answered(refused)).startswith("Only moderators can read the moderation log")

    removals = await world.emu.run_slash_command(world.admin, world.general, "modlog",
                                                 {"action": "remove"})
    await removals.wait_response()
    assert removals.message is not None
    text = removals.message.embeds[0]["description"]
    assert text.count("`#") == 2 and text.count("**remove**") == 2
    about_bob = await world.emu.run_slash_command(world.admin, world.general, "modlog",
                                                  {"member": world.bob})
    await about_bob.wait_response()
    assert about_bob.message is not None
    lines = about_bob.message.embeds[0]["description"].split("\n")
    entries = [line for line in lines if line.startswith("`#")]
    assert entries and all(f"<@{world.bob.id}>" in line for line in entries)
    on_piece = await world.emu.run_slash_command(world.admin, world.general, "modlog",
                                                 {"piece": str(debate.piece_id)})
    await on_piece.wait_response()
    assert on_piece.message is not None
    described = on_piece.message.embeds[0]["description"]
    assert "config.summary" not in described and f"piece {debate.piece_id}" in described


async def test_the_log_channel_gets_each_action(world: World, store: Store,
                                                debate: Debate) -> None:
    log_channel = world.guild.add_text_channel("mod-log")
    set_up = await slash(world, world.admin, world.general, "config modlog-channel",
                         {"channel": log_channel})
    assert f"<#{log_channel.id}>" in set_up
    shown = debate.message(world, debate.counter)
    await slash(world, world.admin, debate.thread, "mod remove",
                {"message": str(shown.id), "reason": "Spam link"}, expect="Removed")
    await slash(world, world.admin, debate.thread, "mod restore", {"message": str(shown.id)},
                expect="Restored")
    await world.emu.wait_for(lambda: len(world.emu.messages(log_channel)) >= 3, 30)
    posted = [m.content for m in world.emu.messages(log_channel)]
    assert "**config.modlog-channel**" in posted[0]
    assert "**remove**" in posted[1] and "Spam link" in posted[1]
    assert f"<@{world.bob.id}>" in posted[1] and "**restore**" in posted[2]
    assert all(m.allowed_mentions == {"parse": []} for m in world.emu.messages(log_channel))
    # A post is recorded just after Discord takes it; one more round of the catch-up waits
    # for the round under way (it holds the same lock) and finds nothing left to post.
    cog: Any = world.bot.get_cog("Moderation")
    await cog.catch_up()
    assert len(world.emu.messages(log_channel)) == 3
    assert [e for e in await store.unposted_moderation() if e.guild_id == world.guild.id] == []
    await slash(world, world.admin, world.general, "config modlog-channel", {})


async def test_notices_go_to_the_moderators_channel(world: World, store: Store) -> None:
    quiet = world.guild.add_text_channel("quiet-room")
    answer = await slash(world, world.admin, world.general, "config moderators-channel",
                         {"channel": quiet})
    assert f"<#{quiet.id}>" in answer and "⚠️" not in answer
    mute = world.guild.add_text_channel("mute-room")
    world.emu.deny_bot(mute, "SEND_MESSAGES")
    warned = await slash(world, world.admin, world.general, "config moderators-channel",
                         {"channel": mute})
    assert warned.endswith(f"\n⚠️ I can't post in <#{mute.id}> yet: I need Send Messages. "
                           "Nothing is posted there until then."), warned
    answer = await slash(world, world.admin, world.general, "config moderators-channel",
                         {"channel": quiet})
    show = await world.emu.run_slash_command(world.admin, world.general, "config show", {})
    await show.wait_response()
    await show.wait_for(lambda r: r.original is not None and bool(r.original.embeds))
    assert show.original is not None
    fields = {f["name"]: f["value"] for f in show.original.embeds[0]["fields"]}
    assert fields["Moderators' channel"] == f"<#{quiet.id}>"
    settings = await store.get_guild_settings(world.guild.id)
    assert settings.moderators_channel_id == quiet.id

    # A permission notice: publishing refused in a channel.
    channel = world.guild.add_text_channel("no-embeds-here")
    world.emu.deny_bot(channel, "EMBED_LINKS")
    guessed_before = len(world.emu.messages(world.moderators))
    url = world.server.add("moderators-notice.txt", (SAMPLES / "remote_exams.txt").read_text())
    assert reply_text(await world.post(url, channel)).startswith("Not posted yet")
    [notice] = world.emu.messages(quiet)
    assert "Embed Links" in notice.content and f"<#{channel.id}>" in notice.content
    assert len(world.emu.messages(world.moderators)) == guessed_before

    # A pause notice: a feed failing ten times in a row.
    path = "/moderated-feed.xml"
    feed_url = world.server.feed(path, [Item(guid="urn:m:1", title="One", link=None,
                                             date=datetime(2026, 1, 1, tzinfo=UTC))])
    public = world.guild.add_text_channel("feed-here")
    assert (await slash(world, world.admin, world.general, "feed add",
                        {"url": feed_url, "channel": public}, expect="Following")
            ).startswith("Following")
    world.server.break_(path, "500")
    feeds: Any = world.bot.get_cog("Feeds")
    at = datetime.now(UTC) + timedelta(minutes=1)
    for _ in range(10):
        report = await feeds.poll_step(now=at)
        [sub] = [s for s in await store.list_subscriptions(guild_id=world.guild.id)
                 if s.channel_id == public.id]
        feed = await store.get_feed(sub.feed_id)
        assert feed is not None
        at = max(at, feed.next_poll_at) + timedelta(seconds=1)
    assert report.paused == 1
    await world.emu.wait_for(lambda: len(world.emu.messages(quiet)) == 2, 15)
    assert world.emu.messages(quiet)[1].content.count("Feed paused") == 1
    assert world.emu.messages(public) == []  # not in the public channel
    await slash(world, world.admin, world.general, "config moderators-channel", {})


async def test_feed_edit_changes_channel_filters_and_mention_in_place(
    world: World, store: Store,
) -> None:
    first = world.guild.add_text_channel("first-home")
    second = world.guild.add_text_channel("second-home")
    path = "/edited-feed.xml"
    url = world.server.feed(path, [Item(guid="urn:e:1", title="One", link=None,
                                        date=datetime(2026, 1, 1, tzinfo=UTC))])
    await slash(world, world.admin, world.general, "feed add", {"url": url, "channel": first},
                expect="Following")
    [sub] = [s for s in await store.list_subscriptions(guild_id=world.guild.id)
             if s.channel_id == first.id]
    role = world.guild.add_role("column-readers")
    answer = await slash(world, world.admin, world.general, "feed edit", {
        "feed": str(sub.id), "channel": second, "mention_role": role,
        "include": "climate, title:budget"})
    assert answer.startswith("Updated") and f"<#{second.id}>" in answer
    edited = await store.get_subscription(sub.id)
    assert edited is not None
    assert (edited.channel_id, edited.mention_role_id, edited.include, edited.created_at) == (
        second.id, role.id, ("climate", "title:budget"), sub.created_at)
    cleared = await slash(world, world.admin, world.general, "feed edit", {
        "feed": str(sub.id), "no_mention": True, "include": "none"})
    assert "no mention" in cleared and "include none" in cleared
    edited = await store.get_subscription(sub.id)
    assert edited is not None and (edited.mention_role_id, edited.include) == (None, ())
    assert "Nothing to change" in await slash(world, world.admin, world.general, "feed edit",
                                              {"feed": str(sub.id)})
    bad = await slash(world, world.admin, world.general, "feed edit",
                      {"feed": str(sub.id), "exclude": "/(unclosed/"})
    assert "(unclosed" in bad, bad
    # Another subscription of the same feed in that channel: refused, nothing changed.
    await slash(world, world.admin, world.general, "feed add", {"url": url, "channel": first},
                expect="Following")
    assert "already follows that feed" in await slash(
        world, world.admin, world.general, "feed edit", {"feed": str(sub.id), "channel": first})
    unchanged = await store.get_subscription(sub.id)
    assert unchanged is not None and unchanged.channel_id == second.id
    assert unchanged.exclude == ()
    # Moved where the bot can't open threads: saved, with what to fix before pieces post.
    walled = world.guild.add_text_channel("walled-off")
    world.emu.deny_bot(walled, "CREATE_PUBLIC_THREADS")
    moved = await slash(world, world.admin, world.general, "feed edit",
                        {"feed": str(sub.id), "channel": walled})
    assert moved.endswith(f"\n⚠️ I can't post in <#{walled.id}> yet: I need Create Public "
                          "Threads. Pieces wait until that is fixed."), moved
    now_in = await store.get_subscription(sub.id)
    assert now_in is not None and now_in.channel_id == walled.id
    [entry, *_] = await store.list_moderation(world.guild.id, action="feed")
    assert entry.action in ("feed.add", "feed.edit")
