"""Settings from the environment (and a ``.env`` file), validated once at start.

Every setting is read here and nowhere else, so a bad value is reported by name before the
bot touches Discord or the database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from bot.debate.rules import DEFAULT_MAX_LENGTH, DEFAULT_MIN_LENGTH
from bot.shards import MAX_SHARDS, ShardPlan, parse_shard_ids

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable and what it expects."""


def _bool(value: str | None) -> bool:
    lowered = (value or "").lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(value)


def _whole_number(low: int, high: int | None = None) -> Callable[[str | None], int]:
    def convert(value: str | None) -> int:
        number = int(value or "")
        if number < low or (high is not None and number > high):
            raise ValueError(value)
        return number
    return convert


def _optional_snowflake(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise ValueError(value)
    return int(value)


def _database_url(value: str | None) -> str:
    if not value or not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ValueError(value)
    return value


def _one_of(choices: tuple[str, ...]) -> Callable[[str | None], str]:
    """A parser accepting one of ``choices`` in any case, returned as the choice is written."""
    by_key = {choice.casefold(): choice for choice in choices}

    def convert(value: str | None) -> str:
        if (value or "").casefold() not in by_key:
            raise ValueError(value)
        return by_key[(value or "").casefold()]
    return convert


def parse_address(text: str) -> tuple[str, int]:
    """``host:port`` or ``port`` (bound to 127.0.0.1); ``ValueError`` otherwise."""
    host, _, port = text.rpartition(":")
    number = int(port)
    if not 0 <= number <= 65535:
        raise ValueError(text)
    return (host.strip("[]") or "127.0.0.1"), number


def _metrics_address(value: str | None) -> str | None:
    if not value:
        return None
    parse_address(value)
    return value


def _optional_shard_count(value: str | None) -> int | None:
    if value is None:
        return None
    return _whole_number(1, MAX_SHARDS)(value)


def _optional_shard_ids(value: str | None) -> tuple[int, ...] | None:
    return None if value is None else parse_shard_ids(value)


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable and the ``Settings`` field it fills, declared together."""

    variable: str
    default: str | None
    help: str
    #: Turns the text (``None`` when unset and without a default) into the field's value;
    #: raises ``ValueError`` or ``TypeError`` on a bad value.
    convert: Callable[[str | None], Any]
    #: What ``convert`` accepts, for the error that names a bad value.
    expected: str

    def read(self, text: str | None) -> Any:
        try:
            return self.convert(text)
        except (ValueError, TypeError):
            raise ConfigError(f"{self.variable}={text!r} is not valid: expected "
                              f"{self.expected}.") from None


def _setting(variable: str, default: str | None, help: str,
             convert: Callable[[str | None], Any] = lambda text: text,
             expected: str = "text") -> Any:
    return field(metadata={"setting": Setting(variable, default, help, convert, expected)})


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str | None = _setting(
        "DISCORD_TOKEN", None, "The bot token from the Discord developer portal (needed by `run`).")
    database_url: str = _setting(
        "COUNTERPOINT_DATABASE_URL", "sqlite:///counterpoint.db",
        "Where the debate record lives: sqlite:///path.db (default) or postgresql://...",
        _database_url, "a URL starting sqlite:/// or postgresql://")
    allow_private_addresses: bool = _setting(
        "COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES", "false",
        "Let feeds live on loopback/private addresses (tests, private deployments). "
        "Off by default so a feed URL cannot probe your network.",
        _bool, "true or false")
    poll_interval_minutes: int = _setting(
        "COUNTERPOINT_POLL_INTERVAL_MINUTES", "15",
        "How often each feed is fetched, in minutes (at least 5).",
        _whole_number(5), "a whole number of minutes, 5 or more")
    feed_limit: int = _setting(
        "COUNTERPOINT_FEED_LIMIT", "50", "How many feeds one server may follow.",
        _whole_number(1), "a whole number, 1 or more")
    min_counter_length: int = _setting(
        "COUNTERPOINT_MIN_COUNTER_LENGTH", str(DEFAULT_MIN_LENGTH),
        f"Shortest counterargument or rebuttal accepted, in characters "
        f"(at most {DEFAULT_MAX_LENGTH}).",
        _whole_number(1, DEFAULT_MAX_LENGTH), f"a whole number from 1 to {DEFAULT_MAX_LENGTH}")
    dev_guild_id: int | None = _setting(
        "COUNTERPOINT_DEV_GUILD_ID", None,
        "Sync slash commands to this one server only (instant, for development).",
        _optional_snowflake, "a server id (digits only)")
    log_level: str = _setting(
        "COUNTERPOINT_LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING, ERROR or CRITICAL.",
        _one_of(_LOG_LEVELS), " or ".join(_LOG_LEVELS))
    metrics_address: str | None = _setting(
        "COUNTERPOINT_METRICS_ADDRESS", None,
        "Serve /healthz and /metrics (Prometheus) here: host:port, or a port alone for "
        "127.0.0.1. Off when empty.",
        _metrics_address, "host:port or a port number")
    log_format: str = _setting(
        "COUNTERPOINT_LOG_FORMAT", "text",
        "text (default: one line a record) or json (one JSON object a line, for log "
        "collectors such as journald, Loki or a container platform).",
        _one_of(LOG_FORMATS), "text or json")

    shard_count: int | None = _setting(
        "COUNTERPOINT_SHARD_COUNT", None,
        "How many shards the bot's gateway connection is split into, across all its "
        "processes. Unset: Discord's recommendation, all in this process.",
        _optional_shard_count, f"a whole number from 1 to {MAX_SHARDS}")
    shard_ids: tuple[int, ...] | None = _setting(
        "COUNTERPOINT_SHARD_IDS", None,
        "The shards this process connects, e.g. 0-3 or 0,2 (needs COUNTERPOINT_SHARD_COUNT). "
        "Unset: all of them.",
        _optional_shard_ids, "shard numbers and ranges, such as 0-3 or 0,2,5-7")

    def __post_init__(self) -> None:
        check_shards(self)

    @classmethod
    def specs(cls) -> list[tuple[str, Setting]]:
        return [(f.name, f.metadata["setting"]) for f in fields(cls)]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *,
                 dotenv: Path | None = Path(".env")) -> Settings:
        """Read settings from ``env`` (default: ``os.environ``) over a ``.env`` file.

        The real environment wins over ``.env``, as python-dotenv does by default.
        """
        merged: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            merged.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        merged.update(os.environ if env is None else env)

        def raw(spec: Setting) -> str | None:
            value = merged.get(spec.variable)
            return spec.default if value is None or value.strip() == "" else value.strip()

        return cls(**{name: spec.read(raw(spec)) for name, spec in cls.specs()})

    @property
    def shard_plan(self) -> ShardPlan:
        """The shards this process runs, and how it tells whether a guild is one of its own."""
        return ShardPlan(self.shard_count, self.shard_ids)

    def require_token(self) -> str:
        if not self.discord_token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put the bot token from the Discord developer portal "
                "in the environment or in .env (see .env.example). `python -m bot sandbox` runs "
                "without one.")
        return self.discord_token


def check_shards(settings: Settings) -> None:
    """The shard settings agree with each other and with the database, or ``ConfigError``."""
    count, ids = settings.shard_count, settings.shard_ids
    if ids is None:
        return
    if count is None:
        raise ConfigError(
            f"COUNTERPOINT_SHARD_IDS={_ranges(ids)} needs COUNTERPOINT_SHARD_COUNT: the total "
            "number of shards across all the bot's processes.")
    beyond = [shard for shard in ids if shard >= count]
    if beyond:
        raise ConfigError(
            f"COUNTERPOINT_SHARD_IDS={_ranges(ids)} names shard {beyond[0]}, but "
            f"COUNTERPOINT_SHARD_COUNT={count} means shards 0 to {count - 1}.")
    if len(ids) < count and settings.database_url.startswith("sqlite:"):
        raise ConfigError(
            f"COUNTERPOINT_SHARD_IDS={_ranges(ids)} runs {len(ids)} of the {count} shards in "
            "this process, so other processes must run the rest on the same database, and "
            "SQLite (COUNTERPOINT_DATABASE_URL=sqlite:///...) is one process's file. Use "
            "PostgreSQL for several processes (see \"Moving to PostgreSQL\" in the README), or "
            "leave COUNTERPOINT_SHARD_IDS unset to run every shard here.")


def _ranges(ids: tuple[int, ...]) -> str:
    return ",".join(str(i) for i in ids)
