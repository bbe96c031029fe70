"""Shard settings (COUNTERPOINT_SHARD_COUNT / _IDS) and which guilds a process owns."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings
from bot.shards import ShardPlan, parse_shard_ids, shard_of

PG = "postgresql://bot@db/counterpoint"


@pytest.mark.parametrize(("text", "ids"), [
    ("0-3", (0, 1, 2, 3)), ("0,2", (0, 2)), ("5", (5,)), (" 4-5 , 0 ", (0, 4, 5)),
    ("0-1,4", (0, 1, 4)),
])
def test_shard_ids_are_numbers_and_ranges(text: str, ids: tuple[int, ...]) -> None:
    assert parse_shard_ids(text) == ids


@pytest.mark.parametrize("text", ["", "a", "3-1", "0,,1", "0-", "-1", "1,1", "0-2,2", "1.5"])
def test_malformed_shard_ids_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_shard_ids(text)


def settings(**env: str) -> Settings:
    return Settings.from_env(env, dotenv=None)


def test_default_is_every_shard_in_one_process() -> None:
    plan = settings().shard_plan
    assert plan == ShardPlan(None, None)
    assert not plan.partial and plan.shard_ids is None and plan.owns(123 << 22)


def test_a_count_alone_runs_every_shard_here() -> None:
    plan = settings(COUNTERPOINT_SHARD_COUNT="4").shard_plan
    assert plan.shard_ids == (0, 1, 2, 3) and not plan.partial


def test_some_shards_own_only_their_guilds() -> None:
    plan = settings(COUNTERPOINT_DATABASE_URL=PG, COUNTERPOINT_SHARD_COUNT="4",
                    COUNTERPOINT_SHARD_IDS="1,3").shard_plan
    assert plan.partial and plan.describe() == "shards 1, 3 of 4"
    for shard in range(4):
        guild_id = (1_000_000 + shard) << 22 | 12345
        assert shard_of(guild_id, 4) == (1_000_000 + shard) % 4
        assert plan.owns(guild_id) == (shard_of(guild_id, 4) in (1, 3))


@pytest.mark.parametrize(("env", "expected"), [
    ({"COUNTERPOINT_SHARD_IDS": "0-1"}, "needs COUNTERPOINT_SHARD_COUNT"),
    ({"COUNTERPOINT_SHARD_COUNT": "2", "COUNTERPOINT_SHARD_IDS": "1-2"}, "shards 0 to 1"),
    ({"COUNTERPOINT_SHARD_COUNT": "0"}, "COUNTERPOINT_SHARD_COUNT='0' is not valid"),
    ({"COUNTERPOINT_SHARD_COUNT": "4", "COUNTERPOINT_SHARD_IDS": "0-1,1"},
     "COUNTERPOINT_SHARD_IDS='0-1,1' is not valid"),
])
def test_inconsistent_shard_settings_are_refused_by_name(env: dict[str, str],
                                                         expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(COUNTERPOINT_DATABASE_URL=PG, **env)
    assert expected in str(caught.value)


def test_sqlite_refuses_a_share_of_the_shards() -> None:
    with pytest.raises(ConfigError) as caught:
        settings(COUNTERPOINT_SHARD_COUNT="4", COUNTERPOINT_SHARD_IDS="0-1")
    message = str(caught.value)
    assert "SQLite" in message and "PostgreSQL" in message and "2 of the 4 shards" in message
    # Every shard in the one process is fine on SQLite.
    assert settings(COUNTERPOINT_SHARD_COUNT="4", COUNTERPOINT_SHARD_IDS="0-3").shard_plan \
        .shard_ids == (0, 1, 2, 3)
