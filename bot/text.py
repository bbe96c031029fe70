"""Plain-text helpers every part of the bot shares: cutting text to a limit, on one line.

Nothing here knows Discord markup: :func:`bot.publishing.payloads.fit` escapes what these cut.
"""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    # A very long first word is cut hard rather than leaving next to nothing.
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def one_line(text: str, limit: int) -> str:
    """``text`` on one line, cut hard with an ellipsis when longer than ``limit`` (for error
    messages and labels, where every word may matter and none is worth a word boundary)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - len(ELLIPSIS)] + ELLIPSIS
