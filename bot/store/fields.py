"""Field specifiers of the store's records: a server setting's default and range, and a
moderator's mark read from its three columns. Declared beside each field in
:mod:`bot.store.records`, read by ``GuildSettings.validate`` and by the row mapper."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any


def setting(default: Any = None, *, least: int | None = None, most: int | None = None,
            choices: tuple[str, ...] = (), meaning: str = "") -> Any:
    """A guild setting's default and range, declared beside its field.

    ``GuildSettings.validate`` reads these, so a new setting is one field of it (and its
    column in a migration), not a field plus a check elsewhere. ``None`` is always allowed
    where the default is ``None``: it means "off" or "the bot-wide default".
    """
    return field(default=default, metadata={"least": least, "most": most, "choices": choices,
                                            "meaning": meaning})


def fits(value: Any, rule: Mapping[str, Any]) -> bool:
    """Whether ``value`` is within the range a :func:`setting` declared."""
    if rule["choices"]:
        return value in rule["choices"]
    if isinstance(value, str):
        return bool(value)
    return ((rule["least"] is None or value >= rule["least"])
            and (rule["most"] is None or value <= rule["most"]))


def allowed(rule: Mapping[str, Any]) -> str:
    """The range a :func:`setting` declared, as a moderator reads it."""
    if rule["meaning"]:
        return str(rule["meaning"])
    if rule["choices"]:
        return "one of " + ", ".join(rule["choices"])
    if rule["most"] is not None:
        return f"{rule['least']} to {rule['most']}"
    return "positive" if rule["least"] == 1 else f"at least {rule['least']}"


def marked_by_moderator(at: str, by: str, reason: str) -> Any:
    """A record's ``ModeratorAction | None`` field, read from these three columns; ``None``
    while ``at`` is NULL (the store writes the three together: ``bot.store.moderation``)."""
    return field(default=None, metadata={"columns": (at, by, reason)})
