"""Stopping on SIGTERM as on Ctrl-C: what ``run`` and ``sandbox`` do when asked to stop.

systemd, Docker and every process manager stop a service with SIGTERM, whose default action
ends the process on the spot: no ``finally``, the store left open (SQLite's ``-wal`` and
``-shm`` files behind), publishing cut at any point with its lease kept. Both signals instead
cancel the command's work, so its clean-up runs: the bot closes cleanly (publishing finishes
its current step, within a bounded time: see ``CounterpointBot.close``), the store closes, and
the command ends with status 0, because stopping when asked is what it should do.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)


async def until_signalled(work: Coroutine[Any, Any, int]) -> int:
    """Run ``work`` (a command, returning its exit status) until it ends or a stop signal
    comes; then cancel it, let its clean-up run to the end, and return 0.

    A second signal while stopping is only logged: the stop is bounded already, and cutting
    it short would leave what it is there to prevent.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    received: list[signal.Signals] = []

    def stop(sig: signal.Signals) -> None:
        if received:
            log.warning("%s received: already stopping, a few seconds at most", sig.name)
            return
        received.append(sig)
        log.info("%s received: stopping", sig.name)
        task.cancel()

    installed: list[signal.Signals] = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, stop, sig)
        except (NotImplementedError, RuntimeError):
            # Windows, or not the main thread: Ctrl-C still ends the command through
            # asyncio's own handling (KeyboardInterrupt).
            continue
        installed.append(sig)
    try:
        return await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if received and task.cancelled() and not (current is not None and current.cancelling()):
            return 0
        raise
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
