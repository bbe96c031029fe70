"""``summary`` on the command line: from the store, without Discord."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.store import Store
from bot.summaries.cli import add_summary_command
from bot.summaries.weeks import last_complete_week
from tests.summaries.helpers import GUILD, debate_week


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="counterpoint")
    add_summary_command(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["summary", *argv])


async def run(store_url: str, *argv: str) -> int:
    args = parse(*argv)
    settings = Settings.from_env({"COUNTERPOINT_DATABASE_URL": store_url}, dotenv=None)
    return await args.handler(args, settings)


async def test_markdown_to_stdout(store: Store, store_url: str, capsys) -> None:
    await debate_week(store)
    assert await run(store_url, "--guild", str(GUILD), "--week", "2026-W47") == 0
    out = capsys.readouterr().out
    assert out.startswith("# Weekly summary · 2026-W47\n\nMon 16 Nov – Sun 22 Nov 2026 · "
                          "Europe/London\n")
    assert "**2 pieces · 18 votes ·" in out


async def test_json_csv_and_png_files(store: Store, store_url: str, tmp_path: Path,
                                      capsys) -> None:
    await debate_week(store)
    target = tmp_path / "s.json"
    assert await run(store_url, "--guild", str(GUILD), "--week", "2026w47", "--format",
                     "json", "--out", str(target), "--timezone", "UTC") == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["timezone"] == "UTC" and data["figures"]["votes"] == 18
    assert "Wrote the 2026-W47 summary" in capsys.readouterr().err

    assert await run(store_url, "--guild", str(GUILD), "--week", "2026-W47",
                     "--format", "csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and lines[0].startswith("iso_week,piece_index,")

    png = tmp_path / "chart.png"
    assert await run(store_url, "--guild", str(GUILD), "--week", "2026-W47",
                     "--format", "png", "--out", str(png)) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def test_default_week_is_the_last_complete_one(store_url: str, capsys) -> None:
    assert await run(store_url, "--guild", "7") == 0
    week = last_complete_week(datetime.now(UTC), "UTC")
    out = capsys.readouterr().out
    assert out.startswith(f"# Weekly summary · {week}\n")
    assert "A quiet week" in out


@pytest.mark.parametrize(("argv", "message"), [
    (("--week", "2026-47"), "counterpoint: a week looks like 2026-W47 (year, W, week "
                            "number), not '2026-47'"),
    (("--week", "2025-W53"), "counterpoint: 2025 has no ISO week 53"),
    (("--timezone", "Mars/Olympus"), "counterpoint: unknown time zone 'Mars/Olympus': use "
                                     "an IANA name like Europe/London"),
    (("--format", "png"), "counterpoint: --format png writes an image: add --out FILE "
                          "(e.g. --out summary.png)"),
])
async def test_bad_input_is_one_clear_line(store_url: str, capsys, argv: tuple[str, ...],
                                           message: str) -> None:
    assert await run(store_url, "--guild", str(GUILD), *argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == message + "\n"
