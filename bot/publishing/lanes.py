"""Pieces handed on to be published in the background (``Publisher.hand_on``): one lane per
channel, the lanes side by side.

A channel reads its pieces in order, so each lane publishes its pieces one after another in the
order handed on; different channels' lanes go out side by side, at most ``at_once`` of them
publishing at a time, so a feed cycle's pieces take about as long as Discord's limits allow
rather than one round trip after another. Discord's global limit is kept by the port's pace
(``bot.publishing.pacing``), not here: a channel often waits on its own buckets (10 threads per
10 s), and the other lanes go on meanwhile.

The lanes only order and start the publishes; each is the publisher's own resumable, leased
``publish``, whose result is handed to ``report``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

R = TypeVar("R")


class Lanes(Generic[R]):
    """Handed-on pieces, by channel, each published by ``publish`` and its result passed to
    ``report``."""

    def __init__(self, publish: Callable[[int], Awaitable[R]], report: Callable[[R], None], *,
                 at_once: int) -> None:
        self._publish = publish
        self._report = report
        self._lanes: dict[int, deque[int]] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._queued: set[int] = set()
        self._gate = asyncio.Semaphore(at_once)
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False

    def __contains__(self, piece_id: object) -> bool:
        """Handed on and not done yet (waiting in its lane, or being published)."""
        return piece_id in self._queued

    def hand_on(self, pieces: Iterable[tuple[int, int]]) -> None:
        """Add ``(piece_id, channel_id)`` pieces to their channels' lanes, starting a lane
        where there is none; a piece already in a lane is not added twice, and nothing is once
        the lanes are stopped."""
        if self._stopping:
            return
        for piece_id, channel_id in pieces:
            if piece_id in self._queued:
                continue
            self._queued.add(piece_id)
            self._lanes.setdefault(channel_id, deque()).append(piece_id)
            if channel_id not in self._tasks:
                self._idle.clear()
                task = asyncio.create_task(self._run(channel_id),
                                           name=f"publish-lane-{channel_id}")
                self._tasks[channel_id] = task

    def stop(self) -> None:
        """Take no further piece: each lane ends after the piece it is publishing."""
        self._stopping = True

    async def _run(self, channel_id: int) -> None:
        lane = self._lanes[channel_id]
        try:
            # One piece after another: the channel's order holds. The gate is taken per
            # piece, so channels waiting their turn get in between.
            while lane and not self._stopping:
                piece_id = lane[0]
                try:
                    async with self._gate:
                        result = await self._publish(piece_id)
                except Exception:
                    log.exception("publishing piece %s failed", piece_id)
                else:
                    self._report(result)
                finally:
                    lane.popleft()
                    self._queued.discard(piece_id)
        finally:
            for piece_id in lane:
                self._queued.discard(piece_id)
            self._lanes.pop(channel_id, None)
            self._tasks.pop(channel_id, None)
            if not self._tasks:
                self._idle.set()

    async def drain(self) -> None:
        """Wait until every piece handed on so far is done."""
        await self._idle.wait()
