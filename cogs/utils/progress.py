"""Progress shown in one Discord message without holding up the work it reports on.

Editing a deferred reply can take seconds: interaction webhook edits are limited (5 per 2 s
per token) and discord.py sleeps out a spent bucket inside ``edit_original_response``. Work
that awaited each report would stop for that long, so :class:`ProgressReply` takes reports
without waiting and edits the message from its own task: at most one edit in flight, only the
newest text kept (a report that arrives while an edit is in flight replaces any other still
waiting), optionally no more often than every ``min_interval`` seconds, and the final text
always delivered last, by the caller, awaited. The newest report still waiting then is shown
just before it, at once, so the last step reached is never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.redact import redact_text
from cogs.utils.replies import NO_MENTIONS

log = logging.getLogger(__name__)

Edit = Callable[[str], Awaitable[None]]
# Between two progress edits of an interaction's reply: twice a second is as fast as anyone
# reads, and stays under the webhook-edit bucket (5 per 2 s per token) with room for the final
# reply, so that one rarely waits for a spent bucket.
INTERACTION_INTERVAL = 0.5


class ProgressReply:
    """Coalesces progress texts into edits of one message.

    ``await reply(text)`` (or ``reply.report(text)``) returns at once; ``await
    reply.final(text)`` lets the edits already due finish (the one in flight and the newest
    report waiting behind it), then shows ``text`` and returns once it is shown; reports after
    it are ignored. Use it as an async context manager so an
    error or a cancellation in the work does not leave the edit task behind.
    """

    def __init__(self, edit: Edit, *, min_interval: float = 0.0, name: str = "progress") -> None:
        self._edit = edit
        self._interval = min_interval
        self._name = name
        self._waiting: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._hurry = asyncio.Event()  # set by final: no more pauses between edits

    @classmethod
    def for_interaction(
        cls,
        interaction: discord.Interaction,
        *,
        min_interval: float = INTERACTION_INTERVAL,
        after: asyncio.Future[Any] | None = None,
    ) -> ProgressReply:
        """Progress in a deferred interaction's reply; ``after``, the deferral still under way
        (every edit waits for it, and is skipped if it failed)."""

        async def edit(text: str) -> None:
            if after is not None:
                await after  # a future: awaiting it again once done is immediate
            # A feed given to /piece post may carry credentials; they are not shown.
            await interaction.edit_original_response(content=redact_text(text),
                                                     allowed_mentions=NO_MENTIONS)

        return cls(edit, min_interval=min_interval, name=f"progress-{interaction.id}")

    def report(self, text: str) -> None:
        """Show ``text`` as soon as the edit in flight (if any) is done; never waits."""
        if self._closed:
            return
        self._waiting = text
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=self._name)

    async def __call__(self, text: str) -> None:
        # The shape of a progress callback (bot.publishing.Progress) that returns at once.
        self.report(text)

    async def final(self, text: str) -> None:
        """Show ``text`` last, after the newest report still waiting; ignore later reports."""
        self._closed = True
        self._hurry.set()
        if self._task is not None:
            # Its loop ends once nothing is waiting.
            await self._task
        await self._show(text)

    async def aclose(self) -> None:
        """Stop without a final text (the edit in flight, if any, is cancelled)."""
        self._closed = True
        self._waiting = None
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def __aenter__(self) -> ProgressReply:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # Whatever ended the block (an error, a cancellation), the edit task ends with it.
        await self.aclose()

    async def _run(self) -> None:
        while self._waiting is not None:
            text, self._waiting = self._waiting, None
            await self._show(text)
            if self._interval > 0 and not self._hurry.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._hurry.wait(), self._interval)

    async def _show(self, text: str) -> None:
        try:
            await self._edit(text)
        except discord.HTTPException as exc:
            # A progress line that cannot be shown (token expired, Discord failing) must not
            # stop the work or the later lines.
            log.info("could not show progress: %s", exc)
        except Exception:
            # Nor may anything else: nobody awaits the edit task but ``final``.
            log.exception("showing progress failed")
