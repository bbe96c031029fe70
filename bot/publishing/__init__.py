"""Publishing pieces to Discord: payloads, the port to Discord, the resumable publisher.

Nothing here imports ``discord``: the adapter in :mod:`cogs.utils.port` implements
:class:`DiscordPort` with discord.py.
"""

from bot.publishing.payloads import (
    OpeningChunk,
    PieceCard,
    build_card,
    is_whole_piece,
    opening_chunks,
    split_text,
    thread_name,
)
from bot.publishing.port import (
    ChannelGone,
    ChannelKind,
    DiscordPort,
    ForumPost,
    MissingPermissions,
    PortError,
    PostedMessage,
    TransientError,
    required_permissions,
)
from bot.publishing.publisher import RESUMABLE, Publisher, PublishResult
from bot.queueing import THREAD_CONFIDENCE, WHOLE_PIECE_MARKER, is_split_confidently, threadable

__all__ = [
    "RESUMABLE",
    "THREAD_CONFIDENCE",
    "WHOLE_PIECE_MARKER",
    "ChannelGone",
    "ChannelKind",
    "DiscordPort",
    "ForumPost",
    "MissingPermissions",
    "OpeningChunk",
    "PieceCard",
    "PortError",
    "PostedMessage",
    "PublishResult",
    "Publisher",
    "TransientError",
    "build_card",
    "is_split_confidently",
    "is_whole_piece",
    "opening_chunks",
    "required_permissions",
    "split_text",
    "thread_name",
    "threadable",
]
