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


def test_a_bad_token_names_discord_token_and_what_to_check(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "run", token="not-the-token", emulator_token="the-real-token")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "counterpoint: Discord refused the token in DISCORD_TOKEN (401 Unauthorized), so the "
        "bot cannot log in. Copy the bot's token again from the Discord developer portal (your "
        "application → Bot → Reset Token) into DISCORD_TOKEN in .env or the environment: the "
        "whole token, without quotes, spaces or a \"Bot \" prefix. The application ID, public "
        "key and client secret are not the token."]
    # Nothing else on the way: no voice-support warnings (the bot never joins voice), no
    # library chatter, no traceback.
    assert "voice" not in done.stderr and done.stdout == ""
