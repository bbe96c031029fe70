"""Per-guild settings, read and written by the fields of :class:`GuildSettings`.

A new setting is a field of the dataclass (with its range, ``setting(least=...)``) and a
column of the same name in a migration; nothing here changes.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from bot.store.base import Backend
from bot.store.records import GuildSettings
from bot.store.rows import columns, from_row, now_or


class SettingsQueries(Backend):
    #: The record settings are read into and written from, field by field.
    settings_record: type[GuildSettings] = GuildSettings

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        """The guild's settings; defaults (``updated_at None``) when it was never configured."""
        found = await self._by(self.settings_record, "guild_settings", "guild_id", guild_id)
        return found or self.settings_record(guild_id=guild_id)

    async def update_guild_settings(
        self, guild_id: int, *, now: datetime | None = None, **changes: Any
    ) -> GuildSettings:
        """Change some settings (names from ``GUILD_SETTING_FIELDS``) and return them all.

        Unknown names raise ``ValueError`` before anything is written.
        """
        record = self.settings_record
        names = columns(record)
        known = set(names) - {"guild_id", "updated_at"}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown guild settings {sorted(unknown)}; known: {sorted(known)}")
        stamp = now_or(now)
        placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
        # Only the changed columns are overwritten, so two moderators changing different
        # settings at once both keep their change.
        updates = ", ".join(f"{c} = excluded.{c}" for c in [*changes, "updated_at"])
        async with self._tx() as conn:
            row = await conn.fetchrow(
                f"SELECT * FROM guild_settings WHERE guild_id = $1{self._for_update}", guild_id)
            current = from_row(record, row) if row else record(guild_id=guild_id)
            merged = replace(current, **changes, updated_at=stamp)
            merged.validate()
            saved = await conn.fetchrow(
                f"INSERT INTO guild_settings ({', '.join(names)}) VALUES ({placeholders}) "
                f"ON CONFLICT (guild_id) DO UPDATE SET {updates} RETURNING *",
                *(getattr(merged, f.name) for f in fields(record)))
        assert saved is not None
        return from_row(record, saved)

    async def list_guild_settings(self) -> list[GuildSettings]:
        """Settings of every guild that was ever configured (for the summary scheduler)."""
        return await self._all(
            self.settings_record, "SELECT * FROM guild_settings ORDER BY guild_id")
