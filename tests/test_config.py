from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.debate.rules import DEFAULT_MAX_LENGTH
from tests.conftest import REPO_ROOT


def test_defaults_need_nothing() -> None:
    settings = Settings.from_env({}, dotenv=None)
    assert settings.database_url == "sqlite:///counterpoint.db"
    assert settings.poll_interval_minutes == 15
    assert settings.min_counter_length == 40
    assert settings.allow_private_addresses is False
    assert settings.discord_token is None


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("COUNTERPOINT_POLL_INTERVAL_MINUTES", "4", "5 or more"),
        ("COUNTERPOINT_POLL_INTERVAL_MINUTES", "soon", "whole number"),
        ("COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES", "maybe", "true or false"),
        ("COUNTERPOINT_DATABASE_URL", "mysql://x", "sqlite:///"),
        ("COUNTERPOINT_MIN_COUNTER_LENGTH", "5000", "1 to 1800"),
        ("COUNTERPOINT_DEV_GUILD_ID", "guild-7", "digits"),
        ("COUNTERPOINT_LOG_LEVEL", "LOUD", "DEBUG"),
        ("COUNTERPOINT_LOG_FORMAT", "xml", "text or json"),
    ],
)
def test_bad_value_names_variable_and_expectation(variable: str, value: str,
                                                  expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({variable: value}, dotenv=None)
    message = str(caught.value)
    assert message.startswith(f"{variable}={value!r}")
    assert expected in message


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("COUNTERPOINT_FEED_LIMIT=7\nCOUNTERPOINT_LOG_LEVEL=debug\n")
    settings = Settings.from_env({"COUNTERPOINT_FEED_LIMIT": "9"}, dotenv=dotenv)
    assert settings.feed_limit == 9
    assert settings.log_level == "DEBUG"


def test_missing_token_is_explained() -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        Settings.from_env({}, dotenv=None).require_token()


def test_every_setting_is_documented() -> None:
    example = (REPO_ROOT / ".env.example").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    for _, spec in Settings.specs():
        assert f"\n{spec.variable}=" in example, spec.variable
        assert f"`{spec.variable}`" in readme, spec.variable


def test_counter_length_is_bounded_by_the_debate_rules_limit() -> None:
    variable = "COUNTERPOINT_MIN_COUNTER_LENGTH"
    settings = Settings.from_env({variable: str(DEFAULT_MAX_LENGTH)}, dotenv=None)
    assert settings.min_counter_length == DEFAULT_MAX_LENGTH
    with pytest.raises(ConfigError, match=f"1 to {DEFAULT_MAX_LENGTH}"):
        Settings.from_env({variable: str(DEFAULT_MAX_LENGTH + 1)}, dotenv=None)


def test_each_declaration_reads_its_own_default() -> None:
    defaults = Settings.from_env({}, dotenv=None)
    for name, spec in Settings.specs():
        assert getattr(defaults, name) == spec.read(spec.default), spec.variable
