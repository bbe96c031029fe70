"""Review before posting, end to end: the real bot on the emulator.

A feed's piece held for review, its preview in the review channel, approval through the
publisher, every edit of the split, rejection, a restart with a review pending, the one
reminder, and members who are not moderators. The review loop idles (``review_seconds``):
tests run its step themselves, with a pinned clock for the reminder. Nothing sleeps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from bot.articles.segment import segment
from bot.debate.review import Draft, piece_to_json
from bot.emulator import Channel, InteractionRecord, Member, Message
from bot.emulator.markup import render
from bot.pipeline import read_file
from bot.sandbox import buttons, labels
from bot.store import ReviewRecord, Store
from tests.e2e.harness import World, reply_text
from tests.feedsite import SAMPLES, Item

pytestmark = pytest.mark.asyncio(loop_scope="module")

WITHIN = 30.0
IDLE = 3600.0


class ReviewWorld:
    def __init__(self, world: World, reviews: Channel, opinion: Channel) -> None:
        self.world = world
        self.reviews = reviews
        self.opinion = opinion
        self.count = 0

    @property
    def emu(self) -> Any:
        return self.world.emu

    @property
    def store(self) -> Store:
        return self.world.bot.store

    @property
    def cog(self) -> Any:
        cog = self.world.bot.get_cog("Review")
        assert cog is not None
        return cog

    async def run(self, path: str, options: dict[str, Any], *,
                  member: Member | None = None) -> str:
        record = await self.emu.run_slash_command(member or self.world.admin,
                                                  self.world.general, path, options)
        await record.wait_response(timeout=WITHIN)
        await record.wait_for(lambda r: bool(reply_text(r)), WITHIN)
        return reply_text(record)

    async def hold(self, sample: str = "city_bike_lanes.txt") -> tuple[ReviewRecord, Message]:
        """A piece held for review as a feed holds it, and its review message once posted."""
        self.count += 1
        await self.store.update_guild_settings(self.world.guild.id,
                                               review_channel_id=self.reviews.id)
        url = f"https://example.org/opinion/{self.count}"
        piece = segment(read_file(SAMPLES / sample))
        review = await self.store.create_review(
            self.world.guild.id, self.opinion.id, url, piece_to_json(piece),
            Draft.from_piece(piece).to_json(), "every new piece of this feed is reviewed")
        assert review is not None
        await self.cog.post_owed()
        return review, await self.review_message(review.id)

    async def review_message(self, review_id: int) -> Message:
        def posted() -> Message | None:
            return next((m for m in self.emu.messages(self.reviews)
                         if any(f":{review_id}:" in str(b.get("custom_id"))
                                for b in buttons(m))), None)
        found = await self.emu.wait_for(posted, WITHIN)
        assert found is not None
        return found

    def current(self, message: Message) -> Message:
        return self.emu.message(message.id)

    async def click(self, message: Message, label: str,
                    member: Member | None = None) -> InteractionRecord:
        custom_id = next(str(b["custom_id"]) for b in buttons(self.current(message))
                         if b.get("label") == label)
        record = await self.emu.click_button(member or self.world.admin, message, custom_id)
        await record.wait_response(timeout=WITHIN)
        return record

    async def form(self, message: Message, label: str, values: dict[str, str],
                   member: Member | None = None) -> InteractionRecord:
        """Click a button that opens a form, fill it in and send it; the finished record."""
        opened = await self.click(message, label, member)
        assert opened.modal is not None, reply_text(opened)
        submitted = await self.emu.submit_modal(member or self.world.admin, message.channel_id,
                                                opened.modal["custom_id"], values,
                                                message=message)
        await submitted.wait_response(timeout=WITHIN)
        await submitted.wait_for(lambda r: bool(reply_text(r)), WITHIN)
        return submitted

    def panel(self, record: InteractionRecord) -> Message:
        """The edit panel a click or a form answered with (the last private message)."""
        messages = [m for m in [record.original, *record.followups]
                    if m is not None and m.components]
        assert messages, reply_text(record)
        return messages[-1]

    def threads_shown(self, message: Message) -> list[str]:
        """The thread names the review message's preview lists, in order."""
        embeds = self.current(message).embeds
        return [render(f["name"]).text for f in embeds[1].get("fields", [])]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rw(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ReviewWorld]:
    database = tmp_path_factory.mktemp("review") / "counterpoint.db"
    world = await World.create(f"sqlite:///{database}", poll_seconds=IDLE,
                               review_seconds=IDLE, retry_minutes=600.0)
    reviews = world.guild.add_text_channel("reviews")
    opinion = world.guild.add_text_channel("opinion")
    try:
        yield ReviewWorld(world, reviews, opinion)
    finally:
        await world.close()


def cards(rw: ReviewWorld) -> list[Message]:
    return [m for m in rw.emu.messages(rw.opinion) if m.embeds]


async def posted_threads(rw: ReviewWorld, count: int) -> list[str]:
    """Names of the threads of the latest card in #opinion, once ``count`` exist."""
    def ready() -> list[str] | None:
        names = [t.name for t in rw.emu.threads(rw.opinion)]
        return names if len(names) >= count else None
    await rw.emu.wait_for(ready, WITHIN)
    return [t.name for t in rw.emu.threads(rw.opinion)]


# ---------------------------------------------------------------------------------- settings


async def test_review_cannot_be_turned_on_without_a_review_channel(rw: ReviewWorld) -> None:
    text = await rw.run("config review", {"mode": "on"})
    assert text.startswith("Review needs a channel"), text
    assert (await rw.store.get_guild_settings(rw.world.guild.id)).review_mode == "off"


async def test_a_feed_piece_waits_for_review_and_approval_posts_it(rw: ReviewWorld) -> None:
    site = rw.world.server
    feed_url = site.feed("/review-feed.xml", [])
    text = await rw.run("config review", {"mode": "on", "channel": rw.reviews})
    assert "**on**" in text and f"<#{rw.reviews.id}>" in text, text
    added = await rw.run("feed add", {"url": feed_url, "channel": rw.opinion})
    assert added.startswith("Following"), added
    [sub] = await rw.store.list_subscriptions(guild_id=rw.world.guild.id)
    item = Item(guid="urn:review:1", title="Held for review", link=site.url("/held"),
                date=datetime.now(UTC) - timedelta(hours=1))
    site.feed("/review-feed.xml", [item])
    feeds: Any = rw.world.bot.get_cog("Feeds")
    report = await feeds.poll_step(now=datetime.now(UTC) + timedelta(hours=1))
    assert report.piece_ids == [] and len(report.review_ids) == 1
    [review_id] = report.review_ids
    # What the poll loop's cycle event does right after the cycle (the test drives the step).
    await rw.cog.on_feed_cycle(report)
    message = await rw.review_message(review_id)
    # Nothing is posted in the feed's channel; the preview shows what would be.
    assert cards(rw) == []
    assert labels(message) == ["Approve", "Edit split", "Reject"]
    assert message.allowed_mentions == {"parse": []}
    assert message.embeds[0]["title"] == "Held for review"
    assert "Waiting for review" in message.content and f"<#{rw.opinion.id}>" in message.content
    shown = rw.threads_shown(message)
    assert len(shown) == 3 and shown[0].startswith("1. ")

    approved = await rw.click(message, "Approve")
    await approved.wait_for(lambda r: bool(reply_text(r)), WITHIN)
    assert "Posted in" in reply_text(approved), (reply_text(approved), rw.current(message).content)
    assert await posted_threads(rw, 3) == shown
    assert len(cards(rw)) == 1
    after = rw.current(message)
    assert "Approved" in after.content and after.components == []
    log = await rw.store.list_moderation(rw.world.guild.id)
    assert log[0].action == "review.approve" and log[0].actor_id == rw.world.admin.id
    # Found by /modlog's piece filter, the piece being the one approval queued.
    [piece] = [p for p in await rw.store.list_pieces(guild_id=rw.world.guild.id)
               if p.channel_id == rw.opinion.id]
    assert [e.action for e in await rw.store.list_moderation(
        rw.world.guild.id, piece_id=piece.id)] == ["review.approve"]
    # A moderator's send-latest of a feed under review is held too, and says where.
    second = Item(guid="urn:review:2", title="Sent by hand", link=site.url("/by-hand"),
                  date=datetime.now(UTC))
    site.feed("/review-feed.xml", [second, item])
    sent = await rw.run("feed send-latest", {"feed": str(sub.id)})
    assert "waits for a moderator's review" in sent and f"<#{rw.opinion.id}>" in sent, sent
    [held] = await rw.store.list_reviews(states=["pending"], unposted=True)
    await rw.cog.review_step()
    assert (await rw.review_message(held.id)).embeds[0]["title"] == "Sent by hand"
    assert len(cards(rw)) == 1
    await rw.store.reject_review(held.id, rw.world.admin.id, "cleanup")
    # The feed's own mode overrides the server's.
    set_off = await rw.run("feed review", {"feed": str(sub.id), "mode": "off"})
    assert "review **off**" in set_off, set_off
    assert (await rw.store.get_subscription(sub.id)).review_mode == "off"
    await rw.store.remove_subscription(sub.id)


# ---------------------------------------------------------------------------------- edits


async def test_each_edit_shows_its_result_and_approval_posts_the_edited_split(
        rw: ReviewWorld) -> None:
    old = {t.id for t in rw.emu.threads(rw.opinion)}
    review, message = await rw.hold()
    original = rw.threads_shown(message)
    assert original == ["1. The lanes are already paying for themselves.",
                        "2. Half a network is the most dangerous network.",
                        "3. The money is already committed."]
    opened = await rw.click(message, "Edit split")
    panel = rw.panel(opened)
    assert opened.original is not None and opened.original.ephemeral
    assert labels(panel) == ["Merge two", "Split one", "Retitle", "Drop one", "Reorder",
                             "No enumeration"]

    merged = await rw.form(panel, "Merge two", {"first": "2", "second": "1"})
    assert "Merged arguments 2 and 1" in reply_text(merged)
    assert rw.threads_shown(message) == ["1. The lanes are already paying for themselves.",
                                         "2. The money is already committed."]
    split = await rw.form(rw.panel(merged), "Split one", {"number": "1", "paragraph": "2"})
    assert "Split argument 1" in reply_text(split), reply_text(split)
    after_split = rw.threads_shown(message)
    assert len(after_split) == 3 and after_split[1].startswith("2. ")
    retitled = await rw.form(rw.panel(split), "Retitle",
                             {"number": "2", "title": "Half a network is dangerous"})
    assert rw.threads_shown(message)[1] == "2. Half a network is dangerous"
    reordered = await rw.form(rw.panel(retitled), "Reorder", {"order": "3 1 2"})
    assert rw.threads_shown(message) == ["1. The money is already committed.",
                                         "2. The lanes are already paying for themselves.",
                                         "3. Half a network is dangerous"]
    dropped = await rw.form(rw.panel(reordered), "Drop one", {"number": "3"})
    assert "Dropped argument 3" in reply_text(dropped)
    assert rw.threads_shown(message) == ["1. The money is already committed.",
                                         "2. The lanes are already paying for themselves."]
    # A wrong number is refused with what to type, and changes nothing.
    refused = await rw.form(rw.panel(dropped), "Drop one", {"number": "7"})
    assert "There is no argument 7" in reply_text(refused), reply_text(refused)

    approved = await rw.click(message, "Approve")
    await approved.wait_for(lambda r: "Posted in" in reply_text(r), WITHIN)
    names = [t.name for t in rw.emu.threads(rw.opinion) if t.id not in old]
    assert names == ["1. The money is already committed.",
                     "2. The lanes are already paying for themselves."]
    stored = await rw.store.get_review(review.id)
    assert stored is not None and stored.state == "approved" and stored.version == 5


async def test_no_enumeration_posts_one_thread_for_the_whole_piece(rw: ReviewWorld) -> None:
    old = {t.id for t in rw.emu.threads(rw.opinion)}
    _, message = await rw.hold("remote_exams.txt")
    panel = rw.panel(await rw.click(message, "Edit split"))
    whole = await rw.click(panel, "No enumeration")
    await whole.wait_for(lambda r: "one thread for the whole piece" in reply_text(r), WITHIN)
    assert rw.threads_shown(message) == [
        "Universities Are Learning the Wrong Lesson From Cheating Scandals"]
    assert "Use the split" in labels(rw.panel(whole))
    approved = await rw.click(message, "Approve")
    await approved.wait_for(lambda r: "Posted in" in reply_text(r), WITHIN)
    new = [t for t in rw.emu.threads(rw.opinion) if t.id not in old]
    assert [t.name for t in new] == [
        "Universities Are Learning the Wrong Lesson From Cheating Scandals"]
    opening = "\n".join(m.content for m in rw.emu.messages(new[0]))
    # The one thread holds the arguments' text too.
    assert "punishes" in opening


async def test_an_edit_made_on_a_split_changed_since_is_refused(rw: ReviewWorld) -> None:
    review, message = await rw.hold()
    # Two moderators open the edit panel on the same preview; one opens the Drop form.
    first = rw.panel(await rw.click(message, "Edit split"))
    second = rw.panel(await rw.click(message, "Edit split"))
    opened = await rw.click(first, "Drop one")
    assert opened.modal is not None
    # The other retitles an argument meanwhile.
    await rw.form(second, "Retitle", {"number": "1", "title": "Costs and benefits"})
    # The form sent now was filled in on the split before that change: refused, not applied.
    late = await rw.emu.submit_modal(rw.world.admin, rw.reviews, opened.modal["custom_id"],
                                     {"number": "1"}, message=first)
    await late.wait_response(timeout=WITHIN)
    await late.wait_for(lambda r: bool(reply_text(r)), WITHIN)
    assert "The split changed since this was shown" in reply_text(late), reply_text(late)
    assert len(rw.threads_shown(message)) == 3
    # So is a button of the panel shown before, before any form opens.
    again = await rw.click(first, "Reorder")
    await again.wait_for(lambda r: bool(reply_text(r)), WITHIN)
    assert again.modal is None and "changed" in reply_text(again)
    assert (await rw.store.get_review(review.id)).state == "pending"
    await rw.store.reject_review(review.id, rw.world.admin.id, "cleanup")


# ---------------------------------------------------------------------------------- rejection


async def test_rejection_is_recorded_and_nothing_is_posted(rw: ReviewWorld) -> None:
    before = len(cards(rw))
    review, message = await rw.hold()
    rejected = await rw.form(message, "Reject", {"reason": "Not an op-ed: a press release."})
    assert reply_text(rejected).startswith("Rejected"), reply_text(rejected)
    stored = await rw.store.get_review(review.id)
    assert stored is not None
    assert (stored.state, stored.decided_by, stored.note) == (
        "rejected", rw.world.admin.id, "Not an op-ed: a press release.")
    after = rw.current(message)
    assert "Rejected" in after.content and "press release" in after.content
    assert after.components == []
    [entry] = [e for e in await rw.store.list_moderation(rw.world.guild.id)
               if e.action == "review.reject" and e.target == f"review:{review.id}"]
    assert "press release" in (entry.details or "")
    assert len(cards(rw)) == before


# ---------------------------------------------------------------------------------- members


async def test_a_member_who_is_not_a_moderator_is_refused(rw: ReviewWorld) -> None:
    review, message = await rw.hold()
    for label in ("Approve", "Edit split", "Reject"):
        record = await rw.click(message, label, rw.world.alice)
        await record.wait_for(lambda r: bool(reply_text(r)), WITHIN)
        assert record.modal is None
        assert reply_text(record).startswith("Only moderators can review pieces"), label
        assert record.original is not None and record.original.ephemeral
    # A form sent without its button (a forged submit) is refused too.
    forged = await rw.emu.submit_modal(rw.world.alice, rw.reviews,
                                       f"cp:rv:x:{review.id}:0", {"reason": "mine"})
    await forged.wait_response(timeout=WITHIN)
    await forged.wait_for(lambda r: bool(reply_text(r)), WITHIN)
    assert reply_text(forged).startswith("Only moderators can review pieces")
    assert (await rw.store.get_review(review.id)).state == "pending"
    # The server's moderator role is enough.
    mods = rw.world.guild.add_role("Reviewers")
    rene = rw.world.guild.add_member("rene", roles=[mods])
    await rw.store.update_guild_settings(rw.world.guild.id, moderator_role_id=mods.id)
    try:
        rejected = await rw.form(message, "Reject", {"reason": ""}, rene)
        assert reply_text(rejected).startswith("Rejected"), reply_text(rejected)
        assert (await rw.store.get_review(review.id)).decided_by == rene.user.id
    finally:
        await rw.store.update_guild_settings(rw.world.guild.id, moderator_role_id=None)


# ---------------------------------------------------------------------------------- restarts


async def test_a_pending_review_survives_a_restart(rw: ReviewWorld) -> None:
    review, message = await rw.hold()
    await rw.world.stop()
    await rw.world.start()
    panel = rw.panel(await rw.click(message, "Edit split"))
    await rw.form(panel, "Retitle", {"number": "1", "title": "Paying for themselves"})
    assert rw.threads_shown(message)[0] == "1. Paying for themselves"
    approved = await rw.click(message, "Approve")
    await approved.wait_for(lambda r: "Posted in" in reply_text(r), WITHIN)
    assert (await rw.store.get_review(review.id)).state == "approved"


async def test_a_review_nobody_acts_on_is_reminded_once(rw: ReviewWorld) -> None:
    review, message = await rw.hold()

    def reminders() -> list[Message]:
        return [m for m in rw.emu.messages(rw.reviews)
                if m.message_reference is not None
                and str(m.message_reference.get("message_id")) == str(message.id)]

    await rw.cog.review_step(now=review.created_at + timedelta(hours=23))
    assert reminders() == []
    day_later = review.created_at + timedelta(hours=25)
    await rw.cog.review_step(now=day_later)
    [reminder] = reminders()
    assert "waited a day for review" in reminder.content
    assert reminder.allowed_mentions == {"parse": []}
    await rw.cog.review_step(now=day_later + timedelta(hours=1))
    await rw.world.stop()
    await rw.world.start()
    await rw.cog.review_step(now=day_later + timedelta(days=2))
    assert len(reminders()) == 1
    await rw.store.reject_review(review.id, rw.world.admin.id, "cleanup")


async def test_an_approval_cut_short_is_posted_by_the_next_start(rw: ReviewWorld) -> None:
    """The bot stops right after recording an approval, before publishing: the piece is
    queued like any other, and the next start's resume posts it, once."""
    from bot.publishing.review import open_review

    review, message = await rw.hold("remote_exams.txt")
    before = len(cards(rw))
    # What Approve records first, as one transaction; the bot dies before publishing.
    _, piece = await rw.store.approve_review(review.id, rw.world.admin.id,
                                             open_review(review).final())
    assert piece.state == "pending"
    await rw.world.stop()
    await rw.world.start()  # returns once unfinished pieces were resumed
    stored = await rw.store.get_piece(piece.id)
    assert stored is not None and stored.state == "published"
    assert len(cards(rw)) == before + 1
    # The review message offered the buttons still; the review loop (its first round at
    # start, or this one) redraws it, once.
    await rw.cog.review_step()
    shown = rw.current(message)
    assert "Approved" in shown.content and "Posted in" in shown.content
    assert shown.components == []
    edits = len(rw.emu.message_history(message))
    await rw.cog.review_step()
    assert len(rw.emu.message_history(message)) == edits


# ---------------------------------------------------------------------- messages that are gone


def delete(rw: ReviewWorld, message: Message) -> None:
    """A moderator deletes the message (Discord tells the bot nothing: it has no message
    intents)."""
    rw.emu.state.delete_message(rw.emu.message(message.id))


def link(rw: ReviewWorld, channel: Channel, message_id: int) -> str:
    return f"https://discord.com/channels/{rw.world.guild.id}/{channel.id}/{message_id}"


async def waiting_list(rw: ReviewWorld, member: Member | None = None) -> InteractionRecord:
    record = await rw.emu.run_slash_command(member or rw.world.admin, rw.world.general,
                                            "review list", {})
    await record.wait_response(timeout=WITHIN)
    return record


async def test_a_review_whose_message_was_deleted_is_listed_shown_again_and_approved(
        rw: ReviewWorld) -> None:
    review, message = await rw.hold()
    delete(rw, message)
    # /review list: private, no pings, the review with its (now dead) link.
    listed = await waiting_list(rw)
    assert listed.callback_type == 4
    data = listed.callback_data or {}
    assert int(data.get("flags") or 0) & 64 and data.get("allowed_mentions") == {"parse": []}
    [embed] = data["embeds"]
    assert embed["title"].startswith("Waiting for review (")
    title = "Our City Should Stop Apologising for Bike Lanes"
    assert f"**#{review.id} · {title}**" in embed["description"], embed["description"]
    assert link(rw, rw.reviews, message.id) in embed["description"]
    assert f"For <#{rw.opinion.id}>" in embed["description"]
    assert "Why: every new piece of this feed is reviewed" in embed["description"]
    # /review show offers it as the moderator types, and posts it again.
    typed = await rw.emu.run_autocomplete(rw.world.admin, rw.world.general, "review show",
                                          {"review": "bike"}, focused="review")
    await typed.wait_response(timeout=WITHIN)
    assert {"name": f"#{review.id} {title}", "value": str(review.id)} in (
        typed.choices or []), typed.choices
    shown = await rw.run("review show", {"review": str(review.id)})
    again = await rw.review_message(review.id)
    assert again.id != message.id
    assert shown == (f"Posted again in <#{rw.reviews.id}>: {link(rw, rw.reviews, again.id)}. "
                     "Approve, edit or reject it there."), shown
    assert labels(again) == ["Approve", "Edit split", "Reject"]
    assert again.allowed_mentions == {"parse": []}
    assert (await rw.store.get_review(review.id)).review_message_id == again.id
    # Shown, so showing it again posts nothing more.
    twice = await rw.run("review show", {"review": str(review.id)})
    assert twice.startswith(f"It is shown in <#{rw.reviews.id}>: "
                            f"{link(rw, rw.reviews, again.id)}"), twice
    assert [m.id for m in rw.emu.messages(rw.reviews) if buttons(m)
            and any(f":{review.id}:" in str(b.get("custom_id")) for b in buttons(m))] == [
        again.id]
    # Its buttons work as the old ones did, after a restart too; approval redraws it.
    await rw.world.stop()
    await rw.world.start()
    before = len(cards(rw))
    approved = await rw.click(again, "Approve")
    await approved.wait_for(lambda r: "Posted in" in reply_text(r), WITHIN)
    assert len(cards(rw)) == before + 1
    after = rw.current(again)
    assert "Approved" in after.content and after.components == []
    # Decided, it is no longer listed nor offered.
    assert f"#{review.id} ·" not in ((await waiting_list(rw)).callback_data or {})[
        "embeds"][0].get("description", "")
    refused = await rw.run("review show", {"review": str(review.id)})
    assert refused == f"This piece was already approved by <@{rw.world.admin.user.id}>.", \
        refused


async def test_review_show_refuses_unknown_reviews_and_members(rw: ReviewWorld) -> None:
    review, _ = await rw.hold()
    unknown = await rw.run("review show", {"review": "987654"})
    assert unknown.startswith("This server has no review #987654."), unknown
    typed = await rw.run("review show", {"review": "Bike lanes"})
    assert typed.startswith("Pick a waiting review from the list"), typed
    for path, options in (("review list", {}), ("review show", {"review": str(review.id)})):
        record = await rw.emu.run_slash_command(rw.world.alice, rw.world.general, path,
                                                options)
        await record.wait_response(timeout=WITHIN)
        assert reply_text(record).startswith("Only moderators can review pieces"), path
        assert int((record.callback_data or {}).get("flags") or 0) & 64
    nothing = await rw.emu.run_autocomplete(rw.world.alice, rw.world.general, "review show",
                                            {"review": ""}, focused="review")
    await nothing.wait_response(timeout=WITHIN)
    assert nothing.choices == []
    await rw.store.reject_review(review.id, rw.world.admin.id, "cleanup")


async def test_the_loop_posts_again_a_review_whose_message_it_finds_deleted(
        rw: ReviewWorld) -> None:
    """Editing the split updates the review message; if that message was deleted, Discord
    answers 404 and the loop's redraw posts the review again, once."""
    from bot.publishing.review import open_review

    review, message = await rw.hold()
    delete(rw, message)
    edited = await rw.cog.service.edit(review.id, review.version,
                                       lambda d: d.retitle(1, "Lanes pay"))
    assert not await rw.cog.refresh(edited)  # what the Retitle form does: the edit fails
    await rw.cog.review_step()
    again = await rw.review_message(review.id)
    assert again.id != message.id
    assert rw.threads_shown(again)[0] == "1. Lanes pay"
    stored = await rw.store.get_review(review.id)
    assert (stored.review_message_id, stored.shown_version) == (again.id, edited.version)
    await rw.cog.review_step()
    assert [m.id for m in rw.emu.messages(rw.reviews) if labels(m)[:1] == ["Approve"]
            and any(f":{review.id}:" in str(b.get("custom_id")) for b in buttons(m))] == [
        again.id]
    # A decided review's message gone: nothing waits on it, so nothing is posted; the loop
    # stops trying to redraw it.
    await rw.store.reject_review(review.id, rw.world.admin.id, "cleanup")
    delete(rw, again)
    await rw.cog.review_step()
    assert await rw.store.reviews_to_redraw() == []
    assert not any(f":{review.id}:" in str(b.get("custom_id"))
                   for m in rw.emu.messages(rw.reviews) for b in buttons(m))
    assert open_review(await rw.store.get_review(review.id)).record.state == "rejected"


async def test_a_reminder_due_on_a_deleted_review_message_posts_the_review_again(
        rw: ReviewWorld) -> None:
    review, message = await rw.hold()
    delete(rw, message)
    await rw.cog.review_step(now=review.created_at + timedelta(hours=25))
    again = await rw.review_message(review.id)
    assert again.id != message.id
    [reminder] = [m for m in rw.emu.messages(rw.reviews) if m.message_reference is not None
                  and str(m.message_reference.get("message_id")) == str(again.id)]
    assert link(rw, rw.reviews, again.id) in reminder.content
    await rw.store.reject_review(review.id, rw.world.admin.id, "cleanup")


async def test_a_review_shown_in_a_former_review_channel_moves_to_the_new_one(
        rw: ReviewWorld) -> None:
    review, message = await rw.hold()
    moved_to = rw.world.guild.add_text_channel("reviews-new")
    await rw.store.update_guild_settings(rw.world.guild.id, review_channel_id=moved_to.id)
    try:
        listed = await waiting_list(rw)
        description = (listed.callback_data or {})["embeds"][0]["description"]
        assert f"in <#{rw.reviews.id}>, which is not the review channel now" in description
        shown = await rw.run("review show", {"review": str(review.id)})
        [again] = [m for m in rw.emu.messages(moved_to) if labels(m)]
        assert shown.startswith(f"Posted again in <#{moved_to.id}>"), shown
        assert (await rw.store.get_review(review.id)).review_channel_id == moved_to.id
        # The old one points to it and has no buttons left.
        old = rw.current(message)
        assert old.components == [] and link(rw, moved_to, again.id) in old.content
    finally:
        await rw.store.update_guild_settings(rw.world.guild.id, review_channel_id=rw.reviews.id)
        await rw.store.reject_review(review.id, rw.world.admin.id, "cleanup")


async def test_a_review_channel_deleted_since_is_named_as_such(rw: ReviewWorld) -> None:
    review, message = await rw.hold()
    delete(rw, message)
    # A review channel the server deleted: Discord knows no such channel any more.
    await rw.store.update_guild_settings(rw.world.guild.id, review_channel_id=4242)
    try:
        refused = await rw.run("review show", {"review": str(review.id)})
        assert refused.startswith("The review channel no longer exists: choose another with "
                                  "`/config review channel:`"), refused
        assert (await rw.store.get_review(review.id)).review_message_id == message.id
        await rw.store.update_guild_settings(rw.world.guild.id, review_channel_id=None)
        nowhere = await rw.run("review show", {"review": str(review.id)})
        assert nowhere.startswith("This server has no review channel"), nowhere
    finally:
        await rw.store.update_guild_settings(rw.world.guild.id, review_channel_id=rw.reviews.id)
        await rw.store.reject_review(review.id, rw.world.admin.id, "cleanup")


async def test_a_long_list_of_waiting_reviews_is_paged(rw: ReviewWorld) -> None:
    from bot.publishing.review import WAITING_PAGE_SIZE

    held = [(await rw.hold())[0] for _ in range(WAITING_PAGE_SIZE + 1)]
    try:
        listed = await waiting_list(rw)
        page = listed.original
        assert page is not None
        total = len(await rw.store.list_reviews(guild_id=rw.world.guild.id,
                                                states=["pending"]))
        assert page.embeds[0]["title"] == f"Waiting for review ({total})"
        pages = -(-total // WAITING_PAGE_SIZE)
        assert page.embeds[0]["footer"]["text"].startswith(f"Page 1 of {pages}")
        assert labels(page) == ["◀ Older", "Newer ▶"]
        newer = await rw.click(page, "Newer ▶")
        assert newer.callback_type == 7  # the page itself is edited
        turned = rw.current(page)
        assert turned.embeds[0]["footer"]["text"].startswith(f"Page 2 of {pages}")
        refused = await rw.click(turned, "◀ Older", rw.world.alice)
        assert reply_text(refused).startswith("Only moderators can review pieces")
    finally:
        for review in held:
            await rw.store.reject_review(review.id, rw.world.admin.id, "cleanup")
