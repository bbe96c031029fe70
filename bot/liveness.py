"""Who holds a lease (this process, as every lease it takes names it), and whether that
process is certainly gone.

A lease names its holder as ``host:pid:nonce`` and, on Linux, ``:space.started``: ``space``
stands for the kernel boot and the PID namespace the process ran in (two processes with the
same ``space`` see the same process ids), ``started`` is its start time in clock ticks after
boot (a PID reused by a later process has another start time). A process that finds a lease
held by a process of its own ``space`` can then look that process up: if it has exited (or is
a zombie, or its PID now belongs to a later process), the holder is gone for certain and its
lease can be taken over at once instead of waiting for it to run out.

Anything less than certainty counts as alive: another host, another container, a holder
whose process is visible but not ours to inspect, a platform without ``/proc``. Then the
lease's expiry is what frees the piece, as before.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    """One bot process, as its leases name it (and one publisher or poller in it: ``nonce``
    tells two apart)."""

    host: str
    pid: int
    nonce: str
    #: The kernel boot and PID namespace, hashed; ``None`` where they cannot be known.
    space: str | None = None
    #: Start time in clock ticks after boot; ``None`` where it cannot be known.
    started: int | None = None

    def __str__(self) -> str:
        base = f"{self.host}:{self.pid}:{self.nonce}"
        if self.space is None or self.started is None:
            return base
        return f"{base}:{self.space}.{self.started}"

    @classmethod
    def current(cls, nonce: str | None = None) -> ProcessIdentity:
        """This process, with a fresh ``nonce`` unless one is given."""
        pid = os.getpid()
        return cls(socket.gethostname(), pid, nonce or uuid.uuid4().hex[:8], _space(),
                   _start_time(pid))

    @classmethod
    def of(cls, pid: int, nonce: str) -> ProcessIdentity:
        """Another process of this host, as it would name itself (with ``nonce``)."""
        return cls(socket.gethostname(), pid, nonce, _space(), _start_time(pid))

    @classmethod
    def parse(cls, text: str) -> ProcessIdentity | None:
        """The identity in a lease owner string, ``None`` if it is not one (an owner named
        by hand or by an older version)."""
        parts = text.split(":")
        if len(parts) not in (3, 4) or not parts[1].isdigit() or not parts[0] or not parts[2]:
            return None
        space: str | None = None
        started: int | None = None
        if len(parts) == 4:
            space, _, ticks = parts[3].partition(".")
            if not space or not ticks.isdigit():
                return None
            started = int(ticks)
        return cls(parts[0], int(parts[1]), parts[2], space, started)


def holder_is_gone(owner: str, me: ProcessIdentity) -> bool:
    """``True`` only when the process named by ``owner`` has certainly exited.

    ``me`` is the asking process: only a holder in the same ``space`` can be looked up.
    """
    holder = ProcessIdentity.parse(owner)
    if (holder is None or holder.space is None or holder.started is None
            or me.space is None or holder.space != me.space):
        return False
    if holder.pid == me.pid:
        # Our own PID: another publisher of this very process (alive), unless this process
        # reused the PID of one that ran before it.
        return holder.started != me.started
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # someone else's process, alive: not ours to inspect further
    except OSError:
        return False
    started = _start_time(holder.pid, zombie_as_gone=True)
    # None: a zombie (killed, not yet reaped by its parent), or it exited just now.
    return started is None or started != holder.started


def _space() -> str | None:
    """The boot and PID namespace this process lives in, hashed (Linux only)."""
    try:
        boot = (_PROC / "sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink(_PROC / "self/ns/pid")
    except OSError:
        return None
    return hashlib.sha256(f"{boot}/{namespace}".encode()).hexdigest()[:12]


def _start_time(pid: int, *, zombie_as_gone: bool = False) -> int | None:
    """Field 22 of ``/proc/PID/stat``: when the process started, in ticks after boot."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces or parentheses.
    fields = stat[stat.rfind(")") + 2:].split()
    if len(fields) < 20 or not fields[19].isdigit():
        return None
    if zombie_as_gone and fields[0] in ("Z", "X"):
        return None
    return int(fields[19])
