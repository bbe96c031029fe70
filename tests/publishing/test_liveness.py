"""Telling a lease holder that has exited from one that may still run, with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.liveness import ProcessIdentity, holder_is_gone

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="process liveness is read from Linux's /proc")


@pytest.fixture
def child() -> Iterator[subprocess.Popen[bytes]]:
    """A process of this host that waits until killed."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_an_identity_reads_back_from_its_lease_owner_string() -> None:
    me = ProcessIdentity.current()
    assert me.space is not None and me.started is not None
    assert ProcessIdentity.parse(str(me)) == me
    assert str(me).startswith(f"{me.host}:{me.pid}:{me.nonce}:")
    # Owners named by hand, or by a version before identities carried their space.
    assert ProcessIdentity.parse("other") is None
    assert ProcessIdentity.parse("host:12:abc") == ProcessIdentity("host", 12, "abc")
    assert ProcessIdentity.parse("host:x:abc") is None
    assert ProcessIdentity.parse("host:12:abc:space.notanumber") is None


def test_a_running_holder_is_not_gone_and_a_killed_one_is(
    child: subprocess.Popen[bytes],
) -> None:
    me = ProcessIdentity.current()
    holder = str(ProcessIdentity.of(child.pid, "cafe"))
    assert not holder_is_gone(holder, me)
    child.send_signal(signal.SIGKILL)
    child.wait()  # reaped: the PID is free
    assert holder_is_gone(holder, me)


def test_a_killed_holder_its_parent_has_not_reaped_yet_is_gone(
    child: subprocess.Popen[bytes],
) -> None:
    me = ProcessIdentity.current()
    holder = str(ProcessIdentity.of(child.pid, "cafe"))
    child.send_signal(signal.SIGKILL)
    # Waits until it has died, but leaves it unreaped: listed still, as a zombie.
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    with open(f"/proc/{child.pid}/stat") as stat:
        assert stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    assert holder_is_gone(holder, me)


def test_a_pid_now_used_by_a_later_process_means_the_holder_is_gone(
    child: subprocess.Popen[bytes],
) -> None:
    me = ProcessIdentity.current()
    running = ProcessIdentity.of(child.pid, "cafe")
    assert running.started is not None
    # The holder had this PID but started at another time: the PID was reused.
    earlier = ProcessIdentity(running.host, running.pid, "beef", running.space,
                              running.started - 1)
    assert holder_is_gone(str(earlier), me)
    assert not holder_is_gone(str(running), me)


def test_what_cannot_be_checked_counts_as_alive(child: subprocess.Popen[bytes]) -> None:
    me = ProcessIdentity.current()
    running = ProcessIdentity.of(child.pid, "cafe")
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert running.space is not None and running.started is not None
    # Another host or container: its PIDs are not ours to look up.
    elsewhere = ProcessIdentity("elsewhere", running.pid, "cafe", "0" * 12, running.started)
    assert not holder_is_gone(str(elsewhere), me)
    # No space recorded (another platform), or an owner that is no identity at all.
    assert not holder_is_gone(f"{running.host}:{running.pid}:cafe", me)
    assert not holder_is_gone("dead-host:1:0", me)
    # This very process under another nonce: another publisher here, alive.
    assert not holder_is_gone(str(ProcessIdentity.current()), me)
