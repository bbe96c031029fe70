"""``python -m bot run`` as a real process, pointed at an emulator: a bot that cannot start
says why on stderr and exits with status 1, instead of a traceback or a process that hangs."""

from __future__ import annotations

from pathlib import Path

from tests.cli.runner import BROKEN_COG, run_cli


def test_refused_commands_end_the_run_with_the_reason_and_status_1(tmp_path: Path) -> None:
    (tmp_path / "broken_cog.py").write_text(BROKEN_COG)
    done = run_cli(tmp_path, "run", extra_cogs="broken_cog")
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("counterpoint: "))
    assert lines[start] == (
        "counterpoint: Discord refused the bot's slash commands, so it cannot start. Failed "
        "to upload commands to Discord (HTTP status 400, error code 50035)")
    assert "    description: Must be between 1 and 100 in length." in lines[start:]
    assert "Traceback" not in done.stderr
