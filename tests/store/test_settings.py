"""Guild settings are stored by the fields of their dataclass: a new setting needs its field
and its column, no store code."""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, fields
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest

from bot.store import GUILD_SETTING_FIELDS, GuildSettings, Store
from bot.store.fields import setting
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
    if annotation is int:  # 1 sits inside every range a setting declares
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


@pytest.mark.parametrize(("changes", "message"), [
    ({"summary_weekday": 7}, "summary_weekday must be 0 (Monday) to 6 (Sunday), not 7"),
    ({"summary_hour": 24}, "summary_hour must be 0 to 23, not 24"),
    ({"min_counter_length": 0}, "min_counter_length must be positive, not 0"),
    ({"feed_limit": -1}, "feed_limit must be at least 0, not -1"),
    ({"timezone": ""}, "timezone must be an IANA name"),
    ({"review_mode": "later"}, "review_mode must be one of off, on, unsure, not 'later'"),
    ({"gate_membership_s": 0}, "gate_membership_s must be positive, not 0"),
])
async def test_a_setting_out_of_its_range_is_refused_and_nothing_is_saved(
        store: Store, changes: dict[str, Any], message: str) -> None:
    await store.update_guild_settings(GUILD, now=at(1), summary_hour=9)
    with pytest.raises(ValueError, match=re.escape(message)):
        await store.update_guild_settings(GUILD, now=at(2), **changes)
    kept = await store.get_guild_settings(GUILD)
    assert kept == GuildSettings(guild_id=GUILD, summary_hour=9, updated_at=at(1))


def test_a_new_setting_brings_its_range_with_its_field() -> None:
    @dataclass(frozen=True, slots=True)
    class WithQuorum(GuildSettings):
        quorum: int | None = setting(least=2, most=9)

    WithQuorum(guild_id=GUILD).validate()  # None: off
    WithQuorum(guild_id=GUILD, quorum=9).validate()
    for value in (1, 10):
        with pytest.raises(ValueError, match=f"quorum must be 2 to 9, not {value}"):
            WithQuorum(guild_id=GUILD, quorum=value).validate()


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
