"""Message context-menu commands (Apps → name on a message), as Discord has them: registered
with an empty description and no options, at most five per type, any case and spaces in the
name; a member's use arrives as an application command of type 3 with ``target_id`` and the
message in ``resolved.messages``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands

from bot.emulator import Emulator
from bot.emulator.errors import APIError
from bot.emulator.validation import check_commands
from tests.emulator.harness import RunningBot, start_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")

SEEN: dict[str, Any] = {}


def install(bot: discord.ext.commands.AutoShardedBot) -> None:
    @app_commands.context_menu(name="Quote this message")
    async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
        SEEN["quote"] = (message.id, message.content, message.author.id,
                         interaction.data.get("type") if interaction.data else None)
        await interaction.response.send_message(f"quoted {message.id}", ephemeral=True)

    bot.tree.add_command(quote)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def emu() -> AsyncIterator[Emulator]:
    emulator = await Emulator().start()
    yield emulator
    await emulator.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(emu: Emulator) -> AsyncIterator[RunningBot]:
    emu.add_guild("Menus").add_text_channel("general")
    bot = await start_bot(emu, install)
    await bot.bot.tree.sync()
    yield bot
    await bot.stop()


async def put(emu: Emulator, commands: list[dict[str, Any]]) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.put(
            f"{emu.rest_url}/applications/{emu.application_id}/commands", json=commands,
            headers={"Authorization": f"Bot {emu.token}"}) as resp:
        return resp.status, await resp.json()


async def test_a_member_uses_a_message_command_and_the_bot_gets_the_message(
    emu: Emulator, running: RunningBot,
) -> None:
    synced = [c for c in emu.state.acting.global_commands if c["type"] == 3]
    assert [(c["name"], c["description"]) for c in synced] == [("Quote this message", "")]
    guild = next(iter(emu.state.guilds.values()))
    channel = next(c for c in guild.channels.values() if c.name == "general")
    author = guild.add_member("author")
    reader = guild.add_member("reader")
    message = emu.state.create_message(channel, author.user, {"content": "Worth quoting."})
    record = await emu.run_message_command(reader, message, "Quote this message")
    await record.wait_response()
    assert record.callback_type == 4
    assert record.callback_data is not None
    assert record.callback_data["content"] == f"quoted {message.id}"
    assert SEEN["quote"] == (message.id, "Worth quoting.", author.user.id, 3)
    data = record.payload["data"]
    assert data["target_id"] == str(message.id) and data["type"] == 3
    assert record.metadata()["target_message_id"] == str(message.id)
    assert record.metadata()["command_type"] == 3
    with pytest.raises(ValueError, match="no message command"):
        await emu.run_message_command(reader, message, "Not synced")


def refusal(commands: list[dict[str, Any]]) -> str:
    with pytest.raises(APIError) as caught:
        check_commands(commands)
    assert caught.value.status == 400
    return str(caught.value.body())


async def test_context_menus_are_refused_as_discord_refuses_them(
    emu: Emulator, running: RunningBot,
) -> None:
    # Through REST once: the whole list is refused, nothing registered.
    before = list(emu.state.acting.global_commands)
    status, body = await put(emu, [{"type": 3, "name": "Remove it", "description": "no"}])
    assert status == 400 and "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION" in str(body)
    assert emu.state.acting.global_commands == before
    assert "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS" in refusal([
        {"type": 3, "name": "Remove it", "options": [
            {"type": 3, "name": "why", "description": "Why"}]}])
    six = [{"type": 3, "name": f"Menu {n}"} for n in range(6)]
    assert "APPLICATION_COMMANDS_TOO_MANY" in refusal(six)
    assert "APPLICATION_COMMAND_INVALID_NAME" in refusal([{"type": 2, "name": " Padded"}])
    # Five message and five user commands, names in any case with spaces, are fine.
    check_commands([*six[:5], *({"type": 2, "name": f"User {n}"} for n in range(5))])
