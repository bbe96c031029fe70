"""cogs.utils.progress.ProgressReply: reports never wait, stale texts are dropped, the final
is last."""

from __future__ import annotations

import asyncio

import discord

from cogs.utils.progress import ProgressReply


class SlowMessage:
    """A message whose edits take until the test lets each one finish."""

    def __init__(self) -> None:
        self.shown: list[str] = []
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
        self.shown.append(text)


async def test_reports_return_at_once_and_only_the_newest_waits() -> None:
    message = SlowMessage()
    async with ProgressReply(message.edit) as progress:
        await progress("one")
        await asyncio.sleep(0)  # the edit of "one" is now in flight, held
        for text in ("two", "three", "four"):
            await asyncio.wait_for(progress(text), 0.1)
        message.release.set()
        await asyncio.sleep(0.01)
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
    shown: list[tuple[str, float]] = []
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def edit(text: str) -> None:
        shown.append((text, loop.time() - started))

    async with ProgressReply(edit, min_interval=0.2) as progress:
        progress.report("one")
        await asyncio.sleep(0.01)
        progress.report("two")
        progress.report("three")
        await asyncio.sleep(0.3)  # "three" goes once the interval has passed
        progress.report("four")
        await progress.final("done")
    assert [text for text, _ in shown] == ["one", "three", "four", "done"]
    assert shown[1][1] >= 0.2
    assert shown[-1][1] < 0.4  # "four" and the final were not held for another interval
