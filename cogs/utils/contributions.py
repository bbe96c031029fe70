"""How a counterargument or rebuttal reads in its thread: shared by the Debate cog (posting,
edits, withdrawals) and the Moderation cog (tombstones and restores)."""

from __future__ import annotations

from bot.debate.errors import noun
from bot.markup import plain
from bot.store import Contribution

#: What a removed contribution's message says in place of its text.
REMOVED = "removed by a moderator"
#: What the message of a contribution whose author had their data erased says.
ERASED = "removed at the author's request"


def contribution_content(contribution: Contribution, parent: Contribution | None) -> str:
    """The message showing a counter or rebuttal: its author named (never pinged), its text;
    a tombstone naming the reason once a moderator removed it, or once its author withdrew
    it."""
    if contribution.erased:  # /me delete: no text, no name
        kind = "Counterargument" if contribution.kind == "counter" else "Rebuttal"
        return f"**{kind}** · *{ERASED}*"
    author = f"<@{contribution.author_id}>"
    if contribution.kind == "counter":
        head = f"**Counterargument** by {author}"
    elif parent is not None and parent.erased:
        head = f"**Rebuttal** by {author} to a removed {noun(parent.kind)}"
    elif parent is not None:
        head = f"**Rebuttal** by {author} to <@{parent.author_id}>'s {noun(parent.kind)}"
    else:
        head = f"**Rebuttal** by {author}"
    if contribution.removal is not None:
        reason = plain(contribution.removal.reason or "no reason given")
        return f"{head} · *{REMOVED}*\n-# Reason: {reason}"
    if contribution.withdrawn:
        return f"{head} · *withdrawn by its author*"
    edited = "\n-# edited" if contribution.edited_at is not None else ""
    return f"{head}\n\n{contribution.body}{edited}"
