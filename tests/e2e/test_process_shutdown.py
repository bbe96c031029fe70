"""Stopping the bot as a process manager does: SIGTERM (or Ctrl-C's SIGINT) to a real process.

The bot runs as ``python -m bot run`` (``tests.e2e.child``) or ``python -m bot sandbox`` in a
process of its own. Asked to stop, it must finish or record what it is doing within a bounded
time, give its leases back, close the store (SQLite leaves no ``-wal`` or ``-shm`` file) and
exit with status 0; what Discord holds afterwards must all be in the store.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from bot.emulator import Channel
from bot.store import open_store
from bot.store.sqlite import sqlite_path
from tests.e2e.harness import reply_text
from tests.e2e.processes import PATIENCE, BotProcess, Site
from tests.feedsite import SAMPLES

BIKES = (SAMPLES / "city_bike_lanes.txt").read_text()
THREADS = "/channels/{channel_id}/threads"


def journal_files(database_url: str) -> list[Path]:
    """SQLite's write-ahead log and its index beside the database ([] for PostgreSQL)."""
    if not database_url.startswith("sqlite"):
        return []
    path = sqlite_path(database_url)
    return [Path(f"{path}-wal"), Path(f"{path}-shm")]


async def assert_discord_matches_the_store(site: Site, database_url: str,
                                           channel: Channel) -> None:
    """Nothing half-recorded: every card, thread and opening Discord holds is in the store,
    and the piece's lease is given back."""
    store = await open_store(database_url)
    try:
        [piece] = [p for p in await store.list_pieces(guild_id=site.guild.id)
                   if p.channel_id == channel.id]
        arguments = await store.list_arguments(piece.id)
    finally:
        await store.close()
    assert piece.lease_owner is None, piece
    assert [c.id for c in site.card(channel)] == [piece.message_id]
    threads = site.emu.threads(channel)
    assert sorted(t.id for t in threads) == sorted(
        a.thread_id for a in arguments if a.thread_id is not None)
    for argument in arguments:
        if argument.thread_id is None:
            continue
        sent = [m.id for m in site.openings(site.emu.channel(argument.thread_id))]  # type: ignore[arg-type]
        assert sent == ([argument.opening_message_id] if argument.opening_message_id else [])


@pytest.mark.parametrize(("store_url", "sig"), [
    pytest.param("sqlite", signal.SIGTERM, id="sqlite-SIGTERM"),
    pytest.param("sqlite", signal.SIGINT, id="sqlite-SIGINT"),
    pytest.param("postgres", signal.SIGTERM, id="postgres-SIGTERM", marks=pytest.mark.postgres),
], indirect=["store_url"])
async def test_a_signal_mid_publishing_records_the_step_in_flight_and_exits_0(
    site: Site, store_url: str, sig: signal.Signals
) -> None:
    emu = site.emu
    bot = await site.start_bot(store_url)
    assert all(path.exists() for path in journal_files(store_url))
    # Thread 2's creation is on its way to Discord when the signal comes.
    held = emu.hold(THREADS, method="POST", skip=1)
    command = await emu.run_slash_command(site.admin, site.channel, "piece post",
                                          {"url": site.server.add("bikes.txt", BIKES),
                                           "channel": site.channel})
    await emu.wait_for(lambda: held.waiting, PATIENCE)
    bot.process.send_signal(sig)
    await bot.wait_for_line(f"{sig.name} received: stopping")
    emu.release(THREADS)  # Discord answers now: that step finishes and is recorded

    assert await bot.wait() == 0, bot.output()
    assert "Traceback" not in bot.output(), bot.output()
    assert not any(path.exists() for path in journal_files(store_url))
    left = await site.piece(store_url, site.channel)
    assert left.state == "publishing"
    # Thread 2 was made and recorded; nothing was started after the signal.
    assert len(emu.threads(site.channel)) == 2
    await assert_discord_matches_the_store(site, store_url, site.channel)
    # The moderator was told, before the connections closed.
    assert "Not posted yet: the bot was shutting down" in reply_text(command)

    restart = await site.start_bot(store_url)
    # Its lease given back, the piece is the restart's at once.
    await restart.wait_for_line(f"piece {left.id} published on retry")
    await site.assert_published_once(store_url, site.channel, 3)


# One backend is enough: the grace is the publisher's, whatever the store.
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_a_stop_does_not_wait_for_discord_past_its_grace(
    site: Site, store_url: str
) -> None:
    emu = site.emu
    bot = await site.start_bot(store_url)
    held = emu.hold(THREADS, method="POST")  # Discord never answers
    command = await emu.run_slash_command(site.admin, site.channel, "piece post",
                                          {"url": site.server.add("bikes.txt", BIKES),
                                           "channel": site.channel})
    await emu.wait_for(lambda: held.waiting, PATIENCE)
    assert await bot.stop(signal.SIGTERM) == 0, bot.output()
    assert "cut short" in bot.output()
    assert not any(path.exists() for path in journal_files(store_url))
    emu.release(THREADS)  # reaches nobody: the process is gone
    left = await site.piece(store_url, site.channel)
    assert (left.state, left.lease_owner) == ("publishing", None)
    await assert_discord_matches_the_store(site, store_url, site.channel)
    assert "Not posted yet: the bot was shutting down" in reply_text(command)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
async def test_the_sandbox_stops_cleanly_on_a_signal(tmp_path: Path,
                                                     sig: signal.Signals) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    sandbox = await BotProcess.start_command(
        [sys.executable, "-m", "bot", "sandbox", "--keep"], tmp_path,
        env={"TMPDIR": str(temporary)})
    await sandbox.wait_for_line("Still running, until Ctrl-C.")
    [folder] = temporary.iterdir()
    assert folder.name.startswith("counterpoint-sandbox-") and any(folder.iterdir())
    assert await sandbox.stop(sig) == 0, sandbox.output()
    # Its database (and the WAL beside it) went with the temporary folder.
    assert list(temporary.iterdir()) == []
