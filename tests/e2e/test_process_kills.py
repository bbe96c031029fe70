"""Real crashes: the bot, in a process of its own, is killed with SIGKILL mid-publishing.

No ``finally`` runs in a killed process: its lease on the piece stays in the store, and the
step Discord carried out last never reached the store. The emulator (in this process) holds
the bot at a precise point, Discord having acted and its answer not yet sent; the bot is
killed there, and a new process on the same database must finish the piece, with exactly one
card and one thread (and one opening) per argument, within the dead process's lease expiry
plus 5 seconds: at once when it can see on its own host that the holder is gone, when the
lease runs out when it cannot (the holder ran "on another host").

What is asserted is the mechanism, so a loaded machine cannot fail it: how the restart got
the piece (the holder seen gone, the lease already out at its first pass, or the lease followed
to its end; never the 5-minute retry loop), and when, on the clock of the process that
recorded it (the piece's ``published_at``), against the lease's recorded expiry.

Each crash point runs on both backends (PostgreSQL when COUNTERPOINT_TEST_POSTGRES_URL is
set); the two ways of noticing the dead holder alternate, so each backend and each crash point
meets both. Kill tests cost two process starts each: they are kept to these eight.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from bot.emulator import Emulator
from tests.e2e.processes import PATIENCE, Site
from tests.feedsite import SAMPLES

BIKES = (SAMPLES / "city_bike_lanes.txt").read_text()
#: The lease of a victim "on another host", whose expiry the restart must wait for.
SHORT_LEASE = 3.0
#: What the restart may take beyond that expiry (or beyond connecting, if later).
MARGIN = 5.0


@dataclass(frozen=True)
class CrashPoint:
    """Where the bot is held (Discord has acted, the bot has not heard) and killed."""

    name: str
    route: str
    method: str
    skip: int


# The bike-lanes piece in a text channel: the card (the first message POST), then for each of
# its three arguments a thread, whose opening is sent while the next thread is created, then
# the card edit linking the threads.
CARD = CrashPoint("card", "/channels/{channel_id}/messages", "POST", 0)
THREAD_2 = CrashPoint("thread-2", "/channels/{channel_id}/threads", "POST", 1)
OPENING = CrashPoint("opening", "/channels/{channel_id}/messages", "POST", 1)
CARD_EDIT = CrashPoint("card-edit", "/channels/{channel_id}/messages/{message_id}", "PATCH", 0)

KILLS = [
    pytest.param(backend, point, same_host,
                 marks=[pytest.mark.postgres] if backend == "postgres" else [],
                 id=f"{backend}-{point.name}-{'same-host' if same_host else 'another-host'}")
    for backend, first in (("sqlite", True), ("postgres", False))
    for index, point in enumerate((CARD, THREAD_2, OPENING, CARD_EDIT))
    for same_host in [(index % 2 == 0) == first]
]


@pytest.mark.parametrize(("store_url", "point", "same_host"), KILLS, indirect=["store_url"])
async def test_a_killed_bot_is_finished_by_its_restart_within_the_lease(
    site: Site, store_url: str, point: CrashPoint, same_host: bool
) -> None:
    emu: Emulator = site.emu
    # A victim on another host has a lease that must run out; one on this host keeps the
    # default 30 s, which the restart must not wait for.
    victim = await site.start_bot(store_url, **(
        {} if same_host else {"lease_seconds": SHORT_LEASE, "space": "another-host"}))
    held = emu.hold(point.route, method=point.method, skip=point.skip, applied=True)
    url = site.server.add("bikes.txt", BIKES)
    await emu.run_slash_command(site.admin, site.channel, "piece post",
                                {"url": url, "channel": site.channel})
    await emu.wait_for(lambda: held.waiting, PATIENCE)
    await victim.kill()
    emu.release(point.route)  # its answer goes to a dead process

    left = await site.piece(store_url, site.channel)
    assert left.state == "publishing" and left.lease_owner is not None, left
    assert left.lease_expires_at is not None
    connections = emu.gateway.identifies
    restart = await site.start_bot(store_url, ready=False)
    # When the restart connected: what comes before (starting Python) is the machine's speed.
    # Read here once the emulator has seen it, so a loaded machine only makes this later.
    await emu.wait_for(lambda: emu.gateway.identifies > connections, PATIENCE)
    connected = time.time()
    started = await restart.wait_for_line("started:")
    # Logged once the store has the piece published: what members see may look whole
    # earlier, the card edit being the last call.
    await restart.wait_for_line(f"piece {left.id} published")

    # How it got the piece, from what the restart logged of its first pass over the store:
    # never by waiting for the retry loop (5 minutes), only by seeing the holder gone (same
    # host), by the lease having run out before that pass, or by following it to its end.
    if same_host:
        assert "(1 published," in started, restart.output()
        await restart.wait_for_line(f"took the lease over from {left.lease_owner}")
    elif "1 held by another process" in started:
        await restart.wait_for_line(f"piece {left.id} published after its lease ran out")
    else:  # this machine took longer than the lease to start the restart
        assert "(1 published," in started, restart.output()
    # When on the store's clock: the moment the restart recorded the piece published, not
    # the moment this (perhaps busy) test process got round to reading its log.
    done = await site.piece(store_url, site.channel)
    assert done.published_at is not None
    finished = done.published_at.timestamp()
    if not same_host:
        assert finished >= left.lease_expires_at.timestamp(), "taken before the lease ran out"
    deadline = max(connected, left.lease_expires_at.timestamp()) + MARGIN
    assert finished <= deadline, (finished - connected, restart.output())
    assert await restart.stop() == 0, restart.output()
    await site.assert_published_once(store_url, site.channel, 3)
