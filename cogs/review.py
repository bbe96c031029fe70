"""Review before posting: the review messages, their buttons and forms, and the reminder loop.

A thin adapter over :class:`bot.publishing.review.ReviewService`. A piece a feed holds for
review (``bot.feeds.pieces.queue_entry``) is shown in the server's review channel as a preview
of exactly what would be posted, with **Approve**, **Edit split** and **Reject**: persistent
``DynamicItem`` buttons whose custom ids carry the review and the draft's version
(``bot.debate.review.ReviewControl``), so they work after a restart, and a click made on a
preview another moderator has changed since is refused rather than applied. Forms are
stateless like the debate's: their submits are read back from the custom id in
``on_interaction``.

The loop posts the review messages owed (recorded once posted; a deterministic nonce covers a
crash between Discord's answer and the record) and reminds a review nobody acted on once,
after a day (claimed in the store before it is sent, so a restart never reminds twice).

A review message can be deleted (by a moderator, or with its channel), and the bot is told
nothing: it asks for no message events. ``/review list`` pages the waiting reviews with links
to their messages, and ``/review show`` posts one again in the current review channel,
recorded in place of the old message (``Store.replace_review_message``), so its buttons and
restarts keep working. The loop notices on its own where it touches a message anyway: a
redraw that Discord answers with 404 posts a waiting review again, once (a decided one is
recorded as shown: nothing waits on it), and a reminder due reads its message first. Reading
every review message each round to catch deletions sooner would cost a request per waiting
review per minute; the list and the day's reminder are the cheaper net.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.debate.review import (
    ReviewControl,
    parse_review_control,
)
from bot.embeds import EmbedSpec
from bot.pace import Pace
from bot.publishing import PublishResult
from bot.publishing.payloads import channel_link, fit
from bot.publishing.review import (
    OpenReview,
    ReviewRefused,
    ReviewService,
    edit_panel,
    open_review,
    preview_embeds,
    review_channel,
    review_heading,
)
from bot.store import Conflict, InvalidTransition, ReviewRecord
from cogs.utils.checks import ensure_moderator, moderator_group
from cogs.utils.loops import start_paced
from cogs.utils.replies import NO_MENTIONS, answer_error, reply
from cogs.utils.reviewing import (
    REVIEW_ACTION,
    REVIEW_COG,
    ReviewButton,
    ReviewClicks,
    WaitingChoice,
    WaitingPageButton,
    draft_change,
    panel_view,
    review_form,
    review_view,
    submitted_values,
    waiting_message,
)

if TYPE_CHECKING:
    from bot.client import CounterpointBot

log = logging.getLogger(__name__)



def _embeds(specs: list[EmbedSpec]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(spec.to_dict()) for spec in specs]


def nonce(review_id: int) -> str:
    """The review message's nonce: the same on every try, so Discord posts it once."""
    return f"cprv{review_id}"


def repost_nonce(replaced_message_id: int) -> str:
    """The nonce of a review message posted again in place of ``replaced_message_id``: the
    same on every try of that one re-post, and another than the first post's (at most 23 of
    Discord's 25 characters)."""
    return f"cprr{replaced_message_id}"


#: Discord's codes for a message that is gone: itself deleted, or its channel.
_GONE = (10008, 10003)
#: What showing a review on its message came to: shown, the message (or its channel) is
#: gone, or Discord refused otherwise (tried again later).
Shown = Literal["shown", "gone", "refused"]


def _is_gone(exc: discord.HTTPException) -> bool:
    return isinstance(exc, discord.NotFound) and exc.code in _GONE


# --- the cog -----------------------------------------------------------------------------------


class Review(commands.Cog, ReviewClicks, name=REVIEW_COG):
    """Review messages, their buttons and forms, the loop that posts and reminds, and
    ``/review list`` / ``/review show`` for reviews whose message is gone."""

    review = moderator_group("review", "Pieces waiting for a moderator's review (moderators)")

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot
        self.service = ReviewService(bot.store)
        # One pass over owed messages at a time (the loop and a feed cycle may both ask).
        self._posting = asyncio.Lock()
        self._redrawing = asyncio.Lock()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ReviewButton, WaitingPageButton)
        start_paced(self.review_loop, seconds=self.bot.pace.review_seconds)

    async def cog_unload(self) -> None:
        self.review_loop.cancel()
        self.bot.remove_dynamic_items(ReviewButton, WaitingPageButton)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # The app commands (/review); buttons and forms check in on_click / on_interaction.
        return await ensure_moderator(interaction, REVIEW_ACTION)

    # --- the loop ---------------------------------------------------------------------------

    @tasks.loop(seconds=Pace.review_seconds)
    async def review_loop(self) -> None:
        try:
            await self.review_step()
        except Exception:
            log.exception("review loop failed")

    @review_loop.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def review_step(self, now: datetime | None = None) -> None:
        """Post every review message owed, then send the reminders due (``now`` pins the
        clock, for tests)."""
        await self.post_owed()
        await self.redraw()
        await self.remind(now)
        # ``on_review_step()``: for whoever waits on the loop going round.
        self.bot.dispatch("review_step")

    @commands.Cog.listener()
    async def on_feed_cycle(self, report: object) -> None:
        # A cycle may have held new pieces: show them now rather than at the next round.
        try:
            await self.post_owed()
        except Exception:
            log.exception("posting review messages after a feed cycle failed")

    async def post_owed(self) -> int:
        """Post the review messages not posted yet; how many were posted."""
        posted = 0
        async with self._posting:
            for review in await self.service.owed_messages():
                if not self.bot.shard_plan.owns(review.record.guild_id):
                    continue  # the process holding that guild's shard posts it
                settings = await self.bot.store.get_guild_settings(review.record.guild_id)
                channel_id = review_channel(settings)
                if channel_id is None:
                    log.warning("review %s waits, but guild %s has no review channel (set one "
                                "with /config review)", review.id, review.record.guild_id)
                    continue
                channel = self.bot.get_partial_messageable(channel_id)
                try:
                    message = await channel.send(
                        review_heading(review), embeds=_embeds(preview_embeds(review)),
                        view=review_view(review), nonce=nonce(review.id),
                        allowed_mentions=NO_MENTIONS)
                except discord.HTTPException as exc:
                    log.warning("could not post review %s in %s (tried again later): %s",
                                review.id, channel_id, exc)
                    continue
                try:
                    await self.bot.store.record_review_message(review.id, channel_id,
                                                               message.id)
                except Conflict:
                    log.info("review %s was posted by another process", review.id)
                    continue
                posted += 1
        return posted

    async def remind(self, now: datetime | None = None) -> int:
        """Remind each review a day old that nobody acted on, once; how many were sent."""
        sent = 0
        for review in await self.service.due_reminders(now):
            record = review.record
            if record.review_channel_id is None or record.review_message_id is None:
                continue
            if not await self.bot.store.claim_reminder(record.id, now=now):
                continue  # another process took it, or it was decided meanwhile
            record = await self._still_there(review)
            if record.review_channel_id is None or record.review_message_id is None:
                continue
            link = channel_link(record.guild_id, record.review_channel_id,
                                record.review_message_id)
            title = fit(review.piece.title or record.url, 200, links=False)
            channel = self.bot.get_partial_messageable(record.review_channel_id)
            try:
                await channel.send(
                    f"⏰ **{title}** has waited a day for review: {link}. Approve, edit or "
                    f"reject it there; until then it is not posted in <#{record.channel_id}>.",
                    reference=discord.MessageReference(
                        message_id=record.review_message_id,
                        channel_id=record.review_channel_id, fail_if_not_exists=False),
                    allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as exc:
                # Claimed, so never sent twice; the review itself still waits to be seen.
                log.warning("could not remind review %s: %s", record.id, exc)
                continue
            sent += 1
        return sent

    async def _still_there(self, review: OpenReview) -> ReviewRecord:
        """The review's record once its message is known to be there: a message deleted (or
        its channel) is posted again in the review channel first. One read per review, when
        its reminder is due: the bot sees no deletions (it asks for no message events), so
        this is where the loop notices a review message gone without an edit of its own."""
        record = review.record
        assert record.review_channel_id is not None and record.review_message_id is not None
        channel = self.bot.get_partial_messageable(record.review_channel_id)
        try:
            await channel.fetch_message(record.review_message_id)
        except discord.HTTPException as exc:
            if not _is_gone(exc):
                return record  # cannot tell (no Read Message History, say): remind as ever
            try:
                record, _ = await self.show_again(review, gone=True)
            except (ReviewRefused, discord.HTTPException) as again:
                log.warning("review %s: its message is gone and it could not be posted again "
                            "(the review loop tries when it next edits it): %s",
                            record.id, again)
        return record

    async def show_again(self, review: OpenReview, *, gone: bool = False
                         ) -> tuple[ReviewRecord, bool]:
        """Make sure a waiting review is shown in the review channel: its message if it is
        there (brought up to date), else a new one recorded in its place, whose buttons work
        as the old ones did. ``gone``: its message is known to be gone. Returns the record and
        whether it was posted anew; :class:`ReviewRefused` if there is no review channel or
        Discord refused the update; Discord's refusal of the new message as it came."""
        record = review.record
        settings = await self.bot.store.get_guild_settings(record.guild_id)
        channel_id = review_channel(settings)
        if channel_id is None:
            raise ReviewRefused("This server has no review channel: set one with `/config "
                                "review channel:`, then show the review again.")
        if (not gone and record.review_message_id is not None
                and record.review_channel_id == channel_id):
            outcome = await self._show(review)
            if outcome == "shown":
                return record, False
            if outcome == "refused":
                raise ReviewRefused("Discord refused to update its review message: try again "
                                    "in a moment.")
        async with self._posting:
            # Read again under the lock: shown again or decided meanwhile.
            current = await self.service.waiting(record.id, record.guild_id)
            if current.record.review_message_id != record.review_message_id:
                return current.record, False
            return await self._post_again(current, channel_id)

    async def _post_again(self, review: OpenReview, channel_id: int
                          ) -> tuple[ReviewRecord, bool]:
        old = review.record
        channel = self.bot.get_partial_messageable(channel_id)
        message = await channel.send(
            review_heading(review), embeds=_embeds(preview_embeds(review)),
            view=review_view(review), allowed_mentions=NO_MENTIONS,
            nonce=nonce(review.id) if old.review_message_id is None
            else repost_nonce(old.review_message_id))
        try:
            if old.review_message_id is None:
                saved = await self.bot.store.record_review_message(review.id, channel_id,
                                                                   message.id)
            else:
                saved = await self.bot.store.replace_review_message(
                    review.id, old.review_message_id, channel_id, message.id, review.version)
        except (Conflict, InvalidTransition):
            # Another process showed it again, or a moderator decided it, meanwhile: this
            # message is one too many.
            with suppress(discord.HTTPException):
                await message.delete()
            return (await self.service.waiting(review.id, old.guild_id)).record, False
        if old.review_message_id is not None and old.review_channel_id not in (None,
                                                                                channel_id):
            await self._retire(old, saved)
        return saved, True

    async def _retire(self, old: ReviewRecord, new: ReviewRecord) -> None:
        """The message a review was shown in before the review channel changed, if it is
        still there: it points to the new one and loses its buttons (best effort)."""
        assert old.review_channel_id is not None and old.review_message_id is not None
        assert new.review_channel_id is not None
        link = channel_link(new.guild_id, new.review_channel_id, new.review_message_id)
        message = self.bot.get_partial_messageable(
            old.review_channel_id).get_partial_message(old.review_message_id)
        with suppress(discord.HTTPException):
            await message.edit(content=f"📝 This review is shown in <#{new.review_channel_id}> "
                                       f"now: {link}", view=None, allowed_mentions=NO_MENTIONS)

    # --- /review ----------------------------------------------------------------------------

    def _guild_id(self, interaction: discord.Interaction) -> int:
        assert interaction.guild_id is not None  # guild-only commands
        return interaction.guild_id

    async def _waiting(self, guild_id: int, page: int
                       ) -> tuple[discord.Embed, discord.ui.View | None]:
        settings = await self.bot.store.get_guild_settings(guild_id)
        return waiting_message(await self.service.waiting_page(guild_id, page),
                               review_channel(settings))

    @review.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """The pieces waiting for review, oldest first, with links to their review messages"""
        embed, view = await self._waiting(self._guild_id(interaction), 1)
        kwargs: dict[str, Any] = {"embed": embed, "ephemeral": True,
                                  "allowed_mentions": NO_MENTIONS}
        if view is not None:
            kwargs["view"] = view
        await interaction.response.send_message(**kwargs)

    async def turn_page(self, interaction: discord.Interaction, page: int) -> None:
        embed, view = await self._waiting(self._guild_id(interaction), page)
        await interaction.response.edit_message(embed=embed, view=view,
                                                allowed_mentions=NO_MENTIONS)

    @review.command(name="show")
    @app_commands.describe(review="The waiting review (type to search by title; see "
                                  "/review list)")
    async def show(self, interaction: discord.Interaction, review: WaitingChoice) -> None:
        """Show a waiting review again in the review channel (when its message is gone)"""
        found = await self.service.waiting(review, self._guild_id(interaction))
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            record, posted = await self.show_again(found)
        except discord.HTTPException as exc:
            if isinstance(exc, discord.NotFound) and exc.code == 10003:
                raise ReviewRefused(
                    "The review channel no longer exists: choose another with `/config review "
                    "channel:`, then show the review again.") from exc
            raise ReviewRefused(
                f"Discord refused to post it in the review channel ({exc.status}: "
                f"{exc.text or 'no reason given'}). Check my permissions there (`python -m bot "
                "doctor` lists them), then try again.") from exc
        assert record.review_channel_id is not None
        link = channel_link(record.guild_id, record.review_channel_id,
                            record.review_message_id)
        if posted:
            await reply(interaction, f"Posted again in <#{record.review_channel_id}>: {link}. "
                                     "Approve, edit or reject it there.")
        else:
            await reply(interaction, f"It is shown in <#{record.review_channel_id}>: {link} "
                                     "(brought up to date; nothing was posted again).")

    # --- clicks -----------------------------------------------------------------------------

    async def on_click(self, interaction: discord.Interaction,
                       control: ReviewControl) -> None:
        await ensure_moderator(interaction, REVIEW_ACTION)
        if control.action == "approve":
            await self._approve(interaction, control)
        elif control.action == "edit":
            await self._open_panel(interaction, control)
        elif control.action in ("whole", "unwhole"):
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self._edit(interaction, control, {})
        else:
            # Checked before the form opens, so nobody types into one that will be refused
            # (a rejection does not depend on the split, so not on its version either).
            await self.service.pending(control.review_id, guild_id=interaction.guild_id,
                                       version=None if control.action == "reject"
                                       else control.version)
            modal = review_form(control)
            await interaction.response.send_modal(modal)
            # Stateless from here on: the submit is read in on_interaction, after a restart too.
            modal.stop()

    async def _open_panel(self, interaction: discord.Interaction,
                          control: ReviewControl) -> None:
        review = await self.service.get(control.review_id, interaction.guild_id)
        if review.record.state != "pending":
            await reply(interaction, review_heading(review))
            return
        if review.version != control.version:
            await reply(interaction, "The split changed since this was shown: use the review "
                                     "message's own buttons.")
            return
        await self._send_panel(interaction, review)

    async def _send_panel(self, interaction: discord.Interaction, review: OpenReview,
                          done: str | None = None) -> None:
        kwargs: dict[str, Any] = {"embeds": _embeds([edit_panel(review)]), "ephemeral": True,
                                  "allowed_mentions": NO_MENTIONS}
        view = panel_view(review)
        if view is not None:
            kwargs["view"] = view
        if done is not None:
            kwargs["content"] = f"{done} The review message shows the result; approve there."
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)

    async def _edit(self, interaction: discord.Interaction, control: ReviewControl,
                    values: dict[str, str]) -> None:
        change, done = draft_change(control.action, values)
        review = await self.service.edit(control.review_id, control.version, change,
                                         guild_id=interaction.guild_id)
        await self.refresh(review)
        await self._send_panel(interaction, review, done)

    async def _approve(self, interaction: discord.Interaction, control: ReviewControl) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        review, piece = await self.service.approve(
            control.review_id, control.version, interaction.user.id,
            guild_id=interaction.guild_id)
        await self.refresh(review, "Posting it now …")
        if piece.state == "published":
            result = PublishResult(piece.id, "skipped", "already posted", piece)
        else:
            result = await self.bot.publisher.publish(piece.id)
        outcome = self._outcome(result)
        await self.refresh(review, outcome, shown="posted" if result.ok else None)
        await reply(interaction, f"Approved. {outcome}")

    def _outcome(self, result: PublishResult) -> str:
        piece = result.piece
        if result.ok and piece is not None:
            where = channel_link(piece.guild_id, piece.channel_id, piece.message_id)
            return f"Posted in <#{piece.channel_id}>: {where}"
        if result.outcome == "busy":
            return "Being posted right now."
        return (f"Not posted yet: {result.detail}. The piece is kept and retried every "
                f"{self.bot.pace.retry_minutes:g} minutes; nothing is posted twice.")

    async def _reject(self, interaction: discord.Interaction, control: ReviewControl,
                      values: dict[str, str]) -> None:
        review = await self.service.reject(control.review_id, control.version,
                                           interaction.user.id, values.get("reason"),
                                           guild_id=interaction.guild_id)
        await self.refresh(review)
        await reply(interaction, "Rejected: it will not be posted. The decision is in the "
                                 "moderation log.")

    async def refresh(self, review: OpenReview, note: str | None = None, *,
                      shown: str | None = None) -> bool:
        """Show the review's current state on its message (buttons only while it waits) and
        record what it shows (``shown``: ``posted`` once its piece is out; by default the
        review's state). ``False`` if Discord refused: the review loop redraws it later."""
        return await self._show(review, note, shown=shown) == "shown"

    async def _show(self, review: OpenReview, note: str | None = None, *,
                    shown: str | None = None) -> Shown:
        """:meth:`refresh`, telling a message that is gone (deleted, or its channel) from
        another refusal."""
        record = review.record
        if record.review_channel_id is None or record.review_message_id is None:
            return "refused"
        message = self.bot.get_partial_messageable(
            record.review_channel_id).get_partial_message(record.review_message_id)
        content = review_heading(review) + (f"\n{note}" if note else "")
        try:
            await message.edit(content=content, embeds=_embeds(preview_embeds(review)),
                               view=review_view(review) if record.state == "pending" else None,
                               allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            if _is_gone(exc):
                log.info("review %s: its message %s is gone", record.id,
                         record.review_message_id)
                return "gone"
            log.warning("could not update review message %s (redrawn later): %s",
                        record.review_message_id, exc)
            return "refused"
        await self.bot.store.record_review_shown(record.id, shown or record.state,
                                                 record.version)
        return "shown"

    async def redraw(self) -> int:
        """Bring every review message that shows less than what happened up to date: an
        edit or a decision whose message edit failed, a bot stopped in between, a piece
        approved and posted since (by the retry loop, say). How many were redrawn."""
        async with self._redrawing:
            return await self._redraw()

    async def _redraw(self) -> int:
        redrawn = 0
        for record in await self.bot.store.reviews_to_redraw():
            note: str | None = None
            shown: str = record.state
            if record.state == "approved" and record.piece_id is not None:
                piece = await self.bot.store.get_piece(record.piece_id)
                if piece is not None and piece.state == "published":
                    note, shown = self._outcome(PublishResult(
                        piece.id, "published", "", piece)), "posted"
            outcome = await self._show(open_review(record), note, shown=shown)
            if outcome == "gone":
                outcome = await self._gone(record, shown)
            redrawn += outcome == "shown"
        return redrawn

    async def _gone(self, record: ReviewRecord, shown: str) -> Shown:
        """A review message the loop found deleted (or its channel) when it edited it.

        Still waiting: posted again in the review channel, once (recorded in its place, so
        the next round edits the new one); until that works it is tried each round, as a
        message never posted is. Decided: nothing waits on it any more, so there is nothing
        to show again; what it would have shown is recorded, so it is not tried every round
        (the decision is in the record and the moderation log)."""
        if record.state != "pending":
            await self.bot.store.record_review_shown(record.id, shown, record.version)
            return "refused"
        if not self.bot.shard_plan.owns(record.guild_id):
            return "refused"  # the process holding that guild's shard posts it
        try:
            await self.show_again(open_review(record), gone=True)
        except (ReviewRefused, discord.HTTPException) as exc:
            log.warning("review %s: its message is gone and it could not be posted again "
                        "(tried again later): %s", record.id, exc)
            return "refused"
        return "shown"

    # --- forms ------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type != discord.InteractionType.modal_submit:
            return
        data = cast("dict[str, Any]", interaction.data)
        control = parse_review_control(str(data.get("custom_id", "")))
        if control is None:
            return
        try:
            await ensure_moderator(interaction, REVIEW_ACTION)
            await interaction.response.defer(ephemeral=True, thinking=True)
            values = submitted_values(data)
            if control.action == "reject":
                await self._reject(interaction, control, values)
            else:
                await self._edit(interaction, control, values)
        except Exception as exc:
            await answer_error(interaction, exc)


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Review(bot))
