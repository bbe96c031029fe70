"""cogs.utils.progress.ProgressReply: reports never wait, stale texts are dropped, the final
is last."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import discord

from cogs.utils.progress import ProgressReply

T = TypeVar("T")


#: A guard against hanging, for what takes milliseconds: never a measurement.
PATIENCE = 30.0


async def _within_patience(step: Awaitable[T], what: str) -> T:
    try:
        return await asyncio.wait_for(step, PATIENCE)
    except TimeoutError:
        raise AssertionError(f"{what} did not happen within {PATIENCE} s") from None


class Shown(list[str]):
    """Texts shown so far; ``await shown.reach(n)`` returns once ``n`` are."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = asyncio.Condition()

    async def add(self, text: str) -> None:
        async with self._changed:
            self.append(text)
            self._changed.notify_all()

    async def reach(self, count: int) -> None:
        async def reached() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self) >= count)

        await _within_patience(reached(), f"{count} texts shown (so far {list(self)})")


class SlowMessage:
    """A message whose edits take until the test lets each one finish."""

    def __init__(self) -> None:
        self.shown = Shown()
        self.started: list[str] = []
        self.release = asyncio.Event()
        self.in_flight = 0
        self.most_in_flight = 0

    async def edit(self, text: str) -> None:
        self.started.append(text)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await self.release.wait()
        finally:
            self.in_flight -= 1
        await self.shown.add(text)


async def test_reports_return_at_once_and_only_the_newest_waits() -> None:
    message = SlowMessage()
    async with ProgressReply(message.edit) as progress:
        await progress("one")
        await asyncio.sleep(0)  # the edit of "one" is now in flight, held
        for text in ("two", "three", "four"):
            # Returns with the edit of "one" still held: a report that waited would hang.
            await _within_patience(progress(text), f"report {text!r} returning")
        message.release.set()
        await message.shown.reach(2)
        assert message.shown == ["one", "four"]  # "two" and "three" were stale, never sent
        progress.report("five")
        progress.report("six")
        await progress.final("done")  # the last step reached is shown before the final
    assert message.shown == ["one", "four", "six", "done"]
    assert message.most_in_flight == 1


async def test_the_final_text_is_shown_last_even_with_reports_after_it() -> None:
    message = SlowMessage()
    message.release.set()
    async with ProgressReply(message.edit) as progress:
        progress.report("working")
        await progress.final("done")
        progress.report("late")
        await asyncio.sleep(0.01)
    assert message.shown[-1] == "done" and "late" not in message.shown


async def test_a_failing_edit_does_not_stop_later_ones() -> None:
    shown: list[str] = []

    async def edit(text: str) -> None:
        if text == "bad":
            raise discord.HTTPException(_Response(), "Unknown Webhook")  # type: ignore[arg-type]
        shown.append(text)

    async with ProgressReply(edit) as progress:
        progress.report("bad")
        await asyncio.sleep(0)
        await progress.final("done")
    assert shown == ["done"]


async def test_leaving_without_a_final_cancels_the_edit_in_flight() -> None:
    message = SlowMessage()
    async with ProgressReply(message.edit) as progress:
        progress.report("one")
        await asyncio.sleep(0)
    assert message.started == ["one"] and message.shown == [] and message.in_flight == 0


class _Response:
    status = 404
    reason = "Not Found"


async def test_edits_are_spaced_but_the_final_does_not_wait_for_the_interval() -> None:
    shown = Shown()

    # An interval no test run outlasts: what is held back is held by the interval alone.
    async with ProgressReply(shown.add, min_interval=3600) as progress:
        progress.report("one")
        await shown.reach(1)
        progress.report("two")
        progress.report("three")
        for _ in range(10):
            await asyncio.sleep(0)  # every chance to send early
        assert shown == ["one"]
        # The final hurries past the interval: "three" (the newest waiting), then the final.
        await _within_patience(progress.final("done"), "the final, without the interval")
    assert shown == ["one", "three", "done"]


async def test_the_newest_report_goes_once_the_interval_has_passed() -> None:
    shown = Shown()
    loop = asyncio.get_running_loop()
    times: list[float] = []

    async def edit(text: str) -> None:
        times.append(loop.time())
        await shown.add(text)

    async with ProgressReply(edit, min_interval=0.05) as progress:
        progress.report("one")
        await shown.reach(1)
        progress.report("two")
        progress.report("three")
        await shown.reach(2)  # without a final: only the interval lets it go
        assert shown == ["one", "three"]
        assert times[1] - times[0] >= 0.05  # a lower bound: a slow machine only adds to it
        await progress.final("done")
    assert shown == ["one", "three", "done"]
