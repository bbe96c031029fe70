"""``python -m bot``'s logging: its own records at the configured level, libraries' at WARNING
(text extraction's at ERROR) unless --debug, and no credentials in any line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.logs import EXTRACTION_LIBRARIES, FORMAT, OWN_LOGGERS, configure_logging

NAMES = ("", *OWN_LOGGERS, *EXTRACTION_LIBRARIES, "discord", "aiohttp")


@pytest.fixture
def fresh_logging() -> Iterator[io.StringIO]:
    """The root logger also writing to a buffer; levels restored afterwards."""
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in NAMES}
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def lines(buffer: io.StringIO) -> list[str]:
    return [line.split(" ", 2)[2] for line in buffer.getvalue().splitlines()]


def emit_everything() -> None:
    for name in ("bot.feeds.service", "cogs.feeds", "counterpoint", "discord.gateway",
                 "trafilatura.core"):
        logger = logging.getLogger(name)
        logger.info("%s info", name)
        logger.warning("%s warning", name)
        logger.error("%s error", name)


def test_libraries_are_quiet_unless_debug(fresh_logging: io.StringIO) -> None:
    configure_logging("INFO")
    emit_everything()
    shown = lines(fresh_logging)
    assert "INFO bot.feeds.service: bot.feeds.service info" in shown
    assert "INFO cogs.feeds: cogs.feeds info" in shown
    assert "INFO counterpoint: counterpoint info" in shown
    assert not any("discord.gateway info" in line for line in shown)
    assert "WARNING discord.gateway: discord.gateway warning" in shown
    assert not any("trafilatura.core warning" in line for line in shown)
    assert "ERROR trafilatura.core: trafilatura.core error" in shown


def test_debug_shows_every_library_at_the_level(fresh_logging: io.StringIO) -> None:
    configure_logging("INFO", debug=True)
    emit_everything()
    shown = lines(fresh_logging)
    assert "INFO discord.gateway: discord.gateway info" in shown
    assert "INFO trafilatura.core: trafilatura.core info" in shown


def test_credentials_are_masked_in_every_line(fresh_logging: io.StringIO) -> None:
    configure_logging("INFO")
    logging.getLogger("cogs.feeds").warning("poll of %s failed",
                                            "https://reader:s3cret@example.com/feed")
    logging.getLogger("aiohttp.client").error("GET https://example.com/f?token=abc: 500")
    assert lines(fresh_logging) == [
        "WARNING cogs.feeds: poll of https://***@example.com/feed failed",
        "ERROR aiohttp.client: GET https://example.com/f?token=***: 500"]


def test_json_lines_for_log_collectors(fresh_logging: io.StringIO) -> None:
    configure_logging("INFO", log_format="json")
    log = logging.getLogger("cogs.feeds")
    log.warning("poll of %s failed\nsecond line", "https://reader:s3cret@example.com/feed")
    try:
        raise RuntimeError("GET https://example.com/f?token=abc refused")
    except RuntimeError:
        log.exception("publishing failed")
    logging.getLogger("discord.gateway").info("library chatter")
    records = [json.loads(line) for line in fresh_logging.getvalue().splitlines()]
    assert [(r["level"], r["logger"], r["message"]) for r in records] == [
        ("WARNING", "cogs.feeds", "poll of https://***@example.com/feed failed\nsecond line"),
        ("ERROR", "cogs.feeds", "publishing failed")]
    assert datetime.fromisoformat(records[0]["time"]).tzinfo is not None
    assert "traceback" not in records[0]
    assert records[1]["traceback"].startswith("Traceback (most recent call last):")
    assert "token=***" in records[1]["traceback"] and "abc" not in records[1]["traceback"]
