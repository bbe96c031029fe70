"""Moderators keep the record honest: remove and restore contributions, lock debates, and an
audit log of every moderator action. No ``discord`` here: ids and text in, dataclasses out;
refusals are :class:`ModerationError` (a ``UserFacingError``)."""

from __future__ import annotations

from bot.moderation.service import (
    ACTION_FAMILIES,
    MAX_REASON_LENGTH,
    LogFilters,
    LogPage,
    Moderated,
    ModerationError,
    ModerationService,
    entry_line,
    parse_message_reference,
)

__all__ = [
    "ACTION_FAMILIES",
    "MAX_REASON_LENGTH",
    "LogFilters",
    "LogPage",
    "Moderated",
    "ModerationError",
    "ModerationService",
    "entry_line",
    "parse_message_reference",
]
