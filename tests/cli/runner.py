"""Run the command line in a real child process, pointed at an emulator in that process.

A real process because what is being tested is how the program ends: its exit status, what
it prints, and that nothing left running (the store's threads, say) keeps it alive."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

#: Runs in the child: with ``EMULATOR_TOKEN`` set, an emulator on its own thread and event
#: loop with discord.py pointed at it; ``EXTRA_COGS`` adds extensions (modules in the cwd);
#: then the real command line with the child's arguments.
RUNNER = textwrap.dedent("""
    import asyncio, os, sys, threading

    from bot.emulator import Emulator

    def serve(started: threading.Event, emulators: list[Emulator]) -> None:
        async def main() -> None:
            emu = await Emulator(token=os.environ["EMULATOR_TOKEN"]).start()
            emu.add_guild("Debate Club")
            emulators.append(emu)
            started.set()
            await asyncio.Event().wait()
        asyncio.run(main())

    if os.environ.get("EMULATOR_TOKEN"):
        started, emulators = threading.Event(), []
        threading.Thread(target=serve, args=(started, emulators), daemon=True).start()
        started.wait()
        emulators[0].point_discord_py_here()

    import bot.client
    extra = tuple(filter(None, os.environ.get("EXTRA_COGS", "").split(",")))
    bot.client.COGS = (*bot.client.COGS, *extra)
    from bot.__main__ import main
    sys.exit(main(sys.argv[1:]))
""")

BROKEN_COG = textwrap.dedent("""
    import discord
    from discord import app_commands
    from discord.ext import commands


    class Broken(commands.Cog):
        group = app_commands.Group(name="broken", description="A group")

        # One character over Discord's limit: the whole command upload is refused.
        @group.command(name="sub", description="d" * 101)
        async def sub(self, interaction: discord.Interaction) -> None:
            pass


    async def setup(bot: commands.Bot) -> None:
        await bot.add_cog(Broken())
""")


def child_env(tmp_path: Path, *, token: str = "emulator-token",
              emulator_token: str | None = "emulator-token", extra_cogs: str = "",
              env: dict[str, str] | None = None) -> dict[str, str]:
    """A clean environment (none of the caller's COUNTERPOINT_ or DISCORD_ variables) with a
    database in ``tmp_path``, ``DISCORD_TOKEN=token``, and an emulator accepting
    ``emulator_token`` (``None``: no emulator, as ``sandbox`` brings its own and ``preview``
    needs none); ``env`` adds or replaces variables."""
    child = {k: v for k, v in os.environ.items()
             if not k.startswith(("COUNTERPOINT_", "DISCORD_"))}
    return child | {"DISCORD_TOKEN": token, "EMULATOR_TOKEN": emulator_token or "",
                    "EXTRA_COGS": extra_cogs,
                    "COUNTERPOINT_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
                    **(env or {})}


def run_cli(tmp_path: Path, *argv: str, **options: Any) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGV`` in ``tmp_path``, environment from :func:`child_env`."""
    try:
        return subprocess.run([sys.executable, "-c", RUNNER, *argv], cwd=tmp_path,
                              env=child_env(tmp_path, **options), capture_output=True,
                              text=True, timeout=300)
    except subprocess.TimeoutExpired as hung:  # pragma: no cover - the failure being tested
        raise AssertionError(f"the bot's process hung: {hung.stderr!r}") from None


async def run_cli_async(tmp_path: Path, *argv: str, **options: Any) -> tuple[int, str, str]:
    """:func:`run_cli` for a test whose event loop serves what the child reads (a blocking
    wait would stall that server)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUNNER, *argv, cwd=tmp_path, env=child_env(tmp_path, **options),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), 300)
    except TimeoutError:  # pragma: no cover - the failure being tested
        process.kill()
        await process.wait()
        raise AssertionError("the bot's process hung") from None
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
