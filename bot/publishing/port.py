"""The publisher's view of Discord: a small Protocol the discord.py adapter implements.

Keeping Discord behind this port lets the publishing state machine be tested with a fake that
crashes after any step, on both store backends, without a gateway or an emulator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.publishing.payloads import OpeningChunk, PieceCard

ChannelKind = Literal["text", "forum", "other", "missing"]

# Permission names as discord.py spells them on ``discord.Permissions``.
TEXT_PERMISSIONS: tuple[str, ...] = (
    "view_channel", "send_messages", "embed_links", "create_public_threads",
    "send_messages_in_threads",
)
# In a forum, Send Messages is "Create Posts"; posts carry no embed.
FORUM_PERMISSIONS: tuple[str, ...] = (
    "view_channel", "send_messages", "send_messages_in_threads",
)
PERMISSION_LABELS: dict[str, str] = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "read_message_history": "Read Message History",
    "manage_channels": "Manage Channels",
}


def required_permissions(kind: ChannelKind) -> tuple[str, ...]:
    return FORUM_PERMISSIONS if kind == "forum" else TEXT_PERMISSIONS


class PortError(Exception):
    """Discord refused or failed a call; subclasses say whether retrying later can help."""


class MissingPermissions(PortError):
    """The bot lacks permissions in the channel (Discord 50013 / 50001)."""

    def __init__(self, missing: Sequence[str] = (), detail: str = "") -> None:
        self.missing = tuple(missing)
        names = ", ".join(PERMISSION_LABELS.get(m, m) for m in self.missing)
        super().__init__(detail or (f"missing permissions: {names}" if names
                                    else "missing permissions"))


class ChannelGone(PortError):
    """The channel or thread no longer exists (Discord 10003), or is not one the bot can use."""


class TransientError(PortError):
    """Discord failed (5xx after discord.py's retries, network): try again later."""


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A message the bot already sent in a channel, as seen when reconciling after a crash."""

    id: int
    content: str
    embed_urls: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ForumPost:
    thread_id: int
    message_id: int


class DiscordPort(Protocol):
    """Everything publishing needs from Discord. Every call raises :class:`PortError`
    subclasses for Discord's refusals; anything else is a bug or a crash."""

    async def channel_kind(self, channel_id: int) -> ChannelKind:
        """What the channel is, from the bot's cache (no request)."""
        ...

    async def missing_permissions(self, channel_id: int, names: Sequence[str]) -> list[str]:
        """Which of ``names`` the bot lacks in the channel, from the cache."""
        ...

    async def send_piece_card(self, channel_id: int, card: PieceCard, nonce: str) -> int:
        """Post the card; returns the message id. Sent with ``nonce`` and enforce_nonce, so a
        repeat within Discord's window returns the first message instead of a new one."""
        ...

    async def edit_piece_card(self, channel_id: int, message_id: int, card: PieceCard) -> None:
        ...

    async def send_role_ping(self, channel_id: int, text: str, role_id: int, nonce: str,
                             reply_to: int | None = None) -> int:
        """Send ``text``, pinging ``role_id`` and nobody else, as a reply to ``reply_to`` if
        given (with ``nonce``, like the card); returns the message id."""
        ...

    async def create_thread(self, channel_id: int, name: str) -> int:
        """A public thread without a starter message in a text channel; returns its id."""
        ...

    async def create_forum_post(
        self, channel_id: int, name: str, first: OpeningChunk, tag_id: int | None
    ) -> ForumPost:
        """A forum post whose first message is ``first`` (controls included if it has them)."""
        ...

    async def find_thread(self, channel_id: int, name: str) -> int | None:
        """An active thread in the channel created by the bot with exactly this name."""
        ...

    async def send_opening(self, thread_id: int, chunk: OpeningChunk) -> int:
        """Send one chunk of an opening (with its nonce; controls if it has them)."""
        ...

    async def own_messages(self, channel_id: int, limit: int = 50) -> list[PostedMessage]:
        """The bot's own recent messages in the channel, oldest first ([] if unreadable)."""
        ...

    async def ensure_forum_tag(self, channel_id: int, name: str) -> int | None:
        """The id of the forum's tag called ``name``, created if there is room and the bot
        may manage the channel; ``None`` otherwise (posts then go untagged)."""
        ...

    async def notify_moderators(self, guild_id: int, channel_id: int, text: str) -> bool:
        """Tell the guild's moderators about a problem; ``False`` if nowhere to say it."""
        ...
