"""``python -m bot sandbox``: the real bot against the Discord emulator, with no token, no network.

Everything runs on 127.0.0.1 in this process: the emulator (Discord's v10 REST and gateway),
a small newspaper site serving a feed of sample pieces, and the real ``CounterpointBot`` over
real websockets and HTTP. A moderator posts the newest piece of the feed with ``/piece post``;
simulated members vote, counter and rebut by clicking the bot's real buttons and submitting
its real modals; then the transcript shows what a member of the server would see.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.sandbox.members import (
    COUNTER_TEXT,
    MIND_CHANGED_TEXT,
    REBUTTAL_TEXT,
    buttons,
    debate,
    labels,
    open_sandbox,
    post_piece,
    settled,
    withdraw_later,
)
from bot.sandbox.review import review_one
from bot.sandbox.running import (
    NotReady,
    RunningBot,
    SandboxError,
    emulator_settings,
    start_bot,
    start_client,
)
from bot.sandbox.site import REVIEWED_PIECES, SAMPLE_PIECES, SAMPLES, FeedSite, sample_piece
from bot.sandbox.transcript import connection_details, transcript
from bot.summaries import IsoWeek, build_summary, to_markdown

__all__ = ["COUNTER_TEXT", "MIND_CHANGED_TEXT", "REBUTTAL_TEXT", "SAMPLES", "FeedSite",
           "NotReady", "RunningBot", "SandboxError", "buttons", "emulator_settings", "labels",
           "run_sandbox", "sample_piece", "start_bot", "start_client"]

# --- the command -----------------------------------------------------------------------------

async def run_sandbox(piece: Path | None = None, *, keep: bool = False,
                      out: Callable[[str], None] = print,
                      wait_forever: Callable[[], Any] | None = None) -> int:
    """Run the whole flow and print the transcript; with ``keep``, stay up afterwards."""
    paths = [piece] if piece is not None else [SAMPLES / name for name in SAMPLE_PIECES]
    pieces = [sample_piece(path) for path in paths]
    # The samples' second piece is published later, and goes through review.
    later = [sample_piece(SAMPLES / name) for name in REVIEWED_PIECES] if piece is None else []
    with tempfile.TemporaryDirectory(prefix="counterpoint-sandbox-") as folder:
        box = await open_sandbox(pieces, f"sqlite:///{Path(folder) / 'sandbox.db'}", later)
        try:
            reply = await post_piece(box, box.site.feed_url)
            if not reply.startswith("Posted in"):
                raise SandboxError(f"the piece was not posted: {reply}")
            threads = sorted(box.emu.threads(box.channel), key=lambda t: t.id)
            await debate(box, threads)
            await settled(box, threads)
            await withdraw_later(box, threads)
            await settled(box, threads)
            summary = await build_summary(box.bot.store, box.channel.guild_id,
                                          IsoWeek.of(datetime.now(UTC), "UTC"), "UTC")
            reviewed = await review_one(box)
            refused = box.emu.refused_bodies
            if refused:
                # The bot logs and carries on past most refusals; real Discord would have
                # refused these, so the run did not show what it would on a server.
                raise SandboxError("Discord would have refused requests of the bot: " + "; ".join(
                    f"{r.method} {r.path}: {r.error}" for r in refused))
            out(transcript(box, reply, threads, to_markdown(summary))
                + ("\n".join(reviewed) + "\n" if reviewed else ""))
            if keep:
                out(connection_details(box, threads, box.emu.add_bot("Your client")))
                await (wait_forever() if wait_forever else asyncio.Event().wait())
        finally:
            await box.close()
    return 0
