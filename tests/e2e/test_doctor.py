"""``python -m bot doctor`` in a real process against the emulator: every missing permission is
named with its channel, and what is fine says so."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import Emulator
from bot.publishing.port import PERMISSION_LABELS, TEXT_PERMISSIONS
from bot.store import open_store
from tests.e2e.processes import BotProcess

ADMIN = 4242
# What each permission is called on the emulator (and Discord's API) when denied.
FLAGS = {"view_channel": "VIEW_CHANNEL", "send_messages": "SEND_MESSAGES",
         "embed_links": "EMBED_LINKS", "create_public_threads": "CREATE_PUBLIC_THREADS",
         "send_messages_in_threads": "SEND_MESSAGES_IN_THREADS", "attach_files": "ATTACH_FILES"}


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = await Emulator().start()
    yield emulator
    await emulator.stop()


async def doctor(emu: Emulator, database_url: str, folder: Path,
                 **env: str) -> tuple[int, str]:
    process = await BotProcess.start_command(
        [sys.executable, "-m", "tests.e2e.child", "doctor"], folder, {
            "DISCORD_TOKEN": emu.token, "COUNTERPOINT_DATABASE_URL": database_url,
            "COUNTERPOINT_TEST_REST": emu.rest_url, "COUNTERPOINT_TEST_GATEWAY": emu.gateway_url,
            **env})
    code = await process.wait()
    return code, process.output()


async def register_commands(emu: Emulator) -> None:
    """One slash command, as the bot registers them at start."""
    async with aiohttp.ClientSession() as http:
        response = await http.put(
            f"{emu.rest_url}/applications/{emu.application_id}/commands",
            headers={"Authorization": f"Bot {emu.token}"},
            json=[{"name": "feed", "description": "Follow commentary feeds", "type": 1}])
        assert response.status == 200, await response.text()


async def test_doctor_names_each_missing_permission_and_its_channel(
        emu: Emulator, tmp_path: Path) -> None:
    guild = emu.add_guild("Debate Club")
    complete = guild.add_text_channel("complete")
    lacking = {name: guild.add_text_channel(f"no-{name.replace('_', '-')}")
               for name in TEXT_PERMISSIONS}
    summary = guild.add_text_channel("summaries")
    reviews = guild.add_text_channel("reviews")
    for name, channel in lacking.items():
        emu.deny_bot(channel, FLAGS[name])
    emu.deny_bot(summary, "ATTACH_FILES")
    emu.deny_bot(reviews, "EMBED_LINKS")
    database_url = f"sqlite:///{tmp_path / 'doctor.db'}"
    store = await open_store(database_url)
    try:
        for n, channel in enumerate([complete, *lacking.values()]):
            await store.add_subscription(guild.id, channel.id, f"https://feeds.example/{n}.xml",
                                         created_by=ADMIN)
        await store.update_guild_settings(guild.id, summary_channel_id=summary.id)
        # One feed holds its pieces for review, in a channel the bot cannot embed in.
        [first, *_] = await store.list_subscriptions(guild_id=guild.id)
        await store.set_subscription_review_mode(first.id, "on")
        await store.update_guild_settings(guild.id, review_channel_id=reviews.id)
        broken = await store.ensure_feed("https://feeds.example/0.xml")
        await store.record_fetch_failure(broken.id, error="HTTP 503 from feeds.example",
                                         next_poll_at=datetime.now(UTC) + timedelta(hours=1))
    finally:
        await store.close()

    code, output = await doctor(emu, database_url, tmp_path)
    assert code == 1, output
    lines = output.splitlines()
    assert any(line.startswith("✓ Database: sqlite:///") for line in lines), output
    assert any(line.startswith("✓ Token: accepted") for line in lines), output
    assert "✗ Commands: no slash commands registered for all servers" in output
    assert "✓ Debate Club #complete: posts feed https://feeds.example/0.xml: permissions " \
           "complete" in output
    for name, channel in lacking.items():
        label = PERMISSION_LABELS[name]
        [line] = [line for line in lines if f"#{channel.name}:" in line]
        assert line.startswith(f"✗ Debate Club #{channel.name}: posts feed "), line
        # Named first; Discord's own rules may take more with it (no Send Messages: no Embed
        # Links either), and the doctor lists what Discord would refuse.
        assert f"but is missing {label}" in line, line
    assert "✗ Debate Club #summaries: posts the weekly summary, but is missing Attach Files" \
        in output
    assert "→ grant Attach Files to the bot's role in #summaries" in output
    assert "! Feed https://feeds.example/0.xml: failing (1 in a row): HTTP 503" in output
    assert "✗ Debate Club #reviews: holds pieces for review, but is missing Embed Links" \
        in output
    assert f"{len(lacking) + 3} problems found." in output

    # Fixed: the commands registered and every permission granted, all is well.
    await register_commands(emu)
    for channel in [*lacking.values(), summary, reviews]:
        channel.overwrites.clear()
    code, output = await doctor(emu, database_url, tmp_path)
    assert "✓ Commands: 1 registered for all servers: /feed" in output, output
    assert "✗" not in output and output.rstrip().endswith("All good.")
    assert code == 0


async def test_doctor_says_when_discord_refuses_the_token(emu: Emulator, tmp_path: Path) -> None:
    code, output = await doctor(emu, f"sqlite:///{tmp_path / 'd.db'}", tmp_path,
                                DISCORD_TOKEN="not-the-token")
    assert code == 1
    assert "✗ Database: schema version 0" in output  # a fresh file: nothing migrated yet
    assert "✗ Token: Discord refused DISCORD_TOKEN" in output
    assert "→ copy the token again from the developer portal" in output
