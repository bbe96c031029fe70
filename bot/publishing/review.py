"""Review before posting, over the store: opening, editing and deciding a held piece, and the
preview a moderator sees (exactly the card and the threads the publisher would post).

No ``discord`` here: the review cog turns these results into messages and buttons. Approval
queues the piece in the store (``pending``) and the caller publishes it with
:meth:`bot.publishing.Publisher.publish`, the same crash-resumable path as every piece: if the
bot stops in between, the next start publishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.articles.model import Piece
from bot.debate.review import (
    REMIND_AFTER_SECONDS,
    Draft,
    ReviewEditError,
    effective_mode,
    final_piece,
    piece_from_json,
)
from bot.embeds import (
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_TOTAL_LIMIT,
    EmbedField,
    EmbedSpec,
)
from bot.errors import UserFacingError
from bot.publishing.payloads import build_card, channel_link, fit, thread_name
from bot.redact import redact_url
from bot.store import (
    ArgumentRecord,
    Conflict,
    GuildSettings,
    InvalidTransition,
    NotFound,
    PieceRecord,
    ReviewRecord,
    Store,
    Subscription,
)
from bot.store.records import ReviewMode
from bot.text import shorten

#: Colour of the preview's thread list (the card keeps its own).
THREADS_COLOR = 0x9CA3AF
#: Room left in a message's embeds for the threads' list after the card (titles, margins).
_SLACK = 200
#: Waiting reviews on a page of ``/review list`` (each line at most about 600 characters, so
#: a page stays within an embed's 4,096-character description).
WAITING_PAGE_SIZE = 6
#: Discord's limits on autocomplete: 25 choices, 100 characters each.
_CHOICES = 25
_CHOICE_LABEL = 100


class ReviewRefused(UserFacingError):
    """A review action that cannot be taken (decided already, changed meanwhile, gone)."""


@dataclass(frozen=True, slots=True)
class OpenReview:
    """A review with its piece and draft decoded: what the cog shows and edits."""

    record: ReviewRecord
    piece: Piece
    draft: Draft

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def version(self) -> int:
        return self.record.version

    def final(self) -> Piece:
        return final_piece(self.piece, self.draft)


@dataclass(frozen=True, slots=True)
class FeedReview:
    """A feed's review setting after a change: its own mode, and the one in effect."""

    subscription: Subscription
    settings: GuildSettings
    effective: ReviewMode


@dataclass(frozen=True, slots=True)
class Waiting:
    """A review waiting for a moderator, with the name of the feed that held it (``None``:
    the feed was removed since)."""

    review: OpenReview
    feed: str | None


@dataclass(frozen=True, slots=True)
class WaitingPage:
    """One page (``page`` of ``pages``, from 1) of a server's waiting reviews, oldest first;
    ``total`` in all."""

    entries: tuple[Waiting, ...]
    page: int
    pages: int
    total: int


def open_review(record: ReviewRecord) -> OpenReview:
    return OpenReview(record, piece_from_json(record.piece), Draft.from_json(record.draft))


def review_channel(settings: GuildSettings) -> int | None:
    """Where a guild's pieces wait for review: the review channel, else the moderators'
    channel (where the bot tells moderators everything else); ``None``: nowhere, so review
    cannot be on."""
    if settings.review_channel_id is not None:
        return settings.review_channel_id
    return settings.moderators_channel_id


class ReviewService:
    """Open, edit, approve and reject held pieces; find the reviews owed a reminder."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def get(self, review_id: int, guild_id: int | None = None) -> OpenReview:
        record = await self.store.get_review(review_id)
        if record is None or (guild_id is not None and record.guild_id != guild_id):
            raise ReviewRefused("That review no longer exists.")
        return open_review(record)

    async def pending(self, review_id: int, *, guild_id: int | None = None,
                      version: int | None = None) -> OpenReview:
        """The review, still waiting and (given ``version``) as the moderator saw it;
        otherwise :class:`ReviewRefused` saying what happened."""
        return await self._pending(review_id, version, guild_id)

    async def _pending(self, review_id: int, version: int | None,
                       guild_id: int | None) -> OpenReview:
        review = await self.get(review_id, guild_id)
        if review.record.state != "pending":
            raise ReviewRefused(_decided(review.record))
        if version is not None and review.version != version:
            raise ReviewRefused(
                "The split changed since this was shown (another moderator edited it): look "
                "at the review message again, then use its buttons.")
        return review

    async def edit(self, review_id: int, version: int, change: Callable[[Draft], Draft], *,
                   guild_id: int | None = None) -> OpenReview:
        """Apply one edit (a :class:`Draft` method) to the draft seen at ``version``; raises
        :class:`ReviewEditError` / :class:`ReviewRefused` with the moderator's message."""
        review = await self._pending(review_id, version, guild_id)
        draft = change(review.draft)
        try:
            saved = await self.store.save_review_draft(review.id, draft.to_json(), version)
        except Conflict:
            raise ReviewRefused("Another moderator edited the split at the same moment: look "
                                "at the review message again and redo your edit.") from None
        except InvalidTransition:
            raise ReviewRefused(_decided(await self._record(review_id))) from None
        return open_review(saved)

    async def approve(self, review_id: int, version: int, actor_id: int, *,
                      guild_id: int | None = None) -> tuple[OpenReview, PieceRecord]:
        """Approve the split seen at ``version``: the piece is queued for its channel (and
        the moderation log says who approved it). Publish the returned piece next."""
        review = await self._pending(review_id, version, guild_id)
        try:
            record, piece = await self.store.approve_review(review.id, actor_id, review.final())
        except InvalidTransition:
            raise ReviewRefused(_decided(await self._record(review_id))) from None
        await self.store.log_moderation(
            record.guild_id, actor_id, "review.approve", target=f"review:{record.id}",
            details=f"{_shape(review)} {record.url}", piece_id=piece.id)
        return open_review(record), piece

    async def reject(self, review_id: int, version: int, actor_id: int, reason: str | None,
                     *, guild_id: int | None = None) -> OpenReview:
        """Reject: never posted; the decision and its reason are kept and logged."""
        review = await self.get(review_id, guild_id)
        if review.record.state != "pending":
            raise ReviewRefused(_decided(review.record))
        note = " ".join(reason.split()) if reason and reason.strip() else None
        try:
            record = await self.store.reject_review(review.id, actor_id, note)
        except InvalidTransition:
            raise ReviewRefused(_decided(await self._record(review_id))) from None
        await self.store.log_moderation(
            record.guild_id, actor_id, "review.reject", target=f"review:{record.id}",
            details=f"{record.url}" + (f" reason: {note}" if note else ""))
        return open_review(record)

    async def set_feed_mode(self, guild_id: int, subscription_id: int,
                            mode: ReviewMode | None) -> FeedReview:
        """A feed's own review mode (``None``: the server's default). Refused when it would
        turn review on in a server with no review channel."""
        sub = await self.store.get_subscription(subscription_id)
        if sub is None or sub.guild_id != guild_id:
            raise ReviewRefused("Pick a feed from the list that appears as you type (or see "
                                "`/feed list`).")
        settings = await self.store.get_guild_settings(guild_id)
        effective = effective_mode(mode, settings.review_mode)
        if effective != "off" and review_channel(settings) is None:
            raise ReviewRefused("Review needs a channel where pieces wait for the moderators: "
                                "set one first with `/config review channel:`.")
        sub = await self.store.set_subscription_review_mode(sub.id, mode)
        return FeedReview(sub, settings, effective)

    async def waiting_page(self, guild_id: int, page: int = 1) -> WaitingPage:
        """A page of the guild's waiting reviews, oldest first (a page past the last is the
        last: reviews decided meanwhile shorten the list)."""
        records = await self.store.list_reviews(guild_id=guild_id, states=["pending"])
        size = WAITING_PAGE_SIZE
        pages = max(1, -(-len(records) // size))
        page = min(max(page, 1), pages)
        feeds: dict[int | None, str | None] = {None: None}
        entries = []
        for record in records[(page - 1) * size:page * size]:
            if record.subscription_id not in feeds:
                feeds[record.subscription_id] = await self._feed_name(record.subscription_id)
            entries.append(Waiting(open_review(record), feeds[record.subscription_id]))
        return WaitingPage(tuple(entries), page, pages, len(records))

    async def _feed_name(self, subscription_id: int | None) -> str | None:
        sub = None if subscription_id is None else await self.store.get_subscription(
            subscription_id)
        feed = None if sub is None else await self.store.get_feed(sub.feed_id)
        return None if feed is None else feed.title or redact_url(feed.url)

    async def waiting_choices(self, guild_id: int, typed: str) -> list[tuple[str, int]]:
        """Up to 25 ``(label, review id)`` of the guild's waiting reviews whose title, URL or
        number contains ``typed``, oldest first: what ``/review show`` offers."""
        needle = typed.strip().lstrip("#").casefold()
        choices: list[tuple[str, int]] = []
        for record in await self.store.list_reviews(guild_id=guild_id, states=["pending"]):
            title = piece_from_json(record.piece).title or redact_url(record.url)
            if needle and not any(needle in text.casefold()
                                  for text in (title, record.url, str(record.id))):
                continue
            choices.append((shorten(f"#{record.id} {title}", _CHOICE_LABEL), record.id))
            if len(choices) >= _CHOICES:
                break
        return choices

    async def waiting(self, review_id: int, guild_id: int) -> OpenReview:
        """The guild's review ``review_id``, still waiting; otherwise :class:`ReviewRefused`
        saying what became of it (or that this server has no such review)."""
        record = await self.store.get_review(review_id)
        if record is None or record.guild_id != guild_id:
            raise ReviewRefused(f"This server has no review #{review_id}. Pick one from the "
                                "list that appears as you type (or see `/review list`).")
        if record.state != "pending":
            raise ReviewRefused(_decided(record))
        return open_review(record)

    async def owed_messages(self) -> list[OpenReview]:
        """Pending reviews whose message is not posted yet (new, or a post that failed)."""
        return [open_review(r) for r in await self.store.list_reviews(
            states=["pending"], unposted=True)]

    async def due_reminders(self, now: datetime | None = None) -> list[OpenReview]:
        """Pending reviews shown a day ago or more and never reminded."""
        moment = now or datetime.now(UTC)
        return [open_review(r) for r in await self.store.reviews_to_remind(
            moment - timedelta(seconds=REMIND_AFTER_SECONDS))]

    async def _record(self, review_id: int) -> ReviewRecord:
        record = await self.store.get_review(review_id)
        if record is None:
            raise NotFound(f"no review {review_id}")
        return record


def _decided(record: ReviewRecord) -> str:
    who = f" by <@{record.decided_by}>" if record.decided_by is not None else ""
    return f"This piece was already {record.state}{who}."


def _shape(review: OpenReview) -> str:
    final = review.final()
    if len(final.arguments) == 1 and (review.draft.whole_piece or not review.draft.arguments):
        return "as one thread"
    return f"with {len(final.arguments)} threads"


# --- the preview ----------------------------------------------------------------------------


def preview_records(review: OpenReview) -> tuple[PieceRecord, list[ArgumentRecord]]:
    """The piece and its arguments as the publisher will store them, not yet posted (ids 0)."""
    record = review.record
    final = review.final()
    piece = PieceRecord(
        id=0, guild_id=record.guild_id, channel_id=record.channel_id,
        subscription_id=record.subscription_id, url=record.url, title=final.title,
        author=final.author, outlet=final.outlet, thesis=final.thesis,
        conclusion=final.conclusion, announced_count=final.announced_count, state="pending",
        message_id=None, attempts=0, last_error=None, created_at=record.created_at,
        published_at=None)
    arguments = [ArgumentRecord(id=0, piece_id=0, number=a.number, title=a.title,
                                marker=a.marker, text=a.text, anchor_message_id=None,
                                thread_id=None, opening_message_id=None, posted_at=None)
                 for a in final.arguments]
    return piece, arguments


def preview_embeds(review: OpenReview) -> list[EmbedSpec]:
    """The card exactly as it will be posted, then each thread's name and the start of the
    text it opens with, within Discord's 6,000 characters for a message's embeds."""
    piece, arguments = preview_records(review)
    card = build_card(piece, arguments)
    names = [fit(thread_name(a), 256, links=False) for a in arguments]
    title = "Threads it opens" if len(arguments) > 1 else "The one thread it opens"
    room = EMBED_TOTAL_LIMIT - card.length() - len(title) - sum(len(n) for n in names) - _SLACK
    each = min(EMBED_FIELD_VALUE_LIMIT, max(room // max(len(arguments), 1), 0))
    fields = [
        EmbedField(name, fit(a.text.strip() or a.title, each, links=False) if each >= 40
                   else "…")
        for name, a in zip(names, arguments, strict=True)]
    if len(fields) > EMBED_FIELDS_LIMIT:
        more = len(fields) - EMBED_FIELDS_LIMIT + 1
        fields = [*fields[:EMBED_FIELDS_LIMIT - 1],
                  EmbedField(f"… and {more} more threads", "Listed on the card above.")]
    return [card, EmbedSpec(title=title, fields=tuple(fields), color=THREADS_COLOR)]


def review_heading(review: OpenReview) -> str:
    """The review message's text above the preview (no mentions; ids render as names)."""
    record = review.record
    head = (f"📝 **Waiting for review** · to be posted in <#{record.channel_id}>\n"
            f"Why: {record.cause}.\n")
    if record.state == "pending":
        return head + ("**Approve** posts it exactly as previewed below; **Edit split** "
                       "changes the arguments first; **Reject** drops it.")
    when = (f" <t:{int(record.decided_at.timestamp())}:R>"
            if record.decided_at is not None else "")
    if record.state == "approved":
        return (f"✅ **Approved** by <@{record.decided_by}>{when} · to be posted in "
                f"<#{record.channel_id}>")
    reason = f": {fit(record.note, 500, links=False)}" if record.note else ""
    return f"🚫 **Rejected** by <@{record.decided_by}>{when}{reason}"


def waiting_line(entry: Waiting, review_channel_id: int | None) -> str:
    """One waiting review in ``/review list``: its number and title, where it would be posted
    and from which feed, how long it has waited, why, and where its review message is
    (``review_channel_id``: where reviews wait now). Mentions render as names, never ping."""
    review = entry.review
    record = review.record
    title = fit(review.piece.title or redact_url(record.url), 120, links=False)
    feed = (f" from **{fit(entry.feed, 80, links=False)}**" if entry.feed is not None
            else "")
    since = int(record.created_at.timestamp())
    if record.review_channel_id is None or record.review_message_id is None:
        shown = "⚠️ not shown yet (no review channel, or Discord refused the message)"
    else:
        link = channel_link(record.guild_id, record.review_channel_id,
                            record.review_message_id)
        shown = f"[review message]({link})"
        if record.review_channel_id != review_channel_id:
            shown += (f" in <#{record.review_channel_id}>, which is not the review channel "
                      "now")
    return (f"**#{record.id} · {title}**\n"
            f"For <#{record.channel_id}>{feed} · waiting since <t:{since}:R>\n"
            f"Why: {fit(record.cause, 120, links=False)} · {shown}")


def edit_panel(review: OpenReview) -> EmbedSpec:
    """The split for a moderator editing it: each argument's number, title and paragraphs
    (numbered, for Split), and how the piece is posted now."""
    draft = review.draft
    lines: list[str] = []
    if draft.whole_piece:
        lines.append("Posted now as **one thread for the whole piece** (no enumeration). "
                     "**Use the split** posts the arguments below instead.\n")
    budget = 3800
    for number, argument in enumerate(draft.arguments, start=1):
        paragraphs = argument.paragraphs()
        head = f"**{number}. {fit(argument.title, 120, links=False)}**"
        starts = " ".join(f"¶{i} {fit(p, 60, links=False)}"
                          for i, p in enumerate(paragraphs, start=1))
        line = f"{head} · {len(paragraphs)} ¶\n{starts}"
        if len(line) > budget:
            line = head
        if len(line) > budget:
            break
        budget -= len(line) + 1
        lines.append(line)
    if not draft.arguments:
        lines.append("The splitter found no arguments: the piece is one thread.")
    return EmbedSpec(title="Edit the split", description="\n".join(lines),
                     footer="Each change updates the review message; approve there.",
                     color=THREADS_COLOR)


__all__ = [
    "WAITING_PAGE_SIZE",
    "FeedReview",
    "OpenReview",
    "ReviewEditError",
    "ReviewRefused",
    "ReviewService",
    "Waiting",
    "WaitingPage",
    "edit_panel",
    "open_review",
    "preview_embeds",
    "preview_records",
    "review_channel",
    "review_heading",
    "waiting_line",
]
