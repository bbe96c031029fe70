"""A local Discord API v10 + gateway emulator on 127.0.0.1, for the sandbox and for tests.

Real discord.py talks to it over real HTTP and websockets. See :class:`Emulator` for the
builder, the test API (simulated slash commands, buttons and modals; read-back; waiters) and
the fault switches. Nothing here imports discord.py except ``point_discord_py_here``.
"""

from .emulator import DiscordPyPointer, Emulator
from .errors import APIError
from .interactions import InteractionRecord
from .models import Attachment, Channel, ForumTag, Guild, Member, Message, Role, Thread, User
from .ratelimit import BucketRule, EarlyRequest, RateLimiter
from .rest import RequestRecord

__all__ = [
    "APIError",
    "Attachment",
    "BucketRule",
    "Channel",
    "DiscordPyPointer",
    "EarlyRequest",
    "Emulator",
    "ForumTag",
    "Guild",
    "InteractionRecord",
    "Member",
    "Message",
    "RateLimiter",
    "RequestRecord",
    "Role",
    "Thread",
    "User",
]
