"""The publisher's :class:`~bot.publishing.DiscordPort`, implemented with discord.py.

Payloads arrive ready-made from :mod:`bot.publishing.payloads`; this module only copies them
into discord.py calls, reads the bot's cache, and turns Discord's refusals into the port's
errors so the publisher can record them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, TypeVar

import aiohttp
import discord

from bot.embeds import FORUM_TAG_NAME_LIMIT
from bot.publishing import ChannelGone, MissingPermissions, PortError, TransientError
from bot.publishing.payloads import OpeningChunk, PieceCard
from bot.publishing.port import ChannelKind, ForumPost, PostedMessage, required_permissions
from cogs.utils.controls import argument_view
from cogs.utils.replies import NO_MENTIONS

log = logging.getLogger(__name__)

T = TypeVar("T")
# Forum posts and text-channel threads archive after a week without messages.
ARCHIVE_MINUTES: Final = 10080
MAX_FORUM_TAGS = 20
# Where moderators are likely to read, when the guild has no public-updates channel.
_MOD_CHANNEL_HINTS = ("mod", "staff", "admin")


class DiscordAdapter:
    """Implements ``DiscordPort`` over a connected discord.py client."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    # --- cache ------------------------------------------------------------------------------

    def _channel(self, channel_id: int) -> Any:
        return self.client.get_channel(channel_id)

    def _me(self, channel: Any) -> discord.Member | None:
        guild = getattr(channel, "guild", None)
        return guild.me if guild is not None else None

    async def channel_kind(self, channel_id: int) -> ChannelKind:
        channel = self._channel(channel_id)
        if channel is None:
            return "missing"
        if isinstance(channel, discord.ForumChannel):
            return "forum"
        if isinstance(channel, discord.TextChannel):
            return "text"
        return "other"

    async def missing_permissions(self, channel_id: int, names: Sequence[str]) -> list[str]:
        channel = self._channel(channel_id)
        me = self._me(channel)
        if channel is None or me is None:
            return list(names)
        granted = channel.permissions_for(me)
        return [name for name in names if not getattr(granted, name)]

    async def _call(self, channel_id: int, call: Callable[[], Awaitable[T]]) -> T:
        """Run one Discord call, translating its failures into the port's errors."""
        try:
            return await call()
        except discord.Forbidden as exc:
            kind = await self.channel_kind(channel_id)
            missing = await self.missing_permissions(channel_id, required_permissions(kind))
            raise MissingPermissions(
                missing, "" if missing else f"Discord refused: {exc.text or 'Missing Permissions'}"
            ) from exc
        except discord.NotFound as exc:
            raise ChannelGone(f"Discord no longer knows that channel or message ({exc.text})") \
                from exc
        except discord.DiscordServerError as exc:
            raise TransientError(f"Discord is failing ({exc.status})") from exc
        except discord.RateLimited as exc:
            raise TransientError(f"rate limited for {exc.retry_after:.0f}s") from exc
        except discord.HTTPException as exc:
            if exc.status == 429:
                # discord.py gives up after five 429s in a row: a storm, not a refusal.
                raise TransientError("Discord kept rate limiting the bot") from exc
            raise PortError(f"Discord rejected the request ({exc.status}: {exc.text})") from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"cannot reach Discord ({exc!r})") from exc

    # --- the card ---------------------------------------------------------------------------

    @staticmethod
    def _embed(card: PieceCard) -> discord.Embed:
        return discord.Embed.from_dict(card.to_dict())

    async def send_piece_card(self, channel_id: int, card: PieceCard, nonce: str) -> int:
        channel = self.client.get_partial_messageable(channel_id)
        message = await self._call(channel_id, lambda: channel.send(
            embed=self._embed(card), nonce=nonce, allowed_mentions=NO_MENTIONS))
        return message.id

    async def edit_piece_card(self, channel_id: int, message_id: int, card: PieceCard) -> None:
        message = self.client.get_partial_messageable(channel_id).get_partial_message(message_id)
        await self._call(channel_id, lambda: message.edit(
            embed=self._embed(card), allowed_mentions=NO_MENTIONS))

    async def send_role_ping(self, channel_id: int, text: str, role_id: int, nonce: str,
                             reply_to: int | None = None) -> int:
        # The one message publishing sends that may mention anyone: that role, and only it.
        mentions = discord.AllowedMentions(everyone=False, users=False, replied_user=False,
                                           roles=[discord.Object(role_id)])
        channel = self.client.get_partial_messageable(channel_id)
        # discord.py takes no reference as "no reference" (None is refused by its types).
        extra: dict[str, Any] = {} if reply_to is None else {"reference": discord.MessageReference(
            message_id=reply_to, channel_id=channel_id, fail_if_not_exists=False)}
        message = await self._call(channel_id, lambda: channel.send(
            text, nonce=nonce, allowed_mentions=mentions, **extra))
        return message.id

    # --- threads ----------------------------------------------------------------------------

    async def create_thread(self, channel_id: int, name: str) -> int:
        channel = self._channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise ChannelGone("the channel is no longer a text channel")
        thread = await self._call(channel_id, lambda: channel.create_thread(
            name=name, type=discord.ChannelType.public_thread,
            auto_archive_duration=ARCHIVE_MINUTES))
        return thread.id

    async def create_forum_post(
        self, channel_id: int, name: str, first: OpeningChunk, tag_id: int | None
    ) -> ForumPost:
        forum = self._channel(channel_id)
        if not isinstance(forum, discord.ForumChannel):
            raise ChannelGone("the channel is no longer a forum")
        # A tag created a moment ago may not be in the cache until CHANNEL_UPDATE arrives;
        # only its id goes on the wire.
        tags: list[Any] = [] if tag_id is None else [forum.get_tag(tag_id)
                                                      or discord.Object(tag_id)]
        # Without controls, no view at all: a forum post refuses None.
        view = (argument_view(first.controls) if first.controls is not None
                else discord.utils.MISSING)
        created = await self._call(channel_id, lambda: forum.create_thread(
            name=name, content=first.content, applied_tags=tags,
            auto_archive_duration=ARCHIVE_MINUTES, allowed_mentions=NO_MENTIONS, view=view))
        return ForumPost(created.thread.id, created.message.id)

    async def find_thread(self, channel_id: int, name: str) -> int | None:
        # Active threads reach the cache through GUILD_CREATE and THREAD_CREATE, so a thread
        # the previous process created is known here without a request.
        channel = self._channel(channel_id)
        guild = getattr(channel, "guild", None)
        if guild is None or self.client.user is None:
            return None
        for thread in guild.threads:
            if (thread.parent_id == channel_id and thread.owner_id == self.client.user.id
                    and thread.name == name):
                return thread.id
        return None

    async def send_opening(self, thread_id: int, chunk: OpeningChunk) -> int:
        thread = self.client.get_partial_messageable(thread_id)
        extra: dict[str, Any] = {}
        if chunk.controls is not None:
            extra["view"] = argument_view(chunk.controls)
        message = await self._call(thread_id, lambda: thread.send(
            chunk.content, nonce=chunk.nonce, allowed_mentions=NO_MENTIONS, **extra))
        return message.id

    async def own_messages(self, channel_id: int, limit: int = 50) -> list[PostedMessage]:
        channel = self._channel(channel_id) or self.client.get_partial_messageable(channel_id)
        me = self.client.user
        found: list[PostedMessage] = []

        async def read() -> None:
            async for message in channel.history(limit=limit):
                if me is not None and message.author.id == me.id and message.type in (
                        discord.MessageType.default, discord.MessageType.reply):
                    urls = tuple(e.url for e in message.embeds if e.url)
                    found.append(PostedMessage(message.id, message.content, urls))

        try:
            await self._call(channel_id, read)
        except MissingPermissions:
            # Without Read Message History only nonces guard against doubles.
            return []
        found.reverse()
        return found

    async def ensure_forum_tag(self, channel_id: int, name: str) -> int | None:
        forum = self._channel(channel_id)
        if not isinstance(forum, discord.ForumChannel):
            return None
        name = name[:FORUM_TAG_NAME_LIMIT]
        existing = next((t for t in forum.available_tags if t.name == name), None)
        if existing is not None:
            return existing.id
        me = self._me(forum)
        if (me is None or not forum.permissions_for(me).manage_channels
                or len(forum.available_tags) >= MAX_FORUM_TAGS):
            return None
        tags = [*forum.available_tags, discord.ForumTag(name=name)]
        try:
            edited = await forum.edit(available_tags=tags)
        except discord.HTTPException as exc:
            log.info("could not add forum tag %r in %s: %s", name, channel_id, exc)
            return None
        source = edited if isinstance(edited, discord.ForumChannel) else forum
        created = next((t for t in source.available_tags if t.name == name), None)
        return created.id if created is not None else None

    # --- moderators -------------------------------------------------------------------------

    def _notice_channel(self, guild: discord.Guild, channel_id: int,
                        chosen: int | None = None) -> Any:
        me = guild.me

        def can_send(channel: Any) -> bool:
            if channel is None or me is None:
                return False
            granted = channel.permissions_for(me)
            return bool(granted.view_channel and granted.send_messages)

        candidates: list[Any] = [guild.get_channel(chosen) if chosen is not None else None,
                                 guild.public_updates_channel, guild.system_channel]
        candidates += [c for c in guild.text_channels
                       if any(h in c.name.lower() for h in _MOD_CHANNEL_HINTS)]
        candidates += [guild.get_channel(channel_id), *guild.text_channels]
        return next((c for c in candidates
                     if isinstance(c, discord.TextChannel) and can_send(c)), None)

    async def moderators_channel(self, guild_id: int) -> int | None:
        """The channel the guild's moderators chose for the bot's notices
        (``/config moderators-channel``), if any."""
        store = getattr(self.client, "store", None)
        if store is None:
            return None
        settings = await store.get_guild_settings(guild_id)
        channel_id: int | None = settings.moderators_channel_id
        return channel_id

    async def notify_moderators(self, guild_id: int, channel_id: int, text: str) -> bool:
        """Tell the guild's moderators: in their configured channel when the bot can post
        there, otherwise where they are likely to read (see ``_notice_channel``)."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return False
        chosen = await self.moderators_channel(guild_id)
        channel = self._notice_channel(guild, channel_id, chosen)
        if channel is None:
            return False
        await self._call(channel.id, lambda: channel.send(
            f"⚠️ **Counterpoint needs a moderator**\n{text}", allowed_mentions=NO_MENTIONS))
        return True
