"""``python -m tests.e2e.child``: ``python -m bot run`` in a process of its own, on a test's
emulator.

The test process runs the emulator; this process points discord.py at it and runs the real
command line, ``main(["run"])``: settings come from the environment as they would in
production, and the process opens the database, resumes, publishes and handles signals exactly
as ``run`` does. So a test can kill it for real (``SIGKILL`` runs no ``finally``) or stop it as a
process manager would (``SIGTERM``, ``SIGINT``).

Environment, besides the bot's own settings (``DISCORD_TOKEN``, ``COUNTERPOINT_DATABASE_URL``):

- ``COUNTERPOINT_TEST_REST``, ``COUNTERPOINT_TEST_GATEWAY``: the emulator's addresses;
- ``COUNTERPOINT_TEST_LEASE_SECONDS``: the publishing lease (and the claim on the shards),
  when a test needs a lease that runs out quickly;
- ``COUNTERPOINT_TEST_SHARD_LEASE_SECONDS``, ``COUNTERPOINT_TEST_POLL_SECONDS``: the claim
  on the process's shards and the feed loop's period, when a test needs them short;
- ``COUNTERPOINT_TEST_SPACE``: run as if on another host, whose processes no other can look
  up (the PID namespace a lease owner names), so only the lease's expiry frees its pieces.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import bot.client
import bot.liveness
from bot.__main__ import main
from bot.config import Settings
from bot.emulator import DiscordPyPointer
from bot.store import Store

_create_bot = bot.client.create_bot


def _create_test_bot(settings: Settings, store: Store | None = None,
                     **options: Any) -> bot.client.CounterpointBot:
    # discord.py waits this long after the last GUILD_CREATE before it calls itself ready.
    options.setdefault("guild_ready_timeout", 0.05)
    lease = os.environ.get("COUNTERPOINT_TEST_LEASE_SECONDS")
    if lease:
        # The process's claim on its shards too: a restart "on another host" waits it out.
        options.setdefault("publish_lease_seconds", float(lease))
        options.setdefault("shard_lease_seconds", float(lease))
    for variable, option in (("COUNTERPOINT_TEST_SHARD_LEASE_SECONDS", "shard_lease_seconds"),
                             ("COUNTERPOINT_TEST_POLL_SECONDS", "poll_seconds")):
        if os.environ.get(variable):
            options.setdefault(option, float(os.environ[variable]))
    return _create_bot(settings, store, **options)


def run() -> int:
    DiscordPyPointer(os.environ["COUNTERPOINT_TEST_REST"], os.environ["COUNTERPOINT_TEST_GATEWAY"])
    bot.client.create_bot = _create_test_bot
    space = os.environ.get("COUNTERPOINT_TEST_SPACE")
    if space:
        bot.liveness._space = lambda: space  # type: ignore[attr-defined]
    # ``run`` unless the test names another command (``doctor``, say).
    return main(sys.argv[1:] or ["run"])


if __name__ == "__main__":
    sys.exit(run())
