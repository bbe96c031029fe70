"""The cogs' background loops (``discord.ext.tasks``), started the one way."""

from __future__ import annotations

from typing import Any

from discord.ext import tasks


def start_paced(loop: tasks.Loop[Any], *, seconds: float = 0, minutes: float = 0) -> None:
    """Start a cog's loop at the interval the bot's pace gives (``bot.pace``, from the
    settings; tests run faster): the interval in the loop's decorator is only its default."""
    loop.change_interval(seconds=seconds, minutes=minutes)
    loop.start()
