"""A local Discord API v10 + gateway emulator on 127.0.0.1, for the sandbox and for tests.

Real discord.py talks to it over real HTTP and websockets. See :class:`Emulator` for the
builder, the test API (simulated slash commands, buttons and modals; read-back; waiters) and
the fault switches. Nothing here imports discord.py except ``point_discord_py_here``.

    emu = await Emulator(token="t", rate_limit_scale=0.1).start()
    guild = emu.add_guild("Debate Club")
    general = guild.add_text_channel("general")
    alice = guild.add_member("alice")
    with emu.point_discord_py_here():
        ...  # start the bot with token "t", wait for on_ready
        record = await emu.run_slash_command(alice, general, "feed add", {"url": "https://x"})
        await record.wait_response()
        assert record.message.content == "..."
        await emu.wait_for(lambda: len(emu.threads(general)) == 4)
    await emu.stop()

Modules: ``models`` and ``state`` (the world and its mutations), ``permissions``,
``validation`` and ``errors`` (Discord's rules and error bodies), ``ratelimit``, ``gateway``,
``rest`` (routes and the middleware), ``interactions`` and ``testapi`` (what tests call),
``emulator`` (the server).
"""

from .emulator import DiscordPyPointer, Emulator
from .errors import APIError
from .interactions import InteractionRecord
from .models import Attachment, Channel, ForumTag, Guild, Member, Message, Role, Thread, User
from .ratelimit import BucketRule, EarlyRequest, RateLimiter
from .rest import RequestRecord
from .testapi import Hold

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
    "Hold",
    "InteractionRecord",
    "Member",
    "Message",
    "RateLimiter",
    "RequestRecord",
    "Role",
    "Thread",
    "User",
]
