"""Removal, restore, locks and the moderation log, as a service over the store.

Every action is written to the guild's moderation log in the same call that makes it (the
log is the audit trail: who, what, whom it concerned, which piece, why). Removing keeps the
contribution, its votes and its replies; it is shown as a tombstone naming the reason and its
votes leave every tally until a moderator restores it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.debate.rules import clean_reason
from bot.errors import UserFacingError
from bot.markup import plain
from bot.store import ArgumentRecord, Contribution, ModerationEntry, Store

Clock = Callable[[], datetime]
#: A reason is quoted in the tombstone, the log and the log channel: one line, this long.
MAX_REASON_LENGTH = 300
#: The families ``/modlog``'s action filter offers (``config`` matches every ``config.*``).
ACTION_FAMILIES: tuple[str, ...] = ("remove", "restore", "lock", "unlock", "review", "award",
                                    "config", "feed")
_MESSAGE_LINK = re.compile(
    r"^https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/channels/(?P<guild>\d+|@me)/"
    r"(?P<channel>\d+)/(?P<message>\d+)/?$")


class ModerationError(UserFacingError):
    """A moderator's request was refused; ``user_message`` says why and what to do."""


def parse_message_reference(text: str) -> int:
    """A message id from a message link ("Copy Message Link") or a bare id."""
    value = text.strip().strip("<>")
    match = _MESSAGE_LINK.match(value)
    if match is not None:
        return int(match.group("message"))
    if value.isdigit():
        return int(value)
    raise ModerationError(
        "Give the message's link (right-click it → Copy Message Link) or its ID. Or "
        "right-click the message → Apps → Remove contribution.")


def _reason(text: str | None, *, required: bool) -> str | None:
    reason = clean_reason(text)
    if reason is None and required:
        raise ModerationError("Give a reason: it is shown on the removed message and kept in "
                              "the moderation log.")
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise ModerationError(f"Keep the reason to {MAX_REASON_LENGTH} characters (it has "
                              f"{len(reason)}).")
    return reason


@dataclass(frozen=True, slots=True)
class Moderated:
    """What an action did: the contribution or argument as it is now, and its log entry."""

    contribution: Contribution | None
    argument: ArgumentRecord | None
    entry: ModerationEntry
    #: ``False`` when it was already so (removed twice, unlocked while open): nothing changed.
    changed: bool = True


@dataclass(frozen=True, slots=True)
class LogFilters:
    """``/modlog``'s filters: a member (who acted, or whom it concerned), an action family, a
    piece."""

    member_id: int | None = None
    action: str | None = None
    piece_id: int | None = None


@dataclass(frozen=True, slots=True)
class LogPage:
    """One page of the log, newest first, and whether there are older / newer entries."""

    entries: tuple[ModerationEntry, ...]
    has_older: bool
    has_newer: bool

    @property
    def first_id(self) -> int | None:
        return self.entries[0].id if self.entries else None

    @property
    def last_id(self) -> int | None:
        return self.entries[-1].id if self.entries else None


def entry_line(entry: ModerationEntry) -> str:
    """One log entry as a line of Discord markup (mentions render as names, never ping)."""
    stamp = f"<t:{int(entry.created_at.timestamp())}:f>"
    parts = [f"`#{entry.id}` {stamp} **{entry.action}** by <@{entry.actor_id}>"]
    if entry.member_id is not None:
        parts.append(f"concerning <@{entry.member_id}>")
    if entry.target:
        parts.append(f"· {plain(entry.target)}")
    if entry.piece_id is not None:
        parts.append(f"· piece {entry.piece_id}")
    line = " ".join(parts)
    if entry.details:
        # Moderators' reasons and feed addresses: shown as typed, never as markup.
        line += f"\n> {plain(' '.join(entry.details.split()))}"
    return line


class ModerationService:
    """Removals, restores, locks and the log; every refusal a :class:`ModerationError`."""

    PAGE_SIZE = 10

    def __init__(self, store: Store, *, clock: Clock | None = None) -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))

    # --- finding what to act on ----------------------------------------------------------

    async def contribution(self, guild_id: int, contribution_id: int) -> Contribution:
        found = await self.store.get_contribution(contribution_id)
        if found is None or found.guild_id != guild_id:
            raise ModerationError("That counterargument or rebuttal is not in this server's "
                                  "record.")
        return found

    async def contribution_by_message(self, guild_id: int, message_id: int) -> Contribution:
        found = await self.store.get_contribution_by_message(message_id)
        if found is None or found.guild_id != guild_id:
            raise ModerationError(
                "That message isn't a counterargument or rebuttal in Counterpoint's record. "
                "Pick the bot's message that shows it.")
        return found

    async def argument_of_thread(self, guild_id: int, thread_id: int | None) -> ArgumentRecord:
        argument = None if thread_id is None else \
            await self.store.get_argument_by_thread(thread_id)
        piece = None if argument is None else await self.store.get_piece(argument.piece_id)
        if argument is None or piece is None or piece.guild_id != guild_id:
            raise ModerationError("Use this in an argument's thread (or name the thread).")
        return argument

    async def _piece_of(self, argument_id: int) -> int | None:
        argument = await self.store.get_argument(argument_id)
        return argument.piece_id if argument is not None else None

    # --- removing and restoring ---------------------------------------------------------

    async def remove(self, guild_id: int, contribution_id: int, moderator_id: int,
                     reason: str | None) -> Moderated:
        """Remove a counter or rebuttal with a reason (kept in the record, its votes out of
        the tallies, its message owed a tombstone). Removing it again is refused."""
        text = _reason(reason, required=True)
        assert text is not None
        current = await self.contribution(guild_id, contribution_id)
        if current.removal is not None:
            raise ModerationError(
                f"That {_noun(current)} is already removed (reason: "
                f"{plain(current.removal.reason or '')}). "
                "Restore it first to remove it with another reason.")
        removed = await self.store.remove_contribution(
            current.id, moderator_id=moderator_id, reason=text, now=self.clock())
        return await self._logged(guild_id, moderator_id, "remove", removed, text)

    async def restore(self, guild_id: int, contribution_id: int, moderator_id: int,
                      reason: str | None = None) -> Moderated:
        """Put a removed contribution back: its message and its votes return."""
        text = _reason(reason, required=False)
        current = await self.contribution(guild_id, contribution_id)
        if not current.removed:
            raise ModerationError(f"That {_noun(current)} is not removed, so there is nothing "
                                  "to restore.")
        restored = await self.store.restore_contribution(current.id)
        return await self._logged(guild_id, moderator_id, "restore", restored, text)

    async def _logged(self, guild_id: int, moderator_id: int, action: str,
                      changed: Contribution, text: str | None) -> Moderated:
        """``changed`` as the moderation log records it: concerning its author, in its piece."""
        entry = await self.store.log_moderation(
            guild_id, moderator_id, action, target=f"{changed.kind}:{changed.id}",
            details=text, member_id=changed.author_id,
            piece_id=await self._piece_of(changed.argument_id), now=self.clock())
        return Moderated(changed, None, entry)

    # --- locks ---------------------------------------------------------------------------

    async def lock(self, guild_id: int, argument_id: int, moderator_id: int,
                   reason: str | None = None) -> Moderated:
        return await self._set_lock(guild_id, argument_id, moderator_id, reason, locked=True)

    async def unlock(self, guild_id: int, argument_id: int, moderator_id: int,
                     reason: str | None = None) -> Moderated:
        return await self._set_lock(guild_id, argument_id, moderator_id, reason, locked=False)

    async def _set_lock(self, guild_id: int, argument_id: int, moderator_id: int,
                        reason: str | None, *, locked: bool) -> Moderated:
        text = _reason(reason, required=False)
        argument = await self.store.get_argument(argument_id)
        if argument is None:
            raise ModerationError("That argument is not in this server's record.")
        if argument.locked == locked:
            raise ModerationError("This debate is already locked. `/mod unlock` opens it."
                                  if locked else "This debate is not locked.")
        changed = (await self.store.lock_argument(argument.id, moderator_id=moderator_id,
                                                  reason=text, now=self.clock())
                   if locked else await self.store.unlock_argument(argument.id))
        entry = await self.store.log_moderation(
            guild_id, moderator_id, "lock" if locked else "unlock",
            target=f"argument:{argument.id}", details=text, piece_id=argument.piece_id,
            now=self.clock())
        return Moderated(None, changed, entry)

    # --- the log -------------------------------------------------------------------------

    async def log_page(self, guild_id: int, filters: LogFilters, *,
                       before_id: int | None = None, after_id: int | None = None) -> LogPage:
        """A page of the log: the newest (no cursor), older than ``before_id`` or newer than
        ``after_id``. A page that would be empty going forward falls back to the newest."""
        if filters.action is not None and filters.action not in ACTION_FAMILIES:
            raise ModerationError(f"Filter by one of the actions offered: "
                                  f"{', '.join(ACTION_FAMILIES)}.")
        size = self.PAGE_SIZE

        async def read(limit: int, *, before: int | None = None, after: int | None = None
                       ) -> list[ModerationEntry]:
            return await self.store.list_moderation(
                guild_id, limit=limit, before_id=before, after_id=after,
                member_id=filters.member_id, action=filters.action, piece_id=filters.piece_id)

        rows = await read(size + 1, before=before_id, after=after_id)
        if after_id is not None:
            has_newer = len(rows) > size
            entries = rows[-size:] if has_newer else rows
            if not entries:
                return await self.log_page(guild_id, filters)
            has_older = bool(await read(1, before=entries[-1].id))
        else:
            has_older = len(rows) > size
            entries = rows[:size]
            has_newer = bool(entries) and bool(await read(1, after=entries[0].id))
        return LogPage(tuple(entries), has_older, has_newer)


def _noun(contribution: Contribution) -> str:
    return "counterargument" if contribution.kind == "counter" else "rebuttal"
