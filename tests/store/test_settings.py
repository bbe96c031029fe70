"""Guild settings are stored by the fields of their dataclass: a new setting needs its field
and its column, no store code."""

from __future__ import annotations

import types
from dataclasses import dataclass, fields
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from bot.store import GUILD_SETTING_FIELDS, GuildSettings, Store
from tests.store.helpers import GUILD, at


def _another_value(annotation: Any, default: Any) -> Any:
    """A valid value of the setting's type that differs from its default."""
    args = get_args(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in args if a is not type(None))
    if get_origin(annotation) is Literal:
        return next(value for value in get_args(annotation) if value != default)
    if annotation is bool:
        return not default
    if annotation is int:  # 1 sits inside every range GuildSettings.validate checks
        return 2 if default == 1 else 1
    if annotation is str:
        return "Asia/Tokyo" if default != "Asia/Tokyo" else "Europe/Paris"
    raise AssertionError(f"no sample value for a setting of type {annotation!r}: add one here")


def _changed_settings(record: type[GuildSettings]) -> dict[str, Any]:
    hints = get_type_hints(record)
    return {f.name: _another_value(hints[f.name], f.default)
            for f in fields(record) if f.name not in {"guild_id", "updated_at"}}


async def test_every_setting_round_trips(store: Store) -> None:
    changes = _changed_settings(GuildSettings)
    assert set(changes) == GUILD_SETTING_FIELDS
    saved = await store.update_guild_settings(GUILD, now=at(1), **changes)
    expected = GuildSettings(guild_id=GUILD, updated_at=at(1), **changes)
    assert saved == expected
    assert await store.get_guild_settings(GUILD) == expected
    assert await store.list_guild_settings() == [expected]


@dataclass(frozen=True, slots=True)
class _SettingsWithGreeting(GuildSettings):
    greeting: str | None = None
    quiet: bool = False


async def test_a_new_setting_needs_only_its_field_and_its_column(store: Store) -> None:
    # The migration a new setting would bring, then its field (a subclass stands for it).
    await store._run("ALTER TABLE guild_settings ADD COLUMN greeting TEXT")
    await store._run("ALTER TABLE guild_settings ADD COLUMN quiet BOOLEAN NOT NULL DEFAULT FALSE")
    store.settings_record = _SettingsWithGreeting
    assert await store.get_guild_settings(GUILD) == _SettingsWithGreeting(guild_id=GUILD)
    saved = await store.update_guild_settings(GUILD, now=at(1), greeting="Welcome!",
                                              summary_hour=7)
    assert isinstance(saved, _SettingsWithGreeting)
    assert (saved.greeting, saved.quiet, saved.summary_hour) == ("Welcome!", False, 7)
    changes = _changed_settings(_SettingsWithGreeting)
    again = await store.update_guild_settings(GUILD, now=at(2), **changes)
    assert again == _SettingsWithGreeting(guild_id=GUILD, updated_at=at(2), **changes)
    assert await store.list_guild_settings() == [again]
